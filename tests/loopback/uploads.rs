//! Uploads through the HTTP fixture's client against loopback servers: binary bodies and file
//! parts from a file path or a stream arrive intact with their length, a file is sent again by a
//! retry while a stream never is once it may have been sent, and a redirect that would resend a
//! stream is an error.

use std::path::PathBuf;
use std::time::Duration;

use futures_util::stream;
use http_fixture::types::{ByteSource, File, UploadsCreateBody};
use http_fixture::{Client, Error, RequestOptions};
use serde_json::json;
use sha2::{Digest, Sha256};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    let options =
        RequestOptions::default().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_millis(2));
    Client::builder().base_url(server.uri()).token("t").options(options).build().expect("client builds")
}

/// A file of `size` bytes that are not all alike, deleted when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, size: usize) -> (TempFile, Vec<u8>) {
        let path = std::env::temp_dir().join(format!("uploads-{}-{name}", std::process::id()));
        let bytes: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &bytes).expect("the file is written");
        (TempFile(path), bytes)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

fn header(request: &Request, name: &str) -> Option<String> {
    request.headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_owned)
}

/// A stream of `chunks` chunks of 1 KiB, and the bytes it yields.
fn chunks(
    count: usize,
) -> (impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static, Vec<u8>) {
    let chunk: Vec<u8> = (0..1024).map(|i| (i % 256) as u8).collect();
    (
        stream::iter((0..count).map(move |_| Ok(chunk.clone()))),
        (0..count).flat_map(|_| (0..1024).map(|i| (i % 256) as u8)).collect(),
    )
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recorded")
}

#[tokio::test]
async fn a_binary_body_from_a_file_arrives_whole_with_its_length() {
    let server = MockServer::start().await;
    Mock::given(method("PUT")).and(path("/blobs/video")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let (file, bytes) = TempFile::new("video", 3 * 1024 * 1024 + 17);
    client(&server).blobs().update("video", ByteSource::from_path(&file.0)).await.expect("uploaded");
    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body.len(), bytes.len());
    assert_eq!(sha256(&received[0].body), sha256(&bytes));
    assert_eq!(header(&received[0], "content-length"), Some(bytes.len().to_string()));
    assert_eq!(header(&received[0], "content-type").as_deref(), Some("application/octet-stream"));

    // Bytes in memory, a stream with its length, and one without (sent chunked).
    let client = client(&server);
    client.blobs().update("video", b"abc").await.expect("bytes");
    let (with_length, streamed) = chunks(64);
    client.blobs().update("video", ByteSource::from_stream(with_length, Some(64 * 1024))).await.expect("stream");
    let (without_length, _) = chunks(64);
    client.blobs().update("video", ByteSource::from_stream(without_length, None)).await.expect("stream");
    let received = requests(&server).await;
    assert_eq!(received[1].body, b"abc");
    assert_eq!(sha256(&received[2].body), sha256(&streamed));
    assert_eq!(header(&received[2], "content-length"), Some((64 * 1024).to_string()));
    assert_eq!(sha256(&received[3].body), sha256(&streamed));
    assert_eq!(header(&received[3], "transfer-encoding").as_deref(), Some("chunked"));
}

#[tokio::test]
async fn a_file_part_from_a_path_arrives_whole_with_its_name_and_type() {
    let server = MockServer::start().await;
    Mock::given(path("/uploads"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"size": 1})))
        .mount(&server)
        .await;
    let (file, bytes) = TempFile::new("voice.mp3", 1024 * 1024 + 3);
    let body = UploadsCreateBody::new(File::from_path(&file.0, "audio/mpeg")).title("take 1");
    client(&server).uploads().create(&body).await.expect("uploaded");
    let received = &requests(&server).await[0];
    let file_name = file.0.file_name().unwrap().to_str().unwrap().to_owned();
    let head = format!("name=\"file\"; filename=\"{file_name}\"\r\ncontent-type: audio/mpeg\r\n\r\n");
    let sent = &received.body;
    let start = sent.windows(head.len()).position(|w| w.eq_ignore_ascii_case(head.as_bytes())).expect("the file part")
        + head.len();
    assert_eq!(sha256(&sent[start..start + bytes.len()]), sha256(&bytes));
    assert_eq!(&sent[start + bytes.len()..start + bytes.len() + 2], b"\r\n", "the part holds the file and no more");
    let length: usize = header(received, "content-length").expect("a length").parse().unwrap();
    assert_eq!(length, sent.len(), "the form's length is known before it is sent");
}

#[tokio::test]
async fn a_stream_is_not_sent_again_after_a_server_error_but_a_file_is() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(204)).with_priority(2).mount(&server).await;
    let (stream, _) = chunks(16);
    let error =
        client(&server).blobs().update("b", ByteSource::from_stream(stream, None)).await.expect_err("not retried");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
    assert_eq!(requests(&server).await.len(), 1, "a stream is sent once");

    server.reset().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT")).respond_with(ResponseTemplate::new(204)).with_priority(2).mount(&server).await;
    let (file, bytes) = TempFile::new("retried", 100_000);
    client(&server).blobs().update("b", ByteSource::from_path(&file.0)).await.expect("retried");
    let received = requests(&server).await;
    assert_eq!(received.len(), 2, "a file is opened again by the retry");
    assert!(received.iter().all(|r| sha256(&r.body) == sha256(&bytes)));
}

#[tokio::test]
async fn a_stream_is_sent_again_when_the_connection_never_opened() {
    // A port with nothing listening until after the first attempt.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().unwrap();
    drop(listener);
    let opened = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let listener = std::net::TcpListener::bind(address).expect("the port again");
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(method("PUT")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        server
    });
    let options = RequestOptions::default().max_retries(4).initial_backoff(Duration::from_millis(200));
    let client = Client::builder().base_url(format!("http://{address}")).token("t").options(options).build().unwrap();
    let (stream, bytes) = chunks(8);
    client
        .blobs()
        .update("b", ByteSource::from_stream(stream, None))
        .await
        .expect("retried after the refused connection");
    let server = opened.await.unwrap();
    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, bytes);
}

#[tokio::test]
async fn a_redirect_that_would_resend_a_stream_is_an_error_but_a_file_follows_it() {
    let server = MockServer::start().await;
    Mock::given(path("/blobs/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/blobs/new"))
        .mount(&server)
        .await;
    Mock::given(path("/blobs/new")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let (stream, _) = chunks(4);
    let error =
        client(&server).blobs().update("old", ByteSource::from_stream(stream, None)).await.expect_err("not followed");
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("redirected (307") && message.contains("sent only once"), "{message}");

    let (file, bytes) = TempFile::new("redirected", 10_000);
    client(&server).blobs().update("old", ByteSource::from_path(&file.0)).await.expect("followed");
    let received = requests(&server).await;
    let last = received.last().unwrap();
    assert_eq!(last.url.path(), "/blobs/new");
    assert_eq!(last.body, bytes);
}

#[test]
fn the_blocking_client_uploads_a_file_too() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("PUT")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        server
    });
    let (file, bytes) = TempFile::new("blocking", 70_000);
    let blocking = http_fixture::blocking::Client::new(client(&server)).unwrap();
    blocking.blobs().update("b", ByteSource::from_path(&file.0)).expect("uploaded");
    let received = runtime.block_on(requests(&server));
    assert_eq!(received[0].body, bytes);
}
