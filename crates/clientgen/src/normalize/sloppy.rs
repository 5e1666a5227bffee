//! Sloppy specs whose intent is clear, repaired with a warning at the place: a missing `info`,
//! `title` or `version`; `required` written as text (`"true"`, `"optional"`) on a parameter,
//! request body or header; a Swagger-style string `discriminator` in a 3.x schema; a path
//! template variable no parameter declares (taken as a required string); and a declared path
//! parameter the path template does not name (dropped, never an argument the client ignores).
//! What is unclear (a `required` of `"maybe"`) is left for the later stages to refuse.

use serde_json::{Map, Value, json};

use super::{Findings, is_method};
use crate::diag::{Diagnostic, escape_segment, unescape_segment};

/// The title and version a document without them is read with.
const TITLE: &str = "API";
const VERSION: &str = "0.0.0";

/// Runs every repair of this module on `doc`.
pub(super) fn repair(doc: &mut Value, findings: &mut Findings) {
    fill_info(doc, findings);
    text_required(doc, findings);
    path_parameters(doc, findings);
}

/// A missing `info`, or its missing `title` and `version`, filled in.
fn fill_info(doc: &mut Value, findings: &mut Findings) {
    let Some(root) = doc.as_object_mut() else { return };
    if !root.get("info").is_some_and(Value::is_object) {
        root.insert("info".to_owned(), Value::Object(Map::new()));
        findings
            .warnings
            .push(Diagnostic::at("#/info", format!("no `info`: read as title {TITLE:?}, version {VERSION:?}")));
    }
    let Some(Value::Object(info)) = root.get_mut("info") else { return };
    for (key, value) in [("title", TITLE), ("version", VERSION)] {
        // Missing or null only: a value of another kind is the later stages' to refuse.
        if info.get(key).is_none_or(Value::is_null) {
            info.insert(key.to_owned(), Value::String(value.to_owned()));
            findings.warnings.push(Diagnostic::at(format!("#/info/{key}"), format!("no `{key}`: read as {value:?}")));
        }
    }
}

/// A `required` written as text, read as the boolean it says; none when it says no clear one.
fn text_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "required" | "1" => Some(true),
        "false" | "no" | "optional" | "0" => Some(false),
        _ => None,
    }
}

/// Reads `object.required` as a boolean when it is text that says one.
fn fix_required(object: &mut Map<String, Value>, pointer: &str, findings: &mut Findings) {
    let Some(Value::String(text)) = object.get("required") else { return };
    let Some(flag) = text_flag(text) else { return };
    let message = format!("`required: {text:?}` read as `{flag}`");
    object.insert("required".to_owned(), Value::Bool(flag));
    findings.warnings.push(Diagnostic::at(format!("{pointer}/required"), message));
}

/// `required` as text on every parameter, request body and header the document declares.
fn text_required(doc: &mut Value, findings: &mut Findings) {
    let Some(root) = doc.as_object_mut() else { return };
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for section in ["parameters", "requestBodies", "headers"] {
            let Some(Value::Object(entries)) = components.get_mut(section) else { continue };
            for (name, entry) in entries.iter_mut() {
                let at = format!("#/components/{section}/{}", escape_segment(name));
                if let Value::Object(entry) = entry {
                    fix_required(entry, &at, findings);
                }
            }
        }
    }
    let Some(Value::Object(paths)) = root.get_mut("paths") else { return };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        let item_at = format!("#/paths/{}", escape_segment(path));
        fix_list_required(item.get_mut("parameters"), &format!("{item_at}/parameters"), findings);
        for (method, operation) in item.iter_mut().filter(|(key, _)| is_method(key)) {
            let Value::Object(operation) = operation else { continue };
            let at = format!("{item_at}/{method}");
            fix_list_required(operation.get_mut("parameters"), &format!("{at}/parameters"), findings);
            if let Some(Value::Object(body)) = operation.get_mut("requestBody") {
                fix_required(body, &format!("{at}/requestBody"), findings);
            }
        }
    }
}

/// [`fix_required`] on each object of a parameter list.
fn fix_list_required(list: Option<&mut Value>, pointer: &str, findings: &mut Findings) {
    let Some(Value::Array(list)) = list else { return };
    for (index, entry) in list.iter_mut().enumerate() {
        if let Value::Object(entry) = entry {
            fix_required(entry, &format!("{pointer}/{index}"), findings);
        }
    }
}

/// A Swagger-style `discriminator: petType` in a 3.x schema → `{propertyName: petType}`.
pub(super) fn fix_discriminator(schema: &mut Map<String, Value>, pointer: &str, findings: &mut Findings) {
    let Some(Value::String(property)) = schema.get("discriminator") else { return };
    let property = property.clone();
    findings.warnings.push(Diagnostic::at(
        format!("{pointer}/discriminator"),
        format!("a `discriminator` is an object; `{property:?}` read as `{{propertyName: {property:?}}}`"),
    ));
    schema.insert("discriminator".to_owned(), json!({ "propertyName": property }));
}

/// The variables of a path template (`id` of `/pets/{id}`), in order.
fn template_names(path: &str) -> Vec<String> {
    let path = path.split('?').next().unwrap_or_default();
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        names.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    names
}

/// The `(in, name)` of a parameter entry, following a `$ref` to `#/components/parameters`.
fn parameter_key(root: &Map<String, Value>, entry: &Value) -> Option<(String, String)> {
    let entry = match entry.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = unescape_segment(reference.strip_prefix("#/components/parameters/")?);
            root.get("components")?.get("parameters")?.get(&name)?
        }
        None => entry,
    };
    Some((entry.get("in")?.as_str()?.to_owned(), entry.get("name")?.as_str()?.to_owned()))
}

/// Path parameters against each path's template: a declared one the template does not name is
/// dropped; a template variable no parameter declares is added as a required string. An
/// operation with both (`{id}` beside a declared `petId`) is left alone: which was meant is
/// unclear, and lowering refuses it naming the variable.
fn path_parameters(doc: &mut Value, findings: &mut Findings) {
    let Some(root) = doc.as_object_mut() else { return };
    let Some(Value::Object(paths)) = root.get("paths") else { return };
    // What to change, found first: the components are read while the paths are walked.
    let mut drops: Vec<(String, Option<String>, usize)> = Vec::new();
    let mut adds: Vec<(String, String, String)> = Vec::new();
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        let names = template_names(path);
        let item_at = format!("#/paths/{}", escape_segment(path));
        let keys = |list: Option<&Value>| -> Vec<Option<(String, String)>> {
            list.and_then(Value::as_array)
                .map(|list| list.iter().map(|entry| parameter_key(root, entry)).collect())
                .unwrap_or_default()
        };
        // The indexes of a list's path parameters the template does not name.
        let orphans = |keys: &[Option<(String, String)>]| -> Vec<(usize, String)> {
            keys.iter()
                .enumerate()
                .filter_map(|(index, key)| {
                    let (location, name) = key.as_ref()?;
                    (location == "path" && !names.contains(name)).then(|| (index, name.clone()))
                })
                .collect()
        };
        let shared = keys(item.get("parameters"));
        let shared_orphans = orphans(&shared);
        let mut item_drops = Vec::new();
        let mut item_adds = Vec::new();
        let mut unclear = false;
        for (method, operation) in item.iter().filter(|(key, _)| is_method(key)) {
            let own = keys(operation.get("parameters"));
            let own_orphans = orphans(&own);
            let declared = |name: &str| {
                shared.iter().chain(&own).flatten().any(|(location, declared)| location == "path" && declared == name)
            };
            let missing: Vec<&String> = names.iter().filter(|name| !declared(name)).collect();
            // A variable without a parameter beside a parameter without a variable is most
            // likely one misspelt: unclear, so left for lowering's error.
            let orphaned = !own_orphans.is_empty() || !shared_orphans.is_empty();
            if !missing.is_empty() && orphaned {
                unclear = true;
                continue;
            }
            let at = format!("{item_at}/{method}");
            for (index, name) in own_orphans {
                item_drops.push((Some(method.clone()), index, format!("{at}/parameters/{index}"), name));
            }
            for name in missing {
                item_adds.push((method.clone(), name.clone(), at.clone()));
            }
        }
        if !unclear {
            for (index, name) in shared_orphans {
                item_drops.push((None, index, format!("{item_at}/parameters/{index}"), name));
            }
        }
        for (method, index, at, name) in item_drops {
            let message = format!("path parameter `{name}` is not in the path template; dropped");
            findings.warnings.push(Diagnostic::at(at, message));
            drops.push((path.clone(), method, index));
        }
        for (method, name, at) in item_adds {
            let message = format!("path variable `{{{name}}}` has no parameter; read as a required string");
            findings.warnings.push(Diagnostic::at(at, message));
            adds.push((path.clone(), method, name));
        }
    }
    let Some(Value::Object(paths)) = root.get_mut("paths") else { return };
    // Later indexes first, so the earlier ones stay where they were found.
    for (path, method, index) in drops.into_iter().rev() {
        let Some(Value::Object(item)) = paths.get_mut(&path) else { continue };
        let owner = match &method {
            Some(method) => item.get_mut(method).and_then(Value::as_object_mut),
            None => Some(item),
        };
        if let Some(Value::Array(list)) = owner.and_then(|owner| owner.get_mut("parameters")) {
            if index < list.len() {
                list.remove(index);
            }
        }
    }
    for (path, method, name) in adds {
        let Some(Value::Object(operation)) = paths.get_mut(&path).and_then(|item| item.get_mut(&method)) else {
            continue;
        };
        let list = operation.entry("parameters").or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            list.push(json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(mut doc: Value) -> (Value, Vec<String>) {
        let mut findings = Findings::default();
        repair(&mut doc, &mut findings);
        (doc, findings.warnings.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn a_missing_info_is_filled_in_with_a_warning() {
        let (doc, warnings) = repaired(json!({"openapi": "3.0.3", "paths": {}}));
        assert_eq!(doc["info"], json!({"title": "API", "version": "0.0.0"}));
        assert_eq!(warnings.len(), 3, "{warnings:?}");
    }

    #[test]
    fn required_as_text_is_read_when_it_is_clear() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {
            "parameters": [{"name": "q", "in": "query", "required": "optional"}, {"name": "r", "in": "query", "required": "maybe"}],
            "requestBody": {"required": "true", "content": {}}}}}});
        let (doc, warnings) = repaired(doc);
        let get = &doc["paths"]["/a"]["get"];
        assert_eq!(get["parameters"][0]["required"], json!(false));
        assert_eq!(get["parameters"][1]["required"], json!("maybe"), "unclear text is left for later stages");
        assert_eq!(get["requestBody"]["required"], json!(true));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn path_parameters_follow_the_template() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "components": {"parameters": {"Gone": {"name": "gone", "in": "path", "required": true}}},
            "paths": {
                "/videos/{video_id}": {"get": {"parameters": [{"name": "q", "in": "query"}]}},
                "/channels/{channel_id}": {"get": {"parameters": [
                    {"name": "channel_id", "in": "path", "required": true},
                    {"name": "extra", "in": "path", "required": true},
                    {"$ref": "#/components/parameters/Gone"}]}}}});
        let (doc, warnings) = repaired(doc);
        let names = |path: &str| -> Vec<String> {
            let list = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
            list.iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(names("/videos/{video_id}"), ["q", "video_id"]);
        assert_eq!(doc["paths"]["/videos/{video_id}"]["get"]["parameters"][1]["required"], json!(true));
        assert_eq!(names("/channels/{channel_id}"), ["channel_id"]);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
    }

    #[test]
    fn a_variable_beside_an_orphan_parameter_is_left_for_the_error() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/pets/{id}": {"get": {"parameters": [{"name": "petId", "in": "path", "required": true}]}}}});
        let (after, warnings) = repaired(doc.clone());
        assert_eq!(after["paths"], doc["paths"]);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_string_discriminator_becomes_an_object() {
        let mut schema = json!({"discriminator": "petType"});
        let mut findings = Findings::default();
        fix_discriminator(schema.as_object_mut().unwrap(), "#/components/schemas/Pet", &mut findings);
        assert_eq!(schema, json!({"discriminator": {"propertyName": "petType"}}));
        assert_eq!(findings.warnings.len(), 1);
    }
}
