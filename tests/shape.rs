//! Tidy checks of the code's shape, part of `tidy.rs`: no function of the emit stage is longer
//! than [`MAX_FN_LINES`], and neither the emit stage's modules nor the runtime's import each
//! other in a cycle. The checks read the source as text (comments, strings and characters
//! blanked first), so they take milliseconds.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The longest a function of `crates/clientgen/src/emit/` may be, from its `fn` line to its
/// closing brace, as rustfmt lays it out.
pub const MAX_FN_LINES: usize = 120;

/// `source` with comments, string and character literals replaced by spaces (line breaks
/// kept), so that brackets and paths in them are not read as code.
pub fn blank_literals(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to.min(bytes.len())] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let after_word = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let end = if rest.starts_with(b"//") {
            rest.iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| i + n)
        } else if rest.starts_with(b"/*") {
            find(rest, b"*/").map_or(bytes.len(), |n| i + n + 2)
        } else if let Some(hashes) = raw_string_start(rest).filter(|_| !after_word) {
            let open = rest.iter().position(|&b| b == b'"').unwrap_or(0) + 1;
            let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
            find(&rest[open..], &close).map_or(bytes.len(), |n| i + open + n + close.len())
        } else if rest[0] == b'"' {
            let mut j = 1;
            while j < rest.len() && rest[j] != b'"' {
                j += if rest[j] == b'\\' { 2 } else { 1 };
            }
            i + j + 1
        } else if rest[0] == b'\'' {
            char_literal_len(rest).map_or(i + 1, |n| i + n)
        } else {
            i += 1;
            continue;
        };
        blank(&mut out, i, end);
        i = end;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The position of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// The number of `#`s of a raw string (`r"`, `r#"`, `br##"`) starting `text`.
fn raw_string_start(text: &[u8]) -> Option<usize> {
    let text = text.strip_prefix(b"b").unwrap_or(text);
    let text = text.strip_prefix(b"r")?;
    let hashes = text.iter().take_while(|&&b| b == b'#').count();
    (text.get(hashes) == Some(&b'"')).then_some(hashes)
}

/// The length of a character literal (`'a'`, `'\n'`, `'\u{7f}'`) starting `text`; `None` for a
/// lifetime or a label.
fn char_literal_len(text: &[u8]) -> Option<usize> {
    if text.get(1) == Some(&b'\\') {
        return text[2..].iter().position(|&b| b == b'\'').map(|n| n + 3);
    }
    let width = std::str::from_utf8(&text[1..text.len().min(5)])
        .ok()
        .or_else(|| std::str::from_utf8(&text[1..text.len().min(4)]).ok())
        .or_else(|| std::str::from_utf8(&text[1..text.len().min(3)]).ok())
        .and_then(|s| s.chars().next())
        .map_or(1, char::len_utf8);
    (text.get(1 + width) == Some(&b'\'')).then_some(width + 2)
}

/// Each function of `source` with a body: its name, the line of its `fn`, and its length in
/// lines up to its closing brace.
pub fn function_lengths(source: &str) -> Vec<(String, usize, usize)> {
    let code = blank_literals(source);
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(n) = find(&bytes[i..], b"fn ") {
        let at = i + n;
        i = at + 3;
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue;
        }
        let name: String = code[i..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if name.is_empty() {
            continue;
        }
        // The body opens at the first `{` before any `;` (a declaration without one).
        let Some(open) = bytes[i..].iter().position(|&b| b == b'{' || b == b';').map(|n| i + n) else { break };
        if bytes[open] == b';' {
            continue;
        }
        let mut depth = 0usize;
        let mut close = open;
        for (j, &b) in bytes.iter().enumerate().skip(open) {
            match b {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                close = j;
                break;
            }
        }
        let line = code[..at].matches('\n').count() + 1;
        let last = code[..close].matches('\n').count() + 1;
        found.push((name, line, last - line + 1));
    }
    found
}

/// The modules `source` names as `{prefix}name` (`super::`, `crate::`) among `modules`, in
/// the code before its `#[cfg(test)]` module.
pub fn imports(source: &str, prefix: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code = blank_literals(source);
    let code = code.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
    code.match_indices(prefix)
        .filter(|(at, _)| *at == 0 || !code[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':'))
        .map(|(at, _)| code[at + prefix.len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .filter(|name: &String| modules.contains(name))
        .collect()
}

/// A cycle in `graph` (module → the modules it imports), as the modules along it, if any.
pub fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

/// The `.rs` files of `folder` but `skip`, by module name, with their text.
pub fn modules(folder: &Path, skip: &str) -> BTreeMap<String, String> {
    let entries = fs::read_dir(folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let module = name.strip_suffix(".rs")?.to_owned();
            (module != skip).then(|| (module, fs::read_to_string(entry.path()).expect("a readable file")))
        })
        .collect()
}

/// The import graph of the modules of `folder` (but `skip`), reading `prefix` paths.
pub fn import_graph(folder: &Path, skip: &str, prefix: &str) -> BTreeMap<String, BTreeSet<String>> {
    let sources = modules(folder, skip);
    let names: BTreeSet<String> = sources.keys().cloned().collect();
    sources.iter().map(|(module, text)| (module.clone(), imports(text, prefix, &names))).collect()
}

#[test]
fn no_emit_function_is_longer_than_the_limit() {
    let folder = xtask::project_root().join("crates/clientgen/src/emit");
    let mut violations = Vec::new();
    for (module, text) in modules(&folder, "") {
        for (name, line, length) in function_lengths(&text) {
            if length > MAX_FN_LINES {
                violations.push(format!("crates/clientgen/src/emit/{module}.rs:{line}: `{name}` has {length} lines"));
            }
        }
    }
    assert!(violations.is_empty(), "emit functions over {MAX_FN_LINES} lines (split them):\n{}", violations.join("\n"));
}

#[test]
fn emit_modules_import_each_other_in_no_cycle() {
    let graph = import_graph(&xtask::project_root().join("crates/clientgen/src/emit"), "mod", "super::");
    assert!(graph.len() > 10 && graph.values().any(|imports| !imports.is_empty()), "{graph:?}");
    assert_eq!(cycle(&graph), None, "emit modules in an import cycle");
}

#[test]
fn runtime_modules_import_each_other_in_no_cycle() {
    let graph = import_graph(&xtask::project_root().join("crates/runtime/src"), "lib", "crate::");
    assert!(graph.values().any(|imports| !imports.is_empty()), "{graph:?}");
    assert_eq!(cycle(&graph), None, "runtime modules in an import cycle");
    let error = &graph["error"];
    assert!(error.is_empty(), "error.rs is a leaf, yet imports {error:?}");
}

#[test]
fn the_checks_read_code_not_comments_or_strings() {
    let source = "fn a() {\n    let s = \"}\"; // }\n    let c = '{';\n    let r = r#\"{\"#;\n}\n\nfn b<'x>(v: &'x str) -> &'x str { v }\n";
    let lengths = function_lengths(source);
    assert_eq!(lengths, vec![("a".to_owned(), 1, 5), ("b".to_owned(), 7, 1)]);
    let names: BTreeSet<String> = ["docs", "rust"].map(String::from).into();
    let source = "//! Uses super::docs in prose.\nuse super::rust::x;\nfn f() { \"super::docs\"; }\n";
    assert_eq!(imports(source, "super::", &names), ["rust".to_owned()].into());
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.insert("a".into(), ["b".into()].into());
    graph.insert("b".into(), ["c".into()].into());
    graph.insert("c".into(), BTreeSet::new());
    assert_eq!(cycle(&graph), None);
    graph.insert("c".into(), ["a".into()].into());
    assert_eq!(cycle(&graph), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
}
