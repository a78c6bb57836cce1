//! The three programs a new user writes first, run against the mock: the cheapest models first, a
//! two-turn Responses tool loop, and an API key created, listed and deleted. Each program is the
//! function between its `// program:` and `// end` lines (the closing note of issue 21 counts
//! them); the tests check what each returns.
#![cfg(feature = "full")]

use openrouter_bindings::{
    Client, Error,
    mock::{MockReply, MockServer},
    types::CreateKeysRequest,
};
use serde_json::json;

// program: cheapest models first
async fn cheapest_models(client: &Client) -> Result<Vec<(String, f64)>, Error> {
    let models = client.get_models().send().await?.data;
    let mut priced: Vec<(String, f64)> =
        models.into_iter().filter_map(|m| Some((m.id, m.pricing.prompt.parse().ok()?))).collect();
    priced.sort_by(|a, b| a.1.total_cmp(&b.1));
    Ok(priced)
}
// end

// program: a two-turn Responses tool loop
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Weather {
    city: String,
}

async fn weather(client: &Client, question: &str) -> Result<String, Error> {
    let ask = || client.responses("openai/gpt-4o-mini").function::<Weather>("weather", "Today's weather in a city");
    let first = ask().input(question).send().await?;
    let mut next = ask().input(question).continue_from(&first);
    for call in first.function_calls() {
        let args: Weather = call.parse_arguments()?;
        next = next.function_output(&call.call_id, &format!("18°C and sunny in {}", args.city));
    }
    Ok(next.send().await?.output_text())
}
// end

// program: create, list and delete an API key
async fn key_round_trip(client: &Client) -> Result<(String, usize), Error> {
    let created = client.create_key(CreateKeysRequest::new("ci").with_limit(10.0)).send().await?;
    let listed = client.list_keys().send().await?.data.len();
    client.delete_key(&created.data.hash).send().await?;
    Ok((created.key, listed))
}
// end

#[tokio::test]
async fn the_cheapest_models_come_first() {
    let mock = MockServer::start().await;
    let models = cheapest_models(&mock.client()).await.unwrap();
    assert!(!models.is_empty());
    assert!(models.windows(2).all(|w| w[0].1 <= w[1].1), "{models:?}");
}

#[tokio::test]
async fn a_tool_call_is_answered_and_the_model_replies() {
    let mock = MockServer::start().await;
    mock.push(MockReply::tool_call("weather", json!({"city": "Paris"}))).push(MockReply::text("It is sunny."));
    let answer = weather(&mock.client(), "Weather in Paris?").await.unwrap();
    assert_eq!(answer, "It is sunny.");
    let second = mock.requests()[1].body.clone();
    let input = second["input"].as_array().unwrap();
    assert_eq!(input[0]["content"], "Weather in Paris?");
    assert_eq!(input[1]["type"], "function_call");
    assert_eq!(
        (input[2]["type"].as_str(), input[2]["output"].as_str()),
        (Some("function_call_output"), Some("18°C and sunny in Paris"))
    );
    assert_eq!(input[1]["call_id"], input[2]["call_id"]);
}

#[tokio::test]
async fn a_key_is_created_listed_and_deleted() {
    let mock = MockServer::start().await;
    let (key, listed) = key_round_trip(&mock.client()).await.unwrap();
    assert!(!key.is_empty());
    assert!(listed > 0);
    let requests = mock.requests();
    let calls: Vec<(String, String)> = requests.iter().map(|r| (r.method.clone(), r.path.clone())).collect();
    assert_eq!(calls[0], ("POST".to_owned(), "/api/v1/keys".to_owned()));
    assert_eq!(calls[1], ("GET".to_owned(), "/api/v1/keys".to_owned()));
    assert_eq!(calls[2].0, "DELETE");
    assert!(calls[2].1.starts_with("/api/v1/keys/"), "{calls:?}");
    assert_eq!(requests[0].body, json!({"name": "ci", "limit": 10.0}));
}
