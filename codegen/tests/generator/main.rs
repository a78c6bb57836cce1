//! The generator's integration tests, one binary: each file is a module, so that the generator
//! and its parsers are linked once, the vendored spec is generated once for the tests that read its
//! code, and the tests run side by side. `tests/api.rs` keeps its own binary: its insta snapshot
//! is named after it. Run one part with a filter: `cargo test --test generator -- needs::`.

mod areas;
mod fuzz_regressions;
mod names;
mod needs;
mod refresh;
mod replay;
mod summary;

/// The vendored spec's code with every area on, generated once for the tests that read it.
fn vendored_code() -> &'static str {
    static CODE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let spec = include_str!("../../../openapi/openrouter.yaml");
        openrouter_bindings_codegen::build(spec, &["full"]).expect("the vendored spec generates").code
    });
    &CODE
}
