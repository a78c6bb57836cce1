//! Streamed chat completions: a typed `Stream` of the generated chunk type, and the accumulator
//! that turns chunks back into the response the non-streaming endpoint would have returned.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use futures_core::Stream;
use serde_json::{Map, Value, json};

use crate::{
    Error,
    error::ApiError,
    sse::{SseDecoder, SseError},
    types::{ChatResponse, ChatStreamChunk, ReasoningDetail},
};

type BodyStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A streamed chat completion: `Stream<Item = Result<ChatStreamChunk, Error>>`.
///
/// It ends after `data: [DONE]` (and the body's end, read so that the connection is reused). A
/// chunk carrying an `error`, or an error event without chunk fields, ends it with [`Error::Api`];
/// a connection that ends before the completion is finished, or a total timeout that runs out,
/// ends it with [`Error::StreamTruncated`]; no bytes for the idle timeout ends it with
/// [`Error::StreamIdleTimeout`]. Each carries the text received so far. The per-attempt timeout
/// never cuts a running stream. After an error the stream yields nothing more. Dropping it closes
/// the connection, which stops generation (and billing) at providers that support cancellation.
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
#[must_use = "a stream does nothing unless polled"]
pub struct ChatStream {
    body: Option<BodyStream>,
    /// What is left of the last body read: events are decoded from it one per poll.
    unread: Bytes,
    decoder: SseDecoder,
    /// The error that ends the stream, yielded after the chunk that carried it (if any).
    error: Option<Error>,
    /// Every chunk so far, assembled: it tells when the stream is complete, and what an error
    /// should carry as partial output.
    seen: ChatStreamAccumulator,
    idle_timeout: Option<Duration>,
    idle: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The call's total timeout, and its timer.
    total: Option<(Duration, Pin<Box<tokio::time::Sleep>>)>,
    /// After `[DONE]`: how many bytes more were read while waiting for the body's end.
    draining: Option<usize>,
    finished: bool,
    /// The request's span: the stream's end records its generation id, usage and latency there.
    span: tracing::Span,
    started: std::time::Instant,
}

impl std::fmt::Debug for ChatStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatStream").field("finished", &self.finished).finish_non_exhaustive()
    }
}

impl ChatStream {
    /// The stream of `response`; `total` is the call's total timeout and the instant it runs out.
    pub(crate) fn from_response(
        response: reqwest::Response,
        idle_timeout: Option<Duration>,
        total: Option<(Duration, tokio::time::Instant)>,
    ) -> Self {
        let mut stream = ChatStream::from_body(Box::pin(response.bytes_stream()), idle_timeout);
        stream.total = total.map(|(limit, at)| (limit, Box::pin(tokio::time::sleep_until(at))));
        stream
    }

    /// A stream over any source of body bytes (the network, or a test's transcript).
    pub(crate) fn from_body(body: BodyStream, idle_timeout: Option<Duration>) -> Self {
        ChatStream {
            body: Some(body),
            unread: Bytes::new(),
            decoder: SseDecoder::new(),
            error: None,
            seen: ChatStreamAccumulator::default(),
            idle_timeout,
            idle: idle_timeout.map(|t| Box::pin(tokio::time::sleep(t))),
            total: None,
            draining: None,
            finished: false,
            span: tracing::Span::current(),
            started: std::time::Instant::now(),
        }
    }

    /// Reads the whole stream and returns the response the non-streaming endpoint would have
    /// returned. Fails with the stream's error, if any.
    pub async fn collect_response(mut self) -> Result<ChatResponse, Error> {
        let mut accumulator = ChatStreamAccumulator::default();
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            accumulator.push(&chunk?);
        }
        accumulator.finish()
    }

    /// Only the text: the content deltas of the first choice, empty ones skipped.
    pub fn text_deltas(self) -> impl Stream<Item = Result<String, Error>> + Send + Unpin {
        futures_util::StreamExt::filter_map(self, |chunk| {
            std::future::ready(match chunk {
                Err(e) => Some(Err(e)),
                Ok(chunk) => chunk
                    .choices
                    .into_iter()
                    .find(|c| c.index == 0)
                    .and_then(|c| c.delta.content)
                    .filter(|t| !t.is_empty())
                    .map(Ok),
            })
        })
    }

    /// Turns one SSE event into the item to yield, if any (and ends the stream on `[DONE]` or an
    /// error).
    fn on_event(&mut self, data: &[u8]) -> Option<Result<ChatStreamChunk, Error>> {
        if data == b"[DONE]" {
            self.drain();
            return None;
        }
        if data.iter().all(u8::is_ascii_whitespace) {
            return None; // an empty `data:` event carries nothing
        }
        let chunk: ChatStreamChunk = match Error::from_json(200, data) {
            Ok(chunk) => chunk,
            Err(e) => {
                // An error event without the chunk's fields, as proxies such as LiteLLM send it:
                // `{"error": {"message": "...", "code": "500"}}`.
                let error = match ApiError::from_envelope(200, data) {
                    Some(error) => self.mid_stream(error, None),
                    None => e,
                };
                self.finish_with(Some(error));
                return None;
            }
        };
        self.seen.push(&chunk);
        if let Some(body) = chunk.error.clone() {
            let error = self.mid_stream(ApiError::from_error_body(200, body), Some(chunk.id.clone()));
            self.finish_with(Some(error));
        }
        Some(Ok(chunk))
    }

    /// A mid-stream error, with the text received before it.
    fn mid_stream(&self, mut error: ApiError, generation_id: Option<String>) -> Error {
        error.generation_id = generation_id.or_else(|| self.seen.id());
        error.partial_text = Some(self.seen.text(0));
        Error::Api(Box::new(error))
    }

    /// `[DONE]` arrived: read on to the body's end (bounded), so that the connection goes back to
    /// the pool instead of being closed with the chunked terminator unread.
    fn drain(&mut self) {
        self.draining = Some(0);
        self.unread = Bytes::new();
        self.idle = Some(Box::pin(tokio::time::sleep(DRAIN_TIME)));
    }

    fn finish_with(&mut self, error: Option<Error>) {
        self.finished = true;
        self.seen.record_in(&self.span, self.started);
        self.body = None; // closes the connection, unless it was read to its end
        self.unread = Bytes::new();
        self.error = error;
    }

    /// The connection ended: complete only if every choice seen has finished (WIRE.md 7.1).
    fn on_eof(&mut self, source: Option<reqwest::Error>) {
        let error = match source {
            None if self.seen.is_complete() => None,
            source => Some(Error::StreamTruncated {
                partial_text: self.seen.text(0),
                source: source.map(|e| Box::new(e.without_url()) as crate::error::BoxError),
            }),
        };
        self.finish_with(error);
    }

    /// Decodes the next event in `unread`, if it holds a complete one.
    fn next_from_unread(&mut self) -> Option<Result<ChatStreamChunk, Error>> {
        // The decoder is taken out for the call so that `on_event` can borrow the rest of `self`.
        let mut decoder = std::mem::take(&mut self.decoder);
        let item = match decoder.next_event(&self.unread) {
            Ok((read, event)) => {
                let item = event.and_then(|data| self.on_event(data));
                if !self.finished && self.draining.is_none() {
                    bytes::Buf::advance(&mut self.unread, read);
                }
                item
            }
            Err(SseError::TooLong(limit)) => {
                let message = format!("an event went past {limit} bytes without ending");
                self.finish_with(Some(Error::Decode { status: 200, message, body: String::new() }));
                None
            }
        };
        self.decoder = decoder;
        item
    }
}

/// After `[DONE]`, how long and how much more the stream reads while waiting for the body's end.
const DRAIN_TIME: Duration = Duration::from_secs(1);
const DRAIN_BYTES: usize = 64 * 1024;

impl Stream for ChatStream {
    type Item = Result<ChatStreamChunk, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.finished {
                return Poll::Ready(this.error.take().map(Err));
            }
            if this.draining.is_none() && !this.unread.is_empty() {
                match this.next_from_unread() {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => continue,
                }
            }
            let Some(body) = this.body.as_mut() else { return Poll::Ready(None) };
            let polled = body.as_mut().poll_next(cx);
            if let Some(drained) = &mut this.draining {
                // `[DONE]` was seen: whatever comes or fails now, the stream is complete.
                match polled {
                    Poll::Ready(Some(Ok(bytes))) if *drained + bytes.len() <= DRAIN_BYTES => *drained += bytes.len(),
                    Poll::Pending if !this.idle.as_mut().is_some_and(|t| t.as_mut().poll(cx).is_ready()) => {
                        return Poll::Pending;
                    }
                    _ => this.finish_with(None),
                }
                continue;
            }
            match polled {
                Poll::Ready(Some(Ok(bytes))) => {
                    if let (Some(idle), Some(timeout)) = (this.idle.as_mut(), this.idle_timeout) {
                        idle.as_mut().reset(tokio::time::Instant::now() + timeout);
                    }
                    // Copied: a slice would pin the connection's whole read buffer for as long as
                    // the consumer holds the stream (measured: 300 KiB more per idle stream).
                    this.unread = Bytes::copy_from_slice(&bytes);
                }
                Poll::Ready(Some(Err(e))) => this.on_eof(Some(e)),
                Poll::Ready(None) => this.on_eof(None),
                Poll::Pending => {
                    let partial_text = || this.seen.text(0);
                    if let (Some(idle), Some(after)) = (this.idle.as_mut(), this.idle_timeout)
                        && idle.as_mut().poll(cx).is_ready()
                    {
                        let error = Error::StreamIdleTimeout { after, partial_text: partial_text() };
                        this.finish_with(Some(error));
                        continue;
                    }
                    if let Some((limit, timer)) = this.total.as_mut()
                        && timer.as_mut().poll(cx).is_ready()
                    {
                        let error = Error::total_timeout_mid_stream(*limit, partial_text());
                        this.finish_with(Some(error));
                        continue;
                    }
                    return Poll::Pending;
                }
            }
        }
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
    index: u32,
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
            self.head.insert("created".into(), json!(chunk.created));
            self.head.insert("model".into(), json!(chunk.model));
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
        for delta in &chunk.choices {
            let choice = choice_at(&mut self.choices, delta.index);
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

    /// Records what the stream carried on the request's span (never any text).
    fn record_in(&self, span: &tracing::Span, started: std::time::Instant) {
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        if let Some(id) = self.head.get("id").and_then(Value::as_str) {
            span.record("generation_id", id);
        }
        if let Some(usage) = &self.usage {
            span.record("prompt_tokens", usage["prompt_tokens"].as_u64())
                .record("completion_tokens", usage["completion_tokens"].as_u64());
        }
    }

    /// The generation id, once a chunk has carried it.
    fn id(&self) -> Option<String> {
        self.head.get("id").and_then(Value::as_str).map(str::to_owned)
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
        let mut choice = json!({
            "index": self.index,
            "message": message,
            "finish_reason": self.finish_reason,
        });
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
    use futures_util::StreamExt;
    use proptest::prelude::*;

    use super::*;

    const TRANSCRIPTS: &[&str] = &[
        include_str!("../tests/fixtures/streams/text.sse"),
        include_str!("../tests/fixtures/streams/text-crlf.sse"),
        include_str!("../tests/fixtures/streams/tools.sse"),
        include_str!("../tests/fixtures/streams/reasoning.sse"),
        include_str!("../tests/fixtures/streams/error-number.sse"),
        include_str!("../tests/fixtures/streams/error-string.sse"),
        include_str!("../tests/fixtures/streams/eof-after-finish.sse"),
        include_str!("../tests/fixtures/streams/eof-before-finish.sse"),
        include_str!("../tests/fixtures/streams/error-envelope.sse"),
        include_str!("../tests/fixtures/streams/tools-same-index.sse"),
        include_str!("../tests/fixtures/streams/empty-data.sse"),
    ];

    /// What a consumer observes when `bytes` arrive cut at `cuts`.
    fn observe(bytes: &[u8], cuts: &[usize]) -> (Vec<Value>, Option<String>) {
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort();
        cuts.dedup();
        let mut pieces = Vec::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([bytes.len()]) {
            pieces.push(Ok(Bytes::copy_from_slice(&bytes[start..cut])));
            start = cut;
        }
        let stream = ChatStream::from_body(Box::pin(futures_util::stream::iter(pieces)), None);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let items: Vec<_> = runtime.block_on(stream.collect());
        let mut chunks = Vec::new();
        let mut error = None;
        for item in items {
            match item {
                Ok(chunk) => chunks.push(serde_json::to_value(chunk).unwrap()),
                Err(e) => error = Some(e.to_string()),
            }
        }
        (chunks, error)
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
