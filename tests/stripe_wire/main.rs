//! The program `shared_specs.rs` builds (with the `external` feature) next to the client it
//! generates from a slice of `../shared/specs/stripe.yaml` (`GET /v1/charges` and
//! `POST /v1/customers`, their parameters and request bodies as Stripe declares them): it lists
//! the charges of a week with the customer expanded, and creates a customer with an email,
//! metadata and an address, at the base URL its first argument names. It prints
//! `stripe wire: ok` when both calls succeed, and the error otherwise.

use std::collections::BTreeMap;

use stripe::Client;
use stripe::types::{
    GetChargesCreated, GetChargesCreatedRangeQuerySpecs, GetChargesParams, OptionalFieldsAddress, PostCustomersBody,
};

#[tokio::main]
async fn main() {
    let base_url = std::env::args().nth(1).expect("a base URL");
    let client = Client::builder().base_url(base_url).bearer_auth("sk_test_123").build().expect("a client");
    let week = GetChargesCreatedRangeQuerySpecs::new().gte(1_700_000_000).lt(1_700_604_800);
    let params = GetChargesParams::new()
        .created(GetChargesCreated::RangeQuerySpecs(week))
        .expand(vec!["data.customer".to_owned()])
        .limit(3);
    if let Err(e) = client.charges().list(&params).await {
        println!("get_charges: {e}");
        return;
    }
    let customer = PostCustomersBody::new()
        .email("jenny.rosen@example.com")
        .metadata(BTreeMap::from([("order_id".to_owned(), "6735".to_owned())]))
        .address(
            OptionalFieldsAddress::new()
                .line1("510 Townsend St")
                .city("San Francisco")
                .postal_code("94103")
                .country("US"),
        );
    if let Err(e) = client.customers().create(&customer).await {
        println!("post_customers: {e}");
        return;
    }
    println!("stripe wire: ok");
}
