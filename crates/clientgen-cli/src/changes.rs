//! What changed in a generated crate's public API between the files in its folder and the files
//! about to replace them, and the semver level that change needs.
//!
//! Both sides are read the same way, from their Rust source: the public items of `lib.rs`'s
//! public modules and of its `pub use` re-exports, each struct's public fields, each enum's
//! variants, each public method and function by its signature, each trait implementation. The
//! levels follow cargo-semver-checks' reading of Rust's rules: removing or changing anything is
//! breaking; so is adding a field to a struct callers can build with a literal (every field
//! public, not `#[non_exhaustive]`), or a variant to an enum they can match exhaustively.
//! Anything else added is a minor change.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use quote::ToTokens;

/// How large a version bump a change needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The public API is the same (docs or behaviour may differ).
    Patch,
    /// Something was added that no caller's code can have relied on being absent.
    Minor,
    /// Some caller's code may no longer compile.
    Major,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major (breaking)",
        })
    }
}

/// One change to one public item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `added`, `removed` or `changed`.
    pub action: &'static str,
    /// The kind of item and its path: `field types::Lipsync.name`, `method Client::get`.
    pub item: String,
    /// The level it needs.
    pub level: Level,
    /// Why it needs that level, when that is not obvious from the action.
    pub reason: Option<&'static str>,
}

/// The public API's changes, in item order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every change, sorted by item.
    pub changes: Vec<Change>,
}

impl Report {
    /// The level the whole change needs: the largest of its changes', or a patch.
    pub fn level(&self) -> Level {
        self.changes.iter().map(|change| change.level).max().unwrap_or(Level::Patch)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.changes.is_empty() {
            return writeln!(f, "  no change to the public API");
        }
        for change in &self.changes {
            write!(f, "  {:<8} {}: {}", change.action, change.item, change.level)?;
            match change.reason {
                Some(reason) => writeln!(f, " ({reason})")?,
                None => writeln!(f)?,
            }
        }
        Ok(())
    }
}

/// What one public item looks like, for comparing.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    /// `struct`, `field`, `variant`, `method`, …
    kind: &'static str,
    /// Its signature or type, as tokens, without docs.
    shape: String,
    /// For a field or variant: whether adding one like it breaks callers (a struct they can
    /// build with a literal, an enum they can match exhaustively).
    closed_parent: bool,
}

/// The public items of a crate's source files (`(path, contents)`, paths like `src/types.rs`),
/// by path.
fn surface<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> BTreeMap<String, Item> {
    let files: BTreeMap<&str, syn::File> =
        files.into_iter().filter_map(|(path, text)| Some((path, syn::parse_file(text).ok()?))).collect();
    let mut items = BTreeMap::new();
    let Some(lib) = files.get("src/lib.rs") else { return items };
    // Public modules whole; private ones for the names lib.rs re-exports.
    let mut wanted: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
    for item in &lib.items {
        match item {
            syn::Item::Mod(m) if is_public(&m.vis) => {
                wanted.insert(m.ident.to_string(), None);
            }
            syn::Item::Use(u) if is_public(&u.vis) => {
                let mut names = Vec::new();
                use_names(&u.tree, &mut Vec::new(), &mut names);
                for (module, name) in names {
                    // A module already wanted whole stays so.
                    if let Some(set) = wanted.entry(module).or_insert_with(|| Some(BTreeSet::new())) {
                        set.insert(name);
                    }
                }
            }
            _ => {}
        }
    }
    for (module, names) in &wanted {
        let Some(file) = files.get(format!("src/{module}.rs").as_str()) else { continue };
        let prefix = if names.is_some() { String::new() } else { format!("{module}::") };
        let keep = |name: &str| names.as_ref().is_none_or(|names| names.contains(name));
        for item in &file.items {
            add_item(item, &prefix, &keep, &mut items);
        }
    }
    // A re-exported type's impls in the other files (the runtime's `builder.rs` adds methods to
    // `Client` and `ClientBuilder`).
    let exported: BTreeSet<&String> = wanted.values().flatten().flatten().collect();
    let others = files.iter().filter(|(path, _)| {
        let module = path.strip_prefix("src/").and_then(|p| p.strip_suffix(".rs")).unwrap_or_default();
        **path != "src/lib.rs" && !wanted.contains_key(module)
    });
    for (_, file) in others {
        for item in file.items.iter().filter(|item| matches!(item, syn::Item::Impl(_))) {
            add_item(item, "", &|name| exported.contains(&name.to_owned()), &mut items);
        }
    }
    items
}

/// `pub` with no restriction.
fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// The `(module, name)` pairs a `use` tree re-exports: `client::{Client, ClientBuilder}`.
fn use_names(tree: &syn::UseTree, path: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    match tree {
        syn::UseTree::Path(p) => {
            path.push(p.ident.to_string());
            use_names(&p.tree, path, out);
            path.pop();
        }
        syn::UseTree::Name(n) => {
            if let Some(module) = path.first() {
                out.push((module.clone(), n.ident.to_string()));
            }
        }
        syn::UseTree::Rename(r) => {
            if let Some(module) = path.first() {
                out.push((module.clone(), r.ident.to_string()));
            }
        }
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_names(tree, path, out);
            }
        }
        syn::UseTree::Glob(_) => {}
    }
}

/// Tokens as text, with the spacing quote gives them (the same on both sides).
fn tokens(item: &impl ToTokens) -> String {
    item.to_token_stream().to_string()
}

/// A function's signature as text, without the trailing comma rustfmt puts after the last
/// argument when it spreads them over lines.
fn signature(sig: &syn::Signature) -> String {
    let mut sig = sig.clone();
    sig.inputs = sig.inputs.into_iter().collect();
    tokens(&sig)
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|attr| attr.path().is_ident(name))
}

/// The attributes that are part of an item's API (`#[non_exhaustive]`, derives, `#[deprecated]`
/// aside from its note), as text.
fn api_attrs(attrs: &[syn::Attribute]) -> String {
    let kept = attrs.iter().filter(|attr| attr.path().is_ident("non_exhaustive") || attr.path().is_ident("derive"));
    kept.map(tokens).collect::<Vec<_>>().join(" ")
}

fn insert(items: &mut BTreeMap<String, Item>, path: String, kind: &'static str, shape: String, closed_parent: bool) {
    items.insert(path, Item { kind, shape, closed_parent });
}

fn add_item(item: &syn::Item, prefix: &str, keep: &dyn Fn(&str) -> bool, items: &mut BTreeMap<String, Item>) {
    match item {
        syn::Item::Struct(s) if is_public(&s.vis) && keep(&s.ident.to_string()) => {
            let path = format!("{prefix}{}", s.ident);
            let all_public = s.fields.iter().all(|field| is_public(&field.vis));
            let closed = all_public && !has_attr(&s.attrs, "non_exhaustive");
            let generics = tokens(&s.generics);
            insert(items, path.clone(), "struct", format!("{} {generics}", api_attrs(&s.attrs)), false);
            for (index, field) in s.fields.iter().enumerate().filter(|(_, field)| is_public(&field.vis)) {
                let name = field.ident.as_ref().map_or_else(|| index.to_string(), ToString::to_string);
                insert(items, format!("{path}.{name}"), "field", tokens(&field.ty), closed);
            }
        }
        syn::Item::Enum(e) if is_public(&e.vis) && keep(&e.ident.to_string()) => {
            let path = format!("{prefix}{}", e.ident);
            let closed = !has_attr(&e.attrs, "non_exhaustive");
            insert(items, path.clone(), "enum", format!("{} {}", api_attrs(&e.attrs), tokens(&e.generics)), false);
            for variant in &e.variants {
                insert(items, format!("{path}::{}", variant.ident), "variant", tokens(&variant.fields), closed);
            }
        }
        syn::Item::Type(t) if is_public(&t.vis) && keep(&t.ident.to_string()) => {
            insert(items, format!("{prefix}{}", t.ident), "type", tokens(&t.ty), false);
        }
        syn::Item::Fn(f) if is_public(&f.vis) && keep(&f.sig.ident.to_string()) => {
            insert(items, format!("{prefix}{}", f.sig.ident), "function", signature(&f.sig), false);
        }
        syn::Item::Const(c) if is_public(&c.vis) && keep(&c.ident.to_string()) => {
            insert(items, format!("{prefix}{}", c.ident), "const", tokens(&c.ty), false);
        }
        syn::Item::Trait(t) if is_public(&t.vis) && keep(&t.ident.to_string()) => {
            let path = format!("{prefix}{}", t.ident);
            insert(items, path.clone(), "trait", tokens(&t.generics), false);
            for inner in &t.items {
                if let syn::TraitItem::Fn(f) = inner {
                    // A trait method without a default breaks every implementor.
                    let closed = f.default.is_none();
                    insert(items, format!("{path}::{}", f.sig.ident), "trait method", signature(&f.sig), closed);
                }
            }
        }
        syn::Item::Impl(i) => {
            let syn::Type::Path(self_ty) = &*i.self_ty else { return };
            let Some(name) = self_ty.path.segments.last().map(|segment| segment.ident.to_string()) else { return };
            if !keep(&name) {
                return;
            }
            let path = format!("{prefix}{name}");
            match &i.trait_ {
                Some((trait_path, _)) => {
                    let key = format!("{path}: {}", tokens(trait_path));
                    insert(items, key, "impl", String::new(), false);
                }
                None => {
                    for inner in &i.items {
                        if let syn::ImplItem::Fn(f) = inner
                            && is_public(&f.vis)
                        {
                            insert(items, format!("{path}::{}", f.sig.ident), "method", signature(&f.sig), false);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// The changes from the `old` files to the `new` ones (`(path, contents)` pairs of a generated
/// crate, paths like `src/types.rs`).
pub fn compare<'a>(
    old: impl IntoIterator<Item = (&'a str, &'a str)>,
    new: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Report {
    let (old, new) = (surface(old), surface(new));
    let mut changes = Vec::new();
    for (path, before) in &old {
        match new.get(path) {
            None => changes.push(Change {
                action: "removed",
                item: format!("{} {path}", before.kind),
                level: Level::Major,
                reason: None,
            }),
            Some(after) if after.shape != before.shape || after.kind != before.kind => changes.push(Change {
                action: "changed",
                item: format!("{} {path}", after.kind),
                level: Level::Major,
                reason: None,
            }),
            Some(_) => {}
        }
    }
    for (path, after) in new.iter().filter(|(path, _)| !old.contains_key(*path)) {
        // A field or variant of an item that is new itself comes with it.
        let parent = path.rsplit_once(['.', ':']).map(|(parent, _)| parent.trim_end_matches(':'));
        let parent_is_new = parent.is_some_and(|parent| new.contains_key(parent) && !old.contains_key(parent));
        if parent_is_new {
            continue;
        }
        let (level, reason) = match (after.kind, after.closed_parent) {
            ("field", true) => (Level::Major, Some("callers may build the struct with a literal")),
            ("variant", true) => (Level::Major, Some("callers may match the enum exhaustively")),
            ("trait method", true) => (Level::Major, Some("implementors must add it")),
            _ => (Level::Minor, None),
        };
        changes.push(Change { action: "added", item: format!("{} {path}", after.kind), level, reason });
    }
    changes.sort_by(|a, b| a.item.split_once(' ').map(|p| p.1).cmp(&b.item.split_once(' ').map(|p| p.1)));
    Report { changes }
}

/// The version after `version` for a change of `level`, by Cargo's reading of semver: below
/// 1.0.0 the minor number is the breaking one.
pub fn next_version(version: &str, level: Level) -> Option<String> {
    let mut numbers = version.split('-').next()?.split('.').map(|n| n.parse::<u64>().ok());
    let (major, minor, patch) = (numbers.next()??, numbers.next()??, numbers.next()??);
    Some(match (major, level) {
        (0, Level::Major) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Level::Major) => format!("{}.0.0", major + 1),
        (_, Level::Minor) => format!("{major}.{}.0", minor + 1),
        (_, Level::Patch) => format!("{major}.{minor}.{}", patch + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = "pub mod types;\nmod client;\nmod http;\npub use client::{Client};\n";
    const CLIENT: &str = "pub struct Client { inner: u8 }\nimpl Client { pub async fn get(&self) -> u8 { 0 } }\n";

    fn report(types_old: &str, types_new: &str) -> Report {
        let old = [("src/lib.rs", LIB), ("src/types.rs", types_old), ("src/client.rs", CLIENT)];
        let new = [("src/lib.rs", LIB), ("src/types.rs", types_new), ("src/client.rs", CLIENT)];
        compare(old, new)
    }

    fn lines(report: &Report) -> Vec<String> {
        report.to_string().lines().map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
    }

    #[test]
    fn each_change_is_named_with_its_level() {
        let old = "pub struct A { pub x: u8, pub gone: u8 }\npub enum E { One, Two }\n\
                   #[non_exhaustive]\npub enum F { One }\npub struct G { pub a: u8, b: u8 }\n";
        let new = "pub struct A { pub x: u16, pub y: u8 }\npub enum E { One, Two, Three }\n\
                   #[non_exhaustive]\npub enum F { One, Two }\npub struct G { pub a: u8, b: u8, pub c: u8 }\n\
                   pub struct B { pub z: u8 }\nimpl B { pub fn new() -> Self { B { z: 0 } } }\n";
        let report = report(old, new);
        let want = [
            "changed field types::A.x: major (breaking)",
            "added field types::A.y: major (breaking) (callers may build the struct with a literal)",
            "removed field types::A.gone: major (breaking)",
            "added struct types::B: minor",
            "added variant types::E::Three: major (breaking) (callers may match the enum exhaustively)",
            "added variant types::F::Two: minor",
            "added field types::G.c: minor",
        ];
        let mut got = lines(&report);
        let mut want: Vec<String> = want.iter().map(|line| (*line).to_owned()).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want);
        assert_eq!(report.level(), Level::Major);
    }

    #[test]
    fn methods_of_a_re_exported_type_count_wherever_they_are() {
        let moved = "pub struct Client { inner: u8 }\n";
        let elsewhere = "impl crate::Client { pub async fn get(&self,) -> u8 { 0 } }\nimpl Other { pub fn x() {} }\n";
        let old = [("src/lib.rs", LIB), ("src/client.rs", CLIENT)];
        let new = [("src/lib.rs", LIB), ("src/client.rs", moved), ("src/builder.rs", elsewhere)];
        let report = compare(old, new);
        assert!(report.changes.is_empty(), "{report}");
        let changed = elsewhere.replace("get(&self,)", "get(&self, id: u8)");
        let report =
            compare(old, [("src/lib.rs", LIB), ("src/client.rs", moved), ("src/builder.rs", changed.as_str())]);
        assert_eq!(lines(&report), ["changed method Client::get: major (breaking)"]);
    }

    #[test]
    fn private_modules_count_only_for_what_lib_rs_re_exports() {
        let http_old = "pub struct Internal { pub a: u8 }\n";
        let http_new = "pub struct Internal { pub a: u16 }\n";
        let files =
            |http| [("src/lib.rs", LIB), ("src/types.rs", ""), ("src/client.rs", CLIENT), ("src/http.rs", http)];
        let report = compare(files(http_old), files(http_new));
        assert!(report.changes.is_empty(), "{report}");
        assert_eq!(report.level(), Level::Patch);
        let client = CLIENT.replace("async fn get(&self)", "async fn get(&self, id: u8)");
        let old = [("src/lib.rs", LIB), ("src/client.rs", CLIENT)];
        let new = [("src/lib.rs", LIB), ("src/client.rs", client.as_str())];
        assert_eq!(lines(&compare(old, new)), ["changed method Client::get: major (breaking)"]);
    }

    #[test]
    fn additions_alone_are_minor_and_the_next_version_follows_cargo() {
        let report = report("pub struct A { pub x: u8 }\n", "pub struct A { pub x: u8 }\npub type B = u8;\n");
        assert_eq!(report.level(), Level::Minor);
        assert_eq!(next_version("0.1.0", Level::Major).as_deref(), Some("0.2.0"));
        assert_eq!(next_version("0.1.0", Level::Minor).as_deref(), Some("0.1.1"));
        assert_eq!(next_version("1.4.2", Level::Major).as_deref(), Some("2.0.0"));
        assert_eq!(next_version("1.4.2", Level::Minor).as_deref(), Some("1.5.0"));
        assert_eq!(next_version("1.4.2", Level::Patch).as_deref(), Some("1.4.3"));
        assert_eq!(next_version("x", Level::Patch), None);
    }
}
