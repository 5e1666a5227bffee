//! The Stripe tasks, written as a new user writes them with the generated `stripe` crate: each
//! task one `async fn` taking the client. `tests/tasks.rs` counts each body's lines and the
//! crate's types it names; `tests/tasks/stripe_main.rs` runs each against a loopback server.

use futures_util::TryStreamExt;
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};
use stripe::Client;
use stripe::types::{
    AutomaticPaymentMethodsParam, GetChargesParams, GetCustomersCustomerResponse,
    OptionalFieldsAddress, PostCustomersBody, PostPaymentIntentsBody, RangeQuerySpecs,
};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// 7. Creating a customer with email, metadata and address.
pub async fn create_customer(client: &Client) -> Result {
    let address = OptionalFieldsAddress::new()
        .line1("510 Townsend St")
        .city("San Francisco")
        .postal_code("94103")
        .country("US");
    let metadata = BTreeMap::from([("order".to_owned(), "6735".to_owned())]);
    let body = PostCustomersBody::new()
        .email("jenny.rosen@example.com")
        .metadata(metadata)
        .address(address);
    let customer = client.customers().create(&body).await?;
    println!("created {}", customer.id);
    Ok(())
}

/// 8. Listing the charges of the last 7 days with the customer expanded, every page.
pub async fn list_recent_charges(client: &Client) -> Result {
    let week_ago =
        SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64 - 7 * 24 * 60 * 60;
    let params = GetChargesParams::new()
        .created(RangeQuerySpecs::new().gte(week_ago))
        .expand(vec!["data.customer".to_owned()]);
    let mut charges = client.charges().list_items(&params).await?;
    while let Some(charge) = charges.try_next().await? {
        let customer = charge.customer.as_ref().map(|customer| customer.id());
        println!("{} {} {customer:?}", charge.id, charge.amount);
    }
    Ok(())
}

/// 9. Retrieving a customer and telling whether it was deleted.
pub async fn retrieve_customer(client: &Client) -> Result {
    let params = Default::default();
    let customer = client.customers().retrieve("cus_123", &params).await?;
    let deleted = matches!(customer, GetCustomersCustomerResponse::DeletedCustomer(_));
    println!("deleted: {deleted}");
    Ok(())
}

/// 10. Creating a PaymentIntent with amount, currency and automatic payment methods.
pub async fn create_payment_intent(client: &Client) -> Result {
    let automatic = AutomaticPaymentMethodsParam::new(true);
    let body = PostPaymentIntentsBody::new(2000, "usd").automatic_payment_methods(automatic);
    let intent = client.payment_intents().create(&body).await?;
    println!("{} {:?}", intent.id, intent.client_secret);
    Ok(())
}

/// 11. A card error (402) with its `code` and `decline_code`.
pub async fn card_error(client: &Client) -> Result {
    let body = PostPaymentIntentsBody::new(2000, "usd")
        .payment_method("pm_card_chargeDeclined")
        .confirm(true);
    let error = client.payment_intents().create(&body).await.unwrap_err();
    if let Some(body) = error.decoded() {
        println!("{:?} {:?}", body.error.code, body.error.decline_code);
    }
    Ok(())
}
