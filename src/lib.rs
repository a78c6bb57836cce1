#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

// The flow, as folders: the spec becomes `generated` (the one `include!`), `http/` is the one
// request path every operation uses, `api/` the conveniences of each area over the generated
// operations, `mock/` the offline server. The imports below keep the modules' short paths
// (`crate::client`, `crate::chat`), which the generated code also uses.
mod api;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod generated;
mod http;
#[cfg(feature = "mock")]
pub mod mock;

#[cfg(feature = "audio")]
use api::audio;
#[cfg(feature = "embeddings")]
use api::embeddings;
#[cfg(feature = "images")]
use api::images;
#[cfg(feature = "messages")]
use api::messages;
#[cfg(feature = "rerank")]
use api::rerank;
#[cfg(feature = "responses")]
use api::responses;
use api::structured;
#[cfg(feature = "video")]
use api::video;
#[cfg(feature = "chat")]
use api::{chat, stream};
use http::{client, download, error, form, lenient, request, retry};
#[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
use http::{events, sse};

#[cfg(any(
    feature = "responses",
    feature = "messages",
    feature = "images",
    feature = "embeddings",
    feature = "rerank",
    feature = "audio",
    feature = "video"
))]
pub use api::builder::RequestBuilder;
#[cfg(feature = "audio")]
pub use audio::{SpeechRequestBuilder, TranscriptionRequestBuilder};
#[cfg(feature = "chat")]
pub use chat::ChatRequestBuilder;
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_TIMEOUT,
    USER_AGENT_VALUE,
};
pub use download::ByteStream;
#[cfg(feature = "embeddings")]
pub use embeddings::{EmbeddingInput, EmbeddingsRequestBuilder};
pub use error::{ApiError, BoxError, Error, Moderation, TransportKind};
#[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
pub use events::{EventStream, StreamEvent};
pub use form::Form;
pub use generated::{operations, types};
#[cfg(feature = "images")]
pub use images::{Image, ImagesRequestBuilder, ImagesStream};
#[cfg(feature = "messages")]
pub use messages::{MessagesAccumulator, MessagesRequestBuilder, MessagesState, MessagesStream, ToolUse};
#[cfg(feature = "rerank")]
pub use rerank::{Ranked, RerankRequestBuilder};
#[cfg(feature = "responses")]
pub use responses::{FunctionCall, ResponsesAccumulator, ResponsesInput, ResponsesRequestBuilder, ResponsesStream};
pub use retry::RetryPolicy;
#[cfg(feature = "chat")]
pub use stream::{ChatStream, ChatStreamAccumulator};
pub use structured::{StrictSchema, strict_violations};
#[cfg(feature = "video")]
pub use video::{VideoJob, VideoRequestBuilder};

/// Decodes a JSON answer of this API into one of its [`types`] the way the client decodes what a
/// server sends: by the rules in the README's "Real traffic departs from the spec" (numeric
/// strings are their numbers, an odd list element is dropped, a missing required field is an
/// error), read in one fast pass when every field fits. For a body kept from elsewhere: a
/// cassette, a cache, a webhook.
///
/// `serde_json::from_slice` on the same types gives the same value (it applies the rules in
/// full every time, which costs more when everything fits). A body that does not decode is an
/// [`Error::Decode`] (with status 200) naming the JSON path where decoding stopped.
///
/// ```
/// # #[cfg(feature = "chat")] {
/// use openrouter_bindings::types::ChatResponse;
///
/// let body = br#"{"id": "gen-1", "object": "chat.completion", "created": 1700000000,
///     "model": "openai/gpt-4o", "choices": [{"index": 0, "finish_reason": "stop",
///     "message": {"role": "assistant", "content": "Hi!"}}],
///     "usage": {"prompt_tokens": 9, "completion_tokens": "2", "total_tokens": 11}}"#;
/// let response: ChatResponse = openrouter_bindings::decode(body)?;
/// assert_eq!(response.text()?, "Hi!");
/// assert_eq!(response.usage().map(|u| u.completion_tokens), Some(2));
/// # }
/// # Ok::<(), openrouter_bindings::Error>(())
/// ```
pub fn decode<T: serde::de::DeserializeOwned>(json: &[u8]) -> Result<T, Error> {
    Error::from_json(200, json)
}
