//! `cargo run -p openrouter-bindings-codegen --release --bin replay -- <spec.yaml>...`: each version
//! of the published spec through the pipeline, as a markdown table. Exits non-zero when one fails.
//!
//! `-- --per-area <spec.yaml>`: the operations and generated lines of each area on its own.

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, file] = files.as_slice()
        && flag == "--per-area"
    {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
        print!("{}", openrouter_bindings_codegen::replay::per_area(&text));
        return;
    }
    if files.is_empty() {
        eprintln!("usage: replay <spec.yaml>... (e.g. codegen/tests/fixtures/history/*.yaml)");
        std::process::exit(2);
    }
    let paths: Vec<std::path::PathBuf> = files.iter().map(Into::into).collect();
    let rows = openrouter_bindings_codegen::replay::replay_files(&paths);
    print!("{}", openrouter_bindings_codegen::replay::table(&rows));
    if rows.iter().any(|r| r.generated.is_err()) {
        std::process::exit(1);
    }
}
