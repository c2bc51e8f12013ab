//! Local signal sources as the Signals page shows them (`signals`): each source's health and the
//! last value of each signal it reports.

use chrono::{DateTime, Utc};
use relay_core::config::ShowAs;
use serde::Serialize;
use ts_rs::TS;

/// How well a source can currently see what it watches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SignalHealth {
    /// Subscribed and reporting.
    Live,
    /// Expected to work but does not right now; its last values may be stale.
    Degraded { reason: String },
    /// This machine does not offer the mechanism.
    Unsupported { reason: String },
}

/// The last value of one signal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum SignalValue {
    /// `locked`, `screensaver`, `dnd`, `presentation`, `session_active`, `session_ending`;
    /// `null`: the source cannot tell (which is never the same as off).
    Flag { on: Option<bool> },
    /// `idle_seconds`: time without keyboard or mouse input.
    Seconds { seconds: u32 },
    /// `calendar`: how a calendar shows its owner now.
    Calendar {
        calendar_id: String,
        show_as: ShowAs,
        until: Option<DateTime<Utc>>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignalReading {
    /// The signal's name as `presence-relay signals --json` writes it (`locked`, `idle_seconds`).
    pub signal: String,
    pub value: SignalValue,
    pub at: DateTime<Utc>,
}

/// One source, e.g. `logind` or `calendar:front-desk`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignalView {
    pub source: String,
    pub health: SignalHealth,
    pub values: Vec<SignalReading>,
}
