//! The assembled relay: a fake logind on a private bus (standing in for the system bus), the real
//! logind source and supervisor, the engine, and the simulated tenant over loopback HTTP. The
//! screen lock reaches Teams; an edit of the config file applies live (a broken edit does not);
//! suspend releases before the machine may sleep; shutdown releases.
#![cfg(target_os = "linux")]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use relay_config::ConfigParser;
use relay_core::clock::SystemClock;
use relay_core::config::ValidConfig;
use relay_core::graph_presence::Availability;
use relay_graph::TokioSleeper;
use relay_host::{Host, HostSetup, Tenant};
use relay_signals::linux::{LogindOptions, LogindSource};
use relay_signals::testing::{FakeLogind, FakeSessionState, PrivateBus};
use relay_signals::SourceSet;
use relay_sim::SimControl;
use uuid::Uuid;

/// A hang guard, not a performance assertion: generous so a loaded CI machine never trips it.
const PATIENCE: Duration = Duration::from_secs(20);
const USER: &str = "3f1c2a9e-8b7d-4e6f-9a01-23456789abcd";

fn config_text(locked_intent: &str) -> String {
    serde_json::json!({
        "schema_version": 1,
        "users": [{"object_id": USER, "display_name": "Front desk"}],
        "rules": [{
            "name": "Screen locked",
            "when": {"screen": {"locked": true}},
            "then": {"intent": locked_intent, "mode": "assertive", "message": "Back soon"}
        }],
        "default_action": {"intent": "available"},
        "settings": {"engine": {"min_dwell_seconds": 0}}
    })
    .to_string()
}

fn parse(text: &str) -> ValidConfig {
    ConfigParser::new()
        .parse(text)
        .expect("valid config")
        .config
}

fn shows(sim: &SimControl) -> (Availability, bool) {
    let user = sim.user(USER.parse::<Uuid>().expect("uuid")).expect("user");
    let ours = !user.sessions.is_empty() || user.preferred.is_some();
    (user.presence.availability, ours)
}

async fn until(what: &str, sim: &SimControl, mut done: impl FnMut(&SimControl) -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done(sim) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}; the tenant shows {:?}",
            shows(sim)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn start(system: &PrivateBus, dir: &Path, text: &str) -> Host {
    std::fs::write(dir.join("config.json"), text).expect("write config");
    let mut sources = SourceSet::default();
    sources.push(LogindSource::new(
        system.connect().await.expect("connect"),
        LogindOptions {
            report_idle: false,
            sleep_delay: Some(Duration::from_secs(60)),
        },
    ));
    Host::start(
        HostSetup {
            config: parse(text),
            tenant: Tenant::Simulated,
            sources,
            state_dir: dir.to_path_buf(),
            audit_dir: dir.join("logs"),
            watch_config: Some(dir.join("config.json")),
            local_zone: chrono_tz::UTC,
            notifier: None,
        },
        Arc::new(SystemClock),
        Arc::new(TokioSleeper),
    )
    .await
    .expect("the host starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_reaches_teams_config_edits_apply_live_and_suspend_releases_first() {
    let Some(system) = PrivateBus::start_or_skip("host") else {
        return;
    };
    let logind = FakeLogind::serve(&system, FakeSessionState::default())
        .await
        .expect("fake logind");
    let dir = tempfile::tempdir().expect("temp dir");
    let host = start(&system, dir.path(), &config_text("away")).await;
    let sim = host.simulator().expect("simulated").control();
    assert!(!host.is_demo());

    until("Available at an unlocked desk", &sim, |s| {
        shows(s) == (Availability::Available, true)
    })
    .await;
    logind.set_locked(true).await.expect("lock");
    until("Away once the screen locks", &sim, |s| {
        shows(s).0 == Availability::Away
    })
    .await;

    // A broken edit is reported and changes nothing.
    std::fs::write(
        dir.path().join("config.json"),
        "{\"schema_version\": 1, \"rules\": 7}",
    )
    .expect("write");
    let mut problem = host.config_problem();
    tokio::time::timeout(PATIENCE, problem.wait_for(Option::is_some))
        .await
        .expect("the broken edit is reported")
        .expect("watch open");
    let reported = problem.borrow().clone().expect("a problem");
    assert!(reported.contains("/rules"), "{reported}");
    assert!(
        reported.contains("last good config stays in use"),
        "{reported}"
    );
    assert_eq!(shows(&sim).0, Availability::Away);

    // A good edit applies without a restart.
    std::fs::write(dir.path().join("config.json"), config_text("be_right_back")).expect("write");
    until("Be right back after the edit", &sim, |s| {
        shows(s).0 == Availability::BeRightBack
    })
    .await;
    assert_eq!(*host.config_problem().borrow(), None);

    // Suspend: the engine releases (no rule covers it) before the sources let the machine sleep.
    logind.prepare_for_sleep(true).await.expect("suspend");
    until("nothing of ours held before sleep", &sim, |s| !shows(s).1).await;
    let inhibitors = logind.take_inhibitors();
    assert!(!inhibitors.is_empty(), "the source took a delay inhibitor");

    logind.prepare_for_sleep(false).await.expect("resume");
    until("held again after resume", &sim, |s| shows(s).1).await;

    // A config naming a connection (the wizard, `credentials set`) asks for a new relay instead
    // of being applied to this one.
    let mut with_connection: serde_json::Value =
        serde_json::from_str(&config_text("be_right_back")).expect("json");
    with_connection["connection"] = serde_json::json!({
        "tenant_id": "contoso.onmicrosoft.com",
        "client_id": "00000000-0000-4000-8000-000000000001",
        "credential": "client_secret"
    });
    std::fs::write(dir.path().join("config.json"), with_connection.to_string()).expect("write");
    let mut restart = host.restart_needed();
    tokio::time::timeout(PATIENCE, restart.wait_for(Option::is_some))
        .await
        .expect("a restart is asked for")
        .expect("watch open");

    host.shutdown().await;
    let user = sim.user(USER.parse::<Uuid>().expect("uuid")).expect("user");
    assert!(
        user.sessions.is_empty() && user.preferred.is_none(),
        "{user:?}"
    );
    let audit = std::fs::read_to_string(dir.path().join("logs/audit.jsonl")).expect("audit log");
    assert!(audit.contains("rule: Screen locked"), "{audit}");
}

/// An ICS file with one busy event from an hour ago to an hour from now.
fn busy_now_ics() -> String {
    let now = chrono::Utc::now();
    let stamp = |at: chrono::DateTime<chrono::Utc>| at.format("%Y%m%dT%H%M%SZ").to_string();
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Presence Relay tests//EN\r\nBEGIN:VEVENT\r\n\
         UID:board@example.invalid\r\nDTSTAMP:{}\r\nDTSTART:{}\r\nDTEND:{}\r\n\
         SUMMARY:Board meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        stamp(now),
        stamp(now - chrono::Duration::hours(1)),
        stamp(now + chrono::Duration::hours(1)),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_calendar_reports_its_health_and_state_for_the_settings_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ics = dir.path().join("desk.ics");
    std::fs::write(&ics, busy_now_ics()).expect("write ics");
    let text = serde_json::json!({
        "schema_version": 1,
        "users": [{"object_id": USER, "display_name": "Front desk"}],
        "calendars": [
            {"id": "desk", "source": {"file": ics}},
            {"id": "gone", "source": {"file": dir.path().join("missing.ics")}}
        ],
        "rules": [],
        "default_action": {"intent": "available"}
    })
    .to_string();
    let host = Host::start(
        HostSetup {
            config: parse(&text),
            tenant: Tenant::Simulated,
            sources: SourceSet::default(),
            state_dir: dir.path().to_path_buf(),
            audit_dir: dir.path().join("logs"),
            watch_config: None,
            local_zone: chrono_tz::UTC,
            notifier: None,
        },
        Arc::new(SystemClock),
        Arc::new(TokioSleeper),
    )
    .await
    .expect("the host starts");
    let mut latest = host.latest_calendars();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        {
            let known = latest.borrow_and_update();
            if known.len() == 2 {
                let desk = &known["desk"];
                assert_eq!(desk.health, relay_calendar::runner::SourceHealth::Live);
                assert_eq!(desk.state.strongest, Some(relay_core::config::ShowAs::Busy));
                assert_eq!(desk.blocks.len(), 1);
                assert!(
                    matches!(
                        known["gone"].health,
                        relay_calendar::runner::SourceHealth::Unavailable { .. }
                    ),
                    "{:?}",
                    known["gone"].health
                );
                break;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the calendars never reported: {:?}",
            latest.borrow().keys().collect::<Vec<_>>()
        );
        let _ = tokio::time::timeout(Duration::from_millis(200), latest.changed()).await;
    }
    host.shutdown().await;
}
