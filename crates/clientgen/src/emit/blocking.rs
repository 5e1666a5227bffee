//! Emits `blocking.rs`: the same calls as the async client, synchronously (the `blocking`
//! feature), each running the async method on a runtime of the blocking client's own.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::operations::{self, Method};
use super::rust::ident;
use crate::model::Api;

/// The contents of `blocking.rs`.
pub fn blocking_rs(api: &Api, methods: &[Method]) -> TokenStream {
    let types_import = operations::mentions_types(methods, false).then(|| quote! { use crate::types; });
    let streams = methods.iter().any(|m| m.with_response.is_none());
    let stream_export = streams.then(|| quote! { pub use crate::runner::StreamIter; });
    let wrappers = methods.iter().filter(|m| m.group.is_none()).map(|m| wrapper(api, m));
    let accessors = api.groups.iter().map(|group| {
        let accessor = ident(&group.accessor);
        let handle = ident(&group.type_name);
        let cfg = super::rust::feature_cfg(&group.features);
        let doc = format!(" The calls of the {} group: [`{}`].", super::docs::code(&group.key), group.type_name);
        quote! {
            #cfg
            #[doc = #doc]
            pub fn #accessor(&self) -> #handle<'_> {
                #handle { client: self }
            }
        }
    });
    let handles = api.groups.iter().enumerate().map(|(index, group)| {
        let handle = ident(&group.type_name);
        let cfg = super::rust::feature_cfg(&group.features);
        let doc = format!(
            " Blocking [`crate::resources::{}`]: the same calls, each waiting for its answer.",
            group.type_name
        );
        let items = methods.iter().filter(|m| m.group == Some(index)).map(|m| wrapper(api, m));
        quote! {
            #cfg
            #[doc = #doc]
            #[derive(Clone, Copy)]
            pub struct #handle<'a> {
                client: &'a Client,
            }

            #cfg
            impl #handle<'_> {
                #(#items)*
            }
        }
    });
    let title = format!(
        " {}",
        super::docs::sanitize(&format!("A client for the {} whose calls block until they finish.", api.title))
    );
    quote! {
        //! A blocking client, for scripts and command-line tools (the `blocking` feature).

        use crate::{ApiResponse, Error};
        #types_import
        #stream_export

        #[doc = #title]
        ///
        /// It runs the async [`crate::Client`] on a single-threaded runtime of its own, so it
        /// must not be called from inside an async runtime: calls made there return
        /// [`Error::Config`] instead of blocking it. Cheap to clone.
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: crate::Client,
            runner: crate::runner::Runner,
        }

        impl Client {
            /// Wraps an async client.
            ///
            /// # Errors
            ///
            /// [`Error::Config`] when the runtime cannot start.
            pub fn new(inner: crate::Client) -> Result<Self, Error> {
                Ok(Client { inner, runner: crate::runner::Runner::new()? })
            }

            /// A blocking client configured from the environment, as [`crate::Client::from_env`].
            ///
            /// # Errors
            ///
            /// As [`crate::Client::from_env`] and [`Client::new`].
            pub fn from_env() -> Result<Self, Error> {
                Client::new(crate::Client::from_env()?)
            }

            /// The async client this one runs.
            pub fn inner(&self) -> &crate::Client {
                &self.inner
            }

            #(#accessors)*

            #(#wrappers)*
        }

        #(#handles)*
    }
}

/// The blocking twin of one method (and of its `_with_response` twin), on the blocking client
/// or on a group's blocking handle.
fn wrapper(api: &Api, m: &Method) -> TokenStream {
    let Method { name, with_response, deprecated, params, args, ret, cfg, group, .. } = m;
    let (owner, runner, call) = match group.map(|index| &api.groups[index]) {
        Some(group) => {
            let accessor = ident(&group.accessor);
            let owner = format!("crate::resources::{}", group.type_name);
            (owner, quote! { self.client.runner }, quote! { self.client.inner.#accessor() })
        }
        None => ("crate::Client".to_owned(), quote! { self.runner }, quote! { self.inner }),
    };
    let allow = (!deprecated.is_empty()).then(|| quote! { #[allow(deprecated)] });
    let too_many = super::rust::too_many_arguments(params.len() + 1);
    // One blocking function: `method` of the async owner, run by `run` (`block_on` or
    // `stream`), returning `returns`, documented by `doc` after "Blocking [link]".
    let function = |method: &Ident, returns: TokenStream, run: TokenStream, more: &str| {
        let link = super::docs::method_link(&owner, &method.to_string());
        let doc = format!(" Blocking {link}{more}.");
        let errors = format!(" As {link}, and [`Error::Config`] when called inside an async runtime.");
        quote! {
            #cfg
            #[doc = #doc]
            ///
            /// # Errors
            ///
            #[doc = #errors]
            #deprecated
            #allow
            #too_many
            pub fn #method(&self, #(#params),*) -> Result<#returns, Error> {
                #runner.#run(#call.#method(#(#args),*))
            }
        }
    };
    match with_response {
        None => function(
            name,
            quote! { StreamIter<#ret> },
            quote! { stream },
            ": the stream as an [`Iterator`] whose `next` blocks until the next item",
        ),
        Some(twin) => {
            let plain = function(name, quote! { #ret }, quote! { block_on }, "");
            let twin = function(twin, quote! { ApiResponse<#ret> }, quote! { block_on }, "");
            quote! { #plain #twin }
        }
    }
}
