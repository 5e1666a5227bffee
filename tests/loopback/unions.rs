//! How generated unions decode: by discriminator, by fallback, untagged, and what fits nothing.

use http_fixture::types::{Cat, Dog, JobState, JobStateFailed, Pet, Size};
use serde_json::json;

fn pet(value: serde_json::Value) -> Pet {
    serde_json::from_value(value).expect("a pet always decodes")
}

#[test]
fn a_discriminator_picks_the_variant_by_mapping_or_by_schema_name() {
    assert_eq!(pet(json!({"pet_type": "cat", "lives": 9})), Pet::Cat(Cat::new("cat", 9)));
    assert_eq!(pet(json!({"pet_type": "Dog", "bark": "woof"})), Pet::Dog(Dog::new("Dog", "woof")));
}

#[test]
fn an_unclaimed_tag_falls_back_to_the_variant_that_fits_and_then_to_other() {
    assert_eq!(pet(json!({"pet_type": "dog", "bark": "woof"})), Pet::Dog(Dog::new("dog", "woof")));
    let fish = json!({"pet_type": "fish", "fins": 2});
    assert_eq!(pet(fish.clone()), Pet::Other(fish.clone()));
    assert_eq!(serde_json::to_value(pet(fish.clone())).expect("encodes"), fish, "kept as sent");
}

#[test]
fn a_claimed_tag_with_a_wrong_body_is_an_error_naming_the_problem() {
    let error = serde_json::from_value::<Pet>(json!({"pet_type": "cat"})).expect_err("lives is required");
    assert!(error.to_string().contains("lives"), "{error}");
}

#[test]
fn untagged_unions_take_the_first_alternative_that_fits() {
    assert_eq!(serde_json::from_value::<Size>(json!(5)).expect("decodes"), Size::Integer(5));
    assert_eq!(serde_json::from_value::<Size>(json!("big")).expect("decodes"), Size::Text("big".into()));
    assert_eq!(serde_json::from_value::<Size>(json!(true)).expect("decodes"), Size::Other(json!(true)));
    assert_eq!(serde_json::to_value(Size::Integer(5)).expect("encodes"), json!(5));
}

#[test]
fn alternatives_that_tag_themselves_are_picked_by_their_tag_alone() {
    let failed = json!({"state": "failed", "reason": "out of credits"});
    let decoded = serde_json::from_value::<JobState>(failed.clone()).expect("decodes");
    assert_eq!(decoded, JobState::Failed(JobStateFailed::new("out of credits")));
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), failed);
    // Every alternative would take any `state` string; a tag none declares is not theirs.
    let paused = json!({"state": "paused"});
    assert_eq!(serde_json::from_value::<JobState>(paused.clone()).expect("decodes"), JobState::Other(paused));
}

#[test]
fn a_value_kept_as_other_says_why_each_alternative_refused_it() {
    let why = |mismatches: Vec<http_fixture::Mismatch>| mismatches.iter().map(ToString::to_string).collect::<Vec<_>>();
    // A tag no alternative claims: each alternative was tried, and each says what it missed.
    let fish = pet(json!({"pet_type": "fish", "lives": "nine"}));
    assert_eq!(
        why(fish.mismatches()),
        ["Cat: invalid type: string \"nine\", expected i64 at .lives", "Dog: missing field `bark`"]
    );
    let found = fish.mismatches();
    assert_eq!((found[0].variant, found[0].path.as_str()), ("Cat", ".lives"));
    assert!(found[1].error.is_data());
    // Untagged: each alternative's own error.
    let size = serde_json::from_value::<Size>(json!(true)).expect("decodes");
    assert_eq!(
        why(size.mismatches()),
        [
            "Integer: invalid type: boolean `true`, expected i64",
            "Text: invalid type: boolean `true`, expected a string"
        ]
    );
    // Exact tags: a tag none declares is the reason, though each alternative would take it.
    let paused = serde_json::from_value::<JobState>(json!({"state": "paused"})).expect("decodes");
    assert_eq!(
        why(paused.mismatches()),
        [
            "Queued: unknown variant `paused`, expected `queued` at .state",
            "Failed: unknown variant `paused`, expected `failed` at .state"
        ]
    );
    // A value that fits has nothing to say.
    assert!(pet(json!({"pet_type": "cat", "lives": 9})).mismatches().is_empty());
}
