//! The integration tests, one binary: each file is a module, so the crate and the test harness
//! are linked once instead of once per file. `tests/codegen.rs` and `tests/structured.rs` keep
//! their own binaries (their insta snapshots are named after them), and so do the tests that measure the whole
//! process, which the other tests running beside them would disturb: `tests/memory.rs` (a
//! counting global allocator), `tests/load.rs` (descriptors, tasks, memory), and `tests/tracing.rs`
//! and `tests/trust.rs` (they capture tracing output, and tracing caches per call site whether
//! anyone listens, across threads). Run one part with a filter: `cargo test --test it -- media::`.

mod common;

mod cassette;
mod chat_example;
mod client;
mod contract;
mod faults;
mod fuzz;
mod media;
mod messages;
mod mock;
mod operations;
mod responses;
mod serde_shapes;
mod stream;
mod timeouts;
#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
mod tls;
mod user_programs;
