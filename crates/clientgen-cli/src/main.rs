//! `clientgen`: generate a Rust client crate from an OpenAPI description, or check one is fresh.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use clientgen_cli::{Overrides, Request};

/// Codegen allocates millions of small token trees from several threads at once; glibc's
/// allocator spent a third of a large spec's run in malloc, free and fresh pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(version, about = "OpenAPI → Rust client generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a client crate into a folder, or check the folder holds it already.
    ///
    /// Exits with 0 when the crate was written (or, with --check, is up to date), 1 when the
    /// spec, an overlay or the settings have an error or a file is stale, 2 on a usage error.
    Generate {
        /// The OpenAPI 3.0/3.1 description, YAML or JSON.
        #[arg(long, value_name = "FILE")]
        spec: PathBuf,
        /// An OpenAPI Overlay 1.0 document to apply to the spec; repeat to apply several, in
        /// order.
        #[arg(long, value_name = "FILE")]
        overlay: Vec<PathBuf>,
        /// The folder to write the crate into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The crate's name (or `name` under [package] in the settings file).
        #[arg(long, value_name = "CRATE")]
        name: Option<String>,
        /// A TOML settings file: [package] name, version, spec-sha256, description, license,
        /// repository, keywords, categories, rust-version; [client] env-prefix,
        /// user-agent-product, drf-errors, tag-features. Flags win over it.
        #[arg(long, value_name = "FILE")]
        settings: Option<PathBuf>,
        /// Write nothing; exit with 1, naming each stale file, when the folder is not what the
        /// generator would write.
        #[arg(long)]
        check: bool,
        /// The crate's version (default 0.1.0).
        #[arg(long = "crate-version", value_name = "VERSION")]
        version: Option<String>,
        /// The crate's description (default: from the spec's title).
        #[arg(long)]
        description: Option<String>,
        /// The crate's license expression (default MIT OR Apache-2.0).
        #[arg(long)]
        license: Option<String>,
        /// Where the crate's source lives (the manifest's `repository`).
        #[arg(long, value_name = "URL")]
        repository: Option<String>,
        /// The prefix of the environment variables `Client::from_env` reads (default: the
        /// crate's name in capitals).
        #[arg(long, value_name = "PREFIX")]
        env_prefix: Option<String>,
        /// The product part of the User-Agent header, sent as PRODUCT/VERSION (default: the
        /// crate's name).
        #[arg(long, value_name = "PRODUCT")]
        user_agent_product: Option<String>,
        /// The server sends Django REST framework error bodies the spec does not declare: read
        /// them into the errors' messages.
        #[arg(long)]
        drf_errors: bool,
        /// A cargo feature per tag, for large APIs: `auto` (on from 100 operations in two
        /// tags or more), `on` or `off` (default auto).
        #[arg(long, value_name = "auto|on|off", value_parser = ["auto", "on", "off"])]
        tag_features: Option<String>,
    },
}

fn main() -> ExitCode {
    let Command::Generate {
        spec,
        overlay,
        out,
        name,
        settings,
        check,
        version,
        description,
        license,
        repository,
        env_prefix,
        user_agent_product,
        drf_errors,
        tag_features,
    } = Cli::parse().command;
    let overrides = Overrides {
        name,
        version,
        description,
        license,
        repository,
        env_prefix,
        user_agent_product,
        drf_errors,
        tag_features,
    };
    let request = Request { spec, overlays: overlay, settings, overrides };
    let rerun = "clientgen generate (the same arguments, without --check)";
    clientgen_cli::write_or_check(check, clientgen_cli::generate(&request), &out, rerun)
}
