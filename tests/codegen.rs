//! Snapshots of exactly what build.rs wrote: a change here is a change in the public API.
//! Review with `cargo insta review`; CI refuses unreviewed snapshots.

const CODE: &str = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));
const NORMALIZED: &str = include_str!(concat!(env!("OUT_DIR"), "/openapi.normalized.json"));
const SOURCE_MD: &str = include_str!("../openapi/SOURCE.md");

#[test]
fn generated_code() {
    insta::assert_snapshot!("codegen.rs", CODE);
}

#[test]
fn normalized_spec() {
    insta::assert_snapshot!("openapi.normalized.json", NORMALIZED);
}

#[test]
fn generated_code_is_headed_with_the_vendored_spec_sha256() {
    let sha =
        SOURCE_MD.split("sha256: `").nth(1).and_then(|s| s.split('`').next()).expect("SOURCE.md records the sha256");
    let header = CODE.lines().next().unwrap();
    assert!(header.starts_with("// @generated") && header.contains(sha), "{header}");
    assert!(CODE.lines().nth(1).unwrap().contains("Do not edit"));
}

#[test]
fn no_machine_numbered_names_reach_the_public_api() {
    let names: Vec<&str> = CODE
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub struct ").or_else(|| l.trim().strip_prefix("pub enum ")))
        .map(|rest| rest.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap())
        .collect();
    assert!(names.contains(&"ProviderPreferences") && names.contains(&"ReasoningDetail"), "{names:?}");
    let bad: Vec<&&str> = names
        .iter()
        .filter(|n| {
            let numbered_schema = n
                .to_lowercase()
                .match_indices("schema")
                .any(|(i, _)| n[i + 6..].starts_with(|c: char| c.is_ascii_digit()));
            numbered_schema || n.ends_with(|c: char| c.is_ascii_digit()) || n.contains("Variant")
        })
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    let numbered_variants: Vec<&str> = CODE
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("Variant") && l[7..].starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(numbered_variants.is_empty(), "{numbered_variants:?}");
}

#[test]
fn normalized_spec_is_openapi_3_0_with_bearer_auth_and_one_error_schema() {
    let spec: serde_json::Value = serde_json::from_str(NORMALIZED).unwrap();
    assert_eq!(spec["openapi"], "3.0.3");
    assert_eq!(spec["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let operation = &spec["paths"]["/chat/completions"]["post"];
    // The key travels in the bearer scheme, never as a header parameter a caller would fill in.
    let parameters = operation.get("parameters").and_then(|p| p.as_array()).cloned().unwrap_or_default();
    assert!(!parameters.iter().any(|p| p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("authorization"))));
    let responses = operation["responses"].as_object().unwrap();
    let mut statuses: Vec<&str> = responses.keys().map(String::as_str).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        ["200", "400", "401", "402", "403", "404", "408", "413", "422", "429", "500", "502", "503", "524", "529"]
    );
    for (status, response) in responses.iter().filter(|(s, _)| *s != "200") {
        assert_eq!(
            response["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorResponse",
            "status {status}"
        );
    }
}
