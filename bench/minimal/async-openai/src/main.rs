//! A chat request with async-openai, as its README shows it (only the chat feature).
use async_openai::{
    Client,
    config::OpenAIConfig,
    types::chat::{ChatCompletionRequestUserMessage, CreateChatCompletionRequestArgs},
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client =
        Client::with_config(OpenAIConfig::new().with_api_base("https://openrouter.ai/api/v1").with_api_key("key"));
    let request = CreateChatCompletionRequestArgs::default()
        .model("openai/gpt-4o-mini")
        .messages([ChatCompletionRequestUserMessage::from("Say hi").into()])
        .build()?;
    let response = client.chat().create(request).await?;
    println!("{:?}", response.choices[0].message.content);
    Ok(())
}
