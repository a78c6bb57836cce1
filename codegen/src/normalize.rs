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
use crate::util::{ref_name, schema_ref, schemas, walk_objects};

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
    error_envelope(spec);
    Ok(())
}

/// The rules that shape the final names and the response side, after the fixes.
pub fn finish(spec: &mut Value) -> Result<(), Error> {
    shared_error_response(spec);
    inline_aliases(spec)?;
    integer_counts(spec);
    unsigned_bounds(spec);
    lift_union_branches(spec);
    merge_string_enum_branches(spec);
    title_scalar_branches(spec);
    optional_refs_not_nullable(spec);
    known_or_any_string_as_any_of(spec);
    merge_duplicates(spec);
    rename_schemas(spec, NAMES)?;
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
/// `$ref` under `allOf`, since 3.0 ignores the siblings of a `$ref`).
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
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(branches)) = schema.get_mut(key) else { continue };
            let before = branches.len();
            branches.retain(|b| b.get("type").and_then(Value::as_str) != Some("null"));
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
    spec["components"]["securitySchemes"] = json!({ "bearer": { "type": "http", "scheme": "bearer" } });
    spec["security"] = json!([{ "bearer": [] }]);
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

/// Counts typed as `number/double` (token counts, `index`, `created`, ...) become unsigned integers.
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
            if let Some(Value::Object(target)) = target
                && target.get("type").and_then(Value::as_str) == Some("number")
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
    let mut lifted = Map::new();
    for (union_name, union) in schemas(spec).iter_mut() {
        let Some(Value::Array(branches)) = union.get_mut("oneOf") else { continue };
        for branch in branches.iter_mut() {
            if let Some(name) = by_content.get(&strip(branch)) {
                *branch = schema_ref(name);
            } else if let Some(tag) = tag_value(branch) {
                let name = format!("{union_name}{}", pascal_case(&tag));
                let mut schema = std::mem::replace(branch, schema_ref(&name));
                if let Some(o) = schema.as_object_mut() {
                    o.remove("description");
                }
                lifted.insert(name, schema);
            }
        }
    }
    schemas(spec).extend(lifted);
}

/// The value of the object's one-value enum property (its union tag), if it has one.
fn tag_value(schema: &Value) -> Option<String> {
    schema.get("properties")?.as_object()?.values().find_map(|p| match p.get("enum")?.as_array()?.as_slice() {
        [Value::String(tag)] => Some(tag.clone()),
        _ => None,
    })
}

fn pascal_case(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
        .collect()
}

/// Union branches that are each a string enum merge into one `<Union>Mode` enum.
///
/// `tool_choice` is `"none" | "auto" | "required" | {function}`: `ToolChoice::Mode(ToolChoiceMode)`
/// reads better than three one-value enums named `ToolChoiceVariant0..2`.
pub fn merge_string_enum_branches(spec: &mut Value) {
    let mut modes = Map::new();
    for (name, union) in schemas(spec).iter_mut() {
        let Some(Value::Array(branches)) = union.get_mut("oneOf") else { continue };
        let is_string_enum =
            |b: &Value| b["type"] == "string" && b["enum"].is_array() && b.as_object().is_some_and(|o| o.len() == 2);
        if branches.iter().filter(|b| is_string_enum(b)).count() < 2 {
            continue;
        }
        let values: Vec<Value> = branches
            .iter()
            .filter(|b| is_string_enum(b))
            .flat_map(|b| b["enum"].as_array().cloned().unwrap_or_default())
            .collect();
        let at = branches.iter().position(is_string_enum).unwrap_or(0);
        branches.retain(|b| !is_string_enum(b));
        let mode = format!("{name}Mode");
        branches.insert(at, json!({ "allOf": [schema_ref(&mode)], "title": "Mode" }));
        modes.insert(mode, json!({ "type": "string", "enum": values }));
    }
    schemas(spec).extend(modes);
}

/// Optional properties that wrap a `$ref` (`allOf: [$ref]`) drop `nullable`.
///
/// An optional property may be absent, and the client reads `null` as absent, so nothing is lost;
/// but OpenAPI 3.0 gives `nullable` no meaning without `type`, and Prism then silently stops
/// validating request bodies altogether.
pub fn optional_refs_not_nullable(spec: &mut Value) {
    walk_objects(spec, &mut |schema| {
        let required: Vec<Value> = schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        let Some(Value::Object(properties)) = schema.get_mut("properties") else { return };
        for (name, property) in properties.iter_mut() {
            let Some(property) = property.as_object_mut() else { continue };
            if property.contains_key("allOf") && !property.contains_key("type") && !required.contains(&json!(name)) {
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

/// What the generator reads differs from the contract in one way: unions are `oneOf`.
///
/// typify makes an untagged enum of a `oneOf` (serde tries the variants in order), but a struct
/// of optional fields of an `anyOf`.
pub fn unions_for_codegen(spec: &mut Value) {
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
        let Some(Value::Array(branches)) = schema.get_mut("oneOf") else { return };
        for branch in branches.iter_mut().filter_map(Value::as_object_mut) {
            let title = match branch.get("type").and_then(Value::as_str) {
                Some("number") => "Number",
                Some("integer") => "Integer",
                Some("boolean") => "Boolean",
                Some("string") if !branch.contains_key("enum") => "String",
                Some("array") => "Array",
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

/// Component schemas with no meaning of their own are inlined where they are used.
///
/// Inlined: plain scalars without `enum` (`ModelName: string`, `__schema11: number`), arrays,
/// and nullable wrappers of a single `$ref`. These are the page generator's artefacts; a name
/// for them would only hide the real type.
pub fn inline_aliases(spec: &mut Value) -> Result<(), Error> {
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

/// The names a user would choose, for every machine-numbered or misleading upstream name.
///
/// An entry whose old name is gone fails the build: upstream renamed things and this table needs
/// a look. [`check_names`] fails the build when a new machine-numbered name appears.
pub const NAMES: &[(&str, &str)] = &[
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
        if old == new {
            if !schemas.contains_key(*old) {
                return Err(Error(format!("names table: `{old}` no longer exists upstream; update NAMES")));
            }
            continue;
        }
        let Some(schema) = schemas.remove(*old) else {
            return Err(Error(format!(
                "names table: `{old}` (to become `{new}`) no longer exists upstream; update NAMES in codegen/src/normalize.rs"
            )));
        };
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
        // The stream chunk is used by the hand-written streaming layer, not by a path.
        used.insert("ChatStreamChunk".into());
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
    let reachable = reachable_from(spec, RESPONSE_ROOTS);
    let branches = union_branches(spec);
    let schemas = schemas(spec);
    let mut known_enums = Map::new();
    for name in &reachable {
        let Some(Value::Object(schema)) = schemas.get_mut(name) else { continue };
        if is_string_enum(schema, 2) {
            open_enum(schema, format!("Known{name}"), &mut known_enums);
        } else if let Some(Value::Array(branches)) = schema.get_mut("oneOf")
            && branches.iter().all(|b| b["type"] != "string")
        {
            branches.push(json!({
                "type": "object",
                "additionalProperties": {},
                "title": "Unknown",
                "description": "A variant this version of the crate does not know yet, kept as JSON."
            }));
        }
        let fewest = if branches.contains(name) { 2 } else { 1 };
        if let Some(Value::Object(properties)) = schema.get_mut("properties") {
            for (property, property_schema) in properties.iter_mut() {
                if let Value::Object(property_schema) = property_schema
                    && is_string_enum(property_schema, fewest)
                {
                    open_enum(property_schema, format!("Known{name}{}", pascal_case(property)), &mut known_enums);
                }
            }
        }
    }
    schemas.extend(known_enums);
    schemas.sort_keys();
}

/// The types responses are decoded into: what [`open_response_side`] opens.
pub const RESPONSE_ROOTS: &[&str] = &["ChatResponse", "ChatStreamChunk", "ErrorResponse"];

/// Whether `schema` is a string enum of at least `fewest` values.
fn is_string_enum(schema: &Map<String, Value>, fewest: usize) -> bool {
    let values = schema.get("enum").and_then(Value::as_array).map_or(0, Vec::len);
    schema.get("type").and_then(Value::as_str) == Some("string") && values >= fewest
}

/// Moves the enum `schema` into a component `known_name`, and makes `schema` the union of that
/// and any string (its description stays).
fn open_enum(schema: &mut Map<String, Value>, known_name: String, known_enums: &mut Map<String, Value>) {
    let description = schema.remove("description");
    schema.remove("title");
    known_enums.insert(known_name.clone(), Value::Object(std::mem::take(schema)));
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
}

/// Components that are a branch of some union (`oneOf`/`anyOf` of `$ref`s), anywhere in the spec.
fn union_branches(spec: &mut Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    walk_objects(spec, &mut |o| {
        for key in ["oneOf", "anyOf"] {
            for branch in o.get(key).and_then(Value::as_array).into_iter().flatten() {
                if let Some(name) = branch.as_object().and_then(ref_name) {
                    names.insert(name.to_owned());
                }
            }
        }
    });
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
pub fn is_machine_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let numbered_schema =
        lower.match_indices("schema").any(|(i, _)| lower[i + 6..].starts_with(|c: char| c.is_ascii_digit()));
    name.starts_with("__") || numbered_schema || name.ends_with(|c: char| c.is_ascii_digit())
}

/// Component schemas with identical content are one type, named after the first in [`NAMES`]
/// order (or the first by name).
///
/// The page repeats `number | string` price limits under three names and the video URL object
/// under two.
pub fn merge_duplicates(spec: &mut Value) {
    let rank = |name: &str| NAMES.iter().position(|(old, _)| *old == name).unwrap_or(usize::MAX);
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
        let mut spec = doc("A: {type: [number, 'null'], format: double}\nB: {type: [string, integer]}");
        downgrade_nullable(&mut spec);
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
        merge_duplicates(&mut spec);
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
    fn renames_follow_refs_and_stale_entries_fail() {
        let mut spec =
            doc("Schema3: {type: string, enum: [a]}\nO: {properties: {p: {$ref: '#/components/schemas/Schema3'}}}");
        rename_schemas(&mut spec, &[("Schema3", "DataCollection")]).unwrap();
        assert_eq!(schema(&spec, "O")["properties"]["p"]["$ref"], "#/components/schemas/DataCollection");
        assert!(schema(&spec, "DataCollection").is_object());
        let err = rename_schemas(&mut spec, &[("Schema3", "DataCollection")]).unwrap_err();
        assert!(err.0.contains("`Schema3` (to become `DataCollection`) no longer exists upstream"), "{err}");
    }

    #[test]
    fn unused_schemas_are_dropped() {
        let mut spec = doc("Used: {type: object}\nUnused: {type: object}\nChatStreamChunk: {type: object}");
        spec["paths"] =
            json!({"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": schema_ref("Used")}}}}}});
        drop_unused(&mut spec);
        let names: Vec<&String> = schemas(&mut spec).keys().collect();
        assert_eq!(names, ["Used", "ChatStreamChunk"]);
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
        for name in ["__schema3", "Schema17Items", "Schema17Items0", "ResponseFormat4"] {
            assert!(is_machine_name(name), "{name}");
        }
        for name in ["ProviderPreferences", "ChatResponse", "ReasoningDetail"] {
            assert!(!is_machine_name(name), "{name}");
        }
        let mut spec = doc("Schema5Items: {type: string}");
        assert!(check_names(&mut spec).unwrap_err().0.contains("Schema5Items"));
        let mut spec = doc("A: {$ref: '#/components/schemas/Gone'}");
        assert!(check_refs(&mut spec).unwrap_err().0.contains("Gone"));
    }

    #[test]
    fn the_vendored_spec_normalizes_with_no_machine_names_and_no_3_1_forms() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/chat-completions.yaml")).unwrap();
        let mut spec = crate::normalized(&text).unwrap();
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
