//! `ui/src/generated/bindings.ts` must be what the Rust types generate today. CI runs
//! `cargo test`, so a stale file fails CI; `UPDATE_BINDINGS=1` rewrites it instead.

use std::path::PathBuf;

use relay_api::bindings::{generate, BINDINGS_PATH, REGENERATE};

fn bindings_file() -> PathBuf {
    // CARGO_MANIFEST_DIR is src-tauri/crates/relay-api; the file is relative to the repo root.
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .join(BINDINGS_PATH)
}

#[test]
fn the_committed_bindings_are_up_to_date() {
    let generated = generate();
    let path = bindings_file();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let dir = path.parent().expect("the bindings path has a directory");
        std::fs::create_dir_all(dir).expect("create ui/src/generated");
        std::fs::write(&path, &generated).expect("write the bindings");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let first_difference = committed
            .lines()
            .zip(generated.lines())
            .position(|(old, new)| old != new)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "{BINDINGS_PATH} is stale (first difference at line {}): the Rust types of the \
             commands changed. Regenerate it with `{REGENERATE}` from the repository root, \
             then run `npm --prefix ui run build` and commit both.",
            first_difference + 1
        );
    }
}

#[test]
fn every_command_and_event_type_is_declared() {
    let generated = generate();
    for name in [
        "AppInfo",
        "StatusView",
        "ConfigFile",
        "Rule",
        "Targets",
        "ConnectionView",
        "ConnectionInput",
        "ConnectionTestReport",
        "SignalView",
        "AuditEntry",
        "AuditQuery",
        "ControlRequest",
        "SaveOutcome",
        "ValidationReport",
        "RulesPreview",
        "PreviewState",
        "UiError",
        "Pin",
    ] {
        assert!(
            generated.contains(&format!("export type {name} = ")),
            "{name} is missing"
        );
    }
    assert!(generated.contains("export const INTENT_VALUES: readonly Intent[] = [\"available\""));
    assert!(generated.contains("\"status-changed\": StatusView;"));
    assert!(
        generated.contains("config_save: { args: { config: ConfigFile }; result: SaveOutcome };")
    );
    assert!(generated
        .contains("rules_preview: { args: { config: ConfigFile }; result: RulesPreview };"));
}

/// The declaration blocks of the file, as `(type name, text)`.
fn declarations(generated: &str) -> Vec<(String, String)> {
    generated
        .split("\n\n")
        .filter_map(|block| {
            let start = block.find("export type ")?;
            let name = block[start + "export type ".len()..]
                .split([' ', '='])
                .next()?
                .to_owned();
            Some((name, block.to_owned()))
        })
        .collect()
}

#[test]
fn no_secret_has_a_way_back() {
    let generated = generate();
    let secret_field = |text: &str| {
        ["secret:", "secret?:", "password:", "password?:"]
            .iter()
            .any(|field| text.contains(field))
    };
    let blocks = declarations(&generated);
    assert!(blocks.len() > 40, "the file splits into declarations");
    // Write-only inputs (Deserialize only on the Rust side) are the only places for one.
    let with_secrets: Vec<&str> = blocks
        .iter()
        .filter(|(_, text)| secret_field(text))
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(with_secrets, ["CredentialInput"]);
}
