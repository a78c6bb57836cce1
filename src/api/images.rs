//! Image generation (`POST /images`): a builder over the generated request, the image bytes of an
//! answer whatever form they come in, and the rules of its event stream.

use base64::Engine;
use bytes::Bytes;
use futures_util::FutureExt;
use serde_json::json;

use crate::{
    Client, Error,
    events::{EventStream, Progress, StreamEvent, error_in, sealed::Sealed},
    request::unless_refused,
    structured::{from_json, set, wire},
    types::{CreateImagesEvent, ImageGenerationRequest, ImageGenerationResponse},
};

/// # Conveniences of the `images` area (feature `images`)
///
/// The image generation builder; its generated operations are in the block headed "The `images` area".
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
        ImagesRequestBuilder::new(self, request)
    }
}

/// An image generation request being built: the generated [`ImageGenerationRequest`] plus the
/// call's settings. Anything without a setter here is a field of [`request_mut`](Self::request_mut).
pub type ImagesRequestBuilder = crate::api::builder::RequestBuilder<ImageGenerationRequest>;

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
    #[inline]
    pub fn n(mut self, n: i64) -> Self {
        set(&mut self.request, "n", json!(n));
        self
    }

    /// The size, e.g. `1024x1024`.
    pub fn size(mut self, size: impl Into<String>) -> Self {
        set(&mut self.request, "size", json!(size.into()));
        self
    }

    /// Sends the request and returns the answer as the spec types it.
    #[inline]
    pub fn send(self) -> impl Future<Output = Result<ImageGenerationResponse, Error>> + Send + 'static {
        let client = self.client;
        crate::api::builder::configure!(client.create_images(self.request), self.retry, self.timeout).send()
    }

    /// Sends the request and returns the images' bytes, whatever form the answer carried them in
    /// (see [`ImageGenerationResponse::images`]).
    #[inline]
    pub fn generate(self) -> impl Future<Output = Result<Vec<Image>, Error>> + Send + 'static {
        let client = self.client.clone();
        self.send().then(move |answer| unless_refused(answer.map(|answer| async move { answer.images(&client).await })))
    }

    /// Sends the request with `stream: true` and returns its events; see [`ImagesStream`].
    #[inline]
    pub fn stream(self) -> impl Future<Output = Result<ImagesStream, Error>> + Send + 'static {
        let client = self.client;
        crate::api::builder::configure!(client.create_images(self.request), self.retry, self.timeout).stream()
    }
}

impl ImageGenerationResponse {
    /// The images' bytes. Each item's `b64_json` may hold base64, a `data:` URL, or (some
    /// providers) an `https` URL; an item with only a `url` is that link. Links are downloaded
    /// without the API key (`https` only, or plain `http` to a loopback host). An item with
    /// neither is an error, never an empty image.
    pub async fn images(&self, client: &Client) -> Result<Vec<Image>, Error> {
        let mut images = Vec::with_capacity(self.data.len());
        for (at, item) in self.data.iter().enumerate() {
            let item = wire(item);
            let media_type = item["media_type"].as_str().map(str::to_owned);
            images.push(match payload(&item, at)? {
                Payload::Inline(data) => inline_image(data, media_type)?,
                Payload::Link(url) => {
                    let (bytes, served_type) = client.download(url).await?;
                    Image { bytes, media_type: media_type.or(served_type) }
                }
            });
        }
        Ok(images)
    }
}

/// Where an image item's bytes are.
enum Payload<'a> {
    /// Base64, or a `data:` URL.
    Inline(&'a str),
    /// A link to fetch.
    Link(&'a str),
}

/// The payload of image item `at` (in its wire form): `b64_json`, else `url`; an error if it has
/// neither.
#[inline]
fn payload(item: &serde_json::Value, at: usize) -> Result<Payload<'_>, Error> {
    let text = |key: &str| item[key].as_str().filter(|t| !t.trim().is_empty());
    match (text("b64_json"), text("url")) {
        (Some(data), _) if !is_link(data) => Ok(Payload::Inline(data)),
        (Some(link), _) | (None, Some(link)) if is_link(link) => Ok(Payload::Link(link)),
        (None, Some(data)) if data.starts_with("data:") => Ok(Payload::Inline(data)),
        _ => Err(Error::Decode {
            status: 200,
            message: format!("image {at} has neither image data (`b64_json`) nor a link (`url`)"),
            body: crate::error::snippet(item.to_string().as_bytes()),
        }),
    }
}

#[inline]
fn is_link(payload: &str) -> bool {
    payload.starts_with("https://") || payload.starts_with("http://")
}

/// The bytes of an inline payload: base64, or a `data:` URL.
#[inline]
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
    /// Reads the whole stream and returns every completed image, in order (partial images
    /// skipped). An image that is a link rather than data is an error here (a stream has no
    /// client to fetch it with: use [`ImagesRequestBuilder::generate`]); so is a stream that
    /// completed without an image.
    pub async fn collect_images(self) -> Result<Vec<Image>, Error> {
        let mut completed = Vec::new();
        self.for_each(|event| {
            let wire = wire(&event);
            if wire["type"] == "image_generation.completed" {
                completed.push(wire);
            }
        })
        .await?;
        if completed.is_empty() {
            return Err(Error::Decode {
                status: 200,
                message: "the image stream completed without an image".into(),
                body: String::new(),
            });
        }
        let mut images = Vec::with_capacity(completed.len());
        for (at, event) in completed.iter().enumerate() {
            let media_type = event["media_type"].as_str().map(str::to_owned);
            match payload(event, at)? {
                Payload::Inline(data) => images.push(inline_image(data, media_type)?),
                Payload::Link(url) => {
                    return Err(Error::InvalidOutput {
                        message: format!(
                            "streamed image {at} is a link, not image data: fetch it, or use `generate()`, which does"
                        ),
                        raw: url.to_owned(),
                    });
                }
            }
        }
        Ok(images)
    }
}

/// A streamed image generation: partial images, text chunks (SVG), and an
/// `image_generation.completed` event per image, then `[DONE]`. Every image until `[DONE]` is
/// read (with `n = 2`, two completed events); a stream that ends without `[DONE]` is complete if
/// an image completed. An `error` event is [`crate::Error::Api`]. A server that answers the
/// stream request with the whole JSON answer (the spec allows it) gives that answer's images as
/// completed events.
pub type ImagesStream = EventStream<CreateImagesEvent>;

impl Sealed for CreateImagesEvent {}
impl StreamEvent for CreateImagesEvent {
    type Progress = ImagesProgress;

    #[inline]
    fn from_whole(body: &[u8]) -> Option<Result<Vec<u8>, Error>> {
        let answer: ImageGenerationResponse = match Error::from_json(200, body) {
            Ok(answer) => answer,
            Err(e) => return Some(Err(e)),
        };
        let mut sse = Vec::new();
        for item in &answer.data {
            let mut event = wire(item);
            event["type"] = json!("image_generation.completed");
            sse.extend_from_slice(format!("data: {event}\n\n").as_bytes());
        }
        sse.extend_from_slice(b"data: [DONE]\n\n");
        Some(Ok(sse))
    }
}

/// What an image stream remembers: the text chunks so far, and whether an image completed (a
/// stream that ends without `[DONE]` after one is complete).
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct ImagesProgress {
    text: String,
    completed: bool,
}

impl Progress<CreateImagesEvent> for ImagesProgress {
    // Each image has its `completed` event; only `[DONE]` says there are no more.
    const DONE_COMPLETES: bool = true;

    // Read through the wire form: the event variants differ between spec versions.
    #[inline]
    fn push(&mut self, event: &CreateImagesEvent) -> Option<Error> {
        let wire = wire(event);
        let error = match wire["type"].as_str().unwrap_or_default() {
            "image_generation.text_chunk" => {
                self.text.push_str(wire["text"].as_str().unwrap_or_default());
                None
            }
            "image_generation.completed" => {
                self.completed = true;
                None
            }
            _ => wire.as_object().and_then(error_in),
        };
        error.map(|e| Error::Api(Box::new(e)))
    }

    #[inline]
    fn is_complete(&self) -> bool {
        self.completed
    }

    #[inline]
    fn partial_text(&self) -> String {
        self.text.clone()
    }

    #[inline]
    fn id(&self) -> Option<String> {
        None
    }
}
