//! The rules preview (`rules_preview`): what Teams would show for each configured user now and
//! how that changes over the next hours, if the desk's signals stay as they are. Computed by the
//! engine's simulate path (relay-timeline) for the rules being edited, saved or not.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::status::{IntentView, ReasonView};

/// Answer of `rules_preview`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RulesPreview {
    /// "Now": when the preview starts.
    pub from: DateTime<Utc>,
    /// Where the preview ends (`from` plus its hours).
    pub until: DateTime<Utc>,
    /// The IANA zone time windows without a zone were read in (the machine's).
    pub time_zone: String,
    /// The desk's signals as the preview holds them for its whole length.
    pub signals: PreviewSignals,
    /// One per configured user, in the config's order.
    pub users: Vec<UserPreview>,
    /// The preview replays the config's first 200 users; how many more it has, not previewed.
    pub users_left_out: usize,
}

/// What the preview assumes of the desk. `null`: the signal is unknown (no source reports it, or
/// the relay is not running), which rules treat as neither on nor off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewSignals {
    pub screen_locked: Option<bool>,
    /// Seconds since the last keyboard or mouse input, at `from`; the preview assumes no input
    /// comes after it, unless the desk is in use (then it stays in use).
    pub idle_seconds: Option<u32>,
    pub do_not_disturb: Option<bool>,
    pub presentation: Option<bool>,
}

/// One user: what Teams shows now, and each change after that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserPreview {
    /// Entra object id (lower case).
    pub user: String,
    pub display_name: String,
    pub now: PreviewState,
    /// In time order; empty when nothing changes within the preview.
    pub changes: Vec<PreviewChange>,
}

/// What Teams shows for one user, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewState {
    /// What the rules want (`release`: hold nothing).
    pub intent: IntentView,
    /// What Teams shows from our writes; `null` when we hold nothing and Teams shows whatever
    /// the person's own clients say.
    pub shown: Option<PreviewPresence>,
    /// The status message Teams shows, placeholders filled in.
    pub message: Option<String>,
    /// Which rule (or the default action) decided.
    pub reason: ReasonView,
    /// The time window or calendar that makes the deciding rule apply, if it has one.
    pub causes: Vec<PreviewCause>,
}

/// A presence as Graph names it (`Away` / `Away`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewPresence {
    pub availability: String,
    pub activity: String,
}

/// From `at` on, Teams shows `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewChange {
    pub at: DateTime<Utc>,
    pub to: PreviewState,
}

/// A condition of the deciding rule that depends on time rather than on the desk's signals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum PreviewCause {
    /// The rule's weekly window, `HH:MM` to `HH:MM` (an end before the start is the next day),
    /// in `timeZone` or, when `null`, the machine's zone.
    TimeWindow {
        start: String,
        end: String,
        time_zone: Option<String>,
    },
    /// A block of this calendar (its `id` in the config).
    Calendar { calendar: String },
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use relay_core::evaluate::Reason;
    use relay_core::presence::Intent;

    use super::*;
    use crate::status::intent_label;

    #[test]
    fn serializes_with_camel_case_tagged_causes_and_null_for_nothing_held() {
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 12, 0, 0)
            .single()
            .expect("valid time");
        let state = |intent: Intent, reason: &Reason, causes: Vec<PreviewCause>| PreviewState {
            intent: IntentView {
                value: intent,
                label: intent_label(intent),
            },
            shown: None,
            message: None,
            reason: ReasonView::from(reason),
            causes,
        };
        let preview = RulesPreview {
            from: at,
            until: at,
            time_zone: "Europe/Berlin".into(),
            signals: PreviewSignals {
                idle_seconds: Some(90),
                ..PreviewSignals::default()
            },
            users: vec![UserPreview {
                user: "aaaa".into(),
                display_name: "Ana".into(),
                now: state(Intent::Release, &Reason::Default, Vec::new()),
                changes: vec![PreviewChange {
                    at,
                    to: state(
                        Intent::BeRightBack,
                        &Reason::Rule {
                            index: 1,
                            name: "Lunch".into(),
                        },
                        vec![PreviewCause::TimeWindow {
                            start: "12:00".into(),
                            end: "13:00".into(),
                            time_zone: None,
                        }],
                    ),
                }],
            }],
            users_left_out: 0,
        };
        let json = serde_json::to_value(&preview).expect("json");
        assert_eq!(json["timeZone"], "Europe/Berlin");
        assert_eq!(json["signals"]["idleSeconds"], 90);
        assert!(json["signals"]["screenLocked"].is_null(), "unknown");
        let ana = &json["users"][0];
        assert!(ana["now"]["shown"].is_null(), "nothing held");
        assert_eq!(ana["now"]["reason"]["label"], "default action");
        let change = &ana["changes"][0];
        assert_eq!(change["to"]["intent"]["value"], "be_right_back");
        assert_eq!(change["to"]["reason"]["value"]["index"], 1);
        assert_eq!(change["to"]["causes"][0]["kind"], "time_window");
        assert!(change["to"]["causes"][0]["timeZone"].is_null());
        assert_eq!(json["usersLeftOut"], 0);
    }
}
