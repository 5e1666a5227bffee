//! The generated HTTP layer, driven through the HTTP fixture's client against loopback servers:
//! retries, `Retry-After`, timeouts, redirects, redaction, auth and every body encoding.

use std::time::Duration;

use http_fixture::types::{File, Item, ItemRequest, UploadsCreateBody, UploadsCreateResponse};
use http_fixture::{Client, Error, RequestOptions};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET: &str = "s3cr3t-token";

/// Retries with no real waiting, so the tests stay quick.
fn fast() -> RequestOptions {
    RequestOptions::default().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_millis(2))
}

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).token(SECRET).options(fast()).build().expect("client builds")
}

fn item() -> Value {
    json!({"id": 7, "name": "seven", "tags": ["a"]})
}

/// Answers `first` once, then `then` for good.
async fn fail_then(server: &MockServer, http_method: &str, first: ResponseTemplate, then: ResponseTemplate) {
    Mock::given(method(http_method)).respond_with(first).up_to_n_times(1).with_priority(1).mount(server).await;
    Mock::given(method(http_method)).respond_with(then).with_priority(2).mount(server).await;
}

async fn hits(server: &MockServer) -> usize {
    server.received_requests().await.expect("recorded").len()
}

#[tokio::test]
async fn idempotent_calls_are_retried_after_server_errors() {
    for (status, http_method) in [(503, "GET"), (500, "GET"), (502, "PUT"), (504, "DELETE"), (408, "GET")] {
        let server = MockServer::start().await;
        let ok = match http_method {
            "DELETE" => ResponseTemplate::new(204),
            _ => ResponseTemplate::new(200).set_body_json(item()),
        };
        fail_then(&server, http_method, ResponseTemplate::new(status), ok).await;
        let client = client(&server);
        let result = match http_method {
            "GET" => client.items().retrieve(7, &Default::default()).await.map(drop),
            "PUT" => client.items().update(7, &ItemRequest::new("seven")).await.map(drop),
            _ => client.items().delete(7).await,
        };
        result.unwrap_or_else(|e| panic!("{http_method} after {status}: {e}"));
        assert_eq!(hits(&server).await, 2, "{http_method} after {status}");
    }
}

#[tokio::test]
async fn a_post_is_not_repeated_after_a_server_error() {
    for status in [500, 502, 503, 504, 408] {
        let server = MockServer::start().await;
        fail_then(&server, "POST", ResponseTemplate::new(status), ResponseTemplate::new(201).set_body_json(item()))
            .await;
        let error = client(&server).items().create(&ItemRequest::new("new")).await.expect_err("not retried");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(hits(&server).await, 1, "POST after {status}");
    }
}

#[tokio::test]
async fn too_many_requests_is_retried_for_every_method() {
    let server = MockServer::start().await;
    fail_then(&server, "POST", ResponseTemplate::new(429), ResponseTemplate::new(201).set_body_json(item())).await;
    let created: Item = client(&server).items().create(&ItemRequest::new("new")).await.expect("retried");
    assert_eq!(created.id, 7);
    assert_eq!(hits(&server).await, 2);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_retries_stop_at_the_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    client(&server).items().retrieve(1, &Default::default()).await.expect_err("404");
    assert_eq!(hits(&server).await, 1);

    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    client(&server).items().retrieve(1, &Default::default()).await.expect_err("still 503");
    assert_eq!(hits(&server).await, 3, "the first attempt and 2 retries");

    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    client(&server).with_max_retries(0).items().retrieve(1, &Default::default()).await.expect_err("no retry");
    assert_eq!(hits(&server).await, 1, "max_retries(0) turns retries off");
}

#[tokio::test]
async fn retry_after_is_honoured_in_both_forms_up_to_the_cap() {
    let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(60));
    let future = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(7200));
    // (header, retried): an immediate wait in either form is retried; a wait over the cap is not.
    for (retry_after, retried) in [("0", true), (past.as_str(), true), ("3600", false), (future.as_str(), false)] {
        let server = MockServer::start().await;
        let busy = ResponseTemplate::new(429).insert_header("retry-after", retry_after);
        fail_then(&server, "GET", busy, ResponseTemplate::new(200).set_body_json(item())).await;
        let result = client(&server).items().retrieve(1, &Default::default()).await;
        assert_eq!(result.is_ok(), retried, "Retry-After: {retry_after}");
        assert_eq!(hits(&server).await, if retried { 2 } else { 1 }, "Retry-After: {retry_after}");
    }
    // The header is read, not ignored: with a cap of zero, even one second is too long.
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(429).insert_header("retry-after", "1");
    fail_then(&server, "GET", busy, ResponseTemplate::new(200).set_body_json(item())).await;
    let capped = client(&server).with_options(fast().max_retry_after(Duration::ZERO));
    capped.items().retrieve(1, &Default::default()).await.expect_err("over the cap");
    assert_eq!(hits(&server).await, 1);
}

#[tokio::test]
async fn the_timeout_can_be_shortened_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(item()).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    let client = client(&server);
    let hurried = client.with_timeout(Duration::from_millis(50)).with_max_retries(0);
    let error = hurried.items().retrieve(1, &Default::default()).await.expect_err("times out");
    let Error::Transport { source, url, .. } = &error else { panic!("expected Transport, got {error:?}") };
    assert!(source.is_timeout(), "{error}");
    assert!(url.ends_with("/items/1"), "{url}");
    client.items().retrieve(1, &Default::default()).await.expect("the client's own timeout is longer");
}

/// A server whose `/items/1` redirects to the same path on another server, which answers it.
async fn redirect_to_another_host() -> (MockServer, MockServer) {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(item())).mount(&elsewhere).await;
    let server = MockServer::start().await;
    Mock::given(path("/items/1"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("{}/items/1", elsewhere.uri())))
        .mount(&server)
        .await;
    (server, elsewhere)
}

#[tokio::test]
async fn a_redirect_to_another_host_is_followed_without_credentials() {
    let (server, elsewhere) = redirect_to_another_host().await;
    client(&server).items().retrieve(1, &Default::default()).await.expect("followed");
    let first = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(first.headers.get("authorization").and_then(|v| v.to_str().ok()), Some("Bearer s3cr3t-token"));
    let followed = &elsewhere.received_requests().await.expect("recorded")[0];
    assert!(followed.headers.get("authorization").is_none(), "credentials reached another host");
}

#[tokio::test]
async fn a_redirect_within_the_origin_keeps_credentials() {
    let server = MockServer::start().await;
    Mock::given(path("/items/1"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/items/2"))
        .mount(&server)
        .await;
    Mock::given(path("/items/2")).respond_with(ResponseTemplate::new(200).set_body_json(item())).mount(&server).await;
    client(&server).items().retrieve(1, &Default::default()).await.expect("followed");
    let requests = server.received_requests().await.expect("recorded");
    assert!(requests[1].headers.get("authorization").is_some());
}

#[test]
fn plain_http_to_another_host_is_refused_unless_allowed() {
    let build =
        |url: &str, allow: bool| Client::builder().base_url(url).token(SECRET).allow_insecure_http(allow).build();
    let error = build("http://api.example.com", false).expect_err("refused");
    assert_eq!(
        error.to_string(),
        "client configuration: refusing to send credentials over plain http to api.example.com; use https, or allow it with ClientBuilder::allow_insecure_http(true)"
    );
    build("http://api.example.com", true).expect("explicitly allowed");
    build("https://api.example.com", false).expect("https");
    build("http://127.0.0.1:9", false).expect("loopback");
    build("http://[::1]:9", false).expect("loopback");
    build("http://localhost:9", false).expect("loopback");
    Client::builder().base_url("http://api.example.com").build().expect("no credentials to protect");
}

#[tokio::test]
async fn secrets_show_in_no_debug_or_display_of_the_client_or_any_error() {
    let server = MockServer::start().await;
    Mock::given(path("/items/1"))
        .respond_with(ResponseTemplate::new(401).set_body_string("{\"detail\": \"bad token\"}"))
        .mount(&server)
        .await;
    Mock::given(path("/items/2"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": 1"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .token(SECRET)
        .key(SECRET)
        .basic("user", Some(SECRET.to_owned()))
        .options(fast())
        .build()
        .expect("builds");
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("an address").port()
    };
    let unreachable = Client::builder()
        .base_url(format!("http://127.0.0.1:{closed}"))
        .key(SECRET)
        .options(fast().max_retries(0))
        .build()
        .expect("builds");
    let errors = [
        client.items().create(&ItemRequest::new("x".repeat(21))).await.expect_err("validation"),
        Client::builder()
            .base_url(server.uri())
            .build()
            .expect("builds")
            .items()
            .retrieve(1, &Default::default())
            .await
            .expect_err("config"),
        unreachable.admin().retrieve().await.expect_err("transport"),
        client.items().retrieve(1, &Default::default()).await.expect_err("api"),
        client.items().retrieve(2, &Default::default()).await.expect_err("decode"),
    ];
    let kinds: Vec<&str> = errors
        .iter()
        .map(|e| match e {
            Error::Validation { .. } => "validation",
            Error::Config { .. } => "config",
            Error::Transport { .. } => "transport",
            Error::Api { .. } => "api",
            Error::Decode { .. } => "decode",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["validation", "config", "transport", "api", "decode"]);
    for shown in std::iter::once(format!("{client:?}"))
        .chain(std::iter::once(format!("{unreachable:?}")))
        .chain(errors.iter().flat_map(|e| [e.to_string(), format!("{e:?}")]))
    {
        assert!(!shown.contains(SECRET), "a secret shows in: {shown}");
    }
    assert!(format!("{client:?}").contains("***"));
}

#[tokio::test]
async fn error_display_is_one_actionable_line() {
    let server = MockServer::start().await;
    Mock::given(path("/items/1"))
        .respond_with(
            ResponseTemplate::new(400).set_body_string(
                r#"{"name": ["This field may not be blank."], "non_field_errors": ["Duplicate item."]}"#,
            ),
        )
        .mount(&server)
        .await;
    Mock::given(path("/items/2"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id": "seven", "name": "x"}"#))
        .mount(&server)
        .await;
    let client = client(&server);
    let api = client.items().retrieve(1, &Default::default()).await.expect_err("400");
    assert_eq!(
        api.to_string(),
        "GET /items/{id} returned 400 Bad Request: name: This field may not be blank.; Duplicate item."
    );
    let Error::Api { messages, .. } = &api else { panic!("{api:?}") };
    assert_eq!(messages, &["name: This field may not be blank.", "Duplicate item."]);
    let decode = client.items().retrieve(2, &Default::default()).await.expect_err("decode");
    assert_eq!(decode.to_string(), "GET /items/{id}: response field .id: invalid type: string \"seven\", expected i64");
    let Error::Decode { body, path, .. } = &decode else { panic!("{decode:?}") };
    assert_eq!((path.as_str(), body.as_str()), (".id", r#"{"id": "seven", "name": "x"}"#));
}

#[tokio::test]
async fn each_media_type_has_its_method_and_goes_on_the_wire_as_declared() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/items"))
        .respond_with(ResponseTemplate::new(201).set_body_json(item()))
        .mount(&server)
        .await;
    let client = client(&server);
    let request = ItemRequest::new("seven").tags(vec!["a".into(), "b c".into()]);
    client.items().create(&request).await.expect("json");
    client.items().create_form(&ItemRequest::new("seven")).await.expect("form");
    client.items().create_multipart(&request).await.expect("multipart");
    let received = server.received_requests().await.expect("recorded");
    let content_type =
        |r: &Request| r.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();

    assert_eq!(content_type(&received[0]), "application/json");
    assert_eq!(
        serde_json::from_slice::<Value>(&received[0].body).unwrap(),
        json!({"name": "seven", "tags": ["a", "b c"]})
    );
    assert_eq!(content_type(&received[1]), "application/x-www-form-urlencoded");
    assert_eq!(String::from_utf8_lossy(&received[1].body), "name=seven");
    assert!(content_type(&received[2]).starts_with("multipart/form-data; boundary="));
    let multipart = String::from_utf8_lossy(&received[2].body);
    let text = |name: &str, value: &str| format!("name=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n{value}\r\n");
    for expected in [text("name", "seven"), text("tags", "a"), text("tags", "b c")] {
        assert!(multipart.contains(&expected), "{expected:?} not in {multipart}");
    }
}

#[tokio::test]
async fn form_and_multipart_bodies_send_an_explicit_null_as_an_empty_field_and_leave_unset_fields_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/items"))
        .respond_with(ResponseTemplate::new(201).set_body_json(item()))
        .mount(&server)
        .await;
    Mock::given(method("PUT")).and(path("/settings")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = client(&server);
    let request = ItemRequest::new("seven").tags(vec!["a".into(), "b c".into()]).note_null().archived(false);
    client.items().create(&request).await.expect("json");
    client.items().create_form(&request).await.expect("form");
    client.items().create_multipart(&request).await.expect("multipart");
    client.items().create_form(&ItemRequest::new("seven").note("n&=1")).await.expect("form with a value");
    let map = [("a", Value::Null), ("b", json!("x y")), ("c", json!([1, 2])), ("d", json!(false))];
    let map = map.into_iter().map(|(key, value)| (key.to_owned(), value)).collect();
    client.settings().update(&map).await.expect("a map as a form");
    let received = server.received_requests().await.expect("recorded");

    assert_eq!(
        serde_json::from_slice::<Value>(&received[0].body).unwrap(),
        json!({"name": "seven", "tags": ["a", "b c"], "note": null, "archived": false})
    );
    // The same body, field for field: a list as one pair per item, null as an empty value.
    assert_eq!(String::from_utf8_lossy(&received[1].body), "name=seven&tags=a&tags=b+c&note=&archived=false");
    let multipart = String::from_utf8_lossy(&received[2].body);
    for expected in [
        "name=\"note\"\r\nContent-Type: text/plain\r\n\r\n\r\n",
        "name=\"archived\"\r\nContent-Type: text/plain\r\n\r\nfalse\r\n",
    ] {
        assert!(multipart.contains(expected), "{expected:?} not in {multipart}");
    }
    // Unset optional fields are not sent at all.
    assert_eq!(String::from_utf8_lossy(&received[3].body), "name=seven&note=n%26%3D1");
    // A body that is not a struct goes entry by entry, the same way.
    assert_eq!(received[4].headers.get("content-type").unwrap(), "application/x-www-form-urlencoded");
    assert_eq!(String::from_utf8_lossy(&received[4].body), "a=&b=x+y&c=1&c=2&d=false");
}

#[test]
fn form_and_multipart_methods_say_that_an_unset_boolean_may_be_read_as_false() {
    let files = tests::generate_fixture("11-http", &tests::rules_dir().join("11-http.yaml")).expect("generates");
    let calls = &files.iter().find(|file| file.path == "src/resources.rs").expect("grouped calls").contents;
    let note = "A boolean left unset (`archived`) is not sent";
    assert_eq!(calls.matches(note).count(), 2, "on `items().create_form` and `items().create_multipart` only");
}

#[tokio::test]
async fn binary_fields_become_file_parts_and_success_statuses_are_told_apart() {
    let server = MockServer::start().await;
    Mock::given(path("/uploads"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"job_id": "j-1"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/uploads"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"size": 5})))
        .mount(&server)
        .await;
    let client = client(&server);
    let body = UploadsCreateBody::new(File::new("voice.mp3", "audio/mpeg", b"ID3\x04\x00".to_vec())).title("take 1");
    let queued = client.uploads().create(&body).await.expect("202");
    assert!(matches!(&queued, UploadsCreateResponse::Accepted(job) if job.job_id == "j-1"), "{queued:?}");
    let stored = client.uploads().create_with_response(&body).await.expect("200");
    assert_eq!(stored.status.as_u16(), 200);
    assert!(matches!(&stored.body, UploadsCreateResponse::Ok(upload) if upload.size == 5), "{stored:?}");

    let received = server.received_requests().await.expect("recorded");
    let sent = &received[0].body;
    let text = String::from_utf8_lossy(sent).to_ascii_lowercase();
    assert!(text.contains("name=\"file\"; filename=\"voice.mp3\"\r\ncontent-type: audio/mpeg\r\n\r\n"), "{text}");
    assert!(sent.windows(5).any(|w| w == b"ID3\x04\x00"), "the file's bytes are sent as they are");
    assert!(text.contains("name=\"title\"\r\ncontent-type: text/plain\r\n\r\ntake 1\r\n"), "{text}");
}

#[tokio::test]
async fn text_and_bytes_bodies_empty_successes_and_raw_responses() {
    let server = MockServer::start().await;
    Mock::given(path("/notes"))
        .respond_with(|r: &Request| ResponseTemplate::new(200).set_body_bytes(r.body.clone()))
        .mount(&server)
        .await;
    Mock::given(path("/items/3")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    Mock::given(path("/admin/stats"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![0, 159, 146, 150]))
        .mount(&server)
        .await;
    let client =
        Client::builder().base_url(server.uri()).token(SECRET).key("k").options(fast()).build().expect("builds");
    assert_eq!(client.notes().create("héllo").await.expect("text"), "héllo");
    assert_eq!(client.notes().create_bytes(b"\x00\x01").await.expect("bytes"), "\u{0}\u{1}");
    let deleted = client.items().delete_with_response(3).await.expect("204");
    assert_eq!(deleted.status.as_u16(), 204);
    assert_eq!(client.admin().retrieve().await.expect("bytes"), vec![0, 159, 146, 150]);
    let received = server.received_requests().await.expect("recorded");
    let content_type =
        |i: usize| received[i].headers.get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(content_type(0).as_deref(), Some("text/plain"));
    assert_eq!(content_type(1).as_deref(), Some("application/octet-stream"));
}

#[tokio::test]
async fn security_alternatives_and_operations_without_security() {
    let server = MockServer::start().await;
    Mock::given(path("/admin/stats"))
        .and(query_param("api_key", "the-key"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path("/admin/stats"))
        .and(header("authorization", "Basic dXNlcjpwdw=="))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path("/health")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let with_key = Client::builder().base_url(server.uri()).key("the-key").build().expect("builds");
    with_key.admin().retrieve().await.expect("the key alone is one alternative");
    let with_basic = Client::builder().base_url(server.uri()).basic("user", Some("pw".into())).build().expect("builds");
    with_basic.admin().retrieve().await.expect("basic alone is another");
    let error = Client::builder()
        .base_url(server.uri())
        .token("t")
        .build()
        .expect("builds")
        .admin()
        .retrieve()
        .await
        .expect_err("neither");
    assert_eq!(
        error.to_string(),
        "client configuration: GET /admin/stats needs credentials, one of: \
         set HTTP_FIXTURE_KEY or call ClientBuilder::key(..); \
         or set HTTP_FIXTURE_BASIC (and HTTP_FIXTURE_BASIC_PASSWORD) or call ClientBuilder::basic(..)"
    );
    client(&server).health().retrieve().await.expect("no security");
    let received = server.received_requests().await.expect("recorded");
    let health = received.iter().find(|r| r.url.path() == "/health").expect("health was called");
    assert!(health.headers.get("authorization").is_none(), "security: [] sends nothing");
}

#[test]
fn the_blocking_client_makes_the_same_calls_outside_an_async_runtime() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the server");
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(path("/items/7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(item()))
            .mount(&server)
            .await;
        server
    });
    let blocking = http_fixture::blocking::Client::new(client(&server)).expect("builds");
    let item = blocking.items().retrieve(7, &Default::default()).expect("a blocking call");
    assert_eq!(item.name, "seven");
    let inside = runtime.block_on(async { blocking.items().retrieve(7, &Default::default()) });
    let error = inside.expect_err("refused inside a runtime");
    assert!(error.to_string().contains("inside an async runtime"), "{error}");
}

#[tokio::test]
async fn a_callers_http_client_builder_is_used_but_redirects_stay_the_clients() {
    let (server, elsewhere) = redirect_to_another_host().await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-from-caller", reqwest::header::HeaderValue::from_static("yes"));
    // A builder that would follow redirects itself, with the credentials on board.
    let caller = reqwest::Client::builder().default_headers(headers).redirect(reqwest::redirect::Policy::limited(5));
    let client = Client::builder()
        .base_url(server.uri())
        .token(SECRET)
        .options(fast())
        .http_client(caller)
        .build()
        .expect("client builds");
    client.items().retrieve(1, &Default::default()).await.expect("followed");
    let first = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(first.headers.get("x-from-caller").and_then(|v| v.to_str().ok()), Some("yes"));
    let agent = first.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(!agent.starts_with("reqwest"), "the client's own user agent is sent, not {agent:?}");
    let followed = &elsewhere.received_requests().await.expect("recorded")[0];
    assert_eq!(followed.headers.get("x-from-caller").and_then(|v| v.to_str().ok()), Some("yes"));
    assert!(followed.headers.get("authorization").is_none(), "credentials reached another host");
    // reqwest sets `Referer` when it follows a redirect itself; the client's own loop does not.
    assert!(followed.headers.get("referer").is_none(), "reqwest followed the redirect, not the client");
}

#[tokio::test]
async fn a_declared_error_schema_decodes_into_its_type_and_a_body_that_does_not_fit_keeps_its_text() {
    use http_fixture::types::{ErrorBody, NotFound, Problem};

    let server = MockServer::start().await;
    let answer = |status: u16, body: &str| ResponseTemplate::new(status).set_body_string(body.to_owned());
    for (pet, response) in [
        ("gone", answer(404, r#"{"message": "no pet 'gone'"}"#)),
        ("taken", answer(409, r#"{"code": 9, "detail": "taken"}"#)),
        ("broken", answer(500, r#"{"code": 1}"#)),
        ("odd", answer(404, r#"{"oops": true}"#)),
        ("html", answer(502, "<html>Bad gateway</html>")),
    ] {
        Mock::given(path(format!("/pets/{pet}"))).respond_with(response).mount(&server).await;
    }
    let client = client(&server).with_max_retries(0);

    // An exact status first, then its range (`4XX`), then `default`.
    let gone = client.pets().retrieve("gone").await.expect_err("404");
    let expected = ErrorBody::NotFound(NotFound { message: "no pet 'gone'".to_owned() });
    assert_eq!(gone.decoded(), Some(&expected));
    let taken = client.pets().retrieve("taken").await.expect_err("409");
    assert_eq!(taken.decoded(), Some(&ErrorBody::Problem(Problem { code: 9, detail: Some("taken".to_owned()) })));
    let broken = client.pets().retrieve("broken").await.expect_err("500");
    let Error::Api { status, decoded: Some(decoded), decode_failure: None, .. } = &broken else { panic!("{broken:?}") };
    assert_eq!(status.as_u16(), 500);
    assert!(matches!(**decoded, ErrorBody::Problem(Problem { code: 1, detail: None })), "{decoded:?}");

    // A body that does not fit the declared schema keeps its text and says why.
    let odd = client.pets().retrieve("odd").await.expect_err("404");
    let Error::Api { decoded: None, decode_failure: Some(why), body, .. } = &odd else { panic!("{odd:?}") };
    assert_eq!(why, "missing field `message`");
    assert_eq!(body, r#"{"oops": true}"#);
    let html = client.pets().retrieve("html").await.expect_err("502");
    let Error::Api { decoded: None, decode_failure: Some(why), body, .. } = &html else { panic!("{html:?}") };
    assert_eq!(why, "the body is not JSON: expected value");
    assert_eq!(body, "<html>Bad gateway</html>");

    // An operation that declares no error schema decodes the API's dominant one (`Problem`,
    // which most error responses declare), and keeps the text of a body that does not fit it.
    Mock::given(path("/items/3")).respond_with(answer(404, r#"{"message": "no item"}"#)).mount(&server).await;
    let item = client.items().retrieve(3, &Default::default()).await.expect_err("404");
    let Error::Api { decoded: None, decode_failure: Some(why), body, .. } = &item else { panic!("{item:?}") };
    assert_eq!(why, "missing field `code`");
    assert_eq!(body, r#"{"message": "no item"}"#);
    Mock::given(path("/items/4")).respond_with(answer(409, r#"{"code": 4}"#)).mount(&server).await;
    let item = client.items().retrieve(4, &Default::default()).await.expect_err("409");
    assert_eq!(item.decoded(), Some(&ErrorBody::Problem(Problem { code: 4, detail: None })));
}

/// A hook that records what it is shown and signs each request with its attempt number.
#[derive(Default)]
struct Recorder {
    seen: std::sync::Mutex<Vec<(http_fixture::AttemptInfo, Option<u16>)>>,
}

impl http_fixture::Hook for Recorder {
    fn before_send<'a>(
        &'a self,
        attempt: &'a http_fixture::AttemptInfo,
        request: &'a mut reqwest::Request,
    ) -> http_fixture::HookFuture<'a> {
        Box::pin(async move {
            // Signing may await something.
            tokio::task::yield_now().await;
            let signature = format!("{}-{}", attempt.operation_id, attempt.attempt);
            request.headers_mut().insert("x-signature", signature.parse()?);
            Ok(())
        })
    }

    fn on_response(&self, attempt: &http_fixture::AttemptInfo, response: &reqwest::Response) {
        self.seen.lock().unwrap().push((*attempt, Some(response.status().as_u16())));
    }

    fn on_error(&self, attempt: &http_fixture::AttemptInfo, _error: &reqwest::Error) {
        self.seen.lock().unwrap().push((*attempt, None));
    }
}

impl Recorder {
    /// (operation id, attempt, redirect, to the base origin, status) of each request seen.
    fn summary(&self) -> Vec<(&'static str, u32, u32, bool, Option<u16>)> {
        let seen = self.seen.lock().unwrap();
        seen.iter().map(|(a, status)| (a.operation_id, a.attempt, a.redirect, a.to_base_origin, *status)).collect()
    }
}

#[tokio::test]
async fn the_hook_sees_every_attempt_of_a_retried_get() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(item()))
        .with_priority(2)
        .mount(&server)
        .await;
    let recorder = std::sync::Arc::new(Recorder::default());
    let client =
        Client::builder().base_url(server.uri()).token(SECRET).hook(recorder.clone()).build().expect("client builds");
    // A copy with other options keeps the hook.
    let item = client.with_options(fast()).items().retrieve(7, &Default::default()).await.expect("third attempt");
    assert_eq!(item.id, 7);
    assert_eq!(
        recorder.summary(),
        [
            ("items_read", 1, 0, true, Some(503)),
            ("items_read", 2, 0, true, Some(503)),
            ("items_read", 3, 0, true, Some(200))
        ]
    );
    let seen = recorder.seen.lock().unwrap().clone();
    assert!(seen.iter().all(|(a, _)| a.method == "GET" && a.path == "/items/{id}"), "{seen:?}");
    let requests = server.received_requests().await.expect("recorded");
    let signatures: Vec<&str> =
        requests.iter().filter_map(|r| r.headers.get("x-signature").and_then(|v| v.to_str().ok())).collect();
    assert_eq!(signatures, ["items_read-1", "items_read-2", "items_read-3"], "the hook's header went out");
}

#[tokio::test]
async fn the_hook_sees_redirects_and_failed_connections() {
    let (server, _elsewhere) = redirect_to_another_host().await;
    let recorder = std::sync::Arc::new(Recorder::default());
    let client = Client::builder()
        .base_url(server.uri())
        .token(SECRET)
        .options(fast())
        .hook(recorder.clone())
        .build()
        .expect("client builds");
    client.items().retrieve(1, &Default::default()).await.expect("followed");
    assert_eq!(recorder.summary(), [("items_read", 1, 0, true, Some(302)), ("items_read", 1, 1, false, Some(200))]);

    // Nothing listens on the discard port: both attempts fail to connect.
    let recorder = std::sync::Arc::new(Recorder::default());
    let client =
        Client::builder().base_url("http://127.0.0.1:9").options(fast().max_retries(1)).hook(recorder.clone()).build();
    client.expect("client builds").health().retrieve().await.expect_err("nothing listens");
    assert_eq!(recorder.summary(), [("health", 1, 0, true, None), ("health", 2, 0, true, None)]);
}

#[tokio::test]
async fn default_headers_go_with_every_attempt_but_never_over_credentials_or_to_another_host() {
    let server = MockServer::start().await;
    fail_then(&server, "GET", ResponseTemplate::new(503), ResponseTemplate::new(200).set_body_json(item())).await;
    let client = Client::builder()
        .base_url(server.uri())
        .token(SECRET)
        .options(fast())
        .default_header("OpenAI-Beta", "assistants=v2")
        .default_header("Authorization", "Bearer not-the-credential")
        .build()
        .expect("client builds");
    client.items().retrieve(1, &Default::default()).await.expect("retried");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.headers.get("openai-beta").and_then(|v| v.to_str().ok()), Some("assistants=v2"));
        let auth: Vec<_> = request.headers.get_all("authorization").iter().collect();
        assert_eq!(auth, ["Bearer s3cr3t-token"], "the credential wins");
    }

    let (server, elsewhere) = redirect_to_another_host().await;
    let client =
        Client::builder().base_url(server.uri()).token(SECRET).default_header("x-api-version", "2").build().unwrap();
    client.items().retrieve(1, &Default::default()).await.expect("followed");
    let first = &server.received_requests().await.expect("recorded")[0];
    assert_eq!(first.headers.get("x-api-version").and_then(|v| v.to_str().ok()), Some("2"));
    let followed = &elsewhere.received_requests().await.expect("recorded")[0];
    assert!(followed.headers.get("x-api-version").is_none(), "a default header reached another host");
}

#[test]
fn an_invalid_default_header_fails_the_build_naming_it() {
    let builder = || Client::builder().base_url("https://api.example.com");
    let error = builder().default_header("bad name", "x").build().expect_err("invalid name");
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(error.to_string().contains(r#"default header "bad name" is not a valid header name"#), "{error}");
    let error = builder().default_header("x-version", "two\nlines").build().expect_err("invalid value");
    assert!(error.to_string().contains(r#"default header "x-version" has a value"#), "{error}");
}
