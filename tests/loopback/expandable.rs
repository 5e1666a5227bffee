//! The expandable fixture's client (tests/fixtures/rules/54-expandable.yaml) against a loopback
//! server: a field sent as an id or as the whole object decodes either way and gives its id with
//! `.id()`, a field of several objects through their shared union too, a request names an object
//! by its id alone, and a value that is neither is a decoding error.

use expandable::types::*;
use expandable::{Client, Error, RequestOptions};
use serde_json::json;

use crate::recording::Recording;

/// Answers `GET /charges/bad` with a number where an account belongs, and every other request
/// with a charge whose account is an id and whose customer is expanded (a deleted customer).
fn answer(request: &str) -> Vec<u8> {
    let body = if request.starts_with("GET /charges/bad ") {
        r#"{"id":"ch_bad","account":42}"#
    } else {
        r#"{"id":"ch_1","account":"acct_1","customer":{"id":"cus_9","deleted":true}}"#
    };
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

fn client(server: &Recording) -> Client {
    Client::builder()
        .base_url(&server.url)
        .options(RequestOptions::default().max_retries(0))
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn an_id_and_an_expanded_object_both_give_their_id() {
    let server = Recording::start(answer).await;
    let charge = client(&server).charges().retrieve("ch_1").await.expect("the call succeeds");
    assert_eq!(charge.account, Expandable::Id("acct_1".to_owned()));
    assert_eq!(charge.account.id(), "acct_1");
    assert!(!charge.account.is_expanded());
    let customer = charge.customer.expect("a customer");
    assert!(customer.is_expanded());
    assert_eq!(customer.id(), "cus_9");
    let deleted = DeletedCustomer::new("cus_9", true);
    assert_eq!(customer.object(), Some(&CustomerOrDeletedCustomer::DeletedCustomer(deleted)));
}

#[tokio::test]
async fn a_request_names_an_object_by_its_id() {
    let server = Recording::start(answer).await;
    client(&server).charges().create(&CreateChargeBody::new(5, "cus_1")).await.expect("the call succeeds");
    let sent: serde_json::Value = serde_json::from_str(&server.body()).expect("a JSON body");
    assert_eq!(sent, json!({"amount": 5, "customer": "cus_1"}));
}

#[tokio::test]
async fn a_value_neither_an_id_nor_an_object_is_a_decoding_error() {
    let server = Recording::start(answer).await;
    let error = client(&server).charges().retrieve("bad").await.expect_err("a number is no account");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("an id (a string) or an object"), "{error}");
}

#[test]
fn every_form_decodes_and_is_sent_back_as_it_came() {
    let refund: Refund = serde_json::from_value(json!({
        "id": "re_1",
        "customer": {"id": "cus_2", "email": "ada@example.com"},
        "charge": {"id": "ch_2", "amount": 7},
        "payer": "cus_3",
    }))
    .expect("decodes");
    assert_eq!(refund.customer.id(), "cus_2");
    assert_eq!(refund.charge.as_ref().map(HasId::id), Some("ch_2"));
    assert_eq!(refund.payer.as_ref().and_then(Expandable::as_id), Some("cus_3"));
    let customer = refund.customer.clone().into_object().expect("expanded");
    assert_eq!(customer, CustomerOrDeletedCustomer::Customer(Customer::new("cus_2", "ada@example.com")));
    let back = serde_json::to_value(&refund).expect("encodes");
    assert_eq!(back["customer"], json!({"id": "cus_2", "email": "ada@example.com"}));
    assert_eq!(back["payer"], json!("cus_3"));
    // An object of none of the known shapes keeps its id.
    let other: CustomerOrDeletedCustomer = serde_json::from_value(json!({"id": "cus_4"})).expect("decodes");
    assert_eq!(other.id(), "cus_4");
}
