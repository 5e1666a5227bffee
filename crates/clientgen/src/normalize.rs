//! Normalize stage: rewrites the JSON tree into the OpenAPI 3.0 shapes openapiv3 reads.
//!
//! OpenAPI 3.1 constructs become their 3.0 equivalents (`type: [T, "null"]` → `type: T` plus
//! `nullable`, `const` → a one-value `enum`, `examples` → `example`, numeric
//! `exclusiveMinimum` → `minimum` plus the flag, boolean schemas → `{}` or `{not: {}}`), and
//! real-world slips are repaired with a warning naming the place (`type: int`, integer bounds no
//! 64-bit integer can hold, `$ref`s into the middle of another schema, `required: true` on a
//! property). Only schema positions are rewritten: examples and defaults are data and stay as
//! written.
//!
//! Outside schemas, what openapiv3 cannot read but OpenAPI allows, or what is sloppy but
//! clear, is brought into shape the same way: 3.1 `webhooks` and operations' `callbacks`
//! (possibly `$ref`s) move to one list under the root extension [`WEBHOOKS`], path
//! item `$ref`s are copied, numbers where text belongs become text, missing server variable
//! defaults and response descriptions are filled in, and a `$ref` to a component of another
//! kind that fits where it is used (a response naming a request body) is read as that kind, and
//! one to a component that is itself a `$ref` is read to the end of the chain. Inline copies of
//! one titled schema become one component (`shared.rs`). Sloppy documents whose intent is clear
//! are repaired (`sloppy.rs`: a missing `info`, `required` as text, a string discriminator,
//! path parameters against the path template). OpenAPI 3.2's additions are read first and
//! its other methods' operations moved last (`v32.rs`).

mod shared;
mod sloppy;
mod v32;

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Error, escape_segment, unescape_segment};
use crate::tree::{self, MAX_DEPTH, node_count_within};
pub use v32::{ITEM_SCHEMA, OPERATIONS, QUERYSTRING, is_json_lines};

/// What normalizing found: warnings (rewritten with a guess) and errors (cannot be read).
#[derive(Debug, Default)]
pub struct Findings {
    /// Places rewritten with a guess.
    pub warnings: Vec<Diagnostic>,
    /// Places that cannot be read at all.
    pub errors: Vec<Diagnostic>,
}

impl Findings {
    /// `error` (of a later stage) with normalizing's own errors first, as found.
    pub fn before(&self, mut error: Error) -> Error {
        error.problems.splice(0..0, self.errors.iter().cloned());
        error
    }
}

/// Normalizes a whole document in place. It must be an OpenAPI 3 document at most
/// [`MAX_DEPTH`] levels deep, before and after: normalizing adds levels (`allOf` wrappers,
/// inlined references), and the typed stage reads the tree recursively. Past the limit
/// afterwards, the error comes after normalizing's own.
pub fn normalize(doc: &mut Value, source_name: &str) -> Result<Findings, Error> {
    tree::check_openapi3(doc, source_name)?;
    tree::check_depth(doc, source_name)?;
    let findings = rewrite(doc);
    tree::check_depth(doc, source_name).map_err(|e| findings.before(e))?;
    Ok(findings)
}

/// Rewrites a document in place, whatever it is.
fn rewrite(doc: &mut Value) -> Findings {
    let mut findings = Findings::default();
    let Some(root) = doc.as_object_mut() else { return findings };
    if !root.contains_key("paths") {
        root.insert("paths".to_owned(), Value::Object(Map::new()));
    }
    v32::read(doc, &mut findings);
    sloppy::repair(doc, &mut findings);
    // Webhooks and callbacks describe requests the API sends, not calls a client makes: they
    // move out of the places openapiv3 reads into one list lowering reads on its own.
    let received = collect_webhooks(doc);
    drop_callbacks(doc);
    if let (Some(root), false) = (doc.as_object_mut(), received.is_empty()) {
        root.insert(WEBHOOKS.to_owned(), Value::Array(received));
    }
    inline_deep_refs(doc, &mut findings);
    // 3.1 makes `responses` optional; openapiv3 requires it.
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (_, operation) in operations_mut(item) {
                operation.entry("responses").or_insert_with(|| Value::Object(Map::new()));
            }
        }
    }
    fix_scalars(doc, &mut findings);
    explicit_encoding_styles(doc);
    walk_document(doc, "#", &mut findings);
    shared::share_titled_schemas(doc);
    fix_cross_kind_refs(doc, &mut findings);
    // Last, so that every repair above sees a `query` operation as any other.
    v32::move_operations(doc, &mut findings);
    findings
}

/// Writes out the style of each request body property's `encoding` that asks for one (it
/// names `style`, `explode` or `allowReserved`): `style` defaults to `form`, and `explode` to
/// whether the style is `form`. openapiv3 reads a missing `explode` as `false` and cannot tell
/// an encoding that asks for no style from one that asks for `form`; a property whose encoding
/// asks for no style goes by its content type instead.
fn explicit_encoding_styles(doc: &mut Value) {
    fn fill(body: &mut Value) {
        let Some(Value::Object(content)) = body.get_mut("content") else { return };
        for media in content.values_mut() {
            let Some(Value::Object(encodings)) = media.get_mut("encoding") else { continue };
            for encoding in encodings.values_mut().filter_map(Value::as_object_mut) {
                if !["style", "explode", "allowReserved"].iter().any(|key| encoding.contains_key(*key)) {
                    continue;
                }
                let style = encoding.entry("style").or_insert_with(|| Value::String("form".to_owned()));
                let form = style.as_str() == Some("form");
                encoding.entry("explode").or_insert(Value::Bool(form));
            }
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (_, operation) in operations_mut(item) {
                if let Some(body) = operation.get_mut("requestBody") {
                    fill(body);
                }
            }
        }
    }
    if let Some(Value::Object(bodies)) = doc.pointer_mut("/components/requestBodies") {
        bodies.values_mut().for_each(fill);
    }
}

/// Whether a key of a path item names an operation.
fn is_method(key: &str) -> bool {
    matches!(key, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" | "query")
}

/// The operations of a path item, each with its method.
fn operations_mut(item: &mut Map<String, Value>) -> impl Iterator<Item = (&String, &mut Map<String, Value>)> {
    item.iter_mut().filter_map(|(method, operation)| match operation {
        Value::Object(operation) if is_method(method) => Some((method, operation)),
        _ => None,
    })
}

/// The root extension normalizing moves webhooks and callbacks to: a list of entries, each
/// with `name` (the webhook's key, or the callback's), `pointer` (where it was written),
/// `item` (its path item, whose `$ref` is copied like any other), and for a callback
/// `operation` (the id of the operation declaring it: its `operationId`, or `method path`) and
/// `expression` (the runtime expression of its URL).
pub const WEBHOOKS: &str = "x-clientgen-webhooks";

/// The webhooks (3.1) and the operations' callbacks (3.0), as entries of [`WEBHOOKS`], in
/// spec order: webhooks first, then callbacks by path and operation. A callback given as a
/// `$ref` to `#/components/callbacks` is read from there; so is a path item's `$ref` to
/// `#/components/pathItems` whose operations declare callbacks.
fn collect_webhooks(doc: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let entry = |name: &str, pointer: String, item: &Value| {
        let mut entry = Map::new();
        entry.insert("name".to_owned(), Value::String(name.to_owned()));
        entry.insert("pointer".to_owned(), Value::String(pointer));
        entry.insert("item".to_owned(), item.clone());
        entry
    };
    if let Some(Value::Object(webhooks)) = doc.get("webhooks") {
        for (name, item) in webhooks {
            out.push(Value::Object(entry(name, format!("#/webhooks/{}", escape_segment(name)), item)));
        }
    }
    let component = |reference: &Value, section: &str| -> Option<&Value> {
        let name = reference.as_str()?.strip_prefix("#/components/")?.strip_prefix(section)?.strip_prefix('/')?;
        doc.get("components")?.get(section)?.get(unescape_segment(name))
    };
    let Some(Value::Object(paths)) = doc.get("paths") else { return out };
    for (path, item) in paths {
        let item = item.get("$ref").and_then(|r| component(r, "pathItems")).unwrap_or(item);
        let Value::Object(item) = item else { continue };
        for (method, operation) in item.iter().filter(|(method, _)| is_method(method)) {
            let Some(Value::Object(callbacks)) = operation.get("callbacks") else { continue };
            let id = match operation.get("operationId").and_then(Value::as_str) {
                Some(id) => id.to_owned(),
                None => format!("{method} {path}"),
            };
            let at = format!("#/paths/{}/{}/callbacks", escape_segment(path), escape_segment(method));
            for (name, callback) in callbacks {
                let callback = callback.get("$ref").and_then(|r| component(r, "callbacks")).unwrap_or(callback);
                let Value::Object(callback) = callback else { continue };
                for (expression, item) in callback.iter().filter(|(key, _)| !key.starts_with("x-")) {
                    let pointer = format!("{at}/{}/{}", escape_segment(name), escape_segment(expression));
                    let mut entry = entry(name, pointer, item);
                    entry.insert("operation".to_owned(), Value::String(id.clone()));
                    entry.insert("expression".to_owned(), Value::String(expression.clone()));
                    out.push(Value::Object(entry));
                }
            }
        }
    }
    out
}

/// openapiv3 has no place for a callback given as a `$ref` (valid OpenAPI) nor for
/// `webhooks`: once [`collect_webhooks`] has read them, they are removed (from `paths`, 3.1's
/// `components/pathItems` and `components/callbacks`).
fn drop_callbacks(doc: &mut Value) {
    let Some(root) = doc.as_object_mut() else { return };
    root.remove("webhooks");
    for (key, value) in root.iter_mut() {
        let Value::Object(section) = value else { continue };
        let items = match key.as_str() {
            "paths" => Some(section),
            "components" => {
                section.remove("callbacks");
                section.get_mut("pathItems").and_then(Value::as_object_mut)
            }
            _ => continue,
        };
        for item in items.into_iter().flat_map(|items| items.values_mut()) {
            let Value::Object(item) = item else { continue };
            for (_, operation) in operations_mut(item) {
                operation.remove("callbacks");
            }
        }
    }
}

/// Scalars written in the wrong JSON type or left out where the meaning is clear: numbers
/// and booleans where OpenAPI wants text (`info.version: 1.0`, server variables'
/// `enum: [80, 443]` and `default: 80`) become their text; a server variable without a
/// `default` takes its first `enum` value; a response without a `description` gets an empty
/// one. Each with a warning.
fn fix_scalars(doc: &mut Value, findings: &mut Findings) {
    if let Some(version) = doc.pointer_mut("/info/version") {
        as_text(version, "#/info/version", findings);
    }
    let Some(root) = doc.as_object_mut() else { return };
    fix_servers(root, "#", findings);
    if let Some(Value::Object(responses)) = root.get_mut("components").and_then(|c| c.get_mut("responses")) {
        for (name, response) in responses.iter_mut() {
            fix_response(response, &format!("#/components/responses/{}", escape_segment(name)), findings);
        }
    }
    let Some(Value::Object(paths)) = root.get_mut("paths") else { return };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        let item_pointer = format!("#/paths/{}", escape_segment(path));
        fix_servers(item, &item_pointer, findings);
        for (method, operation) in operations_mut(item) {
            let pointer = format!("{item_pointer}/{}", escape_segment(method));
            fix_servers(operation, &pointer, findings);
            let Some(Value::Object(responses)) = operation.get_mut("responses") else { continue };
            for (status, response) in responses.iter_mut() {
                fix_response(response, &format!("{pointer}/responses/{}", escape_segment(status)), findings);
            }
        }
    }
}

/// A number or boolean where text belongs becomes its text, with a warning.
fn as_text(value: &mut Value, pointer: &str, findings: &mut Findings) {
    if let Value::Number(_) | Value::Bool(_) = value {
        let text = value.to_string();
        findings.warnings.push(Diagnostic::at(pointer, format!("{text} is not text; read as {text:?}")));
        *value = Value::String(text);
    }
}

fn fix_servers(owner: &mut Map<String, Value>, pointer: &str, findings: &mut Findings) {
    let Some(Value::Array(servers)) = owner.get_mut("servers") else { return };
    for (i, server) in servers.iter_mut().enumerate() {
        // OpenAPI 3.2's `name`, which the typed document would drop, kept as an extension.
        if let Value::Object(server) = server {
            if let Some(name) = server.remove("name") {
                server.entry(crate::lower::SERVER_NAME).or_insert(name);
            }
        }
        let Some(Value::Object(variables)) = server.get_mut("variables") else { continue };
        for (name, variable) in variables.iter_mut() {
            let Value::Object(variable) = variable else { continue };
            let at = format!("{pointer}/servers/{i}/variables/{}", escape_segment(name));
            if let Some(Value::Array(values)) = variable.get_mut("enum") {
                for (j, value) in values.iter_mut().enumerate() {
                    as_text(value, &format!("{at}/enum/{j}"), findings);
                }
            }
            match variable.get_mut("default") {
                Some(default) => as_text(default, &format!("{at}/default"), findings),
                None => {
                    let first = variable.get("enum").and_then(|e| e.get(0)).and_then(Value::as_str).map(str::to_owned);
                    if let Some(first) = first {
                        findings.warnings.push(Diagnostic::at(
                            at,
                            format!("the server variable has no default; its first value {first:?} is used"),
                        ));
                        variable.insert("default".to_owned(), Value::String(first));
                    }
                }
            }
        }
    }
}

fn fix_response(response: &mut Value, pointer: &str, findings: &mut Findings) {
    let Value::Object(response) = response else { return };
    if !response.contains_key("$ref") && !response.contains_key("description") {
        findings.warnings.push(Diagnostic::at(pointer, "the response has no description; an empty one is used"));
        response.insert("description".to_owned(), Value::String(String::new()));
    }
}

/// Walks everything but data, normalizing each schema it meets.
fn walk_document(value: &mut Value, pointer: &str, findings: &mut Findings) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let at = format!("{pointer}/{}", escape_segment(key));
                match key.as_str() {
                    "example" | "examples" | "default" => {}
                    "schema" => walk_schema(child, &at, findings),
                    "schemas" if pointer == "#/components" => walk_schema_map(child, &at, findings),
                    _ => walk_document(child, &at, findings),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                walk_document(child, &format!("{pointer}/{i}"), findings);
            }
        }
        _ => {}
    }
}

fn walk_schema_map(value: &mut Value, pointer: &str, findings: &mut Findings) {
    if let Value::Object(map) = value {
        for (key, child) in map.iter_mut() {
            walk_schema(child, &format!("{pointer}/{}", escape_segment(key)), findings);
        }
    }
}

/// Normalizes one schema and the schemas inside it.
fn walk_schema(value: &mut Value, pointer: &str, findings: &mut Findings) {
    // 3.1 allows `true` (anything) and `false` (nothing) as schemas.
    if let Value::Bool(anything) = value {
        *value = if *anything { Value::Object(Map::new()) } else { serde_json::json!({ "not": {} }) };
        return;
    }
    let Value::Object(schema) = value else { return };
    fix_ref_siblings(schema);
    fix_boolean_required(schema, pointer, findings);
    sloppy::fix_discriminator(schema, pointer, findings);
    fix_type(schema, pointer, findings);
    fix_const(schema);
    fix_examples(schema);
    fix_exclusive_bounds(schema);
    fix_integer_bounds(schema, pointer, findings);
    for (key, child) in schema.iter_mut() {
        let at = format!("{pointer}/{}", escape_segment(key));
        match key.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" => walk_schema_map(child, &at, findings),
            "items" | "additionalProperties" | "not" | "contains" | "additionalItems" => {
                walk_schema(child, &at, findings)
            }
            "allOf" | "oneOf" | "anyOf" | "prefixItems" => {
                if let Value::Array(items) = child {
                    for (i, item) in items.iter_mut().enumerate() {
                        walk_schema(item, &format!("{at}/{i}"), findings);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `{$ref: X, description: …}` → `{allOf: [{$ref: X}], description: …}`: the siblings are kept
/// (3.1 honours them; 3.0 writers use them for `nullable` and descriptions).
fn fix_ref_siblings(schema: &mut Map<String, Value>) {
    if !schema.contains_key("$ref") || schema.len() == 1 {
        return;
    }
    if let Some(reference) = schema.remove("$ref") {
        let mut target = Map::new();
        target.insert("$ref".to_owned(), reference);
        schema.insert("allOf".to_owned(), Value::Array(vec![Value::Object(target)]));
    }
}

/// `required: true` on a property (JSON Schema draft 3, and Swagger's parameter style) →
/// the property's name in its object's `required` list; `required: false` is dropped.
fn fix_boolean_required(schema: &mut Map<String, Value>, pointer: &str, findings: &mut Findings) {
    if let Some(Value::Bool(_)) = schema.get("required") {
        schema.remove("required");
        findings.warnings.push(Diagnostic::at(
            format!("{pointer}/required"),
            "`required` of a schema is a list of property names; a boolean here is ignored",
        ));
    }
    let mut required = Vec::new();
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            let Value::Object(property) = property else { continue };
            let Some(Value::Bool(flag)) = property.get("required").cloned() else { continue };
            property.remove("required");
            let at = format!("{pointer}/properties/{}/required", escape_segment(name));
            let message = if flag {
                required.push(Value::String(name.clone()));
                "`required: true` on a property read as its name in the object's `required` list"
            } else {
                "`required: false` on a property is the default; ignored"
            };
            findings.warnings.push(Diagnostic::at(at, message));
        }
    }
    if !required.is_empty() {
        if let Value::Array(list) = schema.entry("required").or_insert_with(|| Value::Array(Vec::new())) {
            for name in required {
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
    }
}

/// `type: [T, "null"]` → `type: T, nullable: true`; other type arrays and unknown type names
/// become free-form, with a warning; well-known misspellings are corrected.
fn fix_type(schema: &mut Map<String, Value>, pointer: &str, findings: &mut Findings) {
    let Some(ty) = schema.get("type").cloned() else { return };
    let names: Vec<String> = match &ty {
        Value::String(name) => vec![name.clone()],
        Value::Array(items) => items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    };
    let nullable = names.iter().any(|n| n == "null");
    if nullable {
        schema.insert("nullable".to_owned(), Value::Bool(true));
    }
    let mut rest: Vec<String> = names.into_iter().filter(|n| n != "null").collect();
    rest.dedup();
    let at = format!("{pointer}/type");
    match rest.as_slice() {
        [] => {
            schema.remove("type");
        }
        [name] => match canonical_type(name) {
            Some(canonical) => {
                if canonical != name {
                    findings.warnings.push(Diagnostic::at(at, format!("type {name:?} read as {canonical:?}")));
                }
                schema.insert("type".to_owned(), Value::String(canonical.to_owned()));
            }
            None => {
                let hint = near_type(name).map(|near| format!(" (is it {near:?}?)")).unwrap_or_default();
                findings.warnings.push(Diagnostic::at(
                    at,
                    format!("unknown type {name:?}; the value is kept as free-form JSON{hint}"),
                ));
                schema.remove("type");
            }
        },
        several => {
            findings
                .warnings
                .push(Diagnostic::at(at, format!("a value of any of the types {several:?} is kept as free-form JSON")));
            schema.remove("type");
        }
    }
}

fn canonical_type(name: &str) -> Option<&'static str> {
    Some(match name {
        "string" | "str" => "string",
        "integer" | "int" | "int32" | "int64" | "long" => "integer",
        "number" | "float" | "double" | "decimal" => "number",
        "boolean" | "bool" => "boolean",
        "object" => "object",
        "array" => "array",
        _ => return None,
    })
}

/// The type name one or two edits away from `name` (`strin` → `string`), if there is one.
fn near_type(name: &str) -> Option<&'static str> {
    let distance = |a: &str, b: &str| -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut diagonal = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let substitution = diagonal + usize::from(ca != *cb);
                diagonal = row[j + 1];
                row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
            }
        }
        row[b.len()]
    };
    let name = name.to_ascii_lowercase();
    ["string", "integer", "number", "boolean", "object", "array"]
        .into_iter()
        .map(|known| (distance(&name, known), known))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, known)| known)
}

/// `const: v` → `enum: [v]` (a `null` const makes the schema nullable instead).
fn fix_const(schema: &mut Map<String, Value>) {
    let Some(value) = schema.remove("const") else { return };
    if value.is_null() {
        schema.insert("nullable".to_owned(), Value::Bool(true));
    } else if !schema.contains_key("enum") {
        schema.insert("enum".to_owned(), Value::Array(vec![value]));
    }
}

/// A schema's `examples` array (3.1) → `example`, its first entry.
fn fix_examples(schema: &mut Map<String, Value>) {
    if let Some(Value::Array(examples)) = schema.get("examples") {
        let first = examples.first().cloned();
        schema.remove("examples");
        if let Some(first) = first {
            schema.entry("example").or_insert(first);
        }
    }
}

/// Numeric `exclusiveMinimum: 5` (3.1) → `minimum: 5, exclusiveMinimum: true`.
fn fix_exclusive_bounds(schema: &mut Map<String, Value>) {
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(value @ Value::Number(_)) = schema.get(exclusive).cloned() {
            schema.insert(bound.to_owned(), value);
            schema.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
}

/// Integer bounds that are fractions or beyond 64 bits (`minimum: -9223372036854776000`,
/// an `i64::MIN` that went through a float) are rounded into range, with a warning.
fn fix_integer_bounds(schema: &mut Map<String, Value>, pointer: &str, findings: &mut Findings) {
    if schema.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        let Some(Value::Number(number)) = schema.get(key) else { continue };
        if number.as_i64().is_some() {
            continue;
        }
        let at = format!("{pointer}/{key}");
        match number.as_f64() {
            Some(value) if key != "multipleOf" && value.is_finite() => {
                let clamped = if value <= i64::MIN as f64 {
                    i64::MIN
                } else if value >= i64::MAX as f64 {
                    i64::MAX
                } else if key == "minimum" {
                    value.ceil() as i64
                } else {
                    value.floor() as i64
                };
                findings.warnings.push(Diagnostic::at(at, format!("{key} {number} read as {clamped}")));
                schema.insert(key.to_owned(), Value::from(clamped));
            }
            _ => {
                findings.warnings.push(Diagnostic::at(at, format!("{key} {number} is not an integer; ignored")));
                schema.remove(key);
            }
        }
    }
}

/// The kinds of component a `$ref` outside schemas may name, by their section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Response,
    RequestBody,
    Parameter,
    Header,
}

impl Kind {
    fn section(self) -> &'static str {
        match self {
            Kind::Response => "responses",
            Kind::RequestBody => "requestBodies",
            Kind::Parameter => "parameters",
            Kind::Header => "headers",
        }
    }

    fn of_section(section: &str) -> Option<Kind> {
        [Kind::Response, Kind::RequestBody, Kind::Parameter, Kind::Header].into_iter().find(|k| k.section() == section)
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Response => "a response",
            Kind::RequestBody => "a request body",
            Kind::Parameter => "a parameter",
            Kind::Header => "a header",
        }
    }

    /// `target` (a component of kind `self`) as a component of kind `wanted`, when its shape
    /// fits: request bodies and responses share `content`; a header is a parameter without
    /// `name` and `in` (a header component's name is its key).
    fn convert(self, wanted: Kind, target: &Map<String, Value>, name: &str) -> Option<Map<String, Value>> {
        let keep = |keys: &[&str]| -> Map<String, Value> {
            target
                .iter()
                .filter(|(k, _)| keys.contains(&k.as_str()) || k.starts_with("x-"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let mut out = match (self, wanted) {
            (Kind::RequestBody, Kind::Response) | (Kind::Response, Kind::RequestBody) => {
                keep(&["description", "content"])
            }
            (Kind::Header, Kind::Parameter) => {
                let mut out = Map::new();
                out.insert("name".to_owned(), Value::String(name.to_owned()));
                out.insert("in".to_owned(), Value::String("header".to_owned()));
                out.extend(keep(&[
                    "description",
                    "required",
                    "deprecated",
                    "schema",
                    "content",
                    "example",
                    "examples",
                ]));
                out
            }
            (Kind::Parameter, Kind::Header) => {
                keep(&["description", "required", "deprecated", "schema", "content", "example", "examples"])
            }
            _ => return None,
        };
        if wanted == Kind::Response {
            out.entry("description").or_insert_with(|| Value::String(String::new()));
        }
        Some(out)
    }
}

/// A place holding a `$ref` to a response, request body, parameter or header component.
struct RefPosition {
    /// The JSON pointer of the object holding the `$ref`.
    pointer: String,
    /// The kind of component that belongs there.
    wanted: Kind,
}

/// The places that may hold a `$ref` to a response, request body, parameter or header
/// component, with the kind each wants.
fn ref_positions(doc: &Value) -> Vec<RefPosition> {
    fn entries(value: Option<&Value>) -> impl Iterator<Item = (String, &Value)> {
        value.and_then(Value::as_object).into_iter().flatten().map(|(k, v)| (escape_segment(k), v))
    }
    fn items<'v>(owner: &'v Value, key: &str) -> impl Iterator<Item = (usize, &'v Value)> + use<'v> {
        owner.get(key).and_then(Value::as_array).into_iter().flatten().enumerate()
    }
    fn add(out: &mut Vec<RefPosition>, pointer: String, value: &Value, wanted: Kind) {
        if value.get("$ref").is_some() {
            out.push(RefPosition { pointer, wanted });
        }
    }
    fn response(out: &mut Vec<RefPosition>, pointer: String, response: &Value) {
        for (name, header) in entries(response.get("headers")) {
            add(out, format!("{pointer}/headers/{name}"), header, Kind::Header);
        }
        add(out, pointer, response, Kind::Response);
    }
    let mut out = Vec::new();
    let components = doc.get("components");
    for kind in [Kind::RequestBody, Kind::Parameter, Kind::Header] {
        let section = kind.section();
        for (name, value) in entries(components.and_then(|c| c.get(section))) {
            add(&mut out, format!("#/components/{section}/{name}"), value, kind);
        }
    }
    for (name, value) in entries(components.and_then(|c| c.get("responses"))) {
        response(&mut out, format!("#/components/responses/{name}"), value);
    }
    for (path, item) in entries(doc.get("paths")) {
        let item_pointer = format!("#/paths/{path}");
        for (i, parameter) in items(item, "parameters") {
            add(&mut out, format!("{item_pointer}/parameters/{i}"), parameter, Kind::Parameter);
        }
        for (method, operation) in entries(Some(item)) {
            if !is_method(&method) {
                continue;
            }
            let pointer = format!("{item_pointer}/{method}");
            for (i, parameter) in items(operation, "parameters") {
                add(&mut out, format!("{pointer}/parameters/{i}"), parameter, Kind::Parameter);
            }
            if let Some(body) = operation.get("requestBody") {
                add(&mut out, format!("{pointer}/requestBody"), body, Kind::RequestBody);
            }
            for (status, value) in entries(operation.get("responses")) {
                response(&mut out, format!("{pointer}/responses/{status}"), value);
            }
        }
    }
    out
}

/// A `$ref` to a component of another kind whose shape fits where it is used (a response
/// that names a request body, as a large vendor spec does; a parameter that names a header)
/// is pointed at a converted copy of it, made once per target in the right section of
/// `components`, with a warning. A `$ref` to a component that is itself a `$ref` is pointed
/// at the end of the chain.
fn fix_cross_kind_refs(doc: &mut Value, findings: &mut Findings) {
    let mut copies: std::collections::HashMap<(String, &'static str), String> = std::collections::HashMap::new();
    for RefPosition { pointer, wanted } in ref_positions(doc) {
        let Some(Value::String(written)) = doc.pointer(&format!("{}/$ref", pointer.trim_start_matches('#'))).cloned()
        else {
            continue;
        };
        let target = last_in_chain(doc, &written);
        let segments: Vec<&str> = target.trim_start_matches("#/").split('/').collect();
        let (["components", section, name], true) = (segments.as_slice(), target.starts_with("#/")) else { continue };
        let Some(found) = Kind::of_section(section) else { continue };
        let set_target = |doc: &mut Value, new_target: String| {
            if let Some(Value::Object(reference)) = doc.pointer_mut(pointer.trim_start_matches('#')) {
                reference.insert("$ref".to_owned(), Value::String(new_target));
            }
        };
        if found == wanted {
            // A chain of references (valid OpenAPI) that openapiv3 leaves for lowering, which
            // reads one step: the place names the end of the chain instead.
            if target != written {
                set_target(doc, target);
            }
            continue;
        }
        let name = unescape_segment(name);
        let key = (target.clone(), wanted.section());
        let new_target = match copies.get(&key) {
            Some(done) => done.clone(),
            None => {
                let Some(Value::Object(component)) = doc.pointer(target.trim_start_matches('#')) else { continue };
                if component.contains_key("$ref") {
                    continue;
                }
                let Some(converted) = found.convert(wanted, component, &name) else { continue };
                let Some(Value::Object(components)) = doc.get_mut("components") else { continue };
                let Value::Object(section) =
                    components.entry(wanted.section()).or_insert_with(|| Value::Object(Map::new()))
                else {
                    continue;
                };
                let free = std::iter::once(name.clone())
                    .chain((2..).map(|n| format!("{name}_{n}")))
                    .find(|candidate| !section.contains_key(candidate))
                    .unwrap_or_default();
                section.insert(free.clone(), Value::Object(converted));
                let new_target = format!("#/components/{}/{}", wanted.section(), escape_segment(&free));
                copies.insert(key, new_target.clone());
                new_target
            }
        };
        findings.warnings.push(Diagnostic::at(
            format!("{pointer}/$ref"),
            format!(
                "$ref {target:?} names {} where {} belongs; read as {}",
                found.noun(),
                wanted.noun(),
                wanted.noun()
            ),
        ));
        set_target(doc, new_target);
    }
}

/// Where a chain of references to components that are themselves only references
/// (`A: {$ref: B}`) ends; `target` itself when it is no such chain, or when the chain goes
/// round (lowering then reports the reference).
fn last_in_chain(doc: &Value, target: &str) -> String {
    let mut seen = vec![target.to_owned()];
    loop {
        let Some(last) = seen.last() else { return target.to_owned() };
        let next = match doc.pointer(last.strip_prefix('#').unwrap_or(last)) {
            Some(Value::Object(component)) if last.starts_with("#/components/") => match component.get("$ref") {
                Some(Value::String(next)) => next.clone(),
                _ => return last.clone(),
            },
            _ => return last.clone(),
        };
        if seen.contains(&next) || seen.len() > MAX_DEPTH {
            return target.to_owned();
        }
        seen.push(next);
    }
}

/// How many JSON values the copies made by [`inline_deep_refs`] may add to a document in all.
/// Copies of copies grow geometrically: without a bound a few bytes of spec can ask for
/// gigabytes, and a budget of 100,000 still let a 60 KB spec emit half a million lines.
const INLINE_BUDGET: usize = 10_000;

/// Replaces each `$ref` that points inside another definition (`#/components/schemas/A/oneOf/0`,
/// `#/paths/…`) by a copy of its target, so that every remaining reference names a component.
/// References to other documents are errors, and so are references to a place that contains
/// them (the copy would contain itself), and copies that would nest past [`MAX_DEPTH`] or go
/// past [`INLINE_BUDGET`].
fn inline_deep_refs(doc: &mut Value, findings: &mut Findings) {
    let mut copied = 0;
    let mut refused = std::collections::BTreeSet::new();
    // A copy may itself hold deep references; a few rounds resolve chains of them.
    for round in 0..8 {
        let mut refs = Refs::default();
        collect_refs(doc, "#", &mut refs);
        let Refs { deep, external } = refs;
        // Each unreadable reference is reported, then replaced by a free-form schema so that
        // the later stages can go on and report their own problems in the same run.
        for ExternalRef { at, problem } in external {
            if round == 0 {
                findings.errors.push(problem);
            }
            if let Some(node) = doc.pointer_mut(at.trim_start_matches('#')) {
                *node = Value::Object(Map::new());
            }
        }
        if deep.is_empty() {
            return;
        }
        for DeepRef { at, target } in deep {
            let problem = |message: String| Diagnostic::at(format!("{at}/$ref"), message);
            // References that lead into each other copy ever more, ever deeper: stop them.
            let depth_left = MAX_DEPTH.saturating_sub(at.split('/').count() - 1);
            // One `#` only: `##/a` is no pointer (trimming every `#` made `###` the root).
            let copy = match doc.pointer(target.strip_prefix('#').unwrap_or(&target)) {
                None => Err(Some(problem(format!("$ref {target:?} points at nothing")))),
                Some(_) if contains(&target, &at) => Err(Some(problem(format!(
                    "$ref {target:?} points at a place that contains it, so it cannot be inlined"
                )))),
                Some(found) => match node_count_within(found, depth_left) {
                    Some(size) if copied + size <= INLINE_BUDGET => {
                        copied += size;
                        Ok(found.clone())
                    }
                    // Reported once for each target, however many places refer to it.
                    _ => Err(refused.insert(target.clone()).then(|| {
                        problem(format!(
                            "$ref {target:?} cannot be inlined: its copies would nest more than {MAX_DEPTH} levels deep \
                             or copy more than {INLINE_BUDGET} values; move the schema to #/components/schemas"
                        ))
                    })),
                },
            };
            let copy = copy.unwrap_or_else(|problem| {
                findings.errors.extend(problem);
                Value::Object(Map::new())
            });
            if let Some(node) = doc.pointer_mut(at.trim_start_matches('#')) {
                *node = copy;
            }
        }
    }
    findings.errors.push(Diagnostic::document("$refs into other definitions nest too deeply to inline"));
}

/// The `$ref`s [`inline_deep_refs`] replaces.
#[derive(Default)]
struct Refs {
    /// Local references that point inside another definition.
    deep: Vec<DeepRef>,
    /// References to other documents.
    external: Vec<ExternalRef>,
}

/// A local `$ref` to be replaced by a copy of its target.
struct DeepRef {
    /// The JSON pointer of the object holding the `$ref`.
    at: String,
    /// The `$ref` as written.
    target: String,
}

/// A `$ref` to another document, and the error saying so.
struct ExternalRef {
    /// The JSON pointer of the object holding the `$ref`.
    at: String,
    problem: Diagnostic,
}

/// Adds the places under `value` (at `pointer`) holding a deep reference, with their targets,
/// and those holding a reference to another document, each with its error, to `refs`.
fn collect_refs(value: &Value, pointer: &str, refs: &mut Refs) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                if !target.starts_with('#') {
                    let problem = Diagnostic::at(
                        format!("{pointer}/$ref"),
                        format!("$ref {target:?} points into another document; bundle the spec into one file first"),
                    );
                    refs.external.push(ExternalRef { at: pointer.to_owned(), problem });
                } else if is_deep(target) {
                    refs.deep.push(DeepRef { at: pointer.to_owned(), target: target.clone() });
                }
                return;
            }
            for (key, child) in map {
                if matches!(key.as_str(), "example" | "examples" | "default") {
                    continue;
                }
                collect_refs(child, &format!("{pointer}/{}", escape_segment(key)), refs);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_refs(child, &format!("{pointer}/{i}"), refs);
            }
        }
        _ => {}
    }
}

/// Whether the place `outer` (a pointer) is `inner` or one of its ancestors.
fn contains(outer: &str, inner: &str) -> bool {
    inner.strip_prefix(outer).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether a local reference points anywhere but straight at a component openapiv3 can hold
/// a reference to. Path items (3.1's `components/pathItems`) are copied too: openapiv3 reads a
/// path item's `$ref` but has no section for its target.
fn is_deep(target: &str) -> bool {
    let segments: Vec<&str> = target.trim_start_matches("#/").split('/').collect();
    !(segments.len() == 3 && segments[0] == "components" && segments[1] != "pathItems")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A document rewritten without errors, and the warnings as text.
    struct Normalized {
        doc: Value,
        warnings: Vec<String>,
    }

    /// Rewrites `doc`, given an `info` when it has none (a missing one is `sloppy.rs`'s, tested
    /// there).
    fn normalized(mut doc: Value) -> Normalized {
        if let Some(root) = doc.as_object_mut() {
            root.entry("info").or_insert_with(|| json!({"title": "t", "version": "1"}));
        }
        let findings = rewrite(&mut doc);
        assert!(findings.errors.is_empty(), "{:?}", findings.errors);
        Normalized { doc, warnings: findings.warnings.iter().map(ToString::to_string).collect() }
    }

    #[test]
    fn openapi_31_schemas_become_30_schemas() {
        let Normalized { doc, warnings } = normalized(json!({
            "openapi": "3.1.0",
            "webhooks": {"x": {}},
            "components": {"schemas": {"A": {"type": "object", "properties": {
                "name": {"type": ["string", "null"], "examples": ["a", "b"]},
                "kind": {"const": "dog"},
                "age": {"type": "integer", "exclusiveMinimum": 0},
                "ref": {"$ref": "#/components/schemas/B", "description": "kept"},
                "any": true,
                "both": {"type": ["string", "integer"]},
                "example": {"type": "string", "example": {"type": ["x", "null"]}}
            }}}}
        }));
        let props = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(props["name"], json!({"type": "string", "nullable": true, "example": "a"}));
        assert_eq!(props["kind"], json!({"enum": ["dog"]}));
        assert_eq!(props["age"], json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0}));
        assert_eq!(props["ref"], json!({"description": "kept", "allOf": [{"$ref": "#/components/schemas/B"}]}));
        assert_eq!(props["any"], json!({}));
        assert_eq!(props["both"], json!({}));
        assert_eq!(props["example"]["example"], json!({"type": ["x", "null"]}), "examples are data");
        assert_eq!(doc["paths"], json!({}));
        assert!(doc.get("webhooks").is_none());
        assert_eq!(doc[WEBHOOKS], json!([{"name": "x", "pointer": "#/webhooks/x", "item": {}}]));
        assert_eq!(
            warnings,
            [
                r#"#/components/schemas/A/properties/both/type: a value of any of the types ["string", "integer"] is kept as free-form JSON"#
            ]
        );
    }

    #[test]
    fn real_world_slips_are_repaired_with_a_warning() {
        let Normalized { doc, warnings } = normalized(json!({
            "paths": {"/a": {"get": {"parameters": [{"name": "n", "in": "header", "schema": {"type": "int"}}]}}},
            "components": {"schemas": {"B": {"type": "integer", "minimum": -9223372036854776000.0_f64, "maximum": 2.5}}}
        }));
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][0]["schema"]["type"], "integer");
        assert_eq!(doc["components"]["schemas"]["B"]["minimum"], json!(i64::MIN));
        assert_eq!(doc["components"]["schemas"]["B"]["maximum"], json!(2));
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(
            warnings[0].starts_with("#/paths/~1a/get/parameters/0/schema/type: type \"int\" read as \"integer\""),
            "{warnings:?}"
        );
    }

    #[test]
    fn references_to_components_of_another_kind_are_read_as_the_kind_wanted_when_they_fit() {
        let Normalized { doc, warnings } = normalized(json!({
            "paths": {"/a": {"post": {
                "parameters": [{"$ref": "#/components/headers/Trace"}],
                "responses": {
                    "200": {"$ref": "#/components/requestBodies/Body"},
                    "201": {"$ref": "#/components/requestBodies/Body"},
                    "202": {"$ref": "#/components/parameters/P"}
                }
            }}},
            "components": {
                "requestBodies": {"Body": {"required": true, "content": {"text/plain": {}}}},
                "responses": {"Body": {"description": "taken"}},
                "headers": {"Trace": {"schema": {"type": "string"}}},
                "parameters": {"P": {"name": "p", "in": "query"}}
            }
        }));
        let responses = &doc["paths"]["/a"]["post"]["responses"];
        assert_eq!(responses["200"], json!({"$ref": "#/components/responses/Body_2"}));
        assert_eq!(responses["201"], responses["200"], "one copy per target");
        assert_eq!(responses["202"], json!({"$ref": "#/components/parameters/P"}), "a parameter is no response");
        assert_eq!(doc["components"]["responses"]["Body_2"], json!({"content": {"text/plain": {}}, "description": ""}));
        assert_eq!(
            doc["components"]["parameters"]["Trace"],
            json!({"name": "Trace", "in": "header", "schema": {"type": "string"}})
        );
        assert_eq!(
            warnings,
            [
                "#/paths/~1a/post/parameters/0/$ref: $ref \"#/components/headers/Trace\" names a header where a parameter belongs; read as a parameter",
                "#/paths/~1a/post/responses/200/$ref: $ref \"#/components/requestBodies/Body\" names a request body where a response belongs; read as a response",
                "#/paths/~1a/post/responses/201/$ref: $ref \"#/components/requestBodies/Body\" names a request body where a response belongs; read as a response",
            ]
        );
    }

    #[test]
    fn unknown_types_suggest_the_type_meant() {
        let Normalized { warnings, .. } = normalized(json!({"components": {"schemas": {
            "A": {"type": "strin"}, "B": {"type": "Integr"}, "C": {"type": "file"}
        }}}));
        assert_eq!(
            warnings,
            [
                "#/components/schemas/A/type: unknown type \"strin\"; the value is kept as free-form JSON (is it \"string\"?)",
                "#/components/schemas/B/type: unknown type \"Integr\"; the value is kept as free-form JSON (is it \"integer\"?)",
                "#/components/schemas/C/type: unknown type \"file\"; the value is kept as free-form JSON",
            ]
        );
    }

    #[test]
    fn references_into_other_definitions_are_inlined() {
        let Normalized { doc, .. } = normalized(json!({
            "components": {"schemas": {
                "A": {"oneOf": [{"type": "string", "maxLength": 3}, {"type": "integer"}]},
                "B": {"properties": {"x": {"$ref": "#/components/schemas/A/oneOf/0"}}}
            }}
        }));
        assert_eq!(doc["components"]["schemas"]["B"]["properties"]["x"], json!({"type": "string", "maxLength": 3}));
    }

    #[test]
    fn references_that_would_copy_themselves_or_too_much_are_errors() {
        // Found by fuzzing: each copy of `#/components` held the references again, so eight
        // rounds of inlining grew the document by a factor of 4^8 and ran out of memory.
        let mut doc = json!({"components": {"schemas": {"A": {"properties": {
            "a": {"$ref": "#/components"}, "b": {"$ref": "#"}, "c": {"$ref": "#/components/schemas/A/properties/c"}
        }}}}});
        let errors: Vec<String> = rewrite(&mut doc).errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "#/components/schemas/A/properties/a/$ref: $ref \"#/components\" points at a place that contains it, so it cannot be inlined",
                "#/components/schemas/A/properties/b/$ref: $ref \"#\" points at a place that contains it, so it cannot be inlined",
                "#/components/schemas/A/properties/c/$ref: $ref \"#/components/schemas/A/properties/c\" points at a place that contains it, so it cannot be inlined",
            ]
        );
        assert_eq!(doc["components"]["schemas"]["A"]["properties"]["a"], json!({}));

        // Found by fuzzing: `##…` was read as the root, which the containment check missed.
        let mut doc = json!({"info": {"title": {"$ref": "####"}}, "paths": {"$ref": "####"}});
        let errors: Vec<String> = rewrite(&mut doc).errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            ["#/info/title/$ref: $ref \"####\" points at nothing", "#/paths/$ref: $ref \"####\" points at nothing",]
        );

        // Copies of copies without a cycle: 10 references to a schema holding 10 references
        // to a schema holding 10 … eight levels deep would be 10^8 copies.
        let mut schemas = Map::new();
        for level in 0..8 {
            let refs: Map<String, Value> = (0..10)
                .map(|i| (format!("p{i}"), json!({"$ref": format!("#/components/schemas/L{}/properties", level + 1)})))
                .collect();
            schemas.insert(format!("L{level}"), json!({"properties": {"x": {"properties": refs}}}));
        }
        schemas.insert("L8".to_owned(), json!({"properties": {"leaf": {"type": "string"}}}));
        let mut doc = json!({"components": {"schemas": schemas}});
        let findings = rewrite(&mut doc);
        assert!(!findings.errors.is_empty());
        assert!(
            findings.errors.iter().all(|e| e.message.contains("or copy more than 10000 values")),
            "{:?}",
            findings.errors
        );
    }

    #[test]
    fn references_elsewhere_are_errors_that_name_the_place() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"$ref": "other.yaml#/Thing"},
            "B": {"$ref": "#/components/schemas/A/nope/0"}
        }}});
        let findings = rewrite(&mut doc);
        let errors: Vec<String> = findings.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0]
                .starts_with("#/components/schemas/A/$ref: $ref \"other.yaml#/Thing\" points into another document")
        );
        assert!(
            errors[1]
                .starts_with("#/components/schemas/B/$ref: $ref \"#/components/schemas/A/nope/0\" points at nothing")
        );
    }
}
