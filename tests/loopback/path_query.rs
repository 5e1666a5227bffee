//! The path-query fixture's client (tests/fixtures/rules/42-path-query.yaml) against a
//! loopback server that records each request line: the query a path key writes after `?` goes
//! into the query, before the parameters' pairs, and not into the path.

use path_query::types::{GetItemByIdParams, GetResponseBetaParams, Item};
use path_query::{Client, RequestOptions};

use crate::recording::Recording;

/// A loopback server answering `204` to `/items…` and `{}` as JSON to the rest.
struct Recorder(Recording);

impl Recorder {
    async fn start() -> Recorder {
        Recorder(
            Recording::start(|request| {
                let answer: &[u8] = if request.lines().next().unwrap_or_default().contains("/items") {
                    b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"
                } else {
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
                };
                answer.to_vec()
            })
            .await,
        )
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.0.url)
            .options(RequestOptions::default().max_retries(0))
            .build()
            .expect("client builds")
    }

    /// The last request's `METHOD target`.
    fn target(&self) -> String {
        self.0.target()
    }
}

#[tokio::test]
async fn the_path_keys_query_is_sent_as_query() {
    let server = Recorder::start().await;
    let client = server.client();

    client.responses().create(&Item::default()).await.expect("created");
    assert_eq!(server.target(), "POST /responses?beta=true");

    // The key's pairs first (a space percent-encoded), then the parameters'.
    let params = GetResponseBetaParams { include: Some(vec!["a".to_owned(), "b c".to_owned()]) };
    client.responses().get_beta("resp_1", &params).await.expect("read");
    assert_eq!(server.target(), "GET /responses/resp_1?beta=true&view=full%20text&include=a&include=b%20c");

    // Without the parameters, the key's pairs alone.
    client.responses().get_beta("resp 2", &GetResponseBetaParams::default()).await.expect("read");
    assert_eq!(server.target(), "GET /responses/resp%202?beta=true&view=full%20text");

    // The key without a query is an operation of its own.
    client.responses().get("resp_1").await.expect("read");
    assert_eq!(server.target(), "GET /responses/resp_1");

    // A pair holding a parameter is left out (with a warning); the parameter goes as declared.
    client.items().retrieve(&GetItemByIdParams::new("i 1")).await.expect("found");
    assert_eq!(server.target(), "GET /items?item_id=i%201");
}
