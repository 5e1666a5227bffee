//! The settings file: what a spec cannot say about the crate made from it (its package fields,
//! the client's environment-variable prefix and user agent), in TOML.

use clientgen::{Config, Input, Source};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// A settings file. Every key is optional except where noted; the command's flags override it.
///
/// ```toml
/// [package]
/// name = "petstore"            # the crate's name (or --name)
/// version = "0.1.0"
/// spec-sha256 = "…"            # when present, generation stops once the spec changes
/// description = "Client for the Petstore API."
/// license = "MIT OR Apache-2.0"
/// repository = "https://example.com/petstore"
/// keywords = ["petstore"]
/// categories = ["api-bindings"]
/// rust-version = "1.85"
///
/// [client]
/// env-prefix = "PETSTORE"      # Client::from_env reads PETSTORE_BASE_URL, …
/// user-agent-product = "petstore-rust"
/// drf-errors = false
/// tag-features = "auto"        # a cargo feature per tag: auto (100 operations or more), on, off
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The file's name, for messages.
    #[serde(skip)]
    source: String,
    #[serde(default)]
    package: PackageSettings,
    #[serde(default)]
    client: ClientSettings,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PackageSettings {
    name: Option<String>,
    version: Option<String>,
    spec_sha256: Option<String>,
    description: Option<String>,
    license: Option<String>,
    repository: Option<String>,
    keywords: Option<Vec<String>>,
    categories: Option<Vec<String>>,
    rust_version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ClientSettings {
    env_prefix: Option<String>,
    user_agent_product: Option<String>,
    /// The server sends Django REST framework error bodies (see `Config::drf_errors`).
    drf_errors: Option<bool>,
    /// A cargo feature per tag (see `Config::tag_features`): `auto`, `on` or `off`.
    tag_features: Option<String>,
}

/// Values given on the command line, each over the settings file's.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// The crate's name.
    pub name: Option<String>,
    /// The crate's version.
    pub version: Option<String>,
    /// The crate's description.
    pub description: Option<String>,
    /// The crate's license expression.
    pub license: Option<String>,
    /// Where the crate's source lives.
    pub repository: Option<String>,
    /// The prefix of the environment variables `Client::from_env` reads.
    pub env_prefix: Option<String>,
    /// The product part of the `User-Agent` header (`petstore-rust` → `petstore-rust/0.1.0`).
    pub user_agent_product: Option<String>,
    /// Read Django REST framework error bodies into `Error::Api`'s messages.
    pub drf_errors: bool,
    /// A cargo feature per tag: `auto`, `on` or `off`.
    pub tag_features: Option<String>,
}

impl Settings {
    /// Parses a settings file; errors name the file and the place.
    pub fn parse(source: Source<'_>) -> Result<Settings, String> {
        let mut settings: Settings = toml::from_str(source.text).map_err(|e| format!("{}: {e}", source.name))?;
        settings.source = source.name.to_owned();
        Ok(settings)
    }

    /// Whether the file pins the spec it was written for (`spec-sha256`).
    pub fn pins_spec(&self) -> bool {
        self.package.spec_sha256.is_some()
    }

    /// The generator's configuration: the settings with `overrides` over them, once they are
    /// known to describe the spec with this `fingerprint` (see [`fingerprint`]) when they name
    /// one.
    pub fn into_config(self, overrides: Overrides, fingerprint: &str) -> Result<Config, String> {
        self.check_pin(overrides.version.as_deref(), fingerprint)?;
        self.into_config_unpinned(overrides)
    }

    /// An error, when the file pins a spec (`spec-sha256`) other than the one with this
    /// `fingerprint`, saying how to go on; `version` is the one given on the command line.
    pub fn check_pin(&self, version: Option<&str>, fingerprint: &str) -> Result<(), String> {
        match &self.package.spec_sha256 {
            Some(expected) if expected != fingerprint => {
                let version = version.or(self.package.version.as_deref()).unwrap_or("0.1.0");
                Err(format!(
                    "{}: the spec or its overlay changed since version {version} was set.\n\
                     Bump `version` deliberately, then set spec-sha256 = \"{fingerprint}\"",
                    self.source
                ))
            }
            _ => Ok(()),
        }
    }

    /// The generator's configuration, the settings with `overrides` over them, whatever spec
    /// they pin.
    pub fn into_config_unpinned(self, overrides: Overrides) -> Result<Config, String> {
        let package = self.package;
        let version = overrides.version.or(package.version);
        let Some(name) = overrides.name.or(package.name) else {
            return Err("no crate name: give --name, or `name` under [package] in a settings file".to_owned());
        };
        let mut config = Config::new(&name);
        if let Some(version) = version {
            config.crate_version = version;
        }
        if let Some(product) = overrides.user_agent_product.or(self.client.user_agent_product) {
            config.user_agent = Some(format!("{product}/{}", config.crate_version));
        }
        config.description = overrides.description.or(package.description);
        config.repository = overrides.repository.or(package.repository);
        if let Some(license) = overrides.license.or(package.license) {
            config.license = license;
        }
        config.keywords = package.keywords.unwrap_or_default();
        config.categories = package.categories.unwrap_or_default();
        if let Some(rust_version) = package.rust_version {
            config.rust_version = rust_version;
        }
        if let Some(prefix) = overrides.env_prefix.or(self.client.env_prefix) {
            config.env_prefix = prefix;
        }
        config.drf_errors = overrides.drf_errors || self.client.drf_errors.unwrap_or(false);
        if let Some(option) = overrides.tag_features.or(self.client.tag_features) {
            config.tag_features = option.parse().map_err(|e| format!("{}: {e}", self.source))?;
        }
        Ok(config)
    }
}

/// The SHA-256 of the spec and its overlays, in order, and the other files of a split spec:
/// what a crate version is made from.
pub fn fingerprint(input: &Input<'_>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(input.spec.text.as_bytes());
    for overlay in &input.overlays {
        hasher.update([0]);
        hasher.update(overlay.text.as_bytes());
    }
    // The other files of a split spec, by name: none for a spec in one file, whose
    // fingerprint is what it always was.
    let mut files: Vec<_> = input.files.iter().map(|file| (file.name, file.text)).collect();
    files.sort();
    for (name, text) in files {
        hasher.update([1]);
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
    }
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = "[package]\nname = \"pets\"\nversion = \"2.1.0\"\nlicense = \"MIT\"\n\
                        [client]\nenv-prefix = \"PET\"\nuser-agent-product = \"pets-rust\"\n";

    fn parse(text: &str) -> Result<Settings, String> {
        Settings::parse(Source { name: "pets.toml", text })
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let config = parse(FULL).and_then(|s| s.into_config(Overrides::default(), "x")).expect("config");
        assert_eq!((config.crate_name.as_str(), config.crate_version.as_str()), ("pets", "2.1.0"));
        assert_eq!(config.user_agent(), "pets-rust/2.1.0");
        assert_eq!(config.env_prefix, "PET");
        let overrides =
            Overrides { name: Some("cats".to_owned()), version: Some("3.0.0".to_owned()), ..Overrides::default() };
        let config = parse(FULL).and_then(|s| s.into_config(overrides, "x")).expect("config");
        assert_eq!((config.crate_name.as_str(), config.user_agent().as_str()), ("cats", "pets-rust/3.0.0"));
        let bare =
            Settings::default().into_config(Overrides { name: Some("dogs".to_owned()), ..Overrides::default() }, "x");
        let bare = bare.expect("config");
        assert_eq!((bare.env_prefix.as_str(), bare.user_agent().as_str()), ("DOGS", "dogs/0.1.0"));
    }

    #[test]
    fn a_crate_needs_a_name() {
        let error = Settings::default().into_config(Overrides::default(), "x").expect_err("refused");
        assert!(error.contains("--name"), "{error}");
    }

    #[test]
    fn a_changed_spec_demands_a_deliberate_bump() {
        let text = format!("{FULL}\n").replace("license", "spec-sha256 = \"abc\"\nlicense");
        let error = parse(&text).and_then(|s| s.into_config(Overrides::default(), "def")).expect_err("refused");
        assert!(error.starts_with("pets.toml: the spec or its overlay changed since version 2.1.0"), "{error}");
        assert!(error.contains("spec-sha256 = \"def\""), "{error}");
        assert!(parse(&text).and_then(|s| s.into_config(Overrides::default(), "abc")).is_ok());
    }

    #[test]
    fn unknown_settings_are_refused_by_name() {
        let error = parse(&FULL.replace("env-prefix", "env-prefx")).expect_err("refused");
        assert!(error.starts_with("pets.toml:") && error.contains("env-prefx"), "{error}");
    }

    #[test]
    fn the_fingerprint_covers_the_overlays_in_order() {
        let spec = Source { name: "a.yaml", text: "a" };
        let (one, two) = (Source { name: "1.yaml", text: "1" }, Source { name: "2.yaml", text: "2" });
        let forward = fingerprint(&Input { spec, overlays: vec![one, two], files: vec![] });
        let backward = fingerprint(&Input { spec, overlays: vec![two, one], files: vec![] });
        assert_ne!(forward, backward);
        assert_ne!(forward, fingerprint(&Input::spec(spec)));
        assert_eq!(forward.len(), 64);
    }
}
