//! Request bodies: bytes in memory, or a `multipart/form-data` form whose files are read from
//! disk as they are sent.

use bytes::Bytes;

use crate::Error;

/// A request body: bytes in memory, or a form with files read from disk at each attempt.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Bytes(Bytes),
    Parts(Vec<Chunk>),
}

/// A run of a form's encoded body.
#[derive(Debug, Clone)]
pub(crate) enum Chunk {
    Bytes(Bytes),
    #[cfg_attr(not(any(feature = "files", feature = "audio")), allow(dead_code))]
    File(std::path::PathBuf),
}

impl Body {
    /// The body for one attempt, with its length when it is streamed: a file is opened again
    /// each time, so a retried upload sends it whole, and read 64 KiB at a time, so it is never
    /// held whole.
    pub(crate) async fn for_attempt(&self) -> Result<(reqwest::Body, Option<u64>), Error> {
        let chunks = match self {
            Body::Bytes(bytes) => return Ok((bytes.clone().into(), None)),
            Body::Parts(chunks) => chunks,
        };
        #[cfg(any(feature = "files", feature = "audio"))]
        {
            let mut length = 0;
            for chunk in chunks {
                length += match chunk {
                    Chunk::Bytes(bytes) => bytes.len() as u64,
                    Chunk::File(path) => tokio::fs::metadata(path).await.map_err(|e| unreadable(path, e))?.len(),
                };
            }
            Ok((reqwest::Body::wrap_stream(files::stream(chunks.clone())), Some(length)))
        }
        #[cfg(not(any(feature = "files", feature = "audio")))]
        {
            let bytes: Vec<u8> = chunks
                .iter()
                .flat_map(|c| match c {
                    Chunk::Bytes(b) => b.to_vec(),
                    Chunk::File(_) => unreachable!("files are added only with the `files` or `audio` feature"),
                })
                .collect();
            Ok((bytes.into(), None))
        }
    }
}

#[cfg(any(feature = "files", feature = "audio"))]
fn unreadable(path: &std::path::Path, e: std::io::Error) -> Error {
    Error::InvalidRequest(format!("cannot read {} for the form: {e}", path.display()))
}

/// A form's chunks as a stream, files read as they are sent.
#[cfg(any(feature = "files", feature = "audio"))]
mod files {
    use std::collections::VecDeque;

    use bytes::{Bytes, BytesMut};
    use tokio::io::AsyncReadExt;

    use super::Chunk;

    const READ: usize = 64 * 1024;

    pub(super) fn stream(chunks: Vec<Chunk>) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send {
        let state = (VecDeque::from(chunks), None::<tokio::fs::File>);
        futures_util::stream::try_unfold(state, |(mut chunks, mut open)| async move {
            loop {
                if let Some(file) = open.as_mut() {
                    let mut buffer = BytesMut::with_capacity(READ);
                    if file.read_buf(&mut buffer).await? > 0 {
                        return Ok(Some((buffer.freeze(), (chunks, open))));
                    }
                    open = None;
                }
                match chunks.pop_front() {
                    None => return Ok(None),
                    Some(Chunk::Bytes(bytes)) => return Ok(Some((bytes, (chunks, open)))),
                    Some(Chunk::File(path)) => open = Some(tokio::fs::File::open(path).await?),
                }
            }
        })
    }
}

/// A `multipart/form-data` body: text fields and files, in order.
///
/// ```
/// let form = openrouter_bindings::Form::new()
///     .file("file", "notes.pdf", "application/pdf", b"%PDF-1.7 ...".to_vec())
///     .text("purpose", "assistants");
/// ```
///
/// A large file is better sent from disk ([`Form::file_path`], with the `files` or `audio`
/// feature): it is read as it is sent, and read again if the request is retried.
#[derive(Debug, Clone, Default)]
pub struct Form {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    file: Option<(String, String)>,
    data: Chunk,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part { name: name.into(), file: None, data: Chunk::Bytes(Bytes::from(value.into())) });
        self
    }

    /// Adds a file: its field name, file name, media type and contents.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file: Some((file_name.into(), content_type.into())),
            data: Chunk::Bytes(data.into()),
        });
        self
    }

    /// Adds the file at `path` (named by its file name), read from disk when the request is sent
    /// and again at each retry, 64 KiB at a time. A file that cannot be read fails the call with
    /// [`Error::InvalidRequest`] before anything is sent.
    ///
    /// ```no_run
    /// # #[cfg(feature = "files")]
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// let form = openrouter_bindings::Form::new().file_path("file", "report.pdf", "application/pdf");
    /// let uploaded = client.upload_file(form).send().await?;
    /// # let _ = uploaded; Ok(()) }
    /// ```
    #[cfg(any(feature = "files", feature = "audio"))]
    pub fn file_path(
        mut self,
        name: impl Into<String>,
        path: impl Into<std::path::PathBuf>,
        content_type: impl Into<String>,
    ) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.parts.push(Part {
            name: name.into(),
            file: Some((file_name, content_type.into())),
            data: Chunk::File(path),
        });
        self
    }

    /// The content type (with its boundary) and the body.
    pub(crate) fn encode(&self) -> (String, Body) {
        let boundary = self.boundary();
        let quoted = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"").replace(['\r', '\n'], " ");
        let mut chunks = Vec::new();
        let mut head = Vec::new();
        for part in &self.parts {
            head.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", quoted(&part.name));
            if let Some((file_name, content_type)) = &part.file {
                disposition.push_str(&format!(
                    "; filename=\"{}\"\r\nContent-Type: {}",
                    quoted(file_name),
                    quoted(content_type)
                ));
            }
            head.extend_from_slice(disposition.as_bytes());
            head.extend_from_slice(b"\r\n\r\n");
            match &part.data {
                Chunk::Bytes(bytes) => head.extend_from_slice(bytes),
                Chunk::File(path) => {
                    chunks.push(Chunk::Bytes(std::mem::take(&mut head).into()));
                    chunks.push(Chunk::File(path.clone()));
                }
            }
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        if chunks.is_empty() {
            return (content_type, Body::Bytes(head.into()));
        }
        chunks.push(Chunk::Bytes(head.into()));
        (content_type, Body::Parts(chunks))
    }

    /// A boundary that occurs in no part held in memory, so no part can end the body early; with
    /// a file from disk, which is not read ahead, 128 random bits make that as unlikely.
    fn boundary(&self) -> String {
        let mut boundary = String::from("openrouter-bindings-boundary");
        if self.parts.iter().any(|p| matches!(p.data, Chunk::File(_))) {
            use std::hash::{BuildHasher, RandomState};
            let random = || RandomState::new().hash_one(std::time::SystemTime::now());
            boundary.push_str(&format!("-{:016x}{:016x}", random(), random()));
        }
        let contains = |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
        let in_memory = |p: &Part, boundary: &str| match &p.data {
            Chunk::Bytes(bytes) => contains(bytes, boundary.as_bytes()),
            Chunk::File(_) => false,
        };
        while self.parts.iter().any(|p| in_memory(p, &boundary)) {
            boundary.push('x');
        }
        boundary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_encodes_fields_and_files_with_a_boundary_no_part_contains() {
        let form = Form::new().text("model", "openai/whisper").file(
            "file",
            "a\"b.wav",
            "audio/wav",
            Bytes::from_static(b"--openrouter-bindings-boundary!"),
        );
        let (content_type, Body::Bytes(body)) = form.encode() else { panic!("a form held in memory is bytes") };
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert_eq!(boundary, "openrouter-bindings-boundaryx");
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert_eq!(
            text,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nopenai/whisper\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\\\"b.wav\"\r\n\
                 Content-Type: audio/wav\r\n\r\n--openrouter-bindings-boundary!\r\n--{boundary}--\r\n"
            )
        );
    }
}
