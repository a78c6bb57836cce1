#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod chat;
mod client;
mod error;
mod ext;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod generated;
mod lenient;
#[cfg(feature = "mock")]
pub mod mock;
mod retry;
mod sse;
mod stream;
mod structured;

pub use chat::ChatRequestBuilder;
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_STREAM_IDLE_TIMEOUT, DEFAULT_TIMEOUT,
    USER_AGENT_VALUE,
};
pub use error::{ApiError, BoxError, Error, Moderation, TransportKind};
pub use generated::types;
pub use retry::RetryPolicy;
pub use stream::{ChatStream, ChatStreamAccumulator};
pub use structured::{StrictSchema, strict_violations};
