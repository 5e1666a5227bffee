//! The `clientgen` command as a library: read a spec, its overlays and a settings file, then
//! write the generated crate into a folder or check the folder holds it already.
//!
//! Before a crate in a folder is replaced (or found stale), what changed in its public API is
//! printed, with the semver level of each change ([`changes`]).
//!
//! `cargo xtask codegen` and the installed `clientgen` command both end here, so they print the
//! same messages and exit with the same codes: 0 when the crate was written or is up to date,
//! 1 when the input has an error (each naming its file and place) or, with `--check`, when
//! some file is stale (each named); the command line's own mistakes exit with 2.

pub mod changes;
pub mod files;
pub mod settings;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clientgen::{Input, Output, Source};

pub use files::{extra_files, stale_files, write_files};
pub use settings::{Overrides, Settings, fingerprint};

/// What one run of `generate` reads.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The OpenAPI description (YAML or JSON).
    pub spec: PathBuf,
    /// Overlay 1.0 documents applied to it, in order.
    pub overlays: Vec<PathBuf>,
    /// A settings file (see [`Settings`]).
    pub settings: Option<PathBuf>,
    /// Values over the settings file's.
    pub overrides: Overrides,
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A generated crate, and whether its settings still describe its spec.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The crate's files and the warnings.
    pub output: Output,
    /// Why the crate must not be written yet: the settings pin another spec, so the version
    /// must be bumped first (see [`Settings::check_pin`]).
    pub unpinned: Option<String>,
    /// The files the spec's `$ref`s reach, read besides the spec, its overlays and settings,
    /// in the order reached: with those, what a build script reruns on.
    pub referenced: Vec<PathBuf>,
}

impl From<Output> for Generated {
    fn from(output: Output) -> Self {
        Generated { output, unpinned: None, referenced: Vec::new() }
    }
}

/// The other files of a spec split over several, read relative to a spec's folder.
#[derive(Debug, Clone, Default)]
pub struct Referenced {
    /// Each file read: its name in the spec's terms (`schemas/pet.yaml`), its path and its
    /// text, in the order reached.
    pub read: Vec<(String, PathBuf, String)>,
    /// Why each file that could not be read was not: its path, the `$ref` naming it and where.
    pub unreadable: Vec<String>,
}

/// Reads every file the `$ref`s of `input`'s spec reach (with its overlays applied), relative
/// to `spec`'s folder, through the files read too, each once. A file that cannot be read is
/// left out (generation then reports the `$ref`, with the other problems) and said why.
pub fn read_referenced(spec: &Path, input: &Input<'_>) -> Referenced {
    let folder = spec.parent().unwrap_or(Path::new(""));
    let mut referenced = Referenced::default();
    let mut tried = std::collections::BTreeSet::new();
    loop {
        let mut with_files = input.clone();
        with_files.files.extend(referenced.read.iter().map(|(name, _, text)| Source { name, text }));
        // A spec or overlay that does not parse reaches nothing: generation reports it, after
        // the settings' own mistakes.
        let missing = clientgen::files_to_read(&with_files).unwrap_or_default();
        let new: Vec<_> = missing.into_iter().filter(|file| tried.insert(file.file.clone())).collect();
        if new.is_empty() {
            return referenced;
        }
        for file in new {
            let path = folder.join(&file.file);
            match std::fs::read_to_string(&path) {
                Ok(text) => referenced.read.push((file.file, path, text)),
                Err(e) => referenced.unreadable.push(format!(
                    "{}: {}: cannot read {}, which $ref {:?} names: {e}",
                    input.spec.name,
                    file.at,
                    path.display(),
                    file.reference
                )),
            }
        }
    }
}

/// Reads the files `request` names, and those its spec's `$ref`s reach, and generates the
/// crate in memory. A crate whose settings pin another spec is generated all the same, for
/// the API-change report, and comes back with the reason it must not be written.
pub fn generate(request: &Request) -> Result<Generated, String> {
    let spec_text = read(&request.spec)?;
    let overlay_texts = request.overlays.iter().map(|path| read(path)).collect::<Result<Vec<_>, _>>()?;
    let spec_name = request.spec.to_string_lossy();
    let overlay_names: Vec<String> = request.overlays.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let mut input = Input {
        spec: Source::new(&spec_name, &spec_text),
        overlays: overlay_texts.iter().zip(&overlay_names).map(|(text, name)| Source::new(name, text)).collect(),
        files: Vec::new(),
    };
    let Referenced { read: referenced, unreadable } = read_referenced(&request.spec, &input);
    input.files = referenced.iter().map(|(name, _, text)| Source { name, text }).collect();
    let settings = match &request.settings {
        Some(path) => {
            let text = read(path)?;
            let name = path.to_string_lossy();
            Settings::parse(Source::new(&name, &text))?
        }
        None => Settings::default(),
    };
    let unpinned = settings.check_pin(request.overrides.version.as_deref(), &fingerprint(&input)).err();
    let config = settings.into_config_unpinned(request.overrides.clone())?;
    let output = clientgen::generate(&input, &config).map_err(|e| {
        let mut lines = unreadable.clone();
        lines.push(e.to_string());
        lines.join("\n")
    })?;
    Ok(Generated { output, unpinned, referenced: referenced.into_iter().map(|(_, path, _)| path).collect() })
}

/// The Rust files under `dir/src`, as `(src/…, contents)` pairs: the crate a generation would
/// replace.
fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir.join("src")) else { return Vec::new() };
    let mut files: Vec<(String, String)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(entry.path()).ok()?;
            name.ends_with(".rs").then(|| (format!("src/{name}"), text))
        })
        .collect();
    files.sort();
    files
}

/// The `version` of the `[package]` in `dir/Cargo.toml`.
fn package_version(dir: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let package = manifest.split("\n[package]\n").nth(1).or_else(|| manifest.strip_prefix("[package]\n"))?;
    let line = package.lines().take_while(|line| !line.starts_with('[')).find(|line| line.starts_with("version"))?;
    Some(line.split('"').nth(1)?.to_owned())
}

/// What changed in the public API of the crate in `out` when `output` replaces it.
pub fn api_changes(out: &Path, output: &Output) -> changes::Report {
    let old = rust_files(out);
    let new = output.files.iter().map(|file| (file.path.as_str(), file.contents.as_str()));
    changes::compare(old.iter().map(|(path, text)| (path.as_str(), text.as_str())), new)
}

/// Prints the API-change report for replacing the crate in `out` with `output`: each change,
/// its level, and the version it asks for.
fn print_api_changes(out: &Path, output: &Output) -> changes::Level {
    let report = api_changes(out, output);
    let level = report.level();
    let version = package_version(out);
    let next = version.as_deref().and_then(|version| Some((version, changes::next_version(version, level)?)));
    let bump = match next {
        Some((from, to)) => format!("{level}: version {from} → {to}"),
        None => level.to_string(),
    };
    println!("API changes in {} ({bump}):\n{report}", out.display());
    level
}

/// Writes a generation's crate into `out`, or with `check` compares `out` with it; prints the
/// warnings, the API changes when the crate changes, what was written or what is stale, and
/// errors. `rerun` is the command that brings a stale folder up to date, for the message.
pub fn write_or_check(check: bool, result: Result<Generated, String>, out: &Path, rerun: &str) -> ExitCode {
    let Generated { output, unpinned, referenced } = match result {
        Ok(generated) => generated,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for path in &referenced {
        println!("read {}", path.display());
    }
    for warning in &output.warnings {
        eprintln!("warning: {warning}");
    }
    let stale = stale_files(out, &output.files);
    let existing = out.join("src").join("lib.rs").exists();
    if !stale.is_empty() && existing {
        print_api_changes(out, &output);
    }
    if let Some(reason) = unpinned {
        eprintln!("error: {reason}");
        return ExitCode::FAILURE;
    }
    if check {
        if stale.is_empty() {
            println!("{} is up to date", out.display());
            return ExitCode::SUCCESS;
        }
        let extra = extra_files(out, &output.files);
        for path in &stale {
            let note = if extra.contains(path) { " (the generator does not write it: delete it)" } else { "" };
            eprintln!("stale: {}{note}", out.join(path).display());
        }
        eprintln!("generated code is out of date: run `{rerun}`");
        return ExitCode::FAILURE;
    }
    match write_files(out, &output.files) {
        Ok(written) => {
            println!("{}: {written} file(s) written, {} unchanged", out.display(), output.files.len() - written);
            // Files of an older generation are not deleted (the folder may be the caller's);
            // `--check` fails on them.
            for path in extra_files(out, &output.files) {
                eprintln!("warning: {} is not written by the generator: delete it", out.join(path).display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
