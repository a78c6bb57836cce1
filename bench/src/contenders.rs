//! The four clients, each used the way its documentation shows: one request, or one stream read
//! to its end with the text gathered, giving the [`Outcome`] the workload checks.

use std::any::Any;

use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use crate::fixtures::{Outcome, PlainResponse};

pub const MODEL: &str = "anthropic/claude-sonnet-4";
pub const PROMPT: &str = "Write about the world.";
const KEY: &str = "sk-or-bench";

/// Which client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Floor,
    Crate,
    AsyncOpenAi,
    OpenRouterRs,
    FloorAllFields,
    FloorTyped,
    FloorTypedBounded,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Floor, Kind::Crate, Kind::AsyncOpenAi, Kind::OpenRouterRs];

    /// Parts of the crate's cost, run only when `BENCH_CLIENTS` names them, on the request
    /// workloads (`small`, `large`): the floor's HTTP with every field of the answer decoded by
    /// plain serde derives (`floor-all-fields`), or by the crate's generated `ChatResponse`
    /// (`floor-typed`), and then bounded by the crate's default timeout (`floor-typed-bounded`).
    /// Between the floor, these and the crate: what decoding every field costs, what the crate's
    /// decoding rules add, what a timer on every call adds, and what the rest of its request path
    /// adds.
    pub const PARTS: [Kind; 3] = [Kind::FloorAllFields, Kind::FloorTyped, Kind::FloorTypedBounded];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Floor => "floor",
            Kind::Crate => "openrouter-bindings",
            Kind::AsyncOpenAi => "async-openai 0.43.0",
            Kind::OpenRouterRs => "openrouter-rs 0.23.0",
            Kind::FloorAllFields => "floor-all-fields",
            Kind::FloorTyped => "floor-typed",
            Kind::FloorTypedBounded => "floor-typed-bounded",
        }
    }

    /// The name without the version, as `BENCH_CLIENTS` and the memory child take it.
    pub fn short_name(self) -> &'static str {
        self.name().split(' ').next().unwrap_or_default()
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().chain(Kind::PARTS).find(|k| k.short_name() == name)
    }
}

/// One client, pointed at one route of the loopback server.
pub enum Contender {
    Floor(Floor),
    Crate(openrouter_bindings::Client),
    AsyncOpenAi(async_openai::Client<async_openai::config::OpenAIConfig>),
    OpenRouterRs(openrouter_rs::OpenRouterClient),
    /// The floor's HTTP, every field decoded by plain serde (see [`Kind::PARTS`]).
    FloorAllFields(Floor),
    /// The floor's HTTP, the answer decoded as the crate's `ChatResponse` (see [`Kind::PARTS`]).
    FloorTyped(Floor),
    /// `FloorTyped`, each request inside a `tokio::time::timeout` of the crate's default timeout,
    /// as the crate bounds every call (see [`Kind::PARTS`]).
    FloorTypedBounded(Floor),
}

type Result<T> = std::result::Result<T, String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Contender {
    pub fn new(kind: Kind, base_url: &str) -> Contender {
        match kind {
            Kind::Floor => Contender::Floor(Floor::new(base_url)),
            Kind::FloorAllFields => Contender::FloorAllFields(Floor::new(base_url)),
            Kind::FloorTyped => Contender::FloorTyped(Floor::new(base_url)),
            Kind::FloorTypedBounded => Contender::FloorTypedBounded(Floor::new(base_url)),
            Kind::Crate => Contender::Crate(
                openrouter_bindings::Client::builder().api_key(KEY).base_url(base_url).build().unwrap(),
            ),
            Kind::AsyncOpenAi => Contender::AsyncOpenAi(async_openai::Client::with_config(
                async_openai::config::OpenAIConfig::new().with_api_base(base_url).with_api_key(KEY),
            )),
            Kind::OpenRouterRs => Contender::OpenRouterRs(
                openrouter_rs::OpenRouterClient::builder().base_url(base_url).api_key(KEY).build().unwrap(),
            ),
        }
    }

    /// One non-streaming request.
    pub async fn complete(&self) -> Result<Outcome> {
        match self {
            Contender::Floor(floor) => floor.complete().await,
            Contender::FloorAllFields(floor) => {
                let bytes = floor.send(false).await?.bytes().await.map_err(err)?;
                let response: PlainResponse = serde_json::from_slice(&bytes).map_err(err)?;
                let choice = response.choices.into_iter().next().ok_or("no choice")?;
                Ok(Outcome {
                    text: choice.message.content.unwrap_or_default(),
                    finish_reason: choice.finish_reason.unwrap_or_default(),
                    completion_tokens: response.usage.map_or(0, |u| u.completion_tokens),
                })
            }
            Contender::FloorTyped(floor) => typed_outcome(floor.typed().await?),
            Contender::FloorTypedBounded(floor) => {
                let bounded = tokio::time::timeout(openrouter_bindings::DEFAULT_TIMEOUT, floor.typed());
                typed_outcome(bounded.await.map_err(err)??)
            }
            Contender::Crate(client) => {
                let response = client.chat(MODEL).user(PROMPT).send().await.map_err(err)?;
                let finish_reason = json_name(&response.finish_reason());
                let completion_tokens = response.usage().map_or(0, |u| u.completion_tokens);
                Ok(Outcome { text: response.into_text().map_err(err)?, finish_reason, completion_tokens })
            }
            Contender::AsyncOpenAi(client) => {
                let request = async_openai_request(false)?;
                let response = client.chat().create(request).await.map_err(err)?;
                let completion_tokens = response.usage.map_or(0, |u| u.completion_tokens.into());
                let choice = response.choices.into_iter().next().ok_or("no choice")?;
                Ok(Outcome {
                    text: choice.message.content.unwrap_or_default(),
                    finish_reason: json_name(&choice.finish_reason),
                    completion_tokens,
                })
            }
            Contender::OpenRouterRs(client) => {
                let request = openrouter_rs_request()?;
                let response = client.chat().create(&request).await.map_err(err)?;
                let completion_tokens = response.usage.map_or(0, |u| u.completion_tokens.into());
                let choice = response.choices.into_iter().next().ok_or("no choice")?;
                let finish_reason = choice.finish_reason().map(|r| r.as_str().to_owned()).unwrap_or_default();
                let text = match choice {
                    openrouter_rs::types::completion::Choice::NonStreaming(choice) => choice.message.content,
                    other => other.content().map(str::to_owned),
                };
                Ok(Outcome { text: text.unwrap_or_default(), finish_reason, completion_tokens })
            }
        }
    }

    /// One stream, read to its end. Returns the outcome and the number of chunks.
    pub async fn stream(&self) -> Result<(Outcome, usize)> {
        match self {
            Contender::Floor(floor) => floor.stream().await,
            Contender::FloorAllFields(_) | Contender::FloorTyped(_) | Contender::FloorTypedBounded(_) => {
                Err(PARTS_ONLY.into())
            }
            Contender::Crate(client) => {
                let stream = client.chat(MODEL).user(PROMPT).stream().await.map_err(err)?;
                read_to_end(stream, |chunk, out| {
                    for choice in &chunk.choices {
                        out.text.push_str(choice.delta.content.as_deref().unwrap_or_default());
                        if choice.finish_reason.is_some() {
                            out.finish_reason = json_name(&choice.finish_reason);
                        }
                    }
                    if let Some(usage) = &chunk.usage {
                        out.completion_tokens = usage.completion_tokens;
                    }
                })
                .await
            }
            Contender::AsyncOpenAi(client) => {
                let stream = client.chat().create_stream(async_openai_request(true)?).await.map_err(err)?;
                read_to_end(stream, |chunk, out| {
                    for choice in &chunk.choices {
                        out.text.push_str(choice.delta.content.as_deref().unwrap_or_default());
                        if choice.finish_reason.is_some() {
                            out.finish_reason = json_name(&choice.finish_reason);
                        }
                    }
                    if let Some(usage) = &chunk.usage {
                        out.completion_tokens = usage.completion_tokens.into();
                    }
                })
                .await
            }
            Contender::OpenRouterRs(client) => {
                let stream = client.chat().stream(&openrouter_rs_request()?).await.map_err(err)?;
                read_to_end(stream, |chunk, out| {
                    for choice in &chunk.choices {
                        out.text.push_str(choice.content().unwrap_or_default());
                        if let Some(reason) = choice.finish_reason() {
                            out.finish_reason = reason.as_str().to_owned();
                        }
                    }
                    if let Some(usage) = &chunk.usage {
                        out.completion_tokens = usage.completion_tokens.into();
                    }
                })
                .await
            }
        }
    }

    /// Opens a stream and reads `chunks` chunks of it, then hands back whatever keeps it open.
    pub async fn hold_stream(&self, chunks: usize) -> Result<Box<dyn Any + Send>> {
        match self {
            Contender::Floor(floor) => floor.hold_stream(chunks).await,
            Contender::FloorAllFields(_) | Contender::FloorTyped(_) | Contender::FloorTypedBounded(_) => {
                Err(PARTS_ONLY.into())
            }
            Contender::Crate(client) => {
                hold(client.chat(MODEL).user(PROMPT).stream().await.map_err(err)?, chunks).await
            }
            Contender::AsyncOpenAi(client) => {
                hold(client.chat().create_stream(async_openai_request(true)?).await.map_err(err)?, chunks).await
            }
            Contender::OpenRouterRs(client) => {
                hold(client.chat().stream(&openrouter_rs_request()?).await.map_err(err)?, chunks).await
            }
        }
    }
}

/// Reads a peer's stream to its end; `read` adds each chunk's text, finish reason and usage.
async fn read_to_end<C, E: std::fmt::Display>(
    mut stream: impl Stream<Item = std::result::Result<C, E>> + Unpin,
    read: impl Fn(&C, &mut Outcome),
) -> Result<(Outcome, usize)> {
    let mut out = Outcome { text: String::new(), finish_reason: String::new(), completion_tokens: 0 };
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        read(&chunk.map_err(err)?, &mut out);
        chunks += 1;
    }
    Ok((out, chunks))
}

/// Reads `chunks` chunks of a stream, then returns it, still open.
async fn hold<S, C, E>(mut stream: S, chunks: usize) -> Result<Box<dyn Any + Send>>
where
    S: Stream<Item = std::result::Result<C, E>> + Unpin + Send + 'static,
    E: std::fmt::Display,
{
    for _ in 0..chunks {
        stream.next().await.ok_or("ended early")?.map_err(err)?;
    }
    Ok(Box::new(stream))
}

/// What the workloads check, from a typed answer.
fn typed_outcome(response: Box<openrouter_bindings::types::ChatResponse>) -> Result<Outcome> {
    let finish_reason = json_name(&response.finish_reason());
    let completion_tokens = response.usage().map_or(0, |u| u.completion_tokens);
    Ok(Outcome { text: response.into_text().map_err(err)?, finish_reason, completion_tokens })
}

/// A serializable enum's wire name ("stop").
fn json_name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn async_openai_request(stream: bool) -> Result<async_openai::types::chat::CreateChatCompletionRequest> {
    use async_openai::types::chat::{ChatCompletionRequestUserMessage, CreateChatCompletionRequestArgs};
    let mut args = CreateChatCompletionRequestArgs::default();
    args.model(MODEL).messages([ChatCompletionRequestUserMessage::from(PROMPT).into()]);
    if stream {
        args.stream(true);
    }
    args.build().map_err(err)
}

fn openrouter_rs_request() -> Result<openrouter_rs::api::chat::ChatCompletionRequest> {
    use openrouter_rs::{
        api::chat::{ChatCompletionRequest, Message},
        types::Role,
    };
    ChatCompletionRequest::builder().model(MODEL).messages(vec![Message::new(Role::User, PROMPT)]).build().map_err(err)
}

/// The floor: reqwest, a plain SSE parser, serde_json into structs with only the fields read.
pub struct Floor {
    http: reqwest::Client,
    url: String,
    auth: String,
}

#[derive(Serialize)]
struct FloorRequest<'a> {
    model: &'a str,
    messages: [FloorMessage<'a>; 1],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
}

#[derive(Serialize)]
struct FloorMessage<'a> {
    role: &'a str,
    content: &'a str,
}

#[derive(Deserialize)]
struct FloorResponse {
    choices: Vec<FloorChoice>,
    usage: Option<FloorUsage>,
}

#[derive(Deserialize)]
struct FloorChoice {
    #[serde(alias = "delta")]
    message: FloorMessageOut,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct FloorMessageOut {
    content: Option<String>,
}

#[derive(Deserialize)]
struct FloorUsage {
    completion_tokens: u64,
}

/// What the parts of [`Kind::PARTS`] answer on a stream workload.
const PARTS_ONLY: &str = "a part of the crate's cost, measured on the request workloads only";

impl Floor {
    fn new(base_url: &str) -> Floor {
        Floor {
            http: reqwest::Client::new(),
            url: format!("{base_url}/chat/completions"),
            auth: format!("Bearer {KEY}"),
        }
    }

    async fn send(&self, stream: bool) -> Result<reqwest::Response> {
        let body = serde_json::to_vec(&FloorRequest {
            model: MODEL,
            messages: [FloorMessage { role: "user", content: PROMPT }],
            stream,
        })
        .map_err(err)?;
        let response = self
            .http
            .post(&self.url)
            .header("authorization", &self.auth)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(err)?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        Ok(response)
    }

    /// One request, the answer decoded and boxed as the crate's own request path does.
    async fn typed(&self) -> Result<Box<openrouter_bindings::types::ChatResponse>> {
        let bytes = self.send(false).await?.bytes().await.map_err(err)?;
        openrouter_bindings::decode(&bytes).map_err(err)
    }

    async fn complete(&self) -> Result<Outcome> {
        let bytes = self.send(false).await?.bytes().await.map_err(err)?;
        let response: FloorResponse = serde_json::from_slice(&bytes).map_err(err)?;
        let choice = response.choices.into_iter().next().ok_or("no choice")?;
        Ok(Outcome {
            text: choice.message.content.unwrap_or_default(),
            finish_reason: choice.finish_reason.unwrap_or_default(),
            completion_tokens: response.usage.map_or(0, |u| u.completion_tokens),
        })
    }

    async fn stream(&self) -> Result<(Outcome, usize)> {
        let mut out = Outcome { text: String::new(), finish_reason: String::new(), completion_tokens: 0 };
        let mut chunks = 0;
        let mut body = self.send(true).await?.bytes_stream();
        let mut parser = PlainSse::default();
        while let Some(bytes) = body.next().await {
            let done = parser.push(&bytes.map_err(err)?, |data| {
                let chunk: FloorResponse = serde_json::from_slice(data).map_err(err)?;
                chunks += 1;
                for choice in chunk.choices {
                    out.text.push_str(choice.message.content.as_deref().unwrap_or_default());
                    if let Some(reason) = choice.finish_reason {
                        out.finish_reason = reason;
                    }
                }
                if let Some(usage) = chunk.usage {
                    out.completion_tokens = usage.completion_tokens;
                }
                Ok(())
            })?;
            if done {
                return Ok((out, chunks));
            }
        }
        Err("the stream ended before [DONE]".into())
    }

    async fn hold_stream(&self, chunks: usize) -> Result<Box<dyn Any + Send>> {
        let mut body = self.send(true).await?.bytes_stream();
        let mut parser = PlainSse::default();
        let mut seen = 0;
        while seen < chunks {
            let bytes = body.next().await.ok_or("ended early")?.map_err(err)?;
            parser.push(&bytes, |data| {
                let _: FloorResponse = serde_json::from_slice(data).map_err(err)?;
                seen += 1;
                Ok(())
            })?;
        }
        Ok(Box::new((body, parser)))
    }
}

/// The plainest SSE parser that reads OpenRouter's streams: LF-separated lines, `data: ` payloads
/// of one line, blank-line dispatch, comments skipped.
#[derive(Default)]
pub struct PlainSse {
    buffer: Vec<u8>,
}

impl PlainSse {
    /// Feeds bytes; calls `on_data` per event. True once `[DONE]` has been seen.
    pub fn push(&mut self, bytes: &[u8], mut on_data: impl FnMut(&[u8]) -> Result<()>) -> Result<bool> {
        self.buffer.extend_from_slice(bytes);
        let mut start = 0;
        let mut done = false;
        while let Some(end) = self.buffer[start..].iter().position(|&b| b == b'\n') {
            let line = &self.buffer[start..start + end];
            start += end + 1;
            if let Some(data) = line.strip_prefix(b"data: ") {
                if data == b"[DONE]" {
                    done = true;
                    break;
                }
                on_data(data)?;
            }
        }
        self.buffer.drain(..start);
        Ok(done)
    }
}
