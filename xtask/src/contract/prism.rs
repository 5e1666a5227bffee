//! Prism for a contract run: start `prism mock` (validating requests, `-d` with a fixed seed for
//! dynamic responses) on a free loopback port with a bounded wait, and slice a spec Prism cannot
//! load in time down to what it checks of requests.

use std::collections::{BTreeSet, VecDeque};
use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The seed of dynamic responses, so that two runs see the same bodies.
pub const SEED: &str = "22";

/// A running Prism, killed and reaped on drop.
pub struct Prism {
    child: Child,
    /// `http://127.0.0.1:{port}`.
    pub base_url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Prism that `cargo xtask test` installs (tests/prism).
pub fn prism_bin() -> PathBuf {
    let name = if cfg!(windows) { "prism.cmd" } else { "prism" };
    xtask::project_root().join("tests").join("prism").join("node_modules").join(".bin").join(name)
}

/// Starts Prism on `spec`, waiting at most `timeout` until it answers HTTP.
pub fn start(spec: &Path, dynamic: bool, log: &Path, timeout: Duration) -> Result<Prism, String> {
    let bin = prism_bin();
    if !bin.is_file() {
        return Err(format!(
            "Prism is not installed ({} is missing): run `npm ci --prefix tests/prism`",
            bin.display()
        ));
    }
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))?;
    let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| format!("cannot share {}: {e}", log.display()))?;
    let mut command = Command::new(&bin);
    command.arg("mock").args(["--host", "127.0.0.1", "--port", &port.to_string(), "--multiprocess=false"]).arg(spec);
    if dynamic {
        command.args(["-d", "--seed", SEED]);
    }
    let child = command
        .env("DO_NOT_TRACK", "1")
        .env("SCARF_ANALYTICS", "false")
        .env("NO_UPDATE_NOTIFIER", "1")
        .env("FORCE_COLOR", "0")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let mut prism = Prism { child, base_url: format!("http://127.0.0.1:{port}") };
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = prism.child.try_wait() {
            return Err(format!("Prism exited before it listened ({status}): {}", tail(log)));
        }
        if answers_http(address) {
            return Ok(prism);
        }
        if started.elapsed() > timeout {
            return Err(format!("Prism did not listen within {} s: {}", timeout.as_secs(), tail(log)));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The last lines of a log, for a message.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(5)..].join(" / ")
}

fn answers_http(address: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(500)) else { return false };
    let timeout = Some(Duration::from_secs(2));
    if stream.set_read_timeout(timeout).is_err() || stream.set_write_timeout(timeout).is_err() {
        return false;
    }
    let request = format!("GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let mut head = [0u8; 5];
    stream.write_all(request.as_bytes()).is_ok() && stream.read_exact(&mut head).is_ok() && &head == b"HTTP/"
}

/// `tree` with every response replaced by a plain object (an empty example) and only the
/// components that parameters, request bodies and security still reference: Prism loads it
/// quickly and checks requests as on the whole spec, and answers `{}` to every valid one.
pub fn slice(tree: &Value) -> Value {
    let mut sliced = tree.clone();
    if let Some(object) = sliced.as_object_mut() {
        object.remove("webhooks");
        object.remove("x-webhooks");
    }
    if let Some(paths) = sliced.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, operation) in item.iter_mut() {
                if !["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&method.as_str()) {
                    continue;
                }
                let Some(operation) = operation.as_object_mut() else { continue };
                operation.remove("callbacks");
                if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
                    for response in responses.values_mut() {
                        *response = json!({
                            "description": "replaced by a plain object (cargo xtask contract)",
                            "content": {"application/json": {"schema": {"type": "object"}, "example": {}}},
                        });
                    }
                }
            }
        }
    }
    // Components: those reached from the paths, and everything they reach; security schemes stay.
    let mut wanted: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: VecDeque<(String, String)> = VecDeque::new();
    refs(sliced.get("paths").unwrap_or(&Value::Null), &mut |r| queue.push_back(r));
    while let Some(next) = queue.pop_front() {
        if !wanted.insert(next.clone()) {
            continue;
        }
        if let Some(component) = tree.get("components").and_then(|c| c.get(&next.0)).and_then(|k| k.get(&next.1)) {
            refs(component, &mut |r| queue.push_back(r));
        }
    }
    if let Some(components) = sliced.get_mut("components").and_then(Value::as_object_mut) {
        for (kind, entries) in components.iter_mut() {
            if kind == "securitySchemes" {
                continue;
            }
            if let Some(entries) = entries.as_object_mut() {
                entries.retain(|name, _| wanted.contains(&(kind.clone(), name.clone())));
            }
        }
    }
    sliced
}

/// Calls `found` with every `#/components/{kind}/{name}` reference in `value`.
fn refs(value: &Value, found: &mut dyn FnMut((String, String))) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && let Some(rest) = reference.strip_prefix("#/components/")
                && let Some((kind, name)) = rest.split_once('/')
            {
                let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
                let name = name.split('/').next().unwrap_or(name);
                found((unescape(kind), unescape(name)));
            }
            map.values().for_each(|v| refs(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_keeps_the_request_side_and_what_it_references() {
        let tree = json!({
            "openapi": "3.0.0",
            "paths": {"/v1/charges": {
                "parameters": [{"$ref": "#/components/parameters/Expand"}],
                "post": {
                    "requestBody": {"content": {"application/x-www-form-urlencoded": {
                        "schema": {"$ref": "#/components/schemas/charge_params"}}}},
                    "responses": {"200": {"description": "ok", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/charge"}}}}},
                    "callbacks": {"x": {}},
                },
            }},
            "components": {
                "parameters": {"Expand": {"name": "expand", "in": "query", "schema": {"type": "string"}}},
                "schemas": {
                    "charge_params": {"type": "object", "properties": {"m": {"$ref": "#/components/schemas/metadata"}}},
                    "metadata": {"type": "object"},
                    "charge": {"type": "object", "properties": {"c": {"$ref": "#/components/schemas/customer"}}},
                    "customer": {"type": "object"},
                },
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
        });
        let sliced = slice(&tree);
        let operation = &sliced["paths"]["/v1/charges"]["post"];
        assert_eq!(operation["responses"]["200"]["content"]["application/json"]["schema"], json!({"type": "object"}));
        assert!(operation.get("callbacks").is_none());
        let schemas: Vec<&String> = sliced["components"]["schemas"].as_object().expect("schemas").keys().collect();
        assert_eq!(schemas, ["charge_params", "metadata"]);
        assert!(sliced["components"]["parameters"].get("Expand").is_some());
        assert!(sliced["components"]["securitySchemes"].get("bearer").is_some());
    }
}
