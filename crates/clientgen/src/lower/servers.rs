//! Servers: the document's, and those paths and operations declare for themselves, each
//! with its URL cut into text and variables and its default URL worked out; the variables'
//! builder methods (and enums, for those with fixed values), and the enum choosing among the
//! document's servers when it has several.

use indexmap::IndexMap;
use openapiv3::ReferenceOr;

use super::Lowerer;
use crate::diag::{Diagnostic, join};
use crate::model::*;
use crate::naming::{self, Scope};

/// The extension holding an OpenAPI 3.2 server's `name` (normalize moves it there, since
/// the typed document drops keys it does not know).
pub const SERVER_NAME: &str = "x-clientgen-name";

/// The name of the enum of the document's servers in the `servers` module, claimed there first.
pub const SERVER_ENUM: &str = "Server";

/// The builder method choosing a server.
pub const SERVER_METHOD: &str = "server";

/// A description longer than this many words (after a trailing "server") names no variant.
const MAX_NAME_WORDS: usize = 3;

impl Lowerer<'_> {
    /// Lowers every server; `builder` is the builder's method scope, with its own settings
    /// and the security schemes' setters claimed.
    pub(super) fn lower_servers(&mut self, operations: &[Operation], builder: &mut Scope) -> Servers {
        let doc = self.doc;
        let list: Vec<Server> = doc
            .servers
            .iter()
            .enumerate()
            .filter_map(|(i, server)| self.lower_server(server, &join("#/servers", &[&i.to_string()]), None))
            .collect();
        // What the document's servers declare, the first declaration of each name: a path's or
        // operation's server naming one of them without declaring it means the same variable.
        let mut inherited: IndexMap<String, VariableDecl> = IndexMap::new();
        for server in &list {
            for (name, decl) in &server.variables {
                inherited.entry(name.clone()).or_insert_with(|| decl.clone());
            }
        }
        let mut own: Vec<Server> = Vec::new();
        // The URLs of the paths' and operations' servers found unusable, each warned about once.
        let mut ignored: Vec<&str> = Vec::new();
        let mut by_operation = IndexMap::new();
        for op in operations {
            let Some(ReferenceOr::Item(item)) = doc.paths.paths.get(&op.path) else { continue };
            let method = op.http_method.to_ascii_lowercase();
            let Some((_, operation)) = item.iter().find(|(m, _)| *m == method) else { continue };
            // The operation's own list wins over its path's.
            let (servers, pointer) = if operation.servers.is_empty() {
                (&item.servers, join("#/paths", &[&op.path, "servers", "0"]))
            } else {
                (&operation.servers, join("#/paths", &[&op.path, &method, "servers", "0"]))
            };
            let Some(first) = servers.first().filter(|s| !ignored.contains(&s.url.as_str())) else { continue };
            let index = match own.iter().position(|s| s.url == first.url) {
                Some(index) => index,
                None => {
                    let Some(lowered) = self.lower_server(first, &pointer, Some(&inherited)) else {
                        ignored.push(&first.url);
                        continue;
                    };
                    own.push(lowered);
                    own.len() - 1
                }
            };
            by_operation.insert(op.name.clone(), index);
        }
        let mut types = Scope::new();
        // `server` is one of the builder's own settings (`naming::BUILDER_METHODS`), reserved
        // whether or not the document has several servers.
        let choice = (list.len() > 1).then(|| {
            let mut variants = Scope::new();
            let variants = doc
                .servers
                .iter()
                .enumerate()
                .map(|(i, server)| {
                    let pointer = join("#/servers", &[&i.to_string()]);
                    let named = self
                        .rust_name_override(&server.extensions, &pointer)
                        .or_else(|| server.extensions.get(SERVER_NAME).and_then(|v| v.as_str()).map(str::to_owned))
                        .or_else(|| server.description.as_deref().and_then(description_name));
                    variants.claim(&naming::variant_name(&named.unwrap_or_else(|| format!("server {}", i + 1))))
                })
                .collect();
            ServerChoice { name: types.claim(SERVER_ENUM), method: SERVER_METHOD.to_owned(), variants }
        });
        if choice.is_none() {
            // Claimed all the same, so that a second server does not rename a variable's enum.
            types.claim(SERVER_ENUM);
        }
        let variables = variables(doc, &list, &own, builder, &mut types);
        Servers { list, own, operations: by_operation, variables, choice }
    }

    /// One server; a variable its URL names without declaring it is taken from `inherited`
    /// (the document's servers' declarations, for a path's or operation's server), or else
    /// kept as text with a warning. `None` for a path's or operation's server whose URL still
    /// names an undeclared variable: its operations then go to the base URL.
    fn lower_server(
        &mut self,
        server: &openapiv3::Server,
        pointer: &str,
        inherited: Option<&IndexMap<String, VariableDecl>>,
    ) -> Option<Server> {
        let mut variables: IndexMap<String, VariableDecl> = server
            .variables
            .iter()
            .flatten()
            .map(|(name, v)| (name.clone(), VariableDecl { default: v.default.clone(), values: v.enumeration.clone() }))
            .collect();
        for (name, v) in &variables {
            if !v.values.is_empty() && !v.values.contains(&v.default) {
                self.warnings.push(Diagnostic::at(
                    join(pointer, &["variables", name, "default"]),
                    format!("the default {:?} is not one of the variable's `enum` values", v.default),
                ));
            }
        }
        let mut known = variables.clone();
        known.extend(inherited.into_iter().flatten().map(|(name, decl)| (name.clone(), decl.clone())));
        let mut undeclared = Vec::new();
        let template = template(&server.url, &known, |name| undeclared.push(name.to_owned()));
        for part in &template {
            let UrlPart::Variable(name) = part else { continue };
            if variables.contains_key(name) {
                continue;
            }
            if let Some(decl) = known.get(name) {
                self.warnings.push(Diagnostic::at(
                    join(pointer, &["url"]),
                    format!(
                        "the URL names the variable {{{name}}}, which the server does not declare; the document's \
                         servers' declaration is used"
                    ),
                ));
                variables.insert(name.clone(), decl.clone());
            }
        }
        for name in &undeclared {
            let what = if inherited.is_some() {
                "the server is ignored, and its operations go to the base URL"
            } else {
                "it is kept as written"
            };
            self.warnings.push(Diagnostic::at(
                join(pointer, &["url"]),
                format!("the URL names the variable {{{name}}}, which the server does not declare; {what}"),
            ));
        }
        if inherited.is_some() && !undeclared.is_empty() {
            return None;
        }
        let default_url: String = template
            .iter()
            .map(|part| match part {
                UrlPart::Text(text) => text.as_str(),
                UrlPart::Variable(name) => variables.get(name).map_or("", |v| v.default.as_str()),
            })
            .collect();
        let relative = !is_absolute(&default_url);
        Some(Server {
            url: server.url.clone(),
            description: server.description.clone(),
            template,
            variables,
            default_url,
            relative,
        })
    }
}

/// Each variable any server declares, once per name in the order first met (the document's
/// servers first), its builder method claimed in `builder` and its enum, when every server
/// declaring it lists the same values, in `types`.
fn variables(
    doc: &openapiv3::OpenAPI,
    list: &[Server],
    own: &[Server],
    builder: &mut Scope,
    types: &mut Scope,
) -> Vec<ServerVariable> {
    let mut names: IndexMap<&str, Vec<&VariableDecl>> = IndexMap::new();
    for server in list.iter().chain(own) {
        for (name, decl) in &server.variables {
            names.entry(name.as_str()).or_default().push(decl);
        }
    }
    // The first description given, from the typed document (the model keeps none per server).
    let description = |name: &str| {
        let own_servers = doc.paths.paths.values().filter_map(|item| match item {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        });
        let path_servers =
            own_servers.flat_map(|item| item.servers.iter().chain(item.iter().flat_map(|(_, op)| op.servers.iter())));
        doc.servers
            .iter()
            .chain(path_servers)
            .filter_map(|s| s.variables.as_ref()?.get(name)?.description.clone())
            .find(|d| !d.trim().is_empty())
    };
    names
        .into_iter()
        .map(|(name, decls)| {
            let method = builder.claim(&naming::field_name(name));
            let mut values: Vec<String> = decls[0].values.clone();
            values.sort();
            let same = !values.is_empty()
                && decls.iter().all(|d| {
                    let mut these = d.values.clone();
                    these.sort();
                    these == values
                });
            let values = same.then(|| {
                let mut cases = Scope::new();
                VariableEnum {
                    name: types.claim(&naming::type_name(name)),
                    variants: decls[0]
                        .values
                        .iter()
                        .map(|value| VariableValue {
                            value: value.clone(),
                            variant: cases.claim(&naming::variant_name(value)),
                        })
                        .collect(),
                }
            });
            ServerVariable { name: name.to_owned(), method, doc: description(name), values }
        })
        .collect()
}

/// `url` cut into text and the variables it names in braces. A name the server does not
/// declare, and an unclosed brace, stay text; `undeclared` is told each such name.
fn template(url: &str, declared: &IndexMap<String, VariableDecl>, mut undeclared: impl FnMut(&str)) -> Vec<UrlPart> {
    let mut parts: Vec<UrlPart> = Vec::new();
    let mut text = String::new();
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        let name = &rest[open + 1..close];
        text.push_str(&rest[..open]);
        if declared.contains_key(name) {
            if !text.is_empty() {
                parts.push(UrlPart::Text(std::mem::take(&mut text)));
            }
            parts.push(UrlPart::Variable(name.to_owned()));
        } else {
            undeclared(name);
            text.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        parts.push(UrlPart::Text(text));
    }
    parts
}

/// Whether `url` starts with a scheme (`https:`), as an absolute URL does.
fn is_absolute(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else { return false };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// A variant name from a short description: "Production server" gives "Production", while a
/// sentence gives none.
fn description_name(description: &str) -> Option<String> {
    let mut words: Vec<&str> = description.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.len() > 1 && words.last().is_some_and(|w| w.eq_ignore_ascii_case("server")) {
        words.pop();
    }
    (!words.is_empty() && words.len() <= MAX_NAME_WORDS).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Input, Source};

    fn lowered(spec: &str) -> (Servers, Vec<String>) {
        let lowered = crate::lower(&Input::spec(Source::new("x.yaml", spec)), &crate::Config::new("x")).unwrap();
        (lowered.api.servers, lowered.warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn templates_keep_undeclared_names_and_unclosed_braces_as_text() {
        let declared: IndexMap<String, VariableDecl> =
            [("a".to_owned(), VariableDecl { default: "x".to_owned(), values: Vec::new() })].into_iter().collect();
        let mut missing = Vec::new();
        let parts = template("https://{a}.example.com/{b}/{a}{", &declared, |n| missing.push(n.to_owned()));
        assert_eq!(
            parts,
            [
                UrlPart::Text("https://".to_owned()),
                UrlPart::Variable("a".to_owned()),
                UrlPart::Text(".example.com/{b}/".to_owned()),
                UrlPart::Variable("a".to_owned()),
                UrlPart::Text("{".to_owned()),
            ]
        );
        assert_eq!(missing, ["b"]);
    }

    #[test]
    fn absolute_and_relative_urls() {
        for url in ["https://a.example.com", "http://127.0.0.1:8080/v1", "HTTPS://x"] {
            assert!(is_absolute(url), "{url}");
        }
        for url in ["/v1", "//host/v1", "v1/api", "", "{scheme}://x", "1http://x"] {
            assert!(!is_absolute(url), "{url}");
        }
    }

    #[test]
    fn descriptions_name_variants_only_when_short() {
        assert_eq!(description_name("Production server").as_deref(), Some("Production"));
        assert_eq!(description_name("Sandbox").as_deref(), Some("Sandbox"));
        assert_eq!(description_name("Server").as_deref(), Some("Server"));
        assert_eq!(description_name("EU (Frankfurt) server").as_deref(), Some("EU Frankfurt"));
        assert_eq!(description_name("The server our customers in Europe use"), None);
        assert_eq!(description_name(" - "), None);
    }

    #[test]
    fn defaults_are_filled_in_and_names_claimed() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n\
                    components: {securitySchemes: {region: {type: http, scheme: bearer}}}\n\
                    servers:\n\
                    - url: '{scheme}://api.example.com/{version}'\n  description: Production server\n  \
                      variables: {scheme: {default: https, enum: [https, http]}, version: {default: v1}}\n\
                    - url: 'http://{region}.example.com:{port}/{version}'\n  description: Production server\n  \
                      variables: {region: {default: eu, description: ' Where '}, port: {default: '80'}, version: {default: v2}, timeout: {default: x}}\n\
                    - url: /relative\n  x-clientgen-name: staging\n\
                    paths:\n  /a:\n    servers: [{url: 'https://files.example.com/{version}', variables: {version: {default: v9}}}]\n    \
                      get: {responses: {'200': {description: ok}}}\n    \
                      put: {servers: [{url: /up}], responses: {'200': {description: ok}}}\n  \
                    /b:\n    get: {responses: {'200': {description: ok}}}\n";
        let (servers, warnings) = lowered(spec);
        assert!(warnings.is_empty(), "{warnings:?}");
        let variants = &servers.choice.as_ref().unwrap().variants;
        let urls: Vec<(&str, &str, bool)> =
            variants.iter().zip(&servers.list).map(|(v, s)| (v.as_str(), s.default_url.as_str(), s.relative)).collect();
        assert_eq!(
            urls,
            [
                ("Production", "https://api.example.com/v1", false),
                ("Production2", "http://eu.example.com:80/v2", false),
                ("Staging", "/relative", true),
            ]
        );
        assert_eq!(servers.default_url(), Some("https://api.example.com/v1"));
        let own: Vec<&str> = servers.own.iter().map(|s| s.default_url.as_str()).collect();
        assert_eq!(own, ["https://files.example.com/v9", "/up"]);
        assert_eq!(
            servers.operations.iter().map(|(m, i)| (m.as_str(), *i)).collect::<Vec<_>>(),
            [("get_a", 0), ("put_a", 1)]
        );
        let methods: Vec<(&str, &str, Option<&str>)> = servers
            .variables
            .iter()
            .map(|v| (v.name.as_str(), v.method.as_str(), v.values.as_ref().map(|e| e.name.as_str())))
            .collect();
        // `region` meets the security scheme's setter, `timeout` a builder setting; the enum
        // of `scheme` is named in the `servers` module's own scope.
        assert_eq!(
            methods,
            [
                ("scheme", "scheme", Some("Scheme")),
                ("version", "version", None),
                ("region", "region2", None),
                ("port", "port", None),
                ("timeout", "timeout2", None),
            ]
        );
        assert_eq!(servers.variables[2].doc.as_deref(), Some(" Where "));
        let choice = servers.choice.as_ref().unwrap();
        assert_eq!((choice.name.as_str(), choice.method.as_str()), ("Server", "server"));
    }

    #[test]
    fn an_operation_server_takes_the_document_s_variables_or_is_ignored() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n\
                    servers: [{url: 'https://{region}.example.com', variables: {region: {default: us, enum: [us, de]}}}]\n\
                    paths:\n  /a:\n    servers: [{url: 'https://{region}.files.example.com'}]\n    \
                      get: {responses: {'200': {description: ok}}}\n    \
                      put: {responses: {'200': {description: ok}}}\n  \
                    /b:\n    servers: [{url: 'https://{nowhere}.example.com'}]\n    \
                      get: {responses: {'200': {description: ok}}}\n    \
                      put: {responses: {'200': {description: ok}}}\n";
        let (servers, warnings) = lowered(spec);
        assert_eq!(
            warnings,
            [
                "x.yaml: #/paths/~1a/servers/0/url: the URL names the variable {region}, which the server does not declare; \
                 the document's servers' declaration is used",
                "x.yaml: #/paths/~1b/servers/0/url: the URL names the variable {nowhere}, which the server does not \
                 declare; the server is ignored, and its operations go to the base URL",
            ]
        );
        assert_eq!(servers.own.len(), 1);
        assert_eq!(servers.own[0].default_url, "https://us.files.example.com");
        assert_eq!(servers.operations.keys().collect::<Vec<_>>(), ["get_a", "put_a"]);
        // One variable, one enum: the operation's server means the document's `region`.
        assert_eq!(servers.variables.len(), 1);
        assert!(servers.variables[0].values.is_some());
    }

    #[test]
    fn one_server_without_variables_is_taken_as_is() {
        let spec =
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nservers: [{url: 'https://x.example.com'}]\n";
        let (servers, _) = lowered(spec);
        assert_eq!(servers.default_url(), Some("https://x.example.com"));
        assert!(!servers.resolved_at_build() && !servers.module() && servers.choice.is_none());
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nservers: [{url: '/v1'}]\n";
        let (servers, _) = lowered(spec);
        assert_eq!(servers.default_url(), None);
        assert!(servers.resolved_at_build());
    }

    #[test]
    fn defaults_outside_the_enum_and_undeclared_names_are_warned() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nservers:\n\
                    - url: 'https://{env}.example.com/{v}'\n  variables: {env: {default: prod, enum: [dev, test]}}\n";
        let (servers, warnings) = lowered(spec);
        assert_eq!(
            warnings,
            [
                "x.yaml: #/servers/0/variables/env/default: the default \"prod\" is not one of the variable's `enum` values",
                "x.yaml: #/servers/0/url: the URL names the variable {v}, which the server does not declare; it is kept as written",
            ]
        );
        assert_eq!(servers.list[0].default_url, "https://prod.example.com/{v}");
        assert!(servers.choice.is_none());
    }
}
