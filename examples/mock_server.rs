//! The crate's mock on its own, for programs in other processes (and for `.ci/cassettes`, which
//! records the examples against it): prints its API root, then serves until it is stopped.
//!
//! `cargo run --features mock --example mock_server`

use openrouter_bindings::mock::MockServer;

#[tokio::main]
async fn main() {
    let mock = MockServer::start().await;
    println!("{}", mock.url());
    std::future::pending::<()>().await;
}
