//! The committed Creatify client against a loopback HTTP server.

use creatify::types::{AspectRatio, CaptionStyle, Lipsync, LipsyncRequest, ModelVersion};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const READ_ONLY: &[&str] = &[
    "id",
    "output",
    "video_thumbnail",
    "created_at",
    "updated_at",
    "credits_used",
    "duration",
    "progress",
    "failed_reason",
    "media_job",
    "status",
    "is_hidden",
    "audio_url",
    "preview",
    "editor_url",
    "preview_audio",
];

/// A complete response body: every required field, nulls for every nullable one, plus a
/// caption style and a field the spec never mentioned.
fn response_body() -> Value {
    json!({
        "id": "6b3f3a9e-5a51-4e8c-9c9e-1d2a3b4c5d6e",
        "name": null,
        "text": null,
        "creator": null,
        "output": null,
        "video_thumbnail": "https://example.com/thumb.jpg",
        "aspect_ratio": "16x9",
        "created_at": "2024-10-24T12:00:00Z",
        "updated_at": "2024-10-24T12:00:05.123Z",
        "credits_used": 1.0,
        "duration": 12,
        "progress": "0.0",
        "failed_reason": null,
        "media_job": null,
        "status": "pending",
        "is_hidden": false,
        "audio_url": null,
        "webhook_url": null,
        "accent": null,
        "preview": "https://app.creatify.ai/preview?layout=videos/x.json",
        "editor_url": null,
        "preview_audio": null,
        "caption_style": "glitter-storm",
        "a_field_added_later": {"nested": [1, 2, 3]}
    })
}

fn client(server: &MockServer) -> creatify::Client {
    creatify::Client::builder()
        .base_url(server.uri())
        .api_id("test-id")
        .api_key("test-key")
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn request_body_has_no_read_only_key_and_both_auth_headers_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/lipsyncs/preview/"))
        .and(header("X-API-ID", "test-id"))
        .and(header("X-API-KEY", "test-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(response_body()))
        .expect(1)
        .mount(&server)
        .await;

    let request = LipsyncRequest::new(AspectRatio::V9x16)
        .text("Hello from the test suite")
        .model_version(ModelVersion::AuroraV1Fast)
        .audio("https://example.com/voice.mp3")
        .caption_style(CaptionStyle::DeepBlue)
        .webhook_url_null();
    client(&server).lipsyncs_preview_create(&request).await.expect("call succeeds");

    let received = server.received_requests().await.expect("requests are recorded");
    let body: Value = serde_json::from_slice(&received[0].body).expect("body is JSON");
    let keys: Vec<&str> = body.as_object().expect("an object").keys().map(String::as_str).collect();
    for key in READ_ONLY {
        assert!(!keys.contains(key), "read-only {key} was sent: {body}");
    }
    assert_eq!(body["audio"], "https://example.com/voice.mp3");
    assert_eq!(body["aspect_ratio"], "9x16");
    assert_eq!(body["caption_style"], "deep-blue");
    assert_eq!(body["model_version"], "aurora_v1_fast");
    assert_eq!(body["webhook_url"], Value::Null, "an explicit null is sent");
    assert!(!keys.contains(&"name"), "an unset optional field is left out: {body}");
    assert_eq!(received[0].headers.get("content-type").and_then(|v| v.to_str().ok()), Some("application/json"));
}

#[tokio::test]
async fn tolerant_response_decodes_and_keeps_unknown_enum_values() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(response_body()))
        .mount(&server)
        .await;

    let lipsync: Lipsync = client(&server)
        .lipsyncs_preview_create(&LipsyncRequest::new(AspectRatio::V16x9))
        .await
        .expect("response decodes");
    assert_eq!(lipsync.caption_style, Some(CaptionStyle::Unknown("glitter-storm".into())));
    assert_eq!(lipsync.aspect_ratio, AspectRatio::V16x9);
    assert_eq!(lipsync.output, None);
    assert_eq!(lipsync.preview.as_deref(), Some("https://app.creatify.ai/preview?layout=videos/x.json"));

    let encoded = serde_json::to_value(&lipsync).expect("re-encodes");
    assert_eq!(encoded["caption_style"], "glitter-storm");
    assert_eq!(encoded["aspect_ratio"], "16x9");
}

#[tokio::test]
async fn overlong_text_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;

    let request = LipsyncRequest::new(AspectRatio::V1x1).text("a".repeat(8001));
    let error = client(&server).lipsyncs_preview_create(&request).await.expect_err("refused");
    match &error {
        creatify::Error::Validation { field, rule } => {
            assert_eq!(field, "text");
            assert_eq!(rule, "must be at most 8000 characters long (is 8001)");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(server.received_requests().await.expect("recorded").is_empty());
}

#[tokio::test]
async fn an_error_status_carries_status_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string("{\"creator\": [\"Invalid creator\"]}"))
        .mount(&server)
        .await;
    let error = client(&server)
        .lipsyncs_preview_create(&LipsyncRequest::new(AspectRatio::V1x1))
        .await
        .expect_err("400 is an error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let creatify::Error::Api { body, .. } = &error else { panic!("expected Api, got {error:?}") };
    assert!(body.contains("Invalid creator"));
    assert!(error.to_string().starts_with("POST /api/lipsyncs/preview/ returned 400 Bad Request"), "{error}");
}

#[tokio::test]
async fn a_missing_required_field_names_the_field() {
    let server = MockServer::start().await;
    let mut body = response_body();
    body.as_object_mut().expect("object").remove("created_at");
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    let error = client(&server)
        .lipsyncs_preview_create(&LipsyncRequest::new(AspectRatio::V1x1))
        .await
        .expect_err("decode fails");
    assert!(matches!(error, creatify::Error::Decode { .. }), "{error:?}");
    assert_eq!(error.to_string(), "POST /api/lipsyncs/preview/: response field .created_at: missing from the body");
}

#[test]
fn debug_output_shows_the_base_url_and_hides_credentials() {
    let client = creatify::Client::builder()
        .base_url("http://127.0.0.1:4010")
        .api_id("very-secret-id")
        .api_key("very-secret-key")
        .build()
        .expect("client builds");
    let shown = format!("{client:?}");
    assert!(shown.contains("http://127.0.0.1:4010/"), "{shown}");
    assert!(!shown.contains("very-secret"), "{shown}");
}

#[test]
fn requests_go_to_the_public_api_by_default() {
    let client = creatify::Client::builder().api_id("id").api_key("key").build().expect("client builds");
    assert_eq!(client.base_url().as_str(), "https://api.creatify.ai/");
}

#[tokio::test]
async fn missing_credentials_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = creatify::Client::builder().base_url(server.uri()).api_id("only-the-id").build().expect("builds");
    let error = client.lipsyncs_preview_create(&LipsyncRequest::new(AspectRatio::V1x1)).await.expect_err("refused");
    assert_eq!(
        error.to_string(),
        "client configuration: POST /api/lipsyncs/preview/ needs credentials: \
         set CREATIFY_API_ID or call ClientBuilder::api_id(..), and set CREATIFY_API_KEY or call ClientBuilder::api_key(..)"
    );
}

#[tokio::test]
async fn decimals_go_on_the_wire_as_strings_and_patterns_are_checked() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(response_body()))
        .expect(1)
        .mount(&server)
        .await;
    let from_text: creatify::types::Decimal = "-0.4".parse().expect("a decimal");
    let from_number = creatify::types::Decimal::from_f64(0.25).expect("a decimal");
    assert!("-".parse::<creatify::types::Decimal>().is_err() && "1e3".parse::<creatify::types::Decimal>().is_err());
    let request = LipsyncRequest::new(AspectRatio::V1x1).caption_offset_x(from_text).caption_offset_y(from_number);
    client(&server).lipsyncs_preview_create(&request).await.expect("call succeeds");
    let received = server.received_requests().await.expect("recorded");
    let body: Value = serde_json::from_slice(&received[0].body).expect("JSON");
    assert_eq!(body["caption_offset_x"], "-0.4");
    assert_eq!(body["caption_offset_y"], "0.25");

    let too_precise = LipsyncRequest::new(AspectRatio::V1x1).caption_offset_x("0.125".parse().expect("a decimal"));
    let error = client(&server).lipsyncs_preview_create(&too_precise).await.expect_err("refused");
    assert_eq!(
        error.to_string(),
        r"invalid request: caption_offset_x must match the pattern ^-?\d{0,1}(?:\.\d{0,2})?$"
    );
}

/// The overlay's work, as a reader of the docs sees it.
#[test]
fn the_preview_method_says_what_a_preview_is_and_costs() {
    let client = std::fs::read_to_string(xtask::creatify_dir().join("src/client.rs")).expect("client.rs");
    let docs_end = client.find("pub async fn lipsyncs_preview_create").expect("the method exists");
    let docs_start = client[..docs_end].rfind("Generate a preview").expect("the summary from the overlay");
    let docs = &client[docs_start..docs_end];
    assert!(docs.contains("1 credit for every 30 seconds"), "{docs}");
    assert!(docs.contains("iframe"), "{docs}");
    assert!(!client.contains("Mixin to provide"), "the copied mixin docstring is gone");
}

#[tokio::test]
async fn error_lines_read_as_the_issue_promises() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string(r#"{"detail": "Invalid creator"}"#))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let mut truncated = response_body();
    truncated["created_at"] = json!("2024-10-24T12");
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(truncated)).mount(&server).await;
    let client = client(&server);
    let request = LipsyncRequest::new(AspectRatio::V1x1);
    let api = client.lipsyncs_preview_create(&request).await.expect_err("400");
    assert_eq!(api.to_string(), "POST /api/lipsyncs/preview/ returned 400 Bad Request: Invalid creator");
    let decode = client.lipsyncs_preview_create(&request).await.expect_err("bad date");
    assert_eq!(decode.to_string(), "POST /api/lipsyncs/preview/: response field .created_at: premature end of input");
}

#[tokio::test]
async fn explicit_nulls_go_as_empty_fields_in_form_and_multipart_bodies_as_null_in_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/lipsyncs/preview/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(response_body()))
        .mount(&server)
        .await;
    let request = LipsyncRequest::new(AspectRatio::V1x1).name_null().text("Hi").creator_null().green_screen(false);
    let client = client(&server);
    client.lipsyncs_preview_create(&request).await.expect("json");
    client.lipsyncs_preview_create_form(&request).await.expect("form");
    client.lipsyncs_preview_create_multipart(&request).await.expect("multipart");
    let received = server.received_requests().await.expect("recorded");
    let json: Value = serde_json::from_slice(&received[0].body).expect("JSON");
    assert_eq!(
        json,
        json!({"name": null, "text": "Hi", "creator": null, "aspect_ratio": "1x1", "green_screen": false})
    );
    // The fields left unset that declare a default (spec/creatify.overlay.yaml) go with it in
    // forms; JSON leaves them to the server.
    assert_eq!(
        String::from_utf8_lossy(&received[1].body),
        "name=&text=Hi&creator=&model_version=standard&aspect_ratio=1x1&green_screen=false&\
         transparent_background=false&no_caption=true&no_music=true"
    );
    let multipart = String::from_utf8_lossy(&received[2].body);
    // Each part a primitive's, as text/plain; a null an empty one.
    for expected in [
        "name=\"name\"\r\nContent-Type: text/plain\r\n\r\n\r\n",
        "name=\"creator\"\r\nContent-Type: text/plain\r\n\r\n\r\n",
        "name=\"green_screen\"\r\nContent-Type: text/plain\r\n\r\nfalse\r\n",
        "name=\"model_version\"\r\nContent-Type: text/plain\r\n\r\nstandard\r\n",
        "name=\"no_caption\"\r\nContent-Type: text/plain\r\n\r\ntrue\r\n",
        "name=\"no_music\"\r\nContent-Type: text/plain\r\n\r\ntrue\r\n",
        "name=\"transparent_background\"\r\nContent-Type: text/plain\r\n\r\nfalse\r\n",
    ] {
        assert!(multipart.contains(expected), "{expected:?} not in {multipart}");
    }
    assert!(!multipart.contains("name=\"accent\""), "unset fields are left out: {multipart}");
}
