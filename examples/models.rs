//! Lists OpenRouter's models with their context length and prices, cheapest prompt first.
//!
//! `cargo run --example models [-- CATEGORY]` (offline on the mock without `OPENROUTER_API_KEY`).
//! The optional category filters the list (`programming`, `roleplay`, ...), as `GET /models?category=` does.

#[path = "common/log.rs"]
mod log;

use std::process::ExitCode;

use openrouter_bindings::{mock, types::GetModelsCategory};

/// USD per million tokens, from the API's price string (USD per token).
fn per_million(price: &str) -> Option<f64> {
    price.parse::<f64>().ok().map(|usd| usd * 1e6)
}

async fn run() -> Result<(), openrouter_bindings::Error> {
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let mut request = client.get_models();
    if let Some(category) = std::env::args().nth(1) {
        let category: GetModelsCategory = serde_json::from_value(serde_json::Value::String(category.clone()))
            .map_err(|_| openrouter_bindings::Error::InvalidRequest(format!("unknown category `{category}`")))?;
        request = request.category(category);
    }
    let mut models = request.send().await?.data;
    models.sort_by(|a, b| {
        let price = |m: &openrouter_bindings::types::Model| per_million(&m.pricing.prompt).unwrap_or(f64::MAX);
        price(a).total_cmp(&price(b))
    });
    println!("{:<40} {:>10} {:>14} {:>14}", "model", "context", "$/M prompt", "$/M completion");
    for model in &models {
        let context = model.context_length.map_or("?".to_owned(), |c| c.to_string());
        let price = |p: &str| per_million(p).map_or("?".to_owned(), |v| format!("{v:.2}"));
        println!(
            "{:<40} {:>10} {:>14} {:>14}",
            model.id,
            context,
            price(&model.pricing.prompt),
            price(&model.pricing.completion)
        );
    }
    println!("{} models", models.len());
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
