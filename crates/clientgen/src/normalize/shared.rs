//! Copies of one titled schema become one component: an inline object schema whose `title` is
//! shared by other inline schemas of exactly the same shape (their descriptions and examples
//! aside) moves to `#/components/schemas/{title}`, and each copy becomes a `$ref` to it (with
//! its own description beside, as `allOf: [$ref]`). Specs written from a type system repeat a
//! type's whole schema wherever it is used (Stripe's `optional_fields_address` sixteen times);
//! without this, each copy is a type of its own, named after where it sits, and a value of one
//! cannot be passed where another is asked for.
//!
//! Only what is provably one type is shared: a title that also names a differently shaped
//! inline schema, or a component of another shape, is left as it is. Copies nested in copies
//! are shared innermost first, so the outer copies compare equal through their `$ref`s.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// The keys that do not make two copies different types.
const NOT_SHAPE: [&str; 3] = ["description", "example", "examples"];

/// One titled inline object schema found by [`collect`].
struct Copy {
    /// Its path from the document's root, as object keys and array indexes.
    path: Vec<Step>,
    /// Its shape: its JSON without [`NOT_SHAPE`], keys sorted.
    shape: String,
    /// Whether another titled inline object schema is inside it.
    holds_copy: bool,
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Shares every titled schema that is provably one type; returns the titles shared, in order.
pub fn share_titled_schemas(doc: &mut Value) -> Vec<String> {
    let mut shared = Vec::new();
    // Each round shares the innermost copies; their holders compare equal in the next.
    loop {
        let mut copies = Vec::new();
        collect_document(doc, &mut Vec::new(), &mut copies);
        let chosen = choose(doc, &copies);
        if chosen.is_empty() {
            break;
        }
        for (title, (schema, paths)) in chosen {
            for path in paths {
                let Some(slot) = at_mut(doc, &path) else { continue };
                let description = slot.get("description").cloned();
                *slot = reference(&title, description);
            }
            if let Some(schemas) = components_mut(doc) {
                schemas.entry(title.clone()).or_insert(schema);
            }
            shared.push(title);
        }
    }
    shared
}

/// The titles to share this round, each with the schema its component holds and the paths of
/// its copies: titles whose copies all have one shape, hold no other copy, are at least two or
/// match a component of that name and shape, and whose name no other component takes.
fn choose(doc: &Value, copies: &[Copy]) -> BTreeMap<String, (Value, Vec<Vec<Step>>)> {
    let mut by_title: BTreeMap<String, Vec<&Copy>> = BTreeMap::new();
    for copy in copies {
        if let Some(title) = at(doc, &copy.path).and_then(|s| s.get("title")).and_then(Value::as_str) {
            by_title.entry(title.to_owned()).or_default().push(copy);
        }
    }
    let components = doc.pointer("/components/schemas").and_then(Value::as_object);
    let mut chosen = BTreeMap::new();
    for (title, group) in by_title {
        let shapes: BTreeSet<&str> = group.iter().map(|copy| copy.shape.as_str()).collect();
        if shapes.len() != 1 || group.iter().any(|copy| copy.holds_copy) {
            continue;
        }
        let Some(first) = at(doc, &group[0].path) else { continue };
        let existing = components.and_then(|schemas| schemas.get(&title));
        match existing {
            Some(component) if shape(component) != group[0].shape => continue,
            None if group.len() < 2 => continue,
            _ => {}
        }
        let mut schema = first.clone();
        if let Value::Object(map) = &mut schema {
            for key in NOT_SHAPE {
                map.remove(key);
            }
        }
        chosen.insert(title, (schema, group.iter().map(|copy| copy.path.clone()).collect()));
    }
    chosen
}

/// `{$ref}` to the component `title`, or `{allOf: [{$ref}], description}` keeping the copy's
/// own description.
fn reference(title: &str, description: Option<Value>) -> Value {
    let target = serde_json::json!({ "$ref": format!("#/components/schemas/{}", crate::diag::escape_segment(title)) });
    match description {
        Some(description) => serde_json::json!({ "allOf": [target], "description": description }),
        None => target,
    }
}

/// A schema's shape: its JSON without [`NOT_SHAPE`] at the top, keys sorted (serde_json's
/// map keeps insertion order, so the text is built from a sorted copy).
fn shape(schema: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let ordered: BTreeMap<&String, Value> = map.iter().map(|(k, v)| (k, sorted(v))).collect();
                Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    let mut top = schema.clone();
    if let Value::Object(map) = &mut top {
        for key in NOT_SHAPE {
            map.remove(key);
        }
    }
    sorted(&top).to_string()
}

/// Finds the schemas of the document outside `#/components/schemas`' own entries (those are
/// named already) and collects the titled inline object schemas among them.
fn collect_document(value: &Value, path: &mut Vec<Step>, copies: &mut Vec<Copy>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(Step::Key(key.clone()));
                match key.as_str() {
                    "example" | "examples" | "default" => {}
                    "schema" => {
                        collect_schema(child, path, copies);
                    }
                    "schemas" if path.len() == 2 && matches!(&path[0], Step::Key(k) if k == "components") => {
                        if let Value::Object(schemas) = child {
                            for (name, schema) in schemas {
                                path.push(Step::Key(name.clone()));
                                collect_inside(schema, path, copies);
                                path.pop();
                            }
                        }
                    }
                    _ => collect_document(child, path, copies),
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Step::Index(i));
                collect_document(child, path, copies);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Collects `schema` when it is a titled inline object schema, and the copies inside it;
/// returns whether it or something inside it was collected.
fn collect_schema(schema: &Value, path: &mut Vec<Step>, copies: &mut Vec<Copy>) -> bool {
    let holds_copy = collect_inside(schema, path, copies);
    let titled_object = schema.get("title").is_some_and(Value::is_string)
        && schema.get("$ref").is_none()
        && (schema.get("type").and_then(Value::as_str) == Some("object") || schema.get("properties").is_some());
    if titled_object {
        copies.push(Copy { path: path.clone(), shape: shape(schema), holds_copy });
    }
    titled_object || holds_copy
}

/// Collects the copies among the schemas inside `schema`; returns whether there were any.
fn collect_inside(schema: &Value, path: &mut Vec<Step>, copies: &mut Vec<Copy>) -> bool {
    let Value::Object(map) = schema else { return false };
    let mut found = false;
    for (key, child) in map {
        path.push(Step::Key(key.clone()));
        match (key.as_str(), child) {
            ("properties" | "patternProperties", Value::Object(children)) => {
                for (name, child) in children {
                    path.push(Step::Key(name.clone()));
                    found |= collect_schema(child, path, copies);
                    path.pop();
                }
            }
            ("items" | "additionalProperties" | "not", Value::Object(_)) => {
                found |= collect_schema(child, path, copies)
            }
            ("allOf" | "oneOf" | "anyOf", Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    found |= collect_schema(item, path, copies);
                    path.pop();
                }
            }
            _ => {}
        }
        path.pop();
    }
    found
}

fn at<'a>(doc: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(doc, |value, step| match step {
        Step::Key(key) => value.get(key),
        Step::Index(i) => value.get(i),
    })
}

fn at_mut<'a>(doc: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(doc, |value, step| match step {
        Step::Key(key) => value.get_mut(key),
        Step::Index(i) => value.get_mut(i),
    })
}

/// `#/components/schemas`, made when missing.
fn components_mut(doc: &mut Value) -> Option<&mut Map<String, Value>> {
    let root = doc.as_object_mut()?;
    let components = root.entry("components").or_insert_with(|| Value::Object(Map::new())).as_object_mut()?;
    components.entry("schemas").or_insert_with(|| Value::Object(Map::new())).as_object_mut()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn property(doc: &Value, pointer: &str) -> Value {
        doc.pointer(pointer).cloned().unwrap_or(Value::Null)
    }

    #[test]
    fn copies_of_one_shape_become_one_component_and_keep_their_descriptions() {
        let address = json!({"title": "address", "type": "object", "properties": {"city": {"type": "string"}}});
        let mut described = address.clone();
        described["description"] = json!("Where it ships.");
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"billing": address, "shipping": described}
            }}}}}}}
        });
        assert_eq!(share_titled_schemas(&mut doc), ["address"]);
        let body = "/paths/~1a/post/requestBody/content/application~1json/schema/properties";
        assert_eq!(property(&doc, &format!("{body}/billing")), json!({"$ref": "#/components/schemas/address"}));
        assert_eq!(
            property(&doc, &format!("{body}/shipping")),
            json!({"allOf": [{"$ref": "#/components/schemas/address"}], "description": "Where it ships."})
        );
        assert_eq!(property(&doc, "/components/schemas/address"), address);
    }

    #[test]
    fn a_title_with_two_shapes_or_a_taken_name_is_left_alone() {
        let one = json!({"title": "param", "type": "object", "properties": {"a": {"type": "string"}}});
        let two = json!({"title": "param", "type": "object", "properties": {"b": {"type": "string"}}});
        let mut doc = json!({
            "components": {"schemas": {
                "holder": {"type": "object", "properties": {"x": one, "y": one, "z": two}},
                "taken": {"type": "string"},
                "other": {"type": "object", "properties": {
                    "p": {"title": "taken", "type": "object"}, "q": {"title": "taken", "type": "object"}
                }}
            }}
        });
        let before = doc.clone();
        assert!(share_titled_schemas(&mut doc).is_empty());
        assert_eq!(doc, before);
    }

    #[test]
    fn nested_copies_are_shared_innermost_first() {
        let inner = json!({"title": "inner", "type": "object", "properties": {"v": {"type": "integer"}}});
        let outer = json!({"title": "outer", "type": "object", "properties": {"inner": inner}});
        let mut doc = json!({"components": {"schemas": {"a": {"properties": {"o": outer}}, "b": {"items": outer}}}});
        assert_eq!(share_titled_schemas(&mut doc), ["inner", "outer"]);
        assert_eq!(property(&doc, "/components/schemas/a/properties/o"), json!({"$ref": "#/components/schemas/outer"}));
        assert_eq!(
            property(&doc, "/components/schemas/outer/properties/inner"),
            json!({"$ref": "#/components/schemas/inner"})
        );
    }

    #[test]
    fn a_copy_of_a_component_of_that_name_and_shape_refers_to_it() {
        let address = json!({"title": "address", "type": "object", "properties": {"city": {"type": "string"}}});
        let mut doc = json!({"components": {"schemas": {
            "address": address,
            "holder": {"type": "object", "properties": {"home": address}}
        }}});
        assert_eq!(share_titled_schemas(&mut doc), ["address"]);
        assert_eq!(
            property(&doc, "/components/schemas/holder/properties/home"),
            json!({"$ref": "#/components/schemas/address"})
        );
        assert_eq!(property(&doc, "/components/schemas/address"), address);
    }
}
