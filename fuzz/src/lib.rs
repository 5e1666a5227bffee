//! What the fuzz targets share: running the whole pipeline on an input and checking what
//! comes back, and the structure-aware mutator of `generate_tree`.

pub mod mutate;

use clientgen::{Config, Input, Source};

/// Runs `clientgen::generate` on a spec and its overlays and checks the outcome.
///
/// Any error is fine as long as it names at least one problem and none of them is an internal
/// error (emitted code that does not parse, or an emission thread that panicked); a panic or
/// an abort anywhere in the pipeline is a finding by itself. A success must give Rust files
/// that parse.
pub fn check(spec: &str, overlays: &[String]) {
    let input = Input {
        spec: Source { name: "fuzz.yaml", text: spec },
        overlays: overlays.iter().map(|text| Source { name: "fuzz.overlay.yaml", text }).collect(),
        files: Vec::new(),
    };
    match clientgen::generate(&input, &Config::new("fuzzed")) {
        Ok(output) => {
            for file in output.files.iter().filter(|file| file.path.ends_with(".rs")) {
                if let Err(e) = syn::parse_file(&file.contents) {
                    panic!("generated {} does not parse: {e}", file.path);
                }
            }
        }
        Err(e) => {
            assert!(!e.problems.is_empty(), "an error that names no problem");
            for problem in &e.problems {
                assert!(!problem.message.starts_with("internal error"), "{e}");
            }
        }
    }
}
