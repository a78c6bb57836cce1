//! Gets a typed value back: the Rust type is the response schema (strict mode).
//!
//! `cargo run --example structured_output` (offline on the mock without `OPENROUTER_API_KEY`).

#[path = "common/log.rs"]
mod log;

use openrouter_bindings::mock;
use schemars::JsonSchema;
use serde::Deserialize;

/// Facts about a city.
#[derive(Debug, Deserialize, JsonSchema)]
#[allow(dead_code)] // read through `Debug`
struct City {
    name: String,
    country: String,
    population: u64,
    /// Famous landmarks, most famous first.
    landmarks: Vec<String>,
    founded_year: Option<i32>,
}

#[tokio::main]
async fn main() -> Result<(), openrouter_bindings::Error> {
    log::warnings_to_stderr();
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let city: City = client
        .chat("openai/gpt-4o-mini")
        .user("Tell me about Kyoto.")
        .response_format_for::<City>()
        .send()
        .await?
        .parse()?;
    println!("{city:#?}");
    Ok(())
}
