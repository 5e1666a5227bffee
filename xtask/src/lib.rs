//! The project's own generation job (the embedded Creatify spec, overlay and settings) and the
//! file handling shared by `cargo xtask` and the tests.

use std::fs;
use std::path::{Path, PathBuf};

use clientgen::{Config, GeneratedFile, Input, Output, Source};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The vendor spec, embedded unchanged.
pub const CREATIFY_SPEC: Source<'static> =
    Source { name: "lipsync-preview.yaml", text: include_str!("../../spec/lipsync-preview.yaml") };
/// The fixes applied to it.
pub const CREATIFY_OVERLAY: Source<'static> =
    Source { name: "creatify.overlay.yaml", text: include_str!("../../spec/creatify.overlay.yaml") };
/// What the spec cannot say about the crate.
pub const CREATIFY_SETTINGS: Source<'static> =
    Source { name: "creatify.toml", text: include_str!("../../spec/creatify.toml") };

/// The workspace root.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The cargo that runs this command (`$CARGO`), or the one on the `PATH`.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Installs `cargo-{subcommand}` at exactly `version` (`cargo install --locked`) unless that
/// version is what `cargo {subcommand} --version` reports already.
pub fn install_cargo_tool(subcommand: &str, version: &str) -> Result<(), String> {
    let out = std::process::Command::new(cargo()).args([subcommand, "--version"]).output();
    let installed = out.ok().filter(|out| out.status.success()).map(|out| {
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_whitespace().last().unwrap_or_default().to_owned()
    });
    if installed.as_deref() == Some(version) {
        return Ok(());
    }
    let package = format!("cargo-{subcommand}");
    eprintln!("installing {package} {version}");
    let status =
        std::process::Command::new(cargo()).args(["install", &package, "--locked", "--version", version]).status();
    if status.is_ok_and(|s| s.success()) {
        Ok(())
    } else {
        Err(format!("`cargo install {package} --locked --version {version}` failed"))
    }
}

/// A program of the Django REST framework test server's virtual environment (tests/drf/.venv),
/// e.g. `python` or `gunicorn`.
pub fn drf_venv_bin(program: &str) -> PathBuf {
    let venv = drf_venv();
    if cfg!(windows) { venv.join("Scripts").join(format!("{program}.exe")) } else { venv.join("bin").join(program) }
}

/// Written into the venv once `pip install -r tests/drf/requirements.txt` succeeded: a copy of
/// the requirements it installed, so a changed file is installed again.
pub fn drf_venv_stamp() -> PathBuf {
    drf_venv().join("installed-requirements.txt")
}

/// The Django REST framework test server's virtual environment, tests/drf/.venv.
pub fn drf_venv() -> PathBuf {
    project_root().join("tests").join("drf").join(".venv")
}

/// Where the committed Creatify client lives.
pub fn creatify_dir() -> PathBuf {
    project_root().join("generated").join("creatify")
}

/// The Creatify spec with its overlay.
pub fn creatify_input() -> Input<'static> {
    Input { spec: CREATIFY_SPEC, overlays: vec![CREATIFY_OVERLAY] }
}

/// The HTTP fixture spec, whose client the tests drive against loopback servers.
pub const HTTP_FIXTURE_SPEC: Source<'static> =
    Source { name: "11-http.yaml", text: include_str!("../../tests/fixtures/rules/11-http.yaml") };

/// The shadowing fixture spec: names that meet the generator's own, whose client the tests
/// drive against a loopback server.
pub const SHADOWING_SPEC: Source<'static> =
    Source { name: "20-shadowing.yaml", text: include_str!("../../tests/fixtures/rules/20-shadowing.yaml") };

/// The streams fixture spec: byte streams and Server-Sent Events, whose client the tests drive
/// against loopback servers.
pub const STREAMS_SPEC: Source<'static> =
    Source { name: "31-streams.yaml", text: include_str!("../../tests/fixtures/rules/31-streams.yaml") };

/// The pagination fixture spec: lists in pages by every convention recognised, whose client the
/// tests drive against loopback servers.
pub const PAGINATION_SPEC: Source<'static> =
    Source { name: "32-pagination.yaml", text: include_str!("../../tests/fixtures/rules/32-pagination.yaml") };

/// A generated crate committed to the repository, and how to make it.
pub struct CommittedCrate {
    /// Where it lives, relative to the project root.
    pub dir: &'static str,
    /// Generates it in memory.
    pub generate: fn() -> Result<Output, String>,
}

/// Every committed generated crate: the Creatify client, and the clients the HTTP, shadowing,
/// streams and pagination tests drive.
pub const COMMITTED: &[CommittedCrate] = &[
    CommittedCrate { dir: "generated/creatify", generate: generate_creatify },
    CommittedCrate { dir: "tests/clients/http_fixture", generate: generate_http_fixture },
    CommittedCrate { dir: "tests/clients/shadowing", generate: generate_shadowing },
    CommittedCrate { dir: "tests/clients/streams", generate: generate_streams },
    CommittedCrate { dir: "tests/clients/pagination", generate: generate_pagination },
];

/// Generates the pagination fixture's client in memory.
pub fn generate_pagination() -> Result<Output, String> {
    clientgen::generate(&Input::spec(PAGINATION_SPEC), &Config::new("pagination")).map_err(|e| e.to_string())
}

/// Generates the streams fixture's client in memory.
pub fn generate_streams() -> Result<Output, String> {
    clientgen::generate(&Input::spec(STREAMS_SPEC), &Config::new("streams")).map_err(|e| e.to_string())
}

/// Generates the shadowing fixture's client in memory.
pub fn generate_shadowing() -> Result<Output, String> {
    clientgen::generate(&Input::spec(SHADOWING_SPEC), &Config::new("shadowing")).map_err(|e| e.to_string())
}

/// Generates the HTTP fixture's client in memory. Its tests answer with Django REST framework
/// error bodies, which its spec does not declare: the setting reads them.
pub fn generate_http_fixture() -> Result<Output, String> {
    let config = Config { drf_errors: true, ..Config::new("http_fixture") };
    clientgen::generate(&Input::spec(HTTP_FIXTURE_SPEC), &config).map_err(|e| e.to_string())
}

/// Generates the Creatify client in memory, after checking the settings still describe the
/// spec they were written for.
pub fn generate_creatify() -> Result<Output, String> {
    clientgen::generate(&creatify_input(), &creatify_config()?).map_err(|e| e.to_string())
}

/// The Creatify client's configuration, once the settings are known to match the spec.
pub fn creatify_config() -> Result<Config, String> {
    Settings::parse(CREATIFY_SETTINGS)?.into_config(&fingerprint(&creatify_input()))
}

/// The SHA-256 of the spec and its overlays, in order: what a crate version is made from.
pub fn fingerprint(input: &Input<'_>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(input.spec.text.as_bytes());
    for overlay in &input.overlays {
        hasher.update([0]);
        hasher.update(overlay.text.as_bytes());
    }
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The settings file (`spec/creatify.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(skip)]
    source: String,
    package: PackageSettings,
    client: ClientSettings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PackageSettings {
    name: String,
    version: String,
    spec_sha256: String,
    description: String,
    license: String,
    repository: String,
    keywords: Vec<String>,
    categories: Vec<String>,
    rust_version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ClientSettings {
    env_prefix: String,
    user_agent_product: String,
    /// The server sends Django REST framework error bodies (see `Config::drf_errors`).
    #[serde(default)]
    drf_errors: bool,
}

impl Settings {
    /// Parses a settings file; errors name the file and the place.
    pub fn parse(source: Source<'_>) -> Result<Settings, String> {
        let mut settings: Settings = toml::from_str(source.text).map_err(|e| format!("{}: {e}", source.name))?;
        settings.source = source.name.to_owned();
        Ok(settings)
    }

    /// The generator's configuration, once the settings are known to describe the spec with
    /// this `fingerprint`.
    pub fn into_config(self, fingerprint: &str) -> Result<Config, String> {
        let package = self.package;
        if package.spec_sha256 != fingerprint {
            return Err(format!(
                "{}: the spec or its overlay changed since version {} was set.\n\
                 Bump `version` deliberately, then set spec-sha256 = \"{fingerprint}\"",
                self.source, package.version
            ));
        }
        let mut config = Config::new(&package.name);
        config.user_agent = Some(format!("{}/{}", self.client.user_agent_product, package.version));
        config.crate_version = package.version;
        config.description = Some(package.description);
        config.license = package.license;
        config.repository = Some(package.repository);
        config.keywords = package.keywords;
        config.categories = package.categories;
        config.rust_version = package.rust_version;
        config.env_prefix = self.client.env_prefix;
        config.drf_errors = self.client.drf_errors;
        Ok(config)
    }
}

/// The target folder every scratch workspace of generated crates builds in (the compile test's
/// and the corpus's): their dependencies are built once.
pub fn generated_crates_target() -> PathBuf {
    project_root().join("target").join("generated-crates-target")
}

/// Makes `dir` a scratch workspace of the crates in its `members` folders, pinned to the
/// project's lock file so they build with the dependency versions the committed client uses.
pub fn scratch_workspace(dir: &Path, members: &[String]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    fs::write(dir.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")))?;
    fs::copy(project_root().join("Cargo.lock"), dir.join("Cargo.lock")).map(drop)
}

/// The files under `dir` that differ from `files` (or are missing), then those the generator
/// does not write ([`extra_files`]), by relative path.
pub fn stale_files(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let mut stale: Vec<String> = files
        .iter()
        .filter(|file| fs::read_to_string(dir.join(&file.path)).ok().as_deref() != Some(file.contents.as_str()))
        .map(|file| file.path.clone())
        .collect();
    stale.extend(extra_files(dir, files));
    stale
}

/// The files under `dir` that are not among `files`, by relative path with `/` separators,
/// sorted: what a generator that once wrote them left behind. Cargo's own `target/` folder and
/// `Cargo.lock` (unless generated) are not the generator's business and are left out.
pub fn extra_files(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let generated: std::collections::HashSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let mut extra = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        let Ok(entries) = fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
            if is_dir {
                if relative != "target" {
                    pending.push((entry.path(), format!("{relative}/")));
                }
            } else if !generated.contains(relative.as_str()) && relative != "Cargo.lock" {
                extra.push(relative);
            }
        }
    }
    extra.sort();
    extra
}

/// Writes `files` under `dir`, creating folders, and touching only files whose contents change.
///
/// Every path is relative and free of `..`: output never lands outside `dir`.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<usize> {
    let mut written = 0;
    for file in files {
        let relative = Path::new(&file.path);
        let safe = relative.components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe {
            return Err(std::io::Error::other(format!("refusing to write outside the output folder: {}", file.path)));
        }
        let path = dir.join(relative);
        if fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_settings_match_the_committed_spec() {
        let settings = Settings::parse(CREATIFY_SETTINGS).expect("settings parse");
        let config = settings.into_config(&fingerprint(&creatify_input())).expect("fingerprint matches");
        assert_eq!(config.crate_name, "creatify");
        assert_eq!(config.env_prefix, "CREATIFY");
        assert!(config.drf_errors, "Creatify answers with Django REST framework errors");
    }

    #[test]
    fn a_changed_spec_demands_a_deliberate_bump() {
        let changed = Input { spec: Source { name: "x.yaml", text: "openapi: 3.0.3" }, overlays: vec![] };
        let settings = Settings::parse(CREATIFY_SETTINGS).expect("settings parse");
        let error = settings.into_config(&fingerprint(&changed)).expect_err("refused");
        assert!(error.contains("Bump `version` deliberately"), "{error}");
        assert!(error.contains(&fingerprint(&changed)), "{error}");
    }

    #[test]
    fn files_the_generator_no_longer_writes_are_stale() {
        let dir = std::env::temp_dir().join(format!("xtask-extra-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let file = |path: &str, contents: &str| GeneratedFile { path: path.to_owned(), contents: contents.to_owned() };
        let files = [file("Cargo.toml", "[package]\n"), file("src/lib.rs", "//! A crate.\n")];
        write_files(&dir, &files).expect("written");
        assert!(stale_files(&dir, &files).is_empty());
        for leftover in ["src/old.rs", "src/nested/gone.rs", "README.md", "target/debug/x", "Cargo.lock"] {
            let path = dir.join(leftover);
            fs::create_dir_all(path.parent().expect("has a parent")).expect("folder made");
            fs::write(&path, "left behind").expect("written");
        }
        let extra = extra_files(&dir, &files);
        let stale = stale_files(&dir, &files);
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(extra, ["README.md", "src/nested/gone.rs", "src/old.rs"]);
        assert_eq!(stale, extra);
    }

    #[test]
    fn unknown_settings_are_refused_by_name() {
        let text = CREATIFY_SETTINGS.text.replace("[client]", "[client]\nenv-prefx = \"X\"");
        let error = Settings::parse(Source { name: "creatify.toml", text: &text }).expect_err("refused");
        assert!(error.contains("env-prefx"), "{error}");
    }
}
