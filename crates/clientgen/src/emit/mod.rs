//! Emit stage: the model to token streams (Rust files) and text (Cargo.toml, README.md).
//!
//! Emission reads only the model (its settings included); it never sees the spec. [`files`] emits
//! and formats every file of a crate on threads.

// Each module uses only the ones listed before it (ARCHITECTURE.md, "emit/ in layers").
mod blocking;
mod client;
mod docs;
mod manifest;
mod operations;
mod pagination;
mod rust;
mod security;
mod servers;
mod types;
mod validate;
mod webhooks;

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::*;
use crate::{GeneratedFile, format};

/// One file of the generated crate, before formatting.
pub enum EmittedFile {
    /// Rust source, formatted later.
    Rust {
        /// Path relative to the crate root.
        path: &'static str,
        /// The file's items.
        tokens: TokenStream,
    },
    /// Rust source written as is after the header: a file of the runtime.
    Source {
        /// Path relative to the crate root.
        path: &'static str,
        /// The contents.
        text: String,
    },
    /// Any other text, written as is after the header.
    Text {
        /// Path relative to the crate root.
        path: &'static str,
        /// The contents.
        text: String,
    },
}

/// The files of a client crate, each emitted on its own (so that they can be emitted and
/// formatted in parallel: token streams cannot cross threads, the model can).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `Cargo.toml`.
    Manifest,
    /// `README.md`.
    Readme,
    /// `src/lib.rs`.
    Lib,
    /// `src/client.rs`.
    Client,
    /// `src/blocking.rs`.
    Blocking,
    /// `src/types.rs`.
    Types,
    /// `src/webhooks.rs`, when the API sends webhooks or callbacks.
    Webhooks,
    /// `src/servers.rs`, when the API has several servers or a server variable with fixed values.
    Servers,
    /// `src/resources.rs`, when the calls are grouped by resource.
    Resources,
    /// A file of the runtime (`src/http.rs`, `src/error.rs`, …), with the parts the API needs.
    Runtime(&'static str),
}

/// The files the crate has, in a fixed order.
pub fn file_kinds(features: &Features) -> Vec<FileKind> {
    use FileKind::*;
    let parts = features.parts();
    // An embedded client (`Settings::embed_in`) lives in the including crate's manifest.
    let mut kinds = if features.embedded {
        vec![Lib, Client, Blocking, Types]
    } else {
        vec![Manifest, Readme, Lib, Client, Blocking, Types]
    };
    if features.webhooks {
        kinds.push(Webhooks);
    }
    if features.servers {
        kinds.push(Servers);
    }
    if features.resources {
        kinds.push(Resources);
    }
    kinds.extend(parts.files().map(|file| Runtime(file.path)));
    kinds
}

/// Emits one file of the client crate.
pub fn emit_file(api: &Api, kind: FileKind) -> EmittedFile {
    match kind {
        FileKind::Manifest => EmittedFile::Text { path: "Cargo.toml", text: manifest::cargo_toml(api) },
        FileKind::Readme => EmittedFile::Text { path: "README.md", text: manifest::readme(api) },
        FileKind::Lib => EmittedFile::Rust { path: "src/lib.rs", tokens: lib_rs(api) },
        FileKind::Client => {
            let methods = operations::methods_of(api, false);
            EmittedFile::Rust { path: "src/client.rs", tokens: client::emit_client(api, &methods) }
        }
        FileKind::Blocking => {
            let methods = operations::signatures(api);
            EmittedFile::Rust { path: "src/blocking.rs", tokens: blocking::blocking_rs(api, &methods) }
        }
        FileKind::Types => EmittedFile::Rust { path: "src/types.rs", tokens: types::emit_types(api) },
        FileKind::Webhooks => EmittedFile::Rust { path: "src/webhooks.rs", tokens: webhooks::webhooks_rs(api) },
        FileKind::Servers => EmittedFile::Rust { path: "src/servers.rs", tokens: servers::servers_rs(api) },
        FileKind::Resources => {
            let methods = operations::methods_of(api, true);
            EmittedFile::Rust { path: "src/resources.rs", tokens: client::resources_rs(api, &methods) }
        }
        FileKind::Runtime(path) => EmittedFile::Source { path, text: api.features.parts().file(path) },
    }
}

/// The number of parts `types.rs` is emitted in (see [`emit_types_part`]).
pub const TYPE_PARTS: usize = types::TYPE_PARTS;

/// One part of `types.rs`; the parts, formatted and joined in order, are the whole file.
pub fn emit_types_part(api: &Api, part: usize) -> TokenStream {
    types::emit_types_part(api, part)
}

/// Emits every file of the client crate, one after the other, unformatted.
pub fn emit(api: &Api) -> Vec<EmittedFile> {
    file_kinds(&api.features).into_iter().map(|kind| emit_file(api, kind)).collect()
}

// Emission and formatting run together, on one thread per core: each thread takes the next
// job (a part of `types.rs`, or another file) and drops its tokens and syntax tree before the
// next, so a large crate's memory stays at a few jobs' worth instead of the whole crate's.
// The files come back in a fixed order.

/// One piece of work for the threads of [`files`].
#[derive(Clone, Copy)]
enum Job {
    /// A part of `types.rs` (see [`emit_types_part`]).
    TypesPart(usize),
    /// Any other file.
    File(FileKind),
}

/// What a [`Job`] made.
enum Made {
    TypesPart(String),
    File(GeneratedFile),
}

/// The formatted files of the crate for `api`, each opening with `header`.
pub fn files(api: &Api, header: &str) -> Result<Vec<GeneratedFile>, String> {
    let kinds = file_kinds(&api.features);
    // The parts of `types.rs`, most of a large crate, first: the smaller files then fill in
    // while the last parts finish.
    let mut jobs: Vec<Job> = (0..TYPE_PARTS).map(Job::TypesPart).collect();
    jobs.extend(kinds.iter().filter(|&&kind| kind != FileKind::Types).map(|&kind| Job::File(kind)));
    let run = |job: Job| -> Result<Made, String> {
        match job {
            Job::TypesPart(part) => format::format_file(emit_types_part(api, part)).map(Made::TypesPart),
            Job::File(kind) => finish_file(emit_file(api, kind), header).map(Made::File),
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(jobs.len());
    let next = AtomicUsize::new(0);
    let made: Vec<Mutex<Option<Result<Made, String>>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&job) = jobs.get(index) else { break };
                    // A panic becomes this file's error instead of ending the run.
                    let result = std::panic::catch_unwind(AssertUnwindSafe(|| run(job)))
                        .unwrap_or_else(|_| Err("emitting a file panicked".to_owned()));
                    *made[index].lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
                }
            });
        }
    });
    let mut parts = Vec::with_capacity(TYPE_PARTS);
    let mut files = Vec::with_capacity(kinds.len());
    for slot in made {
        match slot.into_inner().unwrap_or_else(PoisonError::into_inner) {
            Some(Ok(Made::TypesPart(text))) => parts.push(text),
            Some(Ok(Made::File(file))) => files.push(file),
            Some(Err(message)) => return Err(message),
            None => return Err("a file was not emitted".to_owned()),
        }
    }
    let source = parts.into_iter().filter(|part| !part.is_empty()).collect::<Vec<_>>().join("\n");
    let types = GeneratedFile { path: "src/types.rs".to_owned(), contents: format!("// {header}\n\n{source}") };
    let position = kinds.iter().position(|&kind| kind == FileKind::Types).unwrap_or(files.len());
    files.insert(position.min(files.len()), types);
    Ok(files)
}

/// Formats an emitted file and puts the generated-file header on it.
fn finish_file(file: EmittedFile, header: &str) -> Result<GeneratedFile, String> {
    let (path, contents) = match file {
        EmittedFile::Rust { path, tokens } => {
            let source = format::format_file(tokens).map_err(|message| format!("{path}: {message}"))?;
            (path, format!("// {header}\n\n{source}"))
        }
        EmittedFile::Source { path, text } => (path, format!("// {header}\n\n{text}")),
        EmittedFile::Text { path, text } if path.ends_with(".md") => (path, format!("<!-- {header} -->\n\n{text}")),
        EmittedFile::Text { path, text } => (path, format!("# {header}\n\n{text}")),
    };
    Ok(GeneratedFile { path: path.to_owned(), contents })
}

/// Clippy lints that judge names, which in a generated crate are the spec's: a property `add`
/// gets a setter `add`, a parameter `foo` an argument `foo`, enum values that share a suffix
/// (`image_url`, `video_url`) variants that share it too, and a schema `New` a `New::new`.
const SPEC_NAME_LINTS: [&str; 5] = [
    "disallowed_names",
    "enum_variant_names",
    "self_named_constructors",
    "should_implement_trait",
    "wrong_self_convention",
];

/// Whether the API deprecates a schema, a parameter or an enum value: items the crate's own
/// code names in places a targeted `#[allow]` would have to follow (field types, method
/// signatures, derives, `match` arms).
pub fn deprecates(api: &Api) -> bool {
    let values = |def: &TypeDef| matches!(&def.kind, TypeKind::Enum(e) if e.variants.iter().any(|v| v.deprecated));
    api.types.values().any(|def| def.deprecated || values(def))
        || api.operations.iter().flat_map(|op| &op.parameters).any(|p| p.deprecated)
}

fn lib_rs(api: &Api) -> TokenStream {
    let features = &api.features;
    let lints: Vec<TokenStream> = SPEC_NAME_LINTS
        .iter()
        .map(|lint| {
            let lint = format_ident!("{lint}");
            quote! { clippy::#lint }
        })
        .collect();
    let title =
        format!(" {}", docs::sanitize(&format!("Rust client for the {} (version {}).", api.title, api.version)));
    let description = api.description.as_deref().map(docs::inner_doc_attrs);
    let blank = description.as_ref().map(|_| quote! { #![doc = ""] });
    let example = format!("# Example\n\n```no_run\n{}```", api.example_program);
    let example = example.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #![doc = #line] }
    });
    // `crate::` (a crate may be named `pagination` too), which rustfmt sorts first.
    let pages_export = features.pagination.then(|| quote! { pub use crate::pagination::Pages; });
    let streams = features.streams;
    let parts = features.parts();
    // (name, public, the `cfg` it is declared under): the generator's modules, then the
    // runtime's that the parts bring (under their `cfg` when a real feature decides).
    let mut modules: Vec<(&str, bool, Option<&str>)> =
        vec![("blocking", true, Some("feature = \"blocking\"")), ("client", false, None), ("types", true, None)];
    modules.extend(features.servers.then_some(("servers", true, None)));
    modules.extend(features.webhooks.then_some(("webhooks", true, None)));
    modules.extend(features.resources.then_some(("resources", true, None)));
    for file in parts.files().filter(|file| file.top_level) {
        let cfg = file.cfgs.iter().copied().find(|cfg| parts.holds(cfg).is_none());
        modules.push((file.module, false, cfg));
    }
    modules.sort_by_key(|(name, ..)| *name);
    // A spec without operations (webhooks or schemas only) still gets the whole client, whose
    // runtime then has no caller.
    let unused = api.operations.is_empty();
    let deprecates = deprecates(api);
    let modules = modules.into_iter().map(|(name, public, cfg)| {
        let ident = format_ident!("{name}");
        let vis = public.then(|| quote! { pub });
        let cfg = cfg.and_then(|cfg| format!("#[cfg({cfg})]").parse::<TokenStream>().ok());
        match &api.settings.embed_in {
            Some(dir) => {
                let path = format!("{}/src/{name}.rs", dir.trim_end_matches(['/', '\\']));
                let lints = lints.clone();
                let unused = unused.then(|| quote! { dead_code, unused_imports, });
                let deprecated = deprecates.then(|| quote! { deprecated, });
                quote! { #cfg #[path = #path] #[allow(#unused #deprecated #(#lints),*)] #vis mod #ident; }
            }
            None => quote! { #cfg #[rustfmt::skip] #vis mod #ident; },
        }
    });
    let error_exports = match streams.events() {
        true => quote! { pub use error::{Error, EventFailure, HookError}; },
        false => quote! { pub use error::{Error, HookError}; },
    };
    let stream_names: Vec<&str> = [
        ("ByteStream", streams.any()),
        ("Event", streams.events()),
        ("EventStream", streams.events()),
        ("JsonLines", streams.json_lines),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect();
    let stream_exports = match stream_names.as_slice() {
        [] => quote! {},
        [one] => {
            let one = format_ident!("{one}");
            quote! { pub use stream::#one; }
        }
        names => {
            let names = names.iter().map(|name| format_ident!("{name}"));
            quote! { pub use stream::{#(#names),*}; }
        }
    };
    let unions_export = features.unions.then(|| quote! { pub use unions::Mismatch; });
    let exports = quote! {
        #pages_export
        pub use client::{Client, ClientBuilder};
        #error_exports
        pub use hook::{AttemptInfo, Hook, HookFuture};
        pub use http::{ApiResponse, RequestOptions};
        #stream_exports
        #unions_export
    };
    if api.settings.embed_in.is_some() {
        // Included into another crate's root, which owns the crate-level attributes.
        return quote! { #(#modules)* #exports };
    }
    let unused_runtime = unused.then(|| quote! { #![allow(dead_code, unused_imports)] });
    // With only some tags' features on, the runtime and helpers the others call go unused;
    // `full` (each tag on) still checks that nothing is dead (ARCHITECTURE.md, "Tag features").
    let partial = (!api.tag_features.is_empty() && !unused)
        .then(|| quote! { #![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))] });
    // What the API deprecates is marked for its callers; the crate's own code names those
    // items everywhere (ARCHITECTURE.md, "Deprecations").
    let deprecated = deprecates.then(|| quote! { #![allow(deprecated)] });
    quote! {
        #![doc = #title]
        #blank
        #description
        #![doc = ""]
        #(#example)*
        #![deny(missing_docs)]
        #![allow(#(#lints),*)]
        #unused_runtime
        #partial
        #deprecated

        // The modules are prettyplease's output; `cargo fmt` in a workspace that holds the crate
        // leaves them as generated (ARCHITECTURE.md, "Generated crates stay formatted").
        #(#modules)*

        #exports
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, Input, Source};

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses: {'204': {description: none}}\n";

    #[test]
    fn an_embedded_client_is_modules_with_their_paths_and_no_crate_attributes() {
        let input = Input::spec(Source { name: "t.yaml", text: SPEC });
        let config = Config { embed_in: Some("/out/t/".to_owned()), ..Config::new("host") };
        let output = crate::generate(&input, &config).expect("generates");
        let paths: Vec<&str> = output.files.iter().map(|f| f.path.as_str()).collect();
        assert!(!paths.contains(&"Cargo.toml") && !paths.contains(&"README.md"), "{paths:?}");
        let lib = output.files.iter().find(|f| f.path == "src/lib.rs").expect("a lib.rs");
        assert!(!lib.contents.contains("#!") && !lib.contents.contains("//!"), "{}", lib.contents);
        assert!(lib.contents.contains("#[path = \"/out/t/src/types.rs\"]"), "{}", lib.contents);
        for module in paths.iter().filter_map(|p| p.strip_prefix("src/")).filter(|p| *p != "lib.rs") {
            assert!(lib.contents.contains(&format!("/out/t/src/{module}\"")), "{module} is not declared");
        }
        let standalone = crate::generate(&input, &Config::new("host")).expect("generates");
        assert_eq!(standalone.files.len(), output.files.len() + 2);
    }

    /// The type scope gives a spec type named like one of the crate's root items another
    /// name (`naming::CRATE_ROOT_NAMES`): that list must hold every name `lib.rs` exports,
    /// here with the most parts (event streams, pages) a crate can have.
    #[test]
    fn the_names_the_crate_root_exports_are_the_reserved_ones() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /events:\n    get:\n      operationId: events\n      responses:\n        '200':\n          description: ok\n          content:\n            text/event-stream:\n              schema: {type: object, properties: {id: {type: integer}}}\n  /items:\n    get:\n      operationId: items\n      x-dropshot-pagination: true\n      parameters:\n        - {in: query, name: page_token, schema: {type: string, nullable: true}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                required: [items]\n                properties:\n                  items: {type: array, items: {type: string}}\n                  next_page: {type: string, nullable: true}\n";
        let output =
            crate::generate(&Input::spec(Source { name: "t.yaml", text: spec }), &Config::new("t")).expect("generates");
        let lib = output.files.iter().find(|f| f.path == "src/lib.rs").expect("a lib.rs");
        let mut exported = Vec::new();
        for line in lib.contents.lines().filter_map(|line| line.trim().strip_prefix("pub use ")) {
            let names = line.trim_end_matches(';').rsplit("::").next().unwrap_or_default();
            exported.extend(names.trim_matches(['{', '}']).split(',').map(|name| name.trim().to_owned()));
        }
        for name in ["Pages", "EventStream", "EventFailure", "Error", "Client"] {
            assert!(exported.iter().any(|e| e == name), "{name} among {exported:?}");
        }
        for name in &exported {
            assert!(crate::naming::CRATE_ROOT_NAMES.contains(&name.as_str()), "{name} is not reserved");
        }
    }
}
