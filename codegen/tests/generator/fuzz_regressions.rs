//! The normalize fuzz target's regression form: every saved input (the vendored spec, and what
//! the fuzzer found) gives a result or an error, never a panic or a hang.

#[test]
fn saved_inputs_normalize_or_fail_cleanly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fuzz/regressions/normalize");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let started = std::time::Instant::now();
        let result = std::panic::catch_unwind(|| openrouter_bindings_codegen::normalized(&text, &["full"]).map(drop));
        assert!(result.is_ok(), "{} panicked", path.display());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{} took {:?}",
            path.display(),
            started.elapsed()
        );
        seen += 1;
    }
    assert!(seen >= 2);
}

#[test]
fn mangled_shapes_are_errors_not_panics() {
    for text in [
        "openapi: 3.1.1\npaths: {}\ncomponents: {schemas: []}",
        "openapi: 3.1.1\npaths: []\ncomponents: {schemas: {}}",
        "[1, 2]",
        "openapi: 3.1.1\npaths: {/x: {post: {responses: {'400': 7}}}}\ncomponents: {schemas: {}}",
        "",
    ] {
        let result = std::panic::catch_unwind(|| openrouter_bindings_codegen::normalized(text, &["full"]).map(drop));
        assert!(result.is_ok(), "panicked on {text:?}");
    }
}

#[test]
fn a_document_the_generator_cannot_read_is_an_error_naming_the_spot() {
    let text = include_str!("../../../openapi/openrouter.yaml");
    let mut spec = openrouter_bindings_codegen::normalized(text, &["full"]).unwrap();
    // Not OpenAPI 3.0: caught with its path before progenitor sees it.
    spec["components"]["schemas"]["Usage"]["type"] = serde_json::json!(["object", "null"]);
    let error = openrouter_bindings_codegen::generate_from(text, spec.clone()).err().expect("refused");
    assert!(error.0.contains("components.schemas.Usage"), "{error}");
    // A dangling reference makes typify panic; the panic becomes an error.
    spec["components"]["schemas"]["Usage"] = serde_json::json!({"$ref": "#/components/schemas/Nowhere"});
    let error = openrouter_bindings_codegen::generate_from(text, spec).err().expect("refused");
    assert!(error.0.contains("panicked") && error.0.contains("Nowhere"), "{error}");
}
