//! Reads the vendored spec, normalizes and fixes it, and generates the bindings into `OUT_DIR`.
//! All the logic lives in `codegen/`; this file only moves bytes.

use std::{env, fs, path::Path};

const SPEC: &str = "openapi/openrouter.yaml";

/// Builds from another spec file instead (the history replay: `.ci/replay`).
const SPEC_OVERRIDE: &str = "OPENROUTER_BINDINGS_SPEC";

fn main() {
    println!("cargo:rerun-if-env-changed={SPEC_OVERRIDE}");
    let spec_path = env::var(SPEC_OVERRIDE).unwrap_or_else(|_| SPEC.to_owned());
    println!("cargo:rerun-if-changed={spec_path}");
    let spec = fs::read_to_string(&spec_path).unwrap_or_else(|e| panic!("cannot read {spec_path}: {e}"));
    // The API areas to generate are the crate's enabled features that name one (`chat`, `models`, ...).
    let enabled: Vec<String> = env::vars()
        .filter_map(|(key, _)| Some(key.strip_prefix("CARGO_FEATURE_")?.to_lowercase().replace('_', "-")))
        .collect();
    let areas: Vec<&str> = openrouter_bindings_codegen::areas::AREAS
        .iter()
        .map(|(area, _)| *area)
        .chain(["full"])
        .filter(|area| enabled.iter().any(|e| e == area))
        .collect();
    let output = match openrouter_bindings_codegen::build(&spec, &areas) {
        Ok(output) => output,
        Err(e) => {
            eprintln!("error: cannot generate bindings from {spec_path}:\n{e}");
            std::process::exit(1);
        }
    };
    // A spec without what an enabled feature's hand-written conveniences use: say so here, not as
    // compile errors inside src/.
    let features: Vec<&str> = enabled.iter().map(String::as_str).collect();
    let unmet = openrouter_bindings_codegen::needs::unmet(&output.code, &features);
    if !unmet.is_empty() {
        let message = openrouter_bindings_codegen::needs::message(&unmet, &spec_path, &spec, &output.spec_version);
        eprintln!("error: {message}");
        std::process::exit(1);
    }
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    write_if_changed(&Path::new(&out_dir).join("codegen.rs"), &output.code);
    write_if_changed(&Path::new(&out_dir).join("openapi.normalized.json"), &output.normalized_json);
    write_if_changed(&Path::new(&out_dir).join("every_operation.rs"), &output.every_operation);
}

/// Leaves the file (and its mtime) alone when nothing changed.
fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        fs::write(path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}
