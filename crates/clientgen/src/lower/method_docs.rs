//! The docs of every client method, decided here so that emission only prints them: the spec's
//! summary and description, the HTTP line, the notes a body, a stream or a page method needs,
//! what is retried (from the runtime's own retry statuses), the errors, and a `no_run` example
//! call. Runs last but one in lowering, when every other decision is made.

use std::collections::BTreeMap;

use super::example_code::{call_code, example_program, returns_value};
use crate::model::*;
use crate::rustdoc::{code, doc_lines, method_link};

/// Doc lines by method name, as [`Operation::docs`] holds them.
type MethodDocs = BTreeMap<String, Vec<String>>;

/// Fills [`Operation::docs`], [`Operation::example`], [`PageMethod::how`] and
/// [`Api::example_program`].
pub fn document(api: &mut Api) {
    let decided: Vec<(MethodDocs, String, Option<String>)> = api
        .operations
        .iter()
        .map(|op| {
            let krate = &api.settings.crate_path;
            (method_docs(api, op), call_code(api, op, None, None, krate), op.pages.as_ref().map(how))
        })
        .collect();
    for (op, (docs, example, how)) in api.operations.iter_mut().zip(decided) {
        op.docs = docs;
        op.example = example;
        if let (Some(pages), Some(how)) = (op.pages.as_mut(), how) {
            pages.how = how;
        }
    }
    api.example_program = example_program(api);
}

/// The doc lines of each method of `op`, by the method's name: one per body media type (or one),
/// one per stream method, and the page method.
fn method_docs(api: &Api, op: &Operation) -> MethodDocs {
    let mut docs = BTreeMap::new();
    let variants: Vec<Option<&BodyVariant>> = match &op.body {
        Some(body) if !body.variants.is_empty() => body.variants.iter().map(Some).collect(),
        _ => vec![None],
    };
    for variant in &variants {
        let name = variant.map_or(&op.method_name, |v| &v.method_name);
        docs.insert(name.clone(), operation_doc(api, op, *variant));
    }
    for stream in &op.streams {
        let variant = variants.iter().copied().find(|v| v.map(|v| &v.media_type) == stream.body_media_type.as_ref());
        docs.insert(stream.method_name.clone(), stream_doc(api, op, variant.unwrap_or(variants[0]), stream));
    }
    if let Some(pages) = &op.pages {
        // A page method sends no body: only operations whose body is optional are paged.
        let bodiless = Operation { body: None, ..op.clone() };
        docs.insert(pages.method_name.clone(), pages_doc(api, &bodiless, pages));
    }
    docs
}

fn operation_doc(api: &Api, op: &Operation, variant: Option<&BodyVariant>) -> Vec<String> {
    let summary = op.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let description = op.description.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let text = match (summary, description) {
        (Some(s), Some(d)) if s != d => Some(format!("{s}\n\n{d}")),
        (Some(s), _) => Some(s.to_owned()),
        (None, Some(d)) => Some(d.to_owned()),
        (None, None) => None,
    };
    let mut line = format!(" `{} {}`", op.http_method, op.path);
    let is_default =
        op.body.as_ref().and_then(|b| b.variants.first()).map(|v| &v.method_name) == variant.map(|v| &v.method_name);
    if let Some(v) = variant {
        line.push_str(&format!(", with the body sent as `{}`", v.media_type));
        if is_default && op.body.as_ref().is_some_and(|b| b.variants.len() > 1) {
            line.push_str(" (other media types have methods of their own)");
        }
        line.push('.');
    }
    let mut lines = Vec::new();
    if let Some(text) = text {
        lines.extend(doc_lines(&text));
        lines.push(String::new());
    }
    lines.push(line);
    let notes = [
        variant.and_then(|v| form_boolean_note(api, op, v)),
        variant.and_then(|v| upload_note(api, v)).map(str::to_owned),
        variant.and_then(|v| part_headers_note(api, op, v)),
        deprecated_parameters_note(op),
        variant.and_then(|v| stream_flag_note(op, v)),
        Some(retry_note(op)),
    ];
    for note in notes.into_iter().flatten() {
        lines.extend([String::new(), note]);
    }
    lines.extend(
        [
            "",
            " # Errors",
            "",
            " [`Error::Validation`] before sending when a value breaks a declared limit,",
            " [`Error::Config`] when credentials it needs are not set, [`Error::Transport`] when",
            " the server cannot be reached, [`Error::Api`] for a status that is not a success, and",
            " [`Error::Decode`] when a success body does not fit.",
        ]
        .map(str::to_owned),
    );
    if let Some(typed) = typed_errors_doc(api, op) {
        lines.extend([String::new(), typed]);
    }
    lines.extend(operation_example(api, op, variant, None));
    lines
}

/// What is retried, from the statuses the runtime retries.
fn retry_note(op: &Operation) -> String {
    let statuses = crate::registry::RetryStatuses::get();
    if op.idempotent() {
        format!(
            " Idempotent: retried after {} and transport failures (see [`crate::RequestOptions`]).",
            crate::registry::retry_codes(&statuses.for_idempotent())
        )
    } else {
        format!(
            " Not idempotent: retried only when the connection could not be opened or on {}, never once the request may have reached the server (see [`crate::RequestOptions`]).",
            crate::registry::retry_codes(&statuses.always)
        )
    }
}

/// The docs of a stream method: what it returns, the timeout, and its buffered twin.
fn stream_doc(api: &Api, op: &Operation, variant: Option<&BodyVariant>, stream: &StreamMethod) -> Vec<String> {
    let twin = method_link("Self", &stream.mirrors);
    let mut lines =
        vec![format!(" `{} {}`, with the success body as a stream: {twin} reads it whole.", op.http_method, op.path)];
    lines.push(String::new());
    match &stream.kind {
        StreamKind::Bytes => lines.push(
            " The [`crate::ByteStream`] has the status, headers and content length before the body is read, \
             and yields the body in chunks as they arrive, with no size limit and one chunk held at a time."
                .to_owned(),
        ),
        StreamKind::Events { data, sentinel } => {
            let data = match data {
                EventData::Json(TypeRef::Any) => "its data decoded as a JSON value (the API names no schema)",
                EventData::Json(_) => "its data decoded into the type the API declares",
                EventData::Text => "its data kept as text",
            };
            lines.push(format!(
                " Asks for `text/event-stream` and returns the Server-Sent Events one at a time, each [`crate::Event`] with {data}. \
                 An event whose data does not decode is an [`Error::Event`] item naming it and the field; the stream goes on."
            ));
            if let Some(sentinel) = sentinel {
                lines.push(format!(
                    " The stream ends at the event whose data is `{sentinel}` (not yielded), or at the end of the body."
                ));
            }
            match variant.and_then(|v| v.stream_flag.as_deref()) {
                Some(flag) => lines.push(format!(
                    " The body's `{flag}` field is sent as `true`, whatever it holds: this method asks for the stream."
                )),
                None => lines.push(
                    " When the API also needs the request to ask for a stream (a `stream: true` field), set it in the body."
                        .to_owned(),
                ),
            }
        }
        StreamKind::JsonLines { media_type, .. } => lines.push(format!(
            " Asks for `{media_type}` and returns its items one a line as they arrive, each decoded into the type the API \
             declares ([`crate::JsonLines`]); blank lines are skipped. A line that does not decode is an [`Error::Decode`] \
             item naming the line and the field; the stream goes on."
        )),
    }
    lines.push(String::new());
    lines.push(
        " The timeout ([`crate::RequestOptions::timeout`]) limits the wait for the response head, then each wait for the \
         next chunk, not the whole stream; a late head is not retried."
            .to_owned(),
    );
    lines.push(String::new());
    lines.push(" # Errors".to_owned());
    lines.push(String::new());
    lines.push(
        " As the buffered method before the stream starts; then the stream's items may be [`Error::Timeout`] or \
         [`Error::Transport`], after which it ends."
            .to_owned(),
    );
    lines.extend(operation_example(api, op, variant, Some(&stream.method_name)));
    lines
}

/// The note on a body variant whose stream method sets its stream flag: this method sends it
/// `false`, and which method streams.
fn stream_flag_note(op: &Operation, variant: &BodyVariant) -> Option<String> {
    let flag = variant.stream_flag.as_deref()?;
    let stream = op.streams.iter().find(|s| {
        matches!(s.kind, StreamKind::Events { .. }) && s.body_media_type.as_deref() == Some(&variant.media_type)
    })?;
    let link = method_link("Self", &stream.method_name);
    Some(format!(" The body's `{flag}` field is sent as `false`, whatever it holds: {link} streams the answer."))
}

/// The note naming the parameters the API deprecates: a path parameter is an argument, where
/// no attribute can go; the others are `#[deprecated]` fields and setters of the parameters
/// struct, named here too.
fn deprecated_parameters_note(op: &Operation) -> Option<String> {
    let names: Vec<String> =
        op.parameters.iter().filter(|p| p.deprecated).map(|p| format!("`{}`", p.wire_name)).collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(format!(" Deprecated parameter: {one}; the API may stop reading it.")),
        _ => Some(format!(" Deprecated parameters: {}; the API may stop reading them.", names.join(", "))),
    }
}

/// The `# Errors` sentence on the error schemas an operation declares: which type
/// `Error::Api`'s `decoded` holds for which statuses.
fn typed_errors_doc(api: &Api, op: &Operation) -> Option<String> {
    let errors = api.error_body.as_ref().filter(|_| !op.errors.is_empty())?;
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut undeclared = None;
    for case in &op.errors {
        let view = api.types.get(&case.ty).map_or(String::new(), |def| def.view(Direction::Response).name.clone());
        let target = match &case.variant {
            // The text names no module: where `types` is imported, `types::…` would link
            // itself and make the target redundant.
            Some(variant) => format!("[`{0}::{variant}`](crate::types::{0}::{variant})", errors.name),
            None => format!("[`{view}`](crate::types::{view})"),
        };
        if case.implicit {
            undeclared = Some(target);
            continue;
        }
        let status = format!("`{}`", case.status);
        match groups.iter_mut().find(|(t, _)| *t == target) {
            Some((_, statuses)) => statuses.push(status),
            None => groups.push((target, vec![status])),
        }
    }
    if groups.is_empty() {
        let target = undeclared?;
        return Some(format!(
            " The operation declares no error schema: an error body is decoded into `Error::Api`'s `decoded` field \
             ([`Error::decoded`]) as {target}, the schema most of the API's error responses declare, when it fits; \
             else `decoded` is empty and `decode_failure` says why. `body` keeps the text either way."
        ));
    }
    let other = "any other error status, which the operation does not declare but most of the API's error responses do";
    // The other statuses join the declared ones of the same type, else come last.
    let joins = undeclared.as_ref().is_some_and(|t| groups.iter().any(|(target, _)| target == t));
    let mut parts: Vec<String> = groups
        .into_iter()
        .map(|(target, statuses)| match &undeclared {
            Some(t) if *t == target => format!("{target} for {} and {other}", statuses.join(", ")),
            _ => format!("{target} for {}", statuses.join(", ")),
        })
        .collect();
    parts.extend(undeclared.filter(|_| !joins).map(|target| format!("{target} for {other}")));
    Some(format!(
        " An error body of a declared schema is decoded into `Error::Api`'s `decoded` field ([`Error::decoded`]): \
         {}. A body that does not fit keeps `decoded` empty and says why in `decode_failure`; `body` keeps the text.",
        parts.join("; ")
    ))
}

/// For a binary body, or a multipart body with file parts: how to send one from memory, a file
/// or a stream, and which are retried.
/// For a multipart body whose `encoding` declares part headers: which go with which part, and
/// where the caller sets those without a fixed value.
fn part_headers_note(api: &Api, op: &Operation, variant: &BodyVariant) -> Option<String> {
    let multipart = op.body.as_ref()?.multipart.as_ref().filter(|_| variant.encoding == Encoding::Multipart)?;
    if multipart.headers.is_empty() {
        return None;
    }
    let headers: Vec<String> = multipart
        .headers
        .iter()
        .map(|header| {
            let part = code(&header.part);
            match &header.value {
                PartHeaderValue::Fixed(text) => {
                    format!("{} on {part}", code(&format!("{}: {text}", header.name)))
                }
                PartHeaderValue::Set { .. } => format!("{} on {part}", code(&header.name)),
            }
        })
        .collect();
    let mut note = format!(" The parts carry the headers the API declares for them: {}.", headers.join(", "));
    if let Some(def) = multipart.headers_type.as_ref().and_then(|id| api.types.get(id)) {
        let name = &def.view(Direction::Request).name;
        note.push_str(&format!(" Those without a fixed value are set in [`{name}`](crate::types::{name})."));
    }
    Some(note)
}

fn upload_note(api: &Api, variant: &BodyVariant) -> Option<&'static str> {
    match (variant.encoding, &variant.ty) {
        (Encoding::Bytes, _) => Some(
            " The body is a [`ByteSource`](crate::types::ByteSource): bytes (`&[u8]`, `Vec<u8>`, `String`), a file \
             streamed from its path ([`ByteSource::from_path`](crate::types::ByteSource::from_path)), or a stream or reader \
             ([`ByteSource::from_stream`](crate::types::ByteSource::from_stream)). A stream is sent once: it is retried only \
             when the connection could not be opened.",
        ),
        (Encoding::Multipart, TypeRef::Named(id)) => {
            let def = api.types.get(id)?;
            def.fields_of(def.view(Direction::Request)).any(|(f, _)| f.ty.is_file_part()).then_some(
                " A file part's contents can be bytes, a file streamed from its path \
                 ([`File::from_path`](crate::types::File::from_path)), or a stream or reader \
                 ([`ByteSource::from_stream`](crate::types::ByteSource::from_stream)). A stream is sent once: it is retried \
                 only when the connection could not be opened.",
            )
        }
        _ => None,
    }
}

/// For a form or multipart body: the optional fields sent with their default while unset, and
/// the optional booleans without one, which are not sent and so are `false` to servers that read
/// forms as HTML does (an unchecked box sends nothing), Django REST framework among them.
fn form_boolean_note(api: &Api, op: &Operation, variant: &BodyVariant) -> Option<String> {
    if !matches!(variant.encoding, Encoding::Form | Encoding::Multipart) {
        return None;
    }
    let TypeRef::Named(id) = &variant.ty else { return None };
    let def = api.types.get(id)?;
    let optional: Vec<(&Field, &ViewField)> = def
        .fields_of(def.view(Direction::Request))
        .filter(|(_, view_field)| matches!(view_field.wrapper, Wrapper::Option | Wrapper::OptionNullable))
        .collect();
    let listed = |names: Vec<String>| names.join(", ");
    let defaults = listed(
        optional
            .iter()
            .filter(|(_, view_field)| !view_field.form_default.is_empty())
            .map(|(f, _)| format!("`{}`", f.wire_name))
            .collect(),
    );
    let booleans = listed(
        optional
            .iter()
            .filter(|(f, view_field)| view_field.form_default.is_empty() && f.ty == TypeRef::Scalar(Scalar::Bool))
            .map(|(f, _)| format!("`{}`", f.wire_name))
            .collect(),
    );
    let mut note = String::new();
    if !defaults.is_empty() {
        note.push_str(&format!(
            " A field left unset that declares a default ({defaults}) is sent with it, so the server reads what \
             it applies to a JSON body without the field."
        ));
    }
    if !booleans.is_empty() {
        let json = op.body.as_ref().and_then(|b| b.variants.iter().find(|v| v.encoding == Encoding::Json));
        let alternative = match json {
            Some(v) => format!(", or send JSON (`{}`)", v.method_name.trim_start_matches("r#")),
            None => String::new(),
        };
        note.push_str(&format!(
            " A boolean left unset ({booleans}) is not sent, and servers that read forms as HTML does (Django REST \
             framework among them) take a missing boolean as `false`, not as its default: set the ones you mean{alternative}."
        ));
    }
    (!note.is_empty()).then_some(note)
}

/// The docs of a page method: what it returns, how it goes from page to page, and the example.
fn pages_doc(api: &Api, op: &Operation, pages: &PageMethod) -> Vec<String> {
    let twin = method_link("Self", &pages.mirrors);
    let item = spelled(api, &pages.item);
    let mut lines = vec![
        format!(
            " `{} {}`, every page: the items of the list one at a time, as a [`crate::Pages`] stream of `{item}`. \
             {twin} reads one page.",
            op.http_method, op.path
        ),
        String::new(),
        format!(" {}", how(pages)),
        String::new(),
        " The first page is read before this returns; each next one when the items before it have been taken. \
          Every page's request is sent as any call's is: credentials, retries, the timeout and the hook apply to each."
            .to_owned(),
        String::new(),
        if pages.body_left_out {
            " The operation's request body is optional and not sent: every page is asked for without one.".to_owned()
        } else {
            String::new()
        },
        " # Errors".to_owned(),
        String::new(),
        " As the buffered method, for the first page; a later page that fails is an `Err` item, after which the \
          stream ends."
            .to_owned(),
    ];
    // The body note, when there is none, leaves an empty line after the blank one.
    lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
    lines.extend(operation_example(api, op, None, Some(&pages.method_name)));
    lines
}

/// How a page method goes from one page to the next, in a sentence.
fn how(pages: &PageMethod) -> String {
    let items = pages.items_field.as_ref().map_or("the body".to_owned(), |f| format!("`{}`", f.rust_name));
    match &pages.cursor {
        PageCursor::Query { param, from, keep, has_more } => {
            let from = match from {
                CursorSource::Page(field) => format!("the page's `{}`", field.rust_name),
                CursorSource::LastItem(field) => format!("the `{}` of the last item of {items}", field.rust_name),
            };
            let more = has_more
                .as_ref()
                .map(|f| format!(" while `{}` is true", f.rust_name))
                .unwrap_or_else(|| " until the page has none".to_owned());
            let keep = match keep {
                Some(keep) => format!(
                    "; of the query parameters, only {} are sent again (the cursor stands for the others)",
                    keep.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                ),
                None => String::new(),
            };
            format!("Each next page is asked for with the query parameter `{param}` set to {from}{more}{keep}.")
        }
        PageCursor::Url(field) => {
            format!("Each next page is read from the URL in the page's `{}`, until the page has none.", field.rust_name)
        }
        PageCursor::LinkHeader => {
            "Each next page is read from the URL of the response's `Link` header with `rel=\"next\"`, until a response \
             has none."
                .to_owned()
        }
    }
}
/// A `no_run` doctest calling the method (or, for a stream method, `stream` in its place), with
/// the client set-up hidden.
fn operation_example(api: &Api, op: &Operation, variant: Option<&BodyVariant>, stream: Option<&str>) -> Vec<String> {
    let krate = &api.settings.crate_path;
    let mut lines = vec![
        String::new(),
        " # Example".to_owned(),
        String::new(),
        " ```no_run".to_owned(),
        format!(" # async fn example(client: &{krate}::Client) -> Result<(), {krate}::Error> {{"),
    ];
    let code = call_code(api, op, variant, stream, krate);
    lines.extend(code.lines().map(|line| format!(" {line}")));
    if returns_value(op) || stream.is_some() {
        lines.push(" # let _ = response;".to_owned());
    }
    lines.push(" # Ok(())".to_owned());
    lines.push(" # }".to_owned());
    lines.push(" ```".to_owned());
    lines
}

/// A response type as the generated code spells it without the module (`Vec<Pet>`), for prose.
fn spelled(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Scalar(scalar) => match scalar {
            Scalar::String | Scalar::Uri => "String",
            Scalar::Bool => "bool",
            Scalar::I32 => "i32",
            Scalar::I64 => "i64",
            Scalar::F32 => "f32",
            Scalar::F64 => "f64",
            Scalar::Uuid => "uuid::Uuid",
            Scalar::DateTime => "chrono::DateTime<chrono::Utc>",
            Scalar::Date => "chrono::NaiveDate",
            Scalar::Decimal => "Decimal",
            Scalar::Bytes => "File",
        }
        .to_owned(),
        TypeRef::Named(id) => match api.types.get(id) {
            Some(def) => def.view(Direction::Response).name.clone(),
            None => "serde_json::Value".to_owned(),
        },
        TypeRef::List(inner) => format!("Vec<{}>", spelled(api, inner)),
        TypeRef::Map(inner) => format!("std::collections::BTreeMap<String,{}>", spelled(api, inner)),
        TypeRef::Expandable(inner) => format!("Expandable<{}>", spelled(api, inner)),
        TypeRef::Any => "serde_json::Value".to_owned(),
    }
}
