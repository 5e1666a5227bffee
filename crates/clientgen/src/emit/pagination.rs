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

/// The docs of a page method: what it returns, how it goes from page to page, and the example.
pub(super) fn pages_doc(api: &Api, op: &Operation, pages: &PageMethod, example: TokenStream) -> TokenStream {
    let twin = super::docs::method_link("Self", &pages.mirrors);
    let item = rust_type(api, &pages.item, Direction::Response, &quote! {}).owned.to_string().replace(' ', "");
    let mut lines = vec![
        format!(
            " `{} {}`, every page: the items of the list one at a time, as a [`crate::Pages`] stream of `{item}`. \
             {twin} reads one page.",
            op.http_method, op.path
        ),
        String::new(),
        format!(" {}", how(pages)),
        String::new(),
        " The first page is read before this returns; each next one when the items before it have been taken. \
          Every page's request is sent as any call's is: credentials, retries, the timeout and the hook apply to each."
            .to_owned(),
        String::new(),
        if pages.body_left_out {
            " The operation's request body is optional and not sent: every page is asked for without one.".to_owned()
        } else {
            String::new()
        },
        " # Errors".to_owned(),
        String::new(),
        " As the buffered method, for the first page; a later page that fails is an `Err` item, after which the \
          stream ends."
            .to_owned(),
    ];
    // The body note, when there is none, leaves an empty line after the blank one.
    lines.dedup_by(|a, b| a.is_empty() && b.is_empty());
    quote! { #(#[doc = #lines])* #example }
}

/// How a page method goes from one page to the next, in a sentence.
pub(crate) fn how(pages: &PageMethod) -> String {
    let items = pages.items_field.as_ref().map_or("the body".to_owned(), |f| format!("`{}`", f.rust_name));
    match &pages.cursor {
        PageCursor::Query { param, from, keep, has_more } => {
            let from = match from {
                CursorSource::Page(field) => format!("the page's `{}`", field.rust_name),
                CursorSource::LastItem(field) => format!("the `{}` of the last item of {items}", field.rust_name),
            };
            let more = has_more
                .as_ref()
                .map(|f| format!(" while `{}` is true", f.rust_name))
                .unwrap_or_else(|| " until the page has none".to_owned());
            let keep = match keep {
                Some(keep) => format!(
                    "; of the query parameters, only {} are sent again (the cursor stands for the others)",
                    keep.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                ),
                None => String::new(),
            };
            format!("Each next page is asked for with the query parameter `{param}` set to {from}{more}{keep}.")
        }
        PageCursor::Url(field) => {
            format!("Each next page is read from the URL in the page's `{}`, until the page has none.", field.rust_name)
        }
        PageCursor::LinkHeader => {
            "Each next page is read from the URL of the response's `Link` header with `rel=\"next\"`, until a response \
             has none."
                .to_owned()
        }
    }
}
