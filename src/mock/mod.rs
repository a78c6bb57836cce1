//! A local OpenRouter double (feature `mock`) on 127.0.0.1, for your tests and for running offline,
//! built on hyper's HTTP server.
//!
//! Every operation of the enabled areas answers with the spec's example for it (or a value made
//! from its schema): `client.get_models().send()` works offline. Chat completions, the Responses
//! and Messages APIs, and the media areas (images, embeddings, rerank, speech, transcription, video
//! jobs) are scripted: they answer from one queue of [`MockReply`]s. When the queue is empty the
//! mock makes a reply up: an instance of the requested JSON schema, a call of the first tool
//! (arguments from its schema), what a tool said, or the last user message echoed; embeddings are
//! word-hashed vectors, rerank scores word overlap, images are a one-pixel PNG (as base64, a link
//! to the mock itself, or a `data:` URL), speech carries its text so that a transcription reads it
//! back, and a video job completes after two polls ([`MockReply::mid_stream_error`] fails the job,
//! [`MockReply::cut_connection`] keeps it running forever).
//!
//! It streams the way OpenRouter does (leading `: OPENROUTER PROCESSING` comments, a
//! usage-only final chunk, `[DONE]`; the Responses and Messages APIs in their own event
//! sequences), injects failures (error statuses, error events mid-stream, cut connections), and
//! records every request. A request that
//! does not match the spec gets a 400 envelope, as OpenRouter would answer; one without a bearer
//! key gets a 401.
//!
//! ```
//! use openrouter_bindings::mock::{MockReply, MockServer};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), openrouter_bindings::Error> {
//! let mock = MockServer::start().await;
//! mock.push(MockReply::text("Paris"));
//! let response = mock.client().chat("any/model").user("Capital of France?").send().await?;
//! assert_eq!(response.text()?, "Paris");
//! assert_eq!(mock.requests()[0].body["messages"][0]["content"], "Capital of France?");
//! # Ok(()) }
//! ```

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full, Limited, StreamBody, combinators::BoxBody};
use hyper::{
    Request, Response,
    body::{Frame, Incoming},
    header::{CONTENT_LENGTH, CONTENT_TYPE},
    service::service_fn,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

pub use cassette::{CASSETTE_VERSION, Cassette};

use crate::{Client, Error, RetryPolicy, generated::MOCK_ROUTES, types::ChatRequest};

mod cassette;
#[cfg(any(feature = "images", feature = "embeddings", feature = "rerank", feature = "audio", feature = "video"))]
mod media;
#[cfg(any(feature = "responses", feature = "messages"))]
mod turn;

type Body = BoxBody<Bytes, std::io::Error>;

/// The key [`MockServer::client`] sends; the mock accepts any non-empty bearer key.
pub const MOCK_API_KEY: &str = "sk-or-mock-key";

/// A running mock. It stops when dropped, closing its connections.
#[derive(Debug)]
pub struct MockServer {
    url: String,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Debug, Default)]
struct State {
    replies: Mutex<VecDeque<MockReply>>,
    requests: Mutex<Vec<MockRequest>>,
    generation: AtomicU64,
    connections: AtomicU64,
    /// Scripted (the default), recording to a cassette, or replaying one.
    mode: Mode,
    /// Video jobs: polls left before the job ends, and how it ends.
    #[cfg_attr(not(feature = "video"), allow(dead_code))]
    videos: Mutex<std::collections::HashMap<String, (u32, Kind)>>,
}

/// Where the mock's answers come from.
#[derive(Debug, Default)]
enum Mode {
    /// Its scripts and the spec's examples.
    #[default]
    Scripted,
    /// A real server, each exchange appended to a cassette.
    Record(cassette::Recorder),
    /// A cassette.
    Replay(cassette::Player),
}

/// Asks [`MockServer::cassette`] to record instead of replaying (`1` or `true`).
pub const RECORD_ENV: &str = "OPENROUTER_RECORD";

/// Names the cassette for [`MockServer::cassette`] and [`builder_from_env_or_mock`].
pub const CASSETTE_ENV: &str = "OPENROUTER_CASSETTE";

/// A request the mock received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MockRequest {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The path and query, e.g. `/api/v1/generation?id=gen-1`.
    pub path: String,
    /// Header names (lower-cased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The JSON body (`Value::Null` when it was not JSON).
    pub body: Value,
}

impl MockRequest {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as the generated request type.
    pub fn chat_request(&self) -> Option<ChatRequest> {
        serde_json::from_value(self.body.clone()).ok()
    }
}

/// One scripted answer. Build one, adjust it with [`delay`](Self::delay) or
/// [`retry_after`](Self::retry_after), and [`MockServer::push`] it.
#[derive(Debug, Clone)]
pub struct MockReply {
    kind: Kind,
    delay: Duration,
    retry_after: Option<u64>,
}

#[derive(Debug, Clone)]
enum Kind {
    Echo,
    Text(String),
    ToolCalls(Vec<(String, String)>),
    Reasoning { reasoning: String, text: String },
    Error { status: u16, message: String, metadata: Value },
    MidStreamError { partial: String, code: Value, message: String },
    Cut { partial: String },
}

impl MockReply {
    fn new(kind: Kind) -> Self {
        MockReply { kind, delay: Duration::ZERO, retry_after: None }
    }

    /// Echoes the last user message (the default when the queue is empty).
    pub fn echo() -> Self {
        Self::new(Kind::Echo)
    }

    /// Answers with this text.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new(Kind::Text(text.into()))
    }

    /// Calls one tool with these arguments.
    pub fn tool_call(name: impl Into<String>, arguments: Value) -> Self {
        Self::tool_calls([(name, arguments)])
    }

    /// Calls several tools at once (parallel tool calls).
    pub fn tool_calls<I: IntoIterator<Item = (N, Value)>, N: Into<String>>(calls: I) -> Self {
        Self::new(Kind::ToolCalls(calls.into_iter().map(|(n, a)| (n.into(), a.to_string())).collect()))
    }

    /// Reasons (as `reasoning` and a `reasoning.text` detail), then answers.
    pub fn reasoning(reasoning: impl Into<String>, text: impl Into<String>) -> Self {
        Self::new(Kind::Reasoning { reasoning: reasoning.into(), text: text.into() })
    }

    /// Fails with this status and an OpenRouter error envelope.
    pub fn error(status: u16, message: impl Into<String>) -> Self {
        Self::error_with_metadata(status, message, Value::Null)
    }

    /// Fails with this status and an envelope carrying `metadata`.
    pub fn error_with_metadata(status: u16, message: impl Into<String>, metadata: Value) -> Self {
        Self::new(Kind::Error { status, message: message.into(), metadata })
    }

    /// Streams `partial`, then a chunk with a top-level `error` (`code` a number or a string).
    /// Without streaming: a 200 whose choice carries the error.
    pub fn mid_stream_error(partial: impl Into<String>, code: impl Into<Value>, message: impl Into<String>) -> Self {
        Self::new(Kind::MidStreamError { partial: partial.into(), code: code.into(), message: message.into() })
    }

    /// Sends `partial` and then cuts the connection (streaming) or sends half a body (not).
    pub fn cut_connection(partial: impl Into<String>) -> Self {
        Self::new(Kind::Cut { partial: partial.into() })
    }

    /// Waits this long before the first byte.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Adds a `Retry-After` header (seconds).
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

impl MockServer {
    /// Starts a mock on 127.0.0.1 at a free port.
    pub async fn start() -> MockServer {
        Self::start_with(Mode::Scripted).await
    }

    /// A mock that answers from a recorded session, offline (see [`Cassette`]).
    ///
    /// ```
    /// use openrouter_bindings::mock::{Cassette, MockServer};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), openrouter_bindings::Error> {
    /// # let dir = std::env::temp_dir().join(format!("cassette-doc-{}", std::process::id()));
    /// # let path = dir.join("models.jsonl");
    /// # {
    /// #     let real = MockServer::start().await; // stands in for OpenRouter
    /// #     let recorder = MockServer::record(real.url(), "sk-or-real", &path).await?;
    /// #     recorder.client().count_models().send().await?;
    /// # }
    /// // Recorded once with `MockServer::record`; now served without a network.
    /// let mock = MockServer::replay(Cassette::load(&path)?).await;
    /// let count = mock.client().count_models().send().await?;
    /// assert!(count.data.count > 0);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// # Ok(()) }
    /// ```
    pub async fn replay(cassette: Cassette) -> MockServer {
        Self::start_with(Mode::Replay(cassette::Player::new(cassette))).await
    }

    /// A mock that forwards each request once to the server at `upstream` (an API root such as
    /// [`DEFAULT_BASE_URL`](crate::DEFAULT_BASE_URL)) with `api_key`, answers with what came back,
    /// unchanged and as it comes, and appends each exchange to a new cassette at `path`. The key
    /// is never written; the client may use any key (its [`client`](Self::client) does).
    pub async fn record(upstream: &str, api_key: &str, path: impl AsRef<std::path::Path>) -> Result<MockServer, Error> {
        let recorder = cassette::Recorder::new(upstream, api_key, path.as_ref())?;
        Ok(Self::start_with(Mode::Record(recorder)).await)
    }

    /// The switch for a test suite: replays the cassette at `path` (or at `OPENROUTER_CASSETTE`,
    /// when set), or records it afresh when `OPENROUTER_RECORD=1`, from `OPENROUTER_BASE_URL`
    /// (default: OpenRouter) with `OPENROUTER_API_KEY`.
    pub async fn cassette(path: impl AsRef<std::path::Path>) -> Result<MockServer, Error> {
        let path = std::env::var_os(CASSETTE_ENV).map_or_else(|| path.as_ref().to_path_buf(), Into::into);
        let record = std::env::var(RECORD_ENV).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
        if !record {
            return Ok(Self::replay(Cassette::load(&path)?).await);
        }
        let key = std::env::var("OPENROUTER_API_KEY")
            .map_err(|_| Error::Config(format!("{RECORD_ENV} is set: recording needs OPENROUTER_API_KEY")))?;
        let upstream = std::env::var("OPENROUTER_BASE_URL").unwrap_or_else(|_| crate::DEFAULT_BASE_URL.to_owned());
        Self::record(&upstream, &key, &path).await
    }

    async fn start_with(mode: Mode) -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let url = format!("http://{}/api/v1", listener.local_addr().expect("a bound address"));
        let state = Arc::new(State { mode, ..State::default() });
        let shared = state.clone();
        let task = tokio::spawn(async move {
            // Connections live in this task's set: dropping the server aborts them all.
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((socket, _)) = listener.accept().await {
                shared.connections.fetch_add(1, Ordering::Relaxed);
                while connections.try_join_next().is_some() {}
                let _ = socket.set_nodelay(true);
                let state = shared.clone();
                let service = service_fn(move |request| respond(request, state.clone()));
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(socket), service);
                connections.spawn(connection);
            }
        });
        MockServer { url, state, task }
    }

    /// The API root to use as a base URL, e.g. `http://127.0.0.1:40123/api/v1`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A client for this mock: its URL, a dummy key, and no retries.
    pub fn client(&self) -> Client {
        self.client_builder().build().expect("the mock's configuration is valid")
    }

    /// A client builder preset for this mock, to adjust before building.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        Client::builder().api_key(MOCK_API_KEY).base_url(&self.url).retry(RetryPolicy::none())
    }

    /// Queues a reply; replies are used in order, then the mock echoes.
    pub fn push(&self, reply: MockReply) -> &Self {
        self.state.replies.lock().expect("not poisoned").push_back(reply);
        self
    }

    /// How many connections clients have opened to the mock so far (keep-alive reuses one).
    pub fn connections(&self) -> u64 {
        self.state.connections.load(Ordering::Relaxed)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<MockRequest> {
        self.state.requests.lock().expect("not poisoned").clone()
    }
}

/// A client builder from the environment when `OPENROUTER_API_KEY` or `OPENROUTER_BASE_URL` is set
/// (an empty key then fails to build); otherwise one pointed at a freshly started mock (returned
/// too: keep it alive while you use the client), announced in one line on stderr. The examples
/// start this way, so they run anywhere.
///
/// With `OPENROUTER_CASSETTE` set, the mock is [`MockServer::cassette`] instead: it replays that
/// cassette, or records it when `OPENROUTER_RECORD=1` (from `OPENROUTER_BASE_URL` with
/// `OPENROUTER_API_KEY`). It panics when that cassette cannot be read or written.
pub async fn builder_from_env_or_mock() -> (crate::ClientBuilder, Option<MockServer>) {
    if let Some(path) = std::env::var_os(CASSETTE_ENV) {
        let mock = MockServer::cassette(&path).await.unwrap_or_else(|e| panic!("{e}"));
        let builder = Client::builder().api_key(MOCK_API_KEY).base_url(mock.url()).retry(RetryPolicy::none());
        return (builder, Some(mock));
    }
    // Either variable set (even to an empty value) means the caller meant a real server: an empty
    // key then fails to build, and is never a quiet switch to the mock.
    if std::env::var_os("OPENROUTER_API_KEY").is_some() || std::env::var_os("OPENROUTER_BASE_URL").is_some() {
        return (Client::builder().from_env(), None);
    }
    let mock = MockServer::start().await;
    eprintln!(
        "note: OPENROUTER_API_KEY is not set, so the answer comes from the crate's local mock server ({})",
        mock.url()
    );
    (Client::builder().api_key(MOCK_API_KEY).base_url(mock.url()), Some(mock))
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const MAX_BODY: usize = 64 * 1024 * 1024;

/// The API root's path: every route is relative to it.
const ROOT: &str = "/api/v1/";

async fn respond(request: Request<Incoming>, state: Arc<State>) -> Result<Response<Body>, std::convert::Infallible> {
    let (head, body) = request.into_parts();
    let Ok(body) = Limited::new(body, MAX_BODY).collect().await.map(|b| b.to_bytes()) else {
        return Ok(json_response(413, &envelope(413, "Payload too large", Value::Null), None));
    };
    let headers: Vec<(String, String)> = head
        .headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    state.requests.lock().expect("not poisoned").push(MockRequest {
        method: head.method.to_string(),
        path: head.uri.path_and_query().map_or_else(|| head.uri.path().to_owned(), |p| p.as_str().to_owned()),
        headers: headers.clone(),
        body: json.clone(),
    });
    let key = head.headers.get("authorization").and_then(|a| a.to_str().ok()?.strip_prefix("Bearer "));
    // Assets stand for a provider's CDN, which needs (and must never get) the key.
    let asset = head.uri.path().starts_with("/api/v1/mock-assets/");
    if key.unwrap_or_default().trim().is_empty() && !asset {
        return Ok(json_response(401, &envelope(401, "No auth credentials found", Value::Null), None));
    }
    match &state.mode {
        Mode::Scripted => {}
        Mode::Record(recorder) => {
            return Ok(recorder.forward(&head, head.uri.path(), head.uri.query().unwrap_or_default(), body).await);
        }
        Mode::Replay(player) => {
            let query = head.uri.query().unwrap_or_default();
            return Ok(player.answer(head.method.as_str(), head.uri.path(), query, &body).await);
        }
    }
    let path = head.uri.path().strip_prefix(ROOT).unwrap_or_default();
    if head.method == hyper::Method::POST && path == "chat/completions" {
        return Ok(chat(&state, &body, &json).await);
    }
    if let Some(response) = media_route(&state, head.method.as_str(), path, &json, head.headers.get("host")).await {
        return Ok(response);
    }
    #[cfg(feature = "responses")]
    if head.method == hyper::Method::POST && path == "responses" {
        return Ok(turn::answer(turn::Api::Responses, &state, &json).await);
    }
    #[cfg(feature = "messages")]
    if head.method == hyper::Method::POST && path == "messages" {
        return Ok(turn::answer(turn::Api::Messages, &state, &json).await);
    }
    // The most literal route that fits: `videos/models` before `videos/{jobId}`.
    let route = MOCK_ROUTES
        .iter()
        .filter(|(method, template, ..)| head.method.as_str() == *method && matches(template, path))
        .min_by_key(|(_, template, ..)| template.matches('{').count());
    Ok(match route {
        Some((_, _, status, content_type, answer)) => {
            let mut response = Response::builder().status(*status);
            if !content_type.is_empty() {
                response = response.header(CONTENT_TYPE, *content_type);
            }
            response.body(full(Bytes::from_static(answer.as_bytes()))).expect("a valid response")
        }
        None => json_response(404, &envelope(404, "Not Found", Value::Null), None),
    })
}

/// The scripted answers of the media areas, for the areas this build has.
#[allow(unused_variables)]
async fn media_route(
    state: &State,
    method: &str,
    path: &str,
    json: &Value,
    host: Option<&hyper::header::HeaderValue>,
) -> Option<Response<Body>> {
    let base = format!("http://{}/api/v1", host.and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1"));
    let segments: Vec<&str> = path.split('/').collect();
    match (method, segments.as_slice()) {
        #[cfg(feature = "images")]
        ("POST", ["images"]) => Some(media::images(state, json, &base).await),
        #[cfg(feature = "images")]
        ("GET", ["mock-assets", "image.png"]) => Some(media::image_asset()),
        #[cfg(feature = "embeddings")]
        ("POST", ["embeddings"]) => Some(media::embeddings(state, json).await),
        #[cfg(feature = "rerank")]
        ("POST", ["rerank"]) => Some(media::rerank(state, json).await),
        #[cfg(feature = "audio")]
        ("POST", ["audio", "speech"]) => Some(media::speech(state, json).await),
        #[cfg(feature = "audio")]
        ("POST", ["audio", "transcriptions"]) => Some(media::transcription(state, json).await),
        #[cfg(feature = "video")]
        ("POST", ["videos"]) => Some(media::create_video(state, &base).await),
        #[cfg(feature = "video")]
        ("GET", ["videos", id]) if id.starts_with("job-mock-") => Some(media::poll_video(state, id, &base)),
        #[cfg(feature = "video")]
        ("GET", ["videos", id, "content"]) if id.starts_with("job-mock-") => Some(media::video_content(state, id)),
        _ => None,
    }
}

/// Whether `path` fits the route `template` (`keys/{hash}`: a placeholder takes one segment).
fn matches(template: &str, path: &str) -> bool {
    let (mut template, mut path) = (template.split('/'), path.split('/'));
    loop {
        match (template.next(), path.next()) {
            (None, None) => return true,
            (Some(t), Some(p)) if t == p || (t.starts_with('{') && !p.is_empty()) => {}
            _ => return false,
        }
    }
}

async fn chat(state: &State, body: &[u8], json: &Value) -> Response<Body> {
    let request: ChatRequest = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(e) => return json_response(400, &envelope(400, &format!("Invalid request: {e}"), Value::Null), None),
    };
    if request.messages.is_empty() {
        return json_response(400, &envelope(400, "Input required: messages is empty", Value::Null), None);
    }
    let reply = state.replies.lock().expect("not poisoned").pop_front().unwrap_or_else(MockReply::echo);
    tokio::time::sleep(reply.delay).await;
    let id = format!("gen-mock-{}", state.generation.fetch_add(1, Ordering::Relaxed) + 1);
    let answer = Answer::new(&id, &request, json, reply.kind);
    if let Kind::Error { status, message, metadata } = &answer.kind {
        return json_response(*status, &envelope(*status, message, metadata.clone()), reply.retry_after);
    }
    if request.stream == Some(true) {
        stream_response(&answer)
    } else if let Kind::Cut { .. } = answer.kind {
        // The declared length, half the bytes, then the connection goes.
        let body = answer.response().to_string();
        let half = Bytes::from(body.as_bytes()[..body.len() / 2].to_vec());
        Response::builder()
            .header(CONTENT_TYPE, "application/json")
            .header(CONTENT_LENGTH, body.len())
            .body(frames(vec![half], true))
            .expect("a valid response")
    } else {
        json_response(200, &answer.response(), None)
    }
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes).map_err(|never| match never {}).boxed()
}

/// A body sent frame by frame; `cut` ends it with an error, which makes hyper drop the connection
/// (after a moment, so that what came before has reached the client).
fn frames(frames: Vec<Bytes>, cut: bool) -> Body {
    paced_frames(frames.into_iter().map(|f| (Duration::ZERO, f)).collect(), cut)
}

/// [`frames`], each after its pause.
fn paced_frames(frames: Vec<(Duration, Bytes)>, cut: bool) -> Body {
    let data = futures_util::stream::iter(frames).then(|(pause, bytes)| async move {
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        Ok(Frame::data(bytes))
    });
    let end = futures_util::stream::iter([cut]).filter_map(|cut| async move {
        if !cut {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        Some(Err(std::io::Error::from(std::io::ErrorKind::ConnectionAborted)))
    });
    BodyExt::boxed(StreamBody::new(data.chain(end)))
}

fn envelope(code: u16, message: &str, metadata: Value) -> Value {
    let mut error = json!({ "code": code, "message": message });
    if !metadata.is_null() {
        error["metadata"] = metadata;
    }
    json!({ "error": error, "user_id": "user_mock" })
}

fn json_response(status: u16, body: &Value, retry_after: Option<u64>) -> Response<Body> {
    let mut response = Response::builder().status(status).header(CONTENT_TYPE, "application/json");
    if let Some(seconds) = retry_after {
        response = response.header("retry-after", seconds);
    }
    response.body(full(Bytes::from(body.to_string()))).expect("a valid response")
}

/// Everything needed to render one completion, whole or streamed.
struct Answer {
    id: String,
    model: String,
    prompt_tokens: u64,
    kind: Kind,
}

impl Answer {
    fn new(id: &str, request: &ChatRequest, raw: &Value, kind: Kind) -> Answer {
        let messages = raw["messages"].as_array().cloned().unwrap_or_default();
        let prompt_tokens = messages.iter().map(|m| count_words(&content_text(&m["content"]))).sum();
        let kind = match kind {
            Kind::Echo => echo(raw, &messages),
            other => other,
        };
        Answer {
            id: id.to_owned(),
            model: request.model.clone().unwrap_or_else(|| "openrouter/auto".into()),
            prompt_tokens,
            kind,
        }
    }

    fn text(&self) -> &str {
        match &self.kind {
            Kind::Text(text) | Kind::Reasoning { text, .. } => text,
            Kind::MidStreamError { partial, .. } | Kind::Cut { partial } => partial,
            _ => "",
        }
    }

    fn completion_tokens(&self) -> u64 {
        count_words(self.text()) + if let Kind::ToolCalls(calls) = &self.kind { 10 * calls.len() as u64 } else { 0 }
    }

    fn usage(&self) -> Value {
        let completion = self.completion_tokens();
        json!({
            "prompt_tokens": self.prompt_tokens, "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion, "cost": 0.0, "is_byok": false,
            "prompt_tokens_details": { "cached_tokens": 0 }, "completion_tokens_details": { "reasoning_tokens": 0 }
        })
    }

    fn finish_reason(&self) -> (&'static str, &'static str) {
        match &self.kind {
            Kind::ToolCalls(_) => ("tool_calls", "tool_use"),
            Kind::MidStreamError { .. } => ("error", "error"),
            _ => ("stop", "end_turn"),
        }
    }

    fn tool_calls(&self) -> Vec<Value> {
        let Kind::ToolCalls(calls) = &self.kind else { return Vec::new() };
        calls
            .iter()
            .enumerate()
            .map(|(i, (name, arguments))| {
                json!({ "id": format!("call_mock_{}", i + 1), "type": "function", "function": { "name": name, "arguments": arguments } })
            })
            .collect()
    }

    fn head(&self, object: &str) -> Value {
        json!({ "id": self.id, "object": object, "created": 1_732_000_000u64, "model": self.model, "provider": "Mock" })
    }

    /// The non-streaming `chat.completion` body.
    fn response(&self) -> Value {
        let mut message = json!({ "role": "assistant", "content": self.text(), "refusal": null });
        let calls = self.tool_calls();
        if !calls.is_empty() {
            message["content"] = Value::Null;
            message["tool_calls"] = Value::Array(calls);
        }
        if let Kind::Reasoning { reasoning, .. } = &self.kind {
            message["reasoning"] = json!(reasoning);
            message["reasoning_details"] =
                json!([{ "type": "reasoning.text", "text": reasoning, "format": "unknown", "index": 0 }]);
        }
        let (finish, native) = self.finish_reason();
        let mut choice = json!({ "index": 0, "message": message, "finish_reason": finish, "native_finish_reason": native, "logprobs": null });
        if let Kind::MidStreamError { code, message, .. } = &self.kind {
            choice["error"] = json!({ "code": code, "message": message });
        }
        let mut response = self.head("chat.completion");
        response["choices"] = json!([choice]);
        response["usage"] = self.usage();
        response["system_fingerprint"] = Value::Null;
        response
    }

    /// The SSE events of the streamed answer, `[DONE]` included (unless it fails first).
    fn events(&self) -> Vec<String> {
        let chunk = |delta: Value, finish: Option<(&str, &str)>| {
            let mut chunk = self.head("chat.completion.chunk");
            let mut choice =
                json!({ "index": 0, "delta": delta, "finish_reason": finish.map(|f| f.0), "logprobs": null });
            if let Some((_, native)) = finish {
                choice["native_finish_reason"] = json!(native);
            }
            chunk["choices"] = json!([choice]);
            chunk
        };
        let mut events = vec![chunk(json!({ "role": "assistant", "content": "" }), None)];
        if let Kind::Reasoning { reasoning, .. } = &self.kind {
            for piece in split_words(reasoning) {
                let detail = json!([{ "type": "reasoning.text", "text": piece, "format": "unknown", "index": 0 }]);
                events.push(chunk(json!({ "reasoning": piece, "reasoning_details": detail }), None));
            }
        }
        for piece in split_words(self.text()) {
            events.push(chunk(json!({ "content": piece }), None));
        }
        for (index, call) in self.tool_calls().into_iter().enumerate() {
            let arguments = call["function"]["arguments"].as_str().unwrap_or_default().to_owned();
            let first = json!([{ "index": index, "id": call["id"], "type": "function", "function": { "name": call["function"]["name"], "arguments": "" } }]);
            events.push(chunk(json!({ "tool_calls": first }), None));
            let middle = arguments.len() / 2;
            let middle = (0..=middle).rev().find(|i| arguments.is_char_boundary(*i)).unwrap_or(0);
            for part in [&arguments[..middle], &arguments[middle..]] {
                events.push(chunk(
                    json!({ "tool_calls": [{ "index": index, "function": { "arguments": part } }] }),
                    None,
                ));
            }
        }
        let mut events: Vec<String> = events.into_iter().map(|e| e.to_string()).collect();
        match &self.kind {
            Kind::MidStreamError { code, message, .. } => {
                let mut last = chunk(json!({ "content": "" }), Some(("error", "error")));
                last["error"] = json!({ "code": code, "message": message });
                events.push(last.to_string());
            }
            Kind::Cut { .. } => {}
            _ => {
                events.push(chunk(json!({}), Some(self.finish_reason())).to_string());
                let mut usage = self.head("chat.completion.chunk");
                usage["choices"] = json!([]);
                usage["usage"] = self.usage();
                events.push(usage.to_string());
                events.push("[DONE]".into());
            }
        }
        events
    }
}

fn stream_response(answer: &Answer) -> Response<Body> {
    let mut events =
        vec![Bytes::from_static(b": OPENROUTER PROCESSING\n\n"), Bytes::from_static(b": OPENROUTER PROCESSING\n\n")];
    events.extend(answer.events().into_iter().map(|e| Bytes::from(format!("data: {e}\n\n"))));
    let cut = matches!(answer.kind, Kind::Cut { .. });
    if cut {
        // Half an event, then the connection goes: the client must call this truncated.
        events.push(Bytes::from_static(b"data: {\"id\""));
    }
    Response::builder()
        .header(CONTENT_TYPE, "text/event-stream")
        .header("cache-control", "no-cache")
        .body(frames(events, cut))
        .expect("a valid response")
}

/// The default answer: an instance of the requested schema; a call of the first tool; what the
/// tool said; or the last user message.
fn echo(raw: &Value, messages: &[Value]) -> Kind {
    let last = messages.last().cloned().unwrap_or_default();
    if raw["response_format"]["type"] == "json_schema" {
        let schema = &raw["response_format"]["json_schema"]["schema"];
        return Kind::Text(sample(schema, schema, 0).to_string());
    }
    if let (Some(tool), false) = (raw["tools"].as_array().and_then(|t| t.first()), last["role"] == "tool") {
        let parameters = &tool["function"]["parameters"];
        let name = tool["function"]["name"].as_str().unwrap_or("tool").to_owned();
        return Kind::ToolCalls(vec![(name, sample(parameters, parameters, 0).to_string())]);
    }
    if last["role"] == "tool" {
        return Kind::Text(format!("(mock) The tool said: {}", content_text(&last["content"])));
    }
    let last_user = messages.iter().rev().find(|m| m["role"] == "user").map(|m| content_text(&m["content"]));
    Kind::Text(format!("(mock) You said: {}", last_user.unwrap_or_default()))
}

/// A value that matches `schema` (refs resolved against `root`), as a model in strict mode would
/// write it: every property present, the first choice of every union and enum. `depth` counts
/// `$ref` hops: past a few, recursion stops at a null branch or an empty array.
fn sample(schema: &Value, root: &Value, depth: usize) -> Value {
    if let Some(reference) = schema["$ref"].as_str() {
        let target = match reference.strip_prefix("#") {
            Some("") => root,
            Some(pointer) => root.pointer(pointer).unwrap_or(&Value::Null),
            None => &Value::Null,
        };
        return if depth > 6 { Value::Null } else { sample(target, root, depth + 1) };
    }
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(value) = schema["enum"].as_array().and_then(|e| e.iter().find(|v| !v.is_null())) {
        return value.clone();
    }
    if let Some(branches) = schema["anyOf"].as_array().or(schema["oneOf"].as_array()) {
        // Deep in a recursive type, take the null branch to stop.
        let pick = if depth > 3 { branches.iter().find(|b| b["type"] == "null") } else { None };
        let pick = pick.or_else(|| branches.iter().find(|b| b["type"] != "null")).unwrap_or(&Value::Null);
        return sample(pick, root, depth);
    }
    let kind = match &schema["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(types) => types.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    match kind {
        "object" => Value::Object(
            schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, sub)| (name.clone(), sample(sub, root, depth)))
                .collect(),
        ),
        "array" => {
            let count = schema["minItems"].as_u64().unwrap_or(if depth > 3 { 0 } else { 1 });
            Value::Array((0..count).map(|_| sample(&schema["items"], root, depth)).collect())
        }
        "string" if schema["format"] == "date-time" => json!("2026-01-01T00:00:00Z"),
        "string" => json!("example"),
        "integer" => json!(schema["minimum"].as_i64().unwrap_or(0).max(1)),
        "number" => json!(1.5),
        "boolean" => json!(true),
        _ => Value::Null,
    }
}

/// Text of a message's content: a string, or its text parts joined.
fn content_text(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts.iter().filter_map(|p| p["text"].as_str()).collect::<Vec<_>>().join(""),
        _ => String::new(),
    }
}

fn count_words(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// Splits text into word-sized deltas that concatenate back to it exactly.
fn split_words(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices().skip(1) {
        if c == ' ' {
            pieces.push(&text[start..i]);
            start = i;
        }
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}
