//! What a client hands the runtime to send its calls ([`Session`], its [`Core`]), and the
//! choice among an operation's security alternatives.

use reqwest::Url;

use crate::Error;
use crate::hook::Extras;
use crate::http::RequestOptions;

/// What every client holds besides its credentials: its HTTP client, base URL, options and
/// extras, made by its builder (`builder::Settings::connect`) and shared by its copies.
#[derive(Clone)]
pub(crate) struct Core {
    /// The HTTP client (its connection pool, user agent and connect timeout).
    pub(crate) http: reqwest::Client,
    /// The URL every request path is joined to, whose origin receives credentials.
    pub(crate) base_url: Url,
    /// How calls are retried and timed out.
    pub(crate) options: RequestOptions,
    /// The default headers and the hook.
    pub(crate) extras: Extras,
}

/// What a client hands the runtime to send its calls: its [`Core`], and its credentials, which
/// it adds to a request for the security schemes the operation accepts.
pub(crate) trait Session {
    /// A security scheme an operation may ask for.
    type Scheme: 'static;

    /// The HTTP client, base URL, options and extras.
    fn core(&self) -> &Core;

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
/// (`has`); with no alternatives, none. When none will do, the error says what would: for each
/// scheme, `missing` tells which variable to set or which builder method to call; every scheme
/// of an alternative is needed, and one alternative is enough ("one of: …").
pub(crate) fn chosen_alternative<'a, S: Copy>(
    operation: &str,
    alternatives: &[&'a [S]],
    has: impl Fn(S) -> bool,
    missing: impl Fn(S) -> &'static str,
) -> Result<&'a [S], Error> {
    if alternatives.is_empty() {
        return Ok(&[]);
    }
    alternatives.iter().copied().find(|schemes| schemes.iter().all(|s| has(*s))).ok_or_else(|| {
        let wanted: Vec<String> = alternatives
            .iter()
            .map(|schemes| schemes.iter().map(|s| missing(*s)).collect::<Vec<_>>().join(", and "))
            .collect();
        match &wanted[..] {
            [one] => Error::config(format!("{operation} needs credentials: {one}")),
            _ => Error::config(format!("{operation} needs credentials, one of: {}", wanted.join("; or "))),
        }
    })
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "credentials")]
    #[test]
    fn the_first_alternative_the_client_has_is_chosen() {
        use super::*;

        let has = |s: u8| s != 2;
        let missing = |s: u8| ["set A or call ClientBuilder::a(..)", "set B", "set C"][usize::from(s)];
        assert_eq!(chosen_alternative("op", &[], has, missing).unwrap(), &[] as &[u8]);
        assert_eq!(chosen_alternative("op", &[&[0, 2], &[0, 1]], has, missing).unwrap(), &[0, 1]);
        let error = chosen_alternative("op", &[&[2], &[1, 2]], has, missing).unwrap_err().to_string();
        assert!(error.contains("op needs credentials, one of: set C; or set B, and set C"), "{error}");
        let has = |_: u8| false;
        let error = chosen_alternative("op", &[&[0]], has, missing).unwrap_err().to_string();
        assert!(error.contains("op needs credentials: set A or call ClientBuilder::a(..)"), "{error}");
        let error = chosen_alternative("op", &[&[0, 1]], has, missing).unwrap_err().to_string();
        assert!(error.contains("op needs credentials: set A or call ClientBuilder::a(..), and set B"), "{error}");
    }
}
