//! The bindings generated at build time from `openapi/openrouter.yaml`: types by progenitor, one
//! call per operation by `codegen/src/operations.rs`.
//!
//! Nothing here is written by hand: `build.rs` runs the spec through `codegen/` (normalize, fix,
//! generate) into `OUT_DIR/codegen.rs`, included below. This is the crate's only `include!`.
//!
//! [`types`] holds every request and response type of the enabled areas' operations, plus the
//! stream chunk. [`operations`] holds one builder per operation, returned by a method on the
//! crate's `Client` (`client.get_models()`); each runs through the one request path in
//! `src/http/`. progenitor's own client is not generated.
#![allow(missing_docs, clippy::all, clippy::pedantic, unreachable_pub, unused_imports, dead_code)]
// The docs are the spec's own text: bare URLs, brackets and HTML as OpenRouter wrote them.
#![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
#![allow(rustdoc::invalid_rust_codeblocks, rustdoc::invalid_codeblock_attributes)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
