//! Reference only, never compiled: the Stripe tasks as a user writes them with the hand-written
//! async-stripe crate (its documented 0.x API: parameter structs with `..Default::default()`,
//! `Customer::create(&client, ..)`, `paginate`), one `async fn` per task, named as in
//! `tests/tasks/stripe.rs`. `tests/tasks.rs` counts their lines and the crate's types they name
//! by the same rule as ours.

use futures_util::TryStreamExt;
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};
use stripe::{
    Address, Charge, Client, CreateCustomer, CreatePaymentIntent,
    CreatePaymentIntentAutomaticPaymentMethods, Currency, Customer, ListCharges, PaymentIntent,
    RangeQuery, StripeError,
};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// 7. Creating a customer with email, metadata and address.
pub async fn create_customer(client: &Client) -> Result {
    let params = CreateCustomer {
        email: Some("jenny.rosen@example.com"),
        metadata: Some(HashMap::from([("order".to_owned(), "6735".to_owned())])),
        address: Some(Address {
            line1: Some("510 Townsend St".to_owned()),
            city: Some("San Francisco".to_owned()),
            postal_code: Some("94103".to_owned()),
            country: Some("US".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let customer = Customer::create(client, params).await?;
    println!("created {}", customer.id);
    Ok(())
}

/// 8. Listing the charges of the last 7 days with the customer expanded, every page.
pub async fn list_recent_charges(client: &Client) -> Result {
    let week_ago = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64 - 7 * 24 * 3600;
    let params = ListCharges {
        created: Some(RangeQuery::gte(week_ago)),
        expand: &["data.customer"],
        ..Default::default()
    };
    let mut charges = Charge::list(client, &params)
        .await?
        .paginate(params)
        .stream(client);
    while let Some(charge) = charges.try_next().await? {
        println!("{} {} {:?}", charge.id, charge.amount, charge.customer);
    }
    Ok(())
}

/// 9. Retrieving a customer and telling whether it was deleted.
pub async fn retrieve_customer(client: &Client) -> Result {
    let customer = Customer::retrieve(client, &"cus_123".parse()?, &[]).await?;
    println!("deleted: {}", customer.deleted);
    Ok(())
}

/// 10. Creating a PaymentIntent with amount, currency and automatic payment methods.
pub async fn create_payment_intent(client: &Client) -> Result {
    let mut params = CreatePaymentIntent::new(2000, Currency::USD);
    params.automatic_payment_methods = Some(CreatePaymentIntentAutomaticPaymentMethods {
        enabled: true,
        allow_redirects: None,
    });
    let intent = PaymentIntent::create(client, params).await?;
    println!("{} {:?}", intent.id, intent.client_secret);
    Ok(())
}

/// 11. A card error (402) with its `code` and `decline_code`.
pub async fn card_error(client: &Client) -> Result {
    let mut params = CreatePaymentIntent::new(2000, Currency::USD);
    params.payment_method = Some("pm_card_chargeDeclined".parse()?);
    params.confirm = Some(true);
    if let Err(StripeError::Stripe(error)) = PaymentIntent::create(client, params).await {
        println!("{:?} {:?}", error.code, error.decline_code);
    }
    Ok(())
}
