//! The `clientgen` command as a library: read a spec, its overlays and a settings file, then
//! write the generated crate into a folder or check the folder holds it already.
//!
//! `cargo xtask codegen` and the installed `clientgen` command both end here, so they print the
//! same messages and exit with the same codes: 0 when the crate was written or is up to date,
//! 1 when the input has an error (each naming its file and place) or, with `--check`, when
//! some file is stale (each named); the command line's own mistakes exit with 2.

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

/// Reads the files `request` names and generates the crate in memory.
pub fn generate(request: &Request) -> Result<Output, String> {
    let spec_text = read(&request.spec)?;
    let overlay_texts = request.overlays.iter().map(|path| read(path)).collect::<Result<Vec<_>, _>>()?;
    let spec_name = request.spec.to_string_lossy();
    let overlay_names: Vec<String> = request.overlays.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let input = Input {
        spec: Source::new(&spec_name, &spec_text),
        overlays: overlay_texts.iter().zip(&overlay_names).map(|(text, name)| Source::new(name, text)).collect(),
    };
    let settings = match &request.settings {
        Some(path) => {
            let text = read(path)?;
            let name = path.to_string_lossy();
            Settings::parse(Source::new(&name, &text))?
        }
        None => Settings::default(),
    };
    let config = settings.into_config(request.overrides.clone(), &fingerprint(&input))?;
    clientgen::generate(&input, &config).map_err(|e| e.to_string())
}

/// Writes a generation's crate into `out`, or with `check` compares `out` with it; prints the
/// warnings, what was written or what is stale, and errors. `rerun` is the command that
/// brings a stale folder up to date, for the message.
pub fn write_or_check(check: bool, result: Result<Output, String>, out: &Path, rerun: &str) -> ExitCode {
    let output = match result {
        Ok(output) => output,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for warning in &output.warnings {
        eprintln!("warning: {warning}");
    }
    if check {
        let stale = stale_files(out, &output.files);
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
