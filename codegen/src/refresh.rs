//! `cargo run -p openrouter-bindings-codegen --bin refresh -- <URL | page.md | spec.yaml | spec.json>`
//!
//! Rewrites `openapi/chat-completions.yaml` (the page's YAML block, byte for byte) and
//! `openapi/SOURCE.md`, after checking that the new spec still generates.

use std::path::Path;

use crate::{Error, page, util::sha256_hex};

/// The command that refreshes the spec, as written in `SOURCE.md` and the README.
pub const COMMAND: &str = "cargo run -p openrouter-bindings-codegen --bin refresh -- <URL or file>";

/// Vendors `page` (read from `source` on `fetched`, unless its front matter says when) into
/// `openapi_dir`; returns the new spec's sha256.
pub fn refresh(page: &str, source: &str, fetched: &str, openapi_dir: &Path) -> Result<String, Error> {
    let spec = page::extract_spec(page)?;
    crate::build(&spec).map_err(|e| Error(format!("the new spec does not generate, nothing was written:\n{e}")))?;
    let sha = sha256_hex(spec.as_bytes());
    let url = page::front_matter(page, "url").unwrap_or_else(|| source.to_owned());
    let fetched = page::front_matter(page, "fetched_at").unwrap_or_else(|| fetched.to_owned());
    let source_md = format!(
        "# Source of `chat-completions.yaml`\n\n\
         The YAML block of OpenRouter's docs page, byte for byte. Do not edit it by hand: refresh it.\n\n\
         - URL: {url}\n\
         - Fetched from: {source}\n\
         - Fetched on: {fetched}\n\
         - sha256: `{sha}`\n\
         - Refresh: `{COMMAND}`, then `cargo insta test --review` to read what changed in the generated API.\n"
    );
    let write = |name: &str, text: &str| {
        std::fs::write(openapi_dir.join(name), text).map_err(|e| Error(format!("cannot write {name}: {e}")))
    };
    write("chat-completions.yaml", &spec)?;
    write("SOURCE.md", &source_md)?;
    Ok(sha)
}
