//! Smoke test of the Prism harness: a one-operation spec, served in static mode, answers with its example.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use tests::prism::Prism;

const SPEC: &str = r#"openapi: 3.0.3
info:
  title: Prism smoke test
  version: "1"
paths:
  /pet:
    get:
      operationId: getPet
      responses:
        "200":
          description: A pet.
          content:
            application/json:
              schema:
                type: object
                required: [name]
                properties:
                  name:
                    type: string
                    example: Rex
"#;

#[test]
#[ignore = "external tier, `cargo xtask test external`: needs Prism (Node.js, tests/prism)"]
fn prism_serves_the_example() {
    let spec = TempFile(std::env::temp_dir().join(format!("prism-smoke-{}.yaml", std::process::id())));
    std::fs::write(&spec.0, SPEC).expect("the spec is written");
    // Prism watches its spec, so the file stays until the server is gone (drop order: prism, then spec).
    let prism = Prism::start(&spec.0, false).unwrap_or_else(|error| panic!("{error}"));

    let address = prism.base_url().trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("Prism accepts a connection");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("a read timeout can be set");
    let request =
        format!("GET /pet HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("the request is sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("the response is read");

    let status_line = response.lines().next().unwrap_or_default();
    assert!(status_line.starts_with("HTTP/1.1 200"), "unexpected response:\n{response}");
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default();
    assert!(body.contains("\"name\""), "the body has no name:\n{response}");
}

/// A file removed on drop.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
