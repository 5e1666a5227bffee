//! The project's own generation job (the embedded Creatify spec) and the file handling shared
//! by `cargo xtask` and the staleness test.

use std::fs;
use std::path::{Path, PathBuf};

use clientgen::{Config, GeneratedFile, Output};

/// The vendor spec, embedded unchanged.
pub const CREATIFY_SPEC: &str = include_str!("../../spec/lipsync-preview.yaml");
/// Its file name, as headers name it.
pub const CREATIFY_SPEC_NAME: &str = "lipsync-preview.yaml";

/// The workspace root.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Where the committed Creatify client lives.
pub fn creatify_dir() -> PathBuf {
    project_root().join("generated").join("creatify")
}

/// The settings of the Creatify client.
pub fn creatify_config() -> Config {
    let mut config = Config::new("creatify", CREATIFY_SPEC_NAME);
    config.description = Some("Client for the Creatify API: AI avatar lipsync previews.".to_owned());
    config
}

/// Generates the Creatify client in memory.
pub fn generate_creatify() -> Result<Output, clientgen::Error> {
    clientgen::generate(CREATIFY_SPEC, &creatify_config())
}

/// The files under `dir` that differ from `files` (or are missing), by relative path.
pub fn stale_files(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    files
        .iter()
        .filter(|file| fs::read_to_string(dir.join(&file.path)).ok().as_deref() != Some(file.contents.as_str()))
        .map(|file| file.path.clone())
        .collect()
}

/// Writes `files` under `dir`, creating folders, and touching only files whose contents change.
///
/// Every path is relative and free of `..`: output never lands outside `dir`.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<usize> {
    let mut written = 0;
    for file in files {
        let relative = Path::new(&file.path);
        let safe = relative.components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe {
            return Err(std::io::Error::other(format!("refusing to write outside the output folder: {}", file.path)));
        }
        let path = dir.join(relative);
        if fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
        written += 1;
    }
    Ok(written)
}
