//! The eleven everyday tasks (`tests/tasks/openai.rs`, `tests/tasks/stripe.rs`) are no longer
//! than the hand-written crates' (async-openai, async-stripe) and name no more of the crate's
//! types: counted here from the sources, in milliseconds (the `external` tier runs them).
//!
//! The rule, the same for ours and for the anchors' reference text (`tests/tasks/anchors/`):
//!
//! - Each task is one `async fn`; the files hold nothing else but imports, a `Result` alias and
//!   the client's type in the signature, none of which is counted.
//! - The files are as rustfmt prints them with its defaults (a user's workspace, as the anchors'
//!   own examples are), which is checked first. A body's lines are the non-blank lines between
//!   the line that opens the body and the `}` closing the function, less a last line `Ok(())`
//!   (what a `main` returning `Result` ends with in either crate).
//! - A crate type is named when a path in the body (tokens, macro arguments included) starts
//!   with a name imported from the crate (`use openai::types::{…}`, `use stripe::{…}`), counted
//!   once by its first segment (an enum and its variants are one type), or starts with the
//!   crate's name or `types::` (`openai::types::File`), counted by its first segment in capitals.
//!   Each type counts once per task however often it is named; standard-library and
//!   `futures` names are not the crate's. The client's methods are not types.
//!
//! The anchors' line counts are the (`ANCHOR_LINES`); their reference text here is
//! counted too, and its types are the anchors' type counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use proc_macro2::{Spacing, TokenStream, TokenTree};
use quote::ToTokens;

/// The crates whose imports are "the crate's": ours and the anchors'.
const CRATE_ROOTS: &[&str] = &["openai", "stripe", "async_openai"];

/// Each task's function name, and the anchor's body lines as the issue gives them.
const ANCHOR_LINES: &[(&str, &str, usize)] = &[
    ("openai", "chat_completion", 13),
    ("openai", "chat_completion_stream", 13),
    ("openai", "embeddings", 8),
    ("openai", "upload_file", 6),
    ("openai", "list_models", 3),
    ("openai", "api_errors", 10),
    ("stripe", "create_customer", 12),
    ("stripe", "list_recent_charges", 12),
    ("stripe", "retrieve_customer", 4),
    ("stripe", "create_payment_intent", 5),
    ("stripe", "card_error", 7),
];

/// Where ours are over the anchor today, and why: findings for the generator, each of which must
/// still hold (the test fails on an entry that is no longer over, so it is deleted when fixed).
/// Each is (task, "lines" or "types", what the generated crate makes the user write).
const KNOWN_OVER: &[(&str, &str, &str)] = &[];

/// One counted task.
struct Counted {
    lines: usize,
    types: BTreeSet<String>,
}

fn tasks_dir() -> PathBuf {
    xtask::project_root().join("tests").join("tasks")
}

/// `rustfmt --check` with rustfmt's defaults; panics with the diff.
fn check_rustfmt(files: &[PathBuf]) {
    let scratch = std::env::temp_dir().join(format!("clientgen-tasks-rustfmt-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch folder");
    let defaults = scratch.join("rustfmt.toml");
    std::fs::write(&defaults, "").expect("an empty rustfmt.toml: rustfmt's defaults");
    let output = Command::new("rustfmt")
        .args(["--check", "--edition", "2024", "--color", "never", "--config-path"])
        .arg(&defaults)
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run rustfmt ({e}): install it with `rustup component add rustfmt`"));
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        output.status.success(),
        "the task sources are not as rustfmt prints them with its defaults (run `rustfmt --edition 2024 \
         --config-path EMPTY_FILE` on them):\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The names a file imports from one of `CRATE_ROOTS` (a rename counts by its new name).
fn crate_imports(file: &syn::File) -> BTreeSet<String> {
    fn leaves(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(path) => leaves(&path.tree, out),
            syn::UseTree::Name(name) => drop(out.insert(name.ident.to_string())),
            syn::UseTree::Rename(rename) => drop(out.insert(rename.rename.to_string())),
            syn::UseTree::Group(group) => group.items.iter().for_each(|tree| leaves(tree, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut names = BTreeSet::new();
    for item in &file.items {
        let syn::Item::Use(item) = item else { continue };
        let syn::UseTree::Path(root) = &item.tree else { continue };
        if CRATE_ROOTS.contains(&root.ident.to_string().as_str()) {
            leaves(&root.tree, &mut names);
        }
    }
    names.retain(|name| name != "self");
    names
}

/// A flat token: an identifier, a punctuation character with its spacing, or a group's edge.
enum Flat {
    Ident(String),
    Punct(char, Spacing),
    Edge,
}

fn flatten(tokens: TokenStream, out: &mut Vec<Flat>) {
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => out.push(Flat::Ident(ident.to_string())),
            TokenTree::Punct(punct) => out.push(Flat::Punct(punct.as_char(), punct.spacing())),
            TokenTree::Group(group) => {
                out.push(Flat::Edge);
                flatten(group.stream(), out);
                out.push(Flat::Edge);
            }
            TokenTree::Literal(_) => out.push(Flat::Edge),
        }
    }
}

/// Whether `tokens[at]` and `tokens[at + 1]` are `::`.
fn colons(tokens: &[Flat], at: usize) -> bool {
    matches!(tokens.get(at), Some(Flat::Punct(':', Spacing::Joint)))
        && matches!(tokens.get(at + 1), Some(Flat::Punct(':', _)))
}

/// The crate types a body names, by the rule of the module's doc.
fn named_types(body: &syn::Block, imports: &BTreeSet<String>) -> BTreeSet<String> {
    let mut tokens = Vec::new();
    flatten(body.to_token_stream(), &mut tokens);
    let mut types = BTreeSet::new();
    let mut i = 0;
    while i < tokens.len() {
        let Flat::Ident(first) = &tokens[i] else {
            i += 1;
            continue;
        };
        // A path starts where no `::` leads to it.
        let continued = i >= 2 && colons(&tokens, i - 2);
        let mut segments = vec![first.clone()];
        let mut j = i + 1;
        while colons(&tokens, j) {
            match tokens.get(j + 2) {
                Some(Flat::Ident(next)) => segments.push(next.clone()),
                _ => break,
            }
            j += 3;
        }
        if !continued {
            if imports.contains(first) {
                types.insert(first.clone());
            } else if CRATE_ROOTS.contains(&first.as_str()) || first == "types" {
                if let Some(name) = segments.iter().find(|s| s.starts_with(|c: char| c.is_ascii_uppercase())) {
                    types.insert(name.clone());
                }
            }
        }
        i = j.max(i + 1);
    }
    types
}

/// Every `async fn` of a task file, counted, by name; checks the file holds nothing else that runs.
fn count(path: &Path) -> BTreeMap<String, Counted> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let imports = crate_imports(&file);
    let lines: Vec<&str> = text.lines().collect();
    let mut counted = BTreeMap::new();
    for item in &file.items {
        let function = match item {
            syn::Item::Fn(function) => function,
            syn::Item::Use(_) | syn::Item::Type(_) => continue,
            _ => panic!("{}: a task file holds tasks, imports and a `Result` alias only", path.display()),
        };
        let name = function.sig.ident.to_string();
        assert!(function.sig.asyncness.is_some(), "{}: {name} is an async fn", path.display());
        let start = lines
            .iter()
            .position(|line| line.starts_with(&format!("pub async fn {name}(")))
            .unwrap_or_else(|| panic!("{}: `pub async fn {name}(` starts a line", path.display()));
        let open = (start..lines.len())
            .find(|&at| lines[at].ends_with('{'))
            .unwrap_or_else(|| panic!("{}: {name} opens its body", path.display()));
        let close = (open..lines.len())
            .find(|&at| lines[at] == "}")
            .unwrap_or_else(|| panic!("{}: {name} closes its body", path.display()));
        let mut body: Vec<&str> =
            lines[open + 1..close].iter().copied().filter(|line| !line.trim().is_empty()).collect();
        if body.last().is_some_and(|line| line.trim() == "Ok(())") {
            body.pop();
        }
        let types = named_types(&function.block, &imports);
        counted.insert(name, Counted { lines: body.len(), types });
    }
    counted
}

#[test]
fn the_tasks_are_no_longer_than_the_anchors_and_name_no_more_types() {
    let dir = tasks_dir();
    let files: Vec<PathBuf> = ["openai.rs", "stripe.rs", "anchors/openai.rs", "anchors/stripe.rs"]
        .iter()
        .map(|file| dir.join(file))
        .collect();
    check_rustfmt(&files);
    let mut ours = count(&dir.join("openai.rs"));
    ours.extend(count(&dir.join("stripe.rs")));
    let mut anchors = count(&dir.join("anchors/openai.rs"));
    anchors.extend(count(&dir.join("anchors/stripe.rs")));
    assert_eq!(ours.len(), ANCHOR_LINES.len(), "one fn per task: {:?}", ours.keys().collect::<Vec<_>>());

    let mut table = vec![
        "| task | anchor lines (issue) | anchor lines (reference) | our lines | anchor types | our types |".to_owned(),
        "| --- | ---: | ---: | ---: | ---: | ---: |".to_owned(),
    ];
    let mut over = Vec::new();
    for &(api, task, anchor_lines) in ANCHOR_LINES {
        let ours = ours.get(task).unwrap_or_else(|| panic!("no task fn {task} in tests/tasks/{api}.rs"));
        let anchor = anchors.get(task).unwrap_or_else(|| panic!("no fn {task} in tests/tasks/anchors/{api}.rs"));
        table.push(format!(
            "| {api} {task} | {anchor_lines} | {} | {} | {} | {} |",
            anchor.lines,
            ours.lines,
            anchor.types.len(),
            ours.types.len()
        ));
        if ours.lines > anchor_lines {
            over.push((task, "lines", format!("{} lines, the anchor {anchor_lines}", ours.lines)));
        }
        if ours.types.len() > anchor.types.len() {
            over.push((task, "types", format!("names {:?}, the anchor {:?}", ours.types, anchor.types)));
        }
    }
    println!("{}", table.join("\n"));

    let mut violations = Vec::new();
    for (task, what, detail) in &over {
        match KNOWN_OVER.iter().find(|(t, w, _)| t == task && w == what) {
            Some((_, _, why)) => println!("known: {task} over in {what} ({detail}): {why}"),
            None => violations.push(format!("{task}: over the anchor in {what}: {detail}")),
        }
    }
    for (task, what, _) in KNOWN_OVER {
        if !over.iter().any(|(t, w, _)| t == task && w == what) {
            violations.push(format!("{task}: no longer over in {what}: delete its KNOWN_OVER entry"));
        }
    }
    assert!(violations.is_empty(), "{}\n{}", violations.join("\n"), table.join("\n"));
}

/// The programs that run the tasks (`openai_main.rs`, `stripe_main.rs`, `server.rs`) are the
/// project's code, not a user's: rustfmt with the repository's settings leaves them as they are
/// (`cargo fmt` does not reach them, since they are built in a scratch workspace). Each is read
/// from stdin, so rustfmt does not look for the modules they declare.
#[test]
fn the_task_programs_are_as_rustfmt_prints_them() {
    use std::io::Write;
    let config = xtask::project_root().join("rustfmt.toml");
    for name in ["openai_main.rs", "stripe_main.rs", "server.rs"] {
        let path = tasks_dir().join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut child = Command::new("rustfmt")
            .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
            .arg(&config)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run rustfmt ({e}): install it with `rustup component add rustfmt`"));
        child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("writes to rustfmt");
        let output = child.wait_with_output().expect("rustfmt ends");
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        let formatted = String::from_utf8_lossy(&output.stdout);
        assert!(
            formatted == text,
            "tests/tasks/{name} is not as rustfmt prints it with rustfmt.toml: run `rustfmt --edition 2024 \
             --config-path rustfmt.toml --emit stdout < tests/tasks/{name}` and keep its output"
        );
    }
}

#[test]
fn types_are_counted_by_their_first_segment_once() {
    let file: syn::File = syn::parse_quote! {
        use openai::types::{ErrorBody, File};
        pub async fn task(client: &Client) -> Result {
            let a = File::new("a", "b", vec![]);
            let b = openai::types::CreateFileRequest::new(a, types::CreateFileRequestPurpose::FineTune);
            if let Some(ErrorBody::ErrorResponse(x)) = y { println!("{}", matches!(z, ErrorBody::ErrorModel(_))); }
            let c = std::time::SystemTime::now();
            let d: Vec<String> = Vec::new();
        }
    };
    let imports = crate_imports(&file);
    let syn::Item::Fn(function) = &file.items[1] else { panic!("a fn") };
    let types = named_types(&function.block, &imports);
    let expected: BTreeSet<String> = ["ErrorBody", "File", "CreateFileRequest", "CreateFileRequestPurpose"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert_eq!(types, expected);
}
