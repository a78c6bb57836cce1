//! One prompt through the Messages API (Anthropic compatible), printed as it arrives or at the end.
//!
//! ```sh
//! OPENROUTER_API_KEY=sk-or-... cargo run --example messages --features messages -- [--stream] [--json] [--model M] PROMPT
//! ```
//!
//! Like the `chat` example: with no `OPENROUTER_API_KEY` (and no `OPENROUTER_BASE_URL`) it runs on
//! the crate's mock server, saying so on stderr. `--json` prints the final message as one JSON
//! object (streamed, the one assembled from the events). Any failure, a stream without
//! `message_stop` or an `error` event included, is one line on stderr and a non-zero exit.

#[path = "common/log.rs"]
mod log;

#[path = "common/cli.rs"]
mod cli;

use std::process::ExitCode;

use cli::{Args, print_delta};
use futures_util::StreamExt;
use openrouter_bindings::{MessagesAccumulator, mock};

#[tokio::main]
async fn main() -> ExitCode {
    log::warnings_to_stderr();
    cli::main("messages", "anthropic/claude-sonnet-4", run).await
}

async fn run(args: Args) -> Result<(), openrouter_bindings::Error> {
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.app_title("openrouter-bindings messages example").build()?;
    let request = client.messages(args.model).user(args.prompt).max_tokens(1024);
    let message = if args.stream {
        let mut stream = request.stream().await?;
        let mut all = MessagesAccumulator::default();
        while let Some(event) = stream.next().await {
            let event = event?;
            let before = all.text().len();
            all.push(&event);
            if !args.json {
                print_delta(&all.text()[before..]);
            }
        }
        if !args.json {
            println!();
        }
        all.finish()?
    } else {
        request.send().await?
    };
    if args.json {
        println!("{}", serde_json::to_string(&message).expect("a message serializes"));
    } else if !args.stream {
        println!("{}", message.text());
    }
    Ok(())
}
