//! Build-time half of `openrouter-bindings`: vendored spec → normalized OpenAPI 3.0 → Rust code.
//!
//! The flow is `page::extract_spec` (refresh only) → [`normalize::normalize`] (generic rewrites)
//! → [`fixes::apply`] (named upstream mistakes) → [`generate::generate`] (progenitor, then
//! [`derives`], then prettyplease).
//! `build.rs` calls [`build`]; the `refresh` binary calls [`page::extract_spec`].

pub mod api_diff;
pub mod areas;
pub mod derives;
pub mod examples;
pub mod fixes;
pub mod generate;
pub mod listing;
pub mod names;
pub mod needs;
pub mod normalize;
pub mod operations;
pub mod page;
pub mod refresh;
pub mod replay;
pub mod summary;
mod util;

use serde_json::Value;

/// The two kinds of input the pipeline reads; each has its own fixes and names tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The whole spec OpenRouter publishes at <https://openrouter.ai/openapi.yaml>: the build input.
    Published,
    /// The YAML block of one docs page (`send-chat-completion-request.mdx`), where the crate began.
    DocsPage,
}

impl Source {
    /// The docs pages' generator versions their spec `endpoint_<area>.<operation>`.
    pub fn of(spec: &Value) -> Source {
        let version = spec.pointer("/info/version").and_then(Value::as_str).unwrap_or_default();
        if version.starts_with("endpoint_") { Source::DocsPage } else { Source::Published }
    }

    /// Its table of upstream mistakes.
    pub fn fixes(self) -> &'static [fixes::Fix] {
        match self {
            Source::Published => fixes::FIXES,
            Source::DocsPage => fixes::PAGE_FIXES,
        }
    }

    /// Its table of names.
    pub fn names(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Source::Published => normalize::NAMES,
            Source::DocsPage => normalize::PAGE_NAMES,
        }
    }
}

/// What one run of the pipeline produces.
pub struct Output {
    /// The normalized OpenAPI 3.0 document progenitor read, pretty JSON.
    pub normalized_json: String,
    /// The generated Rust code, formatted, with its "do not edit" header.
    pub code: String,
    /// Test code calling every generated operation once ([`examples::every_operation`]).
    pub every_operation: String,
    /// The spec's `info.version`.
    pub spec_version: String,
}

/// An error that names where in the spec the pipeline gave up.
#[derive(Debug, Clone)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Parses the vendored YAML (anchors and aliases resolved) into JSON.
pub fn parse_yaml(text: &str) -> Result<Value, Error> {
    serde_yaml_ng::from_str(text).map_err(|e| Error(format!("the vendored spec is not valid YAML: {e}")))
}

/// Turns the vendored spec into the normalized document: only the operations of `areas` (see
/// [`areas::keep`]), each operation's inline schemas lifted into named components.
pub fn normalized(spec_text: &str, areas: &[&str]) -> Result<Value, Error> {
    Ok(normalized_and_renamed(spec_text, areas)?.0)
}

/// [`normalized`], with the type names [`names::shorten`] changed: `(typify's name, new name)`.
pub fn normalized_and_renamed(spec_text: &str, areas: &[&str]) -> Result<(Value, Vec<(String, String)>), Error> {
    let mut spec = parse_yaml(spec_text)?;
    let source = Source::of(&spec);
    areas::keep(&mut spec, areas)?;
    normalize::normalize(&mut spec)?;
    fixes::apply(&mut spec, source.fixes())?;
    operations::lift_inline_schemas(&mut spec)?;
    normalize::finish(&mut spec, source.names())?;
    // Again: `finish` inlines aliases, some of which were an operation's body or answer.
    operations::lift_inline_schemas(&mut spec)?;
    operations::rust_names(&mut spec)?;
    let renamed = names::shorten(&mut spec)?;
    Ok((spec, renamed))
}

/// Runs the whole pipeline on the vendored spec text, for the operations of `areas`.
///
/// The normalized document is the API contract (what Prism serves); progenitor reads a copy whose
/// response side is opened so that unknown values decode (see [`normalize::open_response_side`]).
pub fn build(spec_text: &str, areas: &[&str]) -> Result<Output, Error> {
    generate_from(spec_text, normalized(spec_text, areas)?)
}

/// [`build`] with every area on, run once per spec text in this process and shared between
/// threads. The refresh tools and the generator's tests ask for the same version more than once
/// (the replay and the summary of one history, a version summarized with itself), and each run
/// takes seconds.
pub fn build_every_area(spec_text: &str) -> std::sync::Arc<Result<Output, Error>> {
    static RUNS: util::OncePerText<Result<Output, Error>> = util::OncePerText::new();
    RUNS.get(spec_text, || build(spec_text, &["full"]))
}

/// Generates from an already normalized document (split out so tests can feed one in).
pub fn generate_from(spec_text: &str, spec: Value) -> Result<Output, Error> {
    let mut for_codegen = spec.clone();
    normalize::unions_for_codegen(&mut for_codegen);
    normalize::open_response_side(&mut for_codegen);
    names::lift_long_inline(&mut for_codegen)?;
    let code = generate::generate(&for_codegen, &util::sha256_hex(spec_text.as_bytes()))?;
    let every_operation = examples::every_operation(&spec);
    let spec_version = spec.pointer("/info/version").and_then(Value::as_str).unwrap_or("?").to_owned();
    let mut contract = spec;
    normalize::contract_nullability(&mut contract);
    let normalized_json = serde_json::to_string_pretty(&contract).expect("a JSON value serializes") + "\n";
    Ok(Output { normalized_json, code, every_operation, spec_version })
}
