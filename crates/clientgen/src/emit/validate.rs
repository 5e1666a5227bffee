//! Emits request-side validation: the per-field checks, which call the runtime's `validate.rs`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::model::*;

/// The checks `constraints` imply for a value of type `ty` bound to `value`, named `field` on
/// the wire and `rust_name` in code (which names its pattern's static).
pub fn checks(
    constraints: &Constraints,
    ty: &TypeRef,
    field: &str,
    rust_name: &str,
    value: TokenStream,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let pattern_static = pattern_static(rust_name);
    match ty {
        TypeRef::Scalar(Scalar::String | Scalar::Uri) => {
            if let Some(max) = constraints.max_length.map(Literal::u64_unsuffixed) {
                out.push(quote! { crate::validate::max_length(#field, #value, #max)?; });
            }
            if let Some(min) = constraints.min_length.map(Literal::u64_unsuffixed) {
                out.push(quote! { crate::validate::min_length(#field, #value, #min)?; });
            }
            if constraints.pattern.is_some() {
                out.push(quote! { crate::validate::pattern(#field, #value, &#pattern_static)?; });
            }
        }
        TypeRef::Scalar(Scalar::Decimal) if constraints.pattern.is_some() => {
            out.push(quote! { crate::validate::pattern(#field, #value.as_str(), &#pattern_static)?; });
        }
        TypeRef::Scalar(scalar @ (Scalar::I32 | Scalar::I64 | Scalar::F32 | Scalar::F64)) => {
            let as_f64 = match scalar {
                Scalar::I64 => quote! { *#value as f64 },
                Scalar::F64 => quote! { *#value },
                _ => quote! { f64::from(*#value) },
            };
            if let Some(Bound { value: limit, exclusive }) = constraints.minimum {
                let limit = Literal::f64_unsuffixed(limit);
                out.push(quote! { crate::validate::minimum(#field, #as_f64, #limit, #exclusive)?; });
            }
            if let Some(Bound { value: limit, exclusive }) = constraints.maximum {
                let limit = Literal::f64_unsuffixed(limit);
                out.push(quote! { crate::validate::maximum(#field, #as_f64, #limit, #exclusive)?; });
            }
        }
        TypeRef::List(_) => {
            if let Some(min) = constraints.min_items.map(Literal::u64_unsuffixed) {
                out.push(quote! { crate::validate::min_items(#field, #value.len(), #min)?; });
            }
            if let Some(max) = constraints.max_items.map(Literal::u64_unsuffixed) {
                out.push(quote! { crate::validate::max_items(#field, #value.len(), #max)?; });
            }
        }
        _ => {}
    }
    out
}

/// The name of the static holding a field's compiled pattern: `CAPTION_OFFSET_X_PATTERN`.
pub fn pattern_static(rust_name: &str) -> proc_macro2::Ident {
    let bare = rust_name.trim_start_matches("r#");
    quote::format_ident!("{}_PATTERN", bare.to_ascii_uppercase())
}

/// The call into a nested value's own `validate`, when its type has one: directly, or for
/// every item of a list and every value of a map (at any depth), each error naming where it is
/// (`pets[2].name`, `labels["en"].text`). Lowering marks the same shapes (`refers_to_any`).
pub fn nested(api: &Api, ty: &TypeRef, field: &str, value: TokenStream) -> Option<TokenStream> {
    match ty {
        TypeRef::Named(id) if validates(api, id) => Some(quote! { #value.validate().map_err(|e| e.within(#field))?; }),
        _ => {
            let template = field.replace('{', "{{").replace('}', "}}");
            within_items(api, ty, &template, value, 0)
        }
    }
}

/// [`nested`] inside the items of a list or the values of a map, `depth` levels down, whose
/// path is the `format!` template `path` over the loop variables of the levels above; each
/// level's loop variables have names of their own (`i`, `i1`, …).
fn within_items(api: &Api, ty: &TypeRef, path: &str, value: TokenStream, depth: usize) -> Option<TokenStream> {
    let suffix = if depth == 0 { String::new() } else { depth.to_string() };
    let item = quote::format_ident!("item{suffix}");
    let (inner, place, items, step) = match ty {
        TypeRef::List(inner) => {
            let index = quote::format_ident!("i{suffix}");
            (inner, quote! { (#index, #item) }, quote! { #value.iter().enumerate() }, format!("[{{{index}}}]"))
        }
        TypeRef::Map(inner) => {
            let key = quote::format_ident!("key{suffix}");
            (inner, quote! { (#key, #item) }, quote! { #value }, format!("[{{{key}:?}}]"))
        }
        _ => return None,
    };
    let path = format!("{path}{step}");
    let check = match inner.as_ref() {
        TypeRef::Named(id) if validates(api, id) => quote! { #item.validate().map_err(|e| e.within(&format!(#path)))?; },
        _ => within_items(api, inner, &path, quote! { #item }, depth + 1)?,
    };
    Some(quote! {
        for #place in #items {
            #check
        }
    })
}

/// Whether the request-side view of `id` has a `validate` method (decided in lowering).
pub fn validates(api: &Api, id: &TypeId) -> bool {
    api.types.get(id).is_some_and(|def| def.validates)
}
