//! Sends a chat, then looks up that generation's stats and cost by its id (`GET /generation`).
//!
//! `cargo run --example generation [-- PROMPT]` (offline on the mock without `OPENROUTER_API_KEY`).
//! OpenRouter records a generation a moment after it ends; a lookup that comes too early gets a
//! 404, which this retries a few times.

#[path = "common/log.rs"]
mod log;

use std::{process::ExitCode, time::Duration};

use openrouter_bindings::mock;

async fn run() -> Result<(), openrouter_bindings::Error> {
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let prompt = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let prompt = if prompt.is_empty() { "Say hi in five words.".to_owned() } else { prompt };
    let response = client.chat("openrouter/auto").user(prompt).send().await?;
    println!("answer: {}", response.text()?);
    let id = response.generation_id().to_owned();
    let mut attempt = 0;
    let stats = loop {
        match client.get_generation(&id).send().await {
            Err(error) if error.status() == Some(404) && attempt < 5 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
            }
            other => break other?.data,
        }
    };
    println!("generation {} on {} via {}", stats.id, stats.model, stats.provider_name.as_deref().unwrap_or("?"));
    println!(
        "tokens: {} prompt, {} completion; latency {} ms; cost ${:.6}",
        stats.tokens_prompt.unwrap_or_default(),
        stats.tokens_completion.unwrap_or_default(),
        stats.latency.unwrap_or_default(),
        stats.total_cost
    );
    Ok(())
}

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
