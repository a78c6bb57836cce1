//! The table of upstream mistakes and omissions, as data.
//!
//! Each fix names the spot it targets (a JSON pointer into the page's spec, upstream names), says
//! why, and checks a precondition first: when upstream changes that spot (fixes the mistake, moves
//! the schema), the build fails naming the fix, so the entry is retired or updated instead of
//! silently rotting. Shapes come from `shared/WIRE.md` and OpenRouter's full OpenAPI document.

use serde_json::{Map, Value, json};

use crate::Error;

/// One upstream mistake and its repair.
pub struct Fix {
    /// A short name, used in build errors.
    pub name: &'static str,
    /// Why the fix exists: what upstream gets wrong, and where the right shape comes from.
    pub reason: &'static str,
    /// JSON pointer to the spot the fix changes.
    pub target: &'static str,
    /// The change.
    pub change: Change,
}

/// What a fix does at its target. Each kind carries its own precondition.
pub enum Change {
    /// Adds properties (JSON object text) to the object schema at the target; none may exist yet.
    AddProperties(&'static str),
    /// Adds values to the enum at the target; none may exist yet.
    AddEnumValues(&'static [&'static str]),
    /// Adds entries (JSON object text) to the map at the target; none may exist yet.
    AddEntries(&'static str),
    /// Replaces the union branch whose `description` is the first string by a `$ref` to the
    /// schema named by the second; the branch must still lack the property named by the third.
    BranchToRef(&'static [(&'static str, &'static str, &'static str)]),
    /// Replaces the schema at the target by `with`, while the value at the pointer `when.0`
    /// (relative to the target) is still the string `when.1`.
    Replace { when: (&'static str, &'static str), with: &'static str },
    /// Takes properties out of the object schema's `required` list: real servers leave them out.
    /// The schema must still be there, and once upstream requires none of those it has, the fix
    /// fails the build (retire it); properties an older spec does not have need nothing. The
    /// generated field becomes an `Option`: nothing is invented for a value the server did not
    /// send.
    Unrequire(&'static [&'static str]),
    /// The change, where the target exists: for a schema that earlier specs did not have yet
    /// (the history replay builds them), which then needs nothing.
    WherePresent(&'static Change),
}

/// Every fix the published spec needs, applied in order.
///
/// Re-derived against the published spec of 2026-08-22: of the docs page's 19 fixes, 12 are
/// retired (it has the error statuses, the required body, cost accounting, the enum values, the
/// video parts); these remain, with the chunk's error now a replacement.
pub const FIXES: &[Fix] = &[
    Fix {
        name: "response-provider",
        reason: "OpenRouter sends `provider` on every response and chunk, but the spec lacks it (WIRE.md sections 2 and 6)",
        target: "/components/schemas/ChatResult",
        change: Change::AddProperties(PROVIDER),
    },
    Fix {
        name: "chunk-provider",
        reason: "the same `provider` on every stream chunk (WIRE.md section 3)",
        target: "/components/schemas/ChatStreamChunk",
        change: Change::AddProperties(PROVIDER),
    },
    Fix {
        name: "chunk-error-string-codes",
        reason: "a mid-stream error's `code` is a number or a string (`\"server_error\"`), and its metadata varies by \
                 provider (WIRE.md section 3); the spec's integer-only `code` would cost the user the error itself",
        target: "/components/schemas/ChatStreamChunk/properties/error",
        change: Change::Replace {
            when: ("/properties/code/type", "integer"),
            with: r##"{"allOf": [{"$ref": "#/components/schemas/ErrorBody"}], "description": "A mid-stream error; the stream ends after this chunk."}"##,
        },
    },
    Fix {
        name: "choice-fields",
        reason: "choices carry the provider's raw finish reason and, on a 200, a provider error (WIRE.md section 2)",
        target: "/components/schemas/ChatChoice",
        change: Change::AddProperties(CHOICE_FIELDS),
    },
    Fix {
        name: "stream-choice-fields",
        reason: "the same two fields on a streamed choice (WIRE.md section 3)",
        target: "/components/schemas/ChatStreamChoice",
        change: Change::AddProperties(CHOICE_FIELDS),
    },
    Fix {
        name: "message-annotations",
        reason: "assistant messages carry web-search citations the spec lacks (WIRE.md section 2)",
        target: "/components/schemas/ChatAssistantMessage",
        change: Change::AddProperties(
            r##"{"annotations": {"type": "array", "items": {"$ref": "#/components/schemas/Annotation"}, "description": "Citations, e.g. from the web plugin."}}"##,
        ),
    },
    Fix {
        name: "delta-annotations-images",
        reason: "stream deltas carry the same annotations and generated images as the message they build (WIRE.md section 3)",
        target: "/components/schemas/ChatStreamDelta",
        change: Change::AddProperties(
            r##"{
            "annotations": {"type": "array", "items": {"$ref": "#/components/schemas/Annotation"}, "description": "Citations, e.g. from the web plugin."},
            "images": {"allOf": [{"$ref": "#/components/schemas/ChatAssistantImages"}], "description": "Generated images."}
        }"##,
        ),
    },
    Fix {
        name: "annotation-schema",
        reason: "the schema for `annotations` items, from the web-search docs (url_citation) and the PDF docs \
                 (file, as OpenRouter's own example shows it) (WIRE.md section 2)",
        target: "/components/schemas",
        change: Change::AddEntries(ANNOTATION),
    },
    Fix {
        name: "image-tokens",
        reason: "the docs' usage type counts image output tokens (WIRE.md section 2)",
        target: "/components/schemas/ChatUsage/properties/completion_tokens_details",
        change: Change::AddProperties(r#"{"image_tokens": {"type": "integer", "format": "uint64", "nullable": true}}"#),
    },
    Fix {
        name: "reasoning-options",
        reason: "the reasoning docs document `max_tokens`, `exclude` and `enabled` (WIRE.md section 6, item 7)",
        target: "/components/schemas/ChatRequest/properties/reasoning",
        change: Change::AddProperties(REASONING_OPTIONS),
    },
    Fix {
        name: "servers-omit-choice-index",
        reason: "OpenRouter's own documented answers (the PDF example) and OpenAI-compatible servers send choices \
                 without `index`; required, the whole answer would fail",
        target: "/components/schemas/ChatChoice",
        change: Change::Unrequire(&["index"]),
    },
    Fix {
        name: "servers-omit-stream-choice-index",
        reason: "the same for streamed choices (tests/it/serde_shapes.rs, answers_of_openai_compatible_servers_decode)",
        target: "/components/schemas/ChatStreamChoice",
        change: Change::Unrequire(&["index"]),
    },
    Fix {
        name: "servers-omit-chunk-created",
        reason: "OpenAI-compatible servers (llama.cpp, mock servers) send chunks without `created`",
        target: "/components/schemas/ChatStreamChunk",
        change: Change::Unrequire(&["created"]),
    },
    Fix {
        name: "servers-omit-created",
        reason: "a response assembled from such chunks has no `created` either; required, the paid answer \
                 would be lost at the end of its stream",
        target: "/components/schemas/ChatResult",
        change: Change::Unrequire(&["created"]),
    },
    Fix {
        name: "servers-omit-model-list-fields",
        reason: "`total_count` and `links` are recent OpenRouter additions: earlier answers and every \
                 OpenAI-compatible `/models` lack them, and a list that decodes loses no model",
        target: "/components/schemas/ModelsListResponse",
        change: Change::Unrequire(&["total_count", "links"]),
    },
    Fix {
        name: "servers-omit-cost-split",
        reason: "OpenRouter's answers send `cost_details: {\"upstream_inference_cost\": null}` alone (WIRE.md \
                 section 2, usage); with the prompt and completion split required, every such answer would fail",
        target: "/components/schemas/CostDetails",
        change: Change::Unrequire(&["upstream_inference_prompt_cost", "upstream_inference_completions_cost"]),
    },
    Fix {
        name: "servers-omit-responses-fields",
        reason: "servers that leave nulls and defaults out (LiteLLM) and OpenRouter's own documented examples send \
                 Responses results without these; openai-python reads them. `id`, `created_at`, `model` and \
                 `output` stay required",
        target: "/components/schemas/OpenResponsesResult",
        change: Change::Unrequire(&[
            "object",
            "status",
            "error",
            "incomplete_details",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
        ]),
    },
    Fix {
        name: "messages-delta-cost",
        reason: "OpenRouter sends the cost of a streamed Messages answer in `message_delta.usage` (`cost`, \
                 `is_byok`, `cost_details`, as the non-streamed `MessagesResult.usage` has them); without them a \
                 streamed answer has no cost",
        target: "/components/schemas/MessagesDeltaEvent/properties/usage",
        change: Change::AddProperties(
            r##"{
            "cost": {"type": "number", "format": "double", "nullable": true, "description": "What the request cost, in credits (USD)."},
            "is_byok": {"type": "boolean", "description": "Whether the request used your own provider key (BYOK)."},
            "cost_details": {"$ref": "#/components/schemas/CostDetails"}
        }"##,
        ),
    },
    Fix {
        name: "image-links",
        reason: "providers answer with a link to the image instead of its bytes (OpenAI's `url`, with \
                 `response_format: url`); with `b64_json` required, such an image would be lost",
        target: "/components/schemas/ImageGenerationResponse/properties/data/items",
        change: Change::WherePresent(&Change::Unrequire(&["b64_json"])),
    },
    Fix {
        name: "image-url",
        reason: "the same: the link's property",
        target: "/components/schemas/ImageGenerationResponse/properties/data/items",
        change: Change::WherePresent(&Change::AddProperties(
            r#"{"url": {"type": "string", "description": "A link to the image (fetched without the API key)."}}"#,
        )),
    },
];

const PROVIDER: &str = r#"{"provider": {"type": "string", "description": "The upstream provider that served the request, e.g. `OpenAI`."}}"#;

const CHOICE_FIELDS: &str = r##"{
    "native_finish_reason": {"type": "string", "nullable": true, "description": "The provider's own finish reason, e.g. `end_turn` or `MAX_TOKENS`."},
    "error": {"allOf": [{"$ref": "#/components/schemas/ErrorBody"}], "description": "Set when the provider failed mid-generation; `finish_reason` is then `error`."}
}"##;

const ANNOTATION: &str = r##"{
            "Annotation": {
                "description": "An annotation attached to the answer: a citation, or a parsed file.",
                "oneOf": [
                    {"$ref": "#/components/schemas/UrlCitationAnnotation"},
                    {"$ref": "#/components/schemas/FileAnnotation"}
                ]
            },
            "UrlCitationAnnotation": {
                "type": "object",
                "description": "A citation of a web page.",
                "properties": {
                    "type": {"type": "string", "enum": ["url_citation"]},
                    "url_citation": {
                        "type": "object", "title": "UrlCitation",
                        "properties": {
                            "url": {"type": "string"}, "title": {"type": "string"}, "content": {"type": "string"},
                            "start_index": {"type": "integer", "format": "uint32"}, "end_index": {"type": "integer", "format": "uint32"}
                        },
                        "required": ["url"]
                    }
                },
                "required": ["type", "url_citation"]
            },
            "FileAnnotation": {
                "type": "object",
                "description": "A file (a PDF) as parsed for the model; send it back to skip parsing it again.",
                "properties": {
                    "type": {"type": "string", "enum": ["file"]},
                    "file": {
                        "type": "object", "title": "ParsedFile",
                        "properties": {
                            "hash": {"type": "string"}, "name": {"type": "string"},
                            "content": {"type": "array", "items": {}}
                        },
                        "required": ["hash"]
                    }
                },
                "required": ["type", "file"]
            }
        }"##;

const REASONING_OPTIONS: &str = r#"{
    "max_tokens": {"type": "integer", "format": "uint64", "nullable": true, "description": "A token budget for reasoning (models that take one)."},
    "exclude": {"type": "boolean", "nullable": true, "description": "Reason, but leave the reasoning out of the response."},
    "enabled": {"type": "boolean", "nullable": true, "description": "Turn reasoning on at the default effort."}
}"#;

/// Every fix the docs page needs, applied in order.
pub const PAGE_FIXES: &[Fix] = &[
    Fix {
        name: "video-parts-lost-video-url",
        reason: "the inline `input_video` and `video_url` content-part variants lost their `video_url` property; \
                 the page's own ChatMessageContentItemVideo0/1 schemas have it",
        target: "/components/schemas/ChatMessageContentItem/oneOf",
        change: Change::BranchToRef(&[
            ("input_video variant", "ChatMessageContentItemVideo0", "video_url"),
            ("video_url variant", "ChatMessageContentItemVideo1", "video_url"),
        ]),
    },
    Fix {
        name: "request-body-required",
        reason: "the request body (with its required `messages`) is not marked required; Prism then skips validating it",
        target: "/paths/~1chat~1completions/post/requestBody",
        change: Change::AddEntries(r#"{"required": true}"#),
    },
    Fix {
        name: "error-statuses",
        reason: "the page lists only 400, 401, 429 and 500, with no body; OpenRouter also answers these (WIRE.md section 4)",
        target: "/paths/~1chat~1completions/post/responses",
        change: Change::AddEntries(
            r#"{
            "402": {"description": "Payment required: insufficient credits"},
            "403": {"description": "Forbidden: moderation or guardrail block"},
            "404": {"description": "Not found: no such model or endpoint"},
            "408": {"description": "Request timed out"},
            "413": {"description": "Payload too large"},
            "422": {"description": "Unprocessable request"},
            "502": {"description": "The model is down or returned an invalid response"},
            "503": {"description": "No available provider meets the routing requirements"},
            "524": {"description": "The provider timed out at the edge"},
            "529": {"description": "The provider is overloaded"}
        }"#,
        ),
    },
    Fix {
        name: "stream-chunk",
        reason: "the page has no schema for the SSE chunk (`chat.completion.chunk`); shape from ChatStreamChunk in \
                 OpenRouter's full OpenAPI document plus WIRE.md section 3 (provider, native_finish_reason, string codes)",
        target: "/components/schemas",
        change: Change::AddEntries(STREAM_CHUNK),
    },
    Fix {
        name: "response-fields",
        reason: "OpenRouter sends `provider` on every response, but the page lacks it (WIRE.md sections 2 and 6)",
        target: "/components/schemas/ChatResponse",
        change: Change::AddProperties(
            r#"{
            "provider": {"type": "string", "description": "The upstream provider that served the request, e.g. `OpenAI`."},
            "service_tier": {"type": "string", "nullable": true, "description": "The service tier the upstream provider used."}
        }"#,
        ),
    },
    Fix {
        name: "choice-fields",
        reason: "choices carry the provider's raw finish reason and, on a 200, a provider error (WIRE.md section 2)",
        target: "/components/schemas/ChatResponseChoice",
        change: Change::AddProperties(
            r##"{
            "native_finish_reason": {"type": "string", "nullable": true, "description": "The provider's own finish reason, e.g. `end_turn` or `MAX_TOKENS`."},
            "error": {"allOf": [{"$ref": "#/components/schemas/ErrorBody"}], "description": "Set when the provider failed mid-generation; `finish_reason` is then `error`."}
        }"##,
        ),
    },
    Fix {
        name: "usage-cost",
        reason: "usage carries cost accounting the page lacks (WIRE.md section 2, OpenRouter's ChatUsage)",
        target: "/components/schemas/ChatGenerationTokenUsage",
        change: Change::AddProperties(
            r#"{
            "cost": {"type": "number", "format": "double", "nullable": true, "description": "What the request cost, in credits (USD)."},
            "is_byok": {"type": "boolean", "description": "Whether the request used your own provider key (BYOK)."},
            "cost_details": {
                "type": "object", "nullable": true, "title": "CostDetails",
                "description": "How the cost splits; with BYOK, `upstream_inference_cost` is what the provider charged.",
                "properties": {
                    "upstream_inference_cost": {"type": "number", "format": "double", "nullable": true},
                    "upstream_inference_prompt_cost": {"type": "number", "format": "double", "nullable": true},
                    "upstream_inference_completions_cost": {"type": "number", "format": "double", "nullable": true}
                }
            },
            "server_tool_use_details": {
                "type": "object", "nullable": true, "title": "ServerToolUseDetails",
                "description": "Server-side tool use (web search, ...) counted for this request.",
                "properties": {
                    "web_search_requests": {"type": "integer", "format": "uint64", "nullable": true},
                    "tool_calls_requested": {"type": "integer", "format": "uint64", "nullable": true},
                    "tool_calls_executed": {"type": "integer", "format": "uint64", "nullable": true}
                }
            }
        }"#,
        ),
    },
    Fix {
        name: "image-tokens",
        reason: "the docs' usage type counts image output tokens (WIRE.md section 2)",
        target: "/components/schemas/ChatGenerationTokenUsageCompletionTokensDetails",
        change: Change::AddProperties(r#"{"image_tokens": {"type": "integer", "format": "uint64", "nullable": true}}"#),
    },
    Fix {
        name: "message-annotations",
        reason: "assistant messages carry web-search citations and audio output the page lacks (WIRE.md section 2)",
        target: "/components/schemas/AssistantMessage",
        change: Change::AddProperties(
            r##"{
            "annotations": {"type": "array", "items": {"$ref": "#/components/schemas/Annotation"}, "description": "Citations, e.g. from the web plugin."},
            "audio": {
                "type": "object", "nullable": true, "title": "AudioOutput", "description": "Audio the model produced.",
                "properties": {
                    "id": {"type": "string"}, "data": {"type": "string"},
                    "expires_at": {"type": "integer", "format": "int64"}, "transcript": {"type": "string"}
                }
            }
        }"##,
        ),
    },
    Fix {
        name: "annotation-schema",
        reason: "the schema for `annotations` items, from the web-search docs (url_citation) and the PDF docs \
                 (file, as OpenRouter's own example shows it) (WIRE.md section 2)",
        target: "/components/schemas",
        change: Change::AddEntries(ANNOTATION),
    },
    Fix {
        name: "reasoning-options",
        reason: "the reasoning docs document `max_tokens`, `exclude` and `enabled` (WIRE.md section 6, item 7)",
        target: "/components/schemas/ChatGenerationParamsReasoning",
        change: Change::AddProperties(
            r#"{
            "max_tokens": {"type": "integer", "format": "uint64", "nullable": true, "description": "A token budget for reasoning (models that take one)."},
            "exclude": {"type": "boolean", "nullable": true, "description": "Reason, but leave the reasoning out of the response."},
            "enabled": {"type": "boolean", "nullable": true, "description": "Turn reasoning on at the default effort."}
        }"#,
        ),
    },
    Fix {
        name: "servers-omit-choice-index",
        reason: "OpenRouter's own documented answers (the PDF example) send choices without `index`",
        target: "/components/schemas/ChatResponseChoice",
        change: Change::Unrequire(&["index"]),
    },
    Fix {
        name: "effort-max",
        reason: "the SDKs accept effort `max` (WIRE.md section 6, item 8)",
        target: "/components/schemas/ChatGenerationParamsReasoningEffort/enum",
        change: Change::AddEnumValues(&["max"]),
    },
    Fix {
        name: "sort-exacto",
        reason: "the SDKs accept sort `exacto` (WIRE.md section 6, item 8)",
        target: "/components/schemas/ProviderSort/enum",
        change: Change::AddEnumValues(&["exacto"]),
    },
    Fix {
        name: "quantizations",
        reason: "the SDKs accept these quantizations (WIRE.md section 6, item 8)",
        target: "/components/schemas/Schema8Items/enum",
        change: Change::AddEnumValues(&["mxfp4", "nvfp4", "mxfp8"]),
    },
    Fix {
        name: "modality-audio",
        reason: "the SDKs accept output modality `audio` (WIRE.md section 6, item 8)",
        target: "/components/schemas/ChatGenerationParamsModalitiesItems/enum",
        change: Change::AddEnumValues(&["audio"]),
    },
    Fix {
        name: "image-detail-original",
        reason: "the SDKs accept image detail `original` (WIRE.md section 6, item 8)",
        target: "/components/schemas/ChatMessageContentItemImageImageUrlDetail/enum",
        change: Change::AddEnumValues(&["original"]),
    },
    Fix {
        name: "web-engines",
        reason: "the SDKs accept these web search engines (WIRE.md section 6, item 8)",
        target: "/components/schemas/Schema17ItemsOneOf2Engine/enum",
        change: Change::AddEnumValues(&["firecrawl", "parallel", "perplexity"]),
    },
    Fix {
        name: "pdf-engine-cloudflare",
        reason: "`pdf-text` now redirects to `cloudflare-ai` (WIRE.md section 1)",
        target: "/components/schemas/Schema17ItemsOneOf3PdfEngine/enum",
        change: Change::AddEnumValues(&["cloudflare-ai"]),
    },
    Fix {
        name: "reasoning-formats",
        reason: "the SDKs know these reasoning formats (WIRE.md section 6, item 8)",
        target: "/components/schemas/Schema21/enum",
        change: Change::AddEnumValues(&[
            "bedrock-openai-responses-v1",
            "bedrock-xai-responses-v1",
            "meta-responses-v1",
        ]),
    },
];

const STREAM_CHUNK: &str = r##"{
    "ChatStreamChunk": {
        "type": "object",
        "description": "One `chat.completion.chunk` event of a streamed completion.",
        "properties": {
            "id": {"type": "string", "description": "The generation id, the same on every chunk."},
            "object": {"type": "string", "enum": ["chat.completion.chunk"]},
            "created": {"type": "integer", "format": "uint64", "description": "Unix time the generation started."},
            "model": {"type": "string", "description": "The model that serves the request."},
            "provider": {"type": "string", "description": "The upstream provider that serves the request."},
            "choices": {"type": "array", "items": {"$ref": "#/components/schemas/StreamChoice"}},
            "usage": {"allOf": [{"$ref": "#/components/schemas/ChatGenerationTokenUsage"}], "description": "Sent once, on the last chunk before `[DONE]` (usually with no choices)."},
            "error": {"allOf": [{"$ref": "#/components/schemas/ErrorBody"}], "description": "A mid-stream error; the stream ends after this chunk."},
            "system_fingerprint": {"type": "string", "nullable": true},
            "service_tier": {"type": "string", "nullable": true}
        },
        "required": ["id", "choices", "model", "object"]
    },
    "StreamChoice": {
        "type": "object",
        "description": "The part of one choice carried by a chunk.",
        "properties": {
            "index": {"type": "integer", "format": "uint32"},
            "delta": {"$ref": "#/components/schemas/Delta"},
            "finish_reason": {"allOf": [{"$ref": "#/components/schemas/ChatCompletionFinishReason"}], "nullable": true},
            "native_finish_reason": {"type": "string", "nullable": true},
            "logprobs": {"allOf": [{"$ref": "#/components/schemas/ChatMessageTokenLogprobs"}], "nullable": true},
            "error": {"allOf": [{"$ref": "#/components/schemas/ErrorBody"}]}
        },
        "required": ["delta"]
    },
    "Delta": {
        "type": "object",
        "description": "What a chunk adds to a choice's message.",
        "properties": {
            "role": {"type": "string", "enum": ["assistant"]},
            "content": {"type": "string", "nullable": true},
            "reasoning": {"type": "string", "nullable": true},
            "reasoning_details": {"type": "array", "items": {"$ref": "#/components/schemas/__schema19"}},
            "refusal": {"type": "string", "nullable": true},
            "tool_calls": {"type": "array", "items": {"$ref": "#/components/schemas/ToolCallDelta"}},
            "images": {"type": "array", "items": {"$ref": "#/components/schemas/AssistantMessageImagesItems"}},
            "annotations": {"type": "array", "items": {"$ref": "#/components/schemas/Annotation"}}
        }
    },
    "ToolCallDelta": {
        "type": "object",
        "description": "A fragment of a tool call: the first for an `index` carries id, type and name; later ones carry `arguments` text to append.",
        "properties": {
            "index": {"type": "integer", "format": "uint32"},
            "id": {"type": "string"},
            "type": {"type": "string", "enum": ["function"]},
            "function": {
                "type": "object", "title": "FunctionCallDelta",
                "properties": {"name": {"type": "string"}, "arguments": {"type": "string"}}
            }
        },
        "required": ["index"]
    }
}"##;

/// Checks every precondition, then applies every fix of `fixes`.
pub fn apply(spec: &mut Value, fixes: &[Fix]) -> Result<(), Error> {
    for fix in fixes {
        apply_one(spec, fix).map_err(|why| {
            Error(format!(
                "fix `{}` no longer applies at `{}`: {why}.\n  Its reason: {}.\n  Retire or update it in codegen/src/fixes.rs",
                fix.name, fix.target, fix.reason
            ))
        })?;
    }
    Ok(())
}

/// Each fix, in order, with whether it applies to `document` (normalized first, as the build does;
/// the fixes before it applied where they could). For the refresh summary: which fixes retire.
pub fn applicable(document: &Value) -> Vec<(&'static str, Result<(), String>)> {
    let fixes = crate::Source::of(document).fixes();
    match crate::summary::normalized_copy(document) {
        Ok(mut spec) => fixes.iter().map(|fix| (fix.name, apply_one(&mut spec, fix))).collect(),
        Err(e) => fixes.iter().map(|fix| (fix.name, Err(format!("the spec does not normalize: {e}")))).collect(),
    }
}

fn apply_one(spec: &mut Value, fix: &Fix) -> Result<(), String> {
    apply_change(spec, fix.target, &fix.change)
}

fn apply_change(spec: &mut Value, pointer: &str, change: &Change) -> Result<(), String> {
    if let Change::WherePresent(change) = change {
        return match spec.pointer(pointer) {
            Some(_) => apply_change(spec, pointer, change),
            None => Ok(()),
        };
    }
    let target = spec.pointer_mut(pointer).ok_or("upstream no longer has this spot")?;
    match change {
        Change::WherePresent(_) => unreachable!("handled above"),
        Change::AddProperties(text) => {
            let properties = target
                .as_object_mut()
                .ok_or("not an object schema")?
                .entry("properties")
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .ok_or("`properties` is not a map")?;
            add_entries(properties, text)
        }
        Change::AddEntries(text) => add_entries(target.as_object_mut().ok_or("not a map")?, text),
        Change::AddEnumValues(values) => {
            let existing = target.as_array_mut().ok_or("not an enum")?;
            for value in *values {
                if existing.iter().any(|v| v == value) {
                    return Err(format!("upstream now has `{value}`"));
                }
                existing.push(json!(value));
            }
            Ok(())
        }
        Change::Replace { when: (pointer, expected), with } => {
            if target.pointer(pointer).and_then(Value::as_str) != Some(*expected) {
                return Err(format!("`{pointer}` is no longer `{expected}`"));
            }
            *target = serde_json::from_str(with).expect("fix replacements are valid JSON");
            Ok(())
        }
        Change::Unrequire(names) => {
            let present = names.iter().filter(|name| target.pointer(&format!("/properties/{name}")).is_some()).count();
            let mut removed = 0;
            if let Some(required) = target.get_mut("required").and_then(Value::as_array_mut) {
                let before = required.len();
                required.retain(|r| !names.iter().any(|name| r == name));
                removed = before - required.len();
                if required.is_empty() {
                    // OpenAPI 3.0 (JSON Schema draft 4) wants a `required` list non-empty.
                    target.as_object_mut().expect("a schema with `required` is an object").remove("required");
                }
            }
            if present > 0 && removed == 0 {
                return Err(format!("upstream no longer requires any of {names:?}"));
            }
            Ok(())
        }
        Change::BranchToRef(replacements) => {
            let branches = target.as_array_mut().ok_or("not a union")?;
            for (description, schema, property) in *replacements {
                let branch = branches
                    .iter_mut()
                    .find(|b| b["description"] == *description)
                    .ok_or(format!("no branch described `{description}`"))?;
                if branch.pointer(&format!("/properties/{property}")).is_some() {
                    return Err(format!("the `{description}` branch now has `{property}`"));
                }
                *branch = json!({ "$ref": format!("#/components/schemas/{schema}") });
            }
            Ok(())
        }
    }
}

fn add_entries(map: &mut Map<String, Value>, text: &str) -> Result<(), String> {
    let Value::Object(entries) = serde_json::from_str(text).expect("fix entries are valid JSON") else {
        panic!("fix entries are a JSON object")
    };
    for (key, value) in entries {
        if map.contains_key(&key) {
            return Err(format!("upstream now has `{key}`"));
        }
        map.insert(key, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"x": {"type": "string"}}},
            "E": {"type": "string", "enum": ["a"]},
            "U": {"oneOf": [{"description": "v variant", "properties": {"type": {}}}]}
        }}})
    }

    fn fix(target: &'static str, change: Change) -> Fix {
        Fix { name: "t", reason: "r", target, change }
    }

    #[test]
    fn add_properties_adds_and_refuses_existing() {
        let mut s = spec();
        apply_one(&mut s, &fix("/components/schemas/A", Change::AddProperties(r#"{"y": {"type": "integer"}}"#)))
            .unwrap();
        assert_eq!(s.pointer("/components/schemas/A/properties/y/type"), Some(&json!("integer")));
        let err = apply_one(&mut s, &fix("/components/schemas/A", Change::AddProperties(r#"{"x": {}}"#))).unwrap_err();
        assert_eq!(err, "upstream now has `x`");
    }

    #[test]
    fn missing_target_fails() {
        let err = apply_one(&mut spec(), &fix("/components/schemas/Gone", Change::AddEntries("{}"))).unwrap_err();
        assert_eq!(err, "upstream no longer has this spot");
    }

    #[test]
    fn add_enum_values_adds_and_refuses_existing() {
        let mut s = spec();
        apply_one(&mut s, &fix("/components/schemas/E/enum", Change::AddEnumValues(&["b"]))).unwrap();
        assert_eq!(s.pointer("/components/schemas/E/enum"), Some(&json!(["a", "b"])));
        assert!(apply_one(&mut s, &fix("/components/schemas/E/enum", Change::AddEnumValues(&["a"]))).is_err());
    }

    #[test]
    fn branch_to_ref_replaces_and_retires_when_fixed_upstream() {
        let mut s = spec();
        let change = || Change::BranchToRef(&[("v variant", "V", "video_url")]);
        apply_one(&mut s, &fix("/components/schemas/U/oneOf", change())).unwrap();
        assert_eq!(s.pointer("/components/schemas/U/oneOf/0"), Some(&json!({"$ref": "#/components/schemas/V"})));

        let mut fixed = spec();
        fixed["components"]["schemas"]["U"]["oneOf"][0]["properties"]["video_url"] = json!({});
        let err = apply_one(&mut fixed, &fix("/components/schemas/U/oneOf", change())).unwrap_err();
        assert_eq!(err, "the `v variant` branch now has `video_url`");
    }

    #[test]
    fn every_fix_applies_to_its_source_and_fails_on_a_second_run() {
        let published =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openrouter.yaml")).unwrap();
        let page = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/send-chat-completion-request.md"
        ))
        .unwrap();
        let page = crate::page::extract_spec(&page).unwrap();
        for (text, source) in [(published, crate::Source::Published), (page, crate::Source::DocsPage)] {
            let mut s = crate::parse_yaml(&text).unwrap();
            assert_eq!(crate::Source::of(&s), source);
            crate::normalize::normalize(&mut s).unwrap();
            apply(&mut s, source.fixes()).unwrap();
            // Applied once more, every fix must find its own change and refuse: that is the
            // precondition that retires a fix once upstream makes the same change.
            for fix in source.fixes() {
                assert!(apply_one(&mut s, fix).is_err(), "fix `{}` would apply twice", fix.name);
            }
        }
    }
}
