//! Example values for every operation: what the mock server answers, and what the generated
//! conformance calls send.
//!
//! The spec's own example is used where it has one (`example`, or the first of `examples`);
//! otherwise a value is made from the schema: required properties only, the first enum value and
//! the first union branch, `"example"` for strings.

use std::fmt::Write;

use heck::ToSnakeCase;
use serde_json::{Map, Value, json};

use crate::util::{operations, ref_name};

/// A value that fits `schema` (components resolved from `components`). `depth` bounds recursion.
pub fn sample(schema: &Value, components: &Map<String, Value>, depth: usize) -> Value {
    let Some(o) = schema.as_object() else { return Value::Null };
    if depth > 12 {
        return Value::Null;
    }
    if let Some(name) = ref_name(o) {
        return components.get(name).map_or(Value::Null, |target| sample(target, components, depth + 1));
    }
    if let Some(value) = o.get("example").filter(|v| !v.is_null()).or(o.get("default").filter(|v| !v.is_null())) {
        return value.clone();
    }
    if let Some(value) = o.get("enum").and_then(Value::as_array).and_then(|e| e.iter().find(|v| !v.is_null())) {
        return value.clone();
    }
    if let Some(Value::Array(parts)) = o.get("allOf") {
        let mut merged = Map::new();
        for part in parts {
            match sample(part, components, depth + 1) {
                Value::Object(fields) => merged.extend(fields),
                other if parts.len() == 1 => return other,
                _ => {}
            }
        }
        for (name, sub) in o.get("properties").and_then(Value::as_object).into_iter().flatten() {
            merged.entry(name.clone()).or_insert_with(|| sample(sub, components, depth + 1));
        }
        return Value::Object(merged);
    }
    if let Some(branch) = o.get("oneOf").or(o.get("anyOf")).and_then(Value::as_array).and_then(|b| b.first()) {
        return sample(branch, components, depth + 1);
    }
    let kind =
        o.get("type").and_then(Value::as_str).unwrap_or(if o.contains_key("properties") { "object" } else { "" });
    match kind {
        "object" => {
            let required: Vec<&str> =
                o.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
            Value::Object(
                o.get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .filter(|(name, _)| required.contains(&name.as_str()))
                    .map(|(name, sub)| (name.clone(), sample(sub, components, depth + 1)))
                    .collect(),
            )
        }
        "array" => {
            let count = o.get("minItems").and_then(Value::as_u64).unwrap_or(0).min(3);
            Value::Array((0..count).map(|_| sample(&o["items"], components, depth + 1)).collect())
        }
        "string" => match o.get("format").and_then(Value::as_str) {
            Some("uuid") => json!("6f1c2d3e-4a5b-4c6d-8e7f-901234567890"),
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            Some("date") => json!("2026-01-01"),
            Some("uri" | "url") => json!("https://example.test/"),
            Some("email") => json!("user@example.test"),
            _ => json!("example"),
        },
        "integer" => json!(o.get("minimum").and_then(Value::as_i64).unwrap_or(1).max(0)),
        "number" => json!(o.get("minimum").and_then(Value::as_f64).unwrap_or(1.0)),
        "boolean" => json!(true),
        _ => json!({}),
    }
}

/// The example of one media type of a request body or a response: its own, or one made up.
fn media_example(media: &Value, components: &Map<String, Value>) -> Value {
    if let Some(example) = media.get("example") {
        return example.clone();
    }
    if let Some(first) = media.get("examples").and_then(Value::as_object).and_then(|e| e.values().next()) {
        let value = first.get("value").cloned().unwrap_or(Value::Null);
        if !value.is_null() {
            return value;
        }
    }
    sample(media.get("schema").unwrap_or(&Value::Null), components, 0)
}

/// The mock's answer to every operation: `MOCK_ROUTES`, one entry per operation.
pub fn mock_routes(spec: &Value) -> String {
    let components = spec.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut code = String::from(
        "/// The mock server's answer to each operation of the enabled areas: method, path template\n\
         /// (relative to the API root), status, content type and body.\n\
         #[cfg(feature = \"mock\")]\n\
         pub(crate) const MOCK_ROUTES: &[(&str, &str, u16, &str, &str)] = &[\n",
    );
    for (method, path, operation) in operations(spec) {
        let responses = operation.get("responses").and_then(Value::as_object);
        let Some((status, response)) = responses.into_iter().flatten().find(|(s, _)| s.starts_with('2')) else {
            continue;
        };
        let content = response.get("content").and_then(Value::as_object);
        let (content_type, body) = match content.and_then(|c| c.get("application/json")) {
            Some(media) => ("application/json", media_example(media, &components).to_string()),
            None => match content.and_then(|c| c.keys().next()) {
                Some(media) => (media.as_str(), format!("mock {media} bytes")),
                None => ("", String::new()),
            },
        };
        let content_type = content_type.replace("/*", "/mpeg");
        writeln!(
            code,
            "({:?}, {:?}, {status}, {content_type:?}, {body:?}),",
            method.to_uppercase(),
            path.trim_start_matches('/')
        )
        .unwrap();
    }
    code.push_str("];\n");
    code
}

/// Test code calling every operation once with example arguments: `every_operation(&client)`,
/// returning `(area, operation, result)` for each. The contract and mock tests include it.
pub fn every_operation(spec: &Value) -> String {
    let components = spec.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    let renames: Vec<(&str, &str)> = crate::operations::OPERATION_NAMES.to_vec();
    let mut code = String::from(
        "// @generated by openrouter-bindings-codegen: every operation of the enabled areas, called once.\n\
         #[allow(clippy::all, unused)]\n\
         async fn every_operation(client: &openrouter_bindings::Client) \
         -> Vec<(&'static str, &'static str, Result<(), openrouter_bindings::Error>)> {\n\
         let mut results = Vec::new();\n",
    );
    for (method, path, operation) in operations(spec) {
        let Some(id) = operation.get("operationId").and_then(Value::as_str) else { continue };
        let name =
            renames.iter().find(|(from, _)| *from == id).map_or_else(|| id.to_snake_case(), |(_, to)| (*to).to_owned());
        let Ok(area) = crate::areas::area_of(method, path, operation) else { continue };
        let mut args = Vec::new();
        for parameter in operation.get("parameters").and_then(Value::as_array).into_iter().flatten() {
            let required = parameter["required"] == true || parameter["in"] == "path";
            if !required || !matches!(parameter["in"].as_str(), Some("path" | "query")) {
                continue;
            }
            let schema = &parameter["schema"];
            let value = parameter.get("example").cloned().unwrap_or_else(|| sample(schema, &components, 0));
            let by_ref = if parameter["in"] == "path" { "&" } else { "" };
            let arg = match (ref_name(schema.as_object().unwrap_or(&Map::new())), &value) {
                (Some(ty), value) => format!("{by_ref}{}", decode(ty, value)),
                (None, Value::String(text)) => format!("{text:?}"),
                (None, other) => format!("{other}"),
            };
            args.push(arg);
        }
        let json_body = operation.pointer("/requestBody/content/application~1json");
        let form_body = operation.pointer("/requestBody/content/multipart~1form-data");
        if let Some(media) = json_body {
            let ty = media.pointer("/schema").and_then(Value::as_object).and_then(ref_name).unwrap_or("Unknown");
            args.push(decode(ty, &media_example(media, &components)));
        } else if form_body.is_some() {
            args.push(
                "openrouter_bindings::Form::new().file(\"file\", \"example.txt\", \"text/plain\", b\"example\".to_vec())"
                    .into(),
            );
        }
        writeln!(code, "results.push(({area:?}, {id:?}, client.{name}({}).send().await.map(drop)));", args.join(", "))
            .unwrap();
    }
    code.push_str("results\n}\n");
    code
}

/// Code that decodes `value` (as JSON text) into the generated type `ty`.
fn decode(ty: &str, value: &Value) -> String {
    format!(
        "serde_json::from_str::<openrouter_bindings::types::{ty}>({:?}).expect(\"the example fits {ty}\")",
        value.to_string()
    )
}
