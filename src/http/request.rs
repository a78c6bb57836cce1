//! What a generated operation hands to the request path: method, path, parameters, body.
//!
//! Each generated builder (`client.get_models()`, `client.get_generation(id)`, ...) wraps one
//! [`Call`]; `send()` runs it through [`Client`]'s one request path (auth, retries, timeouts,
//! typed errors, tracing), the same one chat uses.

// Which parts the generated operations use depends on the areas a build enables; `full` uses all.
#![cfg_attr(not(feature = "full"), allow(dead_code))]

use std::{
    fmt,
    time::{Duration, Instant},
};

use bytes::Bytes;
use futures_util::{FutureExt, future::Either};
use reqwest::Method;
use serde::Serialize;
use tracing::Instrument;

use crate::{
    Client, Error, Form, RetryPolicy,
    client::{CallOptions, Request},
    form::Body,
};

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
    body: Option<(reqwest::header::HeaderValue, Body)>,
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
            Ok(bytes) => {
                let json = reqwest::header::HeaderValue::from_static("application/json");
                self.body = Some((json, Body::Bytes(bytes.into())))
            }
            Err(e) => self.keep(Error::InvalidRequest(format!("the request body does not serialize: {e}"))),
        }
    }

    pub(crate) fn form(&mut self, form: Form) {
        let (content_type, body) = form.encode();
        match reqwest::header::HeaderValue::try_from(content_type) {
            Ok(content_type) => self.body = Some((content_type, body)),
            Err(_) => self.keep(Error::InvalidRequest("the form's content type is not a valid header value".into())),
        }
    }

    pub(crate) fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    pub(crate) fn retry(&mut self, policy: RetryPolicy) {
        self.retry = Some(policy);
    }

    /// Sends the call and decodes a JSON answer as a `T`.
    pub(crate) fn send_json<T: serde::de::DeserializeOwned>(self) -> impl Future<Output = Result<T, Error>> {
        self.run(|call| async move {
            let started = Instant::now();
            let result = call.client.execute_json::<T>(&call.request, &call.options, started).await;
            timed(started, result.map(|(_, answer)| *answer))
        })
    }

    /// Sends the call and returns the answer's bytes as they are (audio, video, file content).
    pub(crate) fn send_bytes(self) -> impl Future<Output = Result<Bytes, Error>> {
        self.run(|call| async move {
            let started = Instant::now();
            timed(started, call.client.execute_bytes(&call.request, &call.options, started).await)
        })
    }

    /// Sends the call with `"stream": true` in its JSON body and returns the event stream once it
    /// has started. Errors before the start are retried like any call; a started stream never is.
    #[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
    pub(crate) fn send_stream<T: crate::StreamEvent>(
        mut self,
    ) -> impl Future<Output = Result<crate::EventStream<T>, Error>> {
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
        self.run(|call| async move {
            let started = Instant::now();
            let (idle, total) = (call.options.idle_timeout, call.options.total_deadline(started));
            let result = match call.client.post_stream(&call.request, &call.options, started).await {
                Err(error) => Err(error),
                Ok(crate::client::Started::Events(response)) => {
                    tracing::Span::current().record("status", response.status().as_u16());
                    Ok(crate::EventStream::from_response(response, idle, total))
                }
                // A server that ignored `stream: true` ("non-streaming providers ignore this
                // flag"): its whole answer as the events it stands for, where the event type has
                // such a reading.
                Ok(crate::client::Started::Whole { status, content_type, body }) => {
                    tracing::Span::current().record("status", status);
                    let whole = content_type.contains("json").then(|| T::from_whole(&body)).flatten();
                    match whole {
                        Some(sse) => sse.map(|sse| crate::EventStream::from_sse(sse, idle, total)),
                        None => Err(crate::client::not_events(status, &content_type, &body)),
                    }
                }
            };
            timed(started, result)
        })
    }

    /// Sends the call and returns the answer's body as it arrives (video, file content, audio).
    pub(crate) fn send_byte_stream(self) -> impl Future<Output = Result<crate::ByteStream, Error>> {
        self.run(|call| async move {
            let started = Instant::now();
            timed(started, call.client.execute_streamed(&call.request, &call.options, started).await)
        })
    }

    /// Sends the call; the answer has no body worth reading.
    pub(crate) fn send_empty(self) -> impl Future<Output = Result<(), Error>> {
        self.send_bytes().map(|result| result.map(drop))
    }

    /// The call's future: `execute` on the call made ready, inside the call's span, or the
    /// problem found while building it.
    ///
    /// A plain function, not an `async fn`, and `execute`'s future uses the ready call by
    /// reference: each layer of `async fn` kept its own copy of the call (a Responses request's
    /// future was 3,752 bytes, measured with `-Zprint-type-sizes`; 712 now, see
    /// `the_request_paths_futures_hold_each_part_once`).
    fn run<T, Fut>(self, execute: impl FnOnce(Ready) -> Fut) -> impl Future<Output = Result<T, Error>>
    where
        Fut: Future<Output = Result<T, Error>>,
    {
        if let Some(problem) = self.problem {
            return unless_refused(Err(problem));
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
        unless_refused(Ok(execute(Ready { client: self.client, request, options }).instrument(span)))
    }
}

/// One future for a request that may have been refused before sending: `sent`'s, or the refusal.
/// (Also for a step that follows another which may have failed, as images' `generate()`.)
///
/// For the functions that return a request's future without being `async fn`s themselves: an
/// `async fn` keeps its arguments (a builder, a typed request) for as long as its future lives,
/// beside the future that uses them.
pub(crate) fn unless_refused<T, F>(sent: Result<F, Error>) -> impl Future<Output = Result<T, Error>>
where
    F: Future<Output = Result<T, Error>>,
{
    match sent {
        Ok(sent) => Either::Right(sent),
        // Not `std::future::ready(Err(..))`, which would be as large as the answer type.
        Err(refused) => Either::Left(async move { Err(refused) }),
    }
}

/// A call ready to send, which the future of [`Call::run`]'s `execute` owns and uses by reference.
struct Ready {
    client: Client,
    request: Request,
    options: CallOptions,
}

/// `result`, with the call's latency since `started` recorded on its span.
fn timed<T>(started: Instant, result: Result<T, Error>) -> Result<T, Error> {
    tracing::Span::current().record("latency_ms", started.elapsed().as_millis() as u64);
    result
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
}
