//! What the tray shows and what its items mean, from the status alone (pure: time and zone are
//! passed in). `tray.rs` turns this into Tauri menus and routes clicks.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use relay_api::SnoozeLength;
use relay_core::graph_presence::Availability;
use relay_core::presence::Intent;
use relay_engine::{EngineStatus, UserStatus};

use crate::status::{AppStatus, Mode};

/// The tray icons, one per visible state of the desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrayIcon {
    Simulated,
    Available,
    Busy,
    DoNotDisturb,
    Away,
    Offline,
    Paused,
    Error,
}

/// The shade of the panel the tray icon sits on: each icon has a variant for each, with the
/// ring that parts it from that panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanelShade {
    Light,
    Dark,
}

/// The intents a person can pick from the tray, in menu order.
pub const QUICK_INTENTS: [Intent; 6] = [
    Intent::Available,
    Intent::Busy,
    Intent::DoNotDisturb,
    Intent::BeRightBack,
    Intent::Away,
    Intent::AppearOffline,
];

/// How long a quick choice holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum For {
    Minutes30,
    Hour1,
    EndOfDay,
    UntilChanged,
}

impl For {
    pub const ALL: [For; 4] = [For::Minutes30, For::Hour1, For::EndOfDay, For::UntilChanged];

    pub fn label(self) -> &'static str {
        match self {
            For::Minutes30 => "For 30 minutes",
            For::Hour1 => "For 1 hour",
            For::EndOfDay => "Until the end of the day",
            For::UntilChanged => "Until I change it",
        }
    }

    /// When the choice ends (`None`: until changed). "End of day" is local midnight.
    pub fn until(self, now: DateTime<Utc>, zone: Tz) -> Option<DateTime<Utc>> {
        match self {
            For::Minutes30 => Some(now + Duration::minutes(30)),
            For::Hour1 => Some(now + Duration::hours(1)),
            For::EndOfDay => Some(next_local_midnight(now, zone)),
            For::UntilChanged => None,
        }
    }
}

/// How long the automation sleeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Snooze {
    Minutes30,
    Hour1,
    UntilTomorrow,
}

impl Snooze {
    pub const ALL: [Snooze; 3] = [Snooze::Minutes30, Snooze::Hour1, Snooze::UntilTomorrow];

    pub fn label(self) -> &'static str {
        match self {
            Snooze::Minutes30 => "For 30 minutes",
            Snooze::Hour1 => "For 1 hour",
            Snooze::UntilTomorrow => "Until tomorrow",
        }
    }

    /// The request the settings window would send for the same choice (one mapping to engine
    /// commands for both).
    pub fn length(self) -> SnoozeLength {
        match self {
            Snooze::Minutes30 => SnoozeLength::Minutes { minutes: 30 },
            Snooze::Hour1 => SnoozeLength::Minutes { minutes: 60 },
            Snooze::UntilTomorrow => SnoozeLength::UntilTomorrow,
        }
    }
}

/// Status message presets offered in the tray.
pub const MESSAGE_PRESETS: [&str; 4] = [
    "Back soon",
    "At lunch",
    "In a meeting",
    "Working elsewhere today",
];

/// The next local midnight: the tray's "until tomorrow" and the window's are the same moment.
pub use relay_settings::control::next_local_midnight;

/// Everything the tray shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrayView {
    pub icon: TrayIcon,
    /// A first line that must not be missed (the demo: nothing real is changed).
    pub header: Option<&'static str>,
    pub tooltip: String,
    /// One line per configured user (or one line saying why there is none).
    pub user_lines: Vec<String>,
    pub snooze_label: String,
    pub snoozed: bool,
    pub paused: bool,
    pub pause_label: &'static str,
    /// Kiosk lock: settings, pause and quit are hidden from the people at the desk.
    pub admin_items: bool,
}

/// The inputs of the tray.
#[derive(Clone, Copy, Debug)]
pub struct TrayInput<'a> {
    pub app: &'a AppStatus,
    pub engine: Option<&'a EngineStatus>,
    pub now: DateTime<Utc>,
}

pub fn view(input: &TrayInput<'_>) -> TrayView {
    let app = input.app;
    let engine = input.engine;
    let paused = engine.map_or(app.paused, |e| e.paused);
    let snoozed_until = engine
        .and_then(|e| e.snoozed_until)
        .filter(|u| *u > input.now);
    let halted = engine.and_then(|e| e.writes_halted.clone());
    let problem = app
        .config_problem
        .clone()
        .or_else(|| app.start_problem.clone())
        .or(halted);

    let user_lines = match engine {
        Some(e) if !e.users.is_empty() => e.users.iter().map(user_line).collect(),
        Some(_) => vec!["No users configured".to_owned()],
        None if app.start_problem.is_some() => vec!["Not running (see settings)".to_owned()],
        None => vec!["Starting…".to_owned()],
    };
    let icon = if problem.is_some() {
        TrayIcon::Error
    } else if paused {
        TrayIcon::Paused
    } else if app.mode == Mode::Simulated {
        TrayIcon::Simulated
    } else {
        engine
            .and_then(|e| e.users.first())
            .and_then(|u| u.modelled.as_ref())
            .map_or(TrayIcon::Available, |shown| icon_for(shown.availability))
    };
    let state = if let Some(problem) = &problem {
        format!("needs attention: {problem}")
    } else if paused {
        "automation paused".to_owned()
    } else if let Some(until) = snoozed_until {
        format!("rules snoozed, {}", remaining(until - input.now))
    } else {
        "running".to_owned()
    };
    let mode = match app.mode {
        Mode::Simulated => "simulated tenant, nothing real is changed",
        Mode::Tenant => "connected",
    };
    let mut tooltip = format!("Presence Relay: {state} ({mode})");
    for line in &user_lines {
        tooltip.push('\n');
        tooltip.push_str(line);
    }
    TrayView {
        icon,
        header: (app.mode == Mode::Simulated)
            .then_some("Simulated tenant: nothing real is changed"),
        tooltip,
        user_lines,
        snooze_label: match snoozed_until {
            Some(until) => format!("Snoozed: {}", remaining(until - input.now)),
            None => "Snooze automation".to_owned(),
        },
        snoozed: snoozed_until.is_some(),
        paused,
        pause_label: if paused {
            "Resume automation"
        } else {
            "Pause automation"
        },
        admin_items: !app.kiosk_locked,
    }
}

fn icon_for(availability: Availability) -> TrayIcon {
    match availability {
        Availability::Available | Availability::AvailableIdle => TrayIcon::Available,
        Availability::Busy | Availability::BusyIdle => TrayIcon::Busy,
        Availability::DoNotDisturb => TrayIcon::DoNotDisturb,
        Availability::Away | Availability::BeRightBack => TrayIcon::Away,
        Availability::Offline | Availability::PresenceUnknown => TrayIcon::Offline,
    }
}

/// "Front desk: Away (rule: Screen locked)" — what Teams shows, and who decided.
fn user_line(user: &UserStatus) -> String {
    let shows = match &user.modelled {
        Some(shown) => intent_label_for(shown.availability).to_owned(),
        None => "their own status".to_owned(),
    };
    let mut line = format!(
        "{}: {shows} ({})",
        user.display_name,
        relay_engine::audit::decided_by(&user.reason)
    );
    if user.user_preferred_in_effect {
        line.push_str(", their own choice in Teams is respected");
    }
    line
}

fn intent_label_for(availability: Availability) -> &'static str {
    match availability {
        Availability::Available | Availability::AvailableIdle => "Available",
        Availability::Busy | Availability::BusyIdle => "Busy",
        Availability::DoNotDisturb => "Do not disturb",
        Availability::BeRightBack => "Be right back",
        Availability::Away => "Away",
        Availability::Offline => "Appear offline",
        Availability::PresenceUnknown => "Unknown",
    }
}

/// "24 min left", "1 h 5 min left".
fn remaining(left: Duration) -> String {
    let minutes = (left.num_seconds() + 59) / 60;
    if minutes >= 60 {
        format!("{} h {} min left", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min left")
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use relay_core::evaluate::Reason;
    use relay_core::graph_presence::Activity;
    use relay_core::presence::WriteMode;
    use relay_core::shown::Shown;

    use super::*;

    fn t(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, hour, minute, 0)
            .single()
            .expect("valid")
    }

    fn app(mode: Mode) -> AppStatus {
        AppStatus {
            mode,
            users: 1,
            paused: false,
            config_problem: None,
            start_problem: None,
            kiosk_locked: false,
        }
    }

    fn engine(shown: Option<Availability>) -> EngineStatus {
        EngineStatus {
            users: vec![UserStatus {
                user: "u1".into(),
                display_name: "Front desk".into(),
                intent: Intent::Away,
                mode: WriteMode::Assertive,
                reason: Reason::Rule {
                    index: 0,
                    name: "Screen locked".into(),
                },
                message: Some("Back soon".into()),
                modelled: shown.map(|availability| Shown {
                    availability,
                    activity: Activity::Away,
                    can_be_outranked: false,
                }),
                observed: None,
                disagreement: false,
                user_preferred_in_effect: false,
                last_write: None,
                next_refresh: None,
                holding: true,
            }],
            ..EngineStatus::default()
        }
    }

    #[test]
    fn a_connected_desk_shows_what_teams_shows_and_who_decided() {
        let engine = engine(Some(Availability::Away));
        let view = view(&TrayInput {
            app: &app(Mode::Tenant),
            engine: Some(&engine),
            now: t(9, 0),
        });
        assert_eq!(view.icon, TrayIcon::Away);
        assert_eq!(view.user_lines, ["Front desk: Away (rule: Screen locked)"]);
        assert!(
            view.tooltip.contains("running (connected)"),
            "{}",
            view.tooltip
        );
        assert!(view.admin_items);
    }

    #[test]
    fn simulated_mode_says_nothing_real_is_changed() {
        let engine = engine(None);
        let view = view(&TrayInput {
            app: &app(Mode::Simulated),
            engine: Some(&engine),
            now: t(9, 0),
        });
        assert_eq!(view.icon, TrayIcon::Simulated);
        assert!(view.tooltip.contains("nothing real is changed"));
        assert_eq!(
            view.header,
            Some("Simulated tenant: nothing real is changed")
        );
        assert_eq!(
            view.user_lines,
            ["Front desk: their own status (rule: Screen locked)"]
        );
    }

    #[test]
    fn snooze_counts_down_and_pause_offers_resume() {
        let mut engine = engine(Some(Availability::Available));
        engine.snoozed_until = Some(t(9, 30));
        let snoozed = view(&TrayInput {
            app: &app(Mode::Tenant),
            engine: Some(&engine),
            now: t(9, 6),
        });
        assert_eq!(snoozed.snooze_label, "Snoozed: 24 min left");
        assert!(snoozed.snoozed);
        engine.paused = true;
        let paused = view(&TrayInput {
            app: &app(Mode::Tenant),
            engine: Some(&engine),
            now: t(9, 6),
        });
        assert_eq!(paused.icon, TrayIcon::Paused);
        assert_eq!(paused.pause_label, "Resume automation");
    }

    #[test]
    fn problems_win_and_kiosk_lock_hides_admin_items() {
        let mut engine = engine(Some(Availability::Available));
        engine.writes_halted = Some("admin consent is missing".into());
        let mut locked = app(Mode::Tenant);
        locked.kiosk_locked = true;
        let view = view(&TrayInput {
            app: &locked,
            engine: Some(&engine),
            now: t(9, 0),
        });
        assert_eq!(view.icon, TrayIcon::Error);
        assert!(view.tooltip.contains("admin consent is missing"));
        assert!(!view.admin_items);
    }

    #[test]
    fn end_of_day_is_local_midnight() {
        let berlin = chrono_tz::Europe::Berlin;
        // 22:30 UTC on 2 March is 23:30 in Berlin: midnight is 23:00 UTC.
        assert_eq!(next_local_midnight(t(22, 30), berlin), t(23, 0));
        assert_eq!(For::Minutes30.until(t(9, 0), berlin), Some(t(9, 30)));
        assert_eq!(For::UntilChanged.until(t(9, 0), berlin), None);
        let snooze = relay_settings::control::engine_commands(
            relay_api::ControlRequest::Snooze {
                length: Snooze::UntilTomorrow.length(),
            },
            &EngineStatus::default(),
            t(9, 0),
            berlin,
        )
        .expect("a snooze is always accepted");
        assert!(
            matches!(snooze.as_slice(), [relay_engine::EngineCommand::Snooze(Some(until))] if *until == t(23, 0)),
            "{snooze:?}"
        );
    }
}
