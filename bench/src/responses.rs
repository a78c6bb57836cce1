//! `cargo run --release -- responses`: how fast each way of reading a stream gets its text, against
//! the floor (reqwest, the plain SSE parser, serde_json into a struct of the fields read) and
//! async-openai's typed stream, in one run, on loopback:
//!
//! - a Responses API stream: `response.created`, then `RESPONSES_DELTAS`
//!   `response.output_text.delta` events, then `response.completed` carrying the whole text, then
//!   `[DONE]`, as OpenAI-compatible servers send it (an `event:` line before each `data:` line,
//!   `type` the first member of each event); read by the crate's `collect_response()` and by its
//!   typed events fed to a `ResponsesAccumulator`;
//! - the runtime table's long chat stream; read by `collect_response()`, `text_deltas()` and the
//!   typed chunks.

use std::{future::Future, pin::Pin, time::Instant};

use futures_util::StreamExt;

use crate::{
    contenders::{Contender, Kind, MODEL, PROMPT},
    median, pin_to_core,
    workloads::LONG_CHUNKS,
};

/// Text deltas per stream.
pub const RESPONSES_DELTAS: usize = 20_000;

/// The transcript, and the text it carries.
pub fn transcript() -> (Vec<u8>, String) {
    const PIECES: [&str; 6] = ["Hello", " wörld", " 🌍", ", and", " \"then\"", " some\n"];
    let response = |status: &str, text: &str| {
        serde_json::json!({
            "id": "resp_bench", "object": "response", "created_at": 1732000000, "status": status,
            "model": "openai/gpt-4o-mini", "parallel_tool_calls": true, "tool_choice": "auto", "tools": [],
            "error": null, "incomplete_details": null, "instructions": null, "metadata": {},
            "output": if text.is_empty() { serde_json::json!([]) } else { serde_json::json!([{
                "type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}]
            }]) },
            "usage": {"input_tokens": 14, "output_tokens": RESPONSES_DELTAS, "total_tokens": RESPONSES_DELTAS + 14,
                      "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}}
        })
    };
    let mut body = String::from(": OPENROUTER PROCESSING\n\n");
    // `type` first, as OpenAI and OpenRouter write events (serde_json's own maps sort their keys).
    let event = |body: &mut String, mut value: serde_json::Value| {
        let kind = value.as_object_mut().unwrap().remove("type").unwrap();
        let rest = value.to_string();
        body.push_str(&format!("event: {}\ndata: {{\"type\":{kind},{}\n\n", kind.as_str().unwrap(), &rest[1..]));
    };
    event(
        &mut body,
        serde_json::json!({"type": "response.created", "sequence_number": 0, "response": response("in_progress", "")}),
    );
    let mut text = String::new();
    for i in 0..RESPONSES_DELTAS {
        let piece = PIECES[i % PIECES.len()];
        text.push_str(piece);
        event(
            &mut body,
            serde_json::json!({
                "type": "response.output_text.delta", "sequence_number": i + 1, "item_id": "msg_1",
                "output_index": 0, "content_index": 0, "delta": piece, "logprobs": []
            }),
        );
    }
    event(
        &mut body,
        serde_json::json!({"type": "response.completed", "sequence_number": RESPONSES_DELTAS + 1, "response": response("completed", &text)}),
    );
    body.push_str("data: [DONE]\n\n");
    (body.into_bytes(), text)
}

async fn floor(http: &reqwest::Client, url: &str) -> Result<String, String> {
    let response = http.post(url).body("{}").send().await.map_err(|e| e.to_string())?;
    let mut body = response.bytes_stream();
    let mut parser = crate::contenders::PlainSse::default();
    let mut text = String::new();
    while let Some(bytes) = body.next().await {
        let done = parser.push(&bytes.map_err(|e| e.to_string())?, |data| {
            let event: crate::fixtures::FloorEvent = serde_json::from_slice(data).map_err(|e| e.to_string())?;
            if event.kind == "response.output_text.delta" {
                text.push_str(event.delta.as_deref().unwrap_or_default());
            }
            Ok(())
        })?;
        if done {
            return Ok(text);
        }
    }
    Err("the stream ended before [DONE]".into())
}

async fn crate_collected(client: &openrouter_bindings::Client) -> Result<String, String> {
    let stream = client.responses("openai/gpt-4o-mini").input("hi").stream().await.map_err(|e| e.to_string())?;
    let response = stream.collect_response().await.map_err(|e| e.to_string())?;
    Ok(response.output_text())
}

async fn crate_typed(client: &openrouter_bindings::Client) -> Result<String, String> {
    use openrouter_bindings::types::StreamEvents;
    let mut stream = client.responses("openai/gpt-4o-mini").input("hi").stream().await.map_err(|e| e.to_string())?;
    let mut all = openrouter_bindings::ResponsesAccumulator::default();
    let mut text = String::new();
    while let Some(event) = stream.next().await {
        let event = event.map_err(|e| e.to_string())?;
        if let StreamEvents::ResponseOutputTextDelta(delta) = &event {
            text.push_str(&delta.delta);
        }
        all.push(&event);
    }
    all.finish().map_err(|e| e.to_string())?;
    Ok(text)
}

async fn async_openai_client(
    client: &async_openai::Client<async_openai::config::OpenAIConfig>,
) -> Result<String, String> {
    use async_openai::types::responses::{CreateResponseArgs, ResponseStreamEvent};
    let request =
        CreateResponseArgs::default().model("openai/gpt-4o-mini").input("hi").build().map_err(|e| e.to_string())?;
    let mut stream = client.responses().create_stream(request).await.map_err(|e| e.to_string())?;
    let mut text = String::new();
    while let Some(event) = stream.next().await {
        match event.map_err(|e| e.to_string())? {
            ResponseStreamEvent::ResponseOutputTextDelta(delta) => text.push_str(&delta.delta),
            ResponseStreamEvent::ResponseCompleted(_) => return Ok(text),
            _ => {}
        }
    }
    Err("the stream ended before response.completed".into())
}

/// One way of reading a stream to its text, timed.
type Reader<'a> = (&'static str, Box<dyn Fn() -> Pin<Box<dyn Future<Output = Result<String, String>> + 'a>> + 'a>);

/// Runs each reader `rounds` times, interleaved (rotated order), after checking that each reads
/// `expected`; prints the medians and each reader's ratio to the first (the floor).
/// `BENCH_CLIENTS` (names before the first space) narrows the timed rounds, for a profiler.
async fn compare(title: &str, bytes: usize, expected: &str, rounds: usize, readers: Vec<Reader<'_>>) {
    for (name, read) in &readers {
        assert_eq!(read().await.unwrap(), expected, "{name}");
    }
    let mut seconds = vec![Vec::new(); readers.len()];
    for round in 0..rounds {
        for which in (0..readers.len()).map(|i| (i + round) % readers.len()) {
            let (name, read) = &readers[which];
            if !crate::selected("BENCH_CLIENTS", name.split(' ').next().unwrap_or_default()) {
                continue;
            }
            let started = Instant::now();
            drop(read().await.unwrap());
            seconds[which].push(started.elapsed().as_secs_f64());
        }
    }
    let medians: Vec<f64> = seconds.into_iter().map(|s| if s.is_empty() { f64::NAN } else { median(s) }).collect();
    let mb = bytes as f64 / 1e6;
    println!("{title}, {mb:.1} MB, {rounds} rounds interleaved, medians (loopback)");
    for ((name, _), t) in readers.iter().zip(&medians) {
        println!("  {name:<62} {:>6.1} ms {:>5.0} MB/s  {:.2}x", t * 1e3, mb / t, medians[0] / t);
    }
}

/// Runs the Responses stream and the long chat stream through each reader; see the module doc.
pub fn run() {
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(15);
    let server = crate::Server::start();
    pin_to_core(0);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (bytes, expected) = transcript();
    let base = format!("http://127.0.0.1:{}", server.port);
    let url = format!("{base}/responses");
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let client = openrouter_bindings::Client::builder().api_key("sk-or-bench").base_url(&base).build().unwrap();
        let async_openai = async_openai::Client::with_config(
            async_openai::config::OpenAIConfig::new().with_api_base(&base).with_api_key("sk-or-bench"),
        );
        let readers: Vec<Reader> = vec![
            (
                "floor (reqwest + plain SSE + serde_json, type and delta only)",
                Box::new(|| Box::pin(floor(&http, &url))),
            ),
            ("openrouter-bindings collect_response()", Box::new(|| Box::pin(crate_collected(&client)))),
            (
                "openrouter-bindings typed StreamEvents + ResponsesAccumulator",
                Box::new(|| Box::pin(crate_typed(&client))),
            ),
            (
                "async-openai 0.43.0 typed ResponseStreamEvent",
                Box::new(|| Box::pin(async_openai_client(&async_openai))),
            ),
        ];
        let title = format!("Responses stream: {RESPONSES_DELTAS} text deltas");
        compare(&title, bytes.len(), &expected, rounds, readers).await;

        let long = format!("{base}/long");
        let (floor, typed, peer) = (
            Contender::new(Kind::Floor, &long),
            Contender::new(Kind::Crate, &long),
            Contender::new(Kind::AsyncOpenAi, &long),
        );
        let (chat_bytes, outcome) = crate::fixtures::stream(LONG_CHUNKS);
        let client = openrouter_bindings::Client::builder().api_key("sk-or-bench").base_url(&long).build().unwrap();
        let readers: Vec<Reader> = vec![
            (
                "floor (reqwest + plain SSE + serde_json, three fields)",
                Box::new(|| Box::pin(async { Ok(floor.stream().await?.0.text) })),
            ),
            (
                "openrouter-bindings collect_response()",
                Box::new(|| {
                    Box::pin(async {
                        let stream = client.chat(MODEL).user(PROMPT).stream().await.map_err(|e| e.to_string())?;
                        stream
                            .collect_response()
                            .await
                            .map_err(|e| e.to_string())?
                            .into_text()
                            .map_err(|e| e.to_string())
                    })
                }),
            ),
            (
                "openrouter-bindings text_deltas()",
                Box::new(|| {
                    Box::pin(async {
                        let stream = client.chat(MODEL).user(PROMPT).stream().await.map_err(|e| e.to_string())?;
                        let deltas: Vec<_> = stream.text_deltas().collect().await;
                        deltas.into_iter().collect::<Result<String, _>>().map_err(|e| e.to_string())
                    })
                }),
            ),
            (
                "openrouter-bindings typed ChatStreamChunk",
                Box::new(|| Box::pin(async { Ok(typed.stream().await?.0.text) })),
            ),
            ("async-openai 0.43.0 typed chunks", Box::new(|| Box::pin(async { Ok(peer.stream().await?.0.text) }))),
        ];
        let title = format!("Chat stream: {LONG_CHUNKS} chunks");
        compare(&title, chat_bytes.len(), &outcome.text, rounds, readers).await;
    });
}
