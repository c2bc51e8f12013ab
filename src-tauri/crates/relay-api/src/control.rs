//! Decisions people take above the rules (`control`): pause, resume, snooze and manual
//! overrides. They map onto relay-core's `Control`; the shell hands them to the engine.

use chrono::{DateTime, Utc};
use relay_core::presence::{Intent, WriteMode};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Argument of `control`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "action",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum ControlRequest {
    /// Stop speaking for everyone: what we hold is released.
    Pause,
    Resume,
    /// Rules off for a while (what we hold is released; manual overrides still apply).
    Snooze {
        length: SnoozeLength,
    },
    /// Ends a snooze early.
    EndSnooze,
    /// "Show … for a while" for one user or everyone.
    Override {
        target: OverrideTarget,
        intent: Intent,
        mode: WriteMode,
        #[serde(default)]
        #[ts(optional)]
        message: Option<String>,
        length: OverrideLength,
    },
    /// Hands the user(s) back to the rules.
    ClearOverride {
        target: OverrideTarget,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SnoozeLength {
    Minutes {
        minutes: u32,
    },
    /// Until the next local midnight.
    UntilTomorrow,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum OverrideTarget {
    /// One configured user, by object id.
    User {
        object_id: String,
    },
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OverrideLength {
    For { minutes: u32 },
    Until { at: DateTime<Utc> },
    UntilChanged,
}

impl OverrideLength {
    /// The override's end for relay-core's `ManualOverride::until` (`None`: until changed).
    pub fn until(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            OverrideLength::For { minutes } => {
                Some(now + chrono::Duration::minutes(i64::from(minutes)))
            }
            OverrideLength::Until { at } => Some(at),
            OverrideLength::UntilChanged => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_wire_shapes_are_tagged_and_camel_case() {
        let request: ControlRequest = serde_json::from_value(serde_json::json!({
            "action": "override",
            "target": {"kind": "user", "objectId": "aaaa"},
            "intent": "busy",
            "mode": "assertive",
            "length": {"kind": "for", "minutes": 30}
        }))
        .expect("parses");
        assert_eq!(
            request,
            ControlRequest::Override {
                target: OverrideTarget::User {
                    object_id: "aaaa".into()
                },
                intent: Intent::Busy,
                mode: WriteMode::Assertive,
                message: None,
                length: OverrideLength::For { minutes: 30 },
            }
        );
        let snooze: ControlRequest =
            serde_json::from_str(r#"{"action":"snooze","length":{"kind":"until_tomorrow"}}"#)
                .expect("snooze");
        assert_eq!(
            snooze,
            ControlRequest::Snooze {
                length: SnoozeLength::UntilTomorrow
            }
        );
    }

    #[test]
    fn override_lengths_end_when_they_say() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(
            OverrideLength::For { minutes: 90 }.until(now),
            Some(now + chrono::Duration::minutes(90))
        );
        assert_eq!(OverrideLength::Until { at: now }.until(now), Some(now));
        assert_eq!(OverrideLength::UntilChanged.until(now), None);
    }
}
