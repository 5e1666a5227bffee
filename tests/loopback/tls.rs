//! `https` with the default TLS back end (rustls with ring) against a loopback server whose
//! certificate is signed by a test authority (`fixtures/tls`): the default client attempts the
//! handshake and refuses the certificate, which no system root vouches for, changing nothing
//! process-wide; a caller's `reqwest::ClientBuilder` that trusts the test authority gets through,
//! ring having been installed as the process-wide provider because none was.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http_fixture::Client;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

const AUTHORITY: &str = include_str!("../fixtures/tls/ca.pem");
const CERTIFICATE: &str = include_str!("../fixtures/tls/server.pem");
const KEY: &str = include_str!("../fixtures/tls/server.key");

/// An https server on 127.0.0.1 that answers every request with an item and closes. Returns
/// its base URL and the number of TCP connections it accepted.
async fn https_server() -> (String, Arc<AtomicUsize>) {
    let certificate = CertificateDer::from_pem_slice(CERTIFICATE.as_bytes()).expect("the certificate reads");
    let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).expect("the key reads");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .expect("the server's certificate");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let base = format!("https://{}", listener.local_addr().expect("has an address"));
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(stream) = acceptor.accept(stream).await else { return };
                let mut stream = BufReader::new(stream);
                let mut line = String::new();
                while stream.read_line(&mut line).await.unwrap_or(0) > 0 && line != "\r\n" {
                    line.clear();
                }
                let body = r#"{"id": 7, "name": "seven", "tags": []}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.get_mut().write_all(response.as_bytes()).await;
                let _ = stream.get_mut().shutdown().await;
            });
        }
    });
    (base, connections)
}

/// The error and its sources, on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(next) = source {
        text.push_str(": ");
        text.push_str(&next.to_string());
        source = next.source();
    }
    text
}

// One test, in order: whether a process-wide provider is installed is the process's state.
#[tokio::test]
async fn https_works_with_ring_by_default_and_with_a_callers_builder() {
    let (base, connections) = https_server().await;
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());

    // The default client: the handshake is attempted and the unknown authority refused.
    let client = Client::builder().base_url(&base).token("tls").max_retries(0).build().expect("client builds");
    let error = client.items_read(7, &Default::default()).await.expect_err("no system root vouches for it");
    let text = chain(&error);
    assert!(text.contains("certificate"), "{text}");
    assert!(connections.load(Ordering::SeqCst) >= 1, "no handshake was attempted");
    assert!(rustls::crypto::CryptoProvider::get_default().is_none(), "the default client changed the process");

    // A caller's builder that trusts the test authority.
    let authority = reqwest::Certificate::from_pem(AUTHORITY.as_bytes()).expect("the authority reads");
    let caller = reqwest::Client::builder().add_root_certificate(authority);
    let client = Client::builder().base_url(&base).token("tls").http_client(caller).build().expect("client builds");
    let item = client.items_read(7, &Default::default()).await.expect("the call goes through over TLS");
    assert_eq!(item.name, "seven");
    assert!(rustls::crypto::CryptoProvider::get_default().is_some(), "ring was installed for the caller's builder");
}
