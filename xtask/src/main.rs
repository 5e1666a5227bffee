//! `cargo xtask`: regenerate the committed client (`codegen`), or run every test (`test`).

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};
use clientgen::Config;

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
    },
    /// Run every check CI runs: freshness, tests, clippy and docs.
    Test,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Task::Codegen { check, spec, out, crate_name } => codegen(check, spec, out, crate_name),
        Task::Test => test(),
    }
}

fn codegen(check: bool, spec: Option<PathBuf>, out: Option<PathBuf>, crate_name: Option<String>) -> ExitCode {
    let (result, out) = match (spec, out, crate_name) {
        (Some(spec), Some(out), Some(crate_name)) => {
            let text = match std::fs::read_to_string(&spec) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", spec.display());
                    return ExitCode::FAILURE;
                }
            };
            let config = Config::new(&crate_name, &spec.to_string_lossy());
            (clientgen::generate(&text, &config), out)
        }
        (_, out, _) => (xtask::generate_creatify(), out.unwrap_or_else(xtask::creatify_dir)),
    };
    let output = match result {
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
];

/// Runs every check CI runs; the first failure stops the run.
fn test() -> ExitCode {
    if codegen(true, None, None, None) != ExitCode::SUCCESS {
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
