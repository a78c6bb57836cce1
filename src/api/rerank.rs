//! Rerank (`POST /rerank`): a query and documents in, the documents' indices and scores out, best
//! first.

use futures_util::FutureExt;
use serde_json::json;

use crate::{
    Client, Error,
    request::unless_refused,
    structured::{from_json, push, set},
    types::{CreateRerankRequest, CreateRerankResponse},
};

/// # Conveniences of the `rerank` area (feature `rerank`)
///
/// The rerank builder; its generated operations are in the block headed "The `rerank` area".
impl Client {
    /// A rerank request: `model` scores documents against `query`.
    ///
    /// ```no_run
    /// # async fn run(client: openrouter_bindings::Client) -> Result<(), openrouter_bindings::Error> {
    /// let ranked = client.rerank("cohere/rerank-v3.5", "capital of France").documents(["Berlin", "Paris"]).ranked().await?;
    /// println!("best: document {} ({})", ranked[0].index, ranked[0].score);
    /// # Ok(()) }
    /// ```
    pub fn rerank(&self, model: impl Into<String>, query: impl Into<String>) -> RerankRequestBuilder {
        let request = from_json(json!({ "model": model.into(), "query": query.into(), "documents": [] }));
        RerankRequestBuilder::new(self, request)
    }
}

/// A rerank request being built over the generated [`CreateRerankRequest`].
pub type RerankRequestBuilder = crate::api::builder::RequestBuilder<CreateRerankRequest>;

/// One document's place in a ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Ranked {
    /// The document's index in the request.
    pub index: usize,
    /// Its relevance score (higher is more relevant).
    pub score: f64,
}

impl RerankRequestBuilder {
    /// Adds documents (texts).
    pub fn documents<I: IntoIterator<Item = S>, S: Into<String>>(mut self, documents: I) -> Self {
        for document in documents {
            push(&mut self.request, "documents", json!(document.into()));
        }
        self
    }

    /// Returns only the best `n`.
    #[inline]
    pub fn top_n(mut self, n: std::num::NonZeroU64) -> Self {
        set(&mut self.request, "top_n", json!(n));
        self
    }

    /// Sends the request and returns the answer as the spec types it.
    #[inline]
    pub fn send(self) -> impl Future<Output = Result<CreateRerankResponse, Error>> + Send + 'static {
        if self.request.documents.is_empty() {
            return unless_refused(Err(Error::InvalidRequest("no documents: add them with .documents(...)".into())));
        }
        let client = self.client;
        unless_refused(Ok(crate::api::builder::configure!(
            client.create_rerank(self.request),
            self.retry,
            self.timeout
        )
        .send()))
    }

    /// Sends the request and returns the ranking, best first.
    #[inline]
    pub fn ranked(self) -> impl Future<Output = Result<Vec<Ranked>, Error>> + Send + 'static {
        self.send().map(|answer| Ok(answer?.ranked()))
    }
}

impl CreateRerankResponse {
    /// The ranking, best first (ties keep the document order).
    #[inline]
    pub fn ranked(&self) -> Vec<Ranked> {
        let mut ranked: Vec<Ranked> =
            self.results.iter().map(|r| Ranked { index: r.index as usize, score: r.relevance_score }).collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.index.cmp(&b.index)));
        ranked
    }
}
