//! Servers through the `servers` test client (generated at build time from
//! `tests/fixtures/rules/40-servers.yaml`): the default base URL has its variables filled in,
//! a server chosen by name with variables set sends to loopback servers, a path's, an
//! operation's (on another origin, with the credentials) and a relative server of an operation
//! are used, a variable the chosen server does not declare is refused at `build()`, and a base
//! URL set by the caller takes every request.

use servers::servers::{Region, Scheme, Server};
use servers::{Client, Error};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn the_default_url_has_its_variables_at_their_defaults() {
    let client = Client::builder().build().expect("builds");
    assert_eq!(client.base_url().as_str(), "https://us.api.example.com/v1");
    let client = Client::builder().region(Region::Eu).version("v3").build().expect("builds");
    assert_eq!(client.base_url().as_str(), "https://eu.api.example.com/v3");
    let client = Client::builder().server(Server::Sandbox).build().expect("builds");
    assert_eq!(client.base_url().as_str(), "http://localhost:8080/v1");
    assert_eq!(Server::Staging.default_url(), "https://fast.staging.example.com/v1");
    assert_eq!(Server::Sandbox.url_template(), "http://{host}:{port}/{version}");
    assert_eq!(Region::Eu.to_string(), "eu");
}

#[test]
fn a_variable_the_chosen_server_does_not_declare_is_refused() {
    // `region` is the production server's alone; staging and the operations' servers lack it.
    let error = Client::builder().server(Server::Staging).region(Region::Eu).build().expect_err("refused");
    let Error::Config { message } = &error else { panic!("{error:?}") };
    assert!(message.contains("\"region\"") && message.contains("staging.example.com"), "{message}");
    // `scheme` is declared by operations' own servers, so any server takes it.
    Client::builder().server(Server::Staging).scheme(Scheme::Http).build().expect("builds");
}

#[tokio::test]
async fn a_named_server_and_its_variables_reach_the_loopback_servers() {
    let main = MockServer::start().await;
    let reports = MockServer::start().await;
    let bearer = || header("authorization", "Bearer secret");
    Mock::given(method("GET"))
        .and(path("/v2/items"))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).set_body_json(["a", "b"]))
        .expect(1)
        .mount(&main)
        .await;
    // The path's own server: `{scheme}://{host}:{port}/files`, joined with `/files/{name}`.
    Mock::given(method("GET"))
        .and(path("/files/files/notes.txt"))
        .and(bearer())
        .respond_with(ResponseTemplate::new(200).insert_header("content-type", "text/plain").set_body_string("hi"))
        .expect(1)
        .mount(&main)
        .await;
    // The operation's relative server, `/legacy-api`, resolved against the base URL.
    Mock::given(method("GET"))
        .and(path("/legacy-api/legacy"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .expect(1)
        .mount(&main)
        .await;
    // The operation's own server, on another origin: it gets the credentials as well.
    Mock::given(method("POST"))
        .and(path("/reporting/v2/reports"))
        .and(bearer())
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "r1"})))
        .expect(1)
        .mount(&reports)
        .await;
    let client = Client::builder()
        .server(Server::Sandbox)
        .scheme(Scheme::Http)
        .host("127.0.0.1")
        .port(main.address().port().to_string())
        .report_port(reports.address().port().to_string())
        .version("v2")
        .token("secret")
        .build()
        .expect("builds");
    assert_eq!(client.base_url().as_str(), format!("http://127.0.0.1:{}/v2", main.address().port()));
    assert_eq!(client.items().list().await.expect("items"), ["a", "b"]);
    assert_eq!(client.files().retrieve("notes.txt").await.expect("file"), "hi");
    assert_eq!(client.legacy().retrieve().await.expect("status").ok, Some(true));
    assert_eq!(client.reports().create().await.expect("report").id.as_deref(), Some("r1"));
}

#[tokio::test]
async fn a_base_url_set_by_the_caller_takes_every_request() {
    let server = MockServer::start().await;
    for (verb, route) in [("GET", "/items"), ("GET", "/files/notes.txt"), ("POST", "/reports"), ("GET", "/legacy")] {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = Client::builder()
        .base_url(server.uri())
        .server(Server::Staging)
        .region(Region::Eu)
        .token("secret")
        .build()
        .expect("variables are not used with a base URL");
    // What comes back does not matter (`{}` is not every operation's body): where it went does.
    let _ = client.items().list().await;
    let _ = client.files().retrieve("notes.txt").await;
    let _ = client.reports().create().await;
    let _ = client.legacy().retrieve().await;
}
