//! What the client reports through `tracing`: a span per request with its outcome, an event per
//! retry, and never the key or message contents.

#[path = "it/common/mod.rs"]
mod common;

use std::{
    fmt::Write,
    sync::{Arc, Mutex},
    time::Duration,
};

use common::{Reply, TestServer, completion, envelope};
use openrouter_bindings::{Client, RetryPolicy};
use serde_json::json;
use tracing::{
    Event, Id, Metadata, Subscriber,
    field::{Field, Visit},
    span::{Attributes, Record},
};

/// Writes every span and event, with its fields, as a line of text.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    /// Every span's metadata, by id (id = index + 1).
    spans: Arc<Mutex<Vec<&'static Metadata<'static>>>>,
    /// The entered spans, innermost last: `Span::current()` needs it to record fields.
    entered: Arc<Mutex<Vec<u64>>>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
        let mut spans = self.spans.lock().unwrap();
        spans.push(span.metadata());
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = "record".to_owned();
        values.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = format!("event {}", event.metadata().level());
        event.record(&mut Fields(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn enter(&self, id: &Id) {
        self.entered.lock().unwrap().push(id.into_u64());
    }
    fn exit(&self, id: &Id) {
        let mut entered = self.entered.lock().unwrap();
        if let Some(at) = entered.iter().rposition(|e| *e == id.into_u64()) {
            entered.remove(at);
        }
    }
    fn current_span(&self) -> tracing_core::span::Current {
        match self.entered.lock().unwrap().last() {
            Some(id) => {
                tracing_core::span::Current::new(Id::from_u64(*id), self.spans.lock().unwrap()[*id as usize - 1])
            }
            None => tracing_core::span::Current::none(),
        }
    }
}

const KEY: &str = "sk-or-v1-TOPSECRET0123456789";

#[tokio::test]
async fn a_request_is_one_span_with_its_outcome_and_retries_are_events() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = TestServer::start(vec![
        Reply::json(503, envelope(503, "No provider available", json!({}))),
        Reply::json(200, completion("ok")),
    ])
    .await;
    let retry = RetryPolicy::default().initial_backoff(Duration::from_millis(1));
    let client = Client::builder().api_key(KEY).base_url(&server.url).retry(retry).build().unwrap();
    client.chat("openai/gpt-4o-mini").user("MY PRIVATE QUESTION").send().await.unwrap();

    let lines = capture.lines.lock().unwrap().clone();
    let log: String = lines
        .iter()
        .filter(|l| !l.starts_with("event TRACE") && !l.starts_with("event DEBUG"))
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    let everything = lines.join("\n");
    assert!(log.contains("span openrouter.chat model=openai/gpt-4o-mini stream=false"), "{log}");
    assert!(log.contains("span attempt attempt=1") && log.contains("span attempt attempt=2"), "{log}");
    assert!(log.contains("event WARN") && log.contains("retrying request") && log.contains("retry=1"), "{log}");
    assert!(log.contains("No provider available"), "the retry event says why: {log}");
    assert!(log.contains("record latency_ms="), "{log}");
    assert!(log.contains("generation_id=\"gen-1732000000-abc\""), "{log}");
    assert!(log.contains("record prompt_tokens=9") && log.contains("record completion_tokens=2"), "{log}");
    assert!(log.contains("record status=503") && log.contains("record status=200"), "{log}");
    // Nothing at any level (hyper's own events included) carries the key or the prompt.
    assert!(!everything.contains("TOPSECRET"), "the key leaked: {everything}");
    assert!(!everything.contains("MY PRIVATE QUESTION"), "message contents leaked: {everything}");
}

#[tokio::test]
async fn a_stream_records_its_generation_id_and_usage_when_it_ends() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let mock = openrouter_bindings::mock::MockServer::start().await;
    let stream = mock.client().chat("openai/gpt-4o-mini").user("MY PRIVATE QUESTION").stream().await.unwrap();
    stream.collect_response().await.unwrap();
    let log = capture.lines.lock().unwrap().join("\n");
    assert!(log.contains("span openrouter.chat model=openai/gpt-4o-mini stream=true"), "{log}");
    assert!(log.contains("record generation_id=\"gen-mock-1\""), "{log}");
    assert!(log.contains("record prompt_tokens=3") && log.contains("record completion_tokens=6"), "{log}");
    assert!(!log.contains("MY PRIVATE QUESTION"), "message contents leaked: {log}");
}

#[test]
fn a_dropped_response_field_is_logged_at_debug_with_its_type() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let body = serde_json::json!({"id": "gen-1", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"},
            "logprobs": [{"token": "ok"}]}]});
    let response: openrouter_bindings::types::ChatResponse = serde_json::from_value(body).unwrap();
    assert_eq!(response.choices[0].logprobs, None);
    let log = capture.lines.lock().unwrap().join("\n");
    assert!(
        log.contains("event DEBUG") && log.contains("dropped a response field that does not fit the spec"),
        "{log}"
    );
    assert!(log.contains("Logprobs") && log.contains("invalid type"), "{log}");
}
