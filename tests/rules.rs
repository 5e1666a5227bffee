//! One fixture spec per type rule: an insta snapshot of the lowered model and of the code.

use clientgen::{Config, Input, Source};

#[test]
fn every_rule_fixture_matches_its_snapshots() {
    for (stem, path) in tests::rule_fixtures() {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let config = Config::new(&tests::crate_name(&stem));
        let name = path.to_string_lossy();
        let input = Input::spec(Source::new(&name, &text));
        let lowered = clientgen::lower(&input).unwrap_or_else(|e| panic!("{stem}: {e}"));
        let warnings = &lowered.warnings;
        insta::with_settings!({ snapshot_suffix => stem.clone(), prepend_module_to_snapshot => false }, {
            insta::assert_yaml_snapshot!("model", (&lowered.api, warnings));
            let files = clientgen::emit_files(&lowered.api, &config, &input.describe())
                .unwrap_or_else(|e| panic!("{stem}: {e}"));
            for file in files.iter().filter(|f| f.path == "src/types.rs" || f.path == "src/client.rs") {
                let name = file.path.trim_start_matches("src/").trim_end_matches(".rs");
                insta::assert_snapshot!(name, file.contents);
            }
        });
    }
}

/// Rule 2, on the seed itself: exactly which fields each view of `Lipsync` has.
#[test]
fn seed_lipsync_views_have_exactly_the_right_fields() {
    use clientgen::model::{Direction, Presence, TypeKind, Views};

    let lowered = clientgen::lower(&xtask::creatify_input()).expect("seed lowers");
    let (_, lipsync) = lowered
        .api
        .types
        .iter()
        .find(|(id, _)| id.0 == "#/components/schemas/Lipsync")
        .expect("Lipsync is a type");
    assert_eq!(
        lipsync.views,
        Views::Split { request: "LipsyncRequest".into(), response: "Lipsync".into() }
    );
    let TypeKind::Struct(s) = &lipsync.kind else { panic!("Lipsync is a struct") };
    let in_view = |d: Direction| -> Vec<&str> {
        s.fields.iter().filter(|f| f.presence(d) != Presence::Absent).map(|f| f.wire_name.as_str()).collect()
    };
    assert_eq!(
        in_view(Direction::Request),
        [
            "name", "text", "audio", "creator", "model_version", "aspect_ratio", "green_screen",
            "transparent_background", "webhook_url", "accent", "no_caption", "no_music", "caption_style",
            "caption_offset_x", "caption_offset_y",
        ]
    );
    let required: Vec<&str> = s
        .fields
        .iter()
        .filter(|f| f.request == Presence::Required)
        .map(|f| f.wire_name.as_str())
        .collect();
    assert_eq!(required, ["aspect_ratio"]);
    let all: Vec<&str> = s.fields.iter().map(|f| f.wire_name.as_str()).filter(|n| *n != "audio").collect();
    assert_eq!(in_view(Direction::Response), all);
}

#[test]
fn generation_is_deterministic() {
    let first = xtask::generate_creatify().expect("seed generates").files;
    let second = xtask::generate_creatify().expect("seed generates").files;
    assert_eq!(first, second);
}
