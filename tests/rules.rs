//! One fixture spec per type rule: insta snapshots of the lowered model and of every file of the
//! generated crate.

use std::path::Path;

use clientgen::{Config, Input, Source};

/// Every file of every rule fixture's crate, and its lowered model, against its snapshot in
/// `tests/snapshots/rules/` (`types.rs@01-views.yaml.snap`, `model@01-views.yaml.snap`).
/// Every fixture runs and every mismatch is reported; `INSTA_GLOB_FILTER='**/01-views.yaml'` runs one.
#[test]
fn every_rule_fixture_matches_its_snapshots() {
    let mut failures = Vec::new();
    insta::with_settings!({ snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false }, {
        insta::glob!("fixtures/rules/*.{yaml,json}", |path| {
            if let Err(failure) = snapshot_fixture(path) {
                eprintln!("{failure}");
                failures.push(failure);
            }
        });
    });
    assert!(failures.is_empty(), "{} fixture(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// Snapshots one fixture's model (with its warnings) and each file the generator returns for it,
/// named by its path in the crate (`src/` left out).
fn snapshot_fixture(path: &Path) -> Result<(), String> {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{stem}: {e}"))?;
    let config = Config::new(&tests::crate_name(&stem));
    let name = path.to_string_lossy();
    let input = Input::spec(Source::new(&name, &text));
    let lowered = clientgen::lower(&input, &config).map_err(|e| format!("{stem}: {e}"))?;
    insta::assert_yaml_snapshot!("model", (&lowered.api, &lowered.warnings));
    let files = clientgen::emit_files(&lowered.api, &input.describe()).map_err(|e| format!("{stem}: {e}"))?;
    for wanted in ["Cargo.toml", "README.md", "src/lib.rs", "src/types.rs", "src/client.rs"] {
        if !files.iter().any(|file| file.path == wanted) {
            return Err(format!("{stem}: {wanted} is not generated"));
        }
    }
    // The runtime's files are its own text with parts kept or dropped: the snapshot records
    // which parts and files the crate got, not the runtime's text again.
    let runtime = |path: &str| clientgen::registry::FILES.iter().any(|file| file.path == path);
    for file in files.iter().filter(|file| !runtime(&file.path)) {
        let name = file.path.strip_prefix("src/").unwrap_or(&file.path).replace('/', "-");
        insta::assert_snapshot!(name, file.contents);
    }
    let parts = lowered.api.features.parts();
    let selected: Vec<&str> = parts.selected().map(|part| part.name()).collect();
    let copied: Vec<&str> = files.iter().filter(|file| runtime(&file.path)).map(|file| file.path.as_str()).collect();
    insta::assert_snapshot!("runtime", format!("parts: {}\nfiles: {}\n", selected.join(", "), copied.join(", ")));
    Ok(())
}

/// Rule 2, on the seed itself: exactly which fields each view of `Lipsync` has.
#[test]
fn seed_lipsync_views_have_exactly_the_right_fields() {
    use clientgen::model::{Direction, Presence, Side, TypeKind};

    let lowered = clientgen::lower(&xtask::creatify_input(), &Config::new("creatify")).expect("seed lowers");
    let (_, lipsync) =
        lowered.api.types.iter().find(|(id, _)| id.0 == "#/components/schemas/Lipsync").expect("Lipsync is a type");
    let views: Vec<(Side, &str)> = lipsync.views.iter().map(|v| (v.side, v.name.as_str())).collect();
    assert_eq!(views, [(Side::Response, "Lipsync"), (Side::Request, "LipsyncRequest")]);
    let TypeKind::Struct(s) = &lipsync.kind else { panic!("Lipsync is a struct") };
    let in_view =
        |d: Direction| -> Vec<&str> { lipsync.fields_of(lipsync.view(d)).map(|(f, _)| f.wire_name.as_str()).collect() };
    assert_eq!(
        in_view(Direction::Request),
        [
            "name",
            "text",
            "audio",
            "creator",
            "model_version",
            "aspect_ratio",
            "green_screen",
            "transparent_background",
            "webhook_url",
            "accent",
            "no_caption",
            "no_music",
            "caption_style",
            "caption_offset_x",
            "caption_offset_y",
        ]
    );
    let required: Vec<&str> =
        s.fields.iter().filter(|f| f.request == Presence::Required).map(|f| f.wire_name.as_str()).collect();
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
    let error =
        clientgen::lower(&Input::spec(Source::new("broken.yaml", text)), &Config::new("broken")).expect_err("refused");
    assert_eq!(
        error.to_string(),
        [
            "broken.yaml: #/components/schemas/Toy/properties/maker/$ref: $ref \"other.yaml#/Maker\" names the file other.yaml, which was not read",
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
