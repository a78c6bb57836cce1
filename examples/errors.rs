//! Matching on error kinds, and retries, shown on failures the mock injects.
//!
//! `cargo run --example errors` (always on the mock: the failures are scripted).

#[path = "common/log.rs"]
mod log;

use std::time::Duration;

use openrouter_bindings::{
    Error, RetryPolicy,
    mock::{MockReply, MockServer},
};

fn explain(result: Result<String, Error>) {
    match result {
        Ok(text) => println!("  ok: {text}"),
        Err(Error::Api(e)) if e.status == 402 => println!("  out of credits: {}", e.message()),
        Err(Error::Api(e)) if e.moderation().is_some() => {
            println!("  flagged for {:?}", e.moderation().map(|m| m.reasons))
        }
        Err(Error::StreamTruncated { partial_text, .. }) => println!("  truncated after {partial_text:?}; retry it"),
        Err(e) if e.is_retryable() => println!("  retryable, gave up: {e}"),
        Err(e) => println!("  failed: {e}"),
    }
}

#[tokio::main]
async fn main() {
    log::warnings_to_stderr();
    let mock = MockServer::start().await;
    let retry = RetryPolicy::with_max_retries(2).initial_backoff(Duration::from_millis(50));
    let client = mock.client_builder().retry(retry).build().expect("valid configuration");
    let ask = || async { client.chat("m").user("hi").send().await.and_then(|r| Ok(r.text()?.into_owned())) };

    println!("429 with Retry-After, then success (retried):");
    mock.push(MockReply::error(429, "Rate limited").retry_after(1)).push(MockReply::text("worked on the second try"));
    explain(ask().await);

    println!("503 three times (retries run out):");
    for _ in 0..3 {
        mock.push(MockReply::error(503, "No provider available"));
    }
    explain(ask().await);

    println!("402 (never retried):");
    mock.push(MockReply::error(402, "Insufficient credits"));
    explain(ask().await);

    println!("403 moderation:");
    mock.push(MockReply::error_with_metadata(
        403,
        "Input flagged",
        serde_json::json!({"reasons": ["harassment"], "flagged_input": "..."}),
    ));
    explain(ask().await);

    println!("a stream cut mid-answer:");
    mock.push(MockReply::cut_connection("Once upon a"));
    let streamed = async {
        let response = client.chat("m").user("hi").stream().await?.collect_response().await?;
        Ok(response.text()?.into_owned())
    };
    explain(streamed.await);

    println!("the server saw {} requests", mock.requests().len());
}
