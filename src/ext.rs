//! Conveniences on the generated types: constructors for what requests need, accessors for what
//! users read off responses. No parallel types: everything here returns or reads generated ones.

use std::borrow::Cow;

use base64::Engine;

use crate::{
    Error,
    error::ApiError,
    types::{
        AssistantMessage, AudioPart, AudioPartType, ChatResponse, Choice, Content, ContentPart, ErrorBody,
        FinishReason, ImagePart, ImagePartType, ImageUrl, InputAudio, KnownFinishReason, MediaUrl, NamedFunction,
        NamedToolChoice, NamedToolChoiceType, Stop, TextPart, TextPartType, ToolCall, ToolChoice, ToolChoiceMode,
        Usage, VideoUrlPart, VideoUrlPartType,
    },
};

impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Content::String(text.to_owned())
    }
}

impl From<String> for Content {
    fn from(text: String) -> Self {
        Content::String(text)
    }
}

impl From<&str> for Stop {
    fn from(stop: &str) -> Self {
        Stop::String(stop.to_owned())
    }
}

impl ContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        ContentPart::TextPart(TextPart { cache_control: None, text: text.into(), type_: TextPartType::Text })
    }

    /// An image by URL (`https://...` or a `data:` URL).
    pub fn image_url(url: impl Into<String>) -> Self {
        ContentPart::ImagePart(ImagePart {
            image_url: ImageUrl { detail: None, url: url.into() },
            type_: ImagePartType::ImageUrl,
        })
    }

    /// An image from its bytes, sent inline as a base64 `data:` URL (`mime` like `image/png`).
    pub fn image_bytes(mime: &str, bytes: &[u8]) -> Self {
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        Self::image_url(format!("data:{mime};base64,{data}"))
    }

    /// Audio from its bytes (`format` like `wav` or `mp3`), sent inline as base64.
    pub fn audio(format: impl Into<String>, bytes: &[u8]) -> Self {
        ContentPart::AudioPart(AudioPart {
            input_audio: InputAudio {
                data: base64::engine::general_purpose::STANDARD.encode(bytes),
                format: format.into(),
            },
            type_: AudioPartType::InputAudio,
        })
    }

    /// A video by URL.
    pub fn video_url(url: impl Into<String>) -> Self {
        ContentPart::VideoUrlPart(VideoUrlPart {
            type_: VideoUrlPartType::VideoUrl,
            video_url: MediaUrl { url: url.into() },
        })
    }
}

impl ToolChoice {
    /// The model decides whether to call a tool.
    pub fn auto() -> Self {
        ToolChoice::Mode(ToolChoiceMode::Auto)
    }

    /// The model must not call a tool.
    pub fn none() -> Self {
        ToolChoice::Mode(ToolChoiceMode::None)
    }

    /// The model must call some tool.
    pub fn required() -> Self {
        ToolChoice::Mode(ToolChoiceMode::Required)
    }

    /// The model must call the function `name`.
    pub fn function(name: impl Into<String>) -> Self {
        ToolChoice::NamedToolChoice(NamedToolChoice {
            function: NamedFunction { name: name.into() },
            type_: NamedToolChoiceType::Function,
        })
    }
}

impl Content {
    /// The text: the string itself, or the text parts joined (other parts skipped).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Content::String(text) => Cow::Borrowed(text),
            Content::Array(parts) => {
                let texts: Vec<&str> = parts
                    .iter()
                    .filter_map(|p| match p {
                        ContentPart::TextPart(t) => Some(t.text.as_str()),
                        _ => None,
                    })
                    .collect();
                match texts.as_slice() {
                    [one] => Cow::Borrowed(one),
                    _ => Cow::Owned(texts.concat()),
                }
            }
        }
    }
}

impl AssistantMessage {
    /// The message's text (empty when the model only called tools).
    pub fn text(&self) -> Cow<'_, str> {
        self.content.as_ref().map_or(Cow::Borrowed(""), Content::text)
    }
}

impl FinishReason {
    /// Whether the model stopped naturally (`stop`).
    pub fn is_stop(&self) -> bool {
        matches!(self, FinishReason::Known(KnownFinishReason::Stop))
    }

    /// Whether the model stopped to call tools (`tool_calls`).
    pub fn is_tool_calls(&self) -> bool {
        matches!(self, FinishReason::Known(KnownFinishReason::ToolCalls))
    }

    /// Whether the output was cut at the token limit (`length`).
    pub fn is_length(&self) -> bool {
        matches!(self, FinishReason::Known(KnownFinishReason::Length))
    }
}

impl ChatResponse {
    /// The first choice, if any.
    pub fn first_choice(&self) -> Option<&Choice> {
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
            Some(Content::String(text)) => text,
            other => other.map(|content| content.text().into_owned()).unwrap_or_default(),
        })
    }

    /// The tool calls of the first choice.
    pub fn tool_calls(&self) -> &[ToolCall] {
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

    /// Why the first choice stopped. Unknown reasons are kept: `FinishReason::Unknown(raw)`.
    pub fn finish_reason(&self) -> Option<&FinishReason> {
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
    pub fn usage(&self) -> Option<&Usage> {
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
