//! `cargo xtask parts`: every selectable combination of the runtime's parts compiles.
//!
//! Each part of `crates/runtime` is one of its cargo features, and a generated crate is the
//! runtime with some parts kept and the others dropped, which is what compiling the runtime
//! with those features on checks. cargo-hack (pinned to [`VERSION`], installed when missing or
//! of another version) compiles the runtime crate, with warnings denied, once per combination:
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
//! The full powerset (2^31 combinations) would take days; these take a minute or two.

use std::process::{Command, ExitCode};
use std::time::Instant;

/// The cargo-hack `cargo xtask parts` uses; it installs exactly this one.
pub const VERSION: &str = "0.6.46";

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

/// Installs cargo-hack when needed and checks the runtime's combinations of parts.
pub fn run() -> ExitCode {
    if let Err(e) = xtask::install_cargo_tool("hack", VERSION) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    let started = Instant::now();
    // Each part the combinations above hold is compiled alone there already.
    let covered = [READERS, BODIES, STREAMS, LINES, REQWEST_ONLY].join(",");
    let runs: [&[&str]; 5] = [
        &["--feature-powerset", "--include-features", READERS],
        &["--feature-powerset", "--depth", "2", "--include-features", BODIES],
        &["--feature-powerset", "--include-features", STREAMS],
        &["--feature-powerset", "--include-features", LINES],
        &["--each-feature", "--exclude-features", &covered],
    ];
    for run in runs {
        let status = Command::new(xtask::cargo())
            .args(["hack", "rustc", "-p", "clientgen-runtime", "--lib", "--profile", "check"])
            .args(run)
            .args(["--", "-D", "warnings"])
            .current_dir(xtask::project_root())
            .status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("error: a combination of the runtime's parts does not compile (`cargo hack {}`)", run.join(" "));
            return ExitCode::FAILURE;
        }
    }
    println!("the runtime's combinations of parts compile ({:.0?})", started.elapsed());
    ExitCode::SUCCESS
}
