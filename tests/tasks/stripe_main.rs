//! The program `tests/shared_specs.rs` builds next to the `stripe` crate it generates: each task
//! of `tests/tasks/stripe.rs` runs against its own loopback server (`server.rs`), which checks
//! the request the task sends (method, path, query, credentials, the form's pairs) and answers
//! what the API answers (bodies after Stripe's API reference; lists in pages with `has_more`).
//! Prints what the tasks print, then `stripe tasks: ok`; panics on any mismatch.

mod server;
mod tasks;

use serde_json::{Value, json};
use server::{Exchange, Request, Response, json};

fn exchange(check: impl FnOnce(&Request) + Send + 'static, response: Response) -> Exchange {
    (Box::new(check), response)
}

/// The checks every call shares: method, path and the secret key.
fn call(request: &Request, method: &str, path: &str) {
    assert_eq!((request.method.as_str(), request.path.as_str()), (method, path), "{request:?}");
    assert_eq!(request.header("authorization"), "Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc", "{request:?}");
}

/// `pairs` sorted, for comparing with the expected pairs in any order.
fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    sorted(pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect())
}

fn customer() -> Value {
    json!({
        "id": "cus_NffrFeUfNV2Hib",
        "object": "customer",
        "address": {
            "city": "San Francisco",
            "country": "US",
            "line1": "510 Townsend St",
            "line2": null,
            "postal_code": "94103",
            "state": null
        },
        "balance": 0,
        "created": 1680893993,
        "currency": null,
        "default_source": null,
        "delinquent": false,
        "description": null,
        "email": "jenny.rosen@example.com",
        "invoice_prefix": "0759376C",
        "invoice_settings": {
            "custom_fields": null,
            "default_payment_method": null,
            "footer": null,
            "rendering_options": null
        },
        "livemode": false,
        "metadata": {"order": "6735"},
        "name": null,
        "next_invoice_sequence": 1,
        "phone": null,
        "preferred_locales": [],
        "shipping": null,
        "tax_exempt": "none",
        "test_clock": null
    })
}

fn charge(id: &str, amount: i64) -> Value {
    json!({
        "id": id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": 0,
        "application": null,
        "application_fee": null,
        "application_fee_amount": null,
        "balance_transaction": "txn_3MmlLrLkdIwHu7ix0uke3Ezy",
        "billing_details": {
            "address": {"city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null},
            "email": null,
            "name": null,
            "phone": null
        },
        "calculated_statement_descriptor": "Stripe",
        "captured": true,
        "created": 1679090539,
        "currency": "usd",
        "customer": customer(),
        "description": null,
        "disputed": false,
        "failure_balance_transaction": null,
        "failure_code": null,
        "failure_message": null,
        "fraud_details": {},
        "livemode": false,
        "metadata": {},
        "on_behalf_of": null,
        "outcome": {
            "network_status": "approved_by_network",
            "reason": null,
            "risk_level": "normal",
            "risk_score": 32,
            "seller_message": "Payment complete.",
            "type": "authorized"
        },
        "paid": true,
        "payment_intent": null,
        "payment_method": "card_1MmlLrLkdIwHu7ixIJwEWSNR",
        "receipt_email": null,
        "receipt_number": null,
        "receipt_url": "https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8xTTJKVGtMa2RJd0h1N2l4KOvG06AGMgZfBXyr1aw6LBa9vaaSRWU96d8qBwz9z2J_CObiV_H2-e8RezSK_sw0KISesp4czsOUlVKY",
        "refunded": false,
        "review": null,
        "shipping": null,
        "source_transfer": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": "succeeded",
        "transfer_data": null,
        "transfer_group": null
    })
}

fn payment_intent() -> Value {
    json!({
        "id": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "object": "payment_intent",
        "amount": 2000,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": null,
        "application_fee_amount": null,
        "automatic_payment_methods": {"enabled": true},
        "canceled_at": null,
        "cancellation_reason": null,
        "capture_method": "automatic",
        "client_secret": "pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH",
        "confirmation_method": "automatic",
        "created": 1680800504,
        "currency": "usd",
        "customer": null,
        "description": null,
        "last_payment_error": null,
        "latest_charge": null,
        "livemode": false,
        "metadata": {},
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": null,
        "payment_method_options": {
            "card": {"installments": null, "mandate_options": null, "network": null, "request_three_d_secure": "automatic"},
            "link": {"persistent_token": null}
        },
        "payment_method_types": ["card", "link"],
        "processing": null,
        "receipt_email": null,
        "review": null,
        "setup_future_usage": null,
        "shipping": null,
        "source": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": "requires_payment_method",
        "transfer_data": null,
        "transfer_group": null
    })
}

async fn run<F: Future<Output = Result<(), Box<dyn std::error::Error>>>>(
    name: &str,
    exchanges: Vec<Exchange>,
    task: impl FnOnce(stripe::Client) -> F,
) {
    let (url, server) = server::serve(exchanges).await;
    // Client set-up, outside the task.
    let client = stripe::Client::builder()
        .base_url(url)
        .bearer_auth("sk_test_4eC39HqLyjWDarjtT1zdp7dc")
        .max_retries(0)
        .build()
        .expect("client");
    println!("== {name}");
    let result = task(client).await;
    if let Err(panic) = server.await {
        panic!("{name}: the server's check failed: {panic}");
    }
    result.unwrap_or_else(|e| panic!("{name}: {e}"));
}

#[tokio::main]
async fn main() {
    let check = |request: &Request| {
        call(request, "POST", "/v1/customers");
        let expected = owned(&[
            ("email", "jenny.rosen@example.com"),
            ("metadata[order]", "6735"),
            ("address[line1]", "510 Townsend St"),
            ("address[city]", "San Francisco"),
            ("address[postal_code]", "94103"),
            ("address[country]", "US"),
        ]);
        assert_eq!(sorted(request.form()), expected, "{request:?}");
    };
    run("7 create a customer", vec![exchange(check, json(200, customer()))], |c| async move {
        tasks::create_customer(&c).await
    })
    .await;

    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs() as i64;
    let page = move |starting_after: Option<&'static str>| {
        move |request: &Request| {
            call(request, "GET", "/v1/charges");
            assert!(request.body.is_empty(), "{request:?}");
            let mut query = request.query.clone();
            let gte = query.iter().position(|(n, _)| n == "created[gte]").expect("created[gte] is sent");
            let (_, gte) = query.remove(gte);
            let gte: i64 = gte.parse().expect("a timestamp");
            assert!((now - 7 * 24 * 3600 - gte).abs() < 60, "created[gte] is 7 days ago: {gte}");
            // Stripe reads a list as `expand[]=` (its docs' curl) or `expand[0]=` (its own
            // libraries'); the generated crate sends the second.
            let expand = query.iter().position(|(n, _)| n == "expand[]" || n == "expand[0]").expect("expand is sent");
            assert_eq!(query.remove(expand).1, "data.customer", "{request:?}");
            let expected: Vec<(&str, &str)> = starting_after.map(|id| ("starting_after", id)).into_iter().collect();
            assert_eq!(sorted(query), owned(&expected), "{request:?}");
        }
    };
    let list = |data: Vec<Value>, has_more: bool| {
        json(200, json!({"object": "list", "url": "/v1/charges", "has_more": has_more, "data": data}))
    };
    let pages = vec![
        exchange(
            page(None),
            list(vec![charge("ch_3MmlLrLkdIwHu7ix0snN0B15", 1099), charge("ch_3MmlLrLkdIwHu7ix0snN0B16", 2000)], true),
        ),
        exchange(
            page(Some("ch_3MmlLrLkdIwHu7ix0snN0B16")),
            list(vec![charge("ch_3MmlLrLkdIwHu7ix0snN0B17", 500)], false),
        ),
    ];
    run("8 the last 7 days' charges, every page", pages, |c| async move { tasks::list_recent_charges(&c).await }).await;

    let check = |request: &Request| {
        call(request, "GET", "/v1/customers/cus_123");
        assert!(request.query.is_empty() && request.body.is_empty(), "{request:?}");
    };
    let mut live = customer();
    live["id"] = json!("cus_123");
    run("9 retrieve a customer", vec![exchange(check, json(200, live))], |c| async move {
        tasks::retrieve_customer(&c).await
    })
    .await;
    let deleted = json!({"id": "cus_123", "object": "customer", "deleted": true});
    run("9 retrieve a deleted customer", vec![exchange(check, json(200, deleted))], |c| async move {
        tasks::retrieve_customer(&c).await
    })
    .await;

    let check = |request: &Request| {
        call(request, "POST", "/v1/payment_intents");
        let expected =
            owned(&[("amount", "2000"), ("currency", "usd"), ("automatic_payment_methods[enabled]", "true")]);
        assert_eq!(sorted(request.form()), expected, "{request:?}");
    };
    run("10 create a PaymentIntent", vec![exchange(check, json(200, payment_intent()))], |c| async move {
        tasks::create_payment_intent(&c).await
    })
    .await;

    let check = |request: &Request| {
        call(request, "POST", "/v1/payment_intents");
        let expected = owned(&[
            ("amount", "2000"),
            ("currency", "usd"),
            ("payment_method", "pm_card_chargeDeclined"),
            ("confirm", "true"),
        ]);
        assert_eq!(sorted(request.form()), expected, "{request:?}");
    };
    let declined = json!({"error": {
        "charge": "ch_3MmlLrLkdIwHu7ix0snN0B18",
        "code": "card_declined",
        "decline_code": "generic_decline",
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "message": "Your card was declined.",
        "request_log_url": "https://dashboard.stripe.com/test/logs/req_Hx6uCGgJ3ntbgh?t=1680800504",
        "type": "card_error"
    }});
    run("11 a card error", vec![exchange(check, json(402, declined))], |c| async move { tasks::card_error(&c).await })
        .await;

    println!("stripe tasks: ok");
}
