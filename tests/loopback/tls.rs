//! `https` with the default TLS back end (rustls with aws-lc-rs) against a loopback server whose
//! certificate is signed by a test authority (`fixtures/tls`): the default client attempts the
//! handshake, offering HTTP/2 and the post-quantum key exchange X25519MLKEM768, and refuses the
//! certificate, which no system root vouches for; a caller's `reqwest::ClientBuilder` that
//! trusts the test authority gets through, with X25519MLKEM768 agreed. Neither changes anything
//! process-wide (no crypto provider is installed).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use http_fixture::Client;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

const AUTHORITY: &str = include_str!("../fixtures/tls/ca.pem");
const CERTIFICATE: &str = include_str!("../fixtures/tls/server.pem");
const KEY: &str = include_str!("../fixtures/tls/server.key");

/// What the server saw of each TLS handshake.
#[derive(Debug, Default)]
struct Seen {
    /// The application protocols each client hello offered.
    alpn: Vec<Vec<String>>,
    /// The key exchange groups each client hello offered.
    groups: Vec<Vec<rustls::NamedGroup>>,
    /// The key exchange group of each completed handshake.
    agreed: Vec<rustls::NamedGroup>,
}

/// An https server on 127.0.0.1 (rustls with aws-lc-rs) that answers every request with an
/// item and closes. Returns its base URL, the number of TCP connections it accepted, and what
/// it saw of the handshakes.
async fn https_server() -> (String, Arc<AtomicUsize>, Arc<Mutex<Seen>>) {
    let certificate = CertificateDer::from_pem_slice(CERTIFICATE.as_bytes()).expect("the certificate reads");
    let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).expect("the key reads");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .expect("the server's certificate");
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let base = format!("https://{}", listener.local_addr().expect("has an address"));
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let (counted, recorded) = (connections.clone(), seen.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let (config, recorded) = (config.clone(), recorded.clone());
            tokio::spawn(async move {
                let acceptor = tokio_rustls::LazyConfigAcceptor::new(rustls::server::Acceptor::default(), stream);
                let Ok(start) = acceptor.await else { return };
                {
                    let hello = start.client_hello();
                    let alpn = hello.alpn().into_iter().flatten().map(|p| String::from_utf8_lossy(p).into_owned());
                    let mut seen = recorded.lock().unwrap();
                    seen.alpn.push(alpn.collect());
                    seen.groups.push(hello.named_groups().unwrap_or_default().to_vec());
                }
                let Ok(stream) = start.into_stream(config).await else { return };
                if let Some(group) = stream.get_ref().1.negotiated_key_exchange_group() {
                    recorded.lock().unwrap().agreed.push(group.name());
                }
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
    (base, connections, seen)
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
async fn https_works_with_aws_lc_by_default_offering_post_quantum_key_exchange_and_http2() {
    let (base, connections, seen) = https_server().await;
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());

    // The default client: the handshake is attempted and the unknown authority refused.
    let client = Client::builder().base_url(&base).token("tls").max_retries(0).build().expect("client builds");
    let error = client.items().retrieve(7, &Default::default()).await.expect_err("no system root vouches for it");
    let text = chain(&error);
    assert!(text.contains("certificate"), "{text}");
    assert!(connections.load(Ordering::SeqCst) >= 1, "no handshake was attempted");
    assert!(rustls::crypto::CryptoProvider::get_default().is_none(), "the default client changed the process");
    {
        let seen = seen.lock().unwrap();
        let first = |list: &Vec<rustls::NamedGroup>| list.first().copied();
        assert_eq!(seen.groups.first().and_then(first), Some(rustls::NamedGroup::X25519MLKEM768), "{seen:?}");
        assert_eq!(seen.alpn.first(), Some(&vec!["h2".to_owned(), "http/1.1".to_owned()]), "{seen:?}");
    }

    // A caller's builder that trusts the test authority.
    let authority = reqwest::Certificate::from_pem(AUTHORITY.as_bytes()).expect("the authority reads");
    let caller = reqwest::Client::builder().add_root_certificate(authority).http1_only();
    let client = Client::builder().base_url(&base).token("tls").http_client(caller).build().expect("client builds");
    let item = client.items().retrieve(7, &Default::default()).await.expect("the call goes through over TLS");
    assert_eq!(item.name, "seven");
    assert_eq!(seen.lock().unwrap().agreed, [rustls::NamedGroup::X25519MLKEM768], "the post-quantum key exchange");
    assert!(rustls::crypto::CryptoProvider::get_default().is_none(), "the caller's builder changed the process");
}
