//! The client runtime (`crates/runtime`), embedded, and the marker resolver that copies into a
//! generated crate the parts of it an API needs.
//!
//! The runtime's files are ordinary Rust. An item that only some APIs need carries
//! `#[cfg(…)]` over the runtime crate's features (`feature = "form"`, `any(…)`, `all(…)`,
//! `not(…)`), each feature a part the generator selects ([`Parts`]). Resolving works on the
//! text, line by line, so comments and docs survive: a marker that holds is removed and its
//! item kept, one that does not is removed with its item (the marker line first, then the
//! item's docs, attributes and body, found by bracket depth). `#[cfg_attr(marker, attr)]`
//! becomes `#[attr]` or nothing. `cfg(test)` never holds, so unit tests stay behind. A marker
//! that names a feature the generator does not select ([`REAL_FEATURES`]: `blocking`, `tracing`
//! and the transport's, real features of the generated crate) is left as written.

/// A file of the runtime crate and the path it takes in a generated crate.
pub struct RuntimeFile {
    /// The path in the generated crate (and, under `crates/runtime`, in the runtime crate).
    pub path: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// The runtime files a generated crate may have.
pub const FILES: [RuntimeFile; 18] = [
    RuntimeFile { path: "src/http.rs", text: include_str!("../../../runtime/src/http.rs") },
    RuntimeFile { path: "src/error.rs", text: include_str!("../../../runtime/src/error.rs") },
    RuntimeFile { path: "src/decode.rs", text: include_str!("../../../runtime/src/decode.rs") },
    RuntimeFile { path: "src/pagination.rs", text: include_str!("../../../runtime/src/pagination.rs") },
    RuntimeFile { path: "src/param.rs", text: include_str!("../../../runtime/src/param.rs") },
    RuntimeFile { path: "src/runner.rs", text: include_str!("../../../runtime/src/runner.rs") },
    RuntimeFile { path: "src/stream.rs", text: include_str!("../../../runtime/src/stream.rs") },
    RuntimeFile { path: "src/support.rs", text: include_str!("../../../runtime/src/support.rs") },
    RuntimeFile { path: "src/validate.rs", text: include_str!("../../../runtime/src/validate.rs") },
    RuntimeFile { path: "src/webhook.rs", text: include_str!("../../../runtime/src/webhook.rs") },
    RuntimeFile { path: "src/builder.rs", text: include_str!("../../../runtime/src/builder.rs") },
    RuntimeFile { path: "src/address.rs", text: include_str!("../../../runtime/src/address.rs") },
    RuntimeFile { path: "src/hook.rs", text: include_str!("../../../runtime/src/hook.rs") },
    RuntimeFile { path: "src/request.rs", text: include_str!("../../../runtime/src/request.rs") },
    RuntimeFile { path: "src/retry.rs", text: include_str!("../../../runtime/src/retry.rs") },
    RuntimeFile { path: "src/send.rs", text: include_str!("../../../runtime/src/send.rs") },
    RuntimeFile { path: "src/session.rs", text: include_str!("../../../runtime/src/session.rs") },
    RuntimeFile { path: "src/transport.rs", text: include_str!("../../../runtime/src/transport.rs") },
];

/// The runtime crate's `lib.rs` (never copied: generated crates have their own).
pub const LIB: &str = include_str!("../../../runtime/src/lib.rs");

/// The runtime crate's manifest, whose features are the parts.
pub const MANIFEST: &str = include_str!("../../../runtime/Cargo.toml");

/// The runtime crate's features that are not parts but real features of every generated
/// crate, named by its files, whose markers stay as written: the blocking client, tracing, the
/// TLS back ends, HTTP/2 and charsets. The runtime crate declares the transport's other
/// features (`emit::manifest::TRANSPORT_FEATURES`) too, which only reqwest's features name.
pub const REAL_FEATURES: [&str; 7] = ["blocking", "tracing", "rustls", "rustls-ring", "native-tls", "http2", "charset"];

/// The text of the runtime file at `path` (`src/http.rs`).
pub fn file_text(path: &str) -> &'static str {
    FILES.iter().find(|file| file.path == path).map_or("", |file| file.text)
}

/// The parts of the runtime an API needs: each a feature of the runtime crate.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// JSON request bodies.
    pub json_body: bool,
    /// Form bodies.
    pub form: bool,
    /// Form bodies of structs, field by field.
    pub form_fields: bool,
    /// Form bodies of other values.
    pub form_value: bool,
    /// Multipart bodies.
    pub multipart: bool,
    /// Multipart text parts.
    pub multipart_text: bool,
    /// Multipart file parts.
    pub multipart_files: bool,
    /// Text bodies (and bytes from memory), sent as given.
    pub raw_body: bool,
    /// Binary bodies from memory, a file or a stream.
    pub bytes_body: bool,
    /// Path parameters (`param.rs`).
    pub param_path: bool,
    /// Query parameters.
    pub param_query: bool,
    /// Header parameters.
    pub param_header: bool,
    /// Cookie parameters.
    pub param_cookie: bool,
    /// Form body fields written in a style.
    pub form_styles: bool,
    /// Security schemes some operation asks for.
    pub credentials: bool,
    /// JSON success bodies.
    pub read_json: bool,
    /// Text success bodies.
    pub read_text: bool,
    /// Bytes success bodies.
    pub read_bytes: bool,
    /// Successes without a body.
    pub read_empty: bool,
    /// Success statuses listed one by one, with no range to fall back on.
    pub undeclared_status: bool,
    /// Request validation (`validate.rs`).
    pub validation: bool,
    /// Pattern checks.
    pub patterns: bool,
    /// Django REST framework error messages.
    pub drf: bool,
    /// Error bodies decoded into the API's declared error schemas.
    pub error_body: bool,
    /// The `Decimal` type.
    pub decimal: bool,
    /// The `File` type.
    pub file: bool,
    /// The `Nullable` type.
    pub nullable: bool,
    /// The `ByteSource` type.
    pub upload: bool,
    /// Success bodies as byte streams (`stream.rs`; event streams read one).
    pub byte_stream: bool,
    /// Server-Sent Events.
    pub events: bool,
    /// Events whose data is JSON.
    pub events_json: bool,
    /// Events whose data is text.
    pub events_text: bool,
    /// Received webhooks and callbacks decoded (`webhook.rs`).
    pub webhooks: bool,
    /// Their Standard Webhooks signatures verified.
    pub webhook_signatures: bool,
    /// Lists read page after page as one stream of items (`pagination.rs`).
    pub pagination: bool,
    /// A next page at a URL the page gives.
    pub pagination_url: bool,
    /// A next page at the `Link` header's `rel="next"`.
    pub pagination_link: bool,
}

impl Parts {
    /// Each part's feature name in the runtime crate, and whether it is selected.
    pub fn markers(&self) -> [(&'static str, bool); 37] {
        [
            ("json-body", self.json_body),
            ("form", self.form),
            ("form-fields", self.form_fields),
            ("form-value", self.form_value),
            ("multipart", self.multipart),
            ("multipart-text", self.multipart_text),
            ("multipart-files", self.multipart_files),
            ("raw-body", self.raw_body),
            ("bytes-body", self.bytes_body),
            ("param-path", self.param_path),
            ("param-query", self.param_query),
            ("param-header", self.param_header),
            ("param-cookie", self.param_cookie),
            ("form-styles", self.form_styles),
            ("credentials", self.credentials),
            ("read-json", self.read_json),
            ("read-text", self.read_text),
            ("read-bytes", self.read_bytes),
            ("read-empty", self.read_empty),
            ("undeclared-status", self.undeclared_status),
            ("validation", self.validation),
            ("patterns", self.patterns),
            ("drf", self.drf),
            ("error-body", self.error_body),
            ("decimal", self.decimal),
            ("file", self.file),
            ("nullable", self.nullable),
            ("upload", self.upload),
            ("byte-stream", self.byte_stream),
            ("events", self.events),
            ("events-json", self.events_json),
            ("events-text", self.events_text),
            ("webhooks", self.webhooks),
            ("webhook-signatures", self.webhook_signatures),
            ("pagination", self.pagination),
            ("pagination-url", self.pagination_url),
            ("pagination-link", self.pagination_link),
        ]
    }

    /// Whether the crate has `param.rs` (some parameter, or a styled form field).
    pub fn params(&self) -> bool {
        self.param_path || self.param_query || self.param_header || self.param_cookie || self.form_styles
    }

    /// Whether the crate has `support.rs` (some support type is needed).
    pub fn support(&self) -> bool {
        self.decimal || self.file || self.nullable || self.upload
    }

    /// The runtime file at `path` with the parts this API needs; a resolver error (a marker
    /// it cannot read) is a defect of the runtime, caught by this module's tests.
    pub fn file(&self, path: &str) -> String {
        let markers = self.markers();
        let selected = |name: &str| markers.iter().find(|(marker, _)| *marker == name).map(|(_, on)| *on);
        resolve(file_text(path), &selected).unwrap_or_else(|e| format!("compile_error!({:?});\n", e))
    }
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
    let line = source.lines().find(|line| {
        let bare = line.trim_start().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
        bare.strip_prefix("const ").and_then(|rest| rest.strip_prefix(name)).is_some_and(|rest| rest.starts_with(':'))
    })?;
    let value = line.split_once('=')?.1.trim().strip_suffix(';')?;
    value.split('*').map(|factor| factor.trim().replace('_', "").parse::<u64>().ok()).product()
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

    /// The features of the runtime crate's manifest.
    fn manifest_features() -> BTreeSet<String> {
        let section = MANIFEST.split("[features]").nth(1).unwrap_or_default();
        section
            .lines()
            .take_while(|line| !line.starts_with('['))
            .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.trim().to_owned()))
            .filter(|name| !name.starts_with('#'))
            .collect()
    }

    fn parts() -> BTreeSet<String> {
        Parts::default().markers().iter().map(|(name, _)| (*name).to_owned()).collect()
    }

    #[test]
    fn the_markers_are_the_parts_the_generator_selects() {
        let mut expected = parts();
        expected.extend(REAL_FEATURES.map(str::to_owned));
        let mut declared = expected.clone();
        declared.extend(super::super::manifest::TRANSPORT_FEATURES.iter().map(|f| f.name.to_owned()));
        assert_eq!(manifest_features(), declared, "the runtime crate's features");
        let named = named_features();
        assert_eq!(named, expected, "the features the runtime's files name");
        // `blocking` is only for the runtime's own lib.rs: the copied files never name it.
        for file in &FILES {
            assert!(!file.text.contains("feature = \"blocking\""), "{}", file.path);
        }
    }

    /// Every combination of parts that the runtime's own feature implications allow is
    /// resolved without error, and the result parses as Rust with no marker left.
    #[test]
    fn every_marker_resolves_and_the_files_parse() {
        let names: Vec<&str> = Parts::default().markers().iter().map(|(name, _)| *name).collect();
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
                    assert!(REAL_FEATURES.contains(&name), "{}: a marker of {name} is left", file.path);
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
