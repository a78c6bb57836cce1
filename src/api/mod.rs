//! The conveniences of each area over its generated operations, each behind the area's feature:
//! builders that own their client, streams and accumulators, accessors on the generated answers.

#[cfg(feature = "audio")]
pub(crate) mod audio;
#[cfg(any(
    feature = "responses",
    feature = "messages",
    feature = "images",
    feature = "embeddings",
    feature = "rerank",
    feature = "audio",
    feature = "video"
))]
pub(crate) mod builder;
#[cfg(feature = "chat")]
pub(crate) mod chat;
#[cfg(feature = "embeddings")]
pub(crate) mod embeddings;
#[cfg(feature = "chat")]
pub(crate) mod ext;
#[cfg(feature = "images")]
pub(crate) mod images;
#[cfg(feature = "messages")]
pub(crate) mod messages;
#[cfg(feature = "rerank")]
pub(crate) mod rerank;
#[cfg(feature = "responses")]
pub(crate) mod responses;
#[cfg(feature = "chat")]
pub(crate) mod stream;
pub(crate) mod structured;
#[cfg(feature = "video")]
pub(crate) mod video;
