//! The generator's integration tests, one binary: each file is a module, so that the generator
//! and its parsers are linked once, each spec is generated once with every area on however many
//! tests read it (`build_every_area`), and the tests run side by side. Run one part with a filter:
//! `cargo test --test generator -- needs::`.

mod api;
mod areas;
mod fuzz_regressions;
mod names;
mod needs;
mod refresh;
mod replay;
mod summary;

/// The vendored spec's code with every area on, generated once for the tests that read it (and
/// shared with the history's 2026-08-22, the same text, by `build_every_area`).
fn vendored_code() -> &'static str {
    use openrouter_bindings_codegen::{Error, Output, build_every_area};
    static RUN: std::sync::LazyLock<std::sync::Arc<Result<Output, Error>>> =
        std::sync::LazyLock::new(|| build_every_area(include_str!("../../../openapi/openrouter.yaml")));
    &RUN.as_ref().as_ref().expect("the vendored spec generates").code
}
