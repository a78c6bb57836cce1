//! Entry points for the fuzz targets (feature `fuzzing`, not a public API): each takes arbitrary
//! bytes the way a hostile server would send them, and must never panic.

use crate::{
    Error,
    events::{Progress, StreamEvent, read_cut, read_cut_to_end},
};

/// Reads `bytes`, cut at `cuts`, as a stream of `T` both ways, and returns the typed reading's
/// result: the events it yielded, assembled by the event type's accumulator with `finish`, or the
/// stream's error.
///
/// The whole-stream reading (`collect_response`, which reads text events for their text alone)
/// gives the same, response or error, except where the typed reading fails to decode an event: a
/// text event with an odd field the whole-stream reading never reads (a delta without its
/// `item_id`, say) does not fail it. A difference panics.
fn both_readings<T: StreamEvent, R: std::fmt::Debug>(
    bytes: &[u8],
    cuts: &[usize],
    finish: fn(T::Progress) -> Result<R, Error>,
) -> Result<R, Error> {
    let (events, error) = read_cut::<T>(bytes, cuts);
    // The accumulators' `Progress::push` is their public `push`, plus the error it reports.
    let mut all = T::Progress::default();
    for event in &events {
        drop(all.push(event));
    }
    let typed = match error {
        Some(error) => Err(error),
        None => finish(all),
    };
    let whole = read_cut_to_end::<T>(bytes, cuts).and_then(finish);
    if !matches!(typed, Err(Error::Decode { .. })) {
        assert_eq!(format!("{whole:?}"), format!("{typed:?}"), "the whole-stream reading differs from the typed one");
    }
    typed
}

/// Feeds `bytes`, cut at `cuts`, to a [`crate::ChatStream`] and reads it to the end; then
/// assembles what it yielded. The whole-stream reading must agree ([`both_readings`]).
pub fn stream(bytes: &[u8], cuts: &[usize]) {
    let _ = both_readings::<crate::types::ChatStreamChunk, _>(bytes, cuts, crate::ChatStreamAccumulator::finish);
}

/// Feeds `bytes`, cut at `cuts`, to a Responses API event stream, and assembles what it yielded.
/// The whole-stream reading (`collect_response`) must agree ([`both_readings`]).
#[cfg(feature = "responses")]
pub fn responses_stream(bytes: &[u8], cuts: &[usize]) {
    let typed = both_readings::<crate::types::StreamEvents, _>(bytes, cuts, crate::ResponsesAccumulator::finish);
    if let Ok(response) = typed {
        let _ = (response.output_text(), response.function_calls(), response.reasoning());
    }
}

/// Feeds `bytes`, cut at `cuts`, to a Messages API event stream, and assembles what it yielded.
/// The whole-stream reading (`collect_message`) must agree ([`both_readings`]).
#[cfg(feature = "messages")]
pub fn messages_stream(bytes: &[u8], cuts: &[usize]) {
    let typed = both_readings::<crate::types::MessagesStreamEvents, _>(bytes, cuts, crate::MessagesAccumulator::finish);
    if let Ok(message) = typed {
        let _ = (message.text(), message.thinking(), message.tool_uses());
    }
}

/// Decodes `bytes` as a response body with `status`: a completion, an error envelope, anything.
pub fn response(status: u16, bytes: &[u8]) {
    match crate::client::decode_answer::<crate::types::ChatResponse>(status, bytes) {
        Ok((_, response)) => {
            let _ = response.text();
            let _ = response.parse::<serde_json::Value>();
            for call in response.tool_calls() {
                let _ = call.arguments::<serde_json::Value>();
            }
        }
        Err(error) => drop(error.to_string()),
    }
    let error = crate::error::ApiError::from_body(status, bytes);
    let _ = (error.to_string(), error.moderation(), error.error_type(), error.provider_name(), error.code());
}

/// How many bodies this thread has decoded a second time, with the full decoding rules, because a
/// field did not fit the fast pass. For tests that the traffic real servers send stays on the fast
/// pass.
pub fn full_passes() -> u64 {
    crate::lenient::full_passes()
}

/// The fast regression form of the fuzz targets: random inputs, plus every saved fuzz input.
#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// Inputs the fuzzers found or were seeded with (`fuzz/regressions/<target>/`).
    fn saved(target: &str) -> Vec<Vec<u8>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| std::fs::read(e.path()).unwrap())
            .collect()
    }

    #[test]
    fn saved_inputs_do_not_panic() {
        for input in saved("stream") {
            super::stream(&input, &[1, 7, 64]);
        }
        for input in saved("response") {
            super::response(200, &input);
            super::response(503, &input);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_stream_bytes_do_not_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
            super::stream(&bytes, &cuts);
        }

        #[test]
        fn sse_shaped_input_does_not_panic(events in proptest::collection::vec(("(data|:|data:|event|id)", "[ -~\u{e9}\u{1F30D}]{0,40}", "(\n|\r\n|\r|\n\n)"), 0..20)) {
            let text: String = events.iter().map(|(f, v, end)| format!("{f} {v}{end}")).collect();
            super::stream(text.as_bytes(), &[3, 11]);
        }

        #[test]
        fn arbitrary_bodies_do_not_panic(status in 100u16..600, bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            super::response(status, &bytes);
        }

        #[test]
        fn json_shaped_bodies_do_not_panic(body in json_value(3)) {
            super::response(200, body.to_string().as_bytes());
            super::response(429, serde_json::json!({"error": body}).to_string().as_bytes());
            let chunk = serde_json::json!({"id": "g", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [{"index": 0, "delta": body}]});
            super::stream(format!("data: {chunk}\n\n").as_bytes(), &[]);
            // After a first chunk, where the whole-stream reading may read a chunk for its text
            // alone: the random value as the delta, as the choice, and as the chunk's members.
            let first = r#"data: {"id":"g","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}"#;
            let choice = serde_json::json!({"id": "g", "object": "x", "model": "m", "choices": [body.clone()]});
            let mut members = serde_json::json!({"id": "g", "object": "x", "model": "m", "choices": [{"index": 0, "delta": {"content": "b"}}]});
            if let (Some(members), serde_json::Value::Object(more)) = (members.as_object_mut(), &body) {
                members.extend(more.clone());
            }
            for later in [chunk, choice, members] {
                super::stream(format!("{first}\n\ndata: {later}\n\ndata: [DONE]\n\n").as_bytes(), &[5]);
            }
        }
    }

    fn json_value(depth: u32) -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
            "[a-z_ ]{0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(depth, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                proptest::collection::btree_map(
                    "(id|choices|message|content|error|code|type|usage|index|role|tool_calls|metadata)",
                    inner,
                    0..5
                )
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
