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

use std::{io::Write, process::ExitCode};

use futures_util::StreamExt;
use openrouter_bindings::{ChatStreamAccumulator, mock};

const USAGE: &str = "usage: chat [--stream] [--json] [--model MODEL] PROMPT";
const DEFAULT_MODEL: &str = "openrouter/auto";

struct Args {
    stream: bool,
    json: bool,
    model: String,
    prompt: String,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut stream, mut json, mut model, mut prompt) = (false, false, DEFAULT_MODEL.to_owned(), Vec::new());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--stream" => stream = true,
            "--model" => model = args.next().ok_or("--model needs a value")?,
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ => prompt.push(arg),
        }
    }
    if prompt.is_empty() {
        return Err(USAGE.into());
    }
    Ok(Args { stream, json, model, prompt: prompt.join(" ") })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), openrouter_bindings::Error> {
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.app_title("openrouter-bindings chat example").build()?;
    let request = client.chat(args.model).user(args.prompt);
    let response = if args.stream {
        let mut stream = request.stream().await?;
        let mut all = ChatStreamAccumulator::default();
        let mut stdout = std::io::stdout();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if !args.json {
                for choice in chunk.choices.iter().filter(|c| c.index == 0) {
                    let _ = write!(stdout, "{}", choice.delta.content.as_deref().unwrap_or_default());
                    let _ = stdout.flush();
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
