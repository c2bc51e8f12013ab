//! Looking for secrets where they must never be: files and captured output.

use std::fs;
use std::path::PathBuf;

use base64::Engine as _;

use super::relay::{files_under, Run};

/// Something that must not appear, and what to call it in a finding.
#[derive(Clone, Debug)]
pub struct Needle {
    pub name: String,
    pub text: String,
}

impl Needle {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let needle = Self {
            name: name.into(),
            text: text.into(),
        };
        assert!(
            needle.text.len() >= 8,
            "needle {} is too short to mean anything",
            needle.name
        );
        needle
    }
}

/// How every JWT starts (`{"` in base64url): access tokens and client assertions alike.
pub const JWT_START: &str = "eyJ";

/// The needles of a secret: the text itself.
pub fn secret(name: &str, value: &str) -> Vec<Needle> {
    vec![Needle::new(name, value)]
}

/// The needles of a PEM private key: each full line of its base64 body, the body run together
/// (as a log might print it), and its DER bytes as Rust's `{:?}` and hex would show them, taken
/// from inside the key material (the first bytes are a header every RSA key shares).
pub fn private_key(name: &str, pem: &str) -> Vec<Needle> {
    let body: Vec<&str> = pem
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("-----"))
        .collect();
    let mut needles: Vec<Needle> = body
        .iter()
        .filter(|line| line.len() >= 40)
        .map(|line| Needle::new(format!("{name} (PEM line)"), *line))
        .collect();
    let joined = body.concat();
    needles.push(Needle::new(
        format!("{name} (PEM body without line breaks)"),
        &joined[64..128.min(joined.len())],
    ));
    let der = base64::engine::general_purpose::STANDARD
        .decode(&joined)
        .expect("a PEM body is base64");
    let inner = &der[128..160];
    let debug = format!("{inner:?}");
    needles.push(Needle::new(
        format!("{name} (DER as Debug)"),
        debug.trim_start_matches('[').trim_end_matches(']'),
    ));
    let hex: String = inner.iter().map(|byte| format!("{byte:02x}")).collect();
    needles.push(Needle::new(format!("{name} (DER as hex)"), hex));
    needles
}

/// Every place under `dirs` and in `runs` where a needle or a JWT appears.
pub fn findings(dirs: &[PathBuf], runs: &[Run], needles: &[Needle]) -> Vec<String> {
    let mut found = Vec::new();
    let mut check = |place: String, text: &str| {
        for needle in needles {
            if text.contains(&needle.text) {
                found.push(format!("{} in {place}", needle.name));
            }
        }
        if let Some(at) = text.find(JWT_START) {
            let end = (at + 40).min(text.len());
            found.push(format!(
                "something shaped like a token ({}…) in {place}",
                text.get(at..end).unwrap_or(JWT_START)
            ));
        }
    };
    for dir in dirs {
        for file in files_under(dir) {
            let bytes = fs::read(&file).unwrap_or_default();
            check(file.display().to_string(), &String::from_utf8_lossy(&bytes));
        }
    }
    for run in runs {
        let command = run.args.join(" ");
        check(format!("stdout of `{command}`"), &run.stdout);
        check(format!("stderr of `{command}`"), &run.stderr);
    }
    found
}
