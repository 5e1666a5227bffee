//! Rust as the generated code spells it: types of the model as Rust types, identifiers from
//! the names the funnel produced, and the lint allowance long signatures need.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::*;

/// The `#[cfg]` of an item compiled with any of the tag `features` (none: always compiled).
pub fn feature_cfg(features: &[String]) -> TokenStream {
    match features {
        [] => quote! {},
        [one] => quote! { #[cfg(feature = #one)] },
        many => quote! { #[cfg(any(#(feature = #many),*))] },
    }
}

/// Puts `cfg` on each item of `items` (a struct, its impls, its builder), which must parse
/// as a file's items; an empty `cfg` leaves them as they are.
pub fn gate_items(cfg: &TokenStream, items: TokenStream) -> TokenStream {
    if cfg.is_empty() {
        return items;
    }
    let Ok(mut file) = syn::parse2::<syn::File>(items.clone()) else { return quote! { #cfg #items } };
    let attrs: Vec<syn::Attribute> = match syn::parse2::<syn::File>(quote! { #cfg struct S; }) {
        Ok(parsed) => match parsed.items.into_iter().next() {
            Some(syn::Item::Struct(s)) => s.attrs,
            _ => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    for item in &mut file.items {
        if let Some(item_attrs) = item_attrs(item) {
            item_attrs.splice(0..0, attrs.iter().cloned());
        }
    }
    let items = file.items;
    quote! { #(#items)* }
}

/// The attributes of an item of a kind emission writes.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        _ => return None,
    })
}

/// A Rust type as the generated code spells it.
#[derive(Debug, Clone)]
pub struct RustType {
    /// The owned type (`String`, `Vec<types::Pet>`).
    pub owned: TokenStream,
    /// The type an argument takes (`&str`, `&[types::Pet]`, `i64`).
    pub borrowed: TokenStream,
    /// A `String`: setters take `impl Into<String>`.
    pub into_string: bool,
    /// Printable with `Display` (scalars and enums): usable in a path or query string.
    pub display: bool,
}

/// Spells `ty` as the views of `direction` name it (see [`Side::names`]); named types are
/// prefixed by `prefix` (`types::`).
pub fn rust_type(api: &Api, ty: &TypeRef, direction: Direction, prefix: &TokenStream) -> RustType {
    let copy = |owned: TokenStream| RustType { borrowed: owned.clone(), owned, into_string: false, display: true };
    match ty {
        TypeRef::Scalar(scalar) => match scalar {
            Scalar::String | Scalar::Uri => {
                RustType { owned: quote! { String }, borrowed: quote! { &str }, into_string: true, display: true }
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
                display: true,
            },
            // A binary field is a file (a part of its own in multipart bodies).
            Scalar::Bytes => RustType {
                owned: quote! { #prefix File },
                borrowed: quote! { &#prefix File },
                into_string: false,
                display: false,
            },
        },
        TypeRef::Named(id) => match api.types.get(id) {
            Some(def) => {
                let name = ident(&def.view(direction).name);
                let display = matches!(def.kind, TypeKind::Enum(_));
                RustType {
                    owned: quote! { #prefix #name },
                    borrowed: quote! { &#prefix #name },
                    into_string: false,
                    display,
                }
            }
            None => rust_type(api, &TypeRef::Any, direction, prefix),
        },
        TypeRef::List(inner) => {
            let inner = rust_type(api, inner, direction, prefix).owned;
            RustType {
                owned: quote! { Vec<#inner> },
                borrowed: quote! { &[#inner] },
                into_string: false,
                display: false,
            }
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(api, inner, direction, prefix).owned;
            let owned = quote! { std::collections::BTreeMap<String, #inner> };
            RustType { borrowed: quote! { &#owned }, owned, into_string: false, display: false }
        }
        TypeRef::Any => RustType {
            owned: quote! { serde_json::Value },
            borrowed: quote! { &serde_json::Value },
            into_string: false,
            display: false,
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
