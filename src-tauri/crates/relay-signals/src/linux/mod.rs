//! Linux sources over D-Bus (zbus 5), and the runtime probes that pick them.
//!
//! Every source takes its `zbus::Connection` as a parameter and never connects on its own, so
//! tests run them against private `dbus-daemon`s with fake services.

pub(crate) mod bus;
mod gnome_dnd;
mod logind;
mod mutter_idle;
mod notifications;
mod screensaver;

use zbus::Connection;

pub use bus::BusKind;
pub use gnome_dnd::{GSettings, GSettingsError, GnomeDndSource};
pub use logind::{LogindOptions, LogindSource};
pub use mutter_idle::MutterIdleSource;
pub use notifications::NotificationsInhibitedSource;
pub use screensaver::{ScreenSaverService, ScreenSaverSource};

use crate::event::SourceName;
use crate::supervisor::SourceSet;
use crate::SourceOptions;

/// The two buses, as far as they could be reached.
#[derive(Clone, Debug)]
pub struct Buses {
    pub session: Result<Connection, String>,
    pub system: Result<Connection, String>,
}

impl Buses {
    /// Connects to the user's session bus and the system bus (the only place that reads
    /// `DBUS_SESSION_BUS_ADDRESS` / `DBUS_SYSTEM_BUS_ADDRESS`).
    pub async fn connect() -> Self {
        Self {
            session: Connection::session()
                .await
                .map_err(|e| format!("no session bus ({e}); is DBUS_SESSION_BUS_ADDRESS set?")),
            system: Connection::system()
                .await
                .map_err(|e| format!("no system bus ({e})")),
        }
    }
}

const GNOME_SHELL: &str = "org.gnome.Shell";

/// Picks the Linux sources that this machine supports, by asking the buses (and `gsettings`)
/// what is there. What is not picked is listed with the reason.
pub async fn probe(buses: &Buses, gsettings: &GSettings, options: &SourceOptions) -> SourceSet {
    let mut set = SourceSet::default();
    let session_owned = |name: &'static str| async move {
        match &buses.session {
            Ok(session) => match bus::has_owner(session, name).await {
                Ok(true) => Ok(session.clone()),
                Ok(false) => Err(format!("{name} is not on the session bus")),
                Err(error) => Err(format!(
                    "could not ask the session bus about {name}: {error}"
                )),
            },
            Err(reason) => Err(reason.clone()),
        }
    };

    // Idle: Mutter's watches when GNOME runs, else logind's IdleHint.
    let mutter = session_owned(mutter_idle::MUTTER_IDLE).await;
    let mutter_found = mutter.is_ok();
    match mutter {
        Ok(session) => set.push(MutterIdleSource::new(session, options.idle_threshold)),
        Err(reason) => set.skip(MutterIdleSource::NAME, reason),
    }

    match &buses.system {
        Ok(system) => {
            let present = match bus::has_owner(system, logind::LOGIND).await {
                Ok(true) => Ok(()),
                Ok(false) => match bus::is_activatable(system, logind::LOGIND).await {
                    Ok(true) => Ok(()),
                    _ => Err(format!("{} is not on the system bus", logind::LOGIND)),
                },
                Err(error) => Err(format!(
                    "could not ask the system bus about logind: {error}"
                )),
            };
            match present {
                Ok(()) => set.push(LogindSource::new(
                    system.clone(),
                    LogindOptions {
                        report_idle: !mutter_found,
                        sleep_delay: Some(options.sleep_delay),
                    },
                )),
                Err(reason) => set.skip(LogindSource::NAME, reason),
            }
        }
        Err(reason) => set.skip(LogindSource::NAME, reason.clone()),
    }

    for service in [ScreenSaverService::GNOME, ScreenSaverService::FREEDESKTOP] {
        match session_owned(service.bus_name).await {
            Ok(session) => set.push(ScreenSaverSource::new(session, service)),
            Err(reason) => set.skip(SourceName::fixed(service.source), reason),
        }
    }

    // Do-not-disturb: KDE's Inhibited property, or GNOME's show-banners under GNOME Shell.
    match session_owned(notifications::NOTIFICATIONS).await {
        Ok(session) => set.push(NotificationsInhibitedSource::new(session)),
        Err(reason) => set.skip(NotificationsInhibitedSource::NAME, reason),
    }
    match session_owned(GNOME_SHELL).await {
        Ok(_) => match gsettings.has_gnome_dnd().await {
            Ok(()) => set.push(GnomeDndSource::new(gsettings.clone())),
            Err(error) => set.skip(GnomeDndSource::NAME, error.to_string()),
        },
        Err(_) => set.skip(GnomeDndSource::NAME, "not a GNOME Shell session"),
    }
    set
}
