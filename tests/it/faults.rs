//! Hostile servers: each fault gives a typed error within the configured time, and the same client
//! then serves a normal request.

use crate::common;

use std::time::{Duration, Instant};

use common::raw_server as hostile;
use futures_util::StreamExt;
use openrouter_bindings::{Client, Error, RetryPolicy, TransportKind};
use tokio::io::AsyncWriteExt;

const SSE_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n";
const FIRST_CHUNK: &[u8] = b"data: {\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";

fn client_for(url: &str) -> Client {
    Client::builder()
        .api_key("sk-or-faults")
        .base_url(url)
        .retry(RetryPolicy::none())
        .stream_idle_timeout(Some(Duration::from_millis(500)))
        .build()
        .unwrap()
}

/// After a fault, the same client (and its connection pool) serves the next request.
async fn still_usable(client: &Client) {
    let answer = client.chat("m").user("still there?").send().await.unwrap();
    assert_eq!(answer.text().unwrap(), "still here");
}

#[tokio::test]
async fn a_stall_mid_stream_fires_the_idle_timeout() {
    let url = hostile(|mut socket| async move {
        socket.write_all(&[SSE_HEAD, FIRST_CHUNK].concat()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let client = client_for(&url);
    let started = Instant::now();
    let mut stream = client.chat("m").user("hi").stream().await.unwrap();
    assert!(stream.next().await.unwrap().is_ok());
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(error, Error::StreamIdleTimeout { after, .. } if after == Duration::from_millis(500)),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(stream.next().await.is_none());
    still_usable(&client).await;
}

#[tokio::test]
async fn a_reset_connection_is_a_typed_error() {
    // Reset before any answer: a transport error.
    let url = hostile(|socket| async move {
        #[allow(deprecated)] // blocking on drop is the point: it sends a reset
        socket.set_linger(Some(Duration::ZERO)).unwrap();
        drop(socket);
    })
    .await;
    let client = client_for(&url);
    let error = client.chat("m").user("hi").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");

    // Reset mid-stream: truncated, with the text so far.
    let url = hostile(|mut socket| async move {
        socket.write_all(&[SSE_HEAD, FIRST_CHUNK].concat()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        #[allow(deprecated)] // blocking on drop is the point: it sends a reset
        socket.set_linger(Some(Duration::ZERO)).unwrap();
        drop(socket);
    })
    .await;
    let client = client_for(&url);
    let error = client.chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap_err();
    assert!(matches!(&error, Error::StreamTruncated { partial_text, .. } if partial_text == "Hi"), "{error:?}");
    still_usable(&client).await;
}

#[tokio::test]
async fn a_10_mb_garbage_body_is_a_decode_error_with_a_short_snippet() {
    let url = hostile(|mut socket| async move {
        let garbage: Vec<u8> = (0..10 * 1024 * 1024).map(|i: u32| b"<{\"x\xff]]"[(i % 7) as usize]).collect();
        let head =
            format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", garbage.len());
        let _ = socket.write_all(head.as_bytes()).await;
        let _ = socket.write_all(&garbage).await;
    })
    .await;
    let client = client_for(&url);
    let error = client.chat("m").user("hi").send().await.unwrap_err();
    let Error::Decode { status, body, .. } = &error else { panic!("{error:?}") };
    assert_eq!(*status, 200);
    assert!(body.len() < 4096, "the error keeps a snippet, not the body ({} bytes)", body.len());
    assert!(error.to_string().len() < 1024);
    still_usable(&client).await;
}

#[tokio::test]
async fn an_endless_stream_of_comments_is_stopped_by_the_total_timeout() {
    let url = hostile(|mut socket| async move {
        let _ = socket.write_all(SSE_HEAD).await;
        loop {
            if socket.write_all(b": OPENROUTER PROCESSING\n\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let client = client_for(&url);
    // Comments keep the idle timeout from firing (they are keep-alives); the total timeout bounds it.
    let started = Instant::now();
    let stream = client.chat("m").user("hi").total_timeout(Duration::from_secs(1)).stream().await.unwrap();
    let error = stream.collect_response().await.unwrap_err();
    assert!(matches!(error, Error::StreamTruncated { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    still_usable(&client).await;
}

#[tokio::test]
async fn an_endless_line_without_a_newline_is_bounded() {
    let url = hostile(|mut socket| async move {
        let _ = socket.write_all(SSE_HEAD).await;
        let _ = socket.write_all(b"data: {\"id\": \"").await;
        let block = vec![b'x'; 1024 * 1024];
        for _ in 0..64 {
            if socket.write_all(&block).await.is_err() {
                return;
            }
        }
    })
    .await;
    let client = client_for(&url);
    let error = client.chat("m").user("hi").stream().await.unwrap().collect_response().await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { message, .. } if message.contains("went past 33554432 bytes")),
        "{error:?}"
    );
    still_usable(&client).await;
}

#[tokio::test]
async fn headers_dribbled_slowly_are_stopped_by_the_request_timeout() {
    let url = hostile(|mut socket| async move {
        for byte in b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-slow: ".iter().chain([b'a'; 1000].iter()) {
            if socket.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let client = client_for(&url);
    let started = Instant::now();
    let error = client.chat("m").user("hi").timeout(Duration::from_secs(1)).send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { kind: TransportKind::Timeout, .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    still_usable(&client).await;
}
