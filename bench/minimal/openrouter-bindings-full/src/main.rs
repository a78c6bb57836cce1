//! A chat request with openrouter-bindings, as its README shows it.
#[tokio::main]
async fn main() -> Result<(), openrouter_bindings::Error> {
    let client = openrouter_bindings::Client::builder().api_key("key").build()?;
    let response = client.chat("openai/gpt-4o-mini").user("Say hi").send().await?;
    println!("{}", response.text()?);
    Ok(())
}
