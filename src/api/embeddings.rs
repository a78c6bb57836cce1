//! Embeddings (`POST /embeddings`): one text or many in, one vector per input out, in input order.

use base64::Engine;
use futures_util::FutureExt;
use serde_json::{Value, json};

use crate::{
    Client, Error,
    structured::{from_json, set},
    types::{CreateEmbeddingsRequest, CreateEmbeddingsResponse},
};

/// # Conveniences of the `embeddings` area (feature `embeddings`)
///
/// The embeddings builder; its generated operations are in the block headed "The `embeddings` area".
impl Client {
    /// An embeddings request for `model`; add the text with [`input`](EmbeddingsRequestBuilder::input).
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// let vectors = client.embeddings("openai/text-embedding-3-small").input(["a cat", "a dog"]).vectors().await?;
    /// assert_eq!(vectors.len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn embeddings(&self, model: impl Into<String>) -> EmbeddingsRequestBuilder {
        let request = from_json(json!({ "model": model.into(), "input": "" }));
        EmbeddingsRequestBuilder::new(self, request)
    }
}

/// An embeddings request being built over the generated [`CreateEmbeddingsRequest`].
pub type EmbeddingsRequestBuilder = crate::api::builder::RequestBuilder<CreateEmbeddingsRequest>;

/// What [`EmbeddingsRequestBuilder::input`] takes: one text, or many.
pub trait EmbeddingInput {
    /// The input in its wire form.
    fn into_input(self) -> Value;
}

impl EmbeddingInput for &str {
    #[inline]
    fn into_input(self) -> Value {
        json!(self)
    }
}

impl EmbeddingInput for String {
    #[inline]
    fn into_input(self) -> Value {
        json!(self)
    }
}

impl<S: Into<String>, const N: usize> EmbeddingInput for [S; N] {
    #[inline]
    fn into_input(self) -> Value {
        json!(self.into_iter().map(Into::into).collect::<Vec<String>>())
    }
}

impl<S: Into<String>> EmbeddingInput for Vec<S> {
    #[inline]
    fn into_input(self) -> Value {
        json!(self.into_iter().map(Into::into).collect::<Vec<String>>())
    }
}

impl EmbeddingsRequestBuilder {
    /// The text to embed: one (`"a cat"`) or many (`["a cat", "a dog"]`, a `Vec`).
    pub fn input(mut self, input: impl EmbeddingInput) -> Self {
        set(&mut self.request, "input", input.into_input());
        self
    }

    /// Asks for vectors of this many dimensions (models that support it).
    #[inline]
    pub fn dimensions(mut self, dimensions: std::num::NonZeroU64) -> Self {
        set(&mut self.request, "dimensions", json!(dimensions));
        self
    }

    /// Asks for base64-encoded vectors (smaller on the wire; [`CreateEmbeddingsResponse::vectors`]
    /// decodes them the same).
    #[inline]
    pub fn base64(mut self) -> Self {
        set(&mut self.request, "encoding_format", json!("base64"));
        self
    }

    /// Sends the request and returns the answer as the spec types it.
    #[inline]
    pub fn send(self) -> impl Future<Output = Result<CreateEmbeddingsResponse, Error>> + Send + 'static {
        let client = self.client;
        crate::api::builder::configure!(client.create_embeddings(self.request), self.retry, self.timeout).send()
    }

    /// Sends the request and returns one vector per input, in input order; an answer with fewer
    /// or more vectors than inputs is an error naming what is missing.
    #[inline]
    pub fn vectors(self) -> impl Future<Output = Result<Vec<Vec<f32>>, Error>> + Send + 'static {
        let inputs = match serde_json::to_value(&self.request).unwrap_or_default()["input"].as_array() {
            Some(items) => items.len(),
            None => 1,
        };
        self.send().map(move |answer| one_per_input(answer?.vectors()?, inputs))
    }
}

/// `vectors`, if there is one per input.
#[inline]
fn one_per_input(vectors: Vec<Vec<f32>>, inputs: usize) -> Result<Vec<Vec<f32>>, Error> {
    if vectors.len() != inputs {
        return Err(Error::Decode {
            status: 200,
            message: format!("{inputs} inputs, but the answer holds {} embeddings", vectors.len()),
            body: String::new(),
        });
    }
    Ok(vectors)
}

impl CreateEmbeddingsResponse {
    /// One vector per input, in input order (by each item's `index`; an item without one is at
    /// its place), whether the answer holds numbers or base64 (little-endian `f32`s). The indexes
    /// must be 0, 1, 2, ... each once: a gap (`[1]` alone) or a repeat is an error naming it.
    #[inline]
    pub fn vectors(&self) -> Result<Vec<Vec<f32>>, Error> {
        let mut items: Vec<(u64, Value)> = self
            .data
            .iter()
            .enumerate()
            .map(|(at, item)| {
                let item = serde_json::to_value(item).unwrap_or_default();
                (item["index"].as_u64().unwrap_or(at as u64), item["embedding"].clone())
            })
            .collect();
        items.sort_by_key(|(index, _)| *index);
        for (expected, (index, _)) in items.iter().enumerate() {
            let expected = expected as u64;
            if *index != expected {
                let message = if *index < expected {
                    format!("the answer holds the embedding for input {index} twice")
                } else {
                    format!("the embedding for input {expected} is missing (the answer skips to {index})")
                };
                return Err(Error::Decode { status: 200, message, body: String::new() });
            }
        }
        items.into_iter().map(|(index, embedding)| vector(index as usize, &embedding)).collect()
    }
}

#[inline]
fn vector(index: usize, embedding: &Value) -> Result<Vec<f32>, Error> {
    let bad = |why: String| Error::Decode {
        status: 200,
        message: format!("embedding {index}: {why}"),
        body: crate::error::snippet(embedding.to_string().as_bytes()),
    };
    match embedding {
        Value::Array(numbers) => {
            numbers.iter().map(|n| n.as_f64().map(|n| n as f32).ok_or_else(|| bad("not a number".into()))).collect()
        }
        Value::String(text) => {
            let bytes =
                base64::engine::general_purpose::STANDARD.decode(text).map_err(|e| bad(format!("not base64: {e}")))?;
            if bytes.len() % 4 != 0 {
                return Err(bad(format!("{} bytes is not a whole number of f32s", bytes.len())));
            }
            Ok(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
        }
        _ => Err(bad("neither numbers nor base64".into())),
    }
}
