//! The generator's view of the client runtime agrees with the runtime crate: every generated
//! manifest declares the runtime's dependencies at the runtime's versions and its real features
//! as the runtime defines them, and the parts the generator selects are the runtime's features,
//! each reachable and closed under what the runtime's features imply. The runtime's manifest is
//! read here with `toml` on its own, not through `clientgen::registry`, so that a slip in either
//! the registry's reader or the generator's use of it shows.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use clientgen::registry::Part;
use clientgen::{Config, Input, Source};
use toml::{Table, Value};

/// A TOML table at `path` (`["package", "metadata"]`) of `table`, or an empty one.
fn table_at(table: &Table, path: &[&str]) -> Table {
    let mut at = table;
    for key in path {
        match at.get(*key).and_then(Value::as_table) {
            Some(next) => at = next,
            None => return Table::new(),
        }
    }
    at.clone()
}

/// The runtime crate's manifest.
fn runtime() -> Table {
    let path = xtask::project_root().join("crates/runtime/Cargo.toml");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse().unwrap_or_else(|e| panic!("crates/runtime/Cargo.toml: {e}"))
}

/// The runtime's real features: the transport's and the others its metadata names.
fn real_features(runtime: &Table) -> BTreeSet<String> {
    let metadata = table_at(runtime, &["package", "metadata", "clientgen"]);
    let transport = metadata.get("transport").and_then(Value::as_array).cloned().unwrap_or_default();
    let others = metadata.get("real-features").and_then(Value::as_array).cloned().unwrap_or_default();
    let names = transport.iter().filter_map(|t| t.get("name")).chain(&others);
    names.filter_map(Value::as_str).map(str::to_owned).collect()
}

/// A dependency: its version, `default-features`, features and whether it is optional.
#[derive(Debug, PartialEq)]
struct Spec {
    version: String,
    default_features: Option<bool>,
    features: BTreeSet<String>,
    optional: bool,
}

fn spec(value: &Value) -> Spec {
    let strings = |v: Option<&Value>| -> BTreeSet<String> {
        v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
    };
    match value {
        Value::String(version) => {
            Spec { version: version.clone(), default_features: None, features: BTreeSet::new(), optional: false }
        }
        other => Spec {
            version: other.get("version").and_then(Value::as_str).unwrap_or_default().to_owned(),
            default_features: other.get("default-features").and_then(Value::as_bool),
            features: strings(other.get("features")),
            optional: other.get("optional").and_then(Value::as_bool).unwrap_or(false),
        },
    }
}

/// Every rule fixture's generated manifest, and the committed Creatify crate's, by name.
fn generated_manifests() -> Vec<(String, Table)> {
    let mut manifests = Vec::new();
    for (stem, path) in tests::rule_fixtures() {
        let text = fs::read_to_string(&path).expect("the fixture is readable");
        let name = path.to_string_lossy();
        let input = Input::spec(Source::new(&name, &text));
        let config = Config::new(&tests::crate_name(&stem));
        let api = clientgen::lower(&input, &config).unwrap_or_else(|e| panic!("{stem}: {e}")).api;
        let clientgen::emit::EmittedFile::Text { text, .. } =
            clientgen::emit::emit_file(&api, clientgen::emit::FileKind::Manifest)
        else {
            panic!("{stem}: the manifest is text");
        };
        let manifest = text.parse().unwrap_or_else(|e| panic!("{stem}'s Cargo.toml: {e}"));
        manifests.push((stem, manifest));
    }
    let creatify = xtask::project_root().join("generated/creatify/Cargo.toml");
    let text = fs::read_to_string(creatify).expect("generated/creatify/Cargo.toml");
    manifests.push(("generated/creatify".to_owned(), text.parse().expect("generated/creatify/Cargo.toml")));
    manifests
}

/// Each dependency a generated crate declares is the runtime's (or, for `uuid` and chrono, the
/// one the runtime's metadata gives generated types), at the same version with the same
/// default features, with every feature the runtime asks for and only more that the runtime's
/// features turn on; each dependency the runtime always needs is declared; the dev-dependencies
/// are the runtime's; each real feature is defined as the runtime defines it; and the oldest
/// Rust is the runtime's.
#[test]
fn generated_manifests_declare_the_runtime_crates_dependencies_and_features() {
    let runtime = runtime();
    let dependencies = table_at(&runtime, &["dependencies"]);
    let types = table_at(&runtime, &["package", "metadata", "clientgen", "type-dependencies"]);
    let features = table_at(&runtime, &["features"]);
    let turned_on: BTreeSet<&str> =
        features.values().filter_map(Value::as_array).flatten().filter_map(Value::as_str).collect();
    let dev: BTreeMap<&String, Spec> =
        runtime["dev-dependencies"].as_table().expect("dev-deps").iter().map(|(n, v)| (n, spec(v))).collect();
    let mut failures = Vec::new();
    for (crate_name, manifest) in generated_manifests() {
        let declared = table_at(&manifest, &["dependencies"]);
        for (name, value) in &declared {
            let have = spec(value);
            let Some(wanted) = dependencies.get(name).or_else(|| types.get(name)).map(spec) else {
                failures.push(format!("{crate_name}: `{name}` is not a dependency of the runtime"));
                continue;
            };
            let extra: Vec<&String> = have.features.difference(&wanted.features).collect();
            let unexplained = extra.iter().any(|f| !turned_on.contains(format!("{name}/{f}").as_str()));
            if have.version != wanted.version
                || have.default_features != wanted.default_features
                || !wanted.features.is_subset(&have.features)
                || unexplained
                || (have.optional && !wanted.optional)
            {
                failures.push(format!("{crate_name}: `{name}` is {have:?}; the runtime declares {wanted:?}"));
            }
        }
        for (name, value) in &dependencies {
            if !spec(value).optional && !declared.contains_key(name) {
                failures.push(format!("{crate_name}: the runtime's `{name}` is not declared"));
            }
        }
        let declared_dev = table_at(&manifest, &["dev-dependencies"]);
        let declared_dev: BTreeMap<&String, Spec> = declared_dev.iter().map(|(n, v)| (n, spec(v))).collect();
        if format!("{declared_dev:?}") != format!("{dev:?}") {
            failures.push(format!("{crate_name}: dev-dependencies {declared_dev:?}; the runtime's are {dev:?}"));
        }
        let rust_version = |m: &Table| table_at(m, &["package"]).get("rust-version").cloned();
        if rust_version(&manifest) != rust_version(&runtime) {
            failures.push(format!(
                "{crate_name}: rust-version {:?}; the runtime's is {:?}",
                rust_version(&manifest),
                rust_version(&runtime)
            ));
        }
        let generated_features = table_at(&manifest, &["features"]);
        for name in real_features(&runtime) {
            if generated_features.get(&name) != features.get(&name) {
                failures.push(format!(
                    "{crate_name}: feature `{name}` is {:?}; the runtime defines {:?}",
                    generated_features.get(&name),
                    features.get(&name)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "generated manifests drift from crates/runtime/Cargo.toml:\n{}", failures.join("\n"));
}

/// The generator's parts are the runtime's features that are not real ones; some fixture
/// selects each (a part the generator never selects is dead code in the runtime, or a part the
/// generator forgot); and what each fixture selects holds every part its parts imply, as the
/// runtime's features do when it is compiled.
#[test]
fn the_parts_are_the_runtime_crates_features_and_each_is_selected() {
    let runtime = runtime();
    let real = real_features(&runtime);
    let features: BTreeSet<String> = table_at(&runtime, &["features"]).keys().cloned().collect();
    let parts: BTreeSet<String> = Part::ALL.iter().map(|p| p.name().to_owned()).collect();
    let expected: BTreeSet<String> = features.difference(&real).cloned().collect();
    assert_eq!(parts, expected, "the generator's parts and the runtime's features that are not real ones");
    let mut selected = BTreeSet::new();
    for (stem, path) in tests::rule_fixtures() {
        let text = fs::read_to_string(&path).expect("the fixture is readable");
        let name = path.to_string_lossy();
        let input = Input::spec(Source::new(&name, &text));
        let config = Config::new(&tests::crate_name(&stem));
        let api = clientgen::lower(&input, &config).unwrap_or_else(|e| panic!("{stem}: {e}")).api;
        let chosen = api.features.parts();
        let implied: Vec<&str> = chosen.closed().selected().filter(|p| !chosen.has(*p)).map(|p| p.name()).collect();
        assert!(implied.is_empty(), "{stem}: selects parts without the parts they imply: {implied:?}");
        selected.extend(chosen.selected().map(|p| p.name().to_owned()));
    }
    let never: Vec<&String> = parts.difference(&selected).collect();
    assert!(never.is_empty(), "parts no rule fixture selects: {never:?}");
}
