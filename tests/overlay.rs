//! The overlay stage, data-driven: every `NAME.overlay.yaml` under `tests/fixtures/overlay/` is
//! applied to `NAME.spec.yaml` and the outcome (the resulting spec and warnings, or the error) is
//! snapshotted.

use std::fs;
use std::path::Path;

use clientgen::overlay::Overlay;
use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/overlay");

/// An overlay from its text, through the parse stage as the pipeline reads it.
fn read_overlay(text: &str, source: &str) -> Result<Overlay, clientgen::Error> {
    Overlay::read(&clientgen::parse::yaml_or_json(text, source)?, source)
}

/// Parses and applies one fixture pair, describing the outcome as a value to snapshot.
fn run_fixture(name: &str) -> Value {
    let dir = Path::new(FIXTURES);
    let overlay_file = format!("{name}.overlay.yaml");
    let overlay_text = fs::read_to_string(dir.join(&overlay_file)).unwrap();
    let spec_text = fs::read_to_string(dir.join(format!("{name}.spec.yaml"))).unwrap();
    let mut spec: Value = clientgen::parse::yaml_or_json(&spec_text, "spec.yaml").unwrap();

    let result = read_overlay(&overlay_text, &overlay_file).and_then(|o| o.apply(&mut spec));
    match result {
        Ok(warnings) => json!({ "warnings": warnings, "spec": spec }),
        Err(e) => json!({ "error": e.to_string() }),
    }
}

/// Every fixture runs and every mismatch is reported (`INSTA_GLOB_FILTER='**/remove-key.overlay.yaml'`
/// runs one); snapshots in `tests/snapshots/overlay/` (`outcome@remove-key.overlay.yaml.snap`).
#[test]
fn fixtures() {
    let mut count = 0;
    let mut failures = Vec::new();
    insta::with_settings!({ snapshot_path => "snapshots/overlay", prepend_module_to_snapshot => false }, {
        insta::glob!("fixtures/overlay/*.overlay.yaml", |path| {
            count += 1;
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            let name = file.trim_end_matches(".overlay.yaml");
            let outcome = run_fixture(name);
            // Fixtures named `error-*` must fail, all others must succeed.
            if name.starts_with("error-") != outcome.get("error").is_some() {
                let failure = format!("{name}: unexpected outcome {outcome}");
                eprintln!("{failure}");
                failures.push(failure);
            }
            insta::assert_yaml_snapshot!("outcome", outcome);
        });
    });
    assert!(count >= 10, "fixtures not found in {FIXTURES}");
    assert!(failures.is_empty(), "{} fixture(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn accepts_json_text() {
    let text = r#"{"overlay": "1.0.0", "info": {"title": "t", "version": "1"},
                   "x-note": "extensions are allowed",
                   "actions": [{"target": "$.a", "update": {"b": 2}}]}"#;
    let overlay = read_overlay(text, "overlay.json").unwrap();
    let mut doc = json!({"a": {"c": 1}});
    let warnings = overlay.apply(&mut doc).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(doc, json!({"a": {"c": 1, "b": 2}}));
}

#[test]
fn key_with_slash_and_tilde_is_removed() {
    let text =
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: \"$['a/~b']\"\n    remove: true\n";
    let overlay = read_overlay(text, "o.yaml").unwrap();
    let mut doc = json!({"a/~b": 1, "c": 2});
    overlay.apply(&mut doc).unwrap();
    assert_eq!(doc, json!({"c": 2}));
}

#[test]
fn removes_descendants_and_ancestors_together() {
    let text = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $..*\n    remove: true\n";
    let overlay = read_overlay(text, "o.yaml").unwrap();
    let mut doc = json!({"a": {"b": [1, {"c": 2}, [3, 4]]}, "d": [5, 6, 7]});
    overlay.apply(&mut doc).unwrap();
    assert_eq!(doc, json!({}));
}

#[test]
fn duplicate_selections_act_once() {
    let text = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.a[0, 0, 2]\n    remove: true\n  - target: $.b[0, 0]\n    update: {x: 1}\n  - target: $.c\n    update: 9\n";
    let overlay = read_overlay(text, "o.yaml").unwrap();
    let mut doc = json!({"a": [0, 1, 2, 3], "b": [{}], "c": []});
    overlay.apply(&mut doc).unwrap();
    assert_eq!(doc, json!({"a": [1, 3], "b": [{"x": 1}], "c": [9]}));
}

#[test]
fn odd_inputs_error_without_panicking() {
    let header = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n";
    let cases = [
        String::new(),
        "~".to_string(),
        "[]".to_string(),
        "- 1".to_string(),
        "overlay: 1.0".to_string(),
        "overlay: '1.0.0'\ninfo: 3\nactions: [{}]".to_string(),
        format!("{header}actions: {{}}"),
        format!("{header}actions: []"),
        format!("{header}actions: [3]"),
        format!("{header}actions: [{{target: $}}]"),
        format!("{header}actions: [{{target: $, remove: 'yes'}}]"),
        format!("{header}actions: [{{target: $, remove: false}}]"),
        format!("{header}actions: [{{target: $, description: 1, remove: true}}]"),
        format!("{header}actions: [{{target: '', remove: true}}]"),
        format!("{header}actions: [{{target: $, remvoe: true}}]"),
        format!("{header}extends: 5\nactions: [{{target: $, remove: true}}]"),
        format!("{header}unknown: 1\nactions: [{{target: $, remove: true}}]"),
        "key: [unclosed".to_string(),
        "\t- bad indentation".to_string(),
    ];
    for text in &cases {
        let result = read_overlay(text, "o.yaml");
        let err = result.expect_err(text);
        assert!(err.to_string().starts_with("o.yaml"), "{err}");
    }
}

#[test]
fn apply_errors_on_incompatible_targets() {
    let header = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n";
    let cases = [
        "actions: [{target: $.s, update: {a: 1}}]",
        "actions: [{target: $.s, update: 1}]",
        "actions: [{target: $.o, update: [1]}]",
        "actions: [{target: $, remove: true}]",
        "actions: [{target: $..*, remove: true}, {target: $, remove: true}]",
    ];
    for case in cases {
        let overlay = read_overlay(&format!("{header}{case}"), "o.yaml").unwrap();
        let mut doc = json!({"s": "text", "o": {}});
        let err = overlay.apply(&mut doc).expect_err(case);
        assert!(err.to_string().starts_with("o.yaml: #/actions/"), "{err}");
    }
}

#[test]
fn updates_that_would_grow_the_document_without_bound_are_errors() {
    // Each action tripled the document (every object gets a new object, which the next
    // action's target matches too), so twenty actions of a 400-byte overlay ran for minutes.
    // One overlay's updates may now add at most UPDATE_BUDGET nodes.
    let header = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n";
    let actions: String =
        (0..20).map(|i| format!("  - {{target: '$..[?@.*]', update: {{x{i}: {{y: {{z: 1}}}}}}}}\n")).collect();
    let overlay = read_overlay(&format!("{header}{actions}"), "o.yaml").unwrap();
    let mut doc = json!({"info": {"title": "t"}, "paths": {"/a": {"get": {}}}});
    let err = overlay.apply(&mut doc).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("o.yaml: #/actions/"), "{text}");
    assert!(
        text.ends_with("nodes to the document, past the 100000 that one overlay's updates may add in all"),
        "{text}"
    );
    assert!(doc.to_string().len() < 2_000_000, "the document stayed within the budget");
}
