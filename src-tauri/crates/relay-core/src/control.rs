//! What people at the desk decide above the rules: pause, snooze, and manual overrides.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::presence::{Intent, WriteMode};

/// Human decisions that take precedence over the rules, in this order: pause, then a manual
/// override, then snooze.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Control {
    /// Presence Relay stops speaking for everyone: what we hold is released.
    pub paused: bool,
    /// The rules are off until then (what we hold is released); manual overrides still apply.
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Per user (lower-case object ID).
    pub overrides: BTreeMap<String, ManualOverride>,
}

/// "Show me as … for a while", from the tray or the CLI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManualOverride {
    pub intent: Intent,
    pub mode: WriteMode,
    pub message: Option<String>,
    /// `None`: until changed.
    pub until: Option<DateTime<Utc>>,
}

impl Control {
    /// Whether the snooze is in effect at `now`.
    pub fn snoozed(&self, now: DateTime<Utc>) -> bool {
        self.snoozed_until.is_some_and(|until| now < until)
    }

    /// The override for `user` that is in effect at `now`.
    pub fn override_for(&self, user: &str, now: DateTime<Utc>) -> Option<&ManualOverride> {
        self.overrides
            .get(user)
            .filter(|o| o.until.is_none_or(|until| now < until))
    }

    /// Drops overrides and snoozes that have run out (housekeeping; evaluation ignores them
    /// anyway).
    pub fn expire(&mut self, now: DateTime<Utc>) {
        self.overrides
            .retain(|_, o| o.until.is_none_or(|until| now < until));
        if !self.snoozed(now) {
            self.snoozed_until = None;
        }
    }
}
