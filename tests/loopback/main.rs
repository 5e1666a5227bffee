//! The generated clients against servers on this machine, one module per subject, in one test
//! binary (one link instead of eighteen). The ignored tests need Prism (Node.js) or the Django
//! REST framework server (Python), which `cargo xtask test external` installs and runs. The TLS
//! test is a binary of its own (`tls.rs`): it watches the process-wide TLS provider.

mod accept;
mod body_encodings;
mod creatify_client;
mod creatify_env;
mod drf_contract;
mod error_schema;
mod expandable;
mod extra_properties;
mod hostile_server;
mod http_client;
mod load;
mod newtypes;
mod openapi32;
mod pagination;
mod path_query;
mod prism_contract;
mod recording;
mod servers;
mod shadowing;
mod streams;
mod styles;
mod swagger2;
mod tracing;
mod transport;
mod unions;
mod unions_named;
mod uploads;
mod webhooks;
