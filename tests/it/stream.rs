//! Streaming against local servers replaying transcripts written from WIRE.md sections 3 and 7.

use crate::common;

use std::time::{Duration, Instant};

use common::{Framing, Reply, TestServer, completion, envelope};
use futures_util::StreamExt;
use openrouter_bindings::{ChatStreamAccumulator, Client, Error, RetryPolicy, types::*};
use serde_json::json;
use tokio::io::AsyncWriteExt;

const KEY: &str = "sk-or-v1-TOPSECRET0123456789";

/// Every chat transcript in tests/fixtures/streams/.
const TRANSCRIPTS: [&str; 11] = [
    "text",
    "text-crlf",
    "tools",
    "reasoning",
    "error-number",
    "error-string",
    "eof-after-finish",
    "eof-before-finish",
    "error-envelope",
    "tools-same-index",
    "empty-data",
];

fn transcript(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/streams/{name}.sse", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn client(server: &TestServer) -> Client {
    Client::builder().api_key(KEY).base_url(&server.url).retry(RetryPolicy::none()).build().unwrap()
}

/// Everything a consumer observes: each chunk (as JSON), then the error that ended the stream.
async fn observe(reply: Reply) -> (Vec<serde_json::Value>, Option<String>, TestServer) {
    let server = TestServer::start(vec![reply]).await;
    let mut stream = client(&server).chat("m").user("hi").stream().await.unwrap();
    let mut chunks = Vec::new();
    let mut error = None;
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => chunks.push(serde_json::to_value(chunk).unwrap()),
            Err(e) => {
                assert!(error.is_none(), "nothing may follow an error");
                error = Some(e.to_string());
            }
        }
    }
    (chunks, error, server)
}

#[tokio::test]
async fn every_transcript_gives_the_same_result_whatever_the_write_sizes() {
    for name in TRANSCRIPTS {
        let whole = observe(Reply::sse(&transcript(name))).await;
        for size in [1, 2, 3, 7, 64] {
            let split = observe(Reply::sse(&transcript(name)).pieces(size)).await;
            assert_eq!((&split.0, &split.1), (&whole.0, &whole.1), "{name} in writes of {size} bytes");
        }
        assert!(!whole.0.is_empty(), "{name}");
    }
}

#[tokio::test]
async fn text_stream_skips_comments_handles_usage_only_chunk_and_accumulates() {
    let (chunks, error, server) = observe(Reply::sse(&transcript("text"))).await;
    assert_eq!(error, None);
    assert_eq!(chunks.len(), 5, "comments are not chunks; [DONE] ends the stream");
    assert_eq!(chunks[4]["choices"], json!([]));
    assert_eq!(chunks[4]["usage"]["total_tokens"], 13);
    let request = &server.requests()[0];
    assert_eq!(request.json()["stream"], true);
    assert_eq!(request.headers.get("accept").map(String::as_str), Some("text/event-stream"));

    let server = TestServer::start(vec![Reply::sse(&transcript("text-crlf"))]).await;
    let response = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    assert_eq!(response.text().unwrap(), "Héllo wörld 🌍!");
    assert!(response.finish_reason().unwrap().is_stop());
    assert_eq!(response.usage().unwrap().total_tokens, 13);
    assert_eq!((response.id.as_str(), response.provider.as_deref()), ("gen-1732000000-abc", Some("OpenAI")));
}

#[tokio::test]
async fn text_deltas_yields_only_the_text() {
    let server = TestServer::start(vec![Reply::sse(&transcript("text"))]).await;
    let stream = client(&server).chat("m").user("hi").stream().await.unwrap();
    let deltas: Vec<String> = stream.text_deltas().map(Result::unwrap).collect().await;
    assert_eq!(deltas, ["Héllo", " wörld 🌍", "!"]);
}

#[tokio::test]
async fn parallel_fragmented_tool_calls_assemble_by_index() {
    let server = TestServer::start(vec![Reply::sse(&transcript("tools")).pieces(5)]).await;
    let response = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    let calls = response.tool_calls();
    assert_eq!(calls.len(), 2);
    assert_eq!((calls[0].id.as_str(), calls[0].function.name.as_str()), ("call_a", "weather"));
    assert_eq!(calls[0].function.arguments, r#"{"city": "Caf\u00e9 Town"}"#, "raw text, escapes untouched");
    let parsed: serde_json::Value = serde_json::from_str(&calls[0].function.arguments).unwrap();
    assert_eq!(parsed["city"], "Café Town");
    assert_eq!((calls[1].id.as_str(), calls[1].function.arguments.as_str()), ("call_b", r#"{"tz":"Europe/Paris"}"#));
    assert!(response.finish_reason().unwrap().is_tool_calls());
    assert_eq!(response.native_finish_reason(), Some("tool_use"));
}

#[tokio::test]
async fn reasoning_deltas_assemble_in_order() {
    let server = TestServer::start(vec![Reply::sse(&transcript("reasoning"))]).await;
    let response = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    assert_eq!(response.reasoning(), Some("Let me think."));
    let details = &response.choices[0].message.reasoning_details;
    assert_eq!(details.len(), 2);
    let ReasoningDetail::ReasoningText(text) = &details[0] else { panic!("{details:?}") };
    assert_eq!((text.text.as_deref(), text.signature.as_deref()), (Some("Let me think."), Some("sig-1")));
    assert_eq!(text.format, Some(ReasoningFormat::Known(KnownReasoningFormat::AnthropicClaudeV1)));
    assert!(matches!(&details[1], ReasoningDetail::ReasoningEncrypted(e) if e.data == "b64data"));
    assert_eq!(response.text().unwrap(), "42");
}

#[tokio::test]
async fn mid_stream_errors_end_the_stream_with_the_partial_output() {
    for (name, code, message, partial) in [
        ("error-number", ErrorBodyCode::Number(502), "Provider disconnected", "Partial ans"),
        ("error-string", ErrorBodyCode::String("server_error".into()), "Internal error", "Partial"),
    ] {
        let server = TestServer::start(vec![Reply::sse(&transcript(name))]).await;
        let error = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap_err();
        let api = error.as_api().unwrap_or_else(|| panic!("{name}: {error:?}"));
        assert_eq!((api.raw_code(), api.message()), (Some(&code), message), "{name}");
        assert_eq!(api.partial_text.as_deref(), Some(partial), "{name}");
        assert_eq!(api.generation_id.as_deref(), Some("gen-1732000000-abc"));
    }
    let server = TestServer::start(vec![Reply::sse(&transcript("error-number"))]).await;
    let error = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap_err();
    assert_eq!(error.as_api().unwrap().error_type(), Some("provider_unavailable"));
}

#[tokio::test]
async fn eof_without_done_is_complete_only_when_every_choice_finished() {
    let server = TestServer::start(vec![Reply::sse(&transcript("eof-after-finish"))]).await;
    let response = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    assert_eq!(response.text().unwrap(), "Done");

    let (chunks, error, _) = observe(Reply::sse(&transcript("eof-before-finish"))).await;
    assert_eq!(chunks.len(), 1, "the unterminated trailing event is discarded");
    let error = error.expect("a truncated stream is an error, never a silent end");
    assert!(error.contains("ended before the completion was finished (4 characters received"), "{error}");
}

#[tokio::test]
async fn a_cut_connection_is_a_truncated_error() {
    let server = TestServer::start(vec![Reply::sse(&transcript("text")).framing(Framing::CutChunked)]).await;
    // A cut after `[DONE]` changes nothing: the stream was already complete.
    let response = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    assert_eq!(response.text().unwrap(), "Héllo wörld 🌍!");
    // A cut before it, with the choice unfinished, is a truncation.
    let cut = transcript("text").replace("data: [DONE]\n\n", "").replace("\"stop\"", "null");
    let server = TestServer::start(vec![Reply::sse(&cut).framing(Framing::CutChunked)]).await;
    let error = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap_err();
    let Error::StreamTruncated { partial_text, source, .. } = &error else { panic!("{error:?}") };
    assert_eq!(partial_text, "Héllo wörld 🌍!");
    assert!(source.is_some(), "the broken connection is the source");
}

#[tokio::test]
async fn a_stream_and_a_plain_response_of_the_same_completion_are_equal() {
    let server = TestServer::start(vec![Reply::sse(&transcript("text"))]).await;
    let streamed = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    let plain: ChatResponse = serde_json::from_value(json!({
        "id": "gen-1732000000-abc", "object": "chat.completion", "created": 1732000000,
        "model": "openai/gpt-4o-mini", "provider": "OpenAI",
        "choices": [{"index": 0, "finish_reason": "stop", "native_finish_reason": "stop",
                     "message": {"role": "assistant", "content": "Héllo wörld 🌍!"}}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13, "cost": 0.00002, "is_byok": false,
                  "prompt_tokens_details": {"cached_tokens": 0}}
    }))
    .unwrap();
    assert_eq!(streamed, plain);
}

#[tokio::test]
async fn the_accumulator_is_reusable_by_callers_who_want_the_deltas_too() {
    let server = TestServer::start(vec![Reply::sse(&transcript("text"))]).await;
    let mut stream = client(&server).chat("m").user("hi").stream().await.unwrap();
    let mut accumulator = ChatStreamAccumulator::default();
    let mut printed = String::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        for choice in &chunk.choices {
            printed.push_str(choice.delta.content.as_deref().unwrap_or_default());
        }
        accumulator.push(&chunk);
    }
    assert_eq!(accumulator.finish().unwrap().text().unwrap(), printed);
}

#[tokio::test]
async fn errors_before_the_first_byte_are_typed_and_retried() {
    let server = TestServer::start(vec![
        Reply::json(429, envelope(429, "Slow down", json!({}))),
        Reply::sse(&transcript("text")),
    ])
    .await;
    let retry = RetryPolicy::with_max_retries(1).initial_backoff(Duration::from_millis(1));
    let client = Client::builder().api_key(KEY).base_url(&server.url).retry(retry).build().unwrap();
    let response = client.chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    assert_eq!(response.text().unwrap(), "Héllo wörld 🌍!");
    assert_eq!(server.requests().len(), 2);

    let server = TestServer::start(vec![Reply::json(402, envelope(402, "No credits", json!({})))]).await;
    let error = Client::builder()
        .api_key(KEY)
        .base_url(&server.url)
        .build()
        .unwrap()
        .chat("m")
        .user("hi")
        .stream()
        .await
        .unwrap_err();
    assert_eq!((error.status(), error.as_api().unwrap().message()), (Some(402), "No credits"));
    assert_eq!(server.requests().len(), 1, "402 is not retried");

    // A JSON body where a stream was asked for: an envelope is an error, a completion a decode error.
    let server = TestServer::start(vec![Reply::json(200, json!({"error": {"code": 503, "message": "busy"}}))]).await;
    let error = client_for(&server).chat("m").user("hi").stream().await.unwrap_err();
    assert_eq!(error.as_api().unwrap().code(), 503);
    let server = TestServer::start(vec![Reply::json(200, completion("x"))]).await;
    let error = client_for(&server).chat("m").user("hi").stream().await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { message, .. } if message.contains("expected an event stream")),
        "{error:?}"
    );
}

fn client_for(server: &TestServer) -> Client {
    client(server)
}

#[tokio::test]
async fn a_chunk_that_does_not_parse_is_a_decode_error_with_the_raw_event() {
    let bad = "data: {\"id\": \"gen-1\", \"choices\": \"not a list\"}\n\ndata: [DONE]\n\n";
    let (chunks, error, _) = observe(Reply::sse(bad)).await;
    assert!(chunks.is_empty());
    let error = error.unwrap();
    assert!(error.contains("does not match the API spec") && error.contains("not a list"), "{error}");
}

#[tokio::test]
async fn the_idle_timeout_fires_and_keep_alive_comments_reset_it() {
    // Headers and one chunk, then silence.
    let url = common::raw_server(|mut socket| async move {
        let first = transcript("text").split("\n\n").take(3).collect::<Vec<_>>().join("\n\n") + "\n\n";
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
        socket.write_all(format!("{head}{first}").as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let started = Instant::now();
    let error = idle_300ms(&url).stream().await.unwrap().collect_response().await.unwrap_err();
    assert!(
        matches!(error, Error::StreamIdleTimeout { after, .. } if after == Duration::from_millis(300)),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // Comments every 100 ms for 600 ms keep a 300 ms idle timeout from firing.
    let url = common::raw_server(|mut socket| async move {
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        for _ in 0..6 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            socket.write_all(b": OPENROUTER PROCESSING\n\n").await.unwrap();
        }
        socket.write_all(transcript("text").as_bytes()).await.unwrap();
    })
    .await;
    let response = idle_300ms(&url).stream().await.unwrap().collect_response().await.unwrap();
    assert_eq!(response.text().unwrap(), "Héllo wörld 🌍!");
}

/// A request to `url` with a 300 ms idle timeout set on the request (the client default is 120 s).
fn idle_300ms(url: &str) -> openrouter_bindings::ChatRequestBuilder {
    let client = Client::builder().api_key(KEY).base_url(url).build().unwrap();
    client.chat("m").user("hi").stream_idle_timeout(Some(Duration::from_millis(300)))
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    let (disconnected_tx, disconnected_rx) = tokio::sync::oneshot::channel();
    let url = common::raw_server(|mut socket| async move {
        socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n").await.unwrap();
        let chunk = transcript("text").split("\n\n").nth(3).unwrap().to_owned() + "\n\n";
        // Generate forever, until the client goes away.
        let mut sent = 0;
        loop {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            sent += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let _ = disconnected_tx.send((sent, Instant::now()));
    })
    .await;
    let mut stream =
        Client::builder().api_key(KEY).base_url(&url).build().unwrap().chat("m").user("hi").stream().await.unwrap();
    for _ in 0..3 {
        stream.next().await.unwrap().unwrap();
    }
    let dropped = Instant::now();
    drop(stream);
    let (sent, seen) = tokio::time::timeout(Duration::from_secs(5), disconnected_rx)
        .await
        .expect("the server saw the disconnect")
        .unwrap();
    assert!(seen.duration_since(dropped) < Duration::from_secs(2), "took {:?}", seen.duration_since(dropped));
    assert!(sent < 400, "the server stopped generating ({sent} chunks)");
}

#[tokio::test]
async fn an_error_event_without_chunk_fields_is_an_api_error_with_the_text_so_far() {
    // LiteLLM's shape mid-stream: no id, no choices, a string code.
    let server = TestServer::start(vec![Reply::sse(&transcript("error-envelope"))]).await;
    let error = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap_err();
    let api = error.as_api().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!(api.partial_text.as_deref(), Some("Partial answer"));
    assert_eq!(api.generation_id.as_deref(), Some("gen-1764000000-lite"), "from the chunks before");
    assert_eq!(api.code(), 500, "a numeric string code reads as its number");
    assert!(error.is_retryable());
    let text = error.to_string();
    assert!(text.contains("upstream crashed") && !text.contains('\n'), "one line: {text}");
}

#[tokio::test]
async fn parallel_tool_calls_that_share_an_index_stay_apart_by_id() {
    let server = TestServer::start(vec![Reply::sse(&transcript("tools-same-index")).pieces(7)]).await;
    let response = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    let calls: Vec<(&str, &str)> =
        response.tool_calls().iter().map(|c| (c.id.as_str(), c.function.arguments.as_str())).collect();
    assert_eq!(calls, [("call_a", r#"{"x":1}"#), ("call_b", r#"{"y":2}"#)]);
}

#[tokio::test]
async fn empty_data_events_are_skipped() {
    let (chunks, error, _) = observe(Reply::sse(&transcript("empty-data"))).await;
    assert_eq!((chunks.len(), error), (2, None));
}

#[tokio::test]
async fn the_event_stream_media_type_is_case_insensitive() {
    let reply = Reply::raw(200, "Text/Event-Stream; charset=UTF-8", transcript("text")).framing(Framing::Close);
    let server = TestServer::start(vec![reply]).await;
    let response = client(&server).chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap();
    assert!(!response.text().unwrap().is_empty());
}

#[tokio::test]
async fn extra_cannot_override_model_or_stream() {
    let server = TestServer::start(vec![Reply::sse(&transcript("text"))]).await;
    for key in ["stream", "model"] {
        let request = client(&server).chat("m").user("hi").extra(key, json!(false));
        let error = request.clone().stream().await.unwrap_err();
        assert!(matches!(&error, Error::InvalidRequest(why) if why.contains(key)), "{error:?}");
        assert!(matches!(request.send().await.unwrap_err(), Error::InvalidRequest(_)));
    }
    assert!(server.requests().is_empty(), "refused before sending");
}

#[tokio::test]
async fn a_decode_error_reads_as_a_sentence_with_or_without_a_path() {
    let server =
        TestServer::start(vec![Reply::raw(200, "application/json", "{\"id\": "), Reply::json(200, json!("text"))])
            .await;
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    assert!(error.to_string().contains("does not match the API spec: at `id`: EOF while parsing"), "{error}");
    let error = client(&server).chat("m").user("hi").send().await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("does not match the API spec: invalid type: string"), "no path: {text}");
}

/// What the typed stream gives a consumer that accumulates every chunk and keeps the text of
/// choice 0: the response (or the stream's error, in Debug: its partial text counts) and the
/// non-empty texts.
async fn typed_reading(sse: &str) -> (Result<ChatResponse, String>, Vec<String>) {
    let server = TestServer::start(vec![Reply::sse(sse).pieces(7)]).await;
    let mut stream = client(&server).chat("m").user("hi").stream().await.unwrap();
    let (mut all, mut texts, mut error) = (ChatStreamAccumulator::default(), Vec::new(), None);
    while let Some(item) = stream.next().await {
        match item {
            Ok(chunk) => {
                all.push(&chunk);
                let first = chunk.choices.iter().enumerate().find(|(at, c)| c.index.unwrap_or(*at as u32) == 0);
                texts.extend(first.and_then(|(_, c)| c.delta.content.clone()).filter(|t| !t.is_empty()));
            }
            Err(e) => error = Some(format!("{e:?}")),
        }
    }
    (error.map_or_else(|| all.finish().map_err(|e| format!("{e:?}")), Err), texts)
}

/// What `collect_response` and `text_deltas` give, which read text-only chunks for their text.
async fn whole_reading(sse: &str) -> (Result<ChatResponse, String>, Vec<String>) {
    let server = TestServer::start(vec![Reply::sse(sse).pieces(7), Reply::sse(sse).pieces(7)]).await;
    let stream = client(&server).chat("m").user("hi").stream().await.unwrap();
    let response = stream.collect_response().await.map_err(|e| format!("{e:?}"));
    let stream = client(&server).chat("m").user("hi").stream().await.unwrap();
    let texts = stream.text_deltas().take_while(|t| std::future::ready(t.is_ok())).map(Result::unwrap).collect().await;
    (response, texts)
}

/// `collect_response` and `text_deltas` read a chunk that carries nothing but text for its text
/// alone, and every other chunk whole. On every transcript, and on chunks that carry a little
/// more than text (each must be read whole), they agree with the typed stream.
#[tokio::test]
async fn the_whole_stream_readers_agree_with_the_typed_stream() {
    let head = r#""id":"gen-1","object":"chat.completion.chunk","created":1,"model":"m""#;
    let chunk = |rest: &str| format!("data: {{{head},{rest}}}\n\n");
    let text = |t: &str| {
        format!(
            r#""choices":[{{"index":0,"delta":{{"role":"assistant","content":"{t}"}},"finish_reason":null,"logprobs":null}}]"#
        )
    };
    let more_than_text = [
        format!(r#""provider":"P",{}"#, text("a head field first sent here;")),
        r#""choices":[{"index":1,"delta":{"content":"another choice;"}}]"#.to_owned(),
        r#""choices":[{"index":0,"delta":{"content":"reasoning;","reasoning":"why"}}]"#.to_owned(),
        r#""choices":[{"index":0,"delta":{"content":"refusal;","refusal":"no"}}]"#.to_owned(),
        r#""choices":[{"delta":{"content":"no index;"}}]"#.to_owned(),
        r#""choices":[{"index":"0","delta":{"content":"a string index;"}}]"#.to_owned(),
        r#""choices":[{"index":0,"delta":{"content":"two;"}},{"index":1,"delta":{"content":"choices;"}}]"#.to_owned(),
        r#""choices":[{"index":0,"delta":{"content":"usage;"}}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}"#.to_owned(),
        r#""choices":[{"index":0,"delta":{"content":"metadata;"}}],"openrouter_metadata":{}"#.to_owned(),
        r#""choices":[{"index":0,"delta":{"content":"native;"},"native_finish_reason":"x"}]"#.to_owned(),
    ];
    let mut odd = chunk(&text("H\u{e9}llo"));
    odd += &chunk(&text("\\u00e9scaped; "));
    for rest in &more_than_text {
        odd += &chunk(rest);
        odd += &chunk(&text("text; "));
    }
    odd += &chunk(
        r#""choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"},{"index":1,"delta":{},"finish_reason":"stop"}]"#,
    );
    odd += "data: [DONE]\n\n";
    // A later chunk without the `id` the typed chunk requires: an error either way.
    let missing_id =
        format!("{}data: {{\"object\":\"x\",\"model\":\"m\",{}}}\n\ndata: [DONE]\n\n", chunk(&text("a")), text("b"));
    let mut transcripts: Vec<(String, String)> =
        TRANSCRIPTS.into_iter().map(|name| (name.to_owned(), transcript(name))).collect();
    transcripts.push(("more than text".into(), odd));
    transcripts.push(("missing id".into(), missing_id));
    for (name, sse) in transcripts {
        let (typed, whole) = (typed_reading(&sse).await, whole_reading(&sse).await);
        assert_eq!(whole, typed, "{name}");
        if name == "more than text" {
            let text = typed.0.as_ref().unwrap().text().unwrap().into_owned();
            assert!(
                text.starts_with("H\u{e9}llo\u{e9}scaped; a head field") && text.ends_with("native;text; "),
                "{text}"
            );
        }
    }
}
