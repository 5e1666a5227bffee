//! Parameter values written as OpenAPI's `style` and `explode` say (RFC 6570 expansions), and
//! percent-encoded for the place they go: the path, the query, a header or a cookie.
//!
//! A value is first taken apart into a [`Node`] by serializing it (struct fields keep their
//! declared order), then written by its style. Delimiters go as the OpenAPI tables show them
//! (`,` `;` `.` `=` `|`, `%20` for `spaceDelimited`, `[` `]` for `deepObject`); the texts
//! between them are percent-encoded, so a value's own `,` or `&` cannot be taken for one.
//! `deepObject` nests the way Rack, PHP and qs read it: `a[b][c]=v`, `items[0][price]=v`.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::Error;

/// How a parameter's value is written (the Parameter Object's `style`).
// A crate names only the styles its parameters declare.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `;name=value` (path).
    Matrix,
    /// `.value` (path).
    Label,
    /// `value`, `a,b`, `k,v` (path and header).
    Simple,
    /// `name=value`, `name=a,b` (query and cookie).
    Form,
    /// `name=a%20b` (query).
    SpaceDelimited,
    /// `name=a|b` (query).
    PipeDelimited,
    /// `name[key]=value` (query).
    DeepObject,
}

/// One parameter: its name on the wire and how its value is written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Param {
    /// The name on the wire.
    pub(crate) name: &'static str,
    /// The style.
    pub(crate) style: Style,
    /// Whether arrays and objects go one item or property at a time.
    pub(crate) explode: bool,
    #[cfg(any(feature = "param-query", feature = "form-reserved"))]
    /// Leaves RFC 3986's reserved characters (and `%XX` triplets) of the value as they are
    /// (`allowReserved: true`: query parameters, and form body fields whose `encoding` says so).
    pub(crate) allow_reserved: bool,
    /// Sends the value as its JSON text (a parameter declared with `content: application/json`).
    pub(crate) json: bool,
}

/// A value as styles see it: text, a list, or an object's properties in their order.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// `null`, or a value that is not there.
    Null,
    /// A string.
    Text(String),
    /// A number or a boolean, as JSON writes it.
    Literal(String),
    /// An array.
    List(Vec<Node>),
    /// An object.
    Map(Vec<(String, Node)>),
}

impl Param {
    /// A parameter named `name` on the wire, written in `style`, exploded or not.
    pub(crate) const fn new(name: &'static str, style: Style, explode: bool) -> Param {
        Param {
            name,
            style,
            explode,
            #[cfg(any(feature = "param-query", feature = "form-reserved"))]
            allow_reserved: false,
            json: false,
        }
    }

    #[cfg(feature = "param-path")]
    /// The text that takes the parameter's place in the path, percent-encoded.
    pub(crate) fn path<T: serde::Serialize + ?Sized>(&self, value: &T) -> Result<String, Error> {
        let node = self.node(value)?;
        let encode = |text: &str| encode(text, false);
        Ok(match self.style {
            Style::Matrix => self.prefixed(&node, ';', &encode),
            Style::Label => match &node {
                Node::Null => String::new(),
                Node::List(items) if items.is_empty() => String::new(),
                Node::Map(entries) if entries.is_empty() => String::new(),
                _ => {
                    let separator = if self.explode { "." } else { "," };
                    format!(".{}", joined(&node, separator, self.explode, &encode))
                }
            },
            _ => joined(&node, ",", self.explode, &encode),
        })
    }

    #[cfg(feature = "param-query")]
    /// Adds the parameter's `name=value` pairs to a query, percent-encoded.
    pub(crate) fn query<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
        query: &mut Vec<(String, String)>,
    ) -> Result<(), Error> {
        let node = self.node(value)?;
        let reserved = self.allow_reserved;
        for (name, text) in self.pairs(&node, &|text: &str| encode(text, reserved)) {
            query.push((encode_key(&name), text));
        }
        Ok(())
    }

    #[cfg(feature = "param-querystring")]
    /// Writes the value as the whole query string (OpenAPI 3.2's `in: querystring`): an object
    /// of a form (`application/x-www-form-urlencoded`) as its `name=value` pairs, as a form
    /// query parameter exploded writes them (lowering gives the parameter that style); JSON
    /// content as its JSON text, percent-encoded, with no name.
    pub(crate) fn query_string<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
        query: &mut Vec<(String, String)>,
    ) -> Result<(), Error> {
        if !self.json {
            return self.query(value, query);
        }
        if let Node::Text(text) = self.node(value)? {
            query.push((String::new(), encode(&text, self.allow_reserved)));
        }
        Ok(())
    }

    #[cfg(feature = "param-header")]
    /// Adds the parameter's header, written in simple style (headers are not percent-encoded).
    pub(crate) fn header<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
        headers: &mut Vec<(&'static str, String)>,
    ) -> Result<(), Error> {
        // OpenAPI defines only simple style for headers; lowering gives them no other.
        debug_assert_eq!(self.style, Style::Simple, "{} is a header", self.name);
        let node = self.node(value)?;
        if node != Node::Null {
            headers.push((self.name, joined(&node, ",", self.explode, &|text: &str| text.to_owned())));
        }
        Ok(())
    }

    #[cfg(feature = "param-cookie")]
    /// Adds the parameter's `name=value` cookie pairs (form style; an exploded value is one
    /// pair per item or property), their texts percent-encoded.
    pub(crate) fn cookie<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
        cookies: &mut Vec<String>,
    ) -> Result<(), Error> {
        let node = self.node(value)?;
        for (name, text) in self.pairs(&node, &|text: &str| encode(text, false)) {
            cookies.push(format!("{}={text}", encode_key(&name)));
        }
        Ok(())
    }

    #[cfg(feature = "form-styles")]
    /// The `name=value` pairs of a form body's field written in this style, unencoded: the
    /// form's encoding (`Body::form`) encodes them. A value that cannot be serialized (which
    /// no generated type is) gives none.
    pub(crate) fn form_field<T: serde::Serialize + ?Sized>(&self, value: &T) -> Vec<(String, String)> {
        match self.node(value) {
            Ok(node) => self.pairs(&node, &|text: &str| text.to_owned()),
            Err(_) => Vec::new(),
        }
    }

    #[cfg(feature = "form-reserved")]
    /// [`Param::form_field`]'s pairs for a form body with a field that allows reserved
    /// characters: this field's values percent-encoded already, RFC 3986's reserved characters
    /// (and `%XX` triplets) kept, when it is that field; else left for the form to encode.
    pub(crate) fn form_texts<T: serde::Serialize + ?Sized>(&self, value: &T) -> Vec<(String, FormText)> {
        self.form_field(value)
            .into_iter()
            .map(|(name, text)| match self.allow_reserved {
                true => (name, FormText::Encoded(encode(&text, true))),
                false => (name, FormText::Plain(text)),
            })
            .collect()
    }

    /// The value taken apart, or its JSON text for a `json` parameter.
    fn node<T: serde::Serialize + ?Sized>(&self, value: &T) -> Result<Node, Error> {
        let failed =
            |e: serde_json::Error| Error::validation(self.name, format!("cannot be written as a parameter: {e}"));
        let text = serde_json::to_string(value).map_err(failed)?;
        if self.json {
            return Ok(Node::Text(text));
        }
        serde_json::from_str(&text).map_err(failed)
    }

    #[cfg(feature = "param-path")]
    /// Matrix style: `;name=…` pieces.
    fn prefixed(&self, node: &Node, prefix: char, encode: &dyn Fn(&str) -> String) -> String {
        let name = encode(self.name);
        let pair = |name: &str, text: String| {
            if text.is_empty() { format!("{prefix}{name}") } else { format!("{prefix}{name}={text}") }
        };
        match node {
            Node::Null => String::new(),
            Node::List(items) if items.is_empty() => String::new(),
            Node::Map(entries) if entries.is_empty() => String::new(),
            Node::List(items) if self.explode => items.iter().map(|item| pair(&name, encode(&flat(item)))).collect(),
            Node::Map(entries) if self.explode => {
                entries.iter().map(|(key, item)| pair(&encode(key), encode(&flat(item)))).collect()
            }
            _ => pair(&name, joined(node, ",", false, encode)),
        }
    }

    #[cfg(any(feature = "param-query", feature = "param-cookie", feature = "form-styles"))]
    /// The `name=value` pairs of the query styles (and of cookies), texts passed through
    /// `encode` and names left as they are.
    fn pairs(&self, node: &Node, encode: &dyn Fn(&str) -> String) -> Vec<(String, String)> {
        let name = self.name.to_owned();
        match (node, self.style) {
            (Node::Null, _) => Vec::new(),
            (_, Style::DeepObject) => {
                let mut pairs = Vec::new();
                deep(&name, node, encode, &mut pairs);
                pairs
            }
            (Node::List(items), _) if self.explode => {
                items.iter().map(|item| (name.clone(), encode(&flat(item)))).collect()
            }
            (Node::Map(entries), _) if self.explode => {
                entries.iter().map(|(key, item)| (key.clone(), encode(&flat(item)))).collect()
            }
            (_, Style::SpaceDelimited) => vec![(name, joined(node, "%20", false, encode))],
            (_, Style::PipeDelimited) => vec![(name, joined(node, "|", false, encode))],
            _ => vec![(name, joined(node, ",", false, encode))],
        }
    }
}

/// A list's items or an object's keys and values joined by `separator` (an object's as
/// `k=v` when exploded, else `k,v`), each text through `encode`.
fn joined(node: &Node, separator: &str, explode: bool, encode: &dyn Fn(&str) -> String) -> String {
    match node {
        Node::List(items) => items.iter().map(|item| encode(&flat(item))).collect::<Vec<_>>().join(separator),
        Node::Map(entries) => entries
            .iter()
            .map(|(key, item)| {
                let (key, text) = (encode(key), encode(&flat(item)));
                if explode { format!("{key}={text}") } else { format!("{key}{separator}{text}") }
            })
            .collect::<Vec<_>>()
            .join(separator),
        other => encode(&flat(other)),
    }
}

#[cfg(any(feature = "param-query", feature = "param-cookie", feature = "form-styles"))]
/// `deepObject`: `name[key]=value`, nested objects and lists by brackets (`[0]` for items).
fn deep(name: &str, node: &Node, encode: &dyn Fn(&str) -> String, pairs: &mut Vec<(String, String)>) {
    match node {
        Node::Null => {}
        Node::List(items) => {
            for (index, item) in items.iter().enumerate() {
                deep(&format!("{name}[{index}]"), item, encode, pairs);
            }
        }
        Node::Map(entries) => {
            for (key, item) in entries {
                deep(&format!("{name}[{key}]"), item, encode, pairs);
            }
        }
        other => pairs.push((name.to_owned(), encode(&flat(other)))),
    }
}

/// A value's text: a string as itself, a number or boolean as JSON writes it, `null` as
/// nothing, and a list or object (which styles do not nest) as its JSON text.
fn flat(node: &Node) -> String {
    match node {
        Node::Null => String::new(),
        Node::Text(text) | Node::Literal(text) => text.clone(),
        nested => json(nested),
    }
}

fn json(node: &Node) -> String {
    match node {
        Node::Null => "null".to_owned(),
        Node::Text(text) => serde_json::Value::String(text.clone()).to_string(),
        Node::Literal(text) => text.clone(),
        Node::List(items) => format!("[{}]", items.iter().map(json).collect::<Vec<_>>().join(",")),
        Node::Map(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, item)| format!("{}:{}", serde_json::Value::String(key.clone()), json(item)))
                .collect();
            format!("{{{}}}", entries.join(","))
        }
    }
}

#[cfg(any(feature = "param-path", feature = "param-query", feature = "param-cookie", feature = "form-reserved"))]
/// RFC 3986's unreserved characters, never encoded.
fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

#[cfg(any(feature = "param-path", feature = "param-query", feature = "param-cookie", feature = "form-reserved"))]
/// RFC 3986's reserved characters, kept under `allowReserved`.
fn reserved(byte: u8) -> bool {
    matches!(
        byte,
        b':' | b'/'
            | b'?'
            | b'#'
            | b'['
            | b']'
            | b'@'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
    )
}

#[cfg(any(feature = "param-path", feature = "param-query", feature = "param-cookie", feature = "form-reserved"))]
/// `text` percent-encoded: every byte but the unreserved ones (and, with `allow_reserved`,
/// the reserved ones and `%XX` triplets already encoded).
fn encode(text: &str, allow_reserved: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (index, &byte) in bytes.iter().enumerate() {
        let triplet = byte == b'%'
            && bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(index + 2).is_some_and(u8::is_ascii_hexdigit);
        if unreserved(byte) || (allow_reserved && (reserved(byte) || triplet)) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(any(feature = "param-query", feature = "param-cookie"))]
/// A query or form name percent-encoded, its `deepObject` brackets kept as they are.
fn encode_key(name: &str) -> String {
    name.split_inclusive(['[', ']'])
        .map(|piece| match piece.strip_suffix(['[', ']']) {
            Some(text) => format!("{}{}", encode(text, false), &piece[text.len()..]),
            None => encode(piece, false),
        })
        .collect()
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// Reads JSON text into a [`Node`], keeping an object's keys in their order.
struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Literal(value.to_string()))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Literal(value.to_string()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Node, E> {
        Ok(Node::Literal(value.to_string()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Node, E> {
        Ok(Node::Literal(value.to_string()))
    }

    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::Text(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::Text(value))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            // Absent optional fields serialize as nothing; an explicit `null` is left out
            // too, as it has no text of its own.
            if value != Node::Null {
                entries.push((key, value));
            }
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(feature = "form-reserved")]
/// The value of a form body's pair when some field of the body allows reserved characters
/// (`allowReserved` in its `encoding`): text the form encodes, or that field's, encoded already
/// by its parameter writer ([`Param::form_texts`]) with RFC 3986's reserved characters kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FormText {
    /// Text, encoded as a form's is.
    Plain(String),
    /// Text percent-encoded already, sent as it is.
    Encoded(String),
}

#[cfg(feature = "form-reserved")]
impl From<String> for FormText {
    fn from(text: String) -> Self {
        FormText::Plain(text)
    }
}

#[cfg(test)]
mod tests {
    //! The "Style Examples" table of the OpenAPI 3.1 Parameter Object, cell by cell, with its
    //! values: `color` as `""`, `"blue"`, `["blue", "black", "brown"]` and
    //! `{"R": 100, "G": 200, "B": 150}` (in that order).

    use super::*;

    fn query_string(pairs: &[(String, String)]) -> String {
        pairs.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("&")
    }

    #[derive(serde::Serialize)]
    #[allow(non_snake_case)]
    struct Rgb {
        R: u8,
        G: u8,
        B: u8,
    }

    const RGB: Rgb = Rgb { R: 100, G: 200, B: 150 };
    const ARRAY: [&str; 3] = ["blue", "black", "brown"];

    fn path(style: Style, explode: bool) -> [String; 4] {
        let p = Param::new("color", style, explode);
        [p.path("").unwrap(), p.path("blue").unwrap(), p.path(&ARRAY).unwrap(), p.path(&RGB).unwrap()]
    }

    fn query<T: serde::Serialize + ?Sized>(style: Style, explode: bool, value: &T) -> String {
        let mut pairs = Vec::new();
        Param::new("color", style, explode).query(value, &mut pairs).unwrap();
        query_string(&pairs)
    }

    #[cfg(feature = "param-querystring")]
    #[test]
    fn a_whole_query_string_is_a_form_s_pairs_or_json_text() {
        let form = Param::new("filter", Style::Form, true);
        let mut pairs = Vec::new();
        form.query_string(&RGB, &mut pairs).unwrap();
        assert_eq!(query_string(&pairs), "R=100&G=200&B=150");
        let json = Param { json: true, ..form };
        let mut pairs = Vec::new();
        json.query_string(&RGB, &mut pairs).unwrap();
        assert_eq!(pairs, [(String::new(), "%7B%22R%22%3A100%2C%22G%22%3A200%2C%22B%22%3A150%7D".to_owned())]);
        let url = crate::address::with_query(&reqwest::Url::parse("http://h/p").unwrap(), &pairs);
        assert_eq!(url.query(), Some(pairs[0].1.as_str()));
    }

    #[test]
    fn matrix() {
        assert_eq!(
            path(Style::Matrix, false),
            [";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"]
        );
        assert_eq!(
            path(Style::Matrix, true),
            [";color", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"]
        );
    }

    #[test]
    fn label() {
        assert_eq!(path(Style::Label, false), [".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"]);
        assert_eq!(path(Style::Label, true), [".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"]);
    }

    #[test]
    fn simple() {
        let [_, string, array, object] = path(Style::Simple, false);
        assert_eq!([string, array, object], ["blue", "blue,black,brown", "R,100,G,200,B,150"]);
        let [_, string, array, object] = path(Style::Simple, true);
        assert_eq!([string, array, object], ["blue", "blue,black,brown", "R=100,G=200,B=150"]);
    }

    #[test]
    fn form() {
        assert_eq!(query(Style::Form, false, ""), "color=");
        assert_eq!(query(Style::Form, false, "blue"), "color=blue");
        assert_eq!(query(Style::Form, false, &ARRAY), "color=blue,black,brown");
        assert_eq!(query(Style::Form, false, &RGB), "color=R,100,G,200,B,150");
        assert_eq!(query(Style::Form, true, ""), "color=");
        assert_eq!(query(Style::Form, true, "blue"), "color=blue");
        assert_eq!(query(Style::Form, true, &ARRAY), "color=blue&color=black&color=brown");
        assert_eq!(query(Style::Form, true, &RGB), "R=100&G=200&B=150");
    }

    #[test]
    fn delimited_and_deep_object() {
        assert_eq!(query(Style::SpaceDelimited, false, &ARRAY), "color=blue%20black%20brown");
        assert_eq!(query(Style::SpaceDelimited, false, &RGB), "color=R%20100%20G%20200%20B%20150");
        assert_eq!(query(Style::PipeDelimited, false, &ARRAY), "color=blue|black|brown");
        assert_eq!(query(Style::PipeDelimited, false, &RGB), "color=R|100|G|200|B|150");
        assert_eq!(query(Style::DeepObject, true, &RGB), "color[R]=100&color[G]=200&color[B]=150");
    }

    #[test]
    fn deep_objects_nest_with_brackets_and_indices() {
        let value = serde_json::json!({"address": {"city": "Köln", "line1": "a&b"}, "items": [{"price": "p_1"}]});
        // serde_json's map keeps its keys sorted here (no preserve_order in this crate).
        assert_eq!(
            query(Style::DeepObject, true, &value),
            "color[address][city]=K%C3%B6ln&color[address][line1]=a%26b&color[items][0][price]=p_1"
        );
    }

    #[test]
    fn values_are_encoded_and_delimiters_are_not() {
        assert_eq!(query(Style::Form, false, &["a,b", "c d"]), "color=a%2Cb,c%20d");
        let mut pairs = Vec::new();
        Param { allow_reserved: true, ..Param::new("next", Style::Form, true) }
            .query("/a?b=c%20d", &mut pairs)
            .unwrap();
        assert_eq!(query_string(&pairs), "next=/a?b=c%20d");
        assert_eq!(Param::new("id", Style::Simple, false).path("a/b c").unwrap(), "a%2Fb%20c");
    }

    #[test]
    fn headers_cookies_and_json() {
        let mut headers = Vec::new();
        Param::new("X-Color", Style::Simple, true).header(&ARRAY, &mut headers).unwrap();
        Param::new("X-Rgb", Style::Simple, true).header(&RGB, &mut headers).unwrap();
        assert_eq!(headers, [("X-Color", "blue,black,brown".to_owned()), ("X-Rgb", "R=100,G=200,B=150".to_owned())]);
        let mut cookies = Vec::new();
        Param::new("color", Style::Form, false).cookie(&ARRAY, &mut cookies).unwrap();
        Param::new("theme", Style::Form, true).cookie("dark blue", &mut cookies).unwrap();
        assert_eq!(cookies, ["color=blue,black,brown", "theme=dark%20blue"]);
        let mut pairs = Vec::new();
        Param { json: true, ..Param::new("filter", Style::Form, true) }.query(&RGB, &mut pairs).unwrap();
        assert_eq!(query_string(&pairs), "filter=%7B%22R%22%3A100%2C%22G%22%3A200%2C%22B%22%3A150%7D");
    }

    #[test]
    fn form_fields_are_left_unencoded_for_the_form() {
        let value = serde_json::json!({"gte": 5, "note": "a b"});
        assert_eq!(
            Param::new("created", Style::DeepObject, true).form_field(&value),
            [("created[gte]".to_owned(), "5".to_owned()), ("created[note]".to_owned(), "a b".to_owned())]
        );
    }

    #[test]
    fn absent_values_send_nothing() {
        assert_eq!(query(Style::Form, true, &None::<u8>), "");
        assert_eq!(query(Style::DeepObject, true, &serde_json::json!({"a": null})), "");
        assert_eq!(Param::new("color", Style::Matrix, true).path(&Vec::<u8>::new()).unwrap(), "");
    }
}
