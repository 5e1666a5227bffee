//! Overlay stage: applies OpenAPI Overlay 1.0.0 documents to the spec's JSON tree.
//!
//! The overlay's tree (from the parse stage) is read and validated up front by
//! [`Overlay::read`]; [`Overlay::apply`] then runs its actions in order. Targets are RFC 9535 JSONPath queries evaluated with
//! `serde_json_path`; every matched node is addressed through its normalized path, turned
//! into a JSON pointer, and mutated in place. Problems in the overlay point into the overlay:
//! a line and column for syntax, a JSON pointer (`#/actions/2/target`) for the rest.

use serde_json::{Map, Value};
use serde_json_path::{JsonPath, PathElement};

use crate::diag::{Diagnostic, Error, Location};
use crate::tree::node_count;

/// How many JSON nodes the updates of one overlay may add to a document in all.
pub const UPDATE_BUDGET: usize = 100_000;

/// A parsed and validated overlay document, ready to be applied.
#[derive(Debug)]
pub struct Overlay {
    source: String,
    actions: Vec<Action>,
}

/// One entry of the overlay's `actions` array.
#[derive(Debug)]
struct Action {
    /// Position in `actions`, used in messages.
    index: usize,
    /// The target as written, used in messages.
    target_text: String,
    target: JsonPath,
    description: Option<String>,
    kind: ActionKind,
}

#[derive(Debug)]
enum ActionKind {
    Update(Value),
    Remove,
}

/// One step of a matched node's location, owned so the document can be mutated afterwards.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

/// A node matched by a target: its location as steps (for ordering) and as a JSON pointer.
#[derive(Debug)]
struct Match {
    steps: Vec<Step>,
    pointer: String,
}

impl Match {
    /// The JSON pointer of the parent node, or `None` for the root.
    fn parent_pointer(&self) -> Option<&str> {
        // Pointer tokens escape '/', so the last '/' always starts the last token.
        self.pointer.rsplit_once('/').map(|(parent, _)| parent)
    }
}

impl Overlay {
    /// Reads an overlay document from its JSON tree (see [`crate::parse::yaml_or_json`]).
    /// `source` names the file in messages.
    ///
    /// Every structural problem is reported, with its location, as an [`Error`];
    /// all JSONPath targets are compiled here, so [`Overlay::apply`] never sees a bad query.
    pub fn read(root: &Value, source: &str) -> Result<Overlay, Error> {
        let err = |place: &str, what: &str| Error::single(source, Diagnostic::at(format!("#{place}"), what));

        let top = root.as_object().ok_or_else(|| err("", "the overlay document must be a mapping"))?;
        check_keys(top, &["overlay", "info", "extends", "actions"])
            .map_err(|key| err("", &format!("unknown top-level field '{key}'")))?;

        match top.get("overlay") {
            None => return Err(err("", "missing required field 'overlay'")),
            Some(Value::String(v)) if is_supported_version(v) => {}
            Some(Value::String(v)) => {
                return Err(err("", &format!("unsupported overlay version '{v}' (expected 1.0.x)")));
            }
            Some(_) => return Err(err("", "'overlay' must be a string such as \"1.0.0\"")),
        }

        let info = match top.get("info") {
            None => return Err(err("", "missing required field 'info'")),
            Some(Value::Object(info)) => info,
            Some(_) => return Err(err("", "'info' must be a mapping")),
        };
        check_keys(info, &["title", "version"]).map_err(|key| err("/info", &format!("unknown field '{key}'")))?;
        for field in ["title", "version"] {
            match info.get(field) {
                Some(Value::String(_)) => {}
                Some(_) => return Err(err(&format!("/info/{field}"), "must be a string")),
                None => return Err(err("/info", &format!("missing required field '{field}'"))),
            }
        }

        if top.get("extends").is_some_and(|e| !e.is_string()) {
            return Err(err("", "'extends' must be a string"));
        }

        let actions = match top.get("actions") {
            None => return Err(err("", "missing required field 'actions'")),
            Some(Value::Array(actions)) if actions.is_empty() => {
                return Err(err("", "'actions' must contain at least one action"));
            }
            Some(Value::Array(actions)) => actions,
            Some(_) => return Err(err("", "'actions' must be a sequence")),
        };
        let actions = actions
            .iter()
            .enumerate()
            .map(|(index, value)| parse_action(index, value).map_err(|what| err(&format!("/actions/{index}"), &what)))
            .collect::<Result<Vec<_>, _>>()?;

        Ok(Overlay { source: source.to_string(), actions })
    }

    /// Applies every action in order to `doc`; returns one warning per action whose target
    /// matched nothing.
    ///
    /// Each action sees the result of the previous one. On error, `doc` may already hold the
    /// changes of earlier actions (and part of the failing one): callers that need the
    /// original on failure should apply the overlay to a copy.
    ///
    /// The updates of one overlay may add at most [`UPDATE_BUDGET`] nodes to the document in
    /// all (counted as matches × the update's size): an action whose target matches every
    /// node would otherwise grow the document geometrically, action after action.
    pub fn apply(&self, doc: &mut Value) -> Result<Vec<String>, Error> {
        let mut warnings = Vec::new();
        let mut budget = UPDATE_BUDGET;
        for action in &self.actions {
            let matches = find_matches(&action.target, doc);
            if matches.is_empty() {
                warnings.push(format!(
                    "{}: #/actions/{}: {} matched nothing",
                    self.source,
                    action.index,
                    action.label()
                ));
                continue;
            }
            let result = match &action.kind {
                ActionKind::Update(update) => {
                    let growth = matches.len().saturating_mul(node_count(update));
                    match budget.checked_sub(growth) {
                        Some(left) => {
                            budget = left;
                            apply_update(doc, &matches, update)
                        }
                        None => Err(format!(
                            "updating {} matched nodes would add up to {growth} nodes to the document, \
                             past the {UPDATE_BUDGET} that one overlay's updates may add in all",
                            matches.len()
                        )),
                    }
                }
                ActionKind::Remove => apply_remove(doc, matches),
            };
            result.map_err(|what| {
                let location = Location::Pointer(format!("#/actions/{}", action.index));
                Error::single(&self.source, Diagnostic { location, message: format!("{}: {what}", action.label()) })
            })?;
        }
        Ok(warnings)
    }

    /// The name the overlay was parsed under.
    pub fn source(&self) -> &str {
        &self.source
    }
}

impl Action {
    /// `target T (description D)`, naming the action in messages after its pointer.
    fn label(&self) -> String {
        match &self.description {
            Some(d) => format!("target {} ({d})", self.target_text),
            None => format!("target {}", self.target_text),
        }
    }
}

/// Accepts `1.0.<digits>`.
fn is_supported_version(version: &str) -> bool {
    version.strip_prefix("1.0.").is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

/// Returns the first key that is neither in `allowed` nor a `x-` extension.
fn check_keys<'a>(map: &'a Map<String, Value>, allowed: &[&str]) -> Result<(), &'a str> {
    match map.keys().find(|k| !k.starts_with("x-") && !allowed.contains(&k.as_str())) {
        Some(key) => Err(key),
        None => Ok(()),
    }
}

/// Validates one action; the error text is prefixed with the action's place by the caller.
fn parse_action(index: usize, value: &Value) -> Result<Action, String> {
    let map = value.as_object().ok_or_else(|| "an action must be a mapping".to_string())?;
    check_keys(map, &["target", "description", "update", "remove"]).map_err(|key| format!("unknown field '{key}'"))?;

    let target_text = match map.get("target") {
        Some(Value::String(t)) => t.clone(),
        Some(_) => return Err("'target' must be a string".to_string()),
        None => return Err("missing required field 'target'".to_string()),
    };
    let target = JsonPath::parse(&target_text).map_err(|e| format!("invalid JSONPath '{target_text}': {e}"))?;

    let description = match map.get("description") {
        Some(Value::String(d)) => Some(d.clone()),
        Some(_) => return Err("'description' must be a string".to_string()),
        None => None,
    };

    let remove = match map.get("remove") {
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("'remove' must be a boolean".to_string()),
        None => false,
    };
    let kind = match (map.get("update"), remove) {
        (Some(_), true) => {
            return Err("an action must not have both 'update' and 'remove: true'".to_string());
        }
        (Some(update), false) => ActionKind::Update(update.clone()),
        (None, true) => ActionKind::Remove,
        (None, false) => {
            return Err("an action needs either 'update' or 'remove: true'".to_string());
        }
    };

    Ok(Action { index, target_text, target, description, kind })
}

/// Runs the query and returns each distinct matched location, in query order.
fn find_matches(path: &JsonPath, doc: &Value) -> Vec<Match> {
    let mut matches: Vec<Match> = Vec::new();
    for location in path.query_located(doc).locations() {
        let pointer = location.to_json_pointer();
        // A query such as `$.a[0,0]` can select the same node twice; act on it once.
        if matches.iter().any(|m| m.pointer == pointer) {
            continue;
        }
        let steps = location
            .iter()
            .map(|element| match element {
                PathElement::Name(name) => Step::Key((*name).to_string()),
                PathElement::Index(i) => Step::Index(*i),
            })
            .collect();
        matches.push(Match { steps, pointer });
    }
    matches
}

/// Merges `update` into (object) or appends it to (array) every matched node, in query order.
fn apply_update(doc: &mut Value, matches: &[Match], update: &Value) -> Result<(), String> {
    for m in matches {
        // An earlier match of the same action may have replaced this node's ancestor.
        let Some(node) = doc.pointer_mut(&m.pointer) else {
            continue;
        };
        match (node, update) {
            (Value::Object(target), Value::Object(fields)) => merge(target, fields),
            (Value::Object(_), _) => {
                return Err(format!("the node at '{}' is an object, so 'update' must be a mapping", m.pointer));
            }
            (Value::Array(items), _) => items.push(update.clone()),
            (_, _) => {
                return Err(format!(
                    "the node at '{}' is neither an object nor an array and cannot be updated",
                    m.pointer
                ));
            }
        }
    }
    Ok(())
}

/// Recursive merge: nested objects merge key by key, any other value replaces the old one.
fn merge(target: &mut Map<String, Value>, fields: &Map<String, Value>) {
    for (key, value) in fields {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(nested)) => merge(existing, nested),
            (_, _) => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Removes every matched node from its parent.
fn apply_remove(doc: &mut Value, mut matches: Vec<Match>) -> Result<(), String> {
    if matches.iter().any(|m| m.steps.is_empty()) {
        return Err("the root of the document cannot be removed".to_string());
    }
    // Work from the last location to the first: higher array indices go before lower ones
    // (so the remaining indices stay valid) and descendants go before their ancestors.
    matches.sort_by(|a, b| b.steps.cmp(&a.steps));
    for m in &matches {
        let (Some(parent_pointer), Some(last)) = (m.parent_pointer(), m.steps.last()) else {
            continue;
        };
        match (doc.pointer_mut(parent_pointer), last) {
            (Some(Value::Object(map)), Step::Key(key)) => {
                // `retain` keeps key order with serde_json's `preserve_order`, unlike `remove`.
                map.retain(|k, _| k != key);
            }
            (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
                items.remove(*i);
            }
            // Already gone together with an ancestor, or otherwise no longer there.
            _ => {}
        }
    }
    Ok(())
}
