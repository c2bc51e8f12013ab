//! `org.gnome.ScreenSaver` (GNOME Shell) and `org.freedesktop.ScreenSaver` (KDE Plasma's
//! kscreenlocker, and others): `GetActive` for the snapshot, `ActiveChanged(b)` for changes.
//! Both report the lock shield, which may come up before the session is locked, so they emit
//! `screensaver`, not `locked` (logind's `LockedHint` is the lock).

use futures_util::StreamExt;
use zbus::proxy::CacheProperties;
use zbus::{Connection, Proxy};

use super::bus::{failed, BusKind, Followed, NameFollower};
use crate::event::{Health, Signal, SourceName};
use crate::source::{Request, SignalSource, SourceContext, SourceError};

/// Where one screensaver service lives. Both services share the method and signal names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScreenSaverService {
    pub source: &'static str,
    pub bus_name: &'static str,
    pub path: &'static str,
    pub interface: &'static str,
}

impl ScreenSaverService {
    pub const GNOME: ScreenSaverService = ScreenSaverService {
        source: "gnome-screensaver",
        bus_name: "org.gnome.ScreenSaver",
        path: "/org/gnome/ScreenSaver",
        interface: "org.gnome.ScreenSaver",
    };

    /// KDE registers the object at `/ScreenSaver` too; one path is enough.
    pub const FREEDESKTOP: ScreenSaverService = ScreenSaverService {
        source: "freedesktop-screensaver",
        bus_name: "org.freedesktop.ScreenSaver",
        path: "/org/freedesktop/ScreenSaver",
        interface: "org.freedesktop.ScreenSaver",
    };
}

/// Reports `screensaver` from one screensaver service on the session bus.
#[derive(Debug)]
pub struct ScreenSaverSource {
    session: Connection,
    service: ScreenSaverService,
}

impl ScreenSaverSource {
    pub fn new(session: Connection, service: ScreenSaverService) -> Self {
        Self { session, service }
    }

    async fn follow(
        &self,
        names: &mut NameFollower,
        ctx: &mut SourceContext,
    ) -> Result<Followed, SourceError> {
        let service = self.service;
        let proxy = zbus::proxy::Builder::<Proxy<'_>>::new(&self.session)
            .destination(service.bus_name)
            .and_then(|b| b.path(service.path))
            .and_then(|b| b.interface(service.interface))
            .map_err(failed(service.interface))?
            .cache_properties(CacheProperties::No)
            .build()
            .await
            .map_err(failed(format!("connecting to {}", service.bus_name)))?;
        let mut changes = proxy
            .receive_signal("ActiveChanged")
            .await
            .map_err(failed(format!(
                "subscribing to {}.ActiveChanged",
                service.interface
            )))?;
        self.snapshot(&proxy, ctx).await?;
        loop {
            tokio::select! {
                request = ctx.next_request() => match request {
                    Request::Stop => return Ok(Followed::Stop),
                    Request::Resync => self.snapshot(&proxy, ctx).await?,
                },
                changed = names.changed() => {
                    changed?;
                    return Ok(Followed::OwnerChanged);
                }
                message = changes.next() => {
                    let Some(message) = message else {
                        return Err(SourceError::failed(
                            format!("following {}", service.bus_name),
                            "the bus connection closed",
                        ));
                    };
                    match message.body().deserialize::<bool>() {
                        Ok(active) => ctx.emit(Signal::Screensaver(active)).await?,
                        Err(error) => {
                            ctx.report(Health::Degraded(format!(
                                "{}.ActiveChanged carried `{}` instead of a boolean ({error}); ignored",
                                service.interface,
                                message.body().signature()
                            )))
                            .await?;
                        }
                    }
                }
            }
        }
    }

    /// Reads `GetActive`. A malformed reply degrades the health and emits nothing: an
    /// unreadable state is not "inactive".
    async fn snapshot(&self, proxy: &Proxy<'_>, ctx: &SourceContext) -> Result<(), SourceError> {
        let service = self.service;
        let reply = proxy
            .call_method("GetActive", &())
            .await
            .map_err(failed(format!("calling {}.GetActive", service.interface)))?;
        match reply.body().deserialize::<bool>() {
            Ok(active) => {
                ctx.report(Health::Live).await?;
                ctx.emit(Signal::Screensaver(active)).await
            }
            Err(error) => {
                ctx.report(Health::Degraded(format!(
                    "{}.GetActive replied `{}` instead of a boolean ({error})",
                    service.interface,
                    reply.body().signature()
                )))
                .await
            }
        }
    }
}

#[async_trait::async_trait]
impl SignalSource for ScreenSaverSource {
    fn name(&self) -> SourceName {
        SourceName::fixed(self.service.source)
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        let mut names =
            NameFollower::new(&self.session, self.service.bus_name, BusKind::Session).await?;
        while names.wait_present(ctx).await? {
            if self.follow(&mut names, ctx).await? == Followed::Stop {
                break;
            }
        }
        Ok(())
    }
}
