//! The registry of the client runtime (`crates/runtime`), read when clientgen is built, and the
//! marker resolver that copies into a generated crate the parts of it an API needs.
//!
//! `build.rs` reads the runtime crate's manifest and sources into tables (included below): its
//! features, each a [`Part`] the generator selects unless it is one of the [`REAL_FEATURES`] of
//! every generated crate; its files ([`FILES`]), each with the `cfg`s over the `mod` lines that
//! declare it; its dependencies with their versions, and those of generated types; the
//! transport's features ([`TRANSPORT_FEATURES`]); and the README's prose ([`README`]). Nothing
//! about the runtime is written twice: a generated crate's dependencies are those the runtime
//! declares for the parts it selects ([`Parts::dependencies`]).
//!
//! The runtime's files are ordinary Rust. An item that only some APIs need carries
//! `#[cfg(…)]` over the runtime crate's features (`feature = "form"`, `any(…)`, `all(…)`,
//! `not(…)`). Resolving works on the text, line by line, so comments and docs survive: a marker
//! that holds is removed and its item kept, one that does not is removed with its item (the
//! marker line first, then the item's docs, attributes and body, found by bracket depth).
//! `#[cfg_attr(marker, attr)]` becomes `#[attr]` or nothing. `cfg(test)` never holds, so unit
//! tests stay behind. A marker that names a real feature is left as written.

mod retries;

use std::collections::BTreeMap;

pub use retries::{RetryStatuses, codes as retry_codes};

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// A file of the runtime crate and the path it takes in a generated crate.
pub struct RuntimeFile {
    /// The path in the generated crate (and, under `crates/runtime`, in the runtime crate).
    pub path: &'static str,
    /// The module it is.
    pub module: &'static str,
    /// Whether `lib.rs` declares it (else a module of the runtime does).
    pub top_level: bool,
    /// The `cfg` predicates over the `mod` lines that declare it and the modules holding it.
    pub cfgs: &'static [&'static str],
    /// The file's text.
    pub text: &'static str,
}

/// A dependency as the runtime's manifest declares it.
pub struct Dependency {
    /// The crate.
    pub name: &'static str,
    /// Its version requirement.
    pub version: &'static str,
    /// `default-features`, when the manifest says.
    pub default_features: Option<bool>,
    /// Its features.
    pub features: &'static [&'static str],
    /// Whether only a feature brings it.
    pub optional: bool,
}

impl Dependency {
    /// The dependency as a generated manifest writes it, with `more` features and optional or
    /// not: `"1.6"`, or `{ version = …, default-features = …, features = […], optional = true }`.
    pub fn toml(&self, more: &[&str], optional: bool) -> String {
        let mut features: Vec<&str> = self.features.iter().chain(more).copied().collect();
        features.sort_unstable();
        features.dedup();
        let mut keys = vec![format!("version = {:?}", self.version)];
        keys.extend(self.default_features.map(|on| format!("default-features = {on}")));
        if !features.is_empty() {
            keys.push(format!("features = {}", toml_list(&features)));
        }
        if optional {
            keys.push("optional = true".to_owned());
        }
        match keys.as_slice() {
            [_] => format!("{:?}", self.version),
            _ => format!("{{ {} }}", keys.join(", ")),
        }
    }
}

/// A real feature of every generated crate that selects some of reqwest's transport.
pub struct TransportFeature {
    /// The feature's name.
    pub name: &'static str,
    /// Whether `default` turns it on.
    pub default: bool,
    /// The comment above it in Cargo.toml.
    pub comment: &'static str,
    /// Its line in the README's "TLS and HTTP".
    pub readme: &'static str,
}

/// A TOML array of strings, as the runtime's manifest writes them.
pub fn toml_list(items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
    format!("[{}]", items.join(", "))
}

/// What a real feature of generated crates turns on (a TOML array), as the runtime defines it.
pub fn real_feature(name: &str) -> String {
    REAL_FEATURES.iter().find(|(real, _)| *real == name).map_or_else(|| "[]".to_owned(), |(_, on)| toml_list(on))
}

/// A dependency of generated types (`uuid`, `chrono`) as a generated manifest writes it.
pub fn type_dependency(name: &str) -> Option<String> {
    TYPE_DEPENDENCIES.iter().find(|d| d.name == name).map(|d| d.toml(&[], d.optional))
}

/// The dev-dependencies of a generated crate: the runtime's.
pub fn dev_dependencies() -> Vec<(&'static str, String)> {
    DEV_DEPENDENCIES.iter().map(|d| (d.name, d.toml(&[], d.optional))).collect()
}

/// The text of the runtime file at `path` (`src/http.rs`).
pub fn file_text(path: &str) -> &'static str {
    FILES.iter().find(|file| file.path == path).map_or("", |file| file.text)
}

// The parts are a set of bits.
const _: () = assert!(Part::ALL.len() <= 64, "more parts than `Parts` holds");

impl Part {
    /// The part of this feature name, if the feature is a part.
    pub fn from_name(name: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|part| part.name() == name)
    }
}

/// The parts of the runtime an API needs: a set of the runtime crate's features.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Parts(u64);

impl Parts {
    /// Turns `part` on or off.
    pub fn set(&mut self, part: Part, on: bool) {
        let bit = 1u64 << part as u32;
        if on { self.0 |= bit } else { self.0 &= !bit }
    }

    /// Whether `part` is on.
    pub fn has(&self, part: Part) -> bool {
        self.0 & (1u64 << part as u32) != 0
    }

    /// The parts that are on, in the manifest's order.
    pub fn selected(&self) -> impl Iterator<Item = Part> + '_ {
        Part::ALL.into_iter().filter(|part| self.has(*part))
    }

    /// Whether the feature `name` is on: `None` when it is not a part (a real feature).
    pub fn feature(&self, name: &str) -> Option<bool> {
        Part::from_name(name).map(|part| self.has(part))
    }

    /// These parts with every part they turn on, as the runtime's features imply.
    pub fn closed(&self) -> Parts {
        let mut parts = *self;
        loop {
            let before = parts;
            for part in before.selected() {
                for implied in part.enables().iter().filter_map(|name| Part::from_name(name)) {
                    parts.set(implied, true);
                }
            }
            if parts == before {
                return parts;
            }
        }
    }

    /// Whether a `cfg` predicate over the runtime's features holds: `None` when it depends on a
    /// real feature. An unreadable predicate is a defect of the runtime, which this module's
    /// tests catch; it counts as holding.
    pub fn holds(&self, predicate: &str) -> Option<bool> {
        eval(predicate, &|name| self.feature(name)).unwrap_or(Some(true))
    }

    /// The runtime files a crate with these parts has, in the order of their paths.
    pub fn files(&self) -> impl Iterator<Item = &'static RuntimeFile> + '_ {
        FILES.iter().filter(|file| file.cfgs.iter().all(|cfg| self.holds(cfg) != Some(false)))
    }

    /// The runtime file at `path` with the parts this API needs; a resolver error (a marker
    /// it cannot read) is a defect of the runtime, caught by this module's tests.
    pub fn file(&self, path: &str) -> String {
        resolve(file_text(path), &|name| self.feature(name)).unwrap_or_else(|e| format!("compile_error!({:?});\n", e))
    }

    /// The dependencies of a generated crate with these parts, by name, each written as its
    /// manifest writes it: the runtime's dependencies that are not optional, with the features
    /// the parts turn on (`crate/feature`); those a part brings (`dep:crate`), no longer
    /// optional; and those only a real feature brings, optional as in the runtime.
    pub fn dependencies(&self) -> BTreeMap<&'static str, String> {
        let parts = self.closed();
        let from_parts: Vec<&str> = parts.selected().flat_map(|part| part.enables().iter().copied()).collect();
        let from_real: Vec<&str> = REAL_FEATURES.iter().flat_map(|(_, on)| on.iter().copied()).collect();
        let brought = |list: &[&str], name: &str| list.iter().any(|entry| entry.strip_prefix("dep:") == Some(name));
        let mut out = BTreeMap::new();
        for dependency in &DEPENDENCIES {
            let features: Vec<&str> = from_parts
                .iter()
                .filter_map(|entry| entry.split_once('/'))
                .filter(|(name, _)| *name == dependency.name)
                .map(|(_, feature)| feature)
                .collect();
            let optional = match (dependency.optional, brought(&from_parts, dependency.name)) {
                (false, _) | (true, true) => false,
                (true, false) if brought(&from_real, dependency.name) => true,
                (true, false) => continue,
            };
            out.insert(dependency.name, dependency.toml(&features, optional));
        }
        out
    }
}

/// The README prose file `name` (`crates/runtime/readme/{name}.md`) without its first line (a
/// comment saying what it is), filled in: a block between `{{if PART}}` and `{{end}}` lines is
/// kept when the part is on, a line that is only `{{key}}` becomes the value of `key` as it is
/// (which brings its own line ends), and `{{key}}` within a line its value.
pub fn readme(name: &str, parts: &Parts, values: &[(&str, &str)]) -> String {
    let text = README.iter().find(|(file, _)| *file == name).map_or("", |(_, text)| text);
    let text = text.split_once('\n').map_or("", |(_, rest)| rest);
    let value = |key: &str| values.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let mut out = String::new();
    let mut skipping: Vec<bool> = Vec::new();
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        if let Some(part) = bare.strip_prefix("{{if ").and_then(|rest| rest.strip_suffix("}}")) {
            skipping.push(parts.feature(part) != Some(true));
            continue;
        }
        if bare == "{{end}}" {
            skipping.pop();
            continue;
        }
        if skipping.contains(&true) {
            continue;
        }
        if let Some(whole) = bare.strip_prefix("{{").and_then(|rest| rest.strip_suffix("}}")).and_then(value) {
            out.push_str(whole);
            continue;
        }
        let mut rest = line;
        while let Some((before, after)) = rest.split_once("{{") {
            match after.split_once("}}").and_then(|(key, after)| value(key).map(|v| (v, after))) {
                Some((filled, after)) => {
                    out.push_str(before);
                    out.push_str(filled);
                    rest = after;
                }
                None => {
                    out.push_str(before);
                    out.push_str("{{");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
    }
    out
}

/// The runtime's default settings, read from the constants of its `http.rs` (and `error.rs`),
/// so that the README the generator writes states what the code does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    /// Retries after the first attempt.
    pub max_retries: u64,
    /// The limit on each attempt, in seconds.
    pub timeout_secs: u64,
    /// The connect timeout, in seconds.
    pub connect_timeout_secs: u64,
    /// The delay before the first retry, in milliseconds.
    pub initial_backoff_ms: u64,
    /// The longest delay between attempts, in seconds.
    pub max_backoff_secs: u64,
    /// The longest `Retry-After` honoured, in seconds.
    pub max_retry_after_secs: u64,
    /// The largest success body, in MiB.
    pub max_response_mib: u64,
    /// The largest error body kept, in KiB.
    pub error_body_kib: u64,
}

impl Defaults {
    /// The defaults the embedded runtime uses.
    pub fn get() -> Self {
        let http = file_text("src/http.rs");
        let read = |name: &str| constant(http, name).unwrap_or(0);
        Defaults {
            max_retries: read("MAX_RETRIES"),
            timeout_secs: read("TIMEOUT_SECS"),
            connect_timeout_secs: read("CONNECT_TIMEOUT_SECS"),
            initial_backoff_ms: read("INITIAL_BACKOFF_MS"),
            max_backoff_secs: read("MAX_BACKOFF_SECS"),
            max_retry_after_secs: read("MAX_RETRY_AFTER_SECS"),
            max_response_mib: read("MAX_RESPONSE_MIB"),
            error_body_kib: constant(file_text("src/error.rs"), "BODY_LIMIT").unwrap_or(0) / 1024,
        }
    }
}

/// The value of `const NAME: T = …;` in `source`: an integer literal, or a product of them
/// (`64 * 1024`).
fn constant(source: &str, name: &str) -> Option<u64> {
    let value = constant_text(source, name)?;
    value.split('*').map(|factor| factor.trim().replace('_', "").parse::<u64>().ok()).product()
}

/// The text after `=` of `const NAME: … = …;` in `source` (without the `;`), one line as
/// rustfmt writes it: how the generator reads the runtime's constants.
pub(crate) fn constant_text<'a>(source: &'a str, name: &str) -> Option<&'a str> {
    let line = source.lines().find(|line| {
        let bare = line.trim_start().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
        bare.strip_prefix("const ").and_then(|rest| rest.strip_prefix(name)).is_some_and(|rest| rest.starts_with(':'))
    })?;
    line.split_once('=')?.1.trim().strip_suffix(';')
}

/// Resolves the markers of a runtime file: `selected` says whether a part is on, and `None`
/// for a feature that is not a part (left as written).
pub fn resolve(text: &str, selected: &dyn Fn(&str) -> Option<bool>) -> Result<String, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let kind = if trimmed.starts_with("#[cfg(") {
            Some("#[cfg(")
        } else if trimmed.starts_with("#[cfg_attr(") {
            Some("#[cfg_attr(")
        } else {
            None
        };
        let Some(kind) = kind else {
            out.push(line.to_owned());
            i += 1;
            continue;
        };
        // The attribute, joined when rustfmt spread it over lines.
        let mut last = i;
        let mut attribute = trimmed.trim_end().to_owned();
        while !lines[last].trim_end().ends_with(")]") {
            last += 1;
            let next = lines.get(last).ok_or_else(|| format!("line {}: unterminated attribute", i + 1))?;
            attribute.push_str(next.trim());
        }
        let inner = &attribute[kind.len()..attribute.len() - 2];
        let indent = &line[..line.len() - trimmed.len()];
        if kind == "#[cfg(" {
            // An item is dropped from its marker on, so a marker below the item's docs or
            // attributes would leave them behind on the next item.
            let above = out.last().map_or("", |l| l.trim_start());
            let part = eval(inner, selected).map_err(|e| format!("line {}: {e}", i + 1))?;
            if part.is_some() && (above.starts_with("///") || above.starts_with("#[")) {
                return Err(format!("line {}: a marker goes first, above the item's docs and attributes", i + 1));
            }
            match part {
                None => out.extend(lines[i..=last].iter().map(|l| (*l).to_owned())),
                Some(true) => {}
                Some(false) => {
                    last = item_end(&lines, last + 1).ok_or_else(|| format!("line {}: no item ends", i + 1))?
                }
            }
        } else {
            let (predicate, attr) =
                split_top_level(inner).ok_or_else(|| format!("line {}: cfg_attr without an attribute", i + 1))?;
            match eval(predicate, selected).map_err(|e| format!("line {}: {e}", i + 1))? {
                None => out.extend(lines[i..=last].iter().map(|l| (*l).to_owned())),
                Some(true) => out.push(format!("{indent}#[{}]", attr.trim())),
                Some(false) => {}
            }
        }
        i = last + 1;
    }
    Ok(tidy(&out))
}

/// Removes the blank lines that dropped items leave behind, as rustfmt would: more than one in
/// a row, after an opening brace, before a closing one, and at the end.
fn tidy(lines: &[String]) -> String {
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for line in lines {
        let blank = line.trim().is_empty();
        if blank && out.last().is_none_or(|previous| previous.trim().is_empty() || previous.trim_end().ends_with('{')) {
            continue;
        }
        let closing = line.trim_start().starts_with('}') || line.trim_start().starts_with(')');
        if closing && out.last().is_some_and(|previous| previous.trim().is_empty()) {
            out.pop();
        }
        out.push(line);
    }
    while out.last().is_some_and(|line| line.trim().is_empty()) {
        out.pop();
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// The predicate and the attribute of a `cfg_attr`, split at the first comma outside brackets.
fn split_top_level(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    let mut in_string = false;
    for (at, c) in text.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => depth -= 1,
            ',' if !in_string && depth == 0 => return Some((&text[..at], &text[at + 1..])),
            _ => {}
        }
    }
    None
}

/// The last line of the item that starts at `start` (after its marker): its docs, attributes
/// and comments come first, and it ends on the first line after which every bracket is closed
/// and that ends with `;`, `,` or `}`.
fn item_end(lines: &[&str], start: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut in_string = false;
    for (index, line) in lines.iter().enumerate().skip(start) {
        if !in_string && line.trim_start().starts_with("//") {
            continue;
        }
        let code = scan(line, &mut depth, &mut in_string);
        let code = code.trim_end();
        if depth == 0 && !in_string && (code.ends_with(';') || code.ends_with(',') || code.ends_with('}')) {
            return Some(index);
        }
    }
    None
}

/// Follows brackets and string literals through one line; returns the line without a trailing
/// `//` comment.
fn scan<'a>(line: &'a str, depth: &mut i32, in_string: &mut bool) -> &'a str {
    let bytes = line.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        if *in_string {
            match c {
                b'\\' => at += 1,
                b'"' => *in_string = false,
                _ => {}
            }
        } else {
            match c {
                b'"' => *in_string = true,
                b'/' if bytes.get(at + 1) == Some(&b'/') => return &line[..at],
                // A character literal (`'x'`, `'\n'`); a lifetime has no closing quote.
                b'\'' if bytes.get(at + 1) == Some(&b'\\') => {
                    at += 2;
                    while at < bytes.len() && bytes[at] != b'\'' {
                        at += 1;
                    }
                }
                b'\'' if bytes.get(at + 2) == Some(&b'\'') => at += 2,
                b'{' | b'(' | b'[' => *depth += 1,
                b'}' | b')' | b']' => *depth -= 1,
                _ => {}
            }
        }
        at += 1;
    }
    line
}

/// Evaluates a `cfg` predicate: `Some(on)` when it depends only on parts (and `test`, never
/// on), `None` when it names a feature that is not a part.
fn eval(predicate: &str, selected: &dyn Fn(&str) -> Option<bool>) -> Result<Option<bool>, String> {
    let mut parser = Parser { text: predicate.trim(), selected };
    let value = parser.predicate()?;
    if !parser.text.trim().is_empty() {
        return Err(format!("unexpected `{}` in a cfg", parser.text));
    }
    Ok(value)
}

/// A recursive-descent reader of `cfg` predicates.
struct Parser<'a> {
    text: &'a str,
    selected: &'a dyn Fn(&str) -> Option<bool>,
}

impl Parser<'_> {
    fn predicate(&mut self) -> Result<Option<bool>, String> {
        self.text = self.text.trim_start();
        let end = self.text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(self.text.len());
        let (word, rest) = self.text.split_at(end);
        self.text = rest.trim_start();
        match word {
            "test" => Ok(Some(false)),
            "feature" => {
                let rest = self.text.strip_prefix('=').ok_or("`feature` without `=`")?.trim_start();
                let rest = rest.strip_prefix('"').ok_or("a feature name is not a string")?;
                let (name, rest) = rest.split_once('"').ok_or("an unterminated feature name")?;
                self.text = rest;
                Ok((self.selected)(name))
            }
            "any" | "all" | "not" => {
                self.text = self.text.strip_prefix('(').ok_or_else(|| format!("`{word}` without `(`"))?;
                let mut values = Vec::new();
                loop {
                    self.text = self.text.trim_start();
                    if let Some(rest) = self.text.strip_prefix(')') {
                        self.text = rest;
                        break;
                    }
                    values.push(self.predicate()?);
                    self.text = self.text.trim_start();
                    if let Some(rest) = self.text.strip_prefix(',') {
                        self.text = rest;
                    }
                }
                Ok(match word {
                    "not" => match values.as_slice() {
                        [value] => value.map(|on| !on),
                        _ => return Err("`not` takes one predicate".to_owned()),
                    },
                    "any" if values.contains(&Some(true)) => Some(true),
                    "any" if values.iter().all(|v| *v == Some(false)) => Some(false),
                    "all" if values.contains(&Some(false)) => Some(false),
                    "all" if values.iter().all(|v| *v == Some(true)) => Some(true),
                    _ => None,
                })
            }
            other => Err(format!("`{other}` is not a cfg this resolver reads")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// A marker below an item's docs would drop the item and leave its docs on the next one.
    #[test]
    fn a_marker_below_docs_is_refused() {
        let selected = |name: &str| (name == "x").then_some(false);
        let text = "/// Docs.\n#[cfg(feature = \"x\")]\nfn a() {}\n\nfn b() {}\n";
        let error = resolve(text, &selected).unwrap_err();
        assert!(error.contains("line 2: a marker goes first"), "{error}");
        let text = "#[cfg(feature = \"x\")]\n/// Docs.\nfn a() {}\n\nfn b() {}\n";
        assert_eq!(resolve(text, &selected).unwrap(), "fn b() {}\n");
    }

    /// Every `feature = "…"` the runtime's files and `lib.rs` name.
    fn named_features() -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        for text in FILES.iter().map(|f| f.text).chain([LIB]) {
            for line in text.lines().filter(|line| !line.trim_start().starts_with("//")) {
                for piece in line.split("feature = \"").skip(1) {
                    if let Some((name, _)) = piece.split_once('"') {
                        names.insert(name.to_owned());
                    }
                }
            }
        }
        names
    }

    /// Every feature the runtime's files name is a part or a real feature, and every part is
    /// named by some file: the registry's parts are the runtime's.
    #[test]
    fn the_markers_are_the_parts_the_generator_selects() {
        let parts: BTreeSet<String> = Part::ALL.iter().map(|part| part.name().to_owned()).collect();
        let real: BTreeSet<String> = REAL_FEATURES.iter().map(|(name, _)| (*name).to_owned()).collect();
        let named = named_features();
        let unknown: Vec<&String> =
            named.iter().filter(|name| !parts.contains(*name) && !real.contains(*name)).collect();
        assert!(
            unknown.is_empty(),
            "features the runtime's files name that its manifest does not declare: {unknown:?}"
        );
        let unused: Vec<&String> = parts.difference(&named).collect();
        assert!(unused.is_empty(), "parts no runtime file names: {unused:?}");
        // `blocking` is only for the runtime's own lib.rs: the copied files never name it.
        for file in &FILES {
            assert!(!file.text.contains("feature = \"blocking\""), "{}", file.path);
        }
    }

    /// The registry lists every file of the runtime's `src/` and the modules of its `lib.rs`.
    #[test]
    fn the_files_are_the_runtime_crates_modules() {
        let declared: Vec<&str> =
            LIB.lines().filter_map(|line| line.strip_prefix("mod ").and_then(|rest| rest.strip_suffix(';'))).collect();
        let top: Vec<&str> = FILES.iter().filter(|f| f.top_level).map(|f| f.module).collect();
        assert_eq!(top, declared, "the modules of the runtime's lib.rs");
        let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime/src"))
            .map(|dir| dir.filter_map(|e| e.ok()).filter(|e| e.path().is_file()).count())
            .unwrap_or_default();
        let nested = FILES.iter().filter(|f| f.path.matches('/').count() > 1).count();
        assert_eq!(FILES.len() - nested + 1, on_disk, "the runtime's src/ files (and lib.rs)");
        for file in &FILES {
            for cfg in file.cfgs {
                let read = eval(cfg, &|name| Part::from_name(name).map(|_| false));
                assert!(read.is_ok(), "{}: the cfg over its mod line, {cfg}: {read:?}", file.path);
            }
        }
        // Nothing selected: only the files no part decides on; everything: all of them.
        let none: Vec<&str> = Parts::default().files().map(|f| f.path).collect();
        assert_eq!(
            none,
            [
                "src/address.rs",
                "src/builder.rs",
                "src/decode.rs",
                "src/error.rs",
                "src/hook.rs",
                "src/http.rs",
                "src/request.rs",
                "src/retry.rs",
                "src/runner.rs",
                "src/send.rs",
                "src/session.rs",
                "src/transport.rs"
            ]
        );
        let mut all = Parts::default();
        for part in Part::ALL {
            all.set(part, true);
        }
        assert_eq!(all.files().count(), FILES.len());
    }

    /// Each README prose file opens with a comment saying what it is, its `{{if …}}` blocks
    /// name parts and are closed, and filling one in keeps blocks by the parts and leaves no
    /// placeholder it was given.
    #[test]
    fn the_readme_prose_names_parts_and_fills_in() {
        for (name, text) in README {
            assert!(text.starts_with("<!-- "), "readme/{name}.md opens with a comment saying what it is");
            let mut depth = 0i32;
            for line in text.lines() {
                if let Some(part) = line.strip_prefix("{{if ").and_then(|rest| rest.strip_suffix("}}")) {
                    assert!(Part::from_name(part).is_some(), "readme/{name}.md: `{part}` is not a part");
                    depth += 1;
                } else if line == "{{end}}" {
                    depth -= 1;
                }
                assert!(depth >= 0, "readme/{name}.md: an `{{{{end}}}}` without its `{{{{if …}}}}`");
            }
            assert_eq!(depth, 0, "readme/{name}.md: an `{{{{if …}}}}` left open");
        }
        let mut parts = Parts::default();
        parts.set(Part::Upload, true);
        let text = readme("errors", &parts, &[("crate", "x")]);
        assert!(text.contains("`Result<_, x::Error>`") && text.contains("Also a redirect"), "{text}");
        assert!(!text.contains("{{") && !text.contains("Django"), "{text}");
        assert_eq!(readme("no-such-section", &parts, &[]), "");
    }

    /// Every combination of parts that the runtime's own feature implications allow is
    /// resolved without error, and the result parses as Rust with no marker left.
    #[test]
    fn every_marker_resolves_and_the_files_parse() {
        let names: Vec<&str> = Part::ALL.iter().map(|part| part.name()).collect();
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut patterns: Vec<Vec<bool>> = vec![vec![false; names.len()], vec![true; names.len()]];
        for _ in 0..64 {
            patterns.push(
                (0..names.len())
                    .map(|_| {
                        rng ^= rng << 13;
                        rng ^= rng >> 7;
                        rng ^= rng << 17;
                        rng & 1 == 1
                    })
                    .collect(),
            );
        }
        for pattern in patterns {
            let selected = |name: &str| names.iter().position(|n| *n == name).map(|i| pattern[i]);
            for file in &FILES {
                let text = resolve(file.text, &selected).unwrap_or_else(|e| panic!("{}: {e}", file.path));
                // Only the markers of real features of the generated crate stay.
                for piece in text.split("feature = \"").skip(1) {
                    let name = piece.split('"').next().unwrap_or_default();
                    assert!(Part::from_name(name).is_none(), "{}: a marker of {name} is left", file.path);
                }
                assert!(!text.contains("#[cfg(test)]"), "{}: tests are copied", file.path);
                syn::parse_file(&text).unwrap_or_else(|e| panic!("{} with {pattern:?}: {e}\n{text}", file.path));
            }
        }
    }

    #[test]
    fn dropped_items_take_their_docs_and_leave_no_gaps() {
        let text = "//! File.\n\nuse a;\n\n#[cfg(feature = \"x\")]\n/// Docs, with a comma,\n#[derive(Debug)]\nstruct A {\n    f: u8,\n}\n\nfn b() {\n    match 1 {\n        #[cfg(any(\n            feature = \"x\",\n            feature = \"y\"\n        ))]\n        1 => '}',\n        _ => '{',\n    }\n}\n\n#[cfg(test)]\nmod tests {}\n";
        let off = resolve(text, &|_| Some(false)).unwrap();
        assert_eq!(off, "//! File.\n\nuse a;\n\nfn b() {\n    match 1 {\n        _ => '{',\n    }\n}\n");
        let on = resolve(text, &|name| Some(name == "x")).unwrap();
        assert!(on.contains("/// Docs, with a comma,\n#[derive(Debug)]\nstruct A {"), "{on}");
        assert!(on.contains("        1 => '}',\n"), "{on}");
        let kept =
            resolve("#[cfg_attr(not(feature = \"x\"), allow(dead_code))]\nfn f() {}\n", &|_| Some(false)).unwrap();
        assert_eq!(kept, "#[allow(dead_code)]\nfn f() {}\n");
        let left = resolve("#[cfg(feature = \"blocking\")]\nmod runner;\n", &|_| None).unwrap();
        assert_eq!(left, "#[cfg(feature = \"blocking\")]\nmod runner;\n");
    }

    #[test]
    fn the_defaults_are_read_from_the_runtime() {
        let defaults = Defaults::get();
        assert_eq!(defaults.max_retries, 2);
        assert_eq!(defaults.timeout_secs, 60);
        assert_eq!(defaults.connect_timeout_secs, 10);
        assert_eq!(defaults.initial_backoff_ms, 500);
        assert_eq!(defaults.max_backoff_secs, 8);
        assert_eq!(defaults.max_retry_after_secs, 60);
        assert_eq!(defaults.max_response_mib, 64);
        assert_eq!(defaults.error_body_kib, 64);
        assert_eq!(constant("    pub(crate) const X_Y: usize = 4 * 1_024;", "X_Y"), Some(4096));
        assert_eq!(constant("const X: u8 = 1;", "Y"), None);
    }

    /// The runtime's retry rule and its docs name the methods the model calls idempotent.
    #[test]
    fn the_runtime_retries_the_idempotent_methods() {
        let http = file_text("src/http.rs");
        let body = http.split("fn is_idempotent").nth(1).and_then(|rest| rest.split("\n}").next()).unwrap_or_default();
        let methods: Vec<&str> = body
            .split("Method::")
            .skip(1)
            .map(|m| m.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or_default())
            .collect();
        assert_eq!(methods, crate::model::IDEMPOTENT_METHODS);
        let docs: String = http.lines().filter_map(|l| l.trim().strip_prefix("///")).collect::<Vec<_>>().join("");
        assert!(docs.contains(&crate::model::idempotent_methods_text()), "RequestOptions' docs");
    }

    /// The runtime's `Error::Api` names the generated error body type by a fixed name; lowering
    /// must reserve and claim that very name.
    #[test]
    fn the_error_body_type_the_runtime_names_is_the_one_lowering_reserves() {
        let name = crate::naming::ERROR_BODY;
        assert!(file_text("src/error.rs").contains(&format!("use crate::types::{name};")));
        assert!(LIB.contains(&format!("pub struct {name}(")));
        assert!(crate::naming::RESERVED_TYPE_NAMES.contains(&name));
    }

    /// DRF's messages come with an error response of DRF's shape, or with the setting.
    #[test]
    fn drf_errors_follow_the_declared_error_shape_or_the_setting() {
        let spec = |error: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '204': {{description: ok}}\n        '400':\n          description: bad\n          content:\n            application/json:\n              schema: {{type: object, properties: {{{error}}}}}\n"
            )
        };
        let error_rs = |text: &str, drf_errors: bool| {
            let input = crate::Input::spec(crate::Source::new("t.yaml", text));
            let config = crate::Config { drf_errors, ..crate::Config::new("t") };
            let output = crate::generate(&input, &config).expect("generates");
            output.files.into_iter().find(|f| f.path == "src/error.rs").expect("error.rs").contents
        };
        assert!(error_rs(&spec("detail: {type: string}"), false).contains("fn drf_messages"));
        assert!(
            error_rs(&spec("non_field_errors: {type: array, items: {type: string}}"), false)
                .contains("fn drf_messages")
        );
        let plain = error_rs(&spec("message: {type: string}"), false);
        assert!(!plain.contains("drf_messages") && !plain.contains("messages: Vec"), "{plain}");
        assert!(error_rs(&spec("message: {type: string}"), true).contains("fn drf_messages"));
    }
}
