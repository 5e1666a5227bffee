//! Resource groups: which group of calls each operation joins (`client.chat().create(..)`)
//! and the name of its method there.
//!
//! An operation's group comes from, in order: the SDK-naming extensions specs carry for other
//! generators (Fern's `x-fern-sdk-group-name`, Speakeasy's `x-speakeasy-group`), its first tag,
//! else the resource segment of its path: the first literal segment that is not a version or
//! `api` prefix (`customers` of `/v1/customers/{customer}`). A path that starts with a
//! parameter names no resource: such an operation stays on the client itself. An API with
//! fewer than two groups is not grouped at all (a one-resource API's calls stay methods of
//! the client), nor one whose root says `x-clientgen-groups: false`.
//!
//! Method names follow the REST conventions where the path says what the call does, relative
//! to the group's base (the literal segments all its paths start with): on the base itself
//! `list` (GET), `create` (POST), `update` (PUT, PATCH), `delete` (DELETE); on one item of it
//! (`{id}`) `retrieve`, `update`, `delete`; an action after it (`/search`, `/{id}/cancel`) is
//! named by its segment. Where two operations of a group would take one such name, or the path
//! says none, the name comes from the operationId with the group's own words taken out
//! (`listChatCompletionMessages` in `chat` is `list_completion_messages`). The extensions'
//! method names (`x-fern-sdk-method-name`, `x-speakeasy-name-override`) and `x-rust-name` come
//! before all of these.

use indexmap::IndexMap;
use openapiv3::{OpenAPI, Operation, ReferenceOr};

use crate::naming::{self, Scope};

/// The root extension (`true` or `false`) that turns resource groups on or off.
pub const EXTENSION: &str = "x-clientgen-groups";

/// Fern's group of an operation: a name, or a list of nested names.
const FERN_GROUP: &str = "x-fern-sdk-group-name";
/// Fern's method name of an operation.
const FERN_METHOD: &str = "x-fern-sdk-method-name";
/// Speakeasy's group of an operation, nested groups joined by dots.
const SPEAKEASY_GROUP: &str = "x-speakeasy-group";
/// Speakeasy's method name of an operation.
const SPEAKEASY_METHOD: &str = "x-speakeasy-name-override";

/// Where each operation goes, decided before any method name is claimed.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// The groups, in the order their first operation comes; empty when the API is not grouped.
    pub groups: Vec<PlannedGroup>,
    /// Each operation's group (an index into `groups`) and its method's name there, by
    /// `(path, method)`. An operation that is not here stays on the client.
    pub placed: IndexMap<(String, String), (usize, String)>,
}

/// One group, before its names are claimed.
#[derive(Debug)]
pub(super) struct PlannedGroup {
    /// The name the group was found under (a tag, an extension's value, a path segment).
    pub key: String,
    /// The tag's description, when the group is a tag that the spec describes.
    pub doc: Option<String>,
}

/// Decides the groups of `doc`'s operations.
pub(super) fn plan(doc: &OpenAPI, extra: &[super::operations::ExtraOperation]) -> Plan {
    if doc.extensions.get(EXTENSION).and_then(serde_json::Value::as_bool) == Some(false) {
        return Plan::default();
    }
    // Each operation's group key, explicit method name and the rest of its group name.
    struct Found<'a> {
        path: &'a str,
        method: &'a str,
        op: &'a Operation,
        key: String,
        named: Option<String>,
    }
    let mut found: Vec<Found<'_>> = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        let others = super::operations::extra_of(extra, path).map(|(e, op)| (e.key(), op));
        for (method, op) in item.iter().chain(others) {
            let Some((key, nested)) = group_of(op, path) else { continue };
            let named = method_override(op).map(|name| match nested.is_empty() {
                true => name,
                false => format!("{} {name}", nested.join(" ")),
            });
            found.push(Found { path, method, op, key, named });
        }
    }
    // Keys that name one accessor are one group (the tag `Responses` and the untagged
    // `/responses/compact`'s segment), under the first key met.
    let mut keys: IndexMap<String, Vec<usize>> = IndexMap::new();
    let mut by_name: IndexMap<String, String> = IndexMap::new();
    for (index, f) in found.iter().enumerate() {
        let key = by_name.entry(naming::field_name(&f.key)).or_insert_with(|| f.key.clone()).clone();
        keys.entry(key).or_default().push(index);
    }
    if keys.len() < 2 {
        return Plan::default();
    }
    let mut plan = Plan::default();
    for (group, (key, members)) in keys.iter().enumerate() {
        let doc_text = doc.tags.iter().find(|t| &t.name == key).and_then(|t| t.description.clone());
        plan.groups.push(PlannedGroup { key: key.clone(), doc: doc_text });
        let paths: Vec<&str> = members.iter().map(|&i| found[i].path).collect();
        let base = base_len(&paths);
        // The REST name each member would take, and how many members would take it.
        // Whether the base is a collection: some path goes on to one item of it (`/{id}`).
        let collection = paths.iter().any(|p| segments(p).get(base).is_some_and(|s| s.starts_with('{')));
        let candidates: Vec<Option<String>> = members
            .iter()
            .map(|&i| {
                let f = &found[i];
                let verb = f.op.operation_id.as_deref().map(first_word).unwrap_or_default();
                let name = rest_name(f.path, f.method, base)?;
                let name = match name.as_str() {
                    "list" if verb != "list" && !returns_list(doc, f.op).unwrap_or(collection) => "retrieve".to_owned(),
                    "retrieve" if verb == "list" => "list".to_owned(),
                    _ => name,
                };
                agrees(&name, &verb).then_some(name)
            })
            .collect();
        let mut counts: IndexMap<&str, usize> = IndexMap::new();
        for name in candidates.iter().flatten() {
            *counts.entry(name.as_str()).or_default() += 1;
        }
        for (&i, candidate) in members.iter().zip(&candidates) {
            let f = &found[i];
            let name = f
                .named
                .clone()
                .or_else(|| candidate.clone().filter(|name| counts[name.as_str()] == 1))
                .unwrap_or_else(|| without_group_words(&operation_name(f.op, f.method, f.path), key));
            plan.placed.insert((f.path.to_owned(), f.method.to_owned()), (group, name));
        }
    }
    plan
}

/// The first word of an operationId, in lower case (`search` of `searchAuditEntries`).
fn first_word(id: &str) -> String {
    naming::field_name(id).trim_start_matches("r#").split('_').next().unwrap_or_default().to_owned()
}

/// The words operationIds start with for each REST name.
const REST_VERBS: &[(&str, &[&str])] = &[
    ("list", &["list", "get", "fetch", "read", "all", "index"]),
    ("retrieve", &["get", "retrieve", "read", "show", "fetch", "describe", "find"]),
    ("create", &["create", "post", "add", "new", "insert", "make"]),
    ("update", &["update", "put", "patch", "modify", "set", "replace", "edit", "post", "save"]),
    ("delete", &["delete", "remove", "destroy", "del"]),
];

/// Verbs other than the REST ones that operationIds start with: an operation whose id starts
/// with one does something the path's conventions do not say (`searchAuditEntries` on a POST
/// is no `create`).
const OTHER_VERBS: &[&str] = &[
    "search", "query", "count", "download", "upload", "export", "import", "send", "run", "start", "stop", "cancel",
    "close", "open", "verify", "confirm", "capture", "validate", "check", "submit", "publish", "reset", "refresh",
    "restore", "archive", "approve", "reject", "test", "ping", "execute", "invoke",
];

/// Whether an operationId starting with `verb` agrees with the REST name `name`: it starts
/// with one of that name's words, or with no verb at all (`labels_get`, `GetCustomers`).
fn agrees(name: &str, verb: &str) -> bool {
    let Some((_, words)) = REST_VERBS.iter().find(|(rest, _)| *rest == name) else { return true };
    if words.contains(&verb) {
        return true;
    }
    let other_rest = REST_VERBS.iter().any(|(_, words)| words.contains(&verb));
    !other_rest && !OTHER_VERBS.contains(&verb)
}

/// Whether the first success response of `op` is a list: a JSON array, or an object with an
/// array property (`data`, `items`, a page's). A GET on a group's base that returns anything
/// else reads one thing (`/health`): `retrieve`, not `list`. None when no response says; the
/// base is then a list when the group's paths go on to its items.
fn returns_list(doc: &OpenAPI, op: &Operation) -> Option<bool> {
    use openapiv3::{SchemaKind, StatusCode, Type};
    let components = doc.components.as_ref();
    let schema_of = |item: &ReferenceOr<openapiv3::Schema>| -> Option<openapiv3::Schema> {
        match item {
            ReferenceOr::Item(schema) => Some(schema.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/schemas/")?;
                match components?.schemas.get(name)? {
                    ReferenceOr::Item(schema) => Some(schema.clone()),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    };
    let response = op.responses.responses.iter().find_map(|(status, response)| match status {
        StatusCode::Code(code) if (200..300).contains(code) => Some(response),
        StatusCode::Range(2) => Some(response),
        _ => None,
    });
    let response = match response {
        Some(ReferenceOr::Item(response)) => Some(response),
        Some(ReferenceOr::Reference { reference }) => reference
            .strip_prefix("#/components/responses/")
            .and_then(|name| components?.responses.get(name))
            .and_then(|r| r.as_item()),
        None => None,
    };
    let schema = response.and_then(|r| r.content.values().find_map(|m| m.schema.as_ref())).and_then(schema_of)?;
    Some(match &schema.schema_kind {
        SchemaKind::Type(Type::Array(_)) => true,
        SchemaKind::Type(Type::Object(object)) => object.properties.values().any(|property| {
            let property = match property {
                ReferenceOr::Item(schema) => Some((**schema).clone()),
                ReferenceOr::Reference { reference } => {
                    schema_of(&ReferenceOr::Reference { reference: reference.clone() })
                }
            };
            property.is_some_and(|p| matches!(p.schema_kind, SchemaKind::Type(Type::Array(_))))
        }),
        _ => false,
    })
}

/// An operation's group key and the nested group names below it, when it has a group.
fn group_of(op: &Operation, path: &str) -> Option<(String, Vec<String>)> {
    let names: Vec<String> = match (op.extensions.get(FERN_GROUP), op.extensions.get(SPEAKEASY_GROUP)) {
        (Some(serde_json::Value::String(name)), _) => vec![name.clone()],
        (Some(serde_json::Value::Array(names)), _) => {
            names.iter().filter_map(serde_json::Value::as_str).map(str::to_owned).collect()
        }
        (_, Some(serde_json::Value::String(name))) => name.split('.').map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let names: Vec<String> = names.into_iter().filter(|n| !naming::field_name(n).is_empty()).collect();
    if let Some((first, rest)) = names.split_first() {
        return Some((first.clone(), rest.to_vec()));
    }
    if let Some(tag) = op.tags.first() {
        return Some((tag.clone(), Vec::new()));
    }
    resource_segment(path).map(|segment| (segment.to_owned(), Vec::new()))
}

/// The explicit method name of an operation: `x-rust-name` (checked where operations are
/// lowered), else Fern's or Speakeasy's.
fn method_override(op: &Operation) -> Option<String> {
    [super::RUST_NAME, FERN_METHOD, SPEAKEASY_METHOD]
        .iter()
        .find_map(|key| op.extensions.get(*key)?.as_str())
        .filter(|name| !naming::field_name(name).is_empty())
        .map(str::to_owned)
}

/// The operationId, or a name made of the method and path.
fn operation_name(op: &Operation, method: &str, path: &str) -> String {
    op.operation_id.clone().unwrap_or_else(|| format!("{method} {path}"))
}

/// Whether a path segment is a version (`v1`, `v2beta`, `2024-01`, `1.0`) or `api` prefix
/// rather than a resource.
pub(super) fn is_prefix(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    if lower == "api" || lower == "rest" {
        return true;
    }
    let version = lower.strip_prefix('v').unwrap_or(&lower);
    version.starts_with(|c: char| c.is_ascii_digit())
        && version.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
}

/// The first literal segment of a path that is not a version or `api` prefix; none when a
/// parameter comes first.
pub(super) fn resource_segment(path: &str) -> Option<&str> {
    let path = path.split('?').next().unwrap_or_default();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if segment.contains('{') {
            return None;
        }
        if !is_prefix(segment) {
            return Some(segment);
        }
    }
    None
}

/// The segments of a path, without its query and empty segments.
fn segments(path: &str) -> Vec<&str> {
    path.split('?').next().unwrap_or_default().split('/').filter(|s| !s.is_empty()).collect()
}

/// How many literal segments every one of `paths` starts with (a parameter ends the base).
fn base_len(paths: &[&str]) -> usize {
    let all: Vec<Vec<&str>> = paths.iter().map(|p| segments(p)).collect();
    let Some(first) = all.first() else { return 0 };
    let mut len = 0;
    while let Some(segment) = first.get(len) {
        if segment.contains('{') || all.iter().any(|s| s.get(len) != Some(segment)) {
            break;
        }
        len += 1;
    }
    len
}

/// The REST name of `method` on `path`, whose first `base` segments are its group's base;
/// none when the path says nothing the conventions name, or the base is empty.
fn rest_name(path: &str, method: &str, base: usize) -> Option<String> {
    if base == 0 {
        return None;
    }
    let segments = segments(path);
    let rest = segments.get(base..)?;
    let is_param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let name = match (rest, method) {
        ([], "get") => "list",
        ([], "post") => "create",
        ([], "put" | "patch") => "update",
        ([], "delete") => "delete",
        ([id], "get") if is_param(id) => "retrieve",
        ([id], "post" | "put" | "patch") if is_param(id) => "update",
        ([id], "delete") if is_param(id) => "delete",
        ([action], _) if !action.contains('{') => return Some((*action).to_owned()),
        ([id, action], _) if is_param(id) && !action.contains('{') => return Some((*action).to_owned()),
        _ => return None,
    };
    Some(name.to_owned())
}

/// `name` in snake case with the words of the group `key` taken out, singular or plural
/// (`get_customers_customer_sources` in `customers` is `get_sources`); `name` whole when
/// nothing would be left.
fn without_group_words(name: &str, key: &str) -> String {
    let snake = naming::field_name(name);
    let words: Vec<&str> = snake.trim_start_matches("r#").split('_').filter(|w| !w.is_empty()).collect();
    let group = naming::field_name(key);
    let group: Vec<&str> = group.trim_start_matches("r#").split('_').filter(|w| !w.is_empty()).collect();
    let Some((last, head)) = group.split_last() else { return snake };
    let singular = singular(last);
    let mut kept: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let run = words.get(i..i + head.len() + 1);
        let matches = run
            .is_some_and(|run| run[..head.len()] == *head && (run[head.len()] == *last || run[head.len()] == singular));
        if matches {
            i += head.len() + 1;
        } else {
            kept.push(words[i]);
            i += 1;
        }
    }
    if kept.is_empty() { snake } else { naming::field_name(&kept.join("_")) }
}

/// A plural word's singular by its final `s` (`customers` → `customer`); a word ending in
/// `ss` (`address`) or without a final `s` as it is.
fn singular(word: &str) -> &str {
    if word.ends_with("ss") {
        return word;
    }
    word.strip_suffix('s').unwrap_or(word)
}

/// Claims each planned group's accessor on the client (in `client_methods`, the client's own
/// scope) and its handle's type name (in `handles`), and makes the model's groups.
pub(super) fn claim(plan: &Plan, client_methods: &mut Scope, handles: &mut Scope) -> Vec<crate::model::Group> {
    plan.groups
        .iter()
        .map(|g| {
            let accessor = client_methods.claim(&naming::field_name(&g.key));
            crate::model::Group {
                key: g.key.clone(),
                type_name: handles.claim(&naming::type_name(&accessor)),
                accessor,
                doc: g.doc.clone(),
                features: Vec::new(),
            }
        })
        .collect()
}

/// Sets each group's features: those of its operations, or none (always compiled) when one of
/// them is always compiled.
pub(super) fn gate(groups: &mut [crate::model::Group], operations: &[crate::model::Operation]) {
    for (index, group) in groups.iter_mut().enumerate() {
        let mut features: Vec<String> = Vec::new();
        for op in operations.iter().filter(|op| op.group == Some(index)) {
            if op.features.is_empty() {
                features.clear();
                break;
            }
            for feature in &op.features {
                if !features.contains(feature) {
                    features.push(feature.clone());
                }
            }
        }
        group.features = features;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_and_api_prefixes_are_not_resources() {
        assert_eq!(resource_segment("/v1/customers/{customer}"), Some("customers"));
        assert_eq!(resource_segment("/api/v2/users"), Some("users"));
        assert_eq!(resource_segment("/2024-01-01/things"), Some("things"));
        assert_eq!(resource_segment("/{tenant}/things"), None);
        assert_eq!(resource_segment("/vendors"), Some("vendors"));
    }

    #[test]
    fn rest_names_follow_the_path() {
        assert_eq!(rest_name("/v1/customers", "get", 2).as_deref(), Some("list"));
        assert_eq!(rest_name("/v1/customers/{c}", "post", 2).as_deref(), Some("update"));
        assert_eq!(rest_name("/v1/customers/search", "get", 2).as_deref(), Some("search"));
        assert_eq!(rest_name("/v1/payment_intents/{i}/cancel", "post", 2).as_deref(), Some("cancel"));
        assert_eq!(rest_name("/v1/customers/{c}/sources/{s}", "get", 2), None);
        assert_eq!(rest_name("/things", "get", 0), None);
    }

    #[test]
    fn an_operation_id_that_says_another_verb_keeps_its_name() {
        assert!(agrees("create", "create"));
        assert!(agrees("list", "get"));
        assert!(agrees("retrieve", "labels"));
        assert!(!agrees("create", "search"));
        assert!(!agrees("delete", "update"));
    }

    #[test]
    fn group_words_leave_the_operation_name() {
        assert_eq!(without_group_words("listChatCompletionMessages", "Chat"), "list_completion_messages");
        assert_eq!(without_group_words("GetCustomersCustomerSources", "customers"), "get_sources");
        assert_eq!(without_group_words("createFineTuningJob", "Fine-tuning"), "create_job");
        assert_eq!(without_group_words("customers", "customers"), "customers");
    }
}
