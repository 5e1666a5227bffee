//! `cargo xtask fresh`: a sample of generated crates built as a user's new project builds
//! them, with dependencies resolved afresh (the newest compatible releases, not the project's
//! lock file), under clippy with warnings denied.
//!
//! The project's own builds use its `Cargo.lock`, so a semver-compatible release that breaks
//! generated code (a deprecation, a new warning, an API that changed) would stay hidden until
//! the lock file is updated; a user's fresh lock file meets it at once. This check meets it
//! the day it is published. The crates live in a scratch workspace of their own under
//! `target/fresh`, with no lock file copied in, and build in their own target folder
//! (`target/fresh/target`), so the locked builds are never disturbed and the next run reuses
//! what did not change.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use clientgen::{Config, Input, Source};

/// The specs of `../shared/specs` in the sample beside the Creatify client, small and of
/// different shapes: a minimal 3.0 API, a 3.0 API with forms, enums and API-key and OAuth
/// schemes, and a Django REST framework API with its error bodies. With their crate names.
const SPECS: [(&str, &str); 3] = [
    ("oai-petstore.yaml", "fresh_petstore"),
    ("swagger-petstore-v3.yaml", "fresh_petstore_v3"),
    ("drfs-test-rest-auth-token.yaml", "fresh_drf_auth"),
];

/// The crates whose resolved versions are printed: the transport.
const SHOWN: [&str; 5] = ["reqwest", "rustls", "aws-lc-rs", "hyper", "h2"];

/// Generates the sample, resolves its dependencies afresh and checks it; prints its time.
pub fn run() -> ExitCode {
    let started = Instant::now();
    let status = match check() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fresh: {e}");
            ExitCode::FAILURE
        }
    };
    println!("fresh: {:.0} s", started.elapsed().as_secs_f64());
    status
}

fn check() -> Result<(), String> {
    let root = xtask::project_root();
    let workspace = root.join("target").join("fresh").join("workspace");
    let target = root.join("target").join("fresh").join("target");
    let _ = std::fs::remove_dir_all(&workspace);
    let mut members = vec!["creatify".to_owned()];
    let creatify = xtask::generate_creatify()?;
    xtask::write_files(&workspace.join("creatify"), &creatify.files).map_err(|e| e.to_string())?;
    let specs = root.join("..").join("shared").join("specs");
    for (file, name) in SPECS {
        let path = specs.join(file);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let output = clientgen::generate(&Input::spec(Source::new(file, &text)), &Config::new(name))
            .map_err(|e| format!("{file}: {e}"))?;
        xtask::write_files(&workspace.join(name), &output.files).map_err(|e| e.to_string())?;
        members.push(name.to_owned());
    }
    // Resolver 2 takes the newest release whatever its `rust-version` (resolver 3 would prefer
    // releases the crates' `rust-version` supports): the first release a user can meet.
    let quoted: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    let manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", quoted.join(", "));
    std::fs::write(workspace.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;

    // No lock file was copied: this one is resolved now, from the registry's newest releases.
    cargo(&workspace, &target, &["generate-lockfile"])?;
    let lock =
        std::fs::read_to_string(workspace.join("Cargo.lock")).map_err(|e| format!("no fresh Cargo.lock: {e}"))?;
    let shown: Vec<String> = SHOWN
        .iter()
        .filter_map(|name| locked_version(&lock, name).map(|version| format!("{name} {version}")))
        .collect();
    println!("fresh: resolved {}", shown.join(", "));
    // Every crate with its default features, as `cargo add` gives it (a generated crate is a
    // library alone: `--all-targets` would check it again as an empty test harness).
    cargo(&workspace, &target, &["clippy", "--workspace", "--lib", "--", "-D", "warnings"])?;
    // The other rustls back end, whose provider is the runtime's to set up (ring's, for which
    // rustls deprecates its shortcut), with the blocking client and tracing.
    let ring: &[&str] = &["--no-default-features", "--features", "rustls-ring,http2,gzip,blocking,tracing"];
    cargo(&workspace, &target, &[&["clippy", "-p", "creatify", "--lib"], ring, &["--", "-D", "warnings"]].concat())
}

/// The version `Cargo.lock` holds of `name` (the first, when it holds several).
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let entry = lock.split("[[package]]").find(|entry| entry.contains(&format!("\nname = \"{name}\"\n")))?;
    let line = entry.lines().find(|line| line.starts_with("version = "))?;
    Some(line.trim_start_matches("version = ").trim_matches('"').to_owned())
}

/// Runs cargo in the scratch workspace with its own target folder.
fn cargo(workspace: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    println!("==> fresh: cargo {}", args.join(" "));
    let status = Command::new(xtask::cargo())
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .envs(xtask::GENERATED_CRATES_PROFILE)
        .env_remove("RUSTFLAGS")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`cargo {}` failed ({status})", args.join(" "))) }
}
