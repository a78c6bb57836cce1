//! The one request path every operation uses: the client and its configuration, a call being
//! built, retries, timeouts, typed errors, the decoding of real traffic, SSE and event streams,
//! byte streams. It knows nothing of the areas' conveniences (`api/`).
//!
//! The imports run one way: `request` (a call being built) uses `client` (which sends a prepared
//! [`client::Request`]) and `form` (bodies); `client` uses `form`, `download`, `retry` and `error`.

pub(crate) mod client;
pub(crate) mod download;
pub(crate) mod error;
#[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
pub(crate) mod events;
pub(crate) mod form;
pub(crate) mod lenient;
pub(crate) mod request;
pub(crate) mod retry;
#[cfg(any(feature = "chat", feature = "responses", feature = "messages", feature = "images"))]
pub(crate) mod sse;
#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
pub(crate) mod tls;
