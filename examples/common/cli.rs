//! The command line the conversation examples share (`chat`, `responses`, `messages`):
//! `[--stream] [--json] [--model M] PROMPT`. Every failure is one line on stderr and a non-zero exit.

use std::{future::Future, process::ExitCode};

pub struct Args {
    pub stream: bool,
    pub json: bool,
    pub model: String,
    pub prompt: String,
}

fn parse(name: &str, default_model: &str, mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let usage = format!("usage: {name} [--stream] [--json] [--model MODEL] PROMPT");
    let (mut stream, mut json, mut model, mut prompt) = (false, false, default_model.to_owned(), Vec::new());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--stream" => stream = true,
            "--model" => model = args.next().ok_or("--model needs a value")?,
            "-h" | "--help" => return Err(usage),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{usage}")),
            _ => prompt.push(arg),
        }
    }
    if prompt.is_empty() {
        return Err(usage);
    }
    Ok(Args { stream, json, model, prompt: prompt.join(" ") })
}

/// Parses the command line and runs `run` on it: exit 2 on a usage error, 1 on a failure.
pub async fn main<F, Fut>(name: &str, default_model: &str, run: F) -> ExitCode
where
    F: FnOnce(Args) -> Fut,
    Fut: Future<Output = Result<(), openrouter_bindings::Error>>,
{
    let args = match parse(name, default_model, std::env::args().skip(1)) {
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

/// Prints a text delta as it arrives.
pub fn print_delta(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout();
    let _ = write!(stdout, "{text}");
    let _ = stdout.flush();
}
