//! Real specs from ../shared/specs: what the generator writes for them keeps its promises.

use clientgen::model::{Presence, TypeKind};
use clientgen::{Config, Input, Source};

fn shared(name: &str) -> String {
    let path = xtask::project_root().join("../shared/specs").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of `pub struct NAME { … }` in a generated `types.rs`.
fn struct_body<'a>(types: &'a str, name: &str) -> &'a str {
    let start = types.find(&format!("pub struct {name} {{")).unwrap_or_else(|| panic!("no struct {name}"));
    let end = types[start..].find("\n}\n").map_or(types.len(), |end| start + end);
    &types[start..end]
}

#[test]
#[cfg_attr(
    not(feature = "external"),
    ignore = "needs ../shared/specs: the `external` feature, as in `cargo xtask test`"
)]
fn drf_request_types_carry_no_read_only_field() {
    for spec in ["drfs-test-rest-auth-token.yaml", "maykin-sharing-configs.yaml", "open-notificaties.yaml"] {
        let text = shared(spec);
        let input = Input::spec(Source::new(spec, &text));
        let config = Config::new("drf");
        let lowered = clientgen::lower(&input).unwrap_or_else(|e| panic!("{e}"));
        let files = clientgen::emit_files(&lowered.api, &config, spec).expect("emits");
        let types = &files.iter().find(|f| f.path == "src/types.rs").expect("types.rs").contents;
        let mut split = 0;
        for def in lowered.api.types.values() {
            let ([response, request], TypeKind::Struct(s)) = (def.views.as_slice(), &def.kind) else { continue };
            let (request, response) = (&request.name, &response.name);
            split += 1;
            let (request_body, response_body) = (struct_body(types, request), struct_body(types, response));
            for field in &s.fields {
                let declared = format!("pub {}:", field.rust_name);
                if field.request == Presence::Absent {
                    assert!(!request_body.contains(&declared), "{spec}: {request} has read-only {}", field.wire_name);
                }
                if field.response == Presence::Absent {
                    assert!(
                        !response_body.contains(&declared),
                        "{spec}: {response} has write-only {}",
                        field.wire_name
                    );
                }
            }
        }
        assert!(split > 0, "{spec}: some schema has readOnly or writeOnly fields used both ways");
    }
}

/// openai.yaml, with the overlay naming its `[DONE]` sentinel, generates a client whose
/// `create_chat_completion_stream` reads a chat-completion stream from a loopback server: every
/// event decodes, the last included, `[DONE]` ends it, and an event that does not decode is an
/// error item (`tests/openai_stream/main.rs`, built and run next to the generated crate, with
/// only the `chat` tag's feature on).
#[test]
#[cfg_attr(
    not(feature = "external"),
    ignore = "needs ../shared/specs: the `external` feature, as in `cargo xtask test`"
)]
fn openai_chat_completion_streams_decode_against_a_loopback_server() {
    let text = shared("openai.yaml");
    let overlay = include_str!("fixtures/openai-streams.overlay.yaml");
    let input = Input {
        spec: Source::new("openai.yaml", &text),
        overlays: vec![Source::new("openai-streams.overlay.yaml", overlay)],
    };
    let output = clientgen::generate(&input, &Config::new("openai")).unwrap_or_else(|e| panic!("{e}"));
    let workspace = xtask::project_root().join("target").join("openai-stream");
    xtask::write_files(&workspace.join("openai"), &output.files).expect("writes the client");
    let check = workspace.join("openai_stream_check");
    std::fs::create_dir_all(check.join("src")).expect("a folder for the check");
    let manifest = r#"[package]
name = "openai_stream_check"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
# The chat tag's operations and types only: a tenth of the crate to build (tag features).
openai = { path = "../openai", default-features = false, features = ["rustls", "http2", "gzip", "deflate", "charset", "system-proxy", "chat", "deserialize-requests"] }
futures-util = { version = "0.3.30", default-features = false }
serde_json = "1.0.120"
tokio = { version = "1.40", features = ["macros", "rt-multi-thread", "net", "io-util"] }
"#;
    std::fs::write(check.join("Cargo.toml"), manifest).expect("writes the manifest");
    std::fs::write(check.join("src/main.rs"), include_str!("openai_stream/main.rs")).expect("writes the program");
    xtask::scratch_workspace(&workspace, &["openai".to_owned(), "openai_stream_check".to_owned()])
        .expect("a scratch workspace");
    let output = std::process::Command::new(xtask::cargo())
        .args(["run", "--quiet", "-p", "openai_stream_check"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", xtask::generated_crates_target())
        .env(xtask::GENERATED_CRATES_DEBUG.0, xtask::GENERATED_CRATES_DEBUG.1)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("runs cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("openai stream: ok"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
