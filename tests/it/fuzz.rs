//! The regression form of the Responses and Messages stream fuzz targets (`fuzz/`): every saved
//! input, and event-shaped random input, decoded and assembled without a panic. Needs
//! `--features full` (the chat targets' regression form is in `src/fuzzing.rs`).
#![cfg(all(feature = "responses", feature = "messages"))]

use openrouter_bindings::{
    StreamEvent,
    fuzzing::{messages_stream, responses_stream},
    types::{MessagesStreamEvents, StreamEvents},
};
use proptest::prelude::*;

fn saved(target: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let inputs: Vec<Vec<u8>> =
        std::fs::read_dir(dir).unwrap().map(|e| std::fs::read(e.unwrap().path()).unwrap()).collect();
    assert!(!inputs.is_empty(), "no saved inputs for {target}");
    inputs
}

#[test]
fn saved_inputs_do_not_panic() {
    for input in saved("responses_stream") {
        for cuts in [&[][..], &[1, 7, 64], &[3, 4, 5, 200]] {
            responses_stream(&input, cuts);
        }
    }
    for input in saved("messages_stream") {
        for cuts in [&[][..], &[1, 7, 64], &[3, 4, 5, 200]] {
            messages_stream(&input, cuts);
        }
    }
}

/// The decoder's way by `type` gives what serde's untagged decoding gives, except that an event
/// whose type decides it is an error where the untagged decoding would keep it as `Unknown`.
fn same_decoding(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match (<StreamEvents as StreamEvent>::decode(data), serde_json::from_slice::<StreamEvents>(data)) {
        (Ok(by_type), generic) => assert_eq!(Some(by_type), generic.ok(), "{text}"),
        (Err(_), Ok(StreamEvents::Unknown(fields))) => {
            assert!(fields["type"].as_str().is_some_and(|t| t.starts_with("response.")), "{text}")
        }
        (Err(_), generic) => assert!(generic.is_err(), "{text}"),
    }
    match (<MessagesStreamEvents as StreamEvent>::decode(data), serde_json::from_slice::<MessagesStreamEvents>(data)) {
        (Ok(by_type), generic) => assert_eq!(Some(by_type), generic.ok(), "{text}"),
        (Err(_), Ok(MessagesStreamEvents::Unknown(fields))) => {
            assert!(
                fields["type"].as_str().is_some_and(|t| t.starts_with("message_") || t.starts_with("content_block_")),
                "{text}"
            )
        }
        (Err(_), generic) => assert!(generic.is_err(), "{text}"),
    }
}

#[test]
fn the_fast_decoding_path_agrees_with_the_generic_one_on_every_saved_event() {
    let mut seen = 0;
    for input in saved("responses_stream").into_iter().chain(saved("messages_stream")) {
        for line in input.split(|&b| b == b'\n') {
            if let Some(data) = line.strip_prefix(b"data: ") {
                same_decoding(data);
                seen += 1;
            }
        }
    }
    assert!(seen > 50, "{seen}");
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[a-z_ {}\"]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(
                "(id|type|text|delta|partial_json|index|usage|output|content|error|message|response|arguments)",
                inner,
                0..5
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn event_shaped_input_does_not_panic(
        body in json_value(),
        kind in "(response\\.[a-z_.]{0,24}|response\\.(output_text|reasoning_text|reasoning_summary_text|function_call_arguments)\\.delta|message_(start|delta|stop)|content_block_(start|delta|stop)|error|ping)",
        index in 0u64..4,
    ) {
        let mut event = serde_json::json!({"type": kind, "index": index});
        for key in ["delta", "response", "message", "content_block", "item", "error", "item_id", "output_index"] {
            event[key] = body.clone();
        }
        same_decoding(event.to_string().as_bytes());
        let text = format!("event: x\ndata: {event}\n\ndata: {event}\n\n");
        responses_stream(text.as_bytes(), &[5]);
        messages_stream(text.as_bytes(), &[5]);
        // With `type` first, as servers write it: where the type is read off the first bytes and
        // `collect_response` reads a text delta for its text alone.
        let mut rest = event.clone();
        rest.as_object_mut().unwrap().remove("type");
        let leading = format!("{{\"type\":\"{kind}\",{}", &rest.to_string()[1..]);
        same_decoding(leading.as_bytes());
        let text = format!("data: {leading}\n\ndata: {leading}\n\n");
        responses_stream(text.as_bytes(), &[5]);
        messages_stream(text.as_bytes(), &[5]);
    }

    #[test]
    fn arbitrary_bytes_do_not_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
        responses_stream(&bytes, &cuts);
        messages_stream(&bytes, &cuts);
    }
}

/// Every event of the stream fixtures (in the shapes OpenRouter, OpenAI and Anthropic send) that
/// decodes, decodes in the fast pass alone: none is read a second time by the full rules. (A body
/// that does not decode at all, a cut event, is read again for its error, by design.)
#[test]
fn the_fixtures_events_decode_in_the_fast_pass() {
    use openrouter_bindings::{fuzzing::full_passes, types::ChatStreamChunk};
    let mut again = Vec::new();
    let mut seen = 0;
    for (dir, kind) in [("", "chat"), ("responses", "responses"), ("messages", "messages")] {
        for (file, data) in crate::common::fixture_events(dir) {
            let before = full_passes();
            let decoded = match kind {
                "chat" => <ChatStreamChunk as StreamEvent>::decode(data.as_bytes()).is_ok(),
                "responses" => <StreamEvents as StreamEvent>::decode(data.as_bytes()).is_ok(),
                _ => <MessagesStreamEvents as StreamEvent>::decode(data.as_bytes()).is_ok(),
            };
            seen += usize::from(decoded);
            if decoded && full_passes() != before {
                again.push(format!("{dir}/{file}: {data}"));
            }
        }
    }
    assert!(seen > 60, "{seen}");
    assert!(again.is_empty(), "read again by the full rules:\n{}", again.join("\n"));
}
