//! Image generation (`POST /images`): the rules of its event stream.

use serde_json::json;

use crate::{
    error::ApiError,
    events::{EventStream, Progress, StreamEvent, sealed::Sealed, stream_error, unknown_error},
    types::CreateImagesEvent,
};

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

    fn push(&mut self, event: &CreateImagesEvent) -> Option<ApiError> {
        match event {
            CreateImagesEvent::ImageGenTextChunkEvent(e) => self.text.push_str(&e.text),
            CreateImagesEvent::ImageGenCompletedEvent(_) => self.completed = true,
            CreateImagesEvent::ImageGenStreamErrorEvent(e) => {
                return Some(stream_error(json!({"code": e.error.code, "message": e.error.message})));
            }
            CreateImagesEvent::Unknown(fields) => return unknown_error(fields),
            CreateImagesEvent::ImageGenPartialImageEvent(_) => {}
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
