//! OpenAPI → Rust client generator, as a library: spec text in, the files of a client crate out.
//!
//! The pipeline runs one way, a module a stage: [`parse`] (text → JSON tree), [`overlay`]
//! (Overlay 1.0 actions on the tree), [`bundle`] (the other files a spec's `$ref`s name, copied
//! in), [`swagger`] (Swagger 2.0 → OpenAPI 3.0), [`normalize`] (3.1 and real-world shapes → 3.0
//! shapes), [`typed`] (tree → openapiv3), [`lower`](mod@lower) (openapiv3 → [`model`]), [`emit`]
//! (model → tokens and text), [`format`](mod@format) (tokens → source). [`tree`] holds what the
//! stages from parse to typed share about the JSON tree: its depth limit, node counts, and the
//! checks before normalize.
//! Nothing here touches the file system: [`generate`] returns the files to write, and the
//! other files of a spec split over several come from the caller ([`Input::files`],
//! [`files_to_read`]).

pub mod bundle;
pub mod diag;
pub mod emit;
pub mod format;
pub mod lower;
pub mod model;
pub mod naming;
pub mod normalize;
pub mod overlay;
pub mod parse;
pub mod registry;
pub mod rustdoc;
pub mod swagger;
pub mod tree;
pub mod typed;

pub use diag::{Diagnostic, Error};

/// A named text: a spec or an overlay. The name (a file name) prefixes every message about it.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The file name, without directories: output must not depend on where the file sits.
    pub name: &'a str,
    /// The contents, YAML or JSON.
    pub text: &'a str,
}

impl<'a> Source<'a> {
    /// A source named after the last component of `path`.
    pub fn new(path: &'a str, text: &'a str) -> Self {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        Source { name, text }
    }
}

/// What to generate from: a spec, the overlays applied to it in order, and the other files
/// its `$ref`s name.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The OpenAPI description, never modified.
    pub spec: Source<'a>,
    /// OpenAPI Overlay documents, applied in order before lowering.
    pub overlays: Vec<Source<'a>>,
    /// The other files of a spec split over several, each named by its path relative to the
    /// spec's folder with `/` between folders (`schemas/pet.yaml`, `../common.yaml`):
    /// [`files_to_read`] says which.
    pub files: Vec<Source<'a>>,
}

impl<'a> Input<'a> {
    /// A spec with no overlays.
    pub fn spec(spec: Source<'a>) -> Self {
        Input { spec, overlays: Vec::new(), files: Vec::new() }
    }

    /// `petstore.yaml with petstore.overlay.yaml`: what a generated file's header names.
    pub fn describe(&self) -> String {
        let mut text = self.spec.name.to_owned();
        for (i, overlay) in self.overlays.iter().enumerate() {
            text.push_str(if i == 0 { " with " } else { ", " });
            text.push_str(overlay.name);
        }
        text
    }
}

/// What the spec cannot say about the crate to generate. Lowering resolves it into the
/// model's [`model::Settings`] (defaults filled in, environment variables named), which is all
/// emission reads of it.
#[derive(Debug, Clone)]
pub struct Config {
    /// The crate's name (`petstore`).
    pub crate_name: String,
    /// The crate's version.
    pub crate_version: String,
    /// The crate's description; derived from the spec's title when absent.
    pub description: Option<String>,
    /// The crate's license expression.
    pub license: String,
    /// Where the crate's source lives.
    pub repository: Option<String>,
    /// crates.io keywords.
    pub keywords: Vec<String>,
    /// crates.io categories.
    pub categories: Vec<String>,
    /// The oldest Rust the crate supports.
    pub rust_version: String,
    /// The prefix of the environment variables `Client::from_env` reads (`PETSTORE`).
    pub env_prefix: String,
    /// The `User-Agent` header; `{crate_name}/{crate_version}` when absent.
    pub user_agent: Option<String>,
    /// Read Django REST framework error bodies into `Error::Api`'s messages, for a server
    /// known to send them though the spec declares no error schema of that shape (which
    /// switches them on by itself).
    pub drf_errors: bool,
    /// Generate the client as modules of another crate instead of a crate of its own: the
    /// folder its files will be written to, written into the `#[path]` of each module. A
    /// build script sets it to a folder under `OUT_DIR`; see [`generate`].
    pub embed_in: Option<String>,
    /// Whether each tag's operations, and the types only they reach, are behind a cargo
    /// feature of their own (`full` enables them all, and is on by default). Automatic: on
    /// for an API of [`lower::AUTO_OPERATIONS`] operations or more in two tags or more, and
    /// never for an embedded client, whose features would be its host crate's.
    pub tag_features: lower::TagFeatures,
}

impl Config {
    /// Defaults for a crate named `crate_name`.
    pub fn new(crate_name: &str) -> Self {
        Config {
            crate_name: crate_name.to_owned(),
            crate_version: "0.1.0".to_owned(),
            description: None,
            license: "MIT OR Apache-2.0".to_owned(),
            repository: None,
            keywords: Vec::new(),
            categories: Vec::new(),
            rust_version: registry::RUST_VERSION.to_owned(),
            env_prefix: crate_name.to_ascii_uppercase().replace('-', "_"),
            user_agent: None,
            drf_errors: false,
            embed_in: None,
            tag_features: lower::TagFeatures::Auto,
        }
    }

    /// The `User-Agent` header the client sends: the configured one, else
    /// `{crate_name}/{crate_version}`.
    pub fn user_agent(&self) -> String {
        self.user_agent.clone().unwrap_or_else(|| format!("{}/{}", self.crate_name, self.crate_version))
    }
}

/// One file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate root, with `/` separators.
    pub path: String,
    /// Full contents, header line included.
    pub contents: String,
}

/// A generated crate and what was approximated on the way.
#[derive(Debug, Clone)]
pub struct Output {
    /// The crate's files, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// Warnings, each naming its file and place.
    pub warnings: Vec<String>,
}

/// The lowered model and the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The intermediate model.
    pub api: model::Api,
    /// Warnings, each naming its file and place.
    pub warnings: Vec<String>,
}

/// The spec's JSON tree with every overlay applied.
#[derive(Debug, Clone)]
pub struct Overlaid {
    /// The spec's tree, changed by each overlay in turn.
    pub tree: serde_json::Value,
    /// The overlays' warnings (targets that matched nothing), each naming its overlay.
    pub warnings: Vec<String>,
}

/// Runs parse and overlay: the spec's JSON tree with every overlay applied, each overlay
/// parsed when its turn comes. The spec's text is never modified.
pub fn apply_overlays(input: &Input<'_>) -> Result<Overlaid, Error> {
    let mut tree = parse::spec(input.spec.text, input.spec.name)?;
    let mut warnings = Vec::new();
    for source in &input.overlays {
        let overlay = overlay::Overlay::read(&parse::yaml_or_json(source.text, source.name)?, source.name)?;
        warnings.extend(overlay.apply(&mut tree)?);
    }
    Ok(Overlaid { tree, warnings })
}

/// The files the spec (with its overlays applied) reaches through `$ref`s, directly or
/// through other files, that `input.files` lacks, each with the first `$ref` naming it. A
/// caller reads them, adds them to [`Input::files`] and asks again until none is missing
/// (each file is then read once); every file in `input.files` is one generation depends on.
pub fn files_to_read(input: &Input<'_>) -> Result<Vec<bundle::Missing>, Error> {
    let Overlaid { tree, .. } = apply_overlays(input)?;
    Ok(bundle::missing(&tree, input.spec.name, &input.files))
}

/// Runs parse, overlay, bundle, normalize, typed and lower: the input to the intermediate
/// model, with `config` resolved into its [`model::Settings`].
pub fn lower(input: &Input<'_>, config: &Config) -> Result<Lowered, Error> {
    let Overlaid { mut tree, mut warnings } = apply_overlays(input)?;
    let name = input.spec.name;
    // A `$ref` bundling could not follow stays as written, so the later stages' problems
    // are reported with it; normalize's own error for it says the same thing worse.
    let (bundled, unfollowed) = match bundle::bundle(&mut tree, name, &input.files) {
        Ok(bundled) => (bundled, Vec::new()),
        Err(error) => (bundle::Bundled::default(), error.problems),
    };
    let converted = swagger::convert(&mut tree, name).map_err(|mut error| {
        error.problems = unfollowed.iter().cloned().chain(error.problems).collect();
        error
    })?;
    let origins = &converted.origins;
    // A place is named where the author wrote it: in a converted Swagger 2.0 document, and in
    // the file a copied component came from.
    let place = |problem: &Diagnostic| bundled.place(&origins.restore(problem.clone()));
    let own: Vec<Diagnostic> = unfollowed.iter().cloned().chain(converted.errors.iter().cloned()).collect();
    let places = |error: Error| Error {
        problems: own.iter().cloned().chain(error.problems.iter().map(place)).collect(),
        ..error
    };
    warnings.extend(converted.warnings.iter().map(|w| format!("{name}: {w}")));
    let mut normalized = normalize::normalize(&mut tree, name).map_err(places)?;
    if !unfollowed.is_empty() {
        normalized.errors.retain(|problem| !problem.message.contains("points into another document"));
    }
    normalized.errors = own.iter().cloned().chain(normalized.errors.iter().map(place)).collect();
    warnings.extend(normalized.warnings.iter().map(|w| format!("{name}: {}", place(w))));
    // Normalizing's own errors come first in whatever the next stages report.
    let doc = typed::to_openapi(tree, name).map_err(|e| {
        let mut e = normalized.before(e);
        let placed: Vec<Diagnostic> = e.problems.iter().skip(normalized.errors.len()).map(place).collect();
        e.problems.truncate(normalized.errors.len());
        e.problems.extend(placed);
        e
    })?;
    let lowered = lower::lower(&doc, config);
    warnings.extend(lowered.warnings.iter().map(|w| format!("{name}: {}", place(w))));
    let mut problems = normalized.errors;
    problems.extend(lowered.errors.iter().map(place));
    match lowered.api {
        Some(api) if problems.is_empty() => Ok(Lowered { api, warnings }),
        _ => Err(Error { source_name: name.to_owned(), problems }),
    }
}

/// Runs the whole pipeline: the input to the files of a client crate.
///
/// # From a build script
///
/// With [`Config::embed_in`] set, the files are the modules of a client for another crate to
/// include, instead of a crate of its own: no `Cargo.toml` or `README.md`, and a `src/lib.rs`
/// with no crate-level attributes whose modules name their files by absolute path. The
/// including crate's root is then the client's (its paths start at `crate::`), so it is a
/// crate of its own, made by a build script:
///
/// ```no_run
/// // build.rs, with `clientgen` under [build-dependencies]
/// use std::path::PathBuf;
///
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     println!("cargo::rerun-if-changed=petstore.yaml");
///     let text = std::fs::read_to_string("petstore.yaml")?;
///     let input = clientgen::Input::spec(clientgen::Source::new("petstore.yaml", &text));
///     let dir = PathBuf::from(std::env::var("OUT_DIR")?).join("petstore");
///     // The crate the client is in: its doc examples name it.
///     let crate_name = std::env::var("CARGO_PKG_NAME")?.replace('-', "_");
///     let config = clientgen::Config {
///         embed_in: Some(dir.to_string_lossy().into_owned()),
///         ..clientgen::Config::new(&crate_name)
///     };
///     // Warnings name their place in the spec; print them with `cargo::warning=`.
///     let output = clientgen::generate(&input, &config)?;
///     for file in &output.files {
///         let path = dir.join(&file.path);
///         std::fs::create_dir_all(path.parent().expect("a file is in a folder"))?;
///         std::fs::write(path, &file.contents)?;
///     }
///     Ok(())
/// }
/// ```
///
/// A spec split over several files needs their texts in [`Input::files`]: ask
/// [`files_to_read`] which are missing, read each relative to the spec's folder (and print a
/// `rerun-if-changed` for it), add it, and ask again until none is.
///
/// Its `src/lib.rs` is the crate's documentation and one line,
/// `include!(concat!(env!("OUT_DIR"), "/petstore/src/lib.rs"));`. Its `Cargo.toml` declares
/// the dependencies and features of the crate the same spec generates without `embed_in`
/// (the generated code names them); `tests/buildrs` in the generator's repository is such a
/// crate.
pub fn generate(input: &Input<'_>, config: &Config) -> Result<Output, Error> {
    let Lowered { api, warnings } = lower(input, config)?;
    let files = emit_files(&api, &input.describe())?;
    Ok(Output { files, warnings })
}

/// Runs emit and format on a model (its settings included: emission reads nothing else);
/// `origin` (see [`Input::describe`]) goes in each header.
///
/// Files (and parts of `types.rs`) are emitted and formatted on one thread per core (see
/// `emit::files`), and come back in a fixed order, so the output does not depend on how the
/// threads ran.
pub fn emit_files(api: &model::Api, origin: &str) -> Result<Vec<GeneratedFile>, Error> {
    let header = format!("Generated by `cargo xtask codegen` from {origin}; do not edit by hand.");
    emit::files(api, &header).map_err(|message| Error {
        source_name: origin.to_owned(),
        problems: vec![Diagnostic::document(format!("internal error: {message}"))],
    })
}
