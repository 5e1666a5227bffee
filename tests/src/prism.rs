//! Runs the Prism mock server (pinned in tests/prism, installed with `npm ci --prefix tests/prism`) for contract tests.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How long Prism gets to answer HTTP after it is spawned.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// How many fresh ports to try when another process takes the chosen port before Prism binds it.
const PORT_ATTEMPTS: usize = 3;

/// Tells log files of servers started by the same test process apart.
static NEXT_LOG: AtomicUsize = AtomicUsize::new(0);

/// A running Prism mock server on a loopback port; killed (and waited for) on drop.
pub struct Prism {
    child: Child,
    base_url: String,
    log: PathBuf,
    /// Set when an error message names the log, so drop leaves it for the reader.
    keep_log: bool,
}

impl Prism {
    /// Starts `prism mock` on 127.0.0.1 and a free port for the spec file at `spec`,
    /// `dynamic` adds `-d` (random response data). Waits until it answers (poll the port/HTTP,
    /// at most ~60 s, bounded), and returns an error string that says how to install Prism
    /// (`npm ci --prefix tests/prism`, which `cargo xtask test` runs) when the binary is missing,
    /// and includes Prism's captured output when it exits early or never becomes ready.
    pub fn start(spec: &Path, dynamic: bool) -> Result<Prism, String> {
        let bin = prism_bin();
        if !bin.is_file() {
            return Err(format!(
                "Prism is not installed ({} is missing): run `npm ci --prefix tests/prism` in the repository root \
                 (`cargo xtask test` does this), which needs node and npm",
                bin.display()
            ));
        }
        if !spec.is_file() {
            return Err(format!("the spec for Prism, {}, is not a file", spec.display()));
        }
        let mut last_error = String::new();
        for _ in 0..PORT_ATTEMPTS {
            match start_on_free_port(&bin, spec, dynamic)? {
                Ok(prism) => return Ok(prism),
                // Someone else bound the port between our probe and Prism's bind: pick another one.
                Err(error) if error.contains("EADDRINUSE") => last_error = error,
                Err(error) => return Err(error),
            }
        }
        Err(last_error)
    }

    /// e.g. "http://127.0.0.1:40123"
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if thread::panicking() {
            // A failing test may want to know what Prism saw.
            eprintln!("Prism's log is kept at {}", self.log.display());
        } else if !self.keep_log {
            let _ = fs::remove_file(&self.log);
        }
    }
}

/// Path to the prism binary under tests/prism/node_modules/.bin.
pub fn prism_bin() -> PathBuf {
    let name = if cfg!(windows) { "prism.cmd" } else { "prism" };
    xtask::project_root().join("tests").join("prism").join("node_modules").join(".bin").join(name)
}

/// One attempt on one port. The outer error is final; the inner one may be retried on another port.
fn start_on_free_port(bin: &Path, spec: &Path, dynamic: bool) -> Result<Result<Prism, String>, String> {
    let port = free_port()?;
    let log = std::env::temp_dir().join(format!(
        "prism-{}-{}-{port}.log",
        std::process::id(),
        NEXT_LOG.fetch_add(1, Ordering::Relaxed)
    ));
    let stdout = File::create(&log).map_err(|e| format!("cannot create Prism's log file {}: {e}", log.display()))?;
    let stderr = stdout.try_clone().map_err(|e| format!("cannot share Prism's log file {}: {e}", log.display()))?;

    let mut command = Command::new(bin);
    command
        .arg("mock")
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        // One process, so killing the child stops the server.
        .arg("--multiprocess=false")
        .arg(spec);
    if dynamic {
        command.arg("-d");
    }
    // Prism only reads the local spec and answers on loopback; these keep any analytics or update
    // checks of a future version quiet, and the log free of colour codes.
    command
        .env("DO_NOT_TRACK", "1")
        .env("SCARF_ANALYTICS", "false")
        .env("NO_UPDATE_NOTIFIER", "1")
        .env("FORCE_COLOR", "0")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr);
    let child = command.spawn().map_err(|e| format!("cannot run {}: {e}", bin.display()))?;

    // From here on, dropping `prism` (on any return) kills and reaps the child.
    let mut prism = Prism { child, base_url: format!("http://127.0.0.1:{port}"), log, keep_log: true };
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        match prism.child.try_wait() {
            Ok(Some(status)) => {
                return Ok(Err(format!("Prism exited before it was ready ({status}); {}", log_text(&prism.log))));
            }
            Ok(None) => {}
            Err(e) => return Err(format!("cannot check on Prism: {e}; {}", log_text(&prism.log))),
        }
        if answers_http(address) {
            prism.keep_log = false;
            return Ok(Ok(prism));
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "Prism did not answer on {} within {} s; {}",
                prism.base_url,
                READY_TIMEOUT.as_secs(),
                log_text(&prism.log)
            ));
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// A loopback port nobody listens on right now.
pub(crate) fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("cannot find a free port: {e}"))?;
    listener.local_addr().map(|address| address.port()).map_err(|e| format!("cannot find a free port: {e}"))
}

/// Whether something answers a GET on `address` with an HTTP response (any status counts).
pub(crate) fn answers_http(address: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(500)) else {
        return false;
    };
    let timeout = Some(Duration::from_secs(2));
    if stream.set_read_timeout(timeout).is_err() || stream.set_write_timeout(timeout).is_err() {
        return false;
    }
    let request = format!("GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 5];
    stream.read_exact(&mut head).is_ok() && &head == b"HTTP/"
}

/// Where Prism's output went, and what it says, for error messages.
fn log_text(log: &Path) -> String {
    match fs::read_to_string(log) {
        Ok(text) => format!("Prism's output ({}):\n{text}", log.display()),
        Err(e) => format!("Prism's output ({}) cannot be read: {e}", log.display()),
    }
}
