//! The error-schema fixture's client (tests/fixtures/rules/46-error-schema.yaml) against a
//! loopback server answering errors: a status the operation does not declare decodes into the
//! API's dominant error schema, and every API error reads as one line with the API's message.

use error_schema::types::{CreateModerationBody, ErrorBody};
use error_schema::{Client, Error, RequestOptions};

use crate::recording::Recording;

/// OpenAI's 400, pretty-printed as it sends it.
const BAD_REQUEST: &str = r#"{
  "error": {
    "message": "Invalid value for 'input': expected a string,\nbut got an array.",
    "type": "invalid_request_error",
    "param": "input",
    "code": null
  }
}
"#;

/// A response of `status` with a body of `content_type`.
fn response(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

/// What the server answers, by request target.
fn answer(head: &str) -> Vec<u8> {
    match head.split(' ').nth(1).unwrap_or_default() {
        "/moderations" if head.contains("\"html\"") => response(
            "502 Bad Gateway",
            "text/html",
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>nginx</body>\r\n</html>\r\n",
        ),
        "/moderations" => response("400 Bad Request", "application/json", BAD_REQUEST),
        "/models/missing" => response("404 Not Found", "application/json", r#"{"detail": "No model `missing`."}"#),
        _ => response(
            "503 Service Unavailable",
            "application/json",
            r#"{"error": {"message": "The engine is overloaded.", "type": "server_error"}}"#,
        ),
    }
}

async fn client(server: &Recording) -> Client {
    Client::builder()
        .base_url(&server.url)
        .options(RequestOptions::default().max_retries(0))
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn an_undeclared_error_status_decodes_into_the_dominant_error_schema() {
    let server = Recording::start(answer).await;
    let client = client(&server).await;

    // createModeration declares no error response: its 400 decodes into `Error` all the same.
    let error = client.moderations().create(&CreateModerationBody::new("text")).await.expect_err("a 400");
    assert_eq!(
        error.to_string(),
        "POST /moderations returned 400 Bad Request: Invalid value for 'input': expected a string, but got an array."
    );
    let Some(ErrorBody::ErrorModel(body)) = error.decoded() else { panic!("not decoded: {error:?}") };
    assert_eq!(body.error.r#type, "invalid_request_error");
    assert_eq!(body.error.param.as_deref(), Some("input"));
    let Error::Api { body, decode_failure, .. } = &error else { panic!("{error:?}") };
    assert_eq!((body.as_str(), decode_failure), (BAD_REQUEST, &None));

    // A declared 404 keeps its own schema; an undeclared 503 takes the dominant one.
    let error = client.models().retrieve("missing").await.expect_err("a 404");
    assert_eq!(error.to_string(), "GET /models/{model} returned 404 Not Found: No model `missing`.");
    assert!(matches!(error.decoded(), Some(ErrorBody::NotFound(found)) if found.detail == "No model `missing`."));
    let error = client.models().retrieve("busy").await.expect_err("a 503");
    assert_eq!(error.to_string(), "GET /models/{model} returned 503 Service Unavailable: The engine is overloaded.");
    assert!(matches!(error.decoded(), Some(ErrorBody::ErrorModel(body)) if body.error.r#type == "server_error"));

    // A body that is not the schema is kept, with the reason it did not decode.
    let error = client.moderations().create(&CreateModerationBody::new("html")).await.expect_err("a 502");
    assert_eq!(
        error.to_string(),
        "POST /moderations returned 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> <body>nginx</body> </html>"
    );
    assert!(error.decoded().is_none());
    let Error::Api { body, decode_failure, .. } = &error else { panic!("{error:?}") };
    assert!(body.starts_with("<html>\r\n"), "{body}");
    assert_eq!(decode_failure.as_deref(), Some("the body is not JSON: expected value"));
}
