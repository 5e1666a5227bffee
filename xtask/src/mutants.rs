//! `cargo xtask mutants [--shard K/N] [--file PATH]… [-- ARGS…]`: mutation testing of the
//! generator with cargo-mutants, to find code whose changes no test notices.
//!
//! cargo-mutants (pinned to [`VERSION`]) is installed first when missing or of another version.
//! By default it mutates `lower/` and `emit/` of `crates/clientgen` and judges each mutant by
//! the fast tests only: the generator's unit tests, the rule fixtures' snapshots (`rules`) and
//! the committed clients' freshness (`freshness`). A mutant those tests miss is a change to the
//! generator that no fixture shows; the compile, client and contract tests are left out, as they
//! take minutes per mutant. It runs one mutant at a time at the lowest priority, in a copy of the
//! tree, and writes its report to `target/mutants/mutants.out/` (`caught.txt`, `missed.txt`,
//! `unviable.txt`, `timeout.txt`). Never part of `cargo xtask test` or CI: a whole run takes
//! hours, so `--shard K/N` runs the K-th of N slices, and `-- ARGS` passes ARGS to cargo-mutants
//! (`-- --re spread_to_holders --in-place`).

use std::path::Path;
use std::process::{Command, ExitCode};

/// The cargo-mutants every run uses; `cargo xtask mutants` installs exactly this one.
pub const VERSION: &str = "27.1.0";

/// The files mutated when no `--file` is given (globs, relative to the project root).
pub const DEFAULT_FILES: &[&str] = &["crates/clientgen/src/lower/*.rs", "crates/clientgen/src/emit/*.rs"];

/// The cargo arguments that pick the tests judging each mutant, beside the mutated package's
/// own: the generator's unit tests, and the `rules` and `freshness` tests of the `tests`
/// package. They go to every cargo call (`--cargo-arg`), so that the build before the tests
/// builds what they run and the baseline (which cargo-mutants runs on the mutated package
/// alone, whatever `--test-package` says) runs the same tests as each mutant.
const TEST_ARGS: &[&str] = &["--package=tests", "--lib", "--test=rules", "--test=freshness"];

/// The least time a mutant's tests get before they count as a timeout (cargo-mutants sets it
/// from the baseline, at least this): an infinite loop costs this much, a busy machine no
/// false timeout.
const MINIMUM_TEST_TIMEOUT_SECONDS: &str = "60";

/// Runs cargo-mutants over `files` (the defaults when empty), optionally one shard of them, with
/// `extra` arguments after the defaults.
pub fn run(shard: Option<&str>, files: &[String], extra: &[String]) -> ExitCode {
    if let Some(shard) = shard {
        if let Err(e) = check_shard(shard) {
            eprintln!("error: --shard {shard}: {e}");
            return ExitCode::FAILURE;
        }
    }
    if let Err(e) = xtask::install_cargo_tool("mutants", VERSION) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let root = xtask::project_root();
    let files: Vec<&str> =
        if files.is_empty() { DEFAULT_FILES.to_vec() } else { files.iter().map(String::as_str).collect() };
    let status = mutants_command(&root, shard, &files, extra).status();
    match status {
        // cargo-mutants exits 2 when some mutant was missed, 3 on a timeout: findings, not failures
        // of the command; the summary and the lists under target/mutants say which.
        Ok(s) if s.success() || matches!(s.code(), Some(2 | 3)) => {
            eprintln!("report: {}", root.join("target").join("mutants").join("mutants.out").display());
            if s.success() { ExitCode::SUCCESS } else { ExitCode::from(2) }
        }
        Ok(s) => {
            eprintln!("error: cargo mutants failed ({s})");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: cannot run cargo mutants: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `K/N` with `K < N`, as cargo-mutants numbers its shards (from 0).
fn check_shard(shard: &str) -> Result<(), String> {
    let (k, n) = shard.split_once('/').ok_or("expected K/N, such as 0/8")?;
    let k: u32 = k.trim().parse().map_err(|_| format!("{k:?} is not a shard number"))?;
    let n: u32 = n.trim().parse().map_err(|_| format!("{n:?} is not a number of shards"))?;
    if k >= n {
        return Err(format!("shards are numbered 0 to {}", n.saturating_sub(1)));
    }
    Ok(())
}

/// `nice -n 19 cargo mutants …` over `files`, judged by [`TEST_ARGS`]; cargo-mutants tests one
/// mutant at a time unless `extra` says `--jobs`.
fn mutants_command(root: &Path, shard: Option<&str>, files: &[&str], extra: &[String]) -> Command {
    let mut command = Command::new("nice");
    command
        .args(["-n", "19"])
        .arg(xtask::cargo())
        .args(["mutants", "--package", "clientgen", "--minimum-test-timeout", MINIMUM_TEST_TIMEOUT_SECONDS])
        .arg("--output")
        .arg(root.join("target").join("mutants"));
    for arg in TEST_ARGS {
        command.arg(format!("--cargo-arg={arg}"));
    }
    for file in files {
        command.args(["--file", file]);
    }
    if let Some(shard) = shard {
        command.args(["--shard", shard]);
    }
    command.args(extra).current_dir(root);
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_checked() {
        assert!(check_shard("0/20").is_ok());
        assert!(check_shard("19/20").is_ok());
        assert!(check_shard("20/20").is_err());
        assert!(check_shard("3").is_err());
        assert!(check_shard("a/2").is_err());
    }

    #[test]
    fn the_command_mutates_the_default_files_and_runs_the_fast_tests() {
        let command = mutants_command(Path::new("/p"), Some("1/4"), DEFAULT_FILES, &["--re".into(), "lower".into()]);
        let args: Vec<String> = command.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        let line = args.join(" ");
        assert!(
            line.contains("--file crates/clientgen/src/lower/*.rs --file crates/clientgen/src/emit/*.rs"),
            "{line}"
        );
        assert!(line.contains("--cargo-arg=--package=tests --cargo-arg=--lib --cargo-arg=--test=rules"), "{line}");
        assert!(line.ends_with("--shard 1/4 --re lower"), "{line}");
    }
}
