//! How arrays and maps that hold themselves (generated as tuple structs) travel: as the list
//! or map they wrap, unchanged both ways.

use http_fixture::types::{Index, Tree};
use serde_json::json;

#[test]
fn a_list_that_holds_itself_is_the_list_on_the_wire() {
    let wire = json!([[], [[]], [[[]], []]]);
    let tree: Tree = serde_json::from_value(wire.clone()).expect("decodes");
    assert_eq!(
        tree,
        Tree(vec![Tree(vec![]), Tree(vec![Tree(vec![])]), Tree(vec![Tree(vec![Tree(vec![])]), Tree(vec![])])])
    );
    assert_eq!(serde_json::to_value(&tree).expect("encodes"), wire);
}

#[test]
fn a_map_that_holds_itself_is_the_map_on_the_wire() {
    let wire = json!({"a": {}, "b": {"c": {}}});
    let index: Index = serde_json::from_value(wire.clone()).expect("decodes");
    assert_eq!(index.0["b"].0["c"], Index::default());
    assert_eq!(serde_json::to_value(&index).expect("encodes"), wire);
    assert!(serde_json::from_value::<Index>(json!({"a": []})).is_err(), "a list is no map");
}
