//! The example code the generated docs show: the call of an operation with example values,
//! the crate-level example, and the README's; each compiles as a doctest.

use std::fmt::Write as _;

use crate::Config;
use crate::model::*;

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
        for line in call_code(api, op, None, None, &krate).lines() {
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
/// `variant`, or the default one; or through `stream`, a stream method taking the same
/// arguments), as `response`.
pub fn call_code(
    api: &Api,
    op: &Operation,
    variant: Option<&BodyVariant>,
    stream: Option<&str>,
    krate: &str,
) -> String {
    let mut out = String::new();
    let mut args = Vec::new();
    for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
        args.push(borrowed_example(api, &p.ty, krate));
    }
    let variant = variant.or_else(|| op.body.as_ref().and_then(|b| b.variants.first()));
    if let (Some(body), Some(variant)) = (&op.body, variant) {
        let value = match variant.encoding {
            Encoding::Text => "\"example\"".to_owned(),
            Encoding::Bytes => format!("{krate}::types::ByteSource::from_path(\"example.bin\")"),
            _ => example_value(api, &variant.ty, krate, 0, true),
        };
        let _ = writeln!(out, "let body = {value};");
        let structured = !matches!(variant.encoding, Encoding::Text | Encoding::Bytes);
        let by_value = variant.encoding == Encoding::Bytes || (structured && variant.ty.is_copy());
        let arg = if by_value { "body" } else { "&body" };
        args.push(if body.required { arg.to_owned() } else { format!("Some({arg})") });
    }
    if let Some(id) = &op.params_type {
        let value = example_value(api, &TypeRef::Named(id.clone()), krate, 0, false);
        let _ = writeln!(out, "let params = {value};");
        args.push("&params".to_owned());
    }
    let binding = if returns_value(op) || stream.is_some() { "let response = " } else { "" };
    let method = stream.unwrap_or_else(|| variant.map_or(op.method_name.as_str(), |v| v.method_name.as_str()));
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
            Scalar::Bytes => format!(
                "{krate}::types::File::new(\"example.bin\", \"application/octet-stream\", b\"example\".to_vec())"
            ),
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
