//! Fuzz target, structure-aware: inputs are JSON trees (a spec, or `[spec, overlay, …]`) that a
//! custom mutator changes as OpenAPI documents (see `mutate.rs`); each tree is written as YAML
//! or JSON and run through the whole pipeline (`clientgen::generate`).

#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(tree) = serde_json::from_str::<Value>(text) else {
        // Not a tree (a seed written by hand, or libFuzzer's own mutation): run it as text.
        clientgen_fuzz::check(text, &[]);
        return;
    };
    // The length picks the syntax, so both readers see mutated trees.
    let yaml = data.len() % 2 == 1;
    let render = |value: &Value| {
        if yaml { serde_yaml::to_string(value).unwrap_or_default() } else { value.to_string() }
    };
    match tree {
        Value::Array(mut documents) if !documents.is_empty() => {
            let spec = render(&documents.remove(0));
            let overlays: Vec<String> = documents.iter().map(render).collect();
            clientgen_fuzz::check(&spec, &overlays);
        }
        other => clientgen_fuzz::check(&render(&other), &[]),
    }
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    clientgen_fuzz::mutate::mutate(data, size, max_size, seed)
});
