use chrono::TimeZone;

use super::*;
use crate::config::*;
use crate::control::ManualOverride;
use crate::snapshot::{CalendarBlock, Observation};

const ADA: &str = "3f1c2a9e-8b7d-4e6f-9a01-23456789abcd";
const BOB: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const BERLIN: Tz = chrono_tz::Europe::Berlin;

/// Monday 2 March 2026, 09:00 UTC (10:00 in Berlin).
fn t(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid")
        + Duration::seconds(seconds)
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("valid")
}

fn action(intent: Intent, mode: WriteMode, message: Option<&str>) -> Action {
    Action {
        intent,
        mode,
        message: message.map(Into::into),
        hold_minutes: None,
    }
}

fn rule(name: &str, when: Conditions, then: Action) -> Rule {
    Rule {
        name: name.into(),
        enabled: true,
        users: Targets::All,
        when,
        then,
    }
}

fn locked_rule() -> Rule {
    rule(
        "Screen locked",
        Conditions {
            screen: Some(ScreenCondition {
                locked: true,
                for_seconds: Some(10),
            }),
            ..Conditions::default()
        },
        action(Intent::Away, WriteMode::Assertive, Some("Back soon")),
    )
}

fn config(rules: Vec<Rule>) -> ConfigFile {
    ConfigFile {
        users: vec![
            User {
                display_name: "Ada".into(),
                object_id: ADA.into(),
            },
            User {
                display_name: "Bob".into(),
                object_id: BOB.into(),
            },
        ],
        calendars: vec![Calendar {
            id: "desk".into(),
            source: CalendarSource::File("/tmp/desk.ics".into()),
        }],
        rules,
        ..ConfigFile::empty()
    }
}

struct World {
    rules: RuleSet,
    snapshot: Snapshot,
    control: Control,
}

impl World {
    fn new(rules: Vec<Rule>) -> Self {
        let valid = validate(config(rules)).expect("test config is valid");
        Self {
            rules: valid.rules().clone(),
            snapshot: Snapshot::new(Duration::seconds(15)),
            control: Control::default(),
        }
    }

    fn observe(&mut self, observation: Observation, at: DateTime<Utc>) {
        self.snapshot.apply(observation, at);
    }

    fn eval(&self, now: DateTime<Utc>) -> Evaluation {
        evaluate(
            &Inputs {
                rules: &self.rules,
                snapshot: &self.snapshot,
                control: &self.control,
                local_zone: BERLIN,
            },
            now,
        )
    }

    fn decision(&self, user: &str, now: DateTime<Utc>) -> Decision {
        self.eval(now).decisions[user].clone()
    }
}

#[test]
fn lock_must_last_before_the_rule_decides_and_evaluation_wakes_for_it() {
    let mut world = World::new(vec![locked_rule()]);
    world.observe(Observation::ScreenLocked(Some(true)), t(0));
    let early = world.eval(t(5));
    assert_eq!(early.decisions[ADA].intent, Intent::Release);
    assert_eq!(early.decisions[ADA].reason, Reason::Default);
    assert_eq!(early.wake_at, Some(t(10)));
    let later = world.decision(ADA, t(10));
    assert_eq!(later.intent, Intent::Away);
    assert_eq!(later.mode, WriteMode::Assertive);
    assert_eq!(later.message.as_deref(), Some("Back soon"));
    assert_eq!(
        later.reason,
        Reason::Rule {
            index: 0,
            name: "Screen locked".into()
        }
    );
    assert_eq!(later.hold, Duration::minutes(15), "default hold");
}

#[test]
fn an_unknown_lock_state_never_flips_presence() {
    let mut world = World::new(vec![locked_rule()]);
    world.observe(Observation::ScreenLocked(Some(true)), t(0));
    world.observe(Observation::ScreenLocked(None), t(20));
    assert_eq!(world.decision(ADA, t(30)).intent, Intent::Away);
}

#[test]
fn pause_releases_everyone_and_beats_overrides() {
    let mut world = World::new(vec![locked_rule()]);
    world.observe(Observation::ScreenLocked(Some(true)), t(0));
    world.control.overrides.insert(
        ADA.into(),
        ManualOverride {
            intent: Intent::Busy,
            mode: WriteMode::Assertive,
            message: None,
            until: None,
        },
    );
    world.control.paused = true;
    let evaluation = world.eval(t(60));
    for user in [ADA, BOB] {
        assert_eq!(evaluation.decisions[user].intent, Intent::Release);
        assert_eq!(evaluation.decisions[user].reason, Reason::Paused);
    }
}

#[test]
fn an_override_wins_until_it_expires_then_the_rules_resume() {
    let mut world = World::new(vec![locked_rule()]);
    world.observe(Observation::ScreenLocked(Some(true)), t(0));
    world.control.overrides.insert(
        ADA.into(),
        ManualOverride {
            intent: Intent::BeRightBack,
            mode: WriteMode::Assertive,
            message: Some("Back at {back_at}".into()),
            until: Some(t(1800)),
        },
    );
    let evaluation = world.eval(t(60));
    let ada = &evaluation.decisions[ADA];
    assert_eq!(ada.intent, Intent::BeRightBack);
    assert_eq!(ada.message.as_deref(), Some("Back at 10:30"), "Berlin time");
    assert_eq!(
        evaluation.decisions[BOB].intent,
        Intent::Away,
        "Bob follows the rules"
    );
    assert_eq!(evaluation.wake_at, Some(t(1800)));
    assert_eq!(world.decision(ADA, t(1800)).intent, Intent::Away);
}

#[test]
fn snooze_releases_rule_states_but_keeps_overrides() {
    let mut world = World::new(vec![locked_rule()]);
    world.observe(Observation::ScreenLocked(Some(true)), t(0));
    world.control.snoozed_until = Some(t(3600));
    world.control.overrides.insert(
        BOB.into(),
        ManualOverride {
            intent: Intent::DoNotDisturb,
            mode: WriteMode::Polite,
            message: None,
            until: None,
        },
    );
    let evaluation = world.eval(t(60));
    assert_eq!(evaluation.decisions[ADA].intent, Intent::Release);
    assert_eq!(
        evaluation.decisions[ADA].reason,
        Reason::Snoozed { until: t(3600) }
    );
    assert_eq!(evaluation.decisions[BOB].intent, Intent::DoNotDisturb);
    assert_eq!(evaluation.wake_at, Some(t(3600)));
    assert_eq!(world.decision(ADA, t(3600)).intent, Intent::Away);
}

fn window(days: Vec<Weekday>, start: &str, end: &str, zone: Option<&str>) -> Conditions {
    Conditions {
        time: Some(TimeWindow {
            days,
            start: start.into(),
            end: end.into(),
            time_zone: zone.map(Into::into),
        }),
        ..Conditions::default()
    }
}

#[test]
fn a_lunch_window_holds_between_its_times_on_its_days() {
    let lunch = rule(
        "Lunch",
        window(vec![Weekday::Mon], "12:00", "13:00", Some("Europe/Berlin")),
        action(
            Intent::BeRightBack,
            WriteMode::Assertive,
            Some("At lunch until {until}"),
        ),
    );
    let world = World::new(vec![lunch]);
    // 10:00 Berlin: not yet; wake at 12:00 Berlin = 11:00 UTC.
    let before = world.eval(t(0));
    assert_eq!(before.decisions[ADA].intent, Intent::Release);
    assert_eq!(before.wake_at, Some(utc(2026, 3, 2, 11, 0)));
    let during = world.decision(ADA, utc(2026, 3, 2, 11, 30));
    assert_eq!(during.intent, Intent::BeRightBack);
    assert_eq!(during.until, Some(utc(2026, 3, 2, 12, 0)));
    assert_eq!(during.message.as_deref(), Some("At lunch until 13:00"));
    // Tuesday is not a lunch day.
    assert_eq!(
        world.decision(ADA, utc(2026, 3, 3, 11, 30)).intent,
        Intent::Release
    );
}

#[test]
fn a_night_window_wraps_midnight_and_respects_its_start_days() {
    let night = rule(
        "Night",
        window(vec![Weekday::Fri], "20:00", "07:00", None),
        action(Intent::AppearOffline, WriteMode::Assertive, None),
    );
    let world = World::new(vec![night]);
    // Friday 6 March 2026 21:00 Berlin = 20:00 UTC: inside.
    assert_eq!(
        world.decision(ADA, utc(2026, 3, 6, 20, 0)).intent,
        Intent::AppearOffline
    );
    // Saturday 06:59 Berlin = 05:59 UTC: still Friday's night.
    let saturday_early = world.decision(ADA, utc(2026, 3, 7, 5, 59));
    assert_eq!(saturday_early.intent, Intent::AppearOffline);
    assert_eq!(saturday_early.until, Some(utc(2026, 3, 7, 6, 0)));
    // Saturday 21:00 Berlin: Saturday is not a start day.
    assert_eq!(
        world.decision(ADA, utc(2026, 3, 7, 20, 0)).intent,
        Intent::Release
    );
}

#[test]
fn windows_follow_daylight_saving_time() {
    let morning = rule(
        "Morning",
        window(vec![], "08:00", "09:00", Some("Europe/Berlin")),
        action(Intent::Busy, WriteMode::Polite, None),
    );
    let world = World::new(vec![morning]);
    // Before the change (UTC+1): 08:00 Berlin = 07:00 UTC.
    assert_eq!(
        world.decision(ADA, utc(2026, 3, 27, 7, 0)).intent,
        Intent::Busy
    );
    // After it (29 March 2026, UTC+2): 08:00 Berlin = 06:00 UTC.
    assert_eq!(
        world.decision(ADA, utc(2026, 3, 30, 6, 0)).intent,
        Intent::Busy
    );
    assert_eq!(
        world.decision(ADA, utc(2026, 3, 30, 7, 0)).intent,
        Intent::Release
    );
}

#[test]
fn calendar_blocks_match_on_show_as_and_keywords() {
    let meeting = rule(
        "In a meeting",
        Conditions {
            calendar: Some(CalendarCondition {
                calendar: "desk".into(),
                show_as: vec![ShowAs::Busy],
                title_keywords: vec!["Meeting".into()],
            }),
            ..Conditions::default()
        },
        action(
            Intent::Busy,
            WriteMode::Polite,
            Some("In a meeting until {until}"),
        ),
    );
    let mut world = World::new(vec![meeting]);
    let block = |start: i64, end: i64, show_as: ShowAs, title: &str| CalendarBlock {
        start: t(start),
        end: t(end),
        show_as,
        title: title.into(),
    };
    world.observe(
        Observation::Calendar {
            id: "desk".into(),
            blocks: vec![
                block(600, 1800, ShowAs::Busy, "Team MEETING"),
                block(1800, 3600, ShowAs::Busy, "Dentist"),
                block(3600, 5400, ShowAs::Tentative, "Planning meeting"),
            ],
        },
        t(0),
    );
    let before = world.eval(t(0));
    assert_eq!(before.decisions[ADA].intent, Intent::Release);
    assert_eq!(before.wake_at, Some(t(600)));
    let during = world.decision(ADA, t(900));
    assert_eq!(during.intent, Intent::Busy);
    assert_eq!(during.message.as_deref(), Some("In a meeting until 10:30"));
    assert_eq!(
        world.decision(ADA, t(2000)).intent,
        Intent::Release,
        "no keyword"
    );
    assert_eq!(
        world.decision(ADA, t(4000)).intent,
        Intent::Release,
        "tentative"
    );
}

#[test]
fn a_leaving_machine_releases_unless_a_rule_covers_it() {
    let mut world = World::new(vec![locked_rule()]);
    world.observe(Observation::ScreenLocked(Some(true)), t(0));
    world.observe(Observation::Machine(MachineState::Suspending), t(60));
    let decision = world.decision(ADA, t(61));
    assert_eq!(decision.intent, Intent::Release);
    assert_eq!(decision.reason, Reason::MachineLeaving);

    let gone = rule(
        "Going home",
        Conditions {
            machine: Some(MachineState::SessionEnding),
            ..Conditions::default()
        },
        action(Intent::AppearOffline, WriteMode::Assertive, None),
    );
    let mut world = World::new(vec![locked_rule(), gone]);
    world.observe(Observation::Machine(MachineState::SessionEnding), t(0));
    assert_eq!(world.decision(ADA, t(1)).intent, Intent::AppearOffline);
    world.observe(Observation::Resumed, t(2));
    assert_eq!(world.decision(ADA, t(3)).intent, Intent::Release);
}

#[test]
fn rules_for_named_users_leave_the_others_to_later_rules() {
    let mut only_bob = locked_rule();
    only_bob.users = Targets::Named(vec![BOB.to_uppercase()]);
    let everyone = rule(
        "Locked, everyone",
        Conditions {
            screen: Some(ScreenCondition {
                locked: true,
                for_seconds: None,
            }),
            ..Conditions::default()
        },
        action(Intent::Busy, WriteMode::Polite, None),
    );
    let mut world = World::new(vec![only_bob, everyone]);
    world.observe(Observation::ScreenLocked(Some(true)), t(0));
    let evaluation = world.eval(t(30));
    assert_eq!(evaluation.decisions[BOB].intent, Intent::Away);
    assert_eq!(evaluation.decisions[ADA].intent, Intent::Busy);
}

#[test]
fn messages_name_the_day_when_the_end_is_not_today() {
    let rendered = render(
        "Back {back_at}",
        Some(utc(2026, 3, 3, 8, 0)),
        BERLIN,
        utc(2026, 3, 2, 16, 0),
    );
    assert_eq!(rendered, "Back Tue 09:00");
    assert_eq!(render("Back {until}", None, BERLIN, t(0)), "Back later");
}

#[test]
fn a_lock_still_counting_marks_the_fallthrough_decision_pending() {
    let unlocked = rule(
        "At the desk",
        Conditions {
            screen: Some(ScreenCondition {
                locked: false,
                for_seconds: None,
            }),
            ..Conditions::default()
        },
        action(Intent::Available, WriteMode::Polite, None),
    );
    let mut world = World::new(vec![locked_rule(), unlocked]);
    world.observe(Observation::ScreenLocked(Some(false)), t(0));
    assert!(!world.decision(ADA, t(0)).pending);
    world.observe(Observation::ScreenLocked(Some(true)), t(60));
    let counting = world.decision(ADA, t(65));
    assert_eq!(counting.intent, Intent::Release);
    assert!(counting.pending, "the lock rule is still counting");
    let decided = world.decision(ADA, t(70));
    assert_eq!(decided.intent, Intent::Away);
    assert!(!decided.pending);
}
