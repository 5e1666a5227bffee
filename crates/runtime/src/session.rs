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

#[cfg(test)]
mod tests {
    #[cfg(feature = "credentials")]
    #[test]
    fn the_first_alternative_the_client_has_is_chosen() {
        use super::*;

        let has = |s: u8| s != 2;
        let name = |s: u8| ["a", "b", "c"][usize::from(s)];
        assert_eq!(chosen_alternative("op", &[], has, name).unwrap(), &[] as &[u8]);
        assert_eq!(chosen_alternative("op", &[&[0, 2], &[0, 1]], has, name).unwrap(), &[0, 1]);
        let error = chosen_alternative("op", &[&[2], &[1, 2]], has, name).unwrap_err().to_string();
        assert!(error.contains("op needs credentials: c, or b and c"), "{error}");
    }
}
