//! The path every call takes: credentials, redirects, retries and timeouts.

use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};

use crate::error::{api_error, read_capped, too_large, transport};
use crate::Error;

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
    doc = " A body read from a stream ([`ByteSource::from_stream`](crate::types::ByteSource::from_stream), [`ByteSource::from_reader`](crate::types::ByteSource::from_reader)) can be sent only once: such a call is retried only when its connection could not be opened and the stream is still unread, whatever the method and status, and a redirect that would send the body again (`307`, `308`, or `301`/`302` to a method other than `POST`) ends it with [`Error::Config`]. Bodies from memory or a file path ([`ByteSource::from_path`](crate::types::ByteSource::from_path), opened again by each attempt) are retried as above. The timeout covers the whole upload: raise it for large ones."
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
    /// [`Error::TooLarge`] as soon as it is known, so memory stays bounded. (Error
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

/// The base URL a client is built with: an `http` or `https` URL that can have paths joined to
/// it. Plain `http` to a host that is not this machine is refused when `credentials` would go
/// over it, unless `allow_insecure_http`.
pub(crate) fn base_url(url: &str, credentials: bool, allow_insecure_http: bool) -> Result<Url, Error> {
    let base_url = Url::parse(url).map_err(|e| Error::config(format!("base URL {url:?} is not a valid URL: {e}")))?;
    if base_url.cannot_be_a_base() || !matches!(base_url.scheme(), "http" | "https") {
        return Err(Error::config(format!("base URL {url:?} is not an http or https URL")));
    }
    if base_url.scheme() == "http" && !is_loopback(&base_url) && credentials && !allow_insecure_http {
        return Err(Error::config(format!(
            "refusing to send credentials over plain http to {}; use https, or allow it with ClientBuilder::allow_insecure_http(true)",
            base_url.host_str().unwrap_or_default()
        )));
    }
    Ok(base_url)
}

/// Whether the URL's host is this machine (`localhost`, `127.0.0.0/8` or `::1`).
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || ip.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The HTTP client every call goes through, made from the caller's `builder` (proxies, root
/// certificates, client certificates, a TLS back end) or a default one. Whatever the builder
/// says, the client sends `user_agent` and follows no redirect itself: `execute` follows them,
/// so that credentials never reach another host. The connect timeout is `connect_timeout`,
/// or the default when neither it nor a builder of the caller's is given.
///
/// With the `rustls` back end (the default) reqwest sets TLS up itself: rustls with the
/// process-wide crypto provider when the application installed one, else aws-lc-rs's, whose
/// key exchange offers X25519MLKEM768 (post-quantum) first, and the platform's certificate
/// verifier; nothing process-wide is changed.
///
/// With the `rustls-ring` back end alone (reqwest prefers either other one), the default
/// client's TLS is rustls with the process-wide provider when there is one, else ring's
/// (`ring_provider`), and the platform's verifier; nothing process-wide is changed. A
/// caller's builder may carry TLS settings (root certificates, a client identity) that reqwest
/// applies with the process-wide provider, and reqwest stops when there is none; so ring's is
/// installed as the process-wide provider then, and only when the process has none.
pub(crate) fn http_client(
    builder: Option<reqwest::ClientBuilder>,
    user_agent: &str,
    connect_timeout: Option<Duration>,
) -> Result<reqwest::Client, Error> {
    let connect_timeout = match (&builder, connect_timeout) {
        (_, Some(timeout)) => Some(timeout),
        (None, None) => Some(Duration::from_secs(CONNECT_TIMEOUT_SECS)),
        (Some(_), None) => None,
    };
    let builder = match builder {
        Some(builder) => {
            #[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
            if rustls::crypto::CryptoProvider::get_default().is_none() {
                // Another thread may install one first; either way there is one.
                let _ = ring_provider().install_default();
            }
            builder
        }
        None => default_http_client()?,
    };
    let mut builder = builder.user_agent(user_agent).redirect(reqwest::redirect::Policy::none());
    if let Some(timeout) = connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    builder.build().map_err(|e| Error::config(format!("cannot set up the HTTP client: {e}")))
}

/// The builder of the client used when the caller brings none: reqwest's own, with rustls set
/// up with ring under the `rustls-ring` back end alone (see [`http_client`]).
fn default_http_client() -> Result<reqwest::ClientBuilder, Error> {
    let builder = reqwest::Client::builder();
    #[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
    let builder = builder.tls_backend_preconfigured(ring_tls()?);
    Ok(builder)
}

#[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
/// rustls with the process-wide crypto provider when there is one, else ring's, verifying
/// servers with the platform's verifier (the system's roots), and offering HTTP/2 (with the
/// `http2` feature) and HTTP/1.1 by ALPN, as reqwest would set it up itself.
fn ring_tls() -> Result<rustls::ClientConfig, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = match rustls::crypto::CryptoProvider::get_default() {
        Some(provider) => provider.clone(),
        None => std::sync::Arc::new(ring_provider()),
    };
    let failed = |e: rustls::Error| Error::config(format!("cannot set up TLS: {e}"));
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .with_platform_verifier()
        .map_err(failed)?
        .with_no_client_auth();
    config.alpn_protocols = alpn_protocols();
    Ok(config)
}

#[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
/// The application protocols the client offers: HTTP/2 first when it can speak it.
fn alpn_protocols() -> Vec<Vec<u8>> {
    #[cfg(feature = "http2")]
    let protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    #[cfg(not(feature = "http2"))]
    let protocols = vec![b"http/1.1".to_vec()];
    protocols
}

#[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
/// ring's crypto provider for rustls: ring's cipher suites and key exchange groups as rustls
/// lists them, webpki's ring signature algorithms, ring's random numbers and rustls's loading
/// of keys by ring. rustls 0.23.48 deprecated `rustls::crypto::ring::default_provider`, which
/// returns the same, because ring has no post-quantum key exchange; the items it is made of
/// are not deprecated. A caller who picked `rustls-ring` chose ring's classical key exchange
/// (X25519, P-256, P-384) for its smaller build; `rustls`, the default, offers X25519MLKEM768.
fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::CryptoProvider {
        cipher_suites: rustls::crypto::ring::DEFAULT_CIPHER_SUITES.to_vec(),
        kx_groups: rustls::crypto::ring::DEFAULT_KX_GROUPS.to_vec(),
        signature_verification_algorithms: RING_SIGNATURES,
        secure_random: &RingRandom,
        key_provider: &RingKeys,
    }
}

#[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
/// The signature algorithms ring verifies certificates and handshakes with, and which of them
/// each TLS signature scheme may use (rustls's own table for ring).
static RING_SIGNATURES: rustls::crypto::WebPkiSupportedAlgorithms = {
    use rustls::SignatureScheme as Scheme;
    use webpki::ring as alg;
    rustls::crypto::WebPkiSupportedAlgorithms {
        all: &[
            alg::ECDSA_P256_SHA256,
            alg::ECDSA_P256_SHA384,
            alg::ECDSA_P384_SHA256,
            alg::ECDSA_P384_SHA384,
            alg::ED25519,
            alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
            alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
            alg::RSA_PKCS1_2048_8192_SHA256,
            alg::RSA_PKCS1_2048_8192_SHA384,
            alg::RSA_PKCS1_2048_8192_SHA512,
            alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
            alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
        ],
        mapping: &[
            (Scheme::ECDSA_NISTP384_SHA384, &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384]),
            (Scheme::ECDSA_NISTP256_SHA256, &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256]),
            (Scheme::ED25519, &[alg::ED25519]),
            (Scheme::RSA_PSS_SHA512, &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY]),
            (Scheme::RSA_PSS_SHA384, &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY]),
            (Scheme::RSA_PSS_SHA256, &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY]),
            (Scheme::RSA_PKCS1_SHA512, &[alg::RSA_PKCS1_2048_8192_SHA512]),
            (Scheme::RSA_PKCS1_SHA384, &[alg::RSA_PKCS1_2048_8192_SHA384]),
            (Scheme::RSA_PKCS1_SHA256, &[alg::RSA_PKCS1_2048_8192_SHA256]),
        ],
    }
};

#[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
/// ring's random numbers, for rustls.
#[derive(Debug)]
struct RingRandom;

#[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
impl rustls::crypto::SecureRandom for RingRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), rustls::crypto::GetRandomFailed> {
        use ring::rand::SecureRandom as _;
        ring::rand::SystemRandom::new().fill(buf).map_err(|_| rustls::crypto::GetRandomFailed)
    }
}

#[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
/// Private keys (a client identity's) loaded for signing by ring, for rustls.
#[derive(Debug)]
struct RingKeys;

#[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
impl rustls::crypto::KeyProvider for RingKeys {
    fn load_private_key(
        &self,
        key_der: rustls::pki_types::PrivateKeyDer<'static>,
    ) -> Result<std::sync::Arc<dyn rustls::sign::SigningKey>, rustls::Error> {
        rustls::crypto::ring::sign::any_supported_type(&key_der)
    }
}

/// `url` with `query` (`name=value` pairs, percent-encoded already) as its query; `url` as it
/// is when there are none.
pub(crate) fn with_query(url: &Url, query: &[(String, String)]) -> Url {
    let mut url = url.clone();
    if !query.is_empty() {
        let pairs: Vec<String> = query.iter().map(|(name, value)| format!("{name}={value}")).collect();
        url.set_query(Some(&pairs.join("&")));
    }
    url
}

/// `base` with `segments` appended to its path: the path template's own text, and parameter
/// values percent-encoded already (`param.rs`), so a `%` is left as it is while what a path
/// cannot hold (a space, `?`, `#`) is encoded.
pub(crate) fn join_path(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    let mut path = url.path().trim_end_matches('/').to_owned();
    for segment in segments {
        path.push('/');
        path.push_str(segment);
    }
    url.set_path(&path);
    url
}

/// An environment variable, when set and not empty.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

#[cfg(feature = "form")]
/// `text` encoded for a form body: letters, digits and `-._*` as they are, a space as `+`,
/// brackets as they are in keys (`keep_brackets`), and every other byte as `%XX`.
fn form_text(text: &str, keep_brackets: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => out.push(char::from(byte)),
            b'[' | b']' if keep_brackets => out.push(char::from(byte)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
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

/// Why a hook refused to let a request go; the call ends with [`Error::Hook`].
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

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
    hook: Option<Arc<dyn Hook>>,
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
    fn fill(&self, headers: &mut HeaderMap) {
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

/// What a client hands the runtime to send its calls: its HTTP client, base URL and options,
/// and its credentials, which it adds to a request for the security schemes the operation
/// accepts.
pub(crate) trait Session {
    /// A security scheme an operation may ask for.
    type Scheme: 'static;

    /// The HTTP client (its connection pool, user agent and connect timeout).
    fn http(&self) -> &reqwest::Client;

    /// The URL whose origin receives credentials.
    fn base_url(&self) -> &Url;

    /// How calls are retried and timed out.
    fn options(&self) -> &RequestOptions;

    /// The default headers and the hook.
    fn extras(&self) -> &Extras;

    /// Adds the credentials of the first of `alternatives` that is fully configured; with no
    /// alternatives, none. Fails when no alternative is.
    fn authorize(
        &self,
        operation: &str,
        request: reqwest::RequestBuilder,
        alternatives: &[&[Self::Scheme]],
    ) -> Result<reqwest::RequestBuilder, Error>;
}

#[cfg(feature = "credentials")]
/// The first of an operation's security `alternatives` whose every scheme the client has
/// (`has`); with no alternatives, none. When none will do, the error names what would, each
/// scheme by its name in the spec (`name`).
pub(crate) fn chosen_alternative<'a, S: Copy>(
    operation: &str,
    alternatives: &[&'a [S]],
    has: impl Fn(S) -> bool,
    name: impl Fn(S) -> &'static str,
) -> Result<&'a [S], Error> {
    if alternatives.is_empty() {
        return Ok(&[]);
    }
    alternatives.iter().copied().find(|schemes| schemes.iter().all(|s| has(*s))).ok_or_else(|| {
        let wanted: Vec<String> = alternatives
            .iter()
            .map(|schemes| schemes.iter().map(|s| name(*s)).collect::<Vec<_>>().join(" and "))
            .collect();
        Error::config(format!("{operation} needs credentials: {}", wanted.join(", or ")))
    })
}

/// One call, described before it is sent; sent as often as retries and redirects need.
pub(crate) struct Request<S: 'static> {
    /// The spec's `operationId` (or the name derived from method and path).
    pub(crate) operation_id: &'static str,
    /// `METHOD /path`, with the path as the spec writes it.
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) url: Url,
    /// The query's `name=value` pairs, percent-encoded (`param.rs`).
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The media types the method reads, sent as `Accept` unless the call, a default header
    /// or the hook sets one; empty: none is sent (the operation's responses have no body).
    pub(crate) accept: &'static str,
    pub(crate) body: Body,
    pub(crate) security: &'static [&'static [S]],
    /// The operation's own server (a path or operation of the spec declares one), whose origin
    /// gets credentials and default headers as the base URL's does.
    pub(crate) server: Option<Url>,
    #[cfg(feature = "error-body")]
    /// The error schemas the operation declares, each with the statuses it is for.
    pub(crate) errors: &'static [(crate::error::Declared, crate::error::ErrorDecoder)],
    #[cfg(feature = "byte-stream")]
    /// The body is read as a stream: the timeout limits the wait for the response head, not
    /// the whole call (`stream.rs` limits each wait for a chunk).
    pub(crate) streamed: bool,
}

impl<S: 'static> Request<S> {
    pub(crate) fn new(operation_id: &'static str, operation: &'static str, method: Method, url: Url) -> Self {
        Request {
            operation_id,
            operation,
            method,
            url,
            query: Vec::new(),
            headers: Vec::new(),
            accept: "",
            body: Body::Empty,
            security: &[],
            server: None,
            #[cfg(feature = "error-body")]
            errors: &[],
            #[cfg(feature = "byte-stream")]
            streamed: false,
        }
    }
}

/// A request body, encoded once and sent by every attempt.
pub(crate) enum Body {
    /// No body.
    Empty,
    #[cfg(any(feature = "json-body", feature = "form", feature = "raw-body"))]
    /// Bytes already encoded, with their content type.
    Encoded { content_type: &'static str, bytes: Vec<u8> },
    #[cfg(feature = "bytes-body")]
    /// Bytes from memory, a file or a stream, with their content type.
    ByteSource { content_type: &'static str, upload: crate::support::ByteSource },
    #[cfg(feature = "multipart")]
    /// A multipart form, rebuilt for each attempt.
    Multipart(Vec<Part>),
}

impl Body {
    #[cfg(feature = "json-body")]
    /// A JSON body.
    pub(crate) fn json(value: impl serde::Serialize) -> Result<Body, Error> {
        let bytes = serde_json::to_vec(&value)
            .map_err(|e| Error::validation("body", format!("cannot be encoded as JSON: {e}")))?;
        Ok(Body::Encoded { content_type: "application/json", bytes })
    }

    #[cfg(feature = "form")]
    /// A form-urlencoded body of `key=value` pairs (a struct's `form_pairs`): each text
    /// percent-encoded (a space as `+`), the brackets of keys written in `deepObject` style
    /// (`metadata[plan]`) kept as they are, as Rack, PHP and qs write and read them.
    pub(crate) fn form<K: AsRef<str>>(pairs: &[(K, String)]) -> Result<Body, Error> {
        let text: Vec<String> = pairs
            .iter()
            .map(|(key, value)| format!("{}={}", form_text(key.as_ref(), true), form_text(value, false)))
            .collect();
        Ok(Body::Encoded { content_type: "application/x-www-form-urlencoded", bytes: text.join("&").into_bytes() })
    }

    #[cfg(feature = "form-value")]
    /// A form-urlencoded body of a value that is not a struct: an object's entries, each
    /// as a struct's field would go.
    pub(crate) fn form_of(value: impl serde::Serialize) -> Result<Body, Error> {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(entries)) => {
                let pairs: Vec<(&str, String)> = entries
                    .iter()
                    .flat_map(|(key, value)| field_texts(value).into_iter().map(move |text| (key.as_str(), text)))
                    .collect();
                Body::form(&pairs)
            }
            Ok(_) => Err(Error::validation("body", "cannot be form-encoded: it is not an object".to_owned())),
            Err(e) => Err(Error::validation("body", format!("cannot be form-encoded: {e}"))),
        }
    }

    #[cfg(feature = "raw-body")]
    /// A body sent as given, with its content type.
    pub(crate) fn raw(content_type: &'static str, bytes: &[u8]) -> Body {
        Body::Encoded { content_type, bytes: bytes.to_vec() }
    }

    #[cfg(feature = "bytes-body")]
    /// A binary body, from memory, a file or a stream, with its content type.
    pub(crate) fn upload(content_type: &'static str, upload: impl Into<crate::support::ByteSource>) -> Body {
        Body::ByteSource { content_type, upload: upload.into() }
    }

    #[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
    /// Whether every attempt can send this body (no part of it is a stream, which goes once).
    fn is_replayable(&self) -> bool {
        self.uploads().all(crate::support::ByteSource::is_replayable)
    }

    #[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
    /// Whether no attempt has read any stream in this body yet.
    fn is_unread(&self) -> bool {
        self.uploads().all(crate::support::ByteSource::is_unread)
    }

    #[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
    /// The uploads in this body: its own, or its file parts'.
    fn uploads(&self) -> impl Iterator<Item = &crate::support::ByteSource> {
        let uploads: Vec<&crate::support::ByteSource> = match self {
            #[cfg(feature = "bytes-body")]
            Body::ByteSource { upload, .. } => vec![upload],
            #[cfg(feature = "multipart-files")]
            Body::Multipart(parts) => parts.iter().filter_map(Part::upload).collect(),
            _ => Vec::new(),
        };
        uploads.into_iter()
    }

    fn attach(&self, builder: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, Error> {
        Ok(match self {
            Body::Empty => builder,
            #[cfg(any(feature = "json-body", feature = "form", feature = "raw-body"))]
            Body::Encoded { content_type, bytes } => {
                builder.header(reqwest::header::CONTENT_TYPE, *content_type).body(bytes.clone())
            }
            #[cfg(feature = "bytes-body")]
            Body::ByteSource { content_type, upload } => {
                builder.header(reqwest::header::CONTENT_TYPE, *content_type).body(upload.to_body("body")?.0)
            }
            #[cfg(feature = "multipart")]
            Body::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for part in parts {
                    form = form.part(part.name.clone(), part.to_reqwest()?);
                }
                builder.multipart(form)
            }
        })
    }
}

#[cfg(feature = "multipart")]
/// One part of a multipart body.
pub(crate) struct Part {
    name: String,
    value: PartValue,
}

#[cfg(feature = "multipart")]
/// What a part holds.
enum PartValue {
    #[cfg(feature = "multipart-text")]
    /// A text field.
    Text(String),
    #[cfg(feature = "multipart-files")]
    /// A file, with its name and content type.
    File(crate::support::File),
}

#[cfg(feature = "multipart")]
impl Part {
    #[cfg(feature = "multipart-text")]
    /// A text field.
    pub(crate) fn text(name: &str, text: String) -> Self {
        Part { name: name.to_owned(), value: PartValue::Text(text) }
    }

    #[cfg(feature = "multipart-text")]
    /// The parts a field's value becomes (see `field_texts`).
    pub(crate) fn values(name: &str, value: impl serde::Serialize, parts: &mut Vec<Part>) {
        parts.extend(field_texts(&value).into_iter().map(|text| Part::text(name, text)));
    }

    #[cfg(feature = "multipart-files")]
    /// A file, with its name and content type (its contents are shared, not copied).
    pub(crate) fn file(name: &str, file: &crate::support::File) -> Self {
        Part { name: name.to_owned(), value: PartValue::File(file.clone()) }
    }

    #[cfg(feature = "multipart-files")]
    /// The contents of a file part.
    fn upload(&self) -> Option<&crate::support::ByteSource> {
        match self.value {
            PartValue::File(ref file) => Some(&file.contents),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    fn to_reqwest(&self) -> Result<reqwest::multipart::Part, Error> {
        match self.value {
            #[cfg(feature = "multipart-text")]
            PartValue::Text(ref text) => Ok(reqwest::multipart::Part::text(text.clone())),
            #[cfg(feature = "multipart-files")]
            PartValue::File(ref file) => {
                let part = match file.contents.to_body(&self.name)? {
                    (body, Some(length)) => reqwest::multipart::Part::stream_with_length(body, length),
                    (body, None) => reqwest::multipart::Part::stream(body),
                };
                part.file_name(file.file_name.clone())
                    .mime_str(&file.content_type)
                    .map_err(|e| Error::validation(&self.name, format!("has an invalid content type: {e}")))
            }
        }
    }
}

#[cfg(any(feature = "form-fields", feature = "form-value", feature = "multipart-text"))]
/// The texts a field's value goes as in a form or multipart body: scalars as text, lists
/// as one text per item, objects as JSON text, and `null` as an empty text (what an HTML
/// form sends for an empty field; Django REST framework reads it as null, or as `""` where
/// a blank string is allowed).
pub(crate) fn field_texts<T: serde::Serialize + ?Sized>(value: &T) -> Vec<String> {
    fn text_of(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Array(items)) => items.iter().map(text_of).collect(),
        Ok(value) => vec![text_of(&value)],
        Err(_) => Vec::new(),
    }
}

/// A success response with its body read in full.
pub(crate) struct Received {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    #[cfg_attr(not(any(feature = "read-json", feature = "read-text", feature = "read-bytes")), allow(dead_code))]
    pub(crate) body: Vec<u8>,
}

/// Reads a success body, at most `limit` bytes of it: a `Content-Length` over the limit
/// fails before reading, a body that grows past it as soon as it does.
async fn receive(operation: &str, mut response: reqwest::Response, limit: usize) -> Result<Received, Error> {
    if response.content_length().is_some_and(|length| length > limit as u64) {
        return Err(too_large(operation, limit));
    }
    // A byte past the limit tells a body that is too large from one that just fits.
    let body = read_capped(&mut response, limit.saturating_add(1)).await.map_err(|e| transport(operation, e))?;
    if body.len() > limit {
        return Err(too_large(operation, limit));
    }
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    Ok(Received { status, headers, body })
}

/// What one attempt ended with.
enum Attempt {
    /// A response, of any status.
    Response(reqwest::Response),
    /// No response: the connection failed, timed out or broke.
    Failed(reqwest::Error),
}

/// Sends `request` for `session`, following redirects and retrying as the options allow, and
/// reads the body of a success. Any status but a success becomes [`Error::Api`].
pub(crate) async fn execute<S: Session>(session: &S, request: Request<S::Scheme>) -> Result<Received, Error> {
    let response = send(session, &request).await?;
    receive(request.operation, response, session.options().max_response_bytes).await
}

/// Sends `request` for `session`, following redirects and retrying as the options allow, and
/// returns a success with its body still unread, for the caller to read as it needs (whole,
/// as a stream of bytes, or as events). Any status but a success becomes [`Error::Api`].
pub(crate) async fn send<S: Session>(session: &S, request: &Request<S::Scheme>) -> Result<reqwest::Response, Error> {
    let call = retried(session, request);
    #[cfg(feature = "tracing")]
    let call = traced(request.operation_id, request.operation, call);
    call.await
}

/// [`send`]'s attempts: the first, then each retry the options allow.
async fn retried<S: Session>(session: &S, request: &Request<S::Scheme>) -> Result<reqwest::Response, Error> {
    let options = session.options();
    let mut retries = 0;
    loop {
        let attempt = attempt(session, request, retries + 1).await?;
        let delay = match &attempt {
            Attempt::Response(response) if response.status().is_success() => None,
            Attempt::Response(response) => {
                status_retry_delay(response.status(), response.headers(), &request.method, retries, options)
            }
            Attempt::Failed(error) => error_retry_delay(error, &request.method, retries, options),
        };
        #[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
        // A stream in the body goes once: only an attempt whose connection never opened, which
        // read none of it, is retried.
        let delay = delay.filter(|_| request.body.is_replayable() || never_read(&attempt, &request.body));
        if let Some(delay) = delay.filter(|_| retries < options.max_retries) {
            retries += 1;
            tokio::time::sleep(delay).await;
            continue;
        }
        return match attempt {
            Attempt::Response(response) if response.status().is_success() => Ok(response),
            Attempt::Response(response) => Err(api_error(request, response).await),
            Attempt::Failed(error) => Err(transport(request.operation, error)),
        };
    }
}

/// Sends `request` once, following redirects: attempt `number` of the call. Credentials and
/// default headers go only to the base URL's origin (and the operation's own server's): a
/// redirect elsewhere is followed without them. The hook sees each request sent and what came back.
async fn attempt<S: Session>(session: &S, request: &Request<S::Scheme>, number: u32) -> Result<Attempt, Error> {
    let extras = session.extras();
    #[cfg(feature = "tracing")]
    tracing::Span::current().record("attempt", number);
    let mut url = request.url.clone();
    let mut method = request.method.clone();
    let mut with_body = true;
    let mut redirects = 0;
    loop {
        let target = if redirects == 0 { with_query(&url, &request.query) } else { url.clone() };
        let mut builder = session.http().request(method.clone(), target);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if with_body {
            builder = request.body.attach(builder)?;
        }
        let to_base_origin = same_origin(&url, session.base_url())
            || request.server.as_ref().is_some_and(|server| same_origin(&url, server));
        if to_base_origin {
            builder = session.authorize(request.operation, builder, request.security)?;
        }
        let mut outgoing = match builder.build() {
            Ok(outgoing) => outgoing,
            Err(error) => return Ok(Attempt::Failed(error)),
        };
        if to_base_origin {
            extras.fill(outgoing.headers_mut());
        }
        let accept = (!request.accept.is_empty() && !outgoing.headers().contains_key(ACCEPT))
            .then(|| HeaderValue::from_str(request.accept).ok())
            .flatten();
        if let Some(accept) = accept {
            outgoing.headers_mut().insert(ACCEPT, accept);
        }
        let (method_text, path) = request.operation.split_once(' ').unwrap_or(("", request.operation));
        let info = AttemptInfo {
            operation_id: request.operation_id,
            method: method_text,
            path,
            attempt: number,
            redirect: u32::try_from(redirects).unwrap_or(u32::MAX),
            to_base_origin,
        };
        if let Some(hook) = &extras.hook {
            hook.before_send(&info, &mut outgoing)
                .await
                .map_err(|source| Error::Hook { operation: request.operation.to_owned(), source })?;
        }
        let response = match send_head(request, session.options().timeout, session.http(), outgoing).await? {
            Ok(response) => response,
            Err(error) => {
                observe(extras, &info, Err(&error));
                return Ok(Attempt::Failed(error));
            }
        };
        observe(extras, &info, Ok(&response));
        let Some(next) = redirect_target(&response, &url).filter(|_| redirects < MAX_REDIRECTS) else {
            return Ok(Attempt::Response(response));
        };
        let status = response.status();
        if status == StatusCode::SEE_OTHER
            || (matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND) && method == Method::POST)
        {
            if method != Method::HEAD {
                method = Method::GET;
            }
            with_body = false;
        }
        #[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
        // A stream cannot be sent again.
        if with_body && !request.body.is_replayable() {
            return Err(Error::config(format!(
                "{} was redirected ({status}), which would send its body again, and a body from a stream is sent only once: upload from memory or a file to follow the redirect",
                request.operation
            )));
        }
        url = next;
        redirects += 1;
    }
}

/// Shows what came back for one request to the hook, and as an event to `tracing` (status or
/// the kind of failure only: never a URL, header or body).
fn observe(extras: &Extras, info: &AttemptInfo, outcome: Result<&reqwest::Response, &reqwest::Error>) {
    match outcome {
        Ok(response) => {
            #[cfg(feature = "tracing")]
            tracing::debug!(
                attempt = info.attempt,
                redirect = info.redirect,
                status = response.status().as_u16(),
                "response"
            );
            if let Some(hook) = &extras.hook {
                hook.on_response(info, response);
            }
        }
        Err(error) => {
            #[cfg(feature = "tracing")]
            tracing::debug!(
                attempt = info.attempt,
                redirect = info.redirect,
                error = failure_kind(error),
                "no response"
            );
            if let Some(hook) = &extras.hook {
                hook.on_error(info, error);
            }
        }
    }
}

#[cfg(feature = "tracing")]
/// Runs a call in a span of its own: `operation_id`, `method`, `path` (the spec's template),
/// and, as they become known, the `attempt` under way, the final `status` or `error` kind,
/// and the call's `duration_ms` up to its response's headers (or its failure). No field
/// holds a URL, a header, a credential or a body.
async fn traced(
    operation_id: &'static str,
    operation: &'static str,
    call: impl Future<Output = Result<reqwest::Response, Error>>,
) -> Result<reqwest::Response, Error> {
    use tracing::field::Empty;
    let (method, path) = operation.split_once(' ').unwrap_or(("", operation));
    let span = tracing::info_span!(
        "call",
        operation_id,
        method,
        path,
        attempt = Empty,
        status = Empty,
        error = Empty,
        duration_ms = Empty
    );
    let started = std::time::Instant::now();
    let result = tracing::Instrument::instrument(call, span.clone()).await;
    span.record("duration_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    match &result {
        Ok(response) => {
            span.record("status", response.status().as_u16());
        }
        Err(error) => {
            if let Some(status) = error.status() {
                span.record("status", status.as_u16());
            }
            let kind = match error {
                Error::Api { .. } => "status",
                Error::Transport { source, .. } => failure_kind(source),
                Error::Hook { .. } => "hook",
                Error::Config { .. } => "config",
                _ => "other",
            };
            span.record("error", kind);
        }
    }
    result
}

#[cfg(feature = "tracing")]
/// What kind of failure left a request without a response, in a word.
fn failure_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else {
        "transport"
    }
}

#[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
/// Whether an attempt failed before its connection opened and left the body's streams unread,
/// so that sending it again sends nothing twice.
fn never_read(attempt: &Attempt, body: &Body) -> bool {
    matches!(attempt, Attempt::Failed(error) if error.is_connect()) && body.is_unread()
}

#[cfg(not(feature = "byte-stream"))]
/// Sends one request, within `timeout` from sending it to the end of its response.
async fn send_head<S>(
    _: &Request<S>,
    timeout: Duration,
    http: &reqwest::Client,
    mut outgoing: reqwest::Request,
) -> Result<Result<reqwest::Response, reqwest::Error>, Error> {
    *outgoing.timeout_mut() = Some(timeout);
    Ok(http.execute(outgoing).await)
}

#[cfg(feature = "byte-stream")]
/// Sends one request, within `timeout` from sending it to the end of its response; a streamed
/// one within `timeout` to its head, since its body may go on for as long as it is live. A
/// streamed request whose head is late is not retried: [`Error::Timeout`].
async fn send_head<S>(
    request: &Request<S>,
    timeout: Duration,
    http: &reqwest::Client,
    mut outgoing: reqwest::Request,
) -> Result<Result<reqwest::Response, reqwest::Error>, Error> {
    if !request.streamed {
        *outgoing.timeout_mut() = Some(timeout);
        return Ok(http.execute(outgoing).await);
    }
    tokio::time::timeout(timeout, http.execute(outgoing))
        .await
        .map_err(|_| Error::timeout(request.operation, "the response head", timeout))
}

/// Whether two URLs share scheme, host and port (compared without building `Origin`s,
/// which allocate, since this runs on every attempt).
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// Where a redirect response points, resolved against the URL that produced it.
fn redirect_target(response: &reqwest::Response, url: &Url) -> Option<Url> {
    let status = response.status();
    if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    url.join(location).ok()
}

/// Methods a server must treat the same however often they arrive.
fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

/// How long to wait before retrying a response with this status, if it is retried.
fn status_retry_delay(
    status: StatusCode,
    headers: &HeaderMap,
    method: &Method,
    retries: u32,
    options: &RequestOptions,
) -> Option<Duration> {
    let code = status.as_u16();
    let retryable =
        RETRIED_STATUSES.contains(&code) || (is_idempotent(method) && IDEMPOTENT_RETRIED_STATUSES.contains(&code));
    if !retryable {
        return None;
    }
    match retry_after(headers, SystemTime::now()) {
        Some(wait) if wait > options.max_retry_after => None,
        Some(wait) => Some(after_retry_after(wait, retries, options)),
        None => Some(backoff(retries, options)),
    }
}

/// How long to wait before retrying after a failed attempt, if it is retried.
///
/// A connection that never opened carried nothing, so any method may be repeated; any
/// other failure may have reached the server, so only idempotent methods are.
fn error_retry_delay(
    error: &reqwest::Error,
    method: &Method,
    retries: u32,
    options: &RequestOptions,
) -> Option<Duration> {
    if error.is_builder() || error.is_redirect() {
        return None;
    }
    (error.is_connect() || is_idempotent(method)).then(|| backoff(retries, options))
}

/// `Retry-After`, in its seconds or HTTP-date form, as a wait from `now`.
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The `retries`-th backoff before jitter: the initial one doubled each time, capped.
fn full_backoff(retries: u32, options: &RequestOptions) -> Duration {
    options.initial_backoff.saturating_mul(2u32.saturating_pow(retries)).min(options.max_backoff)
}

/// A random fraction in [0, 1), from the standard library's per-hasher random keys.
fn random_fraction() -> f64 {
    let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
    (random % 1024) as f64 / 1024.0
}

/// Exponential backoff with jitter: the `retries`-th delay, doubled each time, capped,
/// then scaled by a random factor between 0.5 and 1.
fn backoff(retries: u32, options: &RequestOptions) -> Duration {
    full_backoff(retries, options).mul_f64(0.5 + random_fraction() / 2.0)
}

/// The wait before a retry a server asked for with `Retry-After`: all of `wait`, plus a random
/// extra of up to the backoff this retry would otherwise have waited. Calls told the same
/// `Retry-After` (every call that met the same rate limit) then come back spread over that
/// window instead of all in the same instant, and none before the server asked.
fn after_retry_after(wait: Duration, retries: u32, options: &RequestOptions) -> Duration {
    wait + full_backoff(retries, options).mul_f64(random_fraction())
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "credentials")]
    #[test]
    fn the_first_alternative_the_client_has_is_chosen() {
        let has = |s: u8| s != 2;
        let name = |s: u8| ["a", "b", "c"][usize::from(s)];
        assert_eq!(chosen_alternative("op", &[], has, name).unwrap(), &[] as &[u8]);
        assert_eq!(chosen_alternative("op", &[&[0, 2], &[0, 1]], has, name).unwrap(), &[0, 1]);
        let error = chosen_alternative("op", &[&[2], &[1, 2]], has, name).unwrap_err().to_string();
        assert!(error.contains("op needs credentials: c, or b and c"), "{error}");
    }

    use super::*;

    /// ring's provider as the runtime assembles it, on both ends of an in-memory handshake with
    /// the test authority's certificate (`tests/fixtures/tls`, P-256): the server loads its key
    /// through the provider's key loading, the client verifies the chain and the handshake's
    /// signature with its signature algorithms, and they agree on one of ring's key exchanges.
    #[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
    #[test]
    fn rings_provider_completes_a_handshake() {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let fixture =
            |name: &str| std::fs::read(format!("{}/../../tests/fixtures/tls/{name}", env!("CARGO_MANIFEST_DIR")));
        let certificate = CertificateDer::from_pem_slice(&fixture("server.pem").unwrap()).unwrap();
        let key = PrivateKeyDer::from_pem_slice(&fixture("server.key").unwrap()).unwrap();
        let authority = CertificateDer::from_pem_slice(&fixture("ca.pem").unwrap()).unwrap();
        let provider = Arc::new(ring_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(authority).unwrap();
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mut client = rustls::ClientConnection::new(Arc::new(client), name).unwrap();
        let mut server = rustls::ServerConnection::new(Arc::new(server)).unwrap();
        for _ in 0..10 {
            let mut bytes = Vec::new();
            client.write_tls(&mut bytes).unwrap();
            server.read_tls(&mut bytes.as_slice()).unwrap();
            server.process_new_packets().unwrap();
            bytes.clear();
            server.write_tls(&mut bytes).unwrap();
            client.read_tls(&mut bytes.as_slice()).unwrap();
            client.process_new_packets().unwrap();
        }
        assert!(!client.is_handshaking() && !server.is_handshaking());
        let group = client.negotiated_key_exchange_group().map(|g| g.name());
        assert!(rustls::crypto::ring::DEFAULT_KX_GROUPS.iter().any(|g| Some(g.name()) == group), "{group:?}");
        // The default client's TLS, with ALPN as reqwest would offer it.
        assert!(ring_tls().is_ok());
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(120)));
        headers.insert(RETRY_AFTER, "Wed, 21 Oct 2015 07:28:30 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert(RETRY_AFTER, "Wed, 21 Oct 2015 07:27:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn a_retry_after_is_waited_in_full_plus_a_spread_of_up_to_the_backoff() {
        let options = RequestOptions::default();
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "2".parse().unwrap());
        let waits: Vec<u128> = (0..200)
            .map(|_| status_retry_delay(StatusCode::TOO_MANY_REQUESTS, &headers, &Method::POST, 0, &options))
            .map(|wait| wait.expect("retried").as_millis())
            .collect();
        // The first retry's backoff is 500 ms: every wait is in [2 s, 2.5 s).
        assert!(waits.iter().all(|&ms| (2000..2500).contains(&ms)), "{waits:?}");
        // Spread over the window, not piled up at one end of it.
        let early = waits.iter().filter(|&&ms| ms < 2250).count();
        assert!((40..=160).contains(&early), "{early} of 200 in the first half: {waits:?}");
        // The later a retry, the wider the window (the backoff doubles).
        let third = after_retry_after(Duration::from_secs(2), 2, &options).as_millis();
        assert!((2000..4000).contains(&third), "{third}");
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let options = RequestOptions::default();
        for (retries, full) in [(0, 500), (1, 1000), (2, 2000), (3, 4000), (4, 8000), (9, 8000)] {
            let delay = backoff(retries, &options).as_millis();
            assert!(delay >= full / 2 && delay <= full, "retry {retries}: {delay} ms");
        }
    }

    #[test]
    fn only_safe_failures_are_retried() {
        let options = RequestOptions::default();
        let none = HeaderMap::new();
        let delay = |status: u16, method: Method| {
            status_retry_delay(StatusCode::from_u16(status).unwrap(), &none, &method, 0, &options).is_some()
        };
        assert!(delay(429, Method::POST));
        assert!(delay(503, Method::GET));
        assert!(!delay(503, Method::POST));
        assert!(!delay(500, Method::POST));
        for status in [408, 500, 502, 503, 504] {
            assert!(delay(status, Method::PUT), "{status}");
        }
        assert!(!delay(400, Method::GET));
        assert!(!delay(501, Method::GET));
        let mut far = HeaderMap::new();
        far.insert(RETRY_AFTER, "3600".parse().unwrap());
        assert_eq!(status_retry_delay(StatusCode::TOO_MANY_REQUESTS, &far, &Method::GET, 0, &options), None);
    }

    #[test]
    fn base_urls_are_http_and_credentials_stay_off_plain_http() {
        assert!(base_url("https://api.example.com/v1", true, false).is_ok());
        assert!(base_url("ftp://example.com", false, false).is_err());
        assert!(base_url("not a url", false, false).is_err());
        assert!(base_url("http://api.example.com", false, false).is_ok());
        assert!(base_url("http://api.example.com", true, false).is_err());
        assert!(base_url("http://api.example.com", true, true).is_ok());
        for local in ["http://localhost:8080", "http://127.0.0.2", "http://[::1]:80"] {
            assert!(base_url(local, true, false).is_ok(), "{local}");
        }
        let base = Url::parse("https://api.example.com/v1/").unwrap();
        assert_eq!(join_path(&base, &["items", "a b"]).as_str(), "https://api.example.com/v1/items/a%20b");
    }

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

    /// A session over a loopback address, with a hook.
    struct TestSession {
        http: reqwest::Client,
        base_url: Url,
        options: RequestOptions,
        extras: Extras,
    }

    impl Session for TestSession {
        type Scheme = ();

        fn http(&self) -> &reqwest::Client {
            &self.http
        }

        fn base_url(&self) -> &Url {
            &self.base_url
        }

        fn options(&self) -> &RequestOptions {
            &self.options
        }

        fn extras(&self) -> &Extras {
            &self.extras
        }

        fn authorize(
            &self,
            _operation: &str,
            request: reqwest::RequestBuilder,
            _alternatives: &[&[()]],
        ) -> Result<reqwest::RequestBuilder, Error> {
            Ok(request.header("authorization", "Bearer secret"))
        }
    }

    /// Answers each connection with the next of `statuses`, recording what it was sent.
    fn loopback(statuses: Vec<u16>) -> (Url, std::thread::JoinHandle<Vec<String>>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let server = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for status in statuses {
                let (mut stream, _) = listener.accept().unwrap();
                let mut request = Vec::new();
                let mut buffer = [0; 4096];
                while !request.ends_with(b"\r\n\r\n") {
                    let read = stream.read(&mut buffer).unwrap();
                    if read == 0 {
                        break;
                    }
                    request.extend_from_slice(&buffer[..read]);
                }
                seen.push(String::from_utf8_lossy(&request).to_lowercase());
                let answer = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                stream.write_all(answer.as_bytes()).unwrap();
            }
            seen
        });
        (url, server)
    }

    #[derive(Default)]
    struct Recorder {
        seen: std::sync::Mutex<Vec<(AttemptInfo, Option<u16>)>>,
    }

    impl Hook for Recorder {
        fn before_send<'a>(&'a self, attempt: &'a AttemptInfo, request: &'a mut reqwest::Request) -> HookFuture<'a> {
            Box::pin(async move {
                tokio::task::yield_now().await;
                request.headers_mut().insert("x-attempt", attempt.attempt.into());
                Ok(())
            })
        }

        fn on_response(&self, attempt: &AttemptInfo, response: &reqwest::Response) {
            self.seen.lock().unwrap().push((*attempt, Some(response.status().as_u16())));
        }

        fn on_error(&self, attempt: &AttemptInfo, _error: &reqwest::Error) {
            self.seen.lock().unwrap().push((*attempt, None));
        }
    }

    fn session(base_url: Url, extras: Extras) -> TestSession {
        let options =
            RequestOptions::default().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_millis(2));
        TestSession { http: http_client(None, "test", None).unwrap(), base_url, options, extras }
    }

    #[tokio::test]
    async fn the_hook_sees_every_attempt_and_may_change_the_request() {
        let (base_url, server) = loopback(vec![503, 503, 200]);
        let recorder = Arc::new(Recorder::default());
        let mut extras = Extras::default();
        extras.hook(recorder.clone());
        extras.default_header("x-version", "2");
        extras.default_header("authorization", "Bearer default");
        let session = session(base_url.clone(), extras);
        let request =
            Request::<()>::new("itemsRead", "GET /items/{id}", Method::GET, join_path(&base_url, &["items", "1"]));
        let response = send(&session, &request).await.expect("the third attempt succeeds");
        assert_eq!(response.status(), StatusCode::OK);
        let seen = recorder.seen.lock().unwrap().clone();
        let expected = |attempt, status| {
            let info = AttemptInfo {
                operation_id: "itemsRead",
                method: "GET",
                path: "/items/{id}",
                attempt,
                redirect: 0,
                to_base_origin: true,
            };
            (info, Some(status))
        };
        assert_eq!(seen, [expected(1, 503), expected(2, 503), expected(3, 200)]);
        let sent = server.join().unwrap();
        for (number, request) in sent.iter().enumerate() {
            assert!(request.contains(&format!("x-attempt: {}\r\n", number + 1)), "{request}");
            assert!(request.contains("x-version: 2\r\n"), "{request}");
            assert!(request.contains("authorization: bearer secret\r\n"), "the credential wins: {request}");
            assert!(!request.contains("bearer default"), "{request}");
        }
    }

    struct Refuses;

    impl Hook for Refuses {
        fn before_send<'a>(&'a self, _: &'a AttemptInfo, _: &'a mut reqwest::Request) -> HookFuture<'a> {
            Box::pin(async { Err("no signing key".into()) })
        }
    }

    #[tokio::test]
    async fn a_hook_that_fails_ends_the_call_unsent() {
        let mut extras = Extras::default();
        extras.hook(Arc::new(Refuses));
        // Nothing listens at this address: the call must end before connecting.
        let base_url = Url::parse("http://127.0.0.1:9/").unwrap();
        let session = session(base_url.clone(), extras);
        let request = Request::<()>::new("itemsRead", "GET /items", Method::GET, base_url);
        let error = send(&session, &request).await.unwrap_err();
        assert!(matches!(error, Error::Hook { .. }), "{error:?}");
        assert_eq!(error.to_string(), "GET /items: the client's hook refused the request: no signing key");
    }

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
