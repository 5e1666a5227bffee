//! Reads the registry of the client runtime (`crates/runtime`: its manifest, the `mod` lines of
//! its sources and its README prose) and writes it as Rust tables into `OUT_DIR/registry.rs`,
//! which `src/registry.rs` includes.
//!
//! The runtime crate is the one place that says which parts a generated crate can have (its
//! features), which files each part brings (the `#[cfg(…)]` over each `mod` line), which
//! dependencies each part needs and at which version (its `[dependencies]` and the `dep:` and
//! `crate/feature` entries of its features), and what the transport's features are and say
//! (`[package.metadata.clientgen]`). Anything this script cannot read is a build error naming
//! the file and what is wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let runtime = manifest_dir.join("../runtime");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("registry.rs");
    match registry(&runtime) {
        Ok(code) => std::fs::write(&out, code).unwrap_or_else(|e| panic!("writing {}: {e}", out.display())),
        Err(message) => {
            eprintln!("error: the runtime's registry: {message}");
            std::process::exit(1);
        }
    }
}

/// A dependency as the runtime's manifest declares it.
struct Dependency {
    name: String,
    version: String,
    default_features: Option<bool>,
    features: Vec<String>,
    optional: bool,
}

fn registry(runtime: &Path) -> Result<String, String> {
    let manifest_path = runtime.join("Cargo.toml");
    println!("cargo::rerun-if-changed={}", manifest_path.display());
    println!("cargo::rerun-if-changed={}", runtime.join("src").display());
    println!("cargo::rerun-if-changed={}", runtime.join("readme").display());
    let text = read(&manifest_path)?;
    let manifest: toml::Table = text.parse().map_err(|e| format!("crates/runtime/Cargo.toml: {e}"))?;
    let at = |what: &str| format!("crates/runtime/Cargo.toml: {what}");

    let metadata = manifest
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("clientgen"))
        .and_then(toml::Value::as_table)
        .ok_or_else(|| at("no [package.metadata.clientgen] table"))?;
    let features = manifest.get("features").and_then(toml::Value::as_table).ok_or_else(|| at("no [features]"))?;
    let dependencies = dependency_table(&manifest, "dependencies").map_err(|e| at(&e))?;
    let dev_dependencies = dependency_table(&manifest, "dev-dependencies").map_err(|e| at(&e))?;
    let type_dependencies = match metadata.get("type-dependencies") {
        Some(value) => dependencies_of(value, "package.metadata.clientgen.type-dependencies").map_err(|e| at(&e))?,
        None => Vec::new(),
    };

    // Each feature's list, as written, in the manifest's order.
    let mut order: Vec<String> = Vec::new();
    let mut enables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in features {
        let list = strings(value).ok_or_else(|| at(&format!("feature `{name}` is not a list of strings")))?;
        enables.insert(name.clone(), list);
        order.push(name.clone());
    }
    // The transport's features, in order, then the other real features; the rest are parts.
    let transport = metadata
        .get("transport")
        .and_then(toml::Value::as_array)
        .ok_or_else(|| at("no [[package.metadata.clientgen.transport]]"))?;
    let mut transport_rows = String::new();
    let mut real: Vec<String> = Vec::new();
    for entry in transport {
        let field = |key: &str| entry.get(key).and_then(toml::Value::as_str);
        let name = field("name").ok_or_else(|| at("a transport feature without a `name`"))?;
        let comment = field("comment").ok_or_else(|| at(&format!("transport feature `{name}` has no `comment`")))?;
        let readme = field("readme").ok_or_else(|| at(&format!("transport feature `{name}` has no `readme`")))?;
        let default = entry.get("default").and_then(toml::Value::as_bool).unwrap_or(false);
        if !enables.contains_key(name) {
            return Err(at(&format!("transport feature `{name}` is not a feature of the runtime")));
        }
        let _ = writeln!(
            transport_rows,
            "    TransportFeature {{ name: {name:?}, default: {default}, comment: {comment:?}, readme: {readme:?} }},"
        );
        real.push(name.to_owned());
    }
    let others = metadata
        .get("real-features")
        .and_then(strings)
        .ok_or_else(|| at("no `real-features` list in [package.metadata.clientgen]"))?;
    for name in &others {
        if !enables.contains_key(name) {
            return Err(at(&format!("real feature `{name}` is not a feature of the runtime")));
        }
    }
    real.extend(others);
    let parts: Vec<&String> = order.iter().filter(|name| !real.contains(name)).collect();
    // Every entry of a feature names a feature, an optional dependency (`dep:`), or a
    // feature of a dependency (`crate/feature`).
    for (name, list) in &enables {
        for entry in list {
            let known = match entry.split_once(['/', ':']) {
                Some(("dep", dep)) => dependencies.iter().any(|d| d.name == dep && d.optional),
                Some((dep, _)) => dependencies.iter().any(|d| d.name == dep),
                None => enables.contains_key(entry),
            };
            if !known {
                return Err(at(&format!("feature `{name}` names `{entry}`, which the manifest does not declare")));
            }
            if parts.contains(&name) && real.contains(entry) {
                return Err(at(&format!("part `{name}` turns on `{entry}`, a real feature of generated crates")));
            }
        }
    }

    let src = runtime.join("src");
    let modules = modules(&src)?;
    let readme = readme_files(&runtime.join("readme"))?;

    let mut code = String::new();
    let _ = writeln!(code, "// Written by crates/clientgen/build.rs from crates/runtime; do not edit.\n");
    // Parts.
    let _ = writeln!(code, "/// A part of the runtime: a feature of the runtime crate that the generator selects.");
    let _ = writeln!(code, "#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]");
    let _ = writeln!(code, "pub enum Part {{");
    for part in &parts {
        let _ = writeln!(code, "    /// The runtime's feature `{part}`.\n    {},", camel(part));
    }
    let _ = writeln!(code, "}}\n");
    let _ = writeln!(code, "impl Part {{");
    let _ = writeln!(code, "    /// Every part, in the order of the manifest.");
    let _ = writeln!(code, "    pub const ALL: [Part; {}] = [", parts.len());
    for part in &parts {
        let _ = writeln!(code, "        Part::{},", camel(part));
    }
    let _ = writeln!(code, "    ];\n");
    let _ = writeln!(code, "    /// The part's feature name in the runtime crate.");
    let _ = writeln!(code, "    pub const fn name(self) -> &'static str {{\n        match self {{");
    for part in &parts {
        let _ = writeln!(code, "            Part::{} => {part:?},", camel(part));
    }
    let _ = writeln!(code, "        }}\n    }}\n");
    let _ = writeln!(code, "    /// What the part's feature turns on, as the runtime's manifest lists it.");
    let _ = writeln!(code, "    pub const fn enables(self) -> &'static [&'static str] {{\n        match self {{");
    for part in &parts {
        let _ = writeln!(code, "            Part::{} => &{:?},", camel(part), enables[*part]);
    }
    let _ = writeln!(code, "        }}\n    }}\n}}\n");

    // Real features.
    let _ = writeln!(code, "/// The runtime's features that are real features of every generated crate, and what each");
    let _ = writeln!(code, "/// turns on: markers naming them are left as written.");
    let _ = writeln!(code, "pub const REAL_FEATURES: [(&str, &[&str]); {}] = [", real.len());
    for name in &real {
        let _ = writeln!(code, "    ({name:?}, &{:?}),", enables[name]);
    }
    let _ = writeln!(code, "];\n");
    let _ = writeln!(code, "/// The transport's features (TLS back ends, HTTP/2, decompression, …), in the order");
    let _ = writeln!(code, "/// generated manifests list them.");
    let _ = writeln!(code, "pub const TRANSPORT_FEATURES: [TransportFeature; {}] = [", transport.len());
    code.push_str(&transport_rows);
    let _ = writeln!(code, "];\n");

    // Dependencies.
    for (name, doc, list) in [
        ("DEPENDENCIES", "The runtime's dependencies.", &dependencies),
        (
            "DEV_DEPENDENCIES",
            "The runtime's dev-dependencies, which generated crates' doctests use.",
            &dev_dependencies,
        ),
        ("TYPE_DEPENDENCIES", "Dependencies of generated types (not of the runtime), by name.", &type_dependencies),
    ] {
        let _ = writeln!(code, "/// {doc}");
        let _ = writeln!(code, "pub const {name}: [Dependency; {}] = [", list.len());
        for d in list {
            let _ = writeln!(
                code,
                "    Dependency {{ name: {:?}, version: {:?}, default_features: {:?}, features: &{:?}, optional: {} }},",
                d.name, d.version, d.default_features, d.features, d.optional
            );
        }
        let _ = writeln!(code, "];\n");
    }

    // Files.
    let _ = writeln!(code, "/// The runtime's files a generated crate may have (all but `lib.rs`).");
    let _ = writeln!(code, "pub const FILES: [RuntimeFile; {}] = [", modules.len());
    for m in &modules {
        let _ = writeln!(
            code,
            "    RuntimeFile {{ path: {:?}, module: {:?}, top_level: {}, cfgs: &{:?}, text: include_str!({:?}) }},",
            m.path,
            m.module,
            m.top_level,
            m.cfgs,
            src.join(m.path.trim_start_matches("src/")).display().to_string()
        );
    }
    let _ = writeln!(code, "];\n");
    let rust_version = manifest
        .get("package")
        .and_then(|p| p.get("rust-version"))
        .and_then(toml::Value::as_str)
        .ok_or_else(|| at("no `rust-version` in [package]"))?;
    let _ = writeln!(code, "/// The oldest Rust the runtime is written for, and so the default of generated crates.");
    let _ = writeln!(code, "pub const RUST_VERSION: &str = {rust_version:?};\n");
    let _ = writeln!(code, "/// The runtime crate's `lib.rs` (never copied: generated crates have their own).");
    let _ = writeln!(code, "pub const LIB: &str = include_str!({:?});\n", src.join("lib.rs").display().to_string());
    let _ = writeln!(code, "/// The README's prose, by file name without `.md`.");
    let _ = writeln!(code, "pub const README: [(&str, &str); {}] = [", readme.len());
    for (name, path) in &readme {
        let _ = writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string());
    }
    let _ = writeln!(code, "];");
    Ok(code)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn strings(value: &toml::Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|v| v.as_str().map(str::to_owned)).collect()
}

/// `json-body` → `JsonBody`.
fn camel(name: &str) -> String {
    name.split(['-', '_'])
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

fn dependency_table(manifest: &toml::Table, key: &str) -> Result<Vec<Dependency>, String> {
    match manifest.get(key) {
        Some(value) => dependencies_of(value, key),
        None => Ok(Vec::new()),
    }
}

/// The dependencies of a `[dependencies]`-shaped table, by name.
fn dependencies_of(value: &toml::Value, key: &str) -> Result<Vec<Dependency>, String> {
    let table = value.as_table().ok_or_else(|| format!("[{key}] is not a table"))?;
    let mut out = Vec::new();
    for (name, spec) in table {
        let dependency = match spec {
            toml::Value::String(version) => Dependency {
                name: name.clone(),
                version: version.clone(),
                default_features: None,
                features: Vec::new(),
                optional: false,
            },
            toml::Value::Table(t) => {
                let allowed: BTreeSet<&str> = ["version", "default-features", "features", "optional"].into();
                if let Some(other) = t.keys().find(|k| !allowed.contains(k.as_str())) {
                    return Err(format!("[{key}] {name}: `{other}` is not a key the generator writes"));
                }
                Dependency {
                    name: name.clone(),
                    version: t
                        .get("version")
                        .and_then(toml::Value::as_str)
                        .ok_or_else(|| format!("[{key}] {name} has no version"))?
                        .to_owned(),
                    default_features: t.get("default-features").and_then(toml::Value::as_bool),
                    features: t.get("features").map_or(Some(Vec::new()), strings).unwrap_or_default(),
                    optional: t.get("optional").and_then(toml::Value::as_bool).unwrap_or(false),
                }
            }
            _ => return Err(format!("[{key}] {name} is neither a version nor a table")),
        };
        out.push(dependency);
    }
    Ok(out)
}

/// A runtime source file, and the module that declares it.
struct Module {
    /// `src/http.rs`.
    path: String,
    /// The module's name.
    module: String,
    /// Declared by `lib.rs`.
    top_level: bool,
    /// The `cfg` predicates over its `mod` line and those of the modules holding it.
    cfgs: Vec<String>,
}

/// Every source file of the runtime but `lib.rs`, each declared by a `mod name;` line of
/// `lib.rs` or of the module holding it (`src/a.rs` holds `src/a/b.rs`).
fn modules(src: &Path) -> Result<Vec<Module>, String> {
    let mut files: Vec<String> = Vec::new();
    walk(src, src, &mut files)?;
    files.sort();
    // The declaring file, and the `cfg`s over each `mod` line.
    let mut declared: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    for file in files.iter().map(String::as_str).chain(["lib.rs"]) {
        let text = read(&src.join(file))?;
        let dir = match file.strip_suffix(".rs") {
            Some("lib") => String::new(),
            Some(stem) if stem.ends_with("/mod") => stem.trim_end_matches("mod").to_owned(),
            Some(stem) => format!("{stem}/"),
            None => continue,
        };
        for (name, cfg) in mod_lines(&text).map_err(|e| format!("crates/runtime/src/{file}: {e}"))? {
            let path = [format!("{dir}{name}.rs"), format!("{dir}{name}/mod.rs")]
                .into_iter()
                .find(|p| files.contains(p))
                .ok_or_else(|| format!("crates/runtime/src/{file}: `mod {name};` has no file"))?;
            declared.insert(path, (file.to_owned(), cfg));
        }
    }
    let mut out = Vec::new();
    for file in &files {
        let mut cfgs = Vec::new();
        let mut at = file.clone();
        let top_level = declared.get(file).is_some_and(|(by, _)| by == "lib.rs");
        loop {
            let (by, cfg) =
                declared.get(&at).ok_or_else(|| format!("crates/runtime/src/{at} is declared by no `mod` line"))?;
            cfgs.extend(cfg.clone());
            if by == "lib.rs" {
                break;
            }
            at = by.clone();
        }
        let module = file.trim_end_matches(".rs").trim_end_matches("/mod").rsplit('/').next().unwrap_or_default();
        out.push(Module { path: format!("src/{file}"), module: module.to_owned(), top_level, cfgs });
    }
    Ok(out)
}

fn walk(root: &Path, dir: &Path, files: &mut Vec<String>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            walk(root, &path, files)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).map_err(|e| e.to_string())?;
            let relative = relative.to_string_lossy().replace('\\', "/");
            if relative != "lib.rs" {
                files.push(relative);
            }
        }
    }
    Ok(())
}

/// The `mod name;` lines of a file (not inline modules), each with the predicate of the
/// `#[cfg(…)]` right above it, joined when rustfmt spread it over lines.
fn mod_lines(text: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut pending: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if line.starts_with("#[cfg(") {
            let mut attribute = line.to_owned();
            while !attribute.ends_with(")]") {
                i += 1;
                let next = lines.get(i).ok_or_else(|| format!("line {}: an unterminated attribute", i + 1))?;
                attribute.push_str(next.trim());
            }
            let inner = attribute["#[cfg(".len()..attribute.len() - 2].replace(",)", ")");
            pending = Some(inner);
        } else if let Some(name) = line
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ")
            .strip_prefix("mod ")
            .and_then(|r| r.strip_suffix(';'))
        {
            out.push((name.trim().to_owned(), pending.take()));
        } else if !line.starts_with("#[") && !line.starts_with("//") {
            pending = None;
        }
        i += 1;
    }
    Ok(out)
}

/// The README's prose files, by name.
fn readme_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if let Some(name) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".md")) {
            out.push((name.to_owned(), path.clone()));
        }
    }
    out.sort();
    Ok(out)
}
