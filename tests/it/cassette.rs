//! Cassettes: a session recorded through `MockServer::record` (with a scripted mock standing in for
//! OpenRouter) and served back by `MockServer::replay`, offline.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use futures_util::StreamExt;
use openrouter_bindings::{
    Error,
    mock::{Cassette, MOCK_API_KEY, MockReply, MockServer},
};
use serde_json::json;

/// The key the recorder sends upstream: it must never reach the cassette.
const REAL_KEY: &str = "sk-or-v1-real-key-never-written";

fn cassette_path(name: &str) -> Scratch {
    Scratch(
        std::env::temp_dir().join(format!("openrouter-cassette-{name}-{}", std::process::id())).join("session.jsonl"),
    )
}

/// A cassette file in a directory of its own, removed with the directory when the test ends.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

/// The body bytes of one raw POST, as a client receives them.
async fn raw_post(base: &str, path: &str, body: serde_json::Value) -> (u16, Vec<u8>) {
    let response = crate::common::raw_http()
        .post(format!("{base}/{path}"))
        .bearer_auth(MOCK_API_KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_streamed_chat_is_recorded_and_replayed_byte_for_byte_without_the_key() {
    let path = cassette_path("stream");
    let request = json!({"model": "m", "messages": [{"role": "user", "content": "Hi"}], "stream": true});
    let recorded = {
        let openrouter = MockServer::start().await;
        let recorder = MockServer::record(openrouter.url(), REAL_KEY, &path).await.unwrap();
        assert!(!format!("{recorder:?}").contains(REAL_KEY), "the key is not in Debug");
        let bytes = raw_post(recorder.url(), "chat/completions", request.clone()).await;
        // The server got the real key, not the client's.
        assert_eq!(openrouter.requests()[0].header("authorization"), Some(&*format!("Bearer {REAL_KEY}")));
        let text = recorder.client().chat("m").user("Hi").send().await.unwrap().text().unwrap().into_owned();
        (bytes, text)
    };
    let cassette = std::fs::read_to_string(&path).unwrap();
    assert!(cassette.starts_with("{\"openrouter_cassette\":1,"), "{cassette}");
    for secret in [REAL_KEY, MOCK_API_KEY, "Bearer", "authorization"] {
        assert!(!cassette.to_lowercase().contains(&secret.to_lowercase()), "`{secret}` is in the cassette");
    }
    assert!(cassette.contains(r#""content-type":"text/event-stream""#), "{cassette}");
    assert!(cassette.contains(": OPENROUTER PROCESSING"), "{cassette}");
    assert_eq!(cassette.lines().count(), 3, "a format line and two exchanges");

    // Offline: the recorded servers are gone.
    let replay = MockServer::replay(Cassette::load(&path).unwrap()).await;
    assert_eq!(raw_post(replay.url(), "chat/completions", request).await, recorded.0);
    let text = replay.client().chat("m").user("Hi").send().await.unwrap().text().unwrap().into_owned();
    assert_eq!(text, recorded.1);
    assert!(text.ends_with("You said: Hi"), "{text}");
}

#[tokio::test]
async fn a_429_with_retry_after_a_mid_stream_error_and_a_cut_stream_replay_as_they_happened() {
    let path = cassette_path("errors");
    let ask = |client: openrouter_bindings::Client| async move {
        let limited = client.chat("m").user("one").send().await.unwrap_err();
        let mid_stream = collect(client.chat("m").user("two").stream().await.unwrap()).await;
        let cut = collect(client.chat("m").user("three").stream().await.unwrap()).await;
        (limited, mid_stream, cut)
    };
    let describe = |(limited, mid, cut): (Error, Result<String, Error>, Result<String, Error>)| {
        let Error::Api(limited) = limited else { panic!("{limited:?}") };
        let mid = mid.unwrap_err();
        let cut = cut.unwrap_err();
        assert!(matches!(cut, Error::StreamTruncated { .. }), "{cut:?}");
        (limited.status, limited.retry_after, limited.message().to_owned(), mid.to_string(), cut.to_string())
    };
    let live = {
        let openrouter = MockServer::start().await;
        openrouter
            .push(MockReply::error(429, "Rate limited").retry_after(7))
            .push(MockReply::mid_stream_error("Half an ans", "server_error", "Provider disconnected"))
            .push(MockReply::cut_connection("Once upon a"));
        let recorder = MockServer::record(openrouter.url(), REAL_KEY, &path).await.unwrap();
        describe(ask(recorder.client()).await)
    };
    assert_eq!((live.0, live.1), (429, Some(Duration::from_secs(7))));
    assert!(live.3.contains("Provider disconnected"), "{}", live.3);
    let cassette = std::fs::read_to_string(&path).unwrap();
    assert!(cassette.contains(r#""retry-after":"7""#), "{cassette}");
    assert!(cassette.contains(r#""cut":true"#), "{cassette}");

    let replay = MockServer::replay(Cassette::load(&path).unwrap()).await;
    assert_eq!(describe(ask(replay.client()).await), live);
}

async fn collect(stream: openrouter_bindings::ChatStream) -> Result<String, Error> {
    let mut text = String::new();
    let mut deltas = std::pin::pin!(stream.text_deltas());
    while let Some(delta) = deltas.next().await {
        text.push_str(&delta?);
    }
    Ok(text)
}

#[tokio::test]
async fn an_unmatched_request_names_the_closest_recording_and_the_first_difference() {
    let path = cassette_path("mismatch");
    {
        let openrouter = MockServer::start().await;
        let recorder = MockServer::record(openrouter.url(), REAL_KEY, &path).await.unwrap();
        recorder.client().chat("m").user("Hi").with(|r| r.seed = Some(1)).send().await.unwrap();
    }
    let replay = MockServer::replay(Cassette::load(&path).unwrap()).await;
    let Error::Api(error) =
        replay.client().chat("m").user("Hello").with(|r| r.seed = Some(1)).send().await.unwrap_err()
    else {
        panic!("an API error")
    };
    assert_eq!(error.status, 400);
    assert!(
        error.message().contains("no recorded request matches POST /api/v1/chat/completions; the closest is exchange 1 (POST /api/v1/chat/completions), which differs first in the body at /messages/0/content: recorded \"Hi\", got \"Hello\""),
        "{}",
        error.message()
    );
    // A volatile field is left out of the match when the test says so.
    let err = replay.client().chat("m").user("Hi").with(|r| r.seed = Some(2)).send().await.unwrap_err();
    assert!(err.to_string().contains("/seed: recorded 1, got 2"), "{err}");
    let lenient = MockServer::replay(Cassette::load(&path).unwrap().ignore("/seed")).await;
    let text = lenient
        .client()
        .chat("m")
        .user("Hi")
        .with(|r| r.seed = Some(2))
        .send()
        .await
        .unwrap()
        .text()
        .unwrap()
        .into_owned();
    assert!(text.ends_with("You said: Hi"), "{text}");
}

#[tokio::test]
async fn a_paced_replay_keeps_the_recorded_pauses() {
    let path = cassette_path("paced");
    {
        let openrouter = MockServer::start().await;
        openrouter.push(MockReply::text("late").delay(Duration::from_millis(300)));
        let recorder = MockServer::record(openrouter.url(), REAL_KEY, &path).await.unwrap();
        recorder.client().chat("m").user("Hi").send().await.unwrap();
    }
    let cassette = std::fs::read_to_string(&path).unwrap();
    let exchange: serde_json::Value = serde_json::from_str(cassette.lines().nth(1).unwrap()).unwrap();
    let pause = exchange["response"]["chunks"][0]["after_ms"].as_u64().unwrap();
    assert!(pause >= 300, "the first bytes came after the server's 300 ms, recorded {pause} ms");
    let paced = MockServer::replay(Cassette::load(&path).unwrap().paced(true)).await;
    let started = std::time::Instant::now();
    let text = paced.client().chat("m").user("Hi").send().await.unwrap().text().unwrap().into_owned();
    assert_eq!(text, "late");
    assert!(started.elapsed() >= Duration::from_millis(pause), "paced replay waits as the server did");
}

#[tokio::test]
async fn a_broken_or_newer_cassette_is_a_clear_error() {
    let scratch = cassette_path("broken");
    let dir = scratch.parent().unwrap().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let newer = dir.join("newer.jsonl");
    std::fs::write(&newer, "{\"openrouter_cassette\":99}\n").unwrap();
    let err = Cassette::load(&newer).unwrap_err().to_string();
    assert!(err.contains("newer.jsonl:1: format 99 is newer than this crate reads (1)"), "{err}");
    let broken = dir.join("broken.jsonl");
    std::fs::write(&broken, "{\"openrouter_cassette\":1}\n{\"request\": 3}\n").unwrap();
    let err = Cassette::load(&broken).unwrap_err().to_string();
    assert!(err.contains("broken.jsonl:2: not an exchange"), "{err}");
    // A hand edit that cannot be served fails at load, by line, never with an empty body mid-test.
    let request = r#"{"method":"GET","path":"/api/v1/models"}"#;
    for (response, why) in [
        (r#"{"status":200,"chunks":[{"base64":"not base64!"}]}"#, "a chunk's base64 does not decode"),
        (r#"{"status":200,"chunks":[{"after_ms":3}]}"#, "a chunk has neither `text` nor `base64`"),
        (r#"{"status":20,"chunks":[]}"#, "status 20 is not an HTTP status"),
        (r#"{"status":200,"headers":{"bad name":"x"},"chunks":[]}"#, "header `bad name: x` is not a valid HTTP header"),
    ] {
        let edited = dir.join("edited.jsonl");
        std::fs::write(
            &edited,
            format!("{{\"openrouter_cassette\":1}}\n{{\"request\":{request},\"response\":{response}}}\n"),
        )
        .unwrap();
        let err = Cassette::load(&edited).unwrap_err().to_string();
        assert!(err.contains(&format!("edited.jsonl:2: {why}")), "{err}");
    }
    let err = Cassette::load(dir.join("missing.jsonl")).unwrap_err().to_string();
    assert!(err.contains("cannot read the cassette"), "{err}");
}

#[tokio::test]
async fn recording_needs_a_key_and_a_reachable_server_is_not_recorded_when_unreachable() {
    let path = cassette_path("unreachable");
    assert!(MockServer::record("http://127.0.0.1:9", "", &path).await.is_err());
    // Port 9 (discard) is closed here: the client gets a 502 naming the recorder's upstream.
    let recorder = MockServer::record("http://127.0.0.1:9/api/v1", REAL_KEY, &path).await.unwrap();
    let Error::Api(error) = recorder.client().chat("m").user("Hi").send().await.unwrap_err() else { panic!() };
    assert_eq!(error.status, 502);
    assert!(error.message().contains("could not reach http://127.0.0.1:9/api/v1"), "{}", error.message());
    assert!(!error.message().contains(REAL_KEY));
    assert_eq!(Cassette::load(&path).unwrap().len(), 0, "nothing came back: nothing to replay");
}

/// Management, audio bytes and a polled video job replay as they were recorded.
#[cfg(feature = "full")]
#[tokio::test]
async fn keys_speech_bytes_and_a_polled_video_job_replay_as_recorded() {
    use openrouter_bindings::types::CreateKeysRequest;
    let path = cassette_path("areas");
    let session = |client: openrouter_bindings::Client| async move {
        let created = client.create_key(CreateKeysRequest::new("ci").with_limit(10.0)).send().await.unwrap();
        let listed = client.list_keys().send().await.unwrap().data.len();
        client.delete_key(&created.data.hash).send().await.unwrap();
        let audio = client.speech("openai/gpt-4o-mini-tts", "Hello from Rust").send().await.unwrap();
        let job = client.video("google/veo-3.1", "a cat").send().await.unwrap();
        let mut job = job.poll_interval(Duration::from_millis(10), Duration::from_millis(10));
        let status = format!("{:?}", job.wait(Duration::from_secs(60)).await.unwrap().status);
        let mut video = Vec::new();
        job.download(0).await.unwrap().write_to(&mut video).await.unwrap();
        (created.key, listed, audio.to_vec(), status, video)
    };
    let live = {
        let openrouter = MockServer::start().await;
        let recorder = MockServer::record(openrouter.url(), REAL_KEY, &path).await.unwrap();
        session(recorder.client()).await
    };
    assert!(!live.2.is_empty() && !live.4.is_empty());
    let cassette = std::fs::read_to_string(&path).unwrap();
    assert!(!cassette.contains(REAL_KEY));
    let replay = MockServer::replay(Cassette::load(&path).unwrap()).await;
    assert_eq!(session(replay.client()).await, live);
}
