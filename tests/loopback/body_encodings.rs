//! The body encodings fixture's client (tests/fixtures/rules/44-body-encodings.yaml) against a
//! loopback server that records each request's bytes: every part of a multipart body (its
//! name, file name, content type, headers and body) as OpenAPI's defaults and the `encoding`
//! say, and a form body whose fields allow reserved characters, byte for byte.

use body_encodings::types::*;
use body_encodings::{Client, Error, RequestOptions};

use crate::recording::Recording;

async fn server() -> Recording {
    Recording::start(|_| b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n".to_vec()).await
}

fn client(server: &Recording) -> Client {
    Client::builder()
        .base_url(&server.url)
        .options(RequestOptions::default().max_retries(0))
        .build()
        .expect("client builds")
}

/// The parts of the last request's multipart body, each its head and body joined by a blank
/// line, after checking the request's content type names the boundary.
fn parts(server: &Recording) -> Vec<String> {
    let content_type = server.header("content-type").concat();
    let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("a multipart body");
    let body = server.body();
    let closing = format!("\r\n--{boundary}--\r\n");
    let inner = body
        .strip_prefix(&format!("--{boundary}\r\n"))
        .and_then(|rest| rest.strip_suffix(&closing))
        .unwrap_or_else(|| panic!("a body between boundaries: {body:?}"));
    inner.split(&format!("\r\n--{boundary}\r\n")).map(str::to_owned).collect()
}

/// A part as it goes on the wire: its `Content-Disposition`, content type, other headers (in
/// the order given, lower-cased as reqwest writes them) and body.
fn part(disposition: &str, content_type: &str, headers: &[&str], body: &str) -> String {
    let mut head = format!("Content-Disposition: form-data; {disposition}\r\nContent-Type: {content_type}");
    for header in headers {
        head.push_str("\r\n");
        head.push_str(header);
    }
    format!("{head}\r\n\r\n{body}")
}

#[tokio::test]
async fn every_part_goes_with_its_content_type_and_headers() {
    let server = server().await;
    let upload = Upload::new(
        "Holiday in Köln",
        Metadata::new("camera").size(3),
        File::new("photo.bin", "", b"\x01raw bytes".to_vec()),
    )
    .context_null()
    .tags(vec!["sea".to_owned(), "sun, sand".to_owned()])
    .points(vec![Point::new(1, 2), Point::new(3, 4)])
    .thumbnail(File::new("thumb", "", b"PNG".to_vec()))
    .raw("aGVsbG8=")
    .note("said \"hi\"")
    .report("a,b\n1,2");
    let headers = UploadPartHeaders::new("trace-1").file_x_checksum("9f86d0");
    client(&server).uploads().upload(&upload, &headers).await.expect("sent");
    assert_eq!(
        parts(&server),
        [
            // A primitive: text/plain.
            part("name=\"title\"", "text/plain", &[], "Holiday in Köln"),
            // Unset, with its default.
            part("name=\"count\"", "text/plain", &[], "1"),
            // An object: its JSON text, fields in declaration order, with its part header.
            part("name=\"metadata\"", "application/json", &["x-trace-id: trace-1"], r#"{"source":"camera","size":3}"#),
            // An explicit null of an object: JSON's `null`.
            part("name=\"context\"", "application/json", &[], "null"),
            // An array of primitives: one text part per item, same name.
            part("name=\"tags\"", "text/plain", &[], "sea"),
            part("name=\"tags\"", "text/plain", &[], "sun, sand"),
            // An array of objects: one JSON part per item.
            part("name=\"points\"", "application/json", &[], r#"{"x":1,"y":2}"#),
            part("name=\"points\"", "application/json", &[], r#"{"x":3,"y":4}"#),
            // A file without a type of its own: application/octet-stream, with the headers
            // fixed by `default`, `enum` and `const`, then the one the caller set.
            part(
                "name=\"file\"; filename=\"photo.bin\"",
                "application/octet-stream",
                &["x-rate-limit: 100", "x-origin: web", "x-api-version: 2", "x-checksum: 9f86d0"],
                "\u{1}raw bytes"
            ),
            // `image/*, image/png, image/jpeg`: the first concrete type.
            part("name=\"thumbnail\"; filename=\"thumb\"", "image/png", &[], "PNG"),
            // `format: base64`: application/octet-stream, the text as it is.
            part("name=\"raw\"", "application/octet-stream", &[], "aGVsbG8="),
            // A string whose `contentType` is JSON: its JSON text.
            part("name=\"note\"", "application/json", &[], r#""said \"hi\"""#),
            // A string whose `contentType` is another type: its text, with that type.
            part("name=\"report\"", "text/csv", &[], "a,b\n1,2"),
        ]
    );
}

#[tokio::test]
async fn a_files_own_type_wins_and_unset_headers_are_not_sent() {
    let server = server().await;
    let upload = Upload::new("t", Metadata::new("scanner"), File::new("notes.txt", "text/plain; charset=utf-8", "hi"))
        .count(7)
        .tags(Vec::new())
        .thumbnail(File::new("thumb.jpg", "image/jpeg", b"JPG".to_vec()));
    client(&server).uploads().upload(&upload, &UploadPartHeaders::new("trace-2")).await.expect("sent");
    assert_eq!(
        parts(&server),
        [
            part("name=\"title\"", "text/plain", &[], "t"),
            part("name=\"count\"", "text/plain", &[], "7"),
            part("name=\"metadata\"", "application/json", &["x-trace-id: trace-2"], r#"{"source":"scanner"}"#),
            // No part for an empty list.
            part(
                "name=\"file\"; filename=\"notes.txt\"",
                "text/plain; charset=utf-8",
                &["x-rate-limit: 100", "x-origin: web", "x-api-version: 2"],
                "hi"
            ),
            part("name=\"thumbnail\"; filename=\"thumb.jpg\"", "image/jpeg", &[], "JPG"),
        ]
    );
}

#[tokio::test]
async fn a_part_header_that_is_no_header_value_is_refused_before_sending() {
    let server = server().await;
    let upload = Upload::new("t", Metadata::new("s"), File::new("f", "", "x"));
    let headers = UploadPartHeaders::new("trace").file_x_checksum("a\nb");
    let error = client(&server).uploads().upload(&upload, &headers).await.expect_err("refused");
    assert!(matches!(error, Error::Validation { .. }), "{error:?}");
    assert!(error.to_string().contains("file"), "the part is named: {error}");
}

#[tokio::test]
async fn form_fields_that_allow_reserved_characters_keep_them() {
    let server = server().await;
    let redirect = Redirect::new("https://app.example.com/done?tab=2#top x")
        .note("a&b c/d")
        .scopes(vec!["read:files".to_owned(), "write/all".to_owned()]);
    client(&server).redirects().create(&redirect).await.expect("sent");
    assert_eq!(server.header("content-type"), ["application/x-www-form-urlencoded"]);
    assert_eq!(
        server.body(),
        // `next` and `scopes` keep `:/?#=` (a space is still encoded); `note` does not.
        "next=https://app.example.com/done?tab=2#top%20x&note=a%26b+c%2Fd&scopes=read:files,write/all"
    );
}
