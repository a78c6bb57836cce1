//! Time limits: no call waits forever, a timeout after sending is never re-sent (it would bill
//! twice), healthy streams are never cut, and a cut stream keeps its text.

use crate::common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use common::{Reply, TestServer, completion, raw_server};
use openrouter_bindings::{Client, DEFAULT_TIMEOUT, Error, RetryPolicy, TransportKind};
use tokio::io::AsyncWriteExt;

const SSE_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n";

fn chunk(text: &str, finish: Option<&str>) -> String {
    let body = serde_json::json!({"id": "gen-1", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]});
    format!("data: {body}\n\n")
}

fn client_for(url: &str, retry: RetryPolicy) -> Client {
    Client::builder().api_key("sk-or-timeouts").base_url(url).retry(retry).build().unwrap()
}

/// A server that accepts, reads the request, counts it, and never answers.
async fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let _socket = socket; // held open, never answered
                std::future::pending::<()>().await;
            });
        }
    });
    (url, seen)
}

#[tokio::test(start_paused = true)]
async fn by_default_send_gives_up_at_the_documented_timeout_instead_of_waiting_forever() {
    let (url, seen) = silent_server().await;
    let started = tokio::time::Instant::now();
    let error = client_for(&url, RetryPolicy::default()).chat("m").user("hi").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Timeout, .. }), "{error:?}");
    // Virtual time: the wait is exactly the default timeout, and the default policy did not re-send.
    assert_eq!(started.elapsed().as_secs(), DEFAULT_TIMEOUT.as_secs());
    assert_eq!(seen.load(Ordering::SeqCst), 1, "a timed-out generation is not sent again by default");
    assert!(!error.is_retryable());
    let text = error.to_string();
    assert!(text.contains("no answer in time from 127.0.0.1:") && text.contains("600s"), "{text}");
}

#[tokio::test]
async fn the_idle_timeout_also_covers_the_wait_for_a_streams_headers() {
    let (url, _) = silent_server().await;
    let started = Instant::now();
    let request = client_for(&url, RetryPolicy::none()).chat("m").user("hi");
    let error = request.stream_idle_timeout(Some(Duration::from_millis(300))).stream().await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Timeout, .. }), "{error:?}");
    assert!(error.to_string().contains("the stream idle timeout"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn the_retry_deadline_bounds_an_attempt_already_running() {
    let (url, seen) = silent_server().await;
    let policy = RetryPolicy::with_max_retries(5).retry_timeouts(true).deadline(Duration::from_millis(400));
    let started = Instant::now();
    let error = client_for(&url, policy).chat("m").user("hi").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Timeout, .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(seen.load(Ordering::SeqCst), 1, "no retry starts with the deadline spent");
}

#[tokio::test]
async fn a_healthy_stream_outlives_the_per_attempt_timeout() {
    let url = raw_server(|mut socket| async move {
        socket.write_all(SSE_HEAD).await.unwrap();
        for i in 0..8 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            socket.write_all(chunk(&format!("{i}"), None).as_bytes()).await.unwrap();
        }
        socket.write_all(chunk("", Some("stop")).as_bytes()).await.unwrap();
        socket.write_all(b"data: [DONE]\n\n").await.unwrap();
    })
    .await;
    let client = client_for(&url, RetryPolicy::none());
    let request = client.chat("m").user("hi").timeout(Duration::from_millis(300));
    // A total timeout of `Duration::MAX` is no limit (and no overflow).
    let stream = request.total_timeout(Duration::MAX).stream().await.unwrap();
    let response = stream.collect_response().await.unwrap();
    assert_eq!(response.text().unwrap(), "01234567", "an 800 ms stream under a 300 ms timeout");
}

#[tokio::test]
async fn a_timeout_after_sending_reaches_the_server_once_unless_timeouts_are_retried() {
    let slow = Reply::json(200, completion("late")).delay(Duration::from_secs(2));
    let server = TestServer::start(vec![slow]).await;
    let quick = RetryPolicy::with_max_retries(2).initial_backoff(Duration::from_millis(1));
    let client = client_for(&server.url, quick.clone());
    let error = client.chat("m").user("hi").timeout(Duration::from_millis(200)).send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Timeout, .. }), "{error:?}");
    assert_eq!(server.requests().len(), 1, "the model may be generating it: not sent again");

    let client = client_for(&server.url, quick.retry_timeouts(true));
    client.chat("m").user("hi").timeout(Duration::from_millis(200)).send().await.unwrap_err();
    assert_eq!(server.requests().len(), 1 + 3, "asked for: 1 attempt + 2 retries");
}

#[tokio::test]
async fn a_stream_stopped_by_the_idle_or_the_total_timeout_keeps_its_text() {
    let stalling = || async {
        raw_server(|mut socket| async move {
            socket.write_all(&[SSE_HEAD, chunk("Hello", None).as_bytes()].concat()).await.unwrap();
            loop {
                tokio::time::sleep(Duration::from_millis(50)).await;
                if socket.write_all(b": OPENROUTER PROCESSING\n\n").await.is_err() {
                    return;
                }
            }
        })
        .await
    };
    // Keep-alive comments hold off the idle timeout, and the per-attempt timeout never cuts a
    // running stream: only a total timeout, asked for, ends it.
    let url = stalling().await;
    let client = client_for(&url, RetryPolicy::none());
    let started = Instant::now();
    let request = client.chat("m").user("hi").timeout(Duration::from_millis(100));
    let error = request.total_timeout(Duration::from_millis(600)).stream().await.unwrap().collect_response().await;
    let error = error.unwrap_err();
    assert!(matches!(&error, Error::StreamTruncated { partial_text, .. } if partial_text == "Hello"), "{error:?}");
    assert!(error.to_string().contains("the total timeout ran out"), "{error}");
    assert!(started.elapsed() >= Duration::from_millis(600), "{:?}", started.elapsed());

    let url = raw_server(|mut socket| async move {
        socket.write_all(&[SSE_HEAD, chunk("Hel", None).as_bytes()].concat()).await.unwrap();
        std::future::pending::<()>().await;
    })
    .await;
    let client = client_for(&url, RetryPolicy::none());
    let stream = client.chat("m").user("hi").stream_idle_timeout(Some(Duration::from_millis(200))).stream();
    let error = stream.await.unwrap().collect_response().await.unwrap_err();
    assert!(matches!(&error, Error::StreamIdleTimeout { partial_text, .. } if partial_text == "Hel"), "{error:?}");
}
