//! The Swagger 2.0 wire fixture's client (tests/fixtures/rules/59-swagger2-wire.yaml, read as
//! 2.0 and converted by the swagger stage) against a loopback server that records each
//! request's bytes: a JSON `in: body` parameter, a multipart form of `in: formData` fields (a
//! file and a string), a URL-encoded form whose arrays are csv (2.0's default) and multi, query
//! arrays in `collectionFormat` multi, csv and pipes, header parameters and the API key arrive
//! exactly as the 2.0 document describes them; and Prism, given the same 2.0 file, accepts the
//! query, body and upload requests (and refuses the same values sent the ways the document
//! does not describe, so its acceptance means something).

use std::path::PathBuf;

use swagger2::types::*;
use swagger2::{Client, RequestOptions};
use tests::prism::Prism;

use crate::recording::Recording;

/// The 2.0 document itself, as Prism reads it.
fn fixture() -> PathBuf {
    xtask::project_root().join("tests/fixtures/rules/59-swagger2-wire.yaml")
}

/// Answers each operation with a body its response schema fits.
fn answer(request: &str) -> Vec<u8> {
    let line = request.lines().next().unwrap_or_default();
    let (status, body) = if line.starts_with("GET /v2/pets") {
        ("200 OK", r#"[{"id":7,"name":"Rex","tags":["sea"],"color":"brown"}]"#)
    } else if line.starts_with("POST /v2/pets/7/photos") {
        ("200 OK", r#"{"petId":7,"caption":"On the beach","bytes":5}"#)
    } else if line.starts_with("PUT /v2/pets/7/labels") {
        return b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n".to_vec();
    } else if line.starts_with("POST /v2/pets") {
        ("201 Created", r#"{"id":8,"name":"Rex","tags":["sea","sun & sand"],"color":"black"}"#)
    } else {
        ("404 Not Found", "{}")
    };
    format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

/// A client of `base_url` with the API key set and no retries.
fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .key("secret-key")
        .options(RequestOptions::default().max_retries(0))
        .build()
        .expect("client builds")
}

/// The query: a multi array, a csv one, a pipes one and a scalar, with the header.
fn find_params() -> FindPetsParams {
    FindPetsParams::new(vec!["sea".to_owned(), "sun & sand".to_owned()], "req-1")
        .ids(vec![3, 4])
        .colors(vec![FindPetsColorsItem::Black, FindPetsColorsItem::White])
        .limit(10)
}

/// The JSON body.
fn new_pet() -> NewPet {
    NewPet::new("Rex").tags(vec!["sea".to_owned(), "sun & sand".to_owned()]).color(NewPetColor::Black)
}

/// The upload: a caption and a file whose bytes are no UTF-8.
fn photo() -> UploadPhotoBody {
    UploadPhotoBody::new("On the beach", File::new("rex.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\xff".to_vec()))
}

#[test]
fn the_default_server_is_the_documents_host_base_path_and_scheme() {
    let client = Client::builder().build().expect("client builds");
    assert_eq!(client.base_url().as_str(), "https://pets.example.com/v2");
}

#[tokio::test]
async fn query_arrays_go_in_their_collection_format_with_the_header_and_key() {
    let server = Recording::start(answer).await;
    let client = client(&format!("{}/v2", server.url));
    let found = client.find_pets(&find_params()).await.expect("found");
    assert_eq!(found, [Pet::new(7, "Rex").tags(vec!["sea".to_owned()]).color(PetColor::Brown)]);
    // multi: one pair per item; csv: one pair, commas; pipes: one pair, pipes.
    assert_eq!(server.target(), "GET /v2/pets?tags=sea&tags=sun%20%26%20sand&ids=3,4&colors=black|white&limit=10");
    assert_eq!(server.header("x-request-id"), ["req-1"]);
    assert_eq!(server.header("x-api-key"), ["secret-key"]);
    assert_eq!(server.header("accept"), ["application/json"]);
    assert_eq!(server.body(), "");

    // Only the required multi array, of one item: one pair, and none for the unset ones.
    client.find_pets(&FindPetsParams::new(vec!["a".to_owned()], "req-3")).await.expect("found");
    assert_eq!(server.target(), "GET /v2/pets?tags=a");
}

#[tokio::test]
async fn a_body_parameter_is_sent_as_json() {
    let server = Recording::start(answer).await;
    let client = client(&format!("{}/v2", server.url));
    let added = client.add_pet(&new_pet(), &AddPetParams::new("req-2")).await.expect("added");
    assert_eq!(added.id, 8);
    assert_eq!(server.target(), "POST /v2/pets");
    assert_eq!(server.header("content-type"), ["application/json"]);
    assert_eq!(server.header("x-request-id"), ["req-2"]);
    assert_eq!(server.header("x-api-key"), ["secret-key"]);
    assert_eq!(server.body(), r#"{"name":"Rex","tags":["sea","sun & sand"],"color":"black"}"#);
}

#[tokio::test]
async fn form_data_fields_are_a_multipart_body_with_the_file_as_a_file_part() {
    let server = Recording::start(answer).await;
    let client = client(&format!("{}/v2", server.url));
    let stored = client.upload_photo(7, &photo()).await.expect("uploaded");
    assert_eq!(stored, Photo::new(7, "On the beach", 5));
    assert_eq!(server.target(), "POST /v2/pets/7/photos");
    assert_eq!(server.header("x-api-key"), ["secret-key"]);
    let content_type = server.header("content-type").concat();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("a multipart body");
    let part = |head: &str, body: &[u8]| [format!("--{boundary}\r\n{head}\r\n\r\n").as_bytes(), body, b"\r\n"].concat();
    let expected = [
        part("Content-Disposition: form-data; name=\"caption\"\r\nContent-Type: text/plain", b"On the beach"),
        part(
            "Content-Disposition: form-data; name=\"photo\"; filename=\"rex.png\"\r\nContent-Type: image/png",
            b"\x89PNG\r\n\x1a\n\x00\xff",
        ),
        format!("--{boundary}--\r\n").into_bytes(),
    ]
    .concat();
    let body = server.body_bytes();
    assert_eq!(body, expected, "{}", String::from_utf8_lossy(&body));

    // A file without a type of its own goes as application/octet-stream, as OpenAPI says of
    // the `type: file` field the conversion makes a binary string.
    let plain = UploadPhotoBody::new("raw", File::new("rex.bin", "", b"bytes".to_vec()));
    client.upload_photo(7, &plain).await.expect("uploaded");
    let body = server.body();
    assert!(
        body.contains(
            "Content-Disposition: form-data; name=\"photo\"; filename=\"rex.bin\"\r\n\
             Content-Type: application/octet-stream\r\n\r\nbytes\r\n"
        ),
        "{body}"
    );
}

#[tokio::test]
async fn form_data_arrays_in_a_url_encoded_form_are_csv_unless_multi() {
    let server = Recording::start(answer).await;
    let client = client(&format!("{}/v2", server.url));
    let labels = LabelPetBody::new(vec!["sea".to_owned(), "sand dune".to_owned()]).sizes(vec![1, 2]).note("a&b");
    client.label_pet(7, &labels).await.expect("labelled");
    assert_eq!(server.target(), "PUT /v2/pets/7/labels");
    assert_eq!(server.header("content-type"), ["application/x-www-form-urlencoded"]);
    // `labels` declares no collectionFormat: 2.0's default, csv, one field of the values joined
    // by commas (encoded, as the form encoding does); `sizes` is multi, a field per value.
    assert_eq!(server.body(), "labels=sea%2Csand+dune&sizes=1&sizes=2&note=a%26b");
}

/// Prism's answer to a request the client does not make, on the same document: the test
/// below is only worth something if Prism refuses what breaks it.
async fn raw(prism: &Prism, method: reqwest::Method, target: &str, content_type: &str, body: &str) -> u16 {
    let client = reqwest::Client::new();
    let request = client
        .request(method, format!("{}{target}", prism.base_url()))
        .header("x-api-key", "secret-key")
        .header("x-request-id", "req-0")
        .header("content-type", content_type)
        .body(body.to_owned());
    request.send().await.expect("Prism answers").status().as_u16()
}

#[tokio::test]
#[ignore = "external tier, `cargo xtask test external`: needs Prism (Node.js, tests/prism)"]
async fn prism_given_the_same_swagger_2_document_accepts_the_three_requests() {
    let prism = Prism::start(&fixture(), false).expect("Prism starts");
    // Prism serves the document's paths at its root, without the `basePath`.
    let client = client(prism.base_url());
    // A request Prism refuses is an `Error::Api` (422 or 415, no success declared for it), so
    // each call's `expect` is the verdict; the status and Prism's header say it again.
    let found = client.find_pets(&find_params()).await.expect("Prism accepts the query");
    assert!(!found.is_empty());
    let added = client.add_pet(&new_pet(), &AddPetParams::new("req-2")).await.expect("Prism accepts the body");
    assert_eq!(added.name, "Rex");
    let stored = client.upload_photo(7, &photo()).await.expect("Prism accepts the upload");
    assert_eq!(stored.pet_id, 7);
    let params = FindPetsParams::new(vec!["sea".to_owned()], "req-1").colors(vec![FindPetsColorsItem::Brown]);
    let response = client.find_pets_with_response(&params).await.expect("found");
    assert_eq!(response.status.as_u16(), 200);
    assert!(response.headers.get("sl-violations").is_none(), "{:?}", response.headers);

    // Not asked of Prism: `labelPet`'s form. Prism 5.14.2, reading 2.0, refuses every value of
    // a form array without `collectionFormat` (`labels=a%2Cb`, `labels=a&labels=b`: "must be
    // array"), and an absent optional one with `collectionFormat: csv`, while it takes
    // `a%2Cb` for a present csv one; the loopback test above is that form's proof. Nor does
    // Prism look inside a multipart body: it checks its media type (415 below), not its parts
    // (a form without the required file passes).

    // What Prism refuses on this document: a pipes array sent with commas, a required multi
    // array left out, the form sent URL-encoded and the body sent as a form.
    use reqwest::Method;
    assert_eq!(raw(&prism, Method::GET, "/pets?tags=a&colors=black,white", "text/plain", "").await, 422);
    assert_eq!(raw(&prism, Method::GET, "/pets?ids=3,4", "text/plain", "").await, 422);
    let form = "caption=hi&photo=x";
    assert_eq!(raw(&prism, Method::POST, "/pets/7/photos", "application/x-www-form-urlencoded", form).await, 415);
    assert_eq!(raw(&prism, Method::POST, "/pets", "application/x-www-form-urlencoded", "name=Rex").await, 415);
    assert_eq!(raw(&prism, Method::POST, "/pets", "application/json", r#"{"tags":["a"]}"#).await, 422);
}
