//! `cargo run --release -- responses`: the decode throughput of a Responses API stream, this crate
//! (`client.responses(..).stream()`, typed `StreamEvents`, its accumulator) against the floor
//! (reqwest, the plain SSE parser, serde_json into a two-field struct) and async-openai's typed
//! Responses stream (`client.responses().create_stream`), in one run, on loopback.
//!
//! The stream: `response.created`, then `RESPONSES_DELTAS` `response.output_text.delta` events, then
//! `response.completed` carrying the whole text, then `[DONE]`, as OpenAI-compatible servers send it
//! (an `event:` line before each `data:` line).

use std::time::Instant;

use futures_util::StreamExt;
use serde::Deserialize;

use crate::{median, pin_to_core};

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
    let event = |body: &mut String, value: serde_json::Value| {
        body.push_str(&format!("event: {}\ndata: {value}\n\n", value["type"].as_str().unwrap()));
    };
    event(&mut body, serde_json::json!({"type": "response.created", "sequence_number": 0, "response": response("in_progress", "")}));
    let mut text = String::new();
    for i in 0..RESPONSES_DELTAS {
        let piece = PIECES[i % PIECES.len()];
        text.push_str(piece);
        event(&mut body, serde_json::json!({
            "type": "response.output_text.delta", "sequence_number": i + 1, "item_id": "msg_1",
            "output_index": 0, "content_index": 0, "delta": piece, "logprobs": []
        }));
    }
    event(&mut body, serde_json::json!({"type": "response.completed", "sequence_number": RESPONSES_DELTAS + 1, "response": response("completed", &text)}));
    body.push_str("data: [DONE]\n\n");
    (body.into_bytes(), text)
}

#[derive(Deserialize)]
struct FloorEvent<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    delta: Option<std::borrow::Cow<'a, str>>,
}

async fn floor(http: &reqwest::Client, url: &str) -> Result<String, String> {
    let response = http.post(url).body("{}").send().await.map_err(|e| e.to_string())?;
    let mut body = response.bytes_stream();
    let mut parser = crate::contenders::PlainSse::default();
    let mut text = String::new();
    while let Some(bytes) = body.next().await {
        let done = parser.push(&bytes.map_err(|e| e.to_string())?, |data| {
            let event: FloorEvent = serde_json::from_slice(data).map_err(|e| e.to_string())?;
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

async fn crate_client(client: &openrouter_bindings::Client) -> Result<String, String> {
    let stream = client.responses("openai/gpt-4o-mini").input("hi").stream().await.map_err(|e| e.to_string())?;
    let response = stream.collect_response().await.map_err(|e| e.to_string())?;
    Ok(response.output_text())
}

async fn async_openai_client(
    client: &async_openai::Client<async_openai::config::OpenAIConfig>,
) -> Result<String, String> {
    use async_openai::types::responses::{CreateResponseArgs, ResponseStreamEvent};
    let request = CreateResponseArgs::default()
        .model("openai/gpt-4o-mini")
        .input("hi")
        .build()
        .map_err(|e| e.to_string())?;
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

/// Runs the clients `rounds` times each, interleaved, and prints MB/s and the ratio.
pub fn run() {
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(15);
    let server = crate::Server::start();
    pin_to_core(0);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (bytes, expected) = transcript();
    let url = format!("http://127.0.0.1:{}/responses", server.port);
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let client = openrouter_bindings::Client::builder()
            .api_key("sk-or-bench")
            .base_url(format!("http://127.0.0.1:{}", server.port))
            .allow_insecure_http(true)
            .build()
            .unwrap();
        let async_openai = async_openai::Client::with_config(
            async_openai::config::OpenAIConfig::new()
                .with_api_base(format!("http://127.0.0.1:{}", server.port))
                .with_api_key("sk-or-bench"),
        );
        // Correctness first: every client reads the same text.
        assert_eq!(floor(&http, &url).await.unwrap(), expected, "floor");
        assert_eq!(crate_client(&client).await.unwrap(), expected, "openrouter-bindings");
        assert_eq!(async_openai_client(&async_openai).await.unwrap(), expected, "async-openai");
        let mut seconds: [Vec<f64>; 3] = Default::default();
        for round in 0..rounds {
            for which in (0..3).map(|i| (i + round) % 3) {
                let started = Instant::now();
                match which {
                    0 => drop(floor(&http, &url).await.unwrap()),
                    1 => drop(crate_client(&client).await.unwrap()),
                    _ => drop(async_openai_client(&async_openai).await.unwrap()),
                }
                seconds[which].push(started.elapsed().as_secs_f64());
            }
        }
        let mb = bytes.len() as f64 / 1e6;
        let [f, c, a] = seconds.map(median);
        println!(
            "Responses stream: {RESPONSES_DELTAS} text deltas, {mb:.1} MB, {rounds} rounds interleaved, medians (loopback)"
        );
        println!("  floor (reqwest + plain SSE + serde_json, type and delta only): {:.1} ms, {:.0} MB/s", f * 1e3, mb / f);
        println!(
            "  openrouter-bindings (typed StreamEvents + accumulator):       {:.1} ms, {:.0} MB/s, {:.2}x",
            c * 1e3,
            mb / c,
            f / c
        );
        println!(
            "  async-openai 0.43.0 (typed ResponseStreamEvent):              {:.1} ms, {:.0} MB/s, {:.2}x",
            a * 1e3,
            mb / a,
            f / a
        );
    });
}
