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
            let snapshotted: Vec<_> = files.iter().filter(|f| f.path == "src/types.rs" || f.path == "src/client.rs").collect();
            assert_eq!(snapshotted.len(), 2, "{stem}: types.rs and client.rs are generated");
            for file in snapshotted {
                let name = file.path.trim_start_matches("src/").trim_end_matches(".rs");
                insta::assert_snapshot!(name, file.contents);
            }
        });
    }
}

/// Rule 2, on the seed itself: exactly which fields each view of `Lipsync` has.
#[test]
fn seed_lipsync_views_have_exactly_the_right_fields() {
    use clientgen::model::{Direction, Presence, Side, TypeKind};

    let lowered = clientgen::lower(&xtask::creatify_input()).expect("seed lowers");
    let (_, lipsync) = lowered
        .api
        .types
        .iter()
        .find(|(id, _)| id.0 == "#/components/schemas/Lipsync")
        .expect("Lipsync is a type");
    let views: Vec<(Side, &str)> = lipsync.views.iter().map(|v| (v.side, v.name.as_str())).collect();
    assert_eq!(views, [(Side::Response, "Lipsync"), (Side::Request, "LipsyncRequest")]);
    let TypeKind::Struct(s) = &lipsync.kind else { panic!("Lipsync is a struct") };
    let in_view = |d: Direction| -> Vec<&str> {
        lipsync.fields_of(lipsync.view(d)).map(|(f, _)| f.wire_name.as_str()).collect()
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

/// Independent problems in one spec are all reported in one run, each at its JSON pointer.
#[test]
fn one_run_reports_every_problem_with_its_pointer() {
    let text = "\
openapi: 3.0.3
info: {title: Broken, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: pets_read
      security: [{nope: []}]
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Missing'}}}}
components:
  schemas:
    Pet:
      type: object
      properties:
        owner: {$ref: '#/components/schemas/Owner'}
        kind: {type: strin}
    Toy:
      type: object
      x-rust-name: 'not a name'
      properties:
        maker: {$ref: 'other.yaml#/Maker'}
";
    let error = clientgen::lower(&Input::spec(Source::new("broken.yaml", text))).expect_err("refused");
    assert_eq!(
        error.to_string(),
        [
            "broken.yaml: #/components/schemas/Toy/properties/maker/$ref: $ref \"other.yaml#/Maker\" points into another document; bundle the spec into one file first",
            "broken.yaml: #/components/schemas/Toy/x-rust-name: x-rust-name must be a plain Rust identifier, found \"not a name\"",
            "broken.yaml: #/components/schemas/Pet/properties/owner/$ref: $ref \"#/components/schemas/Owner\" points at no schema",
            "broken.yaml: #/paths/~1pets~1{id}/get: path parameter {id} is not declared",
            "broken.yaml: #/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema/$ref: $ref \"#/components/schemas/Missing\" points at no schema",
            "broken.yaml: #/paths/~1pets~1{id}/get/security: security scheme \"nope\" is not defined in #/components/securitySchemes",
        ]
        .join("\n")
    );
    for problem in &error.problems {
        assert!(matches!(problem.location, clientgen::diag::Location::Pointer(_)), "{problem}");
    }
}
