//! Golden timelines: signals in, the exact Graph writes and what Teams shows out, over virtual
//! time, against the simulated tenant over real HTTP.

mod journey;

use chrono::Duration;
use journey::{line, Journey};
use relay_core::graph_presence::{Activity, Availability};
use relay_core::snapshot::Observation;
use serde_json::json;

fn sorted(mut lines: Vec<journey::Line>) -> Vec<journey::Line> {
    lines.sort();
    lines
}

fn locked_rule() -> serde_json::Value {
    json!({
        "name": "Screen locked",
        "when": {"screen": {"locked": true, "for_seconds": 10}},
        "then": {"intent": "away", "mode": "assertive", "message": "Back soon"}
    })
}

fn unlocked_rule() -> serde_json::Value {
    json!({
        "name": "At the desk",
        "when": {"screen": {"locked": false}},
        "then": {"intent": "available"}
    })
}

#[tokio::test]
async fn lock_unlock_flapping_does_not_flap_teams() {
    let mut journey = Journey::start(1, json!([locked_rule(), unlocked_rule()])).await;
    journey
        .observe(0, Observation::ScreenLocked(Some(false)))
        .await;
    journey.run_until(60).await;
    assert_eq!(
        journey.shown(0),
        (Availability::Available, Activity::Available)
    );
    // Lock/unlock every few seconds: never locked for 10 s in a row.
    for (second, locked) in [
        (60, true),
        (65, false),
        (68, true),
        (75, false),
        (78, true),
        (84, false),
    ] {
        journey
            .observe(second, Observation::ScreenLocked(Some(locked)))
            .await;
    }
    journey.run_until(120).await;
    assert_eq!(
        journey.writes_since(1),
        [],
        "nothing is written while the lock flaps (the keep-alive is not due before 240 s)"
    );
    assert_eq!(
        journey.shown(0),
        (Availability::Available, Activity::Available)
    );
    // Then a real lock: away after 10 s.
    journey
        .observe(130, Observation::ScreenLocked(Some(true)))
        .await;
    journey.run_until(150).await;
    assert_eq!(
        journey.writes_since(121),
        [
            line(140, 0, "setPresence Away/Away PT15M"),
            line(140, 0, "setUserPreferredPresence Away/Away PT15M"),
            line(
                140,
                0,
                "setStatusMessage \"Back soon\" until 2026-03-02T08:17Z"
            ),
        ]
    );
    assert_eq!(journey.shown(0), (Availability::Away, Activity::Away));
    assert_eq!(journey.message(0).as_deref(), Some("Back soon"));
}

#[tokio::test]
async fn a_held_polite_state_costs_one_write_per_four_minutes_and_nothing_held_costs_nothing() {
    let mut journey = Journey::start(2, json!([unlocked_rule()])).await;
    journey
        .observe(0, Observation::ScreenLocked(Some(false)))
        .await;
    journey.run_until(3600).await;
    let writes = journey.writes_since(0);
    for user in 0..2 {
        let sets: Vec<i64> = writes
            .iter()
            .filter(|(_, u, w)| *u == user && w.starts_with("setPresence"))
            .map(|(s, _, _)| *s)
            .collect();
        assert!(
            (14..=15).contains(&sets.len()),
            "user {user}: {} session writes in an hour",
            sets.len()
        );
        let others = writes
            .iter()
            .filter(|(_, u, w)| *u == user && !w.starts_with("setPresence"))
            .count();
        assert_eq!(
            others, 1,
            "only the start-up clear of a session we might hold from before"
        );
        let times = sets;
        for pair in times.windows(2) {
            let gap = pair[1] - pair[0];
            assert!(
                (240..300).contains(&gap),
                "keep-alive gap {gap}s (must be >= 4 min, < 5 min)"
            );
        }
    }
    assert_eq!(
        journey.shown(0),
        (Availability::Available, Activity::Available)
    );

    // Lock (no rule for it: the default releases): one clear each, then silence.
    journey
        .observe(3600, Observation::ScreenLocked(Some(true)))
        .await;
    journey.run_until(7200).await;
    assert_eq!(
        sorted(journey.writes_since(3600)),
        [
            line(3600, 0, "clearPresence"),
            line(3600, 1, "clearPresence")
        ],
        "one release each, then nothing held costs nothing"
    );
    assert_eq!(journey.shown(0), (Availability::Offline, Activity::Offline));
}

#[tokio::test]
async fn idle_with_hysteresis() {
    let mut journey = Journey::start(
        1,
        json!([{
            "name": "Idle",
            "when": {"idle_minutes": 5},
            "then": {"intent": "away", "mode": "assertive"}
        }, {
            "name": "Here",
            "then": {"intent": "available"}
        }]),
    )
    .await;
    // An edge-reporting source: 0 when input resumes, n once no input came for n seconds.
    journey
        .observe(0, Observation::IdleFor(Some(Duration::zero())))
        .await;
    journey
        .observe(60, Observation::IdleFor(Some(Duration::seconds(60))))
        .await;
    journey.run_until(299).await;
    assert_eq!(journey.shown(0).0, Availability::Available);
    journey.run_until(301).await;
    assert_eq!(journey.shown(0).0, Availability::Away, "idle for 5 minutes");
    // A single touch of the mouse (a cleaner passing by) does not bring them back.
    journey
        .observe(600, Observation::IdleFor(Some(Duration::zero())))
        .await;
    journey
        .observe(610, Observation::IdleFor(Some(Duration::seconds(10))))
        .await;
    journey.run_until(700).await;
    assert_eq!(journey.shown(0).0, Availability::Away);
    // Input that goes on for 15 s does.
    journey
        .observe(720, Observation::IdleFor(Some(Duration::zero())))
        .await;
    journey.run_until(734).await;
    assert_eq!(journey.shown(0).0, Availability::Away);
    journey.run_until(736).await;
    assert_eq!(
        journey.shown(0),
        (Availability::Available, Activity::Available)
    );
    let changes: Vec<_> = journey
        .writes_since(1)
        .into_iter()
        .filter(|(_, _, w)| w.contains("Preferred"))
        .collect();
    assert_eq!(
        changes,
        [
            journey::line(300, 0, "setUserPreferredPresence Away/Away PT15M"),
            journey::line(735, 0, "clearUserPreferredPresence"),
        ]
    );
}

#[tokio::test]
async fn a_manual_override_that_expires() {
    let mut journey = Journey::start(1, json!([unlocked_rule()])).await;
    journey
        .observe(0, Observation::ScreenLocked(Some(false)))
        .await;
    journey.run_until(10).await;
    let user = journey.users[0].clone();
    journey.reconciler.control_mut().overrides.insert(
        user,
        relay_core::control::ManualOverride {
            intent: relay_core::presence::Intent::BeRightBack,
            mode: relay_core::presence::WriteMode::Assertive,
            message: Some("Back at {back_at}".into()),
            until: Some(journey::t0() + Duration::minutes(30)),
        },
    );
    journey.run_until(20).await;
    assert_eq!(
        journey.shown(0),
        (Availability::BeRightBack, Activity::BeRightBack)
    );
    assert_eq!(
        journey.message(0).as_deref(),
        Some("Back at 09:30"),
        "Berlin time"
    );
    journey.run_until(1799).await;
    assert_eq!(
        journey.shown(0).0,
        Availability::BeRightBack,
        "held for the whole half hour"
    );
    journey.run_until(1801).await;
    assert_eq!(
        journey.shown(0),
        (Availability::Available, Activity::Available)
    );
    assert_eq!(
        journey.message(0),
        None,
        "the override's message is cleared"
    );
}

#[tokio::test]
async fn snooze_releases_until_it_ends() {
    let mut journey = Journey::start(1, json!([unlocked_rule()])).await;
    journey
        .observe(0, Observation::ScreenLocked(Some(false)))
        .await;
    journey.run_until(10).await;
    journey.reconciler.control_mut().snoozed_until = Some(journey::t0() + Duration::minutes(30));
    journey.run_until(20).await;
    assert_eq!(journey.shown(0), (Availability::Offline, Activity::Offline));
    assert_eq!(journey.writes_since(10), [line(10, 0, "clearPresence")]);
    journey.run_until(1799).await;
    assert!(
        journey.writes_since(11).is_empty(),
        "a snoozed desk costs nothing"
    );
    journey.run_until(1801).await;
    assert_eq!(
        journey.shown(0),
        (Availability::Available, Activity::Available)
    );
}

#[tokio::test]
async fn pause_releases_everything_we_hold() {
    let mut journey = Journey::start(2, json!([locked_rule()])).await;
    journey
        .observe(0, Observation::ScreenLocked(Some(true)))
        .await;
    journey.run_until(20).await;
    assert_eq!(journey.shown(1), (Availability::Away, Activity::Away));
    journey.reconciler.control_mut().paused = true;
    journey.run_until(30).await;
    assert_eq!(
        sorted(journey.writes_since(20)),
        [
            line(20, 0, "clearPresence"),
            line(20, 0, "clearUserPreferredPresence"),
            line(20, 0, "setStatusMessage (clear)"),
            line(20, 1, "clearPresence"),
            line(20, 1, "clearUserPreferredPresence"),
            line(20, 1, "setStatusMessage (clear)"),
        ]
    );
    for user in 0..2 {
        assert_eq!(
            journey.shown(user),
            (Availability::Offline, Activity::Offline)
        );
        assert_eq!(journey.message(user), None);
    }
    journey.run_until(3600).await;
    assert!(journey.writes_since(31).is_empty(), "paused costs nothing");
}
