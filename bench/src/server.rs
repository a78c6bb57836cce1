//! The loopback server, run in its own process (`bench serve`) so that the client's CPU time can be
//! read off the benchmark process alone. Every answer is encoded once, up front: serving costs a
//! request parse and one write.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::fixtures;
use crate::workloads::{HELD_DEPTHS, LARGE_BYTES, LONG_CHUNKS, MANY_CHUNKS, SMALL_BYTES};

/// One encoded HTTP answer per route (the path's first segment).
struct Answers {
    small: Vec<u8>,
    large: Vec<u8>,
    long: Vec<u8>,
    many: Vec<u8>,
    /// Streams that stop after `HELD_DEPTHS[i]` content chunks and never end.
    stalled: Vec<Vec<u8>>,
    /// A Responses API stream (`bench responses`).
    responses: Vec<u8>,
}

fn json_answer(body: &[u8]) -> Vec<u8> {
    let mut out =
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len())
            .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Chunked transfer encoding in 16 KiB pieces, as a proxy flushing a stream would send it.
fn sse_answer(body: &[u8], terminate: bool) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    for piece in body.chunks(16 * 1024) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    if terminate {
        out.extend_from_slice(b"0\r\n\r\n");
    }
    out
}

/// The first `chunks` content chunks of a stream, without its finish, usage and `[DONE]`.
fn stalled(chunks: usize) -> Vec<u8> {
    let stream = fixtures::stream(chunks).0;
    let finish = stream.windows(21).position(|w| w == b"\"finish_reason\":\"stop").unwrap();
    let cut = stream[..finish].windows(6).rposition(|w| w == b"data: ").unwrap();
    sse_answer(&stream[..cut], false)
}

fn answers() -> Answers {
    Answers {
        small: json_answer(&fixtures::response(&fixtures::text_of(SMALL_BYTES)).0),
        large: json_answer(&fixtures::response(&fixtures::text_of(LARGE_BYTES)).0),
        long: sse_answer(&fixtures::stream(LONG_CHUNKS).0, true),
        many: sse_answer(&fixtures::stream(MANY_CHUNKS).0, true),
        stalled: HELD_DEPTHS.iter().map(|&n| stalled(n)).collect(),
        responses: sse_answer(&crate::responses::transcript().0, true),
    }
}

/// Serves forever; prints the port on stdout first.
pub fn run() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let answers = Arc::new(answers());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        loop {
            let Ok((socket, _)) = listener.accept().await else { continue };
            socket.set_nodelay(true).ok();
            tokio::spawn(serve_connection(socket, answers.clone()));
        }
    });
}

async fn serve_connection(mut socket: TcpStream, answers: Arc<Answers>) {
    let mut buffer = Vec::with_capacity(8192);
    let mut read = vec![0u8; 64 * 1024];
    loop {
        // One request: the head, then as many body bytes as content-length says.
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match socket.read(&mut read).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&read[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            match socket.read(&mut read).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&read[..n]),
            }
        }
        let path = head.split(' ').nth(1).unwrap_or("/");
        let answer = match path.trim_start_matches('/').split('/').next() {
            Some("small") => &answers.small,
            Some("large") => &answers.large,
            Some("long") => &answers.long,
            Some("many") => &answers.many,
            Some("responses") => &answers.responses,
            Some(route) if route.starts_with("stall-") => {
                let depth: usize = route["stall-".len()..].parse().unwrap_or(0);
                let Some(at) = HELD_DEPTHS.iter().position(|&d| d == depth) else { return };
                let _ = socket.write_all(&answers.stalled[at]).await;
                // Hold the stream open until the client goes away.
                while let Ok(n) = socket.read(&mut read).await {
                    if n == 0 {
                        break;
                    }
                }
                return;
            }
            _ => return,
        };
        buffer.drain(..head_end + length);
        if socket.write_all(answer).await.is_err() {
            return;
        }
    }
}
