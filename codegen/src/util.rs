//! Small helpers over `serde_json::Value` shared by the passes.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock, PoisonError},
};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Values made once per text in this process and shared between threads: a thread asking for a
/// text another thread is making waits for it instead of making it again. They stay in memory
/// until the process ends.
pub struct OncePerText<T>(Mutex<BTreeMap<String, Arc<OnceLock<Arc<T>>>>>);

impl<T> OncePerText<T> {
    /// An empty memo, for a `static`.
    pub const fn new() -> Self {
        OncePerText(Mutex::new(BTreeMap::new()))
    }

    /// The value of `text`, made with `make` by the first thread to ask. A `make` that panics
    /// leaves nothing behind: the next caller makes it again.
    pub fn get(&self, text: &str, make: impl FnOnce() -> T) -> Arc<T> {
        let slot = {
            let mut slots = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            match slots.get(text) {
                Some(slot) => slot.clone(),
                None => slots.entry(text.to_owned()).or_default().clone(),
            }
        };
        slot.get_or_init(|| Arc::new(make())).clone()
    }
}

impl<T> Default for OncePerText<T> {
    fn default() -> Self {
        Self::new()
    }
}

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

/// Visits every schema under each component with the name typify would give an inline type
/// there (`Parent` + `Property`, `+ Item` for array items, `+ Value` for map values), children
/// first. Union branches and `allOf` parts keep their parent's name.
pub fn walk_named(spec: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let names: Vec<String> = schemas(spec).keys().cloned().collect();
    for name in names {
        let mut schema = schemas(spec).remove(&name).expect("listed above");
        walk_schema(&mut schema, &name, f);
        schemas(spec).insert(name, schema);
    }
    schemas(spec).sort_keys();
}

fn walk_schema(value: &mut Value, name: &str, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let Value::Object(map) = value else { return };
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (property, schema) in properties.iter_mut() {
            walk_schema(schema, &format!("{name}{}", heck::ToPascalCase::to_pascal_case(property.as_str())), f);
        }
    }
    if let Some(items) = map.get_mut("items") {
        walk_schema(items, &format!("{name}Item"), f);
    }
    if let Some(values) = map.get_mut("additionalProperties") {
        walk_schema(values, &format!("{name}Value"), f);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            branches.iter_mut().for_each(|b| walk_schema(b, name, f));
        }
    }
    f(map, name);
}

/// The branches of a `oneOf` or an `anyOf`.
pub fn union_branches_mut(schema: &mut Map<String, Value>) -> Option<&mut Vec<Value>> {
    match schema.contains_key("oneOf") {
        true => schema.get_mut("oneOf")?.as_array_mut(),
        false => schema.get_mut("anyOf")?.as_array_mut(),
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

/// `(method, path, operation)` for every operation.
pub fn operations(spec: &Value) -> Vec<(&str, &str, &Value)> {
    let paths = spec.get("paths").and_then(Value::as_object);
    paths
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter(|(m, _)| crate::areas::METHODS.contains(&m.as_str()))
                .map(move |(method, op)| (method.as_str(), path.as_str(), op))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::OncePerText;

    #[test]
    fn each_text_is_made_once_across_threads_and_a_panic_leaves_nothing_behind() {
        let memo = OncePerText::new();
        let made = AtomicUsize::new(0);
        let make = |text: &str| {
            made.fetch_add(1, Ordering::SeqCst);
            // Long enough that the other threads ask while this one is making it.
            std::thread::sleep(std::time::Duration::from_millis(50));
            text.len()
        };
        let lengths: Vec<usize> = std::thread::scope(|scope| {
            let threads: Vec<_> = ["abc", "abc", "abc", "abcd"]
                .into_iter()
                .map(|text| scope.spawn(|| *memo.get(text, || make(text))))
                .collect();
            threads.into_iter().map(|thread| thread.join().unwrap()).collect()
        });
        assert_eq!(lengths, [3, 3, 3, 4]);
        assert_eq!(made.load(Ordering::SeqCst), 2, "one make per distinct text");
        assert_eq!(*memo.get("abc", || unreachable!("made already")), 3);

        let panicked = std::panic::catch_unwind(|| memo.get("boom", || panic!("make failed")));
        assert!(panicked.is_err());
        assert_eq!(*memo.get("boom", || 7), 7, "the next caller makes it again");
    }
}
