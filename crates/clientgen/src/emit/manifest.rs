//! Emits the generated crate's Cargo.toml and README.md, and the example both README and crate
//! docs show.

use std::fmt::Write as _;

use super::Features;
use super::client::{CONNECT_TIMEOUT_SECS, REQUEST_TIMEOUT_SECS};
use crate::Config;
use crate::model::*;

/// Versions of the generated crate's dependencies, in one place.
const REQWEST: &str = r#"{ version = "0.12.23", default-features = false, features = ["json", "rustls-tls"] }"#;
const SERDE: &str = r#"{ version = "1.0.200", features = ["derive"] }"#;
const SERDE_JSON: &str = r#""1.0.120""#;
const SERDE_PATH_TO_ERROR: &str = r#""0.1.16""#;
const UUID: &str = r#"{ version = "1.10", features = ["serde"] }"#;
const CHRONO: &str = r#"{ version = "0.4.38", default-features = false, features = ["clock", "serde", "std"] }"#;
const RUST_DECIMAL: &str = r#""1.36""#;
const REGEX_LITE: &str = r#""0.1.6""#;
const TOKIO: &str = r#"{ version = "1.40", features = ["macros", "rt-multi-thread"] }"#;

/// The generated crate's Cargo.toml (without the header line).
pub fn cargo_toml(api: &Api, config: &Config, features: &Features) -> String {
    let mut out = String::new();
    let description = config.description.clone().unwrap_or_else(|| format!("Rust client for the {}", api.title));
    let _ = writeln!(out, "[package]");
    let _ = writeln!(out, "name = {}", toml_string(&config.crate_name));
    let _ = writeln!(out, "version = {}", toml_string(&config.crate_version));
    let _ = writeln!(out, "edition = \"2021\"");
    let _ = writeln!(out, "rust-version = \"1.80\"");
    let _ = writeln!(out, "description = {}", toml_string(&description));
    let _ = writeln!(out, "license = {}", toml_string(&config.license));
    let _ = writeln!(out, "readme = \"README.md\"");
    let _ = writeln!(out);
    let _ = writeln!(out, "[dependencies]");
    let mut deps = vec![
        ("reqwest", REQWEST),
        ("serde", SERDE),
        ("serde_json", SERDE_JSON),
        ("serde_path_to_error", SERDE_PATH_TO_ERROR),
    ];
    if features.uuid {
        deps.push(("uuid", UUID));
    }
    if features.chrono {
        deps.push(("chrono", CHRONO));
    }
    if features.decimal {
        deps.push(("rust_decimal", RUST_DECIMAL));
    }
    if features.patterns {
        deps.push(("regex-lite", REGEX_LITE));
    }
    deps.sort_by_key(|(name, _)| *name);
    for (name, spec) in deps {
        let _ = writeln!(out, "{name} = {spec}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "[dev-dependencies]");
    let _ = writeln!(out, "tokio = {TOKIO}");
    out
}

fn toml_string(value: &str) -> String {
    // TOML basic strings share JSON's escapes for everything a name or description holds.
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The generated crate's README.md (without the header line).
pub fn readme(api: &Api, config: &Config) -> String {
    let mut out = String::new();
    let name = &config.crate_name;
    let _ = writeln!(out, "# {name}\n");
    let _ = writeln!(out, "A Rust client for the {} (version {}).\n", api.title, api.version);
    if let Some(description) = &api.description {
        let _ = writeln!(out, "{}\n", description.trim());
    }
    let _ = writeln!(out, "## Install\n");
    let _ = writeln!(out, "```toml\n[dependencies]\n{name} = \"{}\"\n```\n", config.crate_version);
    let _ = writeln!(out, "## Example\n");
    let _ = writeln!(out, "```rust\n{}```\n", example_code(api, config));
    let _ = writeln!(out, "## Configuration\n");
    let _ = writeln!(
        out,
        "`Client::from_env()` reads `{prefix}_BASE_URL` and the credentials below; `Client::builder()` sets the same \
         things in code. The connect timeout defaults to {CONNECT_TIMEOUT_SECS} s and the whole call to \
         {REQUEST_TIMEOUT_SECS} s; `timeout` and `connect_timeout` on the builder change them.\n",
        prefix = config.env_prefix
    );
    match api.servers.first() {
        Some(url) => {
            let _ = writeln!(out, "Requests go to `{url}` unless `base_url` says otherwise.\n");
        }
        None => {
            let _ = writeln!(out, "The API declares no server, so `base_url` is required.\n");
        }
    }
    if !api.security_schemes.is_empty() {
        let _ = writeln!(out, "| Credential | Builder method | Environment variable |\n|---|---|---|");
        for (spec_name, s) in &api.security_schemes {
            let method = s.rust_name.trim_start_matches("r#");
            let var = format!("{}_{}", config.env_prefix, method.to_ascii_uppercase());
            let _ = writeln!(out, "| `{spec_name}` | `{method}` | `{var}` |");
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Errors\n");
    let _ = writeln!(
        out,
        "Every call returns `Result<_, {name}::Error>`. `Validation` means a value broke a limit the API \
         declares and nothing was sent; `Transport` that the server could not be reached; `Api` that it \
         answered with an error status (status, headers and body are kept); `Decode` that a success body \
         did not fit, naming the field.\n"
    );
    let _ = writeln!(out, "## Operations\n");
    let _ = writeln!(out, "| Method | HTTP | Summary |\n|---|---|---|");
    for op in &api.operations {
        let summary = op.summary.as_deref().or(op.description.as_deref()).unwrap_or("");
        let summary = summary.lines().next().unwrap_or("").replace('|', "\\|");
        let _ = writeln!(out, "| `{}` | `{} {}` | {summary} |", op.method_name, op.http_method, op.path);
    }
    out
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
        let mut args = Vec::new();
        for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
            args.push(borrowed_example(api, &p.ty, &krate));
        }
        if let Some(body) = &op.body {
            if let Some(ty) = body.content.values().next() {
                let value = example_value(api, ty, &krate, 0, true);
                let _ = writeln!(out, "    let body = {value};");
                args.push(if body.required { "&body".to_owned() } else { "Some(&body)".to_owned() });
            }
        }
        if let Some(id) = &op.params_type {
            let value = example_value(api, &TypeRef::Named(id.clone()), &krate, 0, false);
            let _ = writeln!(out, "    let params = {value};");
            args.push("&params".to_owned());
        }
        let _ = writeln!(out, "    let response = client.{}({}).await?;", op.method_name, args.join(", "));
        let _ = writeln!(out, "    println!(\"{{response:?}}\");");
    }
    let _ = writeln!(out, "    Ok(())");
    let _ = writeln!(out, "}}");
    out
}

fn borrowed_example(api: &Api, ty: &TypeRef, krate: &str) -> String {
    match ty {
        TypeRef::Scalar(Scalar::String | Scalar::Uri) => "\"example\"".to_owned(),
        TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Any => format!("&{}", example_value(api, ty, krate, 0, false)),
        TypeRef::List(_) => "&[]".to_owned(),
        TypeRef::Scalar(Scalar::Bytes) => "&[]".to_owned(),
        _ => example_value(api, ty, krate, 0, false),
    }
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
            Scalar::Decimal => "rust_decimal::Decimal::ZERO".to_owned(),
            Scalar::Bytes => "Vec::new()".to_owned(),
        },
        TypeRef::List(_) => "Vec::new()".to_owned(),
        TypeRef::Map(_) => "Default::default()".to_owned(),
        TypeRef::Any => "serde_json::Value::Null".to_owned(),
        TypeRef::Named(id) => {
            let Some(def) = api.types.get(id) else { return "Default::default()".to_owned() };
            let name = def.views.name(Direction::Request);
            let path = format!("{krate}::types::{name}");
            match &def.kind {
                TypeKind::Enum(e) => match e.variants.first() {
                    Some(v) => format!("{path}::{}", v.rust_name),
                    None => format!("{path}::Unknown(String::new())"),
                },
                TypeKind::Alias(target) => example_value(api, target, krate, depth + 1, false),
                TypeKind::Struct(s) if depth < 4 => {
                    let direction = if def.usage.request || !def.usage.response { Direction::Request } else { Direction::Response };
                    let fields: Vec<&Field> = s.fields.iter().filter(|f| f.presence(direction) != Presence::Absent).collect();
                    let required: Vec<String> = fields
                        .iter()
                        .filter(|f| f.presence(direction) == Presence::Required && !f.nullable)
                        .map(|f| {
                            let value = example_value(api, &f.ty, krate, depth + 1, false);
                            // `new` takes `impl Into<String>` for strings: a literal reads better.
                            value.strip_suffix(".to_owned()").map(str::to_owned).unwrap_or(value)
                        })
                        .collect();
                    let mut expr = format!("{path}::new({})", required.join(", "));
                    if show_optional {
                        let optional_string = fields.iter().find(|f| {
                            f.presence(direction) == Presence::Optional
                                && matches!(f.ty, TypeRef::Scalar(Scalar::String))
                        });
                        if let Some(f) = optional_string {
                            let _ = write!(expr, "\n        .{}(\"example\")", f.rust_name);
                        }
                    }
                    expr
                }
                TypeKind::Struct(_) => "Default::default()".to_owned(),
            }
        }
    }
}
