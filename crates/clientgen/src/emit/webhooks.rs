//! Emits `webhooks.rs`: one function per webhook or callback the API sends, which takes the
//! headers and body a server received and returns the typed payload, after checking the
//! signature where the API declares one. The functions call the runtime's `webhook.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, doc_attrs};
use super::rust::{ident, rust_type};
use crate::model::*;

/// The items of `webhooks.rs`.
pub fn webhooks_rs(api: &Api) -> TokenStream {
    let Some(webhooks) = &api.webhooks else { return quote! {} };
    let signed = webhooks.signed();
    let exports = if signed {
        quote! { pub use crate::webhook::{Secret, SecretError, SignatureFailure, WebhookError}; }
    } else {
        quote! { pub use crate::webhook::WebhookError; }
    };
    let functions = webhooks.items.iter().map(|webhook| function(api, &webhooks.args, webhook));
    quote! {
        //! The requests the API sends to you (webhooks and callbacks), decoded.
        //!
        //! Each function takes the headers and the body your server received and returns the
        //! payload, or a [`WebhookError`] that names the field that did not fit (or, for a
        //! signed webhook, says why its signature was refused).

        #exports
        /// The headers of a received request (`http::HeaderMap`, as reqwest re-exports it).
        pub use reqwest::header::HeaderMap;

        #(#functions)*
    }
}

/// One decode function.
fn function(api: &Api, args: &WebhookArgs, webhook: &Webhook) -> TokenStream {
    let name = ident(&webhook.function);
    let payload = rust_type(api, &webhook.payload, Direction::Response, &quote! { crate::types:: }).owned;
    let (headers, body, secret) = (ident(&args.headers), ident(&args.body), ident(&args.secret));
    let wire_name = &webhook.name;
    let what = match &webhook.callback {
        None => format!("the {} webhook", code(&webhook.name)),
        Some(of) => {
            format!("the {} callback of {}, sent to {}", code(&webhook.name), code(&of.operation), code(&of.expression))
        }
    };
    let mut text = format!("Decodes {what} (`{}`, body `{}`).", webhook.http_method, webhook.media_type);
    for prose in [&webhook.summary, &webhook.description].into_iter().flatten() {
        text.push_str("\n\n");
        text.push_str(prose);
    }
    let docs = doc_attrs(&text);
    let (signature_doc, check, secret_arg) = match &webhook.signature {
        None => (quote! {}, quote! {}, quote! {}),
        Some(Signature::StandardWebhooks { tolerance_secs }) => {
            let note = format!(
                " The request is signed (Standard Webhooks): the signature is verified with `secret` before the body \
                 is decoded, and a timestamp more than {tolerance_secs} seconds from now is refused."
            );
            (
                quote! { #[doc = ""] #[doc = #note] },
                quote! { crate::webhook::verify(#wire_name, #headers, #body, #secret, #tolerance_secs)?; },
                quote! { , #secret: &Secret },
            )
        }
    };
    let example = example(&api.settings.crate_path, webhook);
    quote! {
        #docs
        #signature_doc
        #example
        pub fn #name(#headers: &HeaderMap, #body: &[u8] #secret_arg) -> Result<#payload, WebhookError> {
            #check
            crate::webhook::json(#wire_name, #headers, #body)
        }
    }
}

/// A `no_run` doctest: a handler passing what it received to the function.
fn example(krate: &str, webhook: &Webhook) -> TokenStream {
    let function = &webhook.function;
    let mut lines = vec![String::new(), " # Example".to_owned(), String::new(), " ```no_run".to_owned()];
    match webhook.signature {
        None => {
            lines.push(format!(" use ::{krate}::webhooks::{{self, HeaderMap, WebhookError}};"));
            lines.push(String::new());
            lines.push(" // Call it from the handler of the URL the API sends the request to.".to_owned());
            lines.push(" fn handle(headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {".to_owned());
            lines.push(format!("     let payload = webhooks::{function}(headers, body)?;"));
        }
        Some(_) => {
            lines.push(format!(" use ::{krate}::webhooks::{{self, HeaderMap, Secret, WebhookError}};"));
            lines.push(String::new());
            lines.push(" // Call it from the handler of the URL the API sends the request to,".to_owned());
            lines.push(" // with the secret the API gave you (`Secret::new(\"whsec_…\")`).".to_owned());
            lines.push(
                " fn handle(headers: &HeaderMap, body: &[u8], secret: &Secret) -> Result<(), WebhookError> {"
                    .to_owned(),
            );
            lines.push(format!("     let payload = webhooks::{function}(headers, body, secret)?;"));
        }
    }
    lines.push("     println!(\"received {payload:?}\");".to_owned());
    lines.push("     Ok(())".to_owned());
    lines.push(" }".to_owned());
    lines.push(" ```".to_owned());
    quote! { #(#[doc = #lines])* }
}
