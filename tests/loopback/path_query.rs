//! The path-query fixture's client (tests/fixtures/rules/42-path-query.yaml) against a
//! loopback server that records each request line: the query a path key writes after `?` goes
//! into the query, before the parameters' pairs, and not into the path.

use std::sync::{Arc, Mutex};

use path_query::types::{GetItemByIdParams, GetResponseBetaParams, Item};
use path_query::{Client, RequestOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A loopback server answering `{}` as JSON to every request and keeping each request line.
struct Recorder {
    url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    async fn start() -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&lines);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let kept = Arc::clone(&kept);
                tokio::spawn(async move {
                    let mut bytes = Vec::new();
                    let mut buffer = [0u8; 4096];
                    loop {
                        let Ok(read) = socket.read(&mut buffer).await else { return };
                        if read == 0 {
                            return;
                        }
                        bytes.extend_from_slice(&buffer[..read]);
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        let Some(end) = text.find("\r\n\r\n") else { continue };
                        let length = text[..end]
                            .lines()
                            .find_map(|line| {
                                line.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned)
                            })
                            .and_then(|n| n.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if bytes.len() < end + 4 + length {
                            continue;
                        }
                        let line = text.lines().next().unwrap_or_default();
                        let target = line.rsplit_once(' ').map_or(line, |(target, _)| target).to_owned();
                        kept.lock().expect("not poisoned").push(target);
                        let answer: &[u8] = if line.contains("/items") {
                            b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"
                        } else {
                            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
                        };
                        let _ = socket.write_all(answer).await;
                        bytes.clear();
                    }
                });
            }
        });
        Recorder { url, lines }
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.url)
            .options(RequestOptions::default().max_retries(0))
            .build()
            .expect("client builds")
    }

    /// The last request's `METHOD target`.
    fn target(&self) -> String {
        self.lines.lock().expect("not poisoned").last().expect("a request").clone()
    }
}

#[tokio::test]
async fn the_path_keys_query_is_sent_as_query() {
    let server = Recorder::start().await;
    let client = server.client();

    client.create_response(&Item::default()).await.expect("created");
    assert_eq!(server.target(), "POST /responses?beta=true");

    // The key's pairs first (a space percent-encoded), then the parameters'.
    let params = GetResponseBetaParams { include: Some(vec!["a".to_owned(), "b c".to_owned()]) };
    client.get_response_beta("resp_1", &params).await.expect("read");
    assert_eq!(server.target(), "GET /responses/resp_1?beta=true&view=full%20text&include=a&include=b%20c");

    // Without the parameters, the key's pairs alone.
    client.get_response_beta("resp 2", &GetResponseBetaParams::default()).await.expect("read");
    assert_eq!(server.target(), "GET /responses/resp%202?beta=true&view=full%20text");

    // The key without a query is an operation of its own.
    client.get_response("resp_1").await.expect("read");
    assert_eq!(server.target(), "GET /responses/resp_1");

    // A pair holding a parameter is left out (with a warning); the parameter goes as declared.
    client.get_item_by_id(&GetItemByIdParams::new("i 1")).await.expect("found");
    assert_eq!(server.target(), "GET /items?item_id=i%201");
}
