//! What the shell knows besides the engine's status: the mode, the users, and any problem with
//! the config or with starting. The tray and the window only render this.

use relay_config::LoadOutcome;

/// Whether presence goes to a real tenant or to the built-in simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Simulated,
    Tenant,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppStatus {
    pub mode: Mode,
    pub users: usize,
    pub paused: bool,
    /// Set when the app runs without the config on disk (moved aside or unreadable).
    pub config_problem: Option<String>,
    /// Set when the relay could not start (keyring, credential), with what to do.
    pub start_problem: Option<String>,
    /// Kiosk lock: admin items are hidden from the tray.
    pub kiosk_locked: bool,
}

impl AppStatus {
    pub fn from_load(outcome: &LoadOutcome) -> Self {
        let config = outcome.config();
        let file = config.file();
        let config_problem = match outcome {
            LoadOutcome::MovedAside { moved_to, issues } => Some(format!(
                "The config file could not be used ({} problem{}, first: {}). It was moved to {} \
                 and the app started unconfigured. Fix it and install it again with \
                 `presence-relay config import`.",
                issues.len(),
                if issues.len() == 1 { "" } else { "s" },
                issues.first().map(ToString::to_string).unwrap_or_default(),
                moved_to.display()
            )),
            LoadOutcome::Missing | LoadOutcome::Loaded { .. } => None,
        };
        Self {
            mode: if file.connection.is_some() {
                Mode::Tenant
            } else {
                Mode::Simulated
            },
            users: file.users.len(),
            paused: false,
            config_problem,
            start_problem: None,
            kiosk_locked: file.settings.kiosk.locked,
        }
    }

    pub fn unreadable(problem: String) -> Self {
        Self {
            mode: Mode::Simulated,
            users: 0,
            paused: false,
            config_problem: Some(problem),
            start_problem: None,
            kiosk_locked: false,
        }
    }
}
