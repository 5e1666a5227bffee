//! `cargo xtask bench`: measures codegen (per stage, against the parse floor, and as a whole
//! process), the generated crates' compile times and dependency count, the client's call
//! overhead, the peak memory of a 1 GiB streamed download, codegen and rebuild against
//! cargo-progenitor, and growth with synthetic specs (the last two in `versus.rs`); writes
//! BENCHMARKS.md. Runs itself in release mode.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use clientgen::{Config, Input, Source};

/// One section of BENCHMARKS.md: measures, notes its findings, returns its Markdown.
type Section = fn(&mut Findings) -> Result<String, String>;

/// The figures the summary weighs against the targets.
#[derive(Default)]
struct Findings {
    /// Per spec measured.
    codegen: Vec<CodegenFigures>,
    /// Nexus crate: build after `cargo clean -p`.
    nexus_build: Duration,
    /// Dependencies with default features.
    dependencies: usize,
    /// Call overhead ratio.
    overhead: String,
    /// Peak RSS of a 1 GiB streamed download, in MiB.
    stream_peak_mib: String,
    /// `cargo check` of the openai crate: the chat tag alone, every tag.
    tags: (Duration, Duration),
    /// Against progenitor, and growth with size.
    versus: crate::versus::Versus,
}

/// What codegen of one spec came to.
struct CodegenFigures {
    label: &'static str,
    /// The whole process, median.
    process: Duration,
    /// In-process codegen ÷ the parse floor.
    over_floor: f64,
    /// Shares of in-process codegen spent formatting and emitting.
    format_share: f64,
    emit_share: f64,
    /// Parse, overlay and normalize, typed and lower together ÷ the parse floor.
    front_over_floor: f64,
    /// Formatting alone ÷ the parse floor.
    format_over_floor: f64,
    /// Bytes of Rust source written ÷ bytes of spec read.
    output_over_input: f64,
}

impl Findings {
    fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## Where the time goes, and the targets\n");
        let shares: Vec<String> = self
            .codegen
            .iter()
            .map(|c| format!("{}: format {:.0}%, emit {:.0}%", c.label, c.format_share * 100.0, c.emit_share * 100.0))
            .collect();
        let fronts: Vec<f64> = self.codegen.iter().map(|c| c.front_over_floor).collect();
        let (least, most) =
            (fronts.iter().copied().fold(f64::MAX, f64::min), fronts.iter().copied().fold(0.0, f64::max));
        let _ = writeln!(
            out,
            "Formatting (syn re-parsing the emitted tokens, then prettyplease) is the largest stage everywhere, \
             and emission (quote) the second. Shares of in-process codegen: {}. Parsing, overlay and normalising, \
             reading the typed document and lowering together take {least:.1}–{most:.1}× the parse floor.\n",
            shares.join("; ")
        );
        let target = |label: &str, limit: f64| -> String {
            self.codegen
                .iter()
                .find(|c| c.label.starts_with(label))
                .map(|c| {
                    let secs = c.process.as_secs_f64();
                    format!("{:.0} ms ({})", secs * 1000.0, if secs <= limit { "met" } else { "not met" })
                })
                .unwrap_or_default()
        };
        let worst_ratio = self.codegen.iter().map(|c| c.over_floor).fold(0.0_f64, f64::max);
        let nexus = self.nexus_build.as_secs_f64();
        let span = |f: fn(&CodegenFigures) -> f64| {
            let values: Vec<f64> = self.codegen.iter().map(f).collect();
            (values.iter().copied().fold(f64::MAX, f64::min), values.iter().copied().fold(0.0, f64::max))
        };
        let (format_least, format_most) = span(|c| c.format_over_floor);
        let (size_least, size_most) = span(|c| c.output_over_input);
        let _ = writeln!(
            out,
            "The parse floor reads the spec once; codegen also writes a crate {size_least:.1}–{size_most:.1}× the spec's \
             size (Rust source ÷ spec bytes), and formatting alone, which re-parses all of that source with syn before \
             prettyplease prints it, takes {format_least:.1}–{format_most:.1}× the floor.\n"
        );
        let _ = writeln!(out, "| target | measured |\n|---|---|");
        let _ = writeln!(out, "| whole-process codegen: seed ≤ 50 ms | {} |", target("seed", 0.050));
        let _ = writeln!(out, "| whole-process codegen: nexus ≤ 0.2 s | {} |", target("progenitor-nexus", 0.2));
        let versus = &self.versus;
        let met = |ok: bool| if ok { "met" } else { "not met" };
        let (us, them) = versus.nexus;
        let cpu_ratio = us.cpu.as_secs_f64() / them.cpu.as_secs_f64().max(1e-9);
        let _ =
            writeln!(out, "| nexus codegen CPU ≤ 0.2× progenitor's | {cpu_ratio:.2}× ({}) |", met(cpu_ratio <= 0.2));
        let _ = writeln!(
            out,
            "| nexus codegen peak memory ≤ progenitor's | {:.0} vs {:.0} MiB ({}) |",
            us.peak_mib,
            them.peak_mib,
            met(us.peak_mib <= them.peak_mib)
        );
        let rebuild = versus.rebuild.0.as_secs_f64() / versus.rebuild.1.as_secs_f64().max(1e-9);
        let _ = writeln!(out, "| nexus crate rebuild ≤ 0.4× progenitor's | {rebuild:.2}× ({}) |", met(rebuild <= 0.4));
        let (stripe, _) = versus.stripe;
        let _ = writeln!(
            out,
            "| stripe whole-process codegen ≤ 1.0 s, ≤ 250 MiB | {:.2} s wall, {:.2} s CPU, {:.0} MiB ({}) |",
            stripe.wall.as_secs_f64(),
            stripe.cpu.as_secs_f64(),
            stripe.peak_mib,
            met(stripe.wall.as_secs_f64() <= 1.0 && stripe.peak_mib <= 250.0)
        );
        let (chat, every) = self.tags;
        let tag_ratio = chat.as_secs_f64() / every.as_secs_f64().max(1e-9);
        let _ = writeln!(
            out,
            "| openai `cargo check`, one tag (`chat`) ≤ 0.2× every tag | {tag_ratio:.2}× ({}) |",
            met(tag_ratio <= 0.2)
        );
        let (chain, operations) = versus.growth;
        let _ = writeln!(
            out,
            "| growth for 2× size ≤ 2.2× | chain {chain:.2}×, operations {operations:.2}× ({}) |",
            met(chain <= 2.2 && operations <= 2.2)
        );
        let _ = writeln!(
            out,
            "| codegen ≤ 3× the parse floor | worst {worst_ratio:.1}× ({}) |",
            if worst_ratio <= 3.0 { "met" } else { "not met" }
        );
        let _ = writeln!(
            out,
            "| nexus crate rebuild ≤ 6.5 s | {nexus:.1} s ({}) |",
            if nexus <= 6.5 { "met" } else { "not met" }
        );
        let _ = writeln!(out, "| call overhead ≤ 1.05× | {} (median; see the spread above) |", self.overhead);
        let _ = writeln!(out, "| 1 GiB streamed download: peak RSS < 100 MiB | {} MiB |", self.stream_peak_mib);
        let _ = writeln!(
            out,
            "| ≤ 90 dependencies (default features) | {} ({}) |\n",
            self.dependencies,
            if self.dependencies <= 90 { "met" } else { "not met" }
        );
        out
    }
}

/// A spec measured, and how many times.
struct Subject {
    label: &'static str,
    file: Option<&'static str>,
    runs: usize,
}

const SUBJECTS: &[Subject] = &[
    Subject { label: "seed (Creatify, with overlay)", file: None, runs: 30 },
    Subject { label: "progenitor-nexus.json", file: Some("progenitor-nexus.json"), runs: 10 },
    Subject { label: "stripe.yaml", file: Some("stripe.yaml"), runs: 5 },
    Subject { label: "plaid.yaml", file: Some("plaid.yaml"), runs: 5 },
    Subject { label: "shopify.json", file: Some("shopify.json"), runs: 5 },
];

/// The heading from which BENCHMARKS.md is written by hand, and kept when the bench rewrites
/// the sections before it.
const KEPT: &str = "## Measured by hand";

const STAGES: [&str; 6] = ["parse", "overlay + normalize", "typed", "lower", "emit", "format"];

/// Runs every measurement and writes BENCHMARKS.md.
pub fn run() -> ExitCode {
    if cfg!(debug_assertions) {
        // Timings of a debug build say little: run the release build of this same command.
        let status = Command::new(xtask::cargo())
            .args(["run", "--quiet", "--release", "-p", "xtask", "--", "bench"])
            .current_dir(xtask::project_root())
            .status();
        return match status {
            Ok(status) if status.success() => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        };
    }
    let mut report = header();
    let mut findings = Findings::default();
    let sections: [Section; 8] = [
        codegen_section,
        compile_section,
        tags_section,
        overhead_section,
        upload_section,
        stream_section,
        |findings| crate::versus::progenitor_section(&mut findings.versus),
        |findings| crate::versus::growth_section(&mut findings.versus),
    ];
    for section in sections {
        match section(&mut findings) {
            Ok(text) => report.push_str(&text),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    report.push_str(&findings.summary());
    let path = xtask::project_root().join("BENCHMARKS.md");
    // The sections measured by hand (TLS back ends, load) are kept as they are.
    if let Some(kept) =
        std::fs::read_to_string(&path).ok().and_then(|old| old.find(KEPT).map(|at| old[at..].to_owned()))
    {
        report.push('\n');
        report.push_str(&kept);
    }
    match std::fs::write(&path, report) {
        Ok(()) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn header() -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned()))
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(out, "Written by `cargo xtask bench` (rerun it to refresh this file). Medians throughout.\n");
    let _ = writeln!(out, "- Date: {date}");
    let _ = writeln!(out, "- Machine: {cores} cores, {model}");
    let _ = writeln!(out, "- Build: release, `{}`\n", rustc_version());
    out
}

fn rustc_version() -> String {
    Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// The input and configuration of a subject.
fn load_subject(subject: &Subject) -> Result<(String, Vec<String>, Config), String> {
    match subject.file {
        None => {
            let config = xtask::creatify_config()?;
            Ok((xtask::CREATIFY_SPEC.text.to_owned(), vec![xtask::CREATIFY_OVERLAY.text.to_owned()], config))
        }
        Some(file) => {
            let path = xtask::project_root().join("../shared/specs").join(file);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((text, Vec::new(), Config::new("bench")))
        }
    }
}

/// One in-process run, stage by stage.
/// Returns each stage's time and the bytes of Rust source formatted.
fn stage_times(name: &str, text: &str, overlays: &[String], config: &Config) -> Result<([Duration; 6], usize), String> {
    let mut times = [Duration::ZERO; 6];
    let mut clock = Instant::now();
    let mut lap = |i: usize, times: &mut [Duration; 6]| {
        times[i] = clock.elapsed();
        clock = Instant::now();
    };
    let mut tree = clientgen::parse::spec(text, name).map_err(|e| e.to_string())?;
    lap(0, &mut times);
    for overlay in overlays {
        let overlay = clientgen::parse::yaml_or_json(overlay, "overlay")
            .and_then(|tree| clientgen::overlay::Overlay::read(&tree, "overlay"))
            .map_err(|e| e.to_string())?;
        overlay.apply(&mut tree).map_err(|e| e.to_string())?;
    }
    clientgen::normalize::normalize(&mut tree, name).map_err(|e| e.to_string())?;
    lap(1, &mut times);
    let doc = clientgen::typed::to_openapi(tree, name).map_err(|e| e.to_string())?;
    lap(2, &mut times);
    let lowered = clientgen::lower::lower(&doc, config);
    let api = lowered.api.ok_or_else(|| format!("{name} does not lower"))?;
    lap(3, &mut times);
    let files = clientgen::emit::emit(&api);
    lap(4, &mut times);
    let mut written = 0;
    for file in files {
        if let clientgen::emit::EmittedFile::Rust { tokens, .. } = file {
            written += std::hint::black_box(clientgen::format::format_file(tokens)?).len();
        }
    }
    lap(5, &mut times);
    Ok((times, written))
}

/// Parsing alone: the text straight into openapiv3, as any generator must.
fn floor_time(text: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let doc: openapiv3::OpenAPI = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| e.to_string())?
    } else {
        serde_yaml::from_str(text).map_err(|e| e.to_string())?
    };
    std::hint::black_box(doc);
    Ok(started.elapsed())
}

/// The xtask binary generating the subject, as a user runs it.
fn process_time(subject: &Subject, scratch: &Path) -> Result<Duration, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new(exe);
    command.arg("codegen").arg("--out").arg(scratch);
    if let Some(file) = subject.file {
        command
            .arg("--spec")
            .arg(xtask::project_root().join("../shared/specs").join(file))
            .args(["--crate-name", "bench"]);
    }
    let started = Instant::now();
    let status = command.stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    if !status.success() {
        return Err(format!("codegen of {} failed", subject.label));
    }
    Ok(elapsed)
}

fn codegen_section(findings: &mut Findings) -> Result<String, String> {
    let scratch = xtask::project_root().join("target").join("bench").join("codegen");
    let mut out = String::new();
    let _ = writeln!(out, "## 1. Codegen, stage by stage (ms)\n");
    let _ = writeln!(out, "| spec | runs | {} | in-process total | whole process |", STAGES.join(" | "));
    let _ = writeln!(out, "|---|---:|{}---:|---:|", "---:|".repeat(STAGES.len()));
    let mut floors = String::new();
    let _ = writeln!(floors, "## 2. The parse floor (ms)\n");
    let _ = writeln!(floors, "Parsing alone: the text deserialised straight into `openapiv3::OpenAPI`.\n");
    let _ = writeln!(floors, "| spec | floor | in-process codegen | codegen ÷ floor | whole process ÷ floor |");
    let _ = writeln!(floors, "|---|---:|---:|---:|---:|");
    for subject in SUBJECTS {
        eprintln!("bench: codegen {}", subject.label);
        let (text, overlays, config) = load_subject(subject)?;
        let name = subject.file.unwrap_or("lipsync-preview.yaml");
        let mut per_stage: Vec<Vec<Duration>> = vec![Vec::new(); STAGES.len()];
        let mut totals = Vec::new();
        let mut floor = Vec::new();
        let mut process = Vec::new();
        let mut written = 0;
        for _ in 0..subject.runs {
            let (times, bytes) = stage_times(name, &text, &overlays, &config)?;
            written = bytes;
            for (i, t) in times.iter().enumerate() {
                per_stage[i].push(*t);
            }
            totals.push(times.iter().sum());
            floor.push(floor_time(&text)?);
            process.push(process_time(subject, &scratch.join(name))?);
        }
        let medians: Vec<Duration> = per_stage.into_iter().map(median).collect();
        let stages: Vec<String> = medians.iter().copied().map(ms).collect();
        let (total, floor, process) = (median(totals), median(floor), median(process));
        let share = |i: usize| medians[i].as_secs_f64() / total.as_secs_f64().max(1e-9);
        let ratio_total = total.as_secs_f64() / floor.as_secs_f64().max(1e-9);
        findings.codegen.push(CodegenFigures {
            label: subject.label,
            process,
            over_floor: ratio_total,
            format_share: share(5),
            emit_share: share(4),
            front_over_floor: medians[..4].iter().sum::<Duration>().as_secs_f64() / floor.as_secs_f64().max(1e-9),
            format_over_floor: medians[5].as_secs_f64() / floor.as_secs_f64().max(1e-9),
            output_over_input: written as f64 / text.len().max(1) as f64,
        });
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            subject.label,
            subject.runs,
            stages.join(" | "),
            ms(total),
            ms(process)
        );
        let ratio = |d: Duration| d.as_secs_f64() / floor.as_secs_f64().max(1e-9);
        let _ = writeln!(
            floors,
            "| {} | {} | {} | {:.2} | {:.2} |",
            subject.label,
            ms(floor),
            ms(total),
            ratio(total),
            ratio(process)
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(floors);
    out.push_str(&floors);
    Ok(out)
}

/// Runs cargo in `dir` with its own target folder; returns how long it took.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<Duration, String> {
    let started = Instant::now();
    let output = Command::new(xtask::cargo())
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("cargo {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr)));
    }
    Ok(started.elapsed())
}

fn compile_section(findings: &mut Findings) -> Result<String, String> {
    let workspace = xtask::project_root().join("target").join("bench").join("crates");
    let target = xtask::project_root().join("target").join("bench").join("target");
    let _ = std::fs::remove_dir_all(&workspace);
    let creatify = xtask::generate_creatify()?;
    xtask::write_files(&workspace.join("creatify"), &creatify.files).map_err(|e| e.to_string())?;
    let nexus_path = xtask::project_root().join("../shared/specs/progenitor-nexus.json");
    let nexus_text = std::fs::read_to_string(&nexus_path).map_err(|e| e.to_string())?;
    let nexus =
        clientgen::generate(&Input::spec(Source::new("progenitor-nexus.json", &nexus_text)), &Config::new("nexus"))
            .map_err(|e| e.to_string())?;
    xtask::write_files(&workspace.join("nexus"), &nexus.files).map_err(|e| e.to_string())?;
    xtask::scratch_workspace(&workspace, &["creatify".to_owned(), "nexus".to_owned()]).map_err(|e| e.to_string())?;

    let mut out = String::new();
    let _ = writeln!(out, "## 3. Generated crates: compile time (s) and dependencies\n");
    let _ = writeln!(
        out,
        "Dependencies already built; each figure is the median of 3. \"Rebuild\" is the crate alone after `cargo clean -p`; \"touched\" is after touching `src/lib.rs`.\n"
    );
    let _ = writeln!(out, "| crate | lines | check (rebuild) | build (rebuild) | build (touched) |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for krate in ["creatify", "nexus"] {
        eprintln!("bench: compile {krate}");
        cargo(&workspace, &target, &["build", "-p", krate])?;
        cargo(&workspace, &target, &["check", "-p", krate])?;
        let mut check = Vec::new();
        let mut build = Vec::new();
        let mut touched = Vec::new();
        for _ in 0..3 {
            cargo(&workspace, &target, &["clean", "-p", krate])?;
            check.push(cargo(&workspace, &target, &["check", "-p", krate])?);
            build.push(cargo(&workspace, &target, &["build", "-p", krate])?);
            touch(&workspace.join(krate).join("src/lib.rs"))?;
            touched.push(cargo(&workspace, &target, &["build", "-p", krate])?);
        }
        let lines = count_lines(&workspace.join(krate).join("src"));
        if krate == "nexus" {
            findings.nexus_build = median(build.clone());
        }
        let s = |d: Duration| format!("{:.1}", d.as_secs_f64());
        let _ = writeln!(
            out,
            "| {krate} | {lines} | {} | {} | {} |",
            s(median(check)),
            s(median(build)),
            s(median(touched))
        );
    }
    let deps = dependency_count(&workspace, "creatify")?;
    findings.dependencies = deps;
    let deps_blocking = dependency_count_features(&workspace, "creatify", "blocking")?;
    // `url` reaches Unicode through `idna_adapter`, whose README leaves the back end to the
    // application's lock file: ICU4X by default, unicode-rs when pinned to 1.1.
    cargo(&workspace, &target, &["update", "--quiet", "-p", "idna_adapter", "--precise", "1.1.0"])?;
    let deps_unicode_rs = dependency_count(&workspace, "creatify")?;
    let _ = writeln!(
        out,
        "\nThe Creatify client's dependency tree (`cargo tree -e normal`, the crate itself left out): **{deps} crates** \
         with default features ({deps_blocking} with `blocking`). Of those, the ICU4X crates come from `url`'s \
         internationalised-domain support; an application that pins `idna_adapter` to 1.1 (unicode-rs, \
         `cargo update -p idna_adapter --precise 1.1.0`, as that crate's README describes) gets **{deps_unicode_rs} crates**.\n"
    );
    Ok(out)
}

/// `cargo check` of the generated openai crate (36 tag features) with one typical tag on
/// (`chat`) against every tag on (the default): what tag features save a caller of a few.
fn tags_section(findings: &mut Findings) -> Result<String, String> {
    let workspace = xtask::project_root().join("target").join("bench").join("tags");
    let target = xtask::project_root().join("target").join("bench").join("target");
    let _ = std::fs::remove_dir_all(&workspace);
    let path = xtask::project_root().join("../shared/specs/openai.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let openai = clientgen::generate(&Input::spec(Source::new("openai.yaml", &text)), &Config::new("openai"))
        .map_err(|e| e.to_string())?;
    xtask::write_files(&workspace.join("openai"), &openai.files).map_err(|e| e.to_string())?;
    xtask::scratch_workspace(&workspace, &["openai".to_owned()]).map_err(|e| e.to_string())?;
    let one: &[&str] = &[
        "check",
        "-p",
        "openai",
        "--no-default-features",
        "--features",
        "rustls,http2,gzip,deflate,charset,system-proxy,chat",
    ];
    let all: &[&str] = &["check", "-p", "openai"];
    eprintln!("bench: tag features of openai");
    cargo(&workspace, &target, all)?;
    let (mut chat, mut every) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        touch(&workspace.join("openai").join("src/lib.rs"))?;
        chat.push(cargo(&workspace, &target, one)?);
        touch(&workspace.join("openai").join("src/lib.rs"))?;
        every.push(cargo(&workspace, &target, all)?);
    }
    let (chat, every) = (median(chat), median(every));
    findings.tags = (chat, every);
    let mut out = String::new();
    let _ = writeln!(out, "## 3b. Tag features: the openai crate with one tag (s)\n");
    let _ = writeln!(
        out,
        "`cargo check` after touching `src/lib.rs`, dependencies built, median of 3; target: one tag ≤ 0.2× all.\n"
    );
    let _ = writeln!(out, "| features | check | ratio |");
    let _ = writeln!(out, "|---|---:|---:|");
    let _ = writeln!(out, "| every tag (default, `full`) | {:.1} | 1.00 |", every.as_secs_f64());
    let _ = writeln!(
        out,
        "| `chat` alone | {:.1} | {:.2} |\n",
        chat.as_secs_f64(),
        chat.as_secs_f64() / every.as_secs_f64().max(f64::EPSILON)
    );
    Ok(out)
}

fn touch(path: &Path) -> Result<(), String> {
    let text = std::fs::read(path).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| e.to_string())
}

fn count_lines(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| text.lines().count())
        .sum()
}

fn dependency_count(workspace: &Path, krate: &str) -> Result<usize, String> {
    tree(workspace, &["tree", "-p", krate, "-e", "normal", "--prefix", "none"])
}

fn dependency_count_features(workspace: &Path, krate: &str, features: &str) -> Result<usize, String> {
    tree(workspace, &["tree", "-p", krate, "-e", "normal", "--prefix", "none", "--features", features])
}

fn tree(workspace: &Path, args: &[&str]) -> Result<usize, String> {
    let output = Command::new(xtask::cargo()).args(args).current_dir(workspace).output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut crates: Vec<&str> =
        text.lines().map(|l| l.trim_end_matches(" (*)").trim()).filter(|l| !l.is_empty()).collect();
    crates.sort_unstable();
    crates.dedup();
    Ok(crates.len().saturating_sub(1))
}

fn overhead_section(findings: &mut Findings) -> Result<String, String> {
    eprintln!("bench: call overhead");
    let output = Command::new(xtask::cargo())
        .args(["bench", "--quiet", "-p", "tests", "--bench", "call_overhead"])
        .current_dir(xtask::project_root())
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find(|l| l.starts_with("overhead:")).ok_or_else(|| {
        format!("the call-overhead bench printed no result: {}", String::from_utf8_lossy(&output.stderr))
    })?;
    let field = |name: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
            .unwrap_or("?")
            .to_owned()
    };
    findings.overhead = field("ratio");
    let mut out = String::new();
    let _ = writeln!(out, "## 4. Client call overhead\n");
    let _ = writeln!(
        out,
        "{} calls of `lipsyncs_preview_create` against a loopback HTTP/1.1 keep-alive server, after a warm-up, in 20 rounds that alternate (and alternate the order of) the generated call and a hand-written `reqwest` + `serde_json` call sending the same body with the same headers and decoding the same `Lipsync` (`tests/benches/call_overhead.rs`).\n",
        field("calls")
    );
    let _ = writeln!(
        out,
        "| generated (µs/call) | hand-written (µs/call) | ratio (median of 20 rounds) | ratio, 25th–75th percentile |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {}–{} |\n",
        field("generated_us"),
        field("handwritten_us"),
        field("ratio"),
        field("ratio_p25"),
        field("ratio_p75")
    );
    Ok(out)
}

/// Peak resident memory of 200 MiB uploads (`tests/examples/upload_memory.rs`), as it prints it.
fn upload_section(_: &mut Findings) -> Result<String, String> {
    eprintln!("bench: upload memory");
    let output = Command::new(xtask::cargo())
        .args(["run", "--quiet", "--release", "-p", "tests", "--example", "upload_memory"])
        .current_dir(xtask::project_root())
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !stdout.contains("from a stream") {
        return Err(format!("the upload-memory example failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let mut out = String::new();
    let _ = writeln!(out, "## 5. Upload memory\n");
    let _ = writeln!(
        out,
        "Peak resident memory (`VmHWM`) of the process while the HTTP fixture's client uploads 200 MiB to a \
         loopback server that discards it: from a stream (`ByteSource::from_stream`), from a file path \
         (`ByteSource::from_path`), then from memory for scale (`cargo run --release -p tests --example \
         upload_memory`).\n"
    );
    for line in stdout.lines() {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(out);
    Ok(out)
}

/// Streams 1 GiB from a loopback server through a generated client and reports the peak
/// resident memory of the process (`tests/examples/stream_download.rs`).
fn stream_section(findings: &mut Findings) -> Result<String, String> {
    eprintln!("bench: streamed download");
    let output = Command::new(xtask::cargo())
        .args(["run", "--quiet", "--release", "-p", "tests", "--example", "stream_download"])
        .current_dir(xtask::project_root())
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find(|l| l.starts_with("streamed ")).ok_or_else(|| {
        format!("the streamed download printed no result: {}", String::from_utf8_lossy(&output.stderr))
    })?;
    findings.stream_peak_mib =
        line.split("peak RSS ").nth(1).and_then(|rest| rest.split_whitespace().next()).unwrap_or("?").to_owned();
    let mut out = String::new();
    let _ = writeln!(out, "## 6. A 1 GiB download, streamed\n");
    let _ = writeln!(
        out,
        "`cargo run --release -p tests --example stream_download`: a loopback server in the same process sends 1 GiB of `application/octet-stream` (with its `Content-Length`), read chunk by chunk through `download_file_byte_stream` of the committed `streams` client; the peak is the process's `VmHWM`.\n"
    );
    let _ = writeln!(out, "{line}\n");
    Ok(out)
}
