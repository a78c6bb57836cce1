//! The Responses API (`POST /responses`, OpenAI Responses compatible): a builder over the
//! generated request, its typed event stream, the accumulator, and accessors on the result.
//!
//! Accessors read the result through its wire form (`type`, `text`, `arguments`), so that the
//! many output item types upstream adds change nothing here.

use std::{borrow::Cow, time::Duration};

use futures_util::FutureExt;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::{
    Client, Error, RetryPolicy, StrictSchema,
    error::ApiError,
    events::{EventStream, Progress, StreamEvent, error_in, exactly, sealed::Sealed, stream_error},
    request::unless_refused,
    structured::{from_json, parse_json, push, set, wire},
    types::{OpenResponsesResult, ResponsesRequest, StreamEvents},
};

/// # Conveniences of the `responses` area (feature `responses`)
///
/// The Responses API builder; its generated operations are in the block headed "The `responses` area".
impl Client {
    /// A Responses API request for `model`; add input, then [`send`](ResponsesRequestBuilder::send)
    /// or [`stream`](ResponsesRequestBuilder::stream).
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// let response = client.responses("openai/gpt-4o-mini").input("Say hi").send().await?;
    /// println!("{}", response.output_text());
    /// # Ok(()) }
    /// ```
    pub fn responses(&self, model: impl Into<String>) -> ResponsesRequestBuilder {
        let mut request: ResponsesRequest = from_json(json!({}));
        request.model = Some(model.into());
        ResponsesRequestBuilder::new(self, request)
    }
}

/// A Responses API request being built: the generated [`ResponsesRequest`] plus the call's
/// settings. Anything without a setter here is a field of
/// [`request_mut`](crate::RequestBuilder::request_mut).
pub type ResponsesRequestBuilder = crate::api::builder::RequestBuilder<ResponsesRequest, ResponsesInput>;

/// What a Responses request keeps beside the generated request: its input items.
#[derive(Debug, Clone, Default)]
pub struct ResponsesInput {
    /// Input items in their wire form, in order.
    items: Vec<Value>,
    /// The input is one text given with [`input`](ResponsesRequestBuilder::input): sent as the plain string form.
    only_text: bool,
    /// An input item that did not serialize (reported by `build`).
    problem: Option<String>,
}

impl ResponsesRequestBuilder {
    /// Adds a user text. Alone, it is sent as the plain string form of `input`; with other items
    /// (added before or after), as a user message in its place among them.
    pub fn input(mut self, text: impl Into<String>) -> Self {
        self.state.only_text = self.state.items.is_empty();
        self.state.items.push(json!({"type": "message", "role": "user", "content": text.into()}));
        self
    }

    /// Adds an input item: a generated item type ([`types::InputsItem`](crate::types) and its
    /// parts, an output item of an earlier response) or its wire form as a `serde_json::Value`,
    /// e.g. `{"role": "user", "content": "hi"}` or a `function_call_output`.
    pub fn input_item(mut self, item: impl serde::Serialize) -> Self {
        match serde_json::to_value(item) {
            Ok(item) => self.state.items.push(item),
            Err(e) => self.state.problem = Some(format!("an input item does not serialize: {e}")),
        }
        self.state.only_text = false;
        self
    }

    /// Adds a user message.
    pub fn user(self, text: impl Into<String>) -> Self {
        self.input_item(json!({"type": "message", "role": "user", "content": text.into()}))
    }

    /// Carries an earlier response's output (its messages, reasoning and function calls) into
    /// this request's input, for a conversation that keeps its own state (no
    /// [`previous_response_id`](Self::previous_response_id)). Answer its function calls next with
    /// [`function_output`](Self::function_output).
    #[inline]
    pub fn continue_from(mut self, response: &OpenResponsesResult) -> Self {
        for item in &response.output {
            self = self.input_item(item);
        }
        self
    }

    /// Adds the result of a function call, to answer it.
    pub fn function_output(self, call_id: impl Into<String>, output: &(impl serde::Serialize + ?Sized)) -> Self {
        let output = crate::structured::tool_output(output);
        self.input_item(json!({"type": "function_call_output", "call_id": call_id.into(), "output": output}))
    }

    /// System instructions.
    pub fn instructions(mut self, text: impl Into<String>) -> Self {
        set(&mut self.request, "instructions", json!(text.into()));
        self
    }

    /// Continues the conversation of an earlier (stored) response.
    pub fn previous_response_id(mut self, id: impl Into<String>) -> Self {
        set(&mut self.request, "previous_response_id", json!(id.into()));
        self
    }

    /// The most output tokens to generate.
    #[inline]
    pub fn max_output_tokens(mut self, tokens: u64) -> Self {
        set(&mut self.request, "max_output_tokens", json!(tokens));
        self
    }

    /// Sampling temperature.
    #[inline]
    pub fn temperature(mut self, temperature: f64) -> Self {
        set(&mut self.request, "temperature", json!(temperature));
        self
    }

    /// Adds a function tool whose parameters are the strict schema of `Args`.
    pub fn function<Args: JsonSchema>(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        let schema = StrictSchema::of::<Args>();
        push(
            &mut self.request,
            "tools",
            json!({
                "type": "function",
                "name": name.into(),
                "description": description.into(),
                "parameters": schema.schema,
                "strict": schema.is_strict(),
            }),
        );
        self
    }

    /// Asks for output that is a `T`, as a strict JSON schema; read it with
    /// [`OpenResponsesResult::parse`].
    pub fn output_type<T: JsonSchema>(mut self) -> Self {
        let schema = StrictSchema::of::<T>();
        let mut format =
            json!({"type": "json_schema", "name": schema.name, "schema": schema.schema, "strict": schema.is_strict()});
        if let Some(description) = schema.description {
            format["description"] = json!(description);
        }
        set(&mut self.request, "text", json!({ "format": format }));
        self
    }

    /// The request as it would be sent.
    #[inline]
    pub fn build(self) -> Result<ResponsesRequest, Error> {
        if let Some(problem) = self.state.problem {
            return Err(Error::InvalidRequest(problem));
        }
        let mut wire = serde_json::to_value(&self.request).expect("generated values serialize");
        match (self.state.only_text, self.state.items.as_slice()) {
            (true, [text]) => wire["input"] = text["content"].clone(),
            (_, []) => {}
            _ => wire["input"] = Value::Array(self.state.items),
        }
        if wire["input"].is_null() {
            return Err(Error::InvalidRequest("no input: add one with .input(...) or .user(...)".into()));
        }
        serde_json::from_value(wire)
            .map_err(|e| Error::InvalidRequest(format!("an input item does not fit the Responses API: {e}")))
    }

    /// Sends the request and returns the whole response. A response whose `status` is `failed`
    /// is [`Error::Api`] with its error; `incomplete` is a response (see its
    /// `incomplete_details`).
    #[inline]
    pub fn send(self) -> impl Future<Output = Result<OpenResponsesResult, Error>> + Send + 'static {
        let sent = self.into_parts().map(|(client, request, retry, timeout)| {
            crate::api::builder::configure!(client.create_response(request), retry, timeout).send()
        });
        unless_refused(sent).map(|response| {
            let response = response?;
            match failure(&wire(&response)) {
                Some(mut error) => {
                    error.generation_id = Some(response.id.clone());
                    Err(Error::Api(Box::new(error)))
                }
                None => Ok(response),
            }
        })
    }

    /// Sends the request with `stream: true` and returns its typed events; see [`ResponsesStream`].
    #[inline]
    pub fn stream(self) -> impl Future<Output = Result<ResponsesStream, Error>> + Send + 'static {
        unless_refused(self.into_parts().map(|(client, request, retry, timeout)| {
            crate::api::builder::configure!(client.create_response(request), retry, timeout).stream()
        }))
    }

    #[inline]
    fn into_parts(self) -> Result<(Client, ResponsesRequest, Option<RetryPolicy>, Option<Duration>), Error> {
        let (client, retry, timeout) = (self.client.clone(), self.retry.clone(), self.timeout);
        Ok((client, self.build()?, retry, timeout))
    }
}

/// A streamed Responses API answer: `Stream<Item = Result<StreamEvents, Error>>`.
///
/// It is complete only after its terminal event: `response.completed` or `response.incomplete`.
/// An `error` event, `response.failed`, or an error envelope ends it with [`Error::Api`]; a
/// connection that ends before the terminal event is [`Error::StreamTruncated`] with the text so
/// far. Event types this version does not know arrive as `StreamEvents::Unknown`. See
/// [`EventStream`] for the rules every stream shares.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use openrouter_bindings::types::StreamEvents;
/// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
/// let mut stream = client.responses("openai/gpt-4o-mini").input("Count to 5").stream().await?;
/// while let Some(event) = stream.next().await {
///     if let StreamEvents::ResponseOutputTextDelta(delta) = event? {
///         print!("{}", delta.delta);
///     }
/// }
/// # Ok(()) }
/// ```
pub type ResponsesStream = EventStream<StreamEvents>;

impl Sealed for StreamEvents {}
impl StreamEvent for StreamEvents {
    type Progress = ResponsesAccumulator;

    #[inline]
    fn decode(data: &[u8]) -> Result<Self, Error> {
        // By type first: serde's untagged decoding tries every variant in order, which costs a
        // text delta ten failed attempts. An event whose type carries the answer (its text, its
        // items, its end) and whose payload does not decode is a decode error with its path:
        // never dropped as unknown, never a truncated stream that a retry would bill again for
        // the same bytes. `response.failed` is read through its wire form (see `push`).
        crate::events::decode_by_type(data, |kind, data| match kind {
            "response.output_text.delta" => Some(exactly(data, StreamEvents::ResponseOutputTextDelta)),
            "response.reasoning_text.delta" => Some(exactly(data, StreamEvents::ResponseReasoningTextDelta)),
            "response.reasoning_summary_text.delta" => {
                Some(exactly(data, StreamEvents::ResponseReasoningSummaryTextDelta))
            }
            "response.function_call_arguments.delta" => {
                Some(exactly(data, StreamEvents::ResponseFunctionCallArgumentsDelta))
            }
            "response.output_item.done" => Some(exactly(data, StreamEvents::ResponseOutputItemDone)),
            "response.completed" => Some(exactly(data, StreamEvents::ResponseCompleted)),
            "response.incomplete" => Some(exactly(data, StreamEvents::ResponseIncomplete)),
            _ => None,
        })
    }
}

impl EventStream<StreamEvents> {
    /// Reads the whole stream and returns the final response (the terminal event's). Fails with
    /// the stream's error, if any.
    ///
    /// Text deltas are read for their text alone (a borrowed reading of `type` and `delta`), not
    /// decoded whole as the typed stream decodes them: the final response comes from the
    /// terminal event, which is decoded whole, as is every other event.
    #[inline]
    pub fn collect_response(self) -> impl Future<Output = Result<OpenResponsesResult, Error>> + Send + 'static {
        self.read_to_end().map(|progress| progress?.finish())
    }
}

/// Assembles Responses API events: the output text as it grows, and the final response.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use openrouter_bindings::ResponsesAccumulator;
/// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
/// let mut stream = client.responses("openai/gpt-4o-mini").input("hi").stream().await?;
/// let mut all = ResponsesAccumulator::default();
/// while let Some(event) = stream.next().await {
///     all.push(&event?);
///     eprint!("\r{} characters", all.text().len());
/// }
/// let response = all.finish()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ResponsesAccumulator {
    id: Option<String>,
    text: String,
    /// Reasoning text by output item: its content parts and its summary parts, by index.
    reasoning: Vec<ReasoningParts>,
    /// Output items as `response.output_item.done` carried them, by `output_index`.
    items: Vec<(i64, Value)>,
    last: Option<OpenResponsesResult>,
    terminal: bool,
}

#[derive(Debug, Clone, Default)]
struct ReasoningParts {
    output_index: i64,
    content: Vec<(i64, String)>,
    summary: Vec<(i64, String)>,
}

impl ResponsesAccumulator {
    /// Adds one event; returns the error it reports, if it is an error event.
    #[inline]
    pub fn push(&mut self, event: &StreamEvents) -> Option<ApiError> {
        match event {
            StreamEvents::ResponseCreated(e) => self.id = Some(e.response.id.clone()),
            StreamEvents::ResponseInProgress(e) => self.id = Some(e.response.id.clone()),
            StreamEvents::ResponseOutputTextDelta(e) => self.text.push_str(&e.delta),
            // Read through the wire form: the indexes' types differ between spec versions.
            StreamEvents::ResponseReasoningTextDelta(e) => self.reasoning_delta(&wire(e), "content_index", &e.delta),
            StreamEvents::ResponseReasoningSummaryTextDelta(e) => {
                self.reasoning_delta(&wire(e), "summary_index", &e.delta)
            }
            StreamEvents::ResponseOutputItemDone(e) => {
                let item = wire(e);
                let at = item["output_index"].as_i64().unwrap_or(self.items.len() as i64);
                self.items.retain(|(index, _)| *index != at);
                self.items.push((at, item["item"].clone()));
            }
            StreamEvents::ResponseCompleted(e) => self.end(&e.response),
            StreamEvents::ResponseIncomplete(e) => self.end(&e.response),
            StreamEvents::ResponseFailed(e) => {
                self.end(&e.response);
                return Some(failure(&wire(&e.response)).unwrap_or_else(failed_without_error));
            }
            StreamEvents::Error(e) => return wire(e).as_object().and_then(error_in),
            StreamEvents::Unknown(fields) => {
                // A terminal failure whose payload does not fit the spec (a numeric `code`).
                if fields.get("type").and_then(Value::as_str) == Some("response.failed") {
                    let response = fields.get("response").cloned().unwrap_or_default();
                    self.terminal = true;
                    return Some(failure(&response).unwrap_or_else(failed_without_error));
                }
                return error_in(fields);
            }
            _ => {}
        }
        None
    }

    #[inline]
    fn reasoning_delta(&mut self, event: &Value, part_key: &str, delta: &str) {
        let output_index = event["output_index"].as_i64().unwrap_or_default();
        let part = event[part_key].as_i64().unwrap_or_default();
        let item = match self.reasoning.iter().position(|r| r.output_index == output_index) {
            Some(at) => &mut self.reasoning[at],
            None => {
                self.reasoning.push(ReasoningParts { output_index, ..Default::default() });
                self.reasoning.last_mut().expect("just pushed")
            }
        };
        let parts = if part_key == "content_index" { &mut item.content } else { &mut item.summary };
        match parts.iter_mut().find(|(index, _)| *index == part) {
            Some((_, text)) => text.push_str(delta),
            None => parts.push((part, delta.to_owned())),
        }
    }

    #[inline]
    fn end(&mut self, response: &OpenResponsesResult) {
        self.id = Some(response.id.clone());
        self.last = Some(response.clone());
        self.terminal = true;
    }

    /// The output text so far.
    #[inline]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The reasoning so far, by the rule of [`OpenResponsesResult::reasoning`]: each reasoning
    /// item's content parts, or its summary parts when it has no content, joined by newlines.
    #[inline]
    pub fn reasoning(&self) -> String {
        let mut items: Vec<&ReasoningParts> = self.reasoning.iter().collect();
        items.sort_by_key(|r| r.output_index);
        let mut texts = Vec::new();
        for item in items {
            let parts = if item.content.is_empty() { &item.summary } else { &item.content };
            let mut parts: Vec<&(i64, String)> = parts.iter().collect();
            parts.sort_by_key(|(index, _)| *index);
            texts.extend(parts.into_iter().map(|(_, text)| text.as_str()));
        }
        texts.join("\n")
    }

    /// Whether the terminal event (`response.completed`, `.incomplete` or `.failed`) arrived.
    #[inline]
    pub fn is_complete(&self) -> bool {
        self.terminal
    }

    /// The final response, as the terminal event carried it. Output items streamed with
    /// `response.output_item.done` are kept when the terminal event's `output` has fewer (some
    /// servers end with `output: []`).
    #[inline]
    pub fn finish(self) -> Result<OpenResponsesResult, Error> {
        let Some(response) = self.last else {
            return Err(Error::StreamTruncated { partial_text: self.text, source: None });
        };
        if response.output.len() >= self.items.len() {
            return Ok(response);
        }
        let mut items = self.items;
        items.sort_by_key(|(index, _)| *index);
        let mut assembled = wire(&response);
        assembled["output"] = items.into_iter().map(|(_, item)| item).collect();
        let bytes = serde_json::to_vec(&assembled).expect("JSON values serialize");
        Error::from_json(200, &bytes)
    }
}

/// The error of a response (in its wire form) whose `status` is `failed`, or that carries an
/// `error`: its message and code, whatever the code's type.
#[inline]
fn failure(response: &Value) -> Option<ApiError> {
    let error = response.get("error").filter(|e| e.is_object());
    if response["status"] != "failed" && error.is_none() {
        return None;
    }
    let error = error.cloned().unwrap_or_default();
    let message = error["message"].as_str().unwrap_or("the response failed");
    let code =
        if error["code"].is_string() || error["code"].is_number() { error["code"].clone() } else { json!("failed") };
    Some(stream_error(json!({"code": code, "message": message})))
}

#[inline]
fn failed_without_error() -> ApiError {
    stream_error(json!({"code": "failed", "message": "the response failed"}))
}

impl Progress<StreamEvents> for ResponsesAccumulator {
    const DONE_COMPLETES: bool = false;

    #[inline]
    fn push(&mut self, event: &StreamEvents) -> Option<Error> {
        ResponsesAccumulator::push(self, event).map(|e| Error::Api(Box::new(e)))
    }

    #[inline]
    fn is_complete(&self) -> bool {
        self.terminal
    }

    fn push_text_event<'a>(&mut self, data: &'a [u8]) -> Option<Cow<'a, str>> {
        #[derive(serde::Deserialize)]
        struct TextDelta<'a> {
            #[serde(borrow)]
            delta: Cow<'a, str>,
        }
        // Only where `type` leads (as servers write it): anything else is decoded whole.
        if crate::events::leading_type(data)? != "response.output_text.delta" {
            return None;
        }
        let event: TextDelta = serde_json::from_slice(data).ok()?;
        self.text.push_str(&event.delta);
        Some(event.delta)
    }

    #[inline]
    fn partial_text(&self) -> String {
        self.text.clone()
    }

    #[inline]
    fn id(&self) -> Option<String> {
        self.id.clone()
    }

    #[inline]
    fn record_in(&self, span: &tracing::Span) {
        if let Some(usage) = self.last.as_ref().and_then(|r| r.usage.as_ref()) {
            span.record("prompt_tokens", usage.input_tokens).record("completion_tokens", usage.output_tokens);
        }
    }
}

/// A function call the model made, read off a response.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FunctionCall {
    /// The id to answer it with ([`ResponsesRequestBuilder::function_output`]).
    pub call_id: String,
    /// The function's name.
    pub name: String,
    /// The arguments, as JSON text.
    pub arguments: String,
}

impl FunctionCall {
    /// The arguments as `Args`; fails with [`Error::InvalidOutput`] keeping the raw text.
    pub fn parse_arguments<Args: DeserializeOwned>(&self) -> Result<Args, Error> {
        parse_json(&self.arguments, &format!("the arguments of function call `{}`", self.name))
    }
}

impl OpenResponsesResult {
    /// The output items in their wire form.
    #[inline]
    fn output_json(&self) -> Vec<Value> {
        self.output.iter().filter_map(|item| serde_json::to_value(item).ok()).collect()
    }

    /// The output text: every `output_text` part of every message, joined.
    #[inline]
    pub fn output_text(&self) -> String {
        let items = self.output_json();
        let parts =
            items.iter().filter(|i| i["type"] == "message").flat_map(|i| i["content"].as_array().into_iter().flatten());
        parts.filter(|p| p["type"] == "output_text").filter_map(|p| p["text"].as_str()).collect()
    }

    /// The function calls, in order.
    #[inline]
    pub fn function_calls(&self) -> Vec<FunctionCall> {
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        self.output_json()
            .iter()
            .filter(|i| i["type"] == "function_call")
            .map(|i| FunctionCall {
                call_id: text(&i["call_id"]),
                name: text(&i["name"]),
                arguments: text(&i["arguments"]),
            })
            .collect()
    }

    /// The reasoning: the text of every reasoning item's content, or its summary when it has none.
    #[inline]
    pub fn reasoning(&self) -> Option<String> {
        let items = self.output_json();
        let texts: Vec<&str> = items
            .iter()
            .filter(|i| i["type"] == "reasoning")
            .flat_map(|i| {
                let content = i["content"].as_array().filter(|c| !c.is_empty());
                content.or(i["summary"].as_array()).into_iter().flatten()
            })
            .filter_map(|part| part["text"].as_str())
            .collect();
        (!texts.is_empty()).then(|| texts.join("\n"))
    }

    /// The cost in credits, when the response reports it.
    #[inline]
    pub fn cost(&self) -> Option<f64> {
        self.usage.as_ref()?.cost
    }

    /// The output text parsed as `T` (see [`ResponsesRequestBuilder::output_type`]).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Error> {
        parse_json(&self.output_text(), "the output")
    }
}
