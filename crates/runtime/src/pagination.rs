//! Lists that come in pages, read as one stream of their items (`Pages`).
//!
//! A paging method sends its operation's first request and returns a [`Pages`]; each later
//! page is the same request with the cursor the previous page gave ([`Cursor`]), sent through
//! [`crate::send::execute`] like any call, so retries, credentials, default headers, the hook
//! and tracing apply to every page as they do to a single call. A page is fetched only when
//! its items are wanted: the stream holds one page's items at a time.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
#[cfg(any(feature = "pagination-url", feature = "pagination-link"))]
use reqwest::Url;
#[cfg(feature = "pagination-link")]
use reqwest::header::HeaderMap;

use crate::Error;
use crate::request::Request;
use crate::session::Session;

/// How the request for the next page is made from the first one and a page's cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cursor {
    /// The query parameter `param` is set to the cursor (replacing the value the first request
    /// had). With `keep`, only those query parameters and `param` are sent again: Dropshot's
    /// rule, whose page token stands for the other parameters of the first request. An API
    /// whose lists all page by URL or `Link` header never builds it.
    #[allow(dead_code)]
    Query { param: &'static str, keep: Option<&'static [&'static str]> },
    #[cfg(feature = "pagination-url")]
    /// The cursor is the next page's URL (absolute, or relative to the page's), query
    /// included: the first request's query is not sent again.
    Url,
    #[cfg(feature = "pagination-link")]
    /// The next page's URL is the response's `Link` header target with `rel="next"` (RFC
    /// 8288), resolved against the page's URL; a cursor from the body is not used.
    LinkHeader,
}

/// What a generated method reads off a decoded page: the cursor of the next page (`None` at
/// the end), then the page's items.
pub(crate) type Split<P, T> = fn(P) -> (Option<String>, Vec<T>);

/// A page's fetch: its items, and the fetch of the page after it, not started yet.
type Fetch<T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send>>;

/// One page read.
struct Page<T> {
    items: Vec<T>,
    next: Option<Fetch<T>>,
}

/// What every page of a list shares: the client, the way to the next page, and the reader.
struct Walk<S, P, T> {
    session: S,
    cursor: Cursor,
    split: Split<P, T>,
}

/// The items of a list that comes in pages, one at a time: a [`Stream`] of `Result<T, Error>`.
///
/// It starts with the items of the first page, which the method that returned it has read
/// already; when they run out, it asks for the next page with the same request and the cursor
/// the last page gave, until a page gives none. Each page's request is sent as any call's is
/// (credentials, retries, timeout, hook). A page that fails (an error status after the
/// retries, a body that does not decode) is one `Err` item, after which the stream ends. A
/// cursor that repeats the one just sent also ends it, as a server that does so would
/// otherwise be asked for the same page forever. It is `Unpin`, so `StreamExt::next` (of
/// `futures-util` or `tokio-stream`) can be called on it directly.
pub struct Pages<T> {
    items: std::vec::IntoIter<T>,
    next: Option<Fetch<T>>,
    pages: u64,
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("pages_read", &self.pages)
            .field("items_left_in_page", &self.items.len())
            .field("more", &self.next.is_some())
            .finish()
    }
}

impl<T> Pages<T> {
    /// How many pages have been read so far.
    pub fn pages_read(&self) -> u64 {
        self.pages
    }
}

impl<T> Unpin for Pages<T> {}

impl<T> Stream for Pages<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            let Some(fetch) = this.next.as_mut() else { return Poll::Ready(None) };
            match fetch.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => {
                    this.next = None;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(Ok(page)) => {
                    this.pages += 1;
                    this.items = page.items.into_iter();
                    this.next = page.next;
                }
            }
        }
    }
}

/// Sends `request`, the first page's, for `session`, and returns the list's items as a
/// stream: the first page read, the others as they are wanted. The first page's failure is
/// the call's error.
pub(crate) async fn pages<S, P, T>(
    session: &S,
    request: Request<S::Scheme>,
    cursor: Cursor,
    split: Split<P, T>,
) -> Result<Pages<T>, Error>
where
    S: Session + Clone + Send + Sync + 'static,
    S::Scheme: Send + Sync,
    P: serde::de::DeserializeOwned + 'static,
    T: Send + 'static,
{
    let walk = Arc::new(Walk { session: session.clone(), cursor, split });
    let first = fetch(walk, request, None).await?;
    Ok(Pages { items: first.items.into_iter(), next: first.next, pages: 1 })
}

/// The fetch of the page `request` asks for; `sent` is the cursor it carries, if any.
fn fetch<S, P, T>(walk: Arc<Walk<S, P, T>>, request: Request<S::Scheme>, sent: Option<String>) -> Fetch<T>
where
    S: Session + Clone + Send + Sync + 'static,
    S::Scheme: Send + Sync,
    P: serde::de::DeserializeOwned + 'static,
    T: Send + 'static,
{
    Box::pin(async move {
        let again = request_again(&request);
        let received = crate::send::execute(&walk.session, request).await?;
        #[cfg(feature = "pagination-link")]
        let headers = received.headers.clone();
        let page: P = crate::decode::json(again.operation, received)?.body;
        let (cursor, items) = (walk.split)(page);
        #[cfg(feature = "pagination-link")]
        let cursor = if walk.cursor == Cursor::LinkHeader { next_link(&headers) } else { cursor };
        let next = match cursor.filter(|cursor| !cursor.is_empty()) {
            Some(cursor) if sent.as_ref() != Some(&cursor) => {
                next_request(again, walk.cursor, &cursor).map(|next| fetch(walk.clone(), next, Some(cursor)))
            }
            _ => None,
        };
        Ok(Page { items, next })
    })
}

/// A copy of `request` to send again (a paged request has no body).
fn request_again<S: 'static>(request: &Request<S>) -> Request<S> {
    let mut again = Request::new(request.operation_id, request.operation, request.method.clone(), request.url.clone());
    again.query = request.query.clone();
    again.headers = request.headers.clone();
    again.accept = request.accept;
    again.security = request.security;
    again.server = request.server.clone();
    #[cfg(feature = "error-body")]
    {
        again.errors = request.errors;
    }
    again
}

#[cfg(any(feature = "pagination-url", feature = "pagination-link"))]
/// The URL `request` goes to, its query included.
fn request_url<S: 'static>(request: &Request<S>) -> Url {
    crate::address::with_query(&request.url, &request.query)
}

/// The request for the page `cursor` names, made from a copy of the previous page's request
/// (`again`); `None` when the cursor is a URL that does not parse.
fn next_request<S: 'static>(mut again: Request<S>, how: Cursor, cursor: &str) -> Option<Request<S>> {
    match how {
        Cursor::Query { param, keep } => {
            again.query.retain(|(name, _)| name != param && keep.is_none_or(|keep| keep.contains(&name.as_str())));
            crate::param::Param::new(param, crate::param::Style::Form, true).query(cursor, &mut again.query).ok()?;
        }
        #[cfg(any(feature = "pagination-url", feature = "pagination-link"))]
        // A URL, relative to the previous page's (its query included), with a query of its own.
        _ => {
            again.url = request_url(&again).join(cursor).ok()?;
            again.query.clear();
        }
    }
    Some(again)
}

#[cfg(feature = "pagination-link")]
/// The target of the `Link` header's `rel="next"` link (RFC 8288), if there is one.
fn next_link(headers: &HeaderMap) -> Option<String> {
    let values = headers.get_all(reqwest::header::LINK).into_iter().filter_map(|value| value.to_str().ok());
    for value in values {
        let mut rest = value;
        while let Some(start) = rest.find('<') {
            let end = start + rest[start..].find('>')?;
            let target = &rest[start + 1..end];
            let params_end = rest[end..].find('<').map_or(rest.len(), |next| end + next);
            // The link's parameters, without the comma that separates it from the next link.
            let params = rest[end + 1..params_end].trim_end().trim_end_matches(',');
            let next = params.split(';').any(|param| {
                let Some((name, value)) = param.split_once('=') else { return false };
                name.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if next {
                return Some(target.to_owned());
            }
            rest = &rest[params_end..];
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request<()> {
        let url = reqwest::Url::parse("https://api.example.com/v1/items").unwrap();
        let mut request = Request::new("list", "GET /items", reqwest::Method::GET, url);
        request.query = [("limit", "2"), ("sort_by", "name"), ("page_token", "old")]
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .to_vec();
        request.headers = vec![("x-tenant", "t1".to_owned())];
        request
    }

    fn query(request: &Request<()>) -> Vec<(&str, &str)> {
        request.query.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect()
    }

    #[test]
    fn a_query_cursor_replaces_the_parameter_and_keeps_the_rest() {
        let next =
            next_request(request_again(&request()), Cursor::Query { param: "page_token", keep: None }, "abc").unwrap();
        assert_eq!(query(&next), [("limit", "2"), ("sort_by", "name"), ("page_token", "abc")]);
        assert_eq!(next.headers, [("x-tenant", "t1".to_owned())]);
        assert_eq!(next.url, request().url);
    }

    #[test]
    fn dropshot_sends_only_the_kept_parameters_again() {
        let keep: &'static [&'static str] = &["limit", "page_token"];
        let next =
            next_request(request_again(&request()), Cursor::Query { param: "page_token", keep: Some(keep) }, "abc")
                .unwrap();
        assert_eq!(query(&next), [("limit", "2"), ("page_token", "abc")]);
    }

    #[cfg(feature = "pagination-url")]
    #[test]
    fn a_url_cursor_replaces_url_and_query() {
        let page_url = request_url(&request());
        assert_eq!(page_url.as_str(), "https://api.example.com/v1/items?limit=2&sort_by=name&page_token=old");
        let next = next_request(request_again(&request()), Cursor::Url, "items?after=9").unwrap();
        assert_eq!(next.url.as_str(), "https://api.example.com/v1/items?after=9");
        assert!(next.query.is_empty());
        let next = next_request(request_again(&request()), Cursor::Url, "https://other.example/x").unwrap();
        assert_eq!(next.url.as_str(), "https://other.example/x");
    }

    #[cfg(feature = "pagination-link")]
    #[test]
    fn the_next_link_is_read_from_the_link_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(next_link(&headers), None);
        headers.insert(
            reqwest::header::LINK,
            r#"<https://api.example.com/items?page=1>; rel="prev first", <https://api.example.com/items?page=3>; rel="next""#
                .parse()
                .unwrap(),
        );
        assert_eq!(next_link(&headers).as_deref(), Some("https://api.example.com/items?page=3"));
        headers.insert(
            reqwest::header::LINK,
            r#"</items?page=4>; rel="next", </items?page=1>; rel="first""#.parse().unwrap(),
        );
        assert_eq!(next_link(&headers).as_deref(), Some("/items?page=4"));
        headers.insert(reqwest::header::LINK, "</items?page=2>; title=\"a;b\"; rel=next".parse().unwrap());
        assert_eq!(next_link(&headers).as_deref(), Some("/items?page=2"));
        headers.insert(reqwest::header::LINK, "<https://x.example/>; rel=\"last\"".parse().unwrap());
        assert_eq!(next_link(&headers), None);
    }

    fn page(items: Vec<u32>, next: Option<Fetch<u32>>) -> Fetch<u32> {
        Box::pin(async move { Ok(Page { items, next }) })
    }

    async fn collect(mut pages: Pages<u32>) -> Vec<Result<u32, String>> {
        let mut out = Vec::new();
        while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut pages).poll_next(cx)).await {
            out.push(item.map_err(|e| e.to_string()));
        }
        out
    }

    #[tokio::test]
    async fn items_of_every_page_come_in_order_and_empty_pages_are_skipped() {
        let third = page(vec![4], None);
        let second = page(Vec::new(), Some(third));
        let pages = Pages { items: vec![1, 2, 3].into_iter(), next: Some(second), pages: 1 };
        assert_eq!(collect(pages).await, [Ok(1), Ok(2), Ok(3), Ok(4)]);
    }

    #[tokio::test]
    async fn a_failing_page_is_an_error_item_and_the_end() {
        let failing: Fetch<u32> = Box::pin(async { Err(Error::config("page two failed")) });
        let pages = Pages { items: vec![1].into_iter(), next: Some(failing), pages: 1 };
        let items = collect(pages).await;
        assert_eq!(items.len(), 2);
        assert_eq!(items[0], Ok(1));
        assert!(items[1].as_ref().is_err_and(|e| e.contains("page two failed")), "{items:?}");
    }
}
