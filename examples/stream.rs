//! Streams an answer, printing text as it arrives, then the usage.
//!
//! `cargo run --example stream` (offline on the mock without `OPENROUTER_API_KEY`).

#[path = "common/log.rs"]
mod log;

use std::io::Write;

use futures_util::StreamExt;
use openrouter_bindings::{ChatStreamAccumulator, mock};

#[tokio::main]
async fn main() -> Result<(), openrouter_bindings::Error> {
    log::warnings_to_stderr();
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let mut stream = client.chat("openai/gpt-4o-mini").user("Write a haiku about the sea.").stream().await?;
    let mut all = ChatStreamAccumulator::default();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        for choice in &chunk.choices {
            print!("{}", choice.delta.content.as_deref().unwrap_or_default());
            std::io::stdout().flush().ok();
        }
        all.push(&chunk);
    }
    let response = all.finish()?;
    let usage = response.usage();
    println!(
        "\n[{} via {}: {} prompt + {} completion tokens]",
        response.model,
        response.provider.as_deref().unwrap_or("?"),
        usage.map_or(0, |u| u.prompt_tokens),
        usage.map_or(0, |u| u.completion_tokens)
    );
    response.text()?; // a provider error on the choice fails the run
    Ok(())
}
