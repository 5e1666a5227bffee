//! The `tracing` feature of generated crates: one span per call with the operation's id,
//! method, path template, attempt, status and duration, and no credential or body in any
//! field or event, shown on the HTTP fixture's client against a loopback server.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_fixture::types::ItemRequest;
use http_fixture::{Client, RequestOptions};
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "tok-3f9a1c";
const KEY: &str = "key-77d2e0";
const PASSWORD: &str = "pw-0b51aa";
const BODY_TEXT: &str = "body-text-4c1e";

/// A writer into a shared buffer, for the subscriber.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_call_is_one_span_with_its_fields_and_no_secret() {
    let server = MockServer::start().await;
    let item = json!({"id": 7, "name": BODY_TEXT});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&item))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201).set_body_json(&item)).mount(&server).await;

    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    // The test's runtime runs on this thread only, so the default subscriber sees every poll.
    let _guard = tracing::subscriber::set_default(subscriber);

    let fast =
        RequestOptions::default().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_millis(2));
    let client = Client::builder()
        .base_url(server.uri())
        .token(TOKEN)
        .key(KEY)
        .basic("user", Some(PASSWORD.to_owned()))
        .default_header("x-default", KEY)
        .options(fast)
        .build()
        .expect("client builds");
    client.items().retrieve(7, &Default::default()).await.expect("retried once");
    client.admin().retrieve().await.expect("with the key in the query");
    client.items().create(&ItemRequest::new(BODY_TEXT)).await.expect("created");

    let output = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let closes: Vec<&str> = output.lines().filter(|line| line.contains("close")).collect();
    assert_eq!(closes.len(), 3, "one span per call:\n{output}");
    for (line, fields) in closes.iter().zip([
        ["operation_id=\"items_read\"", "method=\"GET\"", "path=\"/items/{id}\"", "attempt=2", "status=200"],
        ["operation_id=\"stats_read\"", "method=\"GET\"", "path=\"/admin/stats\"", "attempt=1", "status=200"],
        ["operation_id=\"items_create\"", "method=\"POST\"", "path=\"/items\"", "attempt=1", "status=201"],
    ]) {
        for field in fields {
            assert!(line.contains(field), "{field} missing from {line}");
        }
        assert!(line.contains("duration_ms="), "{line}");
    }
    assert!(output.contains("status=503"), "the failed attempt is an event:\n{output}");
    for secret in [TOKEN, KEY, PASSWORD, BODY_TEXT, "user"] {
        assert!(!output.contains(secret), "{secret} in the tracing output:\n{output}");
    }
}
