//! The whole public API, every area on, as a short sorted listing (`codegen/src/listing.rs`): a
//! spec refresh's pull request shows its diff, so a reviewer sees every operation, type, field
//! and variant that changed. Review with `cargo insta review`; CI refuses unreviewed snapshots.

#[test]
fn public_api() {
    let spec = include_str!("../../openapi/openrouter.yaml");
    let code = openrouter_bindings_codegen::build(spec, &["full"]).expect("the vendored spec generates").code;
    let listing = openrouter_bindings_codegen::listing::listing(&code).expect("the generated code parses");
    insta::assert_snapshot!("public_api", listing);
}
