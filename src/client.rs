//! The client: configuration, and the one request path every call goes through.

use std::{
    fmt,
    net::IpAddr,
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use bytes::Bytes;
use reqwest::{
    Url,
    header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT},
};
use tracing::Instrument;

use crate::{
    chat::ChatRequestBuilder,
    error::{ApiError, Error},
    retry::{self, Decision, Outcome, RetryPolicy},
};

/// OpenRouter's API root.
pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";

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
    completions_url: Url,
    headers: HeaderMap,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("completions_url", &self.inner.completions_url.as_str())
            .field("api_key", &"<redacted>")
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
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

    /// Starts a chat completion request for `model` (an OpenRouter model id).
    pub fn chat(&self, model: impl Into<String>) -> ChatRequestBuilder {
        ChatRequestBuilder::new(self.clone(), model.into())
    }

    /// The client's retry policy.
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The default idle timeout for streams.
    pub(crate) fn stream_idle_timeout(&self) -> Option<Duration> {
        self.inner.stream_idle_timeout
    }

    /// Sends `body` to the chat completions endpoint, retrying under `retry`.
    ///
    /// Returns the first successful response with its headers read and its body not yet read.
    /// Error statuses are read and turned into [`Error::Api`] here.
    pub(crate) async fn post(
        &self,
        body: Bytes,
        streaming: bool,
        retry: &RetryPolicy,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Response, Error> {
        let started = Instant::now();
        let timeout = timeout.or(self.inner.timeout);
        let mut retries = 0;
        loop {
            let span = tracing::debug_span!("attempt", attempt = retries + 1, status = tracing::field::Empty);
            let result = self.attempt(body.clone(), streaming, timeout).instrument(span.clone()).await;
            let outcome = match &result {
                Ok(_) => return result,
                Err(Error::Api(e)) => Outcome::Status(e.retry_status(), e.retry_after),
                Err(e) if e.is_retryable() => Outcome::Connection,
                Err(_) => Outcome::Final,
            };
            match retry::decide(retry, retries, started.elapsed(), outcome, retry::jitter()) {
                Decision::Stop => return result,
                Decision::RetryAfter(wait) => {
                    let error = result.err().map(|e| e.to_string()).unwrap_or_default();
                    tracing::warn!(retry = retries + 1, wait_ms = wait.as_millis() as u64, %error, "retrying OpenRouter request");
                    tokio::time::sleep(wait).await;
                    retries += 1;
                }
            }
        }
    }

    async fn attempt(
        &self,
        body: Bytes,
        streaming: bool,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Response, Error> {
        let accept = if streaming { "text/event-stream" } else { "application/json" };
        let mut request = self
            .inner
            .http
            .post(self.inner.completions_url.clone())
            .headers(self.inner.headers.clone())
            .header(ACCEPT, accept)
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let response = request.send().await.map_err(Error::transport)?;
        let status = response.status().as_u16();
        tracing::Span::current().record("status", status);
        if response.status().is_success() {
            return Ok(response);
        }
        let retry_after =
            header_str(response.headers(), "retry-after").and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
        let generation_id = header_str(response.headers(), "x-generation-id").map(str::to_owned);
        let bytes = read_body(response).await?;
        let mut error = ApiError::from_body(status, &bytes);
        error.retry_after = retry_after;
        error.generation_id = generation_id;
        Err(Error::Api(Box::new(error)))
    }
}

/// The largest response body read into memory (a non-streaming answer or an error page).
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Reads a whole body, refusing to hold more than [`MAX_BODY_BYTES`].
pub(crate) async fn read_body(mut response: reqwest::Response) -> Result<Bytes, Error> {
    let status = response.status().as_u16();
    // Sized from content-length when there is one (bounded: the header may lie), so that a large
    // answer is not copied again at every doubling.
    let expected = response.content_length().unwrap_or(0).min(16 << 20) as usize;
    let mut body = bytes::BytesMut::with_capacity(expected);
    while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(Error::Decode {
                status,
                message: format!("the body is larger than {} MiB; refused", MAX_BODY_BYTES >> 20),
                body: crate::error::snippet(&body),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
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
    timeout: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
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
            connect_timeout: Some(Duration::from_secs(10)),
            timeout: None,
            stream_idle_timeout: Some(Duration::from_secs(120)),
            retry: RetryPolicy::default(),
            http: None,
            allow_insecure_http: false,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Reads `OPENROUTER_API_KEY` and `OPENROUTER_BASE_URL` (each only if set).
    pub fn from_env(mut self) -> Self {
        if let Some(key) = std::env::var("OPENROUTER_API_KEY").ok().filter(|k| !k.trim().is_empty()) {
            self.api_key = Some(key);
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

    /// The API root (default [`DEFAULT_BASE_URL`]); `/chat/completions` is appended.
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

    /// How long to wait for a connection (default 10 s; `None`: no limit). Ignored with [`http_client`].
    ///
    /// [`http_client`]: ClientBuilder::http_client
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// A limit on each whole attempt, body included (default: none, since a generation can take
    /// minutes). For streams it also covers the whole stream: prefer the idle timeout there.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest a stream may go without receiving bytes, keep-alive comments included
    /// (default 120 s; `None`: no limit). Separate from the connect timeout.
    pub fn stream_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.stream_idle_timeout = timeout;
        self
    }

    /// The retry policy (default: 2 retries; see [`RetryPolicy`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses your own `reqwest::Client` (its timeouts, proxies, TLS) instead of building one.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
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
        let key = self
            .api_key
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| Error::Config("no API key: set OPENROUTER_API_KEY or call ClientBuilder::api_key".into()))?;
        let completions_url = completions_url(&self.base_url, self.allow_insecure_http)?;

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
                let mut builder = reqwest::Client::builder();
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                completions_url,
                headers,
                retry: self.retry,
                timeout: self.timeout,
                stream_idle_timeout: self.stream_idle_timeout,
            }),
        })
    }
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("the value for `{name}` is not a valid header value")))
}

fn completions_url(base: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    let base = Url::parse(base.trim()).map_err(|e| Error::Config(format!("base URL `{base}` is malformed: {e}")))?;
    match base.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&base) => {}
        "http" => {
            return Err(Error::Config(format!(
                "refusing to send the API key over plain http to `{}`; use https, or allow_insecure_http(true)",
                base.host_str().unwrap_or_default()
            )));
        }
        other => return Err(Error::Config(format!("base URL scheme `{other}` is not http(s)"))),
    }
    let path = format!("{}/chat/completions", base.path().trim_end_matches('/'));
    let mut url = base;
    url.set_path(&path);
    Ok(url)
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
    fn completions_url_appends_the_path() {
        assert_eq!(
            completions_url(DEFAULT_BASE_URL, false).unwrap().as_str(),
            "https://openrouter.ai/api/v1/chat/completions"
        );
        assert_eq!(
            completions_url("http://127.0.0.1:9/v1/", false).unwrap().as_str(),
            "http://127.0.0.1:9/v1/chat/completions"
        );
        assert_eq!(completions_url("http://[::1]:9", false).unwrap().as_str(), "http://[::1]:9/chat/completions");
        assert_eq!(
            completions_url("http://localhost:9/x", false).unwrap().as_str(),
            "http://localhost:9/x/chat/completions"
        );
    }

    #[test]
    fn plain_http_to_a_remote_host_needs_an_explicit_opt_in() {
        let err = completions_url("http://openrouter.example/api/v1", false).unwrap_err().to_string();
        assert!(err.contains("refusing to send the API key over plain http"), "{err}");
        assert!(completions_url("http://openrouter.example/api/v1", true).is_ok());
        assert!(completions_url("ftp://openrouter.ai", true).is_err());
        assert!(completions_url("not a url", false).unwrap_err().to_string().contains("malformed"));
    }
}
