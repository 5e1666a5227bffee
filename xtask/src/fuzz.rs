//! `cargo xtask fuzz [--time SECONDS] [TARGET]`: runs the coverage-guided fuzz targets of
//! `fuzz/` (cargo-fuzz, libFuzzer) on one core, at the lowest priority, for a set time each.
//!
//! cargo-fuzz is installed first when missing. The stable toolchain builds the targets with
//! `RUSTC_BOOTSTRAP=1` and `--sanitizer none` (no nightly sanitizers); the build is optimised,
//! with debug assertions and overflow checks on. libFuzzer reads the committed seeds in
//! `fuzz/corpus/TARGET` and writes what it adds to `fuzz/work/TARGET` (not committed); a crash
//! or a timeout stops the run and leaves its input in `fuzz/artifacts/TARGET`.

use std::path::Path;
use std::process::{Command, ExitCode};

/// Every target, in the order they run when none is named.
pub const TARGETS: &[&str] = &["generate_bytes", "generate_tree"];

/// The libFuzzer options of every run: inputs up to 64 KiB (room for a real spec), an input that
/// takes more than 10 s is a finding (a hang), and so is one that needs 4 GiB.
const LIBFUZZER_OPTIONS: &[&str] = &["-max_len=65536", "-timeout=10", "-rss_limit_mb=4096", "-print_final_stats=1"];

/// Runs `targets` (all of them when empty) for `seconds` each, one after the other.
pub fn run(targets: &[String], seconds: u64) -> ExitCode {
    let targets: Vec<&str> =
        if targets.is_empty() { TARGETS.to_vec() } else { targets.iter().map(String::as_str).collect() };
    if let Some(unknown) = targets.iter().find(|t| !TARGETS.contains(t)) {
        eprintln!("error: no fuzz target `{unknown}`; the targets are {}", TARGETS.join(", "));
        return ExitCode::FAILURE;
    }
    if !cargo_fuzz_installed() {
        eprintln!("installing cargo-fuzz");
        let installed = Command::new(xtask::cargo()).args(["install", "cargo-fuzz", "--locked"]).status();
        if !installed.is_ok_and(|s| s.success()) {
            eprintln!("error: `cargo install cargo-fuzz` failed");
            return ExitCode::FAILURE;
        }
    }
    let fuzz_dir = xtask::project_root().join("fuzz");
    for target in targets {
        let work = fuzz_dir.join("work").join(target);
        if let Err(e) = std::fs::create_dir_all(&work) {
            eprintln!("error: cannot create {}: {e}", work.display());
            return ExitCode::FAILURE;
        }
        eprintln!("fuzzing {target} for {seconds} s");
        let status = fuzz_command(&fuzz_dir, target, seconds).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("error: fuzz target {target} found a problem (its input is in fuzz/artifacts/{target})");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn cargo_fuzz_installed() -> bool {
    Command::new(xtask::cargo()).args(["fuzz", "--version"]).output().is_ok_and(|out| out.status.success())
}

/// `nice -n 19 [taskset -c 0] cargo fuzz run …`: the lowest priority, and one core where
/// `taskset` exists (the generator's emission threads included).
fn fuzz_command(fuzz_dir: &Path, target: &str, seconds: u64) -> Command {
    let mut command = Command::new("nice");
    command.args(["-n", "19"]);
    if Command::new("taskset").arg("--version").output().is_ok_and(|out| out.status.success()) {
        command.args(["taskset", "-c", "0"]);
    }
    command
        .arg(xtask::cargo())
        .args(["fuzz", "run", "--sanitizer", "none", "--release", "--debug-assertions", target])
        .arg(Path::new("work").join(target))
        .arg(Path::new("corpus").join(target))
        .arg("--")
        .args(LIBFUZZER_OPTIONS)
        .arg(format!("-max_total_time={seconds}"))
        .env("RUSTC_BOOTSTRAP", "1")
        .current_dir(fuzz_dir);
    command
}
