//! Recorded sessions: the mock records what a real server answers into a cassette, then serves it
//! back offline.
//!
//! A cassette is JSON Lines: a first line naming the format version, then one line per exchange,
//! in the order they happened:
//!
//! ```text
//! {"openrouter_cassette":1,"recorded_by":"openrouter-bindings 0.1.0"}
//! {"request":{"method":"POST","path":"/api/v1/chat/completions","body":{"model":"m","messages":[…],"stream":true}},
//!  "response":{"status":200,"headers":{"content-type":"text/event-stream"},
//!   "chunks":[{"after_ms":0,"text":": OPENROUTER PROCESSING\n\n"},{"after_ms":41,"text":"data: {…}\n\n"}]}}
//! ```
//!
//! (one line each in the file). A request keeps its method, path, query and JSON body (a body that
//! is not JSON, such as an upload, keeps its size only). A response keeps its status, the headers
//! that matter (content type, `Retry-After`, `X-Generation-Id`, rate limits), and its bytes as they
//! came: chunk by chunk with the milliseconds before each, as text, or as `base64` when they are
//! not UTF-8; `"cut": true` when the server dropped the connection before the end. The API key, the
//! `Authorization` header and cookies are never written.

use std::{
    collections::BTreeMap,
    fmt,
    io::Write,
    path::{Path, PathBuf},
    sync::Mutex,
    time::{Duration, Instant},
};

use base64::Engine;
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, StreamBody};
use hyper::{Response, body::Frame};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Body, ROOT, envelope, json_response, paced_frames};
use crate::Error;

/// The format version this crate writes; it reads this one and older ones.
pub const CASSETTE_VERSION: u64 = 1;

/// Response headers worth keeping: what a client acts on.
const KEPT_HEADERS: &[&str] = &["content-type", "retry-after", "x-generation-id"];

/// Request headers never forwarded as they came: the recorder sets its own key, and asks for plain
/// bytes (a compressed answer would be recorded compressed, and replayed without its encoding).
const DROPPED_REQUEST_HEADERS: &[&str] = &[
    "authorization",
    "cookie",
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "keep-alive",
    "accept-encoding",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    openrouter_cassette: u64,
    #[serde(default)]
    recorded_by: String,
}

/// One request and its answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Exchange {
    request: RecordedRequest,
    response: RecordedResponse,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RecordedRequest {
    method: String,
    /// From the API root, e.g. `/api/v1/chat/completions`.
    path: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    query: String,
    /// The JSON body; `None` when there was none or it was not JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<Value>,
    /// The size of a body that is not JSON (an upload): kept for the reader, not matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    other_body_bytes: Option<usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RecordedResponse {
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    chunks: Vec<Chunk>,
    /// The server dropped the connection before the body ended.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    cut: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Chunk {
    /// Milliseconds between the previous chunk (or the request) and this one.
    #[serde(default)]
    after_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
}

impl Chunk {
    fn new(after: Duration, bytes: &[u8]) -> Chunk {
        let after_ms = after.as_millis().try_into().unwrap_or(u64::MAX);
        match std::str::from_utf8(bytes) {
            Ok(text) => Chunk { after_ms, text: Some(text.to_owned()), base64: None },
            Err(_) => {
                Chunk { after_ms, text: None, base64: Some(base64::engine::general_purpose::STANDARD.encode(bytes)) }
            }
        }
    }

    /// Its bytes, or why it has none: a chunk must hold `text` or valid `base64`.
    fn bytes(&self) -> Result<Bytes, String> {
        match (&self.text, &self.base64) {
            (Some(text), _) => Ok(Bytes::from(text.clone())),
            (None, Some(encoded)) => base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map(Bytes::from)
                .map_err(|e| format!("a chunk's base64 does not decode: {e}")),
            (None, None) => Err("a chunk has neither `text` nor `base64`".into()),
        }
    }
}

impl RecordedResponse {
    /// Whether it can be served as written: a valid status, headers and chunks. `Cassette::load`
    /// checks, so that a hand-edited cassette fails there, by line, and never mid-test.
    fn check(&self) -> Result<(), String> {
        hyper::StatusCode::from_u16(self.status)
            .map_err(|_| format!("status {} is not an HTTP status", self.status))?;
        for (name, value) in &self.headers {
            let valid = hyper::header::HeaderName::from_bytes(name.as_bytes()).is_ok()
                && hyper::header::HeaderValue::from_str(value).is_ok();
            if !valid {
                return Err(format!("header `{name}: {value}` is not a valid HTTP header"));
            }
        }
        self.chunks.iter().try_for_each(|chunk| chunk.bytes().map(drop))
    }
}

/// A cassette loaded for replay: [`MockServer::replay`](super::MockServer::replay) serves it.
///
/// A request matches a recorded one with the same method, path and query and the same JSON body,
/// compared as values, leaving out the fields named by [`ignore`](Self::ignore). Matching
/// exchanges are served in the order they were recorded; when all have been served, the last one
/// answers again (a job polled more often than when it was recorded). A request that matches none
/// gets a 400 whose message names the closest recorded request and the first difference.
#[derive(Debug, Clone)]
pub struct Cassette {
    path: PathBuf,
    exchanges: Vec<Exchange>,
    ignored: Vec<String>,
    paced: bool,
}

impl Cassette {
    /// Reads the cassette at `path`. A missing or unreadable file, a line that is not an
    /// exchange, or a format newer than this crate reads is an [`Error::Config`] naming the line.
    pub fn load(path: impl AsRef<Path>) -> Result<Cassette, Error> {
        let path = path.as_ref().to_path_buf();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::Config(format!("cannot read the cassette {}: {e}", path.display())))?;
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let bad =
            |number: usize, why: String| Error::Config(format!("cassette {}:{}: {why}", path.display(), number + 1));
        let (number, first) = lines.next().ok_or_else(|| bad(0, "empty: no format line".into()))?;
        let header: Header = serde_json::from_str(first).map_err(|e| bad(number, format!("not a format line: {e}")))?;
        if header.openrouter_cassette > CASSETTE_VERSION {
            return Err(bad(
                number,
                format!(
                    "format {} is newer than this crate reads ({CASSETTE_VERSION}): update openrouter-bindings",
                    header.openrouter_cassette
                ),
            ));
        }
        let exchanges = lines
            .map(|(number, line)| {
                let exchange: Exchange =
                    serde_json::from_str(line).map_err(|e| bad(number, format!("not an exchange: {e}")))?;
                exchange.response.check().map_err(|why| bad(number, why))?;
                Ok(exchange)
            })
            .collect::<Result<_, _>>()?;
        Ok(Cassette { path, exchanges, ignored: Vec::new(), paced: false })
    }

    /// Leaves the field at this JSON pointer (`/seed`, `/metadata/run_id`) out of the match: a
    /// value that changes from run to run, such as a timestamp or a random seed.
    pub fn ignore(mut self, pointer: impl Into<String>) -> Self {
        self.ignored.push(pointer.into());
        self
    }

    /// Serves each chunk after the pause recorded before it, as the server sent it (default: all
    /// at once, for fast tests).
    pub fn paced(mut self, paced: bool) -> Self {
        self.paced = paced;
        self
    }

    /// How many exchanges it holds.
    pub fn len(&self) -> usize {
        self.exchanges.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty()
    }

    /// A request body with the ignored fields taken out.
    fn comparable(&self, body: &Option<Value>) -> Option<Value> {
        let mut body = body.clone()?;
        for pointer in &self.ignored {
            let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
            if let Some(Value::Object(map)) = body.pointer_mut(parent) {
                map.remove(last);
            }
        }
        Some(body)
    }
}

/// The mock's replay state: the cassette and which exchanges were served.
#[derive(Debug)]
pub(super) struct Player {
    cassette: Cassette,
    served: Mutex<Vec<bool>>,
}

impl Player {
    pub(super) fn new(cassette: Cassette) -> Player {
        let served = Mutex::new(vec![false; cassette.exchanges.len()]);
        Player { cassette, served }
    }

    /// The recorded answer to this request, or a 400 naming the closest recorded request.
    pub(super) async fn answer(&self, method: &str, path: &str, query: &str, body: &[u8]) -> Response<Body> {
        let got = RecordedRequest::new(method, path, query, body);
        let got_body = self.cassette.comparable(&got.body);
        let same = |e: &Exchange| {
            e.request.method == got.method
                && e.request.path == got.path
                && e.request.query == got.query
                && self.cassette.comparable(&e.request.body) == got_body
        };
        let index = {
            let mut served = self.served.lock().expect("not poisoned");
            let matching: Vec<usize> =
                (0..self.cassette.exchanges.len()).filter(|&i| same(&self.cassette.exchanges[i])).collect();
            let index = matching.iter().copied().find(|&i| !served[i]).or(matching.last().copied());
            if let Some(i) = index {
                served[i] = true;
            }
            index
        };
        match index {
            Some(i) => self.play(&self.cassette.exchanges[i].response),
            None => {
                let message = self.mismatch(&got, got_body.as_ref());
                json_response(400, &envelope(400, &message, Value::Null), None)
            }
        }
    }

    fn play(&self, response: &RecordedResponse) -> Response<Body> {
        let mut builder = Response::builder().status(response.status);
        for (name, value) in &response.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let paced = self.cassette.paced;
        let chunks: Vec<(Duration, Bytes)> = response
            .chunks
            .iter()
            .map(|c| {
                let pause = if paced { Duration::from_millis(c.after_ms) } else { Duration::ZERO };
                (pause, c.bytes().expect("Cassette::load checked every chunk"))
            })
            .collect();
        builder.body(paced_frames(chunks, response.cut)).expect("Cassette::load checked the status and headers")
    }

    /// Why nothing matched: the closest recorded request and the first difference.
    fn mismatch(&self, got: &RecordedRequest, got_body: Option<&Value>) -> String {
        let cassette = &self.cassette;
        let head = format!(
            "cassette {}: no recorded request matches {} {}{}",
            cassette.path.display(),
            got.method,
            got.path,
            if got.query.is_empty() { String::new() } else { format!("?{}", got.query) }
        );
        let closest = cassette.exchanges.iter().enumerate().min_by_key(|(_, e)| {
            let r = &e.request;
            (r.path != got.path, r.method != got.method, r.query != got.query)
        });
        let Some((index, exchange)) = closest else { return format!("{head}; the cassette is empty") };
        let recorded = &exchange.request;
        let difference = if recorded.method != got.method {
            format!("the method: recorded {}, got {}", recorded.method, got.method)
        } else if recorded.path != got.path {
            format!("the path: recorded {}, got {}", recorded.path, got.path)
        } else if recorded.query != got.query {
            format!("the query: recorded `{}`, got `{}`", recorded.query, got.query)
        } else {
            let recorded_body = cassette.comparable(&recorded.body).unwrap_or(Value::Null);
            first_difference(&recorded_body, got_body.unwrap_or(&Value::Null), String::new())
                .unwrap_or_else(|| "none found".into())
        };
        format!(
            "{head}; the closest is exchange {} ({} {}), which differs first in {difference}",
            index + 1,
            recorded.method,
            recorded.path
        )
    }
}

/// Where two JSON values first differ, as `the body at /messages/0/content: recorded "a", got "b"`.
fn first_difference(recorded: &Value, got: &Value, at: String) -> Option<String> {
    let short = |v: Option<&Value>| match v {
        None => "nothing".to_owned(),
        Some(v) => {
            let text = v.to_string();
            if text.chars().count() > 80 { format!("{}…", text.chars().take(77).collect::<String>()) } else { text }
        }
    };
    match (recorded, got) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|key| {
                let path = format!("{at}/{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => first_difference(x, y, path),
                    (x, y) => Some(format!("the body at {path}: recorded {}, got {}", short(x), short(y))),
                }
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().find_map(|(i, (x, y))| first_difference(x, y, format!("{at}/{i}")))
        }
        _ if recorded == got => None,
        _ => {
            let at = if at.is_empty() { "/".to_owned() } else { at };
            Some(format!("the body at {at}: recorded {}, got {}", short(Some(recorded)), short(Some(got))))
        }
    }
}

impl RecordedRequest {
    fn new(method: &str, path: &str, query: &str, body: &[u8]) -> RecordedRequest {
        let json = (!body.is_empty()).then(|| serde_json::from_slice::<Value>(body).ok()).flatten();
        let other_body_bytes = (json.is_none() && !body.is_empty()).then_some(body.len());
        RecordedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            body: json,
            other_body_bytes,
        }
    }
}

/// The API key the recorder sends upstream: never in `Debug`, and never written.
struct Key(String);

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key([redacted])")
    }
}

/// The mock's record state: where requests go, with which key, and the file they are written to.
#[derive(Debug)]
pub(super) struct Recorder {
    upstream: String,
    key: Key,
    http: reqwest::Client,
    file: std::sync::Arc<Mutex<std::fs::File>>,
}

impl Recorder {
    /// Starts a cassette at `path` (an existing file is replaced) for answers from `upstream`.
    pub(super) fn new(upstream: &str, key: &str, path: &Path) -> Result<Recorder, Error> {
        if key.trim().is_empty() {
            return Err(Error::Config("recording needs the real API key, and it is empty".into()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Config(format!("cannot create {} for the cassette: {e}", dir.display())))?;
        }
        let mut file = std::fs::File::create(path)
            .map_err(|e| Error::Config(format!("cannot write the cassette {}: {e}", path.display())))?;
        let header = Header {
            openrouter_cassette: CASSETTE_VERSION,
            recorded_by: format!("openrouter-bindings {}", env!("CARGO_PKG_VERSION")),
        };
        writeln!(file, "{}", serde_json::to_string(&header).expect("serializes"))
            .map_err(|e| Error::Config(format!("cannot write the cassette {}: {e}", path.display())))?;
        let http = crate::client::http_builder(&[])?
            .build()
            .map_err(|e| Error::Config(format!("cannot build the recorder's HTTP client: {e}")))?;
        Ok(Recorder {
            upstream: upstream.trim_end_matches('/').to_owned(),
            key: Key(key.to_owned()),
            http,
            file: std::sync::Arc::new(Mutex::new(file)),
        })
    }

    /// Sends the request upstream once (never again: the client decides about retries), answers
    /// with what came back, unchanged and as it comes, and appends the exchange when it ends.
    pub(super) async fn forward(
        &self,
        head: &hyper::http::request::Parts,
        path: &str,
        query: &str,
        body: Bytes,
    ) -> Response<Body> {
        let rest = path.strip_prefix(ROOT).unwrap_or(path.trim_start_matches('/'));
        let url = if query.is_empty() {
            format!("{}/{rest}", self.upstream)
        } else {
            format!("{}/{rest}?{query}", self.upstream)
        };
        let recorded = RecordedRequest::new(head.method.as_str(), path, query, &body);
        let mut request = self.http.request(head.method.clone(), &url).body(body);
        for (name, value) in &head.headers {
            if !DROPPED_REQUEST_HEADERS.contains(&name.as_str()) {
                request = request.header(name, value);
            }
        }
        request = request.bearer_auth(&self.key.0);
        let started = Instant::now();
        let upstream = match request.send().await {
            Ok(upstream) => upstream,
            Err(e) => {
                // Not recorded: nothing came back to replay.
                let message = format!("the recorder could not reach {}: {e}", self.upstream);
                return json_response(502, &envelope(502, &message, Value::Null), None);
            }
        };
        let status = upstream.status();
        let mut builder = Response::builder().status(status.as_u16());
        let mut kept = BTreeMap::new();
        for (name, value) in upstream.headers() {
            let name = name.as_str();
            // The body is re-sent chunked: hyper then reads it to its end, where it is written.
            if ["connection", "transfer-encoding", "keep-alive", "set-cookie", "content-length"].contains(&name) {
                continue;
            }
            builder = builder.header(name, value);
            if KEPT_HEADERS.contains(&name) || name.starts_with("x-ratelimit-") {
                kept.insert(name.to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned());
            }
        }
        let exchange = Exchange {
            request: recorded,
            response: RecordedResponse { status: status.as_u16(), headers: kept, chunks: Vec::new(), cut: false },
        };
        // Each chunk goes to the client as it comes and into the exchange, which is written when the
        // body ends, breaks off, or the client leaves before its end (both recorded as a cut).
        let pending = Pending { exchange: Some(exchange), file: self.file.clone() };
        let state = (upstream.bytes_stream(), started, pending);
        let body = futures_util::stream::unfold(state, |(mut stream, mut last, mut pending)| async move {
            let exchange = pending.exchange.as_mut()?;
            match stream.next().await {
                Some(Ok(bytes)) => {
                    exchange.response.chunks.push(Chunk::new(last.elapsed(), &bytes));
                    last = Instant::now();
                    Some((Ok(Frame::data(bytes)), (stream, last, pending)))
                }
                Some(Err(_)) => {
                    pending.finish(true);
                    let error = std::io::Error::from(std::io::ErrorKind::ConnectionAborted);
                    Some((Err(error), (stream, last, pending)))
                }
                None => {
                    pending.finish(false);
                    None
                }
            }
        });
        builder.body(BodyExt::boxed(StreamBody::new(body))).expect("upstream headers are valid")
    }
}

/// An exchange being recorded, written once.
struct Pending {
    exchange: Option<Exchange>,
    file: std::sync::Arc<Mutex<std::fs::File>>,
}

impl Pending {
    fn finish(&mut self, cut: bool) {
        if let Some(mut exchange) = self.exchange.take() {
            exchange.response.cut = cut;
            append(&self.file, &exchange);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.finish(true);
    }
}

fn append(file: &Mutex<std::fs::File>, exchange: &Exchange) {
    let line = serde_json::to_string(exchange).expect("an exchange serializes");
    let mut file = file.lock().expect("not poisoned");
    if let Err(e) = writeln!(file, "{line}").and_then(|()| file.flush()) {
        tracing::warn!("cannot append to the cassette: {e}");
    }
}
