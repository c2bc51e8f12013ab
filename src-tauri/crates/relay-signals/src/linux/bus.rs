//! Following a well-known D-Bus name: is the service there, and did it restart?

use futures_util::StreamExt;
use zbus::fdo::{self, DBusProxy, NameOwnerChangedStream};
use zbus::names::{BusName, OwnedUniqueName};
use zbus::Connection;

use crate::event::Health;
use crate::source::{Request, SourceContext, SourceError};

/// Which bus a connection is, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusKind {
    Session,
    System,
}

impl BusKind {
    pub fn label(self) -> &'static str {
        match self {
            BusKind::Session => "session bus",
            BusKind::System => "system bus",
        }
    }
}

/// Whether a name is owned right now (for the runtime probes).
pub(crate) async fn has_owner(conn: &Connection, name: &'static str) -> Result<bool, zbus::Error> {
    let dbus = DBusProxy::new(conn).await?;
    Ok(dbus.name_has_owner(bus_name(name)?).await?)
}

/// Whether the bus can start the name on demand (logind is bus-activated on some systems).
pub(crate) async fn is_activatable(
    conn: &Connection,
    name: &'static str,
) -> Result<bool, zbus::Error> {
    let dbus = DBusProxy::new(conn).await?;
    let names = dbus.list_activatable_names().await?;
    Ok(names.iter().any(|n| n.as_str() == name))
}

fn bus_name(name: &'static str) -> Result<BusName<'static>, zbus::Error> {
    BusName::try_from(name).map_err(zbus::Error::from)
}

/// Tracks the owner of one well-known name. Created before the first look at the name, so no
/// owner change between "is it there?" and "subscribe" is lost.
#[derive(Debug)]
pub(crate) struct NameFollower {
    name: &'static str,
    bus: BusKind,
    dbus: DBusProxy<'static>,
    changes: NameOwnerChangedStream,
    owner: Option<OwnedUniqueName>,
    seen: bool,
}

impl NameFollower {
    pub(crate) async fn new(
        conn: &Connection,
        name: &'static str,
        bus: BusKind,
    ) -> Result<Self, SourceError> {
        let what = || format!("watching {name} on the {}", bus.label());
        let dbus = DBusProxy::new(conn)
            .await
            .map_err(|e| SourceError::failed(what(), e))?;
        let changes = dbus
            .receive_name_owner_changed_with_args(&[(0, name)])
            .await
            .map_err(|e| SourceError::failed(what(), e))?;
        Ok(Self {
            name,
            bus,
            dbus,
            changes,
            owner: None,
            seen: false,
        })
    }

    /// Waits until the name has an owner. While it has none, reports `Unsupported` (never seen:
    /// this machine lacks the service) or `Degraded` (it left: probably restarting). Returns
    /// `false` when asked to stop.
    pub(crate) async fn wait_present(
        &mut self,
        ctx: &mut SourceContext,
    ) -> Result<bool, SourceError> {
        loop {
            match self.dbus.get_name_owner(bus_name_of(self.name)?).await {
                Ok(owner) => {
                    self.owner = Some(owner);
                    self.seen = true;
                    return Ok(true);
                }
                Err(fdo::Error::NameHasNoOwner(_)) => {}
                Err(error) => {
                    return Err(SourceError::failed(
                        format!("asking the {} who owns {}", self.bus.label(), self.name),
                        error,
                    ))
                }
            }
            self.owner = None;
            let health = if self.seen {
                Health::Degraded(format!(
                    "{} left the {}; waiting for it to come back",
                    self.name,
                    self.bus.label()
                ))
            } else {
                Health::Unsupported(format!("{} is not on the {}", self.name, self.bus.label()))
            };
            ctx.report(health).await?;
            loop {
                tokio::select! {
                    request = ctx.next_request() => match request {
                        Request::Stop => return Ok(false),
                        Request::Resync => {}
                    },
                    change = self.changes.next() => {
                        let change = change.ok_or_else(|| self.stream_ended())?;
                        if change.args().is_ok_and(|args| args.new_owner().is_some()) {
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Resolves when the name gets an owner other than the one found by
    /// [`NameFollower::wait_present`] (the service left or restarted). Cancel-safe.
    pub(crate) async fn changed(&mut self) -> Result<(), SourceError> {
        loop {
            let change = self
                .changes
                .next()
                .await
                .ok_or_else(|| self.stream_ended())?;
            let Ok(args) = change.args() else { continue };
            let new_owner = args.new_owner().as_ref().map(|owner| owner.as_str());
            if new_owner != self.owner.as_ref().map(|owner| owner.as_str()) {
                return Ok(());
            }
        }
    }

    fn stream_ended(&self) -> SourceError {
        SourceError::failed(
            format!("watching {} on the {}", self.name, self.bus.label()),
            "the bus connection closed",
        )
    }
}

fn bus_name_of(name: &'static str) -> Result<BusName<'static>, SourceError> {
    bus_name(name).map_err(|e| SourceError::failed(format!("bus name {name}"), e))
}

/// What ended a subscription to a service. Every D-Bus source loops
/// `while names.wait_present(ctx).await? { if follow(..).await? == Followed::Stop { break } }`:
/// absent → report and wait; present → subscribe and read; restarted → subscribe and read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Followed {
    Stop,
    OwnerChanged,
}

/// Maps a zbus error on `what` to a restartable source error.
pub(crate) fn failed(what: impl Into<String>) -> impl FnOnce(zbus::Error) -> SourceError {
    let what = what.into();
    move |error| SourceError::failed(what, error)
}

/// Maps an `fdo` error on `what` to a restartable source error.
pub(crate) fn fdo_failed(what: impl Into<String>) -> impl FnOnce(fdo::Error) -> SourceError {
    let what = what.into();
    move |error| SourceError::failed(what, error)
}
