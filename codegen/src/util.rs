//! Small helpers over `serde_json::Value` shared by the passes.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Visits every JSON object in `value`, children first, so a rewrite sees already-rewritten children.
pub fn walk_objects(value: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            for child in map.values_mut() {
                walk_objects(child, f);
            }
            f(map);
        }
        Value::Array(items) => items.iter_mut().for_each(|item| walk_objects(item, f)),
        _ => {}
    }
}

/// The component schemas map. Every pass expects one.
pub fn schemas(spec: &mut Value) -> &mut Map<String, Value> {
    spec.pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("checked by normalize: components.schemas exists")
}

/// `#/components/schemas/<name>` → `<name>`.
pub fn ref_name(schema: &Map<String, Value>) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")
}

/// A `$ref` to a component schema.
pub fn schema_ref(name: &str) -> Value {
    serde_json::json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// Lower-case hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
