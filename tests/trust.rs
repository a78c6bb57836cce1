//! Trust across the whole API: no invented values, no lost images or function calls, no duplicate
//! creates, Responses as real servers send them. Each test is a regression of issue 20, on a
//! scripted server on 127.0.0.1 (or the mock), with bodies in the shapes real servers send: where
//! a body is not the spec's own example, the comment above it names whose shape it is.
#![cfg(feature = "full")]

#[path = "it/common/mod.rs"]
mod common;

use std::{
    fmt::Write,
    sync::{Arc, Mutex},
    time::Duration,
};

use common::{Reply, TestServer};
use futures_util::StreamExt;
use openrouter_bindings::{
    Client, Error, ResponsesAccumulator, RetryPolicy,
    mock::MockServer,
    types::{ChatResponse, CreateKeysRequest, ModelsListResponse, StreamEvents},
};
use serde_json::{Value, json};

fn client_for(url: &str, retry: RetryPolicy) -> Client {
    let fast = retry.initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_millis(2));
    Client::builder().api_key("sk-or-test").base_url(url).retry(fast).build().unwrap()
}

/// The spec's example answer of an operation, as the mock serves it, in its wire form.
async fn example<T: serde::Serialize>(answer: impl Future<Output = Result<T, Error>>) -> Value {
    serde_json::to_value(answer.await.unwrap()).unwrap()
}

/// The `warn` events logged while `f` runs (on this thread), with their fields.
fn warnings<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    #[derive(Clone, Default)]
    struct Warnings(Arc<Mutex<Vec<String>>>);
    struct Fields<'a>(&'a mut String);
    impl tracing::field::Visit for Fields<'_> {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
    impl tracing::Subscriber for Warnings {
        fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
            *metadata.level() <= tracing::Level::WARN
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::Id {
            tracing::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::Id, _: &tracing::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let mut line = String::new();
            event.record(&mut Fields(&mut line));
            self.0.lock().unwrap().push(line);
        }
        fn enter(&self, _: &tracing::Id) {}
        fn exit(&self, _: &tracing::Id) {}
    }
    let capture = Warnings::default();
    let result = tracing::subscriber::with_default(capture.clone(), f);
    let lines = capture.0.lock().unwrap().clone();
    (result, lines)
}

// 1. The leniency rule.

#[tokio::test]
async fn one_odd_model_is_dropped_with_a_warning_and_the_others_are_kept() {
    let mock = MockServer::start().await;
    let mut list = example(mock.client().get_models().send()).await;
    let model = list["data"][0].clone();
    let mut without_links = model.clone();
    without_links.as_object_mut().unwrap().remove("links");
    without_links["id"] = json!("other/model");
    list["data"] = json!([model, without_links, model]);
    let bytes = serde_json::to_vec(&list).unwrap();
    let (decoded, logged) = warnings(|| serde_json::from_slice::<ModelsListResponse>(&bytes));
    let decoded = decoded.unwrap();
    assert_eq!(decoded.data.len(), 2, "one odd model never empties the list");
    assert!(decoded.data.iter().all(|m| m.id != "other/model"));
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(logged[0].contains("index=1") && logged[0].contains("links"), "{logged:?}");

    // An OpenAI-compatible server's list (vLLM, LiteLLM): no OpenRouter fields at all. Every
    // entry is dropped, each with a warning that says why; the list itself decodes.
    let openai = json!({"object": "list", "data": [
        {"id": "gpt-4o", "object": "model", "created": 1715367049, "owned_by": "system"},
        {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"}
    ]});
    let (decoded, logged) = warnings(|| serde_json::from_value::<ModelsListResponse>(openai));
    assert!(decoded.unwrap().data.is_empty());
    assert_eq!(logged.len(), 2, "{logged:?}");
    assert!(logged[1].contains("index=1") && logged[1].contains("missing field"), "{logged:?}");
}

#[tokio::test]
async fn money_and_token_counts_sent_as_strings_are_their_numbers_and_never_zero() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let generation = example(client.get_generation("gen-1").send()).await;
    let mut cost_as_text = generation.clone();
    cost_as_text["data"]["total_cost"] = json!("0.0015");
    let mut null_cost = generation.clone();
    null_cost["data"]["total_cost"] = Value::Null;
    let mut missing_cost = generation.clone();
    missing_cost["data"].as_object_mut().unwrap().remove("total_cost");
    let server = TestServer::start(vec![
        Reply::json(200, cost_as_text),
        Reply::json(200, null_cost),
        Reply::json(200, missing_cost),
    ])
    .await;
    let client = client_for(&server.url, RetryPolicy::none());
    let decoded = client.get_generation("gen-1").send().await.unwrap();
    assert_eq!(decoded.data.total_cost, 0.0015);
    for why in ["null", "missing field `total_cost`"] {
        let error = client.get_generation("gen-1").send().await.unwrap_err();
        let Error::Decode { message, .. } = &error else { panic!("{error:?}") };
        assert!(message.contains(why) && message.contains("data"), "{message}");
    }

    // OpenRouter's usage carries `cost_details` with the upstream cost alone (WIRE.md, section 2).
    let mut answer = common::completion("hi");
    answer["usage"] = json!({"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12, "cost": 0.0049,
        "is_byok": false, "cost_details": {"upstream_inference_cost": null}});
    let usage = serde_json::from_value::<ChatResponse>(answer).unwrap().usage.unwrap();
    let details = usage.cost_details.unwrap();
    assert_eq!(
        (usage.cost, details.upstream_inference_cost, details.upstream_inference_prompt_cost),
        (Some(0.0049), None, None)
    );

    // A chat answer's usage with its numbers as text (proxies that stringify them).
    let mut answer = common::completion("hi");
    answer["usage"] = json!({"prompt_tokens": "9", "completion_tokens": 3, "total_tokens": "12", "cost": "0.000021"});
    let typed: ChatResponse = serde_json::from_value(answer.clone()).unwrap();
    let usage = typed.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.total_tokens, usage.cost), (9, 12, Some(0.000021)));
    answer["usage"]["cost"] = json!("about a cent");
    let error = serde_json::from_value::<ChatResponse>(answer).unwrap_err().to_string();
    assert!(error.contains("a string"), "a cost that is not a number fails, never None: {error}");
}

#[tokio::test]
async fn a_created_key_without_its_secret_is_an_error_not_an_empty_key() {
    let server = TestServer::start(vec![Reply::json(201, json!({"data": {"name": "ci"}}))]).await;
    let client = client_for(&server.url, RetryPolicy::none());
    let error = client.create_key(CreateKeysRequest::new("ci").with_limit(10.0)).send().await.unwrap_err();
    assert_eq!(server.requests()[0].json(), json!({"name": "ci", "limit": 10.0}), "new() and with_* build the body");
    let Error::Decode { message, .. } = &error else { panic!("{error:?}") };
    assert!(message.contains("missing field"), "{message}");
}

// 9. No duplicate creates.

#[tokio::test]
async fn a_create_is_not_sent_again_after_a_5xx_nor_a_generation_after_a_524() {
    let create = || CreateKeysRequest::new("ci");
    for status in [500, 502, 503, 504, 524, 529] {
        let server =
            TestServer::start(vec![Reply::json(status, common::envelope(status, "upstream", json!({})))]).await;
        let error = client_for(&server.url, RetryPolicy::default()).create_key(create()).send().await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert_eq!(server.requests().len(), 1, "POST /keys after {status}: the first may have created a key");
    }
    // 429 and 408 are refusals before anything was done: retried.
    let server = TestServer::start(vec![
        Reply::json(429, common::envelope(429, "slow down", json!({}))),
        Reply::json(201, json!({"data": {"name": "ci"}, "key": "sk-or-v1-new"})),
    ])
    .await;
    let _ = client_for(&server.url, RetryPolicy::default()).create_key(create()).send().await;
    assert_eq!(server.requests().len(), 2);
    // The opt-in re-sends it.
    let server = TestServer::start(vec![Reply::json(502, common::envelope(502, "upstream", json!({})))]).await;
    let policy = RetryPolicy::default().max_retries(2).retry_non_idempotent(true);
    let _ = client_for(&server.url, policy).create_key(create()).send().await;
    assert_eq!(server.requests().len(), 3);

    // A generation: not after a 524 (the gateway gave up; the model may still answer, and bill),
    // but after a 502 (an errored answer is not charged).
    for (status, attempts) in [(524, 1), (504, 1), (502, 3)] {
        let server =
            TestServer::start(vec![Reply::json(status, common::envelope(status, "upstream", json!({})))]).await;
        let client = client_for(&server.url, RetryPolicy::default().max_retries(2));
        let _ = client.chat("m").user("hi").send().await;
        let _ = client.responses("m").input("hi").send().await;
        assert_eq!(server.requests().len(), 2 * attempts, "chat and Responses after {status}");
    }
    // A read is retried after anything retryable.
    let server = TestServer::start(vec![Reply::json(524, common::envelope(524, "upstream", json!({})))]).await;
    let _ = client_for(&server.url, RetryPolicy::default().max_retries(2)).get_models().send().await;
    assert_eq!(server.requests().len(), 3);
}

/// An upload from disk is refused with 429, retried, and the file is read again and sent whole;
/// after a 5xx it is not sent again (the first may have stored it); a file that cannot be read
/// fails before anything is sent.
#[tokio::test]
async fn an_upload_from_disk_is_read_again_for_a_retry_and_never_resent_after_a_5xx() {
    let path = std::env::temp_dir().join(format!("openrouter-bindings-retry-{}.txt", std::process::id()));
    std::fs::write(&path, "the whole file, every time").unwrap();
    let stored = json!({"_shape": "openrouter", "id": "or_file_1", "filename": "f.txt", "mime_type": "text/plain",
        "size_bytes": 26, "created_at": "2025-01-01T00:00:00Z", "downloadable": false, "type": "file"});
    let server = TestServer::start(vec![
        Reply::json(429, common::envelope(429, "slow down", json!({}))).header("retry-after", "0"),
        Reply::json(200, stored),
    ])
    .await;
    let form = || openrouter_bindings::Form::new().text("purpose", "test").file_path("file", &path, "text/plain");
    let uploaded = client_for(&server.url, RetryPolicy::default()).upload_file(form()).send().await.unwrap();
    assert!(matches!(uploaded, openrouter_bindings::types::FileResponse::Openrouter(f) if f.id == "or_file_1"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let body = String::from_utf8_lossy(&request.body);
        assert_eq!(request.headers["content-length"], request.body.len().to_string());
        assert!(body.contains("filename=\"openrouter-bindings-retry-"), "{body}");
        assert!(body.contains("\r\n\r\nthe whole file, every time\r\n--"), "{body}");
        assert!(body.contains("name=\"purpose\"\r\n\r\ntest\r\n"), "{body}");
    }

    let server = TestServer::start(vec![Reply::json(502, common::envelope(502, "upstream", json!({})))]).await;
    let error = client_for(&server.url, RetryPolicy::default()).upload_file(form()).send().await.unwrap_err();
    assert_eq!((error.status(), server.requests().len()), (Some(502), 1));

    std::fs::remove_file(&path).unwrap();
    let server = TestServer::start(vec![Reply::json(200, json!({}))]).await;
    let error = client_for(&server.url, RetryPolicy::default()).upload_file(form()).send().await.unwrap_err();
    assert!(matches!(&error, Error::InvalidRequest(m) if m.contains("cannot read")), "{error:?}");
    assert_eq!(server.requests().len(), 0, "nothing is sent");
}

// 2-5. Responses.

/// A Responses result in the shape servers that drop null and default fields send it (LiteLLM's
/// proxy serializes with `exclude_none`): no `error`, `incomplete_details`, `tool_choice`,
/// `tools`, `parallel_tool_calls`, `object` or `status`.
fn sparse_result(output: Value) -> Value {
    json!({"id": "resp_1", "created_at": 1741476542, "model": "openai/gpt-4o-mini", "output": output,
        "usage": {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7,
            "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}}})
}

fn message(text: &str) -> Value {
    json!({"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}]})
}

fn sse(events: &[Value]) -> String {
    events.iter().map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap_or("x"))).collect::<String>()
        + "data: [DONE]\n\n"
}

async fn stream_of(
    events: &[Value],
) -> (Vec<StreamEvents>, Result<openrouter_bindings::types::OpenResponsesResult, Error>) {
    let server = TestServer::start(vec![Reply::sse(&sse(events))]).await;
    let mut stream = client_for(&server.url, RetryPolicy::none()).responses("m").input("q").stream().await.unwrap();
    let (mut seen, mut all) = (Vec::new(), ResponsesAccumulator::default());
    while let Some(event) = stream.next().await {
        match event {
            Ok(event) => {
                all.push(&event);
                seen.push(event);
            }
            Err(e) => return (seen, Err(e)),
        }
    }
    (seen, all.finish())
}

#[tokio::test]
async fn a_responses_result_without_the_fields_servers_leave_out_decodes() {
    let server = TestServer::start(vec![Reply::json(200, sparse_result(json!([message("Hi!")])))]).await;
    let response = client_for(&server.url, RetryPolicy::none()).responses("m").input("q").send().await.unwrap();
    assert_eq!(response.output_text(), "Hi!");
    assert_eq!(
        (response.status.is_none(), response.error.is_none(), response.tool_choice.is_none()),
        (true, true, true)
    );

    // The same in a stream, and its terminal event is the end.
    let done =
        json!({"type": "response.completed", "sequence_number": 2, "response": sparse_result(json!([message("Hi!")]))});
    let (_, response) = stream_of(&[done]).await;
    assert_eq!(response.unwrap().output_text(), "Hi!");
}

#[tokio::test]
async fn a_terminal_event_that_does_not_decode_is_a_decode_error_never_a_truncation() {
    let mut result = sparse_result(json!([message("Hi!")]));
    result["created_at"] = json!("yesterday");
    let done = json!({"type": "response.completed", "sequence_number": 2, "response": result});
    let (_, outcome) = stream_of(&[done]).await;
    let error = outcome.unwrap_err();
    let Error::Decode { message, .. } = &error else { panic!("{error:?}") };
    assert!(message.contains("response.created_at"), "{message}");
    assert!(!error.to_string().contains("retry"), "{error}");

    // A stream the server ended cleanly before its terminal event: truncated, and said so,
    // without advice to retry (the bytes were all sent).
    let delta = json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0,
        "content_index": 0, "delta": "Hel", "logprobs": [], "sequence_number": 1});
    let server = TestServer::start(vec![Reply::sse(&format!("data: {delta}\n\n"))]).await;
    let stream = client_for(&server.url, RetryPolicy::none()).responses("m").input("q").stream().await.unwrap();
    let error = stream.collect_response().await.unwrap_err();
    assert!(matches!(&error, Error::StreamTruncated { partial_text, .. } if partial_text == "Hel"), "{error:?}");
    let text = error.to_string();
    assert!(text.ends_with("the server ended the stream early") && !text.contains("retry"), "{text}");
}

#[tokio::test]
async fn responses_errors_keep_their_message_wherever_it_sits() {
    // OpenAI's form (and OpenRouter's errors doc): the message under `error`.
    let nested = json!({"type": "error", "sequence_number": 1,
        "error": {"type": "server_error", "code": "server_error", "message": "The model crashed", "param": null}});
    let (_, outcome) = stream_of(&[nested]).await;
    let error = outcome.unwrap_err();
    assert!(matches!(&error, Error::Api(api) if api.message() == "The model crashed"), "{error:?}");

    // `response.failed` whose error has a numeric code.
    let mut failed = sparse_result(json!([]));
    failed["status"] = json!("failed");
    failed["error"] = json!({"code": 502, "message": "Provider returned error"});
    let event = json!({"type": "response.failed", "sequence_number": 1, "response": failed.clone()});
    let (_, outcome) = stream_of(&[event]).await;
    let error = outcome.unwrap_err();
    let Error::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!((api.message(), api.code()), ("Provider returned error", 502));

    // A whole answer with `status: failed` is an error; `incomplete` is an answer.
    failed["error"] = json!({"code": "server_error", "message": "Provider returned error"});
    let mut incomplete = sparse_result(json!([message("Hi")]));
    incomplete["status"] = json!("incomplete");
    incomplete["incomplete_details"] = json!({"reason": "max_output_tokens"});
    let server = TestServer::start(vec![Reply::json(200, failed), Reply::json(200, incomplete)]).await;
    let client = client_for(&server.url, RetryPolicy::none());
    let error = client.responses("m").input("q").send().await.unwrap_err();
    assert!(matches!(&error, Error::Api(api) if api.message() == "Provider returned error"), "{error:?}");
    assert_eq!(client.responses("m").input("q").send().await.unwrap().output_text(), "Hi");
}

#[tokio::test]
async fn streamed_output_items_survive_an_empty_terminal_output_and_reasoning_reads_the_same() {
    let call = json!({"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "weather",
        "arguments": "{\"city\":\"Paris\"}", "status": "completed"});
    let reasoning = json!({"type": "reasoning", "id": "rs_1",
        "content": [{"type": "reasoning_text", "text": "think"}],
        "summary": [{"type": "summary_text", "text": "Sum A"}, {"type": "summary_text", "text": "Sum B"}]});
    // The spec's own example ends with `output: []`.
    let events = [
        json!({"type": "response.reasoning_text.delta", "item_id": "rs_1", "output_index": 0, "content_index": 0, "delta": "think", "sequence_number": 1}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "output_index": 0, "summary_index": 0, "delta": "Sum A", "sequence_number": 2}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "output_index": 0, "summary_index": 1, "delta": "Sum B", "sequence_number": 3}),
        json!({"type": "response.output_item.done", "output_index": 0, "item": reasoning, "sequence_number": 4}),
        json!({"type": "response.output_item.done", "output_index": 1, "item": call, "sequence_number": 5}),
        json!({"type": "response.completed", "sequence_number": 6, "response": sparse_result(json!([]))}),
    ];
    let (seen, response) = stream_of(&events).await;
    let mut all = ResponsesAccumulator::default();
    seen.iter().for_each(|e| drop(all.push(e)));
    let response = response.unwrap();
    let calls = response.function_calls();
    assert_eq!((calls.len(), calls[0].call_id.as_str()), (1, "call_1"));
    assert_eq!(response.reasoning().as_deref(), Some("think"));
    assert_eq!(all.reasoning(), "think", "the accumulator reads reasoning as the final response does");
}

#[tokio::test]
async fn a_conversation_keeps_the_question_and_carries_the_output_forward() {
    use openrouter_bindings::types::OpenResponsesResult;
    let mock = MockServer::start().await;
    let client = mock.client();
    let call = json!({"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "weather",
        "arguments": "{\"city\":\"Paris\"}", "status": "completed"});
    let first: OpenResponsesResult = serde_json::from_value(sparse_result(json!([call]))).unwrap();
    let request = client
        .responses("m")
        .input("Weather in Paris?")
        .continue_from(&first)
        .function_output("call_1", "18°C")
        .build()
        .unwrap();
    let input = serde_json::to_value(&request).unwrap()["input"].clone();
    assert_eq!(input[0]["content"], "Weather in Paris?", "{input}");
    assert_eq!((input[1]["type"].as_str(), input[1]["call_id"].as_str()), (Some("function_call"), Some("call_1")));
    assert_eq!((input[2]["type"].as_str(), input[2]["output"].as_str()), (Some("function_call_output"), Some("18°C")));

    // A generated item type goes in as it is, and one text alone stays the plain string form.
    let item = first.output[0].clone();
    let typed = client.responses("m").input("q").input_item(item).build().unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap()["input"][1]["call_id"], "call_1");
    let plain = client.responses("m").input("q").build().unwrap();
    assert_eq!(serde_json::to_value(&plain).unwrap()["input"], "q");
}

// 6. Messages.

fn messages_stream(events: &[Value]) -> String {
    events.iter().map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap())).collect()
}

fn message_start() -> Value {
    json!({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant",
        "model": "anthropic/claude-sonnet-4", "content": [], "stop_reason": null, "stop_sequence": null,
        "usage": {"input_tokens": 12, "output_tokens": 1}}})
}

#[tokio::test]
async fn a_streamed_message_keeps_its_cost() {
    // OpenRouter's Messages stream: the cost rides in `message_delta.usage`.
    let events = [
        message_start(),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
            "usage": {"output_tokens": 3, "cost": 0.000123, "is_byok": false,
                "cost_details": {"upstream_inference_cost": null, "upstream_inference_prompt_cost": 0.0001,
                    "upstream_inference_completions_cost": 0.000023}}}),
        json!({"type": "message_stop"}),
    ];
    let server = TestServer::start(vec![Reply::sse(&messages_stream(&events))]).await;
    let client = client_for(&server.url, RetryPolicy::none());
    let message = client.messages("m").user("hi").stream().await.unwrap().collect_message().await.unwrap();
    assert_eq!((message.text().as_str(), message.cost()), ("Hi", Some(0.000123)));
}

#[tokio::test]
async fn a_content_block_opened_out_of_order_is_a_decode_error_and_sizes_nothing() {
    for index in [4_294_967_295u64, 20_000_000, 1] {
        let events = [
            message_start(),
            json!({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}),
            json!({"type": "message_stop"}),
        ];
        let server = TestServer::start(vec![Reply::sse(&messages_stream(&events))]).await;
        let client = client_for(&server.url, RetryPolicy::none());
        let error = client.messages("m").user("hi").stream().await.unwrap().collect_message().await.unwrap_err();
        let Error::Decode { message, .. } = &error else { panic!("{index}: {error:?}") };
        assert!(message.contains(&format!("opens block {index} after 0 blocks")), "{message}");
    }
}

// 7. Images.

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

fn png_base64() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(PNG)
}

#[tokio::test]
async fn an_image_stream_yields_every_image_until_done() {
    let completed = |n: u8| {
        json!({"type": "image_generation.completed", "b64_json": png_base64(), "created_at": n, "size": "1024x1024",
            "quality": "high", "background": "opaque", "output_format": "png",
            "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}})
    };
    let body = format!("data: {}\n\ndata: {}\n\ndata: [DONE]\n\n", completed(1), completed(2));
    let server = TestServer::start(vec![Reply::sse(&body)]).await;
    let client = client_for(&server.url, RetryPolicy::none());
    let images = client.images("m", "two").n(2).stream().await.unwrap().collect_images().await.unwrap();
    assert_eq!(images.len(), 2, "n = 2: both billed images");
    assert!(images.iter().all(|i| i.bytes.as_ref() == PNG));
}

#[tokio::test]
async fn a_stream_request_answered_whole_gives_that_answers_images() {
    // The spec: "non-streaming providers ignore this flag" and answer with the JSON body.
    let whole = json!({"created": 1, "data": [{"b64_json": png_base64()}, {"b64_json": png_base64()}]});
    let server = TestServer::start(vec![Reply::json(200, whole)]).await;
    let client = client_for(&server.url, RetryPolicy::none());
    let images = client.images("m", "two").n(2).stream().await.unwrap().collect_images().await.unwrap();
    assert_eq!(images.len(), 2);
    assert_eq!(images[1].bytes.as_ref(), PNG);
}

#[tokio::test]
async fn an_image_link_is_fetched_without_the_key_and_an_item_with_nothing_is_an_error() {
    let asset = TestServer::start(vec![Reply::raw(200, "image/png", PNG)]).await;
    let answer = |item: Value| Reply::json(200, json!({"created": 1, "data": [item]}));
    let server = TestServer::start(vec![
        answer(json!({"url": format!("{}/a.png", asset.url)})),
        answer(json!({"revised_prompt": "a red bicycle"})),
    ])
    .await;
    let client = client_for(&server.url, RetryPolicy::none());
    let images = client.images("m", "x").generate().await.unwrap();
    assert_eq!((images[0].bytes.as_ref(), images[0].media_type.as_deref()), (PNG, Some("image/png")));
    assert!(!asset.requests()[0].headers.contains_key("authorization"), "the key went to the image host");
    let error = client.images("m", "x").generate().await.unwrap_err();
    assert!(error.to_string().contains("image 0 has neither image data"), "{error}");
}

// 8. Embeddings.

#[tokio::test]
async fn embeddings_are_one_vector_per_input_or_an_error_naming_the_missing_one() {
    let answer = |data: Value| {
        Reply::json(
            200,
            json!({"object": "list", "model": "m", "data": data, "usage": {"prompt_tokens": 2, "total_tokens": 2}}),
        )
    };
    let item = |index: u64| json!({"object": "embedding", "index": index, "embedding": [index as f64, 0.5]});
    let server =
        TestServer::start(vec![answer(json!([item(1)])), answer(json!([item(0)])), answer(json!([item(1), item(0)]))])
            .await;
    let client = client_for(&server.url, RetryPolicy::none());
    let error = client.embeddings("m").input(["a", "b"]).vectors().await.unwrap_err();
    assert!(error.to_string().contains("the embedding for input 0 is missing"), "{error}");
    let error = client.embeddings("m").input(["a", "b"]).vectors().await.unwrap_err();
    assert!(error.to_string().contains("2 inputs, but the answer holds 1 embeddings"), "{error}");
    let vectors = client.embeddings("m").input(["a", "b"]).vectors().await.unwrap();
    assert_eq!(vectors, [vec![0.0, 0.5], vec![1.0, 0.5]]);
}

// 10. Overflows and wording.

#[tokio::test]
async fn waiting_for_a_video_with_no_deadline_neither_overflows_nor_panics() {
    let mock = MockServer::start().await;
    let job = mock.client().video("m", "a cat").send().await.unwrap();
    let mut job = job.poll_interval(Duration::from_millis(1), Duration::MAX);
    let done = job.wait(Duration::MAX).await.unwrap();
    assert_eq!(done.status.to_string(), "completed");
}

#[tokio::test]
async fn an_error_status_whose_body_is_an_sse_event_gives_its_message() {
    // LiteLLM answers a failed stream request with a 500 whose body is one SSE error event.
    let body = "data: {\"error\": {\"message\": \"litellm.APIConnectionError: upstream down\", \"type\": null, \"param\": null, \"code\": \"500\"}}\n\n";
    let server = TestServer::start(vec![Reply::raw(500, "text/event-stream", body)]).await;
    let error = client_for(&server.url, RetryPolicy::none()).chat("m").user("hi").send().await.unwrap_err();
    let api = error.as_api().expect("an API error");
    assert_eq!(api.message(), "litellm.APIConnectionError: upstream down");
    assert!(!error.to_string().contains("non-JSON"), "{error}");
}
