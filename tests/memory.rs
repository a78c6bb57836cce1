//! A large download held to bounded memory: 100 MB of video, written as it arrives, never held
//! whole. Counted by a global allocator of this test binary (the peak of live heap bytes), with
//! the server writing from one 64 KiB buffer, so only the client's memory is in the figure.
#![cfg(feature = "video")]

mod common;

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::atomic::{AtomicUsize, Ordering},
};

use tokio::io::AsyncWriteExt;

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

#[tokio::test(flavor = "current_thread")]
async fn a_100_mb_download_is_written_with_bounded_memory() {
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
