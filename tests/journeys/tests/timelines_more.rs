//! More golden timelines: calendars, time windows, outages, throttling, tokens and restarts.

mod journey;

use chrono::{DateTime, Duration, Utc};
use journey::{line, t0, Journey};
use relay_core::config::ShowAs;
use relay_core::graph_presence::{Activity, Availability};
use relay_core::snapshot::{CalendarBlock, Observation};
use relay_sim::SimOptions;
use serde_json::json;

fn at(seconds: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(seconds)
}

fn block(start: i64, end: i64, show_as: ShowAs, title: &str) -> CalendarBlock {
    CalendarBlock {
        start: at(start),
        end: at(end),
        show_as,
        title: title.into(),
    }
}

fn sorted(mut lines: Vec<journey::Line>) -> Vec<journey::Line> {
    lines.sort();
    lines
}

#[tokio::test]
async fn do_not_disturb_during_a_meeting() {
    let mut journey = Journey::start(
        1,
        json!([
            {"name": "Focus", "when": {"do_not_disturb": true}, "then": {"intent": "do_not_disturb"}},
            {"name": "Meeting",
             "when": {"calendar": {"calendar": "desk", "show_as": ["busy"]}},
             "then": {"intent": "busy", "message": "In a meeting until {until}"}}
        ]),
    )
    .await;
    // A meeting 09:00-10:00 Berlin (08:00-09:00 UTC, t0 = 08:00 UTC).
    journey
        .observe(
            0,
            Observation::Calendar {
                id: "desk".into(),
                blocks: vec![block(0, 3600, ShowAs::Busy, "Board meeting")],
            },
        )
        .await;
    journey
        .observe(0, Observation::DoNotDisturb(Some(false)))
        .await;
    journey.run_until(60).await;
    assert_eq!(journey.shown(0), (Availability::Busy, Activity::InACall));
    assert_eq!(
        journey.message(0).as_deref(),
        Some("In a meeting until 10:00")
    );
    journey
        .observe(1800, Observation::DoNotDisturb(Some(true)))
        .await;
    journey.run_until(1801).await;
    assert_eq!(
        journey.shown(0),
        (Availability::DoNotDisturb, Activity::Presenting)
    );
    assert_eq!(journey.message(0), None, "the focus rule has no message");
    journey
        .observe(2700, Observation::DoNotDisturb(Some(false)))
        .await;
    journey.run_until(2701).await;
    assert_eq!(journey.shown(0), (Availability::Busy, Activity::InACall));
    journey.run_until(3601).await;
    assert_eq!(
        journey.shown(0),
        (Availability::Offline, Activity::Offline),
        "after the meeting nothing is held"
    );
}

#[tokio::test]
async fn an_all_day_out_of_office() {
    let mut journey = Journey::start(
        1,
        json!([{
            "name": "Out of office",
            "when": {"calendar": {"calendar": "desk", "show_as": ["oof"]}},
            "then": {"intent": "away", "mode": "assertive", "message": "Out of office until {until}", "hold_minutes": 60}
        }]),
    )
    .await;
    // All of Tuesday 3 March in Berlin: 2 March 23:00 UTC to 3 March 23:00 UTC.
    let start = (utc_midnight_berlin(3) - t0()).num_seconds();
    let end = start + 86_400;
    journey
        .observe(
            0,
            Observation::Calendar {
                id: "desk".into(),
                blocks: vec![block(start, end, ShowAs::Oof, "Holiday")],
            },
        )
        .await;
    journey.run_until(start - 1).await;
    assert_eq!(journey.shown(0).0, Availability::Offline);
    journey.run_until(start + 60).await;
    assert_eq!(journey.shown(0), (Availability::Away, Activity::Away));
    assert_eq!(
        journey.message(0).as_deref(),
        Some("Out of office until Wed 00:00")
    );
    journey.run_until(end - 60).await;
    assert_eq!(journey.shown(0).0, Availability::Away, "held all day");
    let day: Vec<_> = journey
        .writes_since(start)
        .into_iter()
        .filter(|(s, _, w)| *s < end && w.starts_with("setUserPreferred"))
        .collect();
    assert!(
        (20..=30).contains(&day.len()),
        "the 60-minute preferred presence is renewed about every 55 minutes: {}",
        day.len()
    );
    journey.run_until(end + 1).await;
    assert_eq!(journey.shown(0), (Availability::Offline, Activity::Offline));
    assert_eq!(journey.message(0), None);
}

fn utc_midnight_berlin(day_of_march: u32) -> DateTime<Utc> {
    use chrono::TimeZone;
    chrono_tz::Europe::Berlin
        .with_ymd_and_hms(2026, 3, day_of_march, 0, 0, 0)
        .single()
        .expect("valid")
        .with_timezone(&Utc)
}

#[tokio::test]
async fn a_lunch_window() {
    let mut journey = Journey::start(
        2,
        json!([{
            "name": "Lunch",
            "when": {"time": {"days": ["mon"], "start": "12:00", "end": "13:00", "time_zone": "Europe/Berlin"}},
            "then": {"intent": "be_right_back", "mode": "assertive", "message": "At lunch, back at {back_at}"}
        }]),
    )
    .await;
    // 12:00 Berlin = 11:00 UTC = t0 + 3 h.
    journey.run_until(3 * 3600 - 1).await;
    assert_eq!(journey.shown(0).0, Availability::Offline);
    journey.run_until(3 * 3600).await;
    for user in 0..2 {
        assert_eq!(
            journey.shown(user),
            (Availability::BeRightBack, Activity::BeRightBack)
        );
        assert_eq!(
            journey.message(user).as_deref(),
            Some("At lunch, back at 13:00")
        );
    }
    assert_eq!(
        sorted(journey.writes_since(3 * 3600)),
        sorted(
            (0..2)
                .flat_map(|u| [
                    line(10_800, u, "setPresence Away/Away PT15M"),
                    line(
                        10_800,
                        u,
                        "setUserPreferredPresence BeRightBack/BeRightBack PT15M"
                    ),
                    line(
                        10_800,
                        u,
                        "setStatusMessage \"At lunch, back at 13:00\" until 2026-03-02T11:15Z"
                    ),
                ])
                .collect()
        )
    );
    journey.run_until(4 * 3600 + 1).await;
    assert_eq!(journey.shown(0), (Availability::Offline, Activity::Offline));
}

#[tokio::test]
async fn a_night_window_wrapping_midnight() {
    let mut journey = Journey::start(
        1,
        json!([{
            "name": "Night",
            "when": {"time": {"start": "20:00", "end": "07:00"}},
            "then": {"intent": "appear_offline", "mode": "assertive"}
        }]),
    )
    .await;
    // The machine's zone is Berlin in these journeys: 20:00 = 19:00 UTC = t0 + 11 h.
    journey.run_until(11 * 3600 + 30).await;
    assert_eq!(journey.shown(0), (Availability::Offline, Activity::OffWork));
    // 02:00 Berlin: still night, and still held (renewed, bounded writes).
    journey.run_until(17 * 3600).await;
    assert_eq!(journey.shown(0), (Availability::Offline, Activity::OffWork));
    // 07:00 Berlin next day = 06:00 UTC = t0 + 22 h: released.
    journey.run_until(22 * 3600 + 1).await;
    let released: Vec<_> = journey.writes_since(22 * 3600);
    assert!(
        released
            .iter()
            .any(|(_, _, w)| w == "clearUserPreferredPresence"),
        "{released:?}"
    );
}

#[tokio::test]
async fn a_twenty_minute_network_outage_then_recovery() {
    let mut journey = Journey::start(
        1,
        json!([{"name": "Here", "then": {"intent": "available"}}]),
    )
    .await;
    journey.run_until(60).await;
    assert_eq!(
        journey.shown(0),
        (Availability::Available, Activity::Available)
    );
    journey
        .sim
        .set_faults("drop=100".parse().expect("spec"))
        .expect("faults");
    journey.run_until(60 + 20 * 60).await;
    // No keep-alive got through: Graph let our session fade and then expire.
    assert_ne!(journey.shown(0).0, Availability::Available);
    journey
        .sim
        .set_faults("none".parse().expect("spec"))
        .expect("faults");
    let recovered = 60 + 20 * 60;
    // Within one keep-alive period (4 min + jitter) everything is as it should be again.
    journey.run_until(recovered + 270).await;
    assert_eq!(
        journey.shown(0),
        (Availability::Available, Activity::Available)
    );
    let counters = journey.sim.counters();
    assert_eq!(counters.early_retries, 0);
}

#[tokio::test]
async fn a_429_storm_converges_without_early_retries() {
    let options = SimOptions {
        throttle: Some("10/30".parse().expect("budget")),
        ..SimOptions::demo(30)
    };
    let mut journey = Journey::start_with(
        30,
        json!([{"name": "Here", "then": {"intent": "busy"}}]),
        json!({}),
        options,
    )
    .await;
    journey.run_until(600).await;
    for user in 0..30 {
        assert_eq!(
            journey.shown(user),
            (Availability::Busy, Activity::InACall),
            "user {user}"
        );
    }
    let counters = journey.sim.counters();
    assert!(counters.throttled > 0, "the storm happened: {counters:?}");
    assert_eq!(counters.early_retries, 0, "{counters:?}");
    assert_eq!(
        counters.responses_by_status.get(&400).copied().unwrap_or(0),
        0
    );
}

#[tokio::test]
async fn the_token_expiring_mid_run_changes_nothing_visible() {
    let options = SimOptions {
        token_lifetime: Duration::minutes(10),
        ..SimOptions::demo(1)
    };
    let mut journey = Journey::start_with(
        1,
        json!([{"name": "Here", "then": {"intent": "available"}}]),
        json!({}),
        options,
    )
    .await;
    for minute in (5..=60).step_by(5) {
        journey.run_until(minute * 60).await;
        assert_eq!(
            journey.shown(0),
            (Availability::Available, Activity::Available),
            "minute {minute}"
        );
    }
    let counters = journey.sim.counters();
    assert!(counters.tokens_issued >= 5, "{counters:?}");
    let failed: Vec<_> = journey
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.status.is_none_or(|s| s >= 400))
        .collect();
    assert!(
        failed.is_empty(),
        "tokens are renewed before they expire: {failed:?}"
    );
}

#[tokio::test]
async fn a_restart_in_the_middle_of_a_keep_alive() {
    let mut journey = Journey::start(
        1,
        json!([{"name": "Here", "then": {"intent": "available"}}]),
    )
    .await;
    journey.run_until(120).await;
    journey.restart();
    journey.run_until(121).await;
    // The new process cannot know what the old one held: it writes its session again at once.
    assert_eq!(
        journey.writes_since(120),
        [line(120, 0, "setPresence Available/Available PT15M")]
    );
    for second in (150..=1200).step_by(30) {
        journey.run_until(second).await;
        assert_eq!(
            journey.shown(0),
            (Availability::Available, Activity::Available),
            "second {second}"
        );
    }
}

/// The app remembers what it holds: after a restart it neither re-sends a fresh session nor
/// forgets a preferred presence and message it wrote, so it can clear them when the rules no
/// longer want them (without the file they would linger until their expiry).
#[tokio::test]
async fn a_restart_remembers_what_it_holds_and_clears_it_when_the_rules_changed() {
    let state = tempfile::tempdir().expect("temp dir");
    let file = relay_engine::HeldFile::in_dir(state.path());
    let brb = json!([{
        "name": "At lunch",
        "then": {"intent": "be_right_back", "mode": "assertive", "message": "At lunch", "hold_minutes": 60}
    }]);
    let mut journey = Journey::start(1, brb.clone()).await;
    journey.remember_in(&file);
    journey.run_until(100).await;
    assert_eq!(
        journey.shown(0),
        (Availability::BeRightBack, Activity::BeRightBack)
    );

    // Same rules after a restart at 100 s: the session written at 0 s is not due until ~240 s.
    journey.restart_remembering(brb, &file);
    journey.run_until(101).await;
    assert_eq!(journey.writes_since(100), []);

    // Rules changed while the app was down: what we wrote is cleared at once.
    journey.run_until(300).await;
    journey.restart_remembering(json!([]), &file);
    journey.run_until(301).await;
    let writes: Vec<String> = journey
        .writes_since(300)
        .into_iter()
        .map(|(_, _, write)| write)
        .collect();
    assert!(
        writes.contains(&"clearUserPreferredPresence".to_owned()),
        "{writes:?}"
    );
    assert!(
        writes.iter().any(|w| w.starts_with("clearPresence")),
        "{writes:?}"
    );
    assert!(
        writes.iter().any(|w| w.starts_with("setStatusMessage")),
        "{writes:?}"
    );
    assert_eq!(journey.message(0), None);
    assert!(
        file.load().expect("readable").is_empty(),
        "nothing held is remembered"
    );
}
