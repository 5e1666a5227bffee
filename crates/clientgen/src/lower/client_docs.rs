//! The docs of the client, its builder and the servers, decided here so that emission only
//! prints them: the base URL's default, `from_env`'s variables, each credential setter, the
//! server choice and server variables (their enums and builder methods), and the hook
//! setter's example. The README's sentences on servers come from the same functions.

use indexmap::IndexMap;

use crate::model::*;
use crate::rustdoc::{code, doc_lines, sanitize};

/// The doc lines of the client's and builder's fixed items, and the servers' (see
/// [`Api::client_docs`]); each a list of lines as printed, one `#[doc]` attribute each.
#[derive(Debug, Clone, Default)]
pub struct ClientDocs {
    /// `ClientBuilder::base_url`'s second line on: the default, or why it is required.
    pub base_url: String,
    /// `Client::from_env`'s, before its `# Errors`.
    pub from_env: Vec<String>,
    /// Each credential setter's, by the scheme's name in the spec.
    pub credentials: IndexMap<String, Vec<String>>,
    /// The servers enum's (when the API declares several).
    pub server_enum: Vec<String>,
    /// Each server's variant of that enum, in [`Servers::list`]'s order.
    pub server_variants: Vec<Vec<String>>,
    /// The builder method choosing a server.
    pub server_setter: Vec<String>,
    /// Each server variable's values enum (when it lists values) and its builder method, in
    /// [`Servers::variables`]' order.
    pub variables: Vec<(Vec<String>, Vec<String>)>,
    /// The README's line of each server (no rustdoc escapes) and what each variable's values
    /// and defaults are.
    pub server_lines: Vec<String>,
    /// What each variable's values and defaults are, in [`Servers::variables`]' order.
    pub variable_lines: Vec<String>,
    /// The hook setter's compiled example.
    pub hook_example: Vec<String>,
}

/// Fills [`Api::client_docs`].
pub fn document(api: &mut Api) {
    let servers = &api.servers;
    let mut docs = ClientDocs {
        base_url: base_url(api),
        from_env: from_env(api),
        credentials: api.security_schemes.iter().map(|(name, s)| (name.clone(), credential(name, s))).collect(),
        server_lines: servers.list.iter().map(|s| server_line(s, false)).collect(),
        variable_lines: servers.variables.iter().map(|v| variable_line(api, v)).collect(),
        hook_example: hook_example(&api.settings.crate_path),
        ..ClientDocs::default()
    };
    if let Some(choice) = &servers.choice {
        let method = &choice.method;
        docs.server_enum = lines(&format!(
            "A server the API declares, chosen with [`ClientBuilder::{method}`](crate::ClientBuilder::{method}); \
             the first, `{}`, is the default.",
            choice.variants.first().map_or("", String::as_str)
        ));
        docs.server_variants = servers.list.iter().map(|s| lines(&server_line(s, true))).collect();
        let mut text = "Chooses the server requests go to, among those the API declares; the server variables set on \
                        this builder fill in its URL. Unused when a base URL is set.\n"
            .to_owned();
        for (i, (s, variant)) in servers.list.iter().zip(&choice.variants).enumerate() {
            let default = if i == 0 { " (the default)" } else { "" };
            text.push_str(&format!(
                "\n- [`{}::{variant}`](crate::servers::{}::{variant}){default}: {}",
                choice.name,
                choice.name,
                server_line(s, true)
            ));
        }
        docs.server_setter = lines(&text);
    }
    docs.variables = servers.variables.iter().zip(&docs.variable_lines).map(|(v, line)| variable(v, line)).collect();
    api.client_docs = docs;
}

/// Text the generator wrote (spec prose in it already made safe) as doc lines.
fn lines(text: &str) -> Vec<String> {
    text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") }).collect()
}

/// A server variable's values enum's doc, and its builder method's.
fn variable(v: &ServerVariable, values_line: &str) -> (Vec<String>, Vec<String>) {
    let method = &v.method;
    let mut text = format!(
        "The values of the server variable `{}`, set with [`ClientBuilder::{method}`](crate::ClientBuilder::{method}).",
        v.name
    );
    let doc = v.doc.as_deref().map(str::trim).filter(|d| !d.is_empty());
    if let Some(doc) = doc {
        text.push_str("\n\n");
        text.push_str(&sanitize(doc));
    }
    let mut setter = format!("Sets the server variable `{}` of the server's URL.", v.name);
    if let Some(doc) = doc {
        setter.push(' ');
        setter.push_str(&sanitize(doc.lines().next().unwrap_or_default()));
    }
    setter.push_str("\n\n");
    setter.push_str(values_line);
    setter.push_str(" Unused when a base URL is set; the value goes into the URL as given.");
    (lines(&text), lines(&setter))
}

/// The base URL setter's second line: the default, or why there is none.
fn base_url(api: &Api) -> String {
    let servers = &api.servers;
    match servers.default_url() {
        Some(url) if servers.resolved_at_build() => format!(
            " The default is `{url}`. A URL set here (or in `{}`) wins over the server and server \
             variables chosen on this builder, and over the servers of operations.",
            api.settings.base_url_env
        ),
        Some(url) => format!(" The default is `{url}`."),
        None if servers.list.is_empty() => " The API declares no server, so this is required.".to_owned(),
        None => format!(" The API's server, {}, is a relative URL, so this is required.", code(&servers.list[0].url)),
    }
}

/// A credential setter's doc: what it sets and how it is sent, then the spec's description.
fn credential(spec_name: &str, s: &SecurityScheme) -> Vec<String> {
    let how = match &s.kind {
        SecurityKind::Basic => {
            return [
                vec![" Sets the user name and password for HTTP basic authentication.".to_owned(), String::new()],
                spec_or(s, spec_name),
            ]
            .concat();
        }
        SecurityKind::ApiKey { location: ParamLocation::Header, name } => format!("Sent in the `{name}` header."),
        SecurityKind::ApiKey { location: ParamLocation::Query, name } => {
            format!("Sent as the `{name}` query parameter.")
        }
        SecurityKind::ApiKey { name, .. } => format!("Sent as the `{name}` cookie."),
        SecurityKind::Bearer => "Sent as `Authorization: Bearer …`.".to_owned(),
    };
    [vec![format!(" Sets the `{spec_name}` credential. {how}"), String::new()], spec_or(s, spec_name)].concat()
}

/// The scheme's description, or a sentence naming it.
fn spec_or(s: &SecurityScheme, spec_name: &str) -> Vec<String> {
    match s.doc.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => doc_lines(text),
        None => doc_lines(&format!("The `{spec_name}` credential.")),
    }
}

/// `Client::from_env`'s doc: each variable it reads.
fn from_env(api: &Api) -> Vec<String> {
    let mut lines = vec![
        " Builds a client from environment variables:".to_owned(),
        String::new(),
        if api.servers.default_url().is_none() && !api.servers.list.is_empty() {
            format!(" - `{}`: the base URL (required: the API's server is a relative URL);", api.settings.base_url_env)
        } else {
            format!(" - `{}`: the base URL (optional when the API declares a server);", api.settings.base_url_env)
        },
    ];
    for s in api.security_schemes.values() {
        let var = &s.env.value;
        match &s.env.password {
            Some(password) => lines.push(format!(" - `{var}` and `{password}`: HTTP basic credentials;")),
            None => lines.push(format!(" - `{var}`: the `{}` credential;", s.rust_name.trim_start_matches("r#"))),
        }
    }
    if let Some(last) = lines.last_mut() {
        if last.ends_with(';') {
            last.pop();
            last.push('.');
        }
    }
    lines.push(String::new());
    lines.push(" Unset or empty variables are skipped.".to_owned());
    lines
}

/// One server in a sentence: its URL template, its description's first line (made safe for
/// rustdoc when `for_rustdoc`), and what its URL is with the defaults when it has variables.
fn server_line(server: &Server, for_rustdoc: bool) -> String {
    let mut line = code(&server.url);
    if let Some(description) = server.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        let first = description.lines().next().unwrap_or_default();
        line.push_str(": ");
        line.push_str(&if for_rustdoc { sanitize(first) } else { first.to_owned() });
    }
    if !server.variables.is_empty() {
        line.push_str(&format!(" (by default {})", code(&server.default_url)));
    }
    line
}

/// What a variable's builder method says of its values and defaults.
fn variable_line(api: &Api, variable: &ServerVariable) -> String {
    let servers = &api.servers;
    let declaring: Vec<(&Server, &VariableDecl)> =
        servers.list.iter().chain(&servers.own).filter_map(|s| Some((s, s.variables.get(&variable.name)?))).collect();
    let mut line = String::new();
    if let Some((_, first)) = declaring.first() {
        if !first.values.is_empty() && variable.values.is_some() {
            let values: Vec<String> = first.values.iter().map(|v| code(v)).collect();
            line.push_str(&format!("One of {}. ", values.join(", ")));
        }
        if declaring.iter().all(|(_, d)| d.default == first.default) {
            line.push_str(&format!("Default: {}.", code(&first.default)));
        } else {
            let each: Vec<String> =
                declaring.iter().map(|(s, d)| format!("{} for {}", code(&d.default), code(&s.url))).collect();
            line.push_str(&format!("Default: {}.", each.join(", ")));
        }
    }
    line
}

/// The compiled example of `ClientBuilder::hook`: a hook that signs requests.
fn hook_example(krate: &str) -> Vec<String> {
    let text = format!(
        r#"```no_run
use {krate}::{{AttemptInfo, Hook, HookFuture}};

struct Signer {{
    key: String,
}}

impl Hook for Signer {{
    fn before_send<'a>(&'a self, attempt: &'a AttemptInfo, request: &'a mut reqwest::Request) -> HookFuture<'a> {{
        Box::pin(async move {{
            // Only requests to the API: a redirect elsewhere is not signed.
            if attempt.to_base_origin {{
                let body = request.body().and_then(|body| body.as_bytes()).unwrap_or_default();
                let signature = format!("{{}}:{{}}:{{}}", self.key.len(), request.method(), body.len());
                request.headers_mut().insert("x-signature", signature.parse()?);
            }}
            Ok(())
        }})
    }}
}}

# fn main() -> Result<(), {krate}::Error> {{
let client = {krate}::Client::builder()
    .base_url("https://api.example.com")
    .hook(Signer {{ key: "signing-key".to_owned() }})
    .build()?;
# Ok(())
# }}
```"#
    );
    lines(&text)
}
