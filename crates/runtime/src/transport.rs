//! The HTTP client every call goes through, and the TLS set-up of the `rustls-ring` back end.

use std::time::Duration;

use crate::Error;
use crate::http::CONNECT_TIMEOUT_SECS;

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

#[cfg(test)]
mod tests {
    /// ring's provider as the runtime assembles it, on both ends of an in-memory handshake with
    /// the test authority's certificate (`tests/fixtures/tls`, P-256): the server loads its key
    /// through the provider's key loading, the client verifies the chain and the handshake's
    /// signature with its signature algorithms, and they agree on one of ring's key exchanges.
    #[cfg(all(feature = "rustls-ring", not(any(feature = "rustls", feature = "native-tls"))))]
    #[test]
    fn rings_provider_completes_a_handshake() {
        use std::sync::Arc;

        use super::*;
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
}
