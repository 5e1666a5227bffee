//! Debug aid: prints the raw tokens of each emitted Rust file of a spec.
fn main() {
    let path = std::env::args().nth(1).expect("spec path");
    let text = std::fs::read_to_string(&path).expect("read");
    let config = clientgen::Config::new("dump", &path);
    let lowered = clientgen::lower_text(&text, &config).expect("lower");
    for file in clientgen::emit::emit(&lowered.api, &config) {
        if let clientgen::emit::EmittedFile::Rust { path, tokens } = file {
            println!("==== {path}\n{tokens}");
        }
    }
}
