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

    /// Reads JSON `body` as a `T` (trailing bytes are tolerated). Plain serde_json first; only a
    /// body that fails is read again with `serde_path_to_error`, so the error names the JSON
    /// path without every body paying for the path tracking.
    pub(crate) fn from_json<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        match T::deserialize(&mut deserializer) {
            Ok(value) => Ok(value),
            Err(plain) => {
                let mut deserializer = serde_json::Deserializer::from_slice(body);
                Err(match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                    Err(e) => Error::decode(status, e, body),
                    // Not expected: the two readings agree. Keep the plain error then.
                    Ok(_) => Error::Decode { status, message: plain.to_string(), body: snippet(body) },
                })
            }
        }
    }

    pub(crate) fn decode(status: u16, error: serde_path_to_error::Error<serde_json::Error>, body: &[u8]) -> Error {
        let path = error.path().to_string();
        let message = if path == "." { error.inner().to_string() } else { format!("at `{path}`: {}", error.inner()) };
        Error::Decode { status, message, body: snippet(body) }
    }
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
