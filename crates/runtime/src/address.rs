//! URLs: the base URL a client is built with, the paths and queries joined to it, and the
//! origins and redirect targets the call loop compares.

use reqwest::header::LOCATION;
use reqwest::{StatusCode, Url};

use crate::Error;

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

/// `url` with `query` (`name=value` pairs, percent-encoded already) as its query; `url` as it
/// is when there are none.
pub(crate) fn with_query(url: &Url, query: &[(String, String)]) -> Url {
    let mut url = url.clone();
    if !query.is_empty() {
        #[cfg(not(feature = "param-querystring"))]
        let pairs: Vec<String> = query.iter().map(|(name, value)| format!("{name}={value}")).collect();
        #[cfg(feature = "param-querystring")]
        // A pair without a name is its value alone: a whole query string written as JSON text.
        let pairs: Vec<String> = query
            .iter()
            .map(|(name, value)| if name.is_empty() { value.clone() } else { format!("{name}={value}") })
            .collect();
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

/// Whether two URLs share scheme, host and port (compared without building `Origin`s,
/// which allocate, since this runs on every attempt).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// Where a redirect response points, resolved against the URL that produced it.
pub(crate) fn redirect_target(response: &reqwest::Response, url: &Url) -> Option<Url> {
    let status = response.status();
    if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    url.join(location).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
