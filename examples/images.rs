//! Generates an image and writes it to a file.
//!
//! ```sh
//! OPENROUTER_API_KEY=sk-or-... cargo run --example images --features images -- [--stream] [PROMPT]
//! ```
//!
//! With no key it runs on the crate's mock server (whose image is one pixel). The file goes to the
//! system's temporary directory; its path is printed.

#[path = "common/log.rs"]
mod log;

use std::process::ExitCode;

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
    let stream = std::env::args().nth(1).as_deref() == Some("--stream");
    let prompt: Vec<String> = std::env::args().skip(1).filter(|a| a != "--stream").collect();
    let prompt = if prompt.is_empty() { "a red bicycle".to_owned() } else { prompt.join(" ") };
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let request = client.images("openai/gpt-image-1", &prompt);
    let images = if stream { request.stream().await?.collect_images().await? } else { request.generate().await? };
    for (i, image) in images.iter().enumerate() {
        let extension = image.media_type.as_deref().and_then(|t| t.strip_prefix("image/")).unwrap_or("bin");
        let path = std::env::temp_dir().join(format!("openrouter-image-{i}.{extension}"));
        std::fs::write(&path, &image.bytes)
            .map_err(|e| openrouter_bindings::Error::InvalidRequest(format!("cannot write {}: {e}", path.display())))?;
        println!("{} bytes written to {}", image.bytes.len(), path.display());
    }
    Ok(())
}
