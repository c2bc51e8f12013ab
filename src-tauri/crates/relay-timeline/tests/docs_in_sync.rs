//! The checked-in docs must match the code: the JSON Schema of timelines, and the example
//! timeline, which must replay (so it can never rot) and give the same bytes every time.

mod support;

use std::path::PathBuf;

use relay_timeline::{simulate, timeline_schema_text, Entry};

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
    let (path, on_disk) = docs_file("timeline.schema.json");
    assert!(
        on_disk == timeline_schema_text(),
        "{} is stale: regenerate it with \
         `target/debug/presence-relay simulate --schema > docs/timeline.schema.json`",
        path.display()
    );
}

#[tokio::test]
async fn the_example_timeline_replays_the_same_bytes_every_time() {
    let (path, text) = docs_file("examples/timeline.json");
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()));
    let timeline = support::timeline(&json);
    let first = simulate(&timeline, None).await.expect("replays");
    let second = simulate(&timeline, None).await.expect("replays");
    assert_eq!(first.render_text(), second.render_text());
    assert_eq!(
        serde_json::to_string_pretty(&first).expect("serializes"),
        serde_json::to_string_pretty(&second).expect("serializes")
    );

    // What the example is there to show (docs/SIMULATE.md walks through it).
    let text = first.render_text();
    for expected in [
        "+00:30:00  Ada  intent  busy, polite, \"In a meeting until 10:00\" (rule \"In a meeting\")",
        "+01:15:10  Bob  teams   Away/Away \"Back soon\"",
        "+01:30:00  Bob  intent  be_right_back, assertive, \"Back at 10:45\" (manual override until +01:45:00)",
        "+01:50:00  Ada  intent  release (paused)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(
        first.lines.iter().any(
            |line| matches!(&line.entry, Entry::WriteFailed { error, .. } if error == "transport")
        ),
        "the outage shows as failed writes"
    );
    let bob_meeting = first.lines_for("Bob").iter().any(
        |line| matches!(&line.entry, Entry::Intent { reason, .. } if reason.contains("meeting")),
    );
    assert!(
        !bob_meeting,
        "the meeting rule names only Ada's config user"
    );
}
