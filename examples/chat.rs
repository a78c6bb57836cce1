//! The crate's main job: send one prompt, print the answer.
//!
//! ```sh
//! OPENROUTER_API_KEY=sk-or-... cargo run --example chat -- [--json] [--model M] PROMPT
//! ```
//!
//! `OPENROUTER_BASE_URL` points it elsewhere (a proxy, a local test server). With `--json` the whole
//! response is printed as one `chat.completion` JSON object. Any failure is one line on stderr and
//! a non-zero exit.

use std::process::ExitCode;

use openrouter_bindings::Client;

const USAGE: &str = "usage: chat [--json] [--model MODEL] PROMPT";
const DEFAULT_MODEL: &str = "openrouter/auto";

struct Args {
    json: bool,
    model: String,
    prompt: String,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut json, mut model, mut prompt) = (false, DEFAULT_MODEL.to_owned(), Vec::new());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--model" => model = args.next().ok_or("--model needs a value")?,
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ => prompt.push(arg),
        }
    }
    if prompt.is_empty() {
        return Err(USAGE.into());
    }
    Ok(Args { json, model, prompt: prompt.join(" ") })
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
    let client = Client::builder().from_env().app_title("openrouter-bindings chat example").build()?;
    let response = client.chat(args.model).user(args.prompt).send().await?;
    if args.json {
        println!("{}", serde_json::to_string(&response).expect("a response serializes"));
    } else {
        println!("{}", response.text()?);
    }
    Ok(())
}
