use chrono::TimeZone;
use relay_api::OverrideLength;
use relay_core::evaluate::Reason;
use relay_engine::UserStatus;

use super::*;

const ADA: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const BOB: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid time")
}

fn user(id: &str) -> UserStatus {
    UserStatus {
        user: id.into(),
        display_name: id.into(),
        intent: Intent::Release,
        mode: WriteMode::Polite,
        reason: Reason::Default,
        message: None,
        modelled: None,
        observed: None,
        disagreement: false,
        user_preferred_in_effect: false,
        last_write: None,
        next_refresh: None,
        holding: false,
    }
}

fn status() -> EngineStatus {
    EngineStatus {
        users: vec![user(ADA), user(BOB)],
        ..EngineStatus::default()
    }
}

fn commands(request: ControlRequest) -> Result<Vec<EngineCommand>, UiError> {
    engine_commands(request, &status(), now(), chrono_tz::Europe::Berlin)
}

fn request(json: serde_json::Value) -> ControlRequest {
    serde_json::from_value(json).expect("request parses")
}

fn overridden(commands: &[EngineCommand]) -> Vec<(&str, Option<&ManualOverride>)> {
    commands
        .iter()
        .map(|command| match command {
            EngineCommand::Override { user, value } => (user.as_str(), value.as_ref()),
            other => panic!("not an override: {other:?}"),
        })
        .collect()
}

#[test]
fn pause_resume_and_snooze_are_one_command() {
    assert!(matches!(
        commands(ControlRequest::Pause).expect("ok").as_slice(),
        [EngineCommand::Pause]
    ));
    assert!(matches!(
        commands(ControlRequest::Resume).expect("ok").as_slice(),
        [EngineCommand::Resume]
    ));
    let snooze = commands(request(
        serde_json::json!({"action": "snooze", "length": {"kind": "minutes", "minutes": 30}}),
    ))
    .expect("ok");
    assert!(
        matches!(snooze.as_slice(), [EngineCommand::Snooze(Some(until))] if *until == now() + Duration::minutes(30))
    );
    // 09:00 UTC is 10:00 in Berlin: the next local midnight is 23:00 UTC.
    let tomorrow = commands(request(
        serde_json::json!({"action": "snooze", "length": {"kind": "until_tomorrow"}}),
    ))
    .expect("ok");
    let midnight = Utc
        .with_ymd_and_hms(2026, 3, 2, 23, 0, 0)
        .single()
        .expect("valid");
    assert!(
        matches!(tomorrow.as_slice(), [EngineCommand::Snooze(Some(until))] if *until == midnight)
    );
    assert!(matches!(
        commands(ControlRequest::EndSnooze).expect("ok").as_slice(),
        [EngineCommand::Snooze(None)]
    ));
}

#[test]
fn an_override_for_everyone_goes_to_each_user_the_engine_keeps() {
    let sent = commands(request(serde_json::json!({
        "action": "override",
        "target": {"kind": "all"},
        "intent": "busy",
        "mode": "assertive",
        "message": "  In a meeting  ",
        "length": {"kind": "for", "minutes": 60}
    })))
    .expect("ok");
    let expected = ManualOverride {
        intent: Intent::Busy,
        mode: WriteMode::Assertive,
        message: Some("In a meeting".into()),
        until: Some(now() + Duration::minutes(60)),
    };
    assert_eq!(
        overridden(&sent),
        [(ADA, Some(&expected)), (BOB, Some(&expected))]
    );
}

#[test]
fn one_user_is_matched_by_object_id_in_any_case_and_must_be_known() {
    let target = OverrideTarget::User {
        object_id: ADA.to_uppercase(),
    };
    let cleared = commands(ControlRequest::ClearOverride {
        target: target.clone(),
    })
    .expect("ok");
    assert_eq!(overridden(&cleared), [(ADA, None)]);

    let unknown = commands(ControlRequest::ClearOverride {
        target: OverrideTarget::User {
            object_id: "someone-else".into(),
        },
    })
    .expect_err("unknown user");
    assert_eq!(unknown.code, ErrorCode::InvalidInput);
}

#[test]
fn overrides_that_cannot_work_are_refused() {
    let with = |intent: Intent, mode: WriteMode, length: OverrideLength| {
        commands(ControlRequest::Override {
            target: OverrideTarget::All,
            intent,
            mode,
            message: None,
            length,
        })
    };
    let polite_brb = with(
        Intent::BeRightBack,
        WriteMode::Polite,
        OverrideLength::UntilChanged,
    )
    .expect_err("no session form");
    assert_eq!(polite_brb.code, ErrorCode::InvalidInput);
    let past = with(
        Intent::Busy,
        WriteMode::Assertive,
        OverrideLength::Until {
            at: now() - Duration::minutes(1),
        },
    )
    .expect_err("in the past");
    assert_eq!(past.code, ErrorCode::InvalidInput);
    let zero = with(
        Intent::Busy,
        WriteMode::Assertive,
        OverrideLength::For { minutes: 0 },
    )
    .expect_err("zero minutes");
    assert_eq!(zero.code, ErrorCode::InvalidInput);
    assert!(with(
        Intent::Busy,
        WriteMode::Assertive,
        OverrideLength::UntilChanged
    )
    .is_ok());
}

#[tokio::test]
async fn sending_to_a_stopped_engine_is_engine_unavailable() {
    let (engine, mut inbox) = mpsc::channel(4);
    send(&engine, vec![EngineCommand::Pause, EngineCommand::Resume])
        .await
        .expect("sent");
    assert!(matches!(inbox.recv().await, Some(EngineCommand::Pause)));
    assert!(matches!(inbox.recv().await, Some(EngineCommand::Resume)));
    drop(inbox);
    let error = send(&engine, vec![EngineCommand::Pause])
        .await
        .expect_err("stopped");
    assert_eq!(error.code, ErrorCode::EngineUnavailable);
}

#[test]
fn midnight_in_a_zone_with_daylight_saving() {
    // 2026-03-28 22:30 UTC is 23:30 in Berlin (CET); the next midnight is 23:00 UTC.
    let late = Utc
        .with_ymd_and_hms(2026, 3, 28, 22, 30, 0)
        .single()
        .expect("valid");
    let midnight = Utc
        .with_ymd_and_hms(2026, 3, 28, 23, 0, 0)
        .single()
        .expect("valid");
    assert_eq!(
        next_local_midnight(late, chrono_tz::Europe::Berlin),
        midnight
    );
}

fn with_users(users: Vec<UserStatus>) -> EngineStatus {
    EngineStatus {
        users,
        ..EngineStatus::default()
    }
}

fn overrides(commands: &[EngineCommand]) -> Vec<(String, ManualOverride)> {
    commands
        .iter()
        .map(|command| match command {
            EngineCommand::Override {
                user,
                value: Some(value),
            } => (user.clone(), value.clone()),
            other => panic!("expected an override, got {other:?}"),
        })
        .collect()
}

#[test]
fn quick_set_keeps_a_manual_message_and_drops_a_rules_one() {
    let mut ada = user(ADA);
    ada.reason = Reason::Override { until: None };
    ada.message = Some("At lunch".into());
    let mut bob = user(BOB);
    bob.message = Some("Back soon".into());
    let until = Some(now() + Duration::minutes(30));
    let set = overrides(&quick_set(
        &with_users(vec![ada, bob]),
        Intent::BeRightBack,
        until,
    ));
    assert_eq!(set.len(), 2);
    assert_eq!(set[0].1.message.as_deref(), Some("At lunch"));
    assert_eq!(set[1].1.message, None);
    for (_, value) in &set {
        assert_eq!(
            (value.intent, value.mode, value.until),
            (Intent::BeRightBack, WriteMode::Assertive, until)
        );
    }
}

#[test]
fn a_message_preset_keeps_what_shows_and_the_manual_end() {
    let mut ada = user(ADA);
    let ends = now() + Duration::minutes(20);
    ada.intent = Intent::Busy;
    ada.reason = Reason::Override { until: Some(ends) };
    let bob = user(BOB);
    let set = overrides(&message_preset(
        &with_users(vec![ada, bob]),
        Some("In a meeting"),
        now(),
    ));
    assert_eq!(
        (set[0].1.intent, set[0].1.until),
        (Intent::Busy, Some(ends))
    );
    assert_eq!(
        (set[1].1.intent, set[1].1.until),
        (Intent::Available, Some(now() + Duration::hours(1))),
        "nothing held shows as Available, for an hour"
    );
    assert!(set
        .iter()
        .all(|(_, v)| v.message.as_deref() == Some("In a meeting")));
}
