//! Doc comments: spec prose made safe for rustdoc, emitted as `#[doc]` attributes.
//!
//! Spec text is never spliced into code: it goes into string literals only. Rustdoc would still
//! read it as Markdown, so anything that would run as a doctest, link nowhere, or open an HTML
//! tag is neutralised here.

use proc_macro2::TokenStream;
use quote::quote;

pub use crate::rustdoc::{code, method_link, sanitize};

/// `#[doc = …]` attributes for `text`, one per line.
pub fn doc_attrs(text: &str) -> TokenStream {
    let text = sanitize(text);
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// `#[doc = …]` attributes for doc lines the model holds as printed; none: `#[allow(missing_docs)]`
/// (the spec says nothing, and nothing is invented).
pub fn printed(lines: &[String]) -> TokenStream {
    if lines.is_empty() {
        quote! { #[allow(missing_docs)] }
    } else {
        quote! { #(#[doc = #lines])* }
    }
}

/// `#![doc = …]` attributes (crate or module docs) for `text`.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let text = sanitize(text);
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #![doc = #line] }
    });
    quote! { #(#lines)* }
}
