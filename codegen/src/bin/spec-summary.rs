//! What changed between two versions of the spec, in Markdown (the refresh pull request's body):
//! `cargo run -p openrouter-bindings-codegen --bin spec-summary -- OLD NEW`.
//!
//! `-- --listing SPEC`: the public API listing of one spec (what `codegen/tests/generator/api.rs` snapshots).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, spec] = args.as_slice()
        && flag == "--listing"
    {
        let text = std::fs::read_to_string(spec).unwrap_or_else(|e| {
            eprintln!("error: cannot read {spec}: {e}");
            std::process::exit(1);
        });
        match openrouter_bindings_codegen::listing::Api::of_spec(&text) {
            Ok(api) => print!("{}", api.listing()),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let [old, new] = args.as_slice() else {
        eprintln!("usage: spec-summary OLD NEW | --listing SPEC (each a spec, YAML or JSON, or a docs page)");
        std::process::exit(2);
    };
    let read = |path: &str| {
        std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("error: cannot read {path}: {e}");
            std::process::exit(1);
        })
    };
    match openrouter_bindings_codegen::summary::summarize(&read(old), &read(new)) {
        Ok(summary) => print!("{summary}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
