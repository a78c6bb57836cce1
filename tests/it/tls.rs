//! HTTPS with the client the crate builds (feature `rustls`: rustls with ring, the platform's
//! trust store), against a TLS server on 127.0.0.1 with a certificate for `localhost` from a test
//! CA (`tests/fixtures/tls/`: `ca.pem`, and the server's `localhost.der` and `localhost.key.der`,
//! made with openssl, valid until 2126).
//!
//! The platform's store does not know the test CA, so the request is refused. A child process of
//! this test binary, whose `SSL_CERT_FILE` names the test CA (the platform verifier reads it on
//! Linux, as OpenSSL does), completes the same request: setting the variable in this process could
//! race with other tests reading the environment. A root added with
//! `ClientBuilder::add_root_certificates_pem` is trusted besides the platform's store.

use std::{
    io::{Read, Write},
    net::TcpListener,
    path::PathBuf,
    sync::Arc,
    thread::{self, JoinHandle},
};

use openrouter_bindings::{Client, ClientBuilder, Error, RetryPolicy, TransportKind};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::common::completion;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls").join(name)
}

/// Serves one HTTPS connection, answering its one request with `body`. The thread returns the
/// request's head, or the TLS error that ended the connection.
fn serve_once(body: String) -> (u16, JoinHandle<Result<String, String>>) {
    let cert = CertificateDer::from(std::fs::read(fixture("localhost.der")).unwrap());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(std::fs::read(fixture("localhost.key.der")).unwrap()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (tcp, _) = listener.accept().map_err(|e| e.to_string())?;
        let connection = rustls::ServerConnection::new(Arc::new(config)).map_err(|e| e.to_string())?;
        let mut tls = rustls::StreamOwned::new(connection, tcp);
        let mut received = Vec::new();
        let mut buf = [0; 4096];
        let head_end = loop {
            let n = tls.read(&mut buf).map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the client closed the connection".into());
            }
            received.extend_from_slice(&buf[..n]);
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
        };
        let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
        let length: usize = head
            .lines()
            .find_map(|line| {
                line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap())
            })
            .unwrap_or(0);
        while received.len() < head_end + length {
            let n = tls.read(&mut buf).map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the body was cut short".into());
            }
            received.extend_from_slice(&buf[..n]);
        }
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        tls.write_all(answer.as_bytes()).map_err(|e| e.to_string())?;
        tls.conn.send_close_notify();
        tls.flush().map_err(|e| e.to_string())?;
        Ok(head)
    });
    (port, server)
}

fn builder(port: u16) -> ClientBuilder {
    Client::builder()
        .api_key("sk-or-v1-tls-test")
        .base_url(format!("https://localhost:{port}/api/v1"))
        .retry(RetryPolicy::none())
}

fn client(port: u16) -> Client {
    builder(port).build().unwrap()
}

/// Sends a chat request over `client` to the server on `port`, and checks what both sides saw.
async fn chat_goes_through(client: Client, server: JoinHandle<Result<String, String>>) {
    let response = client.chat("openai/gpt-4o-mini").user("Capital of France?").send().await.unwrap();
    assert_eq!(response.text().unwrap(), "Paris");
    let head = server.join().unwrap().unwrap();
    assert!(head.starts_with("POST /api/v1/chat/completions HTTP/1.1\r\n"), "{head}");
    assert!(head.contains("authorization: Bearer sk-or-v1-tls-test\r\n"), "{head}");
}

#[tokio::test]
async fn a_certificate_the_platform_does_not_trust_is_refused_before_anything_is_sent() {
    let (port, server) = serve_once(completion("never sent").to_string());
    let error = client(port).chat("openai/gpt-4o-mini").user("Hi").send().await.unwrap_err();
    let Error::Transport { kind, ref source, .. } = error else { panic!("expected a transport error, got {error:?}") };
    assert_eq!(kind, TransportKind::Connect, "nothing reached the model: {error}");
    let mut chain = source.to_string();
    let mut cause = source.source();
    while let Some(inner) = cause {
        chain.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    assert!(chain.contains("UnknownIssuer"), "the refusal says why: {chain}");
    let server_side = server.join().unwrap().unwrap_err();
    assert!(server_side.contains("UnknownCA"), "the client alerted the server: {server_side}");
}

/// Run by the test below in a child process whose `SSL_CERT_FILE` names the test CA.
#[tokio::test]
#[ignore = "run by tls::a_trusted_certificate_carries_the_request_over_tls, with SSL_CERT_FILE set"]
async fn with_the_test_ca_trusted() {
    assert_eq!(std::env::var_os("SSL_CERT_FILE"), Some(fixture("ca.pem").into()), "run by the test below");
    let (port, server) = serve_once(completion("Paris").to_string());
    chat_goes_through(client(port), server).await;
}

#[test]
fn a_trusted_certificate_carries_the_request_over_tls() {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "tls::with_the_test_ca_trusted", "--test-threads=1"])
        .env("SSL_CERT_FILE", fixture("ca.pem"))
        .env_remove("SSL_CERT_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_root_certificate_added_to_the_builder_is_trusted_besides_the_platform_store() {
    let (port, server) = serve_once(completion("Paris").to_string());
    let ca = std::fs::read(fixture("ca.pem")).unwrap();
    chat_goes_through(builder(port).add_root_certificates_pem(ca).build().unwrap(), server).await;
}

#[test]
fn root_certificates_that_are_not_pem_certificates_fail_the_build() {
    let build = |pem: &str| builder(1).add_root_certificates_pem(pem).build().unwrap_err().to_string();
    let error = build("not a certificate");
    assert!(error.contains("root certificate text 1 holds no PEM certificate"), "{error}");
    let garbled = "-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----\n";
    let error = build(garbled);
    assert!(error.contains("root certificate text 1 does not parse as PEM"), "{error}");
}
