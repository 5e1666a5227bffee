//! Lowering pagination: which operations return a list in pages, by which convention, and the
//! method that streams their items (`PageMethod`).
//!
//! Conventions are recognised only where both sides are unambiguous: the page's fields and
//! the request's query parameter. In order: the `x-pagination` extension (an overlay's; `false`
//! turns recognition off), Dropshot's `x-dropshot-pagination`, a cursor list of Stripe's shape,
//! a next-page token, a next link. An operation that requires a request body is never paged;
//! an optional body (Stripe declares an empty form on its lists) is not sent by the page method.

use openapiv3::{ReferenceOr, StatusCode};

use super::Lowerer;
use crate::diag::{Diagnostic, join};
use crate::model::*;
use crate::naming::{self, Scope};

/// The extension that says how an operation pages, or (`false`) that it does not.
pub const PAGINATION: &str = "x-pagination";
/// Dropshot's extension on a paginated operation.
pub const DROPSHOT_PAGINATION: &str = "x-dropshot-pagination";

/// Next-page token fields of a page, each with the query parameters that take it back.
const TOKEN_PAIRS: &[(&str, &[&str])] = &[
    ("next_page_token", &["page_token"]),
    ("nextPageToken", &["pageToken"]),
    ("next_cursor", &["cursor"]),
    ("nextCursor", &["cursor"]),
    ("next_page", &["page_token"]),
];

/// Page fields that hold the next page's URL.
const NEXT_URL_FIELDS: &[&str] = &["next", "next_url", "nextUrl", "next_link", "nextLink"];

/// What the recognisers need to know about an operation.
pub(super) struct PagedOp<'o> {
    pub op: &'o openapiv3::Operation,
    pub pointer: &'o str,
    pub parameters: &'o [Parameter],
    /// The operation requires a request body (an optional one is left out of its pages).
    pub requires_body: bool,
    /// The operation takes a request body.
    pub has_body: bool,
    pub success: &'o Success,
    pub method_name: &'o str,
}

/// A struct field as a recogniser sees it.
struct Found {
    rust_name: String,
    ty: TypeRef,
    optional: bool,
}

impl Found {
    fn field(&self) -> PageField {
        PageField {
            rust_name: self.rust_name.clone(),
            optional: self.optional,
            text: matches!(self.ty, TypeRef::Scalar(Scalar::String | Scalar::Uri)),
        }
    }
}

impl<'a> Lowerer<'a> {
    /// The page method of an operation, when it returns a list in pages; its name is claimed
    /// in `methods`, the clients' scope.
    pub(super) fn page_method(&mut self, paged: &PagedOp<'_>, methods: &mut Scope) -> Option<PageMethod> {
        let extension = paged.op.extensions.get(PAGINATION);
        if extension == Some(&serde_json::Value::Bool(false)) {
            return None;
        }
        let Success::Single(SuccessBody::Json(page)) = paged.success else {
            if extension.is_some() {
                self.page_warning(paged, "the success body is not one JSON schema; the operation is not paged");
            }
            return None;
        };
        if paged.requires_body {
            if extension.is_some() {
                self.page_warning(paged, "an operation that requires a request body is not paged");
            }
            return None;
        }
        let page = page.clone();
        let found = match extension {
            Some(value) => self.extension(paged, &page, value),
            None if paged
                .op
                .extensions
                .get(DROPSHOT_PAGINATION)
                .is_some_and(|v| *v != serde_json::Value::Bool(false)) =>
            {
                self.dropshot(paged, &page)
            }
            None => self
                .cursor_list(paged, &page)
                .or_else(|| self.token(paged, &page))
                .or_else(|| self.next_link(paged, &page)),
        };
        let (convention, items_field, item, cursor) = found?;
        // The reader's bindings share the method's scope: its locals and path parameters first.
        let mut scope = Scope::new();
        naming::method_locals(&mut scope);
        for p in paged.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
            scope.claim(&p.rust_name);
        }
        let locals = PageLocals { page: scope.claim("page"), last: scope.claim("last") };
        Some(PageMethod {
            method_name: methods.claim(&naming::derived_name(paged.method_name, "items")),
            mirrors: paged.method_name.to_owned(),
            convention,
            page,
            items_field,
            item,
            cursor,
            locals,
            body_left_out: paged.has_body,
            how: String::new(),
        })
    }

    fn page_warning(&mut self, paged: &PagedOp<'_>, message: &str) {
        self.warnings.push(Diagnostic::at(join(paged.pointer, &[PAGINATION]), message.to_owned()));
    }

    /// Dropshot: `items` and a nullable string `next_page`, sent back as `page_token`; later
    /// pages send only `page_token` and `limit` among the query parameters.
    fn dropshot(&mut self, paged: &PagedOp<'_>, page: &TypeRef) -> Option<Recognised> {
        let fields = self.page_fields(page)?;
        let (items, item) = array_field(&fields, "items")?;
        let next = text_field(&fields, "next_page")?;
        let param = query_param(paged.parameters, "page_token", true)?;
        let keep = ["limit", param].iter().map(|s| (*s).to_owned()).collect();
        let cursor = PageCursor::Query {
            param: param.to_owned(),
            from: CursorSource::Page(next),
            keep: Some(keep),
            has_more: None,
        };
        Some((PageConvention::Dropshot, Some(items), item, cursor))
    }

    /// Stripe's cursor lists: `data` and a boolean `has_more`, the next request with
    /// `starting_after` set to the last item's `id`.
    fn cursor_list(&mut self, paged: &PagedOp<'_>, page: &TypeRef) -> Option<Recognised> {
        let fields = self.page_fields(page)?;
        let (items, item) = array_field(&fields, "data")?;
        let has_more = bool_field(&fields, "has_more")?;
        let param = query_param(paged.parameters, "starting_after", true)?;
        let id = self.id_field(&item, "id")?;
        let cursor = PageCursor::Query {
            param: param.to_owned(),
            from: CursorSource::LastItem(id),
            keep: None,
            has_more: Some(has_more),
        };
        Some((PageConvention::CursorList, Some(items), item, cursor))
    }

    /// A next-page token: the page's only array and one token field of a known name, and the
    /// one query parameter that takes it back.
    fn token(&mut self, paged: &PagedOp<'_>, page: &TypeRef) -> Option<Recognised> {
        let fields = self.page_fields(page)?;
        let mut matches = TOKEN_PAIRS.iter().filter_map(|(field, params)| {
            let found = text_field(&fields, field)?;
            let param = params.iter().find_map(|p| query_param(paged.parameters, p, true))?;
            Some((found, param))
        });
        let (next, param) = matches.next()?;
        if matches.next().is_some() {
            return None;
        }
        let (items, item) = only_array(&fields)?;
        let cursor =
            PageCursor::Query { param: param.to_owned(), from: CursorSource::Page(next), keep: None, has_more: None };
        Some((PageConvention::Token, Some(items), item, cursor))
    }

    /// A next link: a `Link` header declared on the success response (the body the list, or a
    /// page with one array), or the page's only array beside one next-URL field.
    fn next_link(&mut self, paged: &PagedOp<'_>, page: &TypeRef) -> Option<Recognised> {
        let link_header = paged.op.responses.responses.iter().any(|(status, response)| {
            let success = match status {
                StatusCode::Code(n) => (200..300).contains(n),
                StatusCode::Range(n) => *n == 2,
            };
            success
                && matches!(response, ReferenceOr::Item(r) if r.headers.keys().any(|h| h.eq_ignore_ascii_case("link")))
        });
        if link_header {
            if let TypeRef::List(item) = self.followed(page) {
                return Some((PageConvention::NextLink, None, *item, PageCursor::LinkHeader));
            }
            let fields = self.page_fields(page)?;
            let (items, item) = only_array(&fields)?;
            return Some((PageConvention::NextLink, Some(items), item, PageCursor::LinkHeader));
        }
        let fields = self.page_fields(page)?;
        let mut urls = NEXT_URL_FIELDS.iter().filter_map(|name| text_field(&fields, name));
        let next = urls.next()?;
        if urls.next().is_some() {
            return None;
        }
        let (items, item) = only_array(&fields)?;
        Some((PageConvention::NextLink, Some(items), item, PageCursor::Url(next)))
    }

    /// The `x-pagination` extension: see ARCHITECTURE.md ("Pagination") for its keys.
    fn extension(&mut self, paged: &PagedOp<'_>, page: &TypeRef, value: &serde_json::Value) -> Option<Recognised> {
        let at = join(paged.pointer, &[PAGINATION]);
        let spec: Extension = match serde_json::from_value(value.clone()) {
            Ok(spec) => spec,
            Err(e) => {
                self.warnings.push(Diagnostic::at(at, format!("{PAGINATION} is not understood ({e}); it is ignored")));
                return None;
            }
        };
        let result = self.extension_pages(paged, page, &spec);
        if let Err(problem) = &result {
            self.warnings.push(Diagnostic::at(at, format!("{PAGINATION}: {problem}; the operation is not paged")));
        }
        result.ok()
    }

    fn extension_pages(&mut self, paged: &PagedOp<'_>, page: &TypeRef, spec: &Extension) -> Result<Recognised, String> {
        let (items_field, item) = match &spec.items {
            Some(name) => {
                let fields = self.page_fields(page).ok_or("the success body is not an object")?;
                let (items, item) =
                    array_field(&fields, name).ok_or_else(|| format!("the page has no array field `{name}`"))?;
                (Some(items), item)
            }
            None => match self.followed(page) {
                TypeRef::List(item) => (None, *item),
                _ => return Err("`items` is not set and the success body is not an array".to_owned()),
            },
        };
        let field_of = |fields: &[(String, Found)], name: &str, what: &str| {
            text_field(fields, name).ok_or_else(|| format!("the {what} has no string or integer field `{name}`"))
        };
        let cursor = match (&spec.param, &spec.next_url, spec.link_header) {
            (Some(param), None, false) => {
                let param = query_param(paged.parameters, param, false)
                    .ok_or_else(|| format!("the operation has no query parameter `{param}`"))?;
                let from = match (&spec.next, &spec.last_item) {
                    (Some(next), None) => {
                        let fields = self.page_fields(page).ok_or("the success body is not an object")?;
                        CursorSource::Page(field_of(&fields, next, "page")?)
                    }
                    (None, Some(last)) => {
                        let fields = self.item_fields(&item).ok_or("the items are not objects")?;
                        CursorSource::LastItem(field_of(&fields, last, "item")?)
                    }
                    _ => return Err("give exactly one of `next` and `lastItem` with `param`".to_owned()),
                };
                let has_more = match &spec.has_more {
                    Some(name) => {
                        let fields = self.page_fields(page).ok_or("the success body is not an object")?;
                        Some(
                            bool_field(&fields, name)
                                .ok_or_else(|| format!("the page has no boolean field `{name}`"))?,
                        )
                    }
                    None => None,
                };
                let keep = spec.keep_query.as_ref().map(|keep| {
                    let mut keep = keep.clone();
                    keep.push(param.to_owned());
                    keep
                });
                PageCursor::Query { param: param.to_owned(), from, keep, has_more }
            }
            (None, Some(url), false) => {
                let fields = self.page_fields(page).ok_or("the success body is not an object")?;
                PageCursor::Url(field_of(&fields, url, "page")?)
            }
            (None, None, true) => PageCursor::LinkHeader,
            _ => return Err("give exactly one of `param`, `nextUrl` and `linkHeader: true`".to_owned()),
        };
        Ok((PageConvention::Extension, items_field, item, cursor))
    }

    /// `ty` with aliases followed.
    fn followed(&self, ty: &TypeRef) -> TypeRef {
        let mut ty = ty.clone();
        for _ in 0..=self.types.len() {
            match &ty {
                TypeRef::Named(id) => match self.types.get(id).map(|draft| &draft.def.kind) {
                    Some(TypeKind::Alias(target)) => ty = target.clone(),
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// The fields of the struct a page is, by wire name, each as its response view has it.
    fn page_fields(&self, page: &TypeRef) -> Option<Vec<(String, Found)>> {
        let TypeRef::Named(id) = self.followed(page) else { return None };
        let TypeKind::Struct(s) = &self.types.get(&id)?.def.kind else { return None };
        Some(
            s.fields
                .iter()
                .filter(|f| f.response != Presence::Absent)
                .map(|f| {
                    let optional = f.response == Presence::Optional || f.nullable;
                    let found = Found { rust_name: f.rust_name.clone(), ty: self.followed(&f.ty), optional };
                    (f.wire_name.clone(), found)
                })
                .collect(),
        )
    }

    /// The fields of an item, when it is a struct.
    fn item_fields(&self, item: &TypeRef) -> Option<Vec<(String, Found)>> {
        self.page_fields(item)
    }

    /// An item's required text or integer field `name` (its `id`).
    fn id_field(&self, item: &TypeRef, name: &str) -> Option<PageField> {
        let fields = self.item_fields(item)?;
        text_field(&fields, name).filter(|f| !f.optional)
    }
}

/// What a recogniser finds: the convention, the items' field and type, and the cursor.
type Recognised = (PageConvention, Option<PageField>, TypeRef, PageCursor);

/// The keys of `x-pagination`.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Extension {
    /// The page's field holding the items; absent when the body is the list.
    items: Option<String>,
    /// The query parameter the next request sets to the cursor.
    param: Option<String>,
    /// The page's field holding the cursor.
    next: Option<String>,
    /// The last item's field that is the cursor.
    last_item: Option<String>,
    /// A boolean page field: `false` ends the list.
    has_more: Option<String>,
    /// The query parameters sent again on later pages besides `param`; all when absent.
    keep_query: Option<Vec<String>>,
    /// The page's field holding the next page's URL.
    next_url: Option<String>,
    /// The next page's URL is the `Link` header's `rel="next"`.
    #[serde(default)]
    link_header: bool,
}

/// The array field `name`: the field and its item type.
fn array_field(fields: &[(String, Found)], name: &str) -> Option<(PageField, TypeRef)> {
    let (_, found) = fields.iter().find(|(wire, _)| wire == name)?;
    match &found.ty {
        TypeRef::List(item) => Some((found.field(), (**item).clone())),
        _ => None,
    }
}

/// The only array field of a page.
fn only_array(fields: &[(String, Found)]) -> Option<(PageField, TypeRef)> {
    let mut arrays = fields.iter().filter(|(_, f)| matches!(f.ty, TypeRef::List(_)));
    let (wire, _) = arrays.next()?;
    if arrays.next().is_some() {
        return None;
    }
    array_field(fields, wire)
}

/// The field `name` when it is text or an integer (a cursor or an ID).
fn text_field(fields: &[(String, Found)], name: &str) -> Option<PageField> {
    let (_, found) = fields.iter().find(|(wire, _)| wire == name)?;
    matches!(found.ty, TypeRef::Scalar(Scalar::String | Scalar::Uri | Scalar::I32 | Scalar::I64 | Scalar::Uuid))
        .then(|| found.field())
}

/// The boolean field `name`.
fn bool_field(fields: &[(String, Found)], name: &str) -> Option<PageField> {
    let (_, found) = fields.iter().find(|(wire, _)| wire == name)?;
    (found.ty == TypeRef::Scalar(Scalar::Bool)).then(|| found.field())
}

/// The query parameter `name`; with `text`, only a string one. It must be optional: the
/// first page goes without it.
fn query_param<'p>(parameters: &'p [Parameter], name: &str, text: bool) -> Option<&'p str> {
    parameters
        .iter()
        .find(|p| p.location == ParamLocation::Query && p.wire_name == name && !p.required)
        .filter(|p| !text || matches!(p.ty, TypeRef::Scalar(Scalar::String)))
        .map(|p| p.wire_name.as_str())
}
