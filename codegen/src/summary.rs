//! What changed between two versions of the spec, as the refresh pull request says it: first the
//! verdict (breaking or additive, by the README's semver policy), then every change to the public
//! API at field level with the operations that reach it, then the operations and schemas of the
//! spec itself (followed through `$ref`s), and the fixes the new version retires.
//!
//! `cargo run -p openrouter-bindings-codegen --bin spec-summary -- OLD NEW` prints it (Markdown).
//! Each input is a spec (YAML or JSON) or a docs page holding one.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::{
    Error,
    api_diff::{self, Kind},
    fixes,
    listing::Api,
    normalize, page, parse_yaml,
    util::sha256_hex,
};

/// Keys that only document: a change to them alone is not a change of the API.
const DOC_KEYS: &[&str] = &["description", "summary", "example", "examples", "title", "externalDocs"];

/// How many operations a changed type names before "and N more".
const USERS_SHOWN: usize = 4;

/// How many changed schemas an operation names before "and N more".
const SCHEMAS_SHOWN: usize = 6;

/// The Markdown summary of the change from `old_text` to `new_text`.
pub fn summarize(old_text: &str, new_text: &str) -> Result<String, Error> {
    let old = Spec::read(old_text)?;
    let new = Spec::read(new_text)?;
    let (verdict, api_section) = match (Api::of_spec(&old.text), Api::of_spec(&new.text)) {
        (Ok(before), Ok(after)) => public_api_section(&before, &after),
        (before, after) => {
            let why: Vec<String> = [("old", before.err()), ("new", after.err())]
                .into_iter()
                .filter_map(|(which, e)| Some(format!("the {which} version does not generate: {}", e?.0)))
                .collect();
            (Verdict::Unknown, format!("\n### Public API: not compared\n\n{}\n", why.join("\n\n")))
        }
    };
    let mut out = format!(
        "## OpenRouter spec: `{}` → `{}`\n\n{}\n\n\
         | | before | after |\n|---|---|---|\n\
         | version | {} | {} |\n| operations | {} | {} |\n| schemas | {} | {} |\n",
        &old.sha[..12],
        &new.sha[..12],
        verdict.sentence(),
        old.version,
        new.version,
        old.operations.len(),
        new.operations.len(),
        old.schemas.len(),
        new.schemas.len(),
    );
    out.push_str(&api_section);
    out.push_str(&operations_section(&old, &new));
    out.push_str(&schemas_section(&old, &new));
    out.push_str(&fixes_section(&old.document, &new.document));
    Ok(out)
}

/// The verdict on a list of changes ([`api_diff::diff`]).
pub fn verdict(changes: &[api_diff::Change]) -> Verdict {
    let breaking = changes.iter().filter(|c| c.kind == Kind::Breaking).count();
    match (breaking, changes.len() - breaking) {
        (0, 0) => Verdict::Unchanged,
        (0, n) => Verdict::Additive(n),
        (n, _) => Verdict::Breaking(n),
    }
}

/// What a refresh means for users, said once at the top of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Something a user's code can be broken by: a major release (before 1.0, a minor one).
    Breaking(usize),
    /// Only additions: a minor release.
    Additive(usize),
    /// The public API is the same (documentation or routes may differ).
    Unchanged,
    /// One version does not generate, so the APIs were not compared.
    Unknown,
}

impl Verdict {
    /// The verdict of a summary [`summarize`] wrote: its first bold line.
    pub fn of_summary(summary: &str) -> Verdict {
        let line = summary.lines().find(|l| l.starts_with("**")).unwrap_or_default();
        let count = || line.split_whitespace().find_map(|w| w.parse().ok()).unwrap_or(0);
        if line.starts_with("**Breaking**") {
            Verdict::Breaking(count())
        } else if line.starts_with("**Additive**") {
            Verdict::Additive(count())
        } else if line.starts_with("**Unchanged**") {
            Verdict::Unchanged
        } else {
            Verdict::Unknown
        }
    }

    fn sentence(self) -> String {
        match self {
            Verdict::Breaking(n) => format!(
                "**Breaking**: {n} {} break code written against the current release \
                 (a major release; before 1.0, a minor one). Each is listed under \"Public API\".",
                if n == 1 { "change can" } else { "changes can" }
            ),
            Verdict::Additive(n) => format!(
                "**Additive**: {n} addition{}, nothing that breaks code written against the current release.",
                if n == 1 { "" } else { "s" }
            ),
            Verdict::Unchanged => "**Unchanged**: the public API is the same.".into(),
            Verdict::Unknown => "**Unknown**: the public APIs were not compared (see below).".into(),
        }
    }
}

/// The verdict and the `### Public API` section: each change at field level, grouped by type,
/// with the operations that reach the type.
fn public_api_section(old: &Api, new: &Api) -> (Verdict, String) {
    let changes = api_diff::diff(old, new);
    let verdict = verdict(&changes);
    let breaking = changes.iter().filter(|c| c.kind == Kind::Breaking).count();
    let additive = changes.len() - breaking;
    let (new_users, old_users) = (api_diff::users_of_types(new), api_diff::users_of_types(old));
    let mut out = format!("\n### Public API (every area): {breaking} breaking, {additive} additive\n");
    for (kind, title) in [(Kind::Breaking, "Breaking"), (Kind::Additive, "Additive")] {
        let mut by_subject: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for change in changes.iter().filter(|c| c.kind == kind) {
            by_subject.entry(&change.subject).or_default().push(&change.what);
        }
        if by_subject.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}:\n"));
        for (subject, whats) in by_subject {
            let users = new_users.get(subject).or_else(|| old_users.get(subject));
            let used_by = match users {
                Some(users) if !users.is_empty() => {
                    let shown: Vec<&str> = users.iter().take(USERS_SHOWN).map(String::as_str).collect();
                    let more = users.len().saturating_sub(USERS_SHOWN);
                    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
                    format!(", used by {}{more}", shown.join(", "))
                }
                _ => String::new(),
            };
            if let [what] = whats.as_slice() {
                out.push_str(&format!("- `{subject}`{used_by}: {what}\n"));
            } else {
                out.push_str(&format!("- `{subject}`{used_by}:\n"));
                for what in whats {
                    out.push_str(&format!("  - {what}\n"));
                }
            }
        }
    }
    (verdict, out)
}

/// One version of the spec, indexed.
struct Spec {
    text: String,
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
            text: spec_text,
            document,
            operations,
            schemas,
        })
    }

    /// The component schemas `value` reaches through `$ref`s, transitively.
    fn reached(&self, value: &Value) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = Vec::new();
        refs(value, &mut todo);
        while let Some(name) = todo.pop() {
            if seen.insert(name.clone())
                && let Some(schema) = self.schemas.get(&name)
            {
                refs(schema, &mut todo);
            }
        }
        seen
    }
}

/// The names of the component schemas `value` refers to directly.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) =
                map.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
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

/// `### Operations`: added, removed, and changed, directly (which parts) or through the schemas
/// they reach; an operation whose tags alone changed says so.
fn operations_section(old: &Spec, new: &Spec) -> String {
    let added: Vec<&String> = new.operations.keys().filter(|k| !old.operations.contains_key(*k)).collect();
    let removed: Vec<&String> = old.operations.keys().filter(|k| !new.operations.contains_key(*k)).collect();
    let mut changed = Vec::new();
    let mut tags_only = 0;
    for (key, before) in &old.operations {
        let Some(after) = new.operations.get(key) else { continue };
        let parts: Vec<&str> = ["parameters", "requestBody", "responses", "security", "tags", "deprecated"]
            .into_iter()
            .filter(|part| before.get(*part) != after.get(*part))
            .collect();
        let through: Vec<String> = old
            .reached(before)
            .union(&new.reached(after))
            .filter(|name| old.schemas.get(*name) != new.schemas.get(*name))
            .map(|name| format!("`{name}`"))
            .collect();
        let mut what = Vec::new();
        if parts == ["tags"] && through.is_empty() {
            tags_only += 1;
            what.push("tags only (no change to the API)".to_owned());
        } else if !parts.is_empty() {
            what.push(parts.join(", "));
        }
        if !through.is_empty() {
            let more = through.len().saturating_sub(SCHEMAS_SHOWN);
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            what.push(format!("through {}{more}", through[..through.len().min(SCHEMAS_SHOWN)].join(", ")));
        }
        if what.is_empty() && before != after {
            what.push("other keys".into());
        }
        if !what.is_empty() {
            changed.push(format!("{key}: {}", what.join("; ")));
        }
    }
    let mut out = format!(
        "\n### Operations: {} added, {} removed, {} changed ({tags_only} in tags only)\n",
        added.len(),
        removed.len(),
        changed.len()
    );
    list(&mut out, "Added", added.iter().map(|k| k.to_string()));
    list(&mut out, "Removed", removed.iter().map(|k| k.to_string()));
    list(&mut out, "Changed", changed);
    out
}

/// `### Schemas`: added, removed, and changed at field level, each with the number of operations
/// that reach it.
fn schemas_section(old: &Spec, new: &Spec) -> String {
    let reached_by = |spec: &Spec| {
        let mut count: BTreeMap<String, usize> = BTreeMap::new();
        for operation in spec.operations.values() {
            for name in spec.reached(operation) {
                *count.entry(name).or_default() += 1;
            }
        }
        count
    };
    let (old_count, new_count) = (reached_by(old), reached_by(new));
    let reach = |name: &str| {
        let n = new_count.get(name).or_else(|| old_count.get(name)).copied().unwrap_or(0);
        format!(" ({n} operation{})", if n == 1 { "" } else { "s" })
    };
    let added: Vec<String> =
        new.schemas.keys().filter(|k| !old.schemas.contains_key(*k)).map(|k| format!("`{k}`{}", reach(k))).collect();
    let removed: Vec<String> =
        old.schemas.keys().filter(|k| !new.schemas.contains_key(*k)).map(|k| format!("`{k}`{}", reach(k))).collect();
    let changed: Vec<String> = old
        .schemas
        .iter()
        .filter_map(|(name, before)| {
            let after = new.schemas.get(name).filter(|after| *after != before)?;
            Some(format!("`{name}`{}: {}", reach(name), schema_changes(before, after).join(", ")))
        })
        .collect();
    let mut out =
        format!("\n### Schemas: {} added, {} removed, {} changed\n", added.len(), removed.len(), changed.len());
    list(&mut out, "Added", added);
    list(&mut out, "Removed", removed);
    list(&mut out, "Changed", changed);
    out
}

/// A schema's changes at field level: properties, required, enum values, union variants.
fn schema_changes(before: &Value, after: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let keys = |v: &Value, key: &str| -> BTreeMap<String, Value> {
        v.get(key).and_then(Value::as_object).map(|m| m.clone().into_iter().collect()).unwrap_or_default()
    };
    let strings = |v: &Value, key: &str| -> BTreeSet<String> {
        v.get(key).and_then(Value::as_array).into_iter().flatten().map(short).collect()
    };
    let (old_props, new_props) = (keys(before, "properties"), keys(after, "properties"));
    for (name, schema) in &new_props {
        match old_props.get(name) {
            None => out.push(format!("property `{name}` added")),
            Some(old) if old != schema => out.push(format!("property `{name}` changed")),
            Some(_) => {}
        }
    }
    out.extend(old_props.keys().filter(|k| !new_props.contains_key(*k)).map(|k| format!("property `{k}` removed")));
    let (old_required, new_required) = (strings(before, "required"), strings(after, "required"));
    out.extend(new_required.difference(&old_required).map(|k| format!("`{k}` made required")));
    out.extend(old_required.difference(&new_required).map(|k| format!("`{k}` no longer required")));
    for key in ["enum", "oneOf", "anyOf", "allOf"] {
        let (old_set, new_set) = (strings(before, key), strings(after, key));
        let what = if key == "enum" { "value" } else { "variant" };
        out.extend(new_set.difference(&old_set).map(|v| format!("{key} {what} {v} added")));
        out.extend(old_set.difference(&new_set).map(|v| format!("{key} {what} {v} removed")));
    }
    let handled = ["properties", "required", "enum", "oneOf", "anyOf", "allOf"];
    let other: BTreeSet<&String> = before
        .as_object()
        .into_iter()
        .chain(after.as_object())
        .flat_map(|m| m.keys())
        .filter(|k| !handled.contains(&k.as_str()) && before.get(*k) != after.get(*k))
        .collect();
    out.extend(other.into_iter().map(|k| format!("`{k}` changed")));
    if out.is_empty() {
        out.push("order only".into());
    }
    out
}

/// An enum value or union variant, short: `` `auto` ``, `` `ChatMessage` `` (a `$ref`), or its JSON.
fn short(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        Value::Object(map) if map.contains_key("$ref") => {
            format!("`{}`", map["$ref"].as_str().unwrap_or_default().trim_start_matches("#/components/schemas/"))
        }
        other => {
            let text = other.to_string();
            if text.chars().count() > 60 {
                format!("`{}…`", text.chars().take(57).collect::<String>())
            } else {
                format!("`{text}`")
            }
        }
    }
}

fn list(out: &mut String, title: &str, items: impl IntoIterator<Item = String>) {
    let items: Vec<String> = items.into_iter().collect();
    if !items.is_empty() {
        out.push_str(&format!("\n{title}:\n"));
        for item in items {
            out.push_str(&format!("- {item}\n"));
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

    const OLD: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {operationId: getA, responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Grows'}}}}}}\n  /e:\n    get: {operationId: getE, tags: [Old], responses: {'200': {description: ok}}}\n  /b:\n    post: {operationId: postB, description: old words, responses: {'200': {description: ok}}}\n  /c:\n    get: {operationId: getC, responses: {'200': {description: ok}}}\ncomponents:\n  schemas:\n    Kept: {type: string, description: old}\n    Gone: {type: string}\n    Grows: {type: object, properties: {a: {type: string}}}\n";

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
            .replace("tags: [Old]", "tags: [New]")
            .replace("    Gone: {type: string}\n", "    Fresh: {type: integer}\n")
            .replace("properties: {a: {type: string}}", "properties: {a: {type: string}, b: {type: string}}");
        let summary = summarize(OLD, &new).unwrap();
        for line in [
            "### Operations: 1 added, 1 removed, 3 changed (1 in tags only)",
            "- `DELETE /d` (deleteD)",
            "- `GET /c` (getC)",
            "- `GET /a` (getA): through `Grows`",
            "- `GET /e` (getE): tags only (no change to the API)",
            "- `POST /b` (postB): parameters",
            "### Schemas: 1 added, 1 removed, 1 changed",
            "- `Fresh` (0 operations)",
            "- `Gone` (0 operations)",
            "- `Grows` (1 operation): property `b` added",
            "| operations | 4 | 4 |",
        ] {
            assert!(summary.lines().any(|l| l == line), "missing `{line}`:\n{summary}");
        }
        assert!(!summary.contains("`Kept`"), "a description alone is not a change:\n{summary}");
    }
}
