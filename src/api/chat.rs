//! The chat request builder, over the generated [`ChatRequest`].

use std::{
    future::Future,
    sync::LazyLock,
    time::{Duration, Instant},
};

use bytes::Bytes;
use serde_json::{Map, Value};
use tracing::Instrument;

use crate::{
    Client, Error,
    client::{CallOptions, Request},
    request::unless_refused,
    retry::RetryPolicy,
    stream::ChatStream,
    types::{
        ChatAssistantMessage, ChatAssistantMessageContent, ChatDebugOptions, ChatDeveloperMessage,
        ChatDeveloperMessageRole, ChatMessage, ChatRequest, ChatRequestModalitiesItem, ChatRequestPluginsItem,
        ChatRequestReasoning, ChatRequestReasoningEffort, ChatRequestResponseFormat, ChatRequestStop, ChatResponse,
        ChatSystemMessage, ChatSystemMessageRole, ChatTool, ChatToolChoice, ChatToolMessage, ChatToolMessageContent,
        ChatToolMessageRole, ChatUserMessage, ChatUserMessageContent, ChatUserMessageRole, DeprecatedRoute,
        ImageConfig, ImageConfigValue, ProviderPreferences, TraceConfig,
    },
};

/// A chat completion request being built. Start with [`Client::chat`].
///
/// Message helpers append to `messages`; every other setter sets the field of the generated
/// [`ChatRequest`] with the same name. [`with`](Self::with) reaches any field directly, and
/// [`extra`](Self::extra) sends fields the spec does not know yet.
///
/// ```no_run
/// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
/// let response = client
///     .chat("anthropic/claude-sonnet-4")
///     .system("Answer in one word.")
///     .user("Capital of France?")
///     .temperature(0.0)
///     .max_tokens(10)
///     .send()
///     .await?;
/// assert_eq!(response.text()?, "Paris");
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is sent"]
#[derive(Debug, Clone)]
pub struct ChatRequestBuilder {
    client: Client,
    /// Boxed: the builder moves on every call of a chain, and the request is over a kilobyte.
    request: Box<ChatRequest>,
    extra: Map<String, Value>,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    idle_timeout: Option<Option<Duration>>,
    total_timeout: Option<Option<Duration>>,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $field:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                self.request.$field = Some(value.into());
                self
            }
        )*
    };
}

macro_rules! value_setters {
    ($($(#[$doc:meta])* $field:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $field(mut self, value: $ty) -> Self {
                self.request.$field = Some(value);
                self
            }
        )*
    };
}

macro_rules! list_setters {
    ($($(#[$doc:meta])* $field:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $field<I: IntoIterator<Item = T>, T: Into<$ty>>(mut self, items: I) -> Self {
                self.request.$field = items.into_iter().map(Into::into).collect();
                self
            }
        )*
    };
}

/// An empty assistant message, built from JSON so that new optional fields in a refreshed spec
/// need no change here; built once (from bytes: the decoder for that input exists anyway).
static EMPTY_ASSISTANT: LazyLock<ChatAssistantMessage> =
    LazyLock::new(|| serde_json::from_slice(br#"{"role": "assistant"}"#).expect("`role` is the only required field"));

/// # Conveniences of the `chat` area (feature `chat`)
///
/// The chat builder; its generated operations are in the block headed "The `chat` area".
impl Client {
    /// Starts a chat completion request for `model` (an OpenRouter model id).
    pub fn chat(&self, model: impl Into<String>) -> ChatRequestBuilder {
        ChatRequestBuilder::new(self.clone(), model.into())
    }
}

impl ChatRequestBuilder {
    pub(crate) fn new(client: Client, model: String) -> Self {
        // `Default` is added by codegen/src/derives.rs: new optional fields need no change here.
        // `Box::default` builds the 1 KB request in its allocation, where `Box::new(..)` built it
        // on the stack and copied it (87 instructions a request, callgrind in bench/).
        let mut request = Box::<ChatRequest>::default();
        request.model = Some(model).filter(|m| !m.is_empty());
        ChatRequestBuilder {
            client,
            request,
            extra: Map::new(),
            retry: None,
            timeout: None,
            idle_timeout: None,
            total_timeout: None,
        }
    }

    /// Appends any message (the generated message types convert into [`ChatMessage`]).
    pub fn message(mut self, message: impl Into<ChatMessage>) -> Self {
        self.request.messages.push(message.into());
        self
    }

    /// Appends messages, e.g. a conversation so far.
    pub fn messages<I: IntoIterator<Item = M>, M: Into<ChatMessage>>(mut self, messages: I) -> Self {
        self.request.messages.extend(messages.into_iter().map(Into::into));
        self
    }

    /// Appends a system message.
    pub fn system(self, text: impl Into<String>) -> Self {
        self.message(ChatSystemMessage { content: text.into().into(), name: None, role: ChatSystemMessageRole::System })
    }

    /// Appends a developer message.
    pub fn developer(self, text: impl Into<String>) -> Self {
        self.message(ChatDeveloperMessage {
            content: text.into().into(),
            name: None,
            role: ChatDeveloperMessageRole::Developer,
        })
    }

    /// Appends a user message: text, or parts built with [`ChatContentPart`](crate::types::ChatContentPart)
    /// (images, audio, video, files).
    pub fn user(self, content: impl Into<ChatUserMessageContent>) -> Self {
        self.message(ChatUserMessage { content: content.into(), name: None, role: ChatUserMessageRole::User })
    }

    /// Appends an assistant message with text (a prior turn, or a prefill the model continues).
    pub fn assistant(self, text: impl Into<String>) -> Self {
        let content = Some(ChatAssistantMessageContent::String(text.into()));
        self.message(ChatAssistantMessage { content, ..EMPTY_ASSISTANT.clone() })
    }

    /// Appends a tool's result, serialized as JSON (a string is sent as is).
    pub fn tool_output<T: serde::Serialize + ?Sized>(self, tool_call_id: impl Into<String>, output: &T) -> Self {
        self.tool_result(tool_call_id, crate::structured::tool_output(output))
    }

    /// Appends the first choice of `response` as the assistant's turn, unmodified: its text, its
    /// tool calls, and its `reasoning_details`, which reasoning models need back as they were.
    pub fn continue_from(self, response: &ChatResponse) -> Self {
        match response.first_choice() {
            Some(choice) => self.message(choice.message.clone()),
            None => self,
        }
    }

    /// Asks for an answer shaped as `T`: `response_format` becomes a strict JSON schema made from
    /// `T`. Read it back with [`ChatResponse::parse`].
    ///
    /// ```no_run
    /// #[derive(schemars::JsonSchema, serde::Deserialize)]
    /// struct City { name: String, population: u64 }
    ///
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// let city: City = client.chat("openai/gpt-4o").user("The largest city in Japan?")
    ///     .response_format_for::<City>().send().await?.parse()?;
    /// # Ok(()) }
    /// ```
    pub fn response_format_for<T: schemars::JsonSchema>(self) -> Self {
        self.response_format(crate::structured::StrictSchema::of::<T>().response_format())
    }

    /// Appends the result of the tool call `tool_call_id`.
    pub fn tool_result(self, tool_call_id: impl Into<String>, content: impl Into<ChatToolMessageContent>) -> Self {
        self.message(ChatToolMessage {
            content: content.into(),
            role: ChatToolMessageRole::Tool,
            tool_call_id: tool_call_id.into(),
        })
    }

    value_setters! {
        /// Sampling temperature, 0 to 2.
        temperature: f64,
        /// Nucleus sampling cutoff, 0 to 1.
        top_p: f64,
        /// Penalizes tokens by how often they appeared, -2 to 2.
        frequency_penalty: f64,
        /// Penalizes tokens that appeared at all, -2 to 2.
        presence_penalty: f64,
        /// The most tokens to generate.
        max_tokens: u64,
        /// The most tokens to generate (OpenAI's newer name; reasoning tokens included).
        max_completion_tokens: u64,
        /// A seed for deterministic sampling, where the provider supports it.
        seed: i64,
        /// Whether to return log probabilities.
        logprobs: bool,
        /// How many most likely tokens to return per position, with `logprobs`.
        top_logprobs: u32,
    }

    setters! {
        /// Stop sequences: a string or up to 4 strings (`ChatRequestStop::Array`).
        stop: ChatRequestStop,
        /// Tool choice: `ChatToolChoice::auto()`, `::required()`, `::function(name)`, ...
        tool_choice: ChatToolChoice,
        /// The response format: text, JSON object, JSON schema, grammar, Python.
        response_format: ChatRequestResponseFormat,
        /// Reasoning settings (effort, token budget, exclude).
        reasoning: ChatRequestReasoning,
        /// Provider routing preferences.
        provider: ProviderPreferences,
        /// How `models` fallbacks are routed (deprecated upstream: use `provider.sort.partition`).
        route: DeprecatedRoute,
        /// Groups related requests for observability (at most 256 characters).
        session_id: String,
        /// Observability metadata forwarded to your trace destinations.
        trace: TraceConfig,
        /// Debug options (`echo_upstream_body`, streaming only).
        debug: ChatDebugOptions,
    }

    list_setters! {
        /// Fallback models, tried in order when the first is unavailable.
        models: String,
        /// Tools the model may call: functions, and OpenRouter's server tools.
        tools: ChatTool,
        /// Plugins to run (web search, file parser, response healing, ...).
        plugins: ChatRequestPluginsItem,
        /// Output modalities, e.g. text and image.
        modalities: ChatRequestModalitiesItem,
    }

    /// Shorthand for `reasoning(ChatRequestReasoning { effort, .. })`.
    pub fn reasoning_effort(mut self, effort: ChatRequestReasoningEffort) -> Self {
        self.request.reasoning.get_or_insert_with(Default::default).effort = Some(effort);
        self
    }

    /// A stable id for your end user (the request's `user` field), for abuse detection.
    pub fn user_id(mut self, id: impl Into<String>) -> Self {
        self.request.user = Some(id.into());
        self
    }

    /// One key/value pair of request metadata (at most 16 pairs).
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.request.metadata.insert(key.into(), value.into());
        self
    }

    /// Biases one token (by id) by `bias`, -100 to 100.
    pub fn logit_bias(mut self, token_id: impl Into<String>, bias: f64) -> Self {
        self.request.logit_bias.get_or_insert_with(Default::default).insert(token_id.into(), bias);
        self
    }

    /// One image-generation option, e.g. `("aspect_ratio", "16:9".into())`.
    pub fn image_config(mut self, key: impl Into<String>, value: impl Into<ImageConfigValue>) -> Self {
        self.request
            .image_config
            .get_or_insert_with(|| ImageConfig(Default::default()))
            .0
            .insert(key.into(), value.into());
        self
    }

    /// Changes the generated request directly, for anything without a setter here.
    pub fn with(mut self, change: impl FnOnce(&mut ChatRequest)) -> Self {
        change(&mut self.request);
        self
    }

    /// Sends a top-level field the spec does not know yet (it overrides a field of the same name).
    /// `model` and `stream` are refused when sending: set them with [`Client::chat`] and by
    /// calling [`send`](Self::send) or [`stream`](Self::stream).
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }

    /// The retry policy for this request only.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The timeout of each attempt of this request (see [`crate::ClientBuilder::timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The stream idle timeout for this request (see [`crate::ClientBuilder::stream_idle_timeout`]).
    pub fn stream_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// A cap on this whole call, retries and stream included (see
    /// [`crate::ClientBuilder::total_timeout`]).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(Some(timeout));
        self
    }

    /// Sends the request with `stream: true` and returns the stream of chunks.
    ///
    /// Errors before the stream starts are the same typed errors as [`send`](Self::send), retried
    /// under the same policy; a stream that has started is never retried. The wait for the stream
    /// to start is bounded by the idle timeout and the request timeout.
    pub fn stream(self) -> impl Future<Output = Result<ChatStream, Error>> + Send + 'static {
        let span = self.span(true);
        // Validated and serialized here, so that the future holds the body rather than the
        // builder, and holds it once (the future uses it by reference): a smaller future is
        // cheaper to move (measured in bench/).
        let (client, request, options) = match self.prepare(true) {
            Ok(prepared) => prepared,
            Err(refused) => return unless_refused(Err(refused)),
        };
        let future = async move {
            let started = Instant::now();
            let response = client.post_stream(&request, &options, started).await?.into_events()?;
            tracing::Span::current().record("status", response.status().as_u16());
            Ok(ChatStream::from_response(response, options.idle_timeout, options.total_deadline(started)))
        };
        unless_refused(Ok(future.instrument(span)))
    }

    /// The request as it would be sent (without `extra` fields), after validation.
    pub fn build(self) -> Result<ChatRequest, Error> {
        validate(&self.request)?;
        Ok(*self.request)
    }

    /// Sends the request (with `stream: false`) and returns the completion.
    ///
    /// A 200 whose body is an error envelope is an [`Error::Api`]; a choice-level error stays on
    /// the choice and makes [`ChatResponse::text`] fail.
    pub fn send(self) -> impl Future<Output = Result<ChatResponse, Error>> + Send + 'static {
        let span = self.span(false);
        // As in `stream`: the future holds the body only, once.
        let (client, request, options) = match self.prepare(false) {
            Ok(prepared) => prepared,
            Err(refused) => return unless_refused(Err(refused)),
        };
        let future = async move {
            let started = Instant::now();
            let result = client.execute_json::<ChatResponse>(&request, &options, started).await;
            let span = tracing::Span::current();
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            let (status, response) = result?;
            span.record("status", status).record("generation_id", response.id.as_str());
            if let Some(usage) = &response.usage {
                span.record("prompt_tokens", usage.prompt_tokens).record("completion_tokens", usage.completion_tokens);
            }
            Ok(*response)
        };
        unless_refused(Ok(future.instrument(span)))
    }

    /// The request's `tracing` span: model and mode now, the outcome recorded when known. Never
    /// the key, never message contents.
    fn span(&self, stream: bool) -> tracing::Span {
        tracing::info_span!(
            "openrouter.chat",
            model = %self.request.model.as_deref().unwrap_or_default(),
            stream,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            generation_id = tracing::field::Empty,
            prompt_tokens = tracing::field::Empty,
            completion_tokens = tracing::field::Empty,
        )
    }

    /// Validates, serializes and splits the builder into what the request path needs.
    fn prepare(mut self, stream: bool) -> Result<(Client, Request, CallOptions), Error> {
        validate(&self.request)?;
        self.request.stream = Some(stream);
        let mut body = serde_json::to_vec(&self.request).expect("generated types serialize");
        if !self.extra.is_empty() {
            if let Some(key) = RESERVED.iter().find(|key| self.extra.contains_key(**key)) {
                return Err(Error::InvalidRequest(format!(
                    "`{key}` cannot be sent through extra(): it is set by Client::chat(model) and by send() or stream()"
                )));
            }
            // Through bytes rather than `to_value`, which would build a second serializer for
            // every request type (compile time; measured in bench/).
            let mut fields: Map<String, Value> = serde_json::from_slice(&body).expect("a request is an object");
            fields.extend(self.extra);
            body = serde_json::to_vec(&fields).expect("JSON values serialize");
        }
        let options = self.client.call_options(self.retry, self.timeout, self.idle_timeout, self.total_timeout);
        Ok((self.client, Request::post_json(CHAT_PATH, Bytes::from(body)), options))
    }
}

/// The chat completions operation, relative to the base URL.
const CHAT_PATH: &str = "chat/completions";

/// Fields [`ChatRequestBuilder::extra`] may not set: the request path and its span rely on them.
const RESERVED: &[&str] = &["model", "stream"];

/// Refuses requests that could never succeed, before anything is sent.
fn validate(request: &ChatRequest) -> Result<(), Error> {
    if request.messages.is_empty() {
        return Err(Error::InvalidRequest("no messages: add one with .user(...) or .message(...)".into()));
    }
    for message in &request.messages {
        if let ChatMessage::Tool(tool) = message
            && tool.tool_call_id.is_empty()
        {
            return Err(Error::InvalidRequest("a tool result needs the id of the tool call it answers".into()));
        }
    }
    if let Some(ChatRequestStop::Array(stops)) = &request.stop
        && stops.len() > 4
    {
        return Err(Error::InvalidRequest(format!("{} stop sequences; the API takes at most 4", stops.len())));
    }
    Ok(())
}
