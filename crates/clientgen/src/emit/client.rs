//! Emits `client.rs`: the client, its builder and credentials, and the operation methods.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, doc_attrs, method_link};
use super::operations::{self, Method};
use super::rust::ident;
use super::security::scheme_variant;
use crate::model::*;

/// The contents of `client.rs`.
pub fn emit_client(api: &Api, methods: &[Method]) -> TokenStream {
    let client_doc =
        doc_attrs(&format!("A client for the {}.\n\nCheap to clone: clones share one connection pool.", api.title));
    let base_url_var = api.settings.base_url_env.clone();
    let user_agent = &api.settings.user_agent;
    let types_import = operations::mentions_types(methods.iter().filter(|m| m.group.is_none()), true)
        .then(|| quote! { use crate::types; });
    let param_import = api
        .operations
        .iter()
        .any(|op| op.group.is_none() && !op.parameters.is_empty())
        .then(|| quote! { use crate::param::{Param, Style}; });
    let flat_imports = methods.iter().any(|m| m.group.is_none()).then(|| {
        quote! {
            use crate::http::ApiResponse;
            use crate::request::Request;
        }
    });
    let credentials = credentials(api);
    let builder = builder(api);
    let client_impl = client_impl(api, methods);
    let own_servers_field = (!api.servers.own.is_empty()).then(|| {
        quote! {
            /// The base URL of each operation's own server (`Servers::own`'s order).
            pub(crate) own_servers: Vec<reqwest::Url>,
        }
    });
    let server_functions = super::servers::builder_functions(api, &base_url_var);
    quote! {
        //! The client: configuration, credentials, and one method per operation.

        use std::fmt;

        use crate::Error;
        #flat_imports
        #param_import
        #types_import

        /// The environment variable holding the base URL, read by [`Client::from_env`].
        const BASE_URL_VAR: &str = #base_url_var;
        /// The `User-Agent` header sent with every request.
        const USER_AGENT: &str = #user_agent;

        #client_doc
        #[derive(Clone)]
        pub struct Client {
            pub(crate) core: crate::session::Core,
            #own_servers_field
            pub(crate) credentials: Credentials,
        }

        #credentials

        impl crate::session::Session for Client {
            type Scheme = Scheme;

            fn core(&self) -> &crate::session::Core {
                &self.core
            }

            fn authorize(
                &self,
                operation: &str,
                request: reqwest::RequestBuilder,
                alternatives: &[&[Scheme]],
            ) -> Result<reqwest::RequestBuilder, Error> {
                self.credentials.apply(operation, request, alternatives)
            }
        }

        #builder

        #server_functions

        #client_impl
    }
}

/// The `Credentials` the client holds (one per security scheme, printed as `***`), the
/// `Scheme` enum of those some operation asks for, and how they are added to a request.
fn credentials(api: &Api) -> TokenStream {
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
    // Only schemes some operation asks for get a variant: the others are never sent.
    let used: Vec<(&String, &SecurityScheme)> = schemes
        .iter()
        .filter(|(name, _)| api.operations.iter().any(|op| op.security.iter().flatten().any(|n| n == *name)))
        .collect();
    let scheme_variants = used.iter().map(|(_, s)| {
        let variant = scheme_variant(s);
        quote! { #variant, }
    });
    let credentials_impl = credentials_impl(schemes, &used);
    quote! {
        /// Credentials, printed as `***` by `Debug`.
        #[derive(Clone, Default)]
        pub(crate) struct Credentials {
            #(#credential_fields)*
        }

        impl fmt::Debug for Credentials {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Credentials")
                    #(#credential_debug)*
                    .finish()
            }
        }

        /// A security scheme some operation asks for.
        #[derive(Debug, Clone, Copy)]
        pub(crate) enum Scheme {
            #(#scheme_variants)*
        }

        #credentials_impl

    }
}

/// `impl Credentials` (and `impl Scheme` when some operation asks for credentials): whether
/// any are set, and how those of the alternative chosen are added to a request.
fn credentials_impl(
    schemes: &indexmap::IndexMap<String, SecurityScheme>,
    used: &[(&String, &SecurityScheme)],
) -> TokenStream {
    let scheme_apply = used.iter().map(|(_, s)| scheme_apply(s));
    let scheme_present = used.iter().map(|(_, s)| {
        let variant = scheme_variant(s);
        let name = ident(&s.rust_name);
        quote! { Scheme::#variant => self.#name.is_some(), }
    });
    let scheme_missing = used.iter().map(|(_, s)| {
        let variant = scheme_variant(s);
        let missing = &s.missing;
        quote! { Scheme::#variant => #missing, }
    });
    let is_empty = if schemes.is_empty() {
        quote! { true }
    } else {
        let checks = schemes.values().map(|s| {
            let name = ident(&s.rust_name);
            quote! { self.#name.is_none() }
        });
        quote! { #(#checks)&&* }
    };
    if used.is_empty() {
        quote! {
            impl Credentials {
                fn is_empty(&self) -> bool {
                    #is_empty
                }

                /// Adds credentials to a request: no operation of this API asks for any.
                pub(crate) fn apply(
                    &self,
                    _operation: &str,
                    request: reqwest::RequestBuilder,
                    _alternatives: &[&[Scheme]],
                ) -> Result<reqwest::RequestBuilder, Error> {
                    Ok(request)
                }
            }
        }
    } else {
        quote! {
            impl Scheme {
                /// What to do when a call needs this scheme and the client has none: set its
                /// variable or call its setter.
                fn missing(self) -> &'static str {
                    match self {
                        #(#scheme_missing)*
                    }
                }
            }

            impl Credentials {
                fn is_empty(&self) -> bool {
                    #is_empty
                }

                fn has(&self, scheme: Scheme) -> bool {
                    match scheme {
                        #(#scheme_present)*
                    }
                }

                /// Adds the credentials of the first alternative that is fully configured; with
                /// no alternatives, none.
                pub(crate) fn apply(
                    &self,
                    operation: &str,
                    mut request: reqwest::RequestBuilder,
                    alternatives: &[&[Scheme]],
                ) -> Result<reqwest::RequestBuilder, Error> {
                    for scheme in crate::session::chosen_alternative(operation, alternatives, |s| self.has(s), Scheme::missing)? {
                        request = match scheme {
                            #(#scheme_apply)*
                        };
                    }
                    Ok(request)
                }
            }
        }
    }
}

/// The `ClientBuilder`: base URL, credentials, options, the insecure-http guard.
fn builder(api: &Api) -> TokenStream {
    let schemes = &api.security_schemes;
    let builder_setters = schemes.iter().map(|(scheme_name, s)| {
        builder_setter(s, api.client_docs.credentials.get(scheme_name).map_or(&[][..], Vec::as_slice))
    });
    let servers = &api.servers;
    let base_doc = &api.client_docs.base_url;
    let server_settings = server_settings(api);
    let (server_fields, url, own_servers) = build_url(servers);
    let build_servers_doc = servers.resolved_at_build().then(|| {
        quote! {
            ///
            /// Without a base URL, also when a server variable set on it is declared neither by
            /// the chosen server nor by an operation's own, when the chosen server's URL is
            /// relative, or when a server's URL with its variables filled in is not an
            /// `http(s)` URL.
        }
    });
    let (set_by_caller, own_field) = match &own_servers {
        Some(_) => (quote! { let set_by_caller = self.base_url.is_some(); }, quote! { own_servers, }),
        None => (TokenStream::new(), TokenStream::new()),
    };
    let hook_example = &api.client_docs.hook_example;
    quote! {
        /// Configures a [`Client`]; start from [`Client::builder`].
        #[derive(Debug, Default)]
        pub struct ClientBuilder {
            base_url: Option<String>,
            #server_fields
            pub(crate) credentials: Credentials,
            pub(crate) settings: crate::builder::Settings,
        }

        impl ClientBuilder {
            /// Sets the URL every request path is joined to.
            #[doc = #base_doc]
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.base_url = Some(url.into());
                self
            }

            #server_settings

            #(#builder_setters)*

            /// Sets the [`Hook`](crate::Hook) that sees every request the client sends (each
            /// attempt and redirect, with the operation id and attempt number) before it goes,
            /// and may change it, and then the response or error it got. Copies made by
            /// [`Client::with_options`] and its kin share it.
            ///
            /// A hook that signs each request to the API (with an async step, were one needed):
            ///
            #(#[doc = #hook_example])*
            pub fn hook(mut self, hook: impl crate::Hook) -> Self {
                self.settings.extras.hook(std::sync::Arc::new(hook));
                self
            }

            /// Builds the client.
            ///
            /// # Errors
            ///
            /// [`Error::Config`] when the base URL is missing or not an `http(s)` URL, when
            /// credentials would go over plain `http` to a host that is not loopback (see
            /// [`ClientBuilder::allow_insecure_http`]), when a default header is not a valid
            /// header, or when the HTTP client cannot start.
            #build_servers_doc
            pub fn build(self) -> Result<Client, Error> {
                #set_by_caller
                let url = #url;
                let base_url = self.settings.base_url(&url, !self.credentials.is_empty())?;
                #own_servers
                let core = self.settings.connect(base_url, USER_AGENT)?;
                Ok(Client { core, #own_field credentials: self.credentials })
            }
        }

    }
}

/// The builder's server fields, the expression of the URL `build` starts from, and (for
/// operations with servers of their own) the statement resolving theirs.
fn build_url(servers: &Servers) -> (TokenStream, TokenStream, Option<TokenStream>) {
    if servers.resolved_at_build() {
        let choice = servers.choice.as_ref().map(|c| {
            let name = ident(&c.name);
            (quote! { server: Option<crate::servers::#name>, }, quote! { self.server.unwrap_or_default() })
        });
        let variables = !servers.variables.is_empty();
        let fields_variables = variables.then(|| quote! { server_variables: Vec<(&'static str, String)>, });
        let fields_choice = choice.as_ref().map(|c| &c.0);
        let set = variables.then(|| quote! { &self.server_variables });
        let args = choice.as_ref().map(|c| c.1.clone()).into_iter().chain(set.clone());
        let url = quote! {
            match self.base_url {
                Some(url) => url,
                None => server_url(#(#args),*)?,
            }
        };
        let n = proc_macro2::Literal::usize_unsuffixed(servers.own.len());
        let own = (!servers.own.is_empty()).then(|| {
            quote! {
                let own_servers = if set_by_caller {
                    vec![base_url.clone(); #n]
                } else {
                    own_server_urls(#set)
                        .iter()
                        .map(|url| own_server(&base_url, url, !self.credentials.is_empty(), self.settings.allow_insecure_http))
                        .collect::<Result<Vec<_>, Error>>()?
                };
            }
        });
        (quote! { #fields_choice #fields_variables }, url, own)
    } else {
        let url = match servers.default_url() {
            Some(url) => quote! { self.base_url.unwrap_or_else(|| #url.to_owned()) },
            None => quote! {
                self.base_url.ok_or_else(|| Error::config(format!(
                    "no base URL: the API declares no server; set one with ClientBuilder::base_url or {BASE_URL_VAR}"
                )))?
            },
        };
        (TokenStream::new(), url, None)
    }
}

/// `impl Client`: construction, options, and one method per operation with its twin.
fn client_impl(api: &Api, methods: &[Method]) -> TokenStream {
    let schemes = &api.security_schemes;
    let env_reads = schemes.values().map(env_read);
    let env_doc = &api.client_docs.from_env;
    let operation_methods = methods.iter().filter(|m| m.group.is_none()).map(method_items);
    let accessors = api.groups.iter().map(|group| {
        let accessor = ident(&group.accessor);
        let handle = ident(&group.type_name);
        let cfg = super::rust::feature_cfg(&group.features);
        let doc = format!(
            " The calls of the {} group: {}.",
            code(&group.key),
            method_link("crate::resources", &group.type_name)
        );
        quote! {
            #cfg
            #[doc = #doc]
            pub fn #accessor(&self) -> crate::resources::#handle<'_> {
                crate::resources::#handle { client: self }
            }
        }
    });

    // Operations with servers of their own join their paths to those; when all have one,
    // nothing calls `url`.
    let url_fn = (api.operations.is_empty()
        || api.operations.iter().any(|op| api.servers.of_operation(&op.name).is_none()))
    .then(|| {
        quote! {
            /// The base URL with `segments` appended, each percent-encoded.
            pub(crate) fn url(&self, segments: &[&str]) -> reqwest::Url {
                crate::address::join_path(&self.core.base_url, segments)
            }
        }
    });
    quote! {
        impl Client {
            #(#[doc = #env_doc])*
            ///
            /// # Errors
            ///
            /// As [`ClientBuilder::build`].
            pub fn from_env() -> Result<Client, Error> {
                let mut builder = Client::builder();
                if let Some(url) = crate::http::env_var(BASE_URL_VAR) {
                    builder = builder.base_url(url);
                }
                #(#env_reads)*
                builder.build()
            }

            #url_fn

            #(#accessors)*

            #(#operation_methods)*
        }
    }
}

/// An operation's method and its `_with_response` twin, as the client or a group's handle
/// declares them.
pub(super) fn method_items(m: &Method) -> TokenStream {
    let Method { name, with_response, doc, deprecated, params, args, ret, cfg, body, .. } = m;
    let too_many = super::rust::too_many_arguments(params.len() + 1);
    let Some(with_response) = with_response else {
        return quote! {
            #cfg
            #doc
            #deprecated
            #too_many
            pub async fn #name(&self, #(#params),*) -> Result<#ret, Error> {
                #body
            }
        };
    };
    let link = super::docs::method_link("Self", &name.to_string());
    let twin_doc = format!(" {link}, with the response's status and headers.");
    let errors_doc = format!(" As {link}.");
    // A deprecated method may call its deprecated twin.
    let allow = (!deprecated.is_empty()).then(|| quote! { #[allow(deprecated)] });
    quote! {
        #cfg
        #doc
        #deprecated
        #allow
        #too_many
        pub async fn #name(&self, #(#params),*) -> Result<#ret, Error> {
            self.#with_response(#(#args),*).await.map(ApiResponse::into_body)
        }

        #cfg
        #[doc = #twin_doc]
        ///
        /// # Errors
        ///
        #[doc = #errors_doc]
        #deprecated
        #too_many
        pub async fn #with_response(&self, #(#params),*) -> Result<ApiResponse<#ret>, Error> {
            #body
        }
    }
}

/// The contents of `resources.rs`: each group's handle, with its operations' methods.
pub fn resources_rs(api: &Api, methods: &[Method]) -> TokenStream {
    let grouped: Vec<&Method> = methods.iter().filter(|m| m.group.is_some()).collect();
    let types_import = operations::mentions_types(grouped.iter().copied(), true).then(|| quote! { use crate::types; });
    let param_import = api
        .operations
        .iter()
        .any(|op| op.group.is_some() && !op.parameters.is_empty())
        .then(|| quote! { use crate::param::{Param, Style}; });
    let scheme_import = api
        .operations
        .iter()
        .any(|op| op.group.is_some() && !op.security.is_empty())
        .then(|| quote! { use crate::client::Scheme; });
    let handles = api.groups.iter().enumerate().map(|(index, group)| {
        let handle = ident(&group.type_name);
        let cfg = super::rust::feature_cfg(&group.features);
        let accessor = method_link("crate::Client", &group.accessor);
        let summary = format!(" The calls of the {} group, from {accessor}.", code(&group.key));
        let about = group.doc.as_deref().map(doc_attrs);
        let blank = about.as_ref().map(|_| quote! { #[doc = ""] });
        let items = grouped.iter().filter(|m| m.group == Some(index)).map(|m| method_items(m));
        quote! {
            #cfg
            #[doc = #summary]
            #blank
            #about
            #[derive(Clone, Copy)]
            pub struct #handle<'a> {
                pub(crate) client: &'a Client,
            }

            #cfg
            impl #handle<'_> {
                #(#items)*
            }
        }
    });
    quote! {
        //! The client's calls, grouped by resource: each group's handle and its methods.

        use crate::Error;
        use crate::client::Client;
        use crate::http::ApiResponse;
        use crate::request::Request;
        #param_import
        #scheme_import
        #types_import

        #(#handles)*
    }
}

/// The builder methods choosing a server and setting each server variable.
fn server_settings(api: &Api) -> TokenStream {
    let servers = &api.servers;
    let choice = servers.choice.as_ref().map(|choice| {
        let name = ident(&choice.name);
        let method = ident(&choice.method);
        let doc = &api.client_docs.server_setter;
        quote! {
            #(#[doc = #doc])*
            pub fn #method(mut self, server: crate::servers::#name) -> Self {
                self.server = Some(server);
                self
            }
        }
    });
    let variables = servers.variables.iter().zip(&api.client_docs.variables).map(|(v, (_, doc))| {
        let method = ident(&v.method);
        let doc = quote! { #(#[doc = #doc])* };
        let name = &v.name;
        match &v.values {
            Some(values) => {
                let ty = ident(&values.name);
                quote! {
                    #doc
                    pub fn #method(mut self, value: crate::servers::#ty) -> Self {
                        self.server_variables.push((#name, value.as_str().to_owned()));
                        self
                    }
                }
            }
            None => quote! {
                #doc
                pub fn #method(mut self, value: impl Into<String>) -> Self {
                    self.server_variables.push((#name, value.into()));
                    self
                }
            },
        }
    });
    quote! { #choice #(#variables)* }
}

/// A credential's builder method, with the doc lines lowering decided.
fn builder_setter(s: &SecurityScheme, doc: &[String]) -> TokenStream {
    let name = ident(&s.rust_name);
    match &s.kind {
        SecurityKind::Basic => quote! {
            #(#[doc = #doc])*
            pub fn #name(mut self, username: impl Into<String>, password: Option<String>) -> Self {
                self.credentials.#name = Some((username.into(), password));
                self
            }
        },
        _ => quote! {
            #(#[doc = #doc])*
            pub fn #name(mut self, value: impl Into<String>) -> Self {
                self.credentials.#name = Some(value.into());
                self
            }
        },
    }
}

fn env_read(s: &SecurityScheme) -> TokenStream {
    let name = ident(&s.rust_name);
    let var = &s.env.value;
    match &s.env.password {
        Some(password) => {
            quote! {
                if let Some(username) = crate::http::env_var(#var) {
                    builder = builder.#name(username, crate::http::env_var(#password));
                }
            }
        }
        _ => quote! {
            if let Some(value) = crate::http::env_var(#var) {
                builder = builder.#name(value);
            }
        },
    }
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
