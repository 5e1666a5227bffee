//! The caller's [`Hook`] and what it is told about each request ([`AttemptInfo`]), and the
//! [`Extras`] a client adds to its calls besides credentials: default headers and the hook.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::Error;
use crate::error::HookError;

/// What a [`Hook`] is told about one request of a call.
///
/// A call makes one or more attempts (the first, then each retry), and an attempt sends one
/// request, then one more for each redirect it follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttemptInfo {
    /// The operation's `operationId` in the spec (or, when it has none, the name the client
    /// derived from its method and path).
    pub operation_id: &'static str,
    /// The operation's HTTP method, as the spec declares it (a redirect may change the method
    /// of the request actually sent: see the request itself).
    pub method: &'static str,
    /// The operation's path as the spec writes it, with its `{parameters}` unfilled.
    pub path: &'static str,
    /// Which attempt this is: 1 for the first, 2 for the first retry, and so on.
    pub attempt: u32,
    /// How many redirects this attempt has followed before this request: 0 for the request
    /// the attempt starts with.
    pub redirect: u32,
    /// Whether the request goes to the base URL's origin (or to that of the operation's own
    /// server, when the spec gives it one), and so carries the client's credentials and
    /// default headers. A redirect to another host does not.
    pub to_base_origin: bool,
}

/// What [`Hook::before_send`] returns: a future, boxed so that hooks can be shared as
/// `Arc<dyn Hook>`.
pub type HookFuture<'a> = Pin<Box<dyn Future<Output = Result<(), HookError>> + Send + 'a>>;

/// Code of the caller's that sees every request a client sends, and what came back.
///
/// Set one with [`crate::ClientBuilder::hook`]; copies of the client made by
/// [`crate::Client::with_options`] and its kin share it. Every method has a default that does
/// nothing, so a hook implements only what it needs. Each request of each attempt (retries
/// and redirects included, see [`AttemptInfo`]) goes through [`Hook::before_send`] and then
/// through exactly one of [`Hook::on_response`] and [`Hook::on_error`].
///
/// `before_send` gets the request as it will go out, credentials and default headers added,
/// and may change it: add a header, or sign it (the bytes of a body the client holds in memory
/// are at `request.body().and_then(|body| body.as_bytes())`; a multipart body is a stream
/// and has none). It is async, so a signature may come from elsewhere;
/// [`crate::ClientBuilder::hook`] shows one.
///
/// What a hook must not do:
///
/// - read a response's body: it is the caller's, and the hook sees the response by reference
///   only, before the client reads it;
/// - block the thread (sleep, wait on a lock held across calls, do blocking I/O): hooks run
///   inside the async runtime, on the call's task; await instead, in `before_send`;
/// - send credentials where the client would not: `before_send` runs for redirects to other
///   hosts too, so a hook that adds a secret checks [`AttemptInfo::to_base_origin`] first;
/// - make the request unsafe to repeat: the client retries as the operation's method allows,
///   whatever the hook changed, and each attempt starts again from the call's own request;
/// - panic: a panic unwinds through the call.
///
/// An error from `before_send` ends the call at once with [`Error::Hook`], without sending the
/// request and without a retry.
pub trait Hook: Send + Sync + 'static {
    /// Sees, and may change, a request just before it is sent.
    fn before_send<'a>(&'a self, attempt: &'a AttemptInfo, request: &'a mut reqwest::Request) -> HookFuture<'a> {
        let _ = (attempt, request);
        Box::pin(std::future::ready(Ok(())))
    }

    /// Sees the status and headers of a response to a request (of any status, redirects
    /// included), before the client reads its body or decides on a retry.
    fn on_response(&self, attempt: &AttemptInfo, response: &reqwest::Response) {
        let _ = (attempt, response);
    }

    /// Sees why a request got no response (the connection failed, timed out or broke).
    ///
    /// The error's message holds the URL, query included: with an API key in the query it
    /// holds the key, so a hook that logs it should log `error.without_url()` instead.
    fn on_error(&self, attempt: &AttemptInfo, error: &reqwest::Error) {
        let _ = (attempt, error);
    }
}

impl<H: Hook + ?Sized> Hook for Arc<H> {
    fn before_send<'a>(&'a self, attempt: &'a AttemptInfo, request: &'a mut reqwest::Request) -> HookFuture<'a> {
        (**self).before_send(attempt, request)
    }

    fn on_response(&self, attempt: &AttemptInfo, response: &reqwest::Response) {
        (**self).on_response(attempt, response);
    }

    fn on_error(&self, attempt: &AttemptInfo, error: &reqwest::Error) {
        (**self).on_error(attempt, error);
    }
}

/// What a client adds to its calls besides credentials: the default headers and the hook, set
/// on its builder and shared by its copies. `Debug` shows the headers' names only.
#[derive(Clone, Default)]
pub(crate) struct Extras {
    headers: HeaderMap,
    /// Why the first default header that is not a valid header is not, reported at build.
    invalid: Option<String>,
    pub(crate) hook: Option<Arc<dyn Hook>>,
}

impl Extras {
    /// Adds a default header, replacing one of the same name; an invalid name or value is
    /// kept as an error for [`Extras::checked`], which names the header (never its value).
    pub(crate) fn default_header(&mut self, name: &str, value: &str) {
        let problem = match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
                return;
            }
            (Err(_), _) => format!("default header {name:?} is not a valid header name"),
            (Ok(_), Err(_)) => format!("default header {name:?} has a value that is not a valid header value"),
        };
        self.invalid.get_or_insert(problem);
    }

    /// Sets the hook, replacing any other.
    pub(crate) fn hook(&mut self, hook: Arc<dyn Hook>) {
        self.hook = Some(hook);
    }

    /// The extras, or [`Error::Config`] naming the first default header that is invalid.
    pub(crate) fn checked(self) -> Result<Extras, Error> {
        match self.invalid {
            Some(problem) => Err(Error::config(problem)),
            None => Ok(self),
        }
    }

    /// Adds the default headers a request does not have already: one the call sets itself (a
    /// parameter, a content type, a credential) wins.
    pub(crate) fn fill(&self, headers: &mut HeaderMap) {
        for (name, value) in &self.headers {
            headers.entry(name).or_insert_with(|| value.clone());
        }
    }
}

impl fmt::Debug for Extras {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extras")
            .field("default_headers", &self.headers.keys().map(HeaderName::as_str).collect::<Vec<_>>())
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_headers_fill_gaps_and_invalid_ones_are_named_at_build() {
        let mut extras = Extras::default();
        extras.default_header("OpenAI-Beta", "assistants=v2");
        extras.default_header("authorization", "Bearer default");
        extras.default_header("openai-beta", "assistants=v3");
        let extras = extras.checked().expect("valid headers");
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer credential".parse().unwrap());
        extras.fill(&mut headers);
        assert_eq!(headers["openai-beta"], "assistants=v3", "a later default replaces an earlier one");
        assert_eq!(headers["authorization"], "Bearer credential", "what the call sets wins");
        assert_eq!(
            format!("{extras:?}"),
            r#"Extras { default_headers: ["openai-beta", "authorization"], hook: false }"#
        );

        let mut bad_name = Extras::default();
        bad_name.default_header("bad header", "x");
        bad_name.default_header("also bad", "y");
        let error = bad_name.checked().unwrap_err().to_string();
        assert!(error.contains(r#"default header "bad header" is not a valid header name"#), "{error}");
        let mut bad_value = Extras::default();
        bad_value.default_header("x-token", "line\nbreak");
        let error = bad_value.checked().unwrap_err().to_string();
        assert!(error.contains(r#""x-token" has a value that is not a valid header value"#), "{error}");
        assert!(!error.contains("break"), "the value is not shown: {error}");
    }
}
