//! The runtime of generated clients, as ordinary Rust.
//!
//! clientgen embeds the files of this crate (all but this one) and writes them into every
//! generated crate, keeping only the parts the API needs: each selectable item carries
//! `#[cfg(feature = "…")]`, and the generator keeps it (dropping the attribute) or drops it.
//! Tests (`#[cfg(test)]`) are never copied. The module layout here is a generated crate's, so
//! the files compile unchanged in both places. The `mod` lines below are the generator's list
//! of the runtime's files: a file comes with the parts its line's `#[cfg(…)]` names (or always),
//! and a module that only a real feature of the generated crate turns on (`blocking`) is copied
//! and declared under the same `cfg`.
//!
//! Generated code calls into the runtime; the runtime calls generated code only through
//! [`session::Session`], which the generated `Client` implements, and `builder.rs` adds the
//! methods every crate's `Client` and `ClientBuilder` share to those types (declared here by
//! stand-ins). Its items are `pub(crate)`, called from generated code, so this crate alone
//! leaves most of them unused; the generated crates, compiled with their warnings denied, show
//! that each part they keep is used.
#![allow(dead_code)]
// The runtime's docs link to the generated client (`crate::Client`), which exists only there.
#![allow(rustdoc::broken_intra_doc_links)]

mod address;
mod builder;
mod decode;
mod error;
#[cfg(feature = "expandable")]
mod expandable;
mod hook;
mod http;
#[cfg(feature = "pagination")]
mod pagination;
#[cfg(any(
    feature = "param-path",
    feature = "param-query",
    feature = "param-header",
    feature = "param-cookie",
    feature = "form-styles"
))]
mod param;
mod request;
mod retry;
#[cfg(feature = "blocking")]
mod runner;
mod send;
mod session;
#[cfg(feature = "byte-stream")]
mod stream;
#[cfg(any(feature = "decimal", feature = "file", feature = "nullable", feature = "upload"))]
mod support;
mod transport;
#[cfg(feature = "unions")]
mod unions;
#[cfg(feature = "validation")]
mod validate;
#[cfg(feature = "webhooks")]
mod webhook;

pub use client::{Client, ClientBuilder};
#[cfg(feature = "events")]
pub use error::EventFailure;
pub use error::{Error, HookError};
pub use hook::{AttemptInfo, Hook, HookFuture};
pub use http::{ApiResponse, RequestOptions};
#[cfg(feature = "pagination")]
pub use pagination::Pages;
#[cfg(feature = "byte-stream")]
pub use stream::ByteStream;
#[cfg(feature = "json-lines")]
pub use stream::JsonLines;
#[cfg(feature = "events")]
pub use stream::{Event, EventStream};
#[cfg(feature = "unions")]
pub use unions::Mismatch;
#[cfg(feature = "webhooks")]
pub use webhook::WebhookError;
#[cfg(feature = "webhook-signatures")]
pub use webhook::{Secret, SecretError, SignatureFailure};

/// What `types` re-exports in a generated crate.
pub mod types {
    #[cfg(feature = "expandable")]
    pub use crate::expandable::{Expandable, HasId};
    #[cfg(feature = "upload")]
    pub use crate::support::ByteSource;
    #[cfg(feature = "file")]
    pub use crate::support::File;
    #[cfg(feature = "nullable")]
    pub use crate::support::Nullable;
    #[cfg(feature = "decimal")]
    pub use crate::support::{Decimal, ParseDecimalError};

    #[cfg(feature = "error-body")]
    /// Stands in for the error body type a generated crate declares in its `types` (an enum of
    /// the API's error schemas, or the one schema when they all agree), which `Error::Api`
    /// holds; here, any JSON value.
    #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
    pub struct ErrorBody(pub serde_json::Value);
}

/// Stands in for a generated crate's `client` module: its `Client` and `ClientBuilder` hold
/// the runtime's half (`core`, `settings`) beside their credentials, which `builder.rs` reads.
mod client {
    /// Stands in for the generated client.
    #[derive(Clone)]
    pub struct Client {
        pub(crate) core: crate::session::Core,
        pub(crate) credentials: Credentials,
    }

    /// Stands in for the generated client's builder.
    #[derive(Debug, Default)]
    pub struct ClientBuilder {
        pub(crate) settings: crate::builder::Settings,
        pub(crate) credentials: Credentials,
    }

    /// Stands in for the generated credentials (none here).
    #[derive(Debug, Clone, Default)]
    pub(crate) struct Credentials;
}
