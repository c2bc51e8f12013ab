//! The checked-in docs must match the code: the JSON Schema and the example in docs/CONFIG.md.

use std::path::PathBuf;

fn docs_file(name: &str) -> (PathBuf, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../docs")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    (path, text)
}

#[test]
fn the_checked_in_schema_is_current() {
    let (path, on_disk) = docs_file("config.schema.json");
    assert!(
        on_disk == relay_config::schema::config_schema_text(),
        "{} is stale: regenerate it with \
         `target/debug/presence-relay config schema > docs/config.schema.json`",
        path.display()
    );
}

#[test]
fn the_example_in_the_config_docs_is_current() {
    let (path, doc) = docs_file("CONFIG.md");
    let example = serde_json::to_string_pretty(&relay_config::example::example_config())
        .expect("example serializes");
    assert!(
        doc.contains(&format!("```json\n{example}\n```")),
        "the example in {} differs from `presence-relay config example`; paste the command's \
         output into the ```json block",
        path.display()
    );
}
