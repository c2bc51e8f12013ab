//! The engine's status as the window shows it (`status`, and the `status-changed` event).
//!
//! Enumerations travel twice: as the machine value (to branch on, and to translate in the UI)
//! and as English display text (what the tray and the CLI say).

use chrono::{DateTime, Utc};
use relay_core::evaluate::Reason;
use relay_core::presence::{Intent, WriteMode};
use relay_core::shown::Shown;
use relay_engine::audit::decided_by;
use relay_engine::status::{LastWrite, ObservedStatus};
use relay_engine::{EngineStatus, UserStatus};
use serde::Serialize;
use ts_rs::TS;

/// Everything the engine last published.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    /// Automation is paused: everything we held was released.
    pub paused: bool,
    /// The rules are off until then (manual overrides still apply).
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Writes are stopped for the tenant (e.g. admin consent missing), with what to do.
    pub writes_halted: Option<String>,
    pub users: Vec<UserStatusView>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Every write since then has failed (Graph unreachable or refusing); `null` once one
    /// succeeds.
    pub failing_since: Option<DateTime<Utc>>,
}

/// One user: what we want, what we hold, what Teams shows.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UserStatusView {
    /// Entra object id (lower case).
    pub user: String,
    pub display_name: String,
    pub intent: IntentView,
    pub mode: WriteModeView,
    /// Which rule, person or state decided.
    pub reason: ReasonView,
    /// The status message we set, if any.
    pub message: Option<String>,
    /// What our writes make Teams show, by Graph's aggregation rules; `null` when we hold
    /// nothing.
    pub shown: Option<ShownView>,
    /// What Graph reported at the last read-back.
    pub observed: Option<ObservedView>,
    /// The read-back has disagreed with `shown` for several reads in a row.
    pub disagreement: bool,
    /// The person chose a presence in Teams themselves; assertive writes are held back.
    pub user_preferred_in_effect: bool,
    pub last_write: Option<LastWriteView>,
    pub next_refresh: Option<DateTime<Utc>>,
    /// Anything of ours may be in Graph for this user (removing the user releases it).
    pub holding: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IntentView {
    pub value: Intent,
    pub label: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WriteModeView {
    pub value: WriteMode,
    pub label: &'static str,
}

/// Who decided, as data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum ReasonValue {
    Paused,
    ShuttingDown,
    Override { until: Option<DateTime<Utc>> },
    Snoozed { until: DateTime<Utc> },
    MachineLeaving,
    Rule { index: usize, name: String },
    Default,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReasonView {
    pub value: ReasonValue,
    /// As the audit log writes it: `rule: Lunch`, `manual override`, `paused`, ...
    pub label: String,
}

/// A presence as Graph names it (`Busy` / `InACall`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShownView {
    pub availability: String,
    pub activity: String,
    /// A Teams client the person runs can show something stronger: our write may not win.
    pub can_be_outranked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ObservedView {
    pub at: DateTime<Utc>,
    pub availability: Option<String>,
    pub activity: Option<String>,
    pub status_message: Option<String>,
    pub out_of_office: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LastWriteView {
    pub at: DateTime<Utc>,
    /// e.g. `setPresence Available/Available PT15M`.
    pub what: String,
    pub ok: bool,
    pub error: Option<String>,
}

/// English display text of an intent (the UI translates by `value`).
pub fn intent_label(intent: Intent) -> &'static str {
    match intent {
        Intent::Available => "Available",
        Intent::Busy => "Busy",
        Intent::DoNotDisturb => "Do not disturb",
        Intent::BeRightBack => "Be right back",
        Intent::Away => "Away",
        Intent::AppearOffline => "Appear offline",
        Intent::Release => "Released (Teams decides)",
    }
}

pub fn write_mode_label(mode: WriteMode) -> &'static str {
    match mode {
        WriteMode::Polite => "Polite",
        WriteMode::Assertive => "Assertive",
    }
}

impl From<&EngineStatus> for StatusView {
    fn from(status: &EngineStatus) -> Self {
        Self {
            paused: status.paused,
            snoozed_until: status.snoozed_until,
            writes_halted: status.writes_halted.clone(),
            users: status.users.iter().map(UserStatusView::from).collect(),
            updated_at: status.updated_at,
            failing_since: status.failing_since,
        }
    }
}

impl From<&UserStatus> for UserStatusView {
    fn from(user: &UserStatus) -> Self {
        Self {
            user: user.user.clone(),
            display_name: user.display_name.clone(),
            intent: IntentView {
                value: user.intent,
                label: intent_label(user.intent),
            },
            mode: WriteModeView {
                value: user.mode,
                label: write_mode_label(user.mode),
            },
            reason: ReasonView::from(&user.reason),
            message: user.message.clone(),
            shown: user.modelled.as_ref().map(ShownView::from),
            observed: user.observed.as_ref().map(ObservedView::from),
            disagreement: user.disagreement,
            user_preferred_in_effect: user.user_preferred_in_effect,
            last_write: user.last_write.as_ref().map(LastWriteView::from),
            next_refresh: user.next_refresh,
            holding: user.holding,
        }
    }
}

impl From<&Reason> for ReasonView {
    fn from(reason: &Reason) -> Self {
        let value = match reason {
            Reason::Paused => ReasonValue::Paused,
            Reason::ShuttingDown => ReasonValue::ShuttingDown,
            Reason::Override { until } => ReasonValue::Override { until: *until },
            Reason::Snoozed { until } => ReasonValue::Snoozed { until: *until },
            Reason::MachineLeaving => ReasonValue::MachineLeaving,
            Reason::Rule { index, name } => ReasonValue::Rule {
                index: *index,
                name: name.clone(),
            },
            Reason::Default => ReasonValue::Default,
        };
        Self {
            value,
            label: decided_by(reason),
        }
    }
}

impl From<&Shown> for ShownView {
    fn from(shown: &Shown) -> Self {
        Self {
            availability: shown.availability.as_str().to_owned(),
            activity: shown.activity.as_str().to_owned(),
            can_be_outranked: shown.can_be_outranked,
        }
    }
}

impl From<&ObservedStatus> for ObservedView {
    fn from(observed: &ObservedStatus) -> Self {
        Self {
            at: observed.at,
            availability: observed.availability.map(|a| a.as_str().to_owned()),
            activity: observed.activity.map(|a| a.as_str().to_owned()),
            status_message: observed.status_message.clone(),
            out_of_office: observed.out_of_office,
        }
    }
}

impl From<&LastWrite> for LastWriteView {
    fn from(write: &LastWrite) -> Self {
        Self {
            at: write.at,
            what: write.what.clone(),
            ok: write.ok,
            error: write.error.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use relay_core::graph_presence::{Activity, Availability};

    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, 0)
            .single()
            .expect("valid time")
    }

    fn user(reason: Reason) -> UserStatus {
        UserStatus {
            user: "aaaa".into(),
            display_name: "Ana".into(),
            intent: Intent::DoNotDisturb,
            mode: WriteMode::Assertive,
            reason,
            message: Some("Back at 14:00".into()),
            modelled: Some(Shown {
                availability: Availability::DoNotDisturb,
                activity: Activity::DoNotDisturb,
                can_be_outranked: false,
            }),
            observed: Some(ObservedStatus {
                at: at(1),
                availability: Some(Availability::Busy),
                activity: None,
                status_message: Some("In a meeting".into()),
                out_of_office: true,
            }),
            disagreement: true,
            user_preferred_in_effect: false,
            last_write: Some(LastWrite {
                at: at(0),
                what: "setUserPreferredPresence DoNotDisturb/DoNotDisturb PT15M".into(),
                ok: false,
                error: Some("throttled".into()),
            }),
            next_refresh: Some(at(10)),
            holding: true,
        }
    }

    #[test]
    fn a_user_keeps_every_fact_with_value_and_label() {
        let status = EngineStatus {
            paused: false,
            snoozed_until: Some(at(30)),
            writes_halted: Some("grant admin consent".into()),
            users: vec![user(Reason::Rule {
                index: 2,
                name: "Lunch".into(),
            })],
            updated_at: Some(at(2)),
            failing_since: Some(at(1)),
        };
        let view = StatusView::from(&status);
        assert_eq!(view.failing_since, Some(at(1)));
        assert_eq!(view.snoozed_until, Some(at(30)));
        assert_eq!(view.writes_halted.as_deref(), Some("grant admin consent"));
        let ana = &view.users[0];
        assert_eq!(ana.intent.value, Intent::DoNotDisturb);
        assert_eq!(ana.intent.label, "Do not disturb");
        assert_eq!(ana.mode.label, "Assertive");
        assert_eq!(
            ana.reason.value,
            ReasonValue::Rule {
                index: 2,
                name: "Lunch".into()
            }
        );
        assert_eq!(ana.reason.label, "rule: Lunch");
        let shown = ana.shown.as_ref().expect("we hold something");
        assert_eq!(
            (shown.availability.as_str(), shown.activity.as_str()),
            ("DoNotDisturb", "DoNotDisturb")
        );
        assert!(!shown.can_be_outranked);
        let observed = ana.observed.as_ref().expect("read back");
        assert_eq!(observed.availability.as_deref(), Some("Busy"));
        assert_eq!(observed.activity, None);
        assert!(observed.out_of_office);
        assert_eq!(observed.status_message.as_deref(), Some("In a meeting"));
        assert!(ana.disagreement && ana.holding && !ana.user_preferred_in_effect);
        assert_eq!(
            ana.last_write.as_ref().and_then(|w| w.error.as_deref()),
            Some("throttled")
        );
        assert_eq!(ana.next_refresh, Some(at(10)));
    }

    #[test]
    fn every_reason_maps_to_its_kind_and_the_audit_wording() {
        let cases = [
            (Reason::Paused, "paused", "paused"),
            (
                Reason::ShuttingDown,
                "shutting_down",
                "release on quit, logoff or sleep",
            ),
            (
                Reason::Override { until: None },
                "override",
                "manual override",
            ),
            (Reason::Snoozed { until: at(5) }, "snoozed", "snoozed"),
            (Reason::MachineLeaving, "machine_leaving", "machine leaving"),
            (Reason::Default, "default", "default action"),
        ];
        for (reason, kind, label) in cases {
            let view = ReasonView::from(&reason);
            let json = serde_json::to_value(&view).expect("json");
            assert_eq!(json["value"]["kind"], kind, "{reason:?}");
            assert_eq!(view.label, label);
        }
    }

    #[test]
    fn an_idle_engine_serializes_with_camel_case_and_nulls() {
        let mut idle = user(Reason::Default);
        idle.modelled = None;
        idle.observed = None;
        idle.last_write = None;
        let status = EngineStatus {
            paused: true,
            users: vec![idle],
            ..EngineStatus::default()
        };
        let json = serde_json::to_value(StatusView::from(&status)).expect("json");
        assert_eq!(json["paused"], true);
        assert!(json["snoozedUntil"].is_null());
        let user = &json["users"][0];
        assert!(user["shown"].is_null(), "we hold nothing");
        assert_eq!(user["displayName"], "Ana");
        assert_eq!(user["userPreferredInEffect"], false);
        assert_eq!(user["intent"]["value"], "do_not_disturb");
    }

    #[test]
    fn every_intent_has_a_label() {
        let labels: std::collections::HashSet<&str> =
            Intent::ALL.into_iter().map(intent_label).collect();
        assert_eq!(labels.len(), Intent::ALL.len(), "labels are distinct");
    }
}
