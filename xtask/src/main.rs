//! `cargo xtask`: regenerate the committed client (`codegen`), or run every test (`test`).

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};
use clientgen::{Config, Input, Source};

#[derive(Parser)]
#[command(about = "Project automation for the OpenAPI → Rust client generator")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate generated/creatify from the embedded spec, or generate a crate for another spec.
    Codegen {
        /// Write nothing; fail, naming each stale file, when the output is not up to date.
        #[arg(long)]
        check: bool,
        /// A spec file (YAML or JSON) to generate from instead of the embedded Creatify spec.
        #[arg(long, requires_all = ["out", "crate_name"])]
        spec: Option<PathBuf>,
        /// The folder to write the crate into (default: generated/creatify).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The name of the generated crate (with --spec).
        #[arg(long, requires = "spec")]
        crate_name: Option<String>,
        /// An OpenAPI Overlay 1.0 document to apply to --spec; repeat to apply several, in order.
        #[arg(long, requires = "spec")]
        overlay: Vec<PathBuf>,
    },
    /// Run every check CI runs: freshness, tests, clippy and docs.
    Test,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Task::Codegen { check, spec, out, crate_name, overlay } => {
            let job = match (spec, crate_name) {
                (Some(spec), Some(crate_name)) => Job::Spec { spec, overlays: overlay, crate_name },
                _ => Job::Creatify,
            };
            codegen(check, job, out)
        }
        Task::Test => test(),
    }
}

/// What to generate.
enum Job {
    /// The embedded Creatify spec, overlay and settings.
    Creatify,
    /// A spec file with overlay files, under default settings.
    Spec { spec: PathBuf, overlays: Vec<PathBuf>, crate_name: String },
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn generate(job: &Job) -> Result<clientgen::Output, String> {
    match job {
        Job::Creatify => xtask::generate_creatify(),
        Job::Spec { spec, overlays, crate_name } => {
            let spec_text = read(spec)?;
            let overlay_texts = overlays.iter().map(read).collect::<Result<Vec<_>, _>>()?;
            let names: Vec<String> = std::iter::once(spec)
                .chain(overlays)
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            let input = Input {
                spec: Source::new(&names[0], &spec_text),
                overlays: overlay_texts.iter().zip(&names[1..]).map(|(text, name)| Source::new(name, text)).collect(),
            };
            clientgen::generate(&input, &Config::new(crate_name)).map_err(|e| e.to_string())
        }
    }
}

fn codegen(check: bool, job: Job, out: Option<PathBuf>) -> ExitCode {
    let out = out.unwrap_or_else(xtask::creatify_dir);
    let output = match generate(&job) {
        Ok(output) => output,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for warning in &output.warnings {
        eprintln!("warning: {warning}");
    }
    if check {
        let stale = xtask::stale_files(&out, &output.files);
        if stale.is_empty() {
            println!("{} is up to date", out.display());
            return ExitCode::SUCCESS;
        }
        for path in &stale {
            eprintln!("stale: {}", out.join(path).display());
        }
        eprintln!("generated code is out of date: run `cargo xtask codegen`");
        return ExitCode::FAILURE;
    }
    match xtask::write_files(&out, &output.files) {
        Ok(written) => {
            println!("{}: {written} file(s) written, {} unchanged", out.display(), output.files.len() - written);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

/// One cargo invocation of `cargo xtask test`.
struct Step {
    name: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

/// What `cargo xtask test` runs after the freshness check, in order.
const STEPS: &[Step] = &[
    Step { name: "tests", args: &["test", "--workspace", "--all-targets"], env: &[] },
    Step { name: "doctests", args: &["test", "--workspace", "--doc"], env: &[] },
    Step { name: "clippy", args: &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], env: &[] },
    Step { name: "docs", args: &["doc", "--no-deps", "-p", "creatify"], env: &[("RUSTDOCFLAGS", "-D warnings")] },
    Step { name: "package", args: &["package", "-p", "creatify", "--allow-dirty"], env: &[] },
];

/// Runs every check CI runs; the first failure stops the run.
fn test() -> ExitCode {
    if codegen(true, Job::Creatify, None) != ExitCode::SUCCESS {
        return ExitCode::FAILURE;
    }
    for step in STEPS {
        println!("==> {}: cargo {}", step.name, step.args.join(" "));
        let status = Command::new(cargo())
            .args(step.args)
            .envs(step.env.iter().copied())
            .current_dir(xtask::project_root())
            .status();
        match status {
            Ok(status) if status.success() => {}
            Ok(status) => {
                eprintln!("{} failed ({status})", step.name);
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("cannot run cargo: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}
