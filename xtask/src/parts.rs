//! `cargo xtask parts`: every selectable combination of the runtime's parts compiles.
//!
//! Each part of `crates/runtime` is one of its cargo features, and a generated crate is the
//! runtime with some parts kept and the others dropped, which is what compiling the runtime
//! with those features on checks. The runtime crate is compiled (`cargo rustc --profile check`,
//! warnings denied) once per combination, combinations that turn on the same parts (a part
//! implies others, as the runtime's `[features]` say) counted once:
//!
//! - every combination of the success-body readers, whose items are shared through `any(…)`;
//! - every pair of the request-body parts and validation (`Error::validation`, `Body::Encoded`
//!   and `field_texts` are shared through `any(…)`; each marker names at most a few parts, so a
//!   clash shows with one or two of them on);
//! - every combination of the stream parts and pagination with the blocking runner
//!   (`StreamIter`, shared through `any(byte-stream, pagination)`), whose items are shared
//!   through `byte-stream`, which `events` implies;
//! - every combination of JSON Lines with what it shares items with (`byte-stream`, which it
//!   implies, `events` beside it, `pagination` and the blocking runner): with the stream
//!   parts above, every combination of all nine would double their count for no new pairing;
//! - each other part alone, and none, and all; the transport's features that only turn on
//!   reqwest's (decompression, charsets, the system proxy, the former name of `rustls`) are
//!   left out: no runtime code names them.
//!
//! The full powerset (2^31 combinations) would take days; these take two or three minutes. The
//! combinations are xtask's own, not cargo-hack's: building cargo-hack took longer than a
//! minute of every clean run.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The readers, every combination.
const READERS: &str = "read-json,read-text,read-bytes,read-empty,undeclared-status";
/// The request-body parts and validation, every pair.
const BODIES: &str = "json-body,form,form-fields,form-value,form-reserved,multipart,multipart-text,multipart-json,\
                      multipart-files,multipart-headers,raw-body,bytes-body,validation";

/// The stream parts and the blocking runner, every combination.
const STREAMS: &str = "blocking,byte-stream,events,events-json,events-text,pagination,pagination-url,pagination-link";

/// JSON Lines and the parts it shares items with, every combination.
const LINES: &str = "blocking,byte-stream,events,json-lines,pagination";

/// The runtime's features that only turn on reqwest's, which no marker names.
const REQWEST_ONLY: &str = "rustls-aws-lc,gzip,deflate,brotli,zstd,charset,system-proxy";

/// Checks the runtime's combinations of parts, one after another; stops at the first that fails.
pub fn run() -> ExitCode {
    let started = Instant::now();
    let features = match package_features(&xtask::project_root(), "clientgen-runtime") {
        Ok(features) => features,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let combinations = combinations(&features);
    for (index, combination) in combinations.iter().enumerate() {
        let list = combination.iter().map(String::as_str).collect::<Vec<_>>().join(",");
        println!("parts ({}/{}): {}", index + 1, combinations.len(), if list.is_empty() { "none" } else { &list });
        let status = Command::new(xtask::cargo())
            .args([
                "rustc",
                "--quiet",
                "-p",
                "clientgen-runtime",
                "--lib",
                "--profile",
                "check",
                "--no-default-features",
            ])
            .args(["--features", &list, "--", "-D", "warnings"])
            .current_dir(xtask::project_root())
            .status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("error: the runtime does not compile with the parts {list:?}");
            return ExitCode::FAILURE;
        }
    }
    println!("the runtime's {} combinations of parts compile ({:.0?})", combinations.len(), started.elapsed());
    ExitCode::SUCCESS
}

/// Every combination to check, in order, each once by the parts it turns on.
fn combinations(features: &BTreeMap<String, Vec<String>>) -> Vec<Vec<String>> {
    let list = |text: &str| -> Vec<String> { text.split(',').map(str::to_owned).collect() };
    let covered: BTreeSet<String> =
        [READERS, BODIES, STREAMS, LINES, REQWEST_ONLY].iter().flat_map(|l| list(l)).collect();
    let mut wanted: Vec<Vec<String>> = Vec::new();
    wanted.extend(subsets(&list(READERS), usize::MAX));
    wanted.extend(subsets(&list(BODIES), 2));
    wanted.extend(subsets(&list(STREAMS), usize::MAX));
    wanted.extend(subsets(&list(LINES), usize::MAX));
    // Each other part alone, none, and all.
    wanted.extend(features.keys().filter(|name| !covered.contains(*name)).map(|name| vec![name.clone()]));
    wanted.push(Vec::new());
    wanted.push(features.keys().cloned().collect());
    let mut seen = BTreeSet::new();
    wanted.into_iter().filter(|combination| seen.insert(closure(features, combination))).collect()
}

/// The non-empty subsets of `items` of at most `depth` of them, in order of size.
fn subsets(items: &[String], depth: usize) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut frontier: Vec<(usize, Vec<String>)> = vec![(0, Vec::new())];
    for _ in 0..depth.min(items.len()) {
        let mut next = Vec::new();
        for (from, subset) in &frontier {
            for (index, item) in items.iter().enumerate().skip(*from) {
                let mut grown = subset.clone();
                grown.push(item.clone());
                next.push((index + 1, grown));
            }
        }
        out.extend(next.iter().map(|(_, subset)| subset.clone()));
        frontier = next;
    }
    out
}

/// The runtime's features a combination turns on, itself included (what its `[features]`
/// entries name within the runtime; `dep:` and `crate/feature` entries are others').
fn closure(features: &BTreeMap<String, Vec<String>>, combination: &[String]) -> BTreeSet<String> {
    let mut on: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = combination.to_vec();
    while let Some(feature) = pending.pop() {
        if on.insert(feature.clone()) {
            let implied = features.get(&feature).into_iter().flatten();
            pending.extend(implied.filter(|name| features.contains_key(*name)).cloned());
        }
    }
    on
}

/// The features of the workspace member `package` of the workspace in `dir` and what each turns
/// on (`default` left out), from `cargo metadata`.
pub fn package_features(dir: &std::path::Path, package: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let output = Command::new(xtask::cargo())
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata's output: {e}"))?;
    let found = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == package))
        .ok_or_else(|| format!("cargo metadata names no package {package}"))?;
    let features = found["features"].as_object().ok_or_else(|| format!("{package} has no features"))?;
    Ok(features
        .iter()
        .filter(|(name, _)| name.as_str() != "default")
        .map(|(name, implied)| {
            let implied = implied.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned));
            (name.clone(), implied.collect())
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_go_up_to_the_depth() {
        let items: Vec<String> = ["a", "b", "c"].map(str::to_owned).to_vec();
        assert_eq!(subsets(&items, 1).len(), 3);
        assert_eq!(subsets(&items, 2).len(), 6);
        assert_eq!(subsets(&items, usize::MAX).len(), 7);
    }

    #[test]
    fn combinations_turning_on_the_same_parts_count_once() {
        let features: BTreeMap<String, Vec<String>> =
            [("events", vec!["byte-stream"]), ("byte-stream", vec!["reqwest/stream"])]
                .map(|(name, implied)| (name.to_owned(), implied.into_iter().map(str::to_owned).collect()))
                .into_iter()
                .collect();
        let with = closure(&features, &["events".to_owned(), "byte-stream".to_owned()]);
        assert_eq!(with, closure(&features, &["events".to_owned()]));
        assert_ne!(with, closure(&features, &["byte-stream".to_owned()]));
    }
}
