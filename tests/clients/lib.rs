//! A test client, generated from its rule fixture by `tests/clients/build.rs` and included here.

include!(concat!(env!("OUT_DIR"), "/client/src/lib.rs"));
