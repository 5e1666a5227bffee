//! The response readers: a success body, read in full by `send::execute`, decoded without
//! awaiting anything.

#[cfg(any(feature = "read-json", feature = "read-text", feature = "undeclared-status"))]
use crate::Error;
#[cfg(any(feature = "read-json", feature = "read-text", feature = "read-bytes", feature = "read-empty"))]
use crate::http::ApiResponse;
#[cfg(any(feature = "read-json", feature = "read-text", feature = "read-bytes", feature = "read-empty"))]
use crate::send::Received;

#[cfg(any(feature = "read-json", feature = "read-empty"))]
impl Received {
    /// The response's status and headers with `body`, decoded from the bytes read.
    fn with_body<T>(self, body: T) -> ApiResponse<T> {
        ApiResponse { status: self.status, headers: self.headers, body }
    }
}

#[cfg(any(feature = "read-json", feature = "read-text"))]
/// [`Error::Decode`], keeping the body (up to the cap) as text.
fn decode_failure(operation: &str, path: String, message: String, body: &[u8]) -> Error {
    let cut = body.len().min(crate::error::BODY_LIMIT);
    Error::Decode {
        operation: operation.to_owned(),
        path,
        message,
        body: String::from_utf8_lossy(&body[..cut]).into_owned(),
    }
}

#[cfg(feature = "read-json")]
/// Decodes a success body as JSON into `T`. A body that does not fit is decoded again
/// with its path tracked, to say where it failed: tracking costs every call that
/// succeeds an allocation per field.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    operation: &str,
    response: Received,
) -> Result<ApiResponse<T>, Error> {
    match serde_json::from_slice(&response.body) {
        Ok(body) => Ok(response.with_body(body)),
        Err(error) => Err(decode_error::<T>(operation, &response, error)),
    }
}

#[cfg(any(feature = "read-json", feature = "webhooks"))]
/// Where and why `body` does not decode as `T`, which gave `error`: the path (`.a.b`, `.` for
/// the whole body) found by decoding again with it tracked, and serde's message without its
/// position. A missing field joins the path.
pub(crate) fn locate<T: serde::de::DeserializeOwned>(body: &[u8], error: &serde_json::Error) -> (String, String) {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    let path = match serde_path_to_error::deserialize::<_, T>(deserializer) {
        Err(e) => e.path().to_string(),
        Ok(_) => ".".to_owned(),
    };
    let mut path = if path == "." { String::new() } else { format!(".{path}") };
    let mut message = strip_position(&error.to_string());
    // serde names a missing field in its message; make it part of the path.
    if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        path = format!("{path}.{field}");
        message = "missing from the body".to_owned();
    }
    if path.is_empty() {
        path.push('.');
    }
    (path, message)
}

#[cfg(feature = "read-json")]
/// [`Error::Decode`] from what serde reports, at the place [`locate`] finds; a body that is not
/// JSON at all says what its content type was.
fn decode_error<T: serde::de::DeserializeOwned>(
    operation: &str,
    response: &Received,
    error: serde_json::Error,
) -> Error {
    let not_json = error.is_syntax() || error.is_eof();
    let (path, mut message) = locate::<T>(&response.body, &error);
    let content_type = response.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if let Some(content_type) = content_type.filter(|t| not_json && !t.contains("json")) {
        message = format!("{message} (the response's content type is {content_type}, not JSON)");
    }
    decode_failure(operation, path, message, &response.body)
}

#[cfg(any(feature = "read-json", feature = "webhooks"))]
/// Drops serde_json's " at line X column Y": the field path says where.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(feature = "read-text")]
/// A success body as text; a body that is not UTF-8 is an error, not replaced characters.
/// With the `charset` feature, a body whose `Content-Type` declares another charset
/// (`text/plain; charset=iso-8859-1`) is decoded from it, and one malformed in it is an error.
pub(crate) fn text(operation: &str, response: Received) -> Result<ApiResponse<String>, Error> {
    #[cfg(feature = "charset")]
    /// The encoding the `Content-Type` header's `charset` parameter names, when it names one
    /// encoding_rs knows (by the WHATWG labels: `latin1`, `Shift_JIS`, `utf-8`…).
    fn declared_charset(headers: &reqwest::header::HeaderMap) -> Option<&'static encoding_rs::Encoding> {
        let value = headers.get(reqwest::header::CONTENT_TYPE)?.to_str().ok()?;
        value.split(';').skip(1).find_map(|parameter| {
            let (name, label) = parameter.split_once('=')?;
            let label = label.trim().trim_matches('"');
            name.trim().eq_ignore_ascii_case("charset").then(|| encoding_rs::Encoding::for_label(label.as_bytes()))?
        })
    }

    let Received { status, headers, body } = response;
    #[cfg(feature = "charset")]
    if let Some(encoding) = declared_charset(&headers).filter(|e| *e != encoding_rs::UTF_8) {
        return match encoding.decode_without_bom_handling_and_without_replacement(&body) {
            Some(text) => Ok(ApiResponse { status, headers, body: text.into_owned() }),
            None => {
                let message = format!("the body is not {} text", encoding.name());
                Err(decode_failure(operation, ".".to_owned(), message, &body))
            }
        };
    }
    match String::from_utf8(body) {
        Ok(body) => Ok(ApiResponse { status, headers, body }),
        Err(e) => {
            let message = format!("the body is not UTF-8 text: {}", e.utf8_error());
            Err(decode_failure(operation, ".".to_owned(), message, e.as_bytes()))
        }
    }
}

#[cfg(feature = "read-bytes")]
/// A success body as bytes.
pub(crate) fn bytes(response: Received) -> ApiResponse<Vec<u8>> {
    let Received { status, headers, body } = response;
    ApiResponse { status, headers, body }
}

#[cfg(feature = "read-empty")]
/// A success that carries no body; whatever was sent is ignored.
pub(crate) fn empty(response: Received) -> ApiResponse<()> {
    response.with_body(())
}

#[cfg(feature = "undeclared-status")]
/// A success status the API does not declare for the operation.
pub(crate) fn undeclared_status(operation: &str, status: reqwest::StatusCode) -> Error {
    Error::Decode {
        operation: operation.to_owned(),
        path: ".".to_owned(),
        message: format!("status {status} is not a declared response"),
        body: String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(any(feature = "read-json", feature = "webhooks"))]
    #[test]
    fn serde_positions_are_dropped() {
        assert_eq!(super::strip_position("expected value at line 1 column 2"), "expected value");
        assert_eq!(super::strip_position("no position"), "no position");
    }

    #[cfg(all(feature = "read-text", feature = "charset"))]
    #[test]
    fn text_is_decoded_from_the_declared_charset() {
        use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
        let received = |content_type: &str, body: &[u8]| {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
            super::Received { status: reqwest::StatusCode::OK, headers, body: body.to_vec() }
        };
        let latin1 = received("text/plain; charset=\"ISO-8859-1\"", b"caf\xe9");
        assert_eq!(super::text("op", latin1).unwrap().body, "café");
        let utf8 = received("text/plain;charset=utf-8", "café".as_bytes());
        assert_eq!(super::text("op", utf8).unwrap().body, "café");
        let undeclared = received("text/plain", b"caf\xe9");
        assert!(super::text("op", undeclared).unwrap_err().to_string().contains("not UTF-8"));
        let malformed = received("text/plain; charset=shift_jis", b"\x81");
        assert!(super::text("op", malformed).unwrap_err().to_string().contains("Shift_JIS"));
    }
}
