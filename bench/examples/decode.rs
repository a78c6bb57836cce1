//! Decoding alone, no network: one chat stream chunk, one small response, one 8 MiB response and
//! one Responses text delta event, into the floor's minimal structs and into the crate's generated
//! types. It shows how much of the gap to the floor is the cost of decoding every field (see
//! BENCHMARKS.md).
//!
//! `cargo run --release --example decode` in `bench/`; `-- chunk`, `small`, `large` or `delta` runs
//! one part alone, for a profiler.

use std::hint::black_box;
use std::time::Instant;

use openrouter_bindings::types::{ChatResponse, ChatStreamChunk};
use serde::Deserialize;

#[path = "../src/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;

#[derive(Deserialize)]
struct FloorChunk {
    choices: Vec<FloorChoice>,
}

#[derive(Deserialize)]
struct FloorChoice {
    #[serde(alias = "message")]
    delta: FloorDelta,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct FloorDelta {
    content: Option<String>,
}

/// What the floor reads of a chunk or response.
fn read(floor: FloorChunk) -> (Option<String>, Option<String>) {
    let choice = floor.choices.into_iter().next().expect("a choice");
    (choice.delta.content, choice.finish_reason)
}

/// Median nanoseconds per call of `f` over `rounds` rounds of `n` calls.
fn time(rounds: usize, n: usize, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..n {
                f();
            }
            started.elapsed().as_nanos() as f64 / n as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[rounds / 2]
}

/// The content size of the small-request workload (`src/workloads.rs`).
const SMALL_TEXT: usize = 1_000;

fn main() {
    // One part alone when named (see the module doc).
    let only = std::env::args().nth(1);
    let run = |part: &str| only.as_deref().is_none_or(|only| only == part);
    if run("chunk") {
        chunk();
    }
    if run("small") {
        small();
    }
    if run("large") {
        large();
    }
    if run("delta") {
        delta();
    }
}

fn chunk() {
    let stream = fixtures::stream(1).0;
    let chunk = stream.split(|&b| b == b'\n').find(|l| l.starts_with(b"data: {")).unwrap();
    let chunk = &chunk[b"data: ".len()..];
    let floor = time(15, 200_000, || drop(black_box(read(serde_json::from_slice(black_box(chunk)).unwrap()))));
    let typed =
        time(15, 200_000, || drop(black_box(serde_json::from_slice::<ChatStreamChunk>(black_box(chunk)).unwrap())));
    let client = time(15, 200_000, || {
        drop(black_box(openrouter_bindings::decode::<ChatStreamChunk>(black_box(chunk)).unwrap()))
    });
    println!("one stream chunk ({} bytes):", chunk.len());
    println!("  floor struct (choices[].delta.content)  {floor:>8.0} ns");
    println!("  generated ChatStreamChunk, full rules    {typed:>8.0} ns   ratio {:.2}x", floor / typed);
    println!("  the same, as the client decodes it       {client:>8.0} ns   ratio {:.2}x", floor / client);
}

fn small() {
    let small = fixtures::response(&fixtures::text_of(SMALL_TEXT)).0;
    let floor = time(15, 100_000, || drop(black_box(read(serde_json::from_slice(black_box(&small)).unwrap()))));
    let typed =
        time(15, 100_000, || drop(black_box(serde_json::from_slice::<ChatResponse>(black_box(&small)).unwrap())));
    println!("one small response ({} bytes, the small-request workload's):", small.len());
    println!("  floor struct                             {floor:>8.0} ns");
    let plain = time(15, 100_000, || {
        drop(black_box(serde_json::from_slice::<fixtures::PlainResponse>(black_box(&small)).unwrap()))
    });
    println!("  plain serde struct (every field)         {plain:>8.0} ns   ratio {:.2}x", floor / plain);
    println!("  generated ChatResponse, full rules       {typed:>8.0} ns   ratio {:.2}x", floor / typed);
    let client =
        time(15, 100_000, || drop(black_box(openrouter_bindings::decode::<ChatResponse>(black_box(&small)).unwrap())));
    println!("  the same, as the client decodes it       {client:>8.0} ns   ratio {:.2}x", floor / client);
}

fn large() {
    let large = fixtures::response(&fixtures::text_of(8 << 20)).0;
    let floor = time(9, 3, || drop(black_box(read(serde_json::from_slice(black_box(&large)).unwrap()))));
    let typed = time(9, 3, || drop(black_box(serde_json::from_slice::<ChatResponse>(black_box(&large)).unwrap())));
    println!("one response with 8 MiB of content ({} bytes):", large.len());
    println!("  floor struct                             {:>8.2} ms", floor / 1e6);
    println!("  generated ChatResponse                   {:>8.2} ms   ratio {:.2}x", typed / 1e6, floor / typed);
}

fn delta() {
    use openrouter_bindings::StreamEvent;
    use openrouter_bindings::types::StreamEvents;
    let event = br#"{"type":"response.output_text.delta","sequence_number":7,"item_id":"msg_1","output_index":0,"content_index":0,"delta":" w\u00f6rld","logprobs":[]}"#;
    let floor = time(15, 200_000, || {
        let event: fixtures::FloorEvent = serde_json::from_slice(black_box(event)).unwrap();
        drop(black_box((event.kind, event.delta)))
    });
    let typed = time(15, 200_000, || drop(black_box(StreamEvents::decode(black_box(event)).unwrap())));
    println!(
        "one Responses text delta event ({} bytes; StreamEvents is {} bytes):",
        event.len(),
        std::mem::size_of::<StreamEvents>()
    );
    println!("  floor struct (type, delta)               {floor:>8.0} ns");
    println!("  typed StreamEvents                       {typed:>8.0} ns   ratio {:.2}x", floor / typed);
}
