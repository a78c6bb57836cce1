//! Creates a video job, waits for it (polling with backoff, up to a deadline), and downloads the
//! video as it streams in.
//!
//! ```sh
//! OPENROUTER_API_KEY=sk-or-... cargo run --example video --features video -- [PROMPT]
//! ```
//!
//! With no key it runs on the crate's mock server, whose jobs finish after two polls.

#[path = "common/log.rs"]
mod log;

use std::{process::ExitCode, time::Duration};

use openrouter_bindings::mock;

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

async fn run() -> Result<(), openrouter_bindings::Error> {
    let prompt: Vec<String> = std::env::args().skip(1).collect();
    let prompt = if prompt.is_empty() { "a cat surfing a wave".to_owned() } else { prompt.join(" ") };
    let (builder, mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let mut job = client.video("google/veo-3.1", prompt).send().await?;
    if mock.is_some() {
        job = job.poll_interval(Duration::from_millis(50), Duration::from_millis(200));
    }
    println!("job {} is {}", job.id(), job.state().status);
    let done = job.wait(Duration::from_secs(15 * 60)).await?;
    println!("job {} is {}", done.id, done.status);
    let path = std::env::temp_dir().join("openrouter-video.mp4");
    let mut file = tokio::fs::File::create(&path)
        .await
        .map_err(|e| openrouter_bindings::Error::InvalidRequest(format!("cannot create {}: {e}", path.display())))?;
    let written = job.download(0).await?.write_to(&mut file).await?;
    println!("{written} bytes of video written to {}", path.display());
    Ok(())
}
