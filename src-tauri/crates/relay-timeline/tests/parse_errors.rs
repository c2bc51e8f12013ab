//! A wrong timeline is refused with every problem located by a JSON pointer, saying what is
//! wrong and what would be valid.

use relay_timeline::{parse_timeline, simulate, Document, TimelineError, TimelineIssue};
use serde_json::json;

fn issues(text: &str) -> Vec<TimelineIssue> {
    match parse_timeline(text) {
        Ok(timeline) => panic!("accepted: {timeline:?}"),
        Err(err) => err.issues().to_vec(),
    }
}

/// The one issue at `pointer`, which must exist.
fn at<'a>(issues: &'a [TimelineIssue], pointer: &str) -> &'a str {
    issues
        .iter()
        .find(|issue| issue.pointer == pointer)
        .map(|issue| issue.message.as_str())
        .unwrap_or_else(|| panic!("no issue at {pointer}: {issues:#?}"))
}

fn valid() -> serde_json::Value {
    json!({
        "start": "2026-03-02T08:00:00Z",
        "users": ["Alice", "Bob"],
        "events": [{"at": "1m", "event": "screen_locked", "value": true}],
        "end": "10m"
    })
}

fn with(change: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut timeline = valid();
    change(&mut timeline);
    timeline.to_string()
}

#[test]
fn the_valid_base_is_accepted() {
    assert!(parse_timeline(&valid().to_string()).is_ok());
}

#[test]
fn json_syntax_errors_give_line_and_column() {
    let found = issues("{\n  \"start\": \"2026-03-02T08:00:00Z\",\n  \"users\": [\"A\",]\n}");
    let message = at(&found, "");
    assert!(message.contains("line 3"), "{message}");
}

#[test]
fn every_problem_is_reported_at_once_each_at_its_place() {
    let found = issues(&with(|t| {
        t["start"] = json!("Monday 8am");
        t["time_zone"] = json!("Mars/Olympus");
        t["colour"] = json!("blue");
        t["events"] = json!([
            {"at": "5 minutes", "event": "screen_locked", "value": true},
            {"at": "2m", "event": "screen_lockd", "value": true},
            {"at": "3m", "event": "idle"},
            {"at": "4m", "event": "presentation", "value": true},
            {"at": "3m", "event": "pause"},
            {"at": "4m", "event": "resume"},
            {"at": "5m", "event": "override", "user": "Carol", "intent": "busy"},
            {"at": "5m", "event": "override", "user": "Alice", "intent": "be_right_back"},
            {"at": "6m", "event": "outage", "for": "2m"},
            {"at": "7m", "event": "faults", "spec": "rate=400", "for": "1m"},
            {"event": "pause"},
            {"at": "8m", "event": "calendar", "calendar": "desk",
             "blocks": [{"start": "9m", "end": "9m", "show_as": "busy"}]},
            {"at": "8m", "event": "teams_client", "user": "Bob",
             "availability": "Bussy", "activity": "InACall"},
            {"at": "8m", "evnt": "pause"},
            {"at": "9m", "event": "screen_locked", "value": "yes"},
            {"at": "11m", "event": "resume"}
        ]);
    }));
    assert!(at(&found, "/start").contains("RFC 3339"));
    assert!(at(&found, "/time_zone").contains("Europe/Berlin"));
    assert!(at(&found, "/colour").contains("start, time_zone, users, config, events, end"));
    assert!(at(&found, "/events/0/at").contains("1h30m"));
    let kind = at(&found, "/events/1/event");
    assert!(
        kind.contains("screen_lockd") && kind.contains("`screen_locked`"),
        "{kind}"
    );
    assert!(at(&found, "/events/2").contains("missing field `value`"));
    assert!(at(&found, "/events/4/at").contains("time order"));
    assert!(at(&found, "/events/15/at").contains("after the end"));
    let user = at(&found, "/events/6/user");
    assert!(
        user.contains("\"Carol\"") && user.contains("\"Alice\", \"Bob\""),
        "{user}"
    );
    assert!(at(&found, "/events/7/mode").contains("assertive"));
    assert!(at(&found, "/events/9/at").contains("may not overlap"));
    assert!(at(&found, "/events/9/spec").contains("400"));
    assert!(at(&found, "/events/10").contains("has no \"at\""));
    assert!(at(&found, "/events/11/blocks/0/end").contains("not after"));
    assert!(at(&found, "/events/12/availability").contains("Busy"));
    assert!(at(&found, "/events/13").contains("has no \"event\"; use one of screen_locked"));
    let value = at(&found, "/events/14/value");
    assert!(
        value.contains("a \"screen_locked\" event") && value.contains("boolean"),
        "{value}"
    );
    assert!(found
        .iter()
        .all(|issue| issue.document == Document::Timeline));
}

#[test]
fn users_must_be_named_once_each_and_the_end_must_be_sensible() {
    let found = issues(&with(|t| {
        t["users"] = json!(["Alice", " ", "Alice"]);
        t["end"] = json!("0s");
    }));
    assert!(at(&found, "/users/1").contains("blank"));
    assert!(at(&found, "/users/2").contains("twice"));
    assert!(at(&found, "/end").contains("out of range"));
    let missing = issues(r#"{"start": "2026-03-02T08:00:00Z"}"#);
    let whole: Vec<&str> = missing
        .iter()
        .filter(|issue| issue.pointer.is_empty())
        .map(|issue| issue.message.as_str())
        .collect();
    assert_eq!(whole.len(), 2, "{missing:#?}");
    assert!(whole[0].contains("\"users\" is missing"), "{whole:?}");
    assert!(whole[1].contains("\"end\" is missing"), "{whole:?}");
}

#[test]
fn an_inline_config_is_checked_by_the_config_pipeline_under_config() {
    let found = issues(&with(|t| {
        t["config"] = json!({"rules": [{"name": "Odd", "then": {"intent": "lunch"}}]});
    }));
    assert!(
        found
            .iter()
            .any(|issue| issue.pointer.starts_with("/config/rules/0")),
        "{found:#?}"
    );
    let calendar = issues(&with(|t| {
        t["config"] = json!({"rules": []});
        t["events"] = json!([{"at": 0, "event": "calendar", "calendar": "desk", "blocks": []}]);
    }));
    assert!(at(&calendar, "/events/0/calendar").contains("add one under \"calendars\""));
}

#[test]
fn a_rule_naming_only_unplayed_users_is_refused_with_the_fix() {
    let found = issues(&with(|t| {
        t["users"] = json!(["Alice"]);
        t["config"] = json!({
            "users": [
                {"display_name": "A", "object_id": "11111111-1111-4111-8111-111111111111"},
                {"display_name": "B", "object_id": "22222222-2222-4222-8222-222222222222"}
            ],
            "rules": [{"name": "Only B", "users": ["22222222-2222-4222-8222-222222222222"],
                       "then": {"intent": "busy"}}]
        });
    }));
    assert!(at(&found, "/config/rules/0/users").contains("list more people"));
}

#[tokio::test]
async fn problems_of_a_config_from_outside_are_located_in_that_config() {
    let timeline = parse_timeline(&with(|t| {
        t["events"] = json!([{"at": 0, "event": "calendar", "calendar": "lobby"}]);
    }))
    .expect("no config to check it against yet");
    let config = relay_config::ConfigParser::new()
        .parse(
            &json!({"schema_version": 1, "calendars": [
                {"id": "desk", "source": {"file": "/tmp/d.ics"}}
            ]})
            .to_string(),
        )
        .expect("valid config")
        .config;
    let err = simulate(&timeline, Some(config))
        .await
        .expect_err("the calendar is unknown");
    assert!(matches!(err, TimelineError::Invalid(_)));
    assert_eq!(
        err.to_string(),
        "timeline /events/0/calendar: \"lobby\" is not a calendar of the config; use one of desk"
    );
}
