//! The whole public API, every area on, as a short sorted listing (`codegen/src/listing.rs`): a
//! spec refresh's pull request shows its diff, so a reviewer sees every operation, type, field
//! and variant that changed. Review with `cargo insta review`; CI refuses unreviewed snapshots.

#[test]
fn public_api() {
    let spec = include_str!("../../../openapi/openrouter.yaml");
    let api = openrouter_bindings_codegen::listing::Api::of_spec(spec).expect("the vendored spec generates");
    // The name and place the snapshot had when this test was a binary of its own, `api`: the
    // refresh pull request's diff and the README point at codegen/tests/snapshots/api__public_api.snap.
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("api__public_api", api.listing());
    });
}
