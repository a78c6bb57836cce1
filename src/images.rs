//! Image generation (`POST /images`): a builder over the generated request, the image bytes of an
//! answer whatever form they come in, and the rules of its event stream.

use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use serde_json::json;

use crate::{
    Client, Error, RetryPolicy,
    error::ApiError,
    events::{EventStream, Progress, StreamEvent, sealed::Sealed, stream_error, unknown_error},
    structured::{from_json, set},
    types::{CreateImagesEvent, ImageGenerationRequest, ImageGenerationResponse},
};

impl Client {
    /// An image generation request: `model` draws `prompt`.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// let images = client.images("openai/gpt-image-1", "a red bicycle").generate().await?;
    /// std::fs::write("bicycle.png", &images[0].bytes).expect("a writable file");
    /// # Ok(()) }
    /// ```
    pub fn images(&self, model: impl Into<String>, prompt: impl Into<String>) -> ImagesRequestBuilder {
        let request = from_json(json!({ "model": model.into(), "prompt": prompt.into() }));
        ImagesRequestBuilder { client: self.clone(), request, retry: None, timeout: None }
    }
}

/// An image generation request being built: the generated [`ImageGenerationRequest`] plus the
/// call's settings. Anything without a setter here is a field of [`request_mut`](Self::request_mut).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ImagesRequestBuilder {
    client: Client,
    request: ImageGenerationRequest,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
}

/// One generated image.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Image {
    /// The image file's bytes.
    pub bytes: Bytes,
    /// Its media type (`image/png`), when the answer named it.
    pub media_type: Option<String>,
}

impl ImagesRequestBuilder {
    /// How many images.
    pub fn n(mut self, n: i64) -> Self {
        set(&mut self.request, "n", json!(n));
        self
    }

    /// The size, e.g. `1024x1024`.
    pub fn size(mut self, size: impl Into<String>) -> Self {
        set(&mut self.request, "size", json!(size.into()));
        self
    }

    crate::request::call_settings!(ImageGenerationRequest);

    /// Sends the request and returns the answer as the spec types it.
    pub async fn send(self) -> Result<ImageGenerationResponse, Error> {
        let client = self.client;
        crate::request::configure!(client.create_images(self.request), self.retry, self.timeout).send().await
    }

    /// Sends the request and returns the images' bytes, whatever form the answer carried them in
    /// (see [`ImageGenerationResponse::images`]).
    pub async fn generate(self) -> Result<Vec<Image>, Error> {
        let client = self.client.clone();
        self.send().await?.images(&client).await
    }

    /// Sends the request with `stream: true` and returns its events; see [`ImagesStream`].
    pub async fn stream(self) -> Result<ImagesStream, Error> {
        let client = self.client;
        crate::request::configure!(client.create_images(self.request), self.retry, self.timeout).stream().await
    }
}

impl ImageGenerationResponse {
    /// The images' bytes. Each item's `b64_json` may hold base64, a `data:` URL, or (some
    /// providers) an `https` URL, which is downloaded without the API key.
    pub async fn images(&self, client: &Client) -> Result<Vec<Image>, Error> {
        let mut images = Vec::with_capacity(self.data.len());
        for item in &self.data {
            let item = serde_json::to_value(item).unwrap_or_default();
            let media_type = item["media_type"].as_str().map(str::to_owned);
            let payload = item["b64_json"].as_str().or(item["url"].as_str()).unwrap_or_default();
            images.push(image_of(payload, media_type, client).await?);
        }
        Ok(images)
    }
}

/// The bytes behind one image payload.
async fn image_of(payload: &str, media_type: Option<String>, client: &Client) -> Result<Image, Error> {
    if payload.starts_with("https://") || payload.starts_with("http://") {
        let (bytes, served_type) = client.download(payload).await?;
        return Ok(Image { bytes, media_type: media_type.or(served_type) });
    }
    inline_image(payload, media_type)
}

/// The bytes of an inline payload: base64, or a `data:` URL.
fn inline_image(payload: &str, media_type: Option<String>) -> Result<Image, Error> {
    let (data_type, base64) = match payload.strip_prefix("data:").and_then(|rest| rest.split_once(";base64,")) {
        Some((data_type, base64)) => (Some(data_type.to_owned()), base64),
        None => (None, payload),
    };
    let bytes = base64::engine::general_purpose::STANDARD.decode(base64.trim()).map_err(|e| Error::Decode {
        status: 200,
        message: format!("an image is not base64, a data: URL or a URL: {e}"),
        body: crate::error::snippet(payload.as_bytes()),
    })?;
    Ok(Image { bytes: bytes.into(), media_type: media_type.or(data_type) })
}

impl EventStream<CreateImagesEvent> {
    /// Reads the whole stream and returns the completed images (partial images skipped).
    pub async fn collect_images(self) -> Result<Vec<Image>, Error> {
        let mut payloads = Vec::new();
        self.for_each(|event| {
            let wire = serde_json::to_value(&event).unwrap_or_default();
            if wire["type"] == "image_generation.completed" {
                let media_type = wire["media_type"].as_str().map(str::to_owned);
                payloads.push((wire["b64_json"].as_str().unwrap_or_default().to_owned(), media_type));
            }
        })
        .await?;
        // A stream's images are inline: never a URL to fetch.
        payloads.into_iter().map(|(payload, media_type)| inline_image(&payload, media_type)).collect()
    }
}

/// A streamed image generation: partial images, text chunks (SVG), then
/// `image_generation.completed`. Complete only at that event; an `error` event is [`crate::Error::Api`].
pub type ImagesStream = EventStream<CreateImagesEvent>;

impl Sealed for CreateImagesEvent {}
impl StreamEvent for CreateImagesEvent {
    type Progress = ImagesProgress;
}

/// What an image stream remembers: the text chunks so far, and whether it completed.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct ImagesProgress {
    text: String,
    completed: bool,
}

impl Progress<CreateImagesEvent> for ImagesProgress {
    const DONE_COMPLETES: bool = false;

    // Read through the wire form: the event variants differ between spec versions.
    fn push(&mut self, event: &CreateImagesEvent) -> Option<ApiError> {
        let wire = serde_json::to_value(event).unwrap_or_default();
        match wire["type"].as_str().unwrap_or_default() {
            "image_generation.text_chunk" => self.text.push_str(wire["text"].as_str().unwrap_or_default()),
            "image_generation.completed" => self.completed = true,
            "error" => {
                return Some(stream_error(json!({"code": wire["error"]["code"], "message": wire["error"]["message"]})));
            }
            _ => return wire.as_object().and_then(unknown_error),
        }
        None
    }

    fn is_complete(&self) -> bool {
        self.completed
    }

    fn partial_text(&self) -> String {
        self.text.clone()
    }

    fn id(&self) -> Option<String> {
        None
    }
}
