//! The client against local servers: success, every error shape, retries, timeouts, headers, secrets.

use crate::common;

use std::time::Duration;

use common::{Reply, TestServer, completion, envelope};
use openrouter_bindings::{Client, Error, RetryPolicy, TransportKind, types::*};
use serde_json::json;

const KEY: &str = "sk-or-v1-TOPSECRET0123456789";

fn client(server: &TestServer) -> Client {
    client_with(server, RetryPolicy::none())
}

fn client_with(server: &TestServer, retry: RetryPolicy) -> Client {
    Client::builder().api_key(KEY).base_url(&server.url).retry(retry).build().unwrap()
}

/// Fast waits so retry tests take milliseconds.
fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy::with_max_retries(max_retries)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(2))
}

fn assert_no_key(text: &str) {
    assert!(!text.contains("TOPSECRET"), "the key leaked into: {text}");
}

#[tokio::test]
async fn success_returns_the_typed_completion_and_sends_the_right_headers() {
    let server = TestServer::start(vec![Reply::json(200, completion("Paris"))]).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&server.url)
        .app_url("https://example.test")
        .app_title("Test App")
        .app_categories(["cli-agent", "testing"])
        .default_header("x-extra", "1")
        .build()
        .unwrap();
    let response = client
        .chat("openai/gpt-4o-mini")
        .system("Be brief.")
        .user("Capital of France?")
        .temperature(0.0)
        .max_tokens(5)
        .extra("brand_new_option", json!({"on": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().unwrap(), "Paris");
    assert_eq!(response.clone().into_text().unwrap(), "Paris");
    assert!(response.finish_reason().unwrap().is_stop());
    assert_eq!(response.native_finish_reason(), Some("stop"));
    assert_eq!(response.generation_id(), "gen-1732000000-abc");
    assert_eq!(response.cost(), Some(0.000021));
    assert_eq!(response.usage().unwrap().total_tokens, 11);
    assert_eq!(response.provider.as_deref(), Some("OpenAI"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.request_line, "POST /api/v1/chat/completions HTTP/1.1");
    let header = |name: &str| request.headers.get(name).map(String::as_str);
    assert_eq!(header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(header("user-agent"), Some(concat!("openrouter-bindings/", env!("CARGO_PKG_VERSION"))));
    assert_eq!(header("content-type"), Some("application/json"));
    assert_eq!(header("accept"), Some("application/json"));
    assert_eq!(header("http-referer"), Some("https://example.test"));
    assert_eq!(header("x-openrouter-title"), Some("Test App"));
    assert_eq!(header("x-openrouter-categories"), Some("cli-agent,testing"));
    assert_eq!(header("x-extra"), Some("1"));
    assert_eq!(
        request.json(),
        json!({
            "model": "openai/gpt-4o-mini",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"}],
            "temperature": 0.0,
            "max_tokens": 5,
            "stream": false,
            "brand_new_option": {"on": true}
        })
    );
}

#[tokio::test]
async fn every_error_status_becomes_a_typed_api_error() {
    for status in [400u16, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529] {
        let body =
            envelope(status, &format!("failure {status}"), json!({"provider_name": "Prov", "raw": "{\"upstream\":1}"}));
        let server = TestServer::start(vec![Reply::json(status, body).header("x-generation-id", "gen-err")]).await;
        let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        let api = error.as_api().unwrap_or_else(|| panic!("{error:?}"));
        assert_eq!((api.code(), api.message()), (i64::from(status), format!("failure {status}").as_str()));
        assert_eq!(api.provider_name(), Some("Prov"));
        assert_eq!(api.provider_raw(), Some(&json!("{\"upstream\":1}")));
        assert_eq!(api.generation_id.as_deref(), Some("gen-err"));
        assert_eq!(error.is_retryable(), [408, 429, 500, 502, 503, 524, 529].contains(&status), "{status}");
        let shown = error.to_string();
        assert!(shown.contains(&format!("HTTP {status}")) && shown.contains(&format!("failure {status}")), "{shown}");
        assert_eq!(server.requests().len(), 1, "no retries with RetryPolicy::none()");
    }
}

#[tokio::test]
async fn moderation_and_availability_details_are_typed() {
    let body = envelope(
        403,
        "Input flagged",
        json!({"reasons": ["violence", "hate"], "flagged_input": "some...text", "provider_name": "OpenAI", "model_slug": "openai/gpt-4o"}),
    );
    let server = TestServer::start(vec![Reply::json(403, body)]).await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    let moderation = error.as_api().unwrap().moderation().unwrap();
    assert_eq!(moderation.reasons, ["violence", "hate"]);
    assert_eq!(moderation.flagged_input, Some("some...text"));
    assert_eq!(moderation.model_slug, Some("openai/gpt-4o"));

    // Availability errors carry no `code`: it comes from the HTTP status.
    let body = json!({"error": {"message": "No endpoints", "error_type": "no_endpoints", "http_status": 404,
                                "availability": {"code": "no_endpoints", "retryable": false, "requested_models": ["x/y"]}}});
    let server = TestServer::start(vec![Reply::json(404, body)]).await;
    let error = client(&server).chat("x/y").user("hi").send().await.unwrap_err();
    let api = error.as_api().unwrap();
    assert_eq!(api.code(), 404);
    assert_eq!(api.error_type(), Some("no_endpoints"));
    assert_eq!(api.availability().unwrap()["requested_models"], json!(["x/y"]));
}

#[tokio::test]
async fn non_json_error_bodies_keep_the_status_and_the_raw_text() {
    let html = "<html><body><h1>502 Bad Gateway</h1>cloudflare</body></html>";
    let server = TestServer::start(vec![Reply::raw(502, "text/html", html)]).await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    let api = error.as_api().unwrap();
    assert_eq!(api.status, 502);
    assert_eq!(api.raw_body.as_deref(), Some(html));
    assert!(error.to_string().contains("non-JSON body: <html>"), "{error}");

    let server = TestServer::start(vec![Reply::raw(500, "application/json", "")]).await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.as_api().unwrap().raw_body.as_deref(), Some(""));
    assert!(error.to_string().contains("empty body"), "{error}");

    let server = TestServer::start(vec![Reply::raw(429, "application/json", "{\"error\": {\"code\": 42")]).await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    assert_eq!(error.as_api().unwrap().raw_body.as_deref(), Some("{\"error\": {\"code\": 42"));
}

#[tokio::test]
async fn a_truncated_or_mismatched_200_is_a_decode_error_with_path_and_body() {
    let server = TestServer::start(vec![Reply::raw(200, "application/json", "{\"id\": \"gen-1\", \"choi")]).await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    let Error::Decode { status, message, body, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*status, body.as_str()), (200, "{\"id\": \"gen-1\", \"choi"));
    assert!(message.contains("EOF"), "{message}");

    let mut wrong = completion("x");
    wrong["choices"][0]["message"]["content"] = json!(42);
    let server = TestServer::start(vec![Reply::json(200, wrong)]).await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    let Error::Decode { message, .. } = &error else { panic!("{error:?}") };
    assert!(message.contains("choices[0].message.content"), "{message}");
}

#[tokio::test]
async fn an_error_envelope_on_a_200_is_an_error() {
    let server = TestServer::start(vec![Reply::json(
        200,
        json!({"error": {"code": 502, "message": "Provider returned error"}}),
    )])
    .await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    let api = error.as_api().unwrap();
    assert_eq!((api.status, api.code(), api.message()), (200, 502, "Provider returned error"));
    assert!(api.host.as_deref().is_some_and(|h| server.url.contains(h)), "{:?}", api.host);
}

#[tokio::test]
async fn a_choice_level_error_makes_the_answer_fail() {
    let mut body = completion("partial ans");
    body["choices"][0]["finish_reason"] = json!("error");
    body["choices"][0]["error"] =
        json!({"code": 502, "message": "Upstream died", "metadata": {"error_type": "provider_unavailable"}});
    let server = TestServer::start(vec![Reply::json(200, body)]).await;
    let response = client(&server).chat("m").user("hi").send().await.unwrap();
    assert_eq!(response.choice_error().unwrap().message, "Upstream died");
    let moved = response.clone().into_text().unwrap_err();
    assert_eq!(moved.as_api().unwrap().partial_text.as_deref(), Some("partial ans"));
    let error = response.text().unwrap_err();
    let api = error.as_api().unwrap();
    assert_eq!(api.error_type(), Some("provider_unavailable"));
    assert_eq!(api.partial_text.as_deref(), Some("partial ans"));
    assert_eq!(api.generation_id.as_deref(), Some("gen-1732000000-abc"));
}

#[tokio::test]
async fn unknown_fields_and_values_are_tolerated_and_kept() {
    let mut body = completion("ok");
    body["choices"][0]["finish_reason"] = json!("guardrail_stop");
    body["choices"][0]["message"]["brand_new"] = json!([1, 2]);
    body["surprise"] = json!({"nested": true});
    let server = TestServer::start(vec![Reply::json(200, body)]).await;
    let response = client(&server).chat("m").user("hi").send().await.unwrap();
    assert_eq!(response.finish_reason(), Some(&ChatFinishReason::Unknown("guardrail_stop".into())));
    assert_eq!(response.text().unwrap(), "ok");
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_and_retries_stop_at_the_limit() {
    let busy = Reply::json(429, envelope(429, "Rate limited", json!({}))).header("retry-after", "7");
    let server = TestServer::start(vec![busy]).await;
    let policy = RetryPolicy::with_max_retries(2);
    let started = tokio::time::Instant::now();
    let error = client_with(&server, policy).chat("m").user("hi").send().await.unwrap_err();
    let waited = started.elapsed();
    assert_eq!(server.requests().len(), 3, "one attempt and two retries");
    assert!(waited >= Duration::from_secs(14) && waited < Duration::from_secs(15), "waited {waited:?}");
    let api = error.as_api().unwrap();
    assert_eq!(api.retry_after, Some(Duration::from_secs(7)));
    assert!(error.to_string().contains("retry after 7s"), "{error}");
}

#[tokio::test]
async fn a_retried_request_succeeds_once_the_server_recovers() {
    let server = TestServer::start(vec![
        Reply::json(503, envelope(503, "No provider", json!({}))),
        Reply::raw(502, "text/html", "<html>bad gateway</html>"),
        Reply::json(200, completion("recovered")),
    ])
    .await;
    let response = client_with(&server, quick_retries(3)).chat("m").user("hi").send().await.unwrap();
    assert_eq!(response.text().unwrap(), "recovered");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.body == requests[0].body), "every attempt sends the same body");
}

#[tokio::test]
async fn final_statuses_are_never_retried() {
    for status in [400u16, 401, 402, 403, 404, 413, 422] {
        let server = TestServer::start(vec![Reply::json(status, envelope(status, "no", json!({})))]).await;
        let error = client_with(&server, quick_retries(5)).chat("m").user("hi").send().await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert_eq!(server.requests().len(), 1, "status {status} was retried");
    }
}

#[tokio::test]
async fn per_request_retry_policy_overrides_the_client() {
    let server = TestServer::start(vec![Reply::json(500, envelope(500, "boom", json!({})))]).await;
    let client = client_with(&server, quick_retries(3));
    client.chat("m").user("hi").retry(RetryPolicy::none()).send().await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    client.chat("m").user("hi").send().await.unwrap_err();
    assert_eq!(server.requests().len(), 5, "1 + (1 attempt + 3 retries)");
}

#[tokio::test]
async fn timeouts_fire_as_typed_transport_errors() {
    let server = TestServer::start(vec![Reply::json(200, completion("late")).delay(Duration::from_secs(5))]).await;
    let error = client(&server).chat("m").user("hi").timeout(Duration::from_millis(200)).send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Timeout, .. }), "{error:?}");
    assert!(!error.is_retryable(), "sent, so maybe generating: not retried by default");
    assert!(error.to_string().contains("the request timeout ran out after 0.2s"), "{error}");
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(quick_retries(1))
        .build()
        .unwrap();
    let error = client.chat("m").user("hi").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Connect, .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().starts_with(&format!("could not connect to 127.0.0.1:{port}")), "{error}");
    assert_no_key(&format!("{error} {error:?}"));
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let server = TestServer::start(vec![Reply::json(200, completion("x"))]).await;
    let error = client(&server).chat("m").send().await.unwrap_err();
    assert!(matches!(&error, Error::InvalidRequest(why) if why.contains("no messages")), "{error:?}");
    let error = client(&server)
        .chat("m")
        .user("hi")
        .stop(ChatRequestStop::Array(vec!["a".into(); 5]))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(server.requests().is_empty());
}

#[test]
fn configuration_errors_are_clear() {
    let missing = Client::builder().build().unwrap_err().to_string();
    assert!(missing.contains("no API key"), "{missing}");
    let malformed = Client::builder().api_key(KEY).base_url("::not a url").build().unwrap_err().to_string();
    assert!(malformed.contains("malformed"), "{malformed}");
    let insecure =
        Client::builder().api_key(KEY).base_url("http://openrouter.example/api/v1").build().unwrap_err().to_string();
    assert!(insecure.contains("refusing to send the API key over plain http"), "{insecure}");
    assert!(
        Client::builder().api_key(KEY).base_url("http://openrouter.example").allow_insecure_http(true).build().is_ok()
    );
    for text in [missing, malformed, insecure] {
        assert_no_key(&text);
    }
}

#[tokio::test]
async fn the_key_never_appears_in_debug_display_or_errors() {
    let server = TestServer::start(vec![
        Reply::json(401, envelope(401, "Invalid key", json!({}))),
        Reply::raw(502, "text/html", "<html/>"),
    ])
    .await;
    let builder = Client::builder().api_key(KEY).base_url(&server.url);
    assert_no_key(&format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_no_key(&format!("{client:?}"));
    let request = client.chat("m").user("hi");
    assert_no_key(&format!("{request:?}"));
    for _ in 0..2 {
        let error = client.chat("m").user("hi").send().await.unwrap_err();
        assert_no_key(&format!("{error} {error:?}"));
    }
}

#[tokio::test]
async fn builder_sets_every_kind_of_parameter() {
    let server = TestServer::start(vec![Reply::json(200, completion("x"))]).await;
    let provider: ProviderPreferences =
        serde_json::from_value(json!({"order": ["Anthropic"], "allow_fallbacks": false, "sort": "latency"})).unwrap();
    client(&server)
        .chat("anthropic/claude-sonnet-4")
        .developer("dev")
        .user(vec![
            ChatContentPart::text("look"),
            ChatContentPart::image_bytes("image/png", b"\x89PNG"),
            ChatContentPart::video_url("https://v"),
        ])
        .assistant("prefill")
        .tool_result("call_1", "42")
        .models(["openai/gpt-4o"])
        .provider(provider)
        .route(DeprecatedRoute::Fallback)
        .reasoning_effort(ChatRequestReasoningEffort::High)
        .tool_choice(ChatToolChoice::function("weather"))
        .stop("END")
        .seed(3)
        .user_id("u-1")
        .session_id("s-1")
        .metadata("k", "v")
        .modalities([ChatRequestModalitiesItem::Text])
        .logit_bias("50256", -100.0)
        .image_config("aspect_ratio", ImageConfigValue::String("16:9".into()))
        .debug(ChatDebugOptions::default().with_echo_upstream_body(true))
        .send()
        .await
        .unwrap();
    let body = server.requests()[0].json();
    assert_eq!(body["messages"][1]["content"][1]["image_url"]["url"], "data:image/png;base64,iVBORw==");
    assert_eq!(body["messages"][1]["content"][2], json!({"type": "video_url", "video_url": {"url": "https://v"}}));
    assert_eq!(body["messages"][2], json!({"role": "assistant", "content": "prefill"}));
    assert_eq!(body["messages"][3], json!({"role": "tool", "tool_call_id": "call_1", "content": "42"}));
    assert_eq!(body["provider"], json!({"order": ["Anthropic"], "allow_fallbacks": false, "sort": "latency"}));
    assert_eq!(body["reasoning"], json!({"effort": "high"}));
    assert_eq!(body["tool_choice"], json!({"type": "function", "function": {"name": "weather"}}));
    assert_eq!(
        (body["stop"].clone(), body["seed"].clone(), body["user"].clone()),
        (json!("END"), json!(3), json!("u-1"))
    );
    assert_eq!((body["route"].clone(), body["models"].clone()), (json!("fallback"), json!(["openai/gpt-4o"])));
    assert_eq!(body["metadata"], json!({"k": "v"}));
    assert_eq!(body["logit_bias"], json!({"50256": -100.0}));
    assert_eq!(body["image_config"], json!({"aspect_ratio": "16:9"}));
    assert_eq!(body["debug"], json!({"echo_upstream_body": true}));
}

#[tokio::test]
async fn an_error_envelope_on_a_200_is_retried_by_its_code_as_is_retryable_says() {
    let server = TestServer::start(vec![Reply::json(200, json!({"error": {"code": 503}}))]).await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert_eq!(server.requests().len(), 1, "retries off");

    let server = TestServer::start(vec![
        Reply::json(200, json!({"error": {"code": 503, "message": "No instances available"}})),
        Reply::json(200, json!({"error": {"message": "overloaded", "type": null, "param": null, "code": "529"}})),
        Reply::json(200, completion("third time")),
    ])
    .await;
    let response = client_with(&server, quick_retries(2)).chat("m").user("hi").send().await.unwrap();
    assert_eq!(response.text().unwrap(), "third time");
    assert_eq!(server.requests().len(), 3, "both envelopes were retried, the numeric-string code too");

    let server = TestServer::start(vec![Reply::json(200, json!({"error": {"code": 400, "message": "bad"}}))]).await;
    let error = client_with(&server, quick_retries(2)).chat("m").user("hi").send().await.unwrap_err();
    assert!(!error.is_retryable());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn retry_after_from_the_server_never_overflows_and_a_long_one_ends_the_retries() {
    let huge = Reply::json(429, envelope(429, "later", json!({}))).header("retry-after", "18446744073709551615");
    let server = TestServer::start(vec![huge]).await;
    let policy = quick_retries(3).max_retry_after(Duration::MAX).deadline(Duration::from_secs(30));
    let error = client_with(&server, policy).chat("m").user("hi").send().await.unwrap_err();
    assert_eq!(server.requests().len(), 1, "the wait is past the deadline: stop, do not panic");
    assert_eq!(error.as_api().unwrap().retry_after, Some(Duration::from_secs(24 * 60 * 60)), "capped when parsed");

    // A wait above max_retry_after (60 s by default) ends the retries: waiting less than the server
    // asked would be refused again. The error carries the wait, for the caller to decide.
    let server = TestServer::start(vec![
        Reply::json(429, envelope(429, "later", json!({}))).header("retry-after", "61"),
        Reply::json(200, completion("too early")),
    ])
    .await;
    let error = client_with(&server, quick_retries(3)).chat("m").user("hi").send().await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(error.as_api().unwrap().retry_after, Some(Duration::from_secs(61)));
    assert!(error.to_string().contains("retry after 61s"), "{error}");
}

#[tokio::test]
async fn only_307_and_308_redirects_are_followed_so_a_post_is_never_resent_as_a_get() {
    let moved = Reply::json(301, json!({})).header("location", "/api/v1/elsewhere/chat/completions");
    let server = TestServer::start(vec![moved, Reply::json(200, completion("followed"))]).await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    assert_eq!(error.status(), Some(301));
    assert!(error.to_string().contains("redirected to /api/v1/elsewhere/chat/completions"), "{error}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "a 301 is not followed (it would turn the POST into a GET)");

    for status in [307u16, 308] {
        let moved = Reply::json(status, json!({})).header("location", "/api/v1/moved/chat/completions");
        let server = TestServer::start(vec![moved, Reply::json(200, completion("followed"))]).await;
        let response = client(&server).chat("m").user("hi").send().await.unwrap();
        assert_eq!(response.text().unwrap(), "followed");
        let requests = server.requests();
        assert_eq!(requests[1].request_line, "POST /api/v1/moved/chat/completions HTTP/1.1", "{status}");
        assert_eq!(requests[1].body, requests[0].body, "the body goes along");
        assert_eq!(requests[1].headers["authorization"], format!("Bearer {KEY}"), "same host: the key goes along");
    }
}

#[tokio::test]
async fn a_redirect_to_another_host_never_carries_the_key() {
    let other = TestServer::start(vec![Reply::json(200, completion("other host"))]).await;
    let port = other.url.split(':').nth(2).unwrap().split('/').next().unwrap().to_owned();
    let location = format!("http://localhost:{port}/api/v1/chat/completions");
    let server = TestServer::start(vec![Reply::json(307, json!({})).header("location", &location)]).await;
    let response = client(&server).chat("m").user("hi").send().await.unwrap();
    assert_eq!(response.text().unwrap(), "other host");
    let seen = &other.requests()[0];
    assert!(seen.request_line.starts_with("POST "), "{}", seen.request_line);
    assert!(!seen.headers.contains_key("authorization"), "the key crossed hosts: {:?}", seen.headers);
}

#[tokio::test]
async fn other_servers_json_errors_keep_their_message_and_hints_name_the_real_host() {
    let fastapi = Reply::json(401, json!({"detail": "Invalid API key"}));
    let vllm = Reply::json(
        404,
        json!({"object": "error", "message": "The model `m` does not exist.", "type": "NotFoundError", "code": 404}),
    );
    let server = TestServer::start(vec![fastapi, vllm]).await;
    let host = server.url.trim_start_matches("http://").split('/').next().unwrap().to_owned();
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    assert_eq!(error.as_api().unwrap().message(), "Invalid API key");
    assert!(!error.to_string().contains("non-JSON"), "{error}");
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("The model `m` does not exist."), "{text}");
    assert!(!text.contains("openrouter.ai") && text.contains(&host), "the hint names the host talked to: {text}");
    assert_eq!(error.as_api().unwrap().host.as_deref(), Some(host.as_str()));

    let multi_line = Reply::json(500, envelope(500, "line one\nline two\n\tline three", json!({})));
    let server = TestServer::start(vec![multi_line]).await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    assert!(error.to_string().contains("line one line two line three"), "one line: {error}");
}

/// A call's future is what a caller moves, boxes or spawns, so it holds each part of the call
/// once. `async fn` layers that kept their arguments (the builder, the typed request, the call)
/// beside the futures using them made a Responses call's future 3,752 bytes and its stream's
/// 4,136 (`-Zprint-type-sizes`). The bounds are about 1.5 times the sizes now.
#[test]
fn a_calls_future_holds_each_part_once() {
    let client = Client::builder().api_key(KEY).base_url("http://127.0.0.1:9").build().unwrap();
    #[allow(unused_mut)] // extended below by the areas the build has on
    let mut sizes = vec![
        ("chat send", size_of_val(&client.chat("m").user("hi").send()), 1000),
        ("chat stream", size_of_val(&client.chat("m").user("hi").stream()), 1000),
        // A generated operation: through `Call`, the path of every operation.
        ("get_models send", size_of_val(&client.get_models().send()), 1000),
    ];
    #[cfg(feature = "responses")]
    sizes.extend([
        ("responses send", size_of_val(&client.responses("m").input("hi").send()), 1100),
        ("responses stream", size_of_val(&client.responses("m").input("hi").stream()), 1100),
    ]);
    #[cfg(feature = "messages")]
    sizes.push(("messages send", size_of_val(&client.messages("m").user("hi").send()), 1100));
    eprintln!("{sizes:?}");
    let over: Vec<_> = sizes.iter().filter(|(_, size, bound)| size > bound).collect();
    assert!(over.is_empty(), "futures over their bound (name, bytes, bound): {over:?}");
}
