#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[cfg(feature = "audio")]
mod audio;
#[cfg(feature = "chat")]
mod chat;
mod client;
mod download;
#[cfg(feature = "embeddings")]
mod embeddings;
mod error;
#[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
mod events;
#[cfg(feature = "chat")]
mod ext;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod generated;
#[cfg(feature = "images")]
mod images;
mod lenient;
#[cfg(feature = "messages")]
mod messages;
#[cfg(feature = "mock")]
pub mod mock;
mod request;
#[cfg(feature = "rerank")]
mod rerank;
#[cfg(feature = "responses")]
mod responses;
mod retry;
#[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
mod sse;
#[cfg(feature = "chat")]
mod stream;
mod structured;
#[cfg(feature = "video")]
mod video;

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
pub use generated::{operations, types};
#[cfg(feature = "images")]
pub use images::{Image, ImagesRequestBuilder, ImagesStream};
#[cfg(feature = "messages")]
pub use messages::{MessagesAccumulator, MessagesRequestBuilder, MessagesStream, ToolUse};
pub use request::Form;
#[cfg(feature = "rerank")]
pub use rerank::{Ranked, RerankRequestBuilder};
#[cfg(feature = "responses")]
pub use responses::{FunctionCall, ResponsesAccumulator, ResponsesRequestBuilder, ResponsesStream};
pub use retry::RetryPolicy;
#[cfg(feature = "chat")]
pub use stream::{ChatStream, ChatStreamAccumulator};
pub use structured::{StrictSchema, strict_violations};
#[cfg(feature = "video")]
pub use video::{VideoJob, VideoRequestBuilder};
