//! logind source against a fake logind on a private bus standing in for the system bus.
#![cfg(target_os = "linux")]

mod common;

use std::io::Read;
use std::time::Duration;

use common::{buses, Events, PATIENCE};
use relay_signals::linux::{LogindOptions, LogindSource};
use relay_signals::testing::{FakeLogind, FakeSessionState, PrivateBus};
use relay_signals::{Health, Signal};

const LOGIND: &str = "logind";

fn source(conn: zbus::Connection, report_idle: bool) -> Box<dyn relay_signals::SignalSource> {
    Box::new(LogindSource::new(
        conn,
        LogindOptions {
            report_idle,
            // Long, so the test proves the early release comes from `ready_for_sleep`.
            sleep_delay: Some(Duration::from_secs(60)),
        },
    ))
}

/// Blocks (off the runtime) until the inhibitor's pipe reports end-of-file: released.
async fn released(mut reader: std::io::PipeReader) {
    let read = tokio::task::spawn_blocking(move || reader.read(&mut [0_u8; 1]));
    let n = tokio::time::timeout(PATIENCE, read)
        .await
        .expect("the delay inhibitor was not released")
        .expect("reader thread")
        .expect("reading the inhibitor pipe");
    assert_eq!(
        n, 0,
        "end-of-file means every copy of the lock fd was closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initial_state_then_every_change() {
    let Some(buses) = buses("initial_state_then_every_change") else {
        return;
    };
    let fake = FakeLogind::serve(&buses.system, FakeSessionState::default())
        .await
        .expect("fake logind");
    let mut events = Events::start(vec![source(
        buses.system.connect().await.expect("connect"),
        true,
    )]);

    events
        .expect(
            LOGIND,
            &[
                Signal::Health(Health::Live),
                Signal::Locked(false),
                Signal::SessionActive(true),
                Signal::Idle(Duration::ZERO),
            ],
        )
        .await;

    fake.set_locked(true).await.expect("lock");
    events.expect(LOGIND, &[Signal::Locked(true)]).await;
    fake.set_active(false).await.expect("switch away");
    events.expect(LOGIND, &[Signal::SessionActive(false)]).await;

    let ten_minutes_ago =
        u64::try_from(chrono::Utc::now().timestamp_micros()).expect("after 1970") - 600_000_000;
    fake.set_idle(true, ten_minutes_ago).await.expect("idle");
    match events.next_from(LOGIND).await {
        Signal::Idle(idle) => assert!(
            (Duration::from_secs(600)..Duration::from_secs(660)).contains(&idle),
            "idle since ten minutes, got {idle:?}"
        ),
        other => panic!("expected idle_seconds, got {other:?}"),
    }
    fake.set_idle(false, 0).await.expect("active");
    events.expect(LOGIND, &[Signal::Idle(Duration::ZERO)]).await;

    fake.prepare_for_shutdown(true).await.expect("shutdown");
    events.expect(LOGIND, &[Signal::SessionEnding(true)]).await;
    fake.prepare_for_shutdown(false)
        .await
        .expect("shutdown cancelled");
    events.expect(LOGIND, &[Signal::SessionEnding(false)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sleep_holds_a_delay_lock_until_ready_then_resync_rereads_after_resume() {
    let Some(buses) = buses("sleep_holds_a_delay_lock") else {
        return;
    };
    let fake = FakeLogind::serve(&buses.system, FakeSessionState::default())
        .await
        .expect("fake logind");
    let mut events = Events::start(vec![source(
        buses.system.connect().await.expect("connect"),
        false,
    )]);
    events
        .expect(
            LOGIND,
            &[
                Signal::Health(Health::Live),
                Signal::Locked(false),
                Signal::SessionActive(true),
            ],
        )
        .await;
    let mut inhibitors = fake.take_inhibitors();
    assert_eq!(inhibitors.len(), 1, "a delay inhibitor is taken at start");
    let inhibitor = inhibitors.remove(0);

    fake.prepare_for_sleep(true).await.expect("sleep");
    events.expect(LOGIND, &[Signal::Suspending]).await;
    // The consumer has published "away"; the machine may sleep now, long before the 60 s cap.
    events.handle.ready_for_sleep();
    released(inhibitor).await;

    // Locked while asleep; on resume every source re-reads (the supervisor's resync).
    fake.set_locked(true).await.expect("lock");
    events.expect(LOGIND, &[Signal::Locked(true)]).await;
    fake.prepare_for_sleep(false).await.expect("resume");
    events
        .expect(
            LOGIND,
            &[
                Signal::Resumed,
                Signal::Locked(true),
                Signal::SessionActive(true),
            ],
        )
        .await;
    assert_eq!(
        fake.take_inhibitors().len(),
        1,
        "a new inhibitor after resume"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_logind_is_followed_again() {
    let Some(buses) = buses("a_restarted_logind_is_followed_again") else {
        return;
    };
    let fake = FakeLogind::serve(&buses.system, FakeSessionState::default())
        .await
        .expect("fake logind");
    let mut events = Events::start(vec![source(
        buses.system.connect().await.expect("connect"),
        false,
    )]);
    events
        .expect(
            LOGIND,
            &[
                Signal::Health(Health::Live),
                Signal::Locked(false),
                Signal::SessionActive(true),
            ],
        )
        .await;

    fake.stop().await.expect("stop");
    match events.next_from(LOGIND).await {
        Signal::Health(Health::Degraded(reason)) => {
            assert!(reason.contains("left the system bus"), "{reason}")
        }
        other => panic!("expected degraded health, got {other:?}"),
    }

    let locked = FakeSessionState {
        locked: true,
        ..FakeSessionState::default()
    };
    let restarted = FakeLogind::serve(&buses.system, locked)
        .await
        .expect("restart");
    events
        .expect(
            LOGIND,
            &[
                Signal::Health(Health::Live),
                Signal::Locked(true),
                Signal::SessionActive(true),
            ],
        )
        .await;
    restarted.set_locked(false).await.expect("unlock");
    events.expect(LOGIND, &[Signal::Locked(false)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absent_logind_is_unsupported_until_it_appears() {
    let Some(system) = PrivateBus::start_or_skip("absent_logind_is_unsupported") else {
        return;
    };
    let mut events = Events::start(vec![source(
        system.connect().await.expect("connect"),
        false,
    )]);
    match events.next_from(LOGIND).await {
        Signal::Health(Health::Unsupported(reason)) => {
            assert_eq!(reason, "org.freedesktop.login1 is not on the system bus")
        }
        other => panic!("expected unsupported, got {other:?}"),
    }
    // Still running, not crashed: a logind that shows up later is used.
    let _fake = FakeLogind::serve(&system, FakeSessionState::default())
        .await
        .expect("fake logind");
    events
        .expect(
            LOGIND,
            &[Signal::Health(Health::Live), Signal::Locked(false)],
        )
        .await;
}

/// A session whose properties have the wrong types.
struct MalformedSession;

#[zbus::interface(name = "org.freedesktop.login1.Session")]
impl MalformedSession {
    #[zbus(property)]
    fn locked_hint(&self) -> String {
        "yes".into()
    }

    #[zbus(property)]
    fn active(&self) -> bool {
        true
    }
}

struct AutoOnlyManager;

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl AutoOnlyManager {
    fn get_session(&self, _id: &str) -> zbus::zvariant::OwnedObjectPath {
        zbus::zvariant::OwnedObjectPath::try_from("/org/freedesktop/login1/session/_331")
            .expect("valid path")
    }

    /// Not a file descriptor: the source must go on without a delay lock.
    fn inhibit(&self, _what: &str, _who: &str, _why: &str, _mode: &str) -> String {
        "not an fd".into()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_properties_degrade_health_without_crashing() {
    let Some(system) = PrivateBus::start_or_skip("malformed_properties_degrade_health") else {
        return;
    };
    let _fake = zbus::connection::Builder::address(system.address())
        .expect("address")
        .serve_at("/org/freedesktop/login1", AutoOnlyManager)
        .expect("manager")
        .serve_at("/org/freedesktop/login1/session/_331", MalformedSession)
        .expect("session")
        .name("org.freedesktop.login1")
        .expect("name")
        .build()
        .await
        .expect("malformed logind");
    let mut events = Events::start(vec![source(
        system.connect().await.expect("connect"),
        false,
    )]);
    assert_eq!(events.next_from(LOGIND).await, Signal::Health(Health::Live));
    match events.next_from(LOGIND).await {
        Signal::Health(Health::Degraded(reason)) => {
            assert!(reason.contains("LockedHint is of type `s`"), "{reason}")
        }
        other => panic!("expected degraded health, got {other:?}"),
    }
    // What could be read is still reported; the malformed LockedHint is not turned into "false".
    assert_eq!(events.next_from(LOGIND).await, Signal::SessionActive(true));
}
