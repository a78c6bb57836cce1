//! Structured outputs and tools from Rust types: the type is the schema, and the answer comes
//! back as the type.
//!
//! Schemas come from [`schemars`] and are rewritten for OpenAI/OpenRouter strict mode: every
//! object closed (`additionalProperties: false`) with every property required (optional ones
//! nullable), `oneOf` as `anyOf`, keywords strict mode rejects removed, definitions in `$defs`.

use schemars::{JsonSchema, generate::SchemaSettings};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use crate::Error;
#[cfg(feature = "chat")]
use crate::types::{ChatRequestResponseFormat, ChatResponse, ChatTool, ChatToolCall};

/// A generated value from its JSON form. The constructors build their values this way, so that
/// they name only wire fields: a field upstream adds (or an older spec lacks) changes nothing.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("the constructors' JSON fits the generated types")
}

/// Keywords strict mode accepts; everything else is removed.
const ALLOWED: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "anyOf",
    "$ref",
    "$defs",
    "description",
    "title",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
];

/// String formats strict mode accepts (`uint32`, `double`, ... are removed).
const FORMATS: &[&str] = &["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"];

/// A JSON schema for `T`, rewritten for strict mode.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StrictSchema {
    /// A name for the schema (from the type's name), `[a-zA-Z0-9_-]`, at most 64 characters.
    pub name: String,
    /// The type's doc comment, if it has one.
    pub description: Option<String>,
    /// The schema.
    pub schema: Value,
    /// What keeps the schema from being strict (maps, a root that is not an object); when not
    /// empty, the schema is sent with `strict: false`.
    pub not_strict_because: Vec<String>,
}

impl StrictSchema {
    /// The strict schema for `T`.
    pub fn of<T: JsonSchema + ?Sized>() -> StrictSchema {
        let mut settings = SchemaSettings::draft2020_12();
        settings.meta_schema = None;
        let mut schema = settings.into_generator().into_root_schema_for::<T>().to_value();
        let root = schema.as_object_mut().expect("a root schema is an object");
        let title =
            root.remove("title").and_then(|t| t.as_str().map(str::to_owned)).unwrap_or_else(|| T::schema_name().into());
        let description = root.get("description").and_then(Value::as_str).map(str::to_owned);
        let mut problems = Vec::new();
        make_strict(&mut schema, "", &mut problems);
        if schema.get("type") != Some(&json!("object")) {
            problems.push("the root is not an object (strict mode needs a struct at the top)".into());
        }
        StrictSchema { name: schema_name(&title), description, schema, not_strict_because: problems }
    }

    /// Whether the schema is sent with `strict: true`.
    pub fn is_strict(&self) -> bool {
        self.not_strict_because.is_empty()
    }

    /// A `response_format` of type `json_schema` with this schema.
    #[cfg(feature = "chat")]
    pub fn response_format(&self) -> ChatRequestResponseFormat {
        let mut json_schema = json!({"name": self.name, "schema": self.schema, "strict": self.is_strict()});
        if let Some(description) = &self.description {
            json_schema["description"] = json!(description);
        }
        from_json(json!({"type": "json_schema", "json_schema": json_schema}))
    }
}

fn schema_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .take(64)
        .collect();
    if name.is_empty() { "output".into() } else { name }
}

/// Rewrites one schema (and everything under it) in place; records why it cannot be strict.
fn make_strict(schema: &mut Value, path: &str, problems: &mut Vec<String>) {
    if let Some(why) = never_strict(schema) {
        problems.push(format!("{}: {why}", display(path)));
    }
    let Some(object) = schema.as_object_mut() else { return };
    if let Some(one_of) = object.remove("oneOf") {
        object.insert("anyOf".into(), one_of);
    }
    if let Some(Value::Array(mut all_of)) = object.remove("allOf") {
        // schemars wraps a `$ref` in `allOf` to give it siblings; one branch is the branch itself.
        if all_of.len() == 1 {
            if let Value::Object(inner) = all_of.pop().expect("one") {
                for (k, v) in inner {
                    object.entry(k).or_insert(v);
                }
            }
        } else {
            problems.push(format!("{}: `allOf` with several schemas", display(path)));
        }
    }
    if let Some(format) = object.get("format").and_then(Value::as_str)
        && !FORMATS.contains(&format)
    {
        object.remove("format");
    }
    if object.contains_key("$ref") {
        object.retain(|k, _| k == "$ref" || k == "description");
        return;
    }
    let is_object =
        object.get("type").is_some_and(|t| t == "object" || t.as_array().is_some_and(|a| a.contains(&json!("object"))))
            || object.contains_key("properties");
    if is_object {
        let is_map = matches!(object.get("additionalProperties"), Some(Value::Object(_)));
        if is_map {
            problems.push(format!("{}: a map (string keys to values) cannot be strict", display(path)));
        } else {
            object.insert("additionalProperties".into(), json!(false));
        }
    }
    if is_object && !matches!(object.get("additionalProperties"), Some(Value::Object(_))) {
        let properties: Vec<String> = object
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let required: Vec<Value> = object.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
        if let Some(Value::Object(props)) = object.get_mut("properties") {
            for name in &properties {
                if !required.contains(&json!(name)) {
                    make_nullable(props.get_mut(name).expect("listed"));
                }
            }
        }
        object.insert("required".into(), properties.iter().map(|p| json!(p)).collect());
        if !object.contains_key("properties") {
            object.insert("properties".into(), json!({}));
        }
    }
    // A tuple keeps its `prefixItems` (it is sent with `strict: false`, see `never_strict`).
    object.retain(|k, _| ALLOWED.contains(&k.as_str()) || k == "prefixItems");
    for (key, child) in object.iter_mut() {
        match key.as_str() {
            "prefixItems" => {
                for (at, sub) in child.as_array_mut().into_iter().flatten().enumerate() {
                    make_strict(sub, &format!("{path}[{at}]"), problems);
                }
            }
            "properties" | "$defs" => {
                for (name, sub) in child.as_object_mut().into_iter().flatten() {
                    make_strict(sub, &format!("{path}.{name}"), problems);
                }
            }
            // `items: false` closes a tuple: not a schema of its own.
            "items" if child == &Value::Bool(false) => {}
            "items" | "additionalProperties" => make_strict(child, &format!("{path}[]"), problems),
            "anyOf" => {
                for sub in child.as_array_mut().into_iter().flatten() {
                    make_strict(sub, path, problems);
                }
            }
            _ => {}
        }
    }
}

/// Lets `null` through too: an optional field is required in strict mode, but may be null.
fn make_nullable(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else { return };
    let null = json!("null");
    let allows_null = match object.get("type") {
        Some(Value::Array(types)) => types.contains(&null),
        Some(t) => *t == null,
        None => object.get("anyOf").and_then(Value::as_array).is_some_and(|b| b.iter().any(|b| b["type"] == null)),
    };
    if allows_null {
        return;
    }
    let plain_type = !object.contains_key("enum") && !object.contains_key("const");
    match object.get_mut("type") {
        Some(Value::Array(types)) if plain_type => types.push(null),
        Some(single @ Value::String(_)) if plain_type => *single = json!([single.take(), "null"]),
        _ => {
            let inner = std::mem::take(object);
            object.insert("anyOf".into(), json!([Value::Object(inner), { "type": "null" }]));
        }
    }
}

/// Why a schema can never be strict, whatever is rewritten: strict mode needs every value typed,
/// and knows no tuples.
fn never_strict(schema: &Value) -> Option<&'static str> {
    const TYPED_BY: &[&str] = &["type", "anyOf", "oneOf", "allOf", "$ref", "enum", "const", "properties", "items"];
    match schema {
        Value::Bool(true) => Some("any JSON value (such as `serde_json::Value`) cannot be strict"),
        Value::Object(object)
            if !TYPED_BY.iter().any(|k| object.contains_key(*k)) && !object.contains_key("prefixItems") =>
        {
            Some("any JSON value (such as `serde_json::Value`) cannot be strict")
        }
        Value::Object(object) if object.contains_key("prefixItems") => Some("a tuple (`prefixItems`) cannot be strict"),
        Value::Object(object) if object.get("type") == Some(&json!("array")) && !object.contains_key("items") => {
            Some("an array without `items` cannot be strict")
        }
        _ => None,
    }
}

fn display(path: &str) -> &str {
    if path.is_empty() { "the root" } else { path.trim_start_matches('.') }
}

/// Strict-mode rule violations in `schema` (empty when OpenAI/OpenRouter strict mode accepts it).
pub fn strict_violations(schema: &Value) -> Vec<String> {
    let mut violations = Vec::new();
    if schema.get("type") != Some(&json!("object")) {
        violations.push("the root is not an object".into());
    }
    check(schema, "", &mut violations);
    violations
}

fn check(schema: &Value, path: &str, violations: &mut Vec<String>) {
    if let Some(why) = never_strict(schema) {
        violations.push(format!("{}: {why}", display(path)));
    }
    let Some(object) = schema.as_object() else { return };
    for key in object.keys().filter(|k| !ALLOWED.contains(&k.as_str())) {
        violations.push(format!("{}: keyword `{key}`", display(path)));
    }
    if let Some(format) = object.get("format").and_then(Value::as_str).filter(|f| !FORMATS.contains(f)) {
        violations.push(format!("{}: format `{format}`", display(path)));
    }
    if object.contains_key("$ref") && object.keys().any(|k| k != "$ref" && k != "description") {
        violations.push(format!("{}: `$ref` with siblings", display(path)));
    }
    if let Some(Value::Object(props)) = object.get("properties") {
        if object.get("additionalProperties") != Some(&json!(false)) {
            violations.push(format!("{}: object without `additionalProperties: false`", display(path)));
        }
        let required: Vec<&str> =
            object.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        for name in props.keys().filter(|n| !required.contains(&n.as_str())) {
            violations.push(format!("{}: property `{name}` is not required", display(path)));
        }
        for (name, sub) in props {
            check(sub, &format!("{path}.{name}"), violations);
        }
    }
    for sub in object.get("$defs").and_then(Value::as_object).into_iter().flat_map(|d| d.values()) {
        check(sub, &format!("{path}$defs"), violations);
    }
    for sub in object.get("anyOf").and_then(Value::as_array).into_iter().flatten() {
        check(sub, path, violations);
    }
    if let Some(items) = object.get("items").filter(|items| **items != Value::Bool(false)) {
        check(items, &format!("{path}[]"), violations);
    }
    for (at, sub) in object.get("prefixItems").and_then(Value::as_array).into_iter().flatten().enumerate() {
        check(sub, &format!("{path}[{at}]"), violations);
    }
}

#[cfg(feature = "chat")]
impl ChatTool {
    /// A function tool whose parameters are the strict schema of `Args`.
    ///
    /// ```
    /// use openrouter_bindings::types::ChatTool;
    ///
    /// #[derive(schemars::JsonSchema, serde::Deserialize)]
    /// struct Weather { city: String, unit: Option<String> }
    ///
    /// let ChatTool::ChatFunctionTool(tool) = ChatTool::function::<Weather>("weather", "The weather now") else {
    ///     unreachable!()
    /// };
    /// assert_eq!(tool.function.strict, Some(true));
    /// ```
    pub fn function<Args: JsonSchema>(name: impl Into<String>, description: impl Into<String>) -> ChatTool {
        let schema = StrictSchema::of::<Args>();
        let function = json!({
            "name": name.into(),
            "description": description.into(),
            "parameters": schema.schema,
            "strict": schema.is_strict(),
        });
        from_json(json!({"type": "function", "function": function}))
    }
}

#[cfg(feature = "chat")]
impl ChatToolCall {
    /// The call's arguments as `Args`; fails with [`Error::InvalidOutput`] keeping the raw text.
    pub fn arguments<Args: DeserializeOwned>(&self) -> Result<Args, Error> {
        parse_json(&self.function.arguments, &format!("the arguments of tool call `{}`", self.function.name))
    }
}

#[cfg(feature = "chat")]
impl ChatResponse {
    /// The answer parsed as `T` (see [`crate::ChatRequestBuilder::response_format_for`]).
    ///
    /// Fails with the choice's error, or with [`Error::InvalidOutput`] (what failed, and the raw
    /// text) when the answer is not a `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if let Some(refusal) = self.refusal().filter(|r| !r.is_empty()) {
            return Err(Error::InvalidOutput { message: format!("the model refused: {refusal}"), raw: String::new() });
        }
        parse_json(&self.text()?, "the answer")
    }
}

/// Sets field `key` of a generated request from its wire form. The conveniences set fields this
/// way, so that they depend on the wire names only, not on the Rust types the spec of the day gives
/// them (`String` or `Option<String>`, a string or a JSON value): those churn between versions.
#[cfg_attr(
    not(any(
        feature = "responses",
        feature = "messages",
        feature = "images",
        feature = "embeddings",
        feature = "rerank",
        feature = "audio",
        feature = "video"
    )),
    allow(dead_code)
)]
pub(crate) fn set<T: Serialize + DeserializeOwned>(target: &mut T, key: &str, value: Value) {
    let mut wire = serde_json::to_value(&*target).expect("generated values serialize");
    wire[key] = value;
    *target = from_json(wire);
}

/// Appends `item` to the list field `key` of a generated request (see [`set`]).
#[cfg_attr(not(any(feature = "responses", feature = "messages", feature = "rerank")), allow(dead_code))]
pub(crate) fn push<T: Serialize + DeserializeOwned>(target: &mut T, key: &str, item: Value) {
    let mut wire = serde_json::to_value(&*target).expect("generated values serialize");
    match wire[key].as_array_mut() {
        Some(items) => items.push(item),
        None => wire[key] = Value::Array(vec![item]),
    }
    *target = from_json(wire);
}

/// A generated value in its wire form: conveniences read what types differ between spec versions,
/// or grow with upstream (event variants, output items, content blocks), through it.
#[cfg(any(feature = "responses", feature = "messages", feature = "images"))]
pub(crate) fn wire(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Parses model output: null members are dropped first, so `Option` fields and `#[serde(default)]`
/// fields read strict mode's explicit nulls as "absent".
#[cfg_attr(not(any(feature = "chat", feature = "responses", feature = "messages")), allow(dead_code))]
pub(crate) fn parse_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    let invalid = |message: String| Error::InvalidOutput { message, raw: text.to_owned() };
    let mut value: Value = serde_json::from_str(text).map_err(|e| invalid(format!("{what} is not JSON: {e}")))?;
    drop_null_members(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let at = e.path().to_string();
        invalid(format!("{what} does not match the expected type at `{at}`: {}", e.inner()))
    })
}

fn drop_null_members(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_null_members);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_members),
        _ => {}
    }
}

/// Serializes a tool's result for a tool message.
#[cfg_attr(not(any(feature = "chat", feature = "responses", feature = "messages")), allow(dead_code))]
pub(crate) fn tool_output<T: Serialize + ?Sized>(output: &T) -> String {
    match serde_json::to_value(output) {
        Ok(Value::String(text)) => text,
        Ok(_) => serde_json::to_string(output).expect("it serialized to a value just now"),
        Err(e) => json!({ "error": format!("the tool output could not be serialized: {e}") }).to_string(),
    }
}
