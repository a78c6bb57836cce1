//! The integration tests, one binary: each file is a module, so the crate and the test harness
//! are linked once instead of once per file. `tests/codegen.rs` and `tests/structured.rs` keep
//! their own binaries (their insta snapshots are named after them), and `tests/memory.rs` too (it
//! counts the heap with a global allocator). Run one part with a filter:
//! `cargo test --test it -- trust::`.

mod common;

mod cassette;
mod chat_example;
mod client;
mod contract;
mod faults;
mod fuzz;
mod load;
mod media;
mod messages;
mod mock;
mod operations;
mod responses;
mod serde_shapes;
mod stream;
mod timeouts;
mod tracing_spans;
mod trust;
mod user_programs;
