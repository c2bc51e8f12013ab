//! systemd-logind on the system bus: the session's `LockedHint`, `Active` and `IdleHint`, and the
//! manager's `PrepareForSleep` (with a delay inhibitor) and `PrepareForShutdown`.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use zbus::fdo::PropertiesProxy;
use zbus::names::InterfaceName;
use zbus::proxy::CacheProperties;
use zbus::zvariant::{OwnedFd, OwnedObjectPath, OwnedValue, Value};
use zbus::Connection;

use super::bus::{failed, fdo_failed, BusKind, Followed, NameFollower};
use crate::event::{Health, Signal, SourceName};
use crate::source::{Request, SignalSource, SourceContext, SourceError};

pub(crate) const LOGIND: &str = "org.freedesktop.login1";
const SESSION_INTERFACE: &str = "org.freedesktop.login1.Session";

#[zbus::proxy(
    interface = "org.freedesktop.login1.Manager",
    default_service = "org.freedesktop.login1",
    default_path = "/org/freedesktop/login1",
    gen_blocking = false
)]
trait LogindManager {
    /// `"auto"`: the caller's session, or else the user's display session.
    fn get_session(&self, session_id: &str) -> zbus::Result<OwnedObjectPath>;

    fn inhibit(&self, what: &str, who: &str, why: &str, mode: &str) -> zbus::Result<OwnedFd>;

    #[zbus(signal)]
    fn prepare_for_sleep(&self, start: bool) -> zbus::Result<()>;

    #[zbus(signal)]
    fn prepare_for_shutdown(&self, start: bool) -> zbus::Result<()>;
}

/// Options for [`LogindSource`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogindOptions {
    /// Report `idle_seconds` from `IdleHint` (only when no better idle source runs: the desktop
    /// sets `IdleHint` after its own idle delay, not ours).
    pub report_idle: bool,
    /// Hold a delay inhibitor and keep the machine awake up to this long after announcing
    /// `suspending`, or until the consumer calls `ready_for_sleep`. `None`: no inhibitor.
    /// logind caps it at `InhibitDelayMaxSec` (5 s by default).
    pub sleep_delay: Option<Duration>,
}

impl Default for LogindOptions {
    fn default() -> Self {
        Self {
            report_idle: false,
            sleep_delay: Some(Duration::from_secs(3)),
        }
    }
}

/// Lock, session, idle, sleep and shutdown signals from logind.
#[derive(Debug)]
pub struct LogindSource {
    system: Connection,
    options: LogindOptions,
}

impl LogindSource {
    pub const NAME: SourceName = SourceName::fixed("logind");

    /// `system`: a connection to the system bus (or a test's stand-in for it).
    pub fn new(system: Connection, options: LogindOptions) -> Self {
        Self { system, options }
    }

    async fn follow(
        &self,
        names: &mut NameFollower,
        ctx: &mut SourceContext,
    ) -> Result<Followed, SourceError> {
        let conn = &self.system;
        let manager = LogindManagerProxy::builder(conn)
            .cache_properties(CacheProperties::No)
            .build()
            .await
            .map_err(failed("connecting to the logind manager"))?;
        // Streams first, reads second: nothing that changes in between is lost.
        let mut sleeps = manager
            .receive_prepare_for_sleep()
            .await
            .map_err(failed("subscribing to logind PrepareForSleep"))?;
        let mut shutdowns = manager
            .receive_prepare_for_shutdown()
            .await
            .map_err(failed("subscribing to logind PrepareForShutdown"))?;
        let session = match manager.get_session("auto").await {
            Ok(path) => Some(Session::subscribe(conn, path).await?),
            Err(error) => {
                ctx.report(Health::Degraded(format!(
                    "logind has no session for this process ({error}); lock, active and idle \
                     are unknown, sleep and shutdown still work"
                )))
                .await?;
                None
            }
        };
        let mut changes = match &session {
            Some(session) => Some(session.props.receive_properties_changed().await.map_err(
                failed(format!(
                    "subscribing to property changes of {}",
                    session.path
                )),
            )?),
            None => None,
        };
        let mut inhibitor = self.take_inhibitor(&manager).await;
        if let Some(session) = &session {
            ctx.report(Health::Live).await?;
            session.snapshot(ctx, self.options).await?;
        }

        loop {
            tokio::select! {
                request = ctx.next_request() => match request {
                    Request::Stop => return Ok(Followed::Stop),
                    Request::Resync => {
                        if let Some(session) = &session {
                            session.snapshot(ctx, self.options).await?;
                        }
                    }
                },
                changed = names.changed() => {
                    changed?;
                    return Ok(Followed::OwnerChanged);
                }
                Some(signal) = sleeps.next() => match signal.args() {
                    Ok(args) if *args.start() => {
                        let ready = ctx.sleep_ready();
                        ctx.emit(Signal::Suspending).await?;
                        if let (Some(fd), Some(delay)) = (inhibitor.take(), self.options.sleep_delay) {
                            tokio::select! {
                                () = ready.acknowledged() => {}
                                () = tokio::time::sleep(delay) => {}
                            }
                            drop(fd);
                        }
                    }
                    Ok(_) => {
                        ctx.emit(Signal::Resumed).await?;
                        if inhibitor.is_none() {
                            inhibitor = self.take_inhibitor(&manager).await;
                        }
                    }
                    Err(error) => tracing::warn!(%error, "ignoring a malformed logind PrepareForSleep"),
                },
                Some(signal) = shutdowns.next() => match signal.args() {
                    Ok(args) => ctx.emit(Signal::SessionEnding(*args.start())).await?,
                    Err(error) => tracing::warn!(%error, "ignoring a malformed logind PrepareForShutdown"),
                },
                Some(change) = next_change(&mut changes) => {
                    let Some(session) = &session else { continue };
                    let Ok(args) = change.args() else {
                        tracing::warn!("ignoring a malformed PropertiesChanged from logind");
                        continue;
                    };
                    if args.interface_name().as_str() != SESSION_INTERFACE {
                        continue;
                    }
                    let watched = ["LockedHint", "Active", "IdleHint"];
                    if args.invalidated_properties().iter().any(|p| watched.contains(p)) {
                        session.snapshot(ctx, self.options).await?;
                        continue;
                    }
                    let changed: HashMap<String, OwnedValue> = args
                        .changed_properties()
                        .iter()
                        .filter_map(|(name, value)| Some((name.to_string(), owned(value)?)))
                        .collect();
                    let reading = SessionReading::decode(&changed);
                    session.emit(ctx, reading, self.options).await?;
                }
                else => {
                    return Err(SourceError::failed("following logind", "the bus connection closed"));
                }
            }
        }
    }

    /// A delay inhibitor, so `suspending` can be published before the machine sleeps. Failure
    /// is not fatal: the signal still arrives, only without the extra time.
    async fn take_inhibitor(&self, manager: &LogindManagerProxy<'_>) -> Option<OwnedFd> {
        self.options.sleep_delay?;
        match manager
            .inhibit(
                "sleep",
                "Presence Relay",
                "Publishing away presence before sleep",
                "delay",
            )
            .await
        {
            Ok(fd) => Some(fd),
            Err(error) => {
                tracing::warn!(%error, "logind refused a sleep delay inhibitor; sleep will not wait for presence");
                None
            }
        }
    }
}

async fn next_change(
    changes: &mut Option<zbus::fdo::PropertiesChangedStream>,
) -> Option<zbus::fdo::PropertiesChanged> {
    match changes {
        Some(changes) => changes.next().await,
        None => std::future::pending().await,
    }
}

fn owned(value: &Value<'_>) -> Option<OwnedValue> {
    value.try_to_owned().ok()
}

#[async_trait::async_trait]
impl SignalSource for LogindSource {
    fn name(&self) -> SourceName {
        Self::NAME
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        let mut names = NameFollower::new(&self.system, LOGIND, BusKind::System).await?;
        while names.wait_present(ctx).await? {
            if self.follow(&mut names, ctx).await? == Followed::Stop {
                break;
            }
        }
        Ok(())
    }
}

/// The caller's logind session object.
struct Session {
    path: OwnedObjectPath,
    props: PropertiesProxy<'static>,
}

impl Session {
    async fn subscribe(conn: &Connection, path: OwnedObjectPath) -> Result<Self, SourceError> {
        let props = PropertiesProxy::builder(conn)
            .destination(LOGIND)
            .and_then(|b| b.path(path.clone()))
            .map_err(failed(format!("logind session {path}")))?
            .cache_properties(CacheProperties::No)
            .build()
            .await
            .map_err(failed(format!("connecting to logind session {path}")))?;
        Ok(Self { path, props })
    }

    async fn snapshot(
        &self,
        ctx: &SourceContext,
        options: LogindOptions,
    ) -> Result<(), SourceError> {
        let interface = InterfaceName::from_static_str_unchecked(SESSION_INTERFACE);
        let all = self
            .props
            .get_all(interface)
            .await
            .map_err(fdo_failed(format!(
                "reading the properties of logind session {}",
                self.path
            )))?;
        let reading = SessionReading::decode(&all);
        for name in ["LockedHint", "Active"] {
            if !all.contains_key(name) {
                ctx.report(Health::Degraded(format!(
                    "logind session {} has no {name} property (systemd too old?)",
                    self.path
                )))
                .await?;
            }
        }
        self.emit(ctx, reading, options).await
    }

    async fn emit(
        &self,
        ctx: &SourceContext,
        reading: SessionReading,
        options: LogindOptions,
    ) -> Result<(), SourceError> {
        if let Some(problem) = reading.problems.first() {
            ctx.report(Health::Degraded(format!(
                "logind session {}: {problem}",
                self.path
            )))
            .await?;
        }
        if let Some(locked) = reading.locked {
            ctx.emit(Signal::Locked(locked)).await?;
        }
        if let Some(active) = reading.active {
            ctx.emit(Signal::SessionActive(active)).await?;
        }
        if options.report_idle {
            if let Some(idle_hint) = reading.idle_hint {
                let idle = if idle_hint {
                    idle_since(reading.idle_since_us, ctx.now())
                } else {
                    Duration::ZERO
                };
                ctx.emit(Signal::Idle(idle)).await?;
            }
        }
        Ok(())
    }
}

/// How long ago `IdleSinceHint` (microseconds since the Unix epoch) was; at least one second,
/// because `IdleHint` is true and zero would read as "active".
fn idle_since(since_us: Option<u64>, now: chrono::DateTime<chrono::Utc>) -> Duration {
    let now_us = u64::try_from(now.timestamp_micros()).unwrap_or(0);
    let idle = since_us
        .filter(|&since| since > 0)
        .map(|since| Duration::from_micros(now_us.saturating_sub(since)))
        .unwrap_or_default();
    idle.max(Duration::from_secs(1))
}

/// The session properties we care about, as far as they were present and well-typed.
#[derive(Debug, Default, PartialEq, Eq)]
struct SessionReading {
    locked: Option<bool>,
    active: Option<bool>,
    idle_hint: Option<bool>,
    idle_since_us: Option<u64>,
    problems: Vec<String>,
}

impl SessionReading {
    fn decode(props: &HashMap<String, OwnedValue>) -> Self {
        let mut problems = Vec::new();
        let mut flag = |name: &str| -> Option<bool> {
            let value = props.get(name)?;
            match bool::try_from(value) {
                Ok(flag) => Some(flag),
                Err(_) => {
                    problems.push(format!(
                        "{name} is of type `{}` instead of a boolean; ignored",
                        value.value_signature()
                    ));
                    None
                }
            }
        };
        let locked = flag("LockedHint");
        let active = flag("Active");
        let idle_hint = flag("IdleHint");
        Self {
            locked,
            active,
            idle_hint,
            idle_since_us: props
                .get("IdleSinceHint")
                .and_then(|value| u64::try_from(value).ok()),
            problems,
        }
    }
}
