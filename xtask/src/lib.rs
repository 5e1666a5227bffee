//! The project's own generation job (the embedded Creatify spec, overlay and settings) and the
//! file handling shared by `cargo xtask` and the tests.

use std::fs;
use std::path::{Path, PathBuf};

use clientgen::{Config, Input, Output, Source};
pub use clientgen_cli::{Overrides, Settings, extra_files, fingerprint, stale_files, write_files};

/// The vendor spec, embedded unchanged.
pub const CREATIFY_SPEC: Source<'static> =
    Source { name: "lipsync-preview.yaml", text: include_str!("../../spec/lipsync-preview.yaml") };
/// The fixes applied to it.
pub const CREATIFY_OVERLAY: Source<'static> =
    Source { name: "creatify.overlay.yaml", text: include_str!("../../spec/creatify.overlay.yaml") };
/// What the spec cannot say about the crate.
pub const CREATIFY_SETTINGS: Source<'static> =
    Source { name: "creatify.toml", text: include_str!("../../spec/creatify.toml") };

/// The workspace root.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The cargo that runs this command (`$CARGO`), or the one on the `PATH`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Installs `cargo-{subcommand}` at exactly `version` (`cargo install --locked`) unless that
/// version is what `cargo {subcommand} --version` reports already.
pub fn install_cargo_tool(subcommand: &str, version: &str) -> Result<(), String> {
    let out = std::process::Command::new(cargo()).args([subcommand, "--version"]).output();
    let installed = out.ok().filter(|out| out.status.success()).map(|out| {
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_whitespace().last().unwrap_or_default().to_owned()
    });
    if installed.as_deref() == Some(version) {
        return Ok(());
    }
    let package = format!("cargo-{subcommand}");
    eprintln!("installing {package} {version}");
    let status =
        std::process::Command::new(cargo()).args(["install", &package, "--locked", "--version", version]).status();
    if status.is_ok_and(|s| s.success()) {
        Ok(())
    } else {
        Err(format!("`cargo install {package} --locked --version {version}` failed"))
    }
}

/// A program of the Django REST framework test server's virtual environment (tests/drf/.venv),
/// e.g. `python` or `gunicorn`.
pub fn drf_venv_bin(program: &str) -> PathBuf {
    let venv = drf_venv();
    if cfg!(windows) { venv.join("Scripts").join(format!("{program}.exe")) } else { venv.join("bin").join(program) }
}

/// Written into the venv once `pip install -r tests/drf/requirements.txt` succeeded: a copy of
/// the requirements it installed, so a changed file is installed again.
pub fn drf_venv_stamp() -> PathBuf {
    drf_venv().join("installed-requirements.txt")
}

/// The Django REST framework test server's virtual environment, tests/drf/.venv.
pub fn drf_venv() -> PathBuf {
    project_root().join("tests").join("drf").join(".venv")
}

/// Where the committed Creatify client lives.
pub fn creatify_dir() -> PathBuf {
    project_root().join("generated").join("creatify")
}

/// The Creatify job as the `clientgen` command reads it: the files of spec/.
pub fn creatify_request() -> clientgen_cli::Request {
    let spec = project_root().join("spec");
    clientgen_cli::Request {
        spec: spec.join("lipsync-preview.yaml"),
        overlays: vec![spec.join("creatify.overlay.yaml")],
        settings: Some(spec.join("creatify.toml")),
        overrides: Overrides::default(),
    }
}

/// The Creatify spec with its overlay.
pub fn creatify_input() -> Input<'static> {
    Input { spec: CREATIFY_SPEC, overlays: vec![CREATIFY_OVERLAY], files: vec![] }
}

/// The webhooks fixture spec: 3.1 webhooks and callbacks, one signed (its client is generated
/// at build time, `tests/clients/build.rs`).
pub const WEBHOOKS_SPEC: Source<'static> =
    Source { name: "33-webhooks.yaml", text: include_str!("../../tests/fixtures/rules/33-webhooks.yaml") };

/// A generated crate committed to the repository, and how to make it.
pub struct CommittedCrate {
    /// Where it lives, relative to the project root.
    pub dir: &'static str,
    /// Generates it in memory.
    pub generate: fn() -> Result<Output, String>,
}

/// Every committed generated crate: the Creatify client. The tests' clients are generated at
/// build time (`tests/clients/build.rs`), from the same fixtures.
pub const COMMITTED: &[CommittedCrate] = &[CommittedCrate { dir: "generated/creatify", generate: generate_creatify }];

/// Generates the Creatify client in memory, after checking the settings still describe the
/// spec they were written for.
pub fn generate_creatify() -> Result<Output, String> {
    clientgen::generate(&creatify_input(), &creatify_config()?).map_err(|e| e.to_string())
}

/// The Creatify client's configuration, once the settings are known to match the spec.
pub fn creatify_config() -> Result<Config, String> {
    let settings = Settings::parse(CREATIFY_SETTINGS)?;
    if !settings.pins_spec() {
        return Err(format!("{}: `spec-sha256` is missing under [package]", CREATIFY_SETTINGS.name));
    }
    settings.into_config(Overrides::default(), &fingerprint(&creatify_input()))
}

/// The profile of every build in [`generated_crates_target`], set by each of them so that the
/// dependencies are still built once. No debug information: the compile test's doctests link a
/// program per crate, and the openai stream test builds a 200,000-line crate, where debug
/// information is much of the time and no test reads it. No incremental compilation: each
/// generated crate is written anew and built once a run, and its incremental data (22 GB after
/// a corpus and contract run) cost disk and time without ever being reused.
pub const GENERATED_CRATES_PROFILE: [(&str, &str); 2] =
    [("CARGO_PROFILE_DEV_DEBUG", "0"), ("CARGO_PROFILE_DEV_INCREMENTAL", "false")];

/// The target folder every scratch workspace of generated crates builds in (the compile test's
/// and the corpus's): their dependencies are built once.
pub fn generated_crates_target() -> PathBuf {
    project_root().join("target").join("generated-crates-target")
}

/// Makes `dir` a scratch workspace of the crates in its `members` folders, pinned to the
/// project's lock file so they build with the dependency versions the committed client uses.
pub fn scratch_workspace(dir: &Path, members: &[String]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    fs::write(dir.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")))?;
    fs::copy(project_root().join("Cargo.lock"), dir.join("Cargo.lock")).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_settings_match_the_committed_spec() {
        let settings = Settings::parse(CREATIFY_SETTINGS).expect("settings parse");
        let config =
            settings.into_config(Overrides::default(), &fingerprint(&creatify_input())).expect("fingerprint matches");
        assert_eq!(config.crate_name, "creatify");
        assert_eq!(config.env_prefix, "CREATIFY");
        assert!(config.drf_errors, "Creatify answers with Django REST framework errors");
    }

    #[test]
    fn a_changed_spec_demands_a_deliberate_bump() {
        let changed =
            Input { spec: Source { name: "x.yaml", text: "openapi: 3.0.3" }, overlays: vec![], files: vec![] };
        let settings = Settings::parse(CREATIFY_SETTINGS).expect("settings parse");
        let error = settings.into_config(Overrides::default(), &fingerprint(&changed)).expect_err("refused");
        assert!(error.contains("Bump `version` deliberately"), "{error}");
        assert!(error.contains(&fingerprint(&changed)), "{error}");
    }
}
