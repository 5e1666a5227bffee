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
        /// The folder to write the crate into (with --spec).
        #[arg(long, requires = "spec")]
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
        _ => (xtask::generate_creatify(), xtask::creatify_dir()),
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

/// The steps of `cargo xtask test`, in order; the first failure stops the run.
fn test() -> ExitCode {
    if codegen(true, None, None, None) != ExitCode::SUCCESS {
        return ExitCode::FAILURE;
    }
    let steps: [(&str, &[&str], &[(&str, &str)]); 3] = [
        ("tests", &["test", "--workspace", "--all-targets"], &[]),
        ("doctests", &["test", "--workspace", "--doc"], &[]),
        ("clippy", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"], &[]),
    ];
    for (name, args, env) in steps.iter().chain([(
        "docs",
        &["doc", "--no-deps", "-p", "creatify"][..],
        &[("RUSTDOCFLAGS", "-D warnings")][..],
    )]
    .iter())
    {
        println!("==> {name}: cargo {}", args.join(" "));
        let status = Command::new(cargo())
            .args(*args)
            .envs(env.iter().copied())
            .current_dir(xtask::project_root())
            .status();
        match status {
            Ok(status) if status.success() => {}
            Ok(status) => {
                eprintln!("{name} failed ({status})");
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
