//! Server-sent event streams of typed events: the transport half every streamed operation shares
//! (chat, Responses, Messages, images).
//!
//! [`EventStream`] reads the body, decodes SSE events with [`SseDecoder`], keeps the idle and total
//! timers, ends at `data: [DONE]` (reading on to the body's end so the connection is reused), and
//! calls a stream that stops before it is complete [`Error::StreamTruncated`]. What counts as
//! complete, which event is an error, and what text an error carries is each event type's own
//! [`StreamEvent`] impl.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use futures_core::Stream;

use crate::{
    Error,
    error::ApiError,
    sse::{SseDecoder, SseError},
};

pub(crate) type BodyStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// An event type a stream yields. Implemented by the crate for each streamed operation's event
/// type (sealed: the stream's rules come with the type).
pub trait StreamEvent: serde::de::DeserializeOwned + Send + Sized + 'static + sealed::Sealed {
    /// What the stream keeps of the events so far.
    #[doc(hidden)]
    type Progress: Progress<Self>;

    /// Decodes one event's JSON.
    #[doc(hidden)]
    fn decode(data: &[u8]) -> Result<Self, Error> {
        Error::from_json(200, data)
    }

    /// The events (as SSE text, ending with `[DONE]`) a whole JSON answer stands for, when a
    /// server answered a stream request without streaming; `None` where the event type has no
    /// such reading (then the answer is an error).
    #[doc(hidden)]
    fn from_whole(body: &[u8]) -> Option<Result<Vec<u8>, Error>> {
        let _ = body;
        None
    }
}

/// Decodes an event of a large untagged union by its `type` first: `by_type` names the variant
/// ([`exactly`]) for the event types that carry the answer, which are known by their type alone;
/// anything it does not take goes the generic way (serde's untagged decoding, which tries every
/// variant in order).
#[cfg(any(feature = "responses", feature = "messages"))]
pub(crate) fn decode_by_type<T: StreamEvent>(
    data: &[u8],
    by_type: impl FnOnce(&str, &[u8]) -> Option<Result<T, Error>>,
) -> Result<T, Error> {
    #[derive(serde::Deserialize)]
    struct Tag<'a> {
        #[serde(rename = "type", borrow)]
        kind: std::borrow::Cow<'a, str>,
    }
    let hit = match leading_type(data) {
        Some(kind) => by_type(kind, data),
        None => serde_json::from_slice::<Tag>(data).ok().and_then(|tag| by_type(&tag.kind, data)),
    };
    hit.unwrap_or_else(|| Error::from_json(200, data))
}

/// The event's `type` when it is the first member, as OpenAI-compatible servers write events
/// (`{"type":"response.output_text.delta",...`): read off the first bytes, where reading it as
/// JSON passes over the whole event. `None` for any other layout (or an escaped type), which is
/// then read as JSON.
#[cfg_attr(not(any(feature = "responses", feature = "messages")), allow(dead_code))]
pub(crate) fn leading_type(data: &[u8]) -> Option<&str> {
    fn after<'a>(data: &'a [u8], token: &[u8]) -> Option<&'a [u8]> {
        data.trim_ascii_start().strip_prefix(token)
    }
    let value = after(after(after(data, b"{")?, b"\"type\"")?, b":")?;
    let value = after(value, b"\"")?;
    let end = memchr::memchr2(b'"', b'\\', value)?;
    if value[end] != b'"' {
        return None;
    }
    std::str::from_utf8(&value[..end]).ok()
}

/// The variant `wrap` of an event whose type decides it: its payload, or a decode error naming
/// the path where it does not fit.
#[cfg(any(feature = "responses", feature = "messages"))]
pub(crate) fn exactly<T, E: serde::de::DeserializeOwned>(data: &[u8], wrap: fn(E) -> T) -> Result<T, Error> {
    Error::from_json(200, data).map(wrap)
}

/// What a stream remembers of its events: enough to tell when it is complete and what partial
/// text an error carries. One per event type.
#[doc(hidden)]
pub trait Progress<T>: Default + Send + Unpin + 'static {
    /// Whether `data: [DONE]` completes the stream; if not, only [`Progress::is_complete`] does.
    const DONE_COMPLETES: bool;
    /// Takes in one event; returns the error it reports (an error event, or events that do not
    /// add up), if any. The stream yields the event and then ends with that error.
    fn push(&mut self, event: &T) -> Option<Error>;
    /// Takes in an event that carries nothing but text, read straight from its JSON (a borrowed
    /// reading of the few fields it keeps), for the crate's own readers of a whole stream, which
    /// hand out no typed event. Returns the text, or `None` (the default) for any other event or
    /// one that does not read that way: that event then goes through [`StreamEvent::decode`] and
    /// [`Progress::push`], as every event does for a consumer of the typed stream.
    fn push_text_event<'a>(&mut self, data: &'a [u8]) -> Option<std::borrow::Cow<'a, str>> {
        let _ = data;
        None
    }
    /// The stream has seen its terminal event.
    fn is_complete(&self) -> bool;
    /// The text received so far (carried by a stream's error).
    fn partial_text(&self) -> String;
    /// The generation or response id, once an event has carried it.
    fn id(&self) -> Option<String>;
    /// Records what the stream carried on the request's span (never any text).
    fn record_in(&self, span: &tracing::Span) {
        let _ = span;
    }
}

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// The rules of an event type the crate has no conveniences for: complete at `[DONE]`; an
/// `{"error": {...}}` event is an error.
#[doc(hidden)]
#[derive(Debug, Default)]
#[allow(dead_code)] // used by the generated code when the spec streams an event type of its own
pub struct UntilDone;

impl<T: serde::Serialize> Progress<T> for UntilDone {
    const DONE_COMPLETES: bool = true;
    fn push(&mut self, event: &T) -> Option<Error> {
        error_field(event).map(|e| Error::Api(Box::new(e)))
    }
    fn is_complete(&self) -> bool {
        false
    }
    fn partial_text(&self) -> String {
        String::new()
    }
    fn id(&self) -> Option<String> {
        None
    }
}

/// The error of an event whose JSON has an `error` object (an OpenRouter envelope sent as an
/// event, Anthropic's `error` event).
fn error_field(event: &impl serde::Serialize) -> Option<ApiError> {
    match serde_json::to_value(event).ok()? {
        serde_json::Value::Object(fields) => error_in(&fields),
        _ => None,
    }
}

/// The API error of a stream's error event (`{"code", "message", ...}`).
#[cfg_attr(not(any(feature = "responses", feature = "messages", feature = "images")), allow(dead_code))]
pub(crate) fn stream_error(error: serde_json::Value) -> ApiError {
    let bytes = serde_json::to_vec(&serde_json::json!({ "error": error })).expect("JSON values serialize");
    ApiError::from_envelope(200, &bytes).unwrap_or_else(|| ApiError::from_body(200, &bytes))
}

/// The error an event (in its wire form) carries, if any; any other event is tolerated. The one
/// reader of error events: an `error` object with a message (an OpenRouter envelope sent as an
/// event; OpenAI's, OpenRouter's and the image stream's `{"type": "error", "error": {...}}`) is
/// the error as sent, metadata included; otherwise an event of type `error` has its message and
/// code wherever they sit, the code as sent (a string or a number).
pub(crate) fn error_in(fields: &serde_json::Map<String, serde_json::Value>) -> Option<ApiError> {
    use serde_json::Value;
    let inner = fields.get("error").and_then(Value::as_object);
    if let Some(inner) = inner.filter(|i| i.get("message").is_some_and(Value::is_string)) {
        return Some(stream_error(Value::Object(inner.clone())));
    }
    if inner.is_none() && fields.get("type").and_then(Value::as_str) != Some("error") {
        return None;
    }
    let field = |key: &str| inner.and_then(|i| i.get(key)).filter(|v| !v.is_null()).or_else(|| fields.get(key));
    let message = field("message").and_then(Value::as_str).unwrap_or_default();
    let code = field("code").filter(|c| c.is_string() || c.is_number()).cloned().unwrap_or_else(|| "error".into());
    Some(stream_error(serde_json::json!({"code": code, "message": message})))
}

/// What an [`EventStream`] hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// Every event, typed: the `Stream` impl.
    Events,
    /// Text events as their text ([`Progress::push_text_event`]), the others typed.
    Texts,
    /// Text events only into the progress; the others typed (for a reader of the whole stream).
    Whole,
}

/// One thing a stream hands out: a typed event, or the text of a text event.
pub(crate) enum Item<T> {
    Event(T),
    #[cfg_attr(not(feature = "chat"), allow(dead_code))] // read by chat's `text_deltas`
    Text(String),
}

/// A streamed answer: `Stream<Item = Result<T, Error>>`.
///
/// It ends after its terminal event or `data: [DONE]` (and the body's end, read so that the
/// connection is reused). An error event ends it with [`Error::Api`]; a connection that ends before
/// the terminal event, or a total timeout that runs out, ends it with [`Error::StreamTruncated`];
/// no bytes for the idle timeout ends it with [`Error::StreamIdleTimeout`]. Each carries the text
/// received so far. The per-attempt timeout never cuts a running stream. After an error the stream
/// yields nothing more. Keep-alive comments and events of types this version does not know are
/// tolerated. Dropping the stream closes the connection, which stops generation (and billing) at
/// providers that support cancellation.
#[must_use = "a stream does nothing unless polled"]
pub struct EventStream<T: StreamEvent> {
    body: Option<BodyStream>,
    /// What is left of the last body read: events are decoded from it one per poll.
    unread: Bytes,
    decoder: SseDecoder,
    /// The error that ends the stream, yielded after the event that carried it (if any).
    error: Option<Error>,
    pub(crate) seen: T::Progress,
    reading: Reading,
    idle_timeout: Option<Duration>,
    idle: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The call's total timeout, and its timer.
    total: Option<(Duration, Pin<Box<tokio::time::Sleep>>)>,
    /// After `[DONE]`: how many bytes more were read while waiting for the body's end.
    draining: Option<usize>,
    done: bool,
    finished: bool,
    /// The request's span: the stream's end records its id, usage and latency there.
    span: tracing::Span,
    started: std::time::Instant,
}

impl<T: StreamEvent> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").field("finished", &self.finished).finish_non_exhaustive()
    }
}

impl<T: StreamEvent> EventStream<T> {
    /// The stream of an SSE body already in hand (a whole answer read as its events).
    #[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
    pub(crate) fn from_sse(
        body: Vec<u8>,
        idle_timeout: Option<Duration>,
        total: Option<(Duration, tokio::time::Instant)>,
    ) -> Self {
        let chunk: reqwest::Result<Bytes> = Ok(Bytes::from(body));
        let mut stream = Self::from_body(Box::pin(futures_util::stream::iter([chunk])), idle_timeout);
        stream.total = total.map(|(limit, at)| (limit, Box::pin(tokio::time::sleep_until(at))));
        stream
    }

    /// The stream of `response`; `total` is the call's total timeout and the instant it runs out.
    pub(crate) fn from_response(
        response: reqwest::Response,
        idle_timeout: Option<Duration>,
        total: Option<(Duration, tokio::time::Instant)>,
    ) -> Self {
        let mut stream = Self::from_body(Box::pin(response.bytes_stream()), idle_timeout);
        stream.total = total.map(|(limit, at)| (limit, Box::pin(tokio::time::sleep_until(at))));
        stream
    }

    /// A stream over any source of body bytes (the network, or a test's transcript).
    pub(crate) fn from_body(body: BodyStream, idle_timeout: Option<Duration>) -> Self {
        EventStream {
            body: Some(body),
            unread: Bytes::new(),
            decoder: SseDecoder::new(),
            error: None,
            seen: T::Progress::default(),
            reading: Reading::Events,
            idle_timeout,
            idle: idle_timeout.map(|t| Box::pin(tokio::time::sleep(t))),
            total: None,
            draining: None,
            done: false,
            finished: false,
            span: tracing::Span::current(),
            started: std::time::Instant::now(),
        }
    }

    /// Turns one SSE event into the item to yield, if any (and ends the stream on `[DONE]` or an
    /// error).
    fn on_event(&mut self, data: &[u8]) -> Option<Result<Item<T>, Error>> {
        if data == b"[DONE]" {
            self.done = true;
            self.drain();
            return None;
        }
        if data.iter().all(u8::is_ascii_whitespace) {
            return None; // an empty `data:` event carries nothing
        }
        if self.reading != Reading::Events
            && let Some(text) = self.seen.push_text_event(data)
        {
            return (self.reading == Reading::Texts).then(|| Ok(Item::Text(text.into_owned())));
        }
        let event: T = match T::decode(data) {
            Ok(event) => event,
            Err(e) => {
                // An error event without the event type's fields, as proxies such as LiteLLM
                // send it: `{"error": {"message": "...", "code": "500"}}`.
                let error = match ApiError::from_envelope(200, data) {
                    Some(error) => self.mid_stream(error),
                    None => e,
                };
                self.finish_with(Some(error));
                return None;
            }
        };
        if let Some(error) = self.seen.push(&event) {
            let error = match error {
                Error::Api(api) => self.mid_stream(*api),
                other => other,
            };
            self.finish_with(Some(error));
        } else if !<T::Progress as Progress<T>>::DONE_COMPLETES && self.seen.is_complete() {
            // The terminal event is the end: read on only as after `[DONE]` (bounded), so that a
            // server that keeps the connection open after it cannot turn a whole answer into an
            // idle timeout.
            self.drain();
        }
        Some(Ok(Item::Event(event)))
    }

    /// A mid-stream error, with the text received before it.
    fn mid_stream(&self, mut error: ApiError) -> Error {
        error.generation_id = error.generation_id.or_else(|| self.seen.id());
        error.partial_text = Some(self.seen.partial_text());
        Error::Api(Box::new(error))
    }

    /// `[DONE]` arrived: read on to the body's end (bounded), so that the connection goes back to
    /// the pool instead of being closed with the chunked terminator unread.
    fn drain(&mut self) {
        self.draining = Some(0);
        self.unread = Bytes::new();
        self.idle = Some(Box::pin(tokio::time::sleep(DRAIN_TIME)));
    }

    fn finish_with(&mut self, error: Option<Error>) {
        self.finished = true;
        self.span.record("latency_ms", self.started.elapsed().as_millis() as u64);
        self.seen.record_in(&self.span);
        self.body = None; // closes the connection, unless it was read to its end
        self.unread = Bytes::new();
        self.error = error;
    }

    fn is_complete(&self) -> bool {
        (self.done && <T::Progress as Progress<T>>::DONE_COMPLETES) || self.seen.is_complete()
    }

    /// The body ended (or `[DONE]`'s drain did): complete only after the terminal event.
    fn on_eof(&mut self, source: Option<reqwest::Error>) {
        let error = match source {
            None if self.is_complete() => None,
            source => Some(Error::StreamTruncated {
                partial_text: self.seen.partial_text(),
                source: source.map(|e| Box::new(e.without_url()) as crate::error::BoxError),
            }),
        };
        self.finish_with(error);
    }

    /// Decodes the next event in `unread`, if it holds a complete one.
    fn next_from_unread(&mut self) -> Option<Result<Item<T>, Error>> {
        // The decoder is taken out for the call so that `on_event` can borrow the rest of `self`.
        let mut decoder = std::mem::take(&mut self.decoder);
        let item = match decoder.next_event(&self.unread) {
            Ok((read, event)) => {
                let item = event.and_then(|data| self.on_event(data));
                if !self.finished && self.draining.is_none() {
                    bytes::Buf::advance(&mut self.unread, read);
                }
                item
            }
            Err(SseError::TooLong(limit)) => {
                let message = format!("an event went past {limit} bytes without ending");
                self.finish_with(Some(Error::Decode { status: 200, message, body: String::new() }));
                None
            }
        };
        self.decoder = decoder;
        item
    }

    /// Reads the stream to its end, handing each event to `each`; fails with the stream's error.
    #[cfg_attr(not(feature = "images"), allow(dead_code))]
    pub(crate) async fn for_each(mut self, mut each: impl FnMut(T)) -> Result<(), Error> {
        while let Some(event) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            each(event?);
        }
        Ok(())
    }

    /// Reads the stream to its end and returns what its progress kept; fails with the stream's
    /// error. Text events are read by [`Progress::push_text_event`], not decoded whole: nothing
    /// is handed out, so nothing pays for fields no one reads.
    #[cfg_attr(not(any(feature = "chat", feature = "responses", feature = "messages")), allow(dead_code))]
    ///
    /// A plain function returning the future, which holds the stream once (an `async fn` would
    /// hold it twice: 3,632 bytes for the Responses stream, measured with `-Zprint-type-sizes`).
    pub(crate) fn read_to_end(mut self) -> impl Future<Output = Result<T::Progress, Error>> + Send + 'static {
        self.reading = Reading::Whole;
        std::future::poll_fn(move |cx| {
            loop {
                match self.poll_item(cx) {
                    Poll::Ready(Some(Ok(_))) => continue,
                    Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(e)),
                    Poll::Ready(None) => return Poll::Ready(Ok(std::mem::take(&mut self.seen))),
                    Poll::Pending => return Poll::Pending,
                }
            }
        })
    }

    /// The stream as texts and typed events: text events (as [`Progress::push_text_event`] reads
    /// them) come as their text, the others typed.
    #[cfg_attr(not(feature = "chat"), allow(dead_code))]
    pub(crate) fn items(mut self) -> impl Stream<Item = Result<Item<T>, Error>> + Send + Unpin {
        self.reading = Reading::Texts;
        futures_util::stream::poll_fn(move |cx| self.poll_item(cx))
    }
}

/// After `[DONE]`, how long and how much more the stream reads while waiting for the body's end.
const DRAIN_TIME: Duration = Duration::from_secs(1);
const DRAIN_BYTES: usize = 64 * 1024;

impl<T: StreamEvent> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            return match this.poll_item(cx) {
                Poll::Ready(Some(Ok(Item::Event(event)))) => Poll::Ready(Some(Ok(event))),
                Poll::Ready(Some(Ok(Item::Text(_)))) => continue, // not handed out when reading events
                Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            };
        }
    }
}

impl<T: StreamEvent> EventStream<T> {
    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Item<T>, Error>>> {
        loop {
            if self.finished {
                return Poll::Ready(self.error.take().map(Err));
            }
            if self.draining.is_none() && !self.unread.is_empty() {
                match self.next_from_unread() {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => continue,
                }
            }
            let Some(body) = self.body.as_mut() else { return Poll::Ready(None) };
            let polled = body.as_mut().poll_next(cx);
            if let Some(drained) = &mut self.draining {
                // `[DONE]` was seen: whatever comes or fails now, no more events are read.
                match polled {
                    Poll::Ready(Some(Ok(bytes))) if *drained + bytes.len() <= DRAIN_BYTES => *drained += bytes.len(),
                    Poll::Pending if !self.idle.as_mut().is_some_and(|t| t.as_mut().poll(cx).is_ready()) => {
                        return Poll::Pending;
                    }
                    _ => self.on_eof(None),
                }
                continue;
            }
            match polled {
                Poll::Ready(Some(Ok(bytes))) => {
                    if let (Some(idle), Some(timeout)) = (self.idle.as_mut(), self.idle_timeout) {
                        idle.as_mut().reset(tokio::time::Instant::now() + timeout);
                    }
                    // Copied: a slice would pin the connection's whole read buffer for as long as
                    // the consumer holds the stream (measured: 300 KiB more per idle stream).
                    self.unread = Bytes::copy_from_slice(&bytes);
                }
                Poll::Ready(Some(Err(e))) => self.on_eof(Some(e)),
                Poll::Ready(None) => self.on_eof(None),
                Poll::Pending => {
                    if let (Some(idle), Some(after)) = (self.idle.as_mut(), self.idle_timeout)
                        && idle.as_mut().poll(cx).is_ready()
                    {
                        let error = Error::StreamIdleTimeout { after, partial_text: self.seen.partial_text() };
                        self.finish_with(Some(error));
                        continue;
                    }
                    if let Some((limit, timer)) = self.total.as_mut()
                        && timer.as_mut().poll(cx).is_ready()
                    {
                        let error = Error::total_timeout_mid_stream(*limit, self.seen.partial_text());
                        self.finish_with(Some(error));
                        continue;
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

/// What a consumer of a stream of `T` gets when `bytes` arrive cut at `cuts`: the events, and the
/// error that ended the stream. For the tests and the fuzz targets.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn read_cut<T: StreamEvent>(bytes: &[u8], cuts: &[usize]) -> (Vec<T>, Option<Error>) {
    use futures_util::StreamExt;
    let mut events = Vec::new();
    let mut error = None;
    for item in block_on(cut_stream::<T>(bytes, cuts).collect::<Vec<_>>()) {
        match item {
            Ok(event) => events.push(event),
            Err(e) => error = Some(e),
        }
    }
    (events, error)
}

/// What [`EventStream::read_to_end`] (the whole-stream readers' way) keeps of `bytes` cut at
/// `cuts`, or the error that ended the stream.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn read_cut_to_end<T: StreamEvent>(bytes: &[u8], cuts: &[usize]) -> Result<T::Progress, Error> {
    block_on(cut_stream::<T>(bytes, cuts).read_to_end())
}

#[cfg(any(test, feature = "fuzzing"))]
fn cut_stream<T: StreamEvent>(bytes: &[u8], cuts: &[usize]) -> EventStream<T> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut pieces = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([bytes.len()]) {
        pieces.push(Ok(Bytes::copy_from_slice(&bytes[start..cut])));
        start = cut;
    }
    EventStream::<T>::from_body(Box::pin(futures_util::stream::iter(pieces)), None)
}

#[cfg(any(test, feature = "fuzzing"))]
fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a runtime").block_on(future)
}

#[cfg(test)]
mod tests {
    use super::leading_type;

    #[test]
    fn the_leading_type_is_read_only_where_it_leads_unescaped() {
        assert_eq!(
            leading_type(br#"{"type":"response.output_text.delta","delta":"hi"}"#),
            Some("response.output_text.delta")
        );
        assert_eq!(leading_type(b" { \"type\" : \"ping\" }"), Some("ping"));
        for other in [
            &br#"{"delta":"hi","type":"ping"}"#[..],
            br#"{"type":"pi\"ng"}"#,
            br#"{"type":1}"#,
            b"{\"type\":\"ping",
            b"",
        ] {
            assert_eq!(leading_type(other), None, "{}", String::from_utf8_lossy(other));
        }
    }
}
