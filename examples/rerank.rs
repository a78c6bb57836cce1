//! Ranks documents against a query, best first.
//!
//! ```sh
//! OPENROUTER_API_KEY=sk-or-... cargo run --example rerank --features rerank
//! ```
//!
//! With no key it runs on the crate's mock server.

#[path = "common/log.rs"]
mod log;

use std::process::ExitCode;

use openrouter_bindings::mock;

const DOCUMENTS: [&str; 4] = [
    "Berlin is the capital of Germany",
    "Paris is the capital of France",
    "France is famous for its wine",
    "The Rhine flows through Germany",
];

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

async fn run() -> Result<(), openrouter_bindings::Error> {
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let query = "What is the capital of France?";
    let ranked = client.rerank("cohere/rerank-v3.5", query).documents(DOCUMENTS).ranked().await?;
    println!("{query}");
    for (place, entry) in ranked.iter().enumerate() {
        println!("{}. {:.3}  {}", place + 1, entry.score, DOCUMENTS[entry.index]);
    }
    Ok(())
}
