//! The crate's main job: send one prompt, print the answer.
//!
//! ```sh
//! OPENROUTER_API_KEY=sk-or-... cargo run --example chat -- [--stream] [--json] [--model M] PROMPT
//! ```
//!
//! With no `OPENROUTER_API_KEY` it starts the crate's mock server (`openrouter_bindings::mock`), says
//! so in one line on stderr, and runs the very same code against it: no network, no key.
//!
//! `OPENROUTER_BASE_URL` points it elsewhere (a proxy, a local test server). With `--json` the whole
//! response is printed as one `chat.completion` JSON object. With `--stream` the text is printed as
//! it arrives (and with `--json`, the assembled response at the end). Any failure, a broken or
//! truncated stream or a provider error on the choice included, is one line on stderr and a
//! non-zero exit (with `--json`, after the JSON is printed).

#[path = "common/log.rs"]
mod log;

#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

use cli::{Args, print_delta};
use futures_util::StreamExt;
use openrouter_bindings::{ChatStreamAccumulator, mock};

#[tokio::main]
async fn main() -> ExitCode {
    log::warnings_to_stderr();
    cli::main("chat", "openrouter/auto", run).await
}

async fn run(args: Args) -> Result<(), openrouter_bindings::Error> {
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.app_title("openrouter-bindings chat example").build()?;
    let request = client.chat(args.model).user(args.prompt);
    let response = if args.stream {
        let mut stream = request.stream().await?;
        let mut all = ChatStreamAccumulator::default();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if !args.json {
                for choice in chunk.choices.iter().filter(|c| c.index.unwrap_or(0) == 0) {
                    print_delta(choice.delta.content.as_deref().unwrap_or_default());
                }
            }
            all.push(&chunk);
        }
        if !args.json {
            println!();
        }
        all.finish()?
    } else {
        request.send().await?
    };
    if args.json {
        println!("{}", serde_json::to_string(&response).expect("a response serializes"));
    } else if !args.stream {
        println!("{}", response.text()?);
    }
    // Whatever was printed, a provider error on the choice fails the run.
    response.text()?;
    Ok(())
}
