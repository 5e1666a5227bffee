//! One call, described before it is sent ([`Request`]), and its body ([`Body`], a multipart
//! body's [`Part`]s), encoded once and sent by every attempt.

use reqwest::{Method, Url};

use crate::Error;

#[cfg(feature = "form")]
/// `text` encoded for a form body: letters, digits and `-._*` as they are, a space as `+`,
/// brackets as they are in keys (`keep_brackets`), and every other byte as `%XX`.
fn form_text(text: &str, keep_brackets: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => out.push(char::from(byte)),
            b'[' | b']' if keep_brackets => out.push(char::from(byte)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// One call, described before it is sent; sent as often as retries and redirects need.
pub(crate) struct Request<S: 'static> {
    /// The spec's `operationId` (or the name derived from method and path).
    pub(crate) operation_id: &'static str,
    /// `METHOD /path`, with the path as the spec writes it.
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// The query's `name=value` pairs, percent-encoded (`param.rs`).
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The media types the method reads, sent as `Accept` unless the call, a default header
    /// or the hook sets one; empty: none is sent (the operation's responses have no body).
    pub(crate) accept: &'static str,
    pub(crate) body: Body,
    pub(crate) security: &'static [&'static [S]],
    /// The operation's own server (a path or operation of the spec declares one), whose origin
    /// gets credentials and default headers as the base URL's does.
    pub(crate) server: Option<Url>,
    #[cfg(feature = "error-body")]
    /// The error schemas the operation declares, each with the statuses it is for.
    pub(crate) errors: &'static [(crate::error::Declared, crate::error::ErrorDecoder)],
    #[cfg(feature = "byte-stream")]
    /// The body is read as a stream: the timeout limits the wait for the response head, not
    /// the whole call (`stream.rs` limits each wait for a chunk).
    pub(crate) streamed: bool,
}

impl<S: 'static> Request<S> {
    pub(crate) fn new(operation_id: &'static str, operation: &'static str, method: Method, url: Url) -> Self {
        Request {
            operation_id,
            operation,
            method,
            url,
            query: Vec::new(),
            headers: Vec::new(),
            accept: "",
            body: Body::Empty,
            security: &[],
            server: None,
            #[cfg(feature = "error-body")]
            errors: &[],
            #[cfg(feature = "byte-stream")]
            streamed: false,
        }
    }
}

/// A request body, encoded once and sent by every attempt.
pub(crate) enum Body {
    /// No body.
    Empty,
    #[cfg(any(feature = "json-body", feature = "form", feature = "raw-body"))]
    /// Bytes already encoded, with their content type.
    Encoded { content_type: &'static str, bytes: Vec<u8> },
    #[cfg(feature = "bytes-body")]
    /// Bytes from memory, a file or a stream, with their content type.
    ByteSource { content_type: &'static str, upload: crate::support::ByteSource },
    #[cfg(feature = "multipart")]
    /// A multipart form, rebuilt for each attempt.
    Multipart(Vec<Part>),
}

impl Body {
    #[cfg(feature = "json-body")]
    /// A JSON body.
    pub(crate) fn json(value: impl serde::Serialize) -> Result<Body, Error> {
        let bytes = serde_json::to_vec(&value)
            .map_err(|e| Error::validation("body", format!("cannot be encoded as JSON: {e}")))?;
        Ok(Body::Encoded { content_type: "application/json", bytes })
    }

    #[cfg(feature = "form")]
    /// A form-urlencoded body of `key=value` pairs (a struct's `form_pairs`): each text
    /// percent-encoded (a space as `+`), the brackets of keys written in `deepObject` style
    /// (`metadata[plan]`) kept as they are, as Rack, PHP and qs write and read them.
    pub(crate) fn form<K: AsRef<str>>(pairs: &[(K, String)]) -> Result<Body, Error> {
        let text: Vec<String> = pairs
            .iter()
            .map(|(key, value)| format!("{}={}", form_text(key.as_ref(), true), form_text(value, false)))
            .collect();
        Ok(Body::Encoded { content_type: "application/x-www-form-urlencoded", bytes: text.join("&").into_bytes() })
    }

    #[cfg(feature = "form-value")]
    /// A form-urlencoded body of a value that is not a struct: an object's entries, each
    /// as a struct's field would go.
    pub(crate) fn form_of(value: impl serde::Serialize) -> Result<Body, Error> {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(entries)) => {
                let pairs: Vec<(&str, String)> = entries
                    .iter()
                    .flat_map(|(key, value)| field_texts(value).into_iter().map(move |text| (key.as_str(), text)))
                    .collect();
                Body::form(&pairs)
            }
            Ok(_) => Err(Error::validation("body", "cannot be form-encoded: it is not an object".to_owned())),
            Err(e) => Err(Error::validation("body", format!("cannot be form-encoded: {e}"))),
        }
    }

    #[cfg(feature = "raw-body")]
    /// A body sent as given, with its content type.
    pub(crate) fn raw(content_type: &'static str, bytes: &[u8]) -> Body {
        Body::Encoded { content_type, bytes: bytes.to_vec() }
    }

    #[cfg(feature = "bytes-body")]
    /// A binary body, from memory, a file or a stream, with its content type.
    pub(crate) fn upload(content_type: &'static str, upload: impl Into<crate::support::ByteSource>) -> Body {
        Body::ByteSource { content_type, upload: upload.into() }
    }

    #[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
    /// Whether every attempt can send this body (no part of it is a stream, which goes once).
    pub(crate) fn is_replayable(&self) -> bool {
        self.uploads().all(crate::support::ByteSource::is_replayable)
    }

    #[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
    /// Whether no attempt has read any stream in this body yet.
    pub(crate) fn is_unread(&self) -> bool {
        self.uploads().all(crate::support::ByteSource::is_unread)
    }

    #[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
    /// The uploads in this body: its own, or its file parts'.
    fn uploads(&self) -> impl Iterator<Item = &crate::support::ByteSource> {
        let uploads: Vec<&crate::support::ByteSource> = match self {
            #[cfg(feature = "bytes-body")]
            Body::ByteSource { upload, .. } => vec![upload],
            #[cfg(feature = "multipart-files")]
            Body::Multipart(parts) => parts.iter().filter_map(Part::upload).collect(),
            _ => Vec::new(),
        };
        uploads.into_iter()
    }

    pub(crate) fn attach(&self, builder: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, Error> {
        Ok(match self {
            Body::Empty => builder,
            #[cfg(any(feature = "json-body", feature = "form", feature = "raw-body"))]
            Body::Encoded { content_type, bytes } => {
                builder.header(reqwest::header::CONTENT_TYPE, *content_type).body(bytes.clone())
            }
            #[cfg(feature = "bytes-body")]
            Body::ByteSource { content_type, upload } => {
                builder.header(reqwest::header::CONTENT_TYPE, *content_type).body(upload.to_body("body")?.0)
            }
            #[cfg(feature = "multipart")]
            Body::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for part in parts {
                    form = form.part(part.name.clone(), part.to_reqwest()?);
                }
                builder.multipart(form)
            }
        })
    }
}

#[cfg(feature = "multipart")]
/// One part of a multipart body.
pub(crate) struct Part {
    name: String,
    value: PartValue,
}

#[cfg(feature = "multipart")]
/// What a part holds.
enum PartValue {
    #[cfg(feature = "multipart-text")]
    /// A text field.
    Text(String),
    #[cfg(feature = "multipart-files")]
    /// A file, with its name and content type.
    File(crate::support::File),
}

#[cfg(feature = "multipart")]
impl Part {
    #[cfg(feature = "multipart-text")]
    /// A text field.
    pub(crate) fn text(name: &str, text: String) -> Self {
        Part { name: name.to_owned(), value: PartValue::Text(text) }
    }

    #[cfg(feature = "multipart-text")]
    /// The parts a field's value becomes (see `field_texts`).
    pub(crate) fn values(name: &str, value: impl serde::Serialize, parts: &mut Vec<Part>) {
        parts.extend(field_texts(&value).into_iter().map(|text| Part::text(name, text)));
    }

    #[cfg(feature = "multipart-files")]
    /// A file, with its name and content type (its contents are shared, not copied).
    pub(crate) fn file(name: &str, file: &crate::support::File) -> Self {
        Part { name: name.to_owned(), value: PartValue::File(file.clone()) }
    }

    #[cfg(feature = "multipart-files")]
    /// The contents of a file part.
    fn upload(&self) -> Option<&crate::support::ByteSource> {
        match self.value {
            PartValue::File(ref file) => Some(&file.contents),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    fn to_reqwest(&self) -> Result<reqwest::multipart::Part, Error> {
        match self.value {
            #[cfg(feature = "multipart-text")]
            PartValue::Text(ref text) => Ok(reqwest::multipart::Part::text(text.clone())),
            #[cfg(feature = "multipart-files")]
            PartValue::File(ref file) => {
                let part = match file.contents.to_body(&self.name)? {
                    (body, Some(length)) => reqwest::multipart::Part::stream_with_length(body, length),
                    (body, None) => reqwest::multipart::Part::stream(body),
                };
                part.file_name(file.file_name.clone())
                    .mime_str(&file.content_type)
                    .map_err(|e| Error::validation(&self.name, format!("has an invalid content type: {e}")))
            }
        }
    }
}

#[cfg(any(feature = "form-fields", feature = "form-value", feature = "multipart-text"))]
/// The texts a field's value goes as in a form or multipart body: scalars as text, lists
/// as one text per item, objects as JSON text, and `null` as an empty text (what an HTML
/// form sends for an empty field; Django REST framework reads it as null, or as `""` where
/// a blank string is allowed).
pub(crate) fn field_texts<T: serde::Serialize + ?Sized>(value: &T) -> Vec<String> {
    fn text_of(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Array(items)) => items.iter().map(text_of).collect(),
        Ok(value) => vec![text_of(&value)],
        Err(_) => Vec::new(),
    }
}
