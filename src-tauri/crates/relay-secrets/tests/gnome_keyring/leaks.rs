//! Looks through directory trees for secret bytes, and for files that should not exist.

use std::fs;
use std::path::{Path, PathBuf};

/// Every regular file under `root` (symlinks and sockets are not followed or read).
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    found
}

/// "FILE holds WHAT" for every needle found in a file under `root`.
pub fn scan(root: &Path, needles: &[(&'static str, Vec<u8>)]) -> Vec<String> {
    let mut findings = Vec::new();
    for file in files_under(root) {
        let Ok(bytes) = fs::read(&file) else {
            continue;
        };
        for (what, needle) in needles {
            if contains(&bytes, needle) {
                findings.push(format!("{} holds {what}", file.display()));
            }
        }
    }
    findings
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}
