//! Receiving the requests an API sends to its users (webhooks and callbacks): a body decoded
//! into its payload type, a field that does not fit named by its JSON path, and, where the API
//! declares it, a Standard Webhooks signature verified first, in constant time.

use std::fmt;

use reqwest::header::HeaderMap;

/// Why a received webhook was refused: its body does not decode into the payload type, or
/// (for a signed webhook) its signature does not hold.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The body does not fit the payload type.
    Decode {
        /// The webhook's name in the API description.
        webhook: String,
        /// Where in the body it failed (`.output`, `.items[2].id`; `.` for the whole body).
        path: String,
        /// What was wrong there.
        message: String,
    },
    #[cfg(feature = "webhook-signatures")]
    /// The signature headers are missing, stale or do not match the body: the request may
    /// not come from the API, and its body was not decoded.
    Signature {
        /// The webhook's name in the API description.
        webhook: String,
        /// What did not hold.
        failure: SignatureFailure,
    },
}

impl WebhookError {
    /// The webhook's name in the API description.
    pub fn webhook(&self) -> &str {
        match self {
            WebhookError::Decode { webhook, .. } => webhook,
            #[cfg(feature = "webhook-signatures")]
            WebhookError::Signature { webhook, .. } => webhook,
        }
    }

    /// For a body that does not decode, where it failed (`.output`).
    pub fn path(&self) -> Option<&str> {
        match self {
            WebhookError::Decode { path, .. } => Some(path),
            #[cfg(feature = "webhook-signatures")]
            WebhookError::Signature { .. } => None,
        }
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::Decode { webhook, path, message } => {
                write!(f, "{webhook}: the body does not fit at {path}: {message}")
            }
            #[cfg(feature = "webhook-signatures")]
            WebhookError::Signature { webhook, failure } => write!(f, "{webhook}: refused: {failure}"),
        }
    }
}

impl std::error::Error for WebhookError {}

/// Decodes a received JSON body into `T`; a body that does not fit is decoded again with its
/// path tracked, to name the field that failed.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    webhook: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, WebhookError> {
    serde_json::from_slice(body).map_err(|error| {
        let not_json = error.is_syntax() || error.is_eof();
        let (path, mut message) = crate::decode::locate::<T>(body, &error);
        let content_type = headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        if let Some(content_type) = content_type.filter(|t| not_json && !t.contains("json")) {
            message = format!("{message} (the request's content type is {content_type}, not JSON)");
        }
        WebhookError::Decode { webhook: webhook.to_owned(), path, message }
    })
}

#[cfg(feature = "webhook-signatures")]
/// The secret a webhook's signature is made with, as the API gives it (`whsec_` and the key in
/// base64). Its `Debug` form does not show the key.
#[derive(Clone)]
pub struct Secret {
    key: Vec<u8>,
}

#[cfg(feature = "webhook-signatures")]
impl Secret {
    /// The secret from its text: `whsec_` (optional) and the key in standard base64.
    pub fn new(secret: &str) -> Result<Self, SecretError> {
        use base64::Engine as _;
        let encoded = secret.trim().strip_prefix("whsec_").unwrap_or(secret.trim());
        match base64::engine::general_purpose::STANDARD.decode(encoded) {
            Ok(key) if !key.is_empty() => Ok(Secret { key }),
            _ => Err(SecretError),
        }
    }

    /// The secret from the key's bytes.
    pub fn from_bytes(key: impl Into<Vec<u8>>) -> Self {
        Secret { key: key.into() }
    }

    /// The `webhook-signature` value (`v1,<base64>`) of a message with `id`, `timestamp` (Unix
    /// seconds) and `body`: what the API sends, for tests and mock servers.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        use base64::Engine as _;
        use hmac::Mac as _;
        let tag = self.mac(id, timestamp, body).finalize().into_bytes();
        format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(tag))
    }

    /// The HMAC-SHA256 of `id.timestamp.body`, before it is finished.
    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> hmac::Hmac<sha2::Sha256> {
        use hmac::Mac as _;
        // HMAC takes keys of any length.
        let mut mac = <hmac::Hmac<sha2::Sha256>>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac.update(format!(".{timestamp}.").as_bytes());
        mac.update(body);
        mac
    }
}

#[cfg(feature = "webhook-signatures")]
impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

#[cfg(feature = "webhook-signatures")]
/// A secret that is not `whsec_` and a key in base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretError;

#[cfg(feature = "webhook-signatures")]
impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook secret is `whsec_` and a key in base64")
    }
}

#[cfg(feature = "webhook-signatures")]
impl std::error::Error for SecretError {}

#[cfg(feature = "webhook-signatures")]
/// What did not hold when a signature was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureFailure {
    /// A header the scheme needs is missing or not text.
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not a number of seconds.
    Timestamp,
    /// The timestamp is further from now than the tolerance allows (a replay, or a clock far off).
    Stale {
        /// How many seconds the timestamp is away from now.
        skew_secs: u64,
    },
    /// No signature in `webhook-signature` matches the body.
    Mismatch,
}

#[cfg(feature = "webhook-signatures")]
impl fmt::Display for SignatureFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureFailure::MissingHeader(name) => write!(f, "the `{name}` header is missing"),
            SignatureFailure::Timestamp => f.write_str("`webhook-timestamp` is not a number of seconds"),
            SignatureFailure::Stale { skew_secs } => {
                write!(f, "the timestamp is {skew_secs} seconds away from now, more than the tolerance")
            }
            SignatureFailure::Mismatch => f.write_str("no signature matches the body"),
        }
    }
}

#[cfg(feature = "webhook-signatures")]
/// Checks a Standard Webhooks signature: `webhook-timestamp` within `tolerance_secs` of now, and
/// some `v1,<base64>` entry of `webhook-signature` the HMAC-SHA256 of `id.timestamp.body` under
/// `secret`, compared in constant time.
pub(crate) fn verify(
    webhook: &str,
    headers: &HeaderMap,
    body: &[u8],
    secret: &Secret,
    tolerance_secs: u64,
) -> Result<(), WebhookError> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    verify_at(headers, body, secret, tolerance_secs, now)
        .map_err(|failure| WebhookError::Signature { webhook: webhook.to_owned(), failure })
}

#[cfg(feature = "webhook-signatures")]
/// [`verify`] at `now` (Unix seconds).
fn verify_at(
    headers: &HeaderMap,
    body: &[u8],
    secret: &Secret,
    tolerance_secs: u64,
    now: i64,
) -> Result<(), SignatureFailure> {
    use base64::Engine as _;
    use hmac::Mac as _;
    let header = |name: &'static str| {
        headers.get(name).and_then(|v| v.to_str().ok()).ok_or(SignatureFailure::MissingHeader(name))
    };
    let id = header("webhook-id")?;
    let timestamp: i64 = header("webhook-timestamp")?.trim().parse().map_err(|_| SignatureFailure::Timestamp)?;
    let signatures = header("webhook-signature")?;
    let skew_secs = now.abs_diff(timestamp);
    if skew_secs > tolerance_secs {
        return Err(SignatureFailure::Stale { skew_secs });
    }
    let engine = base64::engine::general_purpose::STANDARD;
    let candidates = signatures.split_whitespace().filter_map(|entry| entry.strip_prefix("v1,"));
    for candidate in candidates {
        let Ok(tag) = engine.decode(candidate) else { continue };
        if secret.mac(id, timestamp, body).verify_slice(&tag).is_ok() {
            return Ok(());
        }
    }
    Err(SignatureFailure::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Payload {
        id: String,
        count: u32,
    }

    #[test]
    fn a_field_that_does_not_fit_is_named() {
        let headers = HeaderMap::new();
        let error = json::<Payload>("done", &headers, br#"{"count": 1}"#).unwrap_err();
        assert_eq!(error.path(), Some(".id"));
        assert_eq!(error.to_string(), "done: the body does not fit at .id: missing from the body");
        let error = json::<Payload>("done", &headers, br#"{"id": "a", "count": "x"}"#).unwrap_err();
        assert_eq!(error.path(), Some(".count"));
        assert!(json::<Payload>("done", &headers, br#"{"id": "a", "count": 2}"#).is_ok());
    }

    #[cfg(feature = "webhook-signatures")]
    fn signed(secret: &Secret, id: &str, timestamp: i64, body: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("webhook-id", id.parse().unwrap());
        headers.insert("webhook-timestamp", timestamp.to_string().parse().unwrap());
        let signature = format!("v1,bm90IGl0 {}", secret.sign(id, timestamp, body));
        headers.insert("webhook-signature", signature.parse().unwrap());
        headers
    }

    #[cfg(feature = "webhook-signatures")]
    #[test]
    fn standard_webhooks_signatures_are_checked() {
        // The example of the Standard Webhooks specification's reference libraries.
        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let timestamp = 1614265330;
        assert_eq!(secret.sign(id, timestamp, body), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let headers = signed(&secret, id, timestamp, body);
        assert_eq!(verify_at(&headers, body, &secret, 300, timestamp + 10), Ok(()));
        assert_eq!(verify_at(&headers, b"{\"test\": 1}", &secret, 300, timestamp), Err(SignatureFailure::Mismatch));
        let other = Secret::from_bytes(b"another key".to_vec());
        assert_eq!(verify_at(&headers, body, &other, 300, timestamp), Err(SignatureFailure::Mismatch));
        assert_eq!(
            verify_at(&headers, body, &secret, 300, timestamp + 301),
            Err(SignatureFailure::Stale { skew_secs: 301 })
        );
        assert_eq!(
            verify_at(&HeaderMap::new(), body, &secret, 300, timestamp),
            Err(SignatureFailure::MissingHeader("webhook-id"))
        );
        assert!(Secret::new("whsec_not base64!").is_err());
        assert_eq!(format!("{secret:?}"), "Secret(..)");
    }
}
