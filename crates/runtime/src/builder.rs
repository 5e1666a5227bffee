//! The half of the client and its builder that is the same in every generated crate: the
//! builder's settings (retries, timeouts, the HTTP client, default headers and hook, the
//! insecure-http guard) with their setters, the client's accessors and copies, and `Debug`.
//!
//! A generated `client.rs` declares `Client` with a `core` ([`Core`]) and `ClientBuilder` with
//! `settings` ([`Settings`]), each beside its `credentials`, and writes only what varies from
//! one API to the next: credentials, servers, the base URL's default, `build`, `from_env`, the
//! hook's example and the operations. The methods here are inherent methods of those types,
//! documented as theirs. (The runtime crate's `lib.rs` declares stand-ins for the two types.)

use std::fmt;
use std::time::Duration;

use reqwest::Url;

use crate::hook::Extras;
use crate::http::RequestOptions;
use crate::session::Core;
use crate::{Client, ClientBuilder, Error};

/// What every builder holds besides its base URL, credentials and servers.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    options: RequestOptions,
    connect_timeout: Option<Duration>,
    /// Whether credentials may go over plain `http` to a host that is not loopback.
    pub(crate) allow_insecure_http: bool,
    http_client: Option<reqwest::ClientBuilder>,
    /// The default headers and the hook (the hook's setter is generated, for its example).
    pub(crate) extras: Extras,
}

impl Settings {
    /// `url` checked as the base URL (see [`crate::address::base_url`]): `credentials` says
    /// whether any are set.
    /// An `https` URL fails when the crate was built without TLS (see [`tls_missing`]).
    pub(crate) fn base_url(&self, url: &str, credentials: bool) -> Result<Url, Error> {
        let url = crate::address::base_url(url, credentials, self.allow_insecure_http)?;
        match tls_missing(&url, TLS_COMPILED) {
            Some(error) => Err(error),
            None => Ok(url),
        }
    }

    /// The client's [`Core`]: its HTTP client sending `user_agent`, and the settings' options
    /// and extras. Fails when the HTTP client cannot start or a default header is invalid.
    pub(crate) fn connect(self, base_url: Url, user_agent: &str) -> Result<Core, Error> {
        let http = crate::transport::http_client(self.http_client, user_agent, self.connect_timeout)?;
        let extras = self.extras.checked()?;
        Ok(Core { http, base_url, options: self.options, extras })
    }
}

/// Whether the crate was built with a TLS back end: one of the features [`TLS_FEATURES`] names.
const TLS_COMPILED: bool = cfg!(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"));

/// The crate's features that bring TLS, as the error of a build without one names them.
const TLS_FEATURES: &str = "`rustls` (the default), `rustls-ring` or `native-tls`";

/// The error of an `https` base URL when no TLS back end is compiled in (`tls` is false): the
/// call would fail later, at every request, saying only that the scheme is not `http`.
fn tls_missing(url: &Url, tls: bool) -> Option<Error> {
    (url.scheme() == "https" && !tls).then(|| {
        Error::config(format!(
            "the base URL {url} is https, but this crate was built without TLS: turn on one of its features {TLS_FEATURES}"
        ))
    })
}

impl ClientBuilder {
    /// Sets how calls are retried and timed out.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.settings.options = options;
        self
    }

    /// Sets how many times a failed call is retried; `0` turns retries off.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.settings.options.max_retries = max_retries;
        self
    }

    /// Sets the limit on each attempt of a call, from sending to the end of the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.options.timeout = timeout;
        self
    }

    /// Sets the connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = Some(timeout);
        self
    }

    /// Builds the HTTP client from `builder`, for proxies, root or client certificates,
    /// another TLS back end, or default headers.
    ///
    /// The client still sets its `User-Agent`, turns reqwest's redirect handling off (it
    /// follows redirects itself and sends credentials only to the base URL's origin), and
    /// applies [`ClientBuilder::connect_timeout`] when set; otherwise the builder's own
    /// connect timeout stands.
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.settings.http_client = Some(builder);
        self
    }

    /// Adds a header sent with every request to the base URL's origin, on every attempt: an
    /// API version, say. A later call with the same name replaces the value.
    ///
    /// A header the call sets itself (a parameter, the body's content type, a credential)
    /// wins over a default one of the same name, and a redirect to another host carries
    /// none. An invalid name or value makes [`ClientBuilder::build`] fail, naming the
    /// header.
    pub fn default_header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.settings.extras.default_header(name.as_ref(), value.as_ref());
        self
    }

    /// Allows sending credentials over plain `http` to a host that is not loopback.
    ///
    /// Off by default: anyone on the network path could read them.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.settings.allow_insecure_http = allow;
        self
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The URL every request path is joined to.
    pub fn base_url(&self) -> &reqwest::Url {
        &self.core.base_url
    }

    /// How calls are retried and timed out.
    pub fn options(&self) -> &RequestOptions {
        &self.core.options
    }

    /// A client that makes its calls with `options`; it shares this one's connection
    /// pool and credentials.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        let mut client = self.clone();
        client.core.options = options;
        client
    }

    /// A client whose calls each have `timeout` (see [`RequestOptions::timeout`]).
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        self.with_options(self.core.options.clone().timeout(timeout))
    }

    /// A client whose failed calls are retried at most `max_retries` times.
    pub fn with_max_retries(&self, max_retries: u32) -> Client {
        self.with_options(self.core.options.clone().max_retries(max_retries))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.core.base_url.as_str())
            .field("credentials", &self.credentials)
            .field("options", &self.core.options)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{CONNECT_TIMEOUT_SECS, TIMEOUT_SECS};

    /// A client from `builder`, as a generated `build` makes one (with credentials set).
    fn build(builder: ClientBuilder, url: &str) -> Result<Client, Error> {
        let base_url = builder.settings.base_url(url, true)?;
        let core = builder.settings.connect(base_url, "test-agent")?;
        Ok(Client { core, credentials: builder.credentials })
    }

    #[test]
    fn the_setters_reach_the_client() {
        let builder =
            Client::builder().timeout(Duration::from_secs(5)).max_retries(0).connect_timeout(Duration::from_secs(1));
        let client = build(builder, "http://127.0.0.1:1/v1/").unwrap();
        assert_eq!(client.base_url().as_str(), "http://127.0.0.1:1/v1/");
        assert_eq!(client.options().timeout, Duration::from_secs(5));
        assert_eq!(client.options().max_retries, 0);
        let copy = client.with_timeout(Duration::from_secs(7)).with_max_retries(3);
        assert_eq!((copy.options().timeout, copy.options().max_retries), (Duration::from_secs(7), 3));
        assert_eq!(client.options().timeout, Duration::from_secs(5), "the original is unchanged");
        let replaced = Client::builder().max_retries(9).options(RequestOptions::default());
        assert_eq!(
            build(replaced, "http://127.0.0.1:1").unwrap().options().max_retries,
            RequestOptions::default().max_retries
        );
    }

    #[test]
    fn credentials_over_plain_http_need_the_builder_to_allow_them() {
        let error = build(Client::builder(), "http://api.example.com").unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{error}");
        let allowed = Client::builder().allow_insecure_http(true);
        assert!(allowed.settings.allow_insecure_http);
        assert!(build(allowed, "http://api.example.com").is_ok());
    }

    #[test]
    fn https_without_tls_fails_the_build_naming_the_features() {
        let https = Url::parse("https://api.example.com/v1").unwrap();
        let error = tls_missing(&https, false).unwrap();
        assert!(matches!(error, Error::Config { .. }), "{error}");
        let text = error.to_string();
        assert!(text.contains("https://api.example.com/v1") && text.contains("without TLS"), "{text}");
        assert!(tls_missing(&https, true).is_none());
        assert!(tls_missing(&Url::parse("http://127.0.0.1:1").unwrap(), false).is_none());
        // The features named are the manifest's own, each bringing TLS.
        let manifest = include_str!("../Cargo.toml");
        for feature in TLS_FEATURES.split('`').skip(1).step_by(2) {
            assert!(manifest.contains(&format!("\n{feature} = [")), "{feature} is no feature of the runtime");
            assert!(text.contains(&format!("`{feature}`")), "{text}");
        }
        assert_eq!(TLS_COMPILED, build(Client::builder(), "https://a.example").is_ok());
    }

    #[test]
    fn an_invalid_default_header_fails_the_build() {
        let error = build(Client::builder().default_header("bad header", "x"), "http://127.0.0.1:1").unwrap_err();
        assert!(error.to_string().contains("bad header"), "{error}");
        assert!(build(Client::builder().default_header("x-api-version", "2"), "http://127.0.0.1:1").is_ok());
    }

    #[test]
    fn debug_shows_the_base_url_and_hides_the_rest() {
        let client = build(Client::builder().http_client(reqwest::Client::builder()), "http://127.0.0.1:1").unwrap();
        let text = format!("{client:?}");
        assert!(text.starts_with("Client { base_url: \"http://127.0.0.1:1/\""), "{text}");
        assert!(text.ends_with(".. }"), "{text}");
    }

    #[test]
    fn the_docs_state_the_default_timeouts() {
        let source = include_str!("builder.rs");
        assert!(source.contains(&format!("end of the body (default {TIMEOUT_SECS} s).")));
        assert!(source.contains(&format!("connect timeout (default {CONNECT_TIMEOUT_SECS} s).")));
    }
}
