//! The client: configuration, and the one request path every call goes through.

use std::{
    fmt,
    future::Future,
    net::IpAddr,
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use reqwest::{
    Method, Url,
    header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT},
};
use tracing::Instrument;

use crate::{
    error::{ApiError, Error},
    form::Body,
    retry::{self, Decision, RetryPolicy},
};

/// OpenRouter's API root.
pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";

/// The default per-attempt timeout: see [`ClientBuilder::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// The default stream idle timeout: see [`ClientBuilder::stream_idle_timeout`].
pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// The default connect timeout: see [`ClientBuilder::connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The most 307/308 redirects followed for one request.
const MAX_REDIRECTS: usize = 5;

/// The `User-Agent` the client sends.
pub const USER_AGENT_VALUE: &str = concat!("openrouter-bindings/", env!("CARGO_PKG_VERSION"));

/// A handle to OpenRouter. Cheap to clone (one shared connection pool), `Send + Sync`.
///
/// ```no_run
/// # async fn run() -> Result<(), openrouter_bindings::Error> {
/// let client = openrouter_bindings::Client::from_env()?;
/// let response = client.chat("openai/gpt-4o-mini").user("Say hi").send().await?;
/// println!("{}", response.text().unwrap_or_default());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// The API root, with a path that ends in `/`.
    base_url: Url,
    /// `host[:port]` of the base URL, named in errors.
    host: String,
    headers: HeaderMap,
    retry: RetryPolicy,
    timeout: Duration,
    stream_idle_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"<redacted>")
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("stream_idle_timeout", &self.inner.stream_idle_timeout)
            .field("total_timeout", &self.inner.total_timeout)
            .finish_non_exhaustive()
    }
}

/// What one call needs from its builder: the policy and limits, already resolved against the
/// client's defaults.
#[derive(Debug, Clone)]
pub(crate) struct CallOptions {
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    #[cfg_attr(not(feature = "chat"), allow(dead_code))] // streams only
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
}

impl CallOptions {
    /// The total timeout and the instant it runs out, for a call that started at `started`. One
    /// too far away to be an instant (`Duration::MAX`) is no limit.
    #[cfg_attr(not(feature = "chat"), allow(dead_code))] // streams only
    pub(crate) fn total_deadline(&self, started: Instant) -> Option<(Duration, tokio::time::Instant)> {
        let limit = self.total_timeout?;
        Some((limit, tokio::time::Instant::from_std(started).checked_add(limit)?))
    }
}

impl Client {
    /// A client configured from `OPENROUTER_API_KEY` and, if set, `OPENROUTER_BASE_URL`.
    pub fn from_env() -> Result<Client, Error> {
        Client::builder().from_env().build()
    }

    /// A builder with OpenRouter's defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The client's defaults for one call, with the call's own settings where it has them.
    pub(crate) fn call_options(
        &self,
        retry: Option<RetryPolicy>,
        timeout: Option<Duration>,
        idle_timeout: Option<Option<Duration>>,
        total_timeout: Option<Option<Duration>>,
    ) -> CallOptions {
        CallOptions {
            retry: retry.unwrap_or_else(|| self.inner.retry.clone()),
            timeout: timeout.unwrap_or(self.inner.timeout),
            idle_timeout: idle_timeout.unwrap_or(self.inner.stream_idle_timeout),
            total_timeout: total_timeout.unwrap_or(self.inner.total_timeout),
        }
    }

    /// Sends `request` and reads the whole answer as a `T`, retrying under `options.retry`.
    /// Each attempt, body included, is bounded by the timeout.
    ///
    /// An error status, or a 2xx whose body is an error envelope, is an [`Error::Api`] (and
    /// retried by its code like an error status).
    ///
    /// The answer is boxed where it is decoded: a response type is hundreds of bytes, and each
    /// layer it would otherwise pass through (timeout, retries, spans) copies it (measured in
    /// bench/).
    pub(crate) async fn execute_json<T: serde::de::DeserializeOwned>(
        &self,
        request: &Request,
        options: &CallOptions,
        started: Instant,
    ) -> Result<(u16, Box<T>), Error> {
        self.with_retries(request, options, started, |left| {
            let (limit, what) = limit(&[(Some(options.timeout), "the request timeout"), left]);
            let attempt = async {
                let response = self.send_once(request, "application/json").await?;
                let status = response.status().as_u16();
                let bytes = read_body(response, &self.inner.host).await?;
                decode_answer(status, &bytes)
                    .map(|(status, answer)| (status, Box::new(answer)))
                    .map_err(|e| self.with_host(e))
            };
            self.bounded(attempt, limit, what)
        })
        .await
    }

    /// Sends `request` and returns the answer's body as it is (audio, video, file content),
    /// retrying and bounded as [`Client::execute_json`]. A JSON error envelope is an error.
    #[cfg_attr(not(feature = "full"), allow(dead_code))] // for the areas with binary answers
    pub(crate) async fn execute_bytes(
        &self,
        request: &Request,
        options: &CallOptions,
        started: Instant,
    ) -> Result<Bytes, Error> {
        self.with_retries(request, options, started, |left| {
            let (limit, what) = limit(&[(Some(options.timeout), "the request timeout"), left]);
            let attempt = async {
                let response = self.send_once(request, "*/*").await?;
                let status = response.status().as_u16();
                let json = header_str(response.headers(), "content-type").is_some_and(|t| t.contains("json"));
                let bytes = read_body(response, &self.inner.host).await?;
                match ApiError::from_envelope(status, &bytes).filter(|_| json) {
                    Some(error) => Err(self.api_error(error)),
                    None => Ok(bytes),
                }
            };
            self.bounded(attempt, limit, what)
        })
        .await
    }

    /// Sends `request` and returns the answer's body as it arrives ([`crate::ByteStream`]),
    /// retried and bounded like [`Client::execute_bytes`] up to the headers; then only the idle
    /// and total timeouts apply. A JSON error envelope on a 2xx is an error.
    #[cfg_attr(not(feature = "full"), allow(dead_code))] // for the areas with binary answers
    pub(crate) async fn execute_streamed(
        &self,
        request: &Request,
        options: &CallOptions,
        started: Instant,
    ) -> Result<crate::ByteStream, Error> {
        let response = self
            .with_retries(request, options, started, |left| {
                let (limit, what) = limit(&[(Some(options.timeout), "the request timeout"), left]);
                self.bounded(self.send_once(request, "*/*"), limit, what)
            })
            .await?;
        let (host, idle, total) = (&self.inner.host, options.idle_timeout, options.total_deadline(started));
        let content_type = header_str(response.headers(), "content-type").map(str::to_owned);
        if content_type.as_deref().is_some_and(|t| t.contains("json"))
            && response.content_length().is_some_and(|n| n < 64 * 1024)
        {
            // Small JSON where bytes were expected: an error envelope, or (a JSON file) the content.
            let status = response.status().as_u16();
            let bytes = read_body(response, host).await?;
            if let Some(error) = ApiError::from_envelope(status, &bytes) {
                return Err(self.api_error(error));
            }
            let body = Box::pin(futures_util::stream::iter([Ok(bytes)]));
            return Ok(crate::ByteStream::from_body(body, host, content_type, idle, total));
        }
        Ok(crate::ByteStream::from_response(response, host, idle, total))
    }

    /// Fetches a URL an answer linked to (a generated image on a provider's CDN): a plain `GET`
    /// without the API key or any of the client's headers, bounded by the request timeout and
    /// the body limit. Plain `http` is refused unless to a loopback host. Returns the bytes and
    /// their media type.
    #[cfg(feature = "images")]
    pub(crate) async fn download(&self, url: &str) -> Result<(Bytes, Option<String>), Error> {
        let parsed = Url::parse(url).map_err(|e| Error::Decode {
            status: 200,
            message: format!("the answer links to a malformed URL: {e}"),
            body: crate::error::snippet(url.as_bytes()),
        })?;
        if parsed.scheme() != "https" && !(parsed.scheme() == "http" && is_loopback(&parsed)) {
            return Err(Error::InvalidRequest(format!(
                "not fetching `{}`: only https links are followed",
                parsed.scheme()
            )));
        }
        let host = parsed.host_str().unwrap_or_default().to_owned();
        let fetch = async {
            let response = self.inner.http.get(parsed).send().await.map_err(|e| Error::transport(e, &host))?;
            let status = response.status().as_u16();
            let media_type = header_str(response.headers(), "content-type").map(str::to_owned);
            let bytes = read_body(response, &host).await?;
            if !(200..300).contains(&status) {
                let mut error = ApiError::from_body(status, &bytes);
                error.host = Some(host.clone());
                return Err(Error::Api(Box::new(error)));
            }
            Ok((bytes, media_type))
        };
        tokio::time::timeout(self.inner.timeout, fetch)
            .await
            .unwrap_or_else(|_| Err(Error::timeout(self.inner.timeout, &host, "the request timeout")))
    }

    /// Sends `body` to `path` asking for an event stream, retrying under `options.retry`, and
    /// returns the response once the stream has started (headers read, body not), or the JSON
    /// body a server sent instead (read whole; an error envelope is an error).
    ///
    /// The wait for the headers is bounded by the timeout and by the idle timeout; once the
    /// stream runs, only the idle timeout applies (see [`crate::EventStream`]).
    #[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
    pub(crate) async fn post_stream(
        &self,
        request: &Request,
        options: &CallOptions,
        started: Instant,
    ) -> Result<Started, Error> {
        self.with_retries(request, options, started, |left| {
            let (limit, what) = limit(&[
                (Some(options.timeout), "the request timeout"),
                (options.idle_timeout, "the stream idle timeout"),
                left,
            ]);
            let attempt = async {
                let response = self.send_once(request, "text/event-stream").await?;
                if is_event_stream(response.headers()) {
                    return Ok(Started::Events(response));
                }
                // A JSON answer to a stream request: an error envelope on a 200, or the whole
                // answer from a server that does not stream.
                let status = response.status().as_u16();
                let content_type = header_str(response.headers(), "content-type").unwrap_or("none").to_owned();
                let body = read_body(response, &self.inner.host).await?;
                match ApiError::from_envelope(status, &body) {
                    Some(error) => Err(self.api_error(error)),
                    None => Ok(Started::Whole { status, content_type, body }),
                }
            };
            self.bounded(attempt, limit, what)
        })
        .await
    }

    /// Runs `attempt` until it succeeds or the retry policy stops. `attempt` is told what is left
    /// of the tighter of the retry deadline and the total timeout, counted from `started`.
    async fn with_retries<T, F, Fut>(
        &self,
        request: &Request,
        options: &CallOptions,
        started: Instant,
        mut attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut((Option<Duration>, &'static str)) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        // The total timeout is a deadline for retries too.
        let mut retry = options.retry.clone();
        if let Some(total) = options.total_timeout
            && retry.deadline.is_none_or(|deadline| deadline > total)
        {
            retry.deadline = Some(total);
        }
        let mut retries = 0;
        loop {
            let left = (retry.time_left(started.elapsed()), "the retry deadline or total timeout");
            let span = tracing::debug_span!("attempt", attempt = retries + 1, status = tracing::field::Empty);
            // Boxed, and in a block of its own: an attempt's future (the exchange, its timeout,
            // reading and decoding the answer) is kilobytes, and a result ends before the wait,
            // so that the enclosing futures hold neither (measured: 1,984 -> 352 bytes).
            let wait = {
                let result = Box::pin(attempt(left)).instrument(span).await;
                let Err(error) = &result else { return result };
                let outcome = error.retry_outcome();
                match retry::decide(&retry, request.kind(), retries, started.elapsed(), outcome, retry::jitter()) {
                    Decision::Stop => return result,
                    Decision::RetryAfter(wait) => {
                        tracing::warn!(retry = retries + 1, wait_ms = wait.as_millis() as u64, %error, "retrying request");
                        wait
                    }
                }
            };
            tokio::time::sleep(wait).await;
            retries += 1;
        }
    }

    /// `attempt`, or a [`TransportKind::Timeout`](crate::TransportKind::Timeout) error after `limit`.
    ///
    /// A combinator, not an `async fn`: an `async fn` would hold `attempt` twice, as its argument
    /// and inside the timeout (measured with `-Zprint-type-sizes`: 3,192 bytes for 1,496).
    fn bounded<T>(
        &self,
        attempt: impl Future<Output = Result<T, Error>>,
        limit: Duration,
        what: &'static str,
    ) -> impl Future<Output = Result<T, Error>> {
        let host = &self.inner.host;
        tokio::time::timeout(limit, attempt)
            .map(move |result| result.unwrap_or_else(|_| Err(Error::timeout(limit, host, what))))
    }

    /// One HTTP exchange: a 2xx response with its body unread, or the error status read into an
    /// [`Error::Api`].
    async fn send_once(&self, request: &Request, accept: &'static str) -> Result<reqwest::Response, Error> {
        let path = &request.path;
        let mut url =
            self.inner.base_url.join(path).map_err(|e| Error::InvalidRequest(format!("bad path `{path}`: {e}")))?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        // A `reqwest::Request` built in place: the client's headers are one clone of a ready map,
        // not re-inserted one by one as `RequestBuilder::headers` would (measured in bench/).
        let mut http_request = reqwest::Request::new(request.method.clone(), url);
        let headers = http_request.headers_mut();
        *headers = self.inner.headers.clone();
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
        for (name, value) in &request.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
            headers.append(header, header_value(name, value)?);
        }
        if let Some((content_type, body)) = &request.body {
            let (body, streamed_length) = body.for_attempt().await?;
            let headers = http_request.headers_mut();
            headers.insert(CONTENT_TYPE, content_type.clone());
            if let Some(length) = streamed_length {
                headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
            }
            *http_request.body_mut() = Some(body);
        }
        let response =
            self.inner.http.execute(http_request).await.map_err(|e| Error::transport(e, &self.inner.host))?;
        let status = response.status().as_u16();
        tracing::Span::current().record("status", status);
        if response.status().is_success() {
            return Ok(response);
        }
        // Boxed: reading an error body is a large future, and only an error status pays for it.
        Err(Box::pin(self.error_answer(response, status)).await)
    }

    /// An error status's answer, read into an [`Error::Api`].
    async fn error_answer(&self, response: reqwest::Response, status: u16) -> Error {
        let headers = response.headers();
        let retry_after =
            header_str(headers, "retry-after").and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
        let generation_id = header_str(headers, "x-generation-id").map(str::to_owned);
        let location = header_str(headers, "location").map(str::to_owned);
        let bytes = match read_body(response, &self.inner.host).await {
            Ok(bytes) => bytes,
            Err(error) => return error,
        };
        let mut error = ApiError::from_body(status, &bytes);
        error.retry_after = retry_after;
        error.generation_id = generation_id;
        if let (true, Some(location)) = ((300..400).contains(&status), location) {
            // Only 307 and 308 are followed (they keep the method and body); see ClientBuilder::build.
            error.body.message = format!(
                "redirected to {location}, which is not followed: only 307 and 308 keep a POST a POST; \
                 use that address as the base URL"
            );
        }
        self.api_error(error)
    }

    /// Stamps the host on an API error.
    fn api_error(&self, error: ApiError) -> Error {
        self.with_host(Error::Api(Box::new(error)))
    }

    /// `error`, with the host stamped on it if it is an API error.
    fn with_host(&self, mut error: Error) -> Error {
        if let Error::Api(api) = &mut error {
            api.host = Some(self.inner.host.clone());
        }
        error
    }
}

/// How an answer to a stream request started.
#[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
pub(crate) enum Started {
    /// An event stream, its body unread.
    Events(reqwest::Response),
    /// A whole (not streamed) answer, which is no error envelope.
    Whole { status: u16, content_type: String, body: Bytes },
}

#[cfg(feature = "chat")]
impl Started {
    /// The event stream's response; a whole answer is a decode error (the caller cannot use it).
    pub(crate) fn into_events(self) -> Result<reqwest::Response, Error> {
        match self {
            Started::Events(response) => Ok(response),
            Started::Whole { status, content_type, body } => Err(not_events(status, &content_type, &body)),
        }
    }
}

/// The error for a whole answer where an event stream was asked for.
#[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
pub(crate) fn not_events(status: u16, content_type: &str, body: &[u8]) -> Error {
    Error::Decode {
        status,
        message: format!("expected an event stream (text/event-stream), got `{content_type}`"),
        body: crate::error::snippet(body),
    }
}

/// The smallest of the limits that are set, and its name.
fn limit(limits: &[(Option<Duration>, &'static str)]) -> (Duration, &'static str) {
    limits
        .iter()
        .filter_map(|(limit, what)| Some(((*limit)?, *what)))
        .min_by_key(|(limit, _)| *limit)
        .unwrap_or((Duration::MAX, "no limit"))
}

/// Decodes a 2xx body: the expected `T`, or an error envelope sent with a 2xx status.
pub(crate) fn decode_answer<T: serde::de::DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<(u16, T), Error> {
    match Error::from_json(status, bytes) {
        Ok(answer) => Ok((status, answer)),
        Err(error) => Err(ApiError::from_envelope(status, bytes).map_or(error, |e| Error::Api(Box::new(e)))),
    }
}

/// Whether the response is an event stream (media types are case-insensitive).
#[cfg_attr(not(feature = "chat"), allow(dead_code))]
fn is_event_stream(headers: &HeaderMap) -> bool {
    header_str(headers, "content-type")
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("text/event-stream"))
}

/// The largest response body read into memory (a non-streaming answer or an error page).
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Reads a whole body, refusing to hold more than [`MAX_BODY_BYTES`].
///
/// A plain function returning the future, so that the future holds the body's stream rather
/// than the response and reqwest's reading futures, each of which keeps its own copy of it
/// (measured with `-Zprint-type-sizes`: 880 bytes before). A body that arrives as one chunk, as
/// a small answer does, is returned as it is, without a copy.
pub(crate) fn read_body(response: reqwest::Response, host: &str) -> impl Future<Output = Result<Bytes, Error>> + '_ {
    let status = response.status().as_u16();
    // Sized from content-length when there is one (bounded: the header may lie), so that a large
    // answer is not copied again at every doubling.
    let expected = response.content_length().unwrap_or(0).min(16 << 20) as usize;
    let mut chunks = response.bytes_stream();
    async move {
        let mut whole = Bytes::new();
        let mut joined: Option<bytes::BytesMut> = None;
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| Error::transport(e, host))?;
            if chunk.is_empty() {
                continue; // nothing to join: a second chunk would otherwise start a copy
            }
            let held = joined.as_deref().unwrap_or(&whole);
            if held.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(Error::Decode {
                    status,
                    message: format!("the body is larger than {} MiB; refused", MAX_BODY_BYTES >> 20),
                    body: crate::error::snippet(held),
                });
            }
            match &mut joined {
                Some(joined) => joined.extend_from_slice(&chunk),
                None if whole.is_empty() => whole = chunk,
                None => {
                    let mut bytes = bytes::BytesMut::with_capacity(expected.max(whole.len() + chunk.len()));
                    bytes.extend_from_slice(&whole);
                    bytes.extend_from_slice(&chunk);
                    joined = Some(bytes);
                }
            }
        }
        Ok(joined.map_or(whole, bytes::BytesMut::freeze))
    }
}

pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

/// Configures a [`Client`]. Start from [`Client::builder`].
///
/// ```
/// use std::time::Duration;
/// use openrouter_bindings::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .api_key("sk-or-v1-...")
///     .app_url("https://example.com")
///     .app_title("My app")
///     .timeout(Duration::from_secs(120))
///     .retry(RetryPolicy::with_max_retries(4))
///     .build()?;
/// # Ok::<(), openrouter_bindings::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: String,
    app_url: Option<String>,
    app_title: Option<String>,
    categories: Vec<String>,
    user_agent: String,
    headers: Vec<(String, String)>,
    connect_timeout: Option<Duration>,
    timeout: Duration,
    stream_idle_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    root_certificates: Vec<Vec<u8>>,
    allow_insecure_http: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            app_url: None,
            app_title: None,
            categories: Vec::new(),
            user_agent: USER_AGENT_VALUE.to_owned(),
            headers: Vec::new(),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            timeout: DEFAULT_TIMEOUT,
            stream_idle_timeout: Some(DEFAULT_STREAM_IDLE_TIMEOUT),
            total_timeout: None,
            retry: RetryPolicy::default(),
            http: None,
            root_certificates: Vec::new(),
            allow_insecure_http: false,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base_url = Url::parse(self.base_url.trim()).map(without_userinfo);
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &base_url.as_ref().map_or("<malformed>", Url::as_str))
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Reads `OPENROUTER_API_KEY` and `OPENROUTER_BASE_URL` (each only if set).
    pub fn from_env(mut self) -> Self {
        if let Ok(key) = std::env::var("OPENROUTER_API_KEY") {
            self.api_key = Some(key); // an empty one fails in `build`, with a message that says so
        }
        if let Some(url) = std::env::var("OPENROUTER_BASE_URL").ok().filter(|u| !u.trim().is_empty()) {
            self.base_url = url;
        }
        self
    }

    /// The API key, sent as `Authorization: Bearer <key>` and nowhere else.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The API root (default [`DEFAULT_BASE_URL`]); operation paths such as `chat/completions`
    /// are appended to it. Any server of the same wire format works (a gateway, a local server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Your app's URL, sent as `HTTP-Referer` for OpenRouter's rankings.
    pub fn app_url(mut self, url: impl Into<String>) -> Self {
        self.app_url = Some(url.into());
        self
    }

    /// Your app's display name, sent as `X-OpenRouter-Title`.
    pub fn app_title(mut self, title: impl Into<String>) -> Self {
        self.app_title = Some(title.into());
        self
    }

    /// Your app's categories (lowercase, hyphenated), sent as `X-OpenRouter-Categories`.
    pub fn app_categories<I: IntoIterator<Item = S>, S: Into<String>>(mut self, categories: I) -> Self {
        self.categories = categories.into_iter().map(Into::into).collect();
        self
    }

    /// Replaces the `User-Agent` (default `openrouter-bindings/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A header sent with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// How long to wait for a connection (default [`DEFAULT_CONNECT_TIMEOUT`], 10 s; `None`: no
    /// limit beyond [`timeout`](Self::timeout)). Ignored with [`http_client`].
    ///
    /// [`http_client`]: ClientBuilder::http_client
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest one attempt may wait for its answer (default [`DEFAULT_TIMEOUT`], 10 minutes,
    /// which leaves room for slow reasoning models). For `send()` it covers the whole answer,
    /// body included; for a stream, only the wait for it to start: a stream that keeps sending is
    /// never cut by it (the idle timeout watches streams). A [`RetryPolicy::deadline`] cuts it
    /// shorter when less time is left.
    ///
    /// When it fires after the request was sent, the model may still be generating (and billing)
    /// the answer, so it is not retried unless [`RetryPolicy::retry_timeouts`] is on.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest a stream may go without receiving bytes, keep-alive comments included, and
    /// the longest a stream request waits for the response to start (default
    /// [`DEFAULT_STREAM_IDLE_TIMEOUT`], 120 s; `None`: only [`timeout`](Self::timeout) bounds the
    /// start). OpenRouter sends a keep-alive comment every few seconds while a model thinks.
    pub fn stream_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.stream_idle_timeout = timeout;
        self
    }

    /// A cap on each whole call: every attempt, every retry wait, and a stream to its end
    /// (default: none). A stream it cuts ends with [`Error::StreamTruncated`], carrying the text
    /// received so far; an answer it cuts is a [`TransportKind::Timeout`](crate::TransportKind::Timeout).
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// The retry policy (default: 2 retries; see [`RetryPolicy`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses your own `reqwest::Client` (its proxies, TLS) instead of building one. Its own
    /// settings apply as they are: build it with `redirect::Policy::none()` (or 307/308 only) so
    /// that a redirect never turns a POST into a GET, and without a total `timeout`, which would
    /// cut long streams. For HTTPS, give your `reqwest` dependency a TLS feature of its own (its
    /// default `rustls`, or `native-tls`): this crate's `rustls` feature builds reqwest without a
    /// crypto provider, and configures ring only for the client it builds itself.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Trusts the certificates in `pem` (one or more, PEM) besides the platform's trust store:
    /// a company proxy's CA, a gateway's own. For the client this builder makes; a client given
    /// with [`http_client`](Self::http_client) keeps its own. [`build`](Self::build) fails when the
    /// text holds no certificate or one that does not parse. Needs the `rustls` or `native-tls`
    /// feature.
    pub fn add_root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Allows sending the key over plain `http://` to a host that is not loopback.
    ///
    /// Off by default: a key sent in clear text can be read by anyone on the path.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let key = match self.api_key {
            None => {
                return Err(Error::Config("no API key: set OPENROUTER_API_KEY or call ClientBuilder::api_key".into()));
            }
            Some(key) if key.trim().is_empty() => return Err(Error::Config("the API key is empty".into())),
            Some(key) => key,
        };
        let base_url = base_url(&self.base_url, self.allow_insecure_http)?;
        let host = match (base_url.host_str(), base_url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (host, _) => host.unwrap_or_default().to_owned(),
        };

        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", key.trim()))
            .map_err(|_| Error::Config("the API key contains characters a header cannot carry".into()))?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        headers.insert(USER_AGENT, header_value("User-Agent", &self.user_agent)?);
        if let Some(url) = &self.app_url {
            headers.insert("http-referer", header_value("HTTP-Referer", url)?);
        }
        if let Some(title) = &self.app_title {
            headers.insert("x-openrouter-title", header_value("X-OpenRouter-Title", title)?);
        }
        if !self.categories.is_empty() {
            headers.insert(
                "x-openrouter-categories",
                header_value("X-OpenRouter-Categories", &self.categories.join(","))?,
            );
        }
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
            headers.insert(header, header_value(name, value)?);
        }

        let http = match self.http {
            Some(http) => http,
            None => {
                // A 301/302/303 makes clients re-send a POST as a GET without its body: follow only
                // 307 and 308, which keep both. reqwest drops `Authorization` when the host changes.
                let redirects = reqwest::redirect::Policy::custom(|attempt| {
                    let keeps_method = matches!(attempt.status().as_u16(), 307 | 308);
                    if keeps_method && attempt.previous().len() < MAX_REDIRECTS {
                        attempt.follow()
                    } else {
                        attempt.stop()
                    }
                });
                let mut builder = http_builder(&self.root_certificates)?.redirect(redirects);
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: without_userinfo(base_url),
                host,
                headers,
                retry: self.retry,
                timeout: self.timeout,
                stream_idle_timeout: self.stream_idle_timeout,
                total_timeout: self.total_timeout,
            }),
        })
    }
}

/// A `reqwest` client builder with the crate's TLS (see `tls`), trusting `root_certificates` (PEM
/// texts) besides the platform's store. Without it, reqwest built with `rustls-no-provider` has
/// no cryptography to offer, and panics.
pub(crate) fn http_builder(root_certificates: &[Vec<u8>]) -> Result<reqwest::ClientBuilder, Error> {
    let builder = reqwest::Client::builder();
    #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
    let builder = builder.tls_backend_preconfigured(crate::http::tls::platform_config(root_certificates)?);
    #[cfg(feature = "native-tls")]
    let builder = {
        let mut builder = builder;
        for (index, pem) in root_certificates.iter().enumerate() {
            let certificates = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| root_certificate_error(index, &format!("does not parse as PEM: {e}")))?;
            if certificates.is_empty() {
                return Err(root_certificate_error(index, "holds no PEM certificate"));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        builder
    };
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    if !root_certificates.is_empty() {
        return Err(Error::Config("root certificates need the `rustls` or `native-tls` feature".into()));
    }
    Ok(builder)
}

/// What is wrong with the `index`th text given to `add_root_certificates_pem` (counted from 1 in
/// the message), for either TLS backend.
#[cfg_attr(not(any(feature = "rustls", feature = "native-tls")), allow(dead_code))]
pub(crate) fn root_certificate_error(index: usize, problem: &str) -> Error {
    Error::Config(format!("root certificate text {} {problem}", index + 1))
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("the value for `{name}` is not a valid header value")))
}

/// The API root, checked, with a path that ends in `/` so that operation paths append to it.
fn base_url(base: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    let mut url =
        Url::parse(base.trim()).map_err(|e| Error::Config(format!("base URL `{}` is malformed: {e}", base.trim())))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::Config(format!(
                "refusing to send the API key over plain http to `{}`; use https, or allow_insecure_http(true)",
                url.host_str().unwrap_or_default()
            )));
        }
        other => return Err(Error::Config(format!("base URL scheme `{other}` is not http(s)"))),
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The URL without `user:password@`, for `Debug` output (a URL's userinfo is a credential).
fn without_userinfo(mut url: Url) -> Url {
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_paths_append_to_the_base_url() {
        let join = |base: &str| base_url(base, false).unwrap().join("chat/completions").unwrap().to_string();
        assert_eq!(join(DEFAULT_BASE_URL), "https://openrouter.ai/api/v1/chat/completions");
        assert_eq!(join("http://127.0.0.1:9/v1/"), "http://127.0.0.1:9/v1/chat/completions");
        assert_eq!(join("http://[::1]:9"), "http://[::1]:9/chat/completions");
        assert_eq!(join("http://localhost:9/x"), "http://localhost:9/x/chat/completions");
    }

    #[test]
    fn debug_output_never_shows_a_base_urls_userinfo() {
        let client = Client::builder().api_key("sk-secret").base_url("https://me:hunter2@proxy.example/v1").build();
        let shown = format!("{:?}", client.unwrap());
        assert!(shown.contains("https://proxy.example/v1/"), "{shown}");
        assert!(!shown.contains("hunter2") && !shown.contains("me@") && !shown.contains("sk-secret"), "{shown}");
        let builder = format!("{:?}", Client::builder().base_url("https://me:hunter2@proxy.example/v1"));
        assert!(!builder.contains("hunter2"), "{builder}");
    }

    /// A response whose body arrives as `chunks`, then, if `fail`, breaks off.
    fn response_of(chunks: Vec<Bytes>, fail: bool) -> reqwest::Response {
        let mut items: Vec<Result<Bytes, std::io::Error>> = chunks.into_iter().map(Ok).collect();
        if fail {
            items.push(Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset")));
        }
        let body = reqwest::Body::wrap_stream(futures_util::stream::iter(items));
        reqwest::Response::from(http::Response::new(body))
    }

    #[tokio::test]
    async fn a_body_is_read_whole_and_one_chunk_is_not_copied() {
        let chunk = Bytes::from_static(b"{\"id\":\"gen-1\"}");
        let read = read_body(response_of(vec![chunk.clone()], false), "h").await.unwrap();
        assert_eq!((read.as_ptr(), read.len()), (chunk.as_ptr(), chunk.len()), "the chunk itself, not a copy");
        // Empty chunks around it (a stream's end can be one) start no copy either.
        let around = vec![Bytes::new(), chunk.clone(), Bytes::new()];
        let read = read_body(response_of(around, false), "h").await.unwrap();
        assert_eq!((read.as_ptr(), read.len()), (chunk.as_ptr(), chunk.len()), "empty chunks start a copy");

        let parts = ["{\"a\":", "", "1,\"b\"", ":[2]}"].map(Bytes::from).to_vec();
        let read = read_body(response_of(parts, false), "h").await.unwrap();
        assert_eq!(&read[..], b"{\"a\":1,\"b\":[2]}");
        assert!(read_body(response_of(vec![], false), "h").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_body_that_breaks_off_or_outgrows_the_limit_is_an_error() {
        let broken = read_body(response_of(vec![Bytes::from_static(b"{\"id\"")], true), "h").await.unwrap_err();
        assert!(matches!(broken, Error::Transport { .. }), "{broken:?}");

        let mebibyte = Bytes::from(vec![b' '; 1 << 20]);
        let too_large = vec![mebibyte; (MAX_BODY_BYTES >> 20) + 1];
        let refused = read_body(response_of(too_large, false), "h").await.unwrap_err();
        assert!(
            matches!(&refused, Error::Decode { message, .. } if message.contains("larger than 64 MiB")),
            "{refused:?}"
        );
    }

    /// A request's attempt is boxed once per attempt and moved through every layer: each layer
    /// must hold what it uses once. `async fn` layers that kept their arguments beside the futures
    /// using them made the boxed attempt of a chat request 3,240 bytes (`-Zprint-type-sizes`).
    /// The bounds are about 1.5 times the sizes now, so that a layer that copies again fails here.
    /// (The futures users hold: `tests/it/client.rs`.)
    #[tokio::test]
    async fn the_request_paths_futures_hold_each_part_once() {
        let client = Client::builder().api_key("k").base_url("http://127.0.0.1:9").build().unwrap();
        let request = Request::post_json("chat/completions", Bytes::from_static(b"{}"));
        let options = client.call_options(None, None, None, None);
        let send = size_of_val(&client.send_once(&request, "application/json"));
        let bounded = size_of_val(&client.bounded(client.send_once(&request, "*/*"), Duration::from_secs(1), "a"));
        let read = size_of_val(&read_body(response_of(vec![], false), "h"));
        let json = size_of_val(&client.execute_json::<serde_json::Value>(&request, &options, Instant::now()));
        eprintln!("send_once {send}, bounded {bounded}, read_body {read}, execute_json {json} bytes");
        assert!(send <= 850 && bounded <= send + 250 && read <= 200 && json <= 550);
    }

    #[test]
    fn plain_http_to_a_remote_host_needs_an_explicit_opt_in() {
        let err = base_url("http://openrouter.example/api/v1", false).unwrap_err().to_string();
        assert!(err.contains("refusing to send the API key over plain http"), "{err}");
        assert!(base_url("http://openrouter.example/api/v1", true).is_ok());
        assert!(base_url("ftp://openrouter.ai", true).is_err());
        assert!(base_url("not a url", false).unwrap_err().to_string().contains("malformed"));
    }
}

/// A request ready to send, as many times as the retry policy allows.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// Content type and body.
    pub(crate) body: Option<(HeaderValue, Body)>,
}

impl Request {
    /// What the request may do on the server, for retrying.
    pub(crate) fn kind(&self) -> crate::retry::Kind {
        crate::retry::Kind::of(&self.method, &self.path)
    }

    /// A JSON `POST` (chat).
    #[cfg(feature = "chat")]
    pub(crate) fn post_json(path: &str, body: Bytes) -> Request {
        Request {
            method: Method::POST,
            path: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some((HeaderValue::from_static("application/json"), Body::Bytes(body))),
        }
    }
}
