//! Says a sentence (text to speech), writes the audio to a file, then transcribes that file back.
//!
//! ```sh
//! OPENROUTER_API_KEY=sk-or-... cargo run --example speech --features audio -- [TEXT]
//! ```
//!
//! With no key it runs on the crate's mock server, whose "audio" carries the text, so the
//! transcription reads it back exactly.

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
    let text: Vec<String> = std::env::args().skip(1).collect();
    let text = if text.is_empty() { "Hello from Rust".to_owned() } else { text.join(" ") };
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let path = std::env::temp_dir().join("openrouter-speech.mp3");
    let written = client.speech("openai/gpt-4o-mini-tts", &text).voice("alloy").format("mp3").save(&path).await?;
    println!("{written} bytes of audio written to {}", path.display());
    let heard = client.transcription("openai/whisper-large-v3").file(&path).await?.text().await?;
    println!("transcribed: {heard}");
    Ok(())
}
