//! The structure-aware mutator of `generate_tree`: reads the input as a JSON tree (a spec, or
//! `[spec, overlay, …]`), changes it the way OpenAPI documents vary (schema keywords,
//! readOnly/writeOnly, nullable, enums, allOf/oneOf/anyOf, `$ref`s to anywhere including
//! cycles, long reference chains, nesting, odd names, overlay actions) and writes it back as
//! compact JSON. Input that is not a tree gets libFuzzer's byte mutations instead.

use serde_json::{Map, Value, json};

/// The mutator: `data[..size]` in, the new length out (at most `max_size`).
pub fn mutate(data: &mut [u8], size: usize, max_size: usize, seed: u32) -> usize {
    let mut rng = Rng(u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let parsed = std::str::from_utf8(&data[..size]).ok().and_then(|text| serde_json::from_str::<Value>(text).ok());
    let Some(mut tree) = parsed else {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    };
    for _ in 0..1 + rng.below(3) {
        mutate_tree(&mut tree, &mut rng);
    }
    let text = tree.to_string().into_bytes();
    if text.len() > max_size || text.len() > data.len() {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    }
    data[..text.len()].copy_from_slice(&text);
    text.len()
}

/// A small deterministic generator (splitmix64); libFuzzer's seed makes runs reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const KEYS: &[&str] = &[
    "openapi", "info", "title", "version", "paths", "components", "schemas", "parameters", "requestBody",
    "requestBodies", "responses", "content", "schema", "properties", "required", "type", "format", "items",
    "allOf", "oneOf", "anyOf", "not", "nullable", "readOnly", "writeOnly", "enum", "const", "default",
    "discriminator", "propertyName", "mapping", "additionalProperties", "$ref", "in", "name", "style",
    "explode", "security", "securitySchemes", "servers", "url", "variables", "get", "put", "post", "delete",
    "patch", "head", "options", "trace", "operationId", "tags", "description", "summary", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems",
    "maxItems", "uniqueItems", "multipleOf", "examples", "example", "headers", "callbacks", "webhooks",
    "x-rust-name", "x-rust-request-doc", "deprecated", "$defs", "prefixItems", "contentMediaType", "scheme",
    "bearerFormat", "flows", "minProperties", "maxProperties", "title", "x-nullable", "encoding",
];

const STRINGS: &[&str] = &[
    "", " ", "type", "self", "Self", "super", "crate", "r#type", "123abc", "a b", "ü", "日本語", "\u{0}",
    "{id}", "/pets/{petId}", "/{a}/{a}", "/", "#/components/schemas/Pet", "#", "#/", "#/paths",
    "application/json", "multipart/form-data", "application/x-www-form-urlencoded", "text/plain",
    "application/octet-stream", "*/*", "application/*+json", "2XX", "default", "200", "201", "204", "999",
    "-", "_", "__", "None", "Unknown", "Other", "Nullable", "Decimal", "File", "Client", "Error", "Result",
    "Option", "String", "Vec", "Box", "\"quote", "back\\slash", "*/", "/*", "```rust\npanic!()\n```",
    "[link](javascript:x)", "<script>", "a\nb", "#[doc]", "}", "{", "query", "path", "header", "cookie",
    "string", "integer", "number", "boolean", "array", "object", "null", "int", "date-time", "date",
    "uuid", "binary", "byte", "decimal", "int32", "int64", "uri", "email", "float", "double", "password",
    "http", "https://example.com/v1", "bearer", "basic", "apiKey", "oauth2", "form", "simple",
    "deepObject", "pipeDelimited", "^a+$", "(", "[", "3.0.3", "3.1.0", "3.", "1.0.0", "$.paths", "$",
    "$..properties", "$.components.schemas.*", "$..[?@.type == 'object']",
];

const NUMBERS: &[f64] = &[0.0, -1.0, 1.0, 1.5, -0.5, 255.0, 65536.0, 1e20, -1e20, 1e308, 4294967296.0];

/// Every node's JSON pointer, the root first.
fn pointers(tree: &Value) -> Vec<String> {
    fn walk(value: &Value, at: &mut String, out: &mut Vec<String>) {
        out.push(at.clone());
        let len = at.len();
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    at.push('/');
                    at.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    walk(child, at, out);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    at.push('/');
                    at.push_str(&i.to_string());
                    walk(child, at, out);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(tree, &mut String::new(), &mut out);
    out
}

/// The spec inside the input: the first element of `[spec, overlay, …]`, or the whole tree.
fn spec_of(tree: &Value) -> &Value {
    match tree {
        Value::Array(items) if !items.is_empty() => &items[0],
        other => other,
    }
}

fn schema_names(tree: &Value) -> Vec<String> {
    spec_of(tree)
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default()
}

fn mutate_tree(tree: &mut Value, rng: &mut Rng) {
    let all = pointers(tree);
    let names = schema_names(tree);
    let at = rng.pick(&all).clone();
    match rng.below(12) {
        0 | 1 => {
            let new = snippet(rng, &names, &all, 3);
            set(tree, &at, new);
        }
        2 | 3 => {
            let key = (*rng.pick(KEYS)).to_owned();
            let value = value_for(&key, rng, &names, &all);
            match tree.pointer_mut(&at) {
                Some(Value::Object(map)) => {
                    map.insert(key, value);
                }
                Some(Value::Array(items)) => items.push(value),
                _ => {}
            }
        }
        4 => remove(tree, &at),
        5 => {
            // Copy a subtree over another node: repeats shapes, nests them, builds cycles.
            let source = rng.pick(&all).clone();
            if let Some(copy) = tree.pointer(&source).cloned() {
                set(tree, &at, copy);
            }
        }
        6 => {
            if let Some(node) = tree.pointer_mut(&at) {
                let inner = node.take();
                *node = wrap(inner, rng);
            }
        }
        7 => {
            if let Some(node) = tree.pointer_mut(&at) {
                tweak_scalar(node, rng);
            }
        }
        8 => {
            let target = if rng.chance(2) && !names.is_empty() {
                format!("#/components/schemas/{}", rng.pick(&names))
            } else {
                format!("#{}", rng.pick(&all))
            };
            set(tree, &at, json!({ "$ref": target }));
        }
        9 => chain(tree, rng),
        10 => overlay_action(tree, rng, &all, &names),
        _ => rename_key(tree, &at, rng),
    }
}

fn set(tree: &mut Value, at: &str, new: Value) {
    if let Some(node) = tree.pointer_mut(at) {
        *node = new;
    }
}

fn remove(tree: &mut Value, at: &str) {
    let Some((parent, last)) = at.rsplit_once('/') else { return };
    let key = last.replace("~1", "/").replace("~0", "~");
    match tree.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        _ => {}
    }
}

fn rename_key(tree: &mut Value, at: &str, rng: &mut Rng) {
    let Some((parent, last)) = at.rsplit_once('/') else { return };
    let key = last.replace("~1", "/").replace("~0", "~");
    let new_key = if rng.chance(2) { (*rng.pick(KEYS)).to_owned() } else { (*rng.pick(STRINGS)).to_owned() };
    if let Some(Value::Object(map)) = tree.pointer_mut(parent) {
        // Rebuilt in order, so the renamed key keeps its place.
        *map = std::mem::take(map)
            .into_iter()
            .map(|(k, v)| if k == key { (new_key.clone(), v) } else { (k, v) })
            .collect();
    }
}

fn wrap(inner: Value, rng: &mut Rng) -> Value {
    match rng.below(8) {
        0 => json!({ "allOf": [inner] }),
        1 => json!({ "oneOf": [inner, { "type": "null" }] }),
        2 => json!({ "anyOf": [inner, { "type": "string" }] }),
        3 => json!({ "type": "array", "items": inner }),
        4 => json!({ "type": "object", "properties": { "inner": inner }, "required": ["inner"] }),
        5 => json!({ "type": "object", "additionalProperties": inner }),
        6 => json!({ "content": { "application/json": { "schema": inner } } }),
        _ => json!([inner]),
    }
}

fn tweak_scalar(node: &mut Value, rng: &mut Rng) {
    *node = match node {
        Value::Bool(b) => Value::Bool(!*b),
        Value::Number(_) => number(rng),
        Value::String(s) => match rng.below(5) {
            0 => Value::String(format!("{s}{}", rng.pick(STRINGS))),
            1 => Value::String(s.repeat(2 + rng.below(40))),
            2 => Value::String(s.chars().rev().collect()),
            _ => Value::String((*rng.pick(STRINGS)).to_owned()),
        },
        Value::Null => Value::String((*rng.pick(STRINGS)).to_owned()),
        _ => return,
    };
}

fn number(rng: &mut Rng) -> Value {
    match rng.below(4) {
        0 => json!(i64::MAX),
        1 => json!(u64::MAX),
        2 => json!(i64::MIN),
        _ => {
            let n = *rng.pick(NUMBERS);
            if n.fract() == 0.0 && n.abs() < 1e15 { json!(n as i64) } else { json!(n) }
        }
    }
}

/// A value that fits `key` more often than not, so mutations get past the document's shape.
fn value_for(key: &str, rng: &mut Rng, names: &[String], all: &[String]) -> Value {
    if rng.chance(4) {
        return snippet(rng, names, all, 2);
    }
    match key {
        "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" | "explode" | "x-nullable" => {
            Value::Bool(!rng.chance(4))
        }
        "type" => type_value(rng),
        "required" => {
            let n = rng.below(4);
            Value::Array((0..n).map(|_| Value::String((*rng.pick(STRINGS)).to_owned())).collect())
        }
        "enum" => {
            let n = rng.below(5);
            Value::Array((0..n).map(|_| scalar(rng)).collect())
        }
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "minLength" | "maxLength"
        | "minItems" | "maxItems" | "multipleOf" | "minProperties" | "maxProperties" => {
            if rng.chance(5) { Value::Bool(true) } else { number(rng) }
        }
        "properties" | "schemas" | "$defs" | "mapping" => {
            let mut map = Map::new();
            for _ in 0..1 + rng.below(3) {
                map.insert((*rng.pick(STRINGS)).to_owned(), snippet(rng, names, all, 2));
            }
            Value::Object(map)
        }
        "allOf" | "oneOf" | "anyOf" | "prefixItems" | "parameters" => {
            Value::Array((0..1 + rng.below(3)).map(|_| snippet(rng, names, all, 2)).collect())
        }
        "discriminator" => json!({ "propertyName": rng.pick(STRINGS), "mapping": { "a": reference(rng, names, all) } }),
        "$ref" => reference(rng, names, all)["$ref"].take(),
        _ => Value::String((*rng.pick(STRINGS)).to_owned()),
    }
}

fn type_value(rng: &mut Rng) -> Value {
    const TYPES: &[&str] = &["string", "integer", "number", "boolean", "array", "object", "null", "int", "file"];
    if rng.chance(4) {
        json!([rng.pick(TYPES), "null"])
    } else {
        json!(rng.pick(TYPES))
    }
}

fn scalar(rng: &mut Rng) -> Value {
    match rng.below(5) {
        0 => number(rng),
        1 => Value::Bool(rng.chance(2)),
        2 => Value::Null,
        _ => Value::String((*rng.pick(STRINGS)).to_owned()),
    }
}

fn reference(rng: &mut Rng, names: &[String], all: &[String]) -> Value {
    let target = match rng.below(4) {
        0 | 1 if !names.is_empty() => format!("#/components/schemas/{}", rng.pick(names)),
        2 => format!("#{}", rng.pick(all)),
        _ => (*rng.pick(STRINGS)).to_owned(),
    };
    json!({ "$ref": target })
}

/// A schema-like value: the keywords lowering and emission care about, `depth` levels deep.
fn snippet(rng: &mut Rng, names: &[String], all: &[String], depth: usize) -> Value {
    if depth == 0 || rng.chance(5) {
        return match rng.below(3) {
            0 => reference(rng, names, all),
            1 => json!({ "type": type_value(rng) }),
            _ => scalar(rng),
        };
    }
    let mut map = Map::new();
    map.insert("type".to_owned(), type_value(rng));
    for _ in 0..rng.below(4) {
        let key = *rng.pick(&[
            "format", "enum", "nullable", "readOnly", "writeOnly", "properties", "required", "items",
            "allOf", "oneOf", "anyOf", "additionalProperties", "discriminator", "const", "default",
            "description", "minimum", "maximum", "exclusiveMinimum", "maxLength", "pattern", "title",
            "x-rust-name", "example",
        ]);
        let value = match key {
            "items" | "additionalProperties" => snippet(rng, names, all, depth - 1),
            "properties" => {
                let mut props = Map::new();
                for _ in 0..1 + rng.below(3) {
                    props.insert((*rng.pick(STRINGS)).to_owned(), snippet(rng, names, all, depth - 1));
                }
                Value::Object(props)
            }
            "allOf" | "oneOf" | "anyOf" => {
                Value::Array((0..1 + rng.below(3)).map(|_| snippet(rng, names, all, depth - 1)).collect())
            }
            other => value_for(other, rng, names, all),
        };
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

/// Adds a chain of component schemas, each referring to the next (and the last, sometimes,
/// to the first): long reference chains and cycles through every kind of reference.
fn chain(tree: &mut Value, rng: &mut Rng) {
    let spec = match tree {
        Value::Array(items) if !items.is_empty() => &mut items[0],
        other => other,
    };
    let Some(root) = spec.as_object_mut() else { return };
    let components = root.entry("components").or_insert_with(|| json!({}));
    let Some(components) = components.as_object_mut() else { return };
    let schemas = components.entry("schemas").or_insert_with(|| json!({}));
    let Some(schemas) = schemas.as_object_mut() else { return };
    let longest = if rng.chance(4) { 600 } else { 20 };
    let length = 2 + rng.below(longest);
    let kind = rng.below(6);
    let cycle = rng.chance(2);
    let start = schemas.len();
    for i in 0..length {
        let next = if i + 1 < length {
            format!("#/components/schemas/C{}", start + i + 1)
        } else if cycle {
            format!("#/components/schemas/C{start}")
        } else {
            "#/components/schemas/End".to_owned()
        };
        let link = json!({ "$ref": next });
        let schema = match kind {
            0 => json!({ "allOf": [link] }),
            1 => json!({ "type": "object", "properties": { "next": link }, "required": ["next"] }),
            2 => json!({ "oneOf": [link, { "type": "string" }] }),
            3 => json!({ "type": "array", "items": link }),
            4 => json!({ "type": "object", "additionalProperties": link }),
            _ => link,
        };
        schemas.insert(format!("C{}", start + i), schema);
    }
    schemas.entry("End").or_insert_with(|| json!({ "type": "object", "properties": { "id": { "type": "string", "readOnly": true } } }));
}

/// Appends an action to the overlay (making `[spec, overlay]` out of a bare spec first), aimed
/// at a node of the spec, at a wildcard, or at nothing.
fn overlay_action(tree: &mut Value, rng: &mut Rng, all: &[String], names: &[String]) {
    if !matches!(tree, Value::Array(items) if items.len() >= 2) {
        let spec = match tree.take() {
            Value::Array(mut items) if !items.is_empty() => items.remove(0),
            other => other,
        };
        *tree = json!([spec, { "overlay": "1.0.0", "info": { "title": "fuzz", "version": "1" }, "actions": [] }]);
    }
    let target = match rng.below(3) {
        0 => {
            let pointer = rng.pick(all).clone();
            // Pointers of the whole input start with /0 when the input is already a pair.
            let pointer = pointer.strip_prefix("/0").unwrap_or(&pointer).to_owned();
            let mut path = String::from("$");
            for segment in pointer.split('/').skip(1) {
                let segment = segment.replace("~1", "/").replace("~0", "~");
                match segment.parse::<usize>() {
                    Ok(i) => path.push_str(&format!("[{i}]")),
                    Err(_) => path.push_str(&format!("['{}']", segment.replace('\\', "\\\\").replace('\'', "\\'"))),
                }
            }
            path
        }
        1 => (*rng.pick(&[
            "$", "$.paths.*.*", "$..properties", "$.components.schemas.*", "$..[?@.type == 'object']", "$..*",
            "$.info", "$.paths['/nowhere']", "$..required", "$..enum[0]", "$..allOf", "$..$ref",
        ]))
        .to_owned(),
        _ => (*rng.pick(STRINGS)).to_owned(),
    };
    let action = match rng.below(3) {
        0 => json!({ "target": target, "remove": true }),
        1 => json!({ "target": target, "update": snippet(rng, names, all, 2) }),
        _ => json!({ "target": target, "update": { rng.pick(KEYS).to_owned(): value_for("type", rng, names, all) } }),
    };
    if let Some(Value::Array(actions)) = tree.pointer_mut("/1/actions") {
        actions.push(action);
    }
}
