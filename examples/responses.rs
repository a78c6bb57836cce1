//! One prompt through the Responses API (OpenAI Responses compatible), printed as it arrives or
//! at the end.
//!
//! ```sh
//! OPENROUTER_API_KEY=sk-or-... cargo run --example responses --features responses -- [--stream] [--json] [--model M] PROMPT
//! ```
//!
//! Like the `chat` example: with no `OPENROUTER_API_KEY` (and no `OPENROUTER_BASE_URL`) it runs on
//! the crate's mock server, saying so on stderr. `--json` prints the final response as one JSON
//! object (streamed, the one the terminal event carried). Any failure, a truncated stream or an
//! error event included, is one line on stderr and a non-zero exit.

#[path = "common/log.rs"]
mod log;

#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

use cli::{Args, print_delta};
use futures_util::StreamExt;
use openrouter_bindings::{ResponsesAccumulator, mock, types::StreamEvents};

#[tokio::main]
async fn main() -> ExitCode {
    log::warnings_to_stderr();
    cli::main("responses", "openai/gpt-4o-mini", run).await
}

async fn run(args: Args) -> Result<(), openrouter_bindings::Error> {
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.app_title("openrouter-bindings responses example").build()?;
    let request = client.responses(args.model).input(args.prompt);
    let response = if args.stream {
        let mut stream = request.stream().await?;
        let mut all = ResponsesAccumulator::default();
        while let Some(event) = stream.next().await {
            let event = event?;
            if let (StreamEvents::ResponseOutputTextDelta(delta), false) = (&event, args.json) {
                print_delta(&delta.delta);
            }
            all.push(&event);
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
        println!("{}", response.output_text());
    }
    Ok(())
}
