//! What every call shares: the runtime's default settings (constants, which the generator's
//! README and docs read from this file), [`RequestOptions`], the [`ApiResponse`] a call
//! returns, and the environment's variables.
//!
//! The path a call takes is in the modules beside this one: `request` describes it, `session`
//! is what the client hands over, `send` sends it (with `retry` deciding about retries and
//! `address` about URLs), `transport` makes the HTTP client, and `hook` holds the caller's hook.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// Default number of retries after the first attempt.
pub(crate) const MAX_RETRIES: u32 = 2;
/// Default limit on each attempt, in seconds.
pub(crate) const TIMEOUT_SECS: u64 = 60;
/// Default connect timeout, in seconds (set on the HTTP client, for every call).
pub(crate) const CONNECT_TIMEOUT_SECS: u64 = 10;
/// Default delay before the first retry, in milliseconds; each later retry doubles it.
pub(crate) const INITIAL_BACKOFF_MS: u64 = 500;
/// Default cap on the delay between attempts, in seconds.
pub(crate) const MAX_BACKOFF_SECS: u64 = 8;
/// Default cap on an honoured `Retry-After`, in seconds.
pub(crate) const MAX_RETRY_AFTER_SECS: u64 = 60;
/// Default cap on a success body, in MiB.
pub(crate) const MAX_RESPONSE_MIB: usize = 64;
/// How many redirects one attempt follows before the last one is returned as an error.
pub(crate) const MAX_REDIRECTS: usize = 10;
/// Statuses retried whatever the method: the server turned the request away unhandled.
pub(crate) const RETRIED_STATUSES: &[u16] = &[429];
/// Statuses retried for idempotent methods only: the request may have been acted on.
pub(crate) const IDEMPOTENT_RETRIED_STATUSES: &[u16] = &[408, 500, 502, 503, 504];

/// How calls are retried and timed out.
///
/// Set them for a client with [`crate::ClientBuilder::options`], or for some calls only
/// with [`crate::Client::with_options`].
///
/// Defaults: 2 retries, a 60 s timeout per attempt, backoff from 500 ms doubling up to
/// 8 s with jitter, `Retry-After` honoured up to 60 s, and success bodies of up
/// to 64 MiB. The connect timeout (10 s by default) is set on
/// [`crate::ClientBuilder::connect_timeout`].
///
/// A `Retry-After` is waited for in full, plus a random extra of up to the backoff the retry
/// would otherwise have waited (up to 500 ms before the first retry, by default), so
/// that the many calls one rate limit turned away come back spread out, not all at once.
///
/// What is retried: a connection that could not be opened (nothing was sent), and `429 Too
/// Many Requests`, for every method; `408`, `500`, `502`, `503`, `504` and other transport
/// failures only for idempotent methods (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`,
/// `TRACE`). A `POST` that may have reached the server is never repeated, so a call whose
/// effects must not happen twice is never made twice by the client.
#[cfg_attr(feature = "upload", doc = "")]
#[cfg_attr(
    feature = "upload",
    doc = " A body read from a stream ([`ByteSource::from_stream`](crate::types::ByteSource::from_stream), [`ByteSource::from_reader`](crate::types::ByteSource::from_reader)) can be sent only once: such a call is retried only when its connection could not be opened and the stream is still unread, whatever the method and status, and a redirect that would send the body again (`307`, `308`, or `301`/`302` to a method other than `POST`) ends it with [`Error::Config`](crate::Error::Config). Bodies from memory or a file path ([`ByteSource::from_path`](crate::types::ByteSource::from_path), opened again by each attempt) are retried as above. The timeout covers the whole upload: raise it for large ones."
)]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// How many times a failed call is retried; `0` turns retries off.
    pub max_retries: u32,
    /// The limit on each attempt, from sending the request to the end of the response.
    ///
    /// For a method that returns a stream (`ByteStream`, `EventStream`), whose body may go on
    /// for as long as it is live, it limits the wait for the response head (status and
    /// headers), and then each wait for the next chunk of the body (an idle timeout), never
    /// the whole stream; either ends in [`Error::Timeout`](crate::Error), and a late head is
    /// not retried.
    pub timeout: Duration,
    /// The delay before the first retry; each later retry doubles it.
    pub initial_backoff: Duration,
    /// The longest delay between two attempts.
    pub max_backoff: Duration,
    /// The longest `Retry-After` waited for; when a server asks for more, its error is
    /// returned at once.
    pub max_retry_after: Duration,
    /// The largest success body read, in bytes; a larger one ends the call with
    /// [`Error::TooLarge`](crate::Error::TooLarge) as soon as it is known, so memory stays bounded. (Error
    /// bodies are cut at 64 KiB instead.)
    pub max_response_bytes: usize,
}

impl Default for RequestOptions {
    fn default() -> Self {
        RequestOptions {
            max_retries: MAX_RETRIES,
            timeout: Duration::from_secs(TIMEOUT_SECS),
            initial_backoff: Duration::from_millis(INITIAL_BACKOFF_MS),
            max_backoff: Duration::from_secs(MAX_BACKOFF_SECS),
            max_retry_after: Duration::from_secs(MAX_RETRY_AFTER_SECS),
            max_response_bytes: MAX_RESPONSE_MIB * 1024 * 1024,
        }
    }
}

impl RequestOptions {
    /// Sets how many times a failed call is retried; `0` turns retries off.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the limit on each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the delay before the first retry.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Sets the longest delay between two attempts.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Sets the longest `Retry-After` waited for.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Sets the largest success body read, in bytes.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }
}

/// An environment variable, when set and not empty.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// A successful response: its status and headers, and the decoded body.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    /// The status (a success).
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> ApiResponse<T> {
    /// The decoded body, without status and headers.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The same response with its body changed by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

/// Methods a server must treat the same however often they arrive.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defaults the docs of `RequestOptions` state are the constants it uses.
    #[test]
    fn the_documented_defaults_are_the_constants() {
        let source = include_str!("http.rs");
        let docs: String = source
            .split("pub struct RequestOptions")
            .next()
            .unwrap()
            .lines()
            .filter_map(|line| line.trim().strip_prefix("///"))
            .collect::<Vec<_>>()
            .join("");
        for stated in [
            format!("Defaults: {MAX_RETRIES} retries, a {TIMEOUT_SECS} s timeout per attempt"),
            format!("backoff from {INITIAL_BACKOFF_MS} ms doubling up to {MAX_BACKOFF_SECS} s"),
            format!("`Retry-After` honoured up to {MAX_RETRY_AFTER_SECS} s"),
            format!("success bodies of up to {MAX_RESPONSE_MIB} MiB"),
            format!("The connect timeout ({CONNECT_TIMEOUT_SECS} s by default)"),
        ] {
            let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(words(&docs).contains(&words(&stated)), "{stated}");
        }
    }
}
