//! Realistic payloads through the generated types, compared by value.

use openrouter_bindings::types::*;
use serde_json::{Value, json};

/// `null` and an absent field mean the same on this API; the types write neither for `None`.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: &Value) -> (T, Value) {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value}"));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(without_nulls(&back), without_nulls(value), "the round trip changed the value");
    (typed, back)
}

#[test]
fn a_full_request_round_trips_unchanged() {
    let request = json!({
        "model": "openai/gpt-4o",
        "models": ["anthropic/claude-sonnet-4", "google/gemini-2.5-pro"],
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "developer", "content": [{"type": "text", "text": "Use metric units.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]},
            {"role": "user", "content": [
                {"type": "text", "text": "What is in this picture?"},
                {"type": "image_url", "image_url": {"url": "https://example.test/cat.png", "detail": "high"}},
                {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
                {"type": "video_url", "video_url": {"url": "https://example.test/v.mp4"}}
            ], "name": "ann"},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}
            ], "reasoning_details": [{"type": "reasoning.encrypted", "data": "abc", "format": "anthropic-claude-v1", "index": 0}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "18C and sunny"}
        ],
        "provider": {
            "order": ["OpenAI", "my-custom-slug"],
            "allow_fallbacks": false,
            "data_collection": "deny",
            "quantizations": ["fp8", "mxfp4"],
            "sort": {"by": "throughput", "partition": "none"},
            "max_price": {"prompt": "1.5", "completion": "2.5"},
            "preferred_min_throughput": {"p50": 20.0, "p90": 10.0},
            "preferred_max_latency": 1.5
        },
        "plugins": [{"id": "web", "max_results": 3, "engine": "exa"}, {"id": "file-parser", "pdf": {"engine": "cloudflare-ai"}}],
        "route": "fallback",
        "reasoning": {"effort": "max", "max_tokens": 2000, "exclude": false},
        "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "strict": true, "schema": {"type": "object"}}},
        "tools": [{"type": "function", "function": {"name": "weather", "description": "Weather now", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
        "tool_choice": {"type": "function", "function": {"name": "weather"}},
        "stop": ["\n\n", "END"],
        "seed": 7,
        "temperature": 0.2,
        "max_tokens": 512,
        "top_logprobs": 2,
        "logprobs": true,
        "user": "user-1",
        "session_id": "s-1",
        "metadata": {"k": "v"},
        "trace": {"trace_id": "t-1"},
        "modalities": ["text", "image"],
        "stream": false
    });
    let (typed, back): (ChatRequest, _) = round_trip(&request);
    assert!(back.get("top_p").is_none(), "no default is sent for a field the caller did not set");
    assert_eq!(typed.max_tokens, Some(512));
    assert!(matches!(typed.tool_choice, Some(ChatToolChoice::ChatNamedToolChoice(_))));
    let provider = typed.provider.unwrap();
    assert_eq!(provider.data_collection, Some(ProviderPreferencesDataCollection::Deny));
    assert_eq!(
        provider.order.unwrap(),
        [
            ProviderPreferencesOrderItem::ProviderName(ProviderName::OpenAi),
            ProviderPreferencesOrderItem::String("my-custom-slug".into()),
        ]
    );
}

#[test]
fn tool_choice_modes_and_stop_forms() {
    for mode in ["none", "auto", "required"] {
        let (choice, back): (ChatToolChoice, _) = round_trip(&json!(mode));
        assert!(matches!(choice, ChatToolChoice::Mode(_)));
        assert_eq!(back, json!(mode));
    }
    let (stop, _): (ChatRequestStop, _) = round_trip(&json!("END"));
    assert_eq!(stop, ChatRequestStop::String("END".into()));
}

#[test]
fn a_request_with_an_unknown_closed_value_is_refused() {
    // Request-side enums stay strict where the spec is closed.
    let bad = json!({"messages": [{"role": "user", "content": "hi"}], "route": "cheapest"});
    assert!(serde_json::from_value::<ChatRequest>(bad).is_err());
}

fn response() -> Value {
    json!({
        "id": "gen-1732000000-abc",
        "object": "chat.completion",
        "created": 1732000000,
        "model": "anthropic/claude-sonnet-4",
        "provider": "Anthropic",
        "system_fingerprint": null,
        "choices": [{
            "index": 0,
            "finish_reason": "stop",
            "native_finish_reason": "end_turn",
            "logprobs": null,
            "message": {
                "role": "assistant",
                "content": "Paris.",
                "refusal": null,
                "reasoning": "The user asks for a capital.",
                "reasoning_details": [
                    {"type": "reasoning.text", "text": "The user asks", "signature": "sig", "format": "anthropic-claude-v1", "index": 0},
                    {"type": "reasoning.summary", "summary": "capital", "id": null, "format": null}
                ],
                "annotations": [{"type": "url_citation", "url_citation": {"url": "https://example.test", "title": "T", "start_index": 0, "end_index": 6}}]
            }
        }],
        "usage": {
            "prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15,
            "prompt_tokens_details": {"cached_tokens": 8},
            "completion_tokens_details": {"reasoning_tokens": 2},
            "cost": 0.00042, "is_byok": false,
            "cost_details": {"upstream_inference_cost": null, "upstream_inference_prompt_cost": 0.0003, "upstream_inference_completions_cost": 0.00012}
        }
    })
}

#[test]
fn a_full_response_round_trips_unchanged() {
    let response = response();
    let (typed, _): (ChatResponse, _) = round_trip(&response);
    assert_eq!(typed.provider.as_deref(), Some("Anthropic"));
    let choice = &typed.choices[0];
    assert_eq!(choice.finish_reason, Some(ChatFinishReason::Known(KnownChatFinishReason::Stop)));
    assert_eq!(choice.native_finish_reason.as_deref(), Some("end_turn"));
    let usage = typed.usage.unwrap();
    assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.total_tokens), (12, 3, 15));
    assert_eq!(usage.cost, Some(0.00042));
    assert_eq!(usage.prompt_tokens_details.unwrap().cached_tokens, Some(8));
}

#[test]
fn unknown_fields_values_and_variants_are_kept() {
    let mut response = response();
    response["brand_new_top_level"] = json!({"x": 1});
    response["choices"][0]["finish_reason"] = json!("tool_budget_exhausted");
    response["choices"][0]["message"]["reasoning_details"] = json!([
        {"type": "reasoning.text", "text": "a", "format": "quantum-v9"},
        {"type": "reasoning.hologram", "frames": [1, 2]}
    ]);
    response["choices"][0]["message"]["content"] = json!([
        {"type": "text", "text": "see"},
        {"type": "smell", "smell": "roses"}
    ]);
    let typed: ChatResponse = serde_json::from_value(response).unwrap();
    let choice = &typed.choices[0];
    assert_eq!(choice.finish_reason, Some(ChatFinishReason::Unknown("tool_budget_exhausted".into())));
    let details = &choice.message.reasoning_details;
    match &details[0] {
        ReasoningDetail::ReasoningText(text) => {
            assert_eq!(text.format, Some(ReasoningFormat::Unknown("quantum-v9".into())))
        }
        other => panic!("{other:?}"),
    }
    match &details[1] {
        ReasoningDetail::Unknown(raw) => assert_eq!(raw["frames"], json!([1, 2])),
        other => panic!("{other:?}"),
    }
    let Some(ChatAssistantMessageContent::Array(parts)) = &choice.message.content else {
        panic!("{:?}", choice.message.content)
    };
    assert!(matches!(&parts[0], ChatContentPart::Text(t) if t.text == "see"));
    assert!(matches!(&parts[1], ChatContentPart::Unknown(raw) if raw["smell"] == "roses"));
    assert_eq!(typed.into_text().unwrap(), "see", "text parts only");
}

#[test]
fn stream_chunks_decode_with_partial_tool_calls_and_string_error_codes() {
    let chunk = json!({
        "id": "gen-1", "object": "chat.completion.chunk", "created": 1, "model": "m", "provider": "OpenAI",
        "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 1, "function": {"arguments": "{\"ci"}}]}, "finish_reason": null}]
    });
    let (typed, _): (ChatStreamChunk, _) = round_trip(&chunk);
    let call = &typed.choices[0].delta.tool_calls[0];
    assert_eq!((call.index, call.id.as_deref()), (1, None));

    let error = json!({
        "id": "gen-1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [],
        "error": {"code": "server_error", "message": "Provider disconnected"}
    });
    let (typed, _): (ChatStreamChunk, _) = round_trip(&error);
    assert_eq!(typed.error.unwrap().code, Some(ErrorBodyCode::String("server_error".into())));
}

#[test]
fn error_envelopes_decode_with_number_or_string_codes_and_metadata() {
    let body = json!({"error": {"code": 403, "message": "flagged", "metadata": {"reasons": ["violence"], "flagged_input": "..."}}, "user_id": "u"});
    let (typed, _): (ErrorResponse, _) = round_trip(&body);
    assert_eq!(typed.error.code, Some(ErrorBodyCode::Number(403)));
    assert_eq!(typed.error.metadata.unwrap()["reasons"], json!(["violence"]));
    let (typed, _): (ErrorResponse, _) = round_trip(&json!({"error": {"message": "no code"}}));
    assert_eq!(typed.error.code, None);
}

#[test]
fn values_the_page_lags_behind_on_are_accepted() {
    // Each value comes from a fix in codegen/src/fixes.rs (WIRE.md section 6, item 8).
    let request = json!({
        "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "u", "detail": "original"}}]}],
        "provider": {"sort": "exacto", "quantizations": ["nvfp4", "mxfp8"]},
        "plugins": [{"id": "web", "engine": "firecrawl"}],
        "modalities": ["audio"]
    });
    let (_, _): (ChatRequest, _) = round_trip(&request);

    let mut response = response();
    response["choices"][0]["message"]["reasoning_details"] =
        json!([{"type": "reasoning.summary", "summary": "s", "format": "meta-responses-v1"}]);
    response["usage"]["completion_tokens_details"]["image_tokens"] = json!(1290);
    response["usage"]["server_tool_use_details"] = json!({"web_search_requests": 2});
    let (typed, _): (ChatResponse, _) = round_trip(&response);
    let message = &typed.choices[0].message;
    assert!(matches!(&message.reasoning_details[0],
        ReasoningDetail::ReasoningSummary(s) if s.format == Some(ReasoningFormat::Known(KnownReasoningFormat::MetaResponsesV1))));
    let usage = typed.usage.unwrap();
    assert_eq!(usage.completion_tokens_details.unwrap().image_tokens, Some(1290));
    assert_eq!(usage.server_tool_use_details.unwrap().web_search_requests, Some(2));
}

/// The message contents, `ChatRequestStop`, `ChatFinishReason` and the other string-or-array and known-or-unknown unions
/// have direct `Deserialize` impls (codegen/src/untagged.rs); they must read every form the
/// derived untagged impls read, from bytes, from a `Value`, and nested in an untagged enum.
#[test]
fn specialized_unions_read_every_form() {
    let text: ChatUserMessageContent = serde_json::from_str(r#""say \"hi\"\n""#).unwrap();
    assert_eq!(text, ChatUserMessageContent::String("say \"hi\"\n".into()));
    let parts: ChatUserMessageContent = serde_json::from_value(json!([{"type": "text", "text": "a"}])).unwrap();
    assert!(
        matches!(&parts, ChatUserMessageContent::Array(p) if matches!(&p[0], ChatContentPart::Text(t) if t.text == "a"))
    );
    let wrong = serde_json::from_str::<ChatUserMessageContent>("42").unwrap_err().to_string();
    assert!(wrong.contains("a string or an array"), "{wrong}");

    let stop: ChatRequestStop = serde_json::from_str(r#"["a","b"]"#).unwrap();
    assert_eq!(stop, ChatRequestStop::Array(vec!["a".into(), "b".into()]));
    assert_eq!(serde_json::from_str::<ChatRequestStop>(r#""end""#).unwrap(), ChatRequestStop::String("end".into()));

    assert_eq!(
        serde_json::from_str::<ChatFinishReason>(r#""length""#).unwrap(),
        ChatFinishReason::Known(KnownChatFinishReason::Length)
    );
    assert_eq!(
        serde_json::from_value::<ChatFinishReason>(json!("odd")).unwrap(),
        ChatFinishReason::Unknown("odd".into())
    );
    assert!(serde_json::from_str::<ChatFinishReason>("null").is_err());

    // Inside `ChatMessage`, itself untagged: serde hands these impls its buffered value.
    let message: ChatMessage =
        serde_json::from_value(json!({"role": "user", "content": [{"type": "text", "text": "x"}]})).unwrap();
    let back = serde_json::to_value(&message).unwrap();
    assert_eq!(back["content"][0]["text"], "x");
}

/// A chunk recorded from DeepSeek V3.1 via Novita: the legacy completions form of `logprobs`.
const DEEPSEEK_NOVITA_CHUNK: &str = r#"{"id":"gen-1764000000-novita","provider":"Novita","model":"deepseek/deepseek-chat-v3.1","object":"chat.completion.chunk","created":1764000000,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello","reasoning":null,"reasoning_details":[]},"finish_reason":null,"native_finish_reason":null,"logprobs":{"tokens":null,"token_logprobs":null,"top_logprobs":null,"text_offset":null}}]}"#;

#[test]
fn a_field_that_does_not_fit_is_dropped_not_the_whole_chunk() {
    let chunk: ChatStreamChunk = serde_json::from_str(DEEPSEEK_NOVITA_CHUNK).unwrap();
    let choice = &chunk.choices[0];
    assert_eq!(choice.delta.content.as_deref(), Some("Hello"), "the text survives");
    // The legacy object has none of the spec's fields, which may be null: it reads as logprobs
    // without content, nothing invented from it.
    assert_eq!(choice.logprobs, Some(openrouter_bindings::types::ChatTokenLogprobs::default()));

    // Other non-essential fields of the wrong shape: dropped, the response kept.
    let mut body = response();
    body["choices"][0]["logprobs"] = json!([1, 2]);
    body["choices"][0]["native_finish_reason"] = json!({"odd": true});
    body["provider"] = json!(42);
    let typed: ChatResponse = serde_json::from_value(body).unwrap();
    assert_eq!((&typed.choices[0].logprobs, typed.provider.as_deref()), (&None, None));
    assert_eq!(typed.choices[0].native_finish_reason, None);

    // Usage is essential (money): one that does not fit fails the answer, never `None`.
    let mut body = response();
    body["usage"] = json!("lots");
    let error = serde_json::from_value::<ChatResponse>(body).unwrap_err().to_string();
    assert!(error.contains("ChatUsage"), "{error}");

    // Essential ones still fail, with their path.
    let mut body = response();
    body["choices"][0]["message"]["content"] = json!(7);
    assert!(serde_json::from_value::<ChatResponse>(body).is_err());
}

#[test]
fn openrouters_documented_example_decodes_without_index_or_finish_reason() {
    // The shape OpenRouter's docs show for a PDF answer: no `index`, no `finish_reason`, and a
    // `file` annotation.
    let body = json!({
        "id": "gen-1234", "object": "chat.completion", "created": 1700000000, "model": "anthropic/claude-sonnet-4",
        "choices": [{"message": {"role": "assistant", "content": "The document says...",
            "annotations": [{"type": "file", "file": {"hash": "abc123", "name": "doc.pdf",
                "content": [{"type": "text", "text": "Page 1"}]}}]}}]
    });
    let typed: ChatResponse = serde_json::from_value(body).unwrap();
    let choice = &typed.choices[0];
    assert_eq!((choice.index, &choice.finish_reason), (None, &None), "what was not sent is not invented");
    match &choice.message.annotations[0] {
        Annotation::FileAnnotation(file) => {
            assert_eq!((file.file.hash.as_str(), file.file.content.len()), ("abc123", 1))
        }
        other => panic!("{other:?}"),
    }
    let brand_new = json!([{"type": "video_citation", "video_citation": {"t": 3}}]);
    let mut body = response();
    body["choices"][0]["message"]["annotations"] = brand_new;
    let typed: ChatResponse = serde_json::from_value(body).unwrap();
    assert!(
        matches!(&typed.choices[0].message.annotations[0], Annotation::Unknown(raw) if raw["type"] == "video_citation")
    );
}

#[test]
fn closed_response_values_are_open_custom_tool_calls_and_other_objects_included() {
    let chunk = json!({"id": "gen-1", "object": "chat.completion", "created": 1, "model": "m", "choices": [
        {"index": 0, "delta": {"role": "tool", "tool_calls": [{"index": 0, "id": "c", "type": "custom",
            "function": {"name": "grep", "arguments": "x"}}]}, "finish_reason": null}]});
    let typed: ChatStreamChunk = serde_json::from_value(chunk).unwrap();
    assert_eq!(typed.object, ChatStreamChunkObject::Unknown("chat.completion".into()));
    assert_eq!(typed.choices[0].delta.tool_calls[0].type_, Some(ChatStreamToolCallType::Unknown("custom".into())));
    assert_eq!(typed.choices[0].delta.role, Some(ChatStreamDeltaRole::Unknown("tool".into())));
}

#[test]
fn answers_of_openai_compatible_servers_decode() {
    // openai-python's own types write `null` for absent lists; LiteLLM, llama-cpp-python and
    // mock servers built on them send exactly this.
    let body = json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000.25, "model": "local",
        "choices": [{"message": {"role": "assistant", "content": "hi", "tool_calls": null,
            "annotations": null, "function_call": null, "audio": null}, "logprobs": null}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    });
    let typed: ChatResponse = serde_json::from_value(body).unwrap();
    assert_eq!(typed.created, Some(1_700_000_000), "a float `created` is read as the integer it means");
    assert_eq!(typed.choices[0].index, None, "no index was sent");
    assert!(typed.choices[0].message.tool_calls.is_empty() && typed.choices[0].message.annotations.is_empty());
    assert_eq!(typed.text().unwrap(), "hi");

    let chunk = json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "local",
        "choices": [{"delta": {"content": "hi", "tool_calls": null}}]});
    let typed: ChatStreamChunk = serde_json::from_value(chunk).unwrap();
    assert_eq!((typed.created, typed.choices[0].index, &typed.choices[0].finish_reason), (None, None, &None));
}

/// The generated structs decode with the crate's own decoder (not serde's derive): the rules a
/// JSON object meets are the derive's, checked here from both inputs a decoder sees (bytes, and
/// a `Value`, as inside unions).
#[test]
fn generated_structs_decode_objects_as_serde_derive_would() {
    fn both(json: &str) -> (Result<ChatUsage, String>, Result<ChatUsage, String>) {
        let from_bytes = serde_json::from_str::<ChatUsage>(json).map_err(|e| e.to_string());
        let value: Value = serde_json::from_str(json).unwrap();
        (from_bytes, serde_json::from_value::<ChatUsage>(value).map_err(|e| e.to_string()))
    }
    // Keys in any order, escaped keys, unknown keys skipped (objects and arrays among them).
    let (usage, same) = both(
        r#"{"total_tokens": 15, "unknown": {"a": [1, {"b": null}]}, "prompt_\u0074okens": 12,
            "completion_tokens": 3, "cost": "0.00042", "prompt_tokens_details": {"cached_tokens": 8}}"#,
    );
    let usage = usage.unwrap();
    assert_eq!(usage, same.unwrap());
    assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.total_tokens), (12, 3, 15));
    assert_eq!(usage.cost, Some(0.00042), "a numeric string is its number (the lenient seed ran)");
    assert_eq!(usage.prompt_tokens_details.unwrap().cached_tokens, Some(8));
    // Missing optional fields are `None`, explicit nulls too.
    assert_eq!((usage.is_byok, usage.cost_details, usage.completion_tokens_details), (None, None, None));

    // A missing required field and a value that does not fit are errors, with the derive's
    // messages, from either input; so is a duplicate field (bytes only: a `Value` keeps one).
    let duplicate = r#"{"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3, "total_tokens": 3}"#;
    let error = serde_json::from_str::<ChatUsage>(duplicate).unwrap_err().to_string();
    assert!(error.contains("duplicate field `total_tokens`"), "{error}");
    for (json, expected) in [
        (r#"{"prompt_tokens": 1, "completion_tokens": 2}"#, "missing field `total_tokens`"),
        (r#"{"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3.5}"#, "3.5"),
        (r#"[1, 2, 3]"#, "invalid type: sequence, expected struct ChatUsage"),
        (r#""usage""#, "invalid type: string \"usage\", expected struct ChatUsage"),
    ] {
        let (from_bytes, from_value) = both(json);
        for error in [from_bytes.unwrap_err(), from_value.unwrap_err()] {
            assert!(error.contains(expected), "{json}: {error}");
        }
    }

    // typify's `Option::deserialize` field (here with `default`): `null` and missing are `None`,
    // a value is kept and must fit (it is not dropped as a lenient field would be).
    let logprobs = |content: &str| serde_json::from_str::<ChatTokenLogprobs>(&format!("{{{content}}}"));
    assert_eq!(logprobs(r#""content": null"#).unwrap().content, None);
    assert_eq!(logprobs("").unwrap().content, None);
    let kept = logprobs(r#""content": [{"token": "a", "logprob": -0.5, "bytes": null, "top_logprobs": []}]"#);
    assert_eq!(kept.unwrap().content.unwrap()[0].token, "a");
    assert!(logprobs(r#""content": "a""#).is_err());

    // A required field that is `null` is an error, not a default.
    let mut nulled = response();
    nulled["model"] = Value::Null;
    let error = serde_json::from_value::<ChatResponse>(nulled).unwrap_err().to_string();
    assert!(error.contains("invalid type: null"), "{error}");
}

/// The generated enums of known values decode with the crate's own decoder too: the value, or
/// the derive's errors (the unknown value with the known ones, or the wrong type).
#[test]
fn generated_enums_decode_their_values_as_serde_derive_would() {
    for (json, expected) in
        [(r#""stop""#, KnownChatFinishReason::Stop), (r#""tool_calls""#, KnownChatFinishReason::ToolCalls)]
    {
        assert_eq!(serde_json::from_str::<KnownChatFinishReason>(json).unwrap(), expected);
        let value: Value = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::from_value::<KnownChatFinishReason>(value).unwrap(), expected);
    }
    let error = serde_json::from_str::<KnownChatFinishReason>(r#""halted""#).unwrap_err().to_string();
    assert!(error.starts_with("unknown variant `halted`, expected one of `tool_calls`, `stop`"), "{error}");
    let error = serde_json::from_value::<KnownChatFinishReason>(json!(5)).unwrap_err().to_string();
    assert!(error.contains("invalid type: integer `5`, expected variant identifier"), "{error}");
    // The open enum over it keeps a value it does not know.
    let reason: ChatFinishReason = serde_json::from_str(r#""halted""#).unwrap();
    assert_eq!(reason, ChatFinishReason::Unknown("halted".into()));
}

/// Every path of `value` (object members and list elements), as JSON pointers.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (format!("{at}/{k}"), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (format!("{at}/{i}"), v)).collect(),
        _ => return,
    };
    for (pointer, child) in children {
        out.push(pointer.clone());
        pointers(child, pointer, out);
    }
}

/// Values real servers send where the spec says otherwise, and values that fit.
fn odd_value() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (0u32..100).prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        Just(json!(9.0)),
        Just(json!(1e300)),
        any::<u32>().prop_map(|n| json!(n.to_string())),
        Just(json!("0.0015")),
        Just(json!(" 12 ")),
        Just(json!("stop")),
        Just(json!("assistant")),
        Just(json!("x")),
        Just(json!([])),
        Just(json!([1, "a", null])),
        Just(json!({})),
        Just(json!({"cached_tokens": "3", "type": "reasoning.text"})),
    ]
}

/// `openrouter_bindings::decode` (the client's way: a fast pass, then the full rules if
/// something does not fit) against `serde_json::from_slice` (the full rules every time).
fn decoded_both_ways<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    match (openrouter_bindings::decode::<T>(body), serde_json::from_slice::<T>(body)) {
        (Ok(fast), Ok(full)) => assert_eq!(fast, full, "{text}"),
        (Err(fast), Err(full)) => assert!(fast.to_string().contains(&full.to_string()), "{fast} / {full}: {text}"),
        (fast, full) => panic!("fast: {fast:?}, full rules: {full:?}: {text}"),
    }
}

fn chunk() -> Value {
    json!({
        "id": "gen-1", "object": "chat.completion.chunk", "created": 1, "model": "m", "provider": "OpenAI",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hi", "reasoning": null,
            "tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            "finish_reason": "tool_calls", "native_finish_reason": "tool_use"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3, "cost": 0.1, "is_byok": false,
            "prompt_tokens_details": {"cached_tokens": 0}, "cost_details": {"upstream_inference_cost": 0.1}}
    })
}

proptest::proptest! {
    /// The fast pass never changes an answer: with one to three values anywhere in a response or
    /// a stream chunk replaced by odd ones, both ways give the same value, or both an error.
    #[test]
    fn the_fast_pass_gives_what_the_full_rules_give(
        edits in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), odd_value()), 1..4),
        is_chunk in proptest::prelude::any::<bool>(),
    ) {
        let mut value = if is_chunk { chunk() } else { response() };
        for (at, odd) in edits {
            let mut all = Vec::new();
            pointers(&value, String::new(), &mut all);
            let pointer: &String = at.get(&all);
            *value.pointer_mut(pointer).unwrap() = odd;
        }
        let body = serde_json::to_vec(&value).unwrap();
        if is_chunk {
            decoded_both_ways::<ChatStreamChunk>(&body);
        } else {
            decoded_both_ways::<ChatResponse>(&body);
        }
    }
}

#[test]
fn captured_stream_chunks_decode_the_same_both_ways() {
    let events = crate::common::fixture_events("");
    for (_, data) in &events {
        decoded_both_ways::<ChatStreamChunk>(data.as_bytes());
    }
    assert!(events.len() > 20, "only {} chunks read", events.len());
}
