//! Runs the Django REST framework test server (tests/drf, in its venv tests/drf/.venv) under
//! gunicorn, and asks drf-spectacular for its schema.

use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::prism::{answers_http, free_port};

/// How long gunicorn gets to answer HTTP after it is spawned.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The credentials the server accepts (tests/drf/app/auth.py).
pub const API_ID: &str = "drf-contract-id";
/// See [`API_ID`].
pub const API_KEY: &str = "drf-contract-key";

/// A gunicorn serving tests/drf on a loopback port; stopped (and waited for) on drop.
pub struct Drf {
    child: Child,
    base_url: String,
    log: PathBuf,
}

impl Drf {
    /// Starts gunicorn (one worker) on 127.0.0.1 and a free port and waits until it answers.
    /// The error says how to install the venv when it is missing, and includes gunicorn's output
    /// when it exits early or never becomes ready.
    pub fn start() -> Result<Drf, String> {
        let gunicorn = program("gunicorn")?;
        let port = free_port()?;
        let log = std::env::temp_dir().join(format!("drf-gunicorn-{}-{port}.log", std::process::id()));
        let stdout = File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let stderr = stdout.try_clone().map_err(|e| format!("cannot share {}: {e}", log.display()))?;
        let child = Command::new(&gunicorn)
            .args(["--bind", &format!("127.0.0.1:{port}"), "--workers", "1", "--log-level", "warning"])
            .arg("--chdir")
            .arg(folder())
            .arg("app.wsgi")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", gunicorn.display()))?;
        let mut drf = Drf { child, base_url: format!("http://127.0.0.1:{port}"), log };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = drf.child.try_wait() {
                return Err(format!("gunicorn exited before it was ready ({status}); {}", drf.log_text()));
            }
            if answers_http(address) {
                return Ok(drf);
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "gunicorn did not answer within {} s; {}",
                    READY_TIMEOUT.as_secs(),
                    drf.log_text()
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// e.g. "http://127.0.0.1:40123"
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// What gunicorn and Django wrote so far.
    pub fn log_text(&self) -> String {
        match fs::read_to_string(&self.log) {
            Ok(text) => format!("gunicorn's output ({}):\n{text}", self.log.display()),
            Err(e) => format!("gunicorn's output ({}) cannot be read: {e}", self.log.display()),
        }
    }
}

impl Drop for Drf {
    fn drop(&mut self) {
        // SIGTERM lets gunicorn stop its worker too; a kill would leave the worker to notice alone.
        let terminated = cfg!(unix)
            && Command::new("sh")
                .args(["-c", &format!("kill -TERM {}", self.child.id())])
                .status()
                .is_ok_and(|status| status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        while terminated && Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if thread::panicking() {
            eprintln!("gunicorn's log is kept at {}", self.log.display());
        } else {
            let _ = fs::remove_file(&self.log);
        }
    }
}

/// The schema drf-spectacular makes of the server (`manage.py spectacular --validate`), as JSON.
pub fn schema() -> Result<serde_json::Value, String> {
    let python = program("python")?;
    let out = std::env::temp_dir().join(format!("drf-schema-{}.json", std::process::id()));
    let output = Command::new(&python)
        .args(["manage.py", "spectacular", "--format", "openapi-json", "--validate", "--fail-on-warn", "--file"])
        .arg(&out)
        .current_dir(folder())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !output.status.success() {
        return Err(format!(
            "manage.py spectacular failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = fs::read_to_string(&out).map_err(|e| format!("cannot read {}: {e}", out.display()));
    let _ = fs::remove_file(&out);
    serde_json::from_str(&text?).map_err(|e| format!("the schema is not JSON: {e}"))
}

fn folder() -> PathBuf {
    xtask::project_root().join("tests").join("drf")
}

/// A program of the venv, or how to make the venv.
fn program(name: &str) -> Result<PathBuf, String> {
    let path = xtask::drf_venv_bin(name);
    if path.is_file() { Ok(path) } else { Err(missing(&path)) }
}

fn missing(path: &Path) -> String {
    format!(
        "the Django REST framework venv is not installed ({} is missing): `cargo xtask test` makes it, or run \
         `python3 -m venv tests/drf/.venv && tests/drf/.venv/bin/pip install -r tests/drf/requirements.txt`",
        path.display()
    )
}
