//! Swagger stage: a Swagger 2.0 document becomes the OpenAPI 3.0 document it describes.
//!
//! It runs on the JSON tree after the overlays (which target the document as its author wrote
//! it) and before normalize, so no later stage sees 2.0. `host`, `basePath` and `schemes` become
//! `servers`; `consumes` and `produces` become the media types of request bodies and responses;
//! `in: body` and `in: formData` parameters become a `requestBody`; the other parameters' types
//! move under `schema` and `collectionFormat` becomes `style` and `explode`; `definitions`,
//! `parameters`, `responses` and `securityDefinitions` move under `components`, and every
//! `$ref` follows them. Where 2.0 left a choice open, the choice made is a warning; what cannot
//! be read is an error. Both name places in the 2.0 document, and [`Origins`] takes the
//! converted document's places back there for the later stages' diagnostics.

use serde_json::{Map, Value, json};

use crate::diag::{Diagnostic, Error, Location, escape_segment};
use crate::tree;

/// The media type assumed where 2.0 names none.
const JSON: &str = "application/json";
/// The form media types a `formData` parameter can travel in.
const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
/// The keys of a non-body parameter, header or `items` that describe its value: in 3.0 they
/// belong to its `schema`.
const VALUE_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];
/// The HTTP methods a 2.0 path item holds.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Where the converted document's places were in the 2.0 document: pairs of pointer prefixes,
/// converted first. Places under no pair did not move.
#[derive(Debug, Default, Clone)]
pub struct Origins {
    moves: Vec<(String, String)>,
}

impl Origins {
    fn add(&mut self, converted: impl Into<String>, original: impl Into<String>) {
        self.moves.push((converted.into(), original.into()));
    }

    /// The 2.0 document's pointer for a pointer into the converted document: the longest
    /// prefix that moved, replaced by where it came from.
    pub fn original(&self, pointer: &str) -> String {
        let under =
            |prefix: &str| pointer == prefix || pointer.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'));
        let best = self.moves.iter().filter(|(converted, _)| under(converted)).max_by_key(|(c, _)| c.len());
        match best {
            Some((converted, original)) => format!("{original}{}", &pointer[converted.len()..]),
            None => pointer.to_owned(),
        }
    }

    /// `diagnostic` with its pointer taken back into the 2.0 document.
    pub fn restore(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        if let Location::Pointer(pointer) = &diagnostic.location {
            diagnostic.location = Location::Pointer(self.original(pointer));
        }
        diagnostic
    }
}

/// What converting found, and where the converted places came from.
#[derive(Debug, Default)]
pub struct Converted {
    /// Choices 2.0 left open, each at its place in the 2.0 document.
    pub warnings: Vec<Diagnostic>,
    /// What could not be converted, each at its place in the 2.0 document.
    pub errors: Vec<Diagnostic>,
    /// The converted document's places mapped back.
    pub origins: Origins,
}

/// Converts `doc` in place when it is a Swagger 2.0 document; an OpenAPI 3 document is left
/// alone. Unknown versions and trees nested past [`tree::MAX_DEPTH`] are errors.
pub fn convert(doc: &mut Value, source_name: &str) -> Result<Converted, Error> {
    tree::check_version(doc, source_name)?;
    if doc.get("swagger").is_none() {
        return Ok(Converted::default());
    }
    tree::check_depth(doc, source_name)?;
    let mut state = State { doc: doc.take(), converted: Converted::default() };
    let root = state.root();
    *doc = root;
    Ok(state.converted)
}

/// The 2.0 document being read and what converting it found so far.
struct State {
    doc: Value,
    converted: Converted,
}

/// The media types an operation's bodies and responses use, and whether they were written.
#[derive(Clone)]
struct Media {
    consumes: Option<Vec<String>>,
    produces: Option<Vec<String>>,
}

fn pointer(parts: &[&str]) -> String {
    parts.iter().fold(String::from("#"), |p, s| p + "/" + &escape_segment(s))
}

fn strings(value: Option<&Value>) -> Option<Vec<String>> {
    let items = value?.as_array()?;
    Some(items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
}

impl State {
    fn warn(&mut self, at: String, message: impl Into<String>) {
        self.converted.warnings.push(Diagnostic::at(at, message));
    }

    fn error(&mut self, at: String, message: impl Into<String>) {
        self.converted.errors.push(Diagnostic::at(at, message));
    }

    fn field(&self, key: &str) -> Option<&Value> {
        self.doc.get(key)
    }

    /// The whole converted document, keys in OpenAPI 3's usual order.
    fn root(&mut self) -> Value {
        let mut out = Map::new();
        out.insert("openapi".to_owned(), json!("3.0.3"));
        out.insert("info".to_owned(), self.field("info").cloned().unwrap_or_else(|| json!({})));
        if let Some(servers) = self.servers() {
            out.insert("servers".to_owned(), servers);
        }
        let media = Media { consumes: strings(self.field("consumes")), produces: strings(self.field("produces")) };
        out.insert("paths".to_owned(), self.paths(&media));
        let components = self.components(&media);
        if !components.is_empty() {
            out.insert("components".to_owned(), Value::Object(components));
        }
        let root = self.doc.as_object().cloned().unwrap_or_default();
        for (key, value) in root {
            if matches!(key.as_str(), "security" | "tags" | "externalDocs") || key.starts_with("x-") {
                out.insert(key, value);
            }
        }
        let mut out = Value::Object(out);
        rewrite_refs(&mut out, &self.body_parameters(), false);
        out
    }

    /// `host`, `basePath` and `schemes` as servers: one per scheme, or a relative one from
    /// `basePath` when there is no host.
    fn servers(&mut self) -> Option<Value> {
        let base = self.field("basePath").and_then(Value::as_str).unwrap_or("").trim_end_matches('/').to_owned();
        let Some(host) = self.field("host").and_then(Value::as_str).map(str::to_owned) else {
            if base.is_empty() {
                return None;
            }
            self.converted.origins.add("#/servers/0", "#/basePath");
            return Some(json!([{ "url": base }]));
        };
        let mut schemes: Vec<String> = strings(self.field("schemes"))
            .unwrap_or_default()
            .into_iter()
            .filter(|s| s == "https" || s == "http")
            .collect();
        if schemes.is_empty() {
            self.warn("#/host".to_owned(), "no `schemes` of http or https: https assumed for the server");
            schemes.push("https".to_owned());
        }
        for i in 0..schemes.len() {
            self.converted.origins.add(format!("#/servers/{i}"), "#/host");
        }
        Some(Value::Array(schemes.iter().map(|s| json!({ "url": format!("{s}://{host}{base}") })).collect()))
    }

    /// The names of the document's `parameters` that are bodies.
    fn body_parameters(&self) -> Vec<String> {
        let Some(Value::Object(parameters)) = self.field("parameters") else { return Vec::new() };
        parameters.iter().filter(|(_, p)| p.get("in") == Some(&json!("body"))).map(|(k, _)| k.clone()).collect()
    }

    fn paths(&mut self, media: &Media) -> Value {
        let Some(Value::Object(paths)) = self.field("paths").cloned() else { return json!({}) };
        let mut out = Map::new();
        for (path, item) in paths {
            let Value::Object(item) = item else {
                out.insert(path, item);
                continue;
            };
            out.insert(path.clone(), Value::Object(self.path_item(&path, &item, media)));
        }
        Value::Object(out)
    }

    fn path_item(&mut self, path: &str, item: &Map<String, Value>, media: &Media) -> Map<String, Value> {
        let mut out = Map::new();
        // A body or form field declared for the whole path goes into each operation's body.
        let shared: Vec<(String, Value)> = match item.get("parameters") {
            Some(Value::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(i, p)| (pointer(&["paths", path, "parameters", &i.to_string()]), p.clone()))
                .collect(),
            _ => Vec::new(),
        };
        let (bodies, plain): (Vec<_>, Vec<_>) = shared.into_iter().partition(|(_, p)| self.is_body_like(p));
        for (key, value) in item {
            if METHODS.contains(&key.as_str()) {
                if let Value::Object(operation) = value {
                    let operation = self.operation(path, key, operation, &bodies, media);
                    out.insert(key.clone(), Value::Object(operation));
                }
            } else if key == "parameters" {
                let at = pointer(&["paths", path, "parameters"]);
                let converted = self.plain_parameters(&at, &plain);
                if !converted.is_empty() {
                    out.insert(key.clone(), Value::Array(converted));
                }
            } else {
                out.insert(key.clone(), value.clone());
            }
        }
        out
    }

    /// Whether a parameter (or the document parameter it names) is `in: body` or `in: formData`.
    fn is_body_like(&self, parameter: &Value) -> bool {
        let resolved = self.resolve(parameter).map(|(_, p)| p);
        matches!(resolved.and_then(|p| p.get("in")).and_then(Value::as_str), Some("body" | "formData"))
    }

    /// A parameter itself, or the document parameter its `$ref` names, with that name.
    fn resolve<'a>(&'a self, parameter: &'a Value) -> Option<(Option<String>, &'a Value)> {
        match parameter.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.strip_prefix("#/parameters/")?;
                let found = self.field("parameters")?.get(crate::diag::unescape_segment(name))?;
                Some((Some(name.to_owned()), found))
            }
            None => Some((None, parameter)),
        }
    }

    /// Non-body parameters, each at its pointer, in 3.0 form; the converted index of each is
    /// mapped back to its own.
    fn plain_parameters(&mut self, at: &str, parameters: &[(String, Value)]) -> Vec<Value> {
        let mut out = Vec::new();
        for (original, parameter) in parameters {
            let index = out.len();
            self.converted.origins.add(format!("{at}/{index}"), original.clone());
            self.converted.origins.add(format!("{at}/{index}/schema"), original.clone());
            match parameter.get("$ref").and_then(Value::as_str) {
                Some(reference) => out.push(json!({ "$ref": reference })),
                None => {
                    if let Some(converted) = self.parameter(original, parameter) {
                        out.push(converted);
                    }
                }
            }
        }
        out
    }

    /// A query, header or path parameter in 3.0 form; `None` (and an error) when unreadable.
    fn parameter(&mut self, at: &str, parameter: &Value) -> Option<Value> {
        let Value::Object(fields) = parameter else {
            self.error(at.to_owned(), "a parameter must be an object");
            return None;
        };
        let place = fields.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
        if !matches!(place.as_str(), "query" | "header" | "path") {
            let found = fields.get("in").map_or("nothing".to_owned(), Value::to_string);
            self.error(format!("{at}/in"), format!("`in` must be query, header, path, formData or body, not {found}"));
            return None;
        }
        if fields.get("type") == Some(&json!("file")) {
            self.error(format!("{at}/type"), "`type: file` is only allowed on an `in: formData` parameter");
            return None;
        }
        let (mut out, value) = split_value_keys(fields);
        let schema = self.value_schema(at, value);
        if let Some(format) = collection_format(fields) {
            let (style, explode) = self.style(at, &place, &format);
            out.insert("style".to_owned(), json!(style));
            out.insert("explode".to_owned(), json!(explode));
        } else if schema.get("type") == Some(&json!("array")) {
            // 2.0's default is csv: the values joined by commas in one parameter.
            out.insert("style".to_owned(), json!(if place == "query" { "form" } else { "simple" }));
            out.insert("explode".to_owned(), json!(false));
        }
        out.insert("schema".to_owned(), Value::Object(schema));
        Some(Value::Object(out))
    }

    /// The value keys of a non-body parameter, header or `items` as a schema: `items` in turn,
    /// `x-nullable` as `nullable`, a file as binary text.
    fn value_schema(&mut self, at: &str, mut value: Map<String, Value>) -> Map<String, Value> {
        if let Some(items) = value.remove("items") {
            let items = match items {
                Value::Object(items) => {
                    if items.contains_key("collectionFormat") {
                        self.warn(
                            format!("{at}/items/collectionFormat"),
                            "a nested `collectionFormat` is not converted",
                        );
                    }
                    let inner: Map<String, Value> =
                        items.into_iter().filter(|(k, _)| VALUE_KEYS.contains(&k.as_str()) || k == "$ref").collect();
                    Value::Object(self.value_schema(&format!("{at}/items"), inner))
                }
                other => other,
            };
            value.insert("items".to_owned(), items);
        }
        if let Some(nullable) = value.remove("x-nullable") {
            value.insert("nullable".to_owned(), nullable);
        }
        if value.get("type") == Some(&json!("file")) {
            value.insert("type".to_owned(), json!("string"));
            value.insert("format".to_owned(), json!("binary"));
        }
        value
    }

    /// `collectionFormat` as 3.0's `style` and `explode` for a parameter `in` a place.
    fn style(&mut self, at: &str, place: &str, format: &str) -> (&'static str, bool) {
        let csv = if place == "query" || place == "formData" { "form" } else { "simple" };
        let at = format!("{at}/collectionFormat");
        match (format, place) {
            ("csv", _) => (csv, false),
            ("ssv", "query") => ("spaceDelimited", false),
            ("pipes", "query") => ("pipeDelimited", false),
            ("multi", "query" | "formData") => ("form", true),
            ("tsv", _) => {
                self.warn(at, "OpenAPI 3 has no tab-separated style: read as csv (commas)");
                (csv, false)
            }
            (other, _) => {
                self.warn(at, format!("`collectionFormat: {other}` cannot be said of an `in: {place}` parameter in OpenAPI 3: read as csv"));
                (csv, false)
            }
        }
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        operation: &Map<String, Value>,
        shared_bodies: &[(String, Value)],
        media: &Media,
    ) -> Map<String, Value> {
        let at = pointer(&["paths", path, method]);
        let media = Media {
            consumes: strings(operation.get("consumes")).or_else(|| media.consumes.clone()),
            produces: strings(operation.get("produces")).or_else(|| media.produces.clone()),
        };
        let own: Vec<(String, Value)> = match operation.get("parameters") {
            Some(Value::Array(list)) => {
                list.iter().enumerate().map(|(i, p)| (format!("{at}/parameters/{i}"), p.clone())).collect()
            }
            _ => Vec::new(),
        };
        // An operation's own parameter replaces the path's of the same name and place.
        let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
        let overridden: Vec<_> = own.iter().filter_map(|(_, p)| self.resolve(p).map(|(_, p)| key(p))).collect();
        let mut bodies: Vec<(String, Value)> = shared_bodies
            .iter()
            .filter(|(_, p)| self.resolve(p).is_none_or(|(_, p)| !overridden.contains(&key(p))))
            .cloned()
            .collect();
        let mut plain = Vec::new();
        for (original, parameter) in own {
            if self.is_body_like(&parameter) {
                bodies.push((original, parameter));
            } else {
                plain.push((original, parameter));
            }
        }
        let mut out = Map::new();
        for (key, value) in operation {
            match key.as_str() {
                "consumes" | "produces" => {}
                "schemes" => self.warn(
                    format!("{at}/schemes"),
                    "an operation's own `schemes` are not converted: the document's servers apply",
                ),
                "parameters" => {
                    let converted = self.plain_parameters(&format!("{at}/parameters"), &plain);
                    if !converted.is_empty() {
                        out.insert(key.clone(), Value::Array(converted));
                    }
                    if let Some(body) = self.request_body(&at, &bodies, &media) {
                        out.insert("requestBody".to_owned(), body);
                    }
                }
                "responses" => {
                    let responses = self.responses(&format!("{at}/responses"), value, &media);
                    out.insert(key.clone(), responses);
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if !operation.contains_key("parameters")
            && let Some(body) = self.request_body(&at, &bodies, &media)
        {
            out.insert("requestBody".to_owned(), body);
        }
        out
    }

    /// The operation's `in: body` parameter, or its `in: formData` ones, as a request body.
    fn request_body(&mut self, at: &str, bodies: &[(String, Value)], media: &Media) -> Option<Value> {
        let (mut body, mut form) = (None, Vec::new());
        for (original, parameter) in bodies {
            let Some((name, resolved)) = self.resolve(parameter) else { continue };
            let resolved = resolved.clone();
            if resolved.get("in") == Some(&json!("body")) {
                if body.is_some() {
                    self.error(original.clone(), "an operation has at most one `in: body` parameter");
                }
                body = Some((original.clone(), name, resolved));
            } else {
                form.push((original.clone(), resolved));
            }
        }
        if let Some((original, name, parameter)) = body {
            if !form.is_empty() {
                self.error(original.clone(), "an operation cannot have both `in: body` and `in: formData` parameters");
            }
            self.converted.origins.add(format!("{at}/requestBody"), original.clone());
            if let Some(name) = name {
                return Some(json!({ "$ref": format!("#/components/requestBodies/{name}") }));
            }
            return Some(self.body(&original, &parameter, media, &format!("{at}/requestBody")));
        }
        if form.is_empty() {
            return None;
        }
        Some(self.form(at, &form, media))
    }

    /// An `in: body` parameter as a request body, one media type per `consumes` entry.
    fn body(&mut self, original: &str, parameter: &Value, media: &Media, converted_at: &str) -> Value {
        let consumes = match &media.consumes {
            Some(list) if !list.is_empty() => list.clone(),
            _ => {
                self.warn(original.to_owned(), "no `consumes`: the body is assumed to be application/json");
                vec![JSON.to_owned()]
            }
        };
        let schema = match parameter.get("schema") {
            Some(schema) => convert_schema(schema.clone()),
            None => {
                self.error(original.to_owned(), "an `in: body` parameter needs a `schema`");
                json!({})
            }
        };
        let mut content = Map::new();
        for media_type in &consumes {
            let place = format!("{converted_at}/content/{}/schema", escape_segment(media_type));
            self.converted.origins.add(place, format!("{original}/schema"));
            content.insert(media_type.clone(), json!({ "schema": schema }));
        }
        let mut out = Map::new();
        if let Some(description) = parameter.get("description") {
            out.insert("description".to_owned(), description.clone());
        }
        out.insert("content".to_owned(), Value::Object(content));
        if parameter.get("required") == Some(&json!(true)) {
            out.insert("required".to_owned(), json!(true));
        }
        Value::Object(out)
    }

    /// `in: formData` parameters as one form body: multipart when `consumes` says so or a
    /// field is a file, else URL-encoded.
    fn form(&mut self, at: &str, fields: &[(String, Value)], media: &Media) -> Value {
        let consumes = media.consumes.clone().unwrap_or_default();
        let has_file = fields.iter().any(|(_, f)| f.get("type") == Some(&json!("file")));
        let media_type = if has_file || consumes.iter().any(|m| m.starts_with(MULTIPART)) {
            if has_file && !consumes.iter().any(|m| m.starts_with(MULTIPART)) {
                self.warn(
                    fields[0].0.clone(),
                    "a file field without `consumes: [multipart/form-data]`: sent as multipart/form-data",
                );
            }
            MULTIPART
        } else {
            if !consumes.iter().any(|m| m.starts_with(URLENCODED)) {
                self.warn(
                    fields[0].0.clone(),
                    "form fields without a form media type in `consumes`: sent as application/x-www-form-urlencoded",
                );
            }
            URLENCODED
        };
        let schema_at = format!("{at}/requestBody/content/{}/schema", escape_segment(media_type));
        let (mut properties, mut required, mut encoding) = (Map::new(), Vec::new(), Map::new());
        for (original, field) in fields {
            let Some(name) = field.get("name").and_then(Value::as_str).map(str::to_owned) else {
                self.error(format!("{original}/name"), "a parameter needs a `name`");
                continue;
            };
            self.converted.origins.add(format!("{schema_at}/properties/{}", escape_segment(&name)), original.clone());
            let value: Map<String, Value> = field
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| VALUE_KEYS.contains(&k.as_str()) || k.as_str() == "description")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let schema = self.value_schema(original, value);
            if let Some(format) = field.as_object().and_then(collection_format) {
                let (style, explode) = self.style(original, "formData", &format);
                encoding.insert(name.clone(), json!({ "style": style, "explode": explode }));
            } else if schema.get("type") == Some(&json!("array")) {
                // 2.0's default is csv here too: one field of the values joined by commas,
                // where 3.0's form style would repeat the field.
                encoding.insert(name.clone(), json!({ "style": "form", "explode": false }));
            }
            if field.get("required") == Some(&json!(true)) {
                required.push(json!(name));
            }
            properties.insert(name, Value::Object(schema));
        }
        let mut schema = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            schema["required"] = Value::Array(required.clone());
        }
        let mut content = json!({ "schema": schema });
        if !encoding.is_empty() {
            content["encoding"] = Value::Object(encoding);
        }
        let mut body = json!({ "content": { media_type: content } });
        if !required.is_empty() {
            body["required"] = json!(true);
        }
        body
    }

    fn responses(&mut self, at: &str, responses: &Value, media: &Media) -> Value {
        let Value::Object(responses) = responses else { return responses.clone() };
        let mut out = Map::new();
        for (status, response) in responses {
            let place = format!("{at}/{}", escape_segment(status));
            let converted = if status.starts_with("x-") || response.get("$ref").is_some() {
                response.clone()
            } else {
                self.response(&place, response, media)
            };
            out.insert(status.clone(), converted);
        }
        Value::Object(out)
    }

    /// A response: its `schema` under each `produces` media type, its headers' types under
    /// `schema`, its `examples` beside the schema of their media type.
    fn response(&mut self, at: &str, response: &Value, media: &Media) -> Value {
        let Value::Object(fields) = response else {
            self.error(at.to_owned(), "a response must be an object");
            return response.clone();
        };
        let mut out = Map::new();
        out.insert("description".to_owned(), fields.get("description").cloned().unwrap_or_else(|| json!("")));
        let examples = fields.get("examples").and_then(Value::as_object).cloned().unwrap_or_default();
        if let Some(schema) = fields.get("schema") {
            let produces = match &media.produces {
                Some(list) if !list.is_empty() => list.clone(),
                _ => {
                    self.warn(at.to_owned(), "no `produces`: the response is assumed to be application/json");
                    vec![JSON.to_owned()]
                }
            };
            let schema = convert_schema(schema.clone());
            let mut content = Map::new();
            for media_type in produces.iter().chain(examples.keys().filter(|k| !produces.contains(k))) {
                let place = format!("{at}/content/{}/schema", escape_segment(media_type));
                self.converted.origins.add(place, format!("{at}/schema"));
                let mut entry = json!({ "schema": schema });
                if let Some(example) = examples.get(media_type) {
                    entry["example"] = example.clone();
                }
                content.insert(media_type.clone(), entry);
            }
            out.insert("content".to_owned(), Value::Object(content));
        }
        if let Some(Value::Object(headers)) = fields.get("headers") {
            let mut converted = Map::new();
            for (name, header) in headers {
                let place = format!("{at}/headers/{}", escape_segment(name));
                self.converted.origins.add(format!("{place}/schema"), place.clone());
                converted.insert(name.clone(), self.header(&place, header));
            }
            out.insert("headers".to_owned(), Value::Object(converted));
        }
        for (key, value) in fields {
            if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    fn header(&mut self, at: &str, header: &Value) -> Value {
        let Value::Object(fields) = header else { return header.clone() };
        let (mut out, value) = split_value_keys(fields);
        if let Some(format) = collection_format(fields) {
            let _ = self.style(at, "header", &format);
        }
        out.insert("schema".to_owned(), Value::Object(self.value_schema(at, value)));
        Value::Object(out)
    }

    /// `definitions`, `parameters`, `responses` and `securityDefinitions` under `components`.
    fn components(&mut self, media: &Media) -> Map<String, Value> {
        let mut out = Map::new();
        if let Some(Value::Object(definitions)) = self.field("definitions").cloned() {
            self.converted.origins.add("#/components/schemas", "#/definitions");
            let schemas = definitions.into_iter().map(|(k, v)| (k, convert_schema(v))).collect();
            out.insert("schemas".to_owned(), Value::Object(schemas));
        }
        if let Some(Value::Object(parameters)) = self.field("parameters").cloned() {
            let (mut plain, mut bodies) = (Map::new(), Map::new());
            for (name, parameter) in parameters {
                let at = pointer(&["parameters", &name]);
                let escaped = escape_segment(&name);
                match parameter.get("in").and_then(Value::as_str) {
                    Some("body") => {
                        let converted_at = format!("#/components/requestBodies/{escaped}");
                        self.converted.origins.add(converted_at.clone(), at.clone());
                        bodies.insert(name, self.body(&at, &parameter, media, &converted_at));
                    }
                    // Form fields are copied into the bodies of the operations naming them.
                    Some("formData") => {}
                    _ => {
                        self.converted.origins.add(format!("#/components/parameters/{escaped}"), at.clone());
                        self.converted.origins.add(format!("#/components/parameters/{escaped}/schema"), at.clone());
                        if let Some(converted) = self.parameter(&at, &parameter) {
                            plain.insert(name, converted);
                        }
                    }
                }
            }
            if !plain.is_empty() {
                out.insert("parameters".to_owned(), Value::Object(plain));
            }
            if !bodies.is_empty() {
                out.insert("requestBodies".to_owned(), Value::Object(bodies));
            }
        }
        if let Some(Value::Object(responses)) = self.field("responses").cloned() {
            self.converted.origins.add("#/components/responses", "#/responses");
            let converted = self.responses("#/responses", &Value::Object(responses), media);
            let converted = retarget(converted, "#/responses", "#/components/responses", &mut self.converted.origins);
            out.insert("responses".to_owned(), converted);
        }
        if let Some(Value::Object(schemes)) = self.field("securityDefinitions").cloned() {
            self.converted.origins.add("#/components/securitySchemes", "#/securityDefinitions");
            let mut converted = Map::new();
            for (name, scheme) in schemes {
                let at = pointer(&["securityDefinitions", &name]);
                if let Some(scheme) = self.security_scheme(&at, &scheme) {
                    converted.insert(name, scheme);
                }
            }
            out.insert("securitySchemes".to_owned(), Value::Object(converted));
        }
        out
    }

    /// A security definition as a 3.0 security scheme.
    fn security_scheme(&mut self, at: &str, scheme: &Value) -> Option<Value> {
        let Value::Object(fields) = scheme else {
            self.error(at.to_owned(), "a security definition must be an object");
            return None;
        };
        let mut out = Map::new();
        match fields.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".to_owned(), json!("http"));
                out.insert("scheme".to_owned(), json!("basic"));
            }
            Some("apiKey") => {
                out.insert("type".to_owned(), json!("apiKey"));
                for key in ["name", "in"] {
                    if let Some(value) = fields.get(key) {
                        out.insert(key.to_owned(), value.clone());
                    }
                }
            }
            Some("oauth2") => {
                out.insert("type".to_owned(), json!("oauth2"));
                let flow = fields.get("flow").and_then(Value::as_str).unwrap_or_default();
                let (name, urls): (&str, &[&str]) = match flow {
                    "implicit" => ("implicit", &["authorizationUrl"]),
                    "password" => ("password", &["tokenUrl"]),
                    "application" => ("clientCredentials", &["tokenUrl"]),
                    "accessCode" => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                    _ => {
                        self.error(
                            format!("{at}/flow"),
                            "`flow` must be implicit, password, application or accessCode",
                        );
                        return None;
                    }
                };
                let mut converted = Map::new();
                for url in urls {
                    converted.insert((*url).to_owned(), fields.get(*url).cloned().unwrap_or_else(|| json!("")));
                }
                converted.insert("scopes".to_owned(), fields.get("scopes").cloned().unwrap_or_else(|| json!({})));
                out.insert("flows".to_owned(), json!({ name: converted }));
            }
            _ => {
                self.error(format!("{at}/type"), "`type` must be basic, apiKey or oauth2");
                return None;
            }
        }
        for (key, value) in fields {
            if key == "description" || key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Some(Value::Object(out))
    }
}

/// A parameter's `collectionFormat`, when it is an array's.
fn collection_format(fields: &Map<String, Value>) -> Option<String> {
    fields.get("collectionFormat").and_then(Value::as_str).map(str::to_owned)
}

/// The origins recorded under `from` (for converted responses, read at their 2.0 places)
/// recorded again under `to`, where they now sit.
fn retarget(value: Value, from: &str, to: &str, origins: &mut Origins) -> Value {
    let moved: Vec<(String, String)> = origins
        .moves
        .iter()
        .filter_map(|(c, o)| {
            c.strip_prefix(from).filter(|r| r.starts_with('/')).map(|r| (format!("{to}{r}"), o.clone()))
        })
        .collect();
    origins.moves.extend(moved);
    value
}

/// A 2.0 schema in 3.0 form: `x-nullable` → `nullable`, a `discriminator` name →
/// `{propertyName}`, `type: file` → binary text; nested schemas in turn.
fn convert_schema(schema: Value) -> Value {
    let Value::Object(mut fields) = schema else { return schema };
    if let Some(nullable) = fields.remove("x-nullable") {
        fields.insert("nullable".to_owned(), nullable);
    }
    if let Some(Value::String(name)) = fields.get("discriminator").cloned() {
        fields.insert("discriminator".to_owned(), json!({ "propertyName": name }));
    }
    if fields.get("type") == Some(&json!("file")) {
        fields.insert("type".to_owned(), json!("string"));
        fields.insert("format".to_owned(), json!("binary"));
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner) = fields.remove(key) {
            fields.insert(key.to_owned(), convert_schema(inner));
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = fields.get_mut(key) {
            for item in list.iter_mut() {
                *item = convert_schema(item.take());
            }
        }
    }
    if let Some(Value::Object(properties)) = fields.get_mut("properties") {
        for value in properties.values_mut() {
            *value = convert_schema(value.take());
        }
    }
    Value::Object(fields)
}

/// Maps whose keys are names (of properties, statuses, media types...), never keywords: a
/// child named `default` or `example` there is no data.
const NAMED_MAPS: &[&str] = &[
    "properties",
    "responses",
    "paths",
    "headers",
    "content",
    "encoding",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
];

/// Every `$ref` into 2.0's places made to point at 3.0's; data (examples, defaults, enums)
/// is left as written. `named` says `value` is a map of names.
fn rewrite_refs(value: &mut Value, body_parameters: &[String], named: bool) {
    match value {
        Value::Object(map) => {
            if let (false, Some(Value::String(reference))) = (named, map.get_mut("$ref")) {
                *reference = moved_reference(reference, body_parameters);
            }
            for (key, child) in map.iter_mut() {
                let data = matches!(key.as_str(), "example" | "examples" | "default" | "enum" | "x-example");
                if named || !data {
                    rewrite_refs(child, body_parameters, !named && NAMED_MAPS.contains(&key.as_str()));
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, body_parameters, false)),
        _ => {}
    }
}

fn moved_reference(reference: &str, body_parameters: &[String]) -> String {
    if let Some(name) = reference.strip_prefix("#/definitions/") {
        format!("#/components/schemas/{name}")
    } else if let Some(name) = reference.strip_prefix("#/responses/") {
        format!("#/components/responses/{name}")
    } else if let Some(name) = reference.strip_prefix("#/parameters/") {
        let body = body_parameters.iter().any(|b| escape_segment(b) == name || b == name);
        format!("#/components/{}/{name}", if body { "requestBodies" } else { "parameters" })
    } else {
        reference.to_owned()
    }
}

/// A 2.0 parameter's or header's keys split in two: those of its value ([`VALUE_KEYS`], which
/// go under 3.0's `schema`) and the rest, `collectionFormat` left out (it becomes a style).
fn split_value_keys(fields: &Map<String, Value>) -> (Map<String, Value>, Map<String, Value>) {
    let mut out = Map::new();
    let mut value = Map::new();
    for (key, item) in fields {
        if VALUE_KEYS.contains(&key.as_str()) {
            value.insert(key.clone(), item.clone());
        } else if key != "collectionFormat" {
            out.insert(key.clone(), item.clone());
        }
    }
    (out, value)
}
#[cfg(test)]
mod tests;
