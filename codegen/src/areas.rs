//! API areas: which operations a build keeps, chosen by the crate's Cargo features.
//!
//! Each operation belongs to the area of its first tag ([`AREAS`]). A build keeps the operations
//! of its areas and drops the rest (their schemas then go with [`crate::normalize::drop_unused`]).
//! A tag no area claims fails the build by name: a new upstream area is never dropped silently.

use serde_json::Value;

use crate::Error;

/// Every area (a Cargo feature of the crate) and the upstream tags it covers.
///
/// Tags are compared without a `beta.` prefix (upstream moves areas out of beta: `beta.responses`
/// became `Responses` in 2026-07) or the docs page's `subpackage_`, ignoring case.
pub const AREAS: &[(&str, &[&str])] = &[
    ("chat", &["Chat"]),
    ("models", &["Models", "Endpoints", "Providers", "Benchmarks", "Classifications"]),
    ("generations", &["Generations"]),
    ("credits", &["Credits"]),
    ("embeddings", &["Embeddings"]),
    ("responses", &["Responses"]),
    ("messages", &["Anthropic Messages"]),
    ("images", &["Images"]),
    ("audio", &["TTS", "STT"]),
    ("video", &["Video Generation"]),
    ("rerank", &["Rerank"]),
    ("files", &["Files"]),
    (
        "management",
        &[
            "API Keys",
            "Guardrails",
            "Workspaces",
            "BYOK",
            "Organization",
            "Observability",
            "Presets",
            "Analytics",
            "Datasets",
            "SCIM",
            "OAuth",
        ],
    ),
];

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The area an operation belongs to, from its first tag (an untagged operation, as on the docs
/// page, is tagged by its path's first segment: `/chat/completions` is `chat`); an error names
/// the operation otherwise.
pub fn area_of(method: &str, path: &str, operation: &Value) -> Result<&'static str, Error> {
    let first_segment = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    let tag = operation.pointer("/tags/0").and_then(Value::as_str).unwrap_or(first_segment);
    // The docs page tags by its site's section (`subpackage_chat`).
    let bare = tag.strip_prefix("beta.").or_else(|| tag.strip_prefix("subpackage_")).unwrap_or(tag);
    AREAS.iter().find(|(_, tags)| tags.iter().any(|t| t.eq_ignore_ascii_case(bare))).map(|(area, _)| *area).ok_or_else(
        || {
            Error(format!(
                "`{} {path}` has the tag `{tag}`, which no area claims; add it to AREAS in codegen/src/areas.rs",
                method.to_uppercase()
            ))
        },
    )
}

/// Keeps the operations of `areas` (all of them when `areas` contains `"full"`); returns how many
/// were kept. Every operation must belong to a known area, kept or not.
pub fn keep(spec: &mut Value, areas: &[&str]) -> Result<usize, Error> {
    for area in areas {
        if *area != "full" && !AREAS.iter().any(|(a, _)| a == area) {
            return Err(Error(format!("unknown area `{area}`; the areas are those in codegen/src/areas.rs")));
        }
    }
    let all = areas.contains(&"full");
    let mut kept = 0;
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else { return Ok(0) };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let mut drop = Vec::new();
        for (method, operation) in item.iter().filter(|(k, _)| METHODS.contains(&k.as_str())) {
            match all || areas.contains(&area_of(method, path, operation)?) {
                true => kept += 1,
                false => drop.push(method.clone()),
            }
        }
        item.retain(|k, _| !drop.contains(k));
    }
    paths.retain(|_, item| item.as_object().is_some_and(|i| i.keys().any(|k| METHODS.contains(&k.as_str()))));
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({"paths": {
            "/chat/completions": {"post": {"tags": ["Chat"]}},
            "/models": {"get": {"tags": ["Models"]}, "parameters": []},
            "/responses": {"post": {"tags": ["beta.responses"]}},
            "/keys": {"get": {"tags": ["API Keys"]}, "post": {"tags": ["API Keys"]}},
            "/chat/untagged": {"get": {}}
        }})
    }

    #[test]
    fn a_build_keeps_only_the_operations_of_its_areas() {
        let mut s = spec();
        assert_eq!(keep(&mut s, &["chat", "models"]).unwrap(), 3);
        let paths: Vec<&String> = s["paths"].as_object().unwrap().keys().collect();
        assert_eq!(paths, ["/chat/completions", "/models", "/chat/untagged"], "an untagged operation goes by its path");
        let mut s = spec();
        assert_eq!(keep(&mut s, &["full"]).unwrap(), 6);
    }

    #[test]
    fn a_beta_tag_counts_as_its_area() {
        let mut s = spec();
        assert_eq!(keep(&mut s, &["responses"]).unwrap(), 1);
        assert!(s["paths"]["/responses"]["post"].is_object());
    }

    #[test]
    fn an_unclaimed_tag_or_an_unknown_area_fails_by_name() {
        let mut s = spec();
        s["paths"]["/new"] = json!({"get": {"tags": ["Quantum"]}});
        let error = keep(&mut s, &["chat"]).unwrap_err().0;
        assert!(error.contains("`GET /new`") && error.contains("`Quantum`"), "{error}");
        assert!(keep(&mut spec(), &["chats"]).unwrap_err().0.contains("unknown area `chats`"));
    }
}
