//! The sections of `cargo xtask bench` that measure whole processes by their CPU time and peak
//! memory: this generator against cargo-progenitor on the same specs, and how codegen grows
//! with the size of synthetic specs.
//!
//! A process's CPU time (user and system, its reaped children included) and peak resident
//! memory come from `wait4`, as the kernel accounts them: wall time on a busy machine says
//! more about the neighbours than about the program.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::synthetic::{self, Shape};

/// The cargo-progenitor the comparison installs and runs.
pub const PROGENITOR: &str = "0.15.1";

/// What one process cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    /// Wall-clock time.
    pub wall: Duration,
    /// User and system CPU time, reaped children included.
    pub cpu: Duration,
    /// Peak resident memory, in MiB.
    pub peak_mib: f64,
    /// Whether it exited with success.
    pub ok: bool,
}

/// Runs `command` to its end with its output discarded, and measures it.
///
/// The command runs under `cargo xtask measure`, a small process of its own, which waits for
/// it and prints the figures. Waiting for it from here would report this process's own peak:
/// Linux carries a process's peak memory over its `exec`, so a child started by a bench that
/// has grown to hundreds of MiB would start with that peak.
#[cfg(unix)]
pub fn measure(command: &mut Command) -> Result<Cost, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
    let mut wrapper = Command::new(exe);
    wrapper.arg("measure").arg(command.get_program()).args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        wrapper.current_dir(dir);
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapper.env(key, value),
            None => wrapper.env_remove(key),
        };
    }
    let output = wrapper.stderr(Stdio::inherit()).output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout);
    let figures: Vec<f64> = text.split_whitespace().filter_map(|word| word.parse().ok()).collect();
    match figures[..] {
        [wall, cpu, peak_kib, ok] => Ok(Cost {
            wall: Duration::from_secs_f64(wall),
            cpu: Duration::from_secs_f64(cpu),
            peak_mib: peak_kib / 1024.0,
            ok: ok == 1.0,
        }),
        _ => Err(format!("cargo xtask measure printed {text:?}")),
    }
}

/// `cargo xtask measure`: runs `command` (program, then arguments) with its output discarded
/// and prints its wall time and CPU time (user and system, its children included) in seconds,
/// its peak resident memory in KiB, and 1 or 0 for success, from `wait4`.
#[cfg(unix)]
pub fn measure_and_print(command: &[std::ffi::OsString]) -> std::process::ExitCode {
    let Some((program, args)) = command.split_first() else { return std::process::ExitCode::FAILURE };
    let started = Instant::now();
    let child = Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
    let child = match child {
        Ok(child) => child,
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", program.to_string_lossy());
            return std::process::ExitCode::FAILURE;
        }
    };
    let Ok(pid) = i32::try_from(child.id()) else { return std::process::ExitCode::FAILURE };
    let mut status = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills in; zeroed is a valid value of it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    if waited != pid {
        eprintln!("error: wait4 failed: {}", std::io::Error::last_os_error());
        return std::process::ExitCode::FAILURE;
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports the peak in KiB.
    println!(
        "{:.6} {:.6} {} {}",
        wall.as_secs_f64(),
        seconds(usage.ru_utime) + seconds(usage.ru_stime),
        usage.ru_maxrss,
        u8::from(ok)
    );
    std::process::ExitCode::SUCCESS
}

/// Off Unix there is no `wait4`: the command's wall time stands for its CPU time.
#[cfg(not(unix))]
pub fn measure_and_print(_: &[std::ffi::OsString]) -> std::process::ExitCode {
    eprintln!("error: cargo xtask measure needs wait4 (Unix)");
    std::process::ExitCode::FAILURE
}

/// Runs `command` to its end and measures it (wall time only off Unix).
#[cfg(not(unix))]
pub fn measure(command: &mut Command) -> Result<Cost, String> {
    let started = Instant::now();
    let status = command.stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| e.to_string())?;
    Ok(Cost { wall: started.elapsed(), cpu: started.elapsed(), peak_mib: 0.0, ok: status.success() })
}

/// The median of each figure over `costs`.
fn medians(costs: &[Cost]) -> Cost {
    let mid = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or_default()
    };
    Cost {
        wall: Duration::from_secs_f64(mid(costs.iter().map(|c| c.wall.as_secs_f64()).collect())),
        cpu: Duration::from_secs_f64(mid(costs.iter().map(|c| c.cpu.as_secs_f64()).collect())),
        peak_mib: mid(costs.iter().map(|c| c.peak_mib).collect()),
        ok: costs.iter().all(|c| c.ok),
    }
}

/// The release build of the `clientgen` command, built when missing or stale.
fn clientgen_binary() -> Result<PathBuf, String> {
    let status = Command::new(xtask::cargo())
        .args(["build", "--quiet", "--release", "-p", "clientgen-cli"])
        .current_dir(xtask::project_root())
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("cannot build the clientgen command".to_owned());
    }
    Ok(xtask::project_root().join("target").join("release").join(format!("clientgen{}", std::env::consts::EXE_SUFFIX)))
}

/// `clientgen generate` of `spec` into `out`, as a user runs it.
fn ours(binary: &Path, spec: &Path, out: &Path) -> Command {
    let mut command = Command::new(binary);
    command.arg("generate").arg("--spec").arg(spec).arg("--out").arg(out).args(["--name", "bench"]);
    command
}

/// cargo-progenitor generating a crate for `spec` into `out`, called as cargo calls it.
fn progenitor(spec: &Path, out: &Path) -> Command {
    let mut command = Command::new(format!("cargo-progenitor{}", std::env::consts::EXE_SUFFIX));
    command.arg("progenitor").arg("-i").arg(spec).arg("-o").arg(out).args(["-n", "bench", "-v", "0.1.0"]);
    command
}

/// What the comparison found, for the summary's targets.
#[derive(Debug, Default)]
pub struct Versus {
    /// Codegen of the nexus spec: ours, progenitor's.
    pub nexus: (Cost, Cost),
    /// Rebuild of the generated nexus crate, dependencies built: ours, progenitor's.
    pub rebuild: (Duration, Duration),
    /// Codegen of stripe.yaml: ours, and whether progenitor generated it.
    pub stripe: (Cost, bool),
    /// Growth factors of (chain, operations): CPU time at 2N ÷ at N.
    pub growth: (f64, f64),
}

fn mib(cost: &Cost) -> String {
    format!("{:.0}", cost.peak_mib)
}

fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

/// Section 7: codegen and rebuild against cargo-progenitor, alternating, on the specs both
/// generate, and stripe.yaml, which progenitor cannot.
pub fn progenitor_section(found: &mut Versus) -> Result<String, String> {
    xtask::install_cargo_tool("progenitor", PROGENITOR)?;
    let binary = clientgen_binary()?;
    let specs = xtask::project_root().join("..").join("shared").join("specs");
    let scratch = xtask::project_root().join("target").join("bench").join("versus");
    let _ = std::fs::remove_dir_all(&scratch);
    let nexus = specs.join("progenitor-nexus.json");
    let (our_dir, their_dir) = (scratch.join("ours").join("nexus"), scratch.join("theirs").join("nexus"));
    let (mut our_runs, mut their_runs) = (Vec::new(), Vec::new());
    eprintln!("bench: codegen against cargo-progenitor");
    for round in 0..7 {
        // Alternate which goes first, so neither always meets a warm or a cold cache.
        let mut runs = [(true, &our_dir), (false, &their_dir)];
        if round % 2 == 1 {
            runs.reverse();
        }
        for (is_ours, dir) in runs {
            let _ = std::fs::remove_dir_all(dir);
            let cost = if is_ours {
                measure(&mut ours(&binary, &nexus, dir))?
            } else {
                measure(&mut progenitor(&nexus, dir))?
            };
            if !cost.ok {
                return Err(format!(
                    "{} failed on progenitor-nexus.json",
                    if is_ours { "clientgen" } else { "cargo-progenitor" }
                ));
            }
            if is_ours { our_runs.push(cost) } else { their_runs.push(cost) }
        }
    }
    found.nexus = (medians(&our_runs), medians(&their_runs));
    let (us, them) = found.nexus;
    let ratio = |a: f64, b: f64| a / b.max(1e-9);

    eprintln!("bench: rebuild against cargo-progenitor");
    xtask::scratch_workspace(&scratch.join("ours"), &["nexus".to_owned()]).map_err(|e| e.to_string())?;
    std::fs::write(scratch.join("theirs").join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"nexus\"]\n")
        .map_err(|e| e.to_string())?;
    let rebuild = |workspace: &Path| -> Result<Vec<Duration>, String> {
        let target = workspace.join("target");
        let cargo = |args: &[&str]| -> Result<Cost, String> {
            let mut command = Command::new(xtask::cargo());
            command.args(args).current_dir(workspace).env("CARGO_TARGET_DIR", &target).env_remove("RUSTFLAGS");
            let cost = measure(&mut command)?;
            if cost.ok { Ok(cost) } else { Err(format!("cargo {} failed in {}", args.join(" "), workspace.display())) }
        };
        cargo(&["build", "-p", "bench"])?;
        let mut times = Vec::new();
        for _ in 0..3 {
            cargo(&["clean", "-p", "bench"])?;
            times.push(cargo(&["build", "-p", "bench"])?.wall);
        }
        Ok(times)
    };
    let (mut our_builds, mut their_builds) = (rebuild(&scratch.join("ours"))?, rebuild(&scratch.join("theirs"))?);
    our_builds.sort();
    their_builds.sort();
    found.rebuild = (our_builds[1], their_builds[1]);

    eprintln!("bench: stripe.yaml");
    let stripe = specs.join("stripe.yaml");
    let mut stripe_runs = Vec::new();
    for _ in 0..5 {
        let dir = scratch.join("ours").join("stripe");
        let _ = std::fs::remove_dir_all(&dir);
        stripe_runs.push(measure(&mut ours(&binary, &stripe, &dir))?);
    }
    let stripe_theirs = measure(&mut progenitor(&stripe, &scratch.join("theirs").join("stripe")))?;
    found.stripe = (medians(&stripe_runs), stripe_theirs.ok);

    let mut out = String::new();
    let _ = writeln!(out, "## 7. Against progenitor (cargo-progenitor {PROGENITOR})\n");
    let _ = writeln!(
        out,
        "Both generate a crate from the same spec as their users run them (`clientgen generate`; `cargo progenitor`), \
         7 rounds alternating which goes first; CPU time is user + system of the whole process (its children \
         included) and peak memory its maximum resident set, both from `wait4`. The rebuild is the generated crate \
         alone after `cargo clean -p`, its dependencies built, median of 3, each in its own workspace.\n"
    );
    let _ = writeln!(out, "| progenitor-nexus.json | clientgen | progenitor | ratio |\n|---|---:|---:|---:|");
    let mut row = |label: &str, ours: f64, theirs: f64, decimals: usize| {
        let _ = writeln!(out, "| {label} | {ours:.decimals$} | {theirs:.decimals$} | {:.2} |", ratio(ours, theirs));
    };
    row("codegen CPU time (s)", us.cpu.as_secs_f64(), them.cpu.as_secs_f64(), 2);
    row("codegen wall time (s)", us.wall.as_secs_f64(), them.wall.as_secs_f64(), 2);
    row("codegen peak memory (MiB)", us.peak_mib, them.peak_mib, 0);
    let (our_build, their_build) = found.rebuild;
    row("rebuild of the crate (s)", our_build.as_secs_f64(), their_build.as_secs_f64(), 1);
    let _ = writeln!(out);
    let (stripe_us, stripe_generated) = found.stripe;
    let _ = writeln!(
        out,
        "stripe.yaml (median of 5): clientgen {} s of CPU, {} s wall, {} MiB peak; cargo-progenitor {}.\n",
        secs(stripe_us.cpu),
        secs(stripe_us.wall),
        mib(&stripe_us),
        if stripe_generated { "generated it too" } else { "stops with an error" }
    );
    Ok(out)
}

/// Section 8: codegen of synthetic specs of both shapes at two sizes, and the growth factor.
pub fn growth_section(found: &mut Versus) -> Result<String, String> {
    let binary = clientgen_binary()?;
    let scratch = xtask::project_root().join("target").join("bench").join("growth");
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let mut out = String::new();
    let _ = writeln!(out, "## 8. Growth with the size of the API\n");
    let _ = writeln!(
        out,
        "Synthetic specs (`cargo xtask synthetic --shape SHAPE --n N --out FILE`): `chain`, N schemas each with a \
         field referring to the next; `operations`, N operations each with a schema of its own. Whole-process \
         `clientgen generate`, median of 3; the growth factor is the CPU time at 2N over that at N (linear is 2).\n"
    );
    let _ = writeln!(out, "| shape | N | CPU (s) | wall (s) | peak (MiB) | output (MiB) | growth for 2N |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
    for (shape, label, sizes) in
        [(Shape::Chain, "chain", [4_000, 8_000]), (Shape::Operations, "operations", [4_000, 8_000])]
    {
        let mut cpu = Vec::new();
        for n in sizes {
            eprintln!("bench: growth {label} {n}");
            let spec = scratch.join(format!("{label}-{n}.json"));
            std::fs::write(&spec, synthetic::spec(shape, n)).map_err(|e| e.to_string())?;
            let out_dir = scratch.join(format!("{label}-{n}"));
            let mut runs = Vec::new();
            for _ in 0..3 {
                let _ = std::fs::remove_dir_all(&out_dir);
                runs.push(measure(&mut ours(&binary, &spec, &out_dir))?);
            }
            let cost = medians(&runs);
            if !cost.ok {
                return Err(format!("clientgen failed on the {label} spec of {n}"));
            }
            let written = dir_bytes(&out_dir) as f64 / (1024.0 * 1024.0);
            let growth = cpu.last().map(|first: &f64| format!("{:.2}", cost.cpu.as_secs_f64() / first.max(1e-9)));
            cpu.push(cost.cpu.as_secs_f64());
            let _ = writeln!(
                out,
                "| {label} | {n} | {} | {} | {} | {written:.0} | {} |",
                secs(cost.cpu),
                secs(cost.wall),
                mib(&cost),
                growth.unwrap_or_default()
            );
        }
        let factor = cpu[1] / cpu[0].max(1e-9);
        match shape {
            Shape::Chain => found.growth.0 = factor,
            Shape::Operations => found.growth.1 = factor,
        }
    }
    let _ = writeln!(out);
    Ok(out)
}

/// The bytes of every file under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            match entry.metadata() {
                Ok(meta) if meta.is_dir() => pending.push(entry.path()),
                Ok(meta) => total += meta.len(),
                Err(_) => {}
            }
        }
    }
    total
}
