//! Fails when the committed client is not what the generator writes today.

#[test]
fn committed_clients_are_fresh() {
    for krate in xtask::COMMITTED {
        let output = (krate.generate)().expect("the committed crate generates");
        let stale = xtask::stale_files(&xtask::project_root().join(krate.dir), &output.files);
        assert!(stale.is_empty(), "{} is stale in {stale:?}: run `cargo xtask codegen`", krate.dir);
    }
}

#[test]
fn a_hand_edit_is_reported_by_file() {
    let output = xtask::generate_creatify().expect("the embedded spec generates");
    let dir = std::env::temp_dir().join(format!("creatify-edit-{}", std::process::id()));
    xtask::write_files(&dir, &output.files).expect("scratch copy written");
    let types = dir.join("src").join("types.rs");
    let edited = std::fs::read_to_string(&types).expect("types.rs exists") + "\n// a hand edit\n";
    std::fs::write(&types, edited).expect("edit written");
    let stale = xtask::stale_files(&dir, &output.files);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(stale, ["src/types.rs"]);
}
