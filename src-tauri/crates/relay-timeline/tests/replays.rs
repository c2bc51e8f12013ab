//! Realistic timelines replayed through the engine against the simulated tenant, pinned line by
//! line: what the engine decided and why, the writes, and what Teams shows.

mod support;

use relay_core::evaluate::Reason;
use relay_timeline::Entry;
use serde_json::json;
use support::{body, config, replay};

const START: &str = "2026-03-02T08:00:00Z";

#[tokio::test]
async fn a_lock_shows_away_assertively_with_the_message_and_an_unlock_brings_them_back() {
    let report = replay(json!({
        "start": START,
        "users": ["Alice"],
        "config": config(json!([
            {"name": "Screen locked", "when": {"screen": {"locked": true, "for_seconds": 10}},
             "then": {"intent": "away", "mode": "assertive", "message": "Back soon"}},
            {"name": "At the desk", "when": {"screen": {"locked": false}},
             "then": {"intent": "available"}}
        ])),
        "events": [
            {"at": 0, "event": "screen_locked", "value": false},
            {"at": "1m", "event": "screen_locked", "value": true},
            {"at": "2m", "event": "screen_locked", "value": false}
        ],
        "end": "3m"
    }))
    .await;
    assert_eq!(
        body(&report),
        [
            "+00:00:00  *      event   screen unlocked",
            "+00:00:00  Alice  intent  available, polite (rule \"At the desk\")",
            "+00:00:00  Alice  write   setPresence Available/Available PT15M",
            "+00:00:00  Alice  teams   Available/Available",
            "+00:01:00  *      event   screen locked",
            "+00:01:10  Alice  intent  away, assertive, \"Back soon\" (rule \"Screen locked\")",
            "+00:01:10  Alice  write   setPresence Away/Away PT15M",
            "+00:01:10  Alice  write   setUserPreferredPresence Away/Away PT15M",
            "+00:01:10  Alice  write   setStatusMessage \"Back soon\" until 2026-03-02T08:16Z",
            "+00:01:10  Alice  teams   Away/Away \"Back soon\"",
            "+00:02:00  *      event   screen unlocked",
            "+00:02:00  Alice  intent  available, polite (rule \"At the desk\")",
            "+00:02:00  Alice  write   clearUserPreferredPresence",
            "+00:02:00  Alice  write   setPresence Available/Available PT15M",
            "+00:02:00  Alice  write   setStatusMessage (clear)",
            "+00:02:00  Alice  teams   Available/Available",
        ]
    );
    assert_eq!(report.summary.writes, 7);
    assert_eq!(report.summary.failed_writes, 0);
}

#[tokio::test]
async fn idle_for_five_minutes_shows_away_until_input_lasts() {
    let report = replay(json!({
        "start": START,
        "users": ["Alice"],
        "config": config(json!([
            {"name": "Idle", "when": {"idle_minutes": 5},
             "then": {"intent": "away", "mode": "assertive"}},
            {"name": "Here", "then": {"intent": "busy"}}
        ])),
        "events": [
            {"at": 0, "event": "idle", "value": "0s"},
            {"at": "1m", "event": "idle", "value": "1m"},
            {"at": "7m", "event": "idle", "value": 0}
        ],
        "end": "8m"
    }))
    .await;
    assert_eq!(
        body(&report),
        [
            "+00:00:00  *      event   input",
            "+00:00:00  Alice  intent  busy, polite (rule \"Here\")",
            "+00:00:00  Alice  write   setPresence Busy/InACall PT15M",
            "+00:00:00  Alice  teams   Busy/InACall",
            "+00:01:00  *      event   no input for 1m",
            "+00:04:06  Alice  write   setPresence Busy/InACall PT15M",
            "+00:05:00  Alice  intent  away, assertive (rule \"Idle\")",
            "+00:05:00  Alice  write   setPresence Away/Away PT15M",
            "+00:05:00  Alice  write   setUserPreferredPresence Away/Away PT15M",
            "+00:05:00  Alice  teams   Away/Away",
            "+00:07:00  *      event   input",
            // Input must go on for 15 s (idle_exit_seconds) before the person counts as back.
            "+00:07:15  Alice  intent  busy, polite (rule \"Here\")",
            "+00:07:15  Alice  write   clearUserPreferredPresence",
            "+00:07:15  Alice  write   setPresence Busy/InACall PT15M",
            "+00:07:15  Alice  teams   Busy/InACall",
        ]
    );
}

#[tokio::test]
async fn a_busy_calendar_block_shows_busy_with_its_end_in_the_desks_zone() {
    let report = replay(json!({
        "start": START,
        "time_zone": "Europe/Berlin",
        "users": ["Alice", "Bob"],
        "config": {
            "users": [
                {"display_name": "A", "object_id": "11111111-1111-4111-8111-111111111111"},
                {"display_name": "B", "object_id": "22222222-2222-4222-8222-222222222222"}
            ],
            "calendars": [{"id": "desk", "source": {"file": "/tmp/desk.ics"}}],
            "rules": [{
                "name": "Meeting",
                "users": ["22222222-2222-4222-8222-222222222222"],
                "when": {"calendar": {"calendar": "desk", "show_as": ["busy"]}},
                "then": {"intent": "busy", "message": "In a meeting until {until}"}
            }]
        },
        "events": [
            {"at": 0, "event": "calendar", "calendar": "desk",
             "blocks": [{"start": "1m", "end": "3m", "show_as": "busy", "title": "Secret merger"}]}
        ],
        "end": "4m"
    }))
    .await;
    // The rule names the config's second user: Bob plays that user, so only Bob is busy.
    assert_eq!(
        body(&report),
        [
            "+00:00:00  *      event   calendar \"desk\": busy +00:01:00..+00:03:00",
            "+00:00:00  Alice  intent  release (default action)",
            "+00:00:00  Alice  write   clearPresence",
            "+00:00:00  Alice  teams   Offline/Offline",
            "+00:00:00  Bob    intent  release (default action)",
            "+00:00:00  Bob    write   clearPresence",
            "+00:00:00  Bob    teams   Offline/Offline",
            "+00:01:00  Bob    intent  busy, polite, \"In a meeting until 09:03\" (rule \"Meeting\")",
            "+00:01:00  Bob    write   setPresence Busy/InACall PT15M",
            "+00:01:00  Bob    write   setStatusMessage \"In a meeting until 09:03\" until 2026-03-02T08:16Z",
            "+00:01:00  Bob    teams   Busy/InACall \"In a meeting until 09:03\"",
            "+00:03:00  Bob    intent  release (default action)",
            "+00:03:00  Bob    write   clearPresence",
            "+00:03:00  Bob    write   setStatusMessage (clear)",
            "+00:03:00  Bob    teams   Offline/Offline",
        ]
    );
    assert!(
        !report.render_text().contains("merger"),
        "calendar titles stay private"
    );
}

#[tokio::test]
async fn pause_releases_everything_and_resume_takes_it_back() {
    let report = replay(json!({
        "start": START,
        "users": ["Alice"],
        "config": config(json!([
            {"name": "Screen locked", "when": {"screen": {"locked": true}},
             "then": {"intent": "away", "mode": "assertive", "message": "Back soon"}}
        ])),
        "events": [
            {"at": 0, "event": "screen_locked", "value": true},
            {"at": "1m", "event": "pause"},
            {"at": "2m", "event": "resume"}
        ],
        "end": "2m30s"
    }))
    .await;
    assert_eq!(
        body(&report),
        [
            "+00:00:00  *      event   screen locked",
            "+00:00:00  Alice  intent  away, assertive, \"Back soon\" (rule \"Screen locked\")",
            "+00:00:00  Alice  write   setPresence Away/Away PT15M",
            "+00:00:00  Alice  write   setUserPreferredPresence Away/Away PT15M",
            "+00:00:00  Alice  write   setStatusMessage \"Back soon\" until 2026-03-02T08:15Z",
            "+00:00:00  Alice  teams   Away/Away \"Back soon\"",
            "+00:01:00  *      event   paused by a person",
            "+00:01:00  Alice  intent  release (paused)",
            "+00:01:00  Alice  write   clearUserPreferredPresence",
            "+00:01:00  Alice  write   clearPresence",
            "+00:01:00  Alice  write   setStatusMessage (clear)",
            "+00:01:00  Alice  teams   Offline/Offline",
            "+00:02:00  *      event   resumed by a person",
            "+00:02:00  Alice  intent  away, assertive, \"Back soon\" (rule \"Screen locked\")",
            "+00:02:00  Alice  write   setPresence Away/Away PT15M",
            "+00:02:00  Alice  write   setUserPreferredPresence Away/Away PT15M",
            "+00:02:00  Alice  write   setStatusMessage \"Back soon\" until 2026-03-02T08:17Z",
            "+00:02:00  Alice  teams   Away/Away \"Back soon\"",
        ]
    );
}

#[tokio::test]
async fn a_polite_away_loses_to_a_signed_in_teams_client_and_an_override_ends_by_itself() {
    let report = replay(json!({
        "start": START,
        "users": ["Alice"],
        "config": config(json!([
            {"name": "Away politely", "then": {"intent": "away"}}
        ])),
        "events": [
            {"at": 0, "event": "teams_client", "user": "Alice",
             "availability": "Available", "activity": "Available"},
            {"at": "1m", "event": "override", "user": "Alice", "intent": "do_not_disturb",
             "mode": "assertive", "for": "1m"}
        ],
        "end": "3m"
    }))
    .await;
    assert_eq!(
        body(&report),
        [
            "+00:00:00  *      event   Alice's Teams desktop client shows Available/Available",
            "+00:00:00  Alice  intent  away, polite (rule \"Away politely\")",
            "+00:00:00  Alice  write   setPresence Away/Away PT15M",
            "+00:00:00  Alice  teams   Available/Available",
            "+00:01:00  *      event   override: Alice shown as do_not_disturb, assertive for 1m (until +00:02:00)",
            "+00:01:00  Alice  intent  do_not_disturb, assertive (manual override until +00:02:00)",
            "+00:01:00  Alice  write   setPresence DoNotDisturb/Presenting PT15M",
            "+00:01:00  Alice  write   setUserPreferredPresence DoNotDisturb/DoNotDisturb PT15M",
            "+00:01:00  Alice  teams   DoNotDisturb/DoNotDisturb",
            "+00:02:00  Alice  intent  away, polite (rule \"Away politely\")",
            "+00:02:00  Alice  write   clearUserPreferredPresence",
            "+00:02:00  Alice  write   setPresence Away/Away PT15M",
            "+00:02:00  Alice  teams   Available/Available",
        ]
    );
}

#[tokio::test]
async fn each_decision_names_its_rule_by_position_as_data_and_the_json_keeps_its_fields() {
    let report = replay(json!({
        "start": START,
        "users": ["Alice"],
        "config": config(json!([
            {"name": "Desk", "when": {"screen": {"locked": true}},
             "then": {"intent": "away", "mode": "assertive"}},
            {"name": "Desk", "when": {"screen": {"locked": false}},
             "then": {"intent": "available"}}
        ])),
        "events": [
            {"at": 0, "event": "screen_locked", "value": false},
            {"at": "1m", "event": "screen_locked", "value": true}
        ],
        "end": "2m"
    }))
    .await;
    // Two rules share a name: only their positions tell them apart.
    let decided: Vec<(u64, &Reason)> = report
        .lines_for("Alice")
        .into_iter()
        .filter_map(|line| match &line.entry {
            Entry::Intent { decided_by, .. } => Some((line.seconds, decided_by)),
            _ => None,
        })
        .collect();
    let rule = |index: usize| Reason::Rule {
        index,
        name: "Desk".into(),
    };
    assert_eq!(decided, [(0, &rule(1)), (60, &rule(0))]);
    let json = serde_json::to_value(&report).expect("serializes");
    let intent = json["lines"]
        .as_array()
        .and_then(|lines| lines.iter().find(|line| line["kind"] == "intent"))
        .expect("an intent line");
    let mut fields: Vec<&str> = intent
        .as_object()
        .map(|fields| fields.keys().map(String::as_str).collect())
        .unwrap_or_default();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["at", "intent", "kind", "message", "mode", "reason", "seconds", "user"]
    );
}
