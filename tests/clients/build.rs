//! The build script of every test client in tests/clients: generates the client of its rule
//! fixture (by package name) into OUT_DIR, as modules for `lib.rs` to include, so no test
//! client is committed (`generated/creatify` is, for its users to read).

use std::path::{Path, PathBuf};

/// Each test client's fixture, and whether the server it is tested against sends Django REST
/// framework errors its spec does not declare (the `drf_errors` setting).
const CLIENTS: &[(&str, &str, bool)] = &[
    ("http_fixture", "11-http.yaml", true),
    ("shadowing", "20-shadowing.yaml", false),
    ("streams", "31-streams.yaml", false),
    ("pagination", "32-pagination.yaml", false),
    ("webhooks", "33-webhooks.yaml", false),
    ("extra_properties", "37-extra-properties.yaml", false),
    ("styles", "39-parameter-styles.yaml", false),
    ("servers", "40-servers.yaml", false),
    ("accept", "41-accept.yaml", false),
    ("path_query", "42-path-query.yaml", false),
    ("body_encodings", "44-body-encodings.yaml", false),
    ("unions_named", "50-unions-named.yaml", false),
    ("error_schema", "46-error-schema.yaml", false),
    ("expandable", "54-expandable.yaml", false),
    ("swagger2", "59-swagger2-wire.yaml", false),
    ("openapi32", "64-openapi-3-2.yaml", false),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::var("CARGO_PKG_NAME")?.replace('-', "_");
    let &(_, fixture, drf_errors) =
        CLIENTS.iter().find(|(client, _, _)| *client == name).ok_or_else(|| format!("no fixture for {name}"))?;
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rules");
    let path = rules.join(fixture);
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path)?;
    let dir = PathBuf::from(std::env::var("OUT_DIR")?).join("client");
    let config = clientgen::Config {
        embed_in: Some(dir.to_string_lossy().into_owned()),
        drf_errors,
        ..clientgen::Config::new(&name)
    };
    let output = clientgen::generate(&clientgen::Input::spec(clientgen::Source::new(fixture, &text)), &config)?;
    for file in &output.files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Rewriting an unchanged file would make cargo rebuild the crate for nothing.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            std::fs::write(&path, &file.contents)?;
        }
    }
    Ok(())
}
