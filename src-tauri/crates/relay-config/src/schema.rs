//! The JSON Schema of the config file, generated from the Rust types. A copy is checked in under
//! `docs/config.schema.json` (editors use it for completion); a test fails when that copy is stale.

use relay_core::config::ConfigFile;

/// The schema as a JSON value.
pub fn config_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(ConfigFile))
        .expect("a generated schema is always representable as JSON")
}

/// The schema as pretty-printed JSON with a trailing newline, exactly as checked in.
pub fn config_schema_text() -> String {
    let mut text =
        serde_json::to_string_pretty(&config_schema()).expect("a JSON value always serializes");
    text.push('\n');
    text
}
