//! What the loopback server sends, and what every client must read out of it.
//!
//! The bodies are shaped as OpenRouter sends them (WIRE.md): `provider`, `native_finish_reason`,
//! `cost` and other fields the peers do not model, keep-alive comments inside streams, a final
//! usage-only chunk, `[DONE]`.

/// The text, finish reason and token count a client must report for a workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub text: String,
    pub finish_reason: String,
    pub completion_tokens: u64,
}

/// A deterministic text of about `bytes` bytes with the escapes real output has (quotes,
/// newlines, non-ASCII, an emoji).
pub fn text_of(bytes: usize) -> String {
    const WORDS: [&str; 8] = ["Hello", " wörld", " 🌍", ", and", " \"then\"", " some", "\n", " naïve"];
    let mut text = String::with_capacity(bytes + 16);
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(WORDS[i % WORDS.len()]);
        i += 1;
    }
    text
}

/// A non-streaming chat completion whose content is `text`.
pub fn response(text: &str) -> (Vec<u8>, Outcome) {
    let body = serde_json::json!({
        "id": "gen-1732000000-abcdefghijkl",
        "provider": "Anthropic",
        "model": "anthropic/claude-sonnet-4",
        "object": "chat.completion",
        "created": 1732000000,
        "system_fingerprint": null,
        "choices": [{
            "index": 0,
            "logprobs": null,
            "finish_reason": "stop",
            "native_finish_reason": "end_turn",
            "message": { "role": "assistant", "content": text, "refusal": null, "reasoning": null }
        }],
        "usage": {
            "prompt_tokens": 14, "completion_tokens": 321, "total_tokens": 335, "cost": 0.0049,
            "is_byok": false,
            "prompt_tokens_details": { "cached_tokens": 0 },
            "completion_tokens_details": { "reasoning_tokens": 0 },
            "cost_details": { "upstream_inference_cost": null }
        }
    });
    let outcome = Outcome { text: text.to_owned(), finish_reason: "stop".into(), completion_tokens: 321 };
    (serde_json::to_vec(&body).unwrap(), outcome)
}

/// Every field the small response ([`response`]) carries, with plain serde derives and no
/// leniency: how much of the gap to the floor is decoding every field, and how much is the
/// crate's decoding rules (`examples/decode.rs`, and the `floor-all-fields` client).
#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct PlainResponse {
    pub id: String,
    pub provider: Option<String>,
    pub model: String,
    pub object: String,
    pub created: Option<u64>,
    pub system_fingerprint: Option<String>,
    pub choices: Vec<PlainChoice>,
    pub usage: Option<PlainUsage>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct PlainChoice {
    pub index: Option<u32>,
    pub logprobs: Option<serde_json::Value>,
    pub finish_reason: Option<String>,
    pub native_finish_reason: Option<String>,
    pub message: PlainMessage,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct PlainMessage {
    pub role: String,
    pub content: Option<String>,
    pub refusal: Option<String>,
    pub reasoning: Option<String>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct PlainUsage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    pub cost: Option<f64>,
    pub is_byok: Option<bool>,
    pub prompt_tokens_details: Option<PlainCached>,
    pub completion_tokens_details: Option<PlainReasoning>,
    pub cost_details: Option<PlainCostDetails>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct PlainCached {
    pub cached_tokens: Option<u64>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct PlainReasoning {
    pub reasoning_tokens: Option<u64>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct PlainCostDetails {
    pub upstream_inference_cost: Option<f64>,
}

/// An SSE transcript of `chunks` content deltas, then a finish chunk and a usage chunk.
pub fn stream(chunks: usize) -> (Vec<u8>, Outcome) {
    const PIECES: [&str; 6] = ["Hello", " wörld", " 🌍", ", and", " \"then\"", " some\n"];
    let head = r#""id":"gen-1732000000-abcdefghijkl","object":"chat.completion.chunk","created":1732000000,"model":"anthropic/claude-sonnet-4","provider":"Anthropic""#;
    let mut body = String::from(": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n");
    let mut text = String::new();
    for i in 0..chunks {
        let piece = PIECES[i % PIECES.len()];
        text.push_str(piece);
        let piece = serde_json::to_string(piece).unwrap();
        body.push_str(&format!(
            "data: {{{head},\"choices\":[{{\"index\":0,\"delta\":{{\"role\":\"assistant\",\"content\":{piece}}},\"finish_reason\":null,\"native_finish_reason\":null,\"logprobs\":null}}]}}\n\n"
        ));
        if i % 500 == 499 {
            body.push_str(": OPENROUTER PROCESSING\n\n");
        }
    }
    body.push_str(&format!("data: {{{head},\"choices\":[{{\"index\":0,\"delta\":{{\"role\":\"assistant\",\"content\":\"\"}},\"finish_reason\":\"stop\",\"native_finish_reason\":\"end_turn\",\"logprobs\":null}}]}}\n\n"));
    body.push_str(&format!("data: {{{head},\"choices\":[],\"usage\":{{\"prompt_tokens\":14,\"completion_tokens\":{chunks},\"total_tokens\":{},\"cost\":0.3,\"is_byok\":false}}}}\n\n", chunks + 14));
    body.push_str("data: [DONE]\n\n");
    let outcome = Outcome { text, finish_reason: "stop".into(), completion_tokens: chunks as u64 };
    (body.into_bytes(), outcome)
}

/// What the Responses floor reads of an event: its type and, for a text delta, the text.
#[derive(serde::Deserialize)]
pub struct FloorEvent<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    pub delta: Option<std::borrow::Cow<'a, str>>,
}
