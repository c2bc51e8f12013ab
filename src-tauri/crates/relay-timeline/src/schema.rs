//! The JSON Schema of the timeline format, generated from the Rust types. A copy is checked in
//! under `docs/timeline.schema.json` (editors use it for completion); a test fails when that copy
//! is stale.

use crate::model::Timeline;

/// The schema as a JSON value.
pub fn timeline_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Timeline))
        .expect("a generated schema is always representable as JSON")
}

/// The schema as pretty-printed JSON with a trailing newline, exactly as checked in.
pub fn timeline_schema_text() -> String {
    let mut text =
        serde_json::to_string_pretty(&timeline_schema()).expect("a JSON value always serializes");
    text.push('\n');
    text
}
