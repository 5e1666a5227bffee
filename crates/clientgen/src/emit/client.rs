//! Emits `client.rs`: the client, its builder, credentials, and one method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, doc_or};
use super::{ident, rust_type};
use crate::Config;
use crate::model::*;

/// Default connect timeout of generated clients, in seconds.
pub const CONNECT_TIMEOUT_SECS: u64 = 10;
/// Default overall request timeout of generated clients, in seconds.
pub const REQUEST_TIMEOUT_SECS: u64 = 60;

/// The contents of `client.rs`.
pub fn emit_client(api: &Api, config: &Config) -> TokenStream {
    let schemes = &api.security_schemes;
    let credential_fields = schemes.values().map(|s| {
        let name = ident(&s.rust_name);
        match s.kind {
            SecurityKind::Basic => quote! { #name: Option<(String, Option<String>)>, },
            _ => quote! { #name: Option<String>, },
        }
    });
    let credential_debug = schemes.values().map(|s| {
        let name = ident(&s.rust_name);
        let label = s.rust_name.trim_start_matches("r#");
        quote! { .field(#label, &self.#name.as_ref().map(|_| "***")) }
    });
    let builder_setters = schemes.iter().map(|(scheme_name, s)| builder_setter(scheme_name, s));
    let env_reads = schemes.values().map(|s| env_read(config, s));
    // Only schemes some operation asks for get a variant: the others are never sent.
    let used: Vec<(&String, &SecurityScheme)> = schemes
        .iter()
        .filter(|(name, _)| api.operations.iter().any(|op| op.security.iter().flatten().any(|n| n == *name)))
        .collect();
    let scheme_variants = used.iter().map(|(_, s)| {
        let variant = scheme_variant(s);
        quote! { #variant, }
    });
    let scheme_apply = used.iter().map(|(_, s)| scheme_apply(s));
    let scheme_present = used.iter().map(|(_, s)| {
        let variant = scheme_variant(s);
        let name = ident(&s.rust_name);
        quote! { Scheme::#variant => self.#name.is_some(), }
    });
    let scheme_names = used.iter().map(|(spec_name, s)| {
        let variant = scheme_variant(s);
        quote! { Scheme::#variant => #spec_name, }
    });
    let scheme_enum = (!used.is_empty()).then(|| {
        quote! {
            /// A security scheme of the API.
            #[derive(Debug, Clone, Copy)]
            enum Scheme {
                #(#scheme_variants)*
            }

            impl Scheme {
                fn spec_name(self) -> &'static str {
                    match self {
                        #(#scheme_names)*
                    }
                }
            }

            impl Credentials {
                fn has(&self, scheme: Scheme) -> bool {
                    match scheme {
                        #(#scheme_present)*
                    }
                }

                /// Adds the credentials of the first alternative that is fully configured.
                fn apply(
                    &self,
                    operation: &str,
                    mut request: reqwest::RequestBuilder,
                    alternatives: &[&[Scheme]],
                ) -> Result<reqwest::RequestBuilder, Error> {
                    if alternatives.is_empty() {
                        return Ok(request);
                    }
                    let Some(chosen) = alternatives.iter().find(|schemes| schemes.iter().all(|s| self.has(*s))) else {
                        let wanted: Vec<String> = alternatives
                            .iter()
                            .map(|schemes| schemes.iter().map(|s| s.spec_name()).collect::<Vec<_>>().join(" and "))
                            .collect();
                        return Err(Error::config(format!(
                            "{operation} needs credentials: {}",
                            wanted.join(", or ")
                        )));
                    };
                    for scheme in *chosen {
                        request = match scheme {
                            #(#scheme_apply)*
                        };
                    }
                    Ok(request)
                }
            }
        }
    });
    let (base_doc, base_url) = match api.servers.first() {
        Some(url) => (
            format!(" The default is `{url}`."),
            quote! { self.base_url.unwrap_or_else(|| #url.to_owned()) },
        ),
        None => (
            " The API declares no server, so this is required.".to_owned(),
            quote! {
                self.base_url.ok_or_else(|| Error::config(format!(
                    "no base URL: the API declares no server; set one with ClientBuilder::base_url or {BASE_URL_VAR}"
                )))?
            },
        ),
    };
    let base_url_var = format!("{}_BASE_URL", config.env_prefix);
    let user_agent = config.user_agent();
    let env_doc = env_doc(config, api);
    let operations = api.operations.iter().map(|op| operation(api, config, op));
    let connect_secs = CONNECT_TIMEOUT_SECS;
    let request_secs = REQUEST_TIMEOUT_SECS;
    let connect_doc = format!(" Sets the connect timeout (default {CONNECT_TIMEOUT_SECS} s).");
    let request_doc =
        format!(" Sets the timeout of a whole call, from sending to the end of the body (default {REQUEST_TIMEOUT_SECS} s).");
    let client_doc = doc_attrs(&format!(
        "A client for the {}.\n\nCheap to clone: clones share one connection pool.",
        api.title
    ));
    let types_import = api.operations.iter().any(mentions_types).then(|| quote! { use crate::types; });

    quote! {
        //! The client: configuration, credentials, and one method per operation.

        use std::fmt;
        use std::time::Duration;

        use crate::Error;
        use crate::error::{api_error, transport};
        #types_import

        /// The environment variable holding the base URL, read by [`Client::from_env`].
        const BASE_URL_VAR: &str = #base_url_var;
        /// The `User-Agent` header sent with every request.
        const USER_AGENT: &str = #user_agent;

        #client_doc
        #[derive(Clone)]
        pub struct Client {
            http: reqwest::Client,
            base_url: reqwest::Url,
            credentials: Credentials,
        }

        /// Credentials, printed as `***` by `Debug`.
        #[derive(Clone, Default)]
        struct Credentials {
            #(#credential_fields)*
        }

        impl fmt::Debug for Credentials {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Credentials")
                    #(#credential_debug)*
                    .finish()
            }
        }

        #scheme_enum

        impl fmt::Debug for Client {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Client")
                    .field("base_url", &self.base_url.as_str())
                    .field("credentials", &self.credentials)
                    .finish_non_exhaustive()
            }
        }

        /// Configures a [`Client`]; start from [`Client::builder`].
        #[derive(Debug, Default)]
        pub struct ClientBuilder {
            base_url: Option<String>,
            credentials: Credentials,
            timeout: Option<Duration>,
            connect_timeout: Option<Duration>,
            http_client: Option<reqwest::Client>,
        }

        impl ClientBuilder {
            /// Sets the URL every request path is joined to.
            #[doc = #base_doc]
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.base_url = Some(url.into());
                self
            }

            #(#builder_setters)*

            #[doc = #request_doc]
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.timeout = Some(timeout);
                self
            }

            #[doc = #connect_doc]
            pub fn connect_timeout(mut self, timeout: Duration) -> Self {
                self.connect_timeout = Some(timeout);
                self
            }

            /// Sends requests through this `reqwest` client instead of building one.
            ///
            /// Its own timeouts and redirect policy then apply instead of this builder's.
            pub fn http_client(mut self, client: reqwest::Client) -> Self {
                self.http_client = Some(client);
                self
            }

            /// Builds the client.
            ///
            /// # Errors
            ///
            /// [`Error::Config`] when the base URL is missing or not a valid URL, or when the
            /// HTTP client cannot be set up.
            pub fn build(self) -> Result<Client, Error> {
                let url = #base_url;
                let base_url = reqwest::Url::parse(&url)
                    .map_err(|e| Error::config(format!("base URL {url:?} is not a valid URL: {e}")))?;
                if base_url.cannot_be_a_base() || !matches!(base_url.scheme(), "http" | "https") {
                    return Err(Error::config(format!("base URL {url:?} is not an http or https URL")));
                }
                let http = match self.http_client {
                    Some(http) => http,
                    None => {
                        let origin = base_url.origin();
                        // Follow redirects only within the base URL's origin: credentials
                        // must never reach another host.
                        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
                            if attempt.previous().len() >= 10 || attempt.url().origin() != origin {
                                attempt.stop()
                            } else {
                                attempt.follow()
                            }
                        });
                        reqwest::Client::builder()
                            .user_agent(USER_AGENT)
                            .timeout(self.timeout.unwrap_or(Duration::from_secs(#request_secs)))
                            .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(#connect_secs)))
                            .redirect(redirects)
                            .build()
                            .map_err(|e| Error::config(format!("cannot set up the HTTP client: {e}")))?
                    }
                };
                Ok(Client { http, base_url, credentials: self.credentials })
            }
        }

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            #env_doc
            ///
            /// # Errors
            ///
            /// As [`ClientBuilder::build`].
            pub fn from_env() -> Result<Client, Error> {
                let mut builder = Client::builder();
                if let Some(url) = env(BASE_URL_VAR) {
                    builder = builder.base_url(url);
                }
                #(#env_reads)*
                builder.build()
            }

            /// The URL every request path is joined to.
            pub fn base_url(&self) -> &reqwest::Url {
                &self.base_url
            }

            /// The base URL with `segments` appended, each percent-encoded.
            fn url(&self, segments: &[&str]) -> reqwest::Url {
                let mut url = self.base_url.clone();
                if let Ok(mut path) = url.path_segments_mut() {
                    path.pop_if_empty().extend(segments);
                }
                url
            }

            /// Sends a request; any status but a success becomes [`Error::Api`].
            async fn send(&self, operation: &str, request: reqwest::RequestBuilder) -> Result<reqwest::Response, Error> {
                let response = request.send().await.map_err(|e| transport(operation, e))?;
                if response.status().is_success() {
                    Ok(response)
                } else {
                    Err(api_error(operation, response).await)
                }
            }

            #(#operations)*
        }

        /// An environment variable, when set and not empty.
        fn env(name: &str) -> Option<String> {
            std::env::var(name).ok().filter(|value| !value.is_empty())
        }
    }
}

fn scheme_variant(s: &SecurityScheme) -> proc_macro2::Ident {
    format_ident!("{}", crate::naming::type_name(&s.rust_name))
}

fn builder_setter(spec_name: &str, s: &SecurityScheme) -> TokenStream {
    let name = ident(&s.rust_name);
    let spec_doc = doc_or(s.doc.as_deref(), &format!("The `{spec_name}` credential."));
    match &s.kind {
        SecurityKind::Basic => quote! {
            /// Sets the user name and password for HTTP basic authentication.
            ///
            #spec_doc
            pub fn #name(mut self, username: impl Into<String>, password: Option<String>) -> Self {
                self.credentials.#name = Some((username.into(), password));
                self
            }
        },
        kind => {
            let how = match kind {
                SecurityKind::ApiKey { location: ParamLocation::Header, name } => format!("Sent in the `{name}` header."),
                SecurityKind::ApiKey { location: ParamLocation::Query, name } => {
                    format!("Sent as the `{name}` query parameter.")
                }
                SecurityKind::ApiKey { name, .. } => format!("Sent as the `{name}` cookie."),
                _ => "Sent as `Authorization: Bearer …`.".to_owned(),
            };
            let set_doc = format!(" Sets the `{spec_name}` credential. {how}");
            quote! {
                #[doc = #set_doc]
                ///
                #spec_doc
                pub fn #name(mut self, value: impl Into<String>) -> Self {
                    self.credentials.#name = Some(value.into());
                    self
                }
            }
        }
    }
}

fn env_var(config: &Config, s: &SecurityScheme) -> String {
    format!("{}_{}", config.env_prefix, s.rust_name.trim_start_matches("r#").to_ascii_uppercase())
}

fn env_read(config: &Config, s: &SecurityScheme) -> TokenStream {
    let name = ident(&s.rust_name);
    let var = env_var(config, s);
    match s.kind {
        SecurityKind::Basic => {
            let password = format!("{}_PASSWORD", var);
            quote! {
                if let Some(username) = env(#var) {
                    builder = builder.#name(username, env(#password));
                }
            }
        }
        _ => quote! {
            if let Some(value) = env(#var) {
                builder = builder.#name(value);
            }
        },
    }
}

fn env_doc(config: &Config, api: &Api) -> TokenStream {
    let mut lines = vec![
        " Builds a client from environment variables:".to_owned(),
        String::new(),
        format!(" - `{}_BASE_URL`: the base URL (optional when the API declares a server);", config.env_prefix),
    ];
    for s in api.security_schemes.values() {
        let var = env_var(config, s);
        match s.kind {
            SecurityKind::Basic => lines.push(format!(" - `{var}` and `{var}_PASSWORD`: HTTP basic credentials;")),
            _ => lines.push(format!(" - `{var}`: the `{}` credential;", s.rust_name.trim_start_matches("r#"))),
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
    quote! { #(#[doc = #lines])* }
}

fn scheme_apply(s: &SecurityScheme) -> TokenStream {
    let variant = scheme_variant(s);
    let name = ident(&s.rust_name);
    let value = quote! { self.#name.as_ref() };
    let body = match &s.kind {
        SecurityKind::ApiKey { location: ParamLocation::Query, name: key } => {
            quote! { match #value { Some(v) => request.query(&[(#key, v)]), None => request } }
        }
        SecurityKind::ApiKey { location: ParamLocation::Cookie, name: key } => quote! {
            match #value { Some(v) => request.header(reqwest::header::COOKIE, format!("{}={v}", #key)), None => request }
        },
        SecurityKind::ApiKey { name: key, .. } => {
            quote! { match #value { Some(v) => request.header(#key, v), None => request } }
        }
        SecurityKind::Bearer => quote! { match #value { Some(v) => request.bearer_auth(v), None => request } },
        SecurityKind::Basic => {
            quote! { match #value { Some((user, password)) => request.basic_auth(user, password.as_ref()), None => request } }
        }
    };
    quote! { Scheme::#variant => #body, }
}

/// Which body readers the operations of `api` call.
pub fn readers(api: &Api) -> super::runtime::Readers {
    let mut readers = super::runtime::Readers::default();
    for op in &api.operations {
        match success(op) {
            Success::Json(_) => readers.json = true,
            Success::Text => readers.text = true,
            Success::Bytes => readers.bytes = true,
            Success::Empty => {}
        }
    }
    readers
}

/// How a success body is read.
enum Success {
    Json(TypeRef),
    Text,
    Bytes,
    Empty,
}

/// The success body of an operation: the first 2xx response (or `default`, when no 2xx is
/// declared) that has content.
fn success(op: &Operation) -> Success {
    let two_xx: Vec<&Response> =
        op.responses.iter().filter(|(status, _)| status.starts_with('2')).map(|(_, r)| r).collect();
    let candidates = if two_xx.is_empty() { op.responses.get("default").into_iter().collect() } else { two_xx };
    for response in candidates {
        if let Some(ty) = response.content.iter().find(|(m, _)| is_json(m)).map(|(_, ty)| ty) {
            return Success::Json(ty.clone());
        }
        if let Some(media) = response.content.keys().next() {
            return if media.starts_with("text/") { Success::Text } else { Success::Bytes };
        }
    }
    Success::Empty
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`, `*/*`).
pub fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

fn operation(api: &Api, config: &Config, op: &Operation) -> TokenStream {
    let method_name = ident(&op.method_name);
    let label = format!("{} {}", op.http_method, op.path);
    let types = quote! { types:: };

    // Arguments: path parameters in template order, then the body, then the other parameters.
    let mut args = Vec::new();
    let mut checks = Vec::new();
    let path_params: Vec<&Parameter> =
        op.parameters.iter().filter(|p| p.location == ParamLocation::Path).collect();
    for p in &path_params {
        let name = ident(&p.rust_name);
        let ty = rust_type(api, &p.ty, Some(Direction::Request), &types).borrowed;
        args.push(quote! { #name: #ty });
    }
    let body = op.body.as_ref().and_then(|b| body_kind(b).map(|(media, ty)| (b.required, media, ty)));
    if let Some((required, _, ty)) = &body {
        let ty = rust_type(api, ty, Some(Direction::Request), &types).borrowed;
        args.push(if *required { quote! { body: #ty } } else { quote! { body: Option<#ty> } });
        if let Some((_, _, TypeRef::Named(id))) = &body {
            if super::validate::validates(api, id) {
                checks.push(if *required {
                    quote! { body.validate()?; }
                } else {
                    quote! { if let Some(body) = body { body.validate()?; } }
                });
            }
        }
    }
    if let Some(id) = &op.params_type {
        let ty = rust_type(api, &TypeRef::Named(id.clone()), Some(Direction::Request), &types).borrowed;
        args.push(quote! { params: #ty });
        if super::validate::validates(api, id) {
            checks.push(quote! { params.validate()?; });
        }
    }

    let segments = op.path.split('/').skip(1).map(|segment| path_segment(op, segment));
    let http_method = format_ident!("{}", op.http_method);
    let mut steps = Vec::new();
    let query_params: Vec<&Parameter> = op.parameters.iter().filter(|p| p.location == ParamLocation::Query).collect();
    if !query_params.is_empty() {
        let pushes = query_params.iter().map(|p| param_push(api, p, |wire, v| quote! { query.push((#wire, #v.to_string())); }));
        steps.push(quote! {
            let mut query: Vec<(&str, String)> = Vec::new();
            #(#pushes)*
            request = request.query(&query);
        });
    }
    for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Header) {
        steps.push(param_push(api, p, |wire, v| quote! { request = request.header(#wire, #v.to_string()); }));
    }
    let cookies: Vec<&Parameter> = op.parameters.iter().filter(|p| p.location == ParamLocation::Cookie).collect();
    if !cookies.is_empty() {
        let pushes = cookies
            .iter()
            .map(|p| {
                param_push(api, p, |wire, v| {
                    let pair = format!("{}={{}}", escape_braces(wire));
                    quote! { cookies.push(format!(#pair, #v)); }
                })
            });
        steps.push(quote! {
            let mut cookies: Vec<String> = Vec::new();
            #(#pushes)*
            if !cookies.is_empty() {
                request = request.header(reqwest::header::COOKIE, cookies.join("; "));
            }
        });
    }
    if let Some((required, media, ty)) = &body {
        let send = match (media.as_str(), ty) {
            (m, _) if is_json(m) => quote! { request.json(body) },
            ("application/x-www-form-urlencoded" | "multipart/form-data", _) => quote! { request.form(body) },
            (m, TypeRef::Scalar(Scalar::String)) => {
                quote! { request.header(reqwest::header::CONTENT_TYPE, #m).body(body.to_owned()) }
            }
            (m, TypeRef::Scalar(Scalar::Bytes)) => {
                quote! { request.header(reqwest::header::CONTENT_TYPE, #m).body(body.to_vec()) }
            }
            // A structured value declared under another media type goes as JSON text.
            (m, _) => quote! { request.header(reqwest::header::CONTENT_TYPE, #m).json(body) },
        };
        steps.push(if *required {
            quote! { request = #send; }
        } else {
            quote! { if let Some(body) = body { request = #send; } }
        });
    }
    let auth = (!op.security.is_empty() && !api.security_schemes.is_empty()).then(|| {
        let alternatives = op.security.iter().map(|schemes| {
            let variants = schemes
                .iter()
                .filter_map(|name| api.security_schemes.get(name))
                .map(scheme_variant);
            quote! { &[#(Scheme::#variants),*] }
        });
        quote! { request = self.credentials.apply(operation, request, &[#(#alternatives),*])?; }
    });

    let (ret, read) = match success(op) {
        Success::Json(ty) => {
            let ty = rust_type(api, &ty, Some(Direction::Response), &types).owned;
            (ty, quote! { crate::error::json(operation, response).await })
        }
        Success::Text => (quote! { String }, quote! { crate::error::text(operation, response).await }),
        Success::Bytes => (quote! { Vec<u8> }, quote! { crate::error::bytes(operation, response).await }),
        Success::Empty => (quote! { () }, quote! { Ok(()) }),
    };
    let keep = match success(op) {
        Success::Empty => quote! {},
        _ => quote! { let response = },
    };
    let doc = operation_doc(api, config, op);
    let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
    let mutable = (!steps.is_empty() || auth.is_some()).then(|| quote! { mut });
    quote! {
        #doc
        #deprecated
        pub async fn #method_name(&self, #(#args),*) -> Result<#ret, Error> {
            #(#checks)*
            let operation = #label;
            let url = self.url(&[#(#segments),*]);
            let #mutable request = self.http.request(reqwest::Method::#http_method, url);
            #(#steps)*
            #auth
            #keep self.send(operation, request).await?;
            #read
        }
    }
}

/// Whether an operation's signature names a generated type.
fn mentions_types(op: &Operation) -> bool {
    fn named(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(_) => true,
            TypeRef::List(inner) | TypeRef::Map(inner) => named(inner),
            TypeRef::Scalar(_) | TypeRef::Any => false,
        }
    }
    op.params_type.is_some()
        || op.parameters.iter().any(|p| p.location == ParamLocation::Path && named(&p.ty))
        || op.body.as_ref().and_then(body_kind).is_some_and(|(_, ty)| named(&ty))
        || matches!(success(op), Success::Json(ty) if named(&ty))
}

/// The media type a body is sent as, and its type: JSON first, then form, then the rest.
fn body_kind(body: &RequestBody) -> Option<(String, TypeRef)> {
    let rank = |media: &str| match media {
        m if is_json(m) => 0,
        "application/x-www-form-urlencoded" => 1,
        "multipart/form-data" => 2,
        m if m.starts_with("text/") => 3,
        _ => 4,
    };
    body.content
        .iter()
        .min_by_key(|(media, _)| rank(media))
        .map(|(media, ty)| (media.clone(), ty.clone()))
}

/// One path segment: a literal, or a parameter's value (with any literal text around it).
fn path_segment(op: &Operation, segment: &str) -> TokenStream {
    if !segment.contains('{') {
        return quote! { #segment };
    }
    let mut format = String::new();
    let mut args = Vec::new();
    let mut rest = segment;
    while let Some(start) = rest.find('{') {
        format.push_str(&escape_braces(&rest[..start]));
        let Some(len) = rest[start..].find('}') else { break };
        let name = &rest[start + 1..start + len];
        if let Some(p) = op.parameters.iter().find(|p| p.location == ParamLocation::Path && p.wire_name == name) {
            let is_str = matches!(p.ty, TypeRef::Scalar(Scalar::String | Scalar::Uri));
            args.push((ident(&p.rust_name), is_str));
            // Raw identifiers cannot be named inside a format string.
            match p.rust_name.strip_prefix("r#") {
                Some(_) => format.push_str("{}"),
                None => {
                    format.push('{');
                    format.push_str(&p.rust_name);
                    format.push('}');
                }
            }
        }
        rest = &rest[start + len + 1..];
    }
    format.push_str(&escape_braces(rest));
    if let [(arg, is_str)] = args.as_slice() {
        if format == format!("{{{arg}}}") || format == "{}" {
            return if *is_str { quote! { #arg } } else { quote! { &#arg.to_string() } };
        }
    }
    let positional = args.iter().filter(|(arg, _)| arg.to_string().starts_with("r#")).map(|(arg, _)| arg);
    quote! { &format!(#format #(, #positional)*) }
}

fn escape_braces(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// Pushes one parameter's value(s) through `push` (query pairs, headers or cookies), which
/// receives an expression that implements `Display`.
fn param_push(api: &Api, p: &Parameter, push: impl Fn(&str, TokenStream) -> TokenStream) -> TokenStream {
    let field = ident(&p.rust_name);
    let wire = &p.wire_name;
    let display = |ty: &TypeRef| rust_type(api, ty, Some(Direction::Request), &quote! {}).display;
    // Required values are read in place; optional ones are bound to `value` when present.
    let (place, reference) = if p.required {
        (quote! { params.#field }, quote! { &params.#field })
    } else {
        (quote! { value }, quote! { value })
    };
    let pushes = match &p.ty {
        TypeRef::List(item) if display(item) => {
            let push = push(wire, quote! { item });
            quote! { for item in #reference { #push } }
        }
        ty if display(ty) => push(wire, place),
        // Structured values have no text form of their own: they go as JSON text.
        _ => {
            let push = push(wire, quote! { json });
            quote! { let json = serde_json::to_string(#reference).unwrap_or_default(); #push }
        }
    };
    if p.required {
        pushes
    } else {
        quote! { if let Some(value) = &params.#field { #pushes } }
    }
}

fn operation_doc(api: &Api, config: &Config, op: &Operation) -> TokenStream {
    let summary = op.summary.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let description = op.description.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let text = match (summary, description) {
        (Some(s), Some(d)) if s != d => Some(format!("{s}\n\n{d}")),
        (Some(s), _) => Some(s.to_owned()),
        (None, Some(d)) => Some(d.to_owned()),
        (None, None) => None,
    };
    let line = format!(" `{} {}`", op.http_method, op.path);
    let heading = match text {
        Some(text) => {
            let spec = doc_attrs(&text);
            quote! { #spec #[doc = ""] #[doc = #line] }
        }
        None => quote! { #[doc = #line] },
    };
    let example = operation_example(api, config, op);
    quote! {
        #heading
        ///
        /// # Errors
        ///
        /// [`Error::Validation`] before sending when a value breaks a declared limit,
        /// [`Error::Transport`] when the server cannot be reached, [`Error::Api`] for a status
        /// that is not a success, and [`Error::Decode`] when a success body does not fit.
        #example
    }
}

/// A `no_run` doctest calling the operation, with the client set-up hidden.
fn operation_example(api: &Api, config: &Config, op: &Operation) -> TokenStream {
    let krate = config.crate_name.replace('-', "_");
    let mut lines = vec![
        String::new(),
        " # Example".to_owned(),
        String::new(),
        " ```no_run".to_owned(),
        format!(" # async fn example(client: &{krate}::Client) -> Result<(), {krate}::Error> {{"),
    ];
    lines.extend(super::manifest::call_code(api, op, &krate).lines().map(|line| format!(" {line}")));
    if super::manifest::returns_value(op) {
        lines.push(" # let _ = response;".to_owned());
    }
    lines.push(" # Ok(())".to_owned());
    lines.push(" # }".to_owned());
    lines.push(" ```".to_owned());
    quote! { #(#[doc = #lines])* }
}
