//! Golden tests: every `tests/fixtures/*.ics` is expanded over the window in `cases.json` and
//! compared with `<name>.blocks.json` (the exact `calendar inspect --json` shape).
//!
//! To re-create the expected files after an intended change, run
//! `BLESS=1 cargo test -p relay-calendar --test golden` and review the diff. Blessing is
//! refused when `CI` is set, so CI can only compare.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use relay_calendar::{expand, parse_bytes, BlocksDocument, ExpandOptions, Limits, Window};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    about: String,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tz: String,
    #[serde(default)]
    owner: Vec<String>,
    /// Substrings that must each appear in one warning; absent: there must be no warnings.
    #[serde(default)]
    warnings: Vec<String>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(fixtures().join("cases.json")).expect("read cases.json");
    serde_json::from_str(&text).expect("cases.json is a list of cases")
}

fn bless_requested() -> bool {
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    assert!(
        !(bless && std::env::var_os("CI").is_some()),
        "BLESS=1 is refused under CI: expected files are only updated by hand"
    );
    bless
}

fn run(case: &Case) -> (String, Vec<String>) {
    let bytes = std::fs::read(fixtures().join(&case.file)).expect("read fixture");
    let parsed = parse_bytes(&bytes, &Limits::default())
        .unwrap_or_else(|e| panic!("{}: parse failed: {e}", case.file));
    let zone = chrono_tz::Tz::from_str(&case.tz).expect("case tz is an IANA name");
    let options = ExpandOptions {
        default_zone: zone,
        owner_addresses: case.owner.clone(),
        limits: Limits::default(),
    };
    let expansion = expand(&parsed.calendar, Window::new(case.from, case.to), &options)
        .unwrap_or_else(|e| panic!("{}: expand failed: {e}", case.file));
    let warnings = parsed
        .warnings
        .iter()
        .chain(&expansion.warnings)
        .map(ToString::to_string)
        .collect();
    (
        BlocksDocument::from_blocks(&expansion.blocks).to_json_pretty(),
        warnings,
    )
}

#[test]
fn fixtures_expand_to_their_golden_blocks() {
    let cases = load_cases();
    assert!(
        cases.len() >= 15,
        "the corpus must keep at least 15 fixtures"
    );
    let bless = bless_requested();
    let mut failures = Vec::new();
    for case in &cases {
        let (actual, warnings) = run(case);
        let expected_path = fixtures().join(case.file.replace(".ics", ".blocks.json"));
        if bless {
            std::fs::write(&expected_path, &actual).expect("write golden file");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!(
                "{} has no {}; run with BLESS=1 once and review it",
                case.file,
                expected_path.display()
            )
        });
        let want: BlocksDocument = serde_json::from_str(&expected).expect("golden file is valid");
        let got: BlocksDocument = serde_json::from_str(&actual).expect("output is valid");
        if want != got {
            failures.push(format!(
                "{} ({})\n--- expected\n{expected}--- actual\n{actual}",
                case.file, case.about
            ));
        }
        // Each expected substring matches a warning, and each warning is expected.
        let unmatched_needles: Vec<&String> = case
            .warnings
            .iter()
            .filter(|n| !warnings.iter().any(|w| w.contains(n.as_str())))
            .collect();
        let unexpected: Vec<&String> = warnings
            .iter()
            .filter(|w| !case.warnings.iter().any(|n| w.contains(n.as_str())))
            .collect();
        if !unmatched_needles.is_empty() || !unexpected.is_empty() {
            failures.push(format!(
                "{}: expected warnings not seen: {unmatched_needles:#?}; unexpected warnings: \
                 {unexpected:#?}",
                case.file
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_fixture_has_a_case() {
    let cases = load_cases();
    for entry in std::fs::read_dir(fixtures()).expect("fixtures dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".ics") {
            assert!(
                cases.iter().any(|c| c.file == name),
                "{name} is not listed in cases.json"
            );
        }
    }
}
