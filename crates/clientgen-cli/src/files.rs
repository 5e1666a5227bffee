//! Writing a generated crate into a folder, and comparing a folder with what would be written.

use std::collections::HashSet;
use std::fs;
use std::path::{Component, Path};

use clientgen::GeneratedFile;

/// The files under `dir` that differ from `files` (or are missing), then those the generator
/// does not write ([`extra_files`]), by relative path.
pub fn stale_files(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let mut stale: Vec<String> = files
        .iter()
        .filter(|file| fs::read_to_string(dir.join(&file.path)).ok().as_deref() != Some(file.contents.as_str()))
        .map(|file| file.path.clone())
        .collect();
    stale.extend(extra_files(dir, files));
    stale
}

/// The files under `dir` that are not among `files`, by relative path with `/` separators,
/// sorted: what a generator that once wrote them left behind. Cargo's own `target/` folder and
/// `Cargo.lock` (unless generated) are not the generator's business and are left out.
pub fn extra_files(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let generated: HashSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let mut extra = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        let Ok(entries) = fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
            if is_dir {
                if relative != "target" {
                    pending.push((entry.path(), format!("{relative}/")));
                }
            } else if !generated.contains(relative.as_str()) && relative != "Cargo.lock" {
                extra.push(relative);
            }
        }
    }
    extra.sort();
    extra
}

/// Writes `files` under `dir`, creating folders, and touching only files whose contents
/// change; returns how many were written.
///
/// Every path is relative and free of `..`: output never lands outside `dir`.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<usize> {
    let mut written = 0;
    for file in files {
        let relative = Path::new(&file.path);
        let safe = relative.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(std::io::Error::other(format!("refusing to write outside the output folder: {}", file.path)));
        }
        let path = dir.join(relative);
        if fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.contents)?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile { path: path.to_owned(), contents: contents.to_owned() }
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("clientgen-cli-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn files_the_generator_no_longer_writes_are_stale() {
        let dir = scratch("extra");
        let files = [file("Cargo.toml", "[package]\n"), file("src/lib.rs", "//! A crate.\n")];
        write_files(&dir, &files).expect("written");
        assert!(stale_files(&dir, &files).is_empty());
        for leftover in ["src/old.rs", "src/nested/gone.rs", "README.md", "target/debug/x", "Cargo.lock"] {
            let path = dir.join(leftover);
            fs::create_dir_all(path.parent().expect("has a parent")).expect("folder made");
            fs::write(&path, "left behind").expect("written");
        }
        let extra = extra_files(&dir, &files);
        let stale = stale_files(&dir, &files);
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(extra, ["README.md", "src/nested/gone.rs", "src/old.rs"]);
        assert_eq!(stale, extra);
    }

    #[test]
    fn only_changed_files_are_written_and_nothing_outside_the_folder() {
        let dir = scratch("write");
        let files = [file("a.rs", "one"), file("b/c.rs", "two")];
        assert_eq!(write_files(&dir, &files).expect("written"), 2);
        let changed = [file("a.rs", "one"), file("b/c.rs", "three")];
        assert_eq!(write_files(&dir, &changed).expect("written"), 1);
        let escape = write_files(&dir, &[file("../evil.rs", "x")]).expect_err("refused");
        let _ = fs::remove_dir_all(&dir);
        assert!(escape.to_string().contains("../evil.rs"), "{escape}");
    }
}
