use chrono::TimeZone;

use super::*;
use crate::evaluate::Reason;

fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid")
        + Duration::seconds(seconds)
}

fn decision(intent: Intent, mode: WriteMode, message: Option<&str>) -> Decision {
    Decision {
        intent,
        mode,
        message: message.map(Into::into),
        hold: Duration::minutes(15),
        until: None,
        reason: Reason::Default,
        pending: false,
    }
}

fn target(intent: Intent, mode: WriteMode, message: Option<&str>) -> Target {
    Target::for_decision(&decision(intent, mode, message), true)
}

fn fifteen() -> SessionExpiration {
    SessionExpiration::from_minutes(15).expect("in range")
}

const NO_JITTER: Duration = Duration::zero();

/// Plans and records every write as accepted, like the engine after a successful round.
fn step(target: &Target, held: &mut Held, now: DateTime<Utc>, jitter: Duration) -> Plan {
    let plan = plan(target, held, now, &Timing::default(), jitter);
    for write in &plan.writes {
        held.record(write, now);
    }
    plan
}

#[test]
fn a_polite_state_is_one_session_write_kept_alive_every_four_minutes() {
    let target = target(Intent::Available, WriteMode::Polite, None);
    let mut held = Held::default();
    let first = step(&target, &mut held, t(0), NO_JITTER);
    assert_eq!(
        first.writes,
        [Write::SetSession {
            pair: SessionPair::Available,
            expiration: fifteen()
        }]
    );
    assert_eq!(first.next_due, Some(t(240)));
    assert!(step(&target, &mut held, t(239), NO_JITTER)
        .writes
        .is_empty());
    assert_eq!(step(&target, &mut held, t(240), NO_JITTER).writes.len(), 1);
}

#[test]
fn jitter_only_ever_lengthens_the_keep_alive_and_stays_under_the_fade() {
    let target = target(Intent::Available, WriteMode::Polite, None);
    let mut held = Held::default();
    let jitter = Duration::seconds(27);
    step(&target, &mut held, t(0), jitter);
    assert!(step(&target, &mut held, t(240), jitter).writes.is_empty());
    let due = step(&target, &mut held, t(241), jitter).next_due;
    assert_eq!(due, Some(t(267)));
    assert!(
        Duration::seconds(267) < Duration::minutes(5),
        "under the fade"
    );
}

#[test]
fn an_hour_of_a_held_polite_state_costs_at_most_fifteen_writes() {
    let target = target(Intent::Busy, WriteMode::Polite, None);
    let mut held = Held::default();
    let mut writes = 0;
    let mut now = t(0);
    // Wake up whenever the planner asks, plus at every whole minute (other users' timers).
    while now < t(3600) {
        let plan = step(&target, &mut held, now, Duration::seconds(9));
        writes += plan.writes.len();
        let next_minute = now + Duration::seconds(60 - now.timestamp() % 60);
        now = plan
            .next_due
            .map_or(next_minute, |due| due.min(next_minute));
    }
    assert!(writes <= 15, "{writes} writes in an hour");
    assert!(writes >= 14, "the session must be kept alive: {writes}");
}

#[test]
fn an_assertive_state_holds_a_session_a_preferred_presence_and_the_message() {
    let target = target(Intent::BeRightBack, WriteMode::Assertive, Some("Back soon"));
    let mut held = Held::default();
    let plan = step(&target, &mut held, t(0), NO_JITTER);
    assert_eq!(
        plan.writes,
        [
            Write::SetSession {
                pair: SessionPair::Away,
                expiration: fifteen()
            },
            Write::SetPreferred {
                pair: PreferredPair::BeRightBack,
                expiration: Duration::minutes(15)
            },
            Write::SetMessage {
                text: "Back soon".into(),
                expires_at: t(900)
            },
        ]
    );
    // Keep-alive at 4 min touches only the session; at 10 min the preferred presence and the
    // message are renewed (5 min before they would expire).
    assert_eq!(
        step(&target, &mut held, t(240), NO_JITTER).writes,
        [Write::SetSession {
            pair: SessionPair::Away,
            expiration: fifteen()
        }]
    );
    let renewal = step(&target, &mut held, t(600), NO_JITTER);
    assert_eq!(renewal.writes.len(), 3, "{:?}", renewal.writes);
}

#[test]
fn going_from_assertive_to_polite_clears_our_preferred_presence_first() {
    let mut held = Held::default();
    step(
        &target(Intent::DoNotDisturb, WriteMode::Assertive, None),
        &mut held,
        t(0),
        NO_JITTER,
    );
    let plan = step(
        &target(Intent::Available, WriteMode::Polite, None),
        &mut held,
        t(30),
        NO_JITTER,
    );
    assert_eq!(
        plan.writes,
        [
            Write::ClearPreferred,
            Write::SetSession {
                pair: SessionPair::Available,
                expiration: fifteen()
            }
        ]
    );
}

#[test]
fn release_clears_only_what_we_hold() {
    let mut held = Held::default();
    assert!(step(&Target::release(), &mut held, t(0), NO_JITTER)
        .writes
        .is_empty());
    step(
        &target(Intent::Away, WriteMode::Assertive, Some("Out")),
        &mut held,
        t(0),
        NO_JITTER,
    );
    let plan = step(&Target::release(), &mut held, t(10), NO_JITTER);
    assert_eq!(
        plan.writes,
        [
            Write::ClearPreferred,
            Write::ClearSession,
            Write::ClearMessage
        ]
    );
    assert!(!held.holds_anything());
    assert_eq!(plan.next_due, None, "nothing held costs nothing");
}

#[test]
fn after_a_restart_a_release_clears_a_session_we_may_hold() {
    let mut held = Held {
        session_unknown: true,
        ..Held::default()
    };
    assert_eq!(
        step(&Target::release(), &mut held, t(0), NO_JITTER).writes,
        [Write::ClearSession]
    );
    assert!(!held.session_unknown);
}

#[test]
fn when_the_user_chose_their_own_presence_assertive_falls_back_to_polite() {
    let busy = Target::for_decision(&decision(Intent::Busy, WriteMode::Assertive, None), false);
    assert_eq!(busy.preferred, None);
    assert_eq!(busy.session, Some(SessionPair::BusyInACall));
    let brb = Target::for_decision(
        &decision(Intent::BeRightBack, WriteMode::Assertive, None),
        false,
    );
    assert_eq!((brb.session, brb.preferred), (None, None));
}

#[test]
fn holds_are_bounded_to_graphs_session_range() {
    let mut long = decision(Intent::Available, WriteMode::Polite, None);
    long.hold = Duration::hours(10);
    let plan = plan(
        &Target::for_decision(&long, true),
        &Held::default(),
        t(0),
        &Timing::default(),
        NO_JITTER,
    );
    assert_eq!(
        plan.writes,
        [Write::SetSession {
            pair: SessionPair::Available,
            expiration: SessionExpiration::from_minutes(240).expect("max")
        }]
    );
}

/// Every intent, mode and message: once the planned writes are recorded, planning again at the
/// same instant asks for nothing (nothing is re-sent that Graph already has).
#[test]
fn planning_is_idempotent_once_writes_are_recorded() {
    let mut held = Held::default();
    let mut now = t(0);
    for intent in Intent::ALL {
        for mode in [WriteMode::Polite, WriteMode::Assertive] {
            for message in [None, Some("Hello")] {
                let target = target(intent, mode, message);
                step(&target, &mut held, now, NO_JITTER);
                let again = plan(&target, &held, now, &Timing::default(), NO_JITTER);
                assert!(
                    again.writes.is_empty(),
                    "{intent:?} {mode:?} {message:?}: {again:?}"
                );
                now += Duration::seconds(30);
            }
        }
    }
}

#[test]
fn writes_graph_expired_are_forgotten() {
    let mut held = Held::default();
    step(
        &target(Intent::Away, WriteMode::Assertive, Some("x")),
        &mut held,
        t(0),
        NO_JITTER,
    );
    held.expire(t(900));
    assert!(!held.holds_anything());
}
