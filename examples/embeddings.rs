//! Embeds a few sentences and prints which two are closest (cosine similarity).
//!
//! ```sh
//! OPENROUTER_API_KEY=sk-or-... cargo run --example embeddings --features embeddings
//! ```
//!
//! With no key it runs on the crate's mock server.

#[path = "common/log.rs"]
mod log;

use std::process::ExitCode;

use openrouter_bindings::mock;

const SENTENCES: [&str; 3] = ["A cat sleeps on the sofa", "A kitten naps on the couch", "Stock prices fell today"];

#[tokio::main]
async fn main() -> ExitCode {
    log::warnings_to_stderr();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b)).max(f32::MIN_POSITIVE)
}

async fn run() -> Result<(), openrouter_bindings::Error> {
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let vectors = client.embeddings("openai/text-embedding-3-small").input(SENTENCES).vectors().await?;
    println!("{} vectors of {} dimensions", vectors.len(), vectors.first().map_or(0, Vec::len));
    let mut best = (0, 1, f32::MIN);
    for i in 0..vectors.len() {
        for j in i + 1..vectors.len() {
            let similarity = cosine(&vectors[i], &vectors[j]);
            if similarity > best.2 {
                best = (i, j, similarity);
            }
        }
    }
    println!("closest: {:?} and {:?} (cosine {:.3})", SENTENCES[best.0], SENTENCES[best.1], best.2);
    Ok(())
}
