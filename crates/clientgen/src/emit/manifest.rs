//! Emits the generated crate's Cargo.toml and README.md.

use std::fmt::Write as _;

use crate::model::*;
use crate::registry::{self, Defaults, Part, TRANSPORT_FEATURES};

/// The generated crate's Cargo.toml (without the header line).
pub fn cargo_toml(api: &Api) -> String {
    let features = &api.features;
    let mut out = String::new();
    let config = &api.settings;
    let description = &config.description;
    let _ = writeln!(out, "[package]");
    let _ = writeln!(out, "name = {}", toml_string(&config.crate_name));
    let _ = writeln!(out, "version = {}", toml_string(&config.crate_version));
    let _ = writeln!(out, "edition = \"2024\"");
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
    // The runtime's dependencies for the parts the crate has, at the runtime's versions, and
    // those of its types.
    let mut deps = features.parts().dependencies();
    for (name, used) in [("uuid", features.uuid), ("chrono", features.chrono)] {
        if let Some(spec) = registry::type_dependency(name).filter(|_| used) {
            deps.insert(name, spec);
        }
    }
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
        let _ = writeln!(out, "{} = {}", feature.name, registry::real_feature(feature.name));
    }
    let _ = writeln!(out, "# `blocking::Client`: the same calls, synchronously, for scripts and command-line tools.");
    let _ = writeln!(out, "blocking = {}", registry::real_feature("blocking"));
    let _ =
        writeln!(out, "# `Deserialize` for the types only ever sent (request bodies), for mock servers and fixtures.");
    let _ = writeln!(out, "deserialize-requests = []");
    let _ =
        writeln!(out, "# A `tracing` span for every call and an event for every request; no credentials, no bodies.");
    let _ = writeln!(out, "tracing = {}", registry::real_feature("tracing"));
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
    for (name, spec) in registry::dev_dependencies() {
        let _ = writeln!(out, "{name} = {spec}");
    }
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

/// The values a README prose section is filled in with, found from the API and the settings.
type Fill = fn(&Api) -> Vec<(&'static str, String)>;

/// The generated crate's README.md (without the header line). The prose about the runtime is
/// the runtime's (`crates/runtime/readme/`); what varies per API is filled in here.
pub fn readme(api: &Api) -> String {
    let features = &api.features;
    let mut out = String::new();
    let config = &api.settings;
    let name = &config.crate_name;
    let krate = &config.crate_path;
    let _ = writeln!(out, "# {name}\n");
    let _ = writeln!(out, "A Rust client for the {} (version {}).\n", api.title, api.version);
    if let Some(description) = &config.readme_description {
        let _ = writeln!(out, "{description}\n");
    }

    let parts = features.parts();
    let install = [("name", name.as_str()), ("version", config.crate_version.as_str())];
    out.push_str(&registry::readme("install", &parts, &install));

    let _ = writeln!(out, "## Quick start\n");
    let _ = writeln!(out, "```rust\n{}```\n", api.example_program);

    credentials_section(&mut out, api);
    let _ = writeln!(out, "## Operations\n");
    let _ = writeln!(out, "| Method | HTTP | Summary |\n|---|---|---|");
    for op in &api.operations {
        let summary = op.summary.as_deref().or(op.description.as_deref()).map(first_line).unwrap_or_default();
        let call = api.call_text(op, &op.method_name);
        // The heading's anchor: its text without the punctuation GitHub drops.
        let anchor = call.replace(['(', ')', '.'], "");
        let _ = writeln!(out, "| [`{call}`](#{anchor}) | `{} {}` | {summary} |", op.http_method, op.path);
    }
    let _ = writeln!(out);
    for op in &api.operations {
        operation_section(&mut out, api, op);
    }

    let package = &config.crate_name;
    let has = |part: Part| parts.has(part);
    let sections: [(&str, bool, Fill); 9] = [
        ("upload", has(Part::Upload), |_| Vec::new()),
        ("byte-stream", has(Part::ByteStream), streams),
        ("pagination", has(Part::Pagination), pagination),
        ("webhooks", has(Part::Webhooks), webhooks),
        ("errors", true, errors),
        ("configuration", true, configuration),
        ("hooks", true, |_| Vec::new()),
        ("features", true, tag_features),
        ("tls", true, |_| transport()),
    ];
    for (section, wanted, fill) in sections {
        if wanted {
            let filled = fill(api);
            let mut values = vec![("crate", krate.as_str()), ("package", package.as_str())];
            values.extend(filled.iter().map(|(key, value)| (*key, value.as_str())));
            out.push_str(&registry::readme(section, &parts, &values));
        }
    }
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

/// A type as the README's tables show it.
fn shown(api: &Api, ty: &TypeRef) -> String {
    super::rust::rust_type(api, ty, Direction::Response, &quote::quote! {}).owned.to_string().replace(' ', "")
}

/// The README's stream methods: a table row each.
fn streams(api: &Api) -> Vec<(&'static str, String)> {
    let methods: Vec<(&Operation, &StreamMethod)> =
        api.operations.iter().flat_map(|op| op.streams.iter().map(move |m| (op, m))).collect();
    let mut rows = String::new();
    for &(op, m) in &methods {
        let returns = match &m.kind {
            StreamKind::Bytes => "`ByteStream` (chunks of `bytes::Bytes`)".to_owned(),
            StreamKind::Events { data, sentinel } => {
                let data = match data {
                    EventData::Json(ty) => shown(api, ty),
                    EventData::Text => "String".to_owned(),
                };
                let end = sentinel.as_ref().map(|s| format!("; ends at the data `{s}`")).unwrap_or_default();
                format!("`EventStream<{data}>` (Server-Sent Events{end})")
            }
            StreamKind::JsonLines { item, .. } => format!("`JsonLines<{}>` (one item a line)", shown(api, item)),
        };
        let _ = writeln!(
            rows,
            "| `{}` | {returns} | `{}` |",
            api.call_text(op, &m.method_name),
            api.call_text(op, &m.mirrors)
        );
    }
    let first = methods.first().map(|(op, m)| api.call(op, &m.method_name)).unwrap_or_default();
    vec![("methods", rows), ("first", first)]
}

/// The README's page methods: a table row each.
fn pagination(api: &Api) -> Vec<(&'static str, String)> {
    let paged: Vec<(&Operation, &PageMethod)> =
        api.operations.iter().filter_map(|op| Some((op, op.pages.as_ref()?))).collect();
    let mut rows = String::new();
    for &(op, pages) in &paged {
        let how = pages.how.replace('|', "\\|");
        let item = shown(api, &pages.item);
        let (method, mirrors) = (api.call_text(op, &pages.method_name), api.call_text(op, &pages.mirrors));
        let _ = writeln!(rows, "| `{method}` | `{item}` | `{mirrors}` | {how} |");
    }
    let first = paged.first().map(|(op, p)| api.call(op, &p.method_name)).unwrap_or_default();
    vec![("methods", rows), ("first", first)]
}

/// The README's decode functions of the requests the API sends: a table row each, and the
/// first one's handler.
fn webhooks(api: &Api) -> Vec<(&'static str, String)> {
    let Some(webhooks) = &api.webhooks else { return Vec::new() };
    let mut rows = String::new();
    for w in &webhooks.items {
        let receives = match &w.callback {
            None => format!("the `{}` webhook", w.name),
            Some(of) => format!("the `{}` callback of `{}`", w.name, of.operation),
        };
        let signed = if w.signature.is_some() { "Standard Webhooks" } else { "no" };
        let (function, method, payload) = (&w.function, &w.http_method, shown(api, &w.payload));
        let _ = writeln!(rows, "| `webhooks::{function}` | {receives} (`{method}`) | `{payload}` | {signed} |");
    }
    let first = webhooks.items.first();
    let signed = first.is_some_and(|w| w.signature.is_some());
    let (param, arg) = if signed { (", secret: &webhooks::Secret", ", secret") } else { ("", "") };
    vec![
        ("functions", rows),
        ("first", first.map(|w| w.function.clone()).unwrap_or_default()),
        ("secret_param", param.to_owned()),
        ("secret_arg", arg.to_owned()),
    ]
}

/// What the README's errors say error bodies decode into.
fn errors(api: &Api) -> Vec<(&'static str, String)> {
    let Some(errors) = &api.error_body else { return Vec::new() };
    let view = |id: &TypeId| api.types.get(id).map_or(String::new(), |def| def.view(Direction::Response).name.clone());
    let statuses = |v: &ErrorVariant| v.statuses.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
    let mut what = if errors.is_enum() {
        let variants: Vec<String> = errors
            .variants
            .iter()
            .map(|v| format!("`{}(types::{})` for {}", v.rust_name, view(&v.ty), statuses(v)))
            .collect();
        format!("an enum of the API's error schemas: {}", variants.join("; "))
    } else {
        format!("`types::{}`, the one error schema the API declares", view(&errors.variants[0].ty))
    };
    if let Some(v) = errors.variants.iter().find(|v| v.undeclared) {
        what.push_str(&format!(
            "; an operation that declares neither `default` nor a `4XX` or `5XX` range decodes its other error \
             statuses into `types::{}`, the schema most of the API's error responses declare",
            view(&v.ty)
        ));
    }
    vec![("error_type", errors.name.clone()), ("error_what", what)]
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
        for (line, variant) in api.client_docs.server_lines.iter().zip(&choice.variants) {
            let _ = writeln!(out, "- `{}::{variant}`: {line}", choice.name);
        }
        let _ = writeln!(out);
    }
    if !servers.variables.is_empty() {
        let _ = writeln!(out, "Server variables fill in the server's URL; each has a builder method:\n");
        let _ = writeln!(out, "| Variable | Builder method | Values and default |\n|---|---|---|");
        for (v, line) in servers.variables.iter().zip(&api.client_docs.variable_lines) {
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
            if let Some((_, server)) = servers.of_operation(&op.name) {
                let _ = writeln!(out, "- `{}`: {}", api.call_text(op, &op.method_name), super::docs::code(&server.url));
            }
        }
        let _ = writeln!(out);
    }
}

/// The README's base URL and servers, and the runtime's defaults.
fn configuration(api: &Api) -> Vec<(&'static str, String)> {
    let base_url_env = &api.settings.base_url_env;
    let base_url = match (api.servers.default_url(), api.servers.list.first()) {
        (Some(url), _) => {
            format!("Requests go to `{url}` unless `base_url` (or `{base_url_env}`) says otherwise.\n")
        }
        (None, None) => format!("The API declares no server, so `base_url` (or `{base_url_env}`) is required.\n"),
        (None, Some(server)) => format!(
            "The API's server, {}, is a relative URL, so `base_url` (or `{base_url_env}`) is required.\n",
            super::docs::code(&server.url)
        ),
    };
    let mut servers = String::new();
    servers_section(&mut servers, api);
    let d = Defaults::get();
    let retried = crate::registry::RetryStatuses::get();
    vec![
        ("base_url", base_url),
        ("servers", servers),
        ("max_retries", d.max_retries.to_string()),
        ("timeout_secs", d.timeout_secs.to_string()),
        ("connect_timeout_secs", d.connect_timeout_secs.to_string()),
        ("initial_backoff_ms", d.initial_backoff_ms.to_string()),
        ("max_backoff_secs", d.max_backoff_secs.to_string()),
        ("max_retry_after_secs", d.max_retry_after_secs.to_string()),
        ("max_response_mib", d.max_response_mib.to_string()),
        ("error_body_kib", d.error_body_kib.to_string()),
        ("idempotent", crate::model::idempotent_methods_text()),
        ("always_statuses", crate::registry::retry_codes(&retried.always)),
        ("idempotent_statuses", crate::registry::retry_codes(&retried.idempotent)),
    ]
}

/// The README's tag features: how to compile only some, and a line each.
fn tag_features(api: &Api) -> Vec<(&'static str, String)> {
    let Some(first) = api.tag_features.first() else { return vec![("tags", String::new())] };
    let mut lines = String::new();
    for tag in &api.tag_features {
        let _ = writeln!(lines, "- `{}`: {}", tag.feature, tag_summary(tag));
    }
    let parts = registry::Parts::default();
    let package = api.settings.crate_name.clone();
    let values = [("package", package.as_str()), ("first", first.feature.as_str()), ("tags", lines.as_str())];
    vec![("tags", registry::readme("tags", &parts, &values))]
}

/// The README's transport features: the defaults, and a line each.
fn transport() -> Vec<(&'static str, String)> {
    let defaults: Vec<String> =
        TRANSPORT_FEATURES.iter().filter(|f| f.default).map(|f| format!("`{}`", f.name)).collect();
    let mut lines = String::new();
    for feature in &TRANSPORT_FEATURES {
        let default = if feature.default { " (default)" } else { "" };
        let _ = writeln!(lines, "- `{}`{default}: {}", feature.name, feature.readme);
    }
    vec![("defaults", defaults.join(", ")), ("transport", lines)]
}

/// A README section for one operation: what it does, an example, its request fields, and what
/// comes back.
fn operation_section(out: &mut String, api: &Api, op: &Operation) {
    let _ = writeln!(out, "### `{}`\n", api.call_text(op, &op.method_name));
    let _ = writeln!(out, "`{} {}`\n", op.http_method, op.path);
    for text in [&op.summary, &op.description].into_iter().flatten() {
        let _ = writeln!(out, "{}\n", text.trim());
    }
    let _ = writeln!(out, "```rust\n{}```\n", op.example);
    if let Some(body) = &op.body {
        if body.variants.len() > 1 {
            let others: Vec<String> = body.variants[1..]
                .iter()
                .map(|v| format!("`{}` (`{}`)", api.call_text(op, &v.method_name), v.media_type))
                .collect();
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
    if let Some(id) = op.body.as_ref().and_then(|b| b.multipart.as_ref()).and_then(|m| m.headers_type.as_ref()) {
        fields_table(out, api, &TypeRef::Named(id.clone()), Direction::Request, "Part headers of the multipart body");
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
        let required = match (&view_field.fixed, required) {
            (Some(_), _) => "filled in",
            (None, true) => "yes",
            (None, false) => "no",
        };
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
