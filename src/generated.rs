//! The bindings progenitor generates at build time from `openapi/chat-completions.yaml`.
//!
//! Nothing here is written by hand: `build.rs` runs the spec through `codegen/` (normalize, fix,
//! generate) into `OUT_DIR/codegen.rs`, included below. This is the crate's only `include!`.
//!
//! Only [`types`] is public (as `openrouter_bindings::types`): every request and response type
//! of the spec, plus the stream chunk. progenitor's raw client stays private: it has no auth, a
//! 15-second total timeout and no retries; the crate's own `Client` is the one request path.
#![allow(missing_docs, clippy::all, clippy::pedantic, unreachable_pub, unused_imports, dead_code)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
