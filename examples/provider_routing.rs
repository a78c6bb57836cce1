//! Provider preferences and model fallbacks: which providers may serve the request, in what
//! order, at what price, and which models to fall back to.
//!
//! `cargo run --example provider_routing` (offline on the mock without `OPENROUTER_API_KEY`).

use openrouter_bindings::{
    mock,
    types::{
        DataCollection, MaxPrice, PriceLimit, ProviderName, ProviderNameOrSlug, ProviderPreferences, ProviderSort,
        Route, SortBy,
    },
};

#[tokio::main]
async fn main() -> Result<(), openrouter_bindings::Error> {
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let provider = ProviderPreferences {
        order: Some(vec![
            ProviderNameOrSlug::ProviderName(ProviderName::Anthropic),
            ProviderNameOrSlug::String("google-vertex".into()),
        ]),
        allow_fallbacks: Some(true),
        data_collection: Some(DataCollection::Deny),
        sort: Some(ProviderSort::By(SortBy::Throughput)),
        max_price: Some(MaxPrice {
            prompt: Some(PriceLimit::Number(3.0)),
            completion: Some(PriceLimit::Number(15.0)),
            ..Default::default()
        }),
        ..Default::default()
    };
    let response = client
        .chat("anthropic/claude-sonnet-4")
        .models(["openai/gpt-4o", "google/gemini-2.5-pro"])
        .route(Route::Fallback)
        .provider(provider)
        .user("Say hello in French.")
        .send()
        .await?;
    println!("{}", response.text()?);
    println!("[served by {} via {}]", response.model, response.provider.as_deref().unwrap_or("?"));
    Ok(())
}
