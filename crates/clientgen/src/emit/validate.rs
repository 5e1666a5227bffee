//! Emits request-side validation: the per-field checks, which call the runtime's `validate.rs`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::model::*;

/// The checks `constraints` imply for a value of type `ty` bound to `value`, named `field` on
/// the wire; `pattern_static` names the static holding its compiled pattern.
pub fn checks(
    constraints: &Constraints,
    ty: &TypeRef,
    field: &str,
    pattern_static: Option<&str>,
    value: TokenStream,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let pattern_static = pattern_static.map(super::rust::ident);
    let pattern_static = pattern_static.as_ref().filter(|_| constraints.pattern.is_some());
    match ty {
        TypeRef::Scalar(Scalar::String | Scalar::Uri) => {
            if let Some(max) = constraints.max_length.map(Literal::u64_unsuffixed) {
                out.push(quote! { crate::validate::max_length(#field, #value, #max)?; });
            }
            if let Some(min) = constraints.min_length.map(Literal::u64_unsuffixed) {
                out.push(quote! { crate::validate::min_length(#field, #value, #min)?; });
            }
            if let Some(pattern_static) = pattern_static {
                out.push(quote! { crate::validate::pattern(#field, #value, &#pattern_static)?; });
            }
        }
        TypeRef::Scalar(Scalar::Decimal) if pattern_static.is_some() => {
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

/// The call into a nested value's own `validate`, when its type has one: directly, or for
/// every item of a list and every value of a map (at any depth), each error naming where it is
/// (`pets[2].name`, `labels["en"].text`). `names` is the direction whose views the holder
/// names. Lowering follows the same shapes (`graph::named_within`).
pub fn nested(api: &Api, ty: &TypeRef, names: Direction, field: &str, value: TokenStream) -> Option<TokenStream> {
    match ty {
        TypeRef::Named(id) => {
            let validate = validate_method(api, id, names)?;
            Some(quote! { #value.#validate().map_err(|e| e.within(#field))?; })
        }
        // An id has nothing to check; an object sent whole is checked as itself.
        TypeRef::Expandable(inner) => {
            let TypeRef::Named(id) = inner.as_ref() else { return None };
            let validate = validate_method(api, id, names)?;
            Some(quote! {
                if let Some(object) = (#value).object() {
                    object.#validate().map_err(|e| e.within(#field))?;
                }
            })
        }
        _ => {
            let template = field.replace('{', "{{").replace('}', "}}");
            within_items(api, ty, names, &template, value, 0)
        }
    }
}

/// [`nested`] inside the items of a list or the values of a map, `depth` levels down, whose
/// path is the `format!` template `path` over the loop variables of the levels above; each
/// level's loop variables have names of their own (`i`, `i1`, …).
fn within_items(
    api: &Api,
    ty: &TypeRef,
    names: Direction,
    path: &str,
    value: TokenStream,
    depth: usize,
) -> Option<TokenStream> {
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
        TypeRef::Named(id) => {
            let validate = validate_method(api, id, names)?;
            quote! { #item.#validate().map_err(|e| e.within(&format!(#path)))?; }
        }
        _ => within_items(api, inner, names, &path, quote! { #item }, depth + 1)?,
    };
    Some(quote! {
        for #place in #items {
            #check
        }
    })
}

/// The `validate` method of the view of `id` that `names` names, when it has one.
pub fn validate_method(api: &Api, id: &TypeId, names: Direction) -> Option<proc_macro2::Ident> {
    let view = api.types.get(id)?.view(names);
    view.methods.as_ref()?.validate.as_deref().map(super::rust::ident)
}
