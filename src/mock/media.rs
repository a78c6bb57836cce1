//! The mock's answers for images, embeddings, rerank, speech, transcription and video jobs.
//! Each takes its outcome from the reply queue: [`MockReply::error`](super::MockReply::error) fails
//! the call, [`MockReply::mid_stream_error`](super::MockReply::mid_stream_error) fails a stream (or a
//! video job), [`MockReply::cut_connection`](super::MockReply::cut_connection) cuts the body (or
//! never finishes a video job).

use std::sync::atomic::Ordering;

use base64::Engine;
use bytes::Bytes;
use hyper::{Response, header::CONTENT_TYPE};
use serde_json::{Value, json};

use super::{Body, Kind, State, envelope, frames, full, json_response};

/// A 1x1 PNG: what every mock image is.
pub(super) const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D,
    0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// What the mock's video content starts with (an MP4 `ftyp` box).
pub(super) const MP4_HEAD: &[u8] = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom";

/// How many polls a mock video job stays in progress.
const VIDEO_POLLS: u32 = 2;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The next scripted outcome; an error reply is answered here and returned as `Err`.
async fn next(state: &State) -> Result<Kind, Response<Body>> {
    let reply = state.replies.lock().expect("not poisoned").pop_front().unwrap_or_else(super::MockReply::echo);
    tokio::time::sleep(reply.delay).await;
    match reply.kind {
        Kind::Error { status, message, metadata } => {
            Err(json_response(status, &envelope(status, &message, metadata), reply.retry_after))
        }
        kind => Ok(kind),
    }
}

/// A body that announces `bytes.len()` and sends half, then the connection goes.
fn cut(content_type: &str, bytes: &[u8]) -> Response<Body> {
    Response::builder()
        .header(CONTENT_TYPE, content_type)
        .header(hyper::header::CONTENT_LENGTH, bytes.len())
        .body(frames(vec![Bytes::copy_from_slice(&bytes[..bytes.len() / 2])], true))
        .expect("a valid response")
}

fn binary(content_type: &str, bytes: Vec<u8>) -> Response<Body> {
    Response::builder().header(CONTENT_TYPE, content_type).body(full(Bytes::from(bytes))).expect("a valid response")
}

/// `POST /images`: `n` images, cycling through base64, a URL to the mock itself and a `data:` URL.
pub(super) async fn images(state: &State, request: &Value, base: &str) -> Response<Body> {
    let kind = match next(state).await {
        Ok(kind) => kind,
        Err(response) => return response,
    };
    let usage = json!({"prompt_tokens": 0, "completion_tokens": 100, "total_tokens": 100, "cost": 0.0});
    if request["stream"] == true {
        let mut events =
            vec![json!({"type": "image_generation.partial_image", "partial_image_index": 0, "b64_json": b64(PNG)})];
        match &kind {
            Kind::MidStreamError { message, .. } => {
                events.push(json!({"type": "error", "error": {"code": "upstream_error", "message": message}}));
            }
            Kind::Cut { .. } => {}
            _ => events.push(json!({
                "type": "image_generation.completed", "b64_json": b64(PNG), "media_type": "image/png",
                "created": 1_732_000_000u64, "usage": usage
            })),
        }
        let mut frames_out = vec![Bytes::from_static(b": OPENROUTER PROCESSING\n\n")];
        frames_out.extend(events.iter().map(|e| Bytes::from(format!("data: {e}\n\n"))));
        let is_cut = matches!(kind, Kind::Cut { .. });
        if !is_cut && !matches!(kind, Kind::MidStreamError { .. }) {
            frames_out.push(Bytes::from_static(b"data: [DONE]\n\n"));
        }
        return Response::builder()
            .header(CONTENT_TYPE, "text/event-stream")
            .body(frames(frames_out, is_cut))
            .expect("a valid response");
    }
    let n = request["n"].as_u64().unwrap_or(1).clamp(1, 10);
    let data: Vec<Value> = (0..n)
        .map(|i| match i % 3 {
            0 => json!({"b64_json": b64(PNG), "media_type": "image/png"}),
            1 => json!({"b64_json": format!("{base}/mock-assets/image.png")}),
            _ => json!({"b64_json": format!("data:image/png;base64,{}", b64(PNG))}),
        })
        .collect();
    let body = json!({"created": 1_732_000_000u64, "data": data, "usage": usage});
    match kind {
        Kind::Cut { .. } => cut("application/json", body.to_string().as_bytes()),
        _ => json_response(200, &body, None),
    }
}

/// `GET /mock-assets/image.png`: the image a URL answer points to.
pub(super) fn image_asset() -> Response<Body> {
    binary("image/png", PNG.to_vec())
}

/// The lower-case words of `text`, punctuation dropped.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// A deterministic vector for `text`: its words hashed into 8 buckets, so that texts sharing
/// words point the same way.
fn embed(text: &str) -> Vec<f32> {
    let mut vector = vec![0.0f32; 8];
    for word in words(text) {
        let hash = word.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        vector[(hash % 8) as usize] += 1.0;
    }
    vector
}

/// `POST /embeddings`: one vector per input, listed in reverse (each item keeps its `index`).
pub(super) async fn embeddings(state: &State, request: &Value) -> Response<Body> {
    let kind = match next(state).await {
        Ok(kind) => kind,
        Err(response) => return response,
    };
    let inputs: Vec<String> = match &request["input"] {
        Value::String(text) => vec![text.clone()],
        Value::Array(items) => items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned)).collect(),
        _ => Vec::new(),
    };
    let base64 = request["encoding_format"] == "base64";
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .rev()
        .map(|(index, text)| {
            let vector = embed(text);
            let embedding = if base64 {
                json!(b64(&vector.iter().flat_map(|f| f.to_le_bytes()).collect::<Vec<u8>>()))
            } else {
                json!(vector)
            };
            json!({"object": "embedding", "index": index, "embedding": embedding})
        })
        .collect();
    let tokens: usize = inputs.iter().map(|t| t.split_whitespace().count()).sum();
    let body = json!({"object": "list", "data": data, "model": request["model"], "usage": {"prompt_tokens": tokens, "total_tokens": tokens, "cost": 0.0}});
    match kind {
        Kind::Cut { .. } => cut("application/json", body.to_string().as_bytes()),
        _ => json_response(200, &body, None),
    }
}

/// `POST /rerank`: scores are the share of the query's words a document has; results in document
/// order (the client sorts), cut to `top_n` best.
pub(super) async fn rerank(state: &State, request: &Value) -> Response<Body> {
    if let Err(response) = next(state).await {
        return response;
    }
    let query = words(request["query"].as_str().unwrap_or_default());
    let documents = request["documents"].as_array().cloned().unwrap_or_default();
    let mut results: Vec<Value> = documents
        .iter()
        .enumerate()
        .map(|(index, document)| {
            let text = words(document.as_str().unwrap_or_default());
            let hits = query.iter().filter(|w| text.contains(w)).count();
            let score = if query.is_empty() { 0.0 } else { hits as f64 / query.len() as f64 };
            json!({"index": index, "relevance_score": score, "document": {"text": document}})
        })
        .collect();
    if let Some(top) = request["top_n"].as_u64() {
        let mut by_score = results.clone();
        by_score.sort_by(|a, b| {
            b["relevance_score"].as_f64().unwrap_or(0.0).total_cmp(&a["relevance_score"].as_f64().unwrap_or(0.0))
        });
        let keep: Vec<Value> = by_score.iter().take(top as usize).map(|r| r["index"].clone()).collect();
        results.retain(|r| keep.contains(&r["index"]));
    }
    json_response(
        200,
        &json!({"model": request["model"], "results": results, "usage": {"total_tokens": 10, "cost": 0.0}}),
        None,
    )
}

/// `POST /audio/speech`: a WAV-looking body that carries the text, so a transcription can read it back.
pub(super) async fn speech(state: &State, request: &Value) -> Response<Body> {
    let kind = match next(state).await {
        Ok(kind) => kind,
        Err(response) => return response,
    };
    let mut audio = b"RIFF\x00\x00\x00\x00WAVEdata".to_vec();
    audio.extend_from_slice(request["input"].as_str().unwrap_or_default().as_bytes());
    let content_type = if request["response_format"] == "mp3" { "audio/mpeg" } else { "audio/pcm" };
    match kind {
        Kind::Cut { .. } => cut(content_type, &audio),
        _ => binary(content_type, audio),
    }
}

/// `POST /audio/transcriptions`: the text a mock speech body carries, or a count of the bytes.
pub(super) async fn transcription(state: &State, request: &Value) -> Response<Body> {
    if let Err(response) = next(state).await {
        return response;
    }
    let data = request["input_audio"]["data"].as_str().unwrap_or_default();
    // The spec's own example (`UklGRiQA...`) is not whole base64: count its characters then.
    let audio = base64::engine::general_purpose::STANDARD.decode(data).unwrap_or_else(|_| data.as_bytes().to_vec());
    let format = request["input_audio"]["format"].as_str().unwrap_or_default();
    let text = match audio.strip_prefix(b"RIFF\x00\x00\x00\x00WAVEdata".as_slice()) {
        Some(spoken) => String::from_utf8_lossy(spoken).into_owned(),
        None => format!("(mock) {} bytes of {format} audio", audio.len()),
    };
    json_response(200, &json!({"text": text, "usage": {"seconds": 1, "cost": 0.0}}), None)
}

/// `POST /videos`: a job that completes after a few polls, fails, or never ends (see the module).
pub(super) async fn create_video(state: &State, base: &str) -> Response<Body> {
    let kind = match next(state).await {
        Ok(kind) => kind,
        Err(response) => return response,
    };
    let id = format!("job-mock-{}", state.generation.fetch_add(1, Ordering::Relaxed) + 1);
    state.videos.lock().expect("not poisoned").insert(id.clone(), (VIDEO_POLLS, kind));
    json_response(200, &video_job(&id, "pending", None, base), None)
}

fn video_job(id: &str, status: &str, error: Option<&str>, base: &str) -> Value {
    let mut job = json!({"id": id, "polling_url": format!("/api/v1/videos/{id}"), "status": status});
    if status == "completed" {
        job["unsigned_urls"] = json!([format!("{base}/videos/{id}/content?index=0")]);
        job["generation_id"] = json!(format!("gen-{id}"));
        job["usage"] = json!({"cost": 0.0});
    }
    if let Some(error) = error {
        job["error"] = json!(error);
    }
    job
}

/// `GET /videos/{id}`: one poll.
pub(super) fn poll_video(state: &State, id: &str, base: &str) -> Response<Body> {
    let mut videos = state.videos.lock().expect("not poisoned");
    let Some((polls, kind)) = videos.get_mut(id) else {
        return json_response(404, &envelope(404, "Video job not found", Value::Null), None);
    };
    *polls = polls.saturating_sub(1);
    let job = match (&*kind, *polls) {
        (Kind::Cut { .. }, _) | (_, 1..) => video_job(id, "in_progress", None, base),
        (Kind::MidStreamError { message, .. }, 0) => video_job(id, "failed", Some(message), base),
        (_, 0) => video_job(id, "completed", None, base),
    };
    json_response(200, &job, None)
}

/// `GET /videos/{id}/content`: the video, once the job completed.
pub(super) fn video_content(state: &State, id: &str) -> Response<Body> {
    let videos = state.videos.lock().expect("not poisoned");
    match videos.get(id) {
        Some((0, kind)) if !matches!(kind, Kind::Cut { .. } | Kind::MidStreamError { .. }) => {
            let mut video = MP4_HEAD.to_vec();
            video.extend(std::iter::repeat_n(0u8, 64 * 1024));
            binary("video/mp4", video)
        }
        Some(_) => json_response(409, &envelope(409, "The video is not ready", Value::Null), None),
        None => json_response(404, &envelope(404, "Video job not found", Value::Null), None),
    }
}
