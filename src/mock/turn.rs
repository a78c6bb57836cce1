//! One scripted assistant turn, rendered as the Responses API and the Messages API answer it:
//! whole, or as their event streams. The same [`MockReply`](super::MockReply)s script all three
//! APIs (chat is rendered in `mock.rs`).

use bytes::Bytes;
use hyper::{Response, header::CONTENT_TYPE};
use serde_json::{Value, json};

use super::{
    Body, Kind, MOCK_ROUTES, State, content_text, count_words, envelope, frames, json_response, sample, split_words,
};

/// What the turn says, whichever API renders it.
pub(super) struct Turn {
    id: String,
    model: String,
    input_tokens: u64,
    text: String,
    reasoning: Option<String>,
    calls: Vec<(String, String)>,
    kind: Kind,
}

/// Which API asked.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Api {
    #[cfg_attr(not(feature = "responses"), allow(dead_code))]
    Responses,
    #[cfg_attr(not(feature = "messages"), allow(dead_code))]
    Messages,
}

/// Answers `POST /responses` or `POST /messages` from the reply queue.
pub(super) async fn answer(api: Api, state: &State, request: &Value) -> Response<Body> {
    let (items, tools): (Vec<Value>, Vec<Value>) = match api {
        Api::Responses => {
            let items = match &request["input"] {
                Value::String(text) => vec![json!({"role": "user", "content": text})],
                Value::Array(items) => items.clone(),
                _ => Vec::new(),
            };
            (items, request["tools"].as_array().cloned().unwrap_or_default())
        }
        Api::Messages => (
            request["messages"].as_array().cloned().unwrap_or_default(),
            request["tools"].as_array().cloned().unwrap_or_default(),
        ),
    };
    if items.is_empty() {
        return json_response(400, &envelope(400, "Input required: no input or messages", Value::Null), None);
    }
    let reply = state.replies.lock().expect("not poisoned").pop_front().unwrap_or_else(super::MockReply::echo);
    tokio::time::sleep(reply.delay).await;
    if let Kind::Error { status, message, metadata } = &reply.kind {
        return json_response(*status, &envelope(*status, message, metadata.clone()), reply.retry_after);
    }
    let number = state.generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let kind = match reply.kind {
        Kind::Echo => echo(api, request, &items, &tools),
        other => other,
    };
    let (text, reasoning, calls) = match &kind {
        Kind::Text(text) => (text.clone(), None, Vec::new()),
        Kind::Reasoning { reasoning, text } => (text.clone(), Some(reasoning.clone()), Vec::new()),
        Kind::ToolCalls(calls) => (String::new(), None, calls.clone()),
        Kind::MidStreamError { partial, .. } | Kind::Cut { partial } => (partial.clone(), None, Vec::new()),
        _ => (String::new(), None, Vec::new()),
    };
    let turn = Turn {
        id: format!("{}_mock_{number}", if api == Api::Responses { "resp" } else { "msg" }),
        model: request["model"].as_str().unwrap_or("openrouter/auto").to_owned(),
        input_tokens: items.iter().map(|i| count_words(&content_text(&i["content"]))).sum(),
        text,
        reasoning,
        calls,
        kind,
    };
    if request["stream"] == true {
        let (events, cut) = match api {
            Api::Responses => turn.response_events(),
            Api::Messages => turn.message_events(),
        };
        return sse(events, cut);
    }
    match (&turn.kind, api) {
        (Kind::MidStreamError { code, message, .. }, _) => {
            json_response(502, &envelope(502, &format!("{message} ({code})"), Value::Null), None)
        }
        (Kind::Cut { .. }, _) => {
            let body = turn.response().to_string();
            Response::builder()
                .header(CONTENT_TYPE, "application/json")
                .header(hyper::header::CONTENT_LENGTH, body.len())
                .body(frames(vec![Bytes::from(body[..body.len() / 2].to_owned())], true))
                .expect("a valid response")
        }
        (_, Api::Responses) => json_response(200, &turn.response(), None),
        (_, Api::Messages) => json_response(200, &turn.message(), None),
    }
}

/// The default turn: an instance of the requested schema, a call of the first tool, what the tool
/// said, or the last user text echoed.
fn echo(api: Api, request: &Value, items: &[Value], tools: &[Value]) -> Kind {
    let format = &request["text"]["format"];
    if format["type"] == "json_schema" {
        return Kind::Text(sample(&format["schema"], &format["schema"], 0).to_string());
    }
    let last = items.last().cloned().unwrap_or_default();
    let answered = |item: &Value| {
        item["type"] == "function_call_output"
            || item["content"].as_array().is_some_and(|c| c.iter().any(|p| p["type"] == "tool_result"))
    };
    if let (Some(tool), false) = (tools.first(), answered(&last)) {
        let (name, schema) = match api {
            Api::Responses => (&tool["name"], &tool["parameters"]),
            Api::Messages => (&tool["name"], &tool["input_schema"]),
        };
        return Kind::ToolCalls(vec![(
            name.as_str().unwrap_or("tool").to_owned(),
            sample(schema, schema, 0).to_string(),
        )]);
    }
    if answered(&last) {
        let output = match api {
            Api::Responses => last["output"].as_str().unwrap_or_default().to_owned(),
            Api::Messages => last["content"][0]["content"].as_str().unwrap_or_default().to_owned(),
        };
        return Kind::Text(format!("(mock) The tool said: {output}"));
    }
    let user = items.iter().rev().find(|i| i["role"] == "user").map(|i| content_text(&i["content"]));
    Kind::Text(format!("(mock) You said: {}", user.unwrap_or_default()))
}

/// An SSE body: two keep-alive comments, the events, and a cut if asked.
fn sse(events: Vec<String>, cut: bool) -> Response<Body> {
    let mut frames_out = vec![Bytes::from_static(b": OPENROUTER PROCESSING\n\n")];
    frames_out.extend(events.into_iter().map(|e| Bytes::from(e + "\n\n")));
    frames_out.insert(2.min(frames_out.len()), Bytes::from_static(b": OPENROUTER PROCESSING\n\n"));
    if cut {
        frames_out.push(Bytes::from_static(b"data: {\"type\""));
    }
    Response::builder()
        .header(CONTENT_TYPE, "text/event-stream")
        .header("cache-control", "no-cache")
        .body(frames(frames_out, cut))
        .expect("a valid response")
}

/// The spec's example answer of an operation, as a base the turn's fields overwrite, so that
/// every field the generated type requires is there.
fn example(method: &str, path: &str) -> Value {
    MOCK_ROUTES
        .iter()
        .find(|(m, p, ..)| *m == method && *p == path)
        .and_then(|(.., answer)| serde_json::from_str(answer).ok())
        .unwrap_or_else(|| json!({}))
}

impl Turn {
    fn output_tokens(&self) -> u64 {
        count_words(&self.text) + 10 * self.calls.len() as u64
    }

    fn finished(&self) -> bool {
        !matches!(self.kind, Kind::MidStreamError { .. } | Kind::Cut { .. })
    }

    // --- Responses API ---

    fn output_items(&self) -> Vec<Value> {
        let mut items = Vec::new();
        if let Some(reasoning) = &self.reasoning {
            items.push(json!({"type": "reasoning", "id": "rs_mock_1", "summary": [{"type": "summary_text", "text": reasoning}]}));
        }
        if !self.text.is_empty() || self.calls.is_empty() {
            items.push(json!({
                "type": "message", "id": "msg_mock_1", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": self.text, "annotations": [], "logprobs": []}]
            }));
        }
        for (i, (name, arguments)) in self.calls.iter().enumerate() {
            items.push(json!({
                "type": "function_call", "id": format!("fc_mock_{}", i + 1), "call_id": format!("call_mock_{}", i + 1),
                "name": name, "arguments": arguments, "status": "completed"
            }));
        }
        items
    }

    /// The whole `response` object.
    fn response(&self) -> Value {
        let mut response = example("POST", "responses");
        let (input, output) = (self.input_tokens, self.output_tokens());
        for (key, value) in [
            ("id", json!(self.id)),
            ("model", json!(self.model)),
            ("status", json!("completed")),
            ("output", json!(self.output_items())),
            ("output_text", json!(self.text)),
            ("error", Value::Null),
            ("incomplete_details", Value::Null),
            (
                "usage",
                json!({
                    "input_tokens": input, "output_tokens": output, "total_tokens": input + output, "cost": 0.0,
                    "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}
                }),
            ),
        ] {
            response[key] = value;
        }
        response
    }

    /// The Responses API event stream, and whether it ends cut.
    fn response_events(&self) -> (Vec<String>, bool) {
        let mut events: Vec<Value> = Vec::new();
        let mut started = self.response();
        started["status"] = json!("in_progress");
        started["output"] = json!([]);
        started["usage"] = Value::Null;
        events.push(json!({"type": "response.created", "response": started}));
        events.push(json!({"type": "response.in_progress", "response": started}));
        for (index, item) in self.output_items().into_iter().enumerate() {
            let mut added = item.clone();
            match item["type"].as_str() {
                Some("reasoning") => {
                    added["summary"] = json!([]);
                    events.push(json!({"type": "response.output_item.added", "output_index": index, "item": added}));
                    for piece in split_words(self.reasoning.as_deref().unwrap_or_default()) {
                        events.push(json!({"type": "response.reasoning_summary_text.delta", "item_id": item["id"], "output_index": index, "summary_index": 0, "delta": piece}));
                    }
                }
                Some("message") => {
                    added["content"] = json!([]);
                    added["status"] = json!("in_progress");
                    events.push(json!({"type": "response.output_item.added", "output_index": index, "item": added}));
                    let part = json!({"type": "output_text", "text": "", "annotations": []});
                    events.push(json!({"type": "response.content_part.added", "item_id": item["id"], "output_index": index, "content_index": 0, "part": part}));
                    for piece in split_words(&self.text) {
                        events.push(json!({"type": "response.output_text.delta", "item_id": item["id"], "output_index": index, "content_index": 0, "delta": piece, "logprobs": []}));
                    }
                    if !self.finished() {
                        break;
                    }
                    events.push(json!({"type": "response.output_text.done", "item_id": item["id"], "output_index": index, "content_index": 0, "text": self.text, "logprobs": []}));
                    events.push(json!({"type": "response.content_part.done", "item_id": item["id"], "output_index": index, "content_index": 0, "part": item["content"][0]}));
                }
                _ => {
                    added["arguments"] = json!("");
                    events.push(json!({"type": "response.output_item.added", "output_index": index, "item": added}));
                    let arguments = item["arguments"].as_str().unwrap_or_default();
                    for piece in halves(arguments) {
                        events.push(json!({"type": "response.function_call_arguments.delta", "item_id": item["id"], "output_index": index, "delta": piece}));
                    }
                    events.push(json!({"type": "response.function_call_arguments.done", "item_id": item["id"], "output_index": index, "name": item["name"], "arguments": arguments}));
                }
            }
            events.push(json!({"type": "response.output_item.done", "output_index": index, "item": item}));
        }
        match &self.kind {
            Kind::MidStreamError { code, message, .. } => {
                events.push(json!({"type": "error", "code": code.as_str().map_or_else(|| code.to_string(), str::to_owned), "message": message, "param": null}));
            }
            Kind::Cut { .. } => {}
            _ => events.push(json!({"type": "response.completed", "response": self.response()})),
        }
        let mut lines: Vec<String> = events
            .into_iter()
            .enumerate()
            .map(|(n, mut event)| {
                event["sequence_number"] = json!(n);
                format!("event: {}\ndata: {event}", event["type"].as_str().unwrap_or_default())
            })
            .collect();
        if self.finished() {
            lines.push("data: [DONE]".into());
        }
        (lines, matches!(self.kind, Kind::Cut { .. }))
    }

    // --- Messages API ---

    fn content_blocks(&self) -> Vec<Value> {
        let mut blocks = Vec::new();
        if let Some(reasoning) = &self.reasoning {
            blocks.push(json!({"type": "thinking", "thinking": reasoning, "signature": "mock-signature"}));
        }
        if !self.text.is_empty() || self.calls.is_empty() {
            blocks.push(json!({"type": "text", "text": self.text}));
        }
        for (i, (name, arguments)) in self.calls.iter().enumerate() {
            let input: Value = serde_json::from_str(arguments).unwrap_or_else(|_| json!({}));
            blocks
                .push(json!({"type": "tool_use", "id": format!("toolu_mock_{}", i + 1), "name": name, "input": input}));
        }
        blocks
    }

    /// The whole Anthropic `message`.
    fn message(&self) -> Value {
        let mut message = example("POST", "messages");
        let stop = if self.calls.is_empty() { "end_turn" } else { "tool_use" };
        for (key, value) in [
            ("id", json!(self.id)),
            ("type", json!("message")),
            ("role", json!("assistant")),
            ("model", json!(self.model)),
            ("content", json!(self.content_blocks())),
            ("stop_reason", json!(stop)),
            ("stop_sequence", Value::Null),
            ("usage", json!({"input_tokens": self.input_tokens, "output_tokens": self.output_tokens(), "cost": 0.0})),
        ] {
            message[key] = value;
        }
        message
    }

    /// The Anthropic event stream, and whether it ends cut.
    fn message_events(&self) -> (Vec<String>, bool) {
        let mut start = self.message();
        start["content"] = json!([]);
        start["stop_reason"] = Value::Null;
        start["usage"] = json!({"input_tokens": self.input_tokens, "output_tokens": 0});
        let mut events = vec![json!({"type": "message_start", "message": start})];
        for (index, block) in self.content_blocks().into_iter().enumerate() {
            let (started, deltas): (Value, Vec<Value>) = match block["type"].as_str() {
                Some("thinking") => (
                    json!({"type": "thinking", "thinking": ""}),
                    split_words(block["thinking"].as_str().unwrap_or_default())
                        .into_iter()
                        .map(|p| json!({"type": "thinking_delta", "thinking": p}))
                        .chain([json!({"type": "signature_delta", "signature": block["signature"]})])
                        .collect(),
                ),
                Some("text") => (
                    json!({"type": "text", "text": ""}),
                    split_words(&self.text).into_iter().map(|p| json!({"type": "text_delta", "text": p})).collect(),
                ),
                _ => {
                    let input = block["input"].to_string();
                    let deltas =
                        halves(&input).into_iter().map(|p| json!({"type": "input_json_delta", "partial_json": p}));
                    (
                        json!({"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}),
                        deltas.collect(),
                    )
                }
            };
            events.push(json!({"type": "content_block_start", "index": index, "content_block": started}));
            events.push(json!({"type": "ping"}));
            events.extend(
                deltas.into_iter().map(|delta| json!({"type": "content_block_delta", "index": index, "delta": delta})),
            );
            if !self.finished() {
                break;
            }
            events.push(json!({"type": "content_block_stop", "index": index}));
        }
        match &self.kind {
            Kind::MidStreamError { message, .. } => {
                events.push(json!({"type": "error", "error": {"type": "overloaded_error", "message": message}}));
            }
            Kind::Cut { .. } => {}
            _ => {
                let message = self.message();
                events.push(json!({"type": "message_delta", "delta": {"stop_reason": message["stop_reason"], "stop_sequence": null}, "usage": {"output_tokens": self.output_tokens()}}));
                events.push(json!({"type": "message_stop"}));
            }
        }
        let lines = events
            .into_iter()
            .map(|e| format!("event: {}\ndata: {e}", e["type"].as_str().unwrap_or_default()))
            .collect();
        (lines, matches!(self.kind, Kind::Cut { .. }))
    }
}

/// `text` in two pieces, split at a character boundary.
fn halves(text: &str) -> Vec<&str> {
    let middle = (0..=text.len() / 2).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    vec![&text[..middle], &text[middle..]]
}
