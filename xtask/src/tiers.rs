//! `cargo xtask test [TIER…]`: every check CI runs, in tiers a developer can run one at a time.
//! Every check of every chosen tier runs, whatever failed before it; each tier's time is printed
//! as it ends, and a table of tiers, times and failures closes the run.
//!
//! A plain `cargo test` is the `fast` tier's tests (the workspace's default members: no
//! generated crate is compiled). The slow tests are `#[ignore]`d with their tier in the reason,
//! and a tier runs them with `--ignored` or `--include-ignored`: no cargo feature gates them, so
//! going from one tier to another recompiles nothing.

use std::process::{Command, ExitCode};
use std::time::Instant;

/// One check of a tier: a cargo command, or a task of xtask's own.
pub enum Check {
    /// `cargo ARGS…` in the project root, with `env` set.
    Cargo { args: &'static [&'static str], env: &'static [(&'static str, &'static str)] },
    /// A task of xtask's, named.
    Task { name: &'static str, run: fn() -> ExitCode },
}

/// A tier: its name (what `cargo xtask test NAME` runs), what it is for, and its checks.
pub struct Tier {
    pub name: &'static str,
    pub about: &'static str,
    /// The tier it runs beside, when both run: it starts on a thread of its own as that tier
    /// starts, and the run waits for both. For a tier that leaves a core idle (waiting on the
    /// network, or compiling one crate at a time) beside one that leaves the other idle (a large
    /// crate's single-threaded check), in target folders of their own so that neither waits for
    /// the other's lock.
    pub beside: Option<&'static str>,
    pub checks: Vec<Check>,
}

impl Check {
    fn label(&self) -> String {
        match self {
            Check::Cargo { args, .. } => format!("cargo {}", args.join(" ")),
            Check::Task { name, .. } => (*name).to_owned(),
        }
    }

    fn run(&self) -> bool {
        match self {
            Check::Cargo { args, env } => {
                let status = Command::new(xtask::cargo())
                    .args(*args)
                    .envs(env.iter().copied())
                    .current_dir(xtask::project_root())
                    .status();
                match status {
                    Ok(status) => status.success(),
                    Err(e) => {
                        eprintln!("cannot run cargo: {e}");
                        false
                    }
                }
            }
            Check::Task { run, .. } => run() == ExitCode::SUCCESS,
        }
    }
}

/// Runs the tiers named in `wanted` (all of them when it is empty), in the order `tiers` lists
/// them; fails when a tier is unknown or any check fails.
pub fn run(tiers: Vec<Tier>, wanted: &[String]) -> ExitCode {
    if let Some(unknown) = wanted.iter().find(|name| !tiers.iter().any(|tier| tier.name == name.as_str())) {
        let names: Vec<String> = tiers.iter().map(|tier| format!("  {:<9} {}", tier.name, tier.about)).collect();
        eprintln!("error: no tier named {unknown:?}; the tiers are:\n{}", names.join("\n"));
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let chosen = |tier: &Tier| wanted.is_empty() || wanted.iter().any(|name| name == tier.name);
    let mut rows = Vec::new();
    for tier in tiers.iter().filter(|tier| chosen(tier)) {
        if tier.beside.is_some_and(|other| tiers.iter().any(|t| t.name == other && chosen(t))) {
            continue; // started with the tier it runs beside
        }
        let companions: Vec<&Tier> = tiers.iter().filter(|t| t.beside == Some(tier.name) && chosen(t)).collect();
        std::thread::scope(|scope| {
            let running: Vec<_> =
                companions.iter().map(|companion| scope.spawn(|| run_tier(companion, started))).collect();
            rows.push(run_tier(tier, started));
            for handle in running {
                match handle.join() {
                    Ok(row) => rows.push(row),
                    Err(_) => rows.push(("?", 0.0, vec!["a tier's thread panicked".to_owned()])),
                }
            }
        });
    }
    println!("\n| tier | seconds | result |\n| --- | ---: | --- |");
    for (name, seconds, failed) in &rows {
        let result = if failed.is_empty() { "ok".to_owned() } else { format!("FAILED: {}", failed.join("; ")) };
        println!("| {name} | {seconds:.0} | {result} |");
    }
    println!("| all | {:.0} | |", started.elapsed().as_secs_f64());
    for tier in tiers.iter().filter(|tier| chosen(tier)) {
        if let Some(other) = tier.beside.filter(|other| tiers.iter().any(|t| t.name == *other && chosen(t))) {
            println!("({} ran beside {other})", tier.name);
        }
    }
    let failures: usize = rows.iter().map(|(_, _, failed)| failed.len()).sum();
    let checks: usize =
        rows.iter().map(|(name, ..)| tiers.iter().find(|t| t.name == *name).map_or(0, |t| t.checks.len())).sum();
    println!("\nchecks: {} passed, {failures} failed", checks - failures);
    if failures == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Runs every check of `tier`, whatever failed before; its name, seconds and failed checks.
fn run_tier(tier: &Tier, started: Instant) -> (&'static str, f64, Vec<String>) {
    let began = Instant::now();
    let mut failed = Vec::new();
    for check in &tier.checks {
        let label = check.label();
        println!("==> {}: {label}", tier.name);
        if !check.run() {
            eprintln!("<== {}: FAILED: {label}", tier.name);
            failed.push(label);
        }
    }
    let seconds = began.elapsed().as_secs_f64();
    println!("<== {}: {seconds:.0} s (total {:.0} s)", tier.name, started.elapsed().as_secs_f64());
    (tier.name, seconds, failed)
}
