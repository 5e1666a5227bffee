//! Compiles what the generator writes: every rule fixture, the spec split over files
//! (tests/fixtures/multifile), and real specs from ../shared/specs that the leading Rust
//! generator cannot handle, under `clippy -D warnings`, doctests and `cargo doc` (rustdoc
//! warnings denied) included. Both are slow: the compiled tier runs them (`cargo xtask test
//! compiled`). `CLIENTGEN_FIXTURES=46,11-http` narrows the fixtures to those whose file name
//! holds one of the words (`multifile` for the split spec), to compile one fixture's crate while
//! working on it.

use std::path::PathBuf;

/// Real specs compiled here; each lives in ../shared/specs.
const SHARED_SPECS: &[&str] = &["oai-petstore.yaml"];

#[test]
#[ignore = "compiled tier, `cargo xtask test compiled`: compiles, lints and documents every fixture's crate"]
fn generated_crates_compile_without_warnings() {
    // `CLIENTGEN_FIXTURES=47-,48-` compiles only the fixtures whose name holds one of the
    // comma-separated texts (a quick check of new ones); unset, every fixture.
    let only = std::env::var("CLIENTGEN_FIXTURES").unwrap_or_default();
    let words: Vec<&str> = only.split(',').map(str::trim).filter(|word| !word.is_empty()).collect();
    let wanted = |stem: &str| words.is_empty() || words.iter().any(|word| stem.contains(word));
    let mut crates = Vec::new();
    for (stem, path) in tests::rule_fixtures().into_iter().filter(|(stem, _)| wanted(stem)) {
        let files = tests::generate_fixture(&stem, &path).unwrap_or_else(|e| panic!("{stem}: {e}"));
        crates.push((tests::crate_name(&stem), files));
    }
    // The spec split over files (xtask/tests/cli.rs shows it gives its bundled twin's crate).
    if wanted("multifile") {
        crates.push(("multifile".to_owned(), tests::generate_multifile().unwrap_or_else(|e| panic!("multifile: {e}"))));
    }
    if let Err(output) = tests::check_crates("generated-crates", &crates) {
        panic!("generated code does not pass:\n{output}");
    }
}

#[test]
#[ignore = "compiled tier, `cargo xtask test compiled`: needs ../shared/specs"]
fn real_specs_compile_without_warnings() {
    let mut crates = Vec::new();
    let shared = xtask::project_root().join("..").join("shared").join("specs");
    for spec in SHARED_SPECS {
        let path: PathBuf = shared.join(spec);
        assert!(path.exists(), "{} is missing: ../shared must sit beside the project", path.display());
        let stem = spec.trim_end_matches(".yaml").trim_end_matches(".json");
        let files = tests::generate_fixture(stem, &path).unwrap_or_else(|e| panic!("{spec}: {e}"));
        crates.push((tests::crate_name(stem), files));
    }
    if let Err(output) = tests::check_crates("generated-real-specs", &crates) {
        panic!("generated code does not pass:\n{output}");
    }
}
