//! Decoding alone, no network: one stream chunk and one 8 MiB response, into the floor's minimal
//! structs and into the crate's generated types. It shows how much of the streaming gap to the
//! floor is the cost of decoding every field (see BENCHMARKS.md).
//!
//! `cargo run --release --example decode` in `bench/`.

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

fn main() {
    let stream = fixtures::stream(1).0;
    let chunk = stream.split(|&b| b == b'\n').find(|l| l.starts_with(b"data: {")).unwrap();
    let chunk = &chunk[b"data: ".len()..];
    let floor = time(15, 200_000, || drop(black_box(read(serde_json::from_slice(black_box(chunk)).unwrap()))));
    let typed =
        time(15, 200_000, || drop(black_box(serde_json::from_slice::<ChatStreamChunk>(black_box(chunk)).unwrap())));
    println!("one stream chunk ({} bytes):", chunk.len());
    println!("  floor struct (choices[].delta.content)  {floor:>8.0} ns");
    println!("  generated ChatStreamChunk (every field)  {typed:>8.0} ns   ratio {:.2}x", floor / typed);

    let large = fixtures::response(&fixtures::text_of(8 << 20)).0;
    let floor = time(9, 3, || drop(black_box(read(serde_json::from_slice(black_box(&large)).unwrap()))));
    let typed = time(9, 3, || drop(black_box(serde_json::from_slice::<ChatResponse>(black_box(&large)).unwrap())));
    println!("one response with 8 MiB of content ({} bytes):", large.len());
    println!("  floor struct                             {:>8.2} ms", floor / 1e6);
    println!("  generated ChatResponse                   {:>8.2} ms   ratio {:.2}x", typed / 1e6, floor / typed);
}
