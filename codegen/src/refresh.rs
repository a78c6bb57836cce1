//! `cargo run -p openrouter-bindings-codegen --bin refresh -- [<URL | spec.yaml | spec.json | page.md>]`
//!
//! Rewrites `openapi/openrouter.yaml` (the spec, byte for byte) and `openapi/SOURCE.md`, after
//! checking that the new spec generates with every area. Without an argument it fetches
//! [`CANONICAL_URL`]. A docs page (`send-chat-completion-request.mdx`) is accepted too: its YAML
//! block becomes the spec, and only its operation is generated.

use std::path::Path;

use crate::{Error, Source, page, util::sha256_hex};

/// Where OpenRouter publishes its spec.
pub const CANONICAL_URL: &str = "https://openrouter.ai/openapi.yaml";

/// The command that refreshes the spec, as written in `SOURCE.md` and the README.
pub const COMMAND: &str = "cargo run -p openrouter-bindings-codegen --bin refresh -- [URL or file]";

/// The vendored spec's file name in `openapi/`.
pub const SPEC_FILE: &str = "openrouter.yaml";

/// The URL the weekly refresh fetches after this one: `source` when it is a URL; for a local file,
/// the URL `SOURCE.md` already names (a file on one machine is no URL for the next run), else
/// [`CANONICAL_URL`].
fn weekly_url(source: &str, openapi_dir: &Path) -> String {
    if source.starts_with("https://") || source.starts_with("http://") {
        return source.to_owned();
    }
    std::fs::read_to_string(openapi_dir.join("SOURCE.md"))
        .ok()
        .and_then(|md| md.lines().find_map(|l| l.strip_prefix("- URL: ").map(str::to_owned)))
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .unwrap_or_else(|| CANONICAL_URL.to_owned())
}

/// Vendors `text` (read from `source` on `fetched`, unless a page's front matter says when) into
/// `openapi_dir`; returns the new spec's sha256. Nothing is written when it does not generate.
pub fn refresh(text: &str, source: &str, fetched: &str, openapi_dir: &Path) -> Result<String, Error> {
    let spec = page::extract_spec(text)?;
    crate::build(&spec, &["full"])
        .map_err(|e| Error(format!("the new spec does not generate, nothing was written:\n{e}")))?;
    let sha = sha256_hex(spec.as_bytes());
    let url = page::front_matter(text, "url").unwrap_or_else(|| weekly_url(source, openapi_dir));
    let fetched = page::front_matter(text, "fetched_at").unwrap_or_else(|| fetched.to_owned());
    let kind = match Source::of(&crate::parse_yaml(&spec)?) {
        Source::Published => "The spec OpenRouter publishes, byte for byte.",
        Source::DocsPage => "The YAML block of one of OpenRouter's docs pages, byte for byte (chat only).",
    };
    let source_md = format!(
        "# Source of `{SPEC_FILE}`\n\n\
         {kind} Do not edit it by hand: refresh it.\n\n\
         - URL: {url}\n\
         - Fetched from: {source}\n\
         - Fetched on: {fetched}\n\
         - sha256: `{sha}`\n\
         - Refresh: `{COMMAND}` (no argument: {CANONICAL_URL}), then `cargo insta test --review` to read what \
         changed in the generated API.\n"
    );
    let write = |name: &str, text: &str| {
        std::fs::write(openapi_dir.join(name), text).map_err(|e| Error(format!("cannot write {name}: {e}")))
    };
    write(SPEC_FILE, &spec)?;
    write("SOURCE.md", &source_md)?;
    Ok(sha)
}
