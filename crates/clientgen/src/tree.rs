//! The spec's JSON tree between the stages: the depth limit every stage that walks it relies
//! on, node counts for the budgets of overlay and normalize, and the checks a tree must pass
//! before normalize and typed read it as an OpenAPI 3 document.

use serde_json::Value;

use crate::diag::{Diagnostic, Error, escape_segment};

/// How deeply a document may nest, in JSON pointer segments. Real specs stay under 30; a much
/// deeper tree would exhaust a thread's stack in the stages that walk it recursively.
pub const MAX_DEPTH: usize = 64;

/// Checks that nothing in the tree sits more than [`MAX_DEPTH`] levels down; the error names
/// the first place that does. The walk itself stops at the limit, so it cannot overflow.
pub fn check_depth(value: &Value, source_name: &str) -> Result<(), Error> {
    let Some(path) = too_deep(value, 0) else { return Ok(()) };
    let pointer = path.iter().rev().fold(String::from("#"), |pointer, segment| pointer + "/" + segment);
    Err(Error::single(
        source_name,
        Diagnostic::at(
            pointer,
            format!("nested more than {MAX_DEPTH} levels deep; the generator reads at most {MAX_DEPTH}"),
        ),
    ))
}

/// The escaped segments, innermost first, of the first place more than [`MAX_DEPTH`] levels
/// below `value` (itself `depth` levels down).
fn too_deep(value: &Value, depth: usize) -> Option<Vec<String>> {
    let mut children: Box<dyn Iterator<Item = (String, &Value)>> = match value {
        Value::Object(map) => Box::new(map.iter().map(|(key, child)| (escape_segment(key), child))),
        Value::Array(items) => Box::new(items.iter().enumerate().map(|(i, child)| (i.to_string(), child))),
        _ => return None,
    };
    if depth == MAX_DEPTH {
        return children.next().map(|(segment, _)| vec![segment]);
    }
    children.find_map(|(segment, child)| {
        too_deep(child, depth + 1).map(|mut path| {
            path.push(segment);
            path
        })
    })
}

/// Checks the tree is a Swagger 2.0 or OpenAPI 3 document: unknown versions get a clear error.
/// A 2.0 document passes; the swagger stage converts it before normalize.
pub fn check_version(value: &Value, source_name: &str) -> Result<(), Error> {
    let fail = |problem| Err(Error::single(source_name, problem));
    match value.get("swagger") {
        Some(Value::String(v)) if v == "2.0" => return Ok(()),
        Some(other) => {
            return fail(Diagnostic::at(
                "#/swagger",
                format!(
                    "unsupported Swagger version {other}; this generator reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2"
                ),
            ));
        }
        None => {}
    }
    match value.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.") => Ok(()),
        Some(other) => fail(Diagnostic::at(
            "#/openapi",
            format!("unsupported OpenAPI version {other}; this generator reads 3.0, 3.1 and 3.2"),
        )),
        None => fail(Diagnostic::document("no `openapi` field: this is not an OpenAPI 3 document")),
    }
}

/// Checks the tree is an OpenAPI 3 document, as normalize and typed read it: a Swagger 2.0
/// document must have been converted by the swagger stage first.
pub fn check_openapi3(value: &Value, source_name: &str) -> Result<(), Error> {
    check_version(value, source_name)?;
    if value.get("swagger").is_some() {
        let message = "Swagger 2.0 is read after the swagger stage converts it (`swagger::convert`)";
        return Err(Error::single(source_name, Diagnostic::at("#/swagger", message)));
    }
    Ok(())
}

/// The number of JSON values in a tree, itself included.
pub(crate) fn node_count(value: &Value) -> usize {
    node_count_within(value, usize::MAX).unwrap_or(usize::MAX)
}

/// [`node_count`], or `None` when the tree nests more than `max_depth` levels below its root.
pub(crate) fn node_count_within(value: &Value, max_depth: usize) -> Option<usize> {
    let mut count = 0;
    let mut stack = vec![(value, 0)];
    while let Some((value, depth)) = stack.pop() {
        count += 1;
        let children = match value {
            Value::Object(map) => map.len(),
            Value::Array(items) => items.len(),
            _ => 0,
        };
        if children > 0 && depth == max_depth {
            return None;
        }
        match value {
            Value::Object(map) => stack.extend(map.values().map(|child| (child, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().map(|child| (child, depth + 1))),
            _ => {}
        }
    }
    Some(count)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_first_place_too_deep_is_named() {
        let mut deep = json!("leaf");
        for level in (0..=MAX_DEPTH).rev() {
            deep = json!({ format!("k/{level}"): deep });
        }
        assert!(check_depth(&deep["k/0"], "x.yaml").is_ok());
        let err = check_depth(&deep, "x.yaml").unwrap_err().to_string();
        assert!(err.starts_with("x.yaml: #/k~10/k~11/"), "{err}");
        assert!(
            err.ends_with(&format!("/k~1{MAX_DEPTH}: nested more than 64 levels deep; the generator reads at most 64")),
            "{err}"
        );
    }

    #[test]
    fn node_counts_stop_at_the_depth_given() {
        let tree = json!({"a": [1, {"b": 2}], "c": null});
        assert_eq!(node_count(&tree), 6);
        assert_eq!(node_count_within(&tree, 3), Some(6));
        assert_eq!(node_count_within(&tree, 2), None);
    }
}
