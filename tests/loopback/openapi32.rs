//! The `openapi32` client (generated from `tests/fixtures/rules/64-openapi-3-2.yaml`, an
//! OpenAPI 3.2 document) against the recording server: an event stream typed by its
//! `itemSchema` decodes each event's data, a JSON Lines body typed by its `itemSchema` decodes
//! line by line (a line that does not decode is an error item naming it, and the stream goes
//! on; the blocking client iterates the same items), the `query` operation goes out as `QUERY`
//! with its body, `PURGE` as itself, the `querystring` parameter is the whole query string,
//! and the server named `local` is the one chosen by that name.

use futures_util::StreamExt;
use openapi32::servers::Server;
use openapi32::types::{ChatRequest, FindItemsParams, ItemFilter, ListItemsParams, SearchQuery};
use openapi32::{Client, Error};

use crate::recording::Recording;

/// A `200` with `content_type` and `body`.
fn ok(content_type: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

/// What the server answers, by the request's target.
fn answer(request: &str) -> Vec<u8> {
    let target = request.lines().next().unwrap_or_default();
    if target.starts_with("POST /v1/chat ") {
        let events = "event: chunk\nid: 1\ndata: {\"delta\": \"Hel\"}\n\n\
                      data: {\"delta\": \"lo\"}\n\n\
                      data: [DONE]\n\n";
        ok("text/event-stream", events)
    } else if target.starts_with("GET /v1/logs ") {
        let lines = "{\"level\": \"info\", \"message\": \"started\"}\n\
                     \n\
                     {\"level\": \"warn\"}\r\n\
                     {\"level\": \"info\", \"message\": \"done\"}";
        ok("application/jsonl", lines)
    } else if target.starts_with("QUERY /v1/search ") {
        ok("application/json", r#"[{"level": "info", "message": "found"}]"#)
    } else if target.starts_with("GET /v1/items") || target.starts_with("GET /v1/find") {
        ok("application/json", r#"["a", "b"]"#)
    } else {
        b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n".to_vec()
    }
}

/// A client of the server named `local`, its host and port those of `server`.
fn local(server: &Recording) -> Client {
    let port = server.url.rsplit(':').next().expect("a port").to_owned();
    Client::builder().server(Server::Local).host("127.0.0.1").port(port).build().expect("builds")
}

#[tokio::test]
async fn a_server_chosen_by_its_name_takes_the_calls() {
    assert_eq!(Server::Local.url_template(), "http://{host}:{port}/v1");
    assert_eq!(Server::Production.default_url(), "https://api.example.com/v1");
    let server = Recording::start(answer).await;
    local(&server).cache().purge("k1").await.expect("purged");
    assert_eq!(server.target(), "PURGE /v1/cache/k1");
}

#[tokio::test]
async fn events_typed_by_their_item_schema_decode() {
    let server = Recording::start(answer).await;
    let mut events = local(&server).chat().create_stream(&ChatRequest::new("hi")).await.expect("a stream");
    let mut deltas = Vec::new();
    while let Some(event) = events.next().await {
        let event = event.expect("an event");
        deltas.push((event.event, event.id, event.data.delta));
    }
    assert_eq!(
        deltas,
        [
            ("chunk".to_owned(), Some("1".to_owned()), "Hel".to_owned()),
            ("message".to_owned(), Some("1".to_owned()), "lo".to_owned())
        ]
    );
    assert_eq!(server.header("accept"), ["text/event-stream"]);
    assert_eq!(server.body(), r#"{"prompt":"hi"}"#);
}

#[tokio::test]
async fn json_lines_decode_one_a_line_and_a_bad_line_is_an_item() {
    let server = Recording::start(answer).await;
    let lines = local(&server).logs().retrieve_stream().await.expect("a stream");
    assert_eq!(lines.status(), 200);
    let items: Vec<_> = lines.collect().await;
    assert_eq!(server.header("accept"), ["application/jsonl"]);
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].as_ref().expect("an entry").message, "started");
    match &items[1] {
        Err(Error::Decode { path, message, body, .. }) => {
            assert_eq!(path, ".message");
            assert_eq!(message, "line 3 of the stream: missing");
            assert_eq!(body, r#"{"level": "warn"}"#);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(items[2].as_ref().expect("an entry").message, "done");
}

#[test]
fn the_blocking_client_iterates_the_lines() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let server = runtime.block_on(Recording::start(answer));
    let client = openapi32::blocking::Client::new(local(&server)).expect("a blocking client");
    let items: Vec<_> = client.logs().retrieve_stream().expect("a stream").collect();
    // The iterator ends at the first error item.
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[1].is_err());
}

#[tokio::test]
async fn the_query_method_goes_out_with_its_body() {
    let server = Recording::start(answer).await;
    let found = local(&server).search().search(&SearchQuery::new("warn").limit(5)).await.expect("found");
    assert_eq!(found[0].message, "found");
    assert_eq!(server.target(), "QUERY /v1/search");
    assert_eq!(server.header("content-type"), ["application/json"]);
    assert_eq!(server.body(), r#"{"text":"warn","limit":5}"#);
}

#[tokio::test]
async fn a_querystring_parameter_is_the_whole_query() {
    let server = Recording::start(answer).await;
    let params = ListItemsParams::new(ItemFilter::new().color("dark red").size(3));
    let items = local(&server).items().list(&params).await.expect("items");
    assert_eq!(items, ["a", "b"]);
    assert_eq!(server.target(), "GET /v1/items?color=dark%20red&size=3");
    let none = ListItemsParams::new(ItemFilter::new());
    local(&server).items().list(&none).await.expect("items");
    assert_eq!(server.target(), "GET /v1/items");
}

#[tokio::test]
async fn a_json_querystring_parameter_is_its_text() {
    let server = Recording::start(answer).await;
    let params = FindItemsParams::new().query(SearchQuery::new("a b"));
    local(&server).find().items(&params).await.expect("items");
    assert_eq!(server.target(), "GET /v1/find?%7B%22text%22%3A%22a%20b%22%7D");
}
