//! Servers: the `servers` module (the enum of the API's servers and of each server variable's
//! values), the builder's code filling in a server's URL, and the sentences the builder docs
//! and the README share about them.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::code;
use super::rust::ident;
use crate::model::*;

/// The contents of `servers.rs`, when [`Servers::module`] says the crate has one.
pub fn servers_rs(api: &Api) -> TokenStream {
    let servers = &api.servers;
    let choice = servers.choice.as_ref().map(|choice| {
        let name = ident(&choice.name);
        let doc = &api.client_docs.server_enum;
        let variants =
            choice.variants.iter().zip(&api.client_docs.server_variants).enumerate().map(|(i, (variant, doc))| {
                let variant = ident(variant);
                let doc = quote! { #(#[doc = #doc])* };
                let default = (i == 0).then(|| quote! { #[default] });
                quote! { #doc #default #variant, }
            });
        let templates = servers.list.iter().zip(&choice.variants).map(|(s, variant)| {
            let variant = ident(variant);
            let url = &s.url;
            quote! { #name::#variant => #url, }
        });
        let defaults = servers.list.iter().zip(&choice.variants).map(|(s, variant)| {
            let variant = ident(variant);
            let url = &s.default_url;
            quote! { #name::#variant => #url, }
        });
        quote! {
            #(#[doc = #doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
            pub enum #name {
                #(#variants)*
            }

            impl #name {
                /// Its URL as the API declares it, each variable in braces.
                pub fn url_template(self) -> &'static str {
                    match self {
                        #(#templates)*
                    }
                }

                /// Its URL with every variable at its default.
                pub fn default_url(self) -> &'static str {
                    match self {
                        #(#defaults)*
                    }
                }
            }
        }
    });
    let enums = servers.variables.iter().zip(&api.client_docs.variables).filter_map(|(v, (doc, _))| {
        let values = v.values.as_ref()?;
        let name = ident(&values.name);
        let variants = values.variants.iter().map(|VariableValue { value, variant }| {
            let variant = ident(variant);
            let doc = raw_doc(&code(value));
            quote! { #doc #variant, }
        });
        let arms = values.variants.iter().map(|VariableValue { value, variant }| {
            let variant = ident(variant);
            quote! { #name::#variant => #value, }
        });
        Some(quote! {
            #(#[doc = #doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #name {
                #(#variants)*
            }

            impl #name {
                /// The value as it goes into the URL.
                pub fn as_str(self) -> &'static str {
                    match self {
                        #(#arms)*
                    }
                }
            }

            impl fmt::Display for #name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        })
    });
    let enums: Vec<TokenStream> = enums.collect();
    let fmt = (!enums.is_empty()).then(|| quote! { use std::fmt; });
    quote! {
        //! The servers the API declares and the values its server variables may take, for
        //! [`ClientBuilder`](crate::ClientBuilder).

        #fmt

        #choice

        #(#enums)*
    }
}

/// `#[doc]` attributes for text the generator wrote (spec prose in it already made safe).
pub fn raw_doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #(#[doc = #lines])* }
}

/// The expression of a server's URL: its text, and each variable as the builder set it
/// (`server_variables`) or at its default.
fn url_expr(server: &Server) -> TokenStream {
    if server.variables.is_empty() {
        let url = &server.default_url;
        return quote! { #url.to_owned() };
    }
    let parts = server.template.iter().map(|part| match part {
        UrlPart::Text(text) => quote! { #text },
        UrlPart::Variable(name) => {
            let default = server.variables.get(name).map_or("", |v| v.default.as_str());
            quote! { variable(set, #name, #default) }
        }
    });
    quote! { [#(#parts),*].concat() }
}

/// The free functions of `client.rs` that work out the base URL when the builder sets none
/// (`server_url`), each operation's own server (`own_server`) and a variable's value
/// (`variable`); empty when the URL is the one server's, taken as is.
pub fn builder_functions(api: &Api, base_url_var: &str) -> TokenStream {
    let servers = &api.servers;
    if !servers.resolved_at_build() {
        return TokenStream::new();
    }
    let has_variables = !servers.variables.is_empty();
    let own_names: Vec<&str> = servers.own.iter().flat_map(|s| s.variables.keys()).map(String::as_str).collect();
    // The arm of one document server: its URL, after refusing a variable that neither it nor
    // an operation's server declares.
    let arm = |server: &Server| {
        if server.relative {
            let message = format!(
                "the API's server {} is a relative URL; set the base URL with ClientBuilder::base_url or {base_url_var}",
                server.url
            );
            // The function takes the variables all the same (another server may use them).
            let unused = has_variables.then(|| quote! { let _ = set; });
            return quote! { { #unused Err(Error::config(#message)) } };
        }
        let url = url_expr(server);
        if !has_variables {
            return quote! { Ok(#url) };
        }
        let mut declared: Vec<&str> = server.variables.keys().map(String::as_str).collect();
        for &name in &own_names {
            if !declared.contains(&name) {
                declared.push(name);
            }
        }
        let label = format!("the server {}", server.url);
        quote! {
            {
                let declared: &[&str] = &[#(#declared),*];
                if let Some((name, _)) = set.iter().find(|(name, _)| !declared.contains(name)) {
                    return Err(Error::config(format!("the server variable {name:?} is not declared by {}", #label)));
                }
                Ok(#url)
            }
        }
    };
    let set_param = has_variables.then(|| quote! { set: &[(&'static str, String)] });
    let (server_param, body) = match &servers.choice {
        Some(choice) => {
            let name = ident(&choice.name);
            let arms = servers.list.iter().zip(&choice.variants).map(|(s, variant)| {
                let variant = ident(variant);
                let arm = arm(s);
                quote! { crate::servers::#name::#variant => #arm, }
            });
            (Some(quote! { server: crate::servers::#name }), quote! { match server { #(#arms)* } })
        }
        None => match servers.list.first() {
            Some(server) => (None, arm(server)),
            None => {
                let message = format!(
                    "no base URL: the API declares no server; set one with ClientBuilder::base_url or {base_url_var}"
                );
                (None, quote! { Err(Error::config(#message)) })
            }
        },
    };
    let params = server_param.into_iter().chain(set_param.clone());
    let variable = has_variables.then(|| {
        quote! {
            /// The value the builder set for the server variable `name`, or `default`.
            fn variable<'a>(set: &'a [(&'static str, String)], name: &str, default: &'a str) -> &'a str {
                set.iter().rev().find(|(set_name, _)| *set_name == name).map_or(default, |(_, value)| value.as_str())
            }
        }
    });
    let own = (!servers.own.is_empty()).then(|| {
        let urls = servers.own.iter().map(url_expr);
        let set_param = set_param.clone().into_iter();
        quote! {
            /// The URL of each operation's own server, in the order of `Client::own_servers`.
            fn own_server_urls(#(#set_param)*) -> Vec<String> {
                vec![#(#urls),*]
            }

            /// An operation's own server: `url` resolved against the client's base URL (a
            /// relative one, such as `/v2`, takes its scheme and host) and checked as a base URL.
            fn own_server(base_url: &reqwest::Url, url: &str, credentials: bool, allow_insecure_http: bool) -> Result<reqwest::Url, Error> {
                let joined = base_url.join(url).map_err(|e| Error::config(format!("server URL {url:?} is not a valid URL: {e}")))?;
                crate::address::base_url(joined.as_str(), credentials, allow_insecure_http)
            }
        }
    });
    quote! {
        /// The URL of the server requests go to when no base URL is set: its variables as the
        /// builder set them, the others at their defaults.
        fn server_url(#(#params),*) -> Result<String, Error> {
            #body
        }

        #variable

        #own
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, Input, Source};

    fn files(spec: &str) -> Vec<crate::GeneratedFile> {
        crate::generate(&Input::spec(Source::new("x.yaml", spec)), &Config::new("x")).unwrap().files
    }

    fn file<'a>(files: &'a [crate::GeneratedFile], path: &str) -> &'a str {
        &files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}")).contents
    }

    #[test]
    fn a_relative_server_needs_a_base_url() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: /api/v2}]\n\
                    paths: {/a: {get: {responses: {'200': {description: ok}}}}}\n";
        let files = files(spec);
        let client = file(&files, "src/client.rs");
        assert!(client.contains("the API's server /api/v2 is a relative URL; set the base URL"), "{client}");
        assert!(client.contains("The API's server, `/api/v2`, is a relative URL, so this is required."), "{client}");
        assert!(client.contains("(required: the API's server is a relative URL)"), "{client}");
        let readme = file(&files, "README.md");
        assert!(readme.contains(".base_url(\"https://api.example.com\")"), "the quick start sets one:\n{readme}");
        assert!(readme.contains("The API's server, `/api/v2`, is a relative URL"), "{readme}");
        assert!(!files.iter().any(|f| f.path == "src/servers.rs"), "no enum to declare");
    }

    #[test]
    fn one_absolute_server_without_variables_is_written_as_before() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://x.example.com/v1'}]\n\
                    paths: {/a: {get: {responses: {'200': {description: ok}}}}}\n";
        let files = files(spec);
        let client = file(&files, "src/client.rs");
        assert!(
            client.contains("self.base_url.unwrap_or_else(|| \"https://x.example.com/v1\".to_owned())"),
            "{client}"
        );
        assert!(!client.contains("fn server_url"), "{client}");
    }
}
