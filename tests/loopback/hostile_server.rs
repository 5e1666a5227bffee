//! The generated client against loopback servers that misbehave: silence, stalls, huge,
//! truncated or malformed bodies, resets, redirect loops and surprising values. Each case must
//! end in the right typed error (or be tolerated), within its timeout, with bounded memory.
//!
//! Elsewhere: unknown enum values (`creatify_client.rs`) and redirects to another host, which
//! carry no credentials (`http_client.rs`).

use std::future::Future;
use std::time::Duration;

use http_fixture::types::{ItemRequest, Pet, Size};
use http_fixture::{Client, Error, RequestOptions};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// How long any one case may take before the test fails: far above the client's own limits.
const CASE_LIMIT: Duration = Duration::from_secs(20);

/// The per-attempt timeout the clients here use.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(300);

/// A server on a free loopback port that runs `behave` on every connection it accepts, and
/// the number of connections it has seen so far.
async fn serve<F, Fut>(behave: F) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let address = listener.local_addr().expect("local address");
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(behave(stream));
        }
    });
    (format!("http://{address}"), seen)
}

/// Reads one request's head (up to the blank line) and ignores any body.
async fn read_head(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
}

fn client(base_url: &str, options: RequestOptions) -> Client {
    Client::builder().base_url(base_url).token("t0ken").options(options).build().expect("client builds")
}

/// No retries and a short timeout per attempt.
fn strict() -> RequestOptions {
    RequestOptions::default().max_retries(0).timeout(ATTEMPT_TIMEOUT)
}

/// Runs a call, failing the test if it takes longer than [`CASE_LIMIT`].
async fn within_limit<T>(call: impl Future<Output = T>) -> T {
    tokio::time::timeout(CASE_LIMIT, call).await.expect("the call ended within its limit")
}

fn transport_timeout(error: &Error) -> bool {
    matches!(error, Error::Transport { source, .. } if source.is_timeout())
}

#[tokio::test]
async fn a_server_that_never_answers_ends_in_a_timeout() {
    let (url, _) = serve(|mut stream| async move {
        read_head(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let error =
        within_limit(client(&url, strict()).items().retrieve(1, &Default::default())).await.expect_err("no answer");
    assert!(transport_timeout(&error), "{error:?}");
}

#[tokio::test]
async fn a_response_that_stalls_halfway_ends_in_a_timeout() {
    let (url, _) = serve(|mut stream| async move {
        read_head(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.write_all(br#"{"id": 7, "na"#).await;
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let error =
        within_limit(client(&url, strict()).items().retrieve(1, &Default::default())).await.expect_err("stalled");
    assert!(transport_timeout(&error), "{error:?}");
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    let (url, _) = serve(|mut stream| async move {
        read_head(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.write_all(br#"{"id": 7, "na"#).await;
        // Dropping the stream closes the connection 87 bytes early.
    })
    .await;
    let error =
        within_limit(client(&url, strict()).items().retrieve(1, &Default::default())).await.expect_err("truncated");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn a_reset_connection_is_a_transport_error_and_a_post_is_not_repeated() {
    let (url, seen) = serve(|mut stream| async move {
        read_head(&mut stream).await;
        // Linger zero: closing sends a reset instead of an orderly shutdown. (The deprecation
        // is about a non-zero linger blocking on drop; zero never waits.)
        #[allow(deprecated)]
        let _ = stream.set_linger(Some(Duration::ZERO));
    })
    .await;
    let options = RequestOptions::default().timeout(ATTEMPT_TIMEOUT).initial_backoff(Duration::from_millis(1));
    let error = within_limit(client(&url, options).items().create(&ItemRequest::new("x"))).await.expect_err("reset");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1, "a POST that reached the server is not retried");
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    let (url, _) = serve(|mut stream| async move {
        read_head(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 107374182400\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(60)).await;
    })
    .await;
    let options = strict().max_response_bytes(1024 * 1024);
    let error =
        within_limit(client(&url, options).items().retrieve(1, &Default::default())).await.expect_err("too large");
    assert!(matches!(error, Error::TooLarge { limit: 1048576, .. }), "{error:?}");
    assert!(error.to_string().contains("larger than the limit of 1048576 bytes"), "{error}");
}

/// Streams a chunked body without end: `[` and then `0,` forever.
async fn endless_chunks(mut stream: TcpStream, status: &str) {
    read_head(&mut stream).await;
    let head = format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let chunk = "0,".repeat(8 * 1024);
    let framed = format!("{:x}\r\n{chunk}\r\n", chunk.len());
    let _ = stream.write_all(b"1\r\n[\r\n").await;
    while stream.write_all(framed.as_bytes()).await.is_ok() {}
}

#[tokio::test]
async fn an_endless_success_body_stops_at_the_configured_limit() {
    let (url, _) = serve(|stream| endless_chunks(stream, "200 OK")).await;
    let options = RequestOptions::default().max_retries(0).max_response_bytes(256 * 1024);
    let error =
        within_limit(client(&url, options).items().retrieve(1, &Default::default())).await.expect_err("too large");
    assert!(matches!(error, Error::TooLarge { limit: 262144, .. }), "{error:?}");
}

#[tokio::test]
async fn an_endless_error_body_is_cut_at_64_kib() {
    let (url, _) = serve(|stream| endless_chunks(stream, "500 Internal Server Error")).await;
    let options = RequestOptions::default().max_retries(0);
    let error = within_limit(client(&url, options).items().retrieve(1, &Default::default())).await.expect_err("500");
    let Error::Api { status, body, .. } = &error else { panic!("{error:?}") };
    assert_eq!(status.as_u16(), 500);
    assert_eq!(body.len(), 64 * 1024, "the error body is kept up to the cap");
}

async fn answer(status: u16, content_type: &str, body: &str) -> MockServer {
    let server = MockServer::start().await;
    let response = ResponseTemplate::new(status).set_body_raw(body.to_owned(), content_type);
    Mock::given(method("GET")).respond_with(response).mount(&server).await;
    server
}

#[tokio::test]
async fn invalid_json_is_a_decode_error_that_keeps_the_body() {
    let server = answer(200, "application/json", r#"{"id": 7, "name": "#).await;
    let error = client(&server.uri(), strict()).items().retrieve(1, &Default::default()).await.expect_err("invalid");
    let Error::Decode { message, body, .. } = &error else { panic!("{error:?}") };
    assert!(message.contains("EOF"), "{message}");
    assert_eq!(body, r#"{"id": 7, "name": "#);
}

#[tokio::test]
async fn a_wrong_content_type_is_named_in_the_decode_error() {
    let page = "<html><body>Sign in to the Wi-Fi</body></html>";
    let server = answer(200, "text/html; charset=utf-8", page).await;
    let error = client(&server.uri(), strict()).items().retrieve(1, &Default::default()).await.expect_err("html");
    let Error::Decode { message, body, .. } = &error else { panic!("{error:?}") };
    assert!(message.contains("content type is text/html; charset=utf-8, not JSON"), "{message}");
    assert_eq!(body, page);
}

#[tokio::test]
async fn a_success_missing_a_required_field_names_the_field() {
    let server = answer(200, "application/json", r#"{"id": 7}"#).await;
    let error = client(&server.uri(), strict()).items().retrieve(1, &Default::default()).await.expect_err("missing");
    let Error::Decode { path, message, .. } = &error else { panic!("{error:?}") };
    assert_eq!((path.as_str(), message.as_str()), (".name", "missing from the body"));
}

#[tokio::test]
async fn values_and_fields_the_spec_never_mentioned_are_tolerated() {
    let body = json!({"id": 7, "name": "seven", "tags": ["a"], "colour": "teal", "extra": {"nested": [1, 2]}});
    let server = answer(200, "application/json", &body.to_string()).await;
    let item = client(&server.uri(), strict()).items().retrieve(1, &Default::default()).await.expect("tolerated");
    assert_eq!((item.id, item.name.as_str()), (7, "seven"));

    let pet = json!({"pet_type": "cat", "lives": 9, "size": "enormous", "whiskers": true});
    let server = answer(200, "application/json", &pet.to_string()).await;
    let pet = client(&server.uri(), strict()).pets().retrieve("1").await.expect("tolerated");
    let Pet::Cat(cat) = pet else { panic!("{pet:?}") };
    assert_eq!((cat.lives, cat.size), (9, Some(Size::Text("enormous".to_owned()))));

    // A tag no variant claims, on a value no variant fits, is kept whole.
    let stranger = json!({"pet_type": "hamster", "wheel": true});
    let server = answer(200, "application/json", &stranger.to_string()).await;
    let pet = client(&server.uri(), strict()).pets().retrieve("1").await.expect("tolerated");
    assert_eq!(pet, Pet::Other(stranger));
}

#[tokio::test]
async fn a_redirect_loop_ends_after_ten_redirects_with_the_last_response() {
    let server = MockServer::start().await;
    let to_self = ResponseTemplate::new(302).insert_header("location", "/items/1");
    Mock::given(method("GET")).respond_with(to_self).mount(&server).await;
    let error =
        within_limit(client(&server.uri(), strict()).items().retrieve(1, &Default::default())).await.expect_err("loop");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302), "{error:?}");
    let requests = server.received_requests().await.expect("recorded").len();
    assert_eq!(requests, 11, "the first request and ten redirects");
}
