//! GNOME's `org.gnome.Mutter.IdleMonitor` (X11 and Wayland): an idle watch at the threshold tells
//! when idleness starts, a one-shot user-active watch tells when input returns. No polling.

use std::time::Duration;

use futures_util::StreamExt;
use zbus::proxy::CacheProperties;
use zbus::Connection;

use super::bus::{failed, BusKind, Followed, NameFollower};
use crate::event::{Health, Signal, SourceName};
use crate::source::{Request, SignalSource, SourceContext, SourceError};

pub(crate) const MUTTER_IDLE: &str = "org.gnome.Mutter.IdleMonitor";

#[zbus::proxy(
    interface = "org.gnome.Mutter.IdleMonitor",
    default_service = "org.gnome.Mutter.IdleMonitor",
    default_path = "/org/gnome/Mutter/IdleMonitor/Core",
    gen_blocking = false
)]
trait IdleMonitor {
    /// Milliseconds since the last input.
    fn get_idletime(&self) -> zbus::Result<u64>;

    /// Fires each time idleness reaches `interval` milliseconds.
    fn add_idle_watch(&self, interval: u64) -> zbus::Result<u32>;

    /// Fires once, at the next input.
    fn add_user_active_watch(&self) -> zbus::Result<u32>;

    fn remove_watch(&self, id: u32) -> zbus::Result<()>;

    #[zbus(signal)]
    fn watch_fired(&self, id: u32) -> zbus::Result<()>;
}

/// Reports `idle_seconds` edges from Mutter.
#[derive(Debug)]
pub struct MutterIdleSource {
    session: Connection,
    threshold: Duration,
}

impl MutterIdleSource {
    pub const NAME: SourceName = SourceName::fixed("mutter-idle");

    pub fn new(session: Connection, threshold: Duration) -> Self {
        Self { session, threshold }
    }

    async fn follow(
        &self,
        names: &mut NameFollower,
        ctx: &mut SourceContext,
    ) -> Result<Followed, SourceError> {
        let monitor = IdleMonitorProxy::builder(&self.session)
            .cache_properties(CacheProperties::No)
            .build()
            .await
            .map_err(failed("connecting to the Mutter idle monitor"))?;
        let mut fired = monitor
            .receive_watch_fired()
            .await
            .map_err(failed("subscribing to Mutter WatchFired"))?;
        let threshold_ms = u64::try_from(self.threshold.as_millis()).unwrap_or(u64::MAX);
        let idle_watch = monitor
            .add_idle_watch(threshold_ms)
            .await
            .map_err(failed("adding a Mutter idle watch"))?;
        ctx.report(Health::Live).await?;
        let mut active_watch = self.snapshot(&monitor, ctx).await?;

        let followed = loop {
            tokio::select! {
                request = ctx.next_request() => match request {
                    Request::Stop => break Followed::Stop,
                    Request::Resync => {
                        if let Some(id) = active_watch.take() {
                            remove_watch(&monitor, id).await;
                        }
                        active_watch = self.snapshot(&monitor, ctx).await?;
                    }
                },
                changed = names.changed() => {
                    changed?;
                    // The watches died with the old instance.
                    return Ok(Followed::OwnerChanged);
                }
                signal = fired.next() => {
                    let Some(signal) = signal else {
                        return Err(SourceError::failed("following the Mutter idle monitor", "the bus connection closed"));
                    };
                    let Ok(args) = signal.args() else {
                        tracing::warn!("ignoring a malformed Mutter WatchFired");
                        continue;
                    };
                    let id = *args.id();
                    if id == idle_watch && active_watch.is_none() {
                        // Ask for the return first, then read: input in between still fires.
                        active_watch = Some(add_active_watch(&monitor).await?);
                        let idle = idle_time(&monitor).await?.max(self.threshold);
                        ctx.emit(Signal::Idle(idle)).await?;
                    } else if Some(id) == active_watch {
                        active_watch = None;
                        ctx.emit(Signal::Idle(Duration::ZERO)).await?;
                    }
                }
            }
        };
        // Leave no watches behind in a long-lived gnome-shell.
        remove_watch(&monitor, idle_watch).await;
        if let Some(id) = active_watch {
            remove_watch(&monitor, id).await;
        }
        Ok(followed)
    }

    /// Emits the current idle state; returns the user-active watch if the user is idle.
    async fn snapshot(
        &self,
        monitor: &IdleMonitorProxy<'_>,
        ctx: &SourceContext,
    ) -> Result<Option<u32>, SourceError> {
        let idle = idle_time(monitor).await?;
        if idle < self.threshold {
            ctx.emit(Signal::Idle(Duration::ZERO)).await?;
            return Ok(None);
        }
        let watch = add_active_watch(monitor).await?;
        ctx.emit(Signal::Idle(idle)).await?;
        Ok(Some(watch))
    }
}

async fn idle_time(monitor: &IdleMonitorProxy<'_>) -> Result<Duration, SourceError> {
    monitor
        .get_idletime()
        .await
        .map(Duration::from_millis)
        .map_err(failed("calling Mutter GetIdletime"))
}

async fn add_active_watch(monitor: &IdleMonitorProxy<'_>) -> Result<u32, SourceError> {
    monitor
        .add_user_active_watch()
        .await
        .map_err(failed("adding a Mutter user-active watch"))
}

async fn remove_watch(monitor: &IdleMonitorProxy<'_>, id: u32) {
    if let Err(error) = monitor.remove_watch(id).await {
        tracing::debug!(%error, id, "could not remove a Mutter idle watch");
    }
}

#[async_trait::async_trait]
impl SignalSource for MutterIdleSource {
    fn name(&self) -> SourceName {
        Self::NAME
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        let mut names = NameFollower::new(&self.session, MUTTER_IDLE, BusKind::Session).await?;
        while names.wait_present(ctx).await? {
            if self.follow(&mut names, ctx).await? == Followed::Stop {
                break;
            }
        }
        Ok(())
    }
}
