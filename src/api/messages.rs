//! The Messages API (`POST /messages`, Anthropic compatible): a builder over the generated
//! request, its typed event stream, the accumulator, and accessors on the result.
//!
//! Content blocks are read and assembled through their wire form (`type`, `text`, `input`), so
//! that the block types upstream adds change nothing here.

use std::time::Duration;

use futures_util::FutureExt;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::{
    Client, Error, RetryPolicy, StrictSchema,
    error::ApiError,
    events::{EventStream, Progress, StreamEvent, error_in, exactly, sealed::Sealed, stream_error},
    request::unless_refused,
    structured::{from_json, parse_json, push, set, wire},
    types::{MessagesRequest, MessagesResult, MessagesStreamEvents},
};

/// # Conveniences of the `messages` area (feature `messages`)
///
/// The Messages API builder; its generated operations are in the block headed "The `messages` area".
impl Client {
    /// A Messages API request for `model`; add messages, then
    /// [`send`](MessagesRequestBuilder::send) or [`stream`](MessagesRequestBuilder::stream).
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// let message = client.messages("anthropic/claude-sonnet-4").user("Say hi").max_tokens(200).send().await?;
    /// println!("{}", message.text());
    /// # Ok(()) }
    /// ```
    pub fn messages(&self, model: impl Into<String>) -> MessagesRequestBuilder {
        let request: MessagesRequest = from_json(json!({ "model": model.into(), "messages": [] }));
        MessagesRequestBuilder::new(self, request)
    }
}

/// A Messages API request being built: the generated [`MessagesRequest`] plus the call's
/// settings. Anything without a setter here is a field of [`request_mut`](Self::request_mut).
pub type MessagesRequestBuilder = crate::api::builder::RequestBuilder<MessagesRequest, MessagesState>;

/// What a Messages request keeps beside the generated request: the messages in their wire form.
#[derive(Debug, Clone, Default)]
pub struct MessagesState {
    messages: Vec<Value>,
}

impl MessagesRequestBuilder {
    /// The system prompt.
    pub fn system(mut self, text: impl Into<String>) -> Self {
        set(&mut self.request, "system", json!(text.into()));
        self
    }

    /// Adds a message in its wire form, e.g. `{"role": "user", "content": [...]}`.
    #[inline]
    pub fn message(mut self, message: Value) -> Self {
        self.state.messages.push(message);
        self
    }

    /// Adds a user message.
    pub fn user(self, text: impl Into<String>) -> Self {
        self.message(json!({"role": "user", "content": text.into()}))
    }

    /// Adds an assistant message (an earlier turn, or a prefill).
    pub fn assistant(self, text: impl Into<String>) -> Self {
        self.message(json!({"role": "assistant", "content": text.into()}))
    }

    /// Adds the assistant turn of `result` (its text, thinking and tool calls), to continue after it.
    #[inline]
    pub fn assistant_turn(self, result: &MessagesResult) -> Self {
        let content = serde_json::to_value(&result.content).unwrap_or_else(|_| json!([]));
        self.message(json!({"role": "assistant", "content": content}))
    }

    /// Adds a user message with the result of a tool call, to answer it.
    pub fn tool_result(self, tool_use_id: impl Into<String>, output: &(impl serde::Serialize + ?Sized)) -> Self {
        let content = crate::structured::tool_output(output);
        self.message(json!({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": tool_use_id.into(), "content": content}
        ]}))
    }

    /// The most tokens to generate.
    #[inline]
    pub fn max_tokens(mut self, tokens: u64) -> Self {
        set(&mut self.request, "max_tokens", json!(tokens));
        self
    }

    /// Sampling temperature.
    #[inline]
    pub fn temperature(mut self, temperature: f64) -> Self {
        set(&mut self.request, "temperature", json!(temperature));
        self
    }

    /// Extended thinking with this budget of tokens.
    #[inline]
    pub fn thinking(mut self, budget_tokens: u64) -> Self {
        set(&mut self.request, "thinking", json!({"type": "enabled", "budget_tokens": budget_tokens}));
        self
    }

    /// Adds a tool whose input is the schema of `Input`.
    pub fn tool<Input: JsonSchema>(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        let schema = StrictSchema::of::<Input>();
        push(
            &mut self.request,
            "tools",
            json!({
                "name": name.into(),
                "description": description.into(),
                "input_schema": schema.schema,
            }),
        );
        self
    }

    /// The request as it would be sent.
    #[inline]
    pub fn build(self) -> Result<MessagesRequest, Error> {
        let mut wire = serde_json::to_value(&self.request).expect("generated values serialize");
        if !self.state.messages.is_empty() {
            wire["messages"] = Value::Array(self.state.messages);
        }
        if wire["messages"].as_array().is_none_or(Vec::is_empty) {
            return Err(Error::InvalidRequest("no messages: add one with .user(...) or .message(...)".into()));
        }
        serde_json::from_value(wire)
            .map_err(|e| Error::InvalidRequest(format!("a message does not fit the Messages API: {e}")))
    }

    /// Sends the request and returns the whole message.
    #[inline]
    pub fn send(self) -> impl Future<Output = Result<MessagesResult, Error>> + Send + 'static {
        unless_refused(self.into_parts().map(|(client, request, retry, timeout)| {
            crate::api::builder::configure!(client.create_message(request), retry, timeout).send()
        }))
    }

    /// Sends the request with `stream: true` and returns its typed events; see [`MessagesStream`].
    #[inline]
    pub fn stream(self) -> impl Future<Output = Result<MessagesStream, Error>> + Send + 'static {
        unless_refused(self.into_parts().map(|(client, request, retry, timeout)| {
            crate::api::builder::configure!(client.create_message(request), retry, timeout).stream()
        }))
    }

    #[inline]
    fn into_parts(self) -> Result<(Client, MessagesRequest, Option<RetryPolicy>, Option<Duration>), Error> {
        let (client, retry, timeout) = (self.client.clone(), self.retry.clone(), self.timeout);
        Ok((client, self.build()?, retry, timeout))
    }
}

/// A streamed Messages API answer: `Stream<Item = Result<MessagesStreamEvents, Error>>`, the
/// Anthropic sequence `message_start`, content blocks, `message_delta`, `message_stop`.
///
/// It is complete only at `message_stop`. An `error` event ends it with [`Error::Api`]; a
/// connection that ends before `message_stop` is [`Error::StreamTruncated`] with the text so far.
/// `ping` events and event types this version does not know are tolerated. See [`EventStream`]
/// for the rules every stream shares.
pub type MessagesStream = EventStream<MessagesStreamEvents>;

impl Sealed for MessagesStreamEvents {}
impl StreamEvent for MessagesStreamEvents {
    type Progress = MessagesAccumulator;

    #[inline]
    fn decode(data: &[u8]) -> Result<Self, Error> {
        // Every event type here carries part of the answer (its text, its usage and cost): one
        // whose payload does not decode is a decode error with its path, never dropped as unknown.
        crate::events::decode_by_type(data, |kind, data| match kind {
            "content_block_delta" => Some(exactly(data, MessagesStreamEvents::ContentBlockDelta)),
            "content_block_start" => Some(exactly(data, MessagesStreamEvents::ContentBlockStart)),
            "content_block_stop" => Some(exactly(data, MessagesStreamEvents::ContentBlockStop)),
            "message_start" => Some(exactly(data, MessagesStreamEvents::MessageStart)),
            "message_delta" => Some(exactly(data, MessagesStreamEvents::MessageDelta)),
            "message_stop" => Some(exactly(data, MessagesStreamEvents::MessageStop)),
            _ => None,
        })
    }
}

impl EventStream<MessagesStreamEvents> {
    /// Reads the whole stream and returns the message the non-streaming call would have returned.
    #[inline]
    pub fn collect_message(self) -> impl Future<Output = Result<MessagesResult, Error>> + Send + 'static {
        self.read_to_end().map(|progress| progress?.finish())
    }
}

/// Assembles Messages API events into the message the non-streaming call would have returned.
#[derive(Debug, Clone, Default)]
pub struct MessagesAccumulator {
    message: Map<String, Value>,
    /// Content blocks by index, with the partial JSON of tool inputs.
    blocks: Vec<(Value, String)>,
    text: String,
    stopped: bool,
    /// Events that do not add up (a block opened out of order): the stream's decode error.
    problem: Option<String>,
}

impl MessagesAccumulator {
    /// Adds one event; returns the error it reports, if it is an `error` event.
    #[inline]
    pub fn push(&mut self, event: &MessagesStreamEvents) -> Option<ApiError> {
        match event {
            MessagesStreamEvents::MessageStart(e) => {
                if let Value::Object(message) = wire(&e.message) {
                    self.message = message;
                }
            }
            MessagesStreamEvents::ContentBlockStart(e) => {
                // Blocks open in order (0, 1, 2, ...): a wire number never sizes an allocation.
                if e.index as usize != self.blocks.len() {
                    let open = self.blocks.len();
                    self.problem.get_or_insert(format!(
                        "content_block_start opens block {} after {open} blocks: blocks open in order",
                        e.index
                    ));
                    return None;
                }
                self.blocks.push((wire(&e.content_block), String::new()));
            }
            MessagesStreamEvents::ContentBlockDelta(e) => {
                let delta = wire(&e.delta);
                let Some((block, json)) = self.blocks.get_mut(e.index as usize) else {
                    self.problem
                        .get_or_insert(format!("content_block_delta for block {}, which was not opened", e.index));
                    return None;
                };
                let append = |block: &mut Value, key: &str| {
                    let more = delta[key].as_str().unwrap_or_default();
                    match &mut block[key] {
                        Value::String(text) => text.push_str(more),
                        other => *other = json!(more),
                    }
                };
                match delta["type"].as_str().unwrap_or_default() {
                    "text_delta" => {
                        self.text.push_str(delta["text"].as_str().unwrap_or_default());
                        append(block, "text");
                    }
                    "thinking_delta" => append(block, "thinking"),
                    "signature_delta" => block["signature"] = delta["signature"].clone(),
                    "input_json_delta" => json.push_str(delta["partial_json"].as_str().unwrap_or_default()),
                    "citations_delta" => match block["citations"].as_array_mut() {
                        Some(citations) => citations.push(delta["citation"].clone()),
                        None => block["citations"] = json!([delta["citation"]]),
                    },
                    _ => {}
                }
            }
            MessagesStreamEvents::ContentBlockStop(e) => {
                if let Some((block, json)) = self.blocks.get_mut(e.index as usize)
                    && !json.is_empty()
                {
                    // Input that does not parse stays text: the caller's parse reports it.
                    block["input"] = serde_json::from_str(json).unwrap_or_else(|_| json!(json));
                }
            }
            MessagesStreamEvents::MessageDelta(e) => {
                for (key, value) in wire(&e.delta).as_object().into_iter().flatten() {
                    self.message.insert(key.clone(), value.clone());
                }
                let usage = self.message.entry("usage").or_insert_with(|| json!({}));
                for (key, value) in wire(&e.usage).as_object().into_iter().flatten().filter(|(_, v)| !v.is_null()) {
                    usage[key] = value.clone();
                }
            }
            MessagesStreamEvents::MessageStop(_) => self.stopped = true,
            MessagesStreamEvents::Error(e) => {
                return Some(stream_error(json!({"code": e.error.type_, "message": e.error.message})));
            }
            MessagesStreamEvents::Unknown(fields) => return error_in(fields),
            MessagesStreamEvents::Ping(_) => {}
        }
        None
    }

    /// The text so far.
    #[inline]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether `message_stop` arrived.
    #[inline]
    pub fn is_complete(&self) -> bool {
        self.stopped
    }

    /// The assembled message, in the generated non-streaming type.
    #[inline]
    pub fn finish(self) -> Result<MessagesResult, Error> {
        if let Some(problem) = self.problem {
            return Err(events_do_not_add_up(problem));
        }
        let mut message = self.message;
        message.insert("content".into(), self.blocks.into_iter().map(|(block, _)| block).collect());
        let bytes = serde_json::to_vec(&message).expect("JSON values serialize");
        Error::from_json(200, &bytes)
    }
}

#[inline]
fn events_do_not_add_up(problem: String) -> Error {
    Error::Decode { status: 200, message: format!("the stream's events do not add up: {problem}"), body: String::new() }
}

impl Progress<MessagesStreamEvents> for MessagesAccumulator {
    const DONE_COMPLETES: bool = false;

    #[inline]
    fn push(&mut self, event: &MessagesStreamEvents) -> Option<Error> {
        let error = MessagesAccumulator::push(self, event).map(|e| Error::Api(Box::new(e)));
        error.or_else(|| self.problem.clone().map(events_do_not_add_up))
    }

    #[inline]
    fn is_complete(&self) -> bool {
        self.stopped
    }

    #[inline]
    fn partial_text(&self) -> String {
        self.text.clone()
    }

    #[inline]
    fn id(&self) -> Option<String> {
        self.message.get("id").and_then(Value::as_str).map(str::to_owned)
    }

    #[inline]
    fn record_in(&self, span: &tracing::Span) {
        if let Some(usage) = self.message.get("usage") {
            span.record("prompt_tokens", usage["input_tokens"].as_u64())
                .record("completion_tokens", usage["output_tokens"].as_u64());
        }
    }
}

/// A tool the model asked to use, read off a message.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolUse {
    /// The id to answer it with ([`MessagesRequestBuilder::tool_result`]).
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// Its input, as JSON.
    pub input: Value,
}

impl ToolUse {
    /// The input as `Input`; fails with [`Error::InvalidOutput`] keeping the raw JSON.
    pub fn parse_input<Input: DeserializeOwned>(&self) -> Result<Input, Error> {
        parse_json(&self.input.to_string(), &format!("the input of tool use `{}`", self.name))
    }
}

impl MessagesResult {
    #[inline]
    fn blocks(&self, kind: &str) -> Vec<Value> {
        self.content.iter().filter_map(|b| serde_json::to_value(b).ok()).filter(|b| b["type"] == kind).collect()
    }

    /// The text: every text block, joined.
    #[inline]
    pub fn text(&self) -> String {
        self.blocks("text").iter().filter_map(|b| b["text"].as_str().map(str::to_owned)).collect()
    }

    /// The thinking: every thinking block, joined with newlines (`None` without any).
    #[inline]
    pub fn thinking(&self) -> Option<String> {
        let texts: Vec<String> =
            self.blocks("thinking").iter().filter_map(|b| b["thinking"].as_str().map(str::to_owned)).collect();
        (!texts.is_empty()).then(|| texts.join("\n"))
    }

    /// The tool uses, in order.
    #[inline]
    pub fn tool_uses(&self) -> Vec<ToolUse> {
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        self.blocks("tool_use")
            .into_iter()
            .map(|b| ToolUse { id: text(&b["id"]), name: text(&b["name"]), input: b["input"].clone() })
            .collect()
    }

    /// The cost in credits, when the message reports it.
    #[inline]
    pub fn cost(&self) -> Option<f64> {
        self.usage.cost
    }
}
