//! Security schemes as the generated code names them: a scheme's `Scheme` variant and an
//! operation's alternatives of schemes.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::ident;
use crate::model::*;

/// The `Scheme` variant of a security scheme.
pub fn scheme_variant(s: &SecurityScheme) -> proc_macro2::Ident {
    ident(&s.variant)
}

/// The security alternatives of an operation, as `&[&[Scheme::A, Scheme::B], …]`.
pub fn alternatives(api: &Api, op: &Operation) -> TokenStream {
    if op.security.is_empty() {
        return TokenStream::new();
    }
    let alternatives = op.security.iter().map(|schemes| {
        let variants = schemes.iter().filter_map(|name| api.security_schemes.get(name)).map(scheme_variant);
        quote! { &[#(Scheme::#variants),*] }
    });
    quote! { &[#(#alternatives),*] }
}
