//! Large files held to bounded memory: 100 MB of video written as it arrives, 100 MB uploaded
//! from disk as it is read, neither ever held whole. Counted by a global allocator of this test
//! binary (the peak of live heap bytes), with the server reading or writing through one 64 KiB
//! buffer, so only the client's memory is in the figure.
#![cfg(any(feature = "video", feature = "files"))]

#[path = "it/common/mod.rs"]
mod common;

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::atomic::{AtomicUsize, Ordering},
};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SIZE: usize = 100 * 1024 * 1024;

/// The tests share the counters: one at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[cfg(feature = "video")]
#[tokio::test(flavor = "current_thread")]
async fn a_100_mb_download_is_written_with_bounded_memory() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let url = common::raw_server(|mut socket| async move {
        let head = format!("HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: {SIZE}\r\n\r\n");
        socket.write_all(head.as_bytes()).await.unwrap();
        let chunk = vec![7u8; 64 * 1024];
        for _ in 0..SIZE / chunk.len() {
            if socket.write_all(&chunk).await.is_err() {
                return;
            }
        }
    })
    .await;
    let client = openrouter_bindings::Client::builder()
        .api_key("sk-or-test")
        .base_url(format!("{url}/api/v1"))
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let download = client.download_video("job-1").bytes_stream().await.unwrap();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let mut sink = tokio::io::sink();
    let written = download.write_to(&mut sink).await.unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(written, SIZE as u64);
    assert!(peak < 4 * 1024 * 1024, "{peak} bytes live at the peak for a {SIZE}-byte download");
    println!("a {SIZE}-byte download: {peak} bytes of heap at the peak above the start");
}

/// What the upload server saw: the declared length, the bytes received, how many of them were
/// the file's byte, and how the body ended.
#[cfg(feature = "files")]
#[derive(Debug, Default)]
struct Received {
    declared: u64,
    bytes: u64,
    file_bytes: u64,
    tail: Vec<u8>,
}

/// A server that reads one upload through a 64 KiB buffer and answers with a file's metadata.
#[cfg(feature = "files")]
async fn upload_server() -> (String, tokio::sync::oneshot::Receiver<Received>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tell, told) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = vec![0u8; 64 * 1024];
        let mut head = Vec::new();
        let mut received = Received::default();
        let count = |data: &[u8], received: &mut Received| {
            received.bytes += data.len() as u64;
            received.file_bytes += data.iter().filter(|b| **b == 7).count() as u64;
            received.tail.extend_from_slice(data);
            let keep = received.tail.len().saturating_sub(128);
            received.tail.drain(..keep);
        };
        let body_start = loop {
            let n = socket.read(&mut buffer).await.unwrap();
            head.extend_from_slice(&buffer[..n]);
            if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let text = String::from_utf8_lossy(&head[..body_start]).to_ascii_lowercase();
        received.declared = text
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map(|v| v.trim().parse().unwrap())
            .expect("a content-length");
        let first = head[body_start..].to_vec();
        count(&first, &mut received);
        while received.bytes < received.declared {
            let n = socket.read(&mut buffer).await.unwrap();
            if n == 0 {
                break;
            }
            count(&buffer[..n], &mut received);
        }
        let body = r#"{"_shape":"openrouter","id":"or_file_1","filename":"big.bin","mime_type":"application/octet-stream","size_bytes":104857600,"created_at":"2025-01-01T00:00:00Z","downloadable":false,"type":"file"}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(answer.as_bytes()).await.unwrap();
        let _ = tell.send(received);
    });
    (url, told)
}

#[cfg(feature = "files")]
#[tokio::test(flavor = "current_thread")]
async fn a_100_mb_upload_is_read_from_disk_with_bounded_memory() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let path = std::env::temp_dir().join(format!("openrouter-bindings-upload-{}.bin", std::process::id()));
    {
        let mut file = std::fs::File::create(&path).unwrap();
        let chunk = vec![7u8; 64 * 1024];
        for _ in 0..SIZE / chunk.len() {
            std::io::Write::write_all(&mut file, &chunk).unwrap();
        }
    }
    let (url, received) = upload_server().await;
    let client = openrouter_bindings::Client::builder()
        .api_key("sk-or-test")
        .base_url(format!("{url}/api/v1"))
        .allow_insecure_http(true)
        .build()
        .unwrap();
    let form = openrouter_bindings::Form::new().file_path("file", &path, "application/octet-stream");
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let uploaded = client.upload_file(form).send().await.unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    std::fs::remove_file(&path).unwrap();
    let received = received.await.unwrap();
    let openrouter_bindings::types::FileResponse::Openrouter(uploaded) = uploaded else { panic!("{uploaded:?}") };
    assert_eq!(uploaded.id, "or_file_1");
    assert_eq!(received.bytes, received.declared, "the body is as long as its content-length");
    assert_eq!(received.file_bytes, SIZE as u64, "every byte of the file arrived");
    assert!(received.tail.ends_with(b"--\r\n"), "the form is closed: {:?}", String::from_utf8_lossy(&received.tail));
    assert!(peak < 4 * 1024 * 1024, "{peak} bytes live at the peak for a {SIZE}-byte upload");
    println!("a {SIZE}-byte upload: {peak} bytes of heap at the peak above the start");
}
