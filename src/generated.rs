//! The bindings progenitor generates at build time from `openapi/chat-completions.yaml`.
//!
//! Nothing here is written by hand: `build.rs` runs the spec through `codegen/` (normalize, fix,
//! generate) into `OUT_DIR/codegen.rs`, included below. This is the crate's only `include!`.
//!
//! - [`types`]: every request and response type of the spec, plus the stream chunk
//!   ([`types::ChatStreamChunk`]). Response-side enums and unions are open: unknown values land
//!   in an `Unknown` variant that keeps them.
//! - [`Client`]: progenitor's raw client. Most users want the crate's own `Client` instead, which adds
//!   auth, retries, streaming and typed errors.
#![allow(missing_docs, clippy::all, clippy::pedantic, unreachable_pub, unused_imports, dead_code)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
