//! Emits the generated crate's Cargo.toml and README.md, and the example both README and crate
//! docs show.

use std::fmt::Write as _;

use super::Features;
use super::runtime::Defaults;
use crate::Config;
use crate::model::*;

/// Versions of the generated crate's dependencies, in one place.
const REQWEST: &str = r#"{ version = "0.12.23", default-features = false, features = ["json", "rustls-tls"] }"#;
const SERDE: &str = r#"{ version = "1.0.200", features = ["derive"] }"#;
const SERDE_JSON: &str = r#""1.0.120""#;
const SERDE_PATH_TO_ERROR: &str = r#""0.1.16""#;
const UUID: &str = r#"{ version = "1.10", features = ["serde"] }"#;
const CHRONO: &str = r#"{ version = "0.4.38", default-features = false, features = ["serde", "std"] }"#;
const REGEX_LITE: &str = r#""0.1.6""#;
const TOKIO: &str = r#"{ version = "1.40", default-features = false, features = ["time"] }"#;
const TOKIO_DEV: &str = r#"{ version = "1.40", features = ["macros", "rt-multi-thread"] }"#;
const HTTPDATE: &str = r#""1.0.3""#;
const SERDE_URLENCODED: &str = r#""0.7.1""#;

/// The generated crate's Cargo.toml (without the header line).
pub fn cargo_toml(api: &Api, config: &Config, features: &Features) -> String {
    let mut out = String::new();
    let description = config.description.clone().unwrap_or_else(|| format!("Rust client for the {}", api.title));
    let _ = writeln!(out, "[package]");
    let _ = writeln!(out, "name = {}", toml_string(&config.crate_name));
    let _ = writeln!(out, "version = {}", toml_string(&config.crate_version));
    let _ = writeln!(out, "edition = \"2021\"");
    let _ = writeln!(out, "rust-version = {}", toml_string(&config.rust_version));
    let _ = writeln!(out, "description = {}", toml_string(&description));
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
    let reqwest = if features.encodings.multipart() { REQWEST.replace(r#""json""#, r#""json", "multipart""#) } else { REQWEST.to_owned() };
    let mut deps = vec![
        ("httpdate", HTTPDATE),
        ("reqwest", reqwest.as_str()),
        ("serde", SERDE),
        ("serde_json", SERDE_JSON),
        ("serde_path_to_error", SERDE_PATH_TO_ERROR),
        ("tokio", TOKIO),
    ];
    if features.encodings.form() {
        deps.push(("serde_urlencoded", SERDE_URLENCODED));
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
    deps.sort_by_key(|(name, _)| *name);
    for (name, spec) in deps {
        let _ = writeln!(out, "{name} = {spec}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "[features]");
    let _ = writeln!(out, "# `blocking::Client`: the same calls, synchronously, for scripts and command-line tools.");
    let _ = writeln!(out, "blocking = [\"tokio/rt\"]");
    let _ = writeln!(out, "# `Deserialize` for the types only ever sent (request bodies), for mock servers and fixtures.");
    let _ = writeln!(out, "deserialize-requests = []");
    let _ = writeln!(out);
    let _ = writeln!(out, "[dev-dependencies]");
    let _ = writeln!(out, "tokio = {TOKIO_DEV}");
    out
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
pub fn readme(api: &Api, config: &Config, features: &Features) -> String {
    let mut out = String::new();
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
    let name = &config.crate_name;
    let krate = name.replace('-', "_");
    let prefix = &config.env_prefix;
    let _ = writeln!(out, "# {name}\n");
    let _ = writeln!(out, "A Rust client for the {} (version {}).\n", api.title, api.version);
    if let Some(description) = &config.description {
        let _ = writeln!(out, "{description}\n");
    }

    let _ = writeln!(out, "## Install\n");
    let _ = writeln!(out, "```toml\n[dependencies]\n{name} = \"{}\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n", config.crate_version);

    let _ = writeln!(out, "## Quick start\n");
    let _ = writeln!(out, "```rust\n{}```\n", example_code(api, config));

    let _ = writeln!(out, "## Credentials\n");
    let _ = writeln!(
        out,
        "`{krate}::Client::from_env()` reads the settings below from the environment; \
         `{krate}::Client::builder()` sets the same things in code.\n"
    );
    let _ = writeln!(out, "| Setting | Builder method | Environment variable | What it is |\n|---|---|---|---|");
    let _ = writeln!(out, "| Base URL | `base_url` | `{prefix}_BASE_URL` | Where requests go |");
    for (spec_name, s) in &api.security_schemes {
        let method = s.rust_name.trim_start_matches("r#");
        let var = format!("{prefix}_{}", method.to_ascii_uppercase());
        let what = s.doc.as_deref().map(first_line).unwrap_or_default();
        let _ = writeln!(out, "| `{spec_name}` | `{method}` | `{var}` | {what} |");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Credentials never appear in `Debug` output: the client prints `***` for them.\n");

    let _ = writeln!(out, "## Operations\n");
    let _ = writeln!(out, "| Method | HTTP | Summary |\n|---|---|---|");
    for op in &api.operations {
        let summary = op.summary.as_deref().or(op.description.as_deref()).map(first_line).unwrap_or_default();
        let _ = writeln!(out, "| [`{0}`](#{0}) | `{1} {2}` | {summary} |", op.method_name, op.http_method, op.path);
    }
    let _ = writeln!(out);
    for op in &api.operations {
        operation_section(&mut out, api, config, op);
    }

    let _ = writeln!(out, "## Errors\n");
    let _ = writeln!(out, "Every call returns `Result<_, {krate}::Error>`:\n");
    let _ = writeln!(out, "- `Validation`: a value breaks a limit the API declares (a length, a pattern, a range); nothing was sent.");
    let _ = writeln!(out, "- `Config`: the client is missing a base URL or the credentials the operation needs.");
    let _ = writeln!(out, "- `Transport`: the server could not be reached, or the call timed out.");
    let _ = writeln!(out, "- `Api`: the server answered with an error status; the status, headers and body are kept.");
    if features.drf_errors || config.drf_errors {
        let _ = writeln!(
            out,
            "  Its `messages` are those of a Django REST framework error body (`{{\"detail\": …}}`, \
             `{{\"field\": [\"…\"]}}`), field errors as `field: message`, and its one-line message shows them."
        );
    }
    let _ = writeln!(out, "- `TooLarge`: a success body was larger than `RequestOptions::max_response_bytes`.");
    let _ = writeln!(out, "- `Decode`: a success response did not match the declared type; the error names the field.\n");

    let _ = writeln!(out, "## Configuration\n");
    match api.servers.first() {
        Some(url) => {
            let _ = writeln!(out, "Requests go to `{url}` unless `base_url` (or `{prefix}_BASE_URL`) says otherwise.");
        }
        None => {
            let _ = writeln!(out, "The API declares no server, so `base_url` (or `{prefix}_BASE_URL`) is required.");
        }
    }
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
    let _ = writeln!(out, "Credentials are only sent to the base URL's host: a redirect elsewhere is followed without them, \
         and plain `http` to a host other than this machine is refused unless `allow_insecure_http(true)` says otherwise.\n");

    let _ = writeln!(out, "## Retries\n");
    let _ = writeln!(
        out,
        "A failed call is retried up to {max_retries} times (`max_retries(0)` turns this off), waiting \
         {initial_backoff_ms} ms, then twice as long each time up to {max_backoff_secs} s, with jitter. A \
         `Retry-After` header (seconds or an HTTP date) is honoured up to {max_retry_after_secs} s; a server \
         asking for longer gets its error returned at once.\n"
    );
    let _ = writeln!(out, "- Always retried: a connection that could not be opened (nothing was sent), and `429 Too Many Requests`.");
    let _ = writeln!(
        out,
        "- Retried for idempotent methods only ({}): `408`, `500`, `502`, `503`, `504`, and connections that broke or timed out after the request went out.",
        crate::model::idempotent_methods_text()
    );
    let _ = writeln!(out, "- Never retried: a `POST` or `PATCH` that may have reached the server. A call may have effects that must not happen twice (a charge, a message sent); retry such a call yourself only when you know the first attempt did not go through.\n");

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
    out
}

/// A README section for one operation: what it does, an example, its request fields, and what
/// comes back.
fn operation_section(out: &mut String, api: &Api, config: &Config, op: &Operation) {
    let krate = config.crate_name.replace('-', "_");
    let _ = writeln!(out, "### `{}`\n", op.method_name);
    let _ = writeln!(out, "`{} {}`\n", op.http_method, op.path);
    for text in [&op.summary, &op.description].into_iter().flatten() {
        let _ = writeln!(out, "{}\n", text.trim());
    }
    let _ = writeln!(out, "```rust\n{}```\n", call_code(api, op, None, &krate));
    if let Some(body) = &op.body {
        if body.variants.len() > 1 {
            let others: Vec<String> = body.variants[1..]
                .iter()
                .map(|v| format!("`{}` (`{}`)", v.method_name, v.media_type))
                .collect();
            let _ = writeln!(
                out,
                "The body goes as `{}`; {} send the same call with the other media types the API accepts.\n",
                body.variants[0].media_type,
                others.join(", ")
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
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, r)| r.content.values().next());
    match returned {
        Some(ty) => fields_table(out, api, ty, Direction::Response, "Returns"),
        None => {
            let _ = writeln!(out, "Returns nothing on success.\n");
        }
    }
}

/// A table of a type's fields as seen in `direction`, or a line naming the type.
fn fields_table(out: &mut String, api: &Api, ty: &TypeRef, direction: Direction, heading: &str) {
    let type_text = |ty: &TypeRef| {
        super::rust_type(api, ty, direction, &quote::quote! {}).owned.to_string().replace(' ', "")
    };
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
    for (f, _) in def.fields_of(view) {
        let required = if f.presence(direction) == Presence::Required { "yes" } else { "no" };
        let nullable = if f.nullable { ", nullable" } else { "" };
        let doc = f.doc.as_deref().map(first_line).unwrap_or_default();
        let _ = writeln!(out, "| `{}` | `{}` | {required}{nullable} | {doc} |", f.wire_name, type_text(&f.ty));
    }
    let _ = writeln!(out);
    if let Some(note) = &view.note {
        let _ = writeln!(out, "{}\n", note.trim());
    }
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

/// The crate-level example as rustdoc Markdown: a `no_run` doctest.
pub fn crate_doc_example(api: &Api, config: &Config) -> String {
    format!("# Example\n\n```no_run\n{}```", example_code(api, config))
}

/// A complete program: build a client, call the first operation, print the result.
pub fn example_code(api: &Api, config: &Config) -> String {
    let krate = config.crate_name.replace('-', "_");
    let mut out = String::new();
    let _ = writeln!(out, "#[tokio::main]");
    let _ = writeln!(out, "async fn main() -> Result<(), {krate}::Error> {{");
    let _ = writeln!(out, "    let client = {krate}::Client::builder()");
    if api.servers.is_empty() {
        let _ = writeln!(out, "        .base_url(\"https://api.example.com\")");
    }
    for s in api.security_schemes.values() {
        let method = &s.rust_name;
        let bare = method.trim_start_matches("r#");
        match s.kind {
            SecurityKind::Basic => {
                let _ = writeln!(out, "        .{method}(\"user\", Some(\"password\".to_owned()))");
            }
            _ => {
                let _ = writeln!(out, "        .{method}(\"your-{}\")", bare.replace('_', "-"));
            }
        }
    }
    let _ = writeln!(out, "        .build()?;");
    if let Some(op) = api.operations.first() {
        for line in call_code(api, op, None, &krate).lines() {
            let _ = writeln!(out, "    {line}");
        }
        if returns_value(op) {
            let _ = writeln!(out, "    println!(\"{{response:?}}\");");
        }
    }
    let _ = writeln!(out, "    Ok(())");
    let _ = writeln!(out, "}}");
    out
}

fn borrowed_example(api: &Api, ty: &TypeRef, krate: &str) -> String {
    match ty {
        TypeRef::Scalar(Scalar::String | Scalar::Uri) => "\"example\"".to_owned(),
        TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Any | TypeRef::Scalar(Scalar::Bytes) => {
            format!("&{}", example_value(api, ty, krate, 0, false))
        }
        TypeRef::List(_) => "&[]".to_owned(),
        _ => example_value(api, ty, krate, 0, false),
    }
}

/// The statements that build an operation's arguments and call it (through the method of
/// `variant`, or the default one), as `response`.
pub fn call_code(api: &Api, op: &Operation, variant: Option<&BodyVariant>, krate: &str) -> String {
    let mut out = String::new();
    let mut args = Vec::new();
    for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
        args.push(borrowed_example(api, &p.ty, krate));
    }
    let variant = variant.or_else(|| op.body.as_ref().and_then(|b| b.variants.first()));
    if let (Some(body), Some(variant)) = (&op.body, variant) {
        let value = match variant.encoding {
            Encoding::Text => "\"example\"".to_owned(),
            Encoding::Bytes => "b\"example\".to_vec()".to_owned(),
            _ => example_value(api, &variant.ty, krate, 0, true),
        };
        let _ = writeln!(out, "let body = {value};");
        let structured = !matches!(variant.encoding, Encoding::Text | Encoding::Bytes);
        let arg = if structured && variant.ty.is_copy() { "body" } else { "&body" };
        args.push(if body.required { arg.to_owned() } else { format!("Some({arg})") });
    }
    if let Some(id) = &op.params_type {
        let value = example_value(api, &TypeRef::Named(id.clone()), krate, 0, false);
        let _ = writeln!(out, "let params = {value};");
        args.push("&params".to_owned());
    }
    let binding = if returns_value(op) { "let response = " } else { "" };
    let method = variant.map_or(op.method_name.as_str(), |v| v.method_name.as_str());
    let _ = writeln!(out, "{binding}client.{method}({}).await?;", args.join(", "));
    out
}

/// Whether a successful call returns a value: some 2xx (or, with none, `default`) has a body.
pub fn returns_value(op: &Operation) -> bool {
    let has_two_xx = op.responses.keys().any(|status| status.starts_with('2'));
    op.responses
        .iter()
        .filter(|(status, _)| if has_two_xx { status.starts_with('2') } else { status.as_str() == "default" })
        .any(|(_, response)| !response.content.is_empty())
}

/// A Rust expression building a value of `ty`; `show_optional` also sets one optional string.
fn example_value(api: &Api, ty: &TypeRef, krate: &str, depth: usize, show_optional: bool) -> String {
    match ty {
        TypeRef::Scalar(scalar) => match scalar {
            Scalar::String | Scalar::Uri => "\"example\".to_owned()".to_owned(),
            Scalar::Bool => "false".to_owned(),
            Scalar::I32 | Scalar::I64 => "1".to_owned(),
            Scalar::F32 | Scalar::F64 => "1.0".to_owned(),
            Scalar::Uuid => "uuid::Uuid::nil()".to_owned(),
            Scalar::DateTime => "chrono::DateTime::UNIX_EPOCH".to_owned(),
            Scalar::Date => "chrono::NaiveDate::default()".to_owned(),
            Scalar::Decimal => format!("{krate}::types::Decimal::from(1)"),
            Scalar::Bytes => format!("{krate}::types::File::new(\"example.bin\", \"application/octet-stream\", b\"example\".to_vec())"),
        },
        TypeRef::List(_) => "Vec::new()".to_owned(),
        TypeRef::Map(_) => "Default::default()".to_owned(),
        TypeRef::Any => "serde_json::Value::Null".to_owned(),
        TypeRef::Named(id) => {
            let Some(def) = api.types.get(id) else { return "Default::default()".to_owned() };
            let view = def.view(Direction::Request);
            let name = &view.name;
            let path = format!("{krate}::types::{name}");
            match &def.kind {
                TypeKind::Enum(e) => match e.variants.first() {
                    Some(v) => format!("{path}::{}", v.rust_name),
                    None => format!("{path}::Unknown(String::new())"),
                },
                TypeKind::Alias(target) => example_value(api, target, krate, depth + 1, false),
                TypeKind::Union(u) => match u.variants.first() {
                    Some(v) if depth < 4 => {
                        let inner = example_value(api, &v.ty, krate, depth + 1, false);
                        let inner = if v.boxed { format!("Box::new({inner})") } else { inner };
                        format!("{path}::{}({inner})", v.rust_name)
                    }
                    _ => format!("{path}::Other(serde_json::Value::Null)"),
                },
                TypeKind::Struct(_) if depth < 4 => {
                    let fields: Vec<(&Field, &ViewField)> = def.fields_of(view).collect();
                    let required: Vec<String> = fields
                        .iter()
                        .filter(|(_, view_field)| view_field.wrapper == Wrapper::Plain)
                        .map(|(f, _)| {
                            let value = example_value(api, &f.ty, krate, depth + 1, false);
                            // `new` takes `impl Into<String>` for strings: a literal reads better.
                            value.strip_suffix(".to_owned()").map(str::to_owned).unwrap_or(value)
                        })
                        .collect();
                    let mut expr = format!("{path}::new({})", required.join(", "));
                    if show_optional {
                        let optional_string = fields.iter().find(|(f, view_field)| {
                            matches!(view_field.wrapper, Wrapper::Option | Wrapper::OptionNullable)
                                && matches!(f.ty, TypeRef::Scalar(Scalar::String))
                        });
                        if let Some(setter) = optional_string.and_then(|(_, view_field)| view_field.setter.as_deref()) {
                            let _ = write!(expr, "\n    .{setter}(\"example\")");
                        }
                    }
                    expr
                }
                TypeKind::Struct(_) | TypeKind::Newtype(_) => "Default::default()".to_owned(),
            }
        }
    }
}
