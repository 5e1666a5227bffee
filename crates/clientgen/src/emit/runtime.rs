//! Emits `error.rs`: the generated crate's one error type and the response readers that make it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, Success, SuccessBody};

/// Which success-body readers the operations call.
#[derive(Debug, Default, Clone, Copy)]
pub struct Readers {
    /// Some operation returns JSON.
    pub json: bool,
    /// Some operation returns text.
    pub text: bool,
    /// Some operation returns bytes.
    pub bytes: bool,
    /// Some operation returns no body.
    pub empty: bool,
    /// Some operation's success statuses are listed one by one, with no range to fall back on.
    pub undeclared: bool,
}

impl Readers {
    /// The readers the operations of `api` call.
    pub fn of(api: &Api) -> Self {
        let mut readers = Readers::default();
        for op in &api.operations {
            match &op.success {
                Success::Single(body) => readers.add(body),
                Success::ByStatus { variants, .. } => {
                    for v in variants {
                        readers.add(&v.body);
                    }
                    readers.undeclared |= variants.iter().all(|v| v.status.parse::<u16>().is_ok());
                }
            }
        }
        readers
    }

    /// Some reader uses a success body (not only its status and headers).
    pub fn body(&self) -> bool {
        self.json || self.text || self.bytes
    }

    fn add(&mut self, body: &SuccessBody) {
        match body {
            SuccessBody::Json(_) => self.json = true,
            SuccessBody::Text => self.text = true,
            SuccessBody::Bytes => self.bytes = true,
            SuccessBody::Empty => self.empty = true,
        }
    }
}

/// The `error.rs` module.
pub fn error_rs(readers: Readers, validation: bool) -> TokenStream {
    let validation = validation.then(|| {
        quote! {
            impl Error {
                pub(crate) fn validation(field: &str, rule: String) -> Self {
                    Error::Validation { field: field.to_owned(), rule }
                }

                /// Prefixes the field path of a validation error with the field holding the value.
                #[allow(dead_code)]
                pub(crate) fn within(self, outer: &str) -> Self {
                    match self {
                        Error::Validation { field, rule } => Error::Validation { field: format!("{outer}.{field}"), rule },
                        other => other,
                    }
                }
            }
        }
    });
    let json = readers.json.then(|| {
        quote! {
            /// Decodes a success body as JSON into `T`. A body that does not fit is decoded again
            /// with its path tracked, to say where it failed: tracking costs every call that
            /// succeeds an allocation per field.
            pub(crate) fn json<T: serde::de::DeserializeOwned>(operation: &str, response: Received) -> Result<ApiResponse<T>, Error> {
                match serde_json::from_slice(&response.body) {
                    Ok(body) => Ok(response.with_body(body)),
                    Err(error) => {
                        let deserializer = &mut serde_json::Deserializer::from_slice(&response.body);
                        let path = match serde_path_to_error::deserialize::<_, T>(deserializer) {
                            Err(e) => e.path().to_string(),
                            Ok(_) => ".".to_owned(),
                        };
                        Err(decode_error(operation, &response, path, error))
                    }
                }
            }

            /// [`Error::Decode`] from what serde reports: a missing field joins the path, and a
            /// body that is not JSON at all says what its content type was.
            fn decode_error(operation: &str, response: &Received, path: String, error: serde_json::Error) -> Error {
                let not_json = error.is_syntax() || error.is_eof();
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
                let content_type = response.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
                if let Some(content_type) = content_type.filter(|t| not_json && !t.contains("json")) {
                    message = format!("{message} (the response's content type is {content_type}, not JSON)");
                }
                decode_failure(operation, path, message, &response.body)
            }

            /// Drops serde_json's " at line X column Y": the field path says where.
            fn strip_position(message: &str) -> String {
                match message.find(" at line ") {
                    Some(at) => message[..at].to_owned(),
                    None => message.to_owned(),
                }
            }
        }
    });
    let text = readers.text.then(|| {
        quote! {
            /// A success body as text; a body that is not UTF-8 is an error, not replaced characters.
            pub(crate) fn text(operation: &str, response: Received) -> Result<ApiResponse<String>, Error> {
                let Received { status, headers, body } = response;
                match String::from_utf8(body) {
                    Ok(body) => Ok(ApiResponse { status, headers, body }),
                    Err(e) => {
                        let message = format!("the body is not UTF-8 text: {}", e.utf8_error());
                        Err(decode_failure(operation, ".".to_owned(), message, e.as_bytes()))
                    }
                }
            }
        }
    });
    let bytes = readers.bytes.then(|| {
        quote! {
            /// A success body as bytes.
            pub(crate) fn bytes(response: Received) -> ApiResponse<Vec<u8>> {
                let Received { status, headers, body } = response;
                ApiResponse { status, headers, body }
            }
        }
    });
    let empty = readers.empty.then(|| {
        quote! {
            /// A success that carries no body; whatever was sent is ignored.
            pub(crate) fn empty(response: Received) -> ApiResponse<()> {
                response.with_body(())
            }
        }
    });
    let undeclared = readers.undeclared.then(|| {
        quote! {
            /// A success status the API does not declare for the operation.
            pub(crate) fn undeclared_status(operation: &str, status: reqwest::StatusCode) -> Error {
                Error::Decode {
                    operation: operation.to_owned(),
                    path: ".".to_owned(),
                    message: format!("status {status} is not a declared response"),
                    body: String::new(),
                }
            }
        }
    });
    let decode_failure = (readers.json || readers.text).then(|| {
        quote! {
            /// [`Error::Decode`], keeping the body (up to the cap) as text.
            fn decode_failure(operation: &str, path: String, message: String, body: &[u8]) -> Error {
                let cut = body.len().min(BODY_LIMIT);
                Error::Decode {
                    operation: operation.to_owned(),
                    path,
                    message,
                    body: String::from_utf8_lossy(&body[..cut]).into_owned(),
                }
            }
        }
    });
    let with_body = (readers.json || readers.empty).then(|| {
        quote! {
            impl Received {
                /// The response's status and headers with `body`, decoded from the bytes read.
                fn with_body<T>(self, body: T) -> ApiResponse<T> {
                    ApiResponse { status: self.status, headers: self.headers, body }
                }
            }
        }
    });
    let api_response = (readers.json || readers.text || readers.bytes || readers.empty)
        .then(|| quote! { use crate::http::{ApiResponse, Received}; });
    quote! {
        //! The one error type of this crate, and the response readers that produce it.

        use std::fmt;

        #api_response

        /// How much of an error body is kept.
        const BODY_LIMIT: usize = 64 * 1024;

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
                    Error::Api { operation, status, body, messages, .. } => {
                        write!(f, "{operation} returned {status}")?;
                        let summary = if messages.is_empty() { body_summary(body) } else { messages.join("; ") };
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
        fn body_summary(body: &str) -> String {
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
            let messages = drf_messages(&body);
            Error::Api { operation: operation.to_owned(), status, headers, body, messages }
        }

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

        #validation
        #with_body
        #decode_failure
        #json
        #text
        #bytes
        #empty
        #undeclared
    }
}
