//! Every generated operation of the enabled areas, called once against the mock: the request goes
//! through the shared request path, the mock answers with the spec's example, and the answer
//! decodes into the generated type. `every_operation` is generated at build time from the spec.

use openrouter_bindings::mock::MockServer;

include!(concat!(env!("OUT_DIR"), "/every_operation.rs"));

#[tokio::test]
async fn every_operation_answers_offline_and_its_answer_decodes() {
    let mock = MockServer::start().await;
    let results = every_operation(&mock.client()).await;
    let failures: Vec<String> =
        results.iter().filter_map(|(_, id, r)| Some(format!("{id}: {}", r.as_ref().err()?))).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    // The default areas (chat, models, generations) have 13 operations; more areas, more calls.
    assert!(results.len() >= 13, "{}", results.len());
    let requests = mock.requests();
    assert_eq!(requests.len(), results.len(), "one request per operation, none retried");
    assert!(requests.iter().all(|r| r.header("authorization") == Some("Bearer sk-or-mock-key")));
}

#[tokio::test]
async fn path_and_query_parameters_are_encoded_and_cannot_leave_their_place() {
    let mock = MockServer::start().await;
    let client = mock.client();
    client.get_model("open ai", "gpt-4o/../../keys").send().await.unwrap();
    client.get_generation("gen 1&x=2").send().await.unwrap();
    let paths: Vec<String> = mock.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api/v1/model/open%20ai/gpt-4o%2F..%2F..%2Fkeys", "/api/v1/generation?id=gen+1%26x%3D2"]);

    let error = client.get_model("", "gpt-4o").send().await.unwrap_err();
    assert!(error.to_string().contains("the path parameter `author` is ``, which names no resource"), "{error}");
    assert_eq!(mock.requests().len(), 2, "nothing was sent");
}

#[tokio::test]
async fn an_operations_error_status_is_a_typed_api_error_with_the_server_body() {
    let mock = MockServer::start().await;
    let client = openrouter_bindings::Client::builder()
        .api_key("sk-or-mock-key")
        .base_url(format!("{}/nowhere", mock.url()))
        .build()
        .unwrap();
    let error = client.get_models().send().await.unwrap_err();
    let api = error.as_api().expect("an API error");
    assert_eq!((error.status(), api.message()), (Some(404), "Not Found"));
}

/// A generated call owns a clone of its client: its future is `Send + 'static`, so it can be
/// spawned, and the client can go out of scope first. One call of each area (the bodies of the
/// generation areas through their conveniences, which spawn the same way).
#[tokio::test]
async fn a_call_of_every_area_can_be_spawned() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let mut spawned: Vec<tokio::task::JoinHandle<Result<(), openrouter_bindings::Error>>> = Vec::new();
    macro_rules! spawn {
        ($call:expr) => {
            spawned.push(tokio::spawn({
                let call = $call;
                async move { call.await.map(drop) }
            }))
        };
    }
    #[cfg(feature = "chat")]
    spawn!(client.chat("m").user("hi").send());
    #[cfg(feature = "models")]
    spawn!(client.get_models().send());
    #[cfg(feature = "generations")]
    spawn!(client.get_generation("gen-1").send());
    #[cfg(feature = "credits")]
    spawn!(client.get_credits().send());
    #[cfg(feature = "embeddings")]
    spawn!(client.list_embeddings_models().send());
    #[cfg(feature = "responses")]
    spawn!(client.responses("m").input("hi").send());
    #[cfg(feature = "messages")]
    spawn!(client.messages("m").user("hi").max_tokens(16).send());
    #[cfg(feature = "images")]
    spawn!(client.list_image_models().send());
    #[cfg(feature = "audio")]
    spawn!(client.speech("m", "hi").send());
    #[cfg(feature = "video")]
    spawn!(client.list_video_models().send());
    #[cfg(feature = "rerank")]
    spawn!(client.rerank("m", "q").documents(["a", "b"]).send());
    #[cfg(feature = "files")]
    spawn!(client.list_files().send());
    #[cfg(feature = "management")]
    spawn!(client.list_keys().send());
    drop(client);
    let count = spawned.len();
    for handle in spawned {
        handle.await.unwrap().unwrap();
    }
    assert_eq!(mock.requests().len(), count);
}
