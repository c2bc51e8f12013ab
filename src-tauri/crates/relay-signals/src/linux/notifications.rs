//! KDE Plasma's do-not-disturb: the `Inhibited` property of `org.freedesktop.Notifications`
//! (a KDE extension, not in the notification spec), with `PropertiesChanged`. Other servers
//! (GNOME Shell, dunst, mako) own the same name without the property: then the source says
//! `Unsupported` and waits for another server to take the name.

use futures_util::StreamExt;
use zbus::fdo::PropertiesProxy;
use zbus::names::InterfaceName;
use zbus::proxy::CacheProperties;
use zbus::Connection;

use super::bus::{failed, BusKind, Followed, NameFollower};
use crate::event::{Health, Signal, SourceName, Tri};
use crate::source::{Request, SignalSource, SourceContext, SourceError};

pub(crate) const NOTIFICATIONS: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";
const INHIBITED: &str = "Inhibited";

/// Reports `dnd` from KDE's notification server.
#[derive(Debug)]
pub struct NotificationsInhibitedSource {
    session: Connection,
}

impl NotificationsInhibitedSource {
    pub const NAME: SourceName = SourceName::fixed("kde-notifications");

    pub fn new(session: Connection) -> Self {
        Self { session }
    }

    async fn follow(
        &self,
        names: &mut NameFollower,
        ctx: &mut SourceContext,
    ) -> Result<Followed, SourceError> {
        let props = PropertiesProxy::builder(&self.session)
            .destination(NOTIFICATIONS)
            .and_then(|b| b.path(PATH))
            .map_err(failed(NOTIFICATIONS))?
            .cache_properties(CacheProperties::No)
            .build()
            .await
            .map_err(failed(format!("connecting to {NOTIFICATIONS}")))?;
        let mut changes = props
            .receive_properties_changed()
            .await
            .map_err(failed(format!(
                "subscribing to property changes of {NOTIFICATIONS}"
            )))?;
        if !snapshot(&props, ctx).await? {
            // This server has no such property; only a new owner could change that.
            return tokio::select! {
                request = ctx.next_request() => Ok(match request {
                    Request::Stop => Followed::Stop,
                    Request::Resync => Followed::OwnerChanged,
                }),
                changed = names.changed() => changed.map(|()| Followed::OwnerChanged),
            };
        }
        loop {
            tokio::select! {
                request = ctx.next_request() => match request {
                    Request::Stop => return Ok(Followed::Stop),
                    Request::Resync => { snapshot(&props, ctx).await?; }
                },
                changed = names.changed() => {
                    changed?;
                    ctx.emit(Signal::Dnd(Tri::Unknown)).await?;
                    return Ok(Followed::OwnerChanged);
                }
                change = changes.next() => {
                    let Some(change) = change else {
                        return Err(SourceError::failed(format!("following {NOTIFICATIONS}"), "the bus connection closed"));
                    };
                    let Ok(args) = change.args() else {
                        tracing::warn!("ignoring a malformed PropertiesChanged from {NOTIFICATIONS}");
                        continue;
                    };
                    if args.interface_name().as_str() != NOTIFICATIONS {
                        continue;
                    }
                    if let Some(value) = args.changed_properties().get(INHIBITED) {
                        let dnd = match bool::try_from(value) {
                            Ok(inhibited) => Tri::from(inhibited),
                            Err(_) => {
                                ctx.report(Health::Degraded(format!(
                                    "{NOTIFICATIONS}.{INHIBITED} changed to a `{}`, not a boolean",
                                    value.value_signature()
                                )))
                                .await?;
                                Tri::Unknown
                            }
                        };
                        ctx.emit(Signal::Dnd(dnd)).await?;
                    } else if args.invalidated_properties().contains(&INHIBITED) {
                        snapshot(&props, ctx).await?;
                    }
                }
            }
        }
    }
}

/// Reads `Inhibited` and emits it. Returns false when the server has no such property.
async fn snapshot(props: &PropertiesProxy<'_>, ctx: &SourceContext) -> Result<bool, SourceError> {
    let interface = InterfaceName::from_static_str_unchecked(NOTIFICATIONS);
    let value = match props.get(interface, INHIBITED).await {
        Ok(value) => value,
        Err(
            zbus::fdo::Error::UnknownProperty(_)
            | zbus::fdo::Error::InvalidArgs(_)
            | zbus::fdo::Error::UnknownInterface(_)
            | zbus::fdo::Error::UnknownMethod(_),
        ) => {
            ctx.report(Health::Unsupported(format!(
                "the {NOTIFICATIONS} server has no {INHIBITED} property (only KDE Plasma's has)"
            )))
            .await?;
            return Ok(false);
        }
        Err(error) => {
            return Err(SourceError::failed(
                format!("reading {NOTIFICATIONS}.{INHIBITED}"),
                error,
            ))
        }
    };
    match bool::try_from(&value) {
        Ok(inhibited) => {
            ctx.report(Health::Live).await?;
            ctx.emit(Signal::Dnd(Tri::from(inhibited))).await?;
        }
        Err(_) => {
            ctx.report(Health::Degraded(format!(
                "{NOTIFICATIONS}.{INHIBITED} is a `{}`, not a boolean",
                value.value_signature()
            )))
            .await?;
            ctx.emit(Signal::Dnd(Tri::Unknown)).await?;
        }
    }
    Ok(true)
}

#[async_trait::async_trait]
impl SignalSource for NotificationsInhibitedSource {
    fn name(&self) -> SourceName {
        Self::NAME
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        let mut names = NameFollower::new(&self.session, NOTIFICATIONS, BusKind::Session).await?;
        while names.wait_present(ctx).await? {
            if self.follow(&mut names, ctx).await? == Followed::Stop {
                break;
            }
        }
        Ok(())
    }
}
