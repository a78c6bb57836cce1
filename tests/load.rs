//! Load: 1,000 concurrent streams through one client against the mock. Every stream completes
//! with the right content; memory and sockets stay bounded; nothing leaks afterwards.
//!
//! Figures are printed (`cargo test --test load -- --nocapture`); the assertions are bounds, not
//! timings.

use std::time::Duration;

use futures_util::StreamExt;
use openrouter_bindings::mock::MockServer;

const STREAMS: usize = 1000;

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Open descriptors, and how many of them are sockets.
fn descriptors() -> (usize, usize) {
    let entries: Vec<_> = std::fs::read_dir("/proc/self/fd").unwrap().filter_map(Result::ok).collect();
    let sockets = entries
        .iter()
        .filter(|e| std::fs::read_link(e.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:")))
        .count();
    (entries.len(), sockets)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_streams_through_one_client() {
    let mock = MockServer::start().await;
    let client = mock.client();
    // Warm the runtime and the pool once, so "before" includes what any first request allocates.
    client.chat("m").user("warm up").stream().await.unwrap().collect_response().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (fds_before, sockets_before) = descriptors();
    let rss_before = status_kib("VmRSS:");
    let tasks_before = tokio::runtime::Handle::current().metrics().num_alive_tasks();

    let peak_sockets = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut handles = Vec::with_capacity(STREAMS);
    for i in 0..STREAMS {
        let client = client.clone();
        let peak_sockets = peak_sockets.clone();
        handles.push(tokio::spawn(async move {
            let mut stream = client.chat("m").user(format!("stream number {i}")).stream().await.unwrap();
            let mut text = String::new();
            let mut first = true;
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.unwrap();
                if first && i % 50 == 0 {
                    peak_sockets.fetch_max(descriptors().1, std::sync::atomic::Ordering::Relaxed);
                }
                first = false;
                text.push_str(chunk.choices.first().and_then(|c| c.delta.content.as_deref()).unwrap_or_default());
            }
            assert_eq!(text, format!("(mock) You said: stream number {i}"));
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    let rss_peak = status_kib("VmHWM:");
    assert_eq!(mock.requests().len(), STREAMS + 1);

    // Dropping the client and the mock closes every connection; give the closes up to 10 s to land.
    drop(client);
    drop(mock);
    let settled = std::time::Instant::now();
    let mut waited_ms = 0;
    let ((fds_after, sockets_after), tasks_after) = loop {
        let now = (descriptors(), tokio::runtime::Handle::current().metrics().num_alive_tasks());
        if (now.0.0 <= fds_before && now.1 <= tasks_before) || settled.elapsed() > Duration::from_secs(10) {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited_ms += 50;
    };

    let per_stream_kib = rss_peak.saturating_sub(rss_before) as f64 / STREAMS as f64;
    println!(
        "{STREAMS} streams: RSS before {rss_before} KiB, peak {rss_peak} KiB ({per_stream_kib:.1} KiB per stream); \
         sockets before {sockets_before}, sampled peak {}, after {sockets_after}; fds before {fds_before}, after {fds_after}; \
         tasks before {tasks_before}, after {tasks_after} (settled in {waited_ms} ms)",
        peak_sockets.load(std::sync::atomic::Ordering::Relaxed)
    );
    assert!(per_stream_kib < 256.0, "{per_stream_kib:.1} KiB per stream");
    // Client and server sockets of 1,000 streams, with room for pooled connections: bounded.
    assert!(peak_sockets.load(std::sync::atomic::Ordering::Relaxed) <= 2 * STREAMS + 16);
    assert!(fds_after <= fds_before, "descriptors leaked: {fds_before} before, {fds_after} after");
    assert!(tasks_after <= tasks_before, "tasks leaked: {tasks_before} before, {tasks_after} after");
}
