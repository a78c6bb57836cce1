//! Build-time half of `openrouter-bindings`: vendored spec → normalized OpenAPI 3.0 → Rust code.
//!
//! The flow is `page::extract_spec` (refresh only) → [`normalize::normalize`] (generic rewrites)
//! → [`fixes::apply`] (named upstream mistakes) → [`generate::generate`] (progenitor, then
//! [`derives`], then prettyplease).
//! `build.rs` calls [`build`]; the `refresh` binary calls [`page::extract_spec`].

pub mod derives;
pub mod fixes;
pub mod generate;
pub mod normalize;
pub mod page;
pub mod refresh;
pub mod summary;
mod util;

use serde_json::Value;

/// What one run of the pipeline produces.
pub struct Output {
    /// The normalized OpenAPI 3.0 document progenitor read, pretty JSON.
    pub normalized_json: String,
    /// The generated Rust code, formatted, with its "do not edit" header.
    pub code: String,
}

/// An error that names where in the spec the pipeline gave up.
#[derive(Debug)]
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

/// Turns the normalized document into the spec progenitor reads (before generation).
pub fn normalized(spec_text: &str) -> Result<Value, Error> {
    let mut spec = parse_yaml(spec_text)?;
    normalize::normalize(&mut spec)?;
    fixes::apply(&mut spec)?;
    normalize::finish(&mut spec)?;
    Ok(spec)
}

/// Runs the whole pipeline on the vendored spec text.
///
/// The normalized document is the API contract (what Prism serves); progenitor reads a copy whose
/// response side is opened so that unknown values decode (see [`normalize::open_response_side`]).
pub fn build(spec_text: &str) -> Result<Output, Error> {
    generate_from(spec_text, normalized(spec_text)?)
}

/// Generates from an already normalized document (split out so tests can feed one in).
pub fn generate_from(spec_text: &str, spec: Value) -> Result<Output, Error> {
    let mut for_codegen = spec.clone();
    normalize::unions_for_codegen(&mut for_codegen);
    normalize::open_response_side(&mut for_codegen);
    let code = generate::generate(&for_codegen, &util::sha256_hex(spec_text.as_bytes()))?;
    let normalized_json = serde_json::to_string_pretty(&spec).expect("a JSON value serializes") + "\n";
    Ok(Output { normalized_json, code })
}
