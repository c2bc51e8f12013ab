//! Facts about the running app for the window's header and overview page.

use serde::Serialize;
use ts_rs::TS;

/// Whether presence goes to a real tenant or to the built-in simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Simulated,
    Tenant,
}

/// The kiosk lock as the window needs it. The PIN's hash never leaves the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KioskView {
    /// Settings are behind the PIN (`kiosk_unlock`) and admin items are hidden from the tray.
    pub locked: bool,
    /// A PIN has been set (`settings_set_pin`).
    pub pin_set: bool,
    /// This window has been unlocked with the PIN (until it closes).
    pub unlocked: bool,
}

/// Answer of `app_info`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub config_file: String,
    pub mode: Mode,
    /// Nothing real is being changed: the simulated tenant is in use. The window shows this on
    /// every page.
    pub demo: bool,
    /// Configured users.
    pub users: usize,
    pub kiosk: KioskView,
    /// Why the config in use is not the file on disk (moved aside at start), if it is not.
    pub config_problem: Option<String>,
    /// Why the relay is not running (the keyring cannot be used, the stored credential is
    /// missing), with what to do; the tray says the same.
    pub start_problem: Option<String>,
}

impl AppInfo {
    /// `demo` follows from `mode`; building through here keeps the two from disagreeing.
    pub fn new(
        config_file: String,
        mode: Mode,
        users: usize,
        kiosk: KioskView,
        config_problem: Option<String>,
    ) -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            config_file,
            mode,
            demo: mode == Mode::Simulated,
            users,
            kiosk,
            config_problem,
            start_problem: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_follows_the_mode_and_fields_are_camel_case() {
        let kiosk = KioskView {
            locked: true,
            pin_set: true,
            unlocked: false,
        };
        let info = AppInfo::new("/c.json".into(), Mode::Simulated, 0, kiosk, None);
        let json = serde_json::to_value(&info).expect("json");
        assert_eq!(json["demo"], true);
        assert_eq!(json["mode"], "simulated");
        assert_eq!(json["configFile"], "/c.json");
        assert_eq!(json["kiosk"]["pinSet"], true);
        assert!(json["configProblem"].is_null());
        let tenant = AppInfo::new("/c.json".into(), Mode::Tenant, 2, kiosk, None);
        assert!(!tenant.demo);
    }
}
