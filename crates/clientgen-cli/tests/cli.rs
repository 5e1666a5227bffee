//! The installed command, run as a user runs it: a spec outside any repository, a crate
//! written, checked, made stale, and the errors and exit codes of bad input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = "openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: A pet.
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties: {name: {type: string}}
";

/// A fresh folder of its own under the system's temporary folder.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clientgen-cli-test-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch folder made");
    dir
}

fn clientgen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clientgen")).args(args).current_dir(dir).output().expect("runs clientgen")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn generates_then_checks_a_crate_and_names_what_went_stale() {
    let dir = scratch("fresh");
    fs::write(dir.join("pets.yaml"), SPEC).expect("spec written");
    let generate = ["generate", "--spec", "pets.yaml", "--out", "pets", "--name", "pets"];
    let written = clientgen(&dir, &generate);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written));
    let manifest = fs::read_to_string(dir.join("pets/Cargo.toml")).expect("manifest written");
    assert!(manifest.contains("name = \"pets\""), "{manifest}");
    let types = fs::read_to_string(dir.join("pets/src/types.rs")).expect("types written");
    assert!(types.contains("pub struct Pet"), "{types}");

    let check = [&generate[..], &["--check"]].concat();
    let fresh = clientgen(&dir, &check);
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh));
    assert!(text(&fresh).contains("is up to date"), "{}", text(&fresh));

    fs::write(dir.join("pets/src/types.rs"), "//! Edited by hand.\n").expect("edited");
    fs::write(dir.join("pets/src/left_behind.rs"), "//! Old.\n").expect("written");
    let stale = clientgen(&dir, &check);
    let said = text(&stale);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(stale.status.code(), Some(1), "{said}");
    assert!(said.contains("stale: pets/src/types.rs"), "{said}");
    assert!(said.contains("stale: pets/src/left_behind.rs (the generator does not write it: delete it)"), "{said}");
}

#[test]
fn a_settings_file_names_the_crate_and_pins_the_spec() {
    let dir = scratch("settings");
    fs::write(dir.join("pets.yaml"), SPEC).expect("spec written");
    let settings = "[package]\nname = \"petstore\"\nversion = \"2.0.0\"\nspec-sha256 = \"00\"\n\
                    [client]\nuser-agent-product = \"pets-rust\"\n";
    fs::write(dir.join("pets.toml"), settings).expect("settings written");
    let args = ["generate", "--spec", "pets.yaml", "--out", "out", "--settings", "pets.toml"];
    let pinned = clientgen(&dir, &args);
    let said = text(&pinned);
    assert_eq!(pinned.status.code(), Some(1), "{said}");
    assert!(said.contains("pets.toml: the spec or its overlay changed since version 2.0.0 was set"), "{said}");
    let fingerprint = said.split("spec-sha256 = \"").nth(1).and_then(|rest| rest.split('"').next()).expect("named");
    fs::write(dir.join("pets.toml"), settings.replace("\"00\"", &format!("\"{fingerprint}\""))).expect("written");
    let written = clientgen(&dir, &args);
    let manifest = fs::read_to_string(dir.join("out/Cargo.toml")).unwrap_or_default();
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written));
    assert!(manifest.contains("name = \"petstore\"") && manifest.contains("version = \"2.0.0\""), "{manifest}");
}

#[test]
fn bad_input_exits_with_1_and_says_where_usage_errors_with_2() {
    let dir = scratch("errors");
    fs::write(dir.join("broken.yaml"), SPEC.replace("type: integer}", "type: [integer}")).expect("written");
    let broken = clientgen(&dir, &["generate", "--spec", "broken.yaml", "--out", "out", "--name", "pets"]);
    let missing = clientgen(&dir, &["generate", "--spec", "absent.yaml", "--out", "out", "--name", "pets"]);
    let unnamed = clientgen(&dir, &["generate", "--spec", "broken.yaml", "--out", "out"]);
    let usage = clientgen(&dir, &["generate", "--out", "out"]);
    let wrote_nothing = !dir.join("out").exists();
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(broken.status.code(), Some(1), "{}", text(&broken));
    assert!(text(&broken).contains("error: broken.yaml:"), "{}", text(&broken));
    assert_eq!(missing.status.code(), Some(1), "{}", text(&missing));
    assert!(text(&missing).contains("cannot read absent.yaml"), "{}", text(&missing));
    assert_eq!(unnamed.status.code(), Some(1), "{}", text(&unnamed));
    assert!(text(&unnamed).contains("--name"), "{}", text(&unnamed));
    assert_eq!(usage.status.code(), Some(2), "{}", text(&usage));
    assert!(wrote_nothing, "nothing is written when generation fails");
}

/// Generating the copied Creatify spec with its overlay into `creatify`.
const CREATIFY_ARGS: &[&str] =
    &["generate", "--spec", "lipsync-preview.yaml", "--overlay", "creatify.overlay.yaml", "--out", "creatify"];

/// The Creatify spec and overlay of this repository, copied into `dir`.
fn copy_creatify(dir: &Path) -> String {
    let spec_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec");
    let spec = fs::read_to_string(spec_dir.join("lipsync-preview.yaml")).expect("the Creatify spec");
    let overlay = fs::read_to_string(spec_dir.join("creatify.overlay.yaml")).expect("the Creatify overlay");
    fs::write(dir.join("creatify.overlay.yaml"), overlay).expect("overlay written");
    fs::write(dir.join("lipsync-preview.yaml"), &spec).expect("spec written");
    spec
}

/// The Creatify spec with a field added (`language`), one removed (`accent`) and an enum value
/// added (`aurora_v2`).
fn changed_creatify(spec: &str) -> String {
    let accent = "        accent:\n          type: string\n          format: uuid\n          nullable: true\n          \
                  description: >-\n            The avatar id to be used for lipsync, you can get the list of\n            \
                  accents from /api/voices endpoint.\n";
    assert!(spec.contains(accent), "the accent property moved");
    let language =
        "        language:\n          type: string\n          nullable: true\n          description: A language.\n";
    let enum_values = "        - aurora_v1_fast\n      type: string\n";
    assert!(spec.contains(enum_values), "the model versions moved");
    spec.replace(accent, language)
        .replace(enum_values, "        - aurora_v1_fast\n        - aurora_v2\n      type: string\n")
}

#[test]
fn a_changed_spec_is_reported_change_by_change_with_its_semver_level() {
    let dir = scratch("changes");
    let spec = copy_creatify(&dir);
    let args = [CREATIFY_ARGS, &["--name", "creatify"]].concat();
    let first = clientgen(&dir, &args);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let again = clientgen(&dir, &args);
    assert!(!text(&again).contains("API changes"), "nothing changed: {}", text(&again));

    fs::write(dir.join("lipsync-preview.yaml"), changed_creatify(&spec)).expect("changed spec written");
    let check = clientgen(&dir, &[&args[..], &["--check"]].concat());
    let changed = clientgen(&dir, &args);
    let said = text(&changed);
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    assert!(
        text(&check).contains("API changes in creatify (major (breaking): version 0.1.0 → 0.2.0)"),
        "{}",
        text(&check)
    );
    assert_eq!(changed.status.code(), Some(0), "{said}");
    for line in [
        "API changes in creatify (major (breaking): version 0.1.0 → 0.2.0):",
        "added    field types::Lipsync.language: major (breaking) (callers may build the struct with a literal)",
        "removed  field types::Lipsync.accent: major (breaking)",
        "added    method types::LipsyncRequest::language: minor",
        "removed  method types::LipsyncRequest::accent: major (breaking)",
        "added    variant types::ModelVersion::AuroraV2: major (breaking) (callers may match the enum exhaustively)",
    ] {
        assert!(said.contains(line), "missing `{line}` in:\n{said}");
    }
}

#[test]
fn a_pinned_spec_that_changed_is_reported_and_not_written() {
    let dir = scratch("pinned");
    let spec = copy_creatify(&dir);
    let settings = "[package]\nname = \"creatify\"\nversion = \"1.2.0\"\nspec-sha256 = \"00\"\n";
    fs::write(dir.join("creatify.toml"), settings).expect("settings written");
    let args = [CREATIFY_ARGS, &["--settings", "creatify.toml"]].concat();
    // Pin the spec as it is, and write the crate.
    let unpinned = text(&clientgen(&dir, &args));
    let pin = unpinned.split("spec-sha256 = \"").nth(1).and_then(|rest| rest.split('"').next()).expect("named");
    fs::write(dir.join("creatify.toml"), settings.replace("\"00\"", &format!("\"{pin}\""))).expect("pinned");
    assert_eq!(clientgen(&dir, &args).status.code(), Some(0));

    fs::write(dir.join("lipsync-preview.yaml"), changed_creatify(&spec)).expect("changed spec written");
    let types_before = fs::read_to_string(dir.join("creatify/src/types.rs")).expect("types");
    let refused = clientgen(&dir, &args);
    let said = text(&refused);
    let types_after = fs::read_to_string(dir.join("creatify/src/types.rs")).expect("types");
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(said.contains("API changes in creatify (major (breaking): version 1.2.0 → 2.0.0)"), "{said}");
    assert!(said.contains("removed  field types::Lipsync.accent"), "{said}");
    assert!(said.contains("the spec or its overlay changed since version 1.2.0 was set"), "{said}");
    assert_eq!(types_before, types_after, "nothing is written before the version is bumped");
}
