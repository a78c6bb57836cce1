//! Conveniences on the generated types: constructors for what requests need, accessors for what
//! users read off responses. No parallel types: everything here returns or reads generated ones.

use std::borrow::Cow;

use base64::Engine;

use serde_json::json;

use crate::{
    Error,
    error::ApiError,
    types::{
        ChatAssistantMessage, ChatAssistantMessageContent, ChatChoice, ChatContentPart, ChatContentText,
        ChatDeveloperMessageContent, ChatFinishReason, ChatRequestStop, ChatResponse, ChatSystemMessageContent,
        ChatToolCall, ChatToolChoice, ChatToolChoiceMode, ChatToolMessageContent, ChatUsage, ChatUserMessageContent,
        ErrorBody, KnownChatFinishReason,
    },
};

/// Message contents: built from text (typify converts from parts), and read back as text.
macro_rules! content {
    ($($content:ident of $part:ident => $text:expr),* $(,)?) => {$(
        impl From<&str> for $content {
            fn from(text: &str) -> Self {
                $content::String(text.to_owned())
            }
        }

        impl From<String> for $content {
            fn from(text: String) -> Self {
                $content::String(text)
            }
        }

        impl $content {
            /// The text: the string itself, or the text parts joined (other parts skipped).
            pub fn text(&self) -> Cow<'_, str> {
                match self {
                    $content::String(text) => Cow::Borrowed(text),
                    $content::Array(parts) => {
                        let texts: Vec<&str> = parts.iter().filter_map($text).collect();
                        match texts.as_slice() {
                            [one] => Cow::Borrowed(one),
                            _ => Cow::Owned(texts.concat()),
                        }
                    }
                }
            }
        }
    )*};
}

fn part_text(part: &ChatContentPart) -> Option<&str> {
    match part {
        ChatContentPart::Text(t) => Some(t.text.as_str()),
        _ => None,
    }
}

content! {
    ChatUserMessageContent of ChatContentPart => part_text,
    ChatAssistantMessageContent of ChatContentPart => part_text,
    ChatToolMessageContent of ChatContentPart => part_text,
    ChatSystemMessageContent of ChatContentText => |t: &ChatContentText| Some(t.text.as_str()),
    ChatDeveloperMessageContent of ChatContentText => |t: &ChatContentText| Some(t.text.as_str()),
}

impl From<&str> for ChatRequestStop {
    fn from(stop: &str) -> Self {
        ChatRequestStop::String(stop.to_owned())
    }
}

pub(crate) use crate::structured::from_json;

impl ChatContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        from_json(json!({"type": "text", "text": text.into()}))
    }

    /// An image by URL (`https://...` or a `data:` URL).
    pub fn image_url(url: impl Into<String>) -> Self {
        from_json(json!({"type": "image_url", "image_url": {"url": url.into()}}))
    }

    /// An image from its bytes, sent inline as a base64 `data:` URL (`mime` like `image/png`).
    pub fn image_bytes(mime: &str, bytes: &[u8]) -> Self {
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        Self::image_url(format!("data:{mime};base64,{data}"))
    }

    /// Audio from its bytes (`format` like `wav` or `mp3`), sent inline as base64.
    pub fn audio(format: impl Into<String>, bytes: &[u8]) -> Self {
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        from_json(json!({"type": "input_audio", "input_audio": {"data": data, "format": format.into()}}))
    }

    /// A video by URL.
    pub fn video_url(url: impl Into<String>) -> Self {
        from_json(json!({"type": "video_url", "video_url": {"url": url.into()}}))
    }
}

impl ChatToolChoice {
    /// The model decides whether to call a tool.
    pub fn auto() -> Self {
        ChatToolChoice::Mode(ChatToolChoiceMode::Auto)
    }

    /// The model must not call a tool.
    pub fn none() -> Self {
        ChatToolChoice::Mode(ChatToolChoiceMode::None)
    }

    /// The model must call some tool.
    pub fn required() -> Self {
        ChatToolChoice::Mode(ChatToolChoiceMode::Required)
    }

    /// The model must call the function `name`.
    pub fn function(name: impl Into<String>) -> Self {
        from_json(json!({"type": "function", "function": {"name": name.into()}}))
    }
}

impl ChatAssistantMessage {
    /// The message's text (empty when the model only called tools).
    pub fn text(&self) -> Cow<'_, str> {
        self.content.as_ref().map_or(Cow::Borrowed(""), ChatAssistantMessageContent::text)
    }
}

impl ChatFinishReason {
    /// Whether the model stopped naturally (`stop`).
    pub fn is_stop(&self) -> bool {
        matches!(self, ChatFinishReason::Known(KnownChatFinishReason::Stop))
    }

    /// Whether the model stopped to call tools (`tool_calls`).
    pub fn is_tool_calls(&self) -> bool {
        matches!(self, ChatFinishReason::Known(KnownChatFinishReason::ToolCalls))
    }

    /// Whether the output was cut at the token limit (`length`).
    pub fn is_length(&self) -> bool {
        matches!(self, ChatFinishReason::Known(KnownChatFinishReason::Length))
    }
}

impl ChatResponse {
    /// The first choice, if any.
    pub fn first_choice(&self) -> Option<&ChatChoice> {
        self.choices.first()
    }

    /// The answer: the first choice's text.
    ///
    /// Fails when there is no choice, or when the provider failed mid-generation and put an
    /// error on the choice (HTTP 200, `finish_reason: error`).
    pub fn text(&self) -> Result<Cow<'_, str>, Error> {
        let choice = self.first_choice().ok_or_else(|| Error::Decode {
            status: 200,
            message: "the response has no choices".into(),
            body: String::new(),
        })?;
        if let Some(error) = &choice.error {
            let mut error = ApiError::from_error_body(200, error.clone());
            error.generation_id = Some(self.id.clone());
            error.partial_text = Some(choice.message.text().into_owned());
            return Err(Error::Api(Box::new(error)));
        }
        Ok(choice.message.text())
    }

    /// The answer, moved out of the response: [`ChatResponse::text`] without copying it, which
    /// matters for outputs of megabytes.
    pub fn into_text(mut self) -> Result<String, Error> {
        self.text().map(drop)?;
        let message = self.choices.swap_remove(0).message;
        Ok(match message.content {
            Some(ChatAssistantMessageContent::String(text)) => text,
            other => other.map(|content| content.text().into_owned()).unwrap_or_default(),
        })
    }

    /// The tool calls of the first choice.
    pub fn tool_calls(&self) -> &[ChatToolCall] {
        self.first_choice().map_or(&[], |c| &c.message.tool_calls)
    }

    /// The reasoning text of the first choice, if the model returned any.
    pub fn reasoning(&self) -> Option<&str> {
        self.first_choice()?.message.reasoning.as_deref()
    }

    /// The refusal of the first choice, if the model refused.
    pub fn refusal(&self) -> Option<&str> {
        self.first_choice()?.message.refusal.as_deref()
    }

    /// Why the first choice stopped. Unknown reasons are kept: `ChatFinishReason::Unknown(raw)`.
    pub fn finish_reason(&self) -> Option<&ChatFinishReason> {
        self.first_choice()?.finish_reason.as_ref()
    }

    /// The provider's own finish reason for the first choice (`end_turn`, `MAX_TOKENS`, ...).
    pub fn native_finish_reason(&self) -> Option<&str> {
        self.first_choice()?.native_finish_reason.as_deref()
    }

    /// The error a provider put on the first choice, if any.
    pub fn choice_error(&self) -> Option<&ErrorBody> {
        self.first_choice()?.error.as_ref()
    }

    /// Token counts and cost.
    pub fn usage(&self) -> Option<&ChatUsage> {
        self.usage.as_ref()
    }

    /// What the request cost, in credits (USD), when OpenRouter reported it.
    pub fn cost(&self) -> Option<f64> {
        self.usage.as_ref()?.cost
    }

    /// The generation id (`gen-...`), for OpenRouter's generation lookup.
    pub fn generation_id(&self) -> &str {
        &self.id
    }
}
