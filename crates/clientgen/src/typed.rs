//! Typed stage: the normalized JSON tree to the typed openapiv3 document, with shape errors
//! that point into the spec and say what is wrong in its terms.

use serde_json::Value;

use crate::diag::{Diagnostic, Error, escape_segment, unescape_segment};
use crate::tree;

/// The stack of the thread that deserialises the tree. openapiv3's untagged enums take tens of
/// KiB of stack per level of nesting in unoptimised builds: a tree [`tree::MAX_DEPTH`] deep needs more
/// than the 2 MiB a spawned (or test) thread gets.
const DESERIALIZE_STACK: usize = 32 << 20;

/// Checks the version and deserialises the tree into an [`openapiv3::OpenAPI`], on a thread
/// with a stack of `DESERIALIZE_STACK` bytes (32 MiB).
pub fn to_openapi(value: Value, source_name: &str) -> Result<openapiv3::OpenAPI, Error> {
    tree::check_openapi3(&value, source_name)?;
    let internal =
        |message: &str| Error::single(source_name, Diagnostic::document(format!("internal error: {message}")));
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(DESERIALIZE_STACK)
            .spawn_scoped(scope, || deserialize(&value, source_name))
            .map_err(|e| internal(&format!("cannot start a thread: {e}")))?;
        worker.join().unwrap_or_else(|_| Err(internal("reading the document panicked")))
    })
}

/// A shape error as serde reports it: a place and serde's message.
struct ShapeError {
    /// A JSON pointer (`#/paths/~1a/get`), or, for a value read on its own, the pointer
    /// suffix below that value (`/schema/type`; empty for the value itself).
    at: String,
    /// serde's words.
    message: String,
}

fn deserialize(value: &Value, source_name: &str) -> Result<openapiv3::OpenAPI, Error> {
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(value) {
        Ok(doc) => Ok(doc),
        Err(e) => {
            let found = ShapeError { at: path_to_pointer(e.path()), message: e.into_inner().to_string() };
            let ShapeError { at, message } = refine(value, found);
            let message = in_spec_terms(value, &at, &message);
            Err(Error::single(source_name, Diagnostic::at(at, message)))
        }
    }
}

/// Narrows a shape error down to the deepest place it can be pinned on.
///
/// openapiv3 wraps most objects in untagged enums (`ReferenceOr<T>`), and an untagged enum
/// reports only "did not match any variant" at its own position. When the error sits at such a
/// position, the value there is deserialised again as the type that belongs there, which
/// names the field inside it; this repeats until the pointer stops moving. When serde cannot
/// name the field (flattened and internally tagged types lose the path), the field is found
/// by leaving each out in turn: the one whose absence lets the object through is the culprit.
fn refine(root: &Value, found: ShapeError) -> ShapeError {
    let ShapeError { at: mut pointer, mut message } = found;
    for _ in 0..64 {
        let Some(value) = root.pointer(pointer.trim_start_matches('#')) else { break };
        if value.get("$ref").is_some() {
            break;
        }
        let expected = expected_at(&pointer);
        let deeper = match &expected {
            Some(Expected::MapOf(child)) => first_failing_child(value, child),
            Some(other) => deeper_error_as(value, other),
            None => None,
        };
        match (deeper, expected) {
            (Some(deeper), _) if !deeper.at.is_empty() => {
                pointer.push_str(&deeper.at);
                message = deeper.message;
            }
            (Some(deeper), Some(expected)) => {
                message = deeper.message;
                match culprit(value, &pointer, &expected, &message) {
                    Some(key) => {
                        pointer.push('/');
                        pointer.push_str(&escape_segment(&key));
                    }
                    None => break,
                }
            }
            _ => break,
        }
    }
    ShapeError { at: pointer, message }
}

/// The key of an object at `pointer` failing with `message` as `expected`: one whose value
/// fails as what belongs there (a parameter's `schema`), or without which the object would
/// pass; or else a required key (its absence is the only complaint left) whose value is the
/// one `message` names (of the wrong type, or not one of the words allowed).
fn culprit(value: &Value, pointer: &str, expected: &Expected, message: &str) -> Option<String> {
    let map = value.as_object()?;
    let failing_child = map.iter().find(|(key, item)| {
        let child = match expected_at(&format!("{pointer}/{}", escape_segment(key))) {
            Some(Expected::MapOf(child)) => return first_failing_child(item, &child).is_some(),
            Some(child) => child,
            None => return false,
        };
        item.get("$ref").is_none() && deeper_error_as(item, &child).is_some()
    });
    let without = |key: &str| {
        let mut without = map.clone();
        without.remove(key);
        deeper_error_as(&Value::Object(without), expected)
    };
    let passes = || map.keys().find(|key| without(key).is_none());
    let wrong_type = || {
        map.iter()
            .find(|(key, item)| {
                let named = match item {
                    Value::String(text) => message.starts_with(&format!("unknown variant `{text}`,")),
                    _ => false,
                };
                let shown = unexpected(item);
                (named
                    || [format!("invalid type: {shown},"), format!("invalid value: {shown},")]
                        .iter()
                        .any(|p| message.starts_with(p)))
                    && without(key).is_some_and(|e| e.message == format!("missing field `{key}`"))
            })
            .map(|(key, _)| key)
    };
    failing_child.map(|(key, _)| key).or_else(passes).or_else(wrong_type).cloned()
}

/// How serde names a JSON value it did not expect (`string "x"`, ``integer `5` ``).
fn unexpected(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(text) => format!("string {text:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    }
}

/// A serde message about the value at `pointer`, said in the spec's terms: what the field is
/// and what it must be, as OpenAPI words it.
fn in_spec_terms(root: &Value, pointer: &str, message: &str) -> String {
    let segments: Vec<&str> = pointer.split('/').collect();
    let last = unescape_segment(segments.last().copied().unwrap_or(""));
    let parent = root.pointer(pointer.rsplit_once('/').map_or("", |(parent, _)| parent).trim_start_matches('#'));
    let field = if parent.is_none_or(Value::is_array) { "the value".to_owned() } else { format!("`{last}`") };
    if let Some(missing) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
        let what = match expected_at(pointer) {
            Some(Expected::Parameter) => "a parameter",
            Some(Expected::Response) => "a response",
            Some(Expected::RequestBody) => "a request body",
            Some(Expected::SecurityScheme) => "a security scheme",
            Some(Expected::PathItem) => "a path item",
            Some(Expected::Schema) => "a schema",
            _ => "this object",
        };
        return format!("`{missing}` is missing; {what} needs one");
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (found, allowed) = rest.split_once("`, expected ").unwrap_or((rest, ""));
        let allowed = allowed.trim_start_matches("one of ").replace('`', "").replace(" or ", ", ");
        let context = match (last.as_str(), parent.and_then(|p| p.get("in")).and_then(Value::as_str)) {
            ("style", Some(location)) => format!(" for a {location} parameter"),
            _ => String::new(),
        };
        if last == "in" && found == "body" && allowed.contains("path") {
            return "`in: body` is Swagger 2.0; in OpenAPI 3 the body is the operation's `requestBody`".to_owned();
        }
        return format!("{field} is {found:?}, which is not one of {allowed}{context}");
    }
    let invalid = message.strip_prefix("invalid type: ").or_else(|| message.strip_prefix("invalid value: "));
    if let Some((found, expected)) = invalid.and_then(|m| m.split_once(", expected ")) {
        let found = match found.split_once(' ') {
            Some((_, shown)) if found.starts_with("string ") => shown.to_owned(),
            Some((_, shown)) => shown.trim_matches('`').to_owned(),
            None if found == "map" => "an object".to_owned(),
            None if found == "sequence" => "a list".to_owned(),
            None => found.to_owned(),
        };
        let expected = match expected {
            "a boolean" => "true or false",
            "a string" | "a borrowed string" => "text",
            "a sequence" => "a list",
            "a map" => "an object",
            "usize" | "u64" | "u32" | "u16" | "u8" => "a whole number, 0 or more",
            "i64" | "i32" => "a whole number",
            "f64" | "f32" => "a number",
            other if other.starts_with("struct ") || other.starts_with("internally tagged enum") => "an object",
            other => other,
        };
        return format!("{field} must be {expected}, found {found}");
    }
    message.to_owned()
}

/// The first entry of a map (extensions aside) that fails as `child`, with its error (at a
/// pointer suffix below the map).
fn first_failing_child(value: &Value, child: &Expected) -> Option<ShapeError> {
    let map = value.as_object()?;
    map.iter().filter(|(key, _)| !key.starts_with("x-")).find_map(|(key, item)| {
        if item.get("$ref").is_some() {
            return None;
        }
        let ShapeError { at, message } = deeper_error_as(item, child)?;
        Some(ShapeError { at: format!("/{}{at}", escape_segment(key)), message })
    })
}

fn deeper_error_as(value: &Value, expected: &Expected) -> Option<ShapeError> {
    match expected {
        Expected::PathItem => deeper_error::<openapiv3::PathItem>(value),
        Expected::Schema => deeper_error::<openapiv3::Schema>(value),
        Expected::Response => deeper_error::<openapiv3::Response>(value),
        Expected::Parameter => deeper_error::<openapiv3::Parameter>(value),
        Expected::RequestBody => deeper_error::<openapiv3::RequestBody>(value),
        Expected::SecurityScheme => deeper_error::<openapiv3::SecurityScheme>(value),
        Expected::MapOf(_) => None,
    }
}

/// The openapiv3 types that sit behind an untagged `ReferenceOr`.
enum Expected {
    PathItem,
    Schema,
    Response,
    Parameter,
    RequestBody,
    SecurityScheme,
    /// A map whose entries are each the boxed kind (flattened maps hide the failing key).
    MapOf(Box<Expected>),
}

/// What belongs at `pointer`, judged from its last segments.
fn expected_at(pointer: &str) -> Option<Expected> {
    let segments: Vec<&str> = pointer.split('/').collect();
    let last = *segments.last()?;
    let parent = segments.len().checked_sub(2).and_then(|i| segments.get(i)).copied().unwrap_or("");
    let grandparent = segments.len().checked_sub(3).and_then(|i| segments.get(i)).copied().unwrap_or("");
    Some(match (grandparent, parent, last) {
        (_, "#", "paths") => Expected::MapOf(Box::new(Expected::PathItem)),
        ("#", "components", "schemas") => Expected::MapOf(Box::new(Expected::Schema)),
        ("#", "components", "responses") => Expected::MapOf(Box::new(Expected::Response)),
        ("#", "components", "parameters") => Expected::MapOf(Box::new(Expected::Parameter)),
        ("#", "components", "securitySchemes") => Expected::MapOf(Box::new(Expected::SecurityScheme)),
        (_, _, "responses") => Expected::MapOf(Box::new(Expected::Response)),
        (_, _, "properties") => Expected::MapOf(Box::new(Expected::Schema)),
        ("#", "paths", _) => Expected::PathItem,
        ("components", "schemas", _) | (_, "properties", _) | (_, "allOf" | "oneOf" | "anyOf", _) => Expected::Schema,
        (_, _, "schema" | "items" | "additionalProperties" | "not") => Expected::Schema,
        (_, "responses", _) => Expected::Response,
        (_, "parameters", _) => Expected::Parameter,
        (_, _, "requestBody") | ("components", "requestBodies", _) => Expected::RequestBody,
        ("components", "securitySchemes", _) => Expected::SecurityScheme,
        _ => return None,
    })
}

/// Deserialises `value` as `T`; on failure, the error at a pointer suffix below `value`.
fn deeper_error<T: serde::de::DeserializeOwned>(value: &Value) -> Option<ShapeError> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => None,
        Err(e) => {
            let at = path_to_pointer(e.path()).trim_start_matches('#').to_owned();
            Some(ShapeError { at, message: e.into_inner().to_string() })
        }
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for segment in path.iter() {
        let part = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => escape_segment(key),
            Segment::Enum { variant } => escape_segment(variant),
            Segment::Unknown => continue,
        };
        pointer.push('/');
        pointer.push_str(&part);
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;
    use crate::parse;

    #[test]
    fn swagger_two_unconverted_is_refused_by_name() {
        let value = parse::spec("swagger: '2.0'\ninfo: {}\n", "old.yaml").unwrap();
        let err = to_openapi(value, "old.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "old.yaml: #/swagger: Swagger 2.0 is read after the swagger stage converts it (`swagger::convert`)"
        );
        let value = parse::spec("swagger: '1.2'\ninfo: {}\n", "older.yaml").unwrap();
        let err = to_openapi(value, "older.yaml").unwrap_err();
        assert!(err.to_string().contains("unsupported Swagger version \"1.2\""), "{err}");
    }

    /// The one error a document with `parameter` as its only operation's parameter gets.
    fn parameter_error(parameter: &str) -> String {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a/{{id}}:\n    get:\n      \
             parameters: [{parameter}]\n      responses: {{'200': {{description: ok}}}}\n"
        );
        let err = to_openapi(parse::spec(&text, "x.yaml").unwrap(), "x.yaml").unwrap_err();
        err.problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn shape_errors_name_the_key_and_say_what_is_wrong_in_the_spec_s_terms() {
        let at = "#/paths/~1a~1{id}/get/parameters/0";
        let cases = [
            (
                "{name: id, in: path, required: true, style: form, schema: {type: string}}",
                format!(
                    "{at}/style: `style` is \"form\", which is not one of matrix, label, simple for a path parameter"
                ),
            ),
            (
                "{name: id, in: cookies, schema: {type: string}}",
                format!("{at}/in: `in` is \"cookies\", which is not one of query, header, path, cookie"),
            ),
            (
                "{name: id, in: body, schema: {type: string}}",
                format!("{at}/in: `in: body` is Swagger 2.0; in OpenAPI 3 the body is the operation's `requestBody`"),
            ),
            (
                "{in: path, required: true, schema: {type: string}}",
                format!("{at}: `name` is missing; a parameter needs one"),
            ),
            (
                "{name: id, in: query, schema: {type: string}, examples: 'e'}",
                format!("{at}/examples: `examples` must be an object, found \"e\""),
            ),
            ("{name: 5, in: query, schema: {type: string}}", format!("{at}/name: `name` must be text, found 5")),
            (
                "{name: id, in: path, required: 'yes', schema: {type: string}}",
                format!("{at}/required: `required` must be true or false, found \"yes\""),
            ),
            (
                "{name: id, in: query, schema: {type: object, properties: {a: {type: string, minLength: '3'}}}}",
                format!(
                    "{at}/schema/properties/a/minLength: `minLength` must be a whole number, 0 or more, found \"3\""
                ),
            ),
            (
                "{name: id, in: query, schema: {type: object, required: 'a'}}",
                format!("{at}/schema/required: `required` must be a list, found \"a\""),
            ),
        ];
        for (parameter, expected) in cases {
            assert_eq!(parameter_error(parameter), expected, "{parameter}");
        }
    }

    #[test]
    fn shape_errors_in_tagged_objects_name_the_key() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      \
                    responses: {'200': ok}\ncomponents:\n  securitySchemes:\n    k: {type: apiKey, name: k, in: body}\n";
        let err = to_openapi(parse::spec(text, "x.yaml").unwrap(), "x.yaml").unwrap_err();
        assert_eq!(err.to_string(), "x.yaml: #/paths/~1a/get/responses/200: `200` must be an object, found \"ok\"");
        let text = text.replace("{'200': ok}", "{'200': {description: ok}}");
        let err = to_openapi(parse::spec(&text, "x.yaml").unwrap(), "x.yaml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.yaml: #/components/securitySchemes/k/in: `in` is \"body\", which is not one of query, header, cookie"
        );
    }

    #[test]
    fn shape_errors_point_into_the_document() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let err = to_openapi(parse::spec(text, "x.yaml").unwrap(), "x.yaml").unwrap_err();
        let Location::Pointer(pointer) = &err.problems[0].location else { panic!("{err}") };
        assert_eq!(pointer, "#/paths/~1a/get/responses");
    }
}
