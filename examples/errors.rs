//! Matching on error kinds, and retries, shown on failures the mock injects.
//!
//! `cargo run --example errors` (always on the mock: the failures are scripted). With
//! `OPENROUTER_CASSETTE=<file>` the session goes through a cassette: recorded from the scripted
//! mock when `OPENROUTER_RECORD=1`, replayed from the file otherwise.

#[path = "common/log.rs"]
mod log;

use std::time::Duration;

use openrouter_bindings::{
    Error, RetryPolicy,
    mock::{CASSETTE_ENV, Cassette, MOCK_API_KEY, MockReply, MockServer, RECORD_ENV},
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
    let cassette = match std::env::var_os(CASSETTE_ENV) {
        None => None,
        Some(path) if std::env::var_os(RECORD_ENV).is_some() => {
            Some(MockServer::record(mock.url(), MOCK_API_KEY, path).await.expect("the cassette can be written"))
        }
        Some(path) => Some(MockServer::replay(Cassette::load(path).expect("the cassette can be read")).await),
    };
    // The server the client talks to: the scripted mock, or a cassette in front of it.
    let server = cassette.as_ref().unwrap_or(&mock);
    let retry = RetryPolicy::with_max_retries(2).initial_backoff(Duration::from_millis(50));
    let client = server.client_builder().retry(retry).build().expect("valid configuration");
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

    println!("an error event mid-stream:");
    mock.push(MockReply::mid_stream_error("Half an ans", "server_error", "Provider disconnected"));
    let streamed = async {
        let response = client.chat("m").user("hi").stream().await?.collect_response().await?;
        Ok(response.text()?.into_owned())
    };
    explain(streamed.await);

    println!("a stream cut mid-answer:");
    mock.push(MockReply::cut_connection("Once upon a"));
    let streamed = async {
        let response = client.chat("m").user("hi").stream().await?.collect_response().await?;
        Ok(response.text()?.into_owned())
    };
    explain(streamed.await);

    println!("the server saw {} requests", server.requests().len());
}
