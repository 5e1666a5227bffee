//! The one error type of this crate, and what makes it from a failed call.

use std::fmt;

/// How much of an error body is kept, in bytes.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

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
    },
    /// A success response whose body is larger than
    /// [`RequestOptions::max_response_bytes`](crate::RequestOptions::max_response_bytes).
    TooLarge {
        /// `METHOD /path` of the call.
        operation: String,
        /// The limit, in bytes.
        limit: usize,
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

    #[cfg(feature = "byte-stream")]
    pub(crate) fn timeout(operation: &str, waiting_for: &'static str, waited: std::time::Duration) -> Self {
        Error::Timeout { operation: operation.to_owned(), waiting_for, waited }
    }

    #[cfg(any(feature = "validation", feature = "json-body", feature = "form", feature = "multipart"))]
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

    /// What a one-line message says about an error body: its messages when it has some in
    /// a format this crate reads, else its first line.
    fn body_summary(&self) -> String {
        match self {
            #[cfg(feature = "drf")]
            Error::Api { messages, .. } if !messages.is_empty() => messages.join("; "),
            Error::Api { body, .. } => first_line(body),
            _ => String::new(),
        }
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
            _ => None,
        }
    }
}

/// The first line of a body, cut to 200 characters, for one-line messages.
fn first_line(body: &str) -> String {
    let line = body.trim().lines().next().unwrap_or_default();
    let mut summary: String = line.chars().take(200).collect();
    if summary.len() < line.len() {
        summary.push('…');
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

/// Turns a non-success response into [`Error::Api`].
pub(crate) async fn api_error(operation: &str, mut response: reqwest::Response) -> Error {
    let status = response.status();
    let headers = Box::new(std::mem::take(response.headers_mut()));
    let body = read_capped(&mut response, BODY_LIMIT).await.unwrap_or_default();
    let body = String::from_utf8_lossy(&body).into_owned();
    Error::Api {
        operation: operation.to_owned(),
        status,
        headers,
        #[cfg(feature = "drf")]
        messages: drf_messages(&body),
        body,
    }
}

#[cfg(feature = "drf")]
/// The messages of a Django REST framework error body: `{"detail": "…"}`,
/// `{"field": ["…", …]}`, `{"non_field_errors": […]}`, nested serializers as `a.b`.
fn drf_messages(body: &str) -> Vec<String> {
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

    #[test]
    fn a_summary_is_the_first_line_cut_short() {
        assert_eq!(first_line("\n  one\ntwo"), "one");
        let long = "x".repeat(300);
        assert_eq!(first_line(&long).chars().count(), 201);
    }
}
