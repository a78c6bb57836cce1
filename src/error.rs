//! One flat error type for everything the crate can fail at.

use std::{fmt, time::Duration};

use serde_json::{Map, Value};

use crate::types::{ErrorBody, ErrorBodyCode, ErrorResponse};

/// How much of a body an error keeps, in bytes: enough to read, never a whole page.
const SNIPPET: usize = 2048;

/// Everything that can go wrong talking to OpenRouter.
///
/// Match on the variant to act; [`Error::status`] and [`Error::is_retryable`] answer the common
/// questions. No variant ever holds the API key.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// OpenRouter (or the provider behind it) answered with an error.
    Api(Box<ApiError>),
    /// The request never got a complete HTTP answer: connect failure, timeout, reset.
    Transport {
        /// What kind of failure.
        kind: TransportKind,
        /// The underlying error (its text never includes headers, so never the key).
        source: reqwest::Error,
    },
    /// The server answered 2xx but the body is not what the spec says.
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
    StreamTruncated {
        /// The text of the first choice received before the stream broke off.
        partial_text: String,
        /// The connection error, when the connection broke rather than closed.
        source: Option<reqwest::Error>,
    },
    /// No bytes arrived on a stream within the idle timeout (keep-alive comments count).
    StreamIdleTimeout(Duration),
}

/// The kind of a [`Error::Transport`] failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The TCP/TLS connection could not be made. Retried.
    Connect,
    /// The request or the connect attempt timed out. Retried.
    Timeout,
    /// The connection broke while sending or receiving. Not retried: the request may have run.
    Other,
}

/// An error answer from OpenRouter: its envelope, its status, and what came with it.
#[derive(Debug, Clone)]
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
    /// Text received before the failure (a choice-level error on a 200).
    pub partial_text: Option<String>,
}

impl ApiError {
    /// Builds the error for an answer with status `status` and body `bytes`.
    ///
    /// An envelope without `code` takes the HTTP status; a body that is not an envelope (an edge
    /// HTML page, an empty or truncated body) keeps the status and its raw text.
    pub(crate) fn from_body(status: u16, bytes: &[u8]) -> ApiError {
        match serde_json::from_slice::<ErrorResponse>(bytes) {
            Ok(envelope) => ApiError::from_error_body(status, envelope.error),
            Err(_) => {
                let raw = snippet(bytes);
                let reason = reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason());
                let message = match (raw.trim().is_empty(), reason) {
                    (true, Some(reason)) => format!("{reason} (empty body)"),
                    (true, None) => "empty body".to_owned(),
                    (false, _) => format!("non-JSON body: {}", one_line(&raw, 200)),
                };
                let body = ErrorBody {
                    code: Some(ErrorBodyCode::Number(status.into())),
                    message,
                    metadata: None,
                    error_type: None,
                    http_status: Some(status),
                    availability: None,
                };
                ApiError {
                    status,
                    body,
                    retry_after: None,
                    generation_id: None,
                    raw_body: Some(raw),
                    partial_text: None,
                }
            }
        }
    }

    /// Wraps an envelope's `error` object received with `status`.
    pub(crate) fn from_error_body(status: u16, mut body: ErrorBody) -> ApiError {
        if body.code.is_none() {
            body.code = Some(ErrorBodyCode::Number(body.http_status.unwrap_or(status).into()));
        }
        ApiError { status, body, retry_after: None, generation_id: None, raw_body: None, partial_text: None }
    }

    /// The code as a number: the envelope's numeric `code`, else the HTTP status.
    pub fn code(&self) -> i64 {
        match &self.body.code {
            Some(ErrorBodyCode::Number(n)) => *n,
            _ => self.status.into(),
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

    /// Whether trying the same request again may succeed (what the retry loop uses).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => crate::retry::is_retryable_status(e.retry_status()),
            Error::Transport { kind, .. } => matches!(kind, TransportKind::Connect | TransportKind::Timeout),
            _ => false,
        }
    }

    pub(crate) fn transport(source: reqwest::Error) -> Error {
        let kind = if source.is_connect() {
            TransportKind::Connect
        } else if source.is_timeout() {
            TransportKind::Timeout
        } else {
            TransportKind::Other
        };
        // reqwest puts the URL in its messages; ours carry no credentials, but strip it anyway.
        Error::Transport { kind, source: source.without_url() }
    }

    /// Reads JSON `body` as a `T` (trailing bytes are tolerated). On failure the error names
    /// the JSON path where parsing stopped, read off the text (see [`json_path_at`]).
    pub(crate) fn from_json<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        T::deserialize(&mut deserializer).map_err(|e| Error::decode(status, &e, body))
    }

    fn decode(status: u16, error: &serde_json::Error, body: &[u8]) -> Error {
        let path = json_path_at(body, byte_offset(body, error.line(), error.column()));
        let message = if path.is_empty() { error.to_string() } else { format!("at `{path}`: {error}") };
        Error::Decode { status, message, body: snippet(body) }
    }
}

/// The byte offset of a 1-based line and column, as serde_json reports them (the column names
/// the byte where the problem was seen; the path is the one in effect just before it).
fn byte_offset(json: &[u8], line: usize, column: usize) -> usize {
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
            Error::Transport { kind, source } => {
                let what = match kind {
                    TransportKind::Connect => "could not connect to OpenRouter",
                    TransportKind::Timeout => "the request to OpenRouter timed out",
                    TransportKind::Other => "the connection to OpenRouter failed",
                };
                write!(f, "{what}: {}", error_chain(source))
            }
            Error::Decode { status, message, body } => {
                write!(
                    f,
                    "HTTP {status}: the response does not match the API spec {message}; body starts: {}",
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
                    write!(f, "; {}", error_chain(source))?;
                }
                write!(f, "); retry the request")
            }
            Error::StreamIdleTimeout(after) => {
                write!(f, "no data on the stream for {}s; the connection was closed", after.as_secs_f32())
            }
            Error::Config(why) => write!(f, "client configuration: {why}"),
        }
    }
}

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
        write!(f, ": {}", self.body.message)?;
        if let Some(provider) = self.provider_name() {
            write!(f, " (provider: {provider})")?;
        }
        if let Some(kind) = self.error_type() {
            write!(f, " ({kind})")?;
        }
        if let Some(after) = self.retry_after {
            write!(f, "; retry after {}s", after.as_secs())?;
        }
        if let Some(hint) = hint(self.status) {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::StreamTruncated { source: Some(source), .. } => Some(source),
            _ => None,
        }
    }
}

impl std::error::Error for ApiError {}

fn hint(status: u16) -> Option<&'static str> {
    Some(match status {
        401 => "check OPENROUTER_API_KEY",
        402 => "add credits at https://openrouter.ai/settings/credits",
        404 => "check the model id at https://openrouter.ai/models",
        429 => "slow down, or retry later",
        _ => return None,
    })
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
            (r#""choices":[{"index":"zero"}]}"#, "at `choices[0].index`"),
            (
                r#""choices":[{"index":0,"finish_reason":null,"message":{"role":"assistant","content":5}}]}"#,
                "at `choices[0].message.content`",
            ),
            (
                r#""choices":[{"index":0,"finish_reason":null,"message":{"role":"assistant"}},{"index":"1"}]}"#,
                "at `choices[1].index`",
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
