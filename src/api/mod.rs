//! The conveniences of each area over its generated operations, each behind the area's feature:
//! builders that own their client, streams and accumulators, accessors on the generated answers.
//!
//! Outside chat, every function here is `async`, generic or `#[inline]`: rustc then compiles it,
//! and the decoders and encoders of the generated types it reaches, only in a program that calls
//! it, as the generated operations are. A plain function is compiled in every build of its area:
//! with `full`, the Responses and Messages conveniences alone made half of the crate's machine
//! code, for a program that only chats (BENCHMARKS.md). `every_non_chat_function_is_compiled_where_used`
//! holds the rule.

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

#[cfg(test)]
mod tests {
    /// The rule of the module docs, read off the source: each `fn` with a body, outside tests,
    /// is `async`, generic (`<` or `impl` in its parameters) or marked `#[inline]`.
    #[test]
    fn every_non_chat_function_is_compiled_where_used() {
        let sources = [
            ("audio.rs", include_str!("audio.rs")),
            ("embeddings.rs", include_str!("embeddings.rs")),
            ("images.rs", include_str!("images.rs")),
            ("messages.rs", include_str!("messages.rs")),
            ("rerank.rs", include_str!("rerank.rs")),
            ("responses.rs", include_str!("responses.rs")),
            ("video.rs", include_str!("video.rs")),
        ];
        let mut plain = Vec::new();
        for (file, source) in sources {
            let code = source.split("#[cfg(test)]").next().unwrap_or(source);
            let lines: Vec<&str> = code.lines().map(str::trim).collect();
            for (at, line) in lines.iter().enumerate() {
                let signature = ["pub fn ", "pub(crate) fn ", "fn "].iter().find_map(|p| line.strip_prefix(p));
                let Some(signature) = signature else { continue };
                let parameters = signature.split("->").next().unwrap_or_default();
                let generic =
                    signature.split('(').next().unwrap_or_default().contains('<') || parameters.contains("impl ");
                let inline = lines[..at]
                    .iter()
                    .rev()
                    .take_while(|l| l.starts_with('#') || l.starts_with("///"))
                    .any(|l| l.starts_with("#[inline"));
                if !generic && !inline && !line.ends_with(';') {
                    plain.push(format!("{file}:{}: {line}", at + 1));
                }
            }
        }
        assert!(plain.is_empty(), "plain functions, compiled in every build of their area: {plain:#?}");
    }
}
