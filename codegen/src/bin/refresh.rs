//! Refreshes the vendored spec: `cargo run -p openrouter-bindings-codegen --bin refresh -- <URL or file>`.

use std::{path::Path, process::Command};

fn main() {
    let source =
        std::env::args().nth(1).unwrap_or_else(|| openrouter_bindings_codegen::refresh::CANONICAL_URL.to_owned());
    let page = if source.starts_with("http://") || source.starts_with("https://") {
        let out = Command::new("curl").args(["-fsSL", &source]).output().expect("curl runs");
        if !out.status.success() {
            eprintln!("error: cannot fetch {source}: {}", String::from_utf8_lossy(&out.stderr).trim());
            std::process::exit(1);
        }
        String::from_utf8(out.stdout).unwrap_or_else(|_| {
            eprintln!("error: {source} did not answer UTF-8 text");
            std::process::exit(1);
        })
    } else {
        std::fs::read_to_string(&source).unwrap_or_else(|e| {
            eprintln!("error: cannot read {source}: {e}");
            std::process::exit(1);
        })
    };
    let today = Command::new("date").args(["-u", "+%Y-%m-%d"]).output().expect("date runs");
    let today = String::from_utf8_lossy(&today.stdout).trim().to_owned();
    let openapi = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi");
    match openrouter_bindings_codegen::refresh::refresh(&page, &source, &today, &openapi) {
        Ok(sha) => {
            println!("vendored {source} (sha256 {sha}); now run `cargo insta test --review` to review the API diff")
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
