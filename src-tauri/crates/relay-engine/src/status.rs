//! What the engine tells the tray, the UI, the CLI and notifications. They render it; they decide
//! nothing.

use chrono::{DateTime, Utc};
use relay_core::evaluate::Reason;
use relay_core::graph_presence::{Activity, Availability};
use relay_core::presence::{Intent, WriteMode};
use relay_core::shown::Shown;
use serde::Serialize;

/// The whole engine, as last published.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EngineStatus {
    pub paused: bool,
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Writes are stopped for the tenant (e.g. admin consent missing), with what to do.
    pub writes_halted: Option<String>,
    pub users: Vec<UserStatus>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Every write since then has failed (none succeeded in between): Graph unreachable, or
    /// refusing us. `None` once a write goes through.
    pub failing_since: Option<DateTime<Utc>>,
}

/// One user: what we want, what we hold, what Teams shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UserStatus {
    pub user: String,
    pub display_name: String,
    pub intent: Intent,
    pub mode: WriteMode,
    /// Which rule (or person, or state) decided.
    pub reason: Reason,
    pub message: Option<String>,
    /// What our writes make Teams show, by Graph's aggregation rules; `None` when we hold nothing.
    pub modelled: Option<Shown>,
    /// What Graph reported at the last read-back.
    pub observed: Option<ObservedStatus>,
    /// The read-back has disagreed with the model for several reads in a row.
    pub disagreement: bool,
    /// The person chose a presence in Teams themselves; assertive writes are held back.
    pub user_preferred_in_effect: bool,
    pub last_write: Option<LastWrite>,
    pub next_refresh: Option<DateTime<Utc>>,
    /// Anything of ours may be in Graph for this user.
    pub holding: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObservedStatus {
    pub at: DateTime<Utc>,
    pub availability: Option<Availability>,
    pub activity: Option<Activity>,
    pub status_message: Option<String>,
    pub out_of_office: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LastWrite {
    pub at: DateTime<Utc>,
    /// e.g. `setPresence Available/Available PT15M`.
    pub what: String,
    pub ok: bool,
    pub error: Option<String>,
}
