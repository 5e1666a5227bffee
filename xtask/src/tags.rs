//! `cargo xtask tags`: a large spec's crate compiles, warnings denied, with each of its cargo
//! features on its own (every tag feature alone, and `full`) and with all of them together;
//! so does the crate of the tag-features rule fixture (`38-tag-features.yaml`).
//!
//! The spec is progenitor's nexus (193 operations in 15 tags: tag features are on by default
//! for it), the smallest of the shared specs large enough to get them, so the check is
//! `cargo check` of a mid-sized crate twenty-two times, in two minutes with its dependencies
//! built. It builds in the corpus's target folder, with the corpus's settings, so the
//! dependencies the corpus built when `cargo xtask test` runs it are used again.

use std::process::{Command, ExitCode};
use std::time::Instant;

use clientgen::{Config, Input, Source};

/// The spec, in ../shared/specs.
const SPEC: &str = "progenitor-nexus.json";

/// The rule fixture whose crate has tag features, in tests/fixtures/rules.
const FIXTURE: &str = "38-tag-features.yaml";

/// Generates the spec's crate and checks each feature alone and all together.
pub fn run() -> ExitCode {
    match check() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check() -> Result<(), String> {
    let started = Instant::now();
    let path = xtask::project_root().join("..").join("shared").join("specs").join(SPEC);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let output = clientgen::generate(&Input::spec(Source::new(SPEC, &text)), &Config::new("nexus"))
        .map_err(|e| e.to_string())?;
    if !output.files.iter().any(|f| f.path == "Cargo.toml" && f.contents.contains("\nfull = [")) {
        return Err(format!("{SPEC}: the crate has no tag features"));
    }
    let workspace = xtask::project_root().join("target").join("tag-features");
    xtask::write_files(&workspace.join("nexus"), &output.files).map_err(|e| e.to_string())?;
    let fixture = xtask::project_root().join("tests").join("fixtures").join("rules").join(FIXTURE);
    let text = std::fs::read_to_string(&fixture).map_err(|e| format!("{}: {e}", fixture.display()))?;
    let output = clientgen::generate(&Input::spec(Source::new(FIXTURE, &text)), &Config::new("tagged"))
        .map_err(|e| e.to_string())?;
    xtask::write_files(&workspace.join("tagged"), &output.files).map_err(|e| e.to_string())?;
    xtask::scratch_workspace(&workspace, &["nexus".to_owned(), "tagged".to_owned()]).map_err(|e| e.to_string())?;
    // The transport's features (TLS back ends, HTTP/2, decompression) are the runtime's, which
    // `cargo xtask parts`, the TLS steps and the client tests cover. Every run has the default
    // ones, so the dependencies are the ones the corpus built.
    let transport = "rustls,http2,gzip,deflate,charset,system-proxy";
    let left_out = ["rustls-aws-lc", "rustls-ring", "native-tls", "brotli", "zstd"];
    for package in ["nexus", "tagged"] {
        let features = crate::parts::package_features(&workspace, package)?;
        let mut runs: Vec<String> = vec![transport.to_owned()];
        for feature in
            features.keys().filter(|f| !left_out.contains(&f.as_str()) && !transport.split(',').any(|t| t == *f))
        {
            runs.push(format!("{transport},{feature}"));
        }
        runs.push(format!("{transport},full,blocking,tracing,deserialize-requests"));
        for run in &runs {
            let status = Command::new(xtask::cargo())
                .args(["rustc", "--quiet", "-p", package, "--lib", "--profile", "check", "--no-default-features"])
                .args(["--features", run, "--", "-D", "warnings"])
                .current_dir(&workspace)
                .env("CARGO_TARGET_DIR", xtask::generated_crates_target())
                .envs(xtask::GENERATED_CRATES_PROFILE)
                .env_remove("RUSTFLAGS")
                .status()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if !status.success() {
                return Err(format!("{package}: its crate does not compile with the features {run:?}"));
            }
        }
    }
    println!("{SPEC}: each feature alone and all together compile ({:.0?})", started.elapsed());
    Ok(())
}
