//! What a generated operation hands to the request path: method, path, parameters, body.
//!
//! Each generated builder (`client.get_models()`, `client.get_generation(id)`, ...) wraps one
//! [`Call`]; `send()` runs it through [`Client`]'s one request path (auth, retries, timeouts,
//! typed errors, tracing), the same one chat uses.

// Which parts the generated operations use depends on the areas a build enables; `full` uses all.
#![cfg_attr(not(feature = "full"), allow(dead_code))]

use std::{fmt, time::Duration};

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;
use tracing::Instrument;

use crate::{Client, Error, RetryPolicy};

/// One operation call being built. A problem found while building it (a parameter that does not
/// serialize, an empty path segment) is kept and returned by `send()`, before anything is sent.
pub(crate) struct Call {
    /// A clone (one `Arc`), so that a call's future is `'static` and can be spawned.
    client: Client,
    method: Method,
    /// Relative to the base URL, `{name}` placeholders filled by [`Call::path_param`].
    path: String,
    operation: &'static str,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<(String, Body)>,
    problem: Option<Error>,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("operation", &self.operation)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

/// Query values are written as their JSON text, strings without quotes; a list repeats the key.
fn param_strings(value: &impl Serialize) -> Result<Vec<String>, Error> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::InvalidRequest(format!("a parameter does not serialize: {e}")))?;
    Ok(match value {
        serde_json::Value::Null => Vec::new(),
        serde_json::Value::String(s) => vec![s],
        serde_json::Value::Array(items) => {
            items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect()
        }
        other => vec![other.to_string()],
    })
}

/// `value` as one path segment: every byte outside the unreserved set percent-encoded, so that
/// `a/../b` or `?x` stays inside its segment. Empty and dot segments are refused: they would
/// name another resource (`DELETE /keys/` is not `DELETE /keys/{hash}`).
pub(crate) fn path_segment(name: &str, value: &impl Serialize) -> Result<String, Error> {
    let text = match param_strings(value)?.as_slice() {
        [one] => one.clone(),
        _ => return Err(Error::InvalidRequest(format!("the path parameter `{name}` is not a single value"))),
    };
    if text.is_empty() || text == "." || text == ".." {
        return Err(Error::InvalidRequest(format!("the path parameter `{name}` is `{text}`, which names no resource")));
    }
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => encoded.push(byte as char),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    Ok(encoded)
}

impl Call {
    pub(crate) fn new(client: &Client, method: Method, path: &str, operation: &'static str) -> Self {
        Call {
            client: client.clone(),
            method,
            path: path.to_owned(),
            operation,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            problem: None,
            retry: None,
            timeout: None,
        }
    }

    fn keep(&mut self, problem: Error) {
        self.problem.get_or_insert(problem);
    }

    pub(crate) fn path_param(&mut self, name: &str, value: &impl Serialize) {
        match path_segment(name, value) {
            Ok(segment) => self.path = self.path.replace(&format!("{{{name}}}"), &segment),
            Err(e) => self.keep(e),
        }
    }

    pub(crate) fn query(&mut self, name: &'static str, value: &impl Serialize) {
        match param_strings(value) {
            Ok(values) => self.query.extend(values.into_iter().map(|v| (name, v))),
            Err(e) => self.keep(e),
        }
    }

    pub(crate) fn header(&mut self, name: &'static str, value: &impl Serialize) {
        match param_strings(value) {
            Ok(values) if values.iter().all(|v| reqwest::header::HeaderValue::from_str(v).is_ok()) => {
                self.headers.extend(values.into_iter().map(|v| (name, v)))
            }
            Ok(_) => self.keep(Error::InvalidRequest(format!("the `{name}` value is not a valid header value"))),
            Err(e) => self.keep(e),
        }
    }

    pub(crate) fn json(&mut self, body: &impl Serialize) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(("application/json".into(), Body::Bytes(bytes.into()))),
            Err(e) => self.keep(Error::InvalidRequest(format!("the request body does not serialize: {e}"))),
        }
    }

    pub(crate) fn form(&mut self, form: Form) {
        self.body = Some(form.encode());
    }

    pub(crate) fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    pub(crate) fn retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    /// Sends the call and decodes a JSON answer as a `T`.
    pub(crate) async fn send_json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        self.run(|client, request, options, started| async move {
            client.execute_json::<T>(&request, &options, started).await.map(|(_, answer)| answer)
        })
        .await
    }

    /// Sends the call and returns the answer's bytes as they are (audio, video, file content).
    pub(crate) async fn send_bytes(self) -> Result<Bytes, Error> {
        self.run(
            |client, request, options, started| async move { client.execute_bytes(&request, &options, started).await },
        )
        .await
    }

    /// Sends the call with `"stream": true` in its JSON body and returns the event stream once it
    /// has started. Errors before the start are retried like any call; a started stream never is.
    #[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
    pub(crate) async fn send_stream<T: crate::StreamEvent>(mut self) -> Result<crate::EventStream<T>, Error> {
        if let Some((_, body)) = &mut self.body {
            let fields = match body {
                Body::Bytes(bytes) => serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(bytes).ok(),
                Body::Parts(_) => None,
            };
            match fields {
                Some(mut fields) => {
                    fields.insert("stream".into(), serde_json::Value::Bool(true));
                    *body = Body::Bytes(serde_json::to_vec(&fields).expect("JSON values serialize").into());
                }
                None => self.keep(Error::InvalidRequest("a streamed request needs a JSON object body".into())),
            }
        }
        self.run(|client, request, options, started| async move {
            let (idle, total) = (options.idle_timeout, options.total_deadline(started));
            match client.post_stream(&request, &options, started).await? {
                crate::client::Started::Events(response) => {
                    tracing::Span::current().record("status", response.status().as_u16());
                    Ok(crate::EventStream::from_response(response, idle, total))
                }
                // A server that ignored `stream: true` ("non-streaming providers ignore this
                // flag"): its whole answer as the events it stands for, where the event type has
                // such a reading.
                crate::client::Started::Whole { status, content_type, body } => {
                    tracing::Span::current().record("status", status);
                    let whole = content_type.contains("json").then(|| T::from_whole(&body)).flatten();
                    match whole {
                        Some(sse) => Ok(crate::EventStream::from_sse(sse?, idle, total)),
                        None => Err(crate::client::not_events(status, &content_type, &body)),
                    }
                }
            }
        })
        .await
    }

    /// Sends the call and returns the answer's body as it arrives (video, file content, audio).
    pub(crate) async fn send_byte_stream(self) -> Result<crate::ByteStream, Error> {
        self.run(|client, request, options, started| async move {
            client.execute_streamed(&request, &options, started).await
        })
        .await
    }

    /// Sends the call; the answer has no body worth reading.
    pub(crate) async fn send_empty(self) -> Result<(), Error> {
        self.send_bytes().await.map(drop)
    }

    async fn run<T, F, Fut>(self, execute: F) -> Result<T, Error>
    where
        F: FnOnce(Client, Request, crate::client::CallOptions, std::time::Instant) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        let span = tracing::info_span!(
            "openrouter.call",
            operation = self.operation,
            method = %self.method,
            path = %self.path,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let options = self.client.call_options(self.retry, self.timeout, None, None);
        let request =
            Request { method: self.method, path: self.path, query: self.query, headers: self.headers, body: self.body };
        let client = self.client;
        async move {
            let started = std::time::Instant::now();
            let result = execute(client, request, options, started).await;
            tracing::Span::current().record("latency_ms", started.elapsed().as_millis() as u64);
            result
        }
        .instrument(span)
        .await
    }
}

/// A generated operation builder with a convenience builder's optional retry policy and timeout.
#[cfg(any(
    feature = "responses",
    feature = "messages",
    feature = "images",
    feature = "embeddings",
    feature = "rerank",
    feature = "audio",
    feature = "video"
))]
macro_rules! configure {
    ($call:expr, $retry:expr, $timeout:expr) => {{
        let mut call = $call;
        if let Some(retry) = $retry {
            call = call.retry(retry);
        }
        if let Some(timeout) = $timeout {
            call = call.timeout(timeout);
        }
        call
    }};
}
#[cfg(any(
    feature = "responses",
    feature = "messages",
    feature = "images",
    feature = "embeddings",
    feature = "rerank",
    feature = "audio",
    feature = "video"
))]
pub(crate) use configure;

/// The setters every convenience builder has: the generated request itself, and the call's retry
/// policy and timeout (kept in `request`, `retry` and `timeout` fields).
#[cfg(any(
    feature = "responses",
    feature = "messages",
    feature = "images",
    feature = "embeddings",
    feature = "rerank",
    feature = "audio",
    feature = "video"
))]
macro_rules! call_settings {
    ($request:ty) => {
        /// The generated request, for any field without a setter here.
        pub fn request_mut(&mut self) -> &mut $request {
            &mut self.request
        }

        /// The retry policy for this request only.
        pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {
            self.retry = Some(policy);
            self
        }

        /// The timeout of each attempt of this request (see [`crate::ClientBuilder::timeout`]).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.timeout = Some(timeout);
            self
        }
    };
}
#[cfg(any(
    feature = "responses",
    feature = "messages",
    feature = "images",
    feature = "embeddings",
    feature = "rerank",
    feature = "audio",
    feature = "video"
))]
pub(crate) use call_settings;

/// A request ready to send, as many times as the retry policy allows.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// Content type and body.
    pub(crate) body: Option<(String, Body)>,
}

/// A request body: bytes in memory, or a form with files read from disk at each attempt.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Bytes(Bytes),
    Parts(Vec<Chunk>),
}

/// A run of a form's encoded body.
#[derive(Debug, Clone)]
pub(crate) enum Chunk {
    Bytes(Bytes),
    #[cfg_attr(not(any(feature = "files", feature = "audio")), allow(dead_code))]
    File(std::path::PathBuf),
}

impl Body {
    /// The body for one attempt, with its length when it is streamed: a file is opened again
    /// each time, so a retried upload sends it whole, and read 64 KiB at a time, so it is never
    /// held whole.
    pub(crate) async fn for_attempt(&self) -> Result<(reqwest::Body, Option<u64>), Error> {
        let chunks = match self {
            Body::Bytes(bytes) => return Ok((bytes.clone().into(), None)),
            Body::Parts(chunks) => chunks,
        };
        #[cfg(any(feature = "files", feature = "audio"))]
        {
            let mut length = 0;
            for chunk in chunks {
                length += match chunk {
                    Chunk::Bytes(bytes) => bytes.len() as u64,
                    Chunk::File(path) => tokio::fs::metadata(path).await.map_err(|e| unreadable(path, e))?.len(),
                };
            }
            Ok((reqwest::Body::wrap_stream(files::stream(chunks.clone())), Some(length)))
        }
        #[cfg(not(any(feature = "files", feature = "audio")))]
        {
            let bytes: Vec<u8> = chunks
                .iter()
                .flat_map(|c| match c {
                    Chunk::Bytes(b) => b.to_vec(),
                    Chunk::File(_) => unreachable!("files are added only with the `files` or `audio` feature"),
                })
                .collect();
            Ok((bytes.into(), None))
        }
    }
}

#[cfg(any(feature = "files", feature = "audio"))]
fn unreadable(path: &std::path::Path, e: std::io::Error) -> Error {
    Error::InvalidRequest(format!("cannot read {} for the form: {e}", path.display()))
}

/// A form's chunks as a stream, files read as they are sent.
#[cfg(any(feature = "files", feature = "audio"))]
mod files {
    use std::collections::VecDeque;

    use bytes::{Bytes, BytesMut};
    use tokio::io::AsyncReadExt;

    use super::Chunk;

    const READ: usize = 64 * 1024;

    pub(super) fn stream(chunks: Vec<Chunk>) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send {
        let state = (VecDeque::from(chunks), None::<tokio::fs::File>);
        futures_util::stream::try_unfold(state, |(mut chunks, mut open)| async move {
            loop {
                if let Some(file) = open.as_mut() {
                    let mut buffer = BytesMut::with_capacity(READ);
                    if file.read_buf(&mut buffer).await? > 0 {
                        return Ok(Some((buffer.freeze(), (chunks, open))));
                    }
                    open = None;
                }
                match chunks.pop_front() {
                    None => return Ok(None),
                    Some(Chunk::Bytes(bytes)) => return Ok(Some((bytes, (chunks, open)))),
                    Some(Chunk::File(path)) => open = Some(tokio::fs::File::open(path).await?),
                }
            }
        })
    }
}

impl Request {
    /// What the request may do on the server, for retrying.
    pub(crate) fn kind(&self) -> crate::retry::Kind {
        crate::retry::Kind::of(&self.method, &self.path)
    }

    /// A JSON `POST` (chat).
    pub(crate) fn post_json(path: &str, body: Bytes) -> Request {
        Request {
            method: Method::POST,
            path: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(("application/json".into(), Body::Bytes(body))),
        }
    }
}

/// A `multipart/form-data` body: text fields and files, in order.
///
/// ```
/// let form = openrouter_bindings::Form::new()
///     .file("file", "notes.pdf", "application/pdf", b"%PDF-1.7 ...".to_vec())
///     .text("purpose", "assistants");
/// ```
///
/// A large file is better sent from disk ([`Form::file_path`], with the `files` or `audio`
/// feature): it is read as it is sent, and read again if the request is retried.
#[derive(Debug, Clone, Default)]
pub struct Form {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    file: Option<(String, String)>,
    data: Chunk,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part { name: name.into(), file: None, data: Chunk::Bytes(Bytes::from(value.into())) });
        self
    }

    /// Adds a file: its field name, file name, media type and contents.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file: Some((file_name.into(), content_type.into())),
            data: Chunk::Bytes(data.into()),
        });
        self
    }

    /// Adds the file at `path` (named by its file name), read from disk when the request is sent
    /// and again at each retry, 64 KiB at a time. A file that cannot be read fails the call with
    /// [`Error::InvalidRequest`] before anything is sent.
    ///
    /// ```no_run
    /// # #[cfg(feature = "files")]
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// let form = openrouter_bindings::Form::new().file_path("file", "report.pdf", "application/pdf");
    /// let uploaded = client.upload_file(form).send().await?;
    /// # let _ = uploaded; Ok(()) }
    /// ```
    #[cfg(any(feature = "files", feature = "audio"))]
    pub fn file_path(
        mut self,
        name: impl Into<String>,
        path: impl Into<std::path::PathBuf>,
        content_type: impl Into<String>,
    ) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.parts.push(Part {
            name: name.into(),
            file: Some((file_name, content_type.into())),
            data: Chunk::File(path),
        });
        self
    }

    /// The content type (with its boundary) and the body.
    fn encode(&self) -> (String, Body) {
        let boundary = self.boundary();
        let quoted = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"").replace(['\r', '\n'], " ");
        let mut chunks = Vec::new();
        let mut head = Vec::new();
        for part in &self.parts {
            head.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", quoted(&part.name));
            if let Some((file_name, content_type)) = &part.file {
                disposition.push_str(&format!(
                    "; filename=\"{}\"\r\nContent-Type: {}",
                    quoted(file_name),
                    quoted(content_type)
                ));
            }
            head.extend_from_slice(disposition.as_bytes());
            head.extend_from_slice(b"\r\n\r\n");
            match &part.data {
                Chunk::Bytes(bytes) => head.extend_from_slice(bytes),
                Chunk::File(path) => {
                    chunks.push(Chunk::Bytes(std::mem::take(&mut head).into()));
                    chunks.push(Chunk::File(path.clone()));
                }
            }
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        if chunks.is_empty() {
            return (content_type, Body::Bytes(head.into()));
        }
        chunks.push(Chunk::Bytes(head.into()));
        (content_type, Body::Parts(chunks))
    }

    /// A boundary that occurs in no part held in memory, so no part can end the body early; with
    /// a file from disk, which is not read ahead, 128 random bits make that as unlikely.
    fn boundary(&self) -> String {
        let mut boundary = String::from("openrouter-bindings-boundary");
        if self.parts.iter().any(|p| matches!(p.data, Chunk::File(_))) {
            use std::hash::{BuildHasher, RandomState};
            let random = || RandomState::new().hash_one(std::time::SystemTime::now());
            boundary.push_str(&format!("-{:016x}{:016x}", random(), random()));
        }
        let contains = |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
        let in_memory = |p: &Part, boundary: &str| match &p.data {
            Chunk::Bytes(bytes) => contains(bytes, boundary.as_bytes()),
            Chunk::File(_) => false,
        };
        while self.parts.iter().any(|p| in_memory(p, &boundary)) {
            boundary.push('x');
        }
        boundary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_parameter_stays_inside_its_segment() {
        assert_eq!(path_segment("id", &"a/../b").unwrap(), "a%2F..%2Fb");
        assert_eq!(path_segment("id", &"x?y#z w").unwrap(), "x%3Fy%23z%20w");
        assert_eq!(path_segment("id", &"gen-123_~.x").unwrap(), "gen-123_~.x");
        assert_eq!(path_segment("id", &"é").unwrap(), "%C3%A9");
        for bad in ["", ".", ".."] {
            let error = path_segment("hash", &bad).unwrap_err().to_string();
            assert!(error.contains("`hash`") && error.contains("names no resource"), "{error}");
        }
    }

    #[test]
    fn query_values_are_plain_text_and_lists_repeat() {
        assert_eq!(param_strings(&"a b").unwrap(), ["a b"]);
        assert_eq!(param_strings(&3.5).unwrap(), ["3.5"]);
        assert_eq!(param_strings(&true).unwrap(), ["true"]);
        assert_eq!(param_strings(&vec!["x", "y"]).unwrap(), ["x", "y"]);
        assert!(param_strings(&None::<u8>).unwrap().is_empty());
    }

    #[test]
    fn a_form_encodes_fields_and_files_with_a_boundary_no_part_contains() {
        let form = Form::new().text("model", "openai/whisper").file(
            "file",
            "a\"b.wav",
            "audio/wav",
            Bytes::from_static(b"--openrouter-bindings-boundary!"),
        );
        let (content_type, Body::Bytes(body)) = form.encode() else { panic!("a form held in memory is bytes") };
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert_eq!(boundary, "openrouter-bindings-boundaryx");
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert_eq!(
            text,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nopenai/whisper\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\\\"b.wav\"\r\n\
                 Content-Type: audio/wav\r\n\r\n--openrouter-bindings-boundary!\r\n--{boundary}--\r\n"
            )
        );
    }
}
