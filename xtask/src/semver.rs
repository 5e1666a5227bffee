//! `cargo xtask semver`: the API-change report's semver levels against cargo-semver-checks'.
//!
//! Each case changes a copy of the Creatify spec the way real specs change (a field added, a
//! field removed, an enum value added, an operation added, a description reworded), generates
//! the crate before and after, and asks both the report (`clientgen_cli::api_changes`) and
//! cargo-semver-checks (pinned to [`VERSION`], installed when missing) what release the change
//! needs. Too slow for CI (cargo-semver-checks documents both crates with rustdoc); run by hand
//! when the report's rules change.

use std::path::Path;
use std::process::{Command, ExitCode};

use clientgen::{Config, Input, Source};
use clientgen_cli::changes::Level;

/// The cargo-semver-checks `cargo xtask semver` uses; it installs exactly this one.
pub const VERSION: &str = "0.51.0";

/// A change to the spec: its name and the text replacements that make it.
struct Case {
    name: &'static str,
    edits: &'static [(&'static str, &'static str)],
}

const ACCENT: &str = "        accent:\n          type: string\n          format: uuid\n          nullable: true\n          \
                      description: >-\n            The avatar id to be used for lipsync, you can get the list of\n            \
                      accents from /api/voices endpoint.\n";

const CASES: &[Case] = &[
    Case {
        name: "a field added",
        edits: &[(
            "        no_caption:\n",
            "        language:\n          type: string\n          nullable: true\n        no_caption:\n",
        )],
    },
    Case { name: "a field removed", edits: &[(ACCENT, "")] },
    Case {
        name: "an enum value added",
        edits: &[(
            "        - aurora_v1_fast\n      type: string\n",
            "        - aurora_v1_fast\n        - aurora_v2\n      type: string\n",
        )],
    },
    Case {
        name: "an operation added",
        edits: &[(
            "components:\n",
            "  /api/lipsyncs/{id}/:\n    get:\n      operationId: lipsyncs_retrieve\n      parameters:\n        \
             - {name: id, in: path, required: true, schema: {type: string, format: uuid}}\n      responses:\n        \
             '200':\n          content: {application/json: {schema: {$ref: '#/components/schemas/Lipsync'}}}\n          \
             description: ''\n      security:\n        - X-API-ID: []\n          X-API-KEY: []\ncomponents:\n",
        )],
    },
    Case {
        name: "a description reworded",
        edits: &[("description: The name of the lipsync request.", "description: The lipsync request's name.")],
    },
];

/// Generates the Creatify crate from `spec` (with the committed overlay) into `dir/creatify`,
/// a scratch workspace of its own.
fn write_crate(dir: &Path, spec: &str) -> Result<clientgen::Output, String> {
    let input = Input {
        spec: Source { name: "lipsync-preview.yaml", text: spec },
        overlays: vec![xtask::CREATIFY_OVERLAY],
        files: vec![],
    };
    let output = clientgen::generate(&input, &Config::new("creatify")).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(dir);
    xtask::write_files(&dir.join("creatify"), &output.files).map_err(|e| e.to_string())?;
    xtask::scratch_workspace(dir, &["creatify".to_owned()]).map_err(|e| e.to_string())?;
    Ok(output)
}

/// cargo-semver-checks' verdict on the crate in `changed` against the one in `base`.
fn semver_checks(base: &Path, changed: &Path) -> Result<Level, String> {
    let output = Command::new(xtask::cargo())
        .args(["semver-checks", "check-release", "--release-type", "patch", "--manifest-path"])
        .arg(changed.join("creatify").join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(base.join("creatify"))
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if output.status.success() {
        return Ok(Level::Patch);
    }
    if text.contains("new major version") {
        Ok(Level::Major)
    } else if text.contains("new minor version") {
        Ok(Level::Minor)
    } else {
        Err(format!("cargo semver-checks failed without a verdict:\n{text}"))
    }
}

/// Runs every case; fails when the report misses a breaking change cargo-semver-checks finds,
/// calls one breaking that it does not, or gives a lower level.
pub fn run() -> ExitCode {
    match compare_all() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("the report and cargo-semver-checks disagree");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn compare_all() -> Result<bool, String> {
    xtask::install_cargo_tool("semver-checks", VERSION)?;
    let root = xtask::project_root().join("target").join("semver");
    let base = root.join("base");
    write_crate(&base, xtask::CREATIFY_SPEC.text)?;
    println!("| change | report | cargo-semver-checks |\n|---|---|---|");
    let mut agree = true;
    for (index, case) in CASES.iter().enumerate() {
        let mut spec = xtask::CREATIFY_SPEC.text.to_owned();
        for (from, to) in case.edits {
            if !spec.contains(from) {
                return Err(format!("{}: the spec no longer has {from:?}", case.name));
            }
            spec = spec.replacen(from, to, 1);
        }
        let changed = root.join(format!("case-{index}"));
        let output = write_crate(&changed, &spec)?;
        let ours = clientgen_cli::api_changes(&base.join("creatify"), &output).level();
        let theirs = semver_checks(&base, &changed)?;
        // cargo-semver-checks looks for breaking changes only: an addition passes as a patch
        // there, though semver asks a minor release for it. Breaking must match exactly.
        agree &= (ours == Level::Major) == (theirs == Level::Major) && ours >= theirs;
        println!("| {} | {ours} | {theirs} |", case.name);
    }
    Ok(agree)
}
