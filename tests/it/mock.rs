//! The mock OpenRouter: faithful wire format, scripted replies, injected failures, recorded requests.

use std::time::Duration;

use futures_util::StreamExt;
use openrouter_bindings::{
    Error, RetryPolicy, TransportKind,
    mock::{MOCK_API_KEY, MockReply, MockServer},
};
use serde_json::json;

#[tokio::test]
async fn echoes_by_default_and_records_requests() {
    let mock = MockServer::start().await;
    let response = mock.client().chat("any/model").system("sys").user("hello there").send().await.unwrap();
    assert_eq!(response.text().unwrap(), "(mock) You said: hello there");
    assert_eq!(response.model, "any/model");
    let usage = response.usage().unwrap();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (3, 5));
    let request = &mock.requests()[0];
    assert_eq!(request.header("authorization"), Some(format!("Bearer {MOCK_API_KEY}").as_str()));
    assert_eq!(request.chat_request().unwrap().messages.len(), 2);
}

#[tokio::test]
async fn streams_like_openrouter_and_matches_the_plain_response() {
    let mock = MockServer::start().await;
    mock.push(MockReply::text("The quick brown fox")).push(MockReply::text("The quick brown fox"));
    let plain = mock.client().chat("m").user("hi").send().await.unwrap();

    // The raw bytes: keep-alive comments first, a usage-only chunk, then [DONE].
    let raw = crate::common::raw_http()
        .post(format!("{}/chat/completions", mock.url()))
        .bearer_auth("k")
        .json(&json!({"messages": [{"role": "user", "content": "hi"}], "stream": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.headers()["content-type"], "text/event-stream");
    let text = raw.text().await.unwrap();
    assert!(text.starts_with(": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: "), "{text}");
    assert!(text.ends_with("data: [DONE]\n\n"));
    let events: Vec<&str> = text.split("\n\n").filter(|e| e.starts_with("data: {")).collect();
    let last: serde_json::Value = serde_json::from_str(&events[events.len() - 1][6..]).unwrap();
    assert_eq!((last["choices"].clone(), last["usage"]["completion_tokens"].clone()), (json!([]), json!(4)));

    mock.push(MockReply::text("The quick brown fox"));
    let streamed = mock.client().chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    let mut streamed = serde_json::to_value(streamed).unwrap();
    let mut plain = serde_json::to_value(plain).unwrap();
    // Each generation has its own id; everything else is equal.
    streamed["id"] = json!("x");
    plain["id"] = json!("x");
    assert_eq!(streamed, plain);
}

#[tokio::test]
async fn tool_calls_and_reasoning_stream_and_assemble() {
    let mock = MockServer::start().await;
    let calls = [("weather", json!({"city": "Zürich"})), ("time", json!({"tz": "CET"}))];
    mock.push(MockReply::tool_calls(calls.clone())).push(MockReply::tool_calls(calls));
    let plain = mock.client().chat("m").user("hi").send().await.unwrap();
    let streamed = mock.client().chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    for response in [&plain, &streamed] {
        let calls = response.tool_calls();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].function.name, "weather");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&calls[0].function.arguments).unwrap(),
            json!({"city": "Zürich"})
        );
        assert!(response.finish_reason().unwrap().is_tool_calls());
    }

    mock.push(MockReply::reasoning("Two and two", "4"));
    let response = mock.client().chat("m").user("2+2?").stream().await.unwrap().collect_response().await.unwrap();
    assert_eq!((response.reasoning(), response.text().unwrap().as_ref()), (Some("Two and two"), "4"));
    assert_eq!(response.choices[0].message.reasoning_details.len(), 1);
}

#[tokio::test]
async fn injected_errors_with_retry_after_are_retried_by_the_client() {
    let mock = MockServer::start().await;
    mock.push(MockReply::error(429, "Rate limited").retry_after(0)).push(MockReply::text("ok"));
    let client = mock.client_builder().retry(RetryPolicy::with_max_retries(1)).build().unwrap();
    assert_eq!(client.chat("m").user("hi").send().await.unwrap().text().unwrap(), "ok");
    assert_eq!(mock.requests().len(), 2);

    mock.push(MockReply::error_with_metadata(403, "Flagged", json!({"reasons": ["violence"], "flagged_input": "x"})));
    let error = mock.client().chat("m").user("hi").send().await.unwrap_err();
    assert_eq!(error.as_api().unwrap().moderation().unwrap().reasons, ["violence"]);
}

#[tokio::test]
async fn mid_stream_errors_and_cut_connections() {
    let mock = MockServer::start().await;
    mock.push(MockReply::mid_stream_error("Half an ans", "server_error", "Provider died"));
    let error = mock.client().chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap_err();
    let api = error.as_api().unwrap();
    assert_eq!((api.message(), api.partial_text.as_deref()), ("Provider died", Some("Half an ans")));

    mock.push(MockReply::mid_stream_error("Half", 502, "Provider died"));
    let response = mock.client().chat("m").user("hi").send().await.unwrap();
    assert_eq!(response.text().unwrap_err().as_api().unwrap().message(), "Provider died");

    mock.push(MockReply::cut_connection("Half an answer"));
    let error = mock.client().chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap_err();
    assert!(
        matches!(&error, Error::StreamTruncated { partial_text, .. } if partial_text == "Half an answer"),
        "{error:?}"
    );

    mock.push(MockReply::cut_connection("Half an answer"));
    let error = mock.client().chat("m").user("hi").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Other, .. } | Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn delays_make_timeouts_fire() {
    let mock = MockServer::start().await;
    mock.push(MockReply::text("late").delay(Duration::from_secs(5)));
    let error = mock.client().chat("m").user("hi").timeout(Duration::from_millis(100)).send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Timeout, .. }), "{error:?}");
}

#[tokio::test]
async fn requests_that_do_not_match_the_spec_get_a_400_envelope() {
    let mock = MockServer::start().await;
    let http = crate::common::raw_http();
    let url = format!("{}/chat/completions", mock.url());
    let bad = http
        .post(&url)
        .bearer_auth("k")
        .json(&json!({"messages": [{"role": "wizard", "content": "x"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(body["error"]["code"], 400);
    assert!(body["error"]["message"].as_str().unwrap().starts_with("Invalid request"), "{body}");

    let unauthenticated =
        http.post(&url).json(&json!({"messages": [{"role": "user", "content": "x"}]})).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let wrong_path = http.post(format!("{}/completions", mock.url())).bearer_auth("k").body("{}").send().await.unwrap();
    assert_eq!(wrong_path.status(), 404);
}

#[tokio::test]
async fn one_client_serves_twenty_streams_in_a_row_over_keep_alive() {
    let mock = MockServer::start().await;
    let client = mock.client();
    for i in 0..20 {
        let mut stream = client.chat("m").user(format!("n{i}")).stream().await.unwrap();
        let mut text = String::new();
        while let Some(chunk) = stream.next().await {
            text.push_str(chunk.unwrap().choices.first().and_then(|c| c.delta.content.as_deref()).unwrap_or_default());
        }
        assert_eq!(text, format!("(mock) You said: n{i}"));
    }
    assert_eq!(mock.requests().len(), 20);
    // Each stream is read to the end of its body after `[DONE]`, so its connection goes back to
    // the pool: one connection for all twenty, as for plain requests.
    assert_eq!(mock.connections(), 1, "streams must not each open a connection");
    for i in 0..10 {
        client.chat("m").user(format!("plain {i}")).send().await.unwrap();
    }
    assert_eq!(mock.connections(), 1);
}
