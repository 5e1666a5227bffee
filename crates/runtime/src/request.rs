//! One call, described before it is sent ([`Request`]), and its body ([`Body`], a multipart
//! body's [`Part`]s), encoded once and sent by every attempt.

use reqwest::{Method, Url};

use crate::Error;

#[cfg(feature = "form")]
/// A value of a form body's pair, as [`Body::form`] writes it.
pub(crate) trait FormValue {
    /// The value percent-encoded for the form.
    fn encoded(&self) -> String;
}

#[cfg(feature = "form")]
impl FormValue for String {
    fn encoded(&self) -> String {
        form_text(self, false)
    }
}

#[cfg(feature = "form-reserved")]
impl FormValue for crate::param::FormText {
    fn encoded(&self) -> String {
        match self {
            crate::param::FormText::Plain(text) => form_text(text, false),
            crate::param::FormText::Encoded(text) => text.clone(),
        }
    }
}

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

    #[cfg(feature = "json-flag")]
    /// A JSON body whose boolean field `flag` is `on`, whatever `value` holds there: the field
    /// asking for a streamed answer (OpenAI's `stream`), which a stream method sends `true`
    /// and its buffered twin `false`. The field keeps its place among the others, or comes
    /// last when `value` has none; a value that is not an object is sent as it is.
    pub(crate) fn json_with_flag(value: impl serde::Serialize, flag: &str, on: bool) -> Result<Body, Error> {
        let text = serde_json::to_string(&value)
            .map_err(|e| Error::validation("body", format!("cannot be encoded as JSON: {e}")))?;
        let Ok(JsonFields(fields)) = serde_json::from_str::<JsonFields>(&text) else {
            return Ok(Body::Encoded { content_type: "application/json", bytes: text.into_bytes() });
        };
        let on = if on { "true" } else { "false" };
        let mut seen = false;
        let mut entries: Vec<String> = fields
            .iter()
            .map(|(name, raw)| {
                let value = if name == flag {
                    seen = true;
                    on
                } else {
                    raw.get()
                };
                format!("{}:{value}", serde_json::Value::from(name.as_str()))
            })
            .collect();
        if !seen {
            entries.push(format!("{}:{on}", serde_json::Value::from(flag)));
        }
        let bytes = format!("{{{}}}", entries.join(",")).into_bytes();
        Ok(Body::Encoded { content_type: "application/json", bytes })
    }

    #[cfg(feature = "form")]
    /// A form-urlencoded body of `key=value` pairs (a struct's `form_pairs`): each text
    /// percent-encoded (a space as `+`), the brackets of keys written in `deepObject` style
    /// (`metadata[plan]`) kept as they are, as Rack, PHP and qs write and read them; a value
    /// encoded already (a field whose `encoding` allows reserved characters) as it is.
    pub(crate) fn form<K: AsRef<str>, V: FormValue>(pairs: &[(K, V)]) -> Result<Body, Error> {
        let text: Vec<String> =
            pairs.iter().map(|(key, value)| format!("{}={}", form_text(key.as_ref(), true), value.encoded())).collect();
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
/// One part of a multipart body: its name, what it holds, the content type lowering decided
/// for it (OpenAPI's default for the property's type, or its `encoding`'s `contentType`) and
/// the headers its `encoding` declares.
pub(crate) struct Part {
    name: String,
    value: PartValue,
    content_type: &'static str,
    #[cfg(feature = "multipart-headers")]
    headers: Vec<(&'static str, String)>,
}

#[cfg(feature = "multipart")]
/// What a part holds.
enum PartValue {
    #[cfg(any(feature = "multipart-text", feature = "multipart-json"))]
    /// Text: a scalar's, or a value's JSON.
    Text(String),
    #[cfg(feature = "multipart-files")]
    /// A file, with its name and content type.
    File(crate::support::File),
}

#[cfg(feature = "multipart")]
impl Part {
    /// A part named `name` holding `value`, sent with `content_type`.
    fn new(name: &str, value: PartValue, content_type: &'static str) -> Self {
        Part {
            name: name.to_owned(),
            value,
            content_type,
            #[cfg(feature = "multipart-headers")]
            headers: Vec::new(),
        }
    }

    #[cfg(feature = "multipart-text")]
    /// A text part, sent with `content_type`.
    pub(crate) fn text(name: &str, text: String, content_type: &'static str) -> Self {
        Part::new(name, PartValue::Text(text), content_type)
    }

    #[cfg(feature = "multipart-text")]
    /// The text parts a field's value becomes (see `field_texts`: one per item of a list),
    /// each sent with `content_type`.
    pub(crate) fn values(name: &str, value: impl serde::Serialize, content_type: &'static str, parts: &mut Vec<Part>) {
        parts.extend(field_texts(&value).into_iter().map(|text| Part::text(name, text, content_type)));
    }

    #[cfg(feature = "multipart-json")]
    /// The JSON parts a field's value becomes: its JSON text, or one part per item of a list,
    /// each sent with `content_type` (`application/json`, or a JSON type the `encoding` names).
    /// Objects keep their fields in declaration order. A value that cannot be serialized
    /// (which no generated type is) gives none.
    pub(crate) fn json(name: &str, value: impl serde::Serialize, content_type: &'static str, parts: &mut Vec<Part>) {
        let Ok(text) = serde_json::to_string(&value) else { return };
        parts.extend(
            json_items(&text).into_iter().map(|item| Part::new(name, PartValue::Text(item.to_owned()), content_type)),
        );
    }

    #[cfg(feature = "multipart-files")]
    /// A file part (its contents shared, not copied), sent with the file's own content type,
    /// or `content_type` when the file's is empty.
    pub(crate) fn file(name: &str, file: &crate::support::File, content_type: &'static str) -> Self {
        Part::new(name, PartValue::File(file.clone()), content_type)
    }

    #[cfg(feature = "multipart-headers")]
    /// Adds a header its `encoding` declares to every part named `part` (each item of a list
    /// is one), its value written as a header parameter's is (`simple` style).
    pub(crate) fn header<T: serde::Serialize + ?Sized>(
        parts: &mut [Part],
        part: &str,
        header: crate::param::Param,
        value: &T,
    ) -> Result<(), Error> {
        let mut headers = Vec::new();
        header.header(value, &mut headers)?;
        for named in parts.iter_mut().filter(|named| named.name == part) {
            named.headers.extend(headers.iter().cloned());
        }
        Ok(())
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
            #[cfg(any(feature = "multipart-text", feature = "multipart-json"))]
            PartValue::Text(ref text) => self.finish(reqwest::multipart::Part::text(text.clone()), self.content_type),
            #[cfg(feature = "multipart-files")]
            PartValue::File(ref file) => {
                let part = match file.contents.to_body(&self.name)? {
                    (body, Some(length)) => reqwest::multipart::Part::stream_with_length(body, length),
                    (body, None) => reqwest::multipart::Part::stream(body),
                };
                let own = file.content_type.as_str();
                self.finish(
                    part.file_name(file.file_name.clone()),
                    if own.is_empty() { self.content_type } else { own },
                )
            }
        }
    }

    /// `part` with its content type and headers.
    fn finish(&self, part: reqwest::multipart::Part, content_type: &str) -> Result<reqwest::multipart::Part, Error> {
        let part = part
            .mime_str(content_type)
            .map_err(|e| Error::validation(&self.name, format!("has an invalid content type: {e}")))?;
        #[cfg(feature = "multipart-headers")]
        if !self.headers.is_empty() {
            let mut headers = reqwest::header::HeaderMap::new();
            for (name, value) in &self.headers {
                // The value is not shown: a header may hold a secret.
                let invalid = |what: String| Error::validation(&self.name, what);
                let header = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| invalid(format!("has a header whose name is not valid: {name:?}")))?;
                let value = reqwest::header::HeaderValue::from_str(value)
                    .map_err(|_| invalid(format!("has a {name} header whose value is not a valid header value")))?;
                headers.append(header, value);
            }
            return Ok(part.headers(headers));
        }
        Ok(part)
    }
}

#[cfg(feature = "multipart-json")]
/// The items of the JSON text of an array (`[1,{"a":[2]}]` gives `1` and `{"a":[2]}`), or the
/// whole text of any other value; `text` is serde_json's compact output, so the only commas
/// between items are those outside strings and brackets.
fn json_items(text: &str) -> Vec<&str> {
    let Some(inner) = text.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) else { return vec![text] };
    let mut items = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, 0);
    for (index, byte) in inner.bytes().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                items.push(&inner[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if !inner.is_empty() {
        items.push(&inner[start..]);
    }
    items
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

#[cfg(feature = "json-flag")]
/// A JSON object's fields in the order they were written, each value as its JSON text.
struct JsonFields(Vec<(String, Box<serde_json::value::RawValue>)>);

#[cfg(feature = "json-flag")]
impl<'de> serde::Deserialize<'de> for JsonFields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Reads a map's entries in order.
        struct Entries;

        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = JsonFields;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<JsonFields, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    fields.push(entry);
                }
                Ok(JsonFields(fields))
            }
        }

        deserializer.deserialize_map(Entries)
    }
}

#[cfg(all(test, any(feature = "multipart-json", feature = "form-reserved", feature = "json-flag")))]
mod tests {
    #[allow(unused_imports)]
    use std::pin::Pin;

    use super::*;

    #[cfg(feature = "json-flag")]
    #[test]
    fn the_stream_flag_is_set_whatever_the_value_holds() {
        let text = |body: Body| match body {
            Body::Encoded { content_type, bytes } => {
                assert_eq!(content_type, "application/json");
                String::from_utf8(bytes).unwrap()
            }
            _ => panic!("not an encoded body"),
        };
        let value = serde_json::json!({"model": "m", "stream": true, "messages": [{"stream": 1}]});
        // serde_json's maps sort their keys: the field keeps its place among them.
        let sent = text(Body::json_with_flag(&value, "stream", false).unwrap());
        assert_eq!(sent, "{\"messages\":[{\"stream\":1}],\"model\":\"m\",\"stream\":false}");
        let absent = serde_json::json!({"model": "m \"q\"", "n": null});
        let sent = text(Body::json_with_flag(&absent, "stream", true).unwrap());
        assert_eq!(sent, "{\"model\":\"m \\\"q\\\"\",\"n\":null,\"stream\":true}");
        /// Fields in declaration order, as generated types serialize them.
        #[derive(serde::Serialize)]
        struct Request {
            stream: Option<bool>,
            model: &'static str,
        }
        let sent = text(Body::json_with_flag(Request { stream: None, model: "m" }, "stream", true).unwrap());
        assert_eq!(sent, "{\"stream\":true,\"model\":\"m\"}");
        assert_eq!(text(Body::json_with_flag([1, 2], "stream", true).unwrap()), "[1,2]");
    }

    #[cfg(feature = "multipart-json")]
    #[test]
    fn json_items_are_the_items_of_an_array_and_anything_else_whole() {
        // Built by serde_json, as `Part::json` builds its text: brackets and commas in strings
        // stay inside their item.
        let text = |value: serde_json::Value| value.to_string();
        let list = text(serde_json::json!([1, {"a": [2, ","]}, "x\"],[", "y"]));
        assert_eq!(
            json_items(&list),
            [text(1.into()), text(serde_json::json!({"a": [2, ","]})), text("x\"],[".into()), text("y".into())]
        );
        let object = text(serde_json::json!({"a": [1, 2]}));
        assert_eq!(json_items(&object), [object.as_str()]);
        let string = text("[a,b]".into());
        assert_eq!(json_items(&string), [string.as_str()]);
        assert_eq!(json_items("[]"), Vec::<&str>::new());
        assert_eq!(json_items("[[1,2],[3]]"), ["[1,2]", "[3]"]);
    }

    #[cfg(feature = "form-reserved")]
    #[test]
    fn form_values_encoded_already_go_as_they_are() {
        use crate::param::{Param, Style};
        let next = Param { allow_reserved: true, ..Param::new("next", Style::Form, true) };
        let mut pairs = next.form_texts("/a?b=c d&e");
        pairs.extend(Param::new("scope", Style::Form, false).form_texts(&["r:w", "x y"]));
        pairs.push(("note".to_owned(), "a&b c".to_owned().into()));
        let Body::Encoded { bytes, .. } = Body::form(&pairs).unwrap() else { panic!("encoded") };
        assert_eq!(String::from_utf8(bytes).unwrap(), "next=/a?b=c%20d&e&scope=r%3Aw%2Cx+y&note=a%26b+c");
    }

    #[cfg(all(
        feature = "multipart-text",
        feature = "multipart-json",
        feature = "multipart-files",
        feature = "multipart-headers"
    ))]
    #[tokio::test]
    async fn multipart_parts_carry_their_content_types_and_headers() {
        use crate::param::{Param, Style};
        use crate::support::File;

        #[derive(serde::Serialize)]
        struct Point {
            y: u8,
            x: u8,
        }
        let mut parts = Vec::new();
        Part::values("tags", ["a", "b c"], "text/plain", &mut parts);
        Part::json("points", [Point { y: 1, x: 2 }], "application/json", &mut parts);
        Part::json("note", "hi", "application/json", &mut parts);
        parts.push(Part::file("doc", &File::new("a.txt", "", "text"), "application/octet-stream"));
        parts.push(Part::file("img", &File::new("b.png", "image/png", "PNG"), "image/jpeg"));
        Part::header(&mut parts, "tags", Param::new("X-Id", Style::Simple, false), &7).unwrap();
        Part::header(&mut parts, "doc", Param::new("X-Sum", Style::Simple, false), &["a", "b"]).unwrap();
        let builder = Body::Multipart(parts).attach(reqwest::Client::new().post("http://localhost/")).unwrap();
        let mut request = builder.build().unwrap();
        let content_type = request.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().to_owned();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        let mut body = request.body_mut().take().unwrap();
        let mut bytes = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| http_body::Body::poll_frame(Pin::new(&mut body), cx)).await {
            bytes.extend_from_slice(&frame.unwrap().into_data().unwrap());
        }
        let text = String::from_utf8(bytes).unwrap();
        let part = |head: &str, body: &str| {
            format!("--{boundary}\r\nContent-Disposition: form-data; {head}\r\n\r\n{body}\r\n")
        };
        let expected = [
            part("name=\"tags\"\r\nContent-Type: text/plain\r\nx-id: 7", "a"),
            part("name=\"tags\"\r\nContent-Type: text/plain\r\nx-id: 7", "b c"),
            part("name=\"points\"\r\nContent-Type: application/json", "{\"y\":1,\"x\":2}"),
            part("name=\"note\"\r\nContent-Type: application/json", "\"hi\""),
            part("name=\"doc\"; filename=\"a.txt\"\r\nContent-Type: application/octet-stream\r\nx-sum: a,b", "text"),
            part("name=\"img\"; filename=\"b.png\"\r\nContent-Type: image/png", "PNG"),
        ];
        assert_eq!(text, format!("{}--{boundary}--\r\n", expected.concat()));
    }
}
