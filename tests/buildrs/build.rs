//! Generates the Creatify client (the embedded spec and its overlay) into OUT_DIR, as modules
//! for src/lib.rs to include.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec");
    let spec_path = spec_dir.join("lipsync-preview.yaml");
    let overlay_path = spec_dir.join("creatify.overlay.yaml");
    for path in [&spec_path, &overlay_path] {
        println!("cargo::rerun-if-changed={}", path.display());
    }
    let spec = std::fs::read_to_string(&spec_path)?;
    let overlay = std::fs::read_to_string(&overlay_path)?;
    let input = clientgen::Input {
        spec: clientgen::Source::new("lipsync-preview.yaml", &spec),
        overlays: vec![clientgen::Source::new("creatify.overlay.yaml", &overlay)],
        files: Vec::new(),
    };
    let dir = PathBuf::from(std::env::var("OUT_DIR")?).join("creatify");
    // The doc examples name the crate the client is in: this one.
    let crate_name = std::env::var("CARGO_PKG_NAME")?.replace('-', "_");
    let config =
        clientgen::Config { embed_in: Some(dir.to_string_lossy().into_owned()), ..clientgen::Config::new(&crate_name) };
    let output = clientgen::generate(&input, &config)?;
    for warning in &output.warnings {
        println!("cargo::warning={warning}");
    }
    for file in &output.files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Rewriting an unchanged file would make cargo rebuild the crate for nothing.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            std::fs::write(&path, &file.contents)?;
        }
    }
    Ok(())
}
