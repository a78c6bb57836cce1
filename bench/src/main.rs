//! Stream decode throughput, measured in one run against references.
//!
//! `cargo run --release` in `bench/`. A local server sends one SSE response of N realistic chunks
//! (as OpenRouter frames them: keep-alive comments, `data:` lines, a usage chunk, `[DONE]`); each
//! contender reads it through reqwest from 127.0.0.1 and decodes every chunk:
//!
//! - `crate`: `client.chat(..).stream()`, the crate's ChatStream into the generated ChatStreamChunk;
//! - `ref-typed`: reqwest `bytes_stream` + eventsource-stream + serde_json into the same generated type;
//! - `ref-value`: reqwest `bytes_stream` + eventsource-stream + serde_json into `serde_json::Value`.
//!
//! Rounds alternate between contenders; the report gives each one's median and its ratio to `ref-typed`.

use std::time::{Duration, Instant};

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use openrouter_bindings::{Client, types::ChatStreamChunk};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CHUNKS: usize = 20_000;
const ROUNDS: usize = 15;

fn transcript() -> Vec<u8> {
    let mut body = String::from(": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n");
    for i in 0..CHUNKS {
        let text = ["Hello", " wörld", " 🌍", ", and", " then", " some"][i % 6];
        body.push_str(&format!(
            "data: {{\"id\":\"gen-1732000000-abcdefghijkl\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\"anthropic/claude-sonnet-4\",\"provider\":\"Anthropic\",\"choices\":[{{\"index\":0,\"delta\":{{\"role\":\"assistant\",\"content\":\"{text}\"}},\"finish_reason\":null,\"native_finish_reason\":null,\"logprobs\":null}}]}}\n\n"
        ));
        if i % 500 == 0 {
            body.push_str(": OPENROUTER PROCESSING\n\n");
        }
    }
    body.push_str("data: {\"id\":\"gen-1732000000-abcdefghijkl\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\"anthropic/claude-sonnet-4\",\"provider\":\"Anthropic\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\",\"native_finish_reason\":\"end_turn\"}]}\n\n");
    body.push_str("data: {\"id\":\"gen-1732000000-abcdefghijkl\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\"anthropic/claude-sonnet-4\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20000,\"total_tokens\":20010,\"cost\":0.3}}\n\ndata: [DONE]\n\n");
    body.into_bytes()
}

async fn serve(body: &'static [u8]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 65536];
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = socket.read(&mut buffer).await.unwrap();
                    seen.extend_from_slice(&buffer[..n]);
                }
                // The request body (small) arrives with or right after the head; we do not need it.
                let head = format!("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\n\r\n", body.len());
                socket.write_all(head.as_bytes()).await.unwrap();
                // Writes of 4 KiB, like a proxy flushing as tokens arrive.
                for piece in body.chunks(4096) {
                    socket.write_all(piece).await.unwrap();
                }
            });
        }
    });
    url
}

async fn run_crate(client: &Client) -> usize {
    let mut stream = client.chat("m").user("hi").stream().await.unwrap();
    let mut n = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        n += chunk.choices.len();
    }
    n
}

async fn run_reference<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: &str, count: fn(&T) -> usize) -> usize {
    let response = http.post(format!("{url}/chat/completions")).body("{}").send().await.unwrap();
    let mut events = response.bytes_stream().eventsource();
    let mut n = 0;
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        if event.data == "[DONE]" {
            break;
        }
        let chunk: T = serde_json::from_str(&event.data).unwrap();
        n += count(&chunk);
    }
    n
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let body: &'static [u8] = transcript().leak();
    let url = serve(body).await;
    let client = Client::builder().api_key("bench").base_url(&url).build().unwrap();
    let http = reqwest::Client::new();
    let typed = |c: &ChatStreamChunk| c.choices.len();
    let value = |v: &serde_json::Value| v["choices"].as_array().map_or(0, Vec::len);

    // Warm up, and check all three decode the same number of choices.
    let expected = run_crate(&client).await;
    assert_eq!(run_reference(&http, &url, typed).await, expected);
    assert_eq!(run_reference(&http, &url, value).await, expected);

    let (mut ours, mut ref_typed, mut ref_value) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let t = Instant::now();
        run_crate(&client).await;
        ours.push(t.elapsed());
        let t = Instant::now();
        run_reference(&http, &url, typed).await;
        ref_typed.push(t.elapsed());
        let t = Instant::now();
        run_reference(&http, &url, value).await;
        ref_value.push(t.elapsed());
    }
    let mb = body.len() as f64 / 1e6;
    let base = median(ref_typed.clone()).as_secs_f64();
    println!("{} chunks, {:.2} MB per stream, {ROUNDS} rounds, medians:", CHUNKS + 2, mb);
    for (name, times) in [("crate (ChatStream)", ours), ("ref-typed (eventsource-stream + serde_json, same type)", ref_typed), ("ref-value (eventsource-stream + serde_json::Value)", ref_value)] {
        let m = median(times).as_secs_f64();
        println!("  {name:<56} {:>7.1} ms  {:>7.1} MB/s  {:>9.0} chunks/s  ratio to ref-typed {:.2}", m * 1e3, mb / m, (CHUNKS + 2) as f64 / m, base / m);
    }
}
