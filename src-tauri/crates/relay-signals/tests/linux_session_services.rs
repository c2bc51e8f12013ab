//! GNOME / KDE session-bus sources against fake services on a private session bus.
#![cfg(target_os = "linux")]

mod common;

use std::time::Duration;

use common::Events;
use relay_signals::linux::{
    MutterIdleSource, NotificationsInhibitedSource, ScreenSaverService, ScreenSaverSource,
};
use relay_signals::testing::{
    FakeFreedesktopScreenSaver, FakeGnomeScreenSaver, FakeMutterIdle, FakeNotifications, PrivateBus,
};
use relay_signals::{Health, Signal, Tri};

async fn session(test: &str) -> Option<(PrivateBus, zbus::Connection)> {
    let bus = PrivateBus::start_or_skip(test)?;
    let conn = bus
        .connect()
        .await
        .expect("connect to the private session bus");
    Some((bus, conn))
}

async fn expect_health(events: &mut Events, source: &str, wanted: fn(&Health) -> bool) -> Health {
    match events.next_from(source).await {
        Signal::Health(health) if wanted(&health) => health,
        other => panic!("{source}: unexpected {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gnome_screensaver_snapshot_changes_and_restart() {
    let Some((bus, conn)) = session("gnome_screensaver_snapshot_changes_and_restart").await else {
        return;
    };
    let fake = FakeGnomeScreenSaver::serve(&bus, false)
        .await
        .expect("fake");
    let mut events = Events::start(vec![Box::new(ScreenSaverSource::new(
        conn,
        ScreenSaverService::GNOME,
    ))]);
    let name = "gnome-screensaver";
    events
        .expect(
            name,
            &[Signal::Health(Health::Live), Signal::Screensaver(false)],
        )
        .await;
    fake.set_active(true).await.expect("activate");
    events.expect(name, &[Signal::Screensaver(true)]).await;
    fake.set_active(false).await.expect("deactivate");
    events.expect(name, &[Signal::Screensaver(false)]).await;

    // gnome-shell restarts (X11 Alt+F2 r, or a crash): re-subscribe and re-read.
    fake.stop().await.expect("stop");
    expect_health(&mut events, name, |h| matches!(h, Health::Degraded(_))).await;
    let restarted = FakeGnomeScreenSaver::serve(&bus, true)
        .await
        .expect("restart");
    events
        .expect(
            name,
            &[Signal::Health(Health::Live), Signal::Screensaver(true)],
        )
        .await;
    restarted.set_active(false).await.expect("deactivate");
    events.expect(name, &[Signal::Screensaver(false)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kde_screensaver_snapshot_and_changes() {
    let Some((bus, conn)) = session("kde_screensaver_snapshot_and_changes").await else {
        return;
    };
    let fake = FakeFreedesktopScreenSaver::serve(&bus, true)
        .await
        .expect("fake");
    let mut events = Events::start(vec![Box::new(ScreenSaverSource::new(
        conn,
        ScreenSaverService::FREEDESKTOP,
    ))]);
    let name = "freedesktop-screensaver";
    events
        .expect(
            name,
            &[Signal::Health(Health::Live), Signal::Screensaver(true)],
        )
        .await;
    fake.set_active(false).await.expect("unlock");
    events.expect(name, &[Signal::Screensaver(false)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absent_screensaver_is_unsupported() {
    let Some((_bus, conn)) = session("absent_screensaver_is_unsupported").await else {
        return;
    };
    let mut events = Events::start(vec![Box::new(ScreenSaverSource::new(
        conn,
        ScreenSaverService::GNOME,
    ))]);
    let health = expect_health(&mut events, "gnome-screensaver", |h| {
        matches!(h, Health::Unsupported(_))
    })
    .await;
    assert_eq!(
        health,
        Health::Unsupported("org.gnome.ScreenSaver is not on the session bus".into())
    );
}

/// A screensaver that answers with the wrong types.
struct MalformedScreenSaver;

#[zbus::interface(name = "org.gnome.ScreenSaver")]
impl MalformedScreenSaver {
    fn get_active(&self) -> String {
        "locked".into()
    }

    #[zbus(signal)]
    async fn active_changed(
        emitter: &zbus::object_server::SignalEmitter<'_>,
        value: &str,
    ) -> zbus::Result<()>;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_screensaver_replies_degrade_health_and_emit_nothing() {
    let Some((bus, conn)) = session("malformed_screensaver_replies").await else {
        return;
    };
    let service = zbus::connection::Builder::address(bus.address())
        .expect("address")
        .serve_at("/org/gnome/ScreenSaver", MalformedScreenSaver)
        .expect("serve")
        .name("org.gnome.ScreenSaver")
        .expect("name")
        .build()
        .await
        .expect("malformed screensaver");
    let mut events = Events::start(vec![Box::new(ScreenSaverSource::new(
        conn,
        ScreenSaverService::GNOME,
    ))]);
    let name = "gnome-screensaver";
    let health = expect_health(&mut events, name, |h| matches!(h, Health::Degraded(_))).await;
    assert!(
        health.to_string().contains("GetActive replied `s`"),
        "{health}"
    );

    let emitter = zbus::object_server::SignalEmitter::new(&service, "/org/gnome/ScreenSaver")
        .expect("emitter");
    MalformedScreenSaver::active_changed(&emitter, "on")
        .await
        .expect("emit");
    let health = expect_health(&mut events, name, |h| matches!(h, Health::Degraded(_))).await;
    assert!(
        health.to_string().contains("ActiveChanged carried `s`"),
        "{health}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutter_idle_watches_report_edges_and_are_removed_on_stop() {
    let Some((bus, conn)) = session("mutter_idle_watches_report_edges").await else {
        return;
    };
    let fake = FakeMutterIdle::serve(&bus, 2_000).await.expect("fake");
    let mut events = Events::start(vec![Box::new(MutterIdleSource::new(
        conn,
        Duration::from_secs(60),
    ))]);
    let name = "mutter-idle";
    events
        .expect(
            name,
            &[Signal::Health(Health::Live), Signal::Idle(Duration::ZERO)],
        )
        .await;

    fake.become_idle(61_500).await.expect("idle");
    events
        .expect(name, &[Signal::Idle(Duration::from_millis(61_500))])
        .await;
    fake.become_active().await.expect("active");
    events.expect(name, &[Signal::Idle(Duration::ZERO)]).await;
    // Idle again: the idle watch repeats.
    fake.become_idle(60_000).await.expect("idle again");
    events
        .expect(name, &[Signal::Idle(Duration::from_secs(60))])
        .await;

    assert_eq!(
        fake.watch_count().await.expect("count"),
        2,
        "idle + user-active watch"
    );
    events.handle.shutdown().await;
    assert_eq!(
        fake.watch_count().await.expect("count"),
        0,
        "no watch left behind"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutter_snapshot_of_an_idle_user_waits_for_their_return() {
    let Some((bus, conn)) = session("mutter_snapshot_of_an_idle_user").await else {
        return;
    };
    let fake = FakeMutterIdle::serve(&bus, 300_000).await.expect("fake");
    let mut events = Events::start(vec![Box::new(MutterIdleSource::new(
        conn,
        Duration::from_secs(60),
    ))]);
    let name = "mutter-idle";
    events
        .expect(
            name,
            &[
                Signal::Health(Health::Live),
                Signal::Idle(Duration::from_secs(300)),
            ],
        )
        .await;
    fake.become_active().await.expect("active");
    events.expect(name, &[Signal::Idle(Duration::ZERO)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kde_notifications_inhibited_is_dnd_and_restart_is_unknown_then_reread() {
    let Some((bus, conn)) = session("kde_notifications_inhibited_is_dnd").await else {
        return;
    };
    let fake = FakeNotifications::serve(&bus, false).await.expect("fake");
    let mut events = Events::start(vec![Box::new(NotificationsInhibitedSource::new(conn))]);
    let name = "kde-notifications";
    events
        .expect(name, &[Signal::Health(Health::Live), Signal::Dnd(Tri::Off)])
        .await;
    fake.set_inhibited(true).await.expect("inhibit");
    events.expect(name, &[Signal::Dnd(Tri::On)]).await;

    fake.stop().await.expect("stop");
    // The server left: its state is unknown, not "off".
    events.expect(name, &[Signal::Dnd(Tri::Unknown)]).await;
    expect_health(&mut events, name, |h| matches!(h, Health::Degraded(_))).await;
    let _restarted = FakeNotifications::serve(&bus, true).await.expect("restart");
    events
        .expect(name, &[Signal::Health(Health::Live), Signal::Dnd(Tri::On)])
        .await;
}

/// GNOME Shell's notification server: same name, no `Inhibited` property.
struct GnomeNotifications;

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl GnomeNotifications {
    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "gnome-shell".into(),
            "GNOME".into(),
            "46".into(),
            "1.2".into(),
        )
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_server_without_inhibited_is_unsupported() {
    let Some((bus, conn)) = session("a_notification_server_without_inhibited").await else {
        return;
    };
    let _gnome = zbus::connection::Builder::address(bus.address())
        .expect("address")
        .serve_at("/org/freedesktop/Notifications", GnomeNotifications)
        .expect("serve")
        .name("org.freedesktop.Notifications")
        .expect("name")
        .build()
        .await
        .expect("gnome notifications");
    let mut events = Events::start(vec![Box::new(NotificationsInhibitedSource::new(conn))]);
    let health = expect_health(&mut events, "kde-notifications", |h| {
        matches!(h, Health::Unsupported(_))
    })
    .await;
    assert!(
        health.to_string().contains("no Inhibited property"),
        "{health}"
    );
}
