//! Whether the panel the tray icon sits on is light or dark, so the icon gets the ring that parts
//! it from the panel (`tray_view::PanelShade`). Asked at start and once a minute, as a person may
//! switch the theme while the tray runs.
//!
//! - Linux: the desktop portal's `org.freedesktop.appearance` `color-scheme` (GNOME, KDE and
//!   others answer it). No preference, or no portal: dark, as most Linux panels are by default.
//! - Windows: `SystemUsesLightTheme` under the user's `Themes\Personalize` key (the taskbar's
//!   theme, separate from the apps'); dark when absent, the Windows default.
//! - macOS: the menu bar follows the system appearance (`AppleInterfaceStyle` is `Dark` in dark
//!   mode and absent in light mode).

use crate::tray_view::PanelShade;

/// How often the panel's shade is asked again.
pub const RECHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// The shade when the system says nothing.
pub const DEFAULT: PanelShade = PanelShade::Dark;

/// Asks the system, keeping what it needs between asks (on Linux, one session-bus connection
/// for the app's life rather than one a minute).
#[derive(Debug, Default)]
pub struct Detector {
    state: platform::State,
}

impl Detector {
    /// The panel's shade; `None` when the system cannot say (the caller keeps what it had).
    pub async fn detect(&mut self) -> Option<PanelShade> {
        platform::detect(&mut self.state).await
    }
}

/// The portal's `color-scheme`: 1 prefers dark, 2 prefers light, 0 has no preference.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn from_color_scheme(value: u32) -> Option<PanelShade> {
    match value {
        1 => Some(PanelShade::Dark),
        2 => Some(PanelShade::Light),
        _ => None,
    }
}

/// `reg query ... /v SystemUsesLightTheme` prints `SystemUsesLightTheme    REG_DWORD    0x1`.
#[cfg_attr(not(windows), allow(dead_code))]
fn from_reg_query(stdout: &str) -> Option<PanelShade> {
    let line = stdout
        .lines()
        .find(|line| line.contains("SystemUsesLightTheme"))?;
    let value = line.split_whitespace().last()?;
    let number = u32::from_str_radix(value.trim_start_matches("0x"), 16).ok()?;
    Some(if number == 0 {
        PanelShade::Dark
    } else {
        PanelShade::Light
    })
}

/// `defaults read -g AppleInterfaceStyle`: `Dark` in dark mode; fails (key absent) in light mode.
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
fn from_interface_style(succeeded: bool, stdout: &str) -> PanelShade {
    if succeeded && stdout.trim().eq_ignore_ascii_case("dark") {
        PanelShade::Dark
    } else {
        PanelShade::Light
    }
}

#[cfg(target_os = "linux")]
mod platform {
    use zbus::zvariant::{OwnedValue, Value};

    use super::{from_color_scheme, PanelShade, DEFAULT};

    const PORTAL: &str = "org.freedesktop.portal.Desktop";
    const PATH: &str = "/org/freedesktop/portal/desktop";
    const SETTINGS: &str = "org.freedesktop.portal.Settings";
    const NAMESPACE: &str = "org.freedesktop.appearance";
    const KEY: &str = "color-scheme";

    /// The session bus, once connected; dropped after a failed ask so the next one reconnects
    /// (the bus may have restarted).
    #[derive(Debug, Default)]
    pub struct State {
        connection: Option<zbus::Connection>,
    }

    pub async fn detect(state: &mut State) -> Option<PanelShade> {
        let connection = match &state.connection {
            Some(connection) => connection.clone(),
            None => {
                let connection = zbus::Connection::session().await.ok()?;
                state.connection = Some(connection.clone());
                connection
            }
        };
        match color_scheme(&connection).await {
            Ok(shade) => Some(shade.unwrap_or(DEFAULT)),
            Err(BusFailed) => {
                state.connection = None;
                None
            }
        }
    }

    /// The session bus itself failed (not the portal): reconnect next time.
    #[derive(Debug, PartialEq, Eq)]
    pub(super) struct BusFailed;

    /// The portal's answer: `Ok(None)` when it gives no preference or there is no portal (or no
    /// such setting), `Err` when the bus itself failed. `ReadOne` is the current method; portals
    /// before version 2 only have `Read`, which wraps the value in one more variant.
    pub(super) async fn color_scheme(
        connection: &zbus::Connection,
    ) -> Result<Option<PanelShade>, BusFailed> {
        let read = |method: &'static str| {
            connection.call_method(
                Some(PORTAL),
                PATH,
                Some(SETTINGS),
                method,
                &(NAMESPACE, KEY),
            )
        };
        let value: OwnedValue = match read("ReadOne").await {
            Ok(reply) => match reply.body().deserialize() {
                Ok(value) => value,
                Err(_) => return Ok(None),
            },
            Err(zbus::Error::InputOutput(_)) => return Err(BusFailed),
            Err(_) => match read("Read").await {
                Ok(reply) => {
                    let Ok(outer) = reply.body().deserialize::<OwnedValue>() else {
                        return Ok(None);
                    };
                    let inner = match Value::from(outer) {
                        Value::Value(inner) => OwnedValue::try_from(*inner),
                        other => OwnedValue::try_from(other),
                    };
                    match inner {
                        Ok(inner) => inner,
                        Err(_) => return Ok(None),
                    }
                }
                Err(zbus::Error::InputOutput(_)) => return Err(BusFailed),
                Err(_) => return Ok(None),
            },
        };
        Ok(u32::try_from(value).ok().and_then(from_color_scheme))
    }
}

#[cfg(windows)]
mod platform {
    use std::os::windows::process::CommandExt as _;

    use super::{from_reg_query, PanelShade, DEFAULT};

    /// No console window flashes up for `reg.exe` (the tray is a GUI process).
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;

    #[derive(Debug, Default)]
    pub struct State;

    pub async fn detect(_: &mut State) -> Option<PanelShade> {
        let output = tauri::async_runtime::spawn_blocking(|| {
            std::process::Command::new("reg")
                .args([
                    "query",
                    r"HKCU\Software\Microsoft\Windows\CurrentVersion\Themes\Personalize",
                    "/v",
                    "SystemUsesLightTheme",
                ])
                .creation_flags(CREATE_NO_WINDOW)
                .output()
        })
        .await
        .ok()?
        .ok()?;
        // Absent (older Windows, or never switched): the taskbar is dark.
        Some(from_reg_query(&String::from_utf8_lossy(&output.stdout)).unwrap_or(DEFAULT))
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use super::{from_interface_style, PanelShade};

    #[derive(Debug, Default)]
    pub struct State;

    pub async fn detect(_: &mut State) -> Option<PanelShade> {
        let output = tauri::async_runtime::spawn_blocking(|| {
            std::process::Command::new("defaults")
                .args(["read", "-g", "AppleInterfaceStyle"])
                .output()
        })
        .await
        .ok()?
        .ok()?;
        Some(from_interface_style(
            output.status.success(),
            &String::from_utf8_lossy(&output.stdout),
        ))
    }
}

#[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
mod platform {
    use super::PanelShade;

    #[derive(Debug, Default)]
    pub struct State;

    pub async fn detect(_: &mut State) -> Option<PanelShade> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portal_preference_maps_to_a_shade_and_no_preference_to_none() {
        assert_eq!(from_color_scheme(1), Some(PanelShade::Dark));
        assert_eq!(from_color_scheme(2), Some(PanelShade::Light));
        assert_eq!(from_color_scheme(0), None);
        assert_eq!(from_color_scheme(7), None);
    }

    #[test]
    fn the_registry_value_says_whether_the_taskbar_is_light() {
        let light = "\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize\r\n    SystemUsesLightTheme    REG_DWORD    0x1\r\n\r\n";
        assert_eq!(from_reg_query(light), Some(PanelShade::Light));
        assert_eq!(
            from_reg_query(&light.replace("0x1", "0x0")),
            Some(PanelShade::Dark)
        );
        assert_eq!(
            from_reg_query("ERROR: The system was unable to find the specified registry key"),
            None
        );
    }

    /// A portal on a private bus, answering `color-scheme` the way xdg-desktop-portal does
    /// (`ReadOne` unless `only_read`, for portals before version 2).
    #[cfg(target_os = "linux")]
    struct FakePortal {
        color_scheme: u32,
        only_read: bool,
    }

    #[cfg(target_os = "linux")]
    #[zbus::interface(name = "org.freedesktop.portal.Settings")]
    impl FakePortal {
        #[zbus(name = "ReadOne")]
        fn read_one(
            &self,
            namespace: &str,
            key: &str,
        ) -> zbus::fdo::Result<zbus::zvariant::OwnedValue> {
            if self.only_read {
                return Err(zbus::fdo::Error::UnknownMethod("ReadOne".into()));
            }
            self.value(namespace, key)
        }

        #[zbus(name = "Read")]
        fn read(
            &self,
            namespace: &str,
            key: &str,
        ) -> zbus::fdo::Result<zbus::zvariant::OwnedValue> {
            let inner = self.value(namespace, key)?;
            zbus::zvariant::OwnedValue::try_from(zbus::zvariant::Value::Value(Box::new(
                inner.into(),
            )))
            .map_err(|err| zbus::fdo::Error::Failed(err.to_string()))
        }
    }

    #[cfg(target_os = "linux")]
    impl FakePortal {
        fn value(
            &self,
            namespace: &str,
            key: &str,
        ) -> zbus::fdo::Result<zbus::zvariant::OwnedValue> {
            if (namespace, key) != ("org.freedesktop.appearance", "color-scheme") {
                return Err(zbus::fdo::Error::Failed(format!("no {namespace} {key}")));
            }
            Ok(zbus::zvariant::OwnedValue::from(self.color_scheme))
        }
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_portal_is_read_with_read_one_or_with_the_older_read() {
        let Some(bus) = relay_signals::testing::PrivateBus::start_or_skip("panel shade portal")
        else {
            return;
        };
        for (color_scheme, only_read, expected) in [
            (1, false, Some(PanelShade::Dark)),
            (2, false, Some(PanelShade::Light)),
            (2, true, Some(PanelShade::Light)),
            (0, false, None),
        ] {
            let portal = zbus::connection::Builder::address(bus.address())
                .and_then(|builder| builder.name("org.freedesktop.portal.Desktop"))
                .and_then(|builder| {
                    builder.serve_at(
                        "/org/freedesktop/portal/desktop",
                        FakePortal {
                            color_scheme,
                            only_read,
                        },
                    )
                })
                .expect("portal builder")
                .build()
                .await
                .expect("portal on the private bus");
            let client = bus.connect().await.expect("client");
            assert_eq!(
                platform::color_scheme(&client).await,
                Ok(expected),
                "color-scheme {color_scheme}, only Read: {only_read}"
            );
            drop(portal);
        }
    }

    #[test]
    fn the_menu_bar_is_dark_only_in_dark_mode() {
        assert_eq!(from_interface_style(true, "Dark\n"), PanelShade::Dark);
        assert_eq!(from_interface_style(false, ""), PanelShade::Light);
        assert_eq!(from_interface_style(true, "Light\n"), PanelShade::Light);
    }
}
