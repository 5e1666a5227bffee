//! Support for the tests: fixture discovery, and compiling generated crates in a scratch workspace.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use clientgen::{Config, GeneratedFile, Input, Source};

/// The folder of rule fixtures: one tiny spec per rule.
pub fn rules_dir() -> PathBuf {
    xtask::project_root().join("tests").join("fixtures").join("rules")
}

/// Every rule fixture, as (stem, path), in name order.
pub fn rule_fixtures() -> Vec<(String, PathBuf)> {
    let mut fixtures: Vec<(String, PathBuf)> = fs::read_dir(rules_dir())
        .expect("tests/fixtures/rules is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml" || ext == "json"))
        .map(|path| (path.file_stem().unwrap_or_default().to_string_lossy().into_owned(), path))
        .collect();
    fixtures.sort();
    fixtures
}

/// The crate name a fixture is generated under: `fixture_01_views`.
pub fn crate_name(stem: &str) -> String {
    format!("fixture_{}", stem.replace('-', "_"))
}

/// Generates a fixture with default settings.
pub fn generate_fixture(stem: &str, path: &Path) -> Result<Vec<GeneratedFile>, clientgen::Error> {
    let text = fs::read_to_string(path).expect("fixture is readable");
    let name = path.to_string_lossy();
    let input = Input::spec(Source::new(&name, &text));
    clientgen::generate(&input, &Config::new(&crate_name(stem))).map(|output| output.files)
}

/// Generates the spec split over files, `tests/fixtures/multifile/spec.yaml`, with the files
/// its `$ref`s reach read as the command line reads them (`clientgen::files_to_read`, until
/// none is missing), under the crate name `multifile`.
pub fn generate_multifile() -> Result<Vec<GeneratedFile>, clientgen::Error> {
    let folder = xtask::project_root().join("tests").join("fixtures").join("multifile");
    let spec = fs::read_to_string(folder.join("spec.yaml")).expect("the multifile spec is readable");
    let mut texts: Vec<(String, String)> = Vec::new();
    loop {
        let mut input = Input::spec(Source { name: "spec.yaml", text: &spec });
        input.files = texts.iter().map(|(name, text)| Source { name, text }).collect();
        let missing = clientgen::files_to_read(&input)?;
        if missing.is_empty() {
            return clientgen::generate(&input, &Config::new("multifile")).map(|output| output.files);
        }
        for file in missing {
            let text = fs::read_to_string(folder.join(&file.file)).expect("a file of the multifile spec");
            texts.push((file.file, text));
        }
    }
}

/// Writes each crate into one scratch workspace, `target/{workspace}`, runs clippy on all of
/// them with warnings denied, compiles their doctests (the examples in the docs), and documents
/// them with rustdoc's warnings denied. Returns cargo's output on failure. Tests that run at the
/// same time name different workspaces; all build in one target folder.
pub fn check_crates(workspace: &str, crates: &[(String, Vec<GeneratedFile>)]) -> Result<(), String> {
    let root = xtask::project_root();
    let workspace = root.join("target").join(workspace);
    let _ = fs::remove_dir_all(&workspace);
    fs::create_dir_all(&workspace).map_err(|e| e.to_string())?;
    let mut members = Vec::new();
    for (name, files) in crates {
        xtask::write_files(&workspace.join(name), files).map_err(|e| e.to_string())?;
        members.push(name.clone());
    }
    xtask::scratch_workspace(&workspace, &members).map_err(|e| e.to_string())?;
    // A generated crate is a library and nothing else: `--all-targets` would only check it a
    // second time as its (empty) unit-test harness.
    let clippy =
        ["clippy", "--workspace", "--lib", "--all-features", "--keep-going", "--quiet", "--", "-D", "warnings"];
    let doctests = ["test", "--workspace", "--doc", "--quiet"];
    let docs = ["doc", "--workspace", "--no-deps", "--all-features", "--quiet"];
    for args in [&clippy[..], &doctests[..], &docs[..]] {
        let started = std::time::Instant::now();
        let output = Command::new(xtask::cargo())
            .args(args)
            .current_dir(&workspace)
            .env("CARGO_TARGET_DIR", xtask::generated_crates_target())
            .envs(xtask::GENERATED_CRATES_PROFILE)
            .env("RUSTDOCFLAGS", "-D warnings")
            .env_remove("RUSTFLAGS")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        eprintln!("{} crates: cargo {} took {:.0} s", crates.len(), args[0], started.elapsed().as_secs_f64());
        if !output.status.success() {
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!("cargo {}:\n{stdout}\n{stderr}", args.join(" ")));
        }
    }
    Ok(())
}

pub mod drf;
pub mod funnel;
pub mod prism;
