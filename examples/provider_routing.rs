//! Provider preferences and model fallbacks: which providers may serve the request, in what
//! order, at what price, and which models to fall back to.
//!
//! `cargo run --example provider_routing` (offline on the mock without `OPENROUTER_API_KEY`).

#[path = "common/log.rs"]
mod log;

use openrouter_bindings::{
    mock,
    types::{
        ProviderName, ProviderPreferences, ProviderPreferencesDataCollection, ProviderPreferencesMaxPrice,
        ProviderPreferencesOrderItem, ProviderPreferencesSort, ProviderSort,
    },
};

#[tokio::main]
async fn main() -> Result<(), openrouter_bindings::Error> {
    log::warnings_to_stderr();
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    // Generated structs with `Default` are `#[non_exhaustive]` (a spec refresh may add fields):
    // build them from the default with their `with_*` setters.
    let provider = ProviderPreferences::default()
        .with_order(vec![
            ProviderPreferencesOrderItem::ProviderName(ProviderName::Anthropic),
            ProviderPreferencesOrderItem::String("google-vertex".into()),
        ])
        .with_allow_fallbacks(true)
        .with_data_collection(ProviderPreferencesDataCollection::Deny)
        .with_sort(ProviderPreferencesSort::Value(ProviderSort::Throughput))
        // USD per million tokens, as decimal strings.
        .with_max_price(
            ProviderPreferencesMaxPrice::default().with_prompt("3".to_owned()).with_completion("15".to_owned()),
        );
    let response = client
        .chat("anthropic/claude-sonnet-4")
        .models(["openai/gpt-4o", "google/gemini-2.5-pro"])
        .provider(provider)
        .user("Say hello in French.")
        .send()
        .await?;
    println!("{}", response.text()?);
    println!("[served by {} via {}]", response.model, response.provider.as_deref().unwrap_or("?"));
    Ok(())
}
