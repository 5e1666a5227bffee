//! The transport a generated crate gets with its default features, against a plain loopback
//! server: the client asks for gzip and deflate and reads a gzip-compressed answer as the JSON
//! it holds; `max_response_bytes` counts the decompressed bytes, so a small compressed body
//! that inflates past the limit is refused.

use std::sync::{Arc, Mutex};

use http_fixture::Client;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// `{"id": 7, "name": "seven", "tags": []}`, gzip-compressed.
const ITEM_GZIP: [u8; 54] = [
    31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 202, 76, 81, 178, 82, 48, 215, 81, 80, 202, 75, 204, 77, 5, 50, 149, 138,
    83, 203, 82, 243, 148, 128, 2, 37, 137, 233, 197, 64, 129, 232, 216, 90, 0, 251, 193, 113, 32, 38, 0, 0, 0,
];

/// A loopback server that answers every request with `ITEM_GZIP` as `Content-Encoding: gzip`
/// and closes. Returns its base URL and each request's `Accept-Encoding`.
async fn gzip_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let base = format!("http://{}", listener.local_addr().expect("has an address"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorded = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let recorded = recorded.clone();
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                let mut line = String::new();
                let mut accept = String::new();
                while stream.read_line(&mut line).await.unwrap_or(0) > 0 && line != "\r\n" {
                    if let Some((name, value)) = line.split_once(':') {
                        if name.eq_ignore_ascii_case("accept-encoding") {
                            accept = value.trim().to_owned();
                        }
                    }
                    line.clear();
                }
                recorded.lock().unwrap().push(accept);
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    ITEM_GZIP.len()
                );
                let _ = stream.get_mut().write_all(head.as_bytes()).await;
                let _ = stream.get_mut().write_all(&ITEM_GZIP).await;
                let _ = stream.get_mut().shutdown().await;
            });
        }
    });
    (base, seen)
}

#[tokio::test]
async fn a_gzip_answer_is_asked_for_and_decompressed() {
    let (base, seen) = gzip_server().await;
    let client = Client::builder().base_url(&base).token("t").build().expect("client builds");
    let item = client.items().retrieve(7, &Default::default()).await.expect("the compressed answer decodes");
    assert_eq!((item.id, item.name.as_str()), (7, "seven"));
    let accept = seen.lock().unwrap().clone();
    assert_eq!(accept.len(), 1, "{accept:?}");
    assert!(accept[0].contains("gzip") && accept[0].contains("deflate"), "{accept:?}");

    // The limit is on what the caller gets: 38 bytes of JSON, from 54 compressed.
    let options = http_fixture::RequestOptions::default().max_response_bytes(20);
    let error =
        client.with_options(options).items().retrieve(7, &Default::default()).await.expect_err("over the limit");
    assert!(error.to_string().contains("20"), "{error}");
}
