//! The one error type of this crate, and what makes it from a failed call.

use std::fmt;

#[cfg(feature = "error-body")]
use crate::types::ErrorBody;

/// How much of an error body is kept, in bytes.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

/// Why a hook refused to let a request go; the call ends with [`Error::Hook`].
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong in a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A request value breaks a rule the API declares. Nothing was sent.
    Validation {
        /// The field, as a path from the value checked (`text`, `items[2].name`).
        field: String,
        /// The rule it breaks, e.g. `must be at most 8000 characters long (is 8001)`.
        rule: String,
    },
    /// The client is not set up for the call: no base URL, a bad URL, or missing credentials.
    Config {
        /// What is missing or wrong.
        message: String,
    },
    /// The request could not be sent or its response not read (connection refused, timeout).
    Transport {
        /// `METHOD /path` of the call.
        operation: String,
        /// The URL called, without its query string.
        url: String,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The server answered with a status that is not a success.
    Api {
        /// `METHOD /path` of the call.
        operation: String,
        /// The status.
        status: reqwest::StatusCode,
        /// The response headers (boxed to keep `Error` small).
        headers: Box<reqwest::header::HeaderMap>,
        /// The body as text, cut at 64 KiB.
        body: String,
        #[cfg(feature = "drf")]
        /// The messages of a Django REST framework error body (`{"detail": …}` or
        /// `{"field": ["…"]}`), field errors as `field: message`; empty otherwise.
        messages: Vec<String>,
        #[cfg(feature = "error-body")]
        /// The body decoded into the schema the operation declares for this status (an exact
        /// status over a range such as `4XX`, over `default`); `None` when it declares none
        /// for it, or when the body does not fit (then `decode_failure` says why).
        decoded: Option<Box<ErrorBody>>,
        #[cfg(feature = "error-body")]
        /// Why the body did not decode into the declared schema (the path of the value that
        /// failed and what was wrong); `None` when it did, or when none is declared. `body`
        /// keeps the text either way.
        decode_failure: Option<String>,
    },
    /// A success response whose body is larger than
    /// [`RequestOptions::max_response_bytes`](crate::RequestOptions::max_response_bytes).
    TooLarge {
        /// `METHOD /path` of the call.
        operation: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The client's [`Hook`](crate::Hook) refused to let a request go. Nothing was sent.
    Hook {
        /// `METHOD /path` of the call.
        operation: String,
        /// What the hook returned.
        source: HookError,
    },
    /// A success response whose body does not fit the declared type.
    Decode {
        /// `METHOD /path` of the call.
        operation: String,
        /// The path of the value that failed, e.g. `.created_at`.
        path: String,
        /// What was wrong with it.
        message: String,
        /// The body as text, cut at 64 KiB.
        body: String,
    },
    #[cfg(feature = "byte-stream")]
    /// A streamed response stopped going on: its head, or the next chunk of its body, did not
    /// arrive within [`RequestOptions::timeout`](crate::RequestOptions::timeout).
    Timeout {
        /// `METHOD /path` of the call.
        operation: String,
        /// What was awaited (`the response head`, `the next chunk of the body`).
        waiting_for: &'static str,
        /// How long it was awaited.
        waited: std::time::Duration,
    },
    #[cfg(feature = "events")]
    /// An event of a `text/event-stream` response whose data does not fit the declared type,
    /// or a body that is not an event stream. The stream goes on after an event that does not
    /// decode.
    Event {
        /// `METHOD /path` of the call.
        operation: String,
        /// Which event, and what was wrong with it (boxed to keep `Error` small).
        failure: Box<EventFailure>,
    },
}

#[cfg(feature = "events")]
/// An event that could not be read, in [`Error::Event`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventFailure {
    /// The event's place in the stream, from 0.
    pub index: usize,
    /// The event type (`message` when the server sent none; empty when it could not be read).
    pub event: String,
    /// The last event ID the server set, if any.
    pub id: Option<String>,
    /// The path of the value that failed in the event's data, e.g. `.choices[0].index`.
    pub path: String,
    /// What was wrong with it.
    pub message: String,
    /// The event's data, cut at 64 KiB.
    pub data: String,
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config { message: message.into() }
    }

    /// The HTTP status, for [`Error::Api`].
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    #[cfg(feature = "error-body")]
    /// The error body of an [`Error::Api`], decoded into the schema the operation declares
    /// for its status; `None` for other errors, or when it declares none or the body does not
    /// fit (see `decode_failure`).
    pub fn decoded(&self) -> Option<&ErrorBody> {
        match self {
            Error::Api { decoded, .. } => decoded.as_deref(),
            _ => None,
        }
    }

    #[cfg(feature = "byte-stream")]
    pub(crate) fn timeout(operation: &str, waiting_for: &'static str, waited: std::time::Duration) -> Self {
        Error::Timeout { operation: operation.to_owned(), waiting_for, waited }
    }

    #[cfg(any(
        feature = "validation",
        feature = "json-body",
        feature = "form",
        feature = "multipart",
        feature = "param-path",
        feature = "param-query",
        feature = "param-header",
        feature = "param-cookie"
    ))]
    pub(crate) fn validation(field: &str, rule: String) -> Self {
        Error::Validation { field: field.to_owned(), rule }
    }

    #[cfg(feature = "validation")]
    /// Prefixes the field path of a validation error with the field holding the value.
    #[allow(dead_code)]
    pub(crate) fn within(self, outer: &str) -> Self {
        match self {
            Error::Validation { field, rule } => Error::Validation { field: format!("{outer}.{field}"), rule },
            other => other,
        }
    }

    /// What a one-line message says about an error body: the API's own message
    /// ([`api_message`]), else its Django REST framework messages when it has some (field
    /// errors, which are lists, never a message), else an excerpt of the body; on one line
    /// ([`one_line`]), empty for an empty body.
    fn body_summary(&self) -> String {
        let Error::Api { body, .. } = self else { return String::new() };
        if let Some(message) = api_message(body) {
            return message;
        }
        #[cfg(feature = "drf")]
        if let Error::Api { messages, .. } = self {
            if !messages.is_empty() {
                return one_line(&messages.join("; "));
            }
        }
        one_line(body)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation { field, rule } => write!(f, "invalid request: {field} {rule}"),
            Error::Config { message } => write!(f, "client configuration: {message}"),
            Error::Transport { operation, url, source } => {
                write!(f, "{operation} failed: could not reach {url}")?;
                let mut cause: Option<&dyn std::error::Error> = Some(source);
                while let Some(error) = cause {
                    write!(f, ": {error}")?;
                    cause = error.source();
                }
                Ok(())
            }
            Error::Api { operation, status, .. } => {
                write!(f, "{operation} returned {status}")?;
                let summary = self.body_summary();
                if !summary.is_empty() {
                    write!(f, ": {summary}")?;
                }
                Ok(())
            }
            Error::TooLarge { operation, limit } => {
                write!(f, "{operation}: the response body is larger than the limit of {limit} bytes")
            }
            Error::Decode { operation, path, message, .. } => {
                write!(f, "{operation}: response field {path}: {message}")
            }
            Error::Hook { operation, source } => {
                write!(f, "{operation}: the client's hook refused the request: {source}")
            }
            #[cfg(feature = "byte-stream")]
            Error::Timeout { operation, waiting_for, waited } => {
                write!(f, "{operation}: timed out after {waited:?} waiting for {waiting_for}")
            }
            #[cfg(feature = "events")]
            Error::Event { operation, failure } => {
                let EventFailure { index, event, id, path, message, .. } = &**failure;
                write!(f, "{operation}: event {index} ({event:?}")?;
                if let Some(id) = id {
                    write!(f, ", id {id:?}")?;
                }
                write!(f, ") field {path}: {message}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Hook { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// How many characters of an error's message or body its one-line message shows.
const SUMMARY_CHARS: usize = 200;

/// Where the usual JSON error bodies keep their message, as JSON pointers, in the order they
/// are looked for: `{"message": …}`; OpenAI's and Stripe's `{"error": {"message": …}}`;
/// `{"error": "…"}`; problem+json's and Django REST framework's `detail`, then problem+json's
/// `title`; OAuth 2's `error_description`; and a list of errors' first `message`.
const MESSAGE_POINTERS: &[&str] =
    &["/message", "/error/message", "/error", "/detail", "/title", "/error_description", "/errors/0/message"];

/// The message a JSON error body gives: a body that is one JSON string, or the first text
/// found at [`MESSAGE_POINTERS`] that is not blank; on one line, cut short. `None` when the
/// body is not JSON or has none.
fn api_message(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let text = match &value {
        serde_json::Value::String(text) => Some(text.as_str()),
        _ => MESSAGE_POINTERS
            .iter()
            .filter_map(|pointer| value.pointer(pointer)?.as_str())
            .find(|text| !text.trim().is_empty()),
    };
    text.map(one_line).filter(|line| !line.is_empty())
}

/// Text on one line for a one-line message: every run of whitespace (line breaks included)
/// one space, cut to [`SUMMARY_CHARS`] characters with `…`.
fn one_line(text: &str) -> String {
    let mut summary = String::new();
    for (count, word) in text.split_whitespace().enumerate() {
        if count > 0 {
            summary.push(' ');
        }
        summary.push_str(word);
        if summary.chars().count() > SUMMARY_CHARS {
            let mut cut: String = summary.chars().take(SUMMARY_CHARS).collect();
            cut.truncate(cut.trim_end().len());
            cut.push('…');
            return cut;
        }
    }
    summary
}

/// Wraps a `reqwest` error, keeping the URL (without its query) apart from it.
pub(crate) fn transport(operation: &str, source: reqwest::Error) -> Error {
    let url = source
        .url()
        .map(|url| {
            let mut url = url.clone();
            url.set_query(None);
            url.to_string()
        })
        .unwrap_or_default();
    Error::Transport { operation: operation.to_owned(), url, source: source.without_url() }
}

/// [`Error::TooLarge`] for a success body over `limit` bytes.
pub(crate) fn too_large(operation: &str, limit: usize) -> Error {
    Error::TooLarge { operation: operation.to_owned(), limit }
}

/// Reads at most `limit` bytes of a body.
pub(crate) async fn read_capped(response: &mut reqwest::Response, limit: usize) -> Result<Vec<u8>, reqwest::Error> {
    let expected = response.content_length().map_or(0, |length| usize::try_from(length).unwrap_or(usize::MAX));
    let mut body = Vec::with_capacity(expected.min(limit));
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= limit {
            break;
        }
    }
    Ok(body)
}

#[cfg(feature = "error-body")]
/// The statuses an error schema is declared for: one status (`404`), a range (`4XX`, by its
/// first digit), or every status the operation declares nothing else for (`default`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Declared {
    /// One status.
    Code(u16),
    /// A range: `4` is `4XX`.
    Range(u16),
    /// `default`.
    Default,
}

#[cfg(feature = "error-body")]
/// Decodes an error body into the [`ErrorBody`] of one declared schema.
pub(crate) type ErrorDecoder = fn(&[u8]) -> Result<ErrorBody, String>;

#[cfg(feature = "error-body")]
/// Decodes an error body as JSON into the declared schema `T`, or says why it does not fit:
/// the path of the value that failed and serde's message (`at .error.code: invalid type: …`).
pub(crate) fn error_body<T: serde::de::DeserializeOwned + Into<ErrorBody>>(body: &[u8]) -> Result<ErrorBody, String> {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(deserializer) {
        Ok(value) => Ok(value.into()),
        Err(error) => {
            let path = error.path().to_string();
            let error = error.into_inner();
            let text = error.to_string();
            // The path says where; serde_json's " at line X column Y" would repeat it.
            let message = text.split(" at line ").next().unwrap_or_default();
            Err(match path.as_str() {
                _ if error.is_syntax() || error.is_eof() => format!("the body is not JSON: {message}"),
                "." => message.to_owned(),
                path => format!("at .{path}: {message}"),
            })
        }
    }
}

#[cfg(feature = "error-body")]
/// The decoded body and the reason it did not decode, for a `status` under the schemas an
/// operation `declares`: an exact status first, then its range, then `default`. A status with
/// no schema declared gives neither.
pub(crate) fn decode_declared(
    declares: &[(Declared, ErrorDecoder)],
    status: u16,
    body: &[u8],
) -> (Option<Box<ErrorBody>>, Option<String>) {
    let find = |wanted: Declared| declares.iter().find(|(declared, _)| *declared == wanted).map(|(_, decode)| decode);
    let decoder = find(Declared::Code(status))
        .or_else(|| find(Declared::Range(status / 100)))
        .or_else(|| find(Declared::Default));
    match decoder.map(|decode| decode(body)) {
        None => (None, None),
        Some(Ok(decoded)) => (Some(Box::new(decoded)), None),
        Some(Err(why)) => (None, Some(why)),
    }
}

#[cfg(feature = "drf")]
/// The messages of a Django REST framework error body: `{"detail": "…"}`,
/// `{"field": ["…", …]}`, `{"non_field_errors": […]}`, nested serializers as `a.b`.
pub(crate) fn drf_messages(body: &str) -> Vec<String> {
    fn collect(field: &str, value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(text) if field.is_empty() || field == "detail" || field == "non_field_errors" => {
                out.push(text.clone());
            }
            serde_json::Value::String(text) => out.push(format!("{field}: {text}")),
            serde_json::Value::Array(items) => {
                for item in items {
                    collect(field, item, out);
                }
            }
            serde_json::Value::Object(fields) => {
                for (key, value) in fields {
                    let path = match field {
                        "" | "detail" | "non_field_errors" => key.clone(),
                        outer => format!("{outer}.{key}"),
                    };
                    collect(&path, value, out);
                }
            }
            _ => {}
        }
    }
    let mut messages = Vec::new();
    if let Ok(value @ serde_json::Value::Object(_)) = serde_json::from_str::<serde_json::Value>(body) {
        collect("", &value, &mut messages);
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "drf")]
    #[test]
    fn drf_bodies_give_one_message_per_error() {
        // Keys in order, so that the outcome does not depend on serde_json's `preserve_order`.
        let body = r#"{"inner": {"size": ["Too big."]}, "name": ["This field may not be blank."], "non_field_errors": ["Duplicate item."]}"#;
        assert_eq!(
            drf_messages(body),
            ["inner.size: Too big.", "name: This field may not be blank.", "Duplicate item."]
        );
        assert_eq!(drf_messages(r#"{"detail": "Not found."}"#), ["Not found."]);
        assert!(drf_messages("not json").is_empty());
    }

    #[cfg(feature = "error-body")]
    #[test]
    fn an_error_body_decodes_by_its_exact_status_then_its_range_then_default() {
        #[derive(serde::Deserialize)]
        struct Problem {
            code: u16,
        }
        impl From<Problem> for ErrorBody {
            fn from(problem: Problem) -> Self {
                ErrorBody(serde_json::json!({ "problem": problem.code }))
            }
        }
        let declares: &[(Declared, ErrorDecoder)] = &[
            (Declared::Default, error_body::<ErrorBody>),
            (Declared::Range(4), error_body::<Problem>),
            (Declared::Code(404), error_body::<ErrorBody>),
        ];
        let body = br#"{"code": 7}"#;
        let decoded = |status| decode_declared(declares, status, body).0.map(|body| body.0);
        assert_eq!(decoded(404), Some(serde_json::json!({ "code": 7 })));
        assert_eq!(decoded(409), Some(serde_json::json!({ "problem": 7 })));
        assert_eq!(decoded(500), Some(serde_json::json!({ "code": 7 })));
        assert_eq!(decode_declared(&declares[1..], 500, body), (None, None));

        let (decoded, why) = decode_declared(declares, 409, br#"{"code": "seven"}"#);
        assert_eq!(decoded, None);
        let why = why.unwrap();
        assert_eq!(why, "at .code: invalid type: string \"seven\", expected u16");
        let (_, why) = decode_declared(declares, 409, b"<html>Bad gateway</html>");
        assert_eq!(why.unwrap(), "the body is not JSON: expected value");
        let (_, why) = decode_declared(declares, 409, b"{}");
        assert_eq!(why.unwrap(), "missing field `code`");
    }

    /// An `Error::Api` for a 400 of `POST /chat/completions` with `body`.
    fn api(body: &str) -> Error {
        Error::Api {
            operation: "POST /chat/completions".to_owned(),
            status: reqwest::StatusCode::BAD_REQUEST,
            headers: Box::default(),
            body: body.to_owned(),
            #[cfg(feature = "drf")]
            messages: drf_messages(body),
            #[cfg(feature = "error-body")]
            decoded: None,
            #[cfg(feature = "error-body")]
            decode_failure: None,
        }
    }

    #[test]
    fn an_api_error_says_the_status_and_the_apis_message_on_one_line() {
        let says = |body: &str| api(body).to_string();
        let head = "POST /chat/completions returned 400 Bad Request";
        // OpenAI, pretty-printed as it sends it.
        let openai = "{\n  \"error\": {\n    \"message\": \"Invalid value for 'temperature': must be\\nat most 2.\",\n    \"type\": \"invalid_request_error\",\n    \"param\": \"temperature\",\n    \"code\": null\n  }\n}\n";
        assert_eq!(says(openai), format!("{head}: Invalid value for 'temperature': must be at most 2."));
        // Stripe's card error.
        let stripe = r#"{"error": {"code": "card_declined", "decline_code": "generic_decline", "doc_url": "https://stripe.com/docs/error-codes/card-declined", "message": "Your card was declined.", "type": "card_error"}}"#;
        assert_eq!(says(stripe), format!("{head}: Your card was declined."));
        // problem+json: its `detail` over its `title`; a `title` alone.
        let problem = r#"{"type": "https://example.com/probs/out-of-stock", "title": "The item is out of stock.", "detail": "Only 3 are left, but 5 were asked for.", "status": 400}"#;
        assert_eq!(says(problem), format!("{head}: Only 3 are left, but 5 were asked for."));
        assert_eq!(says(r#"{"title": "Bad Request", "status": 400}"#), format!("{head}: Bad Request"));
        // The other usual shapes.
        assert_eq!(says(r#"{"message": "Not allowed"}"#), format!("{head}: Not allowed"));
        assert_eq!(
            says(r#"{"error": "invalid_grant", "error_description": "Code expired"}"#),
            format!("{head}: invalid_grant")
        );
        assert_eq!(says(r#"{"error_description": "Code expired"}"#), format!("{head}: Code expired"));
        assert_eq!(says(r#"{"errors": [{"message": "first"}, {"message": "second"}]}"#), format!("{head}: first"));
        assert_eq!(says(r#""Quota exceeded""#), format!("{head}: Quota exceeded"));
        // Plain text, and JSON without a message: an excerpt, whitespace collapsed.
        assert_eq!(says("upstream   timed out\r\n  try again\n"), format!("{head}: upstream timed out try again"));
        assert_eq!(says("{\n  \"code\": 7\n}"), format!("{head}: {{ \"code\": 7 }}"));
        // An HTML page: one line, cut short.
        let html =
            format!("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>{}</body>\n</html>", "x ".repeat(300));
        let line = says(&html);
        assert!(
            line.starts_with(&format!("{head}: <html> <head><title>502 Bad Gateway</title></head> <body>x x")),
            "{line}"
        );
        assert!(!line.contains('\n') && line.ends_with('…'), "{line}");
        assert!(line.chars().count() <= head.len() + 2 + SUMMARY_CHARS + 1, "{line}");
        // An empty or blank body: the status alone.
        assert_eq!(says(""), head);
        assert_eq!(says(" \n "), head);
        // A blank message is none (under `drf`, the body's fields are its messages).
        #[cfg(not(feature = "drf"))]
        assert_eq!(says(r#"{"message": "  "}"#), format!("{head}: {{\"message\": \" \"}}"));
    }

    #[cfg(feature = "drf")]
    #[test]
    fn django_rest_framework_field_errors_are_the_message_of_a_body_without_one() {
        let line = api(r#"{"name": ["This field may not be blank."], "size": ["Too\nbig."]}"#).to_string();
        assert!(line.ends_with(": name: This field may not be blank.; size: Too big."), "{line}");
        let line = api(r#"{"detail": "Not found.", "code": "not_found"}"#).to_string();
        assert!(line.ends_with(" returned 400 Bad Request: Not found."), "{line}");
    }
}
