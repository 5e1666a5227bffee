//! Emits the generated crate's Cargo.toml and README.md.

use std::fmt::Write as _;

use super::examples::{call_code, example_code};
use super::features::Features;
use super::runtime::Defaults;
use crate::model::*;

/// Versions of the generated crate's dependencies, in one place. Those the runtime crate
/// (`crates/runtime/Cargo.toml`) has too are written as it writes them (a test compares).
/// reqwest without its default features: the crate's transport features below choose its TLS
/// back end, HTTP/2, decompression, charsets and the system proxy (see [`TRANSPORT_FEATURES`]).
const REQWEST: &str = r#"{ version = "0.13.5", default-features = false, features = ["query"] }"#;
/// The `rustls-ring` back end: rustls with ring's cryptography, the platform's verifier, and the
/// pieces of ring's crypto provider (ring itself, webpki's ring signature algorithms), at the
/// versions reqwest's rustls uses.
const RING: &str = r#"{ version = "0.17.14", optional = true }"#;
const RUSTLS: &str =
    r#"{ version = "0.23.27", default-features = false, features = ["ring", "std", "tls12"], optional = true }"#;
const RUSTLS_PLATFORM_VERIFIER: &str = r#"{ version = "0.7.1", optional = true }"#;
const RUSTLS_WEBPKI: &str =
    r#"{ version = "0.103.14", default-features = false, features = ["alloc", "ring"], optional = true }"#;

/// A cargo feature of every generated crate that selects some of reqwest's transport.
pub struct TransportFeature {
    /// The feature's name.
    pub name: &'static str,
    /// Whether `default` turns it on.
    pub default: bool,
    /// What it turns on (TOML), as the runtime crate's feature of the same name does.
    pub enables: &'static str,
    /// The comment above it in Cargo.toml.
    pub comment: &'static str,
    /// Its line in the README's "Features".
    pub readme: &'static str,
}

/// The transport's features: the TLS back ends, then the rest of reqwest's. The defaults are
/// reqwest's own defaults (rustls with aws-lc-rs, HTTP/2, charsets, the system proxy) and gzip
/// and deflate, which a client of an API should accept as every HTTP library does.
pub const TRANSPORT_FEATURES: [TransportFeature; 11] = [
    TransportFeature {
        name: "rustls",
        default: true,
        enables: r#"["reqwest/rustls"]"#,
        comment: "TLS by rustls with aws-lc-rs (post-quantum key exchange first) and the system's root certificates.",
        readme: "rustls with aws-lc-rs's cryptography (reqwest's default), offering the post-quantum key exchange \
                 X25519MLKEM768 first, checking certificates against the system's roots. aws-lc is C: the build \
                 needs a C compiler (and on Windows NASM or its prebuilt objects, which aws-lc-sys fetches).",
    },
    TransportFeature {
        name: "rustls-aws-lc",
        default: false,
        enables: r#"["rustls"]"#,
        comment: "The former name of `rustls`.",
        readme: "the former name of `rustls`, kept so that crates naming it still build.",
    },
    TransportFeature {
        name: "rustls-ring",
        default: false,
        enables: r#"["dep:ring", "dep:rustls", "dep:rustls-platform-verifier", "dep:rustls-webpki", "reqwest/rustls-no-provider"]"#,
        comment: "TLS by rustls with ring's cryptography (a smaller build, no post-quantum key exchange); without `rustls`.",
        readme: "rustls with ring's cryptography: a smaller and faster build, but ring has no post-quantum key \
                 exchange (X25519, P-256 and P-384 only). It changes nothing process-wide unless you pass your own \
                 `reqwest::ClientBuilder` (`http_client`) while no rustls crypto provider is installed: ring's is \
                 installed then, as reqwest needs one to apply that builder's TLS settings. A provider your \
                 application installs first (`rustls::crypto::CryptoProvider::install_default`) is used instead. \
                 Turn the default off to use it: with `rustls` on too, reqwest uses aws-lc-rs.",
    },
    TransportFeature {
        name: "native-tls",
        default: false,
        enables: r#"["reqwest/native-tls"]"#,
        comment: "TLS by the platform's library (OpenSSL on Linux, whose headers the build needs); without `rustls`.",
        readme: "the platform's TLS library (OpenSSL on Linux, whose development headers the build needs; \
                 Security.framework on macOS; SChannel on Windows). Turn the default off to use it.",
    },
    TransportFeature {
        name: "http2",
        default: true,
        enables: r#"["reqwest/http2"]"#,
        comment: "HTTP/2 with servers that offer it over TLS (ALPN).",
        readme: "HTTP/2 with servers that offer it (negotiated over TLS); HTTP/1.1 otherwise.",
    },
    TransportFeature {
        name: "gzip",
        default: true,
        enables: r#"["reqwest/gzip"]"#,
        comment: "Responses compressed with gzip, asked for and decompressed.",
        readme: "asks for gzip-compressed responses and decompresses them (size limits count the decompressed bytes).",
    },
    TransportFeature {
        name: "deflate",
        default: true,
        enables: r#"["reqwest/deflate"]"#,
        comment: "Responses compressed with deflate, asked for and decompressed.",
        readme: "the same for deflate.",
    },
    TransportFeature {
        name: "brotli",
        default: false,
        enables: r#"["reqwest/brotli"]"#,
        comment: "Responses compressed with brotli, asked for and decompressed.",
        readme: "the same for brotli (off by default: a larger build).",
    },
    TransportFeature {
        name: "zstd",
        default: false,
        enables: r#"["reqwest/zstd"]"#,
        comment: "Responses compressed with zstd, asked for and decompressed (zstd is C).",
        readme: "the same for zstd (off by default: zstd is C).",
    },
    TransportFeature {
        name: "charset",
        default: true,
        enables: r#"["dep:encoding_rs", "reqwest/charset"]"#,
        comment: "Text responses decoded from the charset their content type declares.",
        readme: "text responses decoded from the charset their `Content-Type` declares (`charset=iso-8859-1`); \
                 without it, or without a charset, text must be UTF-8.",
    },
    TransportFeature {
        name: "system-proxy",
        default: true,
        enables: r#"["reqwest/system-proxy"]"#,
        comment: "The system's proxy settings on macOS and Windows (the proxy environment variables are always read).",
        readme: "the system's proxy settings on macOS and Windows; `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and \
                 `NO_PROXY` are read everywhere, with or without it.",
    },
];
const SERDE: &str = r#"{ version = "1.0.200", features = ["derive"] }"#;
const SERDE_JSON: &str = r#""1.0.120""#;
const SERDE_PATH_TO_ERROR: &str = r#""0.1.16""#;
const UUID: &str = r#"{ version = "1.10", features = ["serde"] }"#;
const CHRONO: &str = r#"{ version = "0.4.38", default-features = false, features = ["serde", "std"] }"#;
const REGEX_LITE: &str = r#""0.1.6""#;
const TOKIO: &str = r#"{ version = "1.40", default-features = false, features = ["time"] }"#;
const TOKIO_DEV: &str = r#"{ version = "1.40", features = ["macros", "rt-multi-thread"] }"#;
const HTTPDATE: &str = r#""1.0.3""#;
/// Optional, for the `tracing` feature; without its default `attributes` feature, which
/// would bring a proc-macro and syn.
const TRACING: &str = r#"{ version = "0.1.40", default-features = false, features = ["std"], optional = true }"#;
// An upload's chunks (bytes, futures-core) and its body (http-body): crates reqwest's tree
// already holds, so uploads add no crate to a build.
const BYTES: &str = r#""1.6""#;
const FUTURES_CORE: &str = r#""0.3.30""#;
const HTTP_BODY: &str = r#""1.0.1""#;
const TOKIO_FS: &str = r#"{ version = "1.40", default-features = false, features = ["fs", "time"] }"#;
const EVENTSOURCE_STREAM: &str = r#""0.2.3""#;
/// For the `charset` feature: text decoded from the charset a response declares (reqwest's
/// `charset` brings it too).
const ENCODING_RS: &str = r#"{ version = "0.8.35", optional = true }"#;
// Webhook signatures: HMAC-SHA256 (RustCrypto) and the base64 of secrets and signatures.
const BASE64: &str = r#""0.22.1""#;
const HMAC: &str = r#""0.12.1""#;
const SHA2: &str = r#""0.10.9""#;

/// The generated crate's Cargo.toml (without the header line).
pub fn cargo_toml(api: &Api, features: &Features) -> String {
    let mut out = String::new();
    let config = &api.settings;
    let description = &config.description;
    let _ = writeln!(out, "[package]");
    let _ = writeln!(out, "name = {}", toml_string(&config.crate_name));
    let _ = writeln!(out, "version = {}", toml_string(&config.crate_version));
    let _ = writeln!(out, "edition = \"2021\"");
    let _ = writeln!(out, "rust-version = {}", toml_string(&config.rust_version));
    let _ = writeln!(out, "description = {}", toml_string(description));
    let _ = writeln!(out, "license = {}", toml_string(&config.license));
    if let Some(repository) = &config.repository {
        let _ = writeln!(out, "repository = {}", toml_string(repository));
    }
    let _ = writeln!(out, "readme = \"README.md\"");
    if !config.keywords.is_empty() {
        let _ = writeln!(out, "keywords = {}", toml_list(&config.keywords));
    }
    if !config.categories.is_empty() {
        let _ = writeln!(out, "categories = {}", toml_list(&config.categories));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "[dependencies]");
    let reqwest = if features.encodings.multipart() {
        REQWEST.replace(r#""query""#, r#""multipart", "query""#)
    } else {
        REQWEST.to_owned()
    };
    let mut deps = vec![
        ("encoding_rs", ENCODING_RS),
        ("httpdate", HTTPDATE),
        ("reqwest", reqwest.as_str()),
        ("ring", RING),
        ("rustls", RUSTLS),
        ("rustls-platform-verifier", RUSTLS_PLATFORM_VERIFIER),
        ("rustls-webpki", RUSTLS_WEBPKI),
        ("serde", SERDE),
        ("serde_json", SERDE_JSON),
        ("serde_path_to_error", SERDE_PATH_TO_ERROR),
        ("tokio", if features.uploads() { TOKIO_FS } else { TOKIO }),
        ("tracing", TRACING),
    ];
    // Uploads and streams share their chunks' crates.
    if features.uploads() || features.streams.any() {
        deps.extend([("bytes", BYTES), ("futures-core", FUTURES_CORE)]);
    }
    // A list's pages are a `futures_core::Stream` too.
    if features.pagination && !(features.uploads() || features.streams.any()) {
        deps.push(("futures-core", FUTURES_CORE));
    }
    if features.uploads() {
        deps.push(("http-body", HTTP_BODY));
    }
    if features.uuid {
        deps.push(("uuid", UUID));
    }
    if features.chrono {
        deps.push(("chrono", CHRONO));
    }
    if features.patterns {
        deps.push(("regex-lite", REGEX_LITE));
    }
    if features.streams.events() {
        deps.push(("eventsource-stream", EVENTSOURCE_STREAM));
    }
    if features.webhook_signatures {
        deps.extend([("base64", BASE64), ("hmac", HMAC), ("sha2", SHA2)]);
    }
    deps.sort_by_key(|(name, _)| *name);
    for (name, spec) in deps {
        let _ = writeln!(out, "{name} = {spec}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "[features]");
    let mut defaults: Vec<String> =
        TRANSPORT_FEATURES.iter().filter(|f| f.default).map(|f| f.name.to_owned()).collect();
    if !api.tag_features.is_empty() {
        // Every operation by default, so that `cargo add` gives the whole API; a large
        // API's users pick their tags with `default-features = false` (README, "Features").
        defaults.push(crate::naming::FULL_FEATURE.to_owned());
    }
    let _ = writeln!(out, "default = {}", toml_list(&defaults));
    for feature in &TRANSPORT_FEATURES {
        let _ = writeln!(out, "# {}", feature.comment);
        let _ = writeln!(out, "{} = {}", feature.name, feature.enables);
    }
    let _ = writeln!(out, "# `blocking::Client`: the same calls, synchronously, for scripts and command-line tools.");
    let _ = writeln!(out, "blocking = [\"tokio/rt\"]");
    let _ =
        writeln!(out, "# `Deserialize` for the types only ever sent (request bodies), for mock servers and fixtures.");
    let _ = writeln!(out, "deserialize-requests = []");
    let _ =
        writeln!(out, "# A `tracing` span for every call and an event for every request; no credentials, no bodies.");
    let _ = writeln!(out, "tracing = [\"dep:tracing\"]");
    if !api.tag_features.is_empty() {
        let names: Vec<String> = api.tag_features.iter().map(|t| t.feature.clone()).collect();
        let _ = writeln!(out, "# Every tag's operations and types.");
        let _ = writeln!(out, "full = {}", toml_list(&names));
        for tag in &api.tag_features {
            let _ = writeln!(out, "# {}", tag_summary(tag));
            let _ = writeln!(out, "{} = []", tag.feature);
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "[dev-dependencies]");
    let _ = writeln!(out, "tokio = {TOKIO_DEV}");
    out
}

/// One line about a tag's feature: its tag, its operations, and its description's first line.
fn tag_summary(tag: &TagFeature) -> String {
    let plural = if tag.operations == 1 { "" } else { "s" };
    let paths: Vec<String> = tag.paths.iter().map(|p| format!("`{p}`")).collect();
    let mut line = match (&tag.tag, paths.is_empty()) {
        (Some(name), true) => format!("The `{name}` tag's {} operation{plural}", tag.operations),
        (Some(name), false) => format!(
            "The `{name}` tag's operations and those without a tag under {}, {} in all",
            paths.join(", "),
            tag.operations
        ),
        (None, _) if tag.operations == 1 => format!("The operation without a tag under {}", paths.join(", ")),
        (None, _) => format!("The {} operations without a tag under {}", tag.operations, paths.join(", ")),
    };
    if let Some(first) = tag.doc.as_deref().and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty())) {
        line.push_str(": ");
        line.push_str(first);
    } else {
        line.push('.');
    }
    line.replace(['\r', '\n'], " ")
}

fn toml_list(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| toml_string(v)).collect();
    format!("[{}]", items.join(", "))
}

fn toml_string(value: &str) -> String {
    // TOML basic strings share JSON's escapes for everything a name or description holds.
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The generated crate's README.md (without the header line).
pub fn readme(api: &Api, features: &Features) -> String {
    let mut out = String::new();
    let config = &api.settings;
    let name = &config.crate_name;
    let krate = &config.crate_path;
    let _ = writeln!(out, "# {name}\n");
    let _ = writeln!(out, "A Rust client for the {} (version {}).\n", api.title, api.version);
    if let Some(description) = &config.readme_description {
        let _ = writeln!(out, "{description}\n");
    }

    let _ = writeln!(out, "## Install\n");
    let _ = writeln!(
        out,
        "```toml\n[dependencies]\n{name} = \"{}\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n",
        config.crate_version
    );

    let _ = writeln!(out, "## Quick start\n");
    let _ = writeln!(out, "```rust\n{}```\n", example_code(api));

    credentials_section(&mut out, api);
    let _ = writeln!(out, "## Operations\n");
    let _ = writeln!(out, "| Method | HTTP | Summary |\n|---|---|---|");
    for op in &api.operations {
        let summary = op.summary.as_deref().or(op.description.as_deref()).map(first_line).unwrap_or_default();
        let _ = writeln!(out, "| [`{0}`](#{0}) | `{1} {2}` | {summary} |", op.method_name, op.http_method, op.path);
    }
    let _ = writeln!(out);
    for op in &api.operations {
        operation_section(&mut out, api, op);
    }

    uploads_section(&mut out, krate, features);
    streams_section(&mut out, api);
    pagination_section(&mut out, api);
    webhooks_section(&mut out, api, krate);
    errors_section(&mut out, api, krate, features);
    configuration_section(&mut out, api);
    hooks_section(&mut out, krate);
    blocking_section(&mut out, api, krate);
    out
}

/// The README's table of settings: the base URL and each credential, with its builder method
/// and environment variable.
fn credentials_section(out: &mut String, api: &Api) {
    let krate = &api.settings.crate_path;
    let base_url_env = &api.settings.base_url_env;
    let _ = writeln!(out, "## Credentials\n");
    let _ = writeln!(
        out,
        "`{krate}::Client::from_env()` reads the settings below from the environment; \
         `{krate}::Client::builder()` sets the same things in code.\n"
    );
    let _ = writeln!(out, "| Setting | Builder method | Environment variable | What it is |\n|---|---|---|---|");
    let _ = writeln!(out, "| Base URL | `base_url` | `{base_url_env}` | Where requests go |");
    for (spec_name, s) in &api.security_schemes {
        let method = s.rust_name.trim_start_matches("r#");
        let var = match &s.env.password {
            Some(password) => format!("{}`, `{password}", s.env.value),
            None => s.env.value.clone(),
        };
        let what = s.doc.as_deref().map(first_line).unwrap_or_default();
        let _ = writeln!(out, "| `{spec_name}` | `{method}` | `{var}` | {what} |");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Credentials never appear in `Debug` output: the client prints `***` for them.\n");
}

/// The README's uploads: how a binary body or a file part is sent from memory, a file or a
/// stream, and which are retried.
fn uploads_section(out: &mut String, krate: &str, features: &Features) {
    if !features.uploads() {
        return;
    }
    let _ = writeln!(out, "## Uploads\n");
    let _ = writeln!(
        out,
        "Binary bodies (`application/octet-stream` and the like) are a `{krate}::types::ByteSource`, and so are the \
         contents of a file part (`{krate}::types::File`). A `ByteSource` comes from:\n"
    );
    let _ = writeln!(out, "- memory: `Vec<u8>`, `&[u8]`, `String` or `bytes::Bytes`, with `.into()`;");
    let _ = writeln!(
        out,
        "- a file: `ByteSource::from_path(path)` (or `File::from_path(path, content_type)`), opened when the call is \
         sent, streamed in chunks with its size as `Content-Length`, and opened again by a retry;"
    );
    let _ = writeln!(
        out,
        "- a stream or reader: `ByteSource::from_stream(stream, length)` (any `Stream` of `Result<impl Into<Bytes>, \
         E>`) or `ByteSource::from_reader(reader, length)` (any `tokio::io::AsyncRead`), streamed as it is read.\n"
    );
    let _ = writeln!(
        out,
        "```rust\nuse {krate}::types::ByteSource;\n\n\
         let from_memory = ByteSource::from(b\"bytes\".to_vec());\n\
         let from_disk = ByteSource::from_path(\"video.mp4\");\n\
         let file = tokio::fs::File::open(\"video.mp4\").await?;\n\
         let length = file.metadata().await?.len();\n\
         let from_reader = ByteSource::from_reader(file, Some(length));\n```\n"
    );
    let _ = writeln!(
        out,
        "Files and streams are read in chunks as they are sent, never whole, so a 200 MiB file uploads in \
         constant memory; bytes in memory are shared by every attempt, not copied. \
         A stream can be read only once, so a call that sends one is retried only when its connection could not \
         be opened (none of it was read), and a redirect that would send the body again (`307`, `308`) ends the \
         call with `Error::Config`. The per-attempt timeout covers the whole upload: raise it for large files. \
         Uploads need no cargo feature and add no crate to the build.\n"
    );
}

/// The README's section on stream methods, when the API has some.
/// The README's section on the requests the API sends (webhooks and callbacks), when it
/// declares any: a table of the decode functions and a handler.
fn webhooks_section(out: &mut String, api: &Api, krate: &str) {
    let Some(webhooks) = &api.webhooks else { return };
    let _ = writeln!(out, "## Webhooks\n");
    let _ = writeln!(
        out,
        "The API sends requests of its own to URLs you give it. The `webhooks` module has a function for each, \
         which takes the headers and body your server received and returns the payload, or a `WebhookError` \
         naming the field that did not fit (`.output`) or, for a signed request, why its signature was refused. \
         Use them in the handler of any server framework: they need only the request's `HeaderMap` and its body \
         as bytes.\n"
    );
    let _ = writeln!(out, "| Function | Receives | Payload | Signed |\n|---|---|---|---|");
    for w in &webhooks.items {
        let receives = match &w.callback {
            None => format!("the `{}` webhook", w.name),
            Some(of) => format!("the `{}` callback of `{}`", w.name, of.operation),
        };
        let payload = super::rust::rust_type(api, &w.payload, Direction::Response, &quote::quote! {})
            .owned
            .to_string()
            .replace(' ', "");
        let signed = if w.signature.is_some() { "Standard Webhooks" } else { "no" };
        let _ =
            writeln!(out, "| `webhooks::{}` | {receives} (`{}`) | `{payload}` | {signed} |", w.function, w.http_method);
    }
    let _ = writeln!(out);
    if let Some(first) = webhooks.items.first() {
        let (secret_param, secret_arg) =
            if first.signature.is_some() { (", secret: &webhooks::Secret", ", secret") } else { ("", "") };
        let _ = writeln!(
            out,
            "```rust\nuse ::{krate}::webhooks::{{self, HeaderMap, WebhookError}};\n\n\
             fn handle(headers: &HeaderMap, body: &[u8]{secret_param}) -> Result<(), WebhookError> {{\n    \
             let payload = webhooks::{}(headers, body{secret_arg})?;\n    println!(\"received {{payload:?}}\");\n    \
             Ok(())\n}}\n```\n",
            first.function
        );
    }
    if webhooks.signed() {
        let _ = writeln!(
            out,
            "A signed request is checked before its body is read, as [Standard Webhooks](https://www.standardwebhooks.com/) \
             specifies: the HMAC-SHA256 of `webhook-id`, `webhook-timestamp` and the body, under the secret the API \
             gave you (`webhooks::Secret::new(\"whsec_…\")`), must match one of the `v1,` signatures of \
             `webhook-signature`, compared in constant time, and the timestamp must be recent. Pass the body exactly as \
             received: a body parsed and written again no longer matches.\n"
        );
    }
}

fn streams_section(out: &mut String, api: &Api) {
    let methods: Vec<&StreamMethod> = api.operations.iter().flat_map(|op| &op.streams).collect();
    if methods.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Streams
"
    );
    let _ = writeln!(
        out,
        "Some calls have a method that returns the body as it arrives, beside the one that reads it whole. \
         Its status and headers are known before the body is read, the body has no size limit, and only one \
         chunk is held at a time. The timeout (`RequestOptions::timeout`) limits the wait for the response's \
         head, then each wait for the next chunk, not the whole stream: a stalled stream ends with \
         `Error::Timeout`, a long, live one goes on.\n"
    );
    let _ = writeln!(out, "| Method | Returns | Same request as |\n|---|---|---|");
    for m in &methods {
        let returns = match &m.kind {
            StreamKind::Bytes => "`ByteStream` (chunks of `bytes::Bytes`)".to_owned(),
            StreamKind::Events { data, sentinel } => {
                let data = match data {
                    EventData::Json(ty) => super::rust::rust_type(api, ty, Direction::Response, &quote::quote! {})
                        .owned
                        .to_string()
                        .replace(' ', ""),
                    EventData::Text => "String".to_owned(),
                };
                let end = sentinel.as_ref().map(|s| format!("; ends at the data `{s}`")).unwrap_or_default();
                format!("`EventStream<{data}>` (Server-Sent Events{end})")
            }
        };
        let _ = writeln!(out, "| `{}` | {returns} | `{}` |", m.method_name, m.mirrors);
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Both are `futures_core::Stream`s of `Result`s; read them with `StreamExt::next` (from `futures-util` or \
         `tokio-stream`). An `Event` keeps the event's type (`event`), last ID (`id`) and `retry`, and its `data` \
         decoded; data that does not decode is an `Error::Event` item naming the event and the field, and the stream \
         goes on. An event stream asks for `text/event-stream`; when the API needs the request to say so too (a \
         `stream: true` field), set it. The blocking client's stream methods return a `blocking::StreamIter`, an \
         `Iterator` of the same items.\n"
    );
    let _ = writeln!(out, "```rust,ignore\nlet mut stream = client.{}(/* … */).await?;", methods[0].method_name);
    let _ = writeln!(
        out,
        "while let Some(item) = futures_util::StreamExt::next(&mut stream).await {{\n    let item = item?;\n}}\n```\n"
    );
}

/// The README's section on page methods, when some operation returns a list in pages.
fn pagination_section(out: &mut String, api: &Api) {
    let paged: Vec<(&Operation, &PageMethod)> =
        api.operations.iter().filter_map(|op| op.pages.as_ref().map(|pages| (op, pages))).collect();
    let Some((_, first)) = paged.first() else { return };
    let _ = writeln!(out, "## Pagination\n");
    let _ = writeln!(
        out,
        "Some calls return a list in pages. Each has a method that returns all of it, one item at a time, reading \
         the next page when the items before it have been taken: a `Pages<T>`, a `futures_core::Stream` of \
         `Result<T, Error>`. The first page is read before the method returns (its failure is the call's error); a \
         later page that fails is an `Err` item, after which the stream ends. Every page's request is sent as any \
         call's is: credentials, retries, the timeout and the hook apply to each. The blocking client's page methods \
         return a `blocking::StreamIter`, an `Iterator` of the same items.\n"
    );
    let _ = writeln!(out, "| Method | Items | One page | Next page |\n|---|---|---|---|");
    for (_, pages) in &paged {
        let item = super::rust::rust_type(api, &pages.item, Direction::Response, &quote::quote! {})
            .owned
            .to_string()
            .replace(' ', "");
        let how = super::pagination::how(pages).replace('|', "\\|");
        let _ = writeln!(out, "| `{}` | `{item}` | `{}` | {how} |", pages.method_name, pages.mirrors);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "```rust,ignore\nlet mut items = client.{}(/* … */).await?;", first.method_name);
    let _ = writeln!(
        out,
        "while let Some(item) = futures_util::StreamExt::next(&mut items).await {{\n    let item = item?;\n}}\n```\n"
    );
}

/// The README's list of errors.
fn errors_section(out: &mut String, api: &Api, krate: &str, features: &Features) {
    let _ = writeln!(out, "## Errors\n");
    let _ = writeln!(out, "Every call returns `Result<_, {krate}::Error>`:\n");
    let _ = writeln!(
        out,
        "- `Validation`: a value breaks a limit the API declares (a length, a pattern, a range); nothing was sent."
    );
    let _ = writeln!(out, "- `Config`: the client is missing a base URL or the credentials the operation needs.");
    if features.uploads() {
        let _ = writeln!(out, "  Also a redirect that would send a body read from a stream a second time.");
    }
    let _ = writeln!(out, "- `Transport`: the server could not be reached, or the call timed out.");
    let _ = writeln!(out, "- `Api`: the server answered with an error status; the status, headers and body are kept.");
    if features.drf_errors {
        let _ = writeln!(
            out,
            "  Its `messages` are those of a Django REST framework error body (`{{\"detail\": …}}`, \
             `{{\"field\": [\"…\"]}}`), field errors as `field: message`, and its one-line message shows them."
        );
    }
    if let Some(errors) = api.error_body.as_ref().filter(|_| features.error_body) {
        let view =
            |id: &TypeId| api.types.get(id).map_or(String::new(), |def| def.view(Direction::Response).name.clone());
        let statuses = |v: &ErrorVariant| v.statuses.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
        let what = if errors.is_enum() {
            let variants: Vec<String> = errors
                .variants
                .iter()
                .map(|v| format!("`{}(types::{})` for {}", v.rust_name, view(&v.ty), statuses(v)))
                .collect();
            format!("an enum of the API's error schemas: {}", variants.join("; "))
        } else {
            format!("`types::{}`, the one error schema the API declares", view(&errors.variants[0].ty))
        };
        let _ = writeln!(
            out,
            "  When the operation declares a schema for the status (an exact status over a range such as `4XX`, \
             over `default`), `decoded` holds the body decoded into `types::{}` ({what}), which `Error::decoded` \
             also returns; a body that does not fit leaves it `None`, `decode_failure` says why, and `body` keeps \
             the text. Each method's docs say which schema it declares for which status.",
            errors.name
        );
    }
    let _ = writeln!(out, "- `Hook`: the client's hook refused to let a request go (see below); it was not sent.");
    let _ = writeln!(out, "- `TooLarge`: a success body was larger than `RequestOptions::max_response_bytes`.");
    if features.streams.any() {
        let _ = writeln!(
            out,
            "- `Timeout`: a streamed response's head, or the next chunk of its body, did not arrive within the timeout."
        );
    }
    if features.streams.events() {
        let _ = writeln!(
            out,
            "- `Event`: an event of a stream did not match its declared type; its `EventFailure` names the event \
             (index, type, ID) and the field. The stream goes on after it."
        );
    }
    let _ =
        writeln!(out, "- `Decode`: a success response did not match the declared type; the error names the field.\n");
}

/// The README's servers to choose from, server variables and operations' own servers, when the
/// API has any; each ends with a blank line.
fn servers_section(out: &mut String, api: &Api) {
    let servers = &api.servers;
    if !servers.resolved_at_build() {
        return;
    }
    let _ = writeln!(out);
    if let Some(choice) = &servers.choice {
        let _ = writeln!(
            out,
            "The API declares {} servers; `{}(servers::{}::…)` on the builder chooses one (the first is the default):\n",
            servers.list.len(),
            choice.method,
            choice.name
        );
        for (s, variant) in servers.list.iter().zip(&choice.variants) {
            let _ = writeln!(out, "- `{}::{variant}`: {}", choice.name, super::servers::server_line(s, false));
        }
        let _ = writeln!(out);
    }
    if !servers.variables.is_empty() {
        let _ = writeln!(out, "Server variables fill in the server's URL; each has a builder method:\n");
        let _ = writeln!(out, "| Variable | Builder method | Values and default |\n|---|---|---|");
        for v in &servers.variables {
            let line = super::servers::variable_line(api, v);
            let _ = writeln!(out, "| `{}` | `{}` | {} |", v.name, v.method, line.replace('|', "\\|"));
        }
        let _ = writeln!(out);
    }
    if !servers.operations.is_empty() {
        let _ = writeln!(
            out,
            "Some operations go to a server of their own (with the server variables set on the builder, \
             when it declares them), unless `base_url` is set, which then takes every request:\n"
        );
        for op in &api.operations {
            if let Some((_, server)) = servers.of_operation(&op.method_name) {
                let _ = writeln!(out, "- `{}`: {}", op.method_name, super::docs::code(&server.url));
            }
        }
        let _ = writeln!(out);
    }
}

/// The README's base URL, timeouts, body limits, credential safety and retries, with the
/// runtime's defaults.
fn configuration_section(out: &mut String, api: &Api) {
    let base_url_env = &api.settings.base_url_env;
    let Defaults {
        max_retries,
        timeout_secs,
        connect_timeout_secs,
        initial_backoff_ms,
        max_backoff_secs,
        max_retry_after_secs,
        max_response_mib,
        error_body_kib,
    } = Defaults::get();
    let _ = writeln!(out, "## Configuration\n");
    match (api.servers.default_url(), api.servers.list.first()) {
        (Some(url), _) => {
            let _ = writeln!(out, "Requests go to `{url}` unless `base_url` (or `{base_url_env}`) says otherwise.");
        }
        (None, None) => {
            let _ = writeln!(out, "The API declares no server, so `base_url` (or `{base_url_env}`) is required.");
        }
        (None, Some(server)) => {
            let _ = writeln!(
                out,
                "The API's server, {}, is a relative URL, so `base_url` (or `{base_url_env}`) is required.",
                super::docs::code(&server.url)
            );
        }
    }
    servers_section(out, api);
    let _ = writeln!(
        out,
        "Connecting times out after {connect_timeout_secs} s and each attempt of a call after \
         {timeout_secs} s; `connect_timeout` and `timeout` on the builder change them, and \
         `client.with_timeout(…)` or `client.with_options(…)` change them for some calls only, sharing the \
         connection pool.\n"
    );
    let _ = writeln!(
        out,
        "A success body is read up to {max_response_mib} MiB (`RequestOptions::max_response_bytes`), an error \
         body up to {error_body_kib} KiB, so a misbehaving server cannot exhaust memory.\n"
    );
    let _ = writeln!(
        out,
        "Credentials are only sent to the base URL's host: a redirect elsewhere is followed without them, \
         and plain `http` to a host other than this machine is refused unless `allow_insecure_http(true)` says otherwise. \
         `http_client(reqwest::ClientBuilder)` on the builder brings your own proxies, certificates or TLS back end; \
         the client keeps following redirects itself.\n"
    );

    let _ = writeln!(out, "## Retries\n");
    let _ = writeln!(
        out,
        "A failed call is retried up to {max_retries} times (`max_retries(0)` turns this off), waiting \
         {initial_backoff_ms} ms, then twice as long each time up to {max_backoff_secs} s, with jitter. A \
         `Retry-After` header (seconds or an HTTP date) is honoured up to {max_retry_after_secs} s, plus a random \
         extra of up to the backoff that retry would otherwise wait, so that calls turned away together do not \
         all come back in the same instant; a server asking for longer gets its error returned at once.\n"
    );
    let statuses = super::retries::RetryStatuses::get();
    let _ = writeln!(
        out,
        "- Always retried: a connection that could not be opened (nothing was sent), and {}.",
        super::retries::codes(&statuses.always)
    );
    let _ = writeln!(
        out,
        "- Retried for idempotent methods only ({}): {}, and connections that broke or timed out after the request went out.",
        crate::model::idempotent_methods_text(),
        super::retries::codes(&statuses.idempotent)
    );
    let _ = writeln!(
        out,
        "- Never retried: a `POST` or `PATCH` that may have reached the server. A call may have effects that must not happen twice (a charge, a message sent); retry such a call yourself only when you know the first attempt did not go through.\n"
    );
}

/// The README's default headers, hooks and tracing.
fn hooks_section(out: &mut String, krate: &str) {
    let _ = writeln!(out, "## Default headers, hooks and tracing\n");
    let _ = writeln!(
        out,
        "`default_header(name, value)` on the builder adds a header to every request to the base URL's host, on \
         every attempt (an API version, say). A header the call sets itself wins over it, credentials included, and a \
         redirect to another host carries none. An invalid name or value makes `build()` fail with `Error::Config` \
         naming the header.\n"
    );
    let _ = writeln!(
        out,
        "`hook(…)` on the builder sets a `{krate}::Hook`: code of yours that sees every request the client sends \
         (each attempt of a call, retries and redirects included) just before it goes, and may change it (add a \
         header, sign it: `before_send` is async), then the response's status and headers or the error that came \
         back (`on_response`, `on_error`). Each is told the operation's id in the spec, its method and path, and \
         the attempt's number (`{krate}::AttemptInfo`). Every method has a default that does nothing. A hook must \
         not block the thread, and cannot read a response's body, which is yours; one that adds a secret checks \
         `to_base_origin` first, since it sees redirects to other hosts too. An error from `before_send` ends the \
         call with `Error::Hook`, unsent.\n"
    );
    let _ = writeln!(
        out,
        "With the `tracing` feature, every call is a `tracing` span named `call`, with the fields `operation_id`, \
         `method`, `path` (as the spec writes it), `attempt`, `status` (or `error`, the kind of failure) and \
         `duration_ms`, and each request sent is a `debug` event with its attempt and status. No field or event \
         holds a URL, a header, a credential or a body.\n"
    );
}

/// The README's blocking client and cargo features.
fn blocking_section(out: &mut String, api: &Api, krate: &str) {
    let _ = writeln!(out, "## Blocking\n");
    let _ = writeln!(
        out,
        "With the `blocking` feature, `{krate}::blocking::Client::new(client)` (or `::from_env()`) offers the same \
         methods without `async`, for scripts and command-line tools. Do not call it from inside an async \
         runtime: it returns an error there rather than stall it."
    );
    let _ = writeln!(out, "\n## Features\n");
    let _ = writeln!(out, "- `blocking`: the blocking client above.");
    let _ = writeln!(
        out,
        "- `deserialize-requests`: `Deserialize` for the types this client only sends (request bodies), \
         for a mock server or fixtures that decode what the client sent. Every type is `Serialize`, and \
         every type the server returns is `Deserialize`, without it; it is off by default because those \
         impls are a large share of the crate's compile time."
    );
    let _ = writeln!(out, "- `tracing`: a span for every call and an event for every request, as above.");
    tag_features_section(out, api, &api.settings.crate_name);
    tls_section(out, &api.settings.crate_name);
}

/// The README's tag features: one line each, and how to compile only some.
fn tag_features_section(out: &mut String, api: &Api, name: &str) {
    let Some(first) = api.tag_features.first() else { return };
    let _ = writeln!(
        out,
        "- `full` (on by default): every tag's feature below. Each tag's operations, and the types only they \
         use, are behind a feature of their own; types several tags share are always compiled, and types \
         no operation uses (documented schemas only) come with `full`. To compile only \
         the parts you call, turn the defaults off and name the tags and the transport's features you want \
         (see below; without a TLS back end only plain `http` works):\n"
    );
    let _ = writeln!(
        out,
        "```toml\n{name} = {{ version = \"…\", default-features = false, features = [\"rustls\", \"http2\", \"gzip\", \"{}\"] }}\n```\n",
        first.feature
    );
    for tag in &api.tag_features {
        let _ = writeln!(out, "- `{}`: {}", tag.feature, tag_summary(tag));
    }
}

/// The README's transport: the TLS back ends and reqwest's other features, and how to switch.
fn tls_section(out: &mut String, name: &str) {
    let _ = writeln!(out, "\n## TLS and HTTP\n");
    let defaults: Vec<String> =
        TRANSPORT_FEATURES.iter().filter(|f| f.default).map(|f| format!("`{}`", f.name)).collect();
    let _ = writeln!(
        out,
        "`https`, HTTP/2, compressed responses and proxies work out of the box: the default features are {}. \
         To use another TLS back end or fewer features, turn the defaults off and name the ones you want:\n",
        defaults.join(", ")
    );
    let _ = writeln!(
        out,
        "```toml\n{name} = {{ version = \"…\", default-features = false, features = [\"rustls-ring\", \"http2\", \"gzip\"] }}\n```\n"
    );
    for feature in &TRANSPORT_FEATURES {
        let default = if feature.default { " (default)" } else { "" };
        let _ = writeln!(out, "- `{}`{default}: {}", feature.name, feature.readme);
    }
    let _ = writeln!(out, "- no TLS back end: plain `http` only.");
}

/// A README section for one operation: what it does, an example, its request fields, and what
/// comes back.
fn operation_section(out: &mut String, api: &Api, op: &Operation) {
    let krate = &api.settings.crate_path;
    let _ = writeln!(out, "### `{}`\n", op.method_name);
    let _ = writeln!(out, "`{} {}`\n", op.http_method, op.path);
    for text in [&op.summary, &op.description].into_iter().flatten() {
        let _ = writeln!(out, "{}\n", text.trim());
    }
    let _ = writeln!(out, "```rust\n{}```\n", call_code(api, op, None, None, krate));
    if let Some(body) = &op.body {
        if body.variants.len() > 1 {
            let others: Vec<String> =
                body.variants[1..].iter().map(|v| format!("`{}` (`{}`)", v.method_name, v.media_type)).collect();
            let _ = writeln!(
                out,
                "The body goes as `{}`; {} send the same call with the other media types the API accepts.\n",
                body.variants[0].media_type,
                others.join(", ")
            );
        }
        if let Some(names) = form_defaults(api, body) {
            let _ = writeln!(
                out,
                "In a form or multipart body, a field left unset that declares a default ({names}) is sent with \
                 it: a server reading forms may take a missing field otherwise (a boolean as `false`).\n"
            );
        }
    }
    let body = op.body.as_ref().and_then(|b| b.content.values().next());
    if let Some(ty) = body {
        fields_table(out, api, ty, Direction::Request, "Request fields");
    }
    if let Some(id) = &op.params_type {
        fields_table(out, api, &TypeRef::Named(id.clone()), Direction::Request, "Parameters");
    }
    let returned = op
        .responses
        .values()
        .filter(|response| response.outcome == Outcome::Success)
        .find_map(|response| response.content.values().next());
    match returned {
        Some(ty) => fields_table(out, api, ty, Direction::Response, "Returns"),
        None => {
            let _ = writeln!(out, "Returns nothing on success.\n");
        }
    }
}

/// A table of a type's fields as seen in `direction`, or a line naming the type.
fn fields_table(out: &mut String, api: &Api, ty: &TypeRef, direction: Direction, heading: &str) {
    let type_text =
        |ty: &TypeRef| super::rust::rust_type(api, ty, direction, &quote::quote! {}).owned.to_string().replace(' ', "");
    let TypeRef::Named(id) = ty else {
        let _ = writeln!(out, "{heading}: `{}`.\n", type_text(ty));
        return;
    };
    let Some(def) = api.types.get(id) else { return };
    let view = def.view(direction);
    let name = &view.name;
    let TypeKind::Struct(_) = &def.kind else {
        let _ = writeln!(out, "{heading}: `{name}`.\n");
        return;
    };
    let _ = writeln!(out, "{heading} (`{name}`):\n");
    let _ = writeln!(out, "| Field | Type | Required | Description |\n|---|---|---|---|");
    for (f, view_field) in def.fields_of(view) {
        let required = matches!(view_field.wrapper, Wrapper::Plain | Wrapper::OptionAlwaysWritten);
        let required = if required { "yes" } else { "no" };
        let nullable = if f.nullable { ", nullable" } else { "" };
        let default =
            f.default.as_ref().map(|d| format!(", default {}", super::docs::code(&d.json()).replace('|', "\\|")));
        let default = default.unwrap_or_default();
        let doc = f.doc.as_deref().map(first_line).unwrap_or_default();
        let _ = writeln!(out, "| `{}` | `{}` | {required}{nullable}{default} | {doc} |", f.wire_name, type_text(&f.ty));
    }
    let _ = writeln!(out);
    if let Some(note) = &view.note {
        let _ = writeln!(out, "{}\n", note.trim());
    }
}

/// The fields a form or multipart variant of `body` sends with their default while unset, as a
/// list of code spans, when there are any.
fn form_defaults(api: &Api, body: &RequestBody) -> Option<String> {
    let mut names: Vec<String> = Vec::new();
    for variant in body.variants.iter().filter(|v| matches!(v.encoding, Encoding::Form | Encoding::Multipart)) {
        let TypeRef::Named(id) = &variant.ty else { continue };
        let Some(def) = api.types.get(id) else { continue };
        for (f, view_field) in def.fields_of(def.view(Direction::Request)) {
            let name = format!("`{}`", f.wire_name);
            if !view_field.form_default.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    (!names.is_empty()).then(|| names.join(", "))
}

/// The first sentence or line of a description, made safe for a Markdown table cell.
fn first_line(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or_default();
    let sentence = match line.find(". ") {
        Some(end) => &line[..=end],
        None => line,
    };
    sentence.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::emit::runtime::MANIFEST;

    /// The `name = value` lines of one `[section]` of the runtime crate's manifest.
    fn runtime_section(section: &str) -> BTreeMap<&'static str, &'static str> {
        let body = MANIFEST.split(&format!("\n{section}\n")).nth(1).unwrap_or_default();
        body.lines()
            .take_while(|line| !line.starts_with('['))
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once(" = "))
            .collect()
    }

    /// A dependency as a table without `optional`: `"1.6"` and `{ version = "1.6", optional =
    /// true }` are the same version of the same crate.
    fn canonical(spec: &str) -> String {
        let table = if spec.starts_with('"') { format!("{{ version = {spec} }}") } else { spec.to_owned() };
        table.replace(", optional = true", "")
    }

    /// Every dependency of the runtime crate is declared by generated crates as the runtime
    /// writes it, version and features: the runtime is tested with what users get.
    #[test]
    fn dependencies_are_the_runtime_crates() {
        let generated: BTreeMap<&str, &str> = BTreeMap::from([
            ("base64", BASE64),
            ("bytes", BYTES),
            ("encoding_rs", ENCODING_RS),
            ("eventsource-stream", EVENTSOURCE_STREAM),
            ("futures-core", FUTURES_CORE),
            ("hmac", HMAC),
            ("http-body", HTTP_BODY),
            ("httpdate", HTTPDATE),
            ("regex-lite", REGEX_LITE),
            ("reqwest", REQWEST),
            ("ring", RING),
            ("rustls", RUSTLS),
            ("rustls-platform-verifier", RUSTLS_PLATFORM_VERIFIER),
            ("rustls-webpki", RUSTLS_WEBPKI),
            ("serde", SERDE),
            ("serde_json", SERDE_JSON),
            ("serde_path_to_error", SERDE_PATH_TO_ERROR),
            ("sha2", SHA2),
            ("tokio", TOKIO),
            ("tracing", TRACING),
        ]);
        let runtime = runtime_section("[dependencies]");
        assert_eq!(runtime.keys().collect::<Vec<_>>(), generated.keys().collect::<Vec<_>>(), "the dependencies");
        for (name, spec) in generated {
            assert_eq!(canonical(spec), canonical(runtime[name]), "{name}: emit/manifest.rs and crates/runtime differ");
        }
    }

    /// Every transport feature is the runtime crate's feature of the same name.
    #[test]
    fn transport_features_are_the_runtime_crates() {
        let runtime = runtime_section("[features]");
        for feature in &TRANSPORT_FEATURES {
            assert_eq!(runtime.get(feature.name), Some(&feature.enables), "{}", feature.name);
        }
    }
}
