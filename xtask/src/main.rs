//! `cargo xtask`: regenerate the committed client (`codegen`), or run every test (`test`).

mod bench;
mod contract;
mod corpus;
mod fresh;
mod fuzz;
mod mutants;
mod parts;
mod semver;
mod synthetic;
mod tags;
mod tiers;
mod versus;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};
use tiers::{Check, Tier};

/// Codegen allocates millions of small token trees from several threads at once; glibc's
/// allocator spent a third of a large spec's run in malloc, free and fresh pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "Project automation for the OpenAPI → Rust client generator")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the committed crates (generated/creatify and the tests' client), or generate a
    /// crate for another spec.
    Codegen {
        /// Write nothing; fail, naming each stale file, when the output is not up to date.
        #[arg(long)]
        check: bool,
        /// A spec file (YAML or JSON) to generate from instead of the embedded Creatify spec.
        #[arg(long, requires_all = ["out", "crate_name"])]
        spec: Option<PathBuf>,
        /// The folder to write the crate into (without --spec: the Creatify client only).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The name of the generated crate (with --spec).
        #[arg(long, requires = "spec")]
        crate_name: Option<String>,
        /// An OpenAPI Overlay 1.0 document to apply to --spec; repeat to apply several, in order.
        #[arg(long, requires = "spec")]
        overlay: Vec<PathBuf>,
    },
    /// Run every check CI runs, in tiers (all of them by default): tools, fast, clients,
    /// compiled, fresh, lint, external, corpus, parts, contract, tags (`tools` runs beside
    /// `fast`, `parts` beside `corpus`). Every check runs; a table of tiers closes the run.
    Test {
        /// The tiers to run (default: all, in that order).
        tiers: Vec<String>,
    },
    /// Compile the runtime crate with the combinations of its parts a generated crate can have.
    Parts,
    /// Check a large spec's crate (nexus) with each of its cargo features on its own and all
    /// together, warnings denied.
    Tags,
    /// Check a sample of generated crates (Creatify's and three small specs' of ../shared/specs)
    /// with their dependencies resolved afresh, as a user's new project resolves them, under
    /// clippy with warnings denied (in target/fresh).
    Fresh,
    /// Measure codegen, compile times and call overhead; write BENCHMARKS.md.
    Bench,
    /// Compare the API-change report's semver levels with cargo-semver-checks' (installed
    /// when missing) on changed copies of the Creatify spec. Slow; not part of `test`.
    Semver,
    /// Write a synthetic spec of a chosen shape and size (JSON), for measuring how codegen
    /// grows with an API.
    Synthetic {
        /// `chain`: N schemas each referring to the next; `operations`: N operations, each
        /// with a schema of its own.
        #[arg(long, value_enum)]
        shape: synthetic::Shape,
        /// The size.
        #[arg(long)]
        n: usize,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Run a command with its output discarded and print its wall time, CPU time and peak
    /// memory (`cargo xtask bench` measures each process through this small one, see
    /// `versus::measure`).
    #[command(hide = true)]
    Measure {
        /// The command and its arguments.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<std::ffi::OsString>,
    },
    /// Generate (and compile) a crate for every spec in the given folders; print a table.
    Corpus {
        /// Folders of specs (default: ../shared/specs).
        dirs: Vec<PathBuf>,
        /// Only generate; do not compile.
        #[arg(long)]
        no_compile: bool,
        /// Compile only crates whose spec is at most this many bytes.
        #[arg(long)]
        compile_max_bytes: Option<u64>,
    },
    /// Call every operation of every spec once with the generated client against Prism in
    /// validating mode, with static and with dynamic responses, and decode every response;
    /// print a table per spec and a summary (see ARCHITECTURE.md, "Decisions").
    Contract {
        /// Spec files, or names of files in ../shared/specs, or `creatify` (default: Creatify
        /// and every OpenAPI 3.x spec in ../shared/specs).
        specs: Vec<String>,
        /// Only the sample `cargo xtask test` runs (Creatify and a few small specs).
        #[arg(long, conflicts_with = "specs")]
        sample: bool,
        /// Only static example responses (no `-d` run).
        #[arg(long)]
        static_only: bool,
    },
    /// Run the fuzz targets of fuzz/ (cargo-fuzz, installed when missing) for a set time each.
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 900)]
        time: u64,
        /// The targets to run (default: all of them, one after the other).
        targets: Vec<String>,
    },
    /// Mutation-test lower/ and emit/ with cargo-mutants (installed when missing) against the
    /// fast tests; a missed mutant is a change to the generator no test notices.
    Mutants {
        /// Run only the K-th of N shards of the mutants (K from 0): `--shard 0/20`.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// A file (or glob) to mutate instead of lower/ and emit/; repeat for several.
        #[arg(long, value_name = "PATH")]
        file: Vec<String>,
        /// Further arguments for cargo-mutants (`-- --re spread_to_holders --in-place`).
        #[arg(last = true)]
        extra: Vec<String>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Task::Codegen { check, spec, out, crate_name, overlay } => {
            let job = match (spec, crate_name, out) {
                (Some(spec), Some(crate_name), Some(out)) => Job::Spec { spec, overlays: overlay, crate_name, out },
                (_, _, out) => Job::Committed { out },
            };
            codegen(check, job)
        }
        Task::Test { tiers: wanted } => tiers::run(tiers(), &wanted),
        Task::Parts => parts::run(),
        Task::Tags => tags::run(),
        Task::Fresh => fresh::run(),
        Task::Bench => bench::run(),
        Task::Measure { command } => versus::measure_and_print(&command),
        Task::Semver => semver::run(),
        Task::Synthetic { shape, n, out } => match std::fs::write(&out, synthetic::spec(shape, n)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: writing {}: {e}", out.display());
                ExitCode::FAILURE
            }
        },
        Task::Corpus { dirs, no_compile, compile_max_bytes } => {
            let dirs = if dirs.is_empty() {
                vec![xtask::project_root().join("..").join("shared").join("specs")]
            } else {
                dirs
            };
            corpus::run(&dirs, no_compile, compile_max_bytes)
        }
        Task::Contract { specs, sample, static_only } => {
            let specs = if sample { contract::SAMPLE.iter().map(|s| (*s).to_owned()).collect() } else { specs };
            let modes: &[contract::Mode] = if static_only {
                &[contract::Mode::Static]
            } else {
                &[contract::Mode::Static, contract::Mode::Dynamic]
            };
            if let Err(e) = install_prism() {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
            contract::run(&specs, modes)
        }
        Task::Fuzz { time, targets } => fuzz::run(&targets, time),
        Task::Mutants { shard, file, extra } => mutants::run(shard.as_deref(), &file, &extra),
    }
}

/// What to generate.
enum Job {
    /// Every committed crate, each in its own folder (`--out` sends the Creatify client elsewhere).
    Committed { out: Option<PathBuf> },
    /// A spec file with overlay files, under default settings, into `out`.
    Spec { spec: PathBuf, overlays: Vec<PathBuf>, crate_name: String, out: PathBuf },
}

/// The crates a job makes: each generation and the folder it belongs in.
fn outputs(job: Job) -> Vec<(Result<clientgen_cli::Generated, String>, PathBuf)> {
    match job {
        Job::Spec { spec, overlays, crate_name, out } => {
            let overrides = clientgen_cli::Overrides { name: Some(crate_name), ..Default::default() };
            let request = clientgen_cli::Request { spec, overlays, settings: None, overrides };
            vec![(clientgen_cli::generate(&request), out)]
        }
        Job::Committed { out: Some(out) } => vec![(clientgen_cli::generate(&xtask::creatify_request()), out)],
        Job::Committed { out: None } => xtask::COMMITTED
            .iter()
            .map(|krate| {
                // The Creatify client goes the way the installed command's users go: from its
                // files, with its settings' pin checked and the API changes reported.
                let generated = if krate.dir == "generated/creatify" {
                    clientgen_cli::generate(&xtask::creatify_request())
                } else {
                    (krate.generate)().map(clientgen_cli::Generated::from)
                };
                (generated, xtask::project_root().join(krate.dir))
            })
            .collect(),
    }
}

fn codegen(check: bool, job: Job) -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for (result, out) in outputs(job) {
        if clientgen_cli::write_or_check(check, result, &out, "cargo xtask codegen") != ExitCode::SUCCESS {
            status = ExitCode::FAILURE;
        }
    }
    status
}

/// The tiers of `cargo xtask test`, in the order a whole run takes them.
fn tiers() -> Vec<Tier> {
    let cargo = |args, env| Check::Cargo { args, env };
    vec![
        Tier {
            name: "tools",
            about: "installs Prism and the Django REST framework server from their lock files (beside `fast`: it waits on the network)",
            beside: Some("fast"),
            checks: vec![Check::Task {
                name: "install Prism and the Django REST framework venv",
                run: install_external,
            }],
        },
        Tier {
            name: "fast",
            about: "freshness, and a plain `cargo test`: unit, snapshot, funnel, tidy, overlay and spec-loading tests",
            beside: None,
            checks: vec![
                Check::Task {
                    name: "freshness: cargo xtask codegen --check",
                    run: || codegen(true, Job::Committed { out: None }),
                },
                cargo(&["test"], &[]),
            ],
        },
        Tier {
            name: "clients",
            about: "the generated clients against loopback servers, the build.rs client, and the doctests of every crate a generated client is in",
            beside: None,
            // One cargo run for every crate a generated client is in: their dependencies
            // resolve to one feature set and build once, and their doctests (the examples in
            // the generated docs) run with them. The default members' doctests run in `fast`.
            checks: vec![Check::Task {
                name: "cargo test -p <every member that is not a default one>",
                run: client_crates,
            }],
        },
        Tier {
            name: "compiled",
            about: "every fixture's crate and real specs' crates compiled, linted and documented; the Creatify crate's doctests, TLS back ends, docs and package",
            beside: None,
            checks: vec![
                cargo(&["test", "-p", "tests", "--test", "compile", "--", "--include-ignored"], &[]),
                cargo(
                    &["test", "-p", "tests", "--test", "properties", "--", "--include-ignored"],
                    &[("CLIENTGEN_PROPERTY_CASES", "64")],
                ),
                // Each other TLS back end of the generated crates alone (`rustls-ring` with
                // HTTP/2, whose ALPN the runtime sets for it), and none (plain http only), with
                // warnings denied; the default one is what every other check builds.
                cargo(
                    &[
                        "rustc",
                        "-p",
                        "creatify",
                        "--lib",
                        "--profile",
                        "check",
                        "--no-default-features",
                        "--features",
                        "rustls-ring,http2",
                        "--",
                        "-D",
                        "warnings",
                    ],
                    &[],
                ),
                cargo(
                    &[
                        "rustc",
                        "-p",
                        "creatify",
                        "--lib",
                        "--profile",
                        "check",
                        "--no-default-features",
                        "--features",
                        "native-tls",
                        "--",
                        "-D",
                        "warnings",
                    ],
                    &[],
                ),
                cargo(
                    &[
                        "rustc",
                        "-p",
                        "creatify",
                        "--lib",
                        "--profile",
                        "check",
                        "--no-default-features",
                        "--",
                        "-D",
                        "warnings",
                    ],
                    &[],
                ),
                cargo(&["doc", "--no-deps", "--all-features", "-p", "creatify"], &[("RUSTDOCFLAGS", "-D warnings")]),
                // The package's manifest and its files; `fresh` builds the crate on its own, so
                // verifying (a build of every dependency again, a minute) would add nothing.
                cargo(&["package", "-p", "creatify", "--allow-dirty", "--no-verify"], &[]),
                Check::Task {
                    name: "every file of generated/creatify is in its package",
                    run: package_holds_every_file,
                },
            ],
        },
        Tier {
            name: "fresh",
            about: "the Creatify crate and a sample of others with dependencies resolved afresh, as a new user's, under clippy",
            beside: None,
            checks: vec![Check::Task { name: "cargo xtask fresh", run: fresh::run }],
        },
        Tier {
            name: "lint",
            about: "clippy with warnings denied on everything, and rustfmt",
            beside: None,
            checks: vec![
                cargo(&["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"], &[]),
                // rustfmt.toml's settings; generated crates pass too, since their lib.rs is
                // rustfmt-clean and marks its modules `#[rustfmt::skip]`.
                cargo(&["fmt", "--all", "--check"], &[]),
            ],
        },
        Tier {
            name: "external",
            about: "what needs Prism (Node.js), the Django REST framework server (Python) or ../shared/specs",
            beside: None,
            checks: vec![
                Check::Task { name: "install Prism and the Django REST framework venv", run: install_external },
                cargo(
                    &["test", "-p", "tests", "--test", "shared_specs", "--test", "prism_smoke", "--", "--ignored"],
                    &[],
                ),
                cargo(&["test", "-p", "loopback", "--", "--ignored"], &[]),
                cargo(&["test", "-p", "xtask", "--test", "cli", "--", "--ignored"], &[]),
            ],
        },
        Tier {
            name: "corpus",
            about: "every spec of ../shared/specs generated and its crate checked with warnings denied",
            beside: None,
            checks: vec![Check::Task {
                name: "cargo xtask corpus",
                run: || {
                    let specs = xtask::project_root().join("..").join("shared").join("specs");
                    corpus::run(std::slice::from_ref(&specs), false, None)
                },
            }],
        },
        Tier {
            name: "contract",
            about: "every operation of a sample of specs against Prism, requests checked and responses decoded (`cargo xtask contract` runs every spec)",
            beside: None,
            checks: vec![
                Check::Task { name: "install Prism", run: install_external },
                Check::Task {
                    name: "cargo xtask contract --sample",
                    run: || {
                        let sample: Vec<String> = contract::SAMPLE.iter().map(|s| (*s).to_owned()).collect();
                        contract::run(&sample, &[contract::Mode::Static, contract::Mode::Dynamic])
                    },
                },
            ],
        },
        Tier {
            name: "parts",
            about: "the runtime's part combinations (beside `corpus`: one small crate at a time, in the project's target folder)",
            beside: Some("corpus"),
            checks: vec![Check::Task { name: "cargo xtask parts", run: parts::run }],
        },
        Tier {
            name: "tags",
            about: "a large spec's tag features, each alone (after the corpus, whose dependencies they reuse)",
            beside: None,
            checks: vec![Check::Task { name: "cargo xtask tags", run: tags::run }],
        },
    ]
}

/// Whether `cargo package --list` of the Creatify crate names every file of generated/creatify
/// (what a packaged build needs; `fresh` builds the folder itself).
fn package_holds_every_file() -> ExitCode {
    let root = xtask::project_root();
    let output = Command::new(xtask::cargo())
        .args(["package", "--list", "--allow-dirty", "-p", "creatify"])
        .current_dir(&root)
        .output();
    let listed = match output {
        Ok(output) if output.status.success() => String::from_utf8_lossy(&output.stdout).into_owned(),
        Ok(output) => {
            eprintln!("cargo package --list failed:\n{}", String::from_utf8_lossy(&output.stderr));
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot run cargo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listed: std::collections::BTreeSet<&str> = listed.lines().collect();
    let crate_dir = root.join("generated").join("creatify");
    let mut missing = Vec::new();
    let mut folders = vec![crate_dir.clone()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.file_name().is_some_and(|name| name == "target") {
                continue;
            }
            if path.is_dir() {
                folders.push(path);
            } else if let Ok(relative) = path.strip_prefix(&crate_dir) {
                let relative = relative.to_string_lossy().replace('\\', "/");
                if !listed.contains(relative.as_str()) {
                    missing.push(relative);
                }
            }
        }
    }
    if missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("the package of generated/creatify leaves out: {}", missing.join(", "));
        ExitCode::FAILURE
    }
}

/// `cargo test` of every workspace member that a plain `cargo test` leaves out: the crates a
/// generated client is in (the Creatify crate, the build.rs client, the test clients) and the
/// loopback tests that call them, in one cargo run.
fn client_crates() -> ExitCode {
    let members = match non_default_members() {
        Ok(members) => members,
        Err(e) => {
            eprintln!("cannot list the workspace's members: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut args = vec!["test".to_owned()];
    for name in members {
        args.extend(["-p".to_owned(), name]);
    }
    println!("    cargo {}", args.join(" "));
    match std::process::Command::new(xtask::cargo()).args(&args).current_dir(xtask::project_root()).status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The names of the workspace's members that are not default members, from `cargo metadata`.
fn non_default_members() -> Result<Vec<String>, String> {
    let output = std::process::Command::new(xtask::cargo())
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(xtask::project_root())
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    let ids = |key: &str| -> Result<Vec<String>, String> {
        let list = metadata[key].as_array().ok_or_else(|| format!("`cargo metadata` gives no {key}"))?;
        Ok(list.iter().filter_map(|id| id.as_str().map(str::to_owned)).collect())
    };
    let defaults = ids("workspace_default_members")?;
    let packages = metadata["packages"].as_array().ok_or("`cargo metadata` gives no packages")?;
    let names = ids("workspace_members")?
        .into_iter()
        .filter(|id| !defaults.contains(id))
        .filter_map(|id| packages.iter().find(|p| p["id"].as_str() == Some(id.as_str())))
        .filter_map(|package| package["name"].as_str().map(str::to_owned))
        .collect();
    Ok(names)
}

/// Installs what the external tier needs.
fn install_external() -> ExitCode {
    match install_prism().and_then(|()| install_drf()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Installs Prism (the contract tests' mock server) from tests/prism's lockfile, unless it is
/// there already.
fn install_prism() -> Result<(), String> {
    let folder = xtask::project_root().join("tests").join("prism");
    if folder.join("node_modules").join(".bin").join("prism").exists() {
        return Ok(());
    }
    println!("==> prism: npm ci --prefix tests/prism");
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(&folder)
        .status()
        .map_err(|e| format!("cannot run npm (Node.js and npm are needed for the contract tests): {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("npm ci failed ({status})")) }
}

/// Creates the Django REST framework test server's venv (tests/drf/.venv) with `python3 -m venv`
/// and installs tests/drf/requirements.txt into it, unless it holds those requirements already.
fn install_drf() -> Result<(), String> {
    let folder = xtask::project_root().join("tests").join("drf");
    let requirements = folder.join("requirements.txt");
    let wanted = std::fs::read(&requirements).map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    let stamp = xtask::drf_venv_stamp();
    if std::fs::read(&stamp).is_ok_and(|installed| installed == wanted) {
        return Ok(());
    }
    let python = xtask::drf_venv_bin("python");
    if !python.exists() {
        println!("==> drf: python3 -m venv tests/drf/.venv");
        let interpreter = if cfg!(windows) { "python" } else { "python3" };
        let status = Command::new(interpreter).args(["-m", "venv"]).arg(xtask::drf_venv()).status().map_err(|e| {
            format!("cannot run {interpreter} (Python 3 is needed for the Django REST framework contract test): {e}")
        })?;
        if !status.success() {
            return Err(format!("{interpreter} -m venv failed ({status})"));
        }
    }
    println!("==> drf: pip install -r tests/drf/requirements.txt");
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "-r"])
        .arg(&requirements)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !status.success() {
        return Err(format!("pip install failed ({status})"));
    }
    std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}
