//! Lists in pages through the committed `pagination` client (generated from
//! `tests/fixtures/rules/32-pagination.yaml`) against loopback servers: three pages of a
//! Dropshot list and of a Stripe-shaped list are streamed to the end with the right cursor on
//! each request (and Dropshot's scan parameters left off later pages), a `Link` header leads
//! to the next page, a page that fails is an error item that ends the stream, a page answered
//! `503` once is retried like any call, and the blocking client iterates the same items.

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use pagination::types::{GetCustomersParams, ListReposParams, NameOrIdSortMode, SiloListParams};
use pagination::{Client, Error, RequestOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What a test server answers: the status, extra headers and JSON body for a request target
/// (`/silos?limit=2`), given how often that target was asked for before.
type Answer = fn(&str, usize) -> (u16, Vec<(&'static str, String)>, String);

/// A server on a free loopback port answering each request with `answer`; the targets of the
/// requests it received, in order, are in the list returned.
async fn serve(answer: Answer) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                loop {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match stream.read(&mut byte).await {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let target = head.split(' ').nth(1).unwrap_or_default().to_owned();
                    let before = {
                        let mut log = log.lock().unwrap();
                        let before = log.iter().filter(|t| **t == target).count();
                        log.push(target.clone());
                        before
                    };
                    let (status, headers, body) = answer(&target, before);
                    let mut response = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                        body.len()
                    );
                    for (name, value) in headers {
                        response.push_str(&format!("{name}: {value}\r\n"));
                    }
                    response.push_str("\r\n");
                    response.push_str(&body);
                    if stream.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, seen)
}

fn client(url: &str, retries: u32) -> Client {
    Client::builder().base_url(url).options(RequestOptions::default().max_retries(retries)).build().expect("builds")
}

fn seen(log: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// Dropshot's pages of silos: the token of each page leads to the next; the last has none.
fn silos(target: &str, _: usize) -> (u16, Vec<(&'static str, String)>, String) {
    let silo = |n: u32| format!(r#"{{"id": "00000000-0000-0000-0000-00000000000{n}", "name": "silo-{n}"}}"#);
    let body = match target.split("page_token=").nth(1) {
        None => format!(r#"{{"items": [{}, {}], "next_page": "t1"}}"#, silo(1), silo(2)),
        Some("t1") => format!(r#"{{"items": [{}, {}], "next_page": "t2"}}"#, silo(3), silo(4)),
        Some(_) => format!(r#"{{"items": [{}], "next_page": null}}"#, silo(5)),
    };
    (200, Vec::new(), body)
}

#[tokio::test]
async fn three_dropshot_pages_stream_with_each_page_token() {
    let (url, log) = serve(silos).await;
    let params = SiloListParams::new().limit(2).sort_by(NameOrIdSortMode::NameAscending);
    let items = client(&url, 0).silos().list_items(&params).await.expect("the first page");
    let names: Vec<String> = items.map(|silo| silo.expect("a silo").name).collect().await;
    assert_eq!(names, ["silo-1", "silo-2", "silo-3", "silo-4", "silo-5"]);
    // Later pages carry the token and the limit; the token stands for the sort order.
    assert_eq!(
        seen(&log),
        ["/silos?limit=2&sort_by=name_ascending", "/silos?limit=2&page_token=t1", "/silos?limit=2&page_token=t2"]
    );
}

/// Stripe-shaped pages of customers: `has_more` says whether another follows.
fn customers(target: &str, _: usize) -> (u16, Vec<(&'static str, String)>, String) {
    let customer = |n: u32| format!(r#"{{"id": "cus_{n}", "object": "customer", "email": null}}"#);
    let page = |ids: &[u32], more: bool| {
        let data: Vec<String> = ids.iter().map(|n| customer(*n)).collect();
        format!(r#"{{"object": "list", "url": "/v1/customers", "has_more": {more}, "data": [{}]}}"#, data.join(", "))
    };
    let body = match target.split("starting_after=").nth(1) {
        None => page(&[1, 2], true),
        Some("cus_2") => page(&[3, 4], true),
        Some(_) => page(&[5], false),
    };
    (200, Vec::new(), body)
}

#[tokio::test]
async fn three_stripe_pages_stream_with_the_last_id_as_cursor() {
    let (url, log) = serve(customers).await;
    let params = GetCustomersParams::new().email("ann").limit(2);
    let items = client(&url, 0).customers().list_items(&params).await.expect("the first page");
    let ids: Vec<String> = items.map(|customer| customer.expect("a customer").id).collect().await;
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
    // Every query parameter the caller set is sent again, with the cursor.
    assert_eq!(
        seen(&log),
        [
            "/customers?email=ann&limit=2",
            "/customers?email=ann&limit=2&starting_after=cus_2",
            "/customers?email=ann&limit=2&starting_after=cus_4",
        ]
    );
}

#[tokio::test]
async fn a_failing_page_is_an_error_item_and_ends_the_stream() {
    let (url, log) = serve(|target, _| {
        if target.contains("starting_after=cus_2") {
            (500, Vec::new(), r#"{"error": {"message": "boom"}}"#.to_owned())
        } else {
            customers(target, 0)
        }
    })
    .await;
    let mut items = client(&url, 0).customers().list_items(&GetCustomersParams::new()).await.expect("the first page");
    assert_eq!(items.next().await.unwrap().unwrap().id, "cus_1");
    assert_eq!(items.next().await.unwrap().unwrap().id, "cus_2");
    match items.next().await {
        Some(Err(Error::Api { status, .. })) => assert_eq!(status, 500),
        other => panic!("expected the second page's error, got {other:?}"),
    }
    assert!(items.next().await.is_none(), "the stream ends after its error");
    assert_eq!(seen(&log).len(), 2);
}

#[tokio::test]
async fn a_first_page_that_fails_is_the_calls_error() {
    let (url, _) = serve(|_, _| (404, Vec::new(), "{}".to_owned())).await;
    let result = client(&url, 0).silos().list_items(&SiloListParams::new()).await;
    assert!(matches!(result, Err(Error::Api { status, .. }) if status == 404), "{result:?}");
}

#[tokio::test]
async fn a_page_is_retried_as_any_call_is() {
    // The second page is answered `503` once: a `GET` is retried, and the stream goes on.
    let (url, log) = serve(|target, before| match (target.contains("page_token=t1"), before) {
        (true, 0) => (503, Vec::new(), "{}".to_owned()),
        _ => silos(target, before),
    })
    .await;
    let client = Client::builder()
        .base_url(&url)
        .options(
            RequestOptions::default()
                .max_retries(1)
                .initial_backoff(std::time::Duration::from_millis(1))
                .max_backoff(std::time::Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let items = client.silos().list_items(&SiloListParams::new()).await.unwrap();
    let count = items.map(|silo| silo.unwrap()).count().await;
    assert_eq!(count, 5);
    assert_eq!(seen(&log).iter().filter(|t| t.contains("page_token=t1")).count(), 2);
}

#[tokio::test]
async fn the_link_header_leads_to_the_next_page() {
    let (url, log) = serve(|target, _| {
        let repo = |n: u32| format!(r#"{{"full_name": "o/r{n}"}}"#);
        match target {
            "/repos?per_page=1" => {
                (200, vec![("link", r#"</repos?per_page=1&page=2>; rel="next""#.to_owned())], format!("[{}]", repo(1)))
            }
            "/repos?per_page=1&page=2" => (
                200,
                vec![("link", r#"</repos?per_page=1&page=3>; rel="next", </repos?page=1>; rel="first""#.to_owned())],
                format!("[{}]", repo(2)),
            ),
            _ => (200, vec![("link", r#"</repos?page=1>; rel="first""#.to_owned())], format!("[{}]", repo(3))),
        }
    })
    .await;
    let items = client(&url, 0).repos().list_items(&ListReposParams::new().per_page(1)).await.unwrap();
    let names: Vec<String> = items.map(|repo| repo.unwrap().full_name).collect().await;
    assert_eq!(names, ["o/r1", "o/r2", "o/r3"]);
    assert_eq!(seen(&log), ["/repos?per_page=1", "/repos?per_page=1&page=2", "/repos?per_page=1&page=3"]);
}

#[test]
fn the_blocking_client_iterates_every_page() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (url, log) = runtime.block_on(serve(silos));
    let client = pagination::blocking::Client::new(client(&url, 0)).unwrap();
    let items = client.silos().list_items(&SiloListParams::new().limit(2)).unwrap();
    let names: Vec<String> = items.map(|silo| silo.unwrap().name).collect();
    assert_eq!(names, ["silo-1", "silo-2", "silo-3", "silo-4", "silo-5"]);
    assert_eq!(seen(&log).len(), 3);
}
