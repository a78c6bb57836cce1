//! The Responses API conveniences, end to end on the mock and on scripted hostile servers.
#![cfg(feature = "responses")]

use crate::common;

use common::{Reply, TestServer};
use futures_util::StreamExt;
use openrouter_bindings::{
    Client, Error, ResponsesAccumulator, RetryPolicy,
    mock::{MockReply, MockServer},
    types::StreamEvents,
};

#[derive(schemars::JsonSchema, serde::Deserialize, Debug, PartialEq)]
struct Weather {
    city: String,
}

#[tokio::test]
async fn send_returns_the_output_text_and_sends_the_input() {
    let mock = MockServer::start().await;
    let response =
        mock.client().responses("openai/gpt-4o-mini").instructions("Be brief").input("hi").send().await.unwrap();
    assert_eq!(response.output_text(), "(mock) You said: hi");
    assert_eq!(response.model, "openai/gpt-4o-mini");
    assert_eq!(response.cost(), Some(0.0));
    let sent = &mock.requests()[0];
    assert_eq!((sent.method.as_str(), sent.path.as_str()), ("POST", "/api/v1/responses"));
    assert_eq!(sent.body["input"], "hi");
    assert_eq!(sent.body["instructions"], "Be brief");
    assert!(sent.body.get("stream").is_none(), "{}", sent.body);
}

#[tokio::test]
async fn a_stream_assembles_to_what_send_returns() {
    let mock = MockServer::start().await;
    mock.push(MockReply::text("one two three"));
    mock.push(MockReply::text("one two three"));
    let client = mock.client();
    let whole = client.responses("m").user("count").send().await.unwrap();
    let mut stream = client.responses("m").user("count").stream().await.unwrap();
    let (mut deltas, mut all) = (Vec::new(), ResponsesAccumulator::default());
    while let Some(event) = stream.next().await {
        let event = event.unwrap();
        if let StreamEvents::ResponseOutputTextDelta(delta) = &event {
            deltas.push(delta.delta.clone());
        }
        all.push(&event);
    }
    assert_eq!(deltas, ["one", " two", " three"]);
    let streamed = all.finish().unwrap();
    assert_eq!(streamed.output_text(), whole.output_text());
    assert_eq!(streamed.output, whole.output);
    assert_eq!(mock.requests()[1].body["stream"], true);
}

#[tokio::test]
async fn a_function_call_round_trip() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let first = client.responses("m").user("Weather in Paris?").function::<Weather>("weather", "The weather now");
    let response = first.clone().send().await.unwrap();
    let calls = response.function_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].name, "weather");
    let arguments: Weather = calls[0].parse_arguments().unwrap();
    assert_eq!(arguments, Weather { city: "example".into() });
    let tool = &mock.requests()[0].body["tools"][0];
    assert_eq!((tool["type"].as_str(), tool["strict"].as_bool()), (Some("function"), Some(true)));

    let answer = first.function_output(&calls[0].call_id, "18°C").send().await.unwrap();
    assert_eq!(answer.output_text(), "(mock) The tool said: 18°C");
    let input = &mock.requests()[1].body["input"];
    assert_eq!(
        input[1],
        serde_json::json!({"type": "function_call_output", "call_id": "call_mock_1", "output": "18°C"})
    );
}

#[tokio::test]
async fn structured_output_parses_into_the_type() {
    let mock = MockServer::start().await;
    let response = mock.client().responses("m").input("Where?").output_type::<Weather>().send().await.unwrap();
    assert_eq!(response.parse::<Weather>().unwrap(), Weather { city: "example".into() });
    let format = &mock.requests()[0].body["text"]["format"];
    assert_eq!((format["type"].as_str(), format["name"].as_str()), (Some("json_schema"), Some("Weather")));
}

#[tokio::test]
async fn reasoning_streams_and_reads_back() {
    let mock = MockServer::start().await;
    mock.push(MockReply::reasoning("think hard", "done"));
    let response = mock.client().responses("m").input("q").stream().await.unwrap().collect_response().await.unwrap();
    assert_eq!(response.reasoning().as_deref(), Some("think hard"));
    assert_eq!(response.output_text(), "done");
}

#[tokio::test]
async fn an_error_event_mid_stream_is_an_api_error_with_the_partial_text() {
    let mock = MockServer::start().await;
    mock.push(MockReply::mid_stream_error("partial answer", "server_error", "provider went away"));
    let error = mock.client().responses("m").input("q").stream().await.unwrap().collect_response().await.unwrap_err();
    let Error::Api(api) = error else { panic!("{error:?}") };
    assert_eq!(api.body.message, "provider went away");
    assert_eq!(api.partial_text.as_deref(), Some("partial answer"));
    assert_eq!(api.generation_id.as_deref(), Some("resp_mock_1"));
}

#[tokio::test]
async fn a_cut_stream_is_truncated_with_the_partial_text() {
    let mock = MockServer::start().await;
    mock.push(MockReply::cut_connection("half of it"));
    let error = mock.client().responses("m").input("q").stream().await.unwrap().collect_response().await.unwrap_err();
    let Error::StreamTruncated { partial_text, .. } = error else { panic!("{error:?}") };
    assert_eq!(partial_text, "half of it");
}

#[tokio::test]
async fn a_request_without_input_is_refused_before_sending() {
    let mock = MockServer::start().await;
    let error = mock.client().responses("m").send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(ref m) if m.contains("no input")), "{error:?}");
    assert!(mock.requests().is_empty());
}

fn client_for(url: &str) -> Client {
    Client::builder().api_key("sk-or-test").base_url(url).retry(RetryPolicy::none()).build().unwrap()
}

#[tokio::test]
async fn hostile_answers_are_typed_errors() {
    let server = TestServer::start(vec![
        // A stream request answered with an HTML page.
        Reply::raw(200, "text/html", "<html>gateway</html>"),
        // A whole answer cut short.
        Reply { content_length: Some(400), ..Reply::raw(200, "application/json", "{\"id\":\"resp_1\",\"out") },
        // JSON that is not a response.
        Reply::json(200, serde_json::json!({"unexpected": true})),
        // A stream that is only keep-alive comments, then ends.
        Reply::sse(": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n"),
    ])
    .await;
    let client = client_for(&server.url);
    let error = client.responses("m").input("q").stream().await.unwrap_err();
    assert!(matches!(&error, Error::Decode { message, .. } if message.contains("text/html")), "{error:?}");
    let error = client.responses("m").input("q").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. } | Error::Decode { .. }), "{error:?}");
    let error = client.responses("m").input("q").send().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let error = client.responses("m").input("q").stream().await.unwrap().collect_response().await.unwrap_err();
    assert!(matches!(&error, Error::StreamTruncated { partial_text, .. } if partial_text.is_empty()), "{error:?}");
}

// Transcripts (tests/fixtures/streams/responses/) served by a scripted server that writes them
// whole and in pieces of 1, 7 and 64 bytes: every split gives the same events, error and result.

/// The events and the final error of transcript `name`, written `size` bytes at a time.
async fn replay(name: &str, size: usize) -> (Vec<StreamEvents>, Option<Error>) {
    let path = format!("{}/tests/fixtures/streams/responses/{name}.sse", env!("CARGO_MANIFEST_DIR"));
    let transcript = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let server = TestServer::start(vec![Reply::sse(&transcript).pieces(size)]).await;
    let mut stream = client_for(&server.url).responses("m").input("q").stream().await.unwrap();
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
async fn same_at_every_split(name: &str) -> (Vec<StreamEvents>, Option<String>, ResponsesAccumulator) {
    let mut outcomes = Vec::new();
    for size in [0, 1, 7, 64] {
        let (events, error) = replay(name, size).await;
        let mut all = ResponsesAccumulator::default();
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
async fn text_assembles_to_the_completed_response() {
    let (events, error, all) = same_at_every_split("text").await;
    assert!(error.is_none(), "{error:?}");
    assert!(events.iter().any(|e| matches!(e, StreamEvents::ResponseOutputTextDelta(d) if d.delta == "Hello")));
    assert_eq!(all.text(), "Hello there, friend.");
    let response = all.finish().unwrap();
    assert_eq!(response.output_text(), "Hello there, friend.");
    assert_eq!(response.cost(), Some(0.00012));
}

#[tokio::test]
async fn unknown_event_types_are_tolerated() {
    let (events, error, all) = same_at_every_split("unknown-events").await;
    assert!(error.is_none(), "{error:?}");
    assert!(events.iter().any(|e| matches!(e, StreamEvents::Unknown(f) if f["type"] == "response.brand_new_event")));
    assert_eq!(all.finish().unwrap().output_text(), "Hello there, friend.");
}

#[tokio::test]
async fn function_calls_come_back_with_typed_arguments() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Weather {
        city: String,
    }
    let (_, error, all) = same_at_every_split("tools").await;
    assert!(error.is_none(), "{error:?}");
    let calls = all.finish().unwrap().function_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].call_id.as_str(), calls[0].name.as_str()), ("call_1", "weather"));
    assert_eq!(calls[0].parse_arguments::<Weather>().unwrap(), Weather { city: "Paris".into() });
}

#[tokio::test]
async fn reasoning_is_read_from_the_summary() {
    let (_, error, all) = same_at_every_split("reasoning").await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(all.reasoning(), "Think first.");
    let response = all.finish().unwrap();
    assert_eq!(response.reasoning().as_deref(), Some("Think first."));
    assert_eq!(response.output_text(), "Hello there, friend.");
}

#[tokio::test]
async fn an_error_event_is_an_api_error_with_the_text_so_far() {
    let (_, error, _) = same_at_every_split("error-event").await;
    let error = error.unwrap();
    assert!(error.contains("The provider went away"), "{error}");
    let (_, error) = replay("error-event", 7).await;
    let Some(Error::Api(api)) = error else { panic!("{error:?}") };
    assert_eq!(api.partial_text.as_deref(), Some("Hello"));
    assert_eq!(api.generation_id.as_deref(), Some("resp_abc"));
}

#[tokio::test]
async fn a_failed_response_is_an_api_error() {
    let (_, error) = replay("failed", 64).await;
    let Some(Error::Api(api)) = error else { panic!("{error:?}") };
    assert_eq!(api.body.message, "Generation failed");
}

#[tokio::test]
async fn a_stream_without_its_terminal_event_is_truncated() {
    for name in ["cut", "done-without-completed"] {
        let (_, error, _) = same_at_every_split(name).await;
        let (_, error7) = replay(name, 7).await;
        let Some(Error::StreamTruncated { partial_text, .. }) = error7 else { panic!("{name}: {error:?}") };
        assert_eq!(partial_text, "Hello", "{name}");
    }
}

#[tokio::test]
async fn a_server_that_stays_open_after_the_terminal_event_still_gives_the_response() {
    use tokio::io::AsyncWriteExt;
    let path = format!("{}/tests/fixtures/streams/responses/text.sse", env!("CARGO_MANIFEST_DIR"));
    let transcript = std::fs::read_to_string(path).unwrap().replace("data: [DONE]\n\n", "");
    let url = common::raw_server(move |mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n";
        socket.write_all([head, &transcript].concat().as_bytes()).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    })
    .await;
    let client = Client::builder()
        .api_key("sk-or-test")
        .base_url(url)
        .allow_insecure_http(true)
        .stream_idle_timeout(Some(std::time::Duration::from_secs(5)))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let response = client.responses("m").input("q").stream().await.unwrap().collect_response().await.unwrap();
    assert_eq!(response.output_text(), "Hello there, friend.");
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "{:?}", started.elapsed());
}

/// Events are read by their `type` off the first bytes when it leads (as OpenAI-compatible
/// servers write them); written with `type` last, or spaced out, they decode the same.
#[tokio::test]
async fn events_decode_the_same_wherever_their_type_sits() {
    let path = format!("{}/tests/fixtures/streams/responses/text.sse", env!("CARGO_MANIFEST_DIR"));
    let transcript = std::fs::read_to_string(&path).unwrap();
    let reordered: String = transcript
        .lines()
        .map(|line| match line.strip_prefix("data: ").map(serde_json::from_str::<serde_json::Value>) {
            Some(Ok(serde_json::Value::Object(mut event))) => {
                let kind = event.remove("type").expect("every event has a type");
                let rest = serde_json::to_string(&event).unwrap();
                format!("data: {} , \"type\" : {kind} }}\n", &rest[..rest.len() - 1])
            }
            _ => format!("{line}\n"),
        })
        .collect();
    assert_ne!(reordered, transcript);
    let events = |transcript: String| async move {
        let server = TestServer::start(vec![Reply::sse(&transcript)]).await;
        let stream = client_for(&server.url).responses("m").input("q").stream().await.unwrap();
        stream.collect::<Vec<_>>().await.into_iter().map(Result::unwrap).collect::<Vec<StreamEvents>>()
    };
    let (leading, trailing) = (events(transcript).await, events(reordered).await);
    assert!(leading.iter().any(|e| matches!(e, StreamEvents::ResponseOutputTextDelta(d) if d.delta == "Hello")));
    assert_eq!(leading, trailing);
}

/// `collect_response` reads text deltas for their text alone; on every transcript (and with the
/// events' `type` last, which it reads whole) it must give what the typed events give an
/// accumulator: the same response, or the same error.
#[tokio::test]
async fn collect_response_agrees_with_the_typed_events_on_every_transcript() {
    let dir = format!("{}/tests/fixtures/streams/responses", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter_map(|name| name.strip_suffix(".sse").map(str::to_owned))
        .collect();
    names.sort();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        let (events, error) = replay(&name, 7).await;
        let mut all = ResponsesAccumulator::default();
        events.iter().for_each(|e| drop(all.push(e)));
        // Debug, not Display: the text received so far counts too.
        let typed = match error {
            Some(error) => Err(format!("{error:?}")),
            None => all.finish().map_err(|e| format!("{e:?}")),
        };
        let transcript = std::fs::read_to_string(format!("{dir}/{name}.sse")).unwrap();
        let server = TestServer::start(vec![Reply::sse(&transcript).pieces(7)]).await;
        let stream = client_for(&server.url).responses("m").input("q").stream().await.unwrap();
        let collected = stream.collect_response().await.map_err(|e| format!("{e:?}"));
        assert_eq!(collected, typed, "{name}");
    }
}

/// A text delta without the `item_id` the spec requires fails the typed events (a decode error
/// with its path), but not `collect_response`, which reads a delta for its text alone: a field no
/// one reads does not cost the whole answer.
#[tokio::test]
async fn collect_response_does_not_fail_on_a_field_it_never_reads() {
    let path = format!("{}/tests/fixtures/streams/responses/text.sse", env!("CARGO_MANIFEST_DIR"));
    let transcript = std::fs::read_to_string(&path).unwrap().replacen(r#"delta","item_id":"msg_1","#, r#"delta","#, 1);
    let server = TestServer::start(vec![Reply::sse(&transcript), Reply::sse(&transcript)]).await;
    let typed = client_for(&server.url).responses("m").input("q").stream().await.unwrap();
    let results: Vec<_> = typed.collect().await;
    let error = results.into_iter().find_map(Result::err).expect("the typed events fail");
    assert!(matches!(&error, Error::Decode { message, .. } if message.contains("item_id")), "{error:?}");
    let stream = client_for(&server.url).responses("m").input("q").stream().await.unwrap();
    let response = stream.collect_response().await.unwrap();
    assert_eq!(response.output_text(), "Hello there, friend.");
}
