//! Extra properties through the committed `extra_properties` client (generated from
//! `tests/fixtures/rules/37-extra-properties.yaml`) against a loopback server: the keys a
//! response has beside the declared fields decode into the flattened map (typed values, any
//! JSON value, an `allOf` merge), a request's map entries are sent beside the fields as JSON,
//! form and multipart bodies, and a map value that breaks a declared limit is refused before
//! anything is sent.

use extra_properties::types::{BagRequest, Form, Labels, Score, Scores};
use extra_properties::{Client, Error};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder().base_url(server.uri()).build().expect("client builds")
}

#[tokio::test]
async fn extra_keys_of_a_response_decode_into_the_map() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/labels/greeting"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"name": "greeting", "en": "hello", "fr": "salut"})),
        )
        .mount(&server)
        .await;
    let labels = client(&server).labels().retrieve("greeting").await.expect("decodes");
    assert_eq!(labels.name, "greeting");
    assert_eq!(labels.additional_properties.len(), 2, "{labels:?}");
    assert_eq!(labels.additional_properties["en"], "hello");
    assert_eq!(labels.additional_properties["fr"], "salut");
}

#[tokio::test]
async fn an_extra_value_of_the_wrong_type_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/labels/greeting"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "greeting", "en": 3})))
        .mount(&server)
        .await;
    let error = client(&server).labels().retrieve("greeting").await.expect_err("a number is no label");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn nested_maps_merged_and_closed_objects_decode() {
    let server = MockServer::start().await;
    let report = json!({
        "merged": {"name": "n", "region": "eu", "de": "hallo"},
        "closed": {"only": "o", "later": true},
        "sparse": {"kind": "k", "gone": null, "here": "x"},
        "inline": {"kind": "k", "a": {"count": 2}},
        "empty": {"kind": "k", "anything": [1, {"b": null}]},
    });
    Mock::given(method("POST"))
        .and(path("/scores"))
        .respond_with(ResponseTemplate::new(200).set_body_json(report))
        .mount(&server)
        .await;
    let report = client(&server).scores().create(&Scores::new()).await.expect("decodes");
    assert_eq!(report.merged.region.as_deref(), Some("eu"));
    assert_eq!(report.merged.additional_properties["de"], "hallo");
    // `additionalProperties: false`: no map, and a key the server added later is ignored.
    assert_eq!(report.closed.only.as_deref(), Some("o"));
    let sparse = report.sparse.expect("sparse");
    assert_eq!(sparse.additional_properties["gone"], None);
    assert_eq!(sparse.additional_properties["here"].as_deref(), Some("x"));
    assert_eq!(report.inline.expect("inline").additional_properties["a"].count, Some(2));
    assert_eq!(report.empty.expect("empty").additional_properties["anything"], json!([1, {"b": null}]));
}

#[tokio::test]
async fn map_entries_are_sent_beside_the_fields() {
    let server = MockServer::start().await;
    let sent = json!({"name": "greeting", "en": "hello", "fr": "salut"});
    Mock::given(method("PUT"))
        .and(path("/labels/greeting"))
        .and(body_json(sent.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(sent))
        .mount(&server)
        .await;
    let labels = Labels::new("greeting").additional_property("en", "hello").additional_property("fr", "salut");
    let back = client(&server).labels().update("greeting", &labels).await.expect("the body matched");
    assert_eq!(back, labels);
}

#[tokio::test]
async fn a_property_named_like_the_map_is_a_field_of_its_own() {
    let server = MockServer::start().await;
    let sent = json!({"secret": "s", "additional_properties": "declared", "colour": ["red"]});
    Mock::given(method("POST"))
        .and(path("/bags"))
        .and(body_json(sent))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": 7, "additional_properties": "declared", "x": 1})),
        )
        .mount(&server)
        .await;
    let bag =
        BagRequest::new().secret("s").additional_properties("declared").additional_property2("colour", json!(["red"]));
    let back = client(&server).bags().create(&bag).await.expect("the body matched");
    assert_eq!(back.id, Some(7));
    assert_eq!(back.additional_properties.as_deref(), Some("declared"));
    assert_eq!(back.additional_properties2["x"], json!(1));
}

#[tokio::test]
async fn map_entries_go_in_form_and_multipart_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/forms")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let form = Form::new("t").count(2).additional_property("colour", "red");
    client(&server).forms().create(&form).await.expect("form sent");
    client(&server).forms().create_multipart(&form).await.expect("multipart sent");
    let requests: Vec<Request> = server.received_requests().await.expect("recorded");
    assert_eq!(String::from_utf8_lossy(&requests[0].body), "title=t&count=2&colour=red");
    let multipart = String::from_utf8_lossy(&requests[1].body).into_owned();
    for (name, value) in [("title", "t"), ("count", "2"), ("colour", "red")] {
        let part = format!("name=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n{value}\r\n");
        assert!(multipart.contains(&part), "{name} is a part: {multipart}");
    }
}

#[tokio::test]
async fn a_map_value_that_breaks_a_limit_is_refused_before_sending() {
    let server = MockServer::start().await;
    let scores = Scores::new().additional_property("alice", Score::new(101));
    let error = client(&server).scores().create(&scores).await.expect_err("101 is over the maximum");
    let Error::Validation { field, .. } = &error else { panic!("{error:?}") };
    assert_eq!(field, "alice.value");
    assert!(server.received_requests().await.expect("recorded").is_empty());
}
