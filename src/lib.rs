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
