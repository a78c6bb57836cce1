//! The Messages API conveniences, end to end on the mock and on scripted hostile servers.
#![cfg(feature = "messages")]

use crate::common;

use common::{Reply, TestServer};
use futures_util::StreamExt;
use openrouter_bindings::{
    Client, Error, MessagesAccumulator, RetryPolicy,
    mock::{MockReply, MockServer},
    types::MessagesStreamEvents,
};

#[derive(schemars::JsonSchema, serde::Deserialize, Debug, PartialEq)]
struct Weather {
    city: String,
}

#[tokio::test]
async fn send_returns_the_text_and_sends_system_and_messages() {
    let mock = MockServer::start().await;
    let message = mock
        .client()
        .messages("anthropic/claude-sonnet-4")
        .system("Be brief")
        .user("hi")
        .max_tokens(100)
        .send()
        .await
        .unwrap();
    assert_eq!(message.text(), "(mock) You said: hi");
    assert_eq!(message.model, "anthropic/claude-sonnet-4");
    let sent = &mock.requests()[0];
    assert_eq!(sent.path, "/api/v1/messages");
    assert_eq!(sent.body["system"], "Be brief");
    assert_eq!(sent.body["messages"][0], serde_json::json!({"role": "user", "content": "hi"}));
    assert_eq!(sent.body["max_tokens"], 100);
}

#[tokio::test]
async fn a_stream_assembles_to_what_send_returns() {
    let mock = MockServer::start().await;
    mock.push(MockReply::text("one two three"));
    mock.push(MockReply::text("one two three"));
    let client = mock.client();
    let whole = client.messages("m").user("count").send().await.unwrap();
    let mut stream = client.messages("m").user("count").stream().await.unwrap();
    let (mut kinds, mut all) = (Vec::new(), MessagesAccumulator::default());
    while let Some(event) = stream.next().await {
        let event = event.unwrap();
        kinds.push(serde_json::to_value(&event).unwrap()["type"].as_str().unwrap().to_owned());
        all.push(&event);
    }
    assert_eq!(kinds.first().map(String::as_str), Some("message_start"));
    assert_eq!(kinds.last().map(String::as_str), Some("message_stop"));
    assert!(kinds.iter().any(|k| k == "ping"));
    let streamed = all.finish().unwrap();
    assert_eq!(streamed.text(), "one two three");
    assert_eq!(streamed.content, whole.content);
    assert_eq!(streamed.usage.output_tokens, whole.usage.output_tokens);
}

#[tokio::test]
async fn a_tool_use_round_trip() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let first = client.messages("m").user("Weather in Paris?").tool::<Weather>("weather", "The weather now");
    let message = first.clone().stream().await.unwrap().collect_message().await.unwrap();
    let uses = message.tool_uses();
    assert_eq!(uses[0].name, "weather");
    assert_eq!(uses[0].parse_input::<Weather>().unwrap(), Weather { city: "example".into() });
    assert_eq!(mock.requests()[0].body["tools"][0]["input_schema"]["type"], "object");

    let answer = first.assistant_turn(&message).tool_result(&uses[0].id, "18°C").send().await.unwrap();
    assert_eq!(answer.text(), "(mock) The tool said: 18°C");
    let messages = &mock.requests()[1].body["messages"];
    assert_eq!(messages[1]["content"][0]["type"], "tool_use");
    assert_eq!(messages[2]["content"][0]["tool_use_id"], "toolu_mock_1");
}

#[tokio::test]
async fn thinking_streams_and_reads_back() {
    let mock = MockServer::start().await;
    mock.push(MockReply::reasoning("think hard", "done"));
    let message =
        mock.client().messages("m").user("q").thinking(1024).stream().await.unwrap().collect_message().await.unwrap();
    assert_eq!(message.thinking().as_deref(), Some("think hard"));
    assert_eq!(message.text(), "done");
    assert_eq!(mock.requests()[0].body["thinking"], serde_json::json!({"type": "enabled", "budget_tokens": 1024}));
}

#[tokio::test]
async fn an_error_event_mid_stream_is_an_api_error_with_the_partial_text() {
    let mock = MockServer::start().await;
    mock.push(MockReply::mid_stream_error("partial answer", "overloaded", "Overloaded"));
    let error = mock.client().messages("m").user("q").stream().await.unwrap().collect_message().await.unwrap_err();
    let Error::Api(api) = error else { panic!("{error:?}") };
    assert_eq!(api.body.message, "Overloaded");
    assert_eq!(api.partial_text.as_deref(), Some("partial answer"));
}

#[tokio::test]
async fn a_cut_stream_is_truncated_with_the_partial_text() {
    let mock = MockServer::start().await;
    mock.push(MockReply::cut_connection("half of it"));
    let error = mock.client().messages("m").user("q").stream().await.unwrap().collect_message().await.unwrap_err();
    let Error::StreamTruncated { partial_text, .. } = error else { panic!("{error:?}") };
    assert_eq!(partial_text, "half of it");
}

fn client_for(url: &str) -> Client {
    Client::builder().api_key("sk-or-test").base_url(url).retry(RetryPolicy::none()).build().unwrap()
}

#[tokio::test]
async fn hostile_answers_are_typed_errors() {
    let server = TestServer::start(vec![
        Reply::raw(200, "text/plain", "upstream timeout"),
        Reply { content_length: Some(400), ..Reply::raw(200, "application/json", "{\"id\":\"msg_1\",\"con") },
        Reply::json(
            529,
            serde_json::json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        ),
    ])
    .await;
    let client = client_for(&server.url);
    let error = client.messages("m").user("q").stream().await.unwrap_err();
    assert!(matches!(&error, Error::Decode { message, .. } if message.contains("text/plain")), "{error:?}");
    let error = client.messages("m").user("q").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. } | Error::Decode { .. }), "{error:?}");
    let error = client.messages("m").user("q").send().await.unwrap_err();
    let Error::Api(api) = error else { panic!("{error:?}") };
    assert_eq!(api.status, 529);
    assert!(api.to_string().contains("Overloaded"), "{api}");
}

// Transcripts (tests/fixtures/streams/messages/) served by a scripted server that writes them
// whole and in pieces of 1, 7 and 64 bytes: every split gives the same events, error and result.

/// The events and the final error of transcript `name`, written `size` bytes at a time.
async fn replay(name: &str, size: usize) -> (Vec<MessagesStreamEvents>, Option<Error>) {
    let path = format!("{}/tests/fixtures/streams/messages/{name}.sse", env!("CARGO_MANIFEST_DIR"));
    let transcript = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let server = TestServer::start(vec![Reply::sse(&transcript).pieces(size)]).await;
    let mut stream = client_for(&server.url).messages("m").user("q").stream().await.unwrap();
    let (mut events, mut error) = (Vec::new(), None);
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => events.push(event),
            Err(e) => error = Some(e),
        }
    }
    (events, error)
}

/// Transcript `name` replayed whole and at 1, 7 and 64 bytes a write: the same events, the same
/// error, the same assembled result. Returns the whole replay's outcome.
async fn same_at_every_split(name: &str) -> (Vec<MessagesStreamEvents>, Option<String>, MessagesAccumulator) {
    let mut outcomes = Vec::new();
    for size in [0, 1, 7, 64] {
        let (events, error) = replay(name, size).await;
        let mut all = MessagesAccumulator::default();
        events.iter().for_each(|e| drop(all.push(e)));
        outcomes.push((events, error.map(|e| e.to_string()), all));
    }
    let whole = outcomes.remove(0);
    for (split, size) in outcomes.into_iter().zip([1, 7, 64]) {
        assert_eq!((&split.0, &split.1), (&whole.0, &whole.1), "{name} at {size} bytes a write");
        assert_eq!(split.2.finish().ok(), whole.2.clone().finish().ok(), "{name} at {size} bytes a write");
    }
    whole
}

#[tokio::test]
async fn text_assembles_into_the_message() {
    let (_, error, all) = same_at_every_split("text").await;
    assert!(error.is_none(), "{error:?}");
    let message = all.finish().unwrap();
    assert_eq!(message.text(), "Hello there.");
    assert_eq!(message.id, "msg_01");
    assert_eq!((message.usage.input_tokens, message.usage.output_tokens), (10, 15));
    assert_eq!(serde_json::to_value(&message.stop_reason).unwrap(), "end_turn");
}

#[tokio::test]
async fn unknown_events_and_deltas_are_tolerated() {
    let (events, error, all) = same_at_every_split("unknown-events").await;
    assert!(error.is_none(), "{error:?}");
    assert!(events.iter().any(|e| matches!(e, MessagesStreamEvents::Unknown(f) if f["type"] == "brand_new_event")));
    assert_eq!(all.finish().unwrap().text(), "Hello there.");
}

#[tokio::test]
async fn tool_input_assembles_from_partial_json() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Weather {
        city: String,
    }
    let (_, error, all) = same_at_every_split("tools").await;
    assert!(error.is_none(), "{error:?}");
    let message = all.finish().unwrap();
    assert_eq!(message.text(), "Let me check.");
    let uses = message.tool_uses();
    assert_eq!((uses[0].id.as_str(), uses[0].name.as_str()), ("toolu_01", "weather"));
    assert_eq!(uses[0].parse_input::<Weather>().unwrap(), Weather { city: "Paris".into() });
}

#[tokio::test]
async fn thinking_and_its_signature_assemble() {
    let (_, error, all) = same_at_every_split("thinking").await;
    assert!(error.is_none(), "{error:?}");
    let message = all.finish().unwrap();
    assert_eq!(message.thinking().as_deref(), Some("Let me think it through."));
    assert_eq!(message.text(), "Hello there.");
    let blocks = serde_json::to_value(&message.content).unwrap();
    assert_eq!(blocks[0]["signature"], "EqQBCgIYAhIM");
}

#[tokio::test]
async fn an_error_event_is_an_api_error_with_the_text_so_far() {
    let (_, error, _) = same_at_every_split("error-event").await;
    assert!(error.unwrap().contains("Overloaded"));
    let (_, error) = replay("error-event", 7).await;
    let Some(Error::Api(api)) = error else { panic!("{error:?}") };
    assert_eq!(api.partial_text.as_deref(), Some("Hello"));
    assert_eq!(api.generation_id.as_deref(), Some("msg_01"));
}

#[tokio::test]
async fn a_stream_without_message_stop_is_truncated() {
    for (name, text) in [("cut", "Hello"), ("stop-missing", "Hello there.")] {
        let _ = same_at_every_split(name).await;
        let (_, error) = replay(name, 7).await;
        let Some(Error::StreamTruncated { partial_text, .. }) = error else { panic!("{name}: {error:?}") };
        assert_eq!(partial_text, text, "{name}");
    }
}
