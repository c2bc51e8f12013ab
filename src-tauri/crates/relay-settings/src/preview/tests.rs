//! Previews replayed for real through relay-timeline (the engine against a simulated tenant, in
//! virtual time).

use std::collections::BTreeMap;

use chrono::TimeZone;
use relay_api::status::ReasonValue;
use relay_api::{PreviewCause, PreviewState, ValidationReport};
use relay_core::config::ShowAs;
use relay_core::presence::Intent;
use relay_core::snapshot::CalendarBlock;
use serde_json::json;

use super::*;

const ANA: &str = "11111111-1111-4111-8111-111111111111";
const BEN: &str = "22222222-2222-4222-8222-222222222222";
const BERLIN: Tz = chrono_tz::Europe::Berlin;

/// 2 March 2026 (a Monday), UTC.
fn utc(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0)
        .single()
        .expect("valid time")
}

/// Ana and Ben, the calendar `desk`, and these rules.
fn config(rules: serde_json::Value) -> ConfigFile {
    serde_json::from_value(json!({
        "schema_version": 1,
        "users": [
            {"display_name": "Ana", "object_id": ANA},
            {"display_name": "Ben", "object_id": BEN}
        ],
        "calendars": [{"id": "desk", "source": {"file": "/tmp/desk.ics"}}],
        "rules": rules,
    }))
    .expect("a config document")
}

fn unlocked_since(at: DateTime<Utc>) -> DeskNow {
    DeskNow {
        screen_locked: Some(Reading { value: false, at }),
        ..DeskNow::unknown()
    }
}

fn presence(state: &PreviewState) -> Option<(&str, &str)> {
    let shown = state.shown.as_ref()?;
    Some((shown.availability.as_str(), shown.activity.as_str()))
}

fn rule(state: &PreviewState) -> Option<(usize, &str)> {
    match &state.reason.value {
        ReasonValue::Rule { index, name } => Some((*index, name.as_str())),
        _ => None,
    }
}

async fn preview(
    config: ConfigFile,
    desk: &DeskNow,
    now: DateTime<Utc>,
    hours: u32,
) -> RulesPreview {
    rules_preview_for(config, desk, now, BERLIN, hours)
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

#[tokio::test]
async fn a_night_window_shows_its_change_at_the_windows_start_in_the_desks_zone() {
    let night = config(json!([
        {"name": "Night", "when": {"time": {"start": "18:00", "end": "07:00"}},
         "then": {"intent": "away", "mode": "assertive", "message": "Back at 07:00"}},
        {"name": "At the desk", "when": {"screen": {"locked": false}},
         "then": {"intent": "available"}}
    ]));
    // 16:30 in Berlin; the night starts at 18:00 there, 17:00 UTC.
    let now = utc(15, 30);
    let result = rules_preview(night, &unlocked_since(utc(9, 0)), now, BERLIN)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(result.from, now);
    assert_eq!(result.until, utc(23, 30), "eight hours by default");
    assert_eq!(result.time_zone, "Europe/Berlin");
    assert_eq!(result.signals.screen_locked, Some(false));
    assert_eq!(result.users_left_out, 0);
    let names: Vec<&str> = result
        .users
        .iter()
        .map(|u| u.display_name.as_str())
        .collect();
    assert_eq!(names, ["Ana", "Ben"]);
    for user in &result.users {
        assert_eq!(
            user.now.intent.value,
            Intent::Available,
            "{}",
            user.display_name
        );
        assert_eq!(presence(&user.now), Some(("Available", "Available")));
        assert_eq!(rule(&user.now), Some((1, "At the desk")));
        assert!(
            user.now.causes.is_empty(),
            "a signal rule has no time cause"
        );
        assert_eq!(user.now.message, None);

        let [change] = user.changes.as_slice() else {
            panic!("one change expected: {:?}", user.changes);
        };
        assert_eq!(change.at, utc(17, 0));
        assert_eq!(change.to.intent.value, Intent::Away);
        assert_eq!(presence(&change.to), Some(("Away", "Away")));
        assert_eq!(change.to.message.as_deref(), Some("Back at 07:00"));
        assert_eq!(rule(&change.to), Some((0, "Night")));
        assert_eq!(
            change.to.causes,
            [PreviewCause::TimeWindow {
                start: "18:00".into(),
                end: "07:00".into(),
                time_zone: None
            }]
        );
    }
    assert_eq!(result.users[0].user, ANA);
}

#[tokio::test]
async fn a_lock_counts_from_when_it_began_not_from_when_the_preview_starts() {
    let locked = config(json!([
        {"name": "Locked a while", "when": {"screen": {"locked": true, "for_seconds": 600}},
         "then": {"intent": "away", "mode": "assertive"}}
    ]));
    let now = utc(10, 0);
    let long_ago = DeskNow {
        screen_locked: Some(Reading {
            value: true,
            at: utc(9, 0),
        }),
        ..DeskNow::unknown()
    };
    let ana = &preview(locked.clone(), &long_ago, now, 1).await.users[0];
    assert_eq!(
        rule(&ana.now),
        Some((0, "Locked a while")),
        "locked for an hour"
    );
    assert_eq!(presence(&ana.now), Some(("Away", "Away")));
    assert!(ana.changes.is_empty(), "{:?}", ana.changes);

    let recently = DeskNow {
        screen_locked: Some(Reading {
            value: true,
            at: utc(9, 58),
        }),
        ..DeskNow::unknown()
    };
    let ana = &preview(locked, &recently, now, 1).await.users[0];
    assert_eq!(ana.now.intent.value, Intent::Release, "the default action");
    assert_eq!(ana.now.shown, None, "nothing held");
    assert_eq!(ana.now.reason.value, ReasonValue::Default);
    let changes: Vec<(DateTime<Utc>, Intent)> = ana
        .changes
        .iter()
        .map(|change| (change.at, change.to.intent.value))
        .collect();
    assert_eq!(
        changes,
        [(utc(10, 8), Intent::Away)],
        "ten minutes after 09:58"
    );
}

#[tokio::test]
async fn idle_time_keeps_counting_and_a_known_calendar_block_begins_and_ends() {
    let rules = config(json!([
        {"name": "Meeting", "users": [BEN],
         "when": {"calendar": {"calendar": "desk", "show_as": ["busy"]}},
         "then": {"intent": "busy", "message": "In a meeting until {until}"}},
        {"name": "Gone", "when": {"idle_minutes": 5}, "then": {"intent": "away", "mode": "assertive"}}
    ]));
    let now = utc(10, 0);
    let desk = DeskNow {
        // No input since 09:57: five minutes at 10:02.
        idle: Some(Reading {
            value: Duration::seconds(120),
            at: utc(9, 59),
        }),
        calendars: BTreeMap::from([(
            "desk".to_owned(),
            vec![CalendarBlock {
                start: utc(10, 30),
                end: utc(11, 0),
                show_as: ShowAs::Busy,
                title: "Board meeting".into(),
            }],
        )]),
        ..DeskNow::unknown()
    };
    let result = preview(rules, &desk, now, 2).await;
    assert_eq!(result.signals.idle_seconds, Some(180));
    /// When, which rule (by position and name), and the message.
    type Step = (DateTime<Utc>, Option<(usize, String)>, Option<String>);
    let steps = |user: &UserPreview| -> Vec<Step> {
        user.changes
            .iter()
            .map(|change| {
                (
                    change.at,
                    rule(&change.to).map(|(index, name)| (index, name.to_owned())),
                    change.to.message.clone(),
                )
            })
            .collect()
    };
    let (ana, ben) = (&result.users[0], &result.users[1]);
    assert_eq!(ana.now.intent.value, Intent::Release);
    assert_eq!(
        steps(ana),
        [(utc(10, 2), Some((1, "Gone".to_owned())), None)]
    );
    assert_eq!(
        steps(ben),
        [
            (utc(10, 2), Some((1, "Gone".to_owned())), None),
            (
                utc(10, 30),
                Some((0, "Meeting".to_owned())),
                Some("In a meeting until 12:00".to_owned())
            ),
            (utc(11, 0), Some((1, "Gone".to_owned())), None),
        ],
        "the meeting's end is shown in Berlin time"
    );
    let meeting = &ben.changes[1].to;
    assert_eq!(presence(meeting), Some(("Busy", "InACall")));
    assert_eq!(
        meeting.causes,
        [PreviewCause::Calendar {
            calendar: "desk".into()
        }]
    );
}

#[tokio::test]
async fn with_the_relay_stopped_signals_are_unknown_and_signal_rules_do_not_apply() {
    let rules = config(json!([
        {"name": "Locked", "when": {"screen": {"locked": true}}, "then": {"intent": "away", "mode": "assertive"}},
        {"name": "Unlocked", "when": {"screen": {"locked": false}}, "then": {"intent": "available"}}
    ]));
    let result = preview(rules, &DeskNow::unknown(), utc(10, 0), 1).await;
    assert_eq!(result.signals, relay_api::PreviewSignals::default());
    for user in &result.users {
        assert_eq!(user.now.intent.value, Intent::Release);
        assert_eq!(user.now.shown, None, "nothing held");
        assert_eq!(user.now.reason.label, "default action");
        assert!(user.changes.is_empty());
    }
}

#[tokio::test]
async fn an_invalid_config_gives_the_issues_config_validate_gives_at_their_pointers() {
    let broken = config(json!([
        {"name": "Lunch", "when": {"time": {"start": "12:00", "end": "25:00"}},
         "then": {"intent": "be_right_back", "mode": "polite"}}
    ]));
    let expected = ValidationReport::from_result(&validate(broken.clone())).issues;
    let error = rules_preview(broken, &DeskNow::unknown(), utc(10, 0), BERLIN)
        .await
        .expect_err("invalid");
    assert_eq!(error.code, ErrorCode::InvalidConfig);
    assert_eq!(error.issues, expected);
    let pointers: Vec<&str> = error.issues.iter().map(|i| i.pointer.as_str()).collect();
    assert!(pointers.contains(&"/rules/0/then/mode"), "{pointers:?}");
    assert!(pointers.contains(&"/rules/0/when/time/end"), "{pointers:?}");
    assert!(error.message.starts_with("no preview"), "{}", error.message);
}

#[tokio::test]
async fn no_users_give_an_empty_preview_that_still_says_what_it_assumed() {
    let mut empty = config(json!([
        {"name": "Locked", "when": {"screen": {"locked": true}}, "then": {"intent": "away", "mode": "assertive"}}
    ]));
    empty.users.clear();
    let desk = unlocked_since(utc(9, 0));
    let result = preview(empty, &desk, utc(10, 0), 8).await;
    assert!(result.users.is_empty());
    assert_eq!(result.users_left_out, 0);
    assert_eq!(result.signals.screen_locked, Some(false));
    assert_eq!((result.from, result.until), (utc(10, 0), utc(18, 0)));
}

#[tokio::test]
async fn hours_outside_the_range_are_refused() {
    for hours in [0, MAX_HOURS + 1] {
        let error = rules_preview_for(
            config(json!([])),
            &DeskNow::unknown(),
            utc(10, 0),
            BERLIN,
            hours,
        )
        .await
        .expect_err("out of range");
        assert_eq!(error.code, ErrorCode::InvalidInput, "{hours}");
    }
}

#[test]
fn beyond_the_limit_rules_keep_only_played_users_and_rules_for_no_one_played_turn_off() {
    let mut file = ConfigFile::empty();
    file.users = (0..=MAX_USERS)
        .map(|n| relay_core::config::User {
            display_name: format!("Person {n}"),
            object_id: format!("00000000-0000-4000-8000-{n:012}"),
        })
        .collect();
    let first = file.users[0].object_id.clone();
    let last = file.users[MAX_USERS].object_id.clone();
    let mut rules = config(json!([
        {"name": "Both", "users": [first, last], "then": {"intent": "busy"}},
        {"name": "Last only", "users": [last], "then": {"intent": "busy"}},
        {"name": "Everyone", "then": {"intent": "available"}}
    ]))
    .rules;
    file.rules.append(&mut rules);
    let valid = validate(file.clone()).expect("valid");
    let played = within_limit(file, valid).expect("narrowed").into_file();
    assert_eq!(MAX_USERS, 200, "as RulesPreview::users_left_out says");
    assert_eq!(played.users.len(), MAX_USERS);
    let summary: Vec<(bool, Targets)> = played
        .rules
        .iter()
        .map(|rule| (rule.enabled, rule.users.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (true, Targets::Named(vec![first.clone()])),
            (false, Targets::Named(vec![first])),
            (true, Targets::All),
        ]
    );
}

#[test]
fn the_preview_can_run_on_the_shells_async_runtime() {
    fn assert_send<T: Send>(_: &T) {}
    let desk = DeskNow::unknown();
    let future = rules_preview(ConfigFile::empty(), &desk, utc(10, 0), BERLIN);
    assert_send(&future);
}

#[test]
fn the_warm_up_covers_the_longest_lock_and_the_damping() {
    let mut rules = config(json!([
        {"name": "Long", "when": {"screen": {"locked": true, "for_seconds": 900}}, "then": {"intent": "away", "mode": "assertive"}},
        {"name": "Longer but off", "enabled": false, "when": {"screen": {"locked": true, "for_seconds": 3600}}, "then": {"intent": "away", "mode": "assertive"}}
    ]));
    assert_eq!(warm_up(&rules).seconds(), 900 + WARM_UP_SLACK_SECONDS);
    rules.rules.clear();
    rules.settings.engine.min_dwell_seconds = 120;
    assert_eq!(warm_up(&rules).seconds(), 120 + WARM_UP_SLACK_SECONDS);
}
