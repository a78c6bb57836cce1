//! Generic rewrites that make the docs page readable by `openapiv3`/progenitor (OpenAPI 3.0 only)
//! and make the generated code good Rust.
//!
//! Each rule is a pure function over the document, unit-tested on tiny inline YAML below. Upstream
//! *mistakes* are not here: they are entries of the table in [`crate::fixes`].
//!
//! [`normalize`] runs before the fixes (on upstream names); [`finish`] runs after them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::Error;
use crate::util::{ref_name, schema_ref, schemas, union_branches_mut, walk_named, walk_objects};

/// The rules that work on the page as upstream publishes it, in order.
pub fn normalize(spec: &mut Value) -> Result<(), Error> {
    check_shape(spec)?;
    resolve_enum_values(spec);
    downgrade_version(spec)?;
    flatten_tags(spec);
    downgrade_nullable(spec);
    drop_any_type(spec);
    drop_auth_header(spec);
    defaults_to_docs(spec);
    ref_siblings(spec);
    drop_empty_all_of_parts(spec);
    flatten_overriding_all_of(spec);
    error_envelope(spec);
    Ok(())
}

/// The rules that shape the final names and the response side, after the fixes; `names` is the
/// names table of the input's kind ([`crate::Source::names`]).
pub fn finish(spec: &mut Value, names: &[(&str, &str)]) -> Result<(), Error> {
    shared_error_response(spec);
    inline_aliases(spec)?;
    integer_counts(spec);
    unsigned_bounds(spec);
    lift_union_branches(spec);
    merge_string_enum_branches(spec);
    title_scalar_branches(spec);
    title_discriminated_branches(spec);
    title_prefix_branches(spec);
    nullable_components_to_uses(spec);
    optional_refs_not_nullable(spec);
    known_or_any_string_as_any_of(spec);
    merge_duplicates(spec, names);
    rename_schemas(spec, names)?;
    drop_unused(spec);
    check_names(spec)?;
    check_refs(spec)
}

/// Every `$ref` points at an existing component (typify panics on a dangling one).
pub fn check_refs(spec: &mut Value) -> Result<(), Error> {
    let names: BTreeSet<String> = schemas(spec).keys().cloned().collect();
    let mut dangling = BTreeSet::new();
    walk_objects(spec, &mut |schema| {
        if let Some(name) = ref_name(schema).filter(|n| !names.contains(*n)) {
            dangling.insert(name.to_owned());
        }
    });
    match dangling.is_empty() {
        true => Ok(()),
        false => Err(Error(format!("references to missing schemas: {dangling:?}"))),
    }
}

fn check_shape(spec: &Value) -> Result<(), Error> {
    for pointer in ["/paths", "/components/schemas"] {
        if !spec.pointer(pointer).is_some_and(Value::is_object) {
            return Err(Error(format!("the spec has no `{pointer}` map: is this the chat-completions page?")));
        }
    }
    if spec.pointer("/openapi").is_none() {
        return Err(Error("the spec has no `openapi` version: is this the chat-completions page?".into()));
    }
    Ok(())
}

/// `enum: [{value: X}]` and `enum: [{type: stringLiteral, value: X}]` become `enum: [X]`.
///
/// The page's generator wraps every enum value; YAML aliases (`*ref_0`) are already resolved by
/// the parser, so wrapped values reached through an alias are unwrapped here too.
pub fn resolve_enum_values(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        if let Some(Value::Array(values)) = schema.get_mut("enum") {
            for value in values.iter_mut() {
                if let Some(inner) = value.as_object().and_then(|o| o.get("value")) {
                    *value = inner.clone();
                }
            }
        }
    });
}

/// `openapi: 3.1.x` → `3.0.3`: the rest of this pass removes the 3.1 forms progenitor cannot read.
pub fn downgrade_version(spec: &mut Value) -> Result<(), Error> {
    let version = spec["openapi"].as_str().unwrap_or_default().to_owned();
    if !(version.starts_with("3.0.") || version.starts_with("3.1.")) {
        return Err(Error(format!("unsupported OpenAPI version {version:?} at `/openapi`")));
    }
    spec["openapi"] = json!("3.0.3");
    Ok(())
}

/// `tags: [[a, b]]` (a list nested in the list) → `tags: [a, b]`.
pub fn flatten_tags(spec: &mut Value) {
    for operation in operations(spec) {
        if let Some(Value::Array(tags)) = operation.get_mut("tags") {
            let flat = tags
                .drain(..)
                .flat_map(|tag| match tag {
                    Value::Array(inner) => inner,
                    other => vec![other],
                })
                .collect();
            *tags = flat;
        }
    }
}

/// 3.1 nullability → 3.0 `nullable: true`.
///
/// `type: [T, 'null']` → `type: T`; `oneOf: [X, {type: 'null'}]` → `X` (a lone `$ref` stays a
/// `$ref` under `allOf`, since 3.0 ignores the siblings of a `$ref`); `enum: [a, null]` → `[a]`.
pub fn downgrade_nullable(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        if let Some(Value::Array(types)) = schema.get("type") {
            let non_null: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
            let had_null = non_null.len() < types.len();
            match non_null.as_slice() {
                [one] => {
                    schema.insert("type".into(), one.clone());
                }
                _ => {
                    // Several non-null types: a union of each (the page does not use this today).
                    schema.remove("type");
                    let branches = non_null.into_iter().map(|t| json!({ "type": t })).collect();
                    schema.insert("oneOf".into(), Value::Array(branches));
                }
            }
            if had_null {
                schema.insert("nullable".into(), json!(true));
            }
        }
        // `enum: [a, b, null]`: the null is the nullability, not a value.
        if let Some(Value::Array(values)) = schema.get_mut("enum")
            && values.iter().any(Value::is_null)
        {
            values.retain(|v| !v.is_null());
            schema.insert("nullable".into(), json!(true));
        }
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(branches)) = schema.get_mut(key) else { continue };
            let before = branches.len();
            // `{type: 'null'}`, or (in older published versions) a branch that is only `nullable`.
            branches
                .retain(|b| b.get("type").and_then(Value::as_str) != Some("null") && *b != json!({"nullable": true}));
            let (had_null, single) = (branches.len() < before, branches.len() == 1);
            if !had_null {
                continue;
            }
            if single {
                let Some(Value::Array(mut branches)) = schema.remove(key) else { unreachable!() };
                lift_single(schema, branches.pop().expect("one branch"));
            }
            schema.insert("nullable".into(), json!(true));
        }
    });
}

/// Puts the one remaining union branch in place of the union, keeping the parent's own keys.
fn lift_single(schema: &mut Map<String, Value>, only: Value) {
    let Value::Object(only) = only else { return };
    if only.contains_key("$ref") {
        schema.insert("allOf".into(), json!([only]));
    } else {
        for (k, v) in only {
            schema.entry(k).or_insert(v);
        }
    }
}

/// Strings keep no `pattern`, no length bounds and no `format` that typify maps to another crate
/// (`uuid`, `date-time`, `date`): they stay plain `String`s, not newtypes that validate.
///
/// The generated types would otherwise need `regress`, `uuid` and `chrono` (compile time for every
/// user), and a server's timestamp in a slightly different form, or a key that is not quite a
/// UUID, would cost the whole response. The contract (what Prism serves) keeps both.
pub fn plain_strings(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        if schema.get("type").and_then(Value::as_str) != Some("string") {
            return;
        }
        for constraint in ["pattern", "minLength", "maxLength"] {
            if schema.get(constraint).is_some_and(|v| v.is_string() || v.is_number()) {
                schema.remove(constraint);
            }
        }
        if matches!(schema.get("format").and_then(Value::as_str), Some("uuid" | "date-time" | "date")) {
            schema.remove("format");
        }
    });
}

/// "Any type" schemas become `{}`; an "Any type" branch next to typed branches of a union is dropped.
///
/// The page emits `{description: Any type}` as a catch-all branch (`max_price.prompt` is
/// `number | string | any`); keeping it would turn every such union into `serde_json::Value`.
pub fn drop_any_type(spec: &mut Value) {
    let any_names: BTreeSet<String> =
        schemas(spec).iter().filter(|(_, s)| is_any(s)).map(|(name, _)| name.clone()).collect();
    walk_objects(spec, &mut |schema| {
        if schema.get("description").and_then(Value::as_str) == Some("Any type") && schema.len() == 1 {
            schema.remove("description");
        }
        // `enum: [a, b, null]`: the null is the nullability, not a value.
        if let Some(Value::Array(values)) = schema.get_mut("enum")
            && values.iter().any(Value::is_null)
        {
            values.retain(|v| !v.is_null());
            schema.insert("nullable".into(), json!(true));
        }
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(branches)) = schema.get_mut(key) else { continue };
            let is_any_branch = |b: &Value| {
                b.as_object().is_some_and(|o| o.is_empty() || ref_name(o).is_some_and(|n| any_names.contains(n)))
            };
            if branches.iter().any(|b| !is_any_branch(b)) {
                branches.retain(|b| !is_any_branch(b));
            }
        }
    });
}

fn is_any(schema: &Value) -> bool {
    schema.as_object().is_some_and(|o| o.keys().all(|k| k == "description"))
}

/// The per-call `Authorization` header parameter goes; auth is a client-level bearer scheme.
pub fn drop_auth_header(spec: &mut Value) {
    for operation in operations(spec) {
        if let Some(Value::Array(params)) = operation.get_mut("parameters") {
            params.retain(|p| {
                !(p["in"] == "header" && p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("authorization")))
            });
        }
    }
    // The published spec has its own schemes (`apiKey`, `bearer`, both bearer tokens), which some
    // operations name: they stay, and `bearer` is there for the rest.
    if !spec["components"]["securitySchemes"].is_object() {
        spec["components"]["securitySchemes"] = json!({});
    }
    if let Some(schemes) = spec["components"]["securitySchemes"].as_object_mut() {
        schemes.entry("bearer").or_insert_with(|| json!({ "type": "http", "scheme": "bearer" }));
    }
    if spec.get("security").is_none_or(|s| s.as_array().is_none_or(Vec::is_empty)) {
        spec["security"] = json!([{ "bearer": [] }]);
    }
}

/// `default: X` moves into the description: the server applies its defaults, the client must not.
///
/// typify fills defaults in on deserialization and then always serializes them, so an unset
/// `top_p` would be sent as `1.0`, and some providers refuse `temperature` and `top_p` together.
pub fn defaults_to_docs(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        let Some(default) = schema.remove("default") else { return };
        let note = format!("Default: `{default}`.");
        let description = match schema.get("description").and_then(Value::as_str) {
            Some(d) => format!("{}\n\n{note}", d.trim_end()),
            None => note,
        };
        schema.insert("description".into(), json!(description));
    });
}

/// Property names the page types as `number` but the wire always sends as integers.
const INTEGER_FIELDS: &[(&str, &str)] = &[
    ("index", "uint32"),
    ("created", "uint64"),
    ("top_logprobs", "uint32"),
    ("max_results", "uint32"),
    ("bytes", "uint8"), // logprob bytes: an array of byte values
];

/// Counts typed as `number/double` or as a plain `integer` (token counts, `index`, `created`, ...)
/// become unsigned integers of a fitting width.
pub fn integer_counts(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else { return };
        for (name, property) in properties.iter_mut() {
            let format = INTEGER_FIELDS
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, format)| *format)
                .or_else(|| name.ends_with("_tokens").then_some("uint64"));
            let Some(format) = format else { continue };
            let target = match property.get("type").and_then(Value::as_str) {
                Some("array") => property.get_mut("items"),
                _ => Some(property),
            };
            let untyped_integer = |t: &Map<String, Value>| {
                t.get("type").and_then(Value::as_str) == Some("integer") && !t.contains_key("format")
            };
            if let Some(Value::Object(target)) = target
                && (target.get("type").and_then(Value::as_str) == Some("number") || untyped_integer(target))
            {
                target.insert("type".into(), json!("integer"));
                target.insert("format".into(), json!(format));
            }
        }
    });
}

/// `uint*` formats also get `minimum`/`maximum`, so tools that do not know these formats (Prism's
/// validator and its random responses) still keep to the range the Rust type can hold.
pub fn unsigned_bounds(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        if schema.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        let maximum = match schema.get("format").and_then(Value::as_str) {
            Some("uint8") => Some(u64::from(u8::MAX)),
            Some("uint16") => Some(u64::from(u16::MAX)),
            Some("uint32" | "uint") => Some(u64::from(u32::MAX)),
            Some("uint64") => None,
            _ => return,
        };
        schema.entry("minimum").or_insert(json!(0));
        if let Some(maximum) = maximum {
            schema.entry("maximum").or_insert(json!(maximum));
        }
    });
}

/// `{$ref: X, description: D}` → `{allOf: [{$ref: X}], description: D}`.
///
/// 3.0 ignores every sibling of a `$ref`; this keeps the page's property descriptions as rustdoc.
pub fn ref_siblings(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        if schema.contains_key("$ref") && schema.len() > 1 {
            let reference = schema.remove("$ref").expect("checked");
            schema.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
    });
}

/// `allOf` parts that add nothing are dropped, their documentation (and a part's `nullable`) moved
/// to the parent:
/// `{allOf: [$ref ReasoningEffort, {description: D}]}` is `{allOf: [$ref ReasoningEffort],
/// description: D}`, and an empty object part (`{type: object, properties: {}}`) goes.
///
/// typify merges every `allOf` into a copy of its parts: the published spec's documented
/// `$ref`s would each become a closed copy of the referenced enum (`ModelReasoningDefaultEffort`).
pub fn drop_empty_all_of_parts(spec: &mut Value) {
    // `required` too: the published spec repeats, next to a `$ref`, what the component requires.
    const ADDS_NOTHING: &[&str] =
        &["description", "title", "example", "examples", "type", "properties", "additionalProperties", "required"];
    walk_objects(spec, &mut |schema| {
        let Some(Value::Array(parts)) = schema.get_mut("allOf") else { return };
        if parts.len() < 2 {
            return;
        }
        // `allOf: [$ref X, {nullable: true}]` (older published versions): "X or null".
        let mut nullable = false;
        for part in parts.iter_mut().filter_map(Value::as_object_mut) {
            if !part.contains_key("$ref") && part.remove("nullable") == Some(json!(true)) {
                nullable = true;
            }
        }
        let empty = |part: &Value| {
            part.as_object().is_some_and(|o| {
                o.keys().all(|k| ADDS_NOTHING.contains(&k.as_str()))
                    && o.get("type").is_none_or(|t| t == "object")
                    && o.get("properties").is_none_or(|p| p.as_object().is_some_and(Map::is_empty))
                    && o.get("additionalProperties").is_none_or(|a| a == &json!({}) || a == &json!(true))
            })
        };
        let mut docs = Vec::new();
        parts.retain(|part| {
            if empty(part) {
                docs.extend(["description", "title"].iter().filter_map(|k| Some((*k, part.get(*k)?.clone()))));
                false
            } else {
                true
            }
        });
        if parts.is_empty() {
            schema.remove("allOf");
            schema.insert("type".into(), json!("object"));
        }
        if nullable {
            schema.insert("nullable".into(), json!(true));
        }
        for (key, value) in docs {
            schema.entry(key).or_insert(value);
        }
    });
}

/// Adds OpenRouter's error envelope (WIRE.md section 4) as `ErrorResponse` and its `ErrorBody`.
pub fn error_envelope(spec: &mut Value) {
    let schemas = schemas(spec);
    let envelope = error_response_schema();
    schemas.insert("ErrorBody".into(), envelope["properties"]["error"].clone());
    let mut response = envelope;
    response["properties"]["error"] = json!({ "$ref": "#/components/schemas/ErrorBody" });
    schemas.insert("ErrorResponse".into(), response);
}

/// Every error status answers with the one `ErrorResponse` envelope.
///
/// progenitor panics when one operation has more than one distinct error schema.
pub fn shared_error_response(spec: &mut Value) {
    for operation in operations(spec) {
        let Some(Value::Object(responses)) = operation.get_mut("responses") else { continue };
        for (status, response) in responses.iter_mut() {
            if let (true, Some(response)) =
                (status.starts_with('4') || status.starts_with('5'), response.as_object_mut())
            {
                response
                    .insert("content".into(), json!({ "application/json": { "schema": schema_ref("ErrorResponse") } }));
            }
        }
    }
}

/// Inline union branches become component schemas: a `$ref` to an identical component where one
/// exists, else a new component named `<Union><Tag>` (the tag is the branch's one-value enum).
/// Unions inside a schema (a property's `anyOf`) are named as typify would name them
/// (`MessagesRequestToolsItem`), so their branches read `MessagesRequestToolsItemCustom`.
///
/// typify turns inline branches into anonymous `VariantN` struct variants; named branches give
/// named types users can build and match. The page also spells the text content part out inline
/// (through a YAML alias) next to its own identical `ChatMessageContentItemText`.
pub fn lift_union_branches(spec: &mut Value) {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("description");
        }
        v.to_string()
    };
    let by_content: BTreeMap<String, String> =
        schemas(spec).iter().map(|(name, schema)| (strip(schema), name.clone())).collect();
    let mut taken: BTreeSet<String> = schemas(spec).keys().cloned().collect();
    let mut lifted = Map::new();
    walk_named(spec, &mut |union, union_name| {
        let Some(branches) = union_branches_mut(union) else { return };
        // Several list branches (`[string] | [number] | [[number]] | [{content}]`): typify would
        // call each `Array`, then give up on names. Each is titled by what it lists, an inline
        // item object first becoming `<Union>Item`.
        if branches.iter().filter(|b| b["type"] == "array").count() > 1 {
            for branch in branches.iter_mut().filter(|b| b["type"] == "array") {
                let item = &mut branch["items"];
                if item.get("properties").is_some() && taken.insert(format!("{union_name}Item")) {
                    let name = format!("{union_name}Item");
                    lifted.insert(name.clone(), std::mem::replace(item, schema_ref(&name)));
                }
                if let Some(title) = list_title(branch) {
                    branch["title"] = json!(title);
                }
            }
        }
        let keys = branch_keys(branches);
        for (branch, key) in branches.iter_mut().zip(keys) {
            if branch.get("$ref").is_some() {
                continue;
            }
            if let Some(name) = by_content.get(&strip(branch)) {
                *branch = schema_ref(name);
            } else if let Some(tag) = key {
                let name = format!("{union_name}{}", pascal_case(&tag));
                if !taken.insert(name.clone()) {
                    continue; // a name already taken: typify's own name, which the name check then judges
                }
                let mut schema = std::mem::replace(branch, schema_ref(&name));
                if let Some(o) = schema.as_object_mut() {
                    o.remove("description");
                }
                lifted.insert(name, schema);
            }
        }
    });
    schemas(spec).extend(lifted);
}

/// The value of the object's one-value enum property (its union tag), if it has one.
/// What names each branch of a union: its tag, or for an inline object without one, the property
/// that sets it apart from the other branches (`{prompt} | {messages}`), when that is unambiguous.
fn branch_keys(branches: &[Value]) -> Vec<Option<String>> {
    // An inline extension of a component (`allOf: [$ref FunctionTool, {defer_loading}]`) is
    // named after it.
    let extends = |b: &Value| b.pointer("/allOf/0").and_then(Value::as_object).and_then(ref_name).map(str::to_owned);
    let tags: Vec<Option<String>> = branches.iter().map(|b| tag_value(b).or_else(|| extends(b))).collect();
    let untagged: Vec<Option<String>> = branches
        .iter()
        .zip(&tags)
        .map(|(b, tag)| {
            let o = b.as_object().filter(|o| tag.is_none() && o.contains_key("properties"))?;
            let required = o.get("required").and_then(Value::as_array).and_then(|r| r.first()?.as_str());
            let first = o.get("properties")?.as_object()?.keys().next().map(String::as_str);
            required.or(first).map(str::to_owned)
        })
        .collect();
    let all: Vec<&String> = tags.iter().chain(&untagged).flatten().collect();
    let unique = all.iter().collect::<BTreeSet<_>>().len() == all.len();
    tags.into_iter().zip(untagged).map(|(tag, key)| tag.or(key.filter(|_| unique))).collect()
}

/// The one-value enum that tags a union branch: its `type` property's first, else any property's.
fn tag_value(schema: &Value) -> Option<String> {
    let one_value = |p: &Value| match p.get("enum")?.as_array()?.as_slice() {
        [Value::String(tag)] => Some(tag.clone()),
        _ => None,
    };
    let properties = schema.get("properties")?.as_object()?;
    properties.get("type").and_then(one_value).or_else(|| properties.values().find_map(one_value))
}

/// `StringList`, `NumberListList`, `ContentPartList`: what a list branch holds.
fn list_title(schema: &Value) -> Option<String> {
    let items = schema.get("items")?;
    let item = match (items.as_object().and_then(ref_name), items.get("type").and_then(Value::as_str)) {
        (Some(name), _) => name.to_owned(),
        (None, Some("array")) => list_title(items)?,
        (None, Some(kind @ ("string" | "number" | "integer" | "boolean"))) => pascal_case(kind),
        _ => return None,
    };
    Some(format!("{item}List"))
}

fn pascal_case(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
        .collect()
}

/// Union branches that are each a one-value string enum merge into one `<Union>Mode` enum, in
/// `oneOf` and `anyOf` unions alike, components or inline.
///
/// `tool_choice` is `"none" | "auto" | "required" | {function}`: `ToolChoice::Mode(ToolChoiceMode)`
/// reads better than three one-value enums named `ToolChoiceVariant0..2`.
pub fn merge_string_enum_branches(spec: &mut Value) {
    let mut modes = Map::new();
    let mut taken: BTreeSet<String> = schemas(spec).keys().cloned().collect();
    walk_named(spec, &mut |union, name| {
        let Some(branches) = union_branches_mut(union) else { return };
        let is_string_enum = |b: &Value| {
            b["type"] == "string"
                && b["enum"].as_array().is_some_and(|values| values.len() == 1)
                && b.as_object().is_some_and(|o| {
                    o.keys().all(|k| matches!(k.as_str(), "type" | "enum" | "description" | "title" | "example"))
                })
        };
        if branches.iter().filter(|b| is_string_enum(b)).count() < 2 {
            return;
        }
        let mode = format!("{name}Mode");
        if !taken.insert(mode.clone()) {
            return;
        }
        let values: Vec<Value> = branches
            .iter()
            .filter(|b| is_string_enum(b))
            .flat_map(|b| b["enum"].as_array().cloned().unwrap_or_default())
            .collect();
        let at = branches.iter().position(is_string_enum).unwrap_or(0);
        branches.retain(|b| !is_string_enum(b));
        branches.insert(at, json!({ "allOf": [schema_ref(&mode)], "title": "Mode" }));
        modes.insert(mode, json!({ "type": "string", "enum": values }));
    });
    schemas(spec).extend(modes);
}

/// A component that is itself nullable (`Usage: {anyOf: [{...}, {type: 'null'}]}` in 3.1) moves
/// its nullability to the places that use it: `{allOf: [$ref Usage], nullable: true}`.
///
/// typify turns a nullable component into a newtype over an `Option` of an inner type it gives
/// the same name, which does not compile (six such components in the published spec). Where the
/// use is an optional property, [`optional_refs_not_nullable`] then drops the `nullable` again.
pub fn nullable_components_to_uses(spec: &mut Value) {
    let mut nullable = BTreeSet::new();
    for (name, schema) in schemas(spec).iter_mut() {
        if let Some(schema) = schema.as_object_mut()
            && schema.remove("nullable") == Some(json!(true))
        {
            nullable.insert(name.clone());
        }
    }
    walk_objects(spec, &mut |schema| {
        if ref_name(schema).is_some_and(|n| nullable.contains(n)) && schema.len() == 1 {
            let reference = std::mem::take(schema);
            schema.insert("allOf".into(), json!([reference]));
            schema.insert("nullable".into(), json!(true));
        }
    });
}

/// A union with a `discriminator` names its `$ref` branches by their wire tag: `ChatMessage::System`,
/// `ChatContentPart::ImageUrl`, `ChatRequestResponseFormat::JsonSchema`.
///
/// Otherwise typify names them after the referenced types, minus the prefix all of them share,
/// which changes whenever upstream renames one branch (`FormatJsonObjectConfig` in 2026-06 made
/// every variant of the response format longer). The tags are the wire values: they do not churn.
pub fn title_discriminated_branches(spec: &mut Value) {
    walk_objects(spec, &mut |union| {
        let mapping = union.get("discriminator").and_then(|d| d.get("mapping")).and_then(Value::as_object).cloned();
        let Some(mapping) = mapping else { return };
        let Some(branches) = union_branches_mut(union) else { return };
        let title = |branch: &Value| {
            let target = branch.get("$ref")?.as_str()?;
            mapping.iter().find(|(_, to)| to.as_str() == Some(target)).map(|(tag, _)| pascal_case(tag))
        };
        let titles: Vec<Option<String>> = branches.iter().map(title).collect();
        let named: Vec<&String> = titles.iter().flatten().collect();
        if named.iter().collect::<BTreeSet<_>>().len() != named.len() {
            return;
        }
        for (branch, title) in branches.iter_mut().zip(titles) {
            if let Some(title) = title {
                let reference = std::mem::take(branch);
                *branch = json!({ "allOf": [reference], "title": title });
            }
        }
    });
}

/// A union whose `$ref` branches are named so that one name starts all the others
/// (`ProviderSort | ProviderSortConfig`) titles its branches: typify cuts the common prefix from
/// variant names, and gives up (`Variant0`, `Variant1`) when a name is left empty. The branch
/// whose name is the prefix gets a word for its kind: `Value(ProviderSort)`, `Config(..)`.
pub fn title_prefix_branches(spec: &mut Value) {
    let components = schemas(spec).clone();
    let kind = |name: &str| {
        let schema = &components[name];
        match schema.get("type").and_then(Value::as_str) {
            _ if schema.get("enum").is_some() => "Value",
            Some("string") => "Text",
            Some("array") => "List",
            Some("number" | "integer") => "Number",
            _ => "Object",
        }
    };
    walk_objects(spec, &mut |union| {
        let Some(branches) = union_branches_mut(union) else { return };
        let names: Vec<Option<String>> =
            branches.iter().map(|b| b.as_object().and_then(ref_name).map(str::to_owned)).collect();
        let Some(names) = names.into_iter().collect::<Option<Vec<String>>>() else { return };
        if names.len() < 2 || !names.iter().any(|n| names.iter().all(|other| other.starts_with(n.as_str()))) {
            return;
        }
        for (branch, name) in branches.iter_mut().zip(&names) {
            if !components.contains_key(name) {
                return;
            }
            let prefix_of_all = names.iter().all(|other| other.starts_with(name.as_str()));
            let title = if prefix_of_all { format!("{name}{}", kind(name)) } else { name.clone() };
            *branch = json!({ "allOf": [schema_ref(name)], "title": title });
        }
    });
}

/// The contract (what Prism serves) says "or null" without `nullable` where a schema has no
/// `type`: `{allOf: [$ref X], nullable: true}` is `{anyOf: [$ref X, {enum: [null]}]}`, and a
/// nullable union gains an `{enum: [null]}` branch.
///
/// OpenAPI 3.0 gives `nullable` no meaning without `type`; Prism's validator then refuses to
/// compile the whole request schema and silently validates nothing. The generated code reads the
/// `nullable` form (it makes the field an `Option`), so only the contract gets this one.
pub fn contract_nullability(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        if schema.get("nullable") != Some(&json!(true)) || schema.contains_key("type") {
            return;
        }
        schema.remove("nullable");
        let or_null = json!({ "enum": [null] });
        if let Some(branches) = union_branches_mut(schema) {
            branches.push(or_null);
        } else if let Some(Value::Array(parts)) = schema.get("allOf")
            && parts.len() == 1
        {
            let only = schema.remove("allOf").and_then(|mut p| p.as_array_mut()?.pop()).expect("one part");
            schema.insert("anyOf".into(), Value::Array(vec![only, or_null]));
        }
    });
}

/// Optional properties that wrap a `$ref` (`allOf: [$ref]`) or are a union drop `nullable`.
///
/// An optional property may be absent, and the client reads `null` as absent, so nothing is lost;
/// but OpenAPI 3.0 gives `nullable` no meaning without `type`, Prism then silently stops
/// validating request bodies altogether, and typify names a nullable union's variants `Variant0..`.
pub fn optional_refs_not_nullable(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        let required: Vec<Value> = schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        let Some(Value::Object(properties)) = schema.get_mut("properties") else { return };
        for (name, property) in properties.iter_mut() {
            let Some(property) = property.as_object_mut() else { continue };
            let wrapper = ["allOf", "oneOf", "anyOf"].iter().any(|k| property.contains_key(*k));
            if wrapper && !property.contains_key("type") && !required.contains(&json!(name)) {
                property.remove("nullable");
            }
        }
    });
}

/// "A known name, or any string" (`oneOf: [ProviderName, {type: string}]`) becomes `anyOf`.
///
/// A known value matches both branches, so as `oneOf` the page rejects `"OpenAI"` itself; the
/// contract means "any string". The code generator reads these back as `oneOf`
/// ([`unions_for_codegen`]), which serde tries in order: known first, then the plain string.
pub fn known_or_any_string_as_any_of(spec: &mut Value) {
    let string_enums: BTreeSet<String> = schemas(spec)
        .iter()
        .filter(|(_, s)| s["type"] == "string" && s.get("enum").is_some())
        .map(|(n, _)| n.clone())
        .collect();
    walk_objects(spec, &mut |schema| {
        let Some(Value::Array(branches)) = schema.get("oneOf") else { return };
        let any_string = branches.iter().any(|b| b["type"] == "string" && b.get("enum").is_none());
        let known = branches.iter().any(|b| {
            b.get("enum").is_some() || b.as_object().and_then(ref_name).is_some_and(|n| string_enums.contains(n))
        });
        if any_string && known {
            let branches = schema.remove("oneOf").expect("checked");
            schema.insert("anyOf".into(), branches);
        }
    });
}

/// What the generator reads differs from the contract: strings are plain ([`plain_strings`]), and
/// unions are `oneOf`.
///
/// typify makes an untagged enum of a `oneOf` (serde tries the variants in order), but a struct
/// of optional fields of an `anyOf`.
pub fn unions_for_codegen(spec: &mut Value) {
    plain_strings(spec);
    walk_objects(spec, &mut |schema| {
        if let Some(branches) = schema.remove("anyOf") {
            schema.insert("oneOf".into(), branches);
        }
    });
}

/// Scalar union branches are titled by their JSON type, so the Rust variants read
/// `Number(f64)` / `String(String)` rather than `Double(f64)` (named after the format).
pub fn title_scalar_branches(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        let Some(branches) = union_branches_mut(schema) else { return };
        for branch in branches.iter_mut().filter_map(Value::as_object_mut) {
            let title = match branch.get("type").and_then(Value::as_str) {
                Some("number") => "Number",
                Some("integer") => "Integer",
                Some("boolean") => "Boolean",
                Some("string") if !branch.contains_key("enum") => "String",
                // Not arrays: typify names an untitled one `Array` too, and a title would also
                // name the item type (`ArrayItem`, shared across unrelated unions).
                _ => continue,
            };
            branch.entry("title").or_insert(json!(title));
        }
    });
}

fn error_response_schema() -> Value {
    json!({
        "type": "object",
        "description": "OpenRouter's error envelope, sent with every error status (and sometimes with a 200).",
        "properties": {
            "error": {
                "type": "object",
                "description": "What went wrong.",
                "properties": {
                    "code": {
                        "description": "The HTTP status as a number; some streams send a string code instead.",
                        "oneOf": [{ "type": "integer", "format": "int64", "title": "Number" }, { "type": "string", "title": "String" }]
                    },
                    "message": { "type": "string", "description": "A human-readable explanation." },
                    "metadata": {
                        "type": "object",
                        "nullable": true,
                        "additionalProperties": {},
                        "description": "Details that depend on the error: moderation reasons, the provider's raw error, ..."
                    },
                    "error_type": { "type": "string", "nullable": true, "description": "A canonical error type, e.g. `context_length_exceeded`." },
                    "http_status": { "type": "integer", "format": "uint16", "nullable": true, "description": "The HTTP status, when `code` is not one." },
                    "availability": {
                        "type": "object",
                        "nullable": true,
                        "additionalProperties": {},
                        "description": "Why no model or provider could serve the request (model-availability errors)."
                    }
                },
                "required": ["message"]
            },
            "user_id": { "type": "string", "nullable": true, "description": "The account the request ran under." }
        },
        "required": ["error"]
    })
}

/// An `allOf` whose branches give one property two different schemas becomes one object schema.
///
/// The published spec overrides a property this way (`allOf: [$ref BaseEvent, {properties:
/// {response: $ref OpenResponsesResult}}]` where the base has `response: $ref
/// BaseResponsesResult`). typify merges the two schemas of such a property pairwise, which takes
/// tens of seconds and silently drops the override's new values. Flattened, the later branch wins.
///
/// Only all-object `allOf`s are touched (inline objects, `$ref`s to one, nested `allOf`s of
/// such); a branch with `oneOf`, `anyOf`, `not`, `enum` or `items` leaves the schema alone. The
/// others keep typify's newtype-of-base shape: flattening them all would copy every base.
/// Merge: a later property replaces an earlier one in its position; `required` is the ordered
/// union; the last `additionalProperties` wins.
pub fn flatten_overriding_all_of(spec: &mut Value) {
    let components = schemas(spec).clone();
    walk_objects(spec, &mut |schema| {
        let Some(Value::Array(branches)) = schema.get("allOf") else { return };
        let Some(flat) = flat_branches(branches, &components, 0) else { return };
        if !overrides_a_property(&flat) {
            return;
        }
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        let mut additional = None;
        for branch in &flat {
            if let Some(Value::Object(props)) = branch.get("properties") {
                for (name, property) in props {
                    properties.insert(name.clone(), property.clone());
                }
            }
            for name in branch.get("required").and_then(Value::as_array).into_iter().flatten() {
                if !required.contains(name) {
                    required.push(name.clone());
                }
            }
            if let Some(a) = branch.get("additionalProperties") {
                additional = Some(a.clone());
            }
        }
        schema.remove("allOf");
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        if let Some(additional) = additional {
            schema.insert("additionalProperties".into(), additional);
        }
    });
}

/// The `allOf` branches as plain object schemas, `$ref`s and nested `allOf`s resolved; `None`
/// when one is not a plain object.
fn flat_branches(branches: &[Value], components: &Map<String, Value>, depth: usize) -> Option<Vec<Map<String, Value>>> {
    const NOT_PLAIN: &[&str] = &["oneOf", "anyOf", "not", "enum", "items"];
    if depth > 16 {
        return None; // a reference cycle through `allOf`: leave it to the generator
    }
    let mut flat = Vec::new();
    for branch in branches {
        let mut branch = branch.as_object()?;
        if let Some(target) = ref_name(branch) {
            branch = components.get(target)?.as_object()?;
        }
        if NOT_PLAIN.iter().any(|k| branch.contains_key(*k)) {
            return None;
        }
        if let Some(Value::Array(inner)) = branch.get("allOf") {
            flat.extend(flat_branches(inner, components, depth + 1)?);
            let mut rest = branch.clone();
            rest.remove("allOf");
            flat.push(rest);
        } else if branch.get("type").is_none_or(|t| t == "object") {
            flat.push(branch.clone());
        } else {
            return None;
        }
    }
    Some(flat)
}

fn overrides_a_property(branches: &[Map<String, Value>]) -> bool {
    let mut seen: BTreeMap<&str, Value> = BTreeMap::new();
    for branch in branches {
        for (name, property) in branch.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let shape = without_docs(property);
            match seen.get(name.as_str()) {
                Some(earlier) if *earlier != shape => return true,
                _ => {
                    seen.insert(name, shape);
                }
            }
        }
    }
    false
}

/// A schema without the keys that only document it, and `{allOf: [S]}` read as `S`.
fn without_docs(schema: &Value) -> Value {
    match schema {
        Value::Object(o) => {
            if let Some(Value::Array(one)) = o.get("allOf")
                && one.len() == 1
                && o.keys()
                    .all(|k| k == "allOf" || matches!(k.as_str(), "description" | "title" | "example" | "examples"))
            {
                return without_docs(&one[0]);
            }
            let kept = o
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "description" | "title" | "example" | "examples"))
                .map(|(k, v)| (k.clone(), without_docs(v)));
            Value::Object(kept.collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(without_docs).collect()),
        other => other.clone(),
    }
}

/// Component schemas with no meaning of their own are inlined where they are used (a list's
/// inline item type keeps a name: `name_alias_items`).
///
/// Inlined: plain scalars without `enum` (`ModelName: string`, `__schema11: number`), arrays,
/// and nullable wrappers of a single `$ref`. These are the page generator's artefacts; a name
/// for them would only hide the real type.
pub fn inline_aliases(spec: &mut Value) -> Result<(), Error> {
    name_alias_items(spec);
    let aliases: BTreeMap<String, Value> =
        schemas(spec).iter().filter(|(_, s)| is_alias(s)).map(|(n, s)| (n.clone(), s.clone())).collect();
    schemas(spec).retain(|name, _| !aliases.contains_key(name));
    // An alias may point at another alias: repeat until no reference to one is left. An alias
    // that reaches itself would grow forever; more passes than aliases means a cycle.
    let mut pending = BTreeSet::new();
    for _pass in 0..=aliases.len() {
        pending.clear();
        walk_objects(spec, &mut |schema| {
            if let Some(name) = ref_name(schema).filter(|n| aliases.contains_key(*n)).map(str::to_owned) {
                let Value::Object(alias) = aliases[&name].clone() else { return };
                schema.remove("$ref");
                for (k, v) in alias {
                    schema.entry(k).or_insert(v);
                }
                pending.insert(name);
            }
        });
        if pending.is_empty() {
            walk_objects(spec, &mut merge_single_all_of);
            return Ok(());
        }
    }
    Err(Error(format!("these schemas only refer to each other, in a cycle: {pending:?}")))
}

/// A list alias whose items are an inline object (`ChatAssistantImages: {type: array, items:
/// {properties: ...}}`) first gives its items a component of their own (`ChatAssistantImage`),
/// so that every place the list is inlined into shares one item type.
fn name_alias_items(spec: &mut Value) {
    let mut items = Map::new();
    let taken: BTreeSet<String> = schemas(spec).keys().cloned().collect();
    for (name, schema) in schemas(spec).iter_mut() {
        let is_list = schema.get("type").and_then(Value::as_str) == Some("array");
        let Some(item) = schema.get_mut("items").filter(|i| is_list && i.get("properties").is_some()) else {
            continue;
        };
        let item_name = name.strip_suffix('s').map_or_else(|| format!("{name}Item"), str::to_owned);
        if taken.contains(&item_name) || items.contains_key(&item_name) {
            continue;
        }
        items.insert(item_name.clone(), std::mem::replace(item, schema_ref(&item_name)));
    }
    schemas(spec).extend(items);
}

fn is_alias(schema: &Value) -> bool {
    let Some(o) = schema.as_object() else { return false };
    let has = |k: &str| o.contains_key(k);
    let scalar = matches!(o.get("type").and_then(Value::as_str), Some("string" | "number" | "integer" | "boolean"));
    let array = o.get("type").and_then(Value::as_str) == Some("array");
    let wrapper = o.get("allOf").and_then(Value::as_array).is_some_and(|a| a.len() == 1)
        && o.keys().all(|k| matches!(k.as_str(), "allOf" | "nullable" | "description"));
    (scalar && !has("enum")) || array || wrapper
}

/// `{allOf: [S], ...}` where `S` is inline (not a `$ref`) is just `S` with the outer keys.
fn merge_single_all_of(schema: &mut Map<String, Value>) {
    let single_inline = schema
        .get("allOf")
        .and_then(Value::as_array)
        .is_some_and(|a| a.len() == 1 && a[0].as_object().is_some_and(|o| !o.contains_key("$ref")));
    if single_inline {
        let Some(Value::Array(mut all_of)) = schema.remove("allOf") else { return };
        let Value::Object(inner) = all_of.pop().expect("one") else { return };
        for (k, v) in inner {
            schema.entry(k).or_insert(v);
        }
    }
}

/// The names a user would choose, for every machine-numbered or misleading upstream name in the
/// published spec.
///
/// An entry whose old name is gone fails the build: upstream renamed things and this table needs
/// a look. [`check_names`] fails the build when a new machine-numbered name appears.
pub const NAMES: &[(&str, &str)] = &[
    // BM25 is the ranking function's real name; ending the type in it reads as a machine number.
    ("AnthropicToolSearchToolBm25", "AnthropicToolSearchBm25Tool"),
    // The name chat users have written since 0.1 (and `Result` reads as `std::result::Result`).
    ("ChatResult", "ChatResponse"),
    // One message, one content part: the plural names a list.
    ("ChatMessages", "ChatMessage"),
    ("ChatContentItems", "ChatContentPart"),
    // `Enum` and `Union` say what the type's kind is, which Rust already shows.
    ("ChatFinishReasonEnum", "ChatFinishReason"),
    ("ChatReasoningSummaryVerbosityEnum", "ChatReasoningSummaryVerbosity"),
    ("ReasoningDetailUnion", "ReasoningDetail"),
    // The list `tools` takes holds function tools and OpenRouter's server tools alike.
    ("ChatFunctionTool", "ChatTool"),
    ("ChatFunctionToolFunction", "ChatFunctionTool"),
];

/// The same for the docs page, whose generator numbers its schemas (`__schema0`).
pub const PAGE_NAMES: &[(&str, &str)] = &[
    ("Schema0", "ProviderPreferences"),
    ("Schema3", "DataCollection"),
    ("Schema5Items0", "ProviderName"),
    ("Schema5Items", "ProviderNameOrSlug"),
    ("Schema8Items", "Quantization"),
    ("__schema10", "MaxPrice"),
    ("Schema10Prompt", "PriceLimit"),
    ("Schema15", "PercentileCutoffs"),
    ("Schema151", "Percentiles"),
    ("Schema17Items", "Plugin"),
    ("Schema17Items0", "AutoRouterPlugin"),
    ("Schema17Items1", "ModerationPlugin"),
    ("Schema17Items2", "WebSearchPlugin"),
    ("Schema17ItemsOneOf2Engine", "WebSearchEngine"),
    ("Schema17Items3", "FileParserPlugin"),
    ("Schema17ItemsOneOf3Pdf", "PdfParserOptions"),
    ("Schema17ItemsOneOf3PdfEngine", "PdfParserEngine"),
    ("Schema17Items4", "ResponseHealingPlugin"),
    ("__schema19", "ReasoningDetail"),
    ("Schema190", "ReasoningSummary"),
    ("Schema191", "ReasoningEncrypted"),
    ("Schema192", "ReasoningText"),
    ("Schema21", "ReasoningFormat"),
    ("ProviderSort", "SortBy"),
    ("ProviderSortConfig", "SortConfig"),
    ("ProviderSortConfigPartition", "SortPartition"),
    ("ProviderSortUnion", "ProviderSort"),
    ("ChatGenerationParams", "ChatRequest"),
    ("ChatGenerationParamsRoute", "Route"),
    ("ChatGenerationParamsTrace", "TraceMetadata"),
    ("ChatGenerationParamsReasoning", "ReasoningConfig"),
    ("ChatGenerationParamsReasoningEffort", "ReasoningEffort"),
    ("ChatGenerationParamsResponseFormat", "ResponseFormat"),
    ("ChatGenerationParamsResponseFormat0", "ResponseFormatText"),
    ("ChatGenerationParamsResponseFormat1", "ResponseFormatJsonObject"),
    ("ChatGenerationParamsResponseFormat4", "ResponseFormatPython"),
    ("ResponseFormatJSONSchema", "ResponseFormatJsonSchema"),
    ("JSONSchemaConfig", "JsonSchemaConfig"),
    ("ChatGenerationParamsStop", "Stop"),
    ("ChatGenerationParamsDebug", "DebugOptions"),
    ("ChatGenerationParamsImageConfig", "ImageConfigValue"),
    ("ChatGenerationParamsModalitiesItems", "Modality"),
    ("ChatMessageContentItem", "ContentPart"),
    ("ChatMessageContentItemText", "TextPart"),
    ("ChatMessageContentItemCacheControl", "CacheControl"),
    ("ChatMessageContentItemCacheControlTtl", "CacheTtl"),
    ("ChatMessageContentItemImageImageUrl", "ImageUrl"),
    ("ChatMessageContentItemImageImageUrlDetail", "ImageDetail"),
    ("ChatMessageContentItemAudioInputAudio", "InputAudio"),
    ("ChatMessageContentItemVideoOneOf0VideoUrl", "MediaUrl"),
    ("ChatMessageContentItemVideo0", "InputVideoPart"),
    ("ChatMessageContentItemImageUrl", "ImagePart"),
    ("ChatMessageContentItemInputAudio", "AudioPart"),
    ("ChatMessageContentItemVideo1", "VideoUrlPart"),
    ("SystemMessageContent", "TextContent"),
    ("UserMessageContent", "Content"),
    ("ToolResponseMessage", "ToolMessage"),
    ("AssistantMessageImagesItems", "GeneratedImage"),
    ("ChatMessageToolCall", "ToolCall"),
    ("ChatMessageToolCallFunction", "FunctionCall"),
    ("ToolDefinitionJson", "Tool"),
    ("ToolDefinitionJsonFunction", "FunctionDefinition"),
    ("ToolChoiceOption", "ToolChoice"),
    ("ToolChoiceOptionMode", "ToolChoiceMode"),
    ("NamedToolChoiceFunction", "NamedFunction"),
    ("ChatResponseChoice", "Choice"),
    ("ChatCompletionFinishReason", "FinishReason"),
    ("ChatMessageTokenLogprobs", "Logprobs"),
    ("ChatMessageTokenLogprob", "TokenLogprob"),
    ("ChatMessageTokenLogprobTopLogprobsItems", "TopLogprob"),
    ("ChatGenerationTokenUsage", "Usage"),
    ("ChatGenerationTokenUsageCompletionTokensDetails", "CompletionTokensDetails"),
    ("ChatGenerationTokenUsagePromptTokensDetails", "PromptTokensDetails"),
];

/// Renames component schemas and every `$ref` to them.
pub fn rename_schemas(spec: &mut Value, names: &[(&str, &str)]) -> Result<(), Error> {
    let table: BTreeMap<&str, &str> = names.iter().copied().collect();
    let schemas = schemas(spec);
    for (old, new) in names {
        // A name upstream does not have (yet, or any more) is skipped: the type keeps upstream's
        // name, which the machine-name check still judges, and a name the hand-written layer
        // needs fails its compile. Older published versions replay this way.
        let Some(schema) = schemas.remove(*old) else { continue };
        if schemas.insert((*new).to_owned(), schema).is_some() {
            return Err(Error(format!("names table: `{new}` already exists upstream; drop the entry for `{old}`")));
        }
    }
    schemas.sort_keys();
    walk_objects(spec, &mut |schema| {
        if let Some(new) = ref_name(schema).and_then(|n| table.get(n)) {
            schema.insert("$ref".into(), schema_ref(new)["$ref"].clone());
        }
    });
    Ok(())
}

/// Component schemas no longer referenced from the paths (or from each other) are dropped.
pub fn drop_unused(spec: &mut Value) {
    loop {
        let mut used = BTreeSet::new();
        walk_objects(spec, &mut |schema| {
            if let Some(name) = ref_name(schema) {
                used.insert(name.to_owned());
            }
        });
        // The chat stream chunk is read by the hand-written chat stream; on the docs page no path
        // names it. Without the chat operation nothing needs it.
        if spec.pointer("/paths/~1chat~1completions").is_some() {
            used.insert("ChatStreamChunk".into());
        }
        let schemas = schemas(spec);
        let before = schemas.len();
        schemas.retain(|name, _| used.contains(name));
        if schemas.len() == before {
            return;
        }
    }
}

/// The response side accepts what a newer OpenRouter sends, and keeps it.
///
/// This shapes the generated code only: `build` applies it to the copy progenitor reads, not to
/// the normalized document (a catch-all branch would make every known value match two `oneOf`
/// branches, which a validator such as Prism rightly rejects).
///
/// Every string enum reachable from a response becomes `Known(enum) | Unknown(String)`: each
/// component enum of two or more values, and each enum written inline as a property (a chunk's
/// `object`, a tool call's `type`). Every union reachable from a response gains a last `Unknown`
/// branch that takes any object, kept as JSON. The one exception is a one-value property of a
/// union branch: it is the tag that tells the branches apart, and the union's `Unknown` branch
/// takes what it does not know. Request-only types stay closed.
pub fn open_response_side(spec: &mut Value) {
    let (roots, _) = crate::operations::roots(spec);
    let roots: Vec<&str> = roots.iter().map(String::as_str).collect();
    let reachable = reachable_from(spec, &roots);
    let branches = union_branches(spec);
    let taken: BTreeSet<String> = schemas(spec).keys().cloned().collect();
    let objects: BTreeSet<String> = schemas(spec)
        .iter()
        .filter(|(_, s)| s.get("properties").is_some() || s.get("oneOf").is_some() || s.get("allOf").is_some())
        .map(|(n, _)| n.clone())
        .collect();
    let schemas = schemas(spec);
    let mut opener = Opener { known_enums: Map::new(), taken, objects };
    for name in &reachable {
        let Some(Value::Object(schema)) = schemas.get_mut(name) else { continue };
        opener.open(schema, name, Position::Root { is_branch: branches.contains(name) });
    }
    schemas.extend(opener.known_enums);
    schemas.sort_keys();
}

/// Where a schema sits, which decides whether a one-value enum there is a tag.
#[derive(Clone, Copy)]
enum Position {
    Root { is_branch: bool },
    Property { of_branch: bool },
    Nested,
    Branch,
}

struct Opener {
    known_enums: Map<String, Value>,
    taken: BTreeSet<String>,
    /// Components that are objects (or unions of them).
    objects: BTreeSet<String>,
}

impl Opener {
    /// Opens `schema` (named `name` as typify would name it) and everything inline under it.
    fn open(&mut self, schema: &mut Map<String, Value>, name: &str, position: Position) {
        // A title names an inline type (see `crate::names`); a branch's names its variant.
        let title = match position {
            Position::Property { .. } | Position::Nested => schema.get("title").and_then(Value::as_str),
            Position::Root { .. } | Position::Branch => None,
        };
        let name = &title.map_or_else(|| name.to_owned(), str::to_owned);
        let is_branch = matches!(position, Position::Root { is_branch: true } | Position::Branch);
        if let Some(Value::Object(properties)) = schema.get_mut("properties") {
            for (property, sub) in properties.iter_mut() {
                if let Value::Object(sub) = sub {
                    self.open(
                        sub,
                        &format!("{name}{}", pascal_case(property)),
                        Position::Property { of_branch: is_branch },
                    );
                }
            }
        }
        for (key, suffix) in [("items", "Item"), ("additionalProperties", "Value")] {
            if let Some(Value::Object(sub)) = schema.get_mut(key) {
                self.open(sub, &format!("{name}{suffix}"), Position::Nested);
            }
        }
        if let Some(Value::Array(parts)) = schema.get_mut("allOf") {
            for part in parts.iter_mut().filter_map(Value::as_object_mut) {
                self.open(part, name, position);
            }
        }
        if let Some(Value::Array(branches)) = schema.get_mut("oneOf") {
            for branch in branches.iter_mut().filter_map(Value::as_object_mut) {
                self.open(branch, name, Position::Branch);
            }
            // A union with an object branch can grow another object; one of strings, numbers or
            // lists (`String | Array`) chooses by the JSON kind, which cannot grow.
            let object_ish = |b: &Value| {
                let target = b
                    .as_object()
                    .and_then(ref_name)
                    .or_else(|| b.pointer("/allOf/0").and_then(Value::as_object).and_then(ref_name));
                b.get("properties").is_some() || target.is_some_and(|t| self.objects.contains(t))
            };
            let open_already = branches.iter().any(|b| b["title"] == "Unknown");
            if !open_already && branches.iter().any(object_ish) {
                branches.push(json!({
                    "type": "object",
                    "additionalProperties": {},
                    "title": "Unknown",
                    "description": "A variant this version of the crate does not know yet, kept as JSON."
                }));
            }
        }
        let fewest = match position {
            Position::Root { is_branch: false } => 2,
            Position::Root { is_branch: true } | Position::Branch => return,
            Position::Property { of_branch } => {
                if of_branch {
                    2
                } else {
                    1
                }
            }
            Position::Nested => 2,
        };
        if is_string_enum(schema, fewest) {
            let known = crate::names::known_names(name)
                .find(|known| self.taken.insert(known.clone()))
                .unwrap_or_else(|| format!("Known{name}Value"));
            open_enum(schema, known, &mut self.known_enums);
        }
    }
}

/// Whether `schema` is a string enum of at least `fewest` values.
fn is_string_enum(schema: &Map<String, Value>, fewest: usize) -> bool {
    let values = schema.get("enum").and_then(Value::as_array).map_or(0, Vec::len);
    schema.get("type").and_then(Value::as_str) == Some("string") && values >= fewest
}

/// Moves the enum `schema` into a component `known_name`, and makes `schema` the union of that
/// and any string (its description stays).
fn open_enum(schema: &mut Map<String, Value>, known_name: String, known_enums: &mut Map<String, Value>) {
    let description = schema.remove("description");
    let title = schema.remove("title");
    // Nullability belongs to the open union, not to the known values (typify would wrap them in an
    // `Option` newtype that cannot parse).
    let nullable = schema.remove("nullable");
    known_enums.insert(known_name.clone(), Value::Object(std::mem::take(schema)));
    if let Some(nullable) = nullable {
        schema.insert("nullable".into(), nullable);
    }
    schema.insert(
        "oneOf".into(),
        json!([
            { "allOf": [schema_ref(&known_name)], "title": "Known" },
            { "type": "string", "title": "Unknown", "description": "A value this version of the crate does not know yet." }
        ]),
    );
    if let Some(d) = description {
        schema.insert("description".into(), d);
    }
    if let Some(title) = title {
        schema.insert("title".into(), title);
    }
}

/// Components that are a branch of some union (`oneOf`/`anyOf` of `$ref`s), anywhere in the spec.
fn union_branches(spec: &mut Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    walk_objects(spec, &mut |o| {
        for key in ["oneOf", "anyOf"] {
            for branch in o.get(key).and_then(Value::as_array).into_iter().flatten() {
                // A bare `$ref`, or one titled under `allOf` (title_discriminated_branches).
                let reference = branch
                    .as_object()
                    .and_then(ref_name)
                    .or_else(|| branch.pointer("/allOf/0").and_then(Value::as_object).and_then(ref_name));
                if let Some(name) = reference {
                    names.insert(name.to_owned());
                }
            }
        }
    });
    // A branch that is a bare alias of another component (`ErrorEvent: allOf [BaseErrorEvent]`)
    // has its tag there: that component is a branch too.
    let components = schemas(spec);
    let mut todo: Vec<String> = names.iter().cloned().collect();
    while let Some(name) = todo.pop() {
        let aliased = components.get(&name).and_then(|s| s.get("allOf")).and_then(Value::as_array);
        for part in aliased.into_iter().flatten() {
            if let Some(target) = part.as_object().and_then(ref_name)
                && names.insert(target.to_owned())
            {
                todo.push(target.to_owned());
            }
        }
    }
    names
}

/// Names of the component schemas reachable from `roots` through `$ref`s.
pub fn reachable_from(spec: &mut Value, roots: &[&str]) -> BTreeSet<String> {
    let schemas = schemas(spec);
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.iter().map(|r| (*r).to_owned()).collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = schemas.get_mut(&name) {
            walk_objects(schema, &mut |o| {
                if let Some(n) = ref_name(o) {
                    todo.push(n.to_owned());
                }
            });
        }
    }
    seen
}

/// Fails when a machine-numbered name would reach the public API (`Schema17Items0`, `__schema3`).
pub fn check_names(spec: &mut Value) -> Result<(), Error> {
    let bad: Vec<&String> = schemas(spec).keys().filter(|name| is_machine_name(name)).collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Error(format!(
            "machine-numbered schema names would reach the public API: {bad:?}; give them names in NAMES (codegen/src/normalize.rs)"
        )))
    }
}

/// `__schema3`, `Schema17Items`, `ChatGenerationParamsResponseFormat4`: names a generator made up.
///
/// A trailing date is a version, not a number (`ClearThinking20251015`, as Anthropic names tools).
pub fn is_machine_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let numbered_schema =
        lower.match_indices("schema").any(|(i, _)| lower[i + 6..].starts_with(|c: char| c.is_ascii_digit()));
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let dated = digits == 8 && name[name.len() - 8..].starts_with("20");
    name.starts_with("__") || numbered_schema || (digits > 0 && !dated)
}

/// Component schemas with identical content are one type, named after the first in [`NAMES`]
/// order (or the first by name).
///
/// The page repeats `number | string` price limits under three names and the video URL object
/// under two.
pub fn merge_duplicates(spec: &mut Value, names: &[(&str, &str)]) {
    let rank = |name: &str| names.iter().position(|(old, _)| *old == name).unwrap_or(usize::MAX);
    let mut keep_for: BTreeMap<String, String> = BTreeMap::new();
    let mut by_content: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, schema) in schemas(spec).iter() {
        by_content.entry(schema.to_string()).or_default().push(name.clone());
    }
    for mut group in by_content.into_values().filter(|g| g.len() > 1) {
        group.sort_by_key(|n| (rank(n), n.clone()));
        for other in &group[1..] {
            keep_for.insert(other.clone(), group[0].clone());
        }
    }
    let schemas = schemas(spec);
    schemas.retain(|name, _| !keep_for.contains_key(name));
    walk_objects(spec, &mut |schema| {
        if let Some(keep) = ref_name(schema).and_then(|n| keep_for.get(n)) {
            schema.insert("$ref".into(), schema_ref(keep)["$ref"].clone());
        }
    });
}

fn operations(spec: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    spec.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.iter_mut().filter(|(k, _)| METHODS.contains(&k.as_str())).map(|(_, v)| v))
        .filter_map(Value::as_object_mut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        crate::parse_yaml(text).unwrap()
    }

    /// A minimal document around the given component schemas.
    fn doc(schemas: &str) -> Value {
        let mut spec = yaml("openapi: 3.1.1\npaths: {}\ncomponents:\n  schemas: {}\n");
        spec["components"]["schemas"] = yaml(schemas);
        spec
    }

    fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
        &spec["components"]["schemas"][name]
    }

    #[test]
    fn strings_lose_patterns_and_the_formats_that_need_other_crates() {
        let mut spec = doc(
            "A: {type: string, format: uuid, pattern: '^x$', maxLength: 64}\nB: {type: string, format: date-time}\n\
             C: {type: string, format: uri}\nD: {type: object, properties: {pattern: {type: string}}}",
        );
        plain_strings(&mut spec);
        assert_eq!(*schema(&spec, "A"), json!({"type": "string"}));
        assert_eq!(*schema(&spec, "B"), json!({"type": "string"}));
        assert_eq!(*schema(&spec, "C"), json!({"type": "string", "format": "uri"}));
        assert!(schema(&spec, "D")["properties"]["pattern"].is_object(), "a property named `pattern` stays");
    }

    #[test]
    fn ref_branches_named_by_a_common_prefix_get_titles_typify_can_keep() {
        let mut spec = doc("S: {type: string, enum: [a]}\nSConfig: {type: object}\n\
             U: {anyOf: [{$ref: '#/components/schemas/S'}, {$ref: '#/components/schemas/SConfig'}]}\n\
             V: {oneOf: [{$ref: '#/components/schemas/S'}, {$ref: '#/components/schemas/U'}]}");
        title_prefix_branches(&mut spec);
        assert_eq!(
            schema(&spec, "U")["anyOf"],
            json!([{"allOf": [{"$ref": "#/components/schemas/S"}], "title": "SValue"},
                   {"allOf": [{"$ref": "#/components/schemas/SConfig"}], "title": "SConfig"}])
        );
        assert_eq!(schema(&spec, "V")["oneOf"][0], json!({"$ref": "#/components/schemas/S"}), "no common prefix");
    }

    #[test]
    fn the_contract_says_or_null_without_nullable_where_there_is_no_type() {
        let mut spec = doc("A: {allOf: [{$ref: '#/components/schemas/X'}], nullable: true, description: d}\n\
             U: {oneOf: [{type: string}, {type: integer}], nullable: true}\n\
             T: {type: string, nullable: true}\nX: {type: object}");
        contract_nullability(&mut spec);
        assert_eq!(
            *schema(&spec, "A"),
            json!({"anyOf": [{"$ref": "#/components/schemas/X"}, {"enum": [null]}], "description": "d"})
        );
        assert_eq!(schema(&spec, "U")["oneOf"][2], json!({"enum": [null]}));
        assert_eq!(*schema(&spec, "T"), json!({"type": "string", "nullable": true}), "typed: 3.0 reads it");
    }

    #[test]
    fn discriminated_branches_are_named_by_their_wire_tag() {
        let mut spec = doc("A: {type: object}\nB: {type: object}\n\
             U: {discriminator: {propertyName: type, mapping: {json_schema: '#/components/schemas/A', text: '#/components/schemas/B'}}, oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]}");
        title_discriminated_branches(&mut spec);
        assert_eq!(
            schema(&spec, "U")["oneOf"],
            json!([{"allOf": [{"$ref": "#/components/schemas/A"}], "title": "JsonSchema"},
                   {"allOf": [{"$ref": "#/components/schemas/B"}], "title": "Text"}])
        );
    }

    #[test]
    fn a_nullable_component_becomes_nullable_where_it_is_used() {
        let mut spec = doc("U: {type: object, properties: {a: {type: string}}, nullable: true}\n\
             P: {type: object, properties: {u: {$ref: '#/components/schemas/U'}}}");
        nullable_components_to_uses(&mut spec);
        assert_eq!(schema(&spec, "U").get("nullable"), None);
        assert_eq!(
            schema(&spec, "P")["properties"]["u"],
            json!({"allOf": [{"$ref": "#/components/schemas/U"}], "nullable": true})
        );
    }

    #[test]
    fn an_all_of_that_overrides_a_property_is_flattened_and_the_later_branch_wins() {
        let mut spec = doc(
            "Base: {type: object, required: [type, response], properties: {type: {type: string}, response: {$ref: '#/components/schemas/Old'}}}\n\
             Old: {type: object}\nNew: {type: object}\n\
             Event: {description: d, allOf: [{$ref: '#/components/schemas/Base'}, {type: object, required: [seq], properties: {response: {$ref: '#/components/schemas/New'}, seq: {type: integer}}}]}",
        );
        flatten_overriding_all_of(&mut spec);
        let event = schema(&spec, "Event");
        assert_eq!(event["allOf"], Value::Null);
        assert_eq!(event["description"], "d");
        assert_eq!(event["type"], "object");
        let names: Vec<&String> = event["properties"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["type", "response", "seq"], "the override keeps the base's position");
        assert_eq!(event["properties"]["response"]["$ref"], "#/components/schemas/New");
        assert_eq!(event["required"], json!(["type", "response", "seq"]));
    }

    #[test]
    fn an_all_of_that_only_extends_or_only_redocuments_keeps_the_newtype_shape() {
        let mut spec = doc("Base: {type: object, properties: {a: {type: string, description: base}}}\n\
             Extends: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {b: {type: integer}}}]}\n\
             Redoc: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {a: {type: string, description: other}}}]}\n\
             Union: {allOf: [{oneOf: [{type: object}]}, {properties: {a: {type: integer}}}]}");
        let before = spec.clone();
        flatten_overriding_all_of(&mut spec);
        assert_eq!(spec, before);
    }

    #[test]
    fn nested_all_of_bases_are_followed_when_flattening() {
        let mut spec = doc("Root: {type: object, properties: {x: {type: string}}}\n\
             Mid: {allOf: [{$ref: '#/components/schemas/Root'}, {properties: {y: {type: string}}}]}\n\
             Leaf: {allOf: [{$ref: '#/components/schemas/Mid'}, {properties: {x: {type: string, enum: [a, b]}}, additionalProperties: false}]}");
        flatten_overriding_all_of(&mut spec);
        let leaf = schema(&spec, "Leaf");
        assert_eq!(leaf["properties"], json!({"x": {"type": "string", "enum": ["a", "b"]}, "y": {"type": "string"}}));
        assert_eq!(leaf["additionalProperties"], false);
        assert!(schema(&spec, "Mid")["allOf"].is_array(), "Mid overrides nothing");
    }

    #[test]
    fn enum_value_wrappers_are_unwrapped_through_aliases() {
        let mut spec = doc("A: {type: string, enum: [{value: deny}, {value: allow}]}\n\
             B: {type: string, enum: [&r {type: stringLiteral, value: text}]}\n\
             C: {type: string, enum: [*r]}\n\
             D: {type: string, enum: [plain]}");
        resolve_enum_values(&mut spec);
        assert_eq!(schema(&spec, "A")["enum"], json!(["deny", "allow"]));
        assert_eq!(schema(&spec, "B")["enum"], json!(["text"]));
        assert_eq!(schema(&spec, "C")["enum"], json!(["text"]));
        assert_eq!(schema(&spec, "D")["enum"], json!(["plain"]));
    }

    #[test]
    fn version_becomes_3_0_and_unknown_versions_fail() {
        let mut spec = doc("{}");
        downgrade_version(&mut spec).unwrap();
        assert_eq!(spec["openapi"], "3.0.3");
        spec["openapi"] = json!("2.0");
        assert!(downgrade_version(&mut spec).unwrap_err().0.contains("unsupported OpenAPI version"));
    }

    #[test]
    fn nested_tag_lists_are_flattened() {
        let mut spec = yaml("paths:\n  /x:\n    post:\n      tags: [[a, b], c]\n");
        flatten_tags(&mut spec);
        assert_eq!(spec["paths"]["/x"]["post"]["tags"], json!(["a", "b", "c"]));
    }

    #[test]
    fn type_arrays_with_null_become_nullable() {
        let mut spec = doc("A: {type: [number, 'null'], format: double}\nB: {type: [string, integer]}\n\
             E: {type: [string, 'null'], enum: [a, null]}");
        downgrade_nullable(&mut spec);
        assert_eq!(*schema(&spec, "E"), json!({"type": "string", "enum": ["a"], "nullable": true}));
        assert_eq!(*schema(&spec, "A"), json!({"type": "number", "format": "double", "nullable": true}));
        assert_eq!(*schema(&spec, "B"), json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}));
    }

    #[test]
    fn one_of_with_a_null_branch_becomes_nullable() {
        let mut spec = doc("A: {oneOf: [{$ref: '#/components/schemas/X'}, {type: 'null'}], description: d}\n\
             B: {oneOf: [{type: string}, {type: 'null'}]}\n\
             C: {oneOf: [{type: string}, {type: integer}, {type: 'null'}]}");
        downgrade_nullable(&mut spec);
        assert_eq!(
            *schema(&spec, "A"),
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "description": "d", "nullable": true})
        );
        assert_eq!(*schema(&spec, "B"), json!({"type": "string", "nullable": true}));
        assert_eq!(*schema(&spec, "C"), json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true}));
    }

    #[test]
    fn any_type_branches_next_to_typed_ones_are_dropped() {
        let mut spec = doc("Any: {description: Any type}\n\
             P: {oneOf: [{type: number}, {type: string}, {$ref: '#/components/schemas/Any'}]}\n\
             M: {type: object, additionalProperties: {description: Any type}}");
        drop_any_type(&mut spec);
        assert_eq!(schema(&spec, "P")["oneOf"], json!([{"type": "number"}, {"type": "string"}]));
        assert_eq!(schema(&spec, "M")["additionalProperties"], json!({}));
        assert_eq!(*schema(&spec, "Any"), json!({}));
    }

    #[test]
    fn authorization_header_becomes_a_bearer_scheme() {
        let mut spec = yaml(
            "paths:\n  /x:\n    post:\n      parameters:\n        - {name: Authorization, in: header, schema: {type: string}}\n        - {name: X-Other, in: header, schema: {type: string}}\ncomponents: {schemas: {}}",
        );
        drop_auth_header(&mut spec);
        assert_eq!(
            spec["paths"]["/x"]["post"]["parameters"],
            json!([{"name": "X-Other", "in": "header", "schema": {"type": "string"}}])
        );
        assert_eq!(spec["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        assert_eq!(spec["security"], json!([{"bearer": []}]));

        // A spec with its own schemes and global security keeps them: operations name them.
        let mut spec = yaml(
            "security: [{apiKey: []}]\npaths: {}\ncomponents:\n  securitySchemes: {apiKey: {type: http, scheme: bearer}}\n  schemas: {}",
        );
        drop_auth_header(&mut spec);
        assert_eq!(spec["security"], json!([{"apiKey": []}]));
        assert_eq!(spec["components"]["securitySchemes"]["apiKey"]["scheme"], "bearer");
        assert_eq!(spec["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    }

    #[test]
    fn counts_become_unsigned_integers() {
        let mut spec = doc(
            "U:\n  type: object\n  properties:\n    prompt_tokens: {type: number, format: double}\n    index: {type: number, format: double}\n    created: {type: number}\n    bytes: {type: array, items: {type: number}}\n    temperature: {type: number, format: double}\n    name_tokens: {type: string}",
        );
        integer_counts(&mut spec);
        let p = &schema(&spec, "U")["properties"];
        assert_eq!(p["prompt_tokens"], json!({"type": "integer", "format": "uint64"}));
        assert_eq!(p["index"], json!({"type": "integer", "format": "uint32"}));
        assert_eq!(p["created"], json!({"type": "integer", "format": "uint64"}));
        assert_eq!(p["bytes"]["items"], json!({"type": "integer", "format": "uint8"}));
        assert_eq!(p["temperature"], json!({"type": "number", "format": "double"}));
        assert_eq!(p["name_tokens"], json!({"type": "string"}));
    }

    #[test]
    fn defaults_become_documentation() {
        let mut spec = doc(
            "O: {properties: {top_p: {type: number, default: 1}, stream: {type: boolean, default: false, description: Stream it.}}}",
        );
        defaults_to_docs(&mut spec);
        let p = &schema(&spec, "O")["properties"];
        assert_eq!(p["top_p"], json!({"type": "number", "description": "Default: `1`."}));
        assert_eq!(p["stream"], json!({"type": "boolean", "description": "Stream it.\n\nDefault: `false`."}));
    }

    #[test]
    fn unsigned_formats_get_their_range() {
        let mut spec = doc(
            "O: {properties: {a: {type: integer, format: uint8}, b: {type: integer, format: uint64}, c: {type: integer, format: int64}, d: {type: integer, format: uint32, maximum: 10}}}",
        );
        unsigned_bounds(&mut spec);
        let p = &schema(&spec, "O")["properties"];
        assert_eq!(p["a"], json!({"type": "integer", "format": "uint8", "minimum": 0, "maximum": 255}));
        assert_eq!(p["b"], json!({"type": "integer", "format": "uint64", "minimum": 0}));
        assert_eq!(p["c"], json!({"type": "integer", "format": "int64"}));
        assert_eq!(p["d"], json!({"type": "integer", "format": "uint32", "maximum": 10, "minimum": 0}));
    }

    #[test]
    fn ref_siblings_move_under_all_of() {
        let mut spec = doc("O: {type: object, properties: {p: {$ref: '#/components/schemas/X', description: why}}}");
        ref_siblings(&mut spec);
        assert_eq!(
            schema(&spec, "O")["properties"]["p"],
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "description": "why"})
        );
    }

    #[test]
    fn error_statuses_share_one_envelope() {
        let mut spec = yaml(
            "paths:\n  /x:\n    post:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: object}}}}\n        '400': {description: bad, content: {}}\n        '503': {description: down}\ncomponents: {schemas: {}}",
        );
        error_envelope(&mut spec);
        shared_error_response(&mut spec);
        let responses = &spec["paths"]["/x"]["post"]["responses"];
        let envelope = json!({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}});
        assert_eq!(responses["400"]["content"], envelope);
        assert_eq!(responses["503"]["content"], envelope);
        assert_eq!(responses["200"]["content"]["application/json"]["schema"], json!({"type": "object"}));
        assert_eq!(
            schema(&spec, "ErrorResponse")["properties"]["error"],
            json!({"$ref": "#/components/schemas/ErrorBody"})
        );
        assert!(schema(&spec, "ErrorBody")["properties"]["code"]["oneOf"].is_array());
    }

    #[test]
    fn aliases_are_inlined_transitively() {
        let mut spec = doc("Bool: {type: boolean, nullable: true}\n\
             Arr: {type: array, items: {$ref: '#/components/schemas/Obj'}}\n\
             Wrap: {allOf: [{$ref: '#/components/schemas/Arr'}], nullable: true}\n\
             Obj: {type: object, properties: {b: {allOf: [{$ref: '#/components/schemas/Bool'}], description: d}, w: {$ref: '#/components/schemas/Wrap'}}}");
        inline_aliases(&mut spec).unwrap();
        let names: Vec<&String> = schemas(&mut spec).keys().collect();
        assert_eq!(names, ["Obj"]);
        let p = &schema(&spec, "Obj")["properties"];
        assert_eq!(p["b"], json!({"type": "boolean", "nullable": true, "description": "d"}));
        assert_eq!(p["w"], json!({"type": "array", "items": {"$ref": "#/components/schemas/Obj"}, "nullable": true}));
    }

    #[test]
    fn an_alias_cycle_is_an_error_not_a_hang() {
        // Found by the normalize fuzz target: `__schema4: oneOf: [$ref: __schema4, null]`.
        let mut spec = doc("Me: {allOf: [{$ref: '#/components/schemas/Me'}], nullable: true}\n\
             O: {type: object, properties: {p: {$ref: '#/components/schemas/Me'}}}");
        let err = inline_aliases(&mut spec).unwrap_err();
        assert!(err.0.contains("cycle") && err.0.contains("Me"), "{err}");
    }

    #[test]
    fn identical_schemas_merge_into_one() {
        let mut spec = doc("Schema10Prompt: {oneOf: [{type: number}, {type: string}]}\n\
             __schema14: {oneOf: [{type: number}, {type: string}]}\n\
             User: {type: object, properties: {a: {$ref: '#/components/schemas/__schema14'}}}");
        merge_duplicates(&mut spec, PAGE_NAMES);
        assert!(schemas(&mut spec).get("__schema14").is_none());
        assert_eq!(schema(&spec, "User")["properties"]["a"]["$ref"], "#/components/schemas/Schema10Prompt");
    }

    #[test]
    fn union_branches_are_lifted_or_pointed_at_their_twin() {
        let mut spec = doc("Text: {type: object, properties: {type: {type: string, enum: [text]}}}\n\
             Part:\n  oneOf:\n    - {type: object, properties: {type: {type: string, enum: [text]}}, description: text variant}\n    - {type: object, properties: {type: {type: string, enum: [image_url]}, image_url: {type: string}}}");
        lift_union_branches(&mut spec);
        assert_eq!(
            schema(&spec, "Part")["oneOf"],
            json!([{"$ref": "#/components/schemas/Text"}, {"$ref": "#/components/schemas/PartImageUrl"}])
        );
        assert_eq!(schema(&spec, "PartImageUrl")["properties"]["image_url"], json!({"type": "string"}));
    }

    #[test]
    fn one_value_string_branches_merge_into_a_mode_enum() {
        let mut spec = doc(
            "Choice: {oneOf: [{type: string, enum: [none]}, {type: string, enum: [auto]}, {$ref: '#/components/schemas/Named'}]}",
        );
        merge_string_enum_branches(&mut spec);
        assert_eq!(
            schema(&spec, "Choice")["oneOf"],
            json!([{"allOf": [{"$ref": "#/components/schemas/ChoiceMode"}], "title": "Mode"}, {"$ref": "#/components/schemas/Named"}])
        );
        assert_eq!(*schema(&spec, "ChoiceMode"), json!({"type": "string", "enum": ["none", "auto"]}));
    }

    #[test]
    fn optional_ref_properties_drop_nullable_required_ones_keep_it() {
        let mut spec = doc(
            "O: {properties: {a: {allOf: [{$ref: '#/components/schemas/X'}], nullable: true}, b: {allOf: [{$ref: '#/components/schemas/X'}], nullable: true}, c: {type: string, nullable: true}}, required: [b]}",
        );
        optional_refs_not_nullable(&mut spec);
        let p = &schema(&spec, "O")["properties"];
        assert_eq!(p["a"], json!({"allOf": [{"$ref": "#/components/schemas/X"}]}));
        assert_eq!(p["b"]["nullable"], true);
        assert_eq!(p["c"]["nullable"], true);
    }

    #[test]
    fn known_or_any_string_is_any_of_in_the_contract_and_one_of_for_codegen() {
        let mut spec = doc("Name: {type: string, enum: [OpenAI]}\n\
             Slug: {oneOf: [{$ref: '#/components/schemas/Name'}, {type: string}]}\n\
             Other: {oneOf: [{type: number}, {type: string}]}");
        known_or_any_string_as_any_of(&mut spec);
        assert!(schema(&spec, "Slug")["anyOf"].is_array());
        assert!(schema(&spec, "Other")["oneOf"].is_array(), "no known names: stays oneOf");
        unions_for_codegen(&mut spec);
        assert!(schema(&spec, "Slug")["oneOf"].is_array() && schema(&spec, "Slug").get("anyOf").is_none());
    }

    #[test]
    fn scalar_branches_are_titled_by_type() {
        let mut spec = doc(
            "P: {oneOf: [{type: number, format: double}, {type: string}, {type: string, enum: [a]}, {type: integer, title: Code}]}",
        );
        title_scalar_branches(&mut spec);
        let titles: Vec<&Value> = schema(&spec, "P")["oneOf"].as_array().unwrap().iter().map(|b| &b["title"]).collect();
        assert_eq!(titles, [&json!("Number"), &json!("String"), &Value::Null, &json!("Code")]);
    }

    #[test]
    fn renames_follow_refs_skip_absent_names_and_refuse_collisions() {
        let mut spec =
            doc("Schema3: {type: string, enum: [a]}\nO: {properties: {p: {$ref: '#/components/schemas/Schema3'}}}");
        rename_schemas(&mut spec, &[("Schema3", "DataCollection")]).unwrap();
        assert_eq!(schema(&spec, "O")["properties"]["p"]["$ref"], "#/components/schemas/DataCollection");
        assert!(schema(&spec, "DataCollection").is_object());
        let before = spec.clone();
        rename_schemas(&mut spec, &[("Schema3", "DataCollection")]).unwrap();
        assert_eq!(spec, before, "a name upstream does not have is skipped");
        let err = rename_schemas(&mut spec, &[("O", "DataCollection")]).unwrap_err();
        assert!(err.0.contains("`DataCollection` already exists upstream"), "{err}");
    }

    #[test]
    fn unused_schemas_are_dropped() {
        let mut spec = doc("Used: {type: object}\nUnused: {type: object}\nChatStreamChunk: {type: object}");
        let body = json!({"requestBody": {"content": {"application/json": {"schema": schema_ref("Used")}}}});
        spec["paths"] = json!({"/x": {"post": body}});
        let mut without_chat = spec.clone();
        drop_unused(&mut without_chat);
        let names: Vec<&String> = schemas(&mut without_chat).keys().collect();
        assert_eq!(names, ["Used"]);
        spec["paths"]["/chat/completions"] = json!({"post": body});
        drop_unused(&mut spec);
        let names: Vec<&String> = schemas(&mut spec).keys().collect();
        assert_eq!(names, ["Used", "ChatStreamChunk"], "the chat stream reads the chunk");
    }

    #[test]
    fn response_side_enums_and_unions_are_opened_request_side_stays_closed() {
        let mut spec = doc(
            "ChatResponse: {type: object, properties: {f: {$ref: '#/components/schemas/Finish'}, d: {$ref: '#/components/schemas/Detail'}, object: {type: string, enum: [chat.completion], description: kind}}}\n\
             Finish: {type: string, enum: [stop, length], description: why}\n\
             Detail: {oneOf: [{$ref: '#/components/schemas/Text'}]}\n\
             Text: {type: object, properties: {type: {type: string, enum: [text]}, style: {type: string, enum: [bold, plain]}}}\n\
             Effort: {type: string, enum: [low, high]}\n\
             Request: {type: object, properties: {object: {type: string, enum: [x]}}}",
        );
        spec["paths"] = json!({"/x": {"post": {"responses": {"200": {"content": {"application/json": {"schema": schema_ref("ChatResponse")}}}}}}});
        open_response_side(&mut spec);
        assert_eq!(
            schema(&spec, "Finish")["oneOf"][0],
            json!({"allOf": [schema_ref("KnownFinish")], "title": "Known"})
        );
        assert_eq!(schema(&spec, "Finish")["oneOf"][1]["title"], "Unknown");
        assert_eq!(schema(&spec, "Finish")["description"], "why");
        assert_eq!(schema(&spec, "KnownFinish")["enum"], json!(["stop", "length"]));
        assert_eq!(schema(&spec, "Detail")["oneOf"][1]["title"], "Unknown");
        let object = &schema(&spec, "ChatResponse")["properties"]["object"];
        assert_eq!(
            object["oneOf"][0]["allOf"][0],
            schema_ref("KnownChatResponseObject"),
            "inline one-value enums open"
        );
        assert_eq!(
            (object["oneOf"][1]["title"].as_str(), object["description"].as_str()),
            (Some("Unknown"), Some("kind"))
        );
        assert_eq!(schema(&spec, "KnownChatResponseObject")["enum"], json!(["chat.completion"]));
        let text = &schema(&spec, "Text")["properties"];
        assert_eq!(text["type"]["enum"], json!(["text"]), "a union branch's tag stays closed");
        assert_eq!(text["style"]["oneOf"][0]["allOf"][0], schema_ref("KnownTextStyle"));
        assert_eq!(schema(&spec, "Effort")["enum"], json!(["low", "high"]), "request-only enums stay closed");
        assert_eq!(schema(&spec, "Request")["properties"]["object"]["enum"], json!(["x"]));
    }

    #[test]
    fn machine_names_and_dangling_refs_fail_the_build() {
        for name in ["__schema3", "Schema17Items", "Schema17Items0", "ResponseFormat4", "Version12345678"] {
            assert!(is_machine_name(name), "{name}");
        }
        for name in ["ProviderPreferences", "ChatResponse", "ReasoningDetail", "EditsItemClearThinking20251015"] {
            assert!(!is_machine_name(name), "{name}");
        }
        let mut spec = doc("Schema5Items: {type: string}");
        assert!(check_names(&mut spec).unwrap_err().0.contains("Schema5Items"));
        let mut spec = doc("A: {$ref: '#/components/schemas/Gone'}");
        assert!(check_refs(&mut spec).unwrap_err().0.contains("Gone"));
    }

    #[test]
    fn the_vendored_spec_normalizes_with_no_machine_names_and_no_3_1_forms() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openrouter.yaml")).unwrap();
        let mut spec = crate::normalized(&text, &["full"]).unwrap();
        let mut problems = Vec::new();
        walk_objects(&mut spec, &mut |o| {
            if o.get("type").is_some_and(Value::is_array) || o.get("type").and_then(Value::as_str) == Some("null") {
                problems.push(format!("3.1 type: {o:?}"));
            }
            if o.get("enum").and_then(Value::as_array).is_some_and(|e| e.iter().any(Value::is_object)) {
                problems.push(format!("wrapped enum: {o:?}"));
            }
        });
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(spec["openapi"], "3.0.3");
    }
}
