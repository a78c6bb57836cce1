//! Video generation (`POST /videos`): create a job, wait for it with backoff, download the video.

use std::time::Duration;

use futures_util::FutureExt;
use serde_json::json;

use crate::{
    ByteStream, Client, Error,
    error::ApiError,
    structured::{from_json, set},
    types::{VideoGenerationRequest, VideoGenerationResponse},
};

/// # Conveniences of the `video` area (feature `video`)
///
/// The video job builder; its generated operations are in the block headed "The `video` area".
impl Client {
    /// A video generation job: `model` films `prompt`.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// use std::time::Duration;
    /// let mut job = client.video("google/veo-3.1", "a cat surfing").send().await?;
    /// println!("{}", job.wait(Duration::from_secs(600)).await?.status);
    /// let mut file = tokio::fs::File::create("cat.mp4").await.expect("a writable file");
    /// job.download(0).await?.write_to(&mut file).await?;
    /// # Ok(()) }
    /// ```
    pub fn video(&self, model: impl Into<String>, prompt: impl Into<String>) -> VideoRequestBuilder {
        let request = from_json(json!({ "model": model.into(), "prompt": prompt.into() }));
        VideoRequestBuilder::new(self, request)
    }
}

/// A video generation request being built over the generated [`VideoGenerationRequest`].
pub type VideoRequestBuilder = crate::api::builder::RequestBuilder<VideoGenerationRequest>;

impl VideoRequestBuilder {
    /// The length in seconds.
    #[inline]
    pub fn duration(mut self, seconds: std::num::NonZeroU64) -> Self {
        set(&mut self.request, "duration", json!(seconds));
        self
    }

    /// Creates the job; returns it as first reported (usually `pending`).
    #[inline]
    pub fn send(self) -> impl Future<Output = Result<VideoJob, Error>> + Send + 'static {
        let client = self.client;
        let sent =
            crate::api::builder::configure!(client.create_video_job(self.request), self.retry, self.timeout).send();
        sent.map(|job| Ok(VideoJob { client, job: job?, poll: (Duration::from_secs(2), Duration::from_secs(15)) }))
    }
}

/// A video generation job: its last known state, and the client to ask for news.
#[derive(Debug, Clone)]
pub struct VideoJob {
    client: Client,
    job: VideoGenerationResponse,
    /// The first wait between polls, and the longest.
    poll: (Duration, Duration),
}

impl VideoJob {
    /// The job as last reported.
    #[inline]
    pub fn state(&self) -> &VideoGenerationResponse {
        &self.job
    }

    /// The job id.
    #[inline]
    pub fn id(&self) -> &str {
        &self.job.id
    }

    /// The wait between polls: `first`, doubling up to `longest` (default 2 s up to 15 s).
    #[inline]
    pub fn poll_interval(mut self, first: Duration, longest: Duration) -> Self {
        self.poll = (first, longest.max(first));
        self
    }

    /// Asks for the job's state once.
    pub async fn refresh(&mut self) -> Result<&VideoGenerationResponse, Error> {
        self.job = self.client.get_video_job(&self.job.id).send().await?;
        Ok(&self.job)
    }

    /// Polls, with backoff, until the job is `completed` (returned), or fails: a `failed`,
    /// `cancelled` or `expired` job is [`Error::Api`] with its error; still running at `deadline`
    /// is a [`Error::Transport`] timeout. Errors while polling end the wait too (the client's
    /// retry policy applies to each poll).
    pub async fn wait(&mut self, deadline: Duration) -> Result<&VideoGenerationResponse, Error> {
        // A deadline too far away to be an instant (`Duration::MAX`) is none.
        let give_up = tokio::time::Instant::now().checked_add(deadline);
        let past = |at: Option<tokio::time::Instant>| at.is_some_and(|at| tokio::time::Instant::now() >= at);
        let mut pause = self.poll.0;
        loop {
            match status(&self.job).as_str() {
                "completed" => return Ok(&self.job),
                "failed" | "cancelled" | "expired" => return Err(self.failure()),
                _ => {}
            }
            if past(give_up) {
                return Err(Error::timeout(deadline, &self.job.id, "the video job's deadline"));
            }
            let left = give_up.map_or(Duration::MAX, |at| at.saturating_duration_since(tokio::time::Instant::now()));
            tokio::time::sleep(pause.min(left)).await; // tokio caps a wait past its far future
            if past(give_up) {
                return Err(Error::timeout(deadline, &self.job.id, "the video job's deadline"));
            }
            pause = pause.saturating_mul(2).min(self.poll.1);
            self.refresh().await?;
        }
    }

    #[inline]
    fn failure(&self) -> Error {
        let status = status(&self.job);
        let message = self.job.error.clone().unwrap_or_else(|| format!("the video job ended `{status}`"));
        let body =
            serde_json::to_vec(&json!({"error": {"code": status, "message": message}})).expect("JSON serializes");
        let mut error = ApiError::from_envelope(200, &body).unwrap_or_else(|| ApiError::from_body(200, &body));
        error.generation_id = self.job.generation_id.clone();
        Error::Api(Box::new(error))
    }

    /// The video (the `index`-th, for jobs that made several) as it downloads. An answer that is
    /// not video is an error.
    pub async fn download(&self, index: i64) -> Result<ByteStream, Error> {
        self.client.download_video(&self.job.id).index(index).bytes_stream().await?.expect_media("video")
    }
}

#[inline]
fn status(job: &VideoGenerationResponse) -> String {
    job.status.to_string()
}
