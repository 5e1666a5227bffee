//! Contract tests: the Creatify client against Prism serving the overlaid Creatify spec. Prism
//! checks every request against the spec (body, content type, credentials) and answers with
//! data built from the response schema.

use std::path::PathBuf;

use creatify::types::{AspectRatio, CaptionStyle, LipsyncRequest, ModelVersion};
use tests::prism::Prism;

/// The Creatify spec with its overlay applied, as Prism reads it: a file for each test, since
/// Prism watches its file and each test removes its own.
fn overlaid_spec(test: &str) -> PathBuf {
    let clientgen::Overlaid { tree, warnings } =
        clientgen::apply_overlays(&xtask::creatify_input()).expect("the overlay applies");
    assert!(warnings.is_empty(), "{warnings:?}");
    let path = std::env::temp_dir().join(format!("creatify-overlaid-{}-{test}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_vec_pretty(&tree).expect("JSON")).expect("spec written");
    path
}

fn client(prism: &Prism) -> creatify::Client {
    creatify::Client::builder()
        .base_url(prism.base_url())
        .api_id("contract-test-id")
        .api_key("contract-test-key")
        .build()
        .expect("client builds")
}

fn request() -> LipsyncRequest {
    LipsyncRequest::new(AspectRatio::V9x16)
        .text("Hello from the contract tests")
        .model_version(ModelVersion::AuroraV1)
        .caption_style(CaptionStyle::NormalBlack)
        .no_music(true)
        .webhook_url("https://example.com/hooks/creatify")
}

#[tokio::test]
#[ignore = "external tier, `cargo xtask test external`: needs Prism (Node.js, tests/prism)"]
async fn the_preview_request_passes_prism_validation_as_json_form_and_multipart() {
    let spec = overlaid_spec("content-types");
    let prism = Prism::start(&spec, false).expect("Prism starts");
    let client = client(&prism);
    let request = request();
    let json = client.lipsyncs_preview_create_with_response(&request).await.expect("JSON accepted");
    let form = client.lipsyncs_preview_create_form_with_response(&request).await.expect("form accepted");
    let multipart = client.lipsyncs_preview_create_multipart_with_response(&request).await.expect("multipart accepted");
    for response in [json, form, multipart] {
        assert_eq!(response.status.as_u16(), 200);
    }
    drop(prism);
    let _ = std::fs::remove_file(spec);
}

#[tokio::test]
#[ignore = "external tier, `cargo xtask test external`: needs Prism (Node.js, tests/prism)"]
async fn two_hundred_dynamic_responses_all_decode() {
    let spec = overlaid_spec("dynamic");
    let prism = Prism::start(&spec, true).expect("Prism starts");
    let client = client(&prism);
    let request = request();
    for i in 0..200 {
        client.lipsyncs_preview_create(&request).await.unwrap_or_else(|e| panic!("response {i}: {e}"));
    }
    drop(prism);
    let _ = std::fs::remove_file(spec);
}

#[tokio::test]
#[ignore = "external tier, `cargo xtask test external`: needs Prism (Node.js, tests/prism)"]
async fn a_request_prism_rejects_comes_back_as_an_api_error_with_its_status() {
    let spec = overlaid_spec("rejected");
    let prism = Prism::start(&spec, false).expect("Prism starts");
    // A value the client cannot know is wrong: an aspect ratio the spec does not list.
    let unknown = LipsyncRequest::new(AspectRatio::Unknown("4x3".into()));
    let error = client(&prism).lipsyncs_preview_create(&unknown).await.expect_err("rejected");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422), "{error}");
    assert!(error.to_string().starts_with("POST /api/lipsyncs/preview/ returned 422 Unprocessable Entity"), "{error}");
    drop(prism);
    let _ = std::fs::remove_file(spec);
}
