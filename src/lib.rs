#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[cfg(feature = "chat")]
mod chat;
mod client;
mod error;
#[cfg(feature = "chat")]
mod ext;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod generated;
mod lenient;
#[cfg(feature = "mock")]
pub mod mock;
mod request;
mod retry;
#[cfg(feature = "chat")] // the chat stream is its only user so far
mod sse;
#[cfg(feature = "chat")]
mod stream;
#[cfg(feature = "chat")]
mod structured;

#[cfg(feature = "chat")]
pub use chat::ChatRequestBuilder;
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_TIMEOUT,
    USER_AGENT_VALUE,
};
pub use error::{ApiError, BoxError, Error, Moderation, TransportKind};
pub use generated::{operations, types};
pub use request::Form;
pub use retry::RetryPolicy;
#[cfg(feature = "chat")]
pub use stream::{ChatStream, ChatStreamAccumulator};
#[cfg(feature = "chat")]
pub use structured::{StrictSchema, strict_violations};
