//! Synthetic specs of a chosen size, for measuring how codegen's cost grows with an API
//! (`cargo xtask synthetic`, and the growth section of `cargo xtask bench`).
//!
//! Two shapes: a chain of schemas, each with a field referring to the next (deep reference
//! graphs: cycle checks, boxing, fixpoints), and independent operations, each with a schema of
//! its own (wide APIs: naming, collision checks, per-operation work).

use std::fmt::Write as _;

/// The shapes a synthetic spec can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shape {
    /// `n` schemas, each with a field referring to the next; one operation returns the first.
    Chain,
    /// `n` operations, each with a body and a response schema of its own.
    Operations,
}

/// The spec text (JSON) of `shape` at size `n`.
pub fn spec(shape: Shape, n: usize) -> String {
    let mut paths = String::new();
    let mut schemas = String::new();
    match shape {
        Shape::Chain => {
            paths.push_str(&operation("/first", "getFirst", "Link0", None));
            for i in 0..n {
                let next = if i + 1 < n {
                    format!(r##","next":{{"$ref":"#/components/schemas/Link{}"}}"##, i + 1)
                } else {
                    String::new()
                };
                let comma = if i == 0 { "" } else { "," };
                let _ = write!(
                    schemas,
                    r#"{comma}"Link{i}":{{"type":"object","required":["id"],"properties":{{"id":{{"type":"integer"}},"label":{{"type":"string"}}{next}}}}}"#
                );
            }
        }
        Shape::Operations => {
            for i in 0..n {
                let comma = if i == 0 { "" } else { "," };
                paths.push_str(comma);
                paths.push_str(&operation(
                    &format!("/items{i}/{{id}}"),
                    &format!("updateItem{i}"),
                    &format!("Item{i}"),
                    Some(i),
                ));
                let _ = write!(
                    schemas,
                    r#"{comma}"Item{i}":{{"type":"object","required":["id","name"],"properties":{{"id":{{"type":"integer","readOnly":true}},"name":{{"type":"string","maxLength":64}},"tags":{{"type":"array","items":{{"type":"string"}}}},"kind":{{"type":"string","enum":["a{i}","b{i}"]}}}}}}"#
                );
            }
        }
    }
    format!(
        r#"{{"openapi":"3.0.3","info":{{"title":"Synthetic","version":"1"}},"paths":{{{paths}}},"components":{{"schemas":{{{schemas}}}}}}}"#
    )
}

/// One path with one operation answering `schema`; with `body`, a PUT that takes it too.
fn operation(path: &str, id: &str, schema: &str, body: Option<usize>) -> String {
    let reference = format!(r##"{{"$ref":"#/components/schemas/{schema}"}}"##);
    let content = format!(r#"{{"application/json":{{"schema":{reference}}}}}"#);
    let response = format!(r#""responses":{{"200":{{"description":"ok","content":{content}}}}}"#);
    match body {
        None => format!(r#""{path}":{{"get":{{"operationId":"{id}",{response}}}}}"#),
        Some(_) => format!(
            r#""{path}":{{"put":{{"operationId":"{id}","parameters":[{{"name":"id","in":"path","required":true,"schema":{{"type":"integer"}}}}],"requestBody":{{"required":true,"content":{content}}},{response}}}}}"#
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_generate_at_a_small_size() {
        for shape in [Shape::Chain, Shape::Operations] {
            let text = spec(shape, 5);
            let input = clientgen::Input::spec(clientgen::Source { name: "synthetic.json", text: &text });
            let lowered = clientgen::lower(&input, &clientgen::Config::new("synthetic"))
                .unwrap_or_else(|e| panic!("{shape:?}: {e}"));
            let (types, operations) = (lowered.api.types.len(), lowered.api.operations.len());
            match shape {
                Shape::Chain => assert_eq!((types, operations), (5, 1)),
                // Each schema has a readOnly field, so two views, and an enum.
                Shape::Operations => assert_eq!((types >= 10, operations), (true, 5)),
            }
        }
    }
}
