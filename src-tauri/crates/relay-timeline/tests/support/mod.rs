//! Shared helpers: read a timeline (checking it against the published schema too), replay it,
//! and cut the report into lines.

#![allow(dead_code)] // each test file uses part of it

use relay_timeline::{parse_timeline, simulate, timeline_schema, SimulationReport, Timeline};

/// Parses `json`, after checking that the published schema accepts it as well.
pub fn timeline(json: &serde_json::Value) -> Timeline {
    let schema = jsonschema::validator_for(&timeline_schema()).expect("the schema compiles");
    let errors: Vec<String> = schema.iter_errors(json).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "the schema refuses {json}: {errors:?}");
    parse_timeline(&json.to_string()).unwrap_or_else(|err| panic!("{err}"))
}

pub async fn replay(json: serde_json::Value) -> SimulationReport {
    simulate(&timeline(&json), None)
        .await
        .unwrap_or_else(|err| panic!("{err}"))
}

/// The report's timeline lines (no heading, no totals).
pub fn body(report: &SimulationReport) -> Vec<String> {
    report
        .render_text()
        .lines()
        .filter(|line| line.starts_with('+'))
        .map(str::to_owned)
        .collect()
}

/// A config with these rules and one calendar, `desk`.
pub fn config(rules: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "calendars": [{"id": "desk", "source": {"file": "/tmp/desk.ics"}}],
        "rules": rules,
    })
}
