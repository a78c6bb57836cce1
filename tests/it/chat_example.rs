//! The `chat` example, run as a user would, against a local server.

use crate::common;

use std::process::Output;

use common::{Reply, TestServer, completion, envelope};
use serde_json::json;

const KEY: &str = "sk-or-v1-TOPSECRET0123456789";

/// The example binary. `cargo test` builds it next to the test binaries; a filtered run (`cargo
/// test --test it`) does not, so build it once when it is missing or older than the sources. Not
/// every time: `cargo build` alone resolves features without the codegen crate (its serde_json has
/// `preserve_order`), so after `cargo test --workspace` it would rebuild half the tree (65 s).
fn example_path() -> std::path::PathBuf {
    let deps = std::env::current_exe().unwrap();
    let path = deps.parent().unwrap().parent().unwrap().join("examples").join("chat");
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let built = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let sources = ["src", "examples", "build.rs", "Cargo.toml", "openapi"].map(|p| root.join(p));
        if built.is_some_and(|built| sources.iter().all(|s| newest(s) <= built)) {
            return;
        }
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--example", "chat"])
            .current_dir(root)
            .status()
            .unwrap();
        assert!(status.success(), "cargo build --example chat failed");
    });
    path
}

/// The newest modification time of a file or anything under a folder.
fn newest(path: &std::path::Path) -> std::time::SystemTime {
    let own = std::fs::metadata(path).and_then(|m| m.modified()).unwrap_or(std::time::SystemTime::UNIX_EPOCH);
    let children = std::fs::read_dir(path).into_iter().flatten().flatten().map(|entry| newest(&entry.path()));
    children.fold(own, std::cmp::max)
}

async fn run_chat(server: &TestServer, args: &[&str]) -> Output {
    let example = tokio::task::spawn_blocking(example_path).await.unwrap();
    let mut command = tokio::process::Command::new(&example);
    command.args(args).env("OPENROUTER_API_KEY", KEY).env("OPENROUTER_BASE_URL", &server.url);
    command.output().await.unwrap_or_else(|e| panic!("cannot run {}: {e}", example.display()))
}

#[tokio::test]
async fn prints_the_answer() {
    let server = TestServer::start(vec![Reply::json(200, completion("Paris"))]).await;
    let out = run_chat(&server, &["--model", "openai/gpt-4o-mini", "Capital", "of France?"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Paris\n");
    let sent = server.requests()[0].json();
    assert_eq!(sent["model"], "openai/gpt-4o-mini");
    assert_eq!(sent["messages"], json!([{"role": "user", "content": "Capital of France?"}]));
}

#[tokio::test]
async fn json_prints_one_chat_completion_object() {
    let server = TestServer::start(vec![Reply::json(200, completion("Paris"))]).await;
    let out = run_chat(&server, &["--json", "hi"]).await;
    assert!(out.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["object"], "chat.completion");
    assert_eq!(printed["choices"][0]["message"]["content"], "Paris");
    assert_eq!(printed["usage"]["total_tokens"], 11);
}

#[tokio::test]
async fn a_failure_is_one_actionable_line_and_a_non_zero_exit() {
    let server = TestServer::start(vec![Reply::json(402, envelope(402, "Insufficient credits", json!({})))]).await;
    let out = run_chat(&server, &["hi"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("HTTP 402") && stderr.contains("Insufficient credits"), "{stderr}");
    assert!(!stderr.contains("TOPSECRET") && out.stdout.is_empty());
}

#[tokio::test]
async fn no_prompt_prints_usage() {
    let server = TestServer::start(vec![Reply::json(200, completion("x"))]).await;
    let out = run_chat(&server, &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("usage: chat"));
    assert!(server.requests().is_empty());
}

fn transcript(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/streams/{name}.sse", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[tokio::test]
async fn stream_prints_text_as_it_arrives() {
    let server = TestServer::start(vec![Reply::sse(&transcript("text"))]).await;
    let out = run_chat(&server, &["--stream", "hi"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Héllo wörld 🌍!\n");
    assert_eq!(server.requests()[0].json()["stream"], true);
}

#[tokio::test]
async fn stream_json_prints_the_assembled_completion() {
    let server = TestServer::start(vec![Reply::sse(&transcript("tools"))]).await;
    let out = run_chat(&server, &["--stream", "--json", "hi"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["object"], "chat.completion");
    assert_eq!(printed["choices"][0]["message"]["tool_calls"][1]["function"]["arguments"], "{\"tz\":\"Europe/Paris\"}");
}

#[tokio::test]
async fn a_truncated_or_failed_stream_exits_non_zero_with_one_line() {
    for (name, expected) in
        [("eof-before-finish", "ended before the completion was finished"), ("error-string", "Internal error")]
    {
        let server = TestServer::start(vec![Reply::sse(&transcript(name))]).await;
        let out = run_chat(&server, &["--stream", "hi"]).await;
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[tokio::test]
async fn with_no_key_it_answers_from_the_mock_through_the_same_code() {
    for args in [&["Say hi"][..], &["--stream", "Say hi"], &["--stream", "--json", "Say hi"]] {
        let example = tokio::task::spawn_blocking(example_path).await.unwrap();
        let out = tokio::process::Command::new(&example)
            .args(args)
            .env_remove("OPENROUTER_API_KEY")
            .env_remove("OPENROUTER_BASE_URL")
            .output()
            .await
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("local mock server"), "{stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("(mock) You said: Say hi"), "{args:?}: {stdout}");
    }
}

#[tokio::test]
async fn a_multi_line_server_message_is_still_one_stderr_line() {
    let message = "upstream said:\nline two\r\n\tline three";
    for reply in [
        Reply::json(500, envelope(500, message, json!({}))),
        Reply::json(400, json!({"detail": message})),
        Reply::raw(502, "text/html", "<html>\n<h1>Bad gateway</h1>\n</html>"),
    ] {
        let server = TestServer::start(vec![reply]).await;
        let out = run_chat(&server, &["hi"]).await;
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        // One line for the error, and one per retry the library logged (at `warn`), each whole.
        let errors = stderr.lines().filter(|l| l.starts_with("error: ")).count();
        assert_eq!(errors, 1, "{stderr}");
        assert!(
            stderr.lines().all(|l| l.starts_with("error: ") || l.starts_with("WARN: retrying request")),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn an_empty_key_is_an_error_never_a_switch_to_the_mock() {
    let server = TestServer::start(vec![Reply::json(200, completion("from the server"))]).await;
    let example = tokio::task::spawn_blocking(example_path).await.unwrap();
    let out = tokio::process::Command::new(&example)
        .arg("hi")
        .env("OPENROUTER_API_KEY", "")
        .env("OPENROUTER_BASE_URL", &server.url)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("the API key is empty") && !stderr.contains("mock"), "{stderr}");
    assert!(out.stdout.is_empty() && server.requests().is_empty());
}

#[tokio::test]
async fn a_provider_error_on_the_choice_fails_the_run_in_every_mode() {
    // As captured traffic has it: the choice carries `error`, `finish_reason` is null.
    let mut failed = completion("Partial ans");
    failed["choices"][0]["finish_reason"] = json!(null);
    failed["choices"][0]["error"] = json!({"code": 502, "message": "Provider disconnected\nmid-generation"});
    let head = r#""id":"gen-1","object":"chat.completion.chunk","created":1,"model":"m""#;
    let stream = format!(
        "data: {{{head},\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"Partial ans\"}},\"finish_reason\":null}}]}}\n\n\
         data: {{{head},\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"error\",\"error\":{{\"code\":502,\"message\":\"Provider disconnected\"}}}}]}}\n\n\
         data: [DONE]\n\n"
    );
    for (args, reply) in [
        (&["hi"][..], Reply::json(200, failed.clone())),
        (&["--json", "hi"], Reply::json(200, failed.clone())),
        (&["--stream", "hi"], Reply::sse(&stream)),
        (&["--stream", "--json", "hi"], Reply::sse(&stream)),
    ] {
        let server = TestServer::start(vec![reply]).await;
        let out = run_chat(&server, args).await;
        assert_eq!(out.status.code(), Some(1), "{args:?} must fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("Provider disconnected"), "{args:?}: {stderr}");
        if args.contains(&"--json") {
            let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(printed["choices"][0]["error"]["code"], 502, "{args:?}: the JSON is still printed");
        }
    }
}
