//! A chat request with openrouter-rs, as its README shows it.
use openrouter_rs::{
    OpenRouterClient,
    api::chat::{ChatCompletionRequest, Message},
    types::Role,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = OpenRouterClient::builder().api_key("key").build()?;
    let request = ChatCompletionRequest::builder()
        .model("openai/gpt-4o-mini")
        .messages(vec![Message::new(Role::User, "Say hi")])
        .build()?;
    let response = client.chat().create(&request).await?;
    println!("{:?}", response.choices[0].content());
    Ok(())
}
