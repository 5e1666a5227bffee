//! Fuzz target: arbitrary bytes, read as text, through the whole pipeline (`clientgen::generate`).
//!
//! A line `#%overlay` (a YAML comment, so a spec alone is unaffected) splits the text: what
//! follows each such line is an overlay applied to the spec before it.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split("\n#%overlay\n");
    let spec = parts.next().unwrap_or_default();
    let overlays: Vec<String> = parts.map(str::to_owned).collect();
    clientgen_fuzz::check(spec, &overlays);
});
