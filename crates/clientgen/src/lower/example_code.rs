//! The example code the generated docs show, decided in lowering: the call of an operation with
//! example values, and the program the crate docs and the README start with; each compiles as a
//! doctest.

use std::fmt::Write as _;

use crate::model::*;

/// A complete program: build a client, call the first operation, print the result.
pub fn example_program(api: &Api) -> String {
    let krate = &api.settings.crate_path;
    let mut out = String::new();
    let _ = writeln!(out, "#[tokio::main]");
    let _ = writeln!(out, "async fn main() -> Result<(), {krate}::Error> {{");
    let _ = writeln!(out, "    let client = {krate}::Client::builder()");
    if api.servers.default_url().is_none() {
        let _ = writeln!(out, "        .base_url(\"https://api.example.com\")");
    }
    for s in api.examples.credentials.iter().filter_map(|name| api.security_schemes.get(name)) {
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
        for line in call_code(api, op, None, None, krate).lines() {
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

/// What the spec gives as examples of one operation, when it gives some.
fn operation_examples<'a>(api: &'a Api, op: &Operation) -> Option<&'a OperationExamples> {
    api.examples.operations.get(&op.name)
}

/// A value of `ty` as an argument taking it borrowed (`&str`, `&T`) or, for `Copy` types, by value.
fn borrowed_example(api: &Api, ty: &TypeRef, example: Option<&Example>, krate: &str) -> String {
    match (ty, example) {
        (TypeRef::Scalar(Scalar::String | Scalar::Uri), Some(Example::Text(text))) => format!("{text:?}"),
        (TypeRef::Scalar(Scalar::String | Scalar::Uri), _) => "\"example\"".to_owned(),
        (TypeRef::List(item), Some(Example::List(items))) if !items.is_empty() => {
            let items: Vec<String> = items.iter().map(|e| example_value(api, item, Some(e), krate, 1, false)).collect();
            format!("&[{}]", items.join(", "))
        }
        (
            TypeRef::Named(_)
            | TypeRef::Map(_)
            | TypeRef::Any
            | TypeRef::Expandable(_)
            | TypeRef::Scalar(Scalar::Bytes),
            _,
        ) => {
            format!("&{}", example_value(api, ty, example, krate, 0, false))
        }
        (TypeRef::List(_), _) => "&[]".to_owned(),
        _ => example_value(api, ty, example, krate, 0, false),
    }
}

/// The statements that build an operation's arguments and call it (through the method of
/// `variant`, or the default one; or through `stream`, a stream method taking the same
/// arguments), as `response`: with the spec's example values where it gives them, and after
/// a buffered call the response example it documents, as a comment.
pub fn call_code(
    api: &Api,
    op: &Operation,
    variant: Option<&BodyVariant>,
    stream: Option<&str>,
    krate: &str,
) -> String {
    let examples = operation_examples(api, op);
    let parameter_example = |p: &Parameter| examples.and_then(|e| e.parameters.get(&p.wire_name));
    let mut out = String::new();
    let mut args = Vec::new();
    for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
        args.push(borrowed_example(api, &p.ty, parameter_example(p), krate));
    }
    let variant = variant.or_else(|| op.body.as_ref().and_then(|b| b.variants.first()));
    if let (Some(body), Some(variant)) = (&op.body, variant) {
        let example = examples.and_then(|e| e.bodies.get(&variant.media_type));
        let value = match (variant.encoding, example) {
            (Encoding::Text, Some(Example::Text(text))) => format!("{text:?}"),
            (Encoding::Text, _) => "\"example\"".to_owned(),
            (Encoding::Bytes, _) => format!("{krate}::types::ByteSource::from_path(\"example.bin\")"),
            _ => example_value(api, &variant.ty, example, krate, 0, true),
        };
        let _ = writeln!(out, "let body = {value};");
        let structured = !matches!(variant.encoding, Encoding::Text | Encoding::Bytes);
        let by_value = variant.encoding == Encoding::Bytes || (structured && variant.ty.is_copy());
        let arg = if by_value { "body" } else { "&body" };
        args.push(if body.required { arg.to_owned() } else { format!("Some({arg})") });
        // The multipart method's part headers, as `new` makes them.
        let part_headers = body.multipart.as_ref().and_then(|m| m.headers_type.as_ref());
        if let (Encoding::Multipart, Some(id)) = (variant.encoding, part_headers) {
            let value = example_value(api, &TypeRef::Named(id.clone()), None, krate, 0, false);
            let _ = writeln!(out, "let part_headers = {value};");
            args.push("&part_headers".to_owned());
        }
    }
    if let Some(id) = &op.params_type {
        // The parameters' examples, as the fields of the struct holding them.
        let fields: Vec<(String, Example)> = op
            .parameters
            .iter()
            .filter(|p| p.location != ParamLocation::Path)
            .filter_map(|p| Some((p.wire_name.clone(), parameter_example(p)?.clone())))
            .collect();
        let example = (!fields.is_empty()).then_some(Example::Object(fields));
        let value = example_value(api, &TypeRef::Named(id.clone()), example.as_ref(), krate, 0, false);
        let _ = writeln!(out, "let params = {value};");
        args.push("&params".to_owned());
    }
    let binding = if returns_value(op) || stream.is_some() { "let response = " } else { "" };
    let method =
        api.call(op, stream.unwrap_or_else(|| variant.map_or(op.method_name.as_str(), |v| v.method_name.as_str())));
    let _ = writeln!(out, "{binding}client.{method}({}).await?;", args.join(", "));
    if let Some(shown) = examples.and_then(|e| e.response.as_ref()).filter(|_| stream.is_none() && returns_value(op)) {
        out.push_str(&response_comment(shown));
    }
    out
}

/// The most lines of a response example a doc shows.
const RESPONSE_LINES: usize = 16;

/// `// …` lines showing a response example, cut to [`RESPONSE_LINES`].
fn response_comment(shown: &ResponseExample) -> String {
    let mut out = format!("// The API documents a {} response such as:\n", shown.status);
    let text = serde_json::to_string_pretty(&shown.value).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(RESPONSE_LINES) {
        // Never a Markdown fence, which would end the code block the comment sits in.
        let _ = writeln!(out, "// {}", line.replace("```", "` ` `"));
    }
    if lines.len() > RESPONSE_LINES {
        out.push_str("// …\n");
    }
    out
}

/// Whether a successful call returns a value: some 2xx (or, with none, `default`) has a body.
pub fn returns_value(op: &Operation) -> bool {
    op.responses.values().any(|response| response.outcome == Outcome::Success && !response.content.is_empty())
}

/// How many optional properties of an example a struct's builder sets at most.
const MAX_SETTERS: usize = 8;

/// A Rust expression building a value of `ty`: from `example` when it is given and fits (else
/// the type's own example, else a placeholder); `show_optional` also sets one optional string
/// when no example gives the value.
fn example_value(
    api: &Api,
    ty: &TypeRef,
    example: Option<&Example>,
    krate: &str,
    depth: usize,
    show_optional: bool,
) -> String {
    let example = example.or_else(|| match ty {
        TypeRef::Named(id) if depth < 4 => api.examples.types.get(id),
        _ => None,
    });
    if let Some(value) = example.and_then(|e| built(api, ty, e, krate, depth)) {
        return value;
    }
    // No example of the whole, but of some properties: those of the required ones fill `new`,
    // and a top-level value sets the optional ones too.
    let own = match ty {
        TypeRef::Named(id) if depth < 4 => api.examples.fields.get(id),
        _ => None,
    };
    if let Some(own) = own {
        let fields = own.iter().map(|(name, e)| (name.clone(), e.clone()));
        let given = Example::Object(if show_optional { fields.collect() } else { Vec::new() });
        if let Some(value) = built(api, ty, &given, krate, depth) {
            return value;
        }
    }
    placeholder(api, ty, krate, depth, show_optional)
}

/// `example` built as a `ty`, or `None` when it does not fit (the caller then uses a placeholder).
fn built(api: &Api, ty: &TypeRef, example: &Example, krate: &str, depth: usize) -> Option<String> {
    Some(match (ty, example) {
        (TypeRef::Scalar(scalar), example) => scalar_value(*scalar, example, krate)?,
        (TypeRef::List(_), Example::List(items)) if items.is_empty() => "Vec::new()".to_owned(),
        (TypeRef::List(item), Example::List(items)) => {
            let items: Vec<String> =
                items.iter().map(|e| nested(&example_value(api, item, Some(e), krate, depth + 1, false))).collect();
            format!("vec![{}]", items.join(", "))
        }
        (TypeRef::Map(_), Example::Map(entries)) if entries.is_empty() => "Default::default()".to_owned(),
        (TypeRef::Map(item), Example::Map(entries)) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, e)| {
                    format!(
                        "({k:?}.to_owned(), {})",
                        nested(&example_value(api, item, Some(e), krate, depth + 1, false))
                    )
                })
                .collect();
            format!("[{}].into_iter().collect()", entries.join(", "))
        }
        (TypeRef::Any, Example::Json(value)) => format!("serde_json::json!({})", json_tokens(value)),
        (TypeRef::Expandable(_), Example::Text(id)) => format!("{krate}::types::Expandable::from({id:?})"),
        (TypeRef::Named(id), example) => {
            let def = api.types.get(id)?;
            let view = def.view(Direction::Request);
            let path = format!("{krate}::types::{}", view.name);
            match (&def.kind, example) {
                (TypeKind::Enum(e), Example::Variant(index)) => {
                    format!("{path}::{}", e.variants.get(*index)?.rust_name)
                }
                (TypeKind::Alias(target), example) => built(api, target, example, krate, depth + 1)?,
                (TypeKind::Union(u), Example::Union(index, inner)) if depth < 4 => {
                    let v = u.variants.get(*index)?;
                    let inner = nested(&built(api, &v.ty, inner, krate, depth + 1)?);
                    let inner = if v.boxed { format!("Box::new({inner})") } else { inner };
                    format!("{path}::{}({inner})", v.rust_name)
                }
                (TypeKind::Struct(_), Example::Object(given)) if depth < 4 => {
                    let own = api.examples.fields.get(id);
                    let example_of = |f: &Field| {
                        given
                            .iter()
                            .find(|(name, _)| *name == f.wire_name)
                            .map(|(_, e)| e)
                            .or_else(|| own?.get(&f.wire_name))
                    };
                    let fields: Vec<(&Field, &ViewField)> = def.fields_of(view).collect();
                    let required: Vec<String> = fields
                        .iter()
                        .filter(|(_, view_field)| view_field.is_argument())
                        .map(|(f, view_field)| {
                            let value = example_value(api, &f.ty, example_of(f), krate, depth + 1, false);
                            argument(api, &f.ty, view_field, &value, krate)
                        })
                        .collect();
                    let mut expr = format!("{path}::new({})", required.join(", "));
                    let optional = fields.iter().filter(|(f, view_field)| {
                        view_field.setter.is_some() && given.iter().any(|(name, _)| *name == f.wire_name)
                    });
                    for (f, view_field) in optional.take(MAX_SETTERS) {
                        let setter = view_field.setter.as_deref().unwrap_or_default();
                        let value = example_value(api, &f.ty, example_of(f), krate, depth + 1, false);
                        let value = argument(api, &f.ty, view_field, &value, krate);
                        let _ = write!(expr, "\n    .{setter}({})", nested(&value));
                    }
                    expr
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// A value of `ty` as an argument of `new` or a setter, which take `impl Into<String>` for
/// strings: a literal reads better than an owned string. A field that takes `impl Into<T>` of
/// a union ([`ViewField::into`]) is given the variant's value when the union converts from it
/// (and a literal for the variant `&str` converts into).
fn argument(api: &Api, ty: &TypeRef, view_field: &ViewField, value: &str, krate: &str) -> String {
    let literal = value.strip_suffix(".to_owned()").filter(|literal| literal.starts_with('"'));
    match literal {
        Some(literal) if matches!(ty, TypeRef::Scalar(Scalar::String | Scalar::Uri)) => return literal.to_owned(),
        _ => {}
    }
    if !view_field.into {
        return value.to_owned();
    }
    // An id converts into an expandable field: the setter takes the text itself.
    if let TypeRef::Expandable(_) = ty {
        let id =
            value.strip_prefix(&format!("{krate}::types::Expandable::from(")).and_then(|rest| rest.strip_suffix(')'));
        return id.unwrap_or(value).to_owned();
    }
    let TypeRef::Named(id) = ty else { return value.to_owned() };
    let Some(def) = api.types.get(id) else { return value.to_owned() };
    let TypeKind::Union(u) = &def.kind else { return value.to_owned() };
    let path = format!("{krate}::types::{}::", def.view(Direction::Request).name);
    for (index, variant) in u.variants.iter().enumerate().filter(|(_, v)| v.from && !v.boxed) {
        let inner = value
            .strip_prefix(&path)
            .and_then(|rest| rest.strip_prefix(variant.rust_name.as_str()))
            .and_then(|rest| rest.strip_prefix('('))
            .and_then(|rest| rest.strip_suffix(')'));
        if let Some(inner) = inner {
            let literal = inner.strip_suffix(".to_owned()").filter(|literal| literal.starts_with('"'));
            return match literal {
                Some(literal) if u.from_str == Some(index) => literal.to_owned(),
                _ => inner.replace("\n    ", "\n"),
            };
        }
    }
    value.to_owned()
}

/// A multi-line value placed inside another: its continuation lines indented once more.
fn nested(value: &str) -> String {
    value.replace('\n', "\n    ")
}

/// A scalar example as Rust spells it, or `None` when it does not fit the scalar.
fn scalar_value(scalar: Scalar, example: &Example, krate: &str) -> Option<String> {
    Some(match (scalar, example) {
        (Scalar::String | Scalar::Uri, Example::Text(text)) => format!("{text:?}.to_owned()"),
        (Scalar::Uuid, Example::Text(text)) => format!("{text:?}.parse::<uuid::Uuid>().expect(\"a valid UUID\")"),
        (Scalar::DateTime, Example::Text(text)) => {
            format!("{text:?}.parse::<chrono::DateTime<chrono::Utc>>().expect(\"a valid date-time\")")
        }
        (Scalar::Date, Example::Text(text)) => {
            format!("{text:?}.parse::<chrono::NaiveDate>().expect(\"a valid date\")")
        }
        (Scalar::Bool, Example::Bool(b)) => b.to_string(),
        (Scalar::I32, Example::Int(n)) if i32::try_from(*n).is_ok() => n.to_string(),
        (Scalar::I64, Example::Int(n)) => n.to_string(),
        (Scalar::Decimal, Example::Int(n)) => format!("{krate}::types::Decimal::from({n}_i64)"),
        #[allow(clippy::cast_possible_truncation)]
        (Scalar::F32, Example::Float(n)) if n.is_finite() && n.abs() <= f64::from(f32::MAX) => {
            format!("{:?}", *n as f32)
        }
        (Scalar::F64, Example::Float(n)) if n.is_finite() => format!("{n:?}"),
        _ => return None,
    })
}

/// A JSON value as the tokens of `serde_json::json!`: strings as Rust literals, integers past
/// `i32` with a suffix (an unsuffixed literal would be an `i32`).
fn json_tokens(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), ..) if i32::try_from(i).is_ok() => i.to_string(),
            (Some(i), ..) => format!("{i}_i64"),
            (None, Some(u), _) => format!("{u}_u64"),
            (.., Some(f)) if f.is_finite() => format!("{f:?}"),
            _ => "null".to_owned(),
        },
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) => format!("[{}]", items.iter().map(json_tokens).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => {
            let entries: Vec<String> = map.iter().map(|(k, v)| format!("{k:?}: {}", json_tokens(v))).collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

/// A Rust expression building some value of `ty`, from its type alone; `show_optional` also
/// sets one optional string.
fn placeholder(api: &Api, ty: &TypeRef, krate: &str, depth: usize, show_optional: bool) -> String {
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
        TypeRef::Expandable(_) => format!("{krate}::types::Expandable::from(\"example\")"),
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
                TypeKind::Alias(target) => example_value(api, target, None, krate, depth + 1, false),
                TypeKind::Union(u) => match u.variants.first() {
                    Some(v) if depth < 4 => {
                        let inner = example_value(api, &v.ty, None, krate, depth + 1, false);
                        let inner = if v.boxed { format!("Box::new({inner})") } else { inner };
                        format!("{path}::{}({inner})", v.rust_name)
                    }
                    _ => format!("{path}::Other(serde_json::Value::Null)"),
                },
                TypeKind::Struct(_) if depth < 4 => {
                    let fields: Vec<(&Field, &ViewField)> = def.fields_of(view).collect();
                    let required: Vec<String> = fields
                        .iter()
                        .filter(|(_, view_field)| view_field.is_argument())
                        .map(|(f, view_field)| {
                            let value = example_value(api, &f.ty, None, krate, depth + 1, false);
                            argument(api, &f.ty, view_field, &value, krate)
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
