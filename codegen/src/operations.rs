//! One typed method per operation, generated from the normalized spec.
//!
//! progenitor generates the types; this module generates the calls, because every call must go
//! through the crate's own request path (auth, retries, timeouts, typed errors, tracing, SSE),
//! which progenitor's client does not have. The generated code only describes each operation
//! (method, path, parameters, body, answer) to `crate::request::Call`; no behaviour lives here.
//!
//! Style: `client.get_models().category(..).send().await?`. The method is the `operationId` in
//! snake case ([`OPERATION_NAMES`] renames the odd one); required path and query parameters and the
//! body are its arguments; optional ones are setters on the builder it returns.

use std::fmt::Write;

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::{Map, Value};

use crate::{
    Error,
    areas::{METHODS, area_of},
    util::{ref_name, schema_ref, schemas},
};

/// Stream event types whose rules (terminal event, error events) the hand-written layer gives;
/// any other gets the generic ones: complete at `[DONE]`.
pub const HANDWRITTEN_EVENTS: &[&str] =
    &["ChatStreamChunk", "StreamEvents", "MessagesStreamEvents", "CreateImagesEvent"];

/// Method names for operation ids that are not good Rust names on their own, or that say
/// something else than the operation does (a plural for one object, `list` for a download).
/// Reviewed by hand; every rename is in the CHANGELOG. Type names keep the operation id
/// (`CreateKeysRequest`).
pub const OPERATION_NAMES: &[(&str, &str)] = &[
    ("list", "list_keys"),
    ("sendChatCompletionRequest", "create_chat_completion"),
    ("createResponses", "create_response"),
    ("createMessages", "create_message"),
    ("createKeys", "create_key"),
    ("deleteKeys", "delete_key"),
    ("updateKeys", "update_key"),
    ("createVideos", "create_video_job"),
    ("getVideos", "get_video_job"),
    ("listVideosContent", "download_video"),
    ("listVideosModels", "list_video_models"),
    ("createAudioSpeech", "create_speech"),
    ("createAudioTranscriptions", "create_transcription"),
    ("listGenerationContent", "get_generation_content"),
    ("createPresetsChatCompletions", "create_preset_chat_completion"),
    ("createPresetsMessages", "create_preset_message"),
    ("createPresetsResponses", "create_preset_response"),
    ("listModelsCount", "count_models"),
    ("listModelsUser", "list_user_models"),
    ("listEndpoints", "list_model_endpoints"),
];

/// Gives every inline schema an operation needs a component of its own, named after the
/// operation, so that the generated types and the generated calls agree on one name:
/// `<Op>Request` (a JSON body), `<Op>Response` (a JSON answer), `<Op>Event` (a stream event),
/// `<Op><Param>` (a parameter that is not a plain scalar).
pub fn lift_inline_schemas(spec: &mut Value) -> Result<(), Error> {
    let shared_parameters = spec.pointer("/components/parameters").cloned().unwrap_or_default();
    let mut lifted: Vec<(String, Value)> = Vec::new();
    let taken = schemas(spec).clone();
    for (_, _, operation) in operations_mut(spec) {
        let op = pascal(operation.get("operationId").and_then(Value::as_str).unwrap_or("Unnamed"));
        if let Some(Value::Object(content)) = operation.pointer_mut("/requestBody/content") {
            for (media, body) in content.iter_mut() {
                let name = match media.as_str() {
                    "application/json" => format!("{op}Request"),
                    "multipart/form-data" => format!("{op}Form"),
                    _ => continue,
                };
                lift(body.get_mut("schema"), name, &mut lifted, &taken);
            }
        }
        for (status, response) in operation.get_mut("responses").and_then(Value::as_object_mut).into_iter().flatten() {
            if !status.starts_with('2') {
                continue;
            }
            let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else { continue };
            if let Some(stream) = content.get_mut("text/event-stream")
                && !sse_events(stream, &taken)
            {
                content.remove("text/event-stream");
            }
            for (media, answer) in content.iter_mut() {
                let name = match media.as_str() {
                    "application/json" => format!("{op}Response"),
                    "text/event-stream" => format!("{op}Event"),
                    _ => continue,
                };
                lift(answer.get_mut("schema"), name, &mut lifted, &taken);
            }
        }
        if let Some(Value::Array(parameters)) = operation.get_mut("parameters") {
            for parameter in parameters.iter_mut() {
                if let Some(target) = parameter.get("$ref").and_then(Value::as_str) {
                    let name = target.rsplit('/').next().unwrap_or_default();
                    *parameter = shared_parameters.get(name).cloned().unwrap_or_else(|| parameter.clone());
                }
                let param = parameter.get("name").and_then(Value::as_str).map(pascal).unwrap_or_default();
                let schema = parameter.get_mut("schema");
                if schema.as_ref().is_some_and(|s| scalar_type(s).is_none() && s.get("$ref").is_none()) {
                    lift(schema, format!("{op}{param}"), &mut lifted, &taken);
                }
            }
        }
    }
    let components = schemas(spec);
    for (name, schema) in lifted {
        if components.insert(name.clone(), schema).is_some() {
            return Err(Error(format!("the operation schema `{name}` collides with a component of that name")));
        }
    }
    Ok(())
}

/// The SSE fields: a schema of only these describes the framing (`data: ...`), not an event.
const SSE_FIELDS: &[&str] = &["data", "event", "id", "retry"];

/// Makes a `text/event-stream` answer's schema the schema of one event, the JSON of a `data:`
/// line: the spec wraps it in an object of the SSE fields (`ChatStreamingResponse`). Returns false
/// when the answer describes no events (`Not used for embeddings`, a plain string).
fn sse_events(answer: &mut Value, components: &Map<String, Value>) -> bool {
    let Some(schema) = answer.get_mut("schema") else { return false };
    let resolved = match schema.as_object().and_then(ref_name) {
        Some(name) => components.get(name).cloned().unwrap_or_default(),
        None => schema.clone(),
    };
    let properties = resolved.get("properties").and_then(Value::as_object);
    match properties.and_then(|p| p.get("data")) {
        Some(data) if properties.is_some_and(|p| p.keys().all(|k| SSE_FIELDS.contains(&k.as_str()))) => {
            *schema = data.clone();
            true
        }
        _ => resolved.get("type").and_then(Value::as_str).is_none_or(|t| t == "object"),
    }
}

/// Moves an inline schema into `lifted` under `name` (or `name` + `Body` when a component already
/// has that name: `ListEndpointsResponse` is the published spec's name for a part of the answer).
fn lift(schema: Option<&mut Value>, name: String, lifted: &mut Vec<(String, Value)>, taken: &Map<String, Value>) {
    let Some(schema) = schema else { return };
    if schema.get("$ref").is_some() {
        return;
    }
    let name = if taken.contains_key(&name) { format!("{name}Body") } else { name };
    lifted.push((name.clone(), std::mem::replace(schema, schema_ref(&name))));
}

/// Every component gets the name the generated Rust type will have (typify's pascal case), so that
/// a name in the spec is the name in Rust. Two components that would meet in one name fail.
pub fn rust_names(spec: &mut Value) -> Result<(), Error> {
    let table: Vec<(String, String)> =
        schemas(spec).keys().map(|n| (n.clone(), n.to_pascal_case())).filter(|(old, new)| old != new).collect();
    let mut taken: std::collections::BTreeMap<String, String> =
        schemas(spec).keys().map(|n| (n.to_pascal_case(), n.clone())).collect();
    for (old, new) in &table {
        if let Some(other) = taken.insert(new.clone(), old.clone())
            && other != *old
        {
            return Err(Error(format!("`{old}` and `{other}` would both be the Rust type `{new}`")));
        }
    }
    let names: Vec<(&str, &str)> = table.iter().map(|(o, n)| (o.as_str(), n.as_str())).collect();
    crate::normalize::rename_schemas(spec, &names)
}

/// The schemas answers reach (every operation's answer and stream event, the stream chunk, the
/// error body) and those request bodies reach, as component names.
pub fn roots(spec: &Value) -> (Vec<String>, Vec<String>) {
    let mut spec = spec.clone();
    let mut responses = vec!["ErrorResponse".to_owned()];
    let mut requests = Vec::new();
    if crate::util::schemas(&mut spec).contains_key("ChatStreamChunk") {
        responses.push("ChatStreamChunk".into());
    }
    for (_, _, operation) in operations_mut(&mut spec) {
        if let (answer, "send_json") = answer(operation) {
            responses.extend(answer.strip_prefix("types::").map(str::to_owned));
        }
        responses.extend(event_type(operation));
        if let Body::Json(ty) | Body::Form(ty) = body(operation) {
            requests.push(ty);
        }
    }
    (responses, requests)
}

/// What a parameter is in Rust: a scalar, or a generated type.
fn param_type(schema: &Value) -> (String, String) {
    if let Some(name) = schema.as_object().and_then(ref_name) {
        return (format!("types::{name}"), "&value".into());
    }
    match scalar_type(schema) {
        Some("String") => ("impl Into<String>".into(), "&Into::<String>::into(value)".into()),
        Some(other) => (other.into(), "&value".into()),
        None => ("&::serde_json::Value".into(), "value".into()),
    }
}

fn scalar_type(schema: &Value) -> Option<&'static str> {
    if schema.get("enum").is_some() {
        return None;
    }
    match (schema.get("type").and_then(Value::as_str), schema.get("format").and_then(Value::as_str)) {
        (Some("string"), Some("binary")) => None,
        (Some("string"), _) => Some("String"),
        (Some("integer"), _) => Some("i64"),
        (Some("number"), _) => Some("f64"),
        (Some("boolean"), _) => Some("bool"),
        _ => None,
    }
}

/// The Rust code for every operation of the (normalized, lifted) spec.
pub fn generate(spec: &Value) -> Result<String, Error> {
    let mut spec = spec.clone();
    let renames: Map<String, Value> =
        OPERATION_NAMES.iter().map(|(id, name)| ((*id).to_owned(), Value::String((*name).to_owned()))).collect();
    let mut code = String::from(
        "/// One builder per operation: `client.<operation>(required..)`, then setters for the optional\n\
         /// parameters, then `.send()`.\n\
         pub mod operations {\n\
         #![allow(clippy::too_many_arguments)]\n\
         use super::types;\n\
         use crate::request::Call;\n",
    );
    // One `impl Client` block per area, in the order of `AREAS`: docs.rs shows each with its heading.
    let mut methods: Vec<(&str, String)> = crate::areas::AREAS.iter().map(|(area, _)| (*area, String::new())).collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut events = std::collections::BTreeSet::new();
    for (method, path, operation) in operations_mut(&mut spec) {
        let id = operation.get("operationId").and_then(Value::as_str).ok_or_else(|| {
            Error(format!("`{} {path}` has no operationId; the generated method needs one", method.to_uppercase()))
        })?;
        let name = renames.get(id).and_then(Value::as_str).map_or_else(|| id.to_snake_case(), str::to_owned);
        if !seen.insert(name.clone()) {
            return Err(Error(format!("two operations would both be the method `{name}`")));
        }
        let area = area_of(&method, &path, operation)?;
        let builder = name.to_pascal_case();
        let mut doc = String::new();
        for text in ["summary", "description"].iter().filter_map(|k| operation.get(*k).and_then(Value::as_str)) {
            for line in text.lines() {
                writeln!(doc, "/// {}", line.trim_end()).unwrap();
            }
            doc.push_str("///\n");
        }
        writeln!(doc, "/// `{} {path}` (operation `{id}`, feature `{area}`).", method.to_uppercase()).unwrap();

        let mut args = String::new();
        let mut setup = String::new();
        let mut setters = String::new();
        for parameter in operation.get("parameters").and_then(Value::as_array).into_iter().flatten() {
            let (Some(pname), Some(place)) =
                (parameter.get("name").and_then(Value::as_str), parameter.get("in").and_then(Value::as_str))
            else {
                continue;
            };
            // `X-OpenRouter-Metadata` is `.metadata(..)`.
            let bare = pname.strip_prefix("X-OpenRouter-").unwrap_or(pname);
            let ident = rust_ident(&bare.to_snake_case());
            let (ty, value) = param_type(parameter.get("schema").unwrap_or(&Value::Null));
            let required = parameter.get("required") == Some(&Value::Bool(true)) || place == "path";
            let pdoc = parameter.get("description").and_then(Value::as_str).unwrap_or(pname).replace('\n', " ");
            match (place, required) {
                ("path", _) => {
                    let ty = if ty == "impl Into<String>" { "&str".to_owned() } else { format!("&{ty}") };
                    write!(args, ", {ident}: {ty}").unwrap();
                    writeln!(setup, "call.path_param({pname:?}, &{ident});").unwrap();
                }
                ("query", true) => {
                    write!(args, ", {ident}: {ty}").unwrap();
                    writeln!(setup, "let value = {ident}; call.query({pname:?}, {value});").unwrap();
                }
                ("query" | "header", false) => {
                    let add = if place == "query" { "query" } else { "header" };
                    writeln!(
                        setters,
                        "/// {pdoc}\npub fn {ident}(mut self, value: {ty}) -> Self {{ self.0.{add}({pname:?}, {value}); self }}"
                    )
                    .unwrap();
                }
                _ => {}
            }
        }
        match body(operation) {
            Body::None => {}
            Body::Json(ty) => {
                write!(args, ", body: types::{ty}").unwrap();
                setup.push_str("call.json(&body);\n");
            }
            Body::Form(ty) => {
                write!(args, ", form: crate::Form").unwrap();
                writeln!(doc, "///\n/// The body is a multipart form with the fields of [`types::{ty}`].").unwrap();
                setup.push_str("call.form(form);\n");
            }
        }
        let (answer, read) = answer(operation);
        let mut stream = String::new();
        if read == "send_bytes" {
            stream.push_str(
                "/// Sends the request and returns the answer as it arrives, for answers too large to hold.\n\
                 #[inline]\n\
                 pub fn bytes_stream(self) -> impl Future<Output = Result<crate::ByteStream, crate::Error>> + Send { self.0.send_byte_stream() }\n",
            );
        }
        if let Some(event) = event_type(operation) {
            writeln!(
                stream,
                "/// Sends the request with `\"stream\": true` and returns its events as they arrive\n\
                 /// (see [`EventStream`](crate::EventStream) for when a stream is complete).\n\
                 #[inline]\n\
                 pub fn stream(self) -> impl Future<Output = Result<crate::EventStream<types::{event}>, crate::Error>> + Send {{ self.0.send_stream() }}"
            )
            .unwrap();
            if !HANDWRITTEN_EVENTS.contains(&event.as_str()) && events.insert(event.clone()) {
                writeln!(
                    code,
                    "impl crate::events::sealed::Sealed for types::{event} {{}}\n\
                     impl crate::StreamEvent for types::{event} {{ type Progress = crate::events::UntilDone; }}"
                )
                .unwrap();
            }
        }
        let http = method.to_uppercase();
        let relative = path.trim_start_matches('/');
        let binding = if setup.is_empty() { "let call" } else { "let mut call" };
        let area_methods = match methods.iter_mut().find(|(a, _)| *a == area) {
            Some((_, code)) => code,
            None => return Err(Error(format!("`{id}` is in area `{area}`, which AREAS does not list"))),
        };
        writeln!(
            area_methods,
            "{doc}#[inline]\npub fn {name}(&self{args}) -> {builder} {{\n\
               {binding} = Call::new(self, ::reqwest::Method::{http}, {relative:?}, {id:?});\n{setup}\
               {builder}(call)\n}}"
        )
        .unwrap();
        writeln!(
            code,
            "/// The request of [`Client::{name}`](crate::Client::{name}); finish it with `.send()`.\n\
             #[must_use = \"a request does nothing until it is sent\"]\n\
             #[derive(Debug)]\n\
             pub struct {builder}(Call);\n\
             impl {builder} {{\n{setters}\
             /// Overrides the client's per-attempt timeout for this call.\n\
             pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {{ self.0.timeout(timeout); self }}\n\
             /// Overrides the client's retry policy for this call.\n\
             pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {{ self.0.retry(policy); self }}\n\
             /// Sends the request and reads the whole answer.\n\
             #[inline]\n\
             pub fn send(self) -> impl Future<Output = Result<{answer}, crate::Error>> + Send {{ self.0.{read}() }}\n{stream}}}"
        )
        .unwrap();
    }
    for (area, area_methods) in methods.iter().filter(|(_, code)| !code.is_empty()) {
        let tags = crate::areas::AREAS.iter().find(|(a, _)| a == area).map_or(&[][..], |(_, tags)| *tags);
        writeln!(
            code,
            "/// # The `{area}` area (feature `{area}`)\n///\n/// The operations tagged {} in OpenRouter's spec.\n\
             impl crate::Client {{\n{area_methods}}}",
            tags.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
        )
        .unwrap();
    }
    code.push_str("}\n");
    Ok(code)
}

enum Body {
    None,
    Json(String),
    Form(String),
}

fn body(operation: &Value) -> Body {
    let named = |media: &str| {
        operation
            .pointer(&format!("/requestBody/content/{}/schema", media.replace('/', "~1")))
            .and_then(Value::as_object)
            .and_then(ref_name)
            .map(str::to_owned)
    };
    if let Some(ty) = named("application/json") {
        Body::Json(ty)
    } else if let Some(ty) = named("multipart/form-data") {
        Body::Form(ty)
    } else {
        Body::None
    }
}

/// The Rust type of the first 2xx answer, and the `Call` method that reads it.
fn answer(operation: &Value) -> (String, &'static str) {
    let success = operation
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| r.iter().find(|(status, _)| status.starts_with('2')).map(|(_, v)| v));
    let content = success.and_then(|s| s.get("content")).and_then(Value::as_object);
    let Some(content) = content.filter(|c| !c.is_empty()) else {
        return ("()".into(), "send_empty");
    };
    match content.get("application/json").and_then(|j| j.get("schema")) {
        Some(schema) => match schema.as_object().and_then(ref_name) {
            Some(name) => (format!("types::{name}"), "send_json"),
            None => ("::serde_json::Value".into(), "send_json"),
        },
        None => ("::bytes::Bytes".into(), "send_bytes"),
    }
}

fn event_type(operation: &Value) -> Option<String> {
    let responses = operation.get("responses")?.as_object()?;
    let (_, success) = responses.iter().find(|(status, _)| status.starts_with('2'))?;
    let schema = success.pointer("/content/text~1event-stream/schema")?.as_object()?;
    ref_name(schema).map(str::to_owned)
}

fn pascal(text: &str) -> String {
    text.to_pascal_case()
}

fn rust_ident(name: &str) -> String {
    match name {
        "type" | "move" | "ref" | "self" | "match" | "use" | "where" | "async" | "await" | "fn" | "mod" | "in" => {
            format!("r#{name}")
        }
        _ => name.to_owned(),
    }
}

/// `(method, path, operation)` for every operation, in document order.
fn operations_mut(spec: &mut Value) -> Vec<(String, String, &mut Value)> {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else { return Vec::new() };
    let mut out = Vec::new();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, operation) in item.iter_mut().filter(|(k, _)| METHODS.contains(&k.as_str())) {
            if operation.is_object() {
                out.push((method.clone(), path.clone(), operation));
            }
        }
    }
    out
}
