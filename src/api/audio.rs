//! Speech (`POST /audio/speech`) and transcription (`POST /audio/transcriptions`).

use std::path::Path;

use base64::Engine;
use bytes::Bytes;
use futures_util::FutureExt;
use serde_json::json;

use crate::{
    ByteStream, Client, Error,
    request::unless_refused,
    structured::{from_json, set},
    types::{SpeechRequest, SttRequest, SttResponse},
};

/// # Conveniences of the `audio` area (feature `audio`)
///
/// Speech and transcription builders; its generated operations are in the block headed "The `audio` area".
impl Client {
    /// Speech from text: `model` reads `input` aloud.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// let audio = client.speech("openai/gpt-4o-mini-tts", "Hello!").voice("alloy").format("mp3").send().await?;
    /// std::fs::write("hello.mp3", &audio).expect("a writable file");
    /// # Ok(()) }
    /// ```
    pub fn speech(&self, model: impl Into<String>, input: impl Into<String>) -> SpeechRequestBuilder {
        let request = from_json(json!({ "model": model.into(), "input": input.into() }));
        SpeechRequestBuilder::new(self, request)
    }

    /// A transcription of audio by `model`; give the audio with
    /// [`file`](TranscriptionRequestBuilder::file) or [`audio`](TranscriptionRequestBuilder::audio).
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// let text = client.transcription("openai/whisper-large-v3").file("meeting.mp3").await?.text().await?;
    /// # Ok(()) }
    /// ```
    pub fn transcription(&self, model: impl Into<String>) -> TranscriptionRequestBuilder {
        let request = from_json(json!({ "model": model.into(), "input_audio": { "data": "", "format": "" } }));
        TranscriptionRequestBuilder::new(self, request)
    }
}

/// A speech request being built over the generated [`SpeechRequest`].
pub type SpeechRequestBuilder = crate::api::builder::RequestBuilder<SpeechRequest>;

impl SpeechRequestBuilder {
    /// The voice.
    pub fn voice(mut self, voice: impl Into<String>) -> Self {
        set(&mut self.request, "voice", json!(voice.into()));
        self
    }

    /// The audio format, e.g. `mp3` or `pcm`.
    #[inline]
    pub fn format(mut self, format: &str) -> Self {
        set(&mut self.request, "response_format", json!(format));
        self
    }

    /// Sends the request and returns the audio bytes. An answer that is not audio is an error.
    #[inline]
    pub fn send(self) -> impl Future<Output = Result<Bytes, Error>> + Send + 'static {
        self.stream().then(|stream| async move { stream?.collect(crate::client::MAX_BODY_BYTES).await })
    }

    /// Sends the request and returns the audio as it arrives. An answer that is not audio is an error.
    #[inline]
    pub fn stream(self) -> impl Future<Output = Result<ByteStream, Error>> + Send + 'static {
        let client = self.client;
        let call = crate::api::builder::configure!(client.create_speech(self.request), self.retry, self.timeout);
        call.bytes_stream().map(|stream| stream?.expect_media("audio"))
    }

    /// Sends the request and writes the audio to `path`, as it arrives; returns the bytes written.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let stream = self.stream().await?;
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| Error::InvalidRequest(format!("cannot create {}: {e}", path.display())))?;
        stream.write_to(&mut file).await
    }
}

/// A transcription request being built over the generated [`SttRequest`].
pub type TranscriptionRequestBuilder = crate::api::builder::RequestBuilder<SttRequest>;

impl TranscriptionRequestBuilder {
    /// The audio file at `path`, read without blocking the runtime; its extension names the
    /// format (`wav`, `mp3`, ...).
    pub async fn file(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let format = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        if format.is_empty() {
            return Err(Error::InvalidRequest(format!("{}: no extension to tell the audio format", path.display())));
        }
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| Error::InvalidRequest(format!("cannot read {}: {e}", path.display())))?;
        Ok(self.audio(&bytes, &format))
    }

    /// The audio bytes and their format (`wav`, `mp3`, `flac`, ...).
    #[inline]
    pub fn audio(mut self, bytes: &[u8], format: &str) -> Self {
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        set(&mut self.request, "input_audio", json!({ "data": data, "format": format }));
        self
    }

    /// The language of the audio (ISO-639-1), when known.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        set(&mut self.request, "language", json!(language.into()));
        self
    }

    /// Sends the request and returns the answer as the spec types it.
    #[inline]
    pub fn send(self) -> impl Future<Output = Result<SttResponse, Error>> + Send + 'static {
        if self.request.input_audio.data.is_empty() {
            return unless_refused(Err(Error::InvalidRequest(
                "no audio: add it with .file(...) or .audio(...)".into(),
            )));
        }
        let client = self.client;
        unless_refused(Ok(crate::api::builder::configure!(
            client.create_transcription(self.request),
            self.retry,
            self.timeout
        )
        .send()))
    }

    /// Sends the request and returns the transcribed text.
    #[inline]
    pub fn text(self) -> impl Future<Output = Result<String, Error>> + Send + 'static {
        self.send().map(|answer| Ok(answer?.text))
    }
}
