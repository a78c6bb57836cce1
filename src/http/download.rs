//! Binary answers read as they arrive: [`ByteStream`], for video and file content, speech audio,
//! and images a response only links to.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use futures_core::Stream;

use crate::Error;

type Body = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A binary answer as it arrives: `Stream<Item = Result<Bytes, Error>>`.
///
/// A connection that breaks, or a body shorter than its `Content-Length`, ends it with
/// [`Error::Transport`]; no bytes for the idle timeout ends it with [`Error::StreamIdleTimeout`].
/// Dropping it closes the connection.
///
/// ```no_run
/// # #[cfg(feature = "video")]
/// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
/// let mut file = tokio::fs::File::create("video.mp4").await.expect("a writable file");
/// let written = client.download_video("job-1").bytes_stream().await?.write_to(&mut file).await?;
/// println!("{written} bytes");
/// # Ok(()) }
/// ```
#[must_use = "a stream does nothing unless polled"]
pub struct ByteStream {
    body: Option<Body>,
    host: String,
    content_type: Option<String>,
    idle_timeout: Option<Duration>,
    idle: Option<Pin<Box<tokio::time::Sleep>>>,
    total: Option<(Duration, Pin<Box<tokio::time::Sleep>>)>,
    received: u64,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream").field("received", &self.received).finish_non_exhaustive()
    }
}

impl ByteStream {
    pub(crate) fn from_response(
        response: reqwest::Response,
        host: &str,
        idle_timeout: Option<Duration>,
        total: Option<(Duration, tokio::time::Instant)>,
    ) -> Self {
        let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
        Self::from_body(Box::pin(response.bytes_stream()), host, content_type, idle_timeout, total)
    }

    pub(crate) fn from_body(
        body: Body,
        host: &str,
        content_type: Option<String>,
        idle_timeout: Option<Duration>,
        total: Option<(Duration, tokio::time::Instant)>,
    ) -> Self {
        ByteStream {
            body: Some(body),
            host: host.to_owned(),
            content_type,
            idle_timeout,
            idle: idle_timeout.map(|t| Box::pin(tokio::time::sleep(t))),
            total: total.map(|(limit, at)| (limit, Box::pin(tokio::time::sleep_until(at)))),
            received: 0,
        }
    }

    /// The answer's media type (`video/mp4`, `audio/mpeg`), as the server named it.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// Refuses an answer whose media type is not `kind/*` (or `application/octet-stream`): an
    /// HTML error page from a proxy is a [`Error::Decode`], not a video. No media type passes.
    pub fn expect_media(self, kind: &str) -> Result<Self, Error> {
        let media = self.content_type.as_deref().unwrap_or_default().to_ascii_lowercase();
        let fits =
            media.is_empty() || media.starts_with(&format!("{kind}/")) || media.starts_with("application/octet-stream");
        if fits {
            return Ok(self);
        }
        Err(Error::Decode {
            status: 200,
            message: format!("expected {kind} content, got `{media}`"),
            body: String::new(),
        })
    }

    /// Writes every byte to `writer` as it arrives (one chunk in memory at a time), then flushes
    /// it; returns how many. The writer is async (`tokio::fs::File`, a socket, `Vec<u8>`), so a
    /// slow disk never blocks the runtime.
    pub async fn write_to<W: tokio::io::AsyncWrite + Unpin + ?Sized>(mut self, writer: &mut W) -> Result<u64, Error> {
        use tokio::io::AsyncWriteExt;
        let failed = |e: std::io::Error| Error::InvalidRequest(format!("cannot write the download: {e}"));
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            writer.write_all(&chunk?).await.map_err(failed)?;
        }
        writer.flush().await.map_err(failed)?;
        Ok(self.received)
    }

    /// Reads everything into memory (at most `limit` bytes; more is an error).
    pub async fn collect(mut self, limit: usize) -> Result<Bytes, Error> {
        let mut all = bytes::BytesMut::new();
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            let chunk = chunk?;
            if all.len() + chunk.len() > limit {
                let message = format!("the download is larger than {limit} bytes; refused");
                return Err(Error::Decode { status: 200, message, body: String::new() });
            }
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(body) = this.body.as_mut() else { return Poll::Ready(None) };
        match body.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                if let (Some(idle), Some(timeout)) = (this.idle.as_mut(), this.idle_timeout) {
                    idle.as_mut().reset(tokio::time::Instant::now() + timeout);
                }
                this.received += bytes.len() as u64;
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.body = None;
                Poll::Ready(Some(Err(Error::transport(e, &this.host))))
            }
            Poll::Ready(None) => {
                this.body = None;
                Poll::Ready(None)
            }
            Poll::Pending => {
                let error = if let (Some(idle), Some(after)) = (this.idle.as_mut(), this.idle_timeout)
                    && idle.as_mut().poll(cx).is_ready()
                {
                    Error::StreamIdleTimeout { after, partial_text: String::new() }
                } else if let Some((limit, timer)) = this.total.as_mut()
                    && timer.as_mut().poll(cx).is_ready()
                {
                    Error::total_timeout_mid_stream(*limit, String::new())
                } else {
                    return Poll::Pending;
                };
                this.body = None;
                Poll::Ready(Some(Err(error)))
            }
        }
    }
}
