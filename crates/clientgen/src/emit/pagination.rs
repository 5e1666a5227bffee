//! Emits what a page method (`{op}_items`) does after building the first page's request: hand
//! it to the runtime's `pagination::pages` with the way to the next page and a reader that
//! takes a page apart, and its docs.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::rust::{Read, ident, rust_type};
use crate::model::*;

/// The stream a page method returns, and the code that sends the first page's `request`.
pub(super) fn pages_read(api: &Api, pages: &PageMethod, request: &Ident, client: &TokenStream) -> Read {
    let types = quote! { types:: };
    let item = rust_type(api, &pages.item, Direction::Response, &types).owned;
    let page_type = rust_type(api, &pages.page, Direction::Response, &types).owned;
    let page = ident(&pages.locals.page);
    let last = ident(&pages.locals.last);
    let items = match &pages.items_field {
        None => quote! { #page },
        Some(field) => {
            let name = ident(&field.rust_name);
            if field.optional {
                quote! { #page.#name.unwrap_or_default() }
            } else {
                quote! { #page.#name }
            }
        }
    };
    let (cursor, next) = match &pages.cursor {
        PageCursor::Query { param, from, keep, has_more } => {
            let keep = match keep {
                Some(keep) => quote! { Some(&[#(#keep),*]) },
                None => quote! { None },
            };
            let cursor = quote! { crate::pagination::Cursor::Query { param: #param, keep: #keep } };
            let next = match from {
                CursorSource::Page(field) => page_value(&page, field),
                CursorSource::LastItem(field) => {
                    let last_item = match &pages.items_field {
                        None => quote! { #page.last() },
                        Some(items) if items.optional => {
                            let name = ident(&items.rust_name);
                            quote! { #page.#name.as_deref().and_then(<[_]>::last) }
                        }
                        Some(items) => {
                            let name = ident(&items.rust_name);
                            quote! { #page.#name.last() }
                        }
                    };
                    let id = ident(&field.rust_name);
                    match (field.optional, field.text) {
                        (false, true) => quote! { #last_item.map(|#last| #last.#id.clone()) },
                        (false, false) => quote! { #last_item.map(|#last| #last.#id.to_string()) },
                        (true, true) => quote! { #last_item.and_then(|#last| #last.#id.clone()) },
                        (true, false) => {
                            quote! { #last_item.and_then(|#last| #last.#id.as_ref().map(ToString::to_string)) }
                        }
                    }
                }
            };
            let next = match has_more {
                None => next,
                Some(flag) => {
                    let name = ident(&flag.rust_name);
                    let more = if flag.optional {
                        quote! { #page.#name.unwrap_or(false) }
                    } else {
                        quote! { #page.#name }
                    };
                    quote! { if #more { #next } else { None } }
                }
            };
            (cursor, next)
        }
        PageCursor::Url(field) => (quote! { crate::pagination::Cursor::Url }, page_value(&page, field)),
        PageCursor::LinkHeader => (quote! { crate::pagination::Cursor::LinkHeader }, quote! { None }),
    };
    Read {
        ty: quote! { crate::Pages<#item> },
        code: quote! {
            crate::pagination::pages(#client, #request, #cursor, |#page: #page_type| (#next, #items)).await
        },
    }
}

/// A page field's value as the cursor, `Option<String>`.
fn page_value(page: &Ident, field: &PageField) -> TokenStream {
    let name = ident(&field.rust_name);
    match (field.optional, field.text) {
        (true, true) => quote! { #page.#name },
        (false, true) => quote! { Some(#page.#name) },
        (true, false) => quote! { #page.#name.as_ref().map(ToString::to_string) },
        (false, false) => quote! { Some(#page.#name.to_string()) },
    }
}
