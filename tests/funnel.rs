//! Every identifier the generated methods bind comes from the naming funnel: for each rule
//! fixture and the Creatify spec, the locals and arguments of every operation method are the
//! names lowering claimed for it, and every method of a client or struct impl was claimed in
//! that impl's scope (`tests::funnel::check`).

use std::collections::BTreeSet;
use std::str::FromStr;

use clientgen::{Config, Input, Source};
use proc_macro2::TokenStream;
use tests::funnel::{bindings, check};

#[test]
fn generated_methods_bind_only_claimed_names() {
    for (stem, path) in tests::rule_fixtures() {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let name = path.to_string_lossy();
        let input = Input::spec(Source::new(&name, &text));
        let lowered =
            clientgen::lower(&input, &Config::new(&tests::crate_name(&stem))).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let files = clientgen::emit_files(&lowered.api, &input.describe()).unwrap_or_else(|e| panic!("{stem}: {e}"));
        check(&stem, &lowered.api, &files);
    }
    let input = xtask::creatify_input();
    let config = xtask::creatify_config().expect("the seed's settings read");
    let lowered = clientgen::lower(&input, &config).expect("the seed lowers");
    let files = xtask::generate_creatify().expect("the seed generates").files;
    check("creatify", &lowered.api, &files);
}

/// The check itself notices a local the funnel did not hand out, and a duplicate method.
#[test]
fn the_check_sees_unclaimed_bindings() {
    let mut bound = BTreeSet::new();
    let body = "{ let mut request = 1; if let Some(value) = x { for (i, item) in y {} } let z: Vec<String> = \
                Vec::new(); w.map(|response| response); let Some(chosen) = q else { return }; }";
    bindings(TokenStream::from_str(body).expect("tokens"), &mut bound);
    let want: BTreeSet<String> =
        ["request", "value", "i", "item", "z", "response", "chosen"].iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(bound, want);
}
