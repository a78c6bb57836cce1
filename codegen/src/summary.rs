//! What changed between two versions of the spec, as the refresh pull request says it: operations
//! and schemas added, removed or changed, and the fixes the new version retires.
//!
//! `cargo run -p openrouter-bindings-codegen --bin spec-summary -- OLD NEW` prints it (Markdown).
//! Each input is a spec (YAML or JSON) or a docs page holding one.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{Error, fixes, normalize, page, parse_yaml, util::sha256_hex};

/// Keys that only document: a change to them alone is not a change of the API.
const DOC_KEYS: &[&str] = &["description", "summary", "example", "examples", "title", "externalDocs"];

/// The Markdown summary of the change from `old_text` to `new_text`.
pub fn summarize(old_text: &str, new_text: &str) -> Result<String, Error> {
    let old = Spec::read(old_text)?;
    let new = Spec::read(new_text)?;
    let mut out = format!(
        "## OpenRouter spec: `{}` → `{}`\n\n\
         | | before | after |\n|---|---|---|\n\
         | version | {} | {} |\n| operations | {} | {} |\n| schemas | {} | {} |\n",
        &old.sha[..12],
        &new.sha[..12],
        old.version,
        new.version,
        old.operations.len(),
        new.operations.len(),
        old.schemas.len(),
        new.schemas.len(),
    );
    section(&mut out, "Operations", &old.operations, &new.operations, operation_parts, |key| key.to_owned());
    section(&mut out, "Schemas", &old.schemas, &new.schemas, |_, _| Vec::new(), |name| format!("`{name}`"));
    out.push_str(&fixes_section(&old.document, &new.document));
    Ok(out)
}

/// One version of the spec, indexed.
struct Spec {
    sha: String,
    version: String,
    document: Value,
    /// `METHOD /path (operationId)` → the operation, documentation keys removed.
    operations: BTreeMap<String, Value>,
    /// Component schema name → the schema, documentation keys removed (sorted by the bare name).
    schemas: BTreeMap<String, Value>,
}

impl Spec {
    fn read(text: &str) -> Result<Spec, Error> {
        let spec_text = page::extract_spec(text)?;
        let document = parse_yaml(&spec_text)?;
        let mut operations = BTreeMap::new();
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                if !["get", "put", "post", "delete", "patch", "head", "options", "trace"].contains(&method.as_str()) {
                    continue;
                }
                let id = operation["operationId"].as_str().unwrap_or("no operationId");
                let key = format!("`{} {path}` ({id})", method.to_uppercase());
                operations.insert(key, without_docs(operation));
            }
        }
        let schemas = document["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, schema)| (name.clone(), without_docs(schema)))
            .collect();
        Ok(Spec {
            sha: sha256_hex(spec_text.as_bytes()),
            version: document["info"]["version"].as_str().unwrap_or("?").to_owned(),
            document,
            operations,
            schemas,
        })
    }
}

fn without_docs(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !DOC_KEYS.contains(&k.as_str()) && !k.starts_with("x-"))
                .map(|(k, v)| (k.clone(), without_docs(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_docs).collect()),
        other => other.clone(),
    }
}

/// The parts of an operation that differ.
fn operation_parts(old: &Value, new: &Value) -> Vec<String> {
    ["parameters", "requestBody", "responses", "security"]
        .into_iter()
        .filter(|part| old.get(*part) != new.get(*part))
        .map(str::to_owned)
        .collect()
}

/// `### {title}` with what was added, removed and changed (and how, per `parts`).
fn section(
    out: &mut String,
    title: &str,
    old: &BTreeMap<String, Value>,
    new: &BTreeMap<String, Value>,
    parts: fn(&Value, &Value) -> Vec<String>,
    label: fn(&str) -> String,
) {
    let added: Vec<String> = new.keys().filter(|k| !old.contains_key(*k)).map(|k| label(k)).collect();
    let removed: Vec<String> = old.keys().filter(|k| !new.contains_key(*k)).map(|k| label(k)).collect();
    let changed: Vec<String> = old
        .iter()
        .filter_map(|(k, before)| {
            let after = new.get(k)?;
            (before != after).then(|| {
                let parts = parts(before, after);
                if parts.is_empty() { label(k) } else { format!("{}: {}", label(k), parts.join(", ")) }
            })
        })
        .collect();
    out.push_str(&format!(
        "\n### {title}: {} added, {} removed, {} changed\n",
        added.len(),
        removed.len(),
        changed.len()
    ));
    for (what, items) in [("Added", added), ("Removed", removed), ("Changed", changed)] {
        if !items.is_empty() {
            out.push_str(&format!("\n{what}:\n"));
            for item in items {
                out.push_str(&format!("- {item}\n"));
            }
        }
    }
}

/// Which fixes apply to each version: one that applied before and no longer does is retired.
fn fixes_section(old: &Value, new: &Value) -> String {
    let old = fixes::applicable(old);
    let new = fixes::applicable(new);
    let mut retired = Vec::new();
    let mut still = 0;
    let mut neither = 0;
    for ((name, before), (_, after)) in old.iter().zip(&new) {
        match (before, after) {
            (Ok(()), Err(why)) => retired.push(format!("- `{name}`: {why}")),
            (Ok(()), Ok(())) => still += 1,
            _ => neither += 1,
        }
    }
    let mut out =
        format!("\n### Fixes: {} retired, {still} still needed, {neither} apply to neither version\n", retired.len());
    if !retired.is_empty() {
        out.push_str("\nRetired (applied to the old version, not to the new one):\n");
        out.push_str(&(retired.join("\n") + "\n"));
    }
    out
}

/// Normalizes a copy of `document` for [`fixes::applicable`] (the fixes target normalized names).
pub(crate) fn normalized_copy(document: &Value) -> Result<Value, Error> {
    let mut spec = document.clone();
    normalize::normalize(&mut spec)?;
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {operationId: getA, responses: {'200': {description: ok}}}\n  /b:\n    post: {operationId: postB, description: old words, responses: {'200': {description: ok}}}\n  /c:\n    get: {operationId: getC, responses: {'200': {description: ok}}}\ncomponents:\n  schemas:\n    Kept: {type: string, description: old}\n    Gone: {type: string}\n    Grows: {type: object, properties: {a: {type: string}}}\n";

    #[test]
    fn operations_and_schemas_added_removed_and_changed() {
        let new = OLD
            .replace(
                "  /c:\n    get: {operationId: getC, responses: {'200': {description: ok}}}\n",
                "  /d:\n    delete: {operationId: deleteD, responses: {'204': {description: gone}}}\n",
            )
            .replace(
                "description: old words, responses: {'200'",
                "description: new words, parameters: [{name: q, in: query, schema: {type: string}}], responses: {'200'",
            )
            .replace("Kept: {type: string, description: old}", "Kept: {type: string, description: new}")
            .replace("    Gone: {type: string}\n", "    Fresh: {type: integer}\n")
            .replace("properties: {a: {type: string}}", "properties: {a: {type: string}, b: {type: string}}");
        let summary = summarize(OLD, &new).unwrap();
        for line in [
            "### Operations: 1 added, 1 removed, 1 changed",
            "- `DELETE /d` (deleteD)",
            "- `GET /c` (getC)",
            "- `POST /b` (postB): parameters",
            "### Schemas: 1 added, 1 removed, 1 changed",
            "- `Fresh`",
            "- `Gone`",
            "- `Grows`",
            "| operations | 3 | 3 |",
        ] {
            assert!(summary.lines().any(|l| l == line), "missing `{line}`:\n{summary}");
        }
        assert!(!summary.contains("`Kept`"), "a description alone is not a change:\n{summary}");
    }
}
