//! What the hand-written layer needs from the generated code, feature by feature.
//!
//! A spec without an operation or type that an enabled feature's conveniences use would fail to
//! compile inside `src/`, with an error a maintainer must trace by hand. `build.rs` checks
//! [`NEEDS`] first and stops with a message naming the feature, what is missing and the spec
//! version. `codegen/tests/generator/needs.rs` keeps the table equal to what `src/` really uses.

/// One hand-written file's needs.
#[derive(Debug)]
pub struct Need {
    /// The Cargo feature that compiles the file's uses of the generated code ("" for always).
    pub feature: &'static str,
    /// The file, from the crate's root.
    pub file: &'static str,
    /// Generated operations the file calls (`client.create_images(…)`).
    pub operations: &'static [&'static str],
    /// Generated types the file names (`types::ImageGenerationRequest`).
    pub types: &'static [&'static str],
}

/// The table: per file of `src/` that uses the generated code, a row per feature that gates a use.
pub const NEEDS: &[Need] = &[
    Need {
        feature: "audio",
        file: "src/api/audio.rs",
        operations: &["create_speech", "create_transcription"],
        types: &["SpeechRequest", "SttRequest", "SttResponse"],
    },
    Need {
        feature: "chat",
        file: "src/api/chat.rs",
        operations: &[],
        types: &[
            "ChatAssistantMessage",
            "ChatAssistantMessageContent",
            "ChatDebugOptions",
            "ChatDeveloperMessage",
            "ChatDeveloperMessageRole",
            "ChatMessage",
            "ChatRequest",
            "ChatRequestModalitiesItem",
            "ChatRequestPluginsItem",
            "ChatRequestReasoning",
            "ChatRequestReasoningEffort",
            "ChatRequestResponseFormat",
            "ChatRequestStop",
            "ChatResponse",
            "ChatSystemMessage",
            "ChatSystemMessageRole",
            "ChatTool",
            "ChatToolChoice",
            "ChatToolMessage",
            "ChatToolMessageContent",
            "ChatToolMessageRole",
            "ChatUserMessage",
            "ChatUserMessageContent",
            "ChatUserMessageRole",
            "DeprecatedRoute",
            "ImageConfig",
            "ImageConfigValue",
            "ProviderPreferences",
            "TraceConfig",
        ],
    },
    Need {
        feature: "embeddings",
        file: "src/api/embeddings.rs",
        operations: &["create_embeddings"],
        types: &["CreateEmbeddingsRequest", "CreateEmbeddingsResponse"],
    },
    Need {
        feature: "chat",
        file: "src/api/ext.rs",
        operations: &[],
        types: &[
            "ChatAssistantMessage",
            "ChatAssistantMessageContent",
            "ChatChoice",
            "ChatContentPart",
            "ChatContentText",
            "ChatDeveloperMessageContent",
            "ChatFinishReason",
            "ChatRequestStop",
            "ChatResponse",
            "ChatSystemMessageContent",
            "ChatToolCall",
            "ChatToolChoice",
            "ChatToolChoiceMode",
            "ChatToolMessageContent",
            "ChatUsage",
            "ChatUserMessageContent",
            "ErrorBody",
            "KnownChatFinishReason",
        ],
    },
    Need {
        feature: "images",
        file: "src/api/images.rs",
        operations: &["create_images"],
        types: &["CreateImagesEvent", "ImageGenerationRequest", "ImageGenerationResponse"],
    },
    Need {
        feature: "messages",
        file: "src/api/messages.rs",
        operations: &["create_message"],
        types: &["MessagesRequest", "MessagesResult", "MessagesStreamEvents"],
    },
    Need {
        feature: "rerank",
        file: "src/api/rerank.rs",
        operations: &["create_rerank"],
        types: &["CreateRerankRequest", "CreateRerankResponse"],
    },
    Need {
        feature: "responses",
        file: "src/api/responses.rs",
        operations: &["create_response"],
        types: &["OpenResponsesResult", "ResponsesRequest", "StreamEvents"],
    },
    Need {
        feature: "chat",
        file: "src/api/stream.rs",
        operations: &[],
        types: &["ChatResponse", "ChatStreamChunk", "ReasoningDetail"],
    },
    Need {
        feature: "chat",
        file: "src/api/structured.rs",
        operations: &[],
        types: &["ChatRequestResponseFormat", "ChatResponse", "ChatTool", "ChatToolCall"],
    },
    Need {
        feature: "video",
        file: "src/api/video.rs",
        operations: &["create_video_job", "download_video", "get_video_job"],
        types: &["VideoGenerationRequest", "VideoGenerationResponse"],
    },
    Need { feature: "fuzzing", file: "src/fuzzing.rs", operations: &[], types: &["ChatResponse", "ChatStreamChunk"] },
    Need { feature: "responses", file: "src/fuzzing.rs", operations: &[], types: &["StreamEvents"] },
    Need { feature: "messages", file: "src/fuzzing.rs", operations: &[], types: &["MessagesStreamEvents"] },
    Need {
        feature: "",
        file: "src/http/error.rs",
        operations: &[],
        types: &["ErrorBody", "ErrorBodyCode", "ErrorResponse"],
    },
    Need { feature: "chat", file: "src/http/error.rs", operations: &[], types: &["ChatResponse"] },
    Need { feature: "mock", file: "src/mock/mod.rs", operations: &[], types: &["ChatRequest"] },
];

/// The needs of the `enabled` features that `code` (generated) does not meet, one line each:
/// `` `images` (src/api/images.rs): operation `create_images`, type `ImageGenerationRequest` ``.
pub fn unmet(code: &str, enabled: &[&str]) -> Vec<String> {
    let has_type = |name: &str| {
        ["struct", "enum", "type"]
            .iter()
            .any(|kind| [' ', '(', '<'].iter().any(|next| code.contains(&format!("pub {kind} {name}{next}"))))
    };
    let has_operation = |name: &str| code.contains(&format!("pub fn {name}("));
    NEEDS
        .iter()
        .filter(|need| need.feature.is_empty() || enabled.contains(&need.feature))
        .filter_map(|need| {
            let missing: Vec<String> = need
                .operations
                .iter()
                .filter(|op| !has_operation(op))
                .map(|op| format!("operation `{op}`"))
                .chain(need.types.iter().filter(|ty| !has_type(ty)).map(|ty| format!("type `{ty}`")))
                .collect();
            let feature = if need.feature.is_empty() { "(every build)" } else { need.feature };
            (!missing.is_empty()).then(|| format!("`{feature}` ({}): {}", need.file, missing.join(", ")))
        })
        .collect()
}

/// The message `build.rs` stops with when [`unmet`] finds something in the spec read from
/// `spec_path` (`spec_text`, whose `info.version` is `spec_version`).
pub fn message(unmet: &[String], spec_path: &str, spec_text: &str, spec_version: &str) -> String {
    let sha = crate::util::sha256_hex(spec_text.as_bytes());
    format!(
        "the spec {spec_path} (info.version {spec_version}, sha256 {}) lacks what these features' \
         hand-written conveniences use:\n  {}\nBuild without those features, or update the files named and \
         codegen/src/needs.rs to the new spec.",
        &sha[..12],
        unmet.join("\n  ")
    )
}
