//! Emit stage: the model to token streams (Rust files) and text (Cargo.toml, README.md).
//!
//! Emission reads only the model and the [`Config`]; it never sees the spec.

mod blocking;
mod client;
mod docs;
mod http;
mod manifest;
mod operations;
pub mod runtime;
mod types;
mod validate;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::Config;
use crate::model::*;

pub use docs::sanitize as sanitize_doc;

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
    /// A file of the runtime (`src/http.rs`, `src/error.rs`, …), with the parts the API needs.
    Runtime(&'static str),
}

/// The files the crate for `api` has, in a fixed order.
pub fn file_kinds(api: &Api) -> Vec<FileKind> {
    use FileKind::*;
    let features = Features::of(api);
    let mut kinds = vec![Manifest, Readme, Lib, Client, Blocking, Types];
    for file in &runtime::FILES {
        let wanted = match file.path {
            "src/validate.rs" => features.validation,
            "src/support.rs" => features.decimal || features.files || types::needs_nullable(api),
            _ => true,
        };
        if wanted {
            kinds.push(Runtime(file.path));
        }
    }
    kinds
}

/// Emits one file of the client crate.
pub fn emit_file(api: &Api, config: &Config, kind: FileKind) -> EmittedFile {
    let features = Features::of(api);
    match kind {
        FileKind::Manifest => EmittedFile::Text { path: "Cargo.toml", text: manifest::cargo_toml(api, config, &features) },
        FileKind::Readme => EmittedFile::Text { path: "README.md", text: manifest::readme(api, config, &features) },
        FileKind::Lib => EmittedFile::Rust { path: "src/lib.rs", tokens: lib_rs(api, config, &features) },
        FileKind::Client => {
            let methods = operations::methods(api, config);
            EmittedFile::Rust { path: "src/client.rs", tokens: client::emit_client(api, config, &methods) }
        }
        FileKind::Blocking => {
            let methods = operations::methods(api, config);
            EmittedFile::Rust { path: "src/blocking.rs", tokens: blocking::blocking_rs(api, &methods) }
        }
        FileKind::Types => EmittedFile::Rust { path: "src/types.rs", tokens: types::emit_types(api, &features) },
        FileKind::Runtime(path) => {
            EmittedFile::Source { path, text: runtime::Parts::of(api, config, &features).file(path) }
        }
    }
}

/// The number of parts `types.rs` is emitted in (see [`emit_types_part`]).
pub const TYPE_PARTS: usize = types::TYPE_PARTS;

/// One part of `types.rs`; the parts, formatted and joined in order, are the whole file.
pub fn emit_types_part(api: &Api, part: usize) -> TokenStream {
    types::emit_types_part(api, &Features::of(api), part)
}

/// Emits every file of the client crate, one after the other.
pub fn emit(api: &Api, config: &Config) -> Vec<EmittedFile> {
    file_kinds(api).into_iter().map(|kind| emit_file(api, config, kind)).collect()
}

/// What the generated crate needs, found by looking through the model once.
#[derive(Debug, Default)]
pub struct Features {
    /// Some type uses `uuid::Uuid`.
    pub uuid: bool,
    /// Some type uses chrono.
    pub chrono: bool,
    /// Some type is a decimal (`format: decimal`): the crate has a `Decimal` type.
    pub decimal: bool,
    /// Some field has a `pattern`.
    pub patterns: bool,
    /// Some request value has a constraint.
    pub validation: bool,
    /// Some field is binary (`format: binary`): the crate has a `File` type.
    pub files: bool,
    /// The request-body encodings operations send.
    pub encodings: http::Encodings,
    /// Some error response is declared with the shape of a Django REST framework error
    /// (`detail`, or `non_field_errors`).
    pub drf_errors: bool,
}

impl Features {
    fn of(api: &Api) -> Self {
        let mut features = Features {
            encodings: http::Encodings::of(api),
            drf_errors: http::drf_errors(api),
            ..Features::default()
        };
        for def in api.types.values() {
            for view in def.views.iter().filter(|view| view.validates()) {
                features.validation = true;
                features.patterns |= def.fields_of(view).any(|(f, _)| f.constraints.pattern.is_some());
            }
            match &def.kind {
                TypeKind::Struct(s) => {
                    for f in &s.fields {
                        features.scan(&f.ty);
                    }
                }
                TypeKind::Alias(target) | TypeKind::Newtype(target) => features.scan(target),
                TypeKind::Union(u) => {
                    for v in &u.variants {
                        features.scan(&v.ty);
                    }
                }
                TypeKind::Enum(_) => {}
            }
        }
        // Parameters, bodies and responses may be scalars that no named type holds.
        for op in &api.operations {
            let bodies = op.body.iter().flat_map(|b| b.content.values());
            let responses = op.responses.values().flat_map(|r| r.content.values());
            for ty in op.parameters.iter().map(|p| &p.ty).chain(bodies).chain(responses) {
                features.scan(ty);
            }
        }
        features
    }

    fn scan(&mut self, ty: &TypeRef) {
        match ty {
            TypeRef::Scalar(Scalar::Uuid) => self.uuid = true,
            TypeRef::Scalar(Scalar::DateTime | Scalar::Date) => self.chrono = true,
            TypeRef::Scalar(Scalar::Decimal) => self.decimal = true,
            TypeRef::Scalar(Scalar::Bytes) => self.files = true,
            TypeRef::List(inner) | TypeRef::Map(inner) => self.scan(inner),
            _ => {}
        }
    }
}

/// A Rust type as the generated code spells it.
#[derive(Debug, Clone)]
pub struct RustType {
    /// The owned type (`String`, `Vec<types::Pet>`).
    pub owned: TokenStream,
    /// The type an argument takes (`&str`, `&[types::Pet]`, `i64`).
    pub borrowed: TokenStream,
    /// A `String`: setters take `impl Into<String>`.
    pub into_string: bool,
    /// Printable with `Display` (scalars and enums): usable in a path or query string.
    pub display: bool,
}

/// Spells `ty` as the views of `direction` name it (see [`Side::names`]); named types are
/// prefixed by `prefix` (`types::`).
pub fn rust_type(api: &Api, ty: &TypeRef, direction: Direction, prefix: &TokenStream) -> RustType {
    let copy = |owned: TokenStream| RustType { borrowed: owned.clone(), owned, into_string: false, display: true };
    match ty {
        TypeRef::Scalar(scalar) => match scalar {
            Scalar::String | Scalar::Uri => RustType {
                owned: quote! { String },
                borrowed: quote! { &str },
                into_string: true,
                display: true,
            },
            Scalar::Bool => copy(quote! { bool }),
            Scalar::I32 => copy(quote! { i32 }),
            Scalar::I64 => copy(quote! { i64 }),
            Scalar::F32 => copy(quote! { f32 }),
            Scalar::F64 => copy(quote! { f64 }),
            Scalar::Uuid => copy(quote! { uuid::Uuid }),
            Scalar::DateTime => copy(quote! { chrono::DateTime<chrono::Utc> }),
            Scalar::Date => copy(quote! { chrono::NaiveDate }),
            Scalar::Decimal => RustType {
                owned: quote! { #prefix Decimal },
                borrowed: quote! { &#prefix Decimal },
                into_string: false,
                display: true,
            },
            // A binary field is a file (a part of its own in multipart bodies).
            Scalar::Bytes => RustType {
                owned: quote! { #prefix File },
                borrowed: quote! { &#prefix File },
                into_string: false,
                display: false,
            },
        },
        TypeRef::Named(id) => match api.types.get(id) {
            Some(def) => {
                let name = ident(&def.view(direction).name);
                let display = matches!(def.kind, TypeKind::Enum(_));
                RustType {
                    owned: quote! { #prefix #name },
                    borrowed: quote! { &#prefix #name },
                    into_string: false,
                    display,
                }
            }
            None => rust_type(api, &TypeRef::Any, direction, prefix),
        },
        TypeRef::List(inner) => {
            let inner = rust_type(api, inner, direction, prefix).owned;
            RustType {
                owned: quote! { Vec<#inner> },
                borrowed: quote! { &[#inner] },
                into_string: false,
                display: false,
            }
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(api, inner, direction, prefix).owned;
            let owned = quote! { std::collections::BTreeMap<String, #inner> };
            RustType { borrowed: quote! { &#owned }, owned, into_string: false, display: false }
        }
        TypeRef::Any => RustType {
            owned: quote! { serde_json::Value },
            borrowed: quote! { &serde_json::Value },
            into_string: false,
            display: false,
        },
    }
}

/// An identifier from a name the naming funnel produced (`r#type` becomes a raw identifier).
pub fn ident(name: &str) -> Ident {
    let valid = crate::naming::is_identifier(name);
    match name.strip_prefix("r#") {
        Some(bare) if valid => Ident::new_raw(bare, Span::call_site()),
        _ if valid => Ident::new(name, Span::call_site()),
        // Unreachable for names from the funnel; never panic on the rest.
        _ => Ident::new(&crate::naming::field_name(name).replace("r#", "raw_"), Span::call_site()),
    }
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

fn lib_rs(api: &Api, config: &Config, features: &Features) -> TokenStream {
    let lints = SPEC_NAME_LINTS.iter().map(|lint| {
        let lint = format_ident!("{lint}");
        quote! { clippy::#lint }
    });
    let title = format!(" {}", docs::sanitize(&format!("Rust client for the {} (version {}).", api.title, api.version)));
    let description = api.description.as_deref().map(docs::inner_doc_attrs);
    let blank = description.as_ref().map(|_| quote! { #![doc = ""] });
    let example = manifest::crate_doc_example(api, config);
    let example = example.lines().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #![doc = #line] }
    });
    let validate = features.validation.then(|| quote! { #[rustfmt::skip] mod validate; });
    let support = (features.decimal || features.files || types::needs_nullable(api))
        .then(|| quote! { #[rustfmt::skip] mod support; });
    // A spec without operations (webhooks or schemas only) still gets the whole client, whose
    // runtime then has no caller.
    let unused_runtime = api.operations.is_empty().then(|| quote! { #![allow(dead_code, unused_imports)] });
    quote! {
        #![doc = #title]
        #blank
        #description
        #![doc = ""]
        #(#example)*
        #![deny(missing_docs)]
        #![allow(#(#lints),*)]
        #unused_runtime

        // The modules are prettyplease's output; `cargo fmt` in a workspace that holds the crate
        // leaves them as generated (ARCHITECTURE.md, "Generated crates stay formatted").
        #[cfg(feature = "blocking")]
        #[rustfmt::skip]
        pub mod blocking;
        #[rustfmt::skip]
        mod client;
        #[rustfmt::skip]
        mod decode;
        #[rustfmt::skip]
        mod error;
        #[rustfmt::skip]
        mod http;
        #[cfg(feature = "blocking")]
        #[rustfmt::skip]
        mod runner;
        #support
        #[rustfmt::skip]
        pub mod types;
        #validate

        pub use client::{Client, ClientBuilder};
        pub use error::Error;
        pub use http::{ApiResponse, RequestOptions};
    }
}
