//! One flat error type for everything the crate can fail at.

use std::{fmt, time::Duration};

use serde_json::{Map, Value};

use crate::{
    retry::Outcome,
    types::{ErrorBody, ErrorBodyCode, ErrorResponse},
};

/// How much of a body an error keeps, in bytes: enough to read, never a whole page.
const SNIPPET: usize = 2048;

/// A boxed error kept as the `source` of an [`Error`]: read it through
/// [`std::error::Error::source`]. The HTTP library's error types are not part of this crate's API.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong talking to OpenRouter (or any server of the same API).
///
/// Match on the variant to act; [`Error::status`] and [`Error::is_retryable`] answer the common
/// questions. No variant ever holds the API key.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server (OpenRouter, or the provider behind it) answered with an error.
    Api(Box<ApiError>),
    /// The request never got a complete HTTP answer: connect failure, timeout, reset.
    #[non_exhaustive]
    Transport {
        /// What kind of failure, and so whether the request may have reached the model.
        kind: TransportKind,
        /// The host (and port) the client talked to.
        host: String,
        /// The underlying error (its text never includes headers, so never the key).
        source: BoxError,
    },
    /// The server answered 2xx but the body is not what the spec says.
    #[non_exhaustive]
    Decode {
        /// The HTTP status of the answer.
        status: u16,
        /// Where in the body decoding failed (`choices[0].message`), and why.
        message: String,
        /// The start of the body as received.
        body: String,
    },
    /// The model's output is not what was asked for: a structured answer or tool arguments that
    /// do not parse as the expected type.
    #[non_exhaustive]
    InvalidOutput {
        /// What failed, and where.
        message: String,
        /// The output as the model wrote it.
        raw: String,
    },
    /// The request was refused before sending: it could never succeed.
    InvalidRequest(String),
    /// The client could not be built: missing key, malformed URL, insecure URL, bad header.
    Config(String),
    /// A stream ended before it was complete: no `[DONE]`, and a choice still unfinished.
    #[non_exhaustive]
    StreamTruncated {
        /// The text of the first choice received before the stream broke off.
        partial_text: String,
        /// The connection error, when the connection broke rather than closed.
        source: Option<BoxError>,
    },
    /// No bytes arrived on a stream within the idle timeout (keep-alive comments count).
    #[non_exhaustive]
    StreamIdleTimeout {
        /// The idle timeout that ran out.
        after: Duration,
        /// The text of the first choice received before the stream went quiet.
        partial_text: String,
    },
}

/// The kind of a [`Error::Transport`] failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The TCP/TLS connection could not be made (refused, unreachable, or the connect timeout).
    /// Nothing reached the model. Retried.
    Connect,
    /// The request was sent, and no complete answer came within the time limit (the request's
    /// timeout, or what was left of the retry deadline). The model may still be generating, and
    /// billing, it: not retried unless [`RetryPolicy::retry_timeouts`](crate::RetryPolicy::retry_timeouts) is on.
    Timeout,
    /// The connection broke while sending or receiving. Not retried: the request may have run.
    Other,
}

/// An error answer: its envelope, its status, and what came with it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status (200 for an error envelope on a 200, or a mid-stream error).
    pub status: u16,
    /// The envelope's `error` object. For a non-JSON body, a message made from the status.
    pub body: ErrorBody,
    /// `Retry-After`, when the server sent one.
    pub retry_after: Option<Duration>,
    /// The generation id (`X-Generation-Id`, or the stream's id), when known.
    pub generation_id: Option<String>,
    /// The raw body, cut to a sane length, when it was not an error envelope (an HTML page, ...).
    pub raw_body: Option<String>,
    /// Text received before the failure (a choice-level error on a 200, a mid-stream error).
    pub partial_text: Option<String>,
    /// The host (and port) that answered, when known.
    pub host: Option<String>,
}

impl ApiError {
    /// Builds the error for an answer with status `status` and body `bytes`.
    ///
    /// An envelope without `code` takes the HTTP status; a body that is not an envelope (an edge
    /// HTML page, an empty or truncated body) keeps the status and its raw text.
    pub(crate) fn from_body(status: u16, bytes: &[u8]) -> ApiError {
        if let Some(error) = ApiError::from_envelope(status, bytes) {
            return error;
        }
        let raw = snippet(bytes);
        // An error status whose body is an SSE event (LiteLLM answers a failed stream request
        // with `data: {"error": {...}}`): the event's envelope is the error.
        if let Some(error) = sse_data(bytes).find_map(|data| ApiError::from_envelope(status, data)) {
            return ApiError { raw_body: Some(raw), ..error };
        }
        let reason = reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason());
        let message = match (raw.trim().is_empty(), serde_json::from_slice::<Value>(bytes)) {
            (true, _) => reason.map_or_else(|| "empty body".to_owned(), |r| format!("{r} (empty body)")),
            // Another server's JSON error (FastAPI's `detail`, vLLM's `{"object": "error", ...}`):
            // its message is the useful part.
            (false, Ok(json)) => match foreign_message(&json) {
                Some(message) => message,
                None => format!("unexpected JSON body: {}", one_line(&raw, 200)),
            },
            (false, Err(_)) => format!("non-JSON body: {}", one_line(&raw, 200)),
        };
        let body = ErrorBody {
            code: Some(ErrorBodyCode::Number(status.into())),
            message,
            metadata: None,
            error_type: None,
            http_status: Some(status),
            availability: None,
        };
        ApiError { raw_body: Some(raw), ..ApiError::from_error_body(status, body) }
    }

    /// The error, if `bytes` is an error envelope (`{"error": {...}}`); the one place that reads
    /// envelopes, for error statuses, 2xx bodies and stream events alike.
    pub(crate) fn from_envelope(status: u16, bytes: &[u8]) -> Option<ApiError> {
        let envelope = match serde_json::from_slice::<ErrorResponse>(bytes) {
            Ok(envelope) => envelope,
            Err(_) => without_message(bytes)?,
        };
        Some(ApiError::from_error_body(status, envelope.error))
    }

    /// Wraps an envelope's `error` object received with `status`.
    pub(crate) fn from_error_body(status: u16, mut body: ErrorBody) -> ApiError {
        if body.code.is_none() {
            body.code = Some(ErrorBodyCode::Number(body.http_status.unwrap_or(status).into()));
        }
        if body.message.trim().is_empty() {
            // An envelope without a message (`{"error": {"code": 503}}`): say what the code means.
            let code = match &body.code {
                Some(ErrorBodyCode::Number(n)) => u16::try_from(*n).ok(),
                Some(ErrorBodyCode::String(s)) => s.trim().parse().ok(),
                None => None,
            };
            let reason = code.and_then(|c| reqwest::StatusCode::from_u16(c).ok()).and_then(|c| c.canonical_reason());
            body.message = format!("{} (no message)", reason.unwrap_or("error"));
        }
        ApiError {
            status,
            body,
            retry_after: None,
            generation_id: None,
            raw_body: None,
            partial_text: None,
            host: None,
        }
    }

    /// The code as a number: the envelope's numeric `code` (or a numeric string such as LiteLLM's
    /// `"500"`), else the HTTP status.
    pub fn code(&self) -> i64 {
        match &self.body.code {
            Some(ErrorBodyCode::Number(n)) => *n,
            Some(ErrorBodyCode::String(text)) => text.trim().parse().unwrap_or(self.status.into()),
            None => self.status.into(),
        }
    }

    /// The status retrying goes by: the HTTP status of an error answer; for an error envelope on
    /// a 2xx (or a mid-stream error), its numeric code.
    pub(crate) fn retry_status(&self) -> u16 {
        if self.status >= 400 { self.status } else { self.code().try_into().unwrap_or(0) }
    }

    /// The code exactly as sent: a number, or a string such as `server_error` in streams.
    pub fn raw_code(&self) -> Option<&ErrorBodyCode> {
        self.body.code.as_ref()
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.body.message
    }

    /// The `metadata` object, if any.
    pub fn metadata(&self) -> Option<&Map<String, Value>> {
        self.body.metadata.as_ref()
    }

    /// The canonical error type (`context_length_exceeded`, `rate_limit_exceeded`, ...), from the
    /// envelope or its metadata.
    pub fn error_type(&self) -> Option<&str> {
        self.body.error_type.as_deref().or_else(|| self.metadata_str("error_type"))
    }

    /// The provider that failed, for provider errors and moderation flags.
    pub fn provider_name(&self) -> Option<&str> {
        self.metadata_str("provider_name")
    }

    /// The provider's own error body, as sent (often JSON in a string).
    pub fn provider_raw(&self) -> Option<&Value> {
        self.metadata()?.get("raw")
    }

    /// Moderation details for a 403 moderation flag.
    pub fn moderation(&self) -> Option<Moderation<'_>> {
        let metadata = self.metadata()?;
        let reasons = metadata.get("reasons")?.as_array()?.iter().filter_map(Value::as_str).collect();
        Some(Moderation {
            reasons,
            flagged_input: self.metadata_str("flagged_input"),
            provider_name: self.metadata_str("provider_name"),
            model_slug: self.metadata_str("model_slug"),
        })
    }

    /// Why no model or provider could serve the request (model-availability errors).
    pub fn availability(&self) -> Option<&Map<String, Value>> {
        self.body.availability.as_ref()
    }

    fn metadata_str(&self, key: &str) -> Option<&str> {
        self.metadata()?.get(key)?.as_str()
    }
}

/// What a moderation flag says (403).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Moderation<'a> {
    /// Why the input was flagged.
    pub reasons: Vec<&'a str>,
    /// The flagged text, cut to about 100 characters.
    pub flagged_input: Option<&'a str>,
    /// The moderating provider.
    pub provider_name: Option<&'a str>,
    /// The model the request asked for.
    pub model_slug: Option<&'a str>,
}

impl Error {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the default [`RetryPolicy`](crate::RetryPolicy) retries this error for a request
    /// that is safe to repeat (a read). Retryable statuses (also as an envelope's code on a 200)
    /// and connect failures are; a timeout after the request was sent is not, since the model may
    /// be generating the answer (see [`RetryPolicy::retry_timeouts`](crate::RetryPolicy::retry_timeouts)).
    /// The retry loop also weighs what the request may have done on the server: see
    /// [`RetryPolicy`](crate::RetryPolicy) for what creates and generations are retried after.
    pub fn is_retryable(&self) -> bool {
        crate::retry::retries(&crate::RetryPolicy::default(), crate::retry::Kind::Read, self.retry_outcome())
    }

    /// What this error means for retrying.
    pub(crate) fn retry_outcome(&self) -> Outcome {
        match self {
            Error::Api(e) => Outcome::Status(e.retry_status(), e.retry_after),
            Error::Transport { kind: TransportKind::Connect, .. } => Outcome::Connection,
            Error::Transport { kind: TransportKind::Timeout, .. } => Outcome::Timeout,
            _ => Outcome::Final,
        }
    }

    /// A transport failure talking to `host`.
    pub(crate) fn transport(source: reqwest::Error, host: &str) -> Error {
        let kind = if source.is_connect() {
            TransportKind::Connect
        } else if source.is_timeout() {
            TransportKind::Timeout
        } else {
            TransportKind::Other
        };
        // reqwest puts the URL in its messages; ours carry no credentials, but strip it anyway.
        Error::Transport { kind, host: host.to_owned(), source: Box::new(source.without_url()) }
    }

    /// No complete answer from `host` within `limit` after the request was sent.
    pub(crate) fn timeout(limit: Duration, host: &str, what: &'static str) -> Error {
        Error::Transport {
            kind: TransportKind::Timeout,
            host: host.to_owned(),
            source: Box::new(TimedOut { limit, what }),
        }
    }

    /// A stream cut by the call's total timeout: truncated, with the text so far.
    #[cfg_attr(not(feature = "chat"), allow(dead_code))]
    pub(crate) fn total_timeout_mid_stream(limit: Duration, partial_text: String) -> Error {
        let source = TimedOut { limit, what: "the total timeout" };
        Error::StreamTruncated { partial_text, source: Some(Box::new(source)) }
    }

    /// Reads JSON `body` as a `T` (trailing bytes are tolerated), a body that fits in one fast
    /// pass ([`crate::lenient::fast_then_full`]). On failure the error names the JSON path where
    /// parsing stopped, read off the text (see [`json_path_at`]).
    pub(crate) fn from_json<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
        crate::lenient::fast_then_full(|| T::deserialize(&mut serde_json::Deserializer::from_slice(body)))
            .map_err(|e| Error::decode(status, &e, body))
    }

    fn decode(status: u16, error: &serde_json::Error, body: &[u8]) -> Error {
        let path = json_path_at(body, byte_offset(body, error.line(), error.column()));
        let message = if path.is_empty() { error.to_string() } else { format!("at `{path}`: {error}") };
        Error::Decode { status, message, body: snippet(body) }
    }
}

/// The byte offset of a 1-based line and column, as serde_json reports them (the column names
/// the byte where the problem was seen; the path is the one in effect just before it).
pub(crate) fn byte_offset(json: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match memchr::memchr(b'\n', &json[start..]) {
            Some(at) => start += at + 1,
            None => break,
        }
    }
    start + column.saturating_sub(1)
}

/// The JSON path (`choices[0].message.content`) in effect at byte `offset` of `json`, where a
/// parse stopped; empty at the top level.
///
/// Read off the text rather than tracked by a second, path-recording deserialization: that
/// instantiates every generated type's decoder a second time, a fifth of the crate's compile time
/// (measured in bench/: 15.5 s against 12.5 s).
pub(crate) fn json_path_at(json: &[u8], offset: usize) -> String {
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let end = offset.min(json.len());
    let mut stack = Vec::new();
    let mut expecting_key = false;
    let mut i = 0;
    while i < end {
        match json[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < json.len() && json[i] != b'"' {
                    i += if json[i] == b'\\' { 2 } else { 1 };
                }
                if std::mem::take(&mut expecting_key)
                    && let Some(Frame::Object(key)) = stack.last_mut()
                {
                    *key = Some(String::from_utf8_lossy(&json[start..i.min(json.len())]).into_owned());
                }
            }
            b'{' => {
                stack.push(Frame::Object(None));
                expecting_key = true;
            }
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => drop(stack.pop()),
            b',' => match stack.last_mut() {
                Some(Frame::Array(index)) => *index += 1,
                Some(Frame::Object(_)) => expecting_key = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    // Stopped at an object's end (a missing field): the object itself is the place.
    if json.get(end) == Some(&b'}')
        && let Some(Frame::Object(key)) = stack.last_mut()
    {
        *key = None;
    }
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&key);
            }
            Frame::Object(None) => {}
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Transport { kind, host, source } => {
                let what = match kind {
                    TransportKind::Connect => "could not connect to",
                    TransportKind::Timeout => "no answer in time from",
                    TransportKind::Other => "the connection failed to",
                };
                write!(f, "{what} {host}: {}", error_chain(source.as_ref()))
            }
            Error::Decode { status, message, body } => {
                write!(
                    f,
                    "HTTP {status}: the response does not match the API spec: {message}; body starts: {}",
                    one_line(body, 200)
                )
            }
            Error::InvalidRequest(why) => write!(f, "invalid request, not sent: {why}"),
            Error::InvalidOutput { message, raw } => write!(f, "{message}; the output was: {}", one_line(raw, 200)),
            Error::StreamTruncated { partial_text, source } => {
                write!(
                    f,
                    "the stream ended before the completion was finished ({} characters received",
                    partial_text.chars().count()
                )?;
                if let Some(source) = source {
                    write!(f, "; {}", error_chain(source.as_ref()))?;
                }
                // Advice only where it helps: a broken connection may go through next time; the
                // total timeout's own text says which limit ran out.
                match source {
                    Some(source) if source.downcast_ref::<TimedOut>().is_some() => write!(f, ")"),
                    Some(_) => write!(f, "); a retry may complete it, and is billed again"),
                    None => write!(f, "); the server ended the stream early"),
                }
            }
            Error::StreamIdleTimeout { after, partial_text } => write!(
                f,
                "no data on the stream for {}s ({} characters received); the connection was closed",
                after.as_secs_f32(),
                partial_text.chars().count()
            ),
            Error::Config(why) => write!(f, "client configuration: {why}"),
        }
    }
}

/// The source of a [`TransportKind::Timeout`] the client's own timers raised.
#[derive(Debug)]
struct TimedOut {
    limit: Duration,
    what: &'static str,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ran out after {}s", self.what, self.limit.as_secs_f32())
    }
}

impl std::error::Error for TimedOut {}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(reason) = reqwest::StatusCode::from_u16(self.status).ok().and_then(|s| s.canonical_reason()) {
            write!(f, " {reason}")?;
        }
        match &self.body.code {
            Some(ErrorBodyCode::String(code)) => write!(f, " [{code}]")?,
            Some(ErrorBodyCode::Number(code)) if *code != i64::from(self.status) => write!(f, " [code {code}]")?,
            _ => {}
        }
        // One line, whatever the server sent: error output is read in logs and terminals.
        write!(f, ": {}", one_line(&self.body.message, 1000))?;
        if let Some(provider) = self.provider_name() {
            write!(f, " (provider: {provider})")?;
        }
        if let Some(kind) = self.error_type() {
            write!(f, " ({kind})")?;
        }
        if let Some(after) = self.retry_after {
            write!(f, "; retry after {}s", after.as_secs())?;
        }
        self.write_hint(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source.as_ref()),
            Error::StreamTruncated { source: Some(source), .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// What to do about it, where there is something to say. Hints that name OpenRouter's pages
    /// only when OpenRouter answered.
    fn write_hint(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = self.host.as_deref();
        let openrouter = host.is_none_or(|h| h == "openrouter.ai" || h.ends_with(".openrouter.ai"));
        match (self.status, openrouter) {
            (401, _) => write!(f, "; check the API key"),
            (402, true) => write!(f, "; add credits at https://openrouter.ai/settings/credits"),
            (404, true) => write!(f, "; check the model id at https://openrouter.ai/models"),
            (404, false) => write!(f, "; check the model id and the base URL ({})", host.unwrap_or_default()),
            (429, _) => write!(f, "; slow down, or retry later"),
            _ => Ok(()),
        }
    }
}

/// An envelope whose `error` has no `message` (`{"error": {"code": 503}}`): read with an empty
/// one, which [`ApiError::from_error_body`] replaces by what the code means ("Service Unavailable
/// (no message)"), so the error never passes for a message the server sent.
fn without_message(bytes: &[u8]) -> Option<ErrorResponse> {
    let mut envelope: Value = serde_json::from_slice(bytes).ok()?;
    let error = envelope.get_mut("error")?.as_object_mut()?;
    if !error.get("message").is_none_or(Value::is_null) {
        return None;
    }
    error.insert("message".into(), Value::String(String::new()));
    serde_json::from_slice(&serde_json::to_vec(&envelope).ok()?).ok()
}

/// The payloads of the `data:` lines of a body that is SSE text.
fn sse_data(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|b| *b == b'\n').filter_map(|line| Some(line.strip_prefix(b"data:")?.trim_ascii()))
}

/// The message of a JSON error body that is not OpenRouter's envelope, from the shapes other
/// servers of this API use: `{"detail": "..."}` (FastAPI), `{"detail": [{"msg": "..."}]}`,
/// `{"message": "..."}` (vLLM's `{"object": "error", ...}`), `{"error": "..."}`.
fn foreign_message(json: &Value) -> Option<String> {
    let text = |v: &Value| v.as_str().map(str::to_owned).filter(|t| !t.trim().is_empty());
    text(&json["detail"])
        .or_else(|| {
            let items = json["detail"].as_array()?;
            let messages: Vec<String> = items.iter().filter_map(|i| text(&i["msg"])).collect();
            (!messages.is_empty()).then(|| messages.join("; "))
        })
        .or_else(|| text(&json["message"]))
        .or_else(|| text(&json["error"]))
        .or_else(|| text(&json["error"]["message"]))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// The first [`SNIPPET`] bytes of a body, as text.
pub(crate) fn snippet(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(SNIPPET)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if bytes.len() > SNIPPET {
        text.push_str("...");
    }
    text
}

fn one_line(text: &str, max_chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}...", &flat[..at]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ChatResponse;

    fn decode_message(body: &str) -> String {
        match Error::from_json::<ChatResponse>(200, body.as_bytes()) {
            Err(Error::Decode { message, .. }) => message,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn decode_errors_name_the_json_path_where_parsing_stopped() {
        let head = r#"{"id":"gen-\"1\",[{","object":"chat.completion","created":1,"model":"m","#;
        let cases = [
            (
                r#""choices":[{"message":{"role":"assistant","tool_calls":[{"id":7}]}}]}"#,
                "at `choices[0].message.tool_calls[0].id`",
            ),
            (
                r#""choices":[{"index":0,"finish_reason":null,"message":{"role":"assistant","content":5}}]}"#,
                "at `choices[0].message.content`",
            ),
            (
                r#""choices":[{"index":0,"finish_reason":null,"message":{"role":"assistant"}},{"message":7}]}"#,
                "at `choices[1].message`",
            ),
            (r#""choices":[{"index":0,"finish_reason":null}]}"#, "at `choices[0]`: missing field `message`"),
            (r#""usage":{"prompt_tokens":-1"#, "at `usage.prompt_tokens`"),
        ];
        for (rest, expected) in cases {
            let message = decode_message(&format!("{head}{rest}"));
            assert!(message.starts_with(expected), "{rest}: {message}");
        }
        let top = decode_message(r#""text""#);
        assert!(!top.starts_with("at `"), "no path at the top level: {top}");
    }

    #[test]
    fn the_path_reader_survives_any_bytes() {
        // Cut strings, unbalanced brackets, invalid UTF-8 and offsets past the end: each a value.
        let cases: [(&[u8], &str); 5] =
            [(b"\"\\", ""), (b"{\"a\":[[[", "a[0][0][0]"), (b"}}]]", ""), (b"{\"\xff\":1", "\u{FFFD}"), (b"", "")];
        for (json, at_end) in cases {
            for offset in 0..=json.len() + 2 {
                let path = json_path_at(json, offset);
                if offset >= json.len() {
                    assert_eq!(path, at_end, "{:?} at {offset}", String::from_utf8_lossy(json));
                }
            }
        }
        assert_eq!(json_path_at(br#"{"a":[1,{"b":"x,y"}]}"#, 15), "a[1].b");
        assert_eq!(byte_offset(b"ab\ncd\nef", 3, 2), 7);
    }
}
