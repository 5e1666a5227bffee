//! The shadowing fixture's client (tests/fixtures/rules/20-shadowing.yaml) against a loopback
//! server: parameters, properties and operations named like the names the generator writes
//! still send exactly what the caller passed, to the path the caller named.

use serde_json::{Value, json};
use shadowing::types::{Builder2Params, Builder2Response, ClientModel, Execute2Params, Upload};
use shadowing::{Client, RequestOptions};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .timeout2("secret")
        .key1("k1")
        .options(RequestOptions::default().max_retries(0))
        .build()
        .expect("client builds")
}

/// Answers every request with `status` and a JSON body; returns the server.
async fn answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 1, "one request");
    requests.remove(0)
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn upload() -> Upload {
    Upload::new("the parts", "the self")
        .multipart_parts2("m")
        .validate2("short")
        .new2("n")
        .foo_null()
        .foo_null2("fn")
        .clone2("c")
        .default2("d")
        .value(5)
}

#[tokio::test]
async fn path_query_header_and_cookie_parameters_named_like_locals_keep_their_values() {
    let server = answering(200, json!({"echo": "back"})).await;
    let params = Execute2Params::new("p", "c")
        .value(vec!["v1".to_owned(), "v2".to_owned()])
        .item(vec![1, 2])
        .text(ClientModel::new().id(3))
        .url("u")
        .cookies("k")
        .self_("s")
        .new2("n")
        .validate2("ok");
    let echoed = client(&server)
        .execute2("the operation", "the request", 42, &["a".to_owned(), "b".to_owned()], &params)
        .await
        .expect("a call");
    assert_eq!(echoed.echo.as_deref(), Some("back"));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/ops/the%20operation/the%20request/42/a,b");
    let pairs: Vec<(&str, &str)> = vec![
        ("params", "p"),
        ("value", "v1"),
        ("value", "v2"),
        ("item", "1,2"),
        // An object in form style, exploded (its default), goes as its properties.
        ("id", "3"),
        ("new", "n"),
        ("validate", "ok"),
    ];
    let want: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    assert_eq!(query(&request), want);
    assert_eq!(header(&request, "url"), Some("u"));
    assert_eq!(header(&request, "client"), Some("c"));
    assert_eq!(header(&request, "x-timeout"), Some("secret"));
    assert_eq!(header(&request, "cookie"), Some("cookies=k; self=s"));
}

#[tokio::test]
async fn a_params_struct_still_validates_with_a_field_named_validate() {
    let server = answering(200, json!({})).await;
    let params = Execute2Params::new("p", "c").validate2("much too long");
    let error = client(&server).execute2("o", "r", 1, &[], &params).await.expect_err("refused");
    assert!(error.to_string().contains("validate"), "{error}");
    assert!(server.received_requests().await.expect("recorded").is_empty());
}

#[tokio::test]
async fn path_arguments_named_like_arguments_and_locals_and_a_body_with_method_named_fields() {
    let server = answering(201, json!({"echo": "created"})).await;
    let params = Builder2Params::new("op").request("req").response("resp");
    let answer = client(&server)
        .builder2("P", "C", "V", "I", "J", "T", "PA", "S", "U", "CL", 7, &upload(), &params)
        .await
        .expect("a call");
    assert!(matches!(answer, Builder2Response::Created(ref r) if r.echo.as_deref() == Some("created")), "{answer:?}");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/more/P/C/V/I/J/T/PA/S/U/CL/7");
    assert_eq!(query(&request), vec![("operation".to_owned(), "op".to_owned())]);
    assert_eq!(header(&request, "request"), Some("req"));
    assert_eq!(header(&request, "cookie"), Some("response=resp"));
    let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
    assert_eq!(
        body,
        json!({
            "multipart_parts": "m", "validate": "short", "new": "n", "foo": null, "foo_null": "fn",
            "clone": "c", "default": "d", "parts": "the parts", "self": "the self", "value": 5,
        })
    );
}

#[tokio::test]
async fn a_multipart_body_with_a_field_named_multipart_parts_sends_every_part() {
    let server = answering(201, json!({})).await;
    let params = Builder2Params::new("op");
    client(&server)
        .builder2_multipart("P", "C", "V", "I", "J", "T", "PA", "S", "U", "CL", 7, &upload(), &params)
        .await
        .expect("a call");
    let request = only_request(&server).await;
    assert!(header(&request, "content-type").is_some_and(|t| t.starts_with("multipart/form-data")));
    let text = String::from_utf8_lossy(&request.body);
    for (name, value) in [
        ("multipart_parts", "m"),
        ("validate", "short"),
        ("foo_null", "fn"),
        ("parts", "the parts"),
        ("self", "the self"),
        ("value", "5"),
    ] {
        let part = format!("name=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n{value}\r\n");
        assert!(text.contains(&part), "{part:?} in {text}");
    }
}

#[tokio::test]
async fn operations_named_like_client_methods_and_twins_reach_their_own_paths() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = client(&server);
    client.upload(&upload()).await.expect("upload");
    client.upload_with_response2().await.expect("upload_with_response2");
    client.upload_multipart2().await.expect("upload_multipart2");
    client.new2("x y", Some("plain text")).await.expect("new2");
    client.clone2("z").await.expect("clone2");
    client.url2().await.expect("url2");
    client.inner2().await.expect("inner2");
    client.options2().await.expect("options2");
    let seen: Vec<(String, String)> = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_owned()))
        .collect();
    let want = [
        ("POST", "/uploads"),
        ("GET", "/twins"),
        ("POST", "/twins"),
        ("PUT", "/client/x%20y"),
        ("DELETE", "/client/z"),
        ("GET", "/client"),
        ("HEAD", "/client"),
        ("OPTIONS", "/client"),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())).collect();
    assert_eq!(seen, want);
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(String::from_utf8_lossy(&requests[3].body), "plain text");
    // `key_1` and `key1` are two schemes with two `Scheme` variants: the configured one is sent.
    assert_eq!(header(&requests[5], "x-key1"), Some("k1"));
    assert_eq!(header(&requests[5], "x-key-1"), None);
}

#[test]
fn the_blocking_client_has_the_same_renamed_methods() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the server");
    let server = runtime.block_on(answering(200, json!({"echo": "blocking"})));
    let blocking = shadowing::blocking::Client::new(client(&server)).expect("builds");
    let echoed = blocking.execute2("o", "r", 1, &[], &Execute2Params::new("p", "c")).expect("a call");
    assert_eq!(echoed.echo.as_deref(), Some("blocking"));
    let request = runtime.block_on(only_request(&server));
    assert_eq!(request.url.path(), "/ops/o/r/1/");
    assert!(blocking.inner().base_url().as_str().starts_with("http://"));
}
