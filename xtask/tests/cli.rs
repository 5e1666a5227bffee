//! The `xtask` command line: exit codes, messages, and output that depends only on its input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name).to_string_lossy().into_owned()
}

/// Every file under `dir`, as (relative path, bytes), sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("inside").to_string_lossy().into_owned();
                files.push((relative, std::fs::read(&path).expect("readable")));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn bad_input_exits_1_naming_every_place_as_a_json_pointer() {
    let out = scratch("bad");
    let output = xtask(&[
        "codegen",
        "--spec",
        &fixture("dangling-ref.yaml"),
        "--out",
        out.to_str().unwrap(),
        "--crate-name",
        "broken",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("#/components/schemas/Lipsync/properties/x/$ref"), "{stderr}");
    assert!(stderr.contains("#/components/schemas/Lipsync/properties/y/$ref"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "nothing is written for a spec with errors");
}

#[test]
fn unreadable_yaml_reports_line_and_column() {
    let dir = scratch("yaml");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("broken.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo:\n  title: [unclosed\n").unwrap();
    let output = xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
        "--crate-name",
        "x",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("broken.yaml: line 4, column 1: invalid YAML"), "{stderr}");
}

#[test]
fn two_generations_into_different_folders_are_byte_identical() {
    let (first, second) = (scratch("first"), scratch("second"));
    for out in [&first, &second] {
        let output = xtask(&["codegen", "--out", out.to_str().unwrap()]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let (a, b) = (tree(&first), tree(&second));
    assert!(a.len() >= 6, "a whole crate is written: {:?}", a.iter().map(|f| &f.0).collect::<Vec<_>>());
    assert_eq!(a, b);
}

#[test]
fn check_names_each_stale_file_and_fails() {
    let out = scratch("check");
    assert!(xtask(&["codegen", "--out", out.to_str().unwrap()]).status.success());
    assert!(xtask(&["codegen", "--check", "--out", out.to_str().unwrap()]).status.success());
    let lib = out.join("src").join("lib.rs");
    std::fs::write(&lib, std::fs::read_to_string(&lib).unwrap().replace("Rust client", "Hand-edited client")).unwrap();
    let output = xtask(&["codegen", "--check", "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stale:") && stderr.contains("lib.rs"), "{stderr}");
    assert!(std::fs::read_to_string(&lib).unwrap().contains("Hand-edited"), "--check writes nothing");
}

#[test]
fn check_names_files_the_generator_no_longer_writes() {
    let out = scratch("leftover");
    assert!(xtask(&["codegen", "--out", out.to_str().unwrap()]).status.success());
    let leftover = out.join("src").join("retired.rs");
    std::fs::write(&leftover, "//! A module an older generator wrote.\n").unwrap();
    let output = xtask(&["codegen", "--check", "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("stale: {}", leftover.display())), "{stderr}");
    assert!(stderr.contains("does not write it"), "{stderr}");
    assert_eq!(stderr.matches("stale:").count(), 1, "only the leftover is stale: {stderr}");
    assert!(leftover.exists(), "--check deletes nothing");
}

#[test]
#[ignore = "external tier, `cargo xtask test external`: needs ../shared/specs"]
fn the_oai_petstore_generates() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/oai-petstore.yaml");
    let out = scratch("petstore");
    let output = xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--crate-name",
        "petstore",
    ]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(out.join("src/client.rs").exists());
}

#[test]
#[ignore = "external tier, `cargo xtask test external`: needs ../shared/specs"]
fn overlays_apply_in_order_and_unmatched_targets_warn() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/oai-petstore.yaml");
    let out = scratch("overlay");
    let output = xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--overlay",
        &fixture("petstore-names.overlay.yaml"),
        "--out",
        out.to_str().unwrap(),
        "--crate-name",
        "petstore",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: petstore-names.overlay.yaml: #/actions/1: target $.components.schemas.Nope (There is no such schema) matched nothing"),
        "{stderr}"
    );
    let types = std::fs::read_to_string(out.join("src/types.rs")).unwrap();
    assert!(types.contains("pub type PetList = Vec<Pet>;"), "{types}");
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(
        lib.starts_with(
            "// Generated by `cargo xtask codegen` from oai-petstore.yaml with petstore-names.overlay.yaml;"
        )
    );
}

#[test]
fn specs_nested_too_deep_or_defined_through_themselves_exit_1_with_a_message() {
    let dir = scratch("deep");
    std::fs::create_dir_all(&dir).unwrap();
    let deep_json = format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"x\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let objects = "{type: object, properties: {a: ".repeat(40) + "{type: string}" + &"}}".repeat(40);
    let deep_yaml = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A: {objects}\n"
    );
    let cycle = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/A'}\n";
    for (name, text, expected) in [
        ("deep.json", deep_json.as_str(), "deep.json: line 1, column "),
        ("deep.yaml", deep_yaml.as_str(), "deep.yaml: #/components/schemas/A/properties/a/"),
        ("cycle.yaml", cycle, "cycle.yaml: #/components/schemas/A: the schema is defined only through itself (A → A)"),
    ] {
        let spec = dir.join(name);
        std::fs::write(&spec, text).unwrap();
        let out = dir.join("out");
        let output =
            xtask(&["codegen", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--crate-name", "x"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!out.exists(), "{name}: nothing is written");
    }
}

#[test]
fn names_in_the_spec_never_lead_output_outside_out() {
    let dir = scratch("paths");
    std::fs::create_dir_all(&dir).unwrap();
    let long = "x".repeat(5000);
    let hostile = ["../../etc", "/abs", "..\\x", "a/b", "C:\\x", "nul\u{0}byte", "..", ".", "~", long.as_str()];
    let mut schemas = serde_json::Map::new();
    let mut paths = serde_json::Map::new();
    for (i, name) in hostile.iter().enumerate() {
        schemas
            .insert(name.to_string(), serde_json::json!({"type": "object", "properties": {*name: {"type": "string"}}}));
        let reference = format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"));
        let body = serde_json::json!({"content": {"application/json": {"schema": {"$ref": reference}}}});
        paths.insert(
            format!("/p{i}"),
            serde_json::json!({"post": {
                "operationId": name, "tags": [name], "summary": name, "requestBody": body,
                "responses": {"200": {"description": name, "content": {"application/json": {"schema": {"$ref": reference}}}}}
            }}),
        );
    }
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "../../etc/passwd", "version": "/abs"},
        "tags": hostile.iter().map(|name| serde_json::json!({"name": name})).collect::<Vec<_>>(),
        "servers": [{"url": "file:///etc/passwd"}],
        "paths": paths,
        "components": {"schemas": schemas},
    });
    let spec_path = dir.join("hostile.json");
    std::fs::write(&spec_path, serde_json::to_string_pretty(&spec).unwrap()).unwrap();
    let out = dir.join("out");
    let output = xtask(&[
        "codegen",
        "--spec",
        spec_path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--crate-name",
        "hostile",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let written: Vec<String> = tree(&dir).into_iter().map(|(path, _)| path.replace('\\', "/")).collect();
    let expected = [
        "hostile.json",
        "out/Cargo.toml",
        "out/README.md",
        "out/src/address.rs",
        "out/src/builder.rs",
        "out/src/client.rs",
        "out/src/error.rs",
        "out/src/hook.rs",
        "out/src/http.rs",
        "out/src/request.rs",
        "out/src/retry.rs",
        "out/src/send.rs",
        "out/src/session.rs",
        "out/src/transport.rs",
        "out/src/lib.rs",
        "out/src/types.rs",
        "out/src/blocking.rs",
        "out/src/validate.rs",
        "out/src/decode.rs",
        "out/src/runner.rs",
        "out/src/resources.rs",
        "out/src/support.rs",
    ];
    for path in &written {
        assert!(expected.contains(&path.as_str()), "unexpected file {path}: {written:?}");
    }
    assert!(written.iter().any(|p| p == "out/src/types.rs"), "{written:?}");
    let parent_entries: Vec<_> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name == "etc" || name == "abs" || name.contains("..") || name.starts_with("C:"))
        .collect();
    assert!(parent_entries.is_empty(), "written beside the scratch folder: {parent_entries:?}");
}

/// A spec split over several files (`tests/fixtures/multifile`), copied to a scratch folder
/// so one of its files can change.
fn multifile(name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/multifile");
    let to = scratch(name).join("spec");
    for (relative, bytes) in tree(&from) {
        let path = to.join(relative);
        std::fs::create_dir_all(path.parent().expect("in a folder")).expect("scratch folder");
        std::fs::write(path, bytes).expect("copied");
    }
    to
}

#[test]
fn a_spec_split_over_files_is_bundled_and_check_covers_every_file() {
    let spec = multifile("multifile");
    let out = spec.parent().expect("scratch").join("out");
    let spec_path = spec.join("spec.yaml");
    let run = |check: bool| {
        let mut args = vec!["codegen", "--spec", spec_path.to_str().unwrap(), "--out", out.to_str().unwrap()];
        args.extend(["--crate-name", "multifile"]);
        if check {
            args.push("--check");
        }
        xtask(&args)
    };
    let output = run(false);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    for file in ["schemas/pet.yaml", "schemas/owner.json", "schemas/problem.yaml"] {
        assert_eq!(
            stdout.matches(&format!("read {}", spec.join(file).display())).count(),
            1,
            "{file} read once: {stdout}"
        );
    }
    let types = std::fs::read_to_string(out.join("src/types.rs")).expect("types.rs written");
    for name in ["pub struct Pet ", "pub struct Toy ", "pub struct Owner ", "pub struct Problem "] {
        assert!(types.contains(name), "{name} in\n{types}");
    }
    assert!(types.contains("pub owner: Option<Owner>") || types.contains("Option<Box<Owner>>"), "{types}");
    assert!(run(true).status.success(), "fresh");
    let owner = spec.join("schemas/owner.json");
    let text = std::fs::read_to_string(&owner)
        .expect("copied")
        .replace(r#""name": {"type": "string"}"#, r#""name": {"type": "string"}, "email": {"type": "string"}"#);
    std::fs::write(&owner, text).expect("edited");
    let output = run(true);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "a change in a referenced file makes the crate stale: {stderr}");
    assert!(stderr.contains("stale:") && stderr.contains("types.rs"), "{stderr}");
}

#[test]
fn a_missing_referenced_file_is_named_with_its_ref() {
    let spec = multifile("multifile-missing");
    std::fs::remove_file(spec.join("schemas/problem.yaml")).expect("removed");
    let out = spec.parent().expect("scratch").join("out");
    let spec_path = spec.join("spec.yaml");
    let output = xtask(&[
        "codegen",
        "--spec",
        spec_path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--crate-name",
        "pets",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("$ref \"./schemas/problem.yaml\""), "{stderr}");
    assert!(stderr.contains(&spec.join("schemas/problem.yaml").display().to_string()), "{stderr}");
    assert!(
        stderr.contains("#/paths/~1pets~1{id}/get/responses/default/content/application~1json/schema/$ref"),
        "{stderr}"
    );
}

/// The spec split over files (`tests/fixtures/multifile`: the spec, a folder of schemas whose
/// `Pet` and `Owner` refer to each other across two files, and a folder of a parameter and a
/// response) and its twin written in one file by hand (`tests/fixtures/multifile-bundled.yaml`)
/// generate the same crate, byte for byte: the copied components' types get the names a person
/// gives them in one file (the whole file `problem.yaml` is `Problem`), and the cycle across
/// files is the cycle of one file.
#[test]
fn a_spec_split_over_files_generates_the_same_crate_as_its_bundled_twin() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let spec_path = fixtures.join("multifile/spec.yaml");
    let spec = std::fs::read_to_string(&spec_path).expect("the spec");
    let mut split = clientgen::Input::spec(clientgen::Source { name: "spec.yaml", text: &spec });
    // The files the CLI reads, found as it finds them.
    let referenced = clientgen_cli::read_referenced(&spec_path, &split);
    assert!(referenced.unreadable.is_empty(), "{:?}", referenced.unreadable);
    let mut names: Vec<&str> = referenced.read.iter().map(|(name, _, _)| name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "common/parameters.yaml",
            "common/responses.yaml",
            "schemas/owner.json",
            "schemas/pet.yaml",
            "schemas/problem.yaml"
        ]
    );
    split.files = referenced.read.iter().map(|(name, _, text)| clientgen::Source { name, text }).collect();
    let twin_text = std::fs::read_to_string(fixtures.join("multifile-bundled.yaml")).expect("the twin");
    // Named as the spec is, since a generated file's header names its spec's file.
    let twin = clientgen::Input::spec(clientgen::Source { name: "spec.yaml", text: &twin_text });
    let config = clientgen::Config::new("pets");
    let from_files = clientgen::generate(&split, &config).unwrap_or_else(|e| panic!("{e}"));
    let from_twin = clientgen::generate(&twin, &config).unwrap_or_else(|e| panic!("{e}"));
    assert!(from_files.warnings.is_empty(), "{:?}", from_files.warnings);
    assert!(from_twin.warnings.is_empty(), "{:?}", from_twin.warnings);
    let paths = |files: &[clientgen::GeneratedFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&from_files.files), paths(&from_twin.files));
    for (split, whole) in from_files.files.iter().zip(&from_twin.files) {
        let first = split.contents.lines().zip(whole.contents.lines()).position(|(a, b)| a != b);
        assert!(
            split.contents == whole.contents,
            "{} differs from the twin's, first at line {}:\n{:?}\n{:?}",
            split.path,
            first.map_or(0, |i| i + 1),
            first.and_then(|i| split.contents.lines().nth(i)),
            first.and_then(|i| whole.contents.lines().nth(i)),
        );
    }
    // What is compared: the cycle across files, the whole file and the copied parameter.
    let types = &from_twin.files.iter().find(|f| f.path == "src/types.rs").expect("types.rs").contents;
    let wanted = ["pub struct Pet ", "pub struct Owner ", "pub struct Toy ", "pub struct Problem ", "Vec<Pet>"];
    for wanted in wanted.into_iter().chain(["/// At most this many pets.\n    pub limit: Option<i32>"]) {
        assert!(types.contains(wanted), "{wanted} in\n{types}");
    }
    let calls = &from_twin.files.iter().find(|f| f.path == "src/resources.rs").expect("resources.rs").contents;
    assert!(calls.contains("pub async fn retrieve(&self, id: i64) -> Result<types::Owner, Error>"), "{calls}");
}
