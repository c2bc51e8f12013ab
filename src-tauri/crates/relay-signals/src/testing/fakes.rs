//! Fake desktop services, served with `#[zbus::interface]` on a [`PrivateBus`]: just enough of
//! logind, GNOME Shell, Mutter and KDE's notification server for the sources to be tested
//! end to end. Each fake owns its own connection; [`stop`](FakeLogind::stop) drops it, so
//! the bus sees the name leave (`NameOwnerChanged`) as when a real service restarts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::PipeReader;
use std::sync::{Arc, Mutex};

use zbus::names::InterfaceName;
use zbus::object_server::{InterfaceRef, SignalEmitter};
use zbus::zvariant::{OwnedFd, OwnedObjectPath, Value};
use zbus::Connection;

use super::PrivateBus;

const LOGIND: &str = "org.freedesktop.login1";
const MANAGER_PATH: &str = "/org/freedesktop/login1";
/// The session `GetSession("auto")` resolves to (escaped session id "31").
const SESSION_PATH: &str = "/org/freedesktop/login1/session/_331";

async fn serve<I: zbus::object_server::Interface>(
    bus: &PrivateBus,
    name: &str,
    path: &str,
    iface: I,
) -> zbus::Result<Connection> {
    zbus::connection::Builder::address(bus.address())?
        .serve_at(path, iface)?
        .name(name.to_owned())?
        .build()
        .await
}

async fn release(conn: Connection, name: &str) -> zbus::Result<()> {
    conn.release_name(name.to_owned()).await?;
    conn.close().await
}

/// Initial state of the fake logind session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FakeSessionState {
    pub locked: bool,
    pub active: bool,
    pub idle: bool,
    /// Microseconds since the Unix epoch.
    pub idle_since_us: u64,
}

impl Default for FakeSessionState {
    fn default() -> Self {
        Self {
            locked: false,
            active: true,
            idle: false,
            idle_since_us: 0,
        }
    }
}

struct Manager {
    inhibitors: Arc<Mutex<Vec<PipeReader>>>,
}

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl Manager {
    fn get_session(&self, session_id: &str) -> zbus::fdo::Result<OwnedObjectPath> {
        if session_id != "auto" {
            return Err(zbus::fdo::Error::InvalidArgs(format!(
                "fake logind only knows the session \"auto\", not {session_id:?}"
            )));
        }
        OwnedObjectPath::try_from(SESSION_PATH).map_err(|e| zbus::fdo::Error::Failed(e.to_string()))
    }

    /// Returns the write end of a pipe; the read end stays here, so a test sees the inhibitor
    /// released when reading it hits end-of-file.
    fn inhibit(
        &self,
        what: &str,
        _who: &str,
        _why: &str,
        mode: &str,
    ) -> zbus::fdo::Result<OwnedFd> {
        if (what, mode) != ("sleep", "delay") {
            return Err(zbus::fdo::Error::InvalidArgs(format!(
                "fake logind only grants sleep delay locks, not {what}/{mode}"
            )));
        }
        let (reader, writer) =
            std::io::pipe().map_err(|e| zbus::fdo::Error::IOError(e.to_string()))?;
        lock(&self.inhibitors).push(reader);
        Ok(OwnedFd::from(std::os::fd::OwnedFd::from(writer)))
    }

    #[zbus(signal)]
    async fn prepare_for_sleep(emitter: &SignalEmitter<'_>, start: bool) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn prepare_for_shutdown(emitter: &SignalEmitter<'_>, start: bool) -> zbus::Result<()>;
}

struct Session {
    state: FakeSessionState,
}

#[zbus::interface(name = "org.freedesktop.login1.Session")]
impl Session {
    #[zbus(property)]
    fn locked_hint(&self) -> bool {
        self.state.locked
    }

    #[zbus(property)]
    fn active(&self) -> bool {
        self.state.active
    }

    #[zbus(property)]
    fn idle_hint(&self) -> bool {
        self.state.idle
    }

    #[zbus(property)]
    fn idle_since_hint(&self) -> u64 {
        self.state.idle_since_us
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A fake `org.freedesktop.login1` with one session.
#[derive(Debug)]
pub struct FakeLogind {
    conn: Connection,
    inhibitors: Arc<Mutex<Vec<PipeReader>>>,
}

impl FakeLogind {
    pub async fn serve(bus: &PrivateBus, state: FakeSessionState) -> zbus::Result<Self> {
        let inhibitors = Arc::new(Mutex::new(Vec::new()));
        let conn = zbus::connection::Builder::address(bus.address())?
            .serve_at(
                MANAGER_PATH,
                Manager {
                    inhibitors: inhibitors.clone(),
                },
            )?
            .serve_at(SESSION_PATH, Session { state })?
            .name(LOGIND)?
            .build()
            .await?;
        Ok(Self { conn, inhibitors })
    }

    async fn session(&self) -> zbus::Result<InterfaceRef<Session>> {
        self.conn
            .object_server()
            .interface::<_, Session>(SESSION_PATH)
            .await
    }

    /// Changes `LockedHint` and emits `PropertiesChanged`, as logind does.
    pub async fn set_locked(&self, locked: bool) -> zbus::Result<()> {
        let session = self.session().await?;
        session.get_mut().await.state.locked = locked;
        let guard = session.get().await;
        guard.locked_hint_changed(session.signal_emitter()).await
    }

    pub async fn set_active(&self, active: bool) -> zbus::Result<()> {
        let session = self.session().await?;
        session.get_mut().await.state.active = active;
        let guard = session.get().await;
        guard.active_changed(session.signal_emitter()).await
    }

    /// Sets `IdleHint` and `IdleSinceHint` and emits both in one `PropertiesChanged`.
    pub async fn set_idle(&self, idle: bool, since_us: u64) -> zbus::Result<()> {
        let session = self.session().await?;
        {
            let mut guard = session.get_mut().await;
            guard.state.idle = idle;
            guard.state.idle_since_us = since_us;
        }
        let changed = HashMap::from([
            ("IdleHint", Value::from(idle)),
            ("IdleSinceHint", Value::from(since_us)),
        ]);
        zbus::fdo::Properties::properties_changed(
            session.signal_emitter(),
            InterfaceName::from_static_str_unchecked("org.freedesktop.login1.Session"),
            changed,
            Cow::Borrowed(&[]),
        )
        .await
    }

    pub async fn prepare_for_sleep(&self, start: bool) -> zbus::Result<()> {
        let emitter = SignalEmitter::new(&self.conn, MANAGER_PATH)?;
        Manager::prepare_for_sleep(&emitter, start).await
    }

    pub async fn prepare_for_shutdown(&self, start: bool) -> zbus::Result<()> {
        let emitter = SignalEmitter::new(&self.conn, MANAGER_PATH)?;
        Manager::prepare_for_shutdown(&emitter, start).await
    }

    /// The read ends of every delay inhibitor granted so far (end-of-file = released).
    pub fn take_inhibitors(&self) -> Vec<PipeReader> {
        std::mem::take(&mut *lock(&self.inhibitors))
    }

    /// How many inhibitors were granted and not yet taken by [`FakeLogind::take_inhibitors`].
    pub fn inhibitor_count(&self) -> usize {
        lock(&self.inhibitors).len()
    }

    /// Leaves the bus, as when logind stops or restarts.
    pub async fn stop(self) -> zbus::Result<()> {
        release(self.conn, LOGIND).await
    }
}

struct GnomeScreenSaver {
    active: bool,
}

#[zbus::interface(name = "org.gnome.ScreenSaver")]
impl GnomeScreenSaver {
    fn get_active(&self) -> bool {
        self.active
    }

    #[zbus(signal)]
    async fn active_changed(emitter: &SignalEmitter<'_>, new_value: bool) -> zbus::Result<()>;
}

struct FreedesktopScreenSaver {
    active: bool,
}

#[zbus::interface(name = "org.freedesktop.ScreenSaver")]
impl FreedesktopScreenSaver {
    fn get_active(&self) -> bool {
        self.active
    }

    #[zbus(signal)]
    async fn active_changed(emitter: &SignalEmitter<'_>, new_value: bool) -> zbus::Result<()>;
}

/// A fake GNOME Shell screensaver (`org.gnome.ScreenSaver`).
#[derive(Debug)]
pub struct FakeGnomeScreenSaver {
    conn: Connection,
}

impl FakeGnomeScreenSaver {
    const NAME: &str = "org.gnome.ScreenSaver";
    const PATH: &str = "/org/gnome/ScreenSaver";

    pub async fn serve(bus: &PrivateBus, active: bool) -> zbus::Result<Self> {
        let conn = serve(bus, Self::NAME, Self::PATH, GnomeScreenSaver { active }).await?;
        Ok(Self { conn })
    }

    /// Changes the state and emits `ActiveChanged`.
    pub async fn set_active(&self, active: bool) -> zbus::Result<()> {
        let iface = self
            .conn
            .object_server()
            .interface::<_, GnomeScreenSaver>(Self::PATH)
            .await?;
        iface.get_mut().await.active = active;
        GnomeScreenSaver::active_changed(iface.signal_emitter(), active).await
    }

    pub async fn stop(self) -> zbus::Result<()> {
        release(self.conn, Self::NAME).await
    }
}

/// A fake KDE screen locker (`org.freedesktop.ScreenSaver`).
#[derive(Debug)]
pub struct FakeFreedesktopScreenSaver {
    conn: Connection,
}

impl FakeFreedesktopScreenSaver {
    const NAME: &str = "org.freedesktop.ScreenSaver";
    const PATH: &str = "/org/freedesktop/ScreenSaver";

    pub async fn serve(bus: &PrivateBus, active: bool) -> zbus::Result<Self> {
        let conn = serve(
            bus,
            Self::NAME,
            Self::PATH,
            FreedesktopScreenSaver { active },
        )
        .await?;
        Ok(Self { conn })
    }

    pub async fn set_active(&self, active: bool) -> zbus::Result<()> {
        let iface = self
            .conn
            .object_server()
            .interface::<_, FreedesktopScreenSaver>(Self::PATH)
            .await?;
        iface.get_mut().await.active = active;
        FreedesktopScreenSaver::active_changed(iface.signal_emitter(), active).await
    }

    pub async fn stop(self) -> zbus::Result<()> {
        release(self.conn, Self::NAME).await
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WatchKind {
    /// Fires each time idleness reaches this many milliseconds.
    Idle(u64),
    /// Fires once at the next input.
    UserActive,
}

#[derive(Default)]
struct IdleMonitor {
    idletime_ms: u64,
    next_id: u32,
    watches: Vec<(u32, WatchKind)>,
}

#[zbus::interface(name = "org.gnome.Mutter.IdleMonitor")]
impl IdleMonitor {
    fn get_idletime(&self) -> u64 {
        self.idletime_ms
    }

    fn add_idle_watch(&mut self, interval: u64) -> u32 {
        self.add(WatchKind::Idle(interval))
    }

    fn add_user_active_watch(&mut self) -> u32 {
        self.add(WatchKind::UserActive)
    }

    fn remove_watch(&mut self, id: u32) {
        self.watches.retain(|(watch, _)| *watch != id);
    }

    #[zbus(signal)]
    async fn watch_fired(emitter: &SignalEmitter<'_>, id: u32) -> zbus::Result<()>;
}

impl IdleMonitor {
    fn add(&mut self, kind: WatchKind) -> u32 {
        self.next_id += 1;
        self.watches.push((self.next_id, kind));
        self.next_id
    }
}

/// A fake Mutter idle monitor. The test moves the user's idleness; the fake fires the watches
/// that Mutter would.
#[derive(Debug)]
pub struct FakeMutterIdle {
    conn: Connection,
}

impl FakeMutterIdle {
    const NAME: &str = "org.gnome.Mutter.IdleMonitor";
    const PATH: &str = "/org/gnome/Mutter/IdleMonitor/Core";

    pub async fn serve(bus: &PrivateBus, idletime_ms: u64) -> zbus::Result<Self> {
        let monitor = IdleMonitor {
            idletime_ms,
            ..IdleMonitor::default()
        };
        let conn = serve(bus, Self::NAME, Self::PATH, monitor).await?;
        Ok(Self { conn })
    }

    async fn monitor(&self) -> zbus::Result<InterfaceRef<IdleMonitor>> {
        self.conn
            .object_server()
            .interface::<_, IdleMonitor>(Self::PATH)
            .await
    }

    /// No input for `idletime_ms`: fires every idle watch whose interval was passed.
    pub async fn become_idle(&self, idletime_ms: u64) -> zbus::Result<()> {
        let monitor = self.monitor().await?;
        let fired: Vec<u32> = {
            let mut guard = monitor.get_mut().await;
            let before = guard.idletime_ms;
            guard.idletime_ms = idletime_ms;
            guard
                .watches
                .iter()
                .filter_map(|&(id, kind)| match kind {
                    WatchKind::Idle(at) if before < at && at <= idletime_ms => Some(id),
                    _ => None,
                })
                .collect()
        };
        for id in fired {
            IdleMonitor::watch_fired(monitor.signal_emitter(), id).await?;
        }
        Ok(())
    }

    /// Input: idleness back to zero; every user-active watch fires once and is removed.
    pub async fn become_active(&self) -> zbus::Result<()> {
        let monitor = self.monitor().await?;
        let fired: Vec<u32> = {
            let mut guard = monitor.get_mut().await;
            guard.idletime_ms = 0;
            let fired = guard
                .watches
                .iter()
                .filter(|(_, kind)| *kind == WatchKind::UserActive)
                .map(|(id, _)| *id)
                .collect();
            guard
                .watches
                .retain(|(_, kind)| *kind != WatchKind::UserActive);
            fired
        };
        for id in fired {
            IdleMonitor::watch_fired(monitor.signal_emitter(), id).await?;
        }
        Ok(())
    }

    /// How many watches the client has registered and not removed.
    pub async fn watch_count(&self) -> zbus::Result<usize> {
        Ok(self.monitor().await?.get().await.watches.len())
    }

    pub async fn stop(self) -> zbus::Result<()> {
        release(self.conn, Self::NAME).await
    }
}

struct Notifications {
    inhibited: bool,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Notifications {
    #[zbus(property)]
    fn inhibited(&self) -> bool {
        self.inhibited
    }
}

/// A fake KDE notification server with the `Inhibited` property.
#[derive(Debug)]
pub struct FakeNotifications {
    conn: Connection,
}

impl FakeNotifications {
    const NAME: &str = "org.freedesktop.Notifications";
    const PATH: &str = "/org/freedesktop/Notifications";

    pub async fn serve(bus: &PrivateBus, inhibited: bool) -> zbus::Result<Self> {
        let conn = serve(bus, Self::NAME, Self::PATH, Notifications { inhibited }).await?;
        Ok(Self { conn })
    }

    pub async fn set_inhibited(&self, inhibited: bool) -> zbus::Result<()> {
        let iface = self
            .conn
            .object_server()
            .interface::<_, Notifications>(Self::PATH)
            .await?;
        iface.get_mut().await.inhibited = inhibited;
        let guard = iface.get().await;
        guard.inhibited_changed(iface.signal_emitter()).await
    }

    pub async fn stop(self) -> zbus::Result<()> {
        release(self.conn, Self::NAME).await
    }
}
