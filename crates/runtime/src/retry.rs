//! Whether a failed attempt is retried and how long the client waits first: idempotent
//! methods, the statuses and failures retried, `Retry-After`, and backoff with jitter.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::http::{RequestOptions, is_idempotent};

/// How long to wait before retrying a response with this status, if it is retried.
pub(crate) fn status_retry_delay(
    status: StatusCode,
    headers: &HeaderMap,
    method: &Method,
    retries: u32,
    options: &RequestOptions,
) -> Option<Duration> {
    let code = status.as_u16();
    let retryable = crate::http::RETRIED_STATUSES.contains(&code)
        || (is_idempotent(method) && crate::http::IDEMPOTENT_RETRIED_STATUSES.contains(&code));
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
pub(crate) fn error_retry_delay(
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
    use super::*;

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
}
