//! A scripted HTTP/1.1 server on 127.0.0.1 for the tests: it answers each request with the next
//! reply of its script (the last one repeats) and records what it received.
#![allow(dead_code)]

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Announce this many body bytes (more than sent: a truncated body).
    pub content_length: Option<usize>,
    /// Write the body in writes of this many bytes (0: one write).
    pub pieces: usize,
    /// How the body ends.
    pub framing: Framing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// `content-length`.
    Length,
    /// No length: the body ends when the server closes the connection (clean EOF).
    Close,
    /// Chunked, and the connection is cut before the last chunk (a broken connection).
    CutChunked,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::raw(status, "application/json", body.to_string())
    }

    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
            content_length: None,
            pieces: 0,
            framing: Framing::Length,
        }
    }

    /// An event stream, delimited by the server closing the connection.
    pub fn sse(transcript: &str) -> Reply {
        Reply { framing: Framing::Close, ..Reply::raw(200, "text/event-stream", transcript) }
    }

    pub fn pieces(mut self, size: usize) -> Reply {
        self.pieces = size;
        self
    }

    pub fn framing(mut self, framing: Framing) -> Reply {
        self.framing = framing;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub request_line: String,
    /// Header names lower-cased.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

pub struct TestServer {
    pub url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    pub async fn start(script: Vec<Reply>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api/v1", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        tokio::spawn(async move {
            let mut served = 0;
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                let reply = script[served.min(script.len() - 1)].clone();
                served += 1;
                let seen = seen.clone();
                tokio::spawn(async move {
                    let Some(recorded) = read_request(&mut socket).await else { return };
                    seen.lock().unwrap().push(recorded);
                    tokio::time::sleep(reply.delay).await;
                    let mut head = format!("HTTP/1.1 {} X\r\n", reply.status);
                    for (name, value) in &reply.headers {
                        head.push_str(&format!("{name}: {value}\r\n"));
                    }
                    match reply.framing {
                        Framing::Length => {
                            let length = reply.content_length.unwrap_or(reply.body.len());
                            head.push_str(&format!("content-length: {length}\r\n"));
                        }
                        Framing::Close => {}
                        Framing::CutChunked => head.push_str("transfer-encoding: chunked\r\n"),
                    }
                    head.push_str("connection: close\r\n\r\n");
                    let _ = socket.write_all(head.as_bytes()).await;
                    let size = if reply.pieces == 0 { reply.body.len().max(1) } else { reply.pieces };
                    for piece in reply.body.chunks(size) {
                        let framed = match reply.framing {
                            Framing::CutChunked => {
                                [format!("{:x}\r\n", piece.len()).as_bytes(), piece, b"\r\n"].concat()
                            }
                            _ => piece.to_vec(),
                        };
                        if socket.write_all(&framed).await.is_err() {
                            return;
                        }
                        let _ = socket.flush().await;
                        if reply.pieces > 0 {
                            tokio::task::yield_now().await;
                        }
                    }
                    if reply.framing == Framing::CutChunked {
                        // Half a chunk, then the connection drops: hyper reports an incomplete body.
                        let _ = socket.write_all(b"10\r\nabc").await;
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        TestServer { url, requests }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Recorded { request_line, headers, body })
}

/// A server for faults no script can describe: its first connection is handed to `behaviour` once
/// the request is read; every later one gets a healthy completion ("still here"), so a test can show
/// the same client still works afterwards.
pub async fn raw_server<F, Fut>(behaviour: F) -> String
where
    F: FnOnce(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut behaviour = Some(behaviour);
        while let Ok((mut socket, _)) = listener.accept().await {
            let first = behaviour.take();
            tokio::spawn(async move {
                if read_request(&mut socket).await.is_none() {
                    return;
                }
                match first {
                    Some(behaviour) => behaviour(socket).await,
                    None => {
                        let body = completion("still here").to_string();
                        let head = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = socket.write_all([head.as_bytes(), body.as_bytes()].concat().as_slice()).await;
                    }
                }
            });
        }
    });
    url
}

/// A realistic completion.
pub fn completion(text: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "gen-1732000000-abc", "object": "chat.completion", "created": 1732000000,
        "model": "openai/gpt-4o-mini", "provider": "OpenAI",
        "choices": [{"index": 0, "finish_reason": "stop", "native_finish_reason": "stop",
                     "message": {"role": "assistant", "content": text, "refusal": null}}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11, "cost": 0.000021}
    })
}

pub fn envelope(code: u16, message: &str, metadata: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"error": {"code": code, "message": message, "metadata": metadata}, "user_id": "user_1"})
}

/// A plain `reqwest` client, for talking to a local server directly. The crate builds reqwest
/// without a crypto provider of reqwest's own (it configures ring itself), so a bare
/// `reqwest::Client::new()` would panic here: ring is installed as this test process's default.
pub fn raw_http() -> reqwest::Client {
    #[cfg(feature = "rustls")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// The `data:` payloads of every saved stream transcript in `tests/fixtures/streams/<dir>` (`""`
/// for the chat ones), `[DONE]` left out, each with its file's name.
pub fn fixture_events(dir: &str) -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/streams").join(dir);
    let mut events = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "sse") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let data = text.lines().filter_map(|l| l.strip_prefix("data:")).map(str::trim).filter(|d| *d != "[DONE]");
        events.extend(data.map(|d| (name.clone(), d.to_owned())));
    }
    events
}
