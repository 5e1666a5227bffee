//! Rust as the generated code spells it: types of the model as Rust types, identifiers from
//! the names the funnel produced, and the lint allowance long signatures need.

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};
use quote::quote;

use crate::model::*;

/// A success body's Rust type, and the code that reads it from the response (made by
/// `operations` and `pagination`, which share it through this leaf).
pub(super) struct Read {
    pub(super) ty: TokenStream,
    pub(super) code: TokenStream,
}

/// The `#[cfg]` of an item compiled with any of the tag `features` (none: always compiled).
pub fn feature_cfg(features: &[String]) -> TokenStream {
    match features {
        [] => quote! {},
        [one] => quote! { #[cfg(feature = #one)] },
        many => quote! { #[cfg(any(#(feature = #many),*))] },
    }
}

/// Puts `cfg` on each item of `items` (a struct, its impls, its builder: items as emission
/// writes them); an empty `cfg` leaves them as they are.
///
/// The items are found in the tokens themselves, without parsing them into a syntax tree (that
/// parse cost a fifth of codegen on a large API): an item ends at a `;` of its own level, or at
/// its body in braces unless it is a `static`, `const` (not `const fn`), `type` or `use`,
/// whose braces (a struct expression, a `use` group) come before the `;` that ends them. Attributes are bracket
/// groups, so nothing inside them can end an item.
pub fn gate_items(cfg: &TokenStream, items: TokenStream) -> TokenStream {
    if cfg.is_empty() {
        return items;
    }
    let mut out = TokenStream::new();
    let mut at_start = true;
    // Whether the item's braces end it, once its first keyword has said (a `const` says so
    // only when no `fn` follows it).
    let mut braces_end = true;
    let mut keyword_seen = false;
    let mut after_const = false;
    for token in items {
        if at_start {
            out.extend(cfg.clone());
            (braces_end, keyword_seen, after_const) = (true, false, false);
        }
        let ends = match &token {
            TokenTree::Punct(punct) => punct.as_char() == ';',
            TokenTree::Ident(ident) if after_const => {
                braces_end = ident == "fn";
                after_const = false;
                false
            }
            TokenTree::Ident(ident) if !keyword_seen => {
                let word = ident.to_string();
                keyword_seen = ITEM_KEYWORDS.contains(&word.as_str());
                after_const = word == "const";
                braces_end = !matches!(word.as_str(), "static" | "const" | "type" | "use");
                false
            }
            TokenTree::Group(group) => group.delimiter() == Delimiter::Brace && braces_end,
            _ => false,
        };
        out.extend([token]);
        at_start = ends;
    }
    out
}

/// The keywords that say what an item is.
const ITEM_KEYWORDS: &[&str] =
    &["struct", "enum", "union", "impl", "fn", "trait", "mod", "static", "const", "type", "use", "macro_rules"];

/// A Rust type as the generated code spells it.
#[derive(Debug, Clone)]
pub struct RustType {
    /// The owned type (`String`, `Vec<types::Pet>`).
    pub owned: TokenStream,
    /// The type an argument takes (`&str`, `&[types::Pet]`, `i64`).
    pub borrowed: TokenStream,
    /// A `String`: setters take `impl Into<String>`.
    pub into_string: bool,
}

/// Spells `ty` as the views of `direction` name it (see [`Side::names`]); named types are
/// prefixed by `prefix` (`types::`).
pub fn rust_type(api: &Api, ty: &TypeRef, direction: Direction, prefix: &TokenStream) -> RustType {
    let copy = |owned: TokenStream| RustType { borrowed: owned.clone(), owned, into_string: false };
    match ty {
        TypeRef::Scalar(scalar) => match scalar {
            Scalar::String | Scalar::Uri => {
                RustType { owned: quote! { String }, borrowed: quote! { &str }, into_string: true }
            }
            Scalar::Bool => copy(quote! { bool }),
            Scalar::I32 => copy(quote! { i32 }),
            Scalar::I64 => copy(quote! { i64 }),
            Scalar::F32 => copy(quote! { f32 }),
            Scalar::F64 => copy(quote! { f64 }),
            Scalar::Uuid => copy(quote! { uuid::Uuid }),
            Scalar::DateTime => copy(quote! { chrono::DateTime<chrono::Utc> }),
            Scalar::Date => copy(quote! { chrono::NaiveDate }),
            Scalar::Decimal => RustType {
                owned: quote! { #prefix Decimal },
                borrowed: quote! { &#prefix Decimal },
                into_string: false,
            },
            // A binary field is a file (a part of its own in multipart bodies).
            Scalar::Bytes => {
                RustType { owned: quote! { #prefix File }, borrowed: quote! { &#prefix File }, into_string: false }
            }
        },
        TypeRef::Named(id) => match api.types.get(id) {
            Some(def) => {
                let name = ident(&def.view(direction).name);
                RustType { owned: quote! { #prefix #name }, borrowed: quote! { &#prefix #name }, into_string: false }
            }
            None => rust_type(api, &TypeRef::Any, direction, prefix),
        },
        TypeRef::List(inner) => {
            let inner = rust_type(api, inner, direction, prefix).owned;
            RustType { owned: quote! { Vec<#inner> }, borrowed: quote! { &[#inner] }, into_string: false }
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(api, inner, direction, prefix).owned;
            let owned = quote! { std::collections::BTreeMap<String, #inner> };
            RustType { borrowed: quote! { &#owned }, owned, into_string: false }
        }
        TypeRef::Expandable(inner) => {
            let inner = rust_type(api, inner, direction, prefix).owned;
            let owned = quote! { #prefix Expandable<#inner> };
            RustType { borrowed: quote! { &#owned }, owned, into_string: false }
        }
        TypeRef::Any => RustType {
            owned: quote! { serde_json::Value },
            borrowed: quote! { &serde_json::Value },
            into_string: false,
        },
    }
}

/// An identifier from a name the naming funnel produced (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> Ident {
    let valid = crate::naming::is_identifier(name);
    match name.strip_prefix("r#") {
        Some(bare) if valid => Ident::new_raw(bare, Span::call_site()),
        _ if valid => Ident::new(name, Span::call_site()),
        // Unreachable for names from the funnel; never panic on the rest.
        _ => Ident::new(&crate::naming::field_name(name).replace("r#", "raw_"), Span::call_site()),
    }
}

/// `#[allow(clippy::too_many_arguments)]` for a function of `arguments` arguments (`self`
/// included) when that is more than clippy allows (seven): an operation with many path
/// parameters, a constructor of a struct with many required fields.
pub fn too_many_arguments(arguments: usize) -> Option<TokenStream> {
    (arguments > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] })
}

/// The runtime's `param::Style` variant of a style.
pub fn param_style(style: ParamStyle) -> &'static str {
    match style {
        ParamStyle::Matrix => "Matrix",
        ParamStyle::Label => "Label",
        ParamStyle::Simple => "Simple",
        ParamStyle::Form => "Form",
        ParamStyle::SpaceDelimited => "SpaceDelimited",
        ParamStyle::PipeDelimited => "PipeDelimited",
        ParamStyle::DeepObject => "DeepObject",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each item gets the cfg once, whatever ends it: braces, `;`, or a `;` after braces.
    #[test]
    fn every_item_is_gated_once() {
        let items = quote! {
            #[derive(Debug)]
            pub struct A { x: u8 }
            impl A { pub const fn new() -> Self { Self { x: 0 } } }
            pub struct T(u8);
            pub(crate) static S: A = A { x: 1 };
            const fn g() -> u8 { 1 }
            pub const C: A = A { x: 2 };
            use std::{fmt, io};
            pub type U = T;
            macro_rules! m { () => {}; }
        };
        let cfg = quote! { #[cfg(feature = "f")] };
        let gated = gate_items(&cfg, items).to_string();
        let file: syn::File = syn::parse_str(&gated).unwrap();
        assert_eq!(file.items.len(), 9);
        assert_eq!(gated.matches("cfg (feature = \"f\")").count(), 9);
        for item in &file.items {
            let text = quote! { #item }.to_string();
            assert!(text.starts_with("# [cfg (feature = \"f\")]"), "{text}");
        }
    }

    #[test]
    fn no_cfg_leaves_the_items_alone() {
        let items = quote! { struct A; };
        assert_eq!(gate_items(&TokenStream::new(), items.clone()).to_string(), items.to_string());
    }
}
