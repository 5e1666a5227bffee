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
#[ignore = "external tier, `cargo xtask test external`: needs ../shared/specs"]
fn drf_request_types_carry_no_read_only_field() {
    for spec in ["drfs-test-rest-auth-token.yaml", "maykin-sharing-configs.yaml", "open-notificaties.yaml"] {
        let text = shared(spec);
        let input = Input::spec(Source::new(spec, &text));
        let config = Config::new("drf");
        let lowered = clientgen::lower(&input, &config).unwrap_or_else(|e| panic!("{e}"));
        let files = clientgen::emit_files(&lowered.api, spec).expect("emits");
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

/// `../shared/specs/stripe.yaml` cut to `GET /v1/charges` and `POST /v1/customers`: their
/// parameters and request bodies as Stripe declares them (inline, no `$ref`), each response a
/// plain object, the list's with its `data` array (Prism cannot load Stripe's response graph, see
/// `../shared/notes/prism.md`).
fn stripe_slice() -> serde_json::Value {
    use serde_json::{Value, json};
    let spec = clientgen::parse::spec(&shared("stripe.yaml"), "stripe.yaml").unwrap_or_else(|e| panic!("{e}"));
    let mut paths = serde_json::Map::new();
    for (path, method) in [("/v1/charges", "get"), ("/v1/customers", "post")] {
        let mut operation = spec["paths"][path][method].clone();
        // A list keeps the shape of one (its `data`), which names the call `list`.
        let schema = match method {
            "get" => json!({"type": "object", "properties": {"data": {"type": "array", "items": {"type": "object"}}}}),
            _ => json!({"type": "object"}),
        };
        operation["responses"] =
            json!({"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}});
        paths.insert(path.to_owned(), json!({ method: operation }));
    }
    let slice = json!({
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": spec["servers"],
        "security": spec["security"],
        "paths": Value::Object(paths),
        "components": {"securitySchemes": spec["components"]["securitySchemes"]},
    });
    assert!(!slice.to_string().contains("$ref"), "the slice needs no components but the security schemes");
    slice
}

/// A loopback server answering `{}` to `count` requests, one connection each; returns its URL
/// and a handle giving each request's text (head and body).
fn recorder(count: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..count {
            let (mut socket, _) = listener.accept().expect("a connection");
            socket.set_read_timeout(Some(std::time::Duration::from_secs(30))).expect("a timeout");
            let mut bytes = Vec::new();
            let mut buffer = [0u8; 4096];
            loop {
                let read = socket.read(&mut buffer).expect("reads");
                bytes.extend_from_slice(&buffer[..read]);
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let Some(end) = text.find("\r\n\r\n") else { continue };
                let length = text[..end]
                    .lines()
                    .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned))
                    .and_then(|n| n.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if read == 0 || bytes.len() >= end + 4 + length {
                    seen.push(text);
                    break;
                }
            }
            let answer =
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
            socket.write_all(answer.as_bytes()).expect("answers");
        }
        seen
    });
    (url, handle)
}

/// Stripe reads nested values in brackets (`created[gte]=…`, `metadata[k]=v`), which its spec
/// declares as `style: deepObject`: listing a week's charges and creating a customer with
/// metadata and an address send exactly that form to a loopback server (the program in
/// `tests/stripe_wire`, built next to the client of a slice of stripe.yaml), and Prism, given
/// the same slice, accepts both requests.
#[test]
#[ignore = "external tier, `cargo xtask test external`: needs ../shared/specs and Prism"]
fn stripe_nested_values_go_in_brackets_and_prism_accepts_them() {
    let workspace = xtask::project_root().join("target").join("stripe-wire");
    let slice = workspace.join("stripe-slice.json");
    std::fs::create_dir_all(&workspace).expect("a scratch folder");
    let text = serde_json::to_string_pretty(&stripe_slice()).expect("JSON");
    std::fs::write(&slice, &text).expect("writes the slice");
    let output = clientgen::generate(&Input::spec(Source::new("stripe-slice.json", &text)), &Config::new("stripe"))
        .unwrap_or_else(|e| panic!("{e}"));
    xtask::write_files(&workspace.join("stripe"), &output.files).expect("writes the client");
    let check = workspace.join("stripe_wire_check");
    std::fs::create_dir_all(check.join("src")).expect("a folder for the check");
    let manifest = r#"[package]
name = "stripe_wire_check"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
stripe = { path = "../stripe" }
tokio = { version = "1.40", features = ["macros", "rt-multi-thread"] }
"#;
    std::fs::write(check.join("Cargo.toml"), manifest).expect("writes the manifest");
    std::fs::write(check.join("src/main.rs"), include_str!("stripe_wire/main.rs")).expect("writes the program");
    xtask::scratch_workspace(&workspace, &["stripe".to_owned(), "stripe_wire_check".to_owned()])
        .expect("a scratch workspace");
    let built = std::process::Command::new(xtask::cargo())
        .args(["build", "--quiet", "-p", "stripe_wire_check"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", xtask::generated_crates_target())
        .envs(xtask::GENERATED_CRATES_PROFILE)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("runs cargo");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let program = xtask::generated_crates_target().join("debug").join("stripe_wire_check");
    let run = |base_url: &str| {
        let output = std::process::Command::new(&program).arg(base_url).output().expect("runs the check");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };

    let (url, requests) = recorder(2);
    assert_eq!(run(&url).trim(), "stripe wire: ok");
    let requests = requests.join().expect("the recorder");
    let charges = requests[0].lines().next().unwrap_or_default();
    assert_eq!(
        charges,
        "GET /v1/charges?created[gte]=1700000000&created[lt]=1700604800&expand[0]=data.customer&limit=3 HTTP/1.1"
    );
    let customer = &requests[1];
    assert!(customer.starts_with("POST /v1/customers HTTP/1.1\r\n"), "{customer}");
    assert!(customer.contains("\r\ncontent-type: application/x-www-form-urlencoded\r\n"), "{customer}");
    let body = customer.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default();
    assert_eq!(
        body,
        "address[city]=San+Francisco&address[country]=US&address[line1]=510+Townsend+St&address[postal_code]=94103\
         &email=jenny.rosen%40example.com&metadata[order_id]=6735"
    );

    let prism = tests::prism::Prism::start(&slice, false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run(prism.base_url()).trim(), "stripe wire: ok", "Prism refused a request");
}

/// oai-uspto.yaml's server is `{scheme}://developer.uspto.gov/ds-api`, `scheme` defaulting to
/// `https`: the quick start (`Client::builder().build()?`, no base URL) must go there, so the
/// default URL has the variable filled in, in the model, the builder's code and the README.
#[test]
#[ignore = "external tier, `cargo xtask test external`: needs ../shared/specs"]
fn uspto_quick_start_goes_to_the_filled_in_server() {
    let spec = "oai-uspto.yaml";
    let text = shared(spec);
    let input = Input::spec(Source::new(spec, &text));
    let lowered = clientgen::lower(&input, &Config::new("uspto")).unwrap_or_else(|e| panic!("{e}"));
    let servers = &lowered.api.servers;
    assert_eq!(servers.default_url(), Some("https://developer.uspto.gov/ds-api"));
    let scheme = servers.variables.iter().find(|v| v.name == "scheme").expect("a `scheme` variable");
    let values = scheme.values.as_ref().expect("`scheme` has fixed values");
    let spelled: Vec<(&str, &str)> = values.variants.iter().map(|v| (v.value.as_str(), v.variant.as_str())).collect();
    assert_eq!(spelled, [("https", "Https"), ("http", "Http")]);
    let files = clientgen::emit_files(&lowered.api, spec).expect("emits");
    let file = |name: &str| &files.iter().find(|f| f.path == name).unwrap_or_else(|| panic!("{name}")).contents;
    let client = file("src/client.rs");
    assert!(client.contains(r#"variable(set, "scheme", "https")"#), "the builder fills `scheme` in:\n{client}");
    assert!(client.contains("pub fn scheme(mut self, value: crate::servers::Scheme) -> Self"), "{client}");
    assert!(client.contains("The default is `https://developer.uspto.gov/ds-api`."), "{client}");
    let readme = file("README.md");
    assert!(readme.contains("Requests go to `https://developer.uspto.gov/ds-api`"), "{readme}");
    assert!(readme.contains(".build()?;") && !readme.contains(".base_url("), "the quick start sets no base URL");
}

/// The manifest of a task program (`tests/tasks/*_main.rs`) beside the client it runs.
fn task_manifest(name: &str, client: &str) -> String {
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
{client}
futures-util = {{ version = "0.3.30", default-features = false }}
serde_json = "1.0.120"
tokio = {{ version = "1.40", features = ["macros", "rt-multi-thread", "net", "io-util"] }}
"#
    )
}

/// The eleven everyday tasks of `tests/tasks/openai.rs` and `tests/tasks/stripe.rs` compile
/// against the clients generated from `../shared/specs` (OpenAI's with its streams overlay) and
/// each runs against a loopback server that checks its request and answers as the API does
/// (`tests/tasks/openai_main.rs`, `tests/tasks/stripe_main.rs`, sharing `tests/tasks/server.rs`).
/// The OpenAI crate is built with the four tags the tasks call, the Stripe crate with the three
/// resources. `tests/tasks.rs` (fast tier) compares the tasks with the anchors'.
///
/// Beside them, against the same OpenAI crate (built once for both), `tests/openai_stream/main.rs`
/// reads a chat-completion stream from a loopback server with `create_chat_completion_stream`:
/// every event decodes, the last included, `[DONE]` ends it, and an event that does not decode
/// is an error item.
#[test]
#[ignore = "external tier, `cargo xtask test external`: needs ../shared/specs"]
fn everyday_tasks_run_against_loopback_servers() {
    let openai_spec = shared("openai.yaml");
    let overlay = include_str!("fixtures/openai-streams.overlay.yaml");
    let openai_input = Input {
        spec: Source::new("openai.yaml", &openai_spec),
        overlays: vec![Source::new("openai-streams.overlay.yaml", overlay)],
        files: Vec::new(),
    };
    let stripe_spec = shared("stripe.yaml");
    let stripe_input = Input::spec(Source::new("stripe.yaml", &stripe_spec));
    let workspace = xtask::project_root().join("target").join("tasks");
    for (name, input) in [("openai", &openai_input), ("stripe", &stripe_input)] {
        let output = clientgen::generate(input, &Config::new(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        xtask::write_files(&workspace.join(name), &output.files).expect("writes the client");
    }
    // The tags the tasks call, and no others (tag features); the stream check decodes its
    // request as the server would (`deserialize-requests`). One line for both programs, so the
    // crate builds once.
    let openai = r#"openai = { path = "../openai", default-features = false, features = ["rustls", "chat", "embeddings", "files", "models", "deserialize-requests"] }"#;
    let programs = [
        (
            "openai_tasks",
            openai,
            include_str!("tasks/openai_main.rs"),
            include_str!("tasks/openai.rs"),
            &[
                "== 2 chat completion, streamed\nThe Los Angeles Dodgers won the World Series in 2020.\n",
                "uploaded training.jsonl as file-abc123\n",
                "gpt-4o-mini (owned by system)\n",
                "Some(400): This model's maximum context length",
                "Some(429): Rate limit reached",
                "openai tasks: ok\n",
            ][..],
        ),
        ("openai_stream_check", openai, include_str!("openai_stream/main.rs"), "", &["openai stream: ok"][..]),
        (
            "stripe_tasks",
            // The resources the tasks call, and no others (Stripe has no tags: a feature per
            // resource segment of its paths).
            r#"stripe = { path = "../stripe", default-features = false, features = ["rustls", "customers", "charges", "payment-intents"] }"#,
            include_str!("tasks/stripe_main.rs"),
            include_str!("tasks/stripe.rs"),
            &[
                "created cus_NffrFeUfNV2Hib\n",
                "ch_3MmlLrLkdIwHu7ix0snN0B17 500 Some(\"cus_NffrFeUfNV2Hib\")\n",
                "deleted: false\n== 9 retrieve a deleted customer\ndeleted: true\n",
                "Some(\"card_declined\") Some(\"generic_decline\")\n",
                "stripe tasks: ok\n",
            ][..],
        ),
    ];
    let mut members = vec!["openai".to_owned(), "stripe".to_owned()];
    for (name, client, main, tasks, _) in &programs {
        let src = workspace.join(name).join("src");
        std::fs::create_dir_all(&src).expect("a folder for the program");
        std::fs::write(workspace.join(name).join("Cargo.toml"), task_manifest(name, client)).expect("manifest");
        std::fs::write(src.join("main.rs"), main).expect("writes the program");
        if !tasks.is_empty() {
            std::fs::write(src.join("tasks.rs"), tasks).expect("writes the tasks");
            std::fs::write(src.join("server.rs"), include_str!("tasks/server.rs")).expect("writes the server");
        }
        members.push((*name).to_owned());
    }
    xtask::scratch_workspace(&workspace, &members).expect("a scratch workspace");
    // Every program in one build: the crates build side by side, the OpenAI crate once.
    let mut build = std::process::Command::new(xtask::cargo());
    build.args(["build", "--quiet"]).args(programs.iter().flat_map(|(name, ..)| ["-p", name]));
    let started = std::time::Instant::now();
    let output = build
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", xtask::generated_crates_target())
        .envs(xtask::GENERATED_CRATES_PROFILE)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("runs cargo");
    assert!(output.status.success(), "the programs do not build:\n{}", String::from_utf8_lossy(&output.stderr));
    eprintln!("built the programs in {:.0} s", started.elapsed().as_secs_f64());
    for (name, _, _, _, expected) in &programs {
        let started = std::time::Instant::now();
        let output = std::process::Command::new(xtask::cargo())
            .args(["run", "--quiet", "-p", name])
            .current_dir(&workspace)
            .env("CARGO_TARGET_DIR", xtask::generated_crates_target())
            .envs(xtask::GENERATED_CRATES_PROFILE)
            .env_remove("RUSTFLAGS")
            .output()
            .expect("runs cargo");
        let stdout = String::from_utf8_lossy(&output.stdout);
        eprintln!("{name}: ran in {:.0} s\n{stdout}", started.elapsed().as_secs_f64());
        let missing: Vec<&&str> = expected.iter().filter(|line| !stdout.contains(**line)).collect();
        assert!(
            output.status.success() && missing.is_empty(),
            "{name}: missing {missing:?}\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
