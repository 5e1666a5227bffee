//! `cargo xtask contract [SPEC...]`: every operation of every spec, called once by the
//! generated client against Prism in validating mode, once with static example responses and
//! once with dynamic ones, every response decoded by the client's own decoding.
//!
//! For each spec it generates the crate and a driver (see [`driver`]) in a scratch workspace
//! under target/contract, builds all drivers in one cargo run in the corpus's target folder,
//! then, spec by spec, starts Prism, runs the driver, and reads one line per call. A call
//! that does not compile in the driver is left out and reported, so one bad type does not hide
//! a spec. Specs Prism cannot load in time ([`SLICED`]) are given to it sliced (see
//! [`prism::slice`]): requests are checked, responses are not.

mod driver;
mod prism;
pub mod values;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clientgen::{Config, Input, Source};

/// Specs whose responses Prism cannot load in time (prism.md: stripe.yaml does not listen after
/// 15 minutes): Prism gets a slice with plain-object responses.
const SLICED: &[&str] = &["stripe.yaml"];

/// The sample `cargo xtask test` runs (about a minute once the corpus built the dependencies):
/// Creatify and small to medium specs that pass today, covering path, query and header
/// parameters, JSON, form and multipart bodies, unions, readOnly fields and 97 operations of
/// Spotify's. A spec joins when its failures are fixed.
pub const SAMPLE: &[&str] = &[
    "creatify",
    "maykin-objecttypes-api.yaml",
    "drfs-test-rest-auth-token.yaml",
    "drfs-test-rest-framework-gis.yaml",
    "spotify.yaml",
];

/// How long Prism may take to listen.
const PRISM_START: Duration = Duration::from_secs(240);

/// How long a driver may run: this, plus [`PER_CALL`] per call.
const DRIVER_BASE: Duration = Duration::from_secs(120);
const PER_CALL: Duration = Duration::from_secs(5);

/// How Prism answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The spec's examples (or what Prism makes of the schema without randomness).
    Static,
    /// Random values from the schemas (`-d`), with a fixed seed.
    Dynamic,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Static => "static",
            Mode::Dynamic => "dynamic",
        }
    }
}

/// One spec of the run.
struct Spec {
    /// As tables show it: the file name, or `creatify`.
    name: String,
    crate_name: String,
    input: Input<'static>,
    config: Config,
    sliced: bool,
}

/// What became of one call in one mode.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Accepted, and the response decoded.
    Decoded,
    /// Accepted, but the response did not decode.
    Undecoded(String),
    /// Refused by Prism (status, Prism's words).
    Refused(u16, String),
    /// Accepted, and answered with the non-success status the spec declares (an operation
    /// that declares no success response): the client reports it as `Error::Api`.
    Answered(u16),
    /// The client refused to send it (its own validation).
    Invalid(String),
    /// A driver value did not deserialize into the generated type.
    Unbuildable(String),
    /// Anything else (transport, config).
    Failed(String),
    /// The driver does not call it.
    NotCalled(String),
}

impl Outcome {
    fn accepted(&self) -> bool {
        matches!(self, Outcome::Decoded | Outcome::Undecoded(_) | Outcome::Answered(_))
    }

    fn label(&self) -> String {
        match self {
            Outcome::Decoded => "decoded".to_owned(),
            Outcome::Undecoded(why) => format!("accepted, not decoded: {why}"),
            Outcome::Refused(status, why) => format!("refused {status}: {why}"),
            Outcome::Answered(status) => format!("accepted, answered {status} (no success response declared)"),
            Outcome::Invalid(why) => format!("not sent, client validation: {why}"),
            Outcome::Unbuildable(why) => format!("driver value: {why}"),
            Outcome::Failed(why) => format!("failed: {why}"),
            Outcome::NotCalled(why) => format!("not called: {why}"),
        }
    }
}

/// The allowlist: failures known and explained (tests/contract/allowlist.tsv).
struct Allowed {
    /// (spec, operation, mode or `*`).
    entries: Vec<(String, String, String)>,
}

impl Allowed {
    fn read() -> Allowed {
        let path = xtask::project_root().join("tests").join("contract").join("allowlist.tsv");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let entries = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut cells = l.split('\t');
                Some((cells.next()?.to_owned(), cells.next()?.to_owned(), cells.next()?.to_owned()))
            })
            .collect();
        Allowed { entries }
    }

    fn allows(&self, spec: &str, operation: &str, mode: Mode) -> bool {
        self.entries.iter().any(|(s, o, m)| s == spec && (o == operation || o == "*") && (m == "*" || m == mode.name()))
    }
}

/// One spec's results.
struct Report {
    spec: String,
    sliced: bool,
    /// Why the spec could not be run at all, if it could not.
    broken: Option<String>,
    /// Operation id, label, outcome per mode.
    calls: Vec<(String, String, BTreeMap<&'static str, Outcome>)>,
    /// Why a mode did not run (Prism did not start).
    mode_errors: BTreeMap<&'static str, String>,
    seconds: f64,
}

/// Runs the contract over `names` (file names in ../shared/specs, paths, or `creatify`; all 3.x
/// specs and Creatify when empty) in `modes`.
pub fn run(names: &[String], modes: &[Mode]) -> ExitCode {
    let started = Instant::now();
    let specs = match select(names) {
        Ok(specs) => specs,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scratch = xtask::project_root().join("target").join("contract");
    // Kept between runs: files are written only when they change, so cargo rebuilds only
    // the crates and drivers that did.
    for folder in ["crates", "drivers", "prism", "logs"] {
        if let Err(e) = std::fs::create_dir_all(scratch.join(folder)) {
            eprintln!("error: cannot create {}: {e}", scratch.join(folder).display());
            return ExitCode::FAILURE;
        }
    }
    eprintln!("contract: {} specs, modes {:?}", specs.len(), modes.iter().map(|m| m.name()).collect::<Vec<_>>());
    // Generate every crate and driver.
    let mut prepared = Vec::new();
    let mut reports = Vec::new();
    for spec in &specs {
        match prepare(spec, &scratch) {
            Ok(p) => prepared.push(p),
            Err(e) => {
                eprintln!("{}: {e}", spec.name);
                reports.push(Report::broken(spec, e));
            }
        }
    }
    // Build the drivers, leaving out calls that do not compile.
    build(&scratch, &mut prepared);
    let allowed = Allowed::read();
    for (spec, p) in specs.iter().filter(|s| prepared.iter().any(|p| p.crate_name == s.crate_name)).zip(&prepared) {
        let report = exercise(spec, p, &scratch, modes);
        print!("{}", spec_table(&report, &allowed, modes));
        reports.push(report);
    }
    reports.sort_by(|a, b| a.spec.cmp(&b.spec));
    let (summary, failed) = summary(&reports, &allowed, modes);
    print!("{summary}");
    println!("\ncontract: {:.0} s", started.elapsed().as_secs_f64());
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// The specs named, or all of them.
fn select(names: &[String]) -> Result<Vec<Spec>, String> {
    let shared = xtask::project_root().join("..").join("shared").join("specs");
    let mut paths = Vec::new();
    let mut creatify = names.is_empty();
    if names.is_empty() {
        let entries = std::fs::read_dir(&shared).map_err(|e| format!("cannot read {}: {e}", shared.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
            if matches!(ext, "yaml" | "yml" | "json") {
                paths.push(path);
            }
        }
        paths.sort();
    }
    for name in names {
        if name == "creatify" {
            creatify = true;
        } else if Path::new(name).is_file() {
            paths.push(PathBuf::from(name));
        } else if shared.join(name).is_file() {
            paths.push(shared.join(name));
        } else {
            return Err(format!("no spec {name} (neither a file nor one in {})", shared.display()));
        }
    }
    let mut specs = Vec::new();
    if creatify {
        let mut config = xtask::creatify_config()?;
        config.crate_name = "contract_creatify".to_owned();
        specs.push(Spec {
            name: "creatify".to_owned(),
            crate_name: config.crate_name.clone(),
            input: xtask::creatify_input(),
            config,
            sliced: false,
        });
    }
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        // 3.x only: the generator reads Swagger 2.0 (its swagger stage converts it), but this
        // tier's mock server and checks are not extended to 2.0 documents yet. Their `swagger` key
        // may come anywhere (stripe.yaml's keys are sorted), so the whole text is looked at.
        let swagger = text.lines().any(|l| l.starts_with("swagger:"))
            || text.contains("\"swagger\": \"2")
            || text.contains("\"swagger\":\"2");
        if swagger {
            if !names.is_empty() {
                eprintln!("{name}: Swagger 2.0, skipped");
            }
            continue;
        }
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let cleaned: String =
            stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        let crate_name = format!("contract_{cleaned}");
        let text: &'static str = Box::leak(text.into_boxed_str());
        let source_name: &'static str = Box::leak(name.clone().into_boxed_str());
        specs.push(Spec {
            sliced: SLICED.contains(&name.as_str()),
            name,
            config: Config::new(&crate_name),
            crate_name,
            input: Input::spec(Source { name: source_name, text }),
        });
    }
    Ok(specs)
}

/// A spec whose crate and driver are written.
struct Prepared {
    crate_name: String,
    api: clientgen::model::Api,
    /// The spec's tree with its overlays.
    tree: serde_json::Value,
    driver: driver::Driver,
    /// The document Prism reads (the spec with its overlays, sliced when it must be).
    prism_doc: PathBuf,
    /// Why the driver could not be built at all, if it could not.
    broken: Option<String>,
}

fn prepare(spec: &Spec, scratch: &Path) -> Result<Prepared, String> {
    let started = Instant::now();
    let lowered = clientgen::lower(&spec.input, &spec.config).map_err(|e| e.to_string())?;
    let files = clientgen::emit_files(&lowered.api, &spec.input.describe()).map_err(|e| e.to_string())?;
    let dir = scratch.join("crates").join(&spec.crate_name);
    for file in &files {
        write_if_changed(&dir.join(&file.path), &file.contents)?;
    }
    let tree = clientgen::apply_overlays(&spec.input).map_err(|e| e.to_string())?.tree;
    let for_prism = if spec.sliced { prism::slice(&tree) } else { tree.clone() };
    let prism_doc = scratch.join("prism").join(format!("{}.json", spec.crate_name));
    std::fs::write(&prism_doc, serde_json::to_vec(&for_prism).unwrap_or_default())
        .map_err(|e| format!("cannot write {}: {e}", prism_doc.display()))?;
    let driver = driver::driver(&lowered.api, &tree, &spec.crate_name, &BTreeMap::new());
    let prepared =
        Prepared { crate_name: spec.crate_name.clone(), api: lowered.api, tree, driver, prism_doc, broken: None };
    write_driver(scratch, &prepared)?;
    eprintln!(
        "{}: generated, {} operations ({:.1} s)",
        spec.name,
        prepared.driver.calls.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(prepared)
}

fn driver_name(crate_name: &str) -> String {
    format!("{crate_name}_driver")
}

fn write_driver(scratch: &Path, p: &Prepared) -> Result<(), String> {
    let dir = scratch.join("drivers").join(driver_name(&p.crate_name));
    let manifest = format!(
        "[package]\nname = \"{driver}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{krate} = {{ path = \"../../crates/{krate}\", features = [\"deserialize-requests\"] }}\n\
         serde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\
         uuid = \"1\"\nchrono = {{ version = \"0.4\", default-features = false }}\n",
        driver = driver_name(&p.crate_name),
        krate = p.crate_name
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&dir.join("src").join("main.rs"), &p.driver.source)
}

/// Writes `contents` to `path` unless it holds them already (its time then stays, and cargo
/// does not rebuild it).
fn write_if_changed(path: &Path, contents: &str) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Builds every driver; calls that do not compile are left out (up to three rounds), and a
/// driver that still does not build marks its spec broken.
fn build(scratch: &Path, prepared: &mut [Prepared]) {
    let mut members: Vec<String> = Vec::new();
    for p in prepared.iter() {
        members.push(format!("crates/{}", p.crate_name));
        members.push(format!("drivers/{}", driver_name(&p.crate_name)));
    }
    if let Err(e) = xtask::scratch_workspace(scratch, &members) {
        for p in prepared.iter_mut() {
            p.broken = Some(format!("cannot set up the workspace: {e}"));
        }
        return;
    }
    for round in 0..4 {
        let wanted: Vec<usize> = (0..prepared.len()).filter(|&i| prepared[i].broken.is_none()).collect();
        if wanted.is_empty() {
            return;
        }
        let started = Instant::now();
        eprintln!("building {} drivers (round {})", wanted.len(), round + 1);
        let errors =
            cargo_build(scratch, &wanted.iter().map(|&i| driver_name(&prepared[i].crate_name)).collect::<Vec<_>>());
        eprintln!("built in {:.0} s", started.elapsed().as_secs_f64());
        let mut again = false;
        for &i in &wanted {
            let p = &mut prepared[i];
            let Some(problems) = errors.get(&driver_name(&p.crate_name)) else { continue };
            let mut left_out: BTreeMap<String, String> =
                p.driver.calls.iter().filter_map(|c| c.skipped.clone().map(|why| (c.operation.clone(), why))).collect();
            let mut unplaced = None;
            for (line, message) in problems {
                let call = line.and_then(|l| {
                    p.driver.calls.iter().find(|c| c.skipped.is_none() && (c.lines.0..=c.lines.1).contains(&l))
                });
                match call {
                    Some(call) => {
                        left_out
                            .entry(call.operation.clone())
                            .or_insert_with(|| format!("its call does not compile: {message}"));
                    }
                    None => unplaced = unplaced.or(Some(message.clone())),
                }
            }
            if let Some(message) =
                unplaced.filter(|_| round < 3).or(if round == 3 { problems.first().map(|p| p.1.clone()) } else { None })
            {
                p.broken = Some(format!("does not compile: {message}"));
                continue;
            }
            p.driver = driver::driver(&p.api, &p.tree, &p.crate_name, &left_out);
            if let Err(e) = write_driver(scratch, p) {
                p.broken = Some(e);
            }
            again = true;
        }
        if !again {
            return;
        }
    }
}

/// `cargo build` of the drivers `names`; the errors of each failing package: the line of the
/// driver's main.rs they point at (none when elsewhere) and the message.
fn cargo_build(scratch: &Path, names: &[String]) -> BTreeMap<String, Vec<(Option<usize>, String)>> {
    let mut command = Command::new(xtask::cargo());
    command.args(["build", "--keep-going", "--message-format", "json-diagnostic-short"]);
    for name in names {
        command.args(["-p", name]);
    }
    let child = command
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", xtask::generated_crates_target())
        .envs(xtask::GENERATED_CRATES_PROFILE)
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut errors: BTreeMap<String, Vec<(Option<usize>, String)>> = BTreeMap::new();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            for name in names {
                errors.entry(name.clone()).or_default().push((None, format!("cannot run cargo: {e}")));
            }
            return errors;
        }
    };
    let stdout = child.stdout.take();
    for line in stdout.map(BufReader::new).into_iter().flat_map(BufRead::lines).map_while(Result::ok) {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let target = message["target"]["name"].as_str().unwrap_or_default().to_owned();
        let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
        let first = rendered.lines().next().unwrap_or_default().trim().to_owned();
        // An error of a generated crate itself stops its driver: it is the driver's error too.
        let driver = names.iter().find(|n| **n == target || n.strip_suffix("_driver") == Some(target.as_str()));
        let Some(driver) = driver else { continue };
        let line = (target == *driver)
            .then(|| {
                message["message"]["spans"].as_array().and_then(|spans| {
                    spans.iter().find(|s| s["is_primary"] == true).and_then(|s| s["line_start"].as_u64())
                })
            })
            .flatten()
            .map(|l| l as usize);
        errors.entry(driver.clone()).or_default().push((line, first));
    }
    let _ = child.wait();
    errors
}

/// Runs one spec's driver against Prism in each mode.
fn exercise(spec: &Spec, p: &Prepared, scratch: &Path, modes: &[Mode]) -> Report {
    let started = Instant::now();
    let mut report = Report {
        spec: spec.name.clone(),
        sliced: spec.sliced,
        broken: p.broken.clone(),
        calls: p
            .driver
            .calls
            .iter()
            .map(|c| {
                let mut outcomes = BTreeMap::new();
                if let Some(why) = &c.skipped {
                    for mode in modes {
                        outcomes.insert(mode.name(), Outcome::NotCalled(why.clone()));
                    }
                }
                (c.operation.clone(), c.label.clone(), outcomes)
            })
            .collect(),
        mode_errors: BTreeMap::new(),
        seconds: 0.0,
    };
    if p.broken.is_some() {
        return report;
    }
    let binary = xtask::generated_crates_target().join("debug").join(driver_name(&p.crate_name));
    let called = p.driver.calls.iter().filter(|c| c.skipped.is_none()).count();
    if called == 0 {
        eprintln!("[{}] no operations to call", spec.name);
        return report;
    }
    for &mode in modes {
        let tag = format!("[{} {}]", spec.name, mode.name());
        let log = scratch.join("logs").join(format!("{}-{}.log", p.crate_name, mode.name()));
        let began = Instant::now();
        let prism = match prism::start(&p.prism_doc, mode == Mode::Dynamic, &log, PRISM_START) {
            Ok(prism) => prism,
            Err(e) => {
                eprintln!("{tag} {e}");
                report.mode_errors.insert(mode.name(), e);
                continue;
            }
        };
        eprintln!("{tag} Prism listening after {:.0} s; {called} calls", began.elapsed().as_secs_f64());
        let deadline = DRIVER_BASE + PER_CALL * called as u32;
        let lines = run_driver(&binary, &prism.base_url, deadline, &tag, called);
        drop(prism);
        let mut seen = 0;
        for (op, outcome) in lines {
            if let Some(entry) = report.calls.iter_mut().find(|c| c.0 == op) {
                entry.2.insert(mode.name(), outcome);
                seen += 1;
            }
        }
        for entry in report.calls.iter_mut() {
            entry
                .2
                .entry(mode.name())
                .or_insert_with(|| Outcome::Failed("no result: the driver stopped first".to_owned()));
        }
        eprintln!("{tag} {seen} results in {:.0} s", began.elapsed().as_secs_f64());
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
}

/// Runs a driver, printing progress; its results by operation id.
fn run_driver(binary: &Path, base: &str, deadline: Duration, tag: &str, total: usize) -> Vec<(String, Outcome)> {
    let child = Command::new(binary).arg(base).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            eprintln!("{tag} cannot run {}: {e}", binary.display());
            return Vec::new();
        }
    };
    let (send, receive) = mpsc::channel();
    let stdout = child.stdout.take();
    std::thread::spawn(move || {
        for line in stdout.map(BufReader::new).into_iter().flat_map(BufRead::lines).map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let stderr = child.stderr.take();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stderr) = stderr {
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        }
        text
    });
    let started = Instant::now();
    let mut results = Vec::new();
    loop {
        let left = deadline.saturating_sub(started.elapsed());
        match receive.recv_timeout(left) {
            Ok(line) => {
                let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
                let op = value["op"].as_str().unwrap_or_default().to_owned();
                let detail = value["detail"].as_str().unwrap_or_default();
                let outcome = match value["outcome"].as_str().unwrap_or_default() {
                    "decoded" => Outcome::Decoded,
                    "undecoded" => Outcome::Undecoded(cut(detail, 400)),
                    "refused" => {
                        let status = value["status"].as_u64().unwrap_or(0) as u16;
                        let violations = value["violations"].as_str().unwrap_or_default();
                        // More than a header holds: Prism says so before the list.
                        let violations = violations.strip_prefix("Too many violations! ").unwrap_or(violations);
                        if !violations.is_empty() {
                            Outcome::Refused(status, prism_words(&format!("{{\"validation\": {violations}}}")))
                        } else if detail.contains("stoplight.io/prism/errors") {
                            Outcome::Refused(status, prism_words(detail))
                        } else {
                            Outcome::Answered(status)
                        }
                    }
                    "invalid" => Outcome::Invalid(cut(detail, 300)),
                    "unbuildable" => Outcome::Unbuildable(cut(detail, 300)),
                    _ => Outcome::Failed(cut(detail, 300)),
                };
                if outcome != Outcome::Decoded {
                    eprintln!("{tag} {op}: {}", cut(&outcome.label(), 300));
                }
                results.push((op, outcome));
                if results.len() % 50 == 0 {
                    eprintln!("{tag} {}/{total}", results.len());
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                eprintln!("{tag} the driver did not finish within {} s; stopped", deadline.as_secs());
                let _ = child.kill();
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let status = child.wait();
    let stderr = errors.join().unwrap_or_default();
    if !status.as_ref().is_ok_and(|s| s.success()) {
        let last = stderr.lines().rev().take(3).collect::<Vec<_>>().join(" / ");
        eprintln!("{tag} the driver ended with {status:?}: {last}");
    }
    results
}

/// What Prism says about a refused request: each validation message with its location, else
/// its title and detail, else the body.
fn prism_words(body: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else { return cut(body, 300) };
    if let Some(items) = value["validation"].as_array().filter(|items| !items.is_empty()) {
        let words: Vec<String> = items
            .iter()
            .map(|item| {
                let location: Vec<String> = item["location"]
                    .as_array()
                    .map(|parts| {
                        parts.iter().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned)).collect()
                    })
                    .unwrap_or_default();
                format!("{}: {}", location.join("."), item["message"].as_str().unwrap_or_default())
            })
            .collect();
        return cut(&words.join("; "), 400);
    }
    let title = value["title"].as_str().unwrap_or_default();
    let detail = value["detail"].as_str().unwrap_or_default();
    if title.is_empty() && detail.is_empty() { cut(body, 300) } else { cut(&format!("{title}: {detail}"), 400) }
}

fn cut(text: &str, max: usize) -> String {
    let text = text.replace(['\n', '\r'], " ");
    if text.chars().count() > max { format!("{}…", text.chars().take(max).collect::<String>()) } else { text }
}

impl Report {
    fn broken(spec: &Spec, why: String) -> Report {
        Report {
            spec: spec.name.clone(),
            sliced: spec.sliced,
            broken: Some(why),
            calls: Vec::new(),
            mode_errors: BTreeMap::new(),
            seconds: 0.0,
        }
    }

    /// Whether an outcome counts as a failure: a sliced spec's responses are not checked.
    fn fails(&self, outcome: &Outcome) -> bool {
        match outcome {
            Outcome::Decoded | Outcome::Answered(_) => false,
            Outcome::Undecoded(_) => !self.sliced,
            Outcome::NotCalled(why) => why.contains("does not compile"),
            _ => true,
        }
    }
}

/// One spec's table: counts, then each failure with its operation and Prism's words (an
/// outcome the same in both modes is listed once).
fn spec_table(report: &Report, allowed: &Allowed, modes: &[Mode]) -> String {
    let mut out = String::new();
    let note = if report.sliced { " (sliced for Prism: requests checked, responses not)" } else { "" };
    let _ = writeln!(out, "\n### {}{note}\n", report.spec);
    if let Some(why) = &report.broken {
        let _ = writeln!(out, "not run: {}", cut(why, 500));
        return out;
    }
    let _ = writeln!(out, "| mode | operations | accepted | decoded | failures |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for mode in modes {
        if let Some(why) = report.mode_errors.get(mode.name()) {
            let _ = writeln!(out, "| {} | {} | - | - | Prism: {} |", mode.name(), report.calls.len(), cut(why, 200));
            continue;
        }
        let outcomes: Vec<&Outcome> = report.calls.iter().filter_map(|c| c.2.get(mode.name())).collect();
        let decoded = if report.sliced {
            "n/a".to_owned()
        } else {
            outcomes.iter().filter(|o| ***o == Outcome::Decoded).count().to_string()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            mode.name(),
            report.calls.len(),
            outcomes.iter().filter(|o| o.accepted()).count(),
            decoded,
            outcomes.iter().filter(|o| report.fails(o)).count()
        );
    }
    let mut rows = Vec::new();
    for (op, label, outcomes) in &report.calls {
        let failing: Vec<(Mode, &Outcome)> = modes
            .iter()
            .filter_map(|m| outcomes.get(m.name()).map(|o| (*m, o)))
            .filter(|(_, o)| report.fails(o) || matches!(o, Outcome::NotCalled(_)))
            .collect();
        let same = failing.len() == modes.len() && failing.windows(2).all(|w| w[0].1 == w[1].1) && modes.len() > 1;
        for (i, (mode, outcome)) in failing.iter().enumerate() {
            if same && i > 0 {
                break;
            }
            let allow = if allowed.allows(&report.spec, op, *mode) { " (allowed)" } else { "" };
            let mode = if same { "both" } else { mode.name() };
            rows.push(format!(
                "| {op} | {label} | {mode} | {}{allow} |",
                cut(&outcome.label(), 400).replace('|', "\\|")
            ));
        }
    }
    if !rows.is_empty() {
        let _ = writeln!(out, "\n| operation | request | mode | outcome |");
        let _ = writeln!(out, "|---|---|---|---|");
        for row in rows {
            let _ = writeln!(out, "{row}");
        }
    }
    out
}

/// The table across specs, and whether any failure is not allowed.
fn summary(reports: &[Report], allowed: &Allowed, modes: &[Mode]) -> (String, bool) {
    let mut out = String::new();
    let mut failed = false;
    let mut header = "| spec | operations |".to_owned();
    let mut rule = "|---|---:|".to_owned();
    for mode in modes {
        let _ = write!(header, " accepted ({0}) | decoded ({0}) |", mode.name());
        rule.push_str("---:|---:|");
    }
    let _ = writeln!(out, "\n## Summary\n\n{header} failures | s |\n{rule}---:|---:|");
    for report in reports {
        if let Some(why) = &report.broken {
            failed = true;
            let blanks = " - | - |".repeat(modes.len());
            let _ =
                writeln!(out, "| {} | - |{blanks} not run: {} | - |", report.spec, cut(why, 120).replace('|', "\\|"));
            continue;
        }
        let mut row =
            format!("| {}{} | {} |", report.spec, if report.sliced { " (sliced)" } else { "" }, report.calls.len());
        let mut failures = 0;
        let mut allowed_failures = 0;
        for mode in modes {
            if report.mode_errors.contains_key(mode.name()) {
                row.push_str(" Prism did not start | - |");
                failed = true;
                continue;
            }
            let outcomes: Vec<(&String, &Outcome)> =
                report.calls.iter().filter_map(|c| c.2.get(mode.name()).map(|o| (&c.0, o))).collect();
            let accepted = outcomes.iter().filter(|(_, o)| o.accepted()).count();
            let decoded = outcomes.iter().filter(|(_, o)| **o == Outcome::Decoded).count();
            let _ =
                write!(row, " {accepted} | {} |", if report.sliced { "n/a".to_owned() } else { decoded.to_string() });
            for (op, outcome) in outcomes {
                if report.fails(outcome) {
                    if allowed.allows(&report.spec, op, *mode) {
                        allowed_failures += 1;
                    } else {
                        failures += 1;
                    }
                }
            }
        }
        if failures > 0 {
            failed = true;
        }
        let allowed_text = if allowed_failures > 0 { format!(" (+{allowed_failures} allowed)") } else { String::new() };
        let _ = writeln!(out, "{row} {failures}{allowed_text} | {:.0} |", report.seconds);
    }
    (out, failed)
}
