//! Received webhooks and callbacks, decoded by the generated `webhooks` modules in the handler
//! of a loopback server: the `newPet` webhook of the OpenAPI Initiative's 3.1 example (through
//! the committed `webhooks` client of `tests/fixtures/rules/33-webhooks.yaml`, whose `newPet`
//! is the example's), the Creatify callback (through `generated/creatify`), a Standard Webhooks
//! signature verified, and a tampered body, a stale timestamp and a body missing a field
//! refused, the last with the field's name.

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The secret the signed webhook is made with in these tests.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What the receiving server's handler does with a request to `path`: decodes it with the
/// function for that path, and answers `200` and the payload's `Debug` form, or `400` and the
/// error.
fn handle(path: &str, headers: &HeaderMap, body: &[u8]) -> (u16, String) {
    let secret = webhooks::webhooks::Secret::new(SECRET).expect("a valid secret");
    let decoded = match path {
        "/pets" => webhooks::webhooks::new_pet(headers, body).map(|p| format!("{p:?}")),
        "/adopted" => webhooks::webhooks::pet_adopted(headers, body, &secret).map(|p| format!("{p:?}")),
        "/jobs" => webhooks::webhooks::jobs_create_on_status(headers, body).map(|p| format!("{p:?}")),
        "/creatify" => {
            return match creatify::webhooks::lipsync_finished(headers, body) {
                Ok(payload) => (200, format!("{payload:?}")),
                Err(error) => (400, error.to_string()),
            };
        }
        _ => return (404, String::new()),
    };
    match decoded {
        Ok(text) => (200, text),
        Err(error) => (400, error.to_string()),
    }
}

/// A server on a free loopback port whose handler is [`handle`]; its address.
async fn receiver() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (path, headers, body) = read_request(&mut stream).await;
                let (status, text) = handle(&path, &headers, &body);
                let response =
                    format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}", text.len());
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    address.to_string()
}

/// Reads a request: its path, headers and body (by `Content-Length`).
async fn read_request(stream: &mut TcpStream) -> (String, HeaderMap, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.lines();
    let path = lines.next().and_then(|line| line.split(' ').nth(1)).unwrap_or_default().to_owned();
    let mut headers = HeaderMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let name = HeaderName::from_bytes(name.trim().as_bytes()).expect("a header name");
            headers.append(name, HeaderValue::from_str(value.trim()).expect("a header value"));
        }
    }
    let length = headers.get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let mut body = vec![0u8; length.unwrap_or(0)];
    let _ = stream.read_exact(&mut body).await;
    (path, headers, body)
}

/// POSTs `body` with `headers` to `path` of the server at `address`, as the API would; the
/// status and text of the answer.
async fn post(address: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(address).await.expect("connect to the receiver");
    let mut request = format!("POST {path} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    stream.write_all(request.as_bytes()).await.expect("send the head");
    stream.write_all(body).await.expect("send the body");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read the answer");
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let text = response.split_once("\r\n\r\n").map(|(_, text)| text.to_owned()).unwrap_or_default();
    (status, text)
}

/// The Standard Webhooks headers of a message sent at `timestamp`, signed with [`SECRET`].
fn signed(id: &str, timestamp: i64, body: &[u8]) -> Vec<(&'static str, String)> {
    let secret = webhooks::webhooks::Secret::new(SECRET).expect("a valid secret");
    vec![
        ("webhook-id", id.to_owned()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", secret.sign(id, timestamp, body)),
    ]
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("a clock after 1970").as_secs() as i64
}

#[tokio::test]
async fn the_oai_example_webhook_is_decoded() {
    let address = receiver().await;
    let body = br#"{"id": 7, "name": "Rex", "tag": "dog"}"#;
    let (status, text) = post(&address, "/pets", &[], body).await;
    assert_eq!((status, text.as_str()), (200, r#"Pet { id: 7, name: "Rex", tag: Some("dog") }"#));
    let decoded = webhooks::webhooks::new_pet(&HeaderMap::new(), body).expect("decodes");
    assert_eq!(decoded, webhooks::types::Pet::new(7, "Rex").tag("dog"));
}

#[tokio::test]
async fn a_body_missing_a_field_is_refused_with_its_name() {
    let address = receiver().await;
    let (status, text) = post(&address, "/pets", &[], br#"{"id": 7}"#).await;
    assert_eq!((status, text.as_str()), (400, "newPet: the body does not fit at .name: missing from the body"));
    let error = webhooks::webhooks::new_pet(&HeaderMap::new(), br#"{"id": "seven", "name": "Rex"}"#).unwrap_err();
    assert_eq!(error.path(), Some(".id"));
    // A nullable field may be left out (as in every response); a required one may not.
    let body = br#"{"id": "j1", "failed_reason": "no audio"}"#;
    let (status, text) = post(&address, "/jobs", &[], body).await;
    assert_eq!((status, text.as_str()), (400, "onStatus: the body does not fit at .status: missing from the body"));
}

#[tokio::test]
async fn the_creatify_callback_is_decoded() {
    let address = receiver().await;
    let id = "8f3e1c2a-5b7d-4e6f-9a0b-1c2d3e4f5a6b";
    let body =
        format!(r#"{{"id": "{id}", "status": "done", "failed_reason": null, "output": "https://example.com/v.mp4"}}"#);
    let (status, text) = post(&address, "/creatify", &[], body.as_bytes()).await;
    assert_eq!(status, 200, "{text}");
    let payload = creatify::webhooks::lipsync_finished(&HeaderMap::new(), body.as_bytes()).expect("decodes");
    assert_eq!(payload.id.to_string(), id);
    assert_eq!(payload.status, "done");
    assert_eq!(payload.failed_reason, None);
    assert_eq!(payload.output.as_deref(), Some("https://example.com/v.mp4"));
    let failed = format!(r#"{{"id": "{id}", "status": "failed", "failed_reason": "no face found", "output": null}}"#);
    let payload = creatify::webhooks::lipsync_finished(&HeaderMap::new(), failed.as_bytes()).expect("decodes");
    assert_eq!(payload.failed_reason.as_deref(), Some("no face found"));
    let (status, text) = post(&address, "/creatify", &[], br#"{"id": "not a uuid", "status": "done"}"#).await;
    assert_eq!(status, 400);
    assert!(text.starts_with("finished: the body does not fit at .id: "), "{text}");
}

#[tokio::test]
async fn a_signed_webhook_is_verified_and_a_tampered_or_stale_one_refused() {
    let address = receiver().await;
    let body = br#"{"pet": {"id": 1, "name": "Rex"}, "adopter": "Ada", "at": "2026-01-01T00:00:00Z"}"#;
    let (status, text) = post(&address, "/adopted", &signed("msg_1", now(), body), body).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(r#"adopter: "Ada""#), "{text}");

    let tampered = br#"{"pet": {"id": 1, "name": "Rex"}, "adopter": "Eve", "at": "2026-01-01T00:00:00Z"}"#;
    let (status, text) = post(&address, "/adopted", &signed("msg_2", now(), body), tampered).await;
    assert_eq!((status, text.as_str()), (400, "petAdopted: refused: no signature matches the body"));

    // The fixture allows 600 seconds.
    let (status, text) = post(&address, "/adopted", &signed("msg_3", now() - 3600, body), body).await;
    assert_eq!(status, 400);
    assert!(text.starts_with("petAdopted: refused: the timestamp is 36"), "{text}");

    let (status, text) = post(&address, "/adopted", &[], body).await;
    assert_eq!((status, text.as_str()), (400, "petAdopted: refused: the `webhook-id` header is missing"));

    // A signature over the same body with another secret is refused too.
    let other = webhooks::webhooks::Secret::from_bytes(b"another secret".to_vec());
    let mut headers = signed("msg_4", now(), body);
    headers[2].1 = other.sign("msg_4", now(), body);
    let (status, _) = post(&address, "/adopted", &headers, body).await;
    assert_eq!(status, 400);
}

/// The committed client's `newPet` is the OpenAPI Initiative example's: the example spec lowers
/// to the same webhook, with the same payload fields.
#[test]
#[ignore = "external tier, `cargo xtask test external`: reads ../shared/specs"]
fn the_fixture_webhook_is_the_oai_example() {
    let text = std::fs::read_to_string(xtask::project_root().join("../shared/specs/oai31-webhook-example.yaml"))
        .expect("the example spec");
    let config = clientgen::Config::new("webhooks");
    let example = clientgen::lower(&clientgen::Input::spec(clientgen::Source::new("example.yaml", &text)), &config)
        .expect("the example lowers");
    let fixture = clientgen::lower(&clientgen::Input::spec(xtask::WEBHOOKS_SPEC), &config).expect("the fixture lowers");
    let summary = |api: &clientgen::model::Api| -> serde_json::Value {
        let webhook = api.webhooks.as_ref().and_then(|w| w.items.iter().find(|w| w.name == "newPet")).expect("newPet");
        let payload = match &webhook.payload {
            clientgen::model::TypeRef::Named(id) => serde_json::to_value(&api.types[id].kind).expect("serializes"),
            other => panic!("newPet's payload is {other:?}"),
        };
        serde_json::json!({"function": webhook.function, "payload": payload})
    };
    assert_eq!(summary(&example.api), summary(&fixture.api));
}
