//! The named unions fixture's client (tests/fixtures/rules/50-unions-named.yaml) against a
//! loopback server that records each request: a chat request written in its short form (each
//! message's one-value `role` filled in by its type, each message and the model converted into
//! its union with `.into()`) sends the JSON the API asks for, and the unions decode by the
//! names that tell their variants apart.

use serde_json::json;
use unions_named::types::*;
use unions_named::{Client, RequestOptions};

use crate::recording::Recording;

fn answer(_: &str) -> Vec<u8> {
    let body = r#"{"object":"chat.completion","id":"c1"}"#;
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

fn client(server: &Recording) -> Client {
    Client::builder()
        .base_url(&server.url)
        .options(RequestOptions::default().max_retries(0))
        .build()
        .expect("client builds")
}

fn sent(server: &Recording) -> serde_json::Value {
    serde_json::from_str(&server.body()).expect("a JSON body")
}

#[tokio::test]
async fn a_chat_request_in_its_short_form_sends_every_role() {
    let server = Recording::start(answer).await;
    let request = ChatRequest::new(
        "my-model",
        vec![
            ChatSystemMessage::new("You are terse.").into(),
            ChatUserMessage::new("Hello").name("ada").into(),
            ChatAssistantMessage::new().role(ChatAssistantMessageRole::Assistant).into(),
        ],
    )
    .temperature(0.5);
    let response = client(&server).chat().create(&request).await.expect("the call succeeds");
    assert_eq!(response, ChatResponse::new("c1"));
    assert_eq!(
        sent(&server),
        json!({
            "model": "my-model",
            "messages": [
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": "Hello", "name": "ada"},
                {"role": "assistant"},
            ],
            "temperature": 0.5,
        })
    );
}

#[tokio::test]
async fn every_embedding_input_shape_converts_into_its_variant() {
    let server = Recording::start(answer).await;
    let client = client(&server);
    let inputs: [(EmbeddingRequestInput, serde_json::Value); 5] = [
        ("one".into(), json!("one")),
        (String::from("owned").into(), json!("owned")),
        (vec!["a".to_owned(), "b".to_owned()].into(), json!(["a", "b"])),
        (vec![1_i64, 2].into(), json!([1, 2])),
        (vec![vec![1_i64], vec![2, 3]].into(), json!([[1], [2, 3]])),
    ];
    for (input, expected) in inputs {
        let request = EmbeddingRequest::new(input, ModelIdString::SmallModel);
        client.embeddings().create(&request).await.expect("the call succeeds");
        assert_eq!(sent(&server), json!({"input": expected, "model": "small-model"}));
    }
    assert_eq!(EmbeddingRequestInput::from(vec![vec![7_i64]]), EmbeddingRequestInput::IntegerArrays(vec![vec![7]]));
    assert_eq!(ModelId::from("x"), ModelId::Text("x".to_owned()));
}

#[test]
fn messages_decode_by_their_role_and_an_optional_role_stays_the_callers() {
    let decode = |value| serde_json::from_value::<ChatMessage>(value).expect("decodes");
    assert_eq!(decode(json!({"role": "user", "content": "hi"})), ChatMessage::User(ChatUserMessage::new("hi")));
    assert_eq!(decode(json!({"role": "system", "content": "be"})), ChatMessage::System(ChatSystemMessage::new("be")));
    let assistant = ChatAssistantMessage::new().role(ChatAssistantMessageRole::Assistant);
    assert_eq!(decode(json!({"role": "assistant"})), ChatMessage::Assistant(assistant));
    // `role` is optional on the assistant's message: it is neither filled in nor sent unasked.
    let bare: ChatAssistantMessage = serde_json::from_value(json!({"content": "ok"})).expect("decodes");
    assert_eq!(bare.role, None);
    assert_eq!(serde_json::to_value(&bare).expect("encodes"), json!({"content": "ok"}));
    let other = json!({"role": "tool", "content": "42"});
    assert_eq!(decode(other.clone()), ChatMessage::Other(other));
}
