//! Streamed chat completions: a typed `Stream` of the generated chunk type, and the accumulator
//! that turns chunks back into the response the non-streaming endpoint would have returned.

use std::borrow::Cow;

use futures_core::Stream;
use futures_util::FutureExt;
use serde::{Deserialize, de::IgnoredAny};
use serde_json::{Map, Value, json};

use crate::{
    Error,
    error::ApiError,
    events::{EventStream, Item, Progress, StreamEvent},
    types::{ChatResponse, ChatStreamChunk, ReasoningDetail},
};

/// A streamed chat completion: `Stream<Item = Result<ChatStreamChunk, Error>>`.
///
/// It ends after `data: [DONE]` (and the body's end, read so that the connection is reused). A
/// chunk carrying an `error`, or an error event without chunk fields, ends it with [`Error::Api`];
/// a connection that ends before every choice has finished, or a total timeout that runs out,
/// ends it with [`Error::StreamTruncated`]; no bytes for the idle timeout ends it with
/// [`Error::StreamIdleTimeout`]. Each carries the text received so far. See [`EventStream`] for
/// the rules every stream shares.
///
/// ```no_run
/// use futures_util::StreamExt;
/// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
/// let mut stream = client.chat("openai/gpt-4o-mini").user("Count to 5").stream().await?;
/// while let Some(chunk) = stream.next().await {
///     for choice in chunk?.choices {
///         print!("{}", choice.delta.content.unwrap_or_default());
///     }
/// }
/// # Ok(()) }
/// ```
pub type ChatStream = EventStream<ChatStreamChunk>;

impl crate::events::sealed::Sealed for ChatStreamChunk {}
impl StreamEvent for ChatStreamChunk {
    type Progress = ChatStreamAccumulator;
}

impl Progress<ChatStreamChunk> for ChatStreamAccumulator {
    // Chat's `[DONE]` is its end, whether or not every choice said why it finished.
    const DONE_COMPLETES: bool = true;

    fn push(&mut self, chunk: &ChatStreamChunk) -> Option<Error> {
        ChatStreamAccumulator::push(self, chunk);
        let body = chunk.error.clone()?;
        let mut error = ApiError::from_error_body(200, body);
        error.generation_id = Some(chunk.id.clone());
        Some(Error::Api(Box::new(error)))
    }

    fn is_complete(&self) -> bool {
        ChatStreamAccumulator::is_complete(self)
    }

    fn push_text_event<'a>(&mut self, data: &'a [u8]) -> Option<Cow<'a, str>> {
        // The first chunk fills the head the same way; after it, a chunk that carries no more
        // than the text of choice 0 (repeated head fields, a role, nulls) is read for that text.
        if self.head.is_empty() {
            return None;
        }
        let chunk: TextChunk = serde_json::from_slice(data).ok()?;
        let unseen = |key: &str, sent: &Option<IgnoredAny>| sent.is_some() && !self.head.contains_key(key);
        if unseen("created", &chunk.created)
            || unseen("provider", &chunk.provider)
            || unseen("system_fingerprint", &chunk.system_fingerprint)
            || unseen("service_tier", &chunk.service_tier)
        {
            return None;
        }
        let (choice,) = chunk.choices;
        let not_null = [&choice.finish_reason, &choice.native_finish_reason, &choice.logprobs, &choice.error];
        let delta = choice.delta;
        if choice.index != 0
            || not_null.iter().any(|v| v.is_some())
            || delta.reasoning.is_some()
            || delta.refusal.is_some()
        {
            return None;
        }
        let parts = choice_at(&mut self.choices, 0);
        parts.index_sent = true;
        parts.content.push_str(&delta.content);
        parts.has_content = true;
        Some(delta.content)
    }

    fn partial_text(&self) -> String {
        self.text(0)
    }

    fn id(&self) -> Option<String> {
        self.head.get("id").and_then(Value::as_str).map(str::to_owned)
    }

    fn record_in(&self, span: &tracing::Span) {
        if let Some(id) = self.head.get("id").and_then(Value::as_str) {
            span.record("generation_id", id);
        }
        if let Some(usage) = &self.usage {
            span.record("prompt_tokens", usage["prompt_tokens"].as_u64())
                .record("completion_tokens", usage["completion_tokens"].as_u64());
        }
    }
}

/// A chunk that carries no more than the text of choice 0 ([`Progress::push_text_event`]): any
/// other member, or a second choice, and it does not read as one. The members the typed chunk
/// requires are required here too; the head's are not kept (the first chunk's are).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // read to be checked, not kept
struct TextChunk<'a> {
    #[serde(borrow)]
    choices: (TextChoice<'a>,),
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    model: Cow<'a, str>,
    #[serde(borrow)]
    object: Cow<'a, str>,
    created: Option<IgnoredAny>,
    provider: Option<IgnoredAny>,
    system_fingerprint: Option<IgnoredAny>,
    service_tier: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextChoice<'a> {
    index: u32,
    #[serde(borrow)]
    delta: TextDelta<'a>,
    finish_reason: Option<IgnoredAny>,
    native_finish_reason: Option<IgnoredAny>,
    logprobs: Option<IgnoredAny>,
    error: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // `role` is allowed, not kept (the result's is `assistant`)
struct TextDelta<'a> {
    #[serde(borrow)]
    content: Cow<'a, str>,
    role: Option<IgnoredAny>,
    reasoning: Option<IgnoredAny>,
    refusal: Option<IgnoredAny>,
}

impl EventStream<ChatStreamChunk> {
    /// Reads the whole stream and returns the response the non-streaming endpoint would have
    /// returned. Fails with the stream's error, if any.
    ///
    /// Chunks that carry nothing but text are read for their text alone (a borrowed reading),
    /// not decoded whole as the typed stream decodes them; every other chunk is decoded whole.
    pub fn collect_response(self) -> impl Future<Output = Result<ChatResponse, Error>> + Send + 'static {
        self.read_to_end().map(|progress| progress?.finish())
    }

    /// Only the text: the content deltas of the first choice, empty ones skipped. Chunks that
    /// carry nothing but text are read as in [`collect_response`](Self::collect_response).
    pub fn text_deltas(self) -> impl Stream<Item = Result<String, Error>> + Send + Unpin {
        futures_util::StreamExt::filter_map(self.items(), |item| {
            std::future::ready(match item {
                Err(e) => Some(Err(e)),
                Ok(Item::Text(text)) => Some(text).filter(|t| !t.is_empty()).map(Ok),
                Ok(Item::Event(chunk)) => chunk
                    .choices
                    .into_iter()
                    .enumerate()
                    .find(|(at, c)| c.index.unwrap_or(*at as u32) == 0)
                    .map(|(_, c)| c)
                    .and_then(|c| c.delta.content)
                    .filter(|t| !t.is_empty())
                    .map(Ok),
            })
        })
    }
}

/// Assembles stream chunks into the response the non-streaming endpoint would have returned.
///
/// Use it when you want the deltas as they come and the whole response at the end:
///
/// ```no_run
/// use futures_util::StreamExt;
/// use openrouter_bindings::ChatStreamAccumulator;
/// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
/// let mut stream = client.chat("openai/gpt-4o-mini").user("hi").stream().await?;
/// let mut all = ChatStreamAccumulator::default();
/// while let Some(chunk) = stream.next().await {
///     let chunk = chunk?;
///     all.push(&chunk);
/// }
/// let response = all.finish()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ChatStreamAccumulator {
    head: Map<String, Value>,
    choices: Vec<ChoiceParts>,
    usage: Option<Value>,
}

#[derive(Debug, Clone, Default)]
struct ChoiceParts {
    /// The choice's `index`, or (when the server sent none) its place in the chunk.
    index: u32,
    /// Whether the server sent `index` (an absent one is not written into the result).
    index_sent: bool,
    content: String,
    has_content: bool,
    reasoning: Option<String>,
    refusal: Option<String>,
    reasoning_details: Vec<Value>,
    tool_calls: Vec<ToolCallParts>,
    images: Vec<Value>,
    annotations: Vec<Value>,
    finish_reason: Option<Value>,
    native_finish_reason: Option<String>,
    error: Option<Value>,
}

#[derive(Debug, Clone, Default)]
struct ToolCallParts {
    index: u32,
    id: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    arguments: String,
}

impl ChatStreamAccumulator {
    /// Adds one chunk.
    pub fn push(&mut self, chunk: &ChatStreamChunk) {
        // Every chunk repeats these; take them once (and the optional ones whenever they come).
        if self.head.is_empty() {
            self.head.insert("id".into(), json!(chunk.id));
            self.head.insert("model".into(), json!(chunk.model));
        }
        if let (Some(created), false) = (chunk.created, self.head.contains_key("created")) {
            self.head.insert("created".into(), json!(created));
        }
        for (key, value) in [
            ("provider", &chunk.provider),
            ("system_fingerprint", &chunk.system_fingerprint),
            ("service_tier", &chunk.service_tier),
        ] {
            if let (Some(value), false) = (value, self.head.contains_key(key)) {
                self.head.insert(key.into(), json!(value));
            }
        }
        if let Some(usage) = &chunk.usage {
            self.usage = serde_json::to_value(usage).ok();
        }
        for (at, delta) in chunk.choices.iter().enumerate() {
            let choice = choice_at(&mut self.choices, delta.index.unwrap_or(at as u32));
            choice.index_sent |= delta.index.is_some();
            let d = &delta.delta;
            if let Some(text) = &d.content {
                choice.content.push_str(text);
                choice.has_content = true;
            }
            if let Some(text) = &d.reasoning {
                choice.reasoning.get_or_insert_with(String::new).push_str(text);
            }
            if let Some(text) = &d.refusal {
                choice.refusal.get_or_insert_with(String::new).push_str(text);
            }
            for detail in &d.reasoning_details {
                merge_reasoning_detail(&mut choice.reasoning_details, detail);
            }
            for call in &d.tool_calls {
                // The latest call at this index continues, unless a different id starts another:
                // some providers send parallel calls all at index 0.
                let latest = choice.tool_calls.iter().rposition(|c| c.index == call.index);
                let another_id =
                    |at: usize| matches!((&choice.tool_calls[at].id, &call.id), (Some(a), Some(b)) if a != b);
                let parts = match latest {
                    Some(at) if !another_id(at) => &mut choice.tool_calls[at],
                    _ => {
                        choice.tool_calls.push(ToolCallParts { index: call.index, ..Default::default() });
                        choice.tool_calls.last_mut().expect("just pushed")
                    }
                };
                parts.id = parts.id.take().or_else(|| call.id.clone());
                parts.kind = parts.kind.take().or_else(|| call.type_.as_ref().map(ToString::to_string));
                if let Some(function) = &call.function {
                    parts.name = parts.name.take().or_else(|| function.name.clone());
                    parts.arguments.push_str(function.arguments.as_deref().unwrap_or_default());
                }
            }
            choice.images.extend(d.images.iter().filter_map(|i| serde_json::to_value(i).ok()));
            choice.annotations.extend(d.annotations.iter().filter_map(|a| serde_json::to_value(a).ok()));
            if let Some(reason) = &delta.finish_reason {
                choice.finish_reason = serde_json::to_value(reason).ok();
            }
            if let Some(native) = &delta.native_finish_reason {
                choice.native_finish_reason = Some(native.clone());
            }
            if let Some(error) = &delta.error {
                choice.error = serde_json::to_value(error).ok();
            }
        }
    }

    /// The text of choice `index` so far.
    pub fn text(&self, index: u32) -> String {
        self.choices.iter().find(|c| c.index == index).map(|c| c.content.clone()).unwrap_or_default()
    }

    /// Whether every choice seen so far has a finish reason (and at least one was seen).
    pub fn is_complete(&self) -> bool {
        !self.choices.is_empty() && self.choices.iter().all(|c| c.finish_reason.is_some())
    }

    /// The assembled response, in the generated non-streaming type.
    pub fn finish(self) -> Result<ChatResponse, Error> {
        let mut response = Value::Object(self.head);
        response["object"] = json!("chat.completion");
        let mut choices: Vec<ChoiceParts> = self.choices;
        choices.sort_by_key(|c| c.index);
        response["choices"] = choices.into_iter().map(ChoiceParts::into_json).collect();
        if let Some(usage) = self.usage {
            response["usage"] = usage;
        }
        // Through bytes: the generated types' decoders are already built for byte input, and a
        // second set for `Value` input would cost compile time for every user (measured in bench/).
        let bytes = serde_json::to_vec(&response).expect("a JSON value serializes");
        Error::from_json(200, &bytes).map_err(|e| match e {
            Error::Decode { status, message, body } => Error::Decode {
                status,
                message: format!("the streamed chunks do not assemble into a response: {message}"),
                body,
            },
            other => other,
        })
    }
}

impl ChoiceParts {
    fn into_json(self) -> Value {
        let mut message = json!({ "role": "assistant" });
        let mut set = |key: &str, value: Value| {
            if !value.is_null() && value != json!([]) {
                message[key] = value;
            }
        };
        set("content", if self.has_content { json!(self.content) } else { Value::Null });
        set("reasoning", json!(self.reasoning));
        set("refusal", json!(self.refusal));
        set("reasoning_details", Value::Array(self.reasoning_details));
        let calls: Vec<Value> = self
            .tool_calls
            .into_iter()
            .map(|c| {
                json!({
                    "id": c.id.unwrap_or_default(),
                    "type": c.kind.unwrap_or_else(|| "function".into()),
                    "function": { "name": c.name.unwrap_or_default(), "arguments": c.arguments }
                })
            })
            .collect();
        set("tool_calls", Value::Array(calls));
        set("images", Value::Array(self.images));
        set("annotations", Value::Array(self.annotations));
        let mut choice = json!({ "message": message, "finish_reason": self.finish_reason });
        if self.index_sent {
            choice["index"] = json!(self.index);
        }
        if let Some(native) = self.native_finish_reason {
            choice["native_finish_reason"] = json!(native);
        }
        if let Some(error) = self.error {
            choice["error"] = error;
        }
        choice
    }
}

/// The choice with `index` (choices arrive keyed by index, in any order), made if new.
fn choice_at(choices: &mut Vec<ChoiceParts>, index: u32) -> &mut ChoiceParts {
    match choices.iter().position(|c| c.index == index) {
        Some(at) => &mut choices[at],
        None => {
            choices.push(ChoiceParts { index, ..Default::default() });
            choices.last_mut().expect("just pushed")
        }
    }
}

/// Appends a reasoning-detail fragment: one with the same `index` and `type` as the last detail
/// continues it (its text, summary or data is appended), anything else starts a new detail.
fn merge_reasoning_detail(details: &mut Vec<Value>, fragment: &ReasoningDetail) {
    let Ok(fragment) = serde_json::to_value(fragment) else { return };
    if let Some(last) = details.last_mut() {
        let same = fragment.get("index").is_some_and(|i| !i.is_null())
            && last.get("index") == fragment.get("index")
            && last.get("type") == fragment.get("type");
        if same {
            for key in ["text", "summary", "data"] {
                if let Some(more) = fragment.get(key).and_then(Value::as_str) {
                    let joined = format!("{}{more}", last.get(key).and_then(Value::as_str).unwrap_or_default());
                    last[key] = json!(joined);
                }
            }
            for (key, value) in fragment.as_object().into_iter().flatten() {
                if !["text", "summary", "data"].contains(&key.as_str()) && !value.is_null() {
                    last[key] = value.clone();
                }
            }
            return;
        }
    }
    details.push(fragment);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const TRANSCRIPTS: &[&str] = &[
        include_str!("../../tests/fixtures/streams/text.sse"),
        include_str!("../../tests/fixtures/streams/text-crlf.sse"),
        include_str!("../../tests/fixtures/streams/tools.sse"),
        include_str!("../../tests/fixtures/streams/reasoning.sse"),
        include_str!("../../tests/fixtures/streams/error-number.sse"),
        include_str!("../../tests/fixtures/streams/error-string.sse"),
        include_str!("../../tests/fixtures/streams/eof-after-finish.sse"),
        include_str!("../../tests/fixtures/streams/eof-before-finish.sse"),
        include_str!("../../tests/fixtures/streams/error-envelope.sse"),
        include_str!("../../tests/fixtures/streams/tools-same-index.sse"),
        include_str!("../../tests/fixtures/streams/empty-data.sse"),
    ];

    fn observe(bytes: &[u8], cuts: &[usize]) -> (Vec<Value>, Option<String>) {
        let (chunks, error) = crate::events::read_cut::<ChatStreamChunk>(bytes, cuts);
        let chunks = chunks.iter().map(|c| serde_json::to_value(c).unwrap()).collect();
        (chunks, error.map(|e| e.to_string()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn random_split_points_change_nothing(which in 0..TRANSCRIPTS.len(), cuts in proptest::collection::vec(any::<usize>(), 0..60)) {
            let bytes = TRANSCRIPTS[which].as_bytes();
            prop_assert_eq!(observe(bytes, &cuts), observe(bytes, &[]));
        }
    }

    #[test]
    fn invalid_utf8_in_an_event_is_a_decode_error() {
        let bytes = b"data: {\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xff\"}}]}\n\n";
        let (chunks, error) = observe(bytes, &[]);
        assert!(chunks.is_empty());
        let error = error.unwrap();
        assert!(error.contains("does not match the API spec") && error.contains("unicode"), "{error}");
    }

    #[test]
    fn reasoning_fragments_merge_by_index_and_type() {
        let fragment = |v: Value| -> ReasoningDetail { serde_json::from_value(v).unwrap() };
        let mut details = Vec::new();
        merge_reasoning_detail(&mut details, &fragment(json!({"type": "reasoning.text", "text": "a", "index": 0})));
        merge_reasoning_detail(
            &mut details,
            &fragment(json!({"type": "reasoning.text", "text": "b", "index": 0, "signature": "s"})),
        );
        merge_reasoning_detail(
            &mut details,
            &fragment(json!({"type": "reasoning.summary", "summary": "c", "index": 0})),
        );
        merge_reasoning_detail(&mut details, &fragment(json!({"type": "reasoning.text", "text": "d", "index": 1})));
        assert_eq!(
            Value::Array(details),
            json!([
                {"type": "reasoning.text", "text": "ab", "index": 0, "signature": "s"},
                {"type": "reasoning.summary", "summary": "c", "index": 0},
                {"type": "reasoning.text", "text": "d", "index": 1}
            ])
        );
    }
}
