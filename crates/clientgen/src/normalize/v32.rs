//! OpenAPI 3.2 read into the shapes the later stages know, or named with a warning where it is
//! ignored: sequential media types' `itemSchema` (an event stream's data type, a JSON Lines
//! item type), the `query` method and `additionalOperations` (moved to [`OPERATIONS`] on their
//! path item, which openapiv3 cannot read), `in: querystring` parameters, components'
//! `mediaTypes` (inlined), examples' `dataValue`, and responses' `summary`. The rest of what
//! 3.2 adds that the client has no use for (tags' `parent` and `kind`, `defaultMapping`,
//! OAuth2's device flow and metadata URL, a scheme's `deprecated`, `style: cookie`) is a warning
//! at its pointer. Servers' `name` is read by `fix_servers`, `$self` by bundling.

use serde_json::{Map, Value};

use super::Findings;
use crate::diag::{Diagnostic, escape_segment};

/// The path item extension the operations of methods other than the fixed eight move to: a
/// list of entries, each with `method` (as it is sent: `QUERY`, `COPY`), `pointer` (where it
/// was written) and `operation`.
pub const OPERATIONS: &str = "x-clientgen-operations";

/// The extension marking a query parameter that was `in: querystring`: its value is the whole
/// query string.
pub const QUERYSTRING: &str = "x-clientgen-querystring";

/// The extension marking a media type whose `schema` was its `itemSchema`: the type of each
/// item of a JSON Lines body.
pub const ITEM_SCHEMA: &str = "x-clientgen-item-schema";

/// Whether a media type is a sequence of JSON values, one a line (JSON Lines, NDJSON, RFC
/// 7464's JSON text sequences).
pub fn is_json_lines(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "application/jsonl"
            | "application/x-jsonl"
            | "application/jsonlines"
            | "application/x-jsonlines"
            | "application/x-ndjson"
            | "application/ndjson"
            | "application/json-seq"
    )
}

/// Whether a media type is `text/event-stream`.
fn is_event_stream(media_type: &str) -> bool {
    media_type.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("text/event-stream")
}

/// Reads what 3.2 adds, before the rest of normalizing: every place but the operations, which
/// [`move_operations`] moves last (so that the other repairs see a `query` operation as any).
pub(super) fn read(doc: &mut Value, findings: &mut Findings) {
    let Some(root) = doc.as_object_mut() else { return };
    root.remove("$self");
    let media_types = match root.get_mut("components").and_then(Value::as_object_mut) {
        Some(components) => components.remove("mediaTypes"),
        None => None,
    };
    if let Some(Value::Array(tags)) = root.get_mut("tags") {
        for (i, tag) in tags.iter_mut().enumerate().filter_map(|(i, t)| Some((i, t.as_object_mut()?))) {
            for key in ["parent", "kind", "summary"] {
                if tag.remove(key).is_some() {
                    let message = format!("a tag's `{key}` (OpenAPI 3.2) is ignored");
                    findings.warnings.push(Diagnostic::at(format!("#/tags/{i}/{key}"), message));
                }
            }
        }
    }
    if let Some(Value::Object(schemes)) = doc.pointer_mut("/components/securitySchemes") {
        for (name, scheme) in schemes.iter_mut().filter_map(|(n, s)| Some((n, s.as_object_mut()?))) {
            let at = format!("#/components/securitySchemes/{}", escape_segment(name));
            if scheme.remove("deprecated").is_some() {
                let message = "a security scheme's `deprecated` (OpenAPI 3.2) is ignored; the scheme is offered";
                findings.warnings.push(Diagnostic::at(format!("{at}/deprecated"), message));
            }
            if scheme.remove("oauth2MetadataUrl").is_some() {
                let message = "`oauth2MetadataUrl` (OpenAPI 3.2) is ignored: the client takes a token, it fetches none";
                findings.warnings.push(Diagnostic::at(format!("{at}/oauth2MetadataUrl"), message));
            }
            if let Some(Value::Object(flows)) = scheme.get_mut("flows") {
                if flows.remove("deviceAuthorization").is_some() {
                    let message =
                        "the OAuth2 device authorization flow (OpenAPI 3.2) is ignored: the client takes a token";
                    findings.warnings.push(Diagnostic::at(format!("{at}/flows/deviceAuthorization"), message));
                }
            }
        }
    }
    let mut sequential = Vec::new();
    walk(doc, "#", media_types.as_ref(), &mut sequential, findings);
    discriminators(doc, "#", findings);
    for pointer in sequential {
        item_schema(doc, &pointer, findings);
    }
}

/// Reads the 3.2 shapes under `value` (at `pointer`): parameters, responses, examples,
/// discriminators and media types (the pointers of those with an `itemSchema` are pushed to
/// `sequential`). Examples and defaults are data and are not entered.
fn walk(value: &mut Value, pointer: &str, media_types: Option<&Value>, sequential: &mut Vec<String>, f: &mut Findings) {
    match value {
        Value::Object(map) => {
            parameter(map, pointer, f);
            for (key, child) in map.iter_mut() {
                let at = format!("{pointer}/{}", escape_segment(key));
                match (key.as_str(), child) {
                    // Schemas are read by `discriminators`; data is not read.
                    ("schema" | "itemSchema" | "example" | "default", _) => {}
                    ("schemas", _) if pointer == "#/components" => {}
                    ("examples", Value::Object(examples)) => {
                        for (name, example) in examples.iter_mut() {
                            self::example(example, &format!("{at}/{}", escape_segment(name)), f);
                        }
                    }
                    ("content", Value::Object(content)) => {
                        for (media, object) in content.iter_mut() {
                            let media_at = format!("{at}/{}", escape_segment(media));
                            media_type(media, object, &media_at, media_types, sequential, f);
                            walk(object, &media_at, media_types, sequential, f);
                        }
                    }
                    ("responses", Value::Object(responses)) => {
                        for (status, response) in responses.iter_mut() {
                            let response_at = format!("{at}/{}", escape_segment(status));
                            summary(response, &response_at, f);
                            walk(response, &response_at, media_types, sequential, f);
                        }
                    }
                    (_, child) => walk(child, &at, media_types, sequential, f),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                walk(child, &format!("{pointer}/{i}"), media_types, sequential, f);
            }
        }
        _ => {}
    }
}

/// Every `discriminator`'s `defaultMapping` under `value`, named as ignored (anywhere: it is
/// found only in schemas).
fn discriminators(value: &mut Value, pointer: &str, f: &mut Findings) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(discriminator)) = map.get_mut("discriminator") {
                if discriminator.remove("defaultMapping").is_some() {
                    let message = "`defaultMapping` (OpenAPI 3.2) is ignored: a value no mapping names is kept as the union's `Other`";
                    f.warnings.push(Diagnostic::at(format!("{pointer}/discriminator/defaultMapping"), message));
                }
            }
            for (key, child) in
                map.iter_mut().filter(|(key, _)| !matches!(key.as_str(), "example" | "default" | "enum" | "const"))
            {
                discriminators(child, &format!("{pointer}/{}", escape_segment(key)), f);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                discriminators(child, &format!("{pointer}/{i}"), f);
            }
        }
        _ => {}
    }
}

/// A parameter `in: querystring` becomes a query parameter marked [`QUERYSTRING`]; a cookie
/// parameter's `style: cookie` is written in form style, with a warning.
fn parameter(map: &mut Map<String, Value>, pointer: &str, f: &mut Findings) {
    if !map.contains_key("name") {
        return;
    }
    match map.get("in").and_then(Value::as_str) {
        Some("querystring") => {
            map.insert("in".to_owned(), Value::String("query".to_owned()));
            map.insert(QUERYSTRING.to_owned(), Value::Bool(true));
            for key in ["style", "explode", "allowReserved"] {
                map.remove(key);
            }
        }
        Some("cookie") if map.get("style").and_then(Value::as_str) == Some("cookie") => {
            map.remove("style");
            let message = "`style: cookie` (OpenAPI 3.2) is written in form style: the value percent-encoded";
            f.warnings.push(Diagnostic::at(format!("{pointer}/style"), message));
        }
        _ => {}
    }
}

/// An Example Object's `dataValue` is its `value`; a `serializedValue` alone is ignored.
fn example(example: &mut Value, pointer: &str, f: &mut Findings) {
    let Value::Object(example) = example else { return };
    if let Some(data) = example.remove("dataValue") {
        example.entry("value").or_insert(data);
    }
    if example.remove("serializedValue").is_some() && !example.contains_key("value") {
        let message = "an example's `serializedValue` (OpenAPI 3.2) is ignored: the docs show data values";
        f.warnings.push(Diagnostic::at(format!("{pointer}/serializedValue"), message));
    }
}

/// A response's `summary` is its description when it has none, and is ignored beside one.
fn summary(response: &mut Value, pointer: &str, f: &mut Findings) {
    let Value::Object(response) = response else { return };
    let Some(summary) = response.remove("summary") else { return };
    if response.contains_key("description") || response.contains_key("$ref") {
        let message = "a response's `summary` (OpenAPI 3.2) is ignored beside its description";
        f.warnings.push(Diagnostic::at(format!("{pointer}/summary"), message));
    } else {
        response.insert("description".to_owned(), summary);
    }
}

/// One media type: a `$ref` into `components/mediaTypes` is replaced by a copy of its target,
/// the pointer of one with an `itemSchema` is pushed to `sequential`, and the encodings of
/// sequential multipart bodies are named as ignored.
fn media_type(
    media: &str,
    object: &mut Value,
    pointer: &str,
    media_types: Option<&Value>,
    sequential: &mut Vec<String>,
    f: &mut Findings,
) {
    let reference = object.get("$ref").and_then(Value::as_str).map(str::to_owned);
    if let Some(reference) = reference {
        let target = reference
            .strip_prefix("#/components/mediaTypes/")
            .and_then(|name| media_types?.get(crate::diag::unescape_segment(name)));
        match target {
            Some(target) => *object = target.clone(),
            None if reference.starts_with("#/components/mediaTypes/") => {
                f.errors
                    .push(Diagnostic::at(format!("{pointer}/$ref"), format!("$ref {reference:?} points at nothing")));
            }
            None => {}
        }
    }
    let Value::Object(map) = object else { return };
    for key in ["itemEncoding", "prefixEncoding"] {
        if map.remove(key).is_some() {
            let message = format!("`{key}` (OpenAPI 3.2) is ignored: sequential multipart bodies are not sent");
            f.warnings.push(Diagnostic::at(format!("{pointer}/{key}"), message));
        }
    }
    if map.contains_key("itemSchema") {
        if is_event_stream(media) || is_json_lines(media) {
            sequential.push(pointer.to_owned());
        } else {
            map.remove("itemSchema");
            let message = format!("`itemSchema` is read for event streams and JSON Lines; on {media} it is ignored");
            f.warnings.push(Diagnostic::at(format!("{pointer}/itemSchema"), message));
        }
    }
}

/// The media type at `pointer` gets its `itemSchema` as its `schema`: for an event stream, the
/// type of each event's data (the item's `data` property: its `contentSchema` when it declares
/// one, else itself; an item without `data` types the data); for JSON Lines, each line's type,
/// marked [`ITEM_SCHEMA`].
fn item_schema(doc: &mut Value, pointer: &str, f: &mut Findings) {
    let media = pointer.rsplit('/').next().map(crate::diag::unescape_segment).unwrap_or_default();
    let Some(item) = doc.pointer(&pointer[1..]).and_then(|m| m.get("itemSchema")).cloned() else { return };
    let schema = if is_event_stream(&media) { event_data(doc, &item, pointer, f) } else { item };
    let Some(Value::Object(object)) = doc.pointer_mut(&pointer[1..]) else { return };
    object.remove("itemSchema");
    if object.insert("schema".to_owned(), schema).is_some() {
        let message = "`schema` is ignored beside `itemSchema`, which types each item of the stream";
        f.warnings.push(Diagnostic::at(format!("{pointer}/schema"), message));
    }
    if is_json_lines(&media) {
        object.insert(ITEM_SCHEMA.to_owned(), Value::Bool(true));
    }
}

/// The schema of an event's data, given the item schema of an event stream (a local `$ref` to
/// a component followed once).
fn event_data(doc: &Value, item: &Value, pointer: &str, f: &mut Findings) -> Value {
    let resolved = match item.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference.strip_prefix('#').and_then(|target| doc.pointer(target)).unwrap_or(item),
        None => item,
    };
    let Some(data) = resolved.get("properties").and_then(|p| p.get("data")) else { return item.clone() };
    if let Some(schema) = data.get("contentSchema") {
        return schema.clone();
    }
    let json = data
        .get("contentMediaType")
        .and_then(Value::as_str)
        .is_some_and(|m| crate::lower::encoding(m) == crate::model::Encoding::Json);
    if json {
        let message = "the events' data is JSON with no `contentSchema`: it is read as any JSON value";
        f.warnings.push(Diagnostic::at(format!("{pointer}/itemSchema"), message));
        return Value::Object(Map::new());
    }
    data.clone()
}

/// Moves each path item's `query` operation and `additionalOperations` to [`OPERATIONS`].
/// Methods must be HTTP tokens (RFC 9110); one that is not, or that names one of the fixed
/// methods, is an error at its key.
pub(super) fn move_operations(doc: &mut Value, findings: &mut Findings) {
    // A webhook or callback is decoded by its operations of the fixed methods only.
    if let Some(Value::Array(received)) = doc.get_mut(super::WEBHOOKS) {
        for entry in received.iter_mut() {
            let at = entry.get("pointer").and_then(Value::as_str).unwrap_or("#").to_owned();
            let Some(Value::Object(item)) = entry.get_mut("item") else { continue };
            for key in ["query", "additionalOperations"] {
                if item.remove(key).is_some() {
                    let message =
                        format!("`{key}` of a webhook or callback is ignored: no decode function is made for it");
                    findings.warnings.push(Diagnostic::at(format!("{at}/{key}"), message));
                }
            }
        }
    }
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        let at = format!("#/paths/{}", escape_segment(path));
        let mut moved = Vec::new();
        if let Some(operation) = item.remove("query") {
            moved.push(entry("QUERY", format!("{at}/query"), operation));
        }
        if let Some(additional) = item.remove("additionalOperations") {
            let Value::Object(additional) = additional else {
                findings
                    .warnings
                    .push(Diagnostic::at(format!("{at}/additionalOperations"), "not a map of operations; ignored"));
                continue;
            };
            for (method, mut operation) in additional {
                let place = format!("{at}/additionalOperations/{}", escape_segment(&method));
                let token = !method.is_empty()
                    && method.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                if !token || super::is_method(&method.to_ascii_lowercase()) {
                    let message =
                        format!("{method:?} is no method name of its own (an HTTP token other than the fixed methods)");
                    findings.errors.push(Diagnostic::at(place, message));
                    continue;
                }
                if let Value::Object(operation) = &mut operation {
                    operation.entry("responses").or_insert_with(|| Value::Object(Map::new()));
                }
                moved.push(entry(&method, place, operation));
            }
        }
        if !moved.is_empty() {
            item.insert(OPERATIONS.to_owned(), Value::Array(moved));
        }
    }
}

/// One entry of [`OPERATIONS`].
fn entry(method: &str, pointer: String, operation: Value) -> Value {
    serde_json::json!({ "method": method, "pointer": pointer, "operation": operation })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Findings, rewrite};
    use super::*;

    fn rewritten(mut doc: Value) -> (Value, Findings) {
        let findings = rewrite(&mut doc);
        (doc, findings)
    }

    #[test]
    fn other_methods_move_to_the_path_item_s_extension() {
        let (doc, findings) = rewritten(json!({"openapi": "3.2.0", "info": {"title": "t", "version": "1"}, "paths": {
            "/a": {
                "query": {"operationId": "q"},
                "additionalOperations": {"COPY": {"operationId": "c"}, "get": {}, "BAD NAME": {}}
            }
        }}));
        let item = &doc["paths"]["/a"];
        assert!(item.get("query").is_none() && item.get("additionalOperations").is_none());
        assert_eq!(
            item[OPERATIONS],
            json!([
                {"method": "QUERY", "pointer": "#/paths/~1a/query", "operation": {"operationId": "q", "responses": {}}},
                {"method": "COPY", "pointer": "#/paths/~1a/additionalOperations/COPY", "operation": {"operationId": "c", "responses": {}}}
            ])
        );
        let errors: Vec<String> = findings.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("#/paths/~1a/additionalOperations/get: \"get\" is no method name"), "{errors:?}");
    }

    #[test]
    fn querystring_item_schemas_media_types_and_examples_are_read() {
        let (doc, findings) = rewritten(json!({"openapi": "3.2.0", "info": {"title": "t", "version": "1"},
            "components": {"mediaTypes": {"Lines": {"itemSchema": {"type": "string"}}}},
            "paths": {"/a": {"get": {
                "parameters": [{"name": "q", "in": "querystring", "style": "form",
                    "content": {"application/json": {"schema": {"type": "object"}, "examples": {"x": {"dataValue": 1}}}}}],
                "responses": {"200": {"summary": "Lines", "content": {
                    "application/x-ndjson": {"$ref": "#/components/mediaTypes/Lines"},
                    "text/event-stream": {"itemSchema": {"properties": {"data": {"type": "string"}}}},
                    "image/png": {"itemSchema": {}}
                }}}
            }}}
        }));
        let op = &doc["paths"]["/a"]["get"];
        let parameter = &op["parameters"][0];
        assert_eq!(
            (&parameter["in"], &parameter[QUERYSTRING], parameter.get("style")),
            (&json!("query"), &json!(true), None)
        );
        assert_eq!(parameter["content"]["application/json"]["examples"]["x"], json!({"value": 1}));
        let response = &op["responses"]["200"];
        assert_eq!(response["description"], json!("Lines"));
        assert_eq!(
            response["content"]["application/x-ndjson"],
            json!({"schema": {"type": "string"}, ITEM_SCHEMA: true})
        );
        assert_eq!(response["content"]["text/event-stream"], json!({"schema": {"type": "string"}}));
        assert_eq!(response["content"]["image/png"], json!({}));
        let warnings: Vec<String> = findings.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "#/paths/~1a/get/responses/200/content/image~1png/itemSchema: `itemSchema` is read for event streams and JSON Lines; on image/png it is ignored"
            ]
        );
    }
}
