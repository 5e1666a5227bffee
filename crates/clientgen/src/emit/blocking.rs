//! Emits `blocking.rs`: the same calls as the async client, synchronously (the `blocking`
//! feature), each running the async method on a runtime of the blocking client's own.

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{self, Method};
use crate::model::Api;

/// The contents of `blocking.rs`.
pub fn blocking_rs(api: &Api, methods: &[Method]) -> TokenStream {
    let types_import = operations::mentions_types(methods, false).then(|| quote! { use crate::types; });
    let streams = methods.iter().any(|m| m.with_response.is_none());
    let stream_export = streams.then(|| quote! { pub use crate::runner::StreamIter; });
    let wrappers = methods.iter().map(|m| {
        let Method { name, with_response, deprecated, params, args, ret, cfg, .. } = m;
        let link = super::docs::method_link("crate::Client", &name.to_string());
        let doc = format!(" Blocking {link}.");
        let errors = format!(" As {link}, and [`Error::Config`] when called inside an async runtime.");
        let allow = (!deprecated.is_empty()).then(|| quote! { #[allow(deprecated)] });
        let too_many = super::rust::too_many_arguments(params.len() + 1);
        let Some(with_response) = with_response else {
            let doc =
                format!(" Blocking {link}: the stream as an [`Iterator`] whose `next` blocks until the next item.");
            return quote! {
                #cfg
                #[doc = #doc]
                ///
                /// # Errors
                ///
                #[doc = #errors]
                #deprecated
                #allow
                #too_many
                pub fn #name(&self, #(#params),*) -> Result<StreamIter<#ret>, Error> {
                    self.runner.stream(crate::Client::#name(&self.inner, #(#args),*))
                }
            };
        };
        let twin_link = super::docs::method_link("crate::Client", &with_response.to_string());
        let twin_doc = format!(" Blocking {twin_link}.");
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
            pub fn #name(&self, #(#params),*) -> Result<#ret, Error> {
                self.runner.block_on(crate::Client::#name(&self.inner, #(#args),*))
            }

            #cfg
            #[doc = #twin_doc]
            ///
            /// # Errors
            ///
            #[doc = #errors]
            #deprecated
            #allow
            #too_many
            pub fn #with_response(&self, #(#params),*) -> Result<ApiResponse<#ret>, Error> {
                self.runner.block_on(crate::Client::#with_response(&self.inner, #(#args),*))
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

            #(#wrappers)*
        }
    }
}
