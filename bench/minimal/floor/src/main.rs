//! The least a program can compile to call the API: reqwest with its default TLS, serde_json.
#[derive(serde::Deserialize)]
struct Response {
    choices: Vec<Choice>,
}
#[derive(serde::Deserialize)]
struct Choice {
    message: Message,
}
#[derive(serde::Deserialize)]
struct Message {
    content: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let body = serde_json::json!({"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Say hi"}]});
    let response = reqwest::Client::new()
        .post("http://127.0.0.1:9/api/v1/chat/completions")
        .bearer_auth("key")
        .body(body.to_string())
        .send()
        .await?;
    let response: Response = serde_json::from_slice(&response.bytes().await?)?;
    println!("{:?}", response.choices[0].message.content);
    Ok(())
}
