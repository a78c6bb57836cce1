//! Embeddings, rerank, speech and transcription, images and video: each area's convenience on the
//! mock, and hostile answers giving typed errors.

use crate::common;

use common::{Reply, TestServer};
#[allow(unused_imports)]
use openrouter_bindings::{
    Client, Error, RetryPolicy,
    mock::{MockReply, MockServer},
};

#[allow(dead_code)]
fn client_for(url: &str) -> Client {
    Client::builder().api_key("sk-or-test").base_url(url).retry(RetryPolicy::none()).build().unwrap()
}

/// A server that answers every request with `reply`.
#[allow(dead_code)]
async fn hostile(reply: Reply) -> Client {
    let server = TestServer::start(vec![reply]).await;
    let client = client_for(&server.url);
    std::mem::forget(server); // it lives for the test process
    client
}

#[allow(dead_code)]
fn html() -> Reply {
    Reply::raw(200, "text/html", "<html><body>502 Bad Gateway</body></html>")
}

#[allow(dead_code)]
fn truncated(content_type: &str) -> Reply {
    Reply { content_length: Some(500), ..Reply::raw(200, content_type, "{\"data\": [") }
}

#[cfg(feature = "embeddings")]
mod embeddings {
    use super::*;

    #[tokio::test]
    async fn vectors_come_back_in_input_order_as_floats_or_base64() {
        let mock = MockServer::start().await;
        let client = mock.client();
        let cat = client.embeddings("m").input("a cat").vectors().await.unwrap();
        let dog = client.embeddings("m").input(String::from("a dog")).vectors().await.unwrap();
        assert_eq!((cat.len(), cat[0].len()), (1, 8));
        // The mock lists the items in reverse: the client orders them by index.
        let both = client.embeddings("m").input(["a cat", "a dog"]).vectors().await.unwrap();
        assert_eq!(both, [cat[0].clone(), dog[0].clone()]);
        let encoded = client.embeddings("m").input(vec!["a cat", "a dog"]).base64().vectors().await.unwrap();
        assert_eq!(encoded, both);
        assert_eq!(mock.requests()[3].body["encoding_format"], "base64");
        let response = client.embeddings("m").input(["one two"]).send().await.unwrap();
        assert_eq!(response.usage.as_ref().map(|u| u.prompt_tokens), Some(2));
    }

    #[tokio::test]
    async fn hostile_answers_are_typed_errors() {
        let error = hostile(html()).await.embeddings("m").input("x").vectors().await.unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        let error =
            hostile(truncated("application/json")).await.embeddings("m").input("x").vectors().await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. } | Error::Decode { .. }), "{error:?}");
        let bad = serde_json::json!({"object": "list", "model": "m", "data": [{"object": "embedding", "index": 0, "embedding": "!!notbase64"}]});
        let error = hostile(Reply::json(200, bad)).await.embeddings("m").input("x").vectors().await.unwrap_err();
        assert!(matches!(&error, Error::Decode { message, .. } if message.contains("embedding 0")), "{error:?}");
    }
}

#[cfg(feature = "rerank")]
mod rerank {
    use super::*;

    #[tokio::test]
    async fn documents_come_back_ranked_best_first() {
        let mock = MockServer::start().await;
        let client = mock.client();
        let docs = ["Berlin is in Germany", "Paris is the capital of France", "France has wine"];
        let ranked = client.rerank("m", "capital of France").documents(docs).ranked().await.unwrap();
        assert_eq!(ranked.iter().map(|r| r.index).collect::<Vec<_>>(), [1, 2, 0]);
        assert!(ranked[0].score > ranked[1].score && ranked[1].score > ranked[2].score);
        let top = client
            .rerank("m", "capital of France")
            .documents(docs)
            .top_n(1.try_into().unwrap())
            .ranked()
            .await
            .unwrap();
        assert_eq!(top.iter().map(|r| r.index).collect::<Vec<_>>(), [1]);
        let error = client.rerank("m", "q").send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    }

    #[tokio::test]
    async fn hostile_answers_are_typed_errors() {
        let error = hostile(html()).await.rerank("m", "q").documents(["a"]).ranked().await.unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        let error =
            hostile(truncated("application/json")).await.rerank("m", "q").documents(["a"]).send().await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. } | Error::Decode { .. }), "{error:?}");
    }
}

#[cfg(feature = "audio")]
mod audio {
    use super::*;

    #[tokio::test]
    async fn speech_then_transcription_round_trips_on_the_mock() {
        let mock = MockServer::start().await;
        let client = mock.client();
        let audio = client.speech("m", "Hello there").voice("alloy").format("mp3").send().await.unwrap();
        assert!(audio.starts_with(b"RIFF"), "{audio:?}");
        let sent = &mock.requests()[0].body;
        assert_eq!((sent["voice"].as_str(), sent["response_format"].as_str()), (Some("alloy"), Some("mp3")));
        let text = client.transcription("m").audio(&audio, "wav").language("en").text().await.unwrap();
        assert_eq!(text, "Hello there");

        let dir = std::env::temp_dir().join(format!("openrouter-bindings-audio-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("hello.wav");
        let written = client.speech("m", "Hello there").save(&path).await.unwrap();
        assert_eq!(written, audio.len() as u64);
        assert_eq!(std::fs::read(&path).unwrap(), audio);
        let text = client.transcription("m").file(&path).await.unwrap().text().await.unwrap();
        assert_eq!(text, "Hello there");
        assert_eq!(mock.requests().last().unwrap().body["input_audio"]["format"], "wav");
        let error = client.transcription("m").file(dir.join("no-extension")).await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        let error = client.transcription("m").send().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn hostile_answers_are_typed_errors() {
        let error = hostile(html()).await.speech("m", "hi").send().await.unwrap_err();
        assert!(matches!(&error, Error::Decode { message, .. } if message.contains("text/html")), "{error:?}");
        let error = hostile(truncated("audio/mpeg")).await.speech("m", "hi").send().await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. }), "{error:?}");
        let mock = MockServer::start().await;
        mock.push(MockReply::cut_connection(""));
        let error = mock.client().speech("m", "hello").send().await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. }), "{error:?}");
        let error = hostile(html()).await.transcription("m").audio(b"abc", "wav").text().await.unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }
}

#[cfg(feature = "images")]
mod images {
    use futures_util::StreamExt;
    use openrouter_bindings::types::CreateImagesEvent;

    use super::*;

    const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

    #[tokio::test]
    async fn image_bytes_from_base64_a_url_and_a_data_url() {
        let mock = MockServer::start().await;
        let images = mock.client().images("m", "a red bicycle").n(3).size("256x256").generate().await.unwrap();
        assert_eq!(images.len(), 3);
        for image in &images {
            assert!(image.bytes.starts_with(PNG_MAGIC), "{image:?}");
            assert_eq!(image.media_type.as_deref(), Some("image/png"));
        }
        assert_eq!(images[0].bytes, images[1].bytes);
        let requests = mock.requests();
        assert_eq!(requests[0].body["size"], "256x256");
        // The linked image was fetched without the key.
        let asset = requests.iter().find(|r| r.path.contains("mock-assets")).expect("the URL was fetched");
        assert_eq!(asset.method, "GET");
        assert!(asset.header("authorization").is_none(), "the key went to the image host");
    }

    #[tokio::test]
    async fn a_stream_gives_partial_then_completed_images() {
        let mock = MockServer::start().await;
        let client = mock.client();
        let mut stream = client.images("m", "x").stream().await.unwrap();
        let mut kinds = Vec::new();
        while let Some(event) = stream.next().await {
            kinds.push(match event.unwrap() {
                CreateImagesEvent::ImageGenPartialImageEvent(_) => "partial",
                CreateImagesEvent::ImageGenCompletedEvent(_) => "completed",
                _ => "other",
            });
        }
        assert_eq!(kinds, ["partial", "completed"]);
        let images = client.images("m", "x").stream().await.unwrap().collect_images().await.unwrap();
        assert_eq!(images.len(), 1);
        assert!(images[0].bytes.starts_with(PNG_MAGIC));
    }

    #[tokio::test]
    async fn stream_errors_and_cuts_are_typed() {
        let mock = MockServer::start().await;
        mock.push(MockReply::mid_stream_error("", "upstream_error", "the provider failed"));
        mock.push(MockReply::cut_connection(""));
        let client = mock.client();
        let error = client.images("m", "x").stream().await.unwrap().collect_images().await.unwrap_err();
        assert!(matches!(&error, Error::Api(api) if api.body.message == "the provider failed"), "{error:?}");
        let error = client.images("m", "x").stream().await.unwrap().collect_images().await.unwrap_err();
        assert!(matches!(error, Error::StreamTruncated { .. }), "{error:?}");
    }

    #[tokio::test]
    async fn hostile_answers_are_typed_errors() {
        let error = hostile(html()).await.images("m", "x").generate().await.unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        let error = hostile(truncated("application/json")).await.images("m", "x").generate().await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. } | Error::Decode { .. }), "{error:?}");
        let bad = serde_json::json!({"created": 1, "data": [{"b64_json": "%%% not an image"}]});
        let error = hostile(Reply::json(200, bad)).await.images("m", "x").generate().await.unwrap_err();
        assert!(matches!(&error, Error::Decode { message, .. } if message.contains("base64")), "{error:?}");
        let plain = serde_json::json!({"created": 1, "data": [{"b64_json": "http://example.com/a.png"}]});
        let error = hostile(Reply::json(200, plain)).await.images("m", "x").generate().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "plain http to a remote host is refused: {error:?}");
    }
}

#[cfg(feature = "video")]
mod video {
    use std::time::Duration;

    use super::*;

    const FAST: Duration = Duration::from_millis(5);

    #[tokio::test]
    async fn a_job_is_waited_for_then_downloaded() {
        let mock = MockServer::start().await;
        let mut job = mock.client().video("m", "a cat surfing").send().await.unwrap().poll_interval(FAST, FAST);
        assert_eq!(job.state().status.to_string(), "pending");
        let done = job.wait(Duration::from_secs(10)).await.unwrap();
        assert_eq!(done.status.to_string(), "completed");
        let download = job.download(0).await.unwrap();
        assert_eq!(download.content_type(), Some("video/mp4"));
        let video = download.collect(1 << 20).await.unwrap();
        assert!(video.starts_with(b"\x00\x00\x00\x18ftyp"), "{:?}", &video[..8]);
        let polls = mock.requests().iter().filter(|r| r.method == "GET" && !r.path.contains("content")).count();
        assert_eq!(polls, 2);
    }

    #[tokio::test]
    async fn a_failed_job_is_an_api_error_and_a_stuck_one_stops_at_the_deadline() {
        let mock = MockServer::start().await;
        mock.push(MockReply::mid_stream_error("", "failed", "content policy"));
        mock.push(MockReply::cut_connection(""));
        let client = mock.client();
        let mut failing = client.video("m", "x").send().await.unwrap().poll_interval(FAST, FAST);
        let error = failing.wait(Duration::from_secs(10)).await.unwrap_err();
        assert!(matches!(&error, Error::Api(api) if api.body.message == "content policy"), "{error:?}");
        let mut stuck = client.video("m", "x").send().await.unwrap().poll_interval(FAST, Duration::from_millis(20));
        let started = std::time::Instant::now();
        let error = stuck.wait(Duration::from_millis(150)).await.unwrap_err();
        assert!(
            matches!(error, Error::Transport { kind: openrouter_bindings::TransportKind::Timeout, .. }),
            "{error:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(error.to_string().contains("video job"), "{error}");
    }

    #[tokio::test]
    async fn hostile_answers_are_typed_errors() {
        let error = hostile(html()).await.video("m", "x").send().await.unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        // A download answered with an HTML page is not a video.
        let mock = MockServer::start().await;
        let job = mock.client().video("m", "x").send().await.unwrap();
        let server = TestServer::start(vec![html()]).await;
        let other = client_for(&server.url);
        let error = other.download_video(job.id()).bytes_stream().await.unwrap().expect_media("video").unwrap_err();
        assert!(matches!(&error, Error::Decode { message, .. } if message.contains("text/html")), "{error:?}");
    }
}
