//! What the desk wants Teams to show, and how hard it pushes.
//!
//! The mapping of an intent onto Graph writes lives in the planner; these types are shared by the
//! config model, the rules and the planner.

use schemars::JsonSchema;

use crate::graph_presence::{PreferredPair, SessionPair};
use serde::{Deserialize, Serialize};

/// What the desk wants Teams to show for a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    Available,
    Busy,
    DoNotDisturb,
    BeRightBack,
    Away,
    AppearOffline,
    /// Stop speaking for the user: clear what we set.
    Release,
}

impl Intent {
    pub const ALL: [Intent; 7] = [
        Intent::Available,
        Intent::Busy,
        Intent::DoNotDisturb,
        Intent::BeRightBack,
        Intent::Away,
        Intent::AppearOffline,
        Intent::Release,
    ];

    /// The name used in config files and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Available => "available",
            Intent::Busy => "busy",
            Intent::DoNotDisturb => "do_not_disturb",
            Intent::BeRightBack => "be_right_back",
            Intent::Away => "away",
            Intent::AppearOffline => "appear_offline",
            Intent::Release => "release",
        }
    }

    /// Whether Graph offers a presence-session pair for this intent (setPresence accepts only
    /// Available, Busy, DoNotDisturb and Away). Be right back and appear offline exist only as a
    /// user-preferred presence, so they need the assertive mode.
    pub fn has_session_pair(self) -> bool {
        self.session_pair().is_some()
    }

    /// The presence-session pair that shows this intent, if Graph has one (polite writes).
    pub fn session_pair(self) -> Option<SessionPair> {
        match self {
            Intent::Available => Some(SessionPair::Available),
            Intent::Busy => Some(SessionPair::BusyInACall),
            Intent::DoNotDisturb => Some(SessionPair::DoNotDisturbPresenting),
            Intent::Away => Some(SessionPair::Away),
            Intent::BeRightBack | Intent::AppearOffline | Intent::Release => None,
        }
    }

    /// The session an assertive write holds beside the preferred presence. The preferred
    /// presence only shows while the user has at least one session, so we keep our own. For
    /// intents without a session pair we hold Away: the weakest session, so if the preferred
    /// presence lapses first, what remains visible is the least misleading.
    pub fn assertive_session_pair(self) -> Option<SessionPair> {
        match self {
            Intent::Release => None,
            other => Some(other.session_pair().unwrap_or(SessionPair::Away)),
        }
    }

    /// The user-preferred pair that shows this intent (assertive writes).
    pub fn preferred_pair(self) -> Option<PreferredPair> {
        match self {
            Intent::Available => Some(PreferredPair::Available),
            Intent::Busy => Some(PreferredPair::Busy),
            Intent::DoNotDisturb => Some(PreferredPair::DoNotDisturb),
            Intent::BeRightBack => Some(PreferredPair::BeRightBack),
            Intent::Away => Some(PreferredPair::Away),
            Intent::AppearOffline => Some(PreferredPair::AppearOffline),
            Intent::Release => None,
        }
    }
}

/// How an intent is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WriteMode {
    /// Only our own presence session; a Teams client the person runs still counts.
    #[default]
    Polite,
    /// The user-preferred presence plus our own session: wins over every client.
    Assertive,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for intent in Intent::ALL {
            let json = serde_json::to_string(&intent).expect("serialize");
            assert_eq!(json, format!("\"{}\"", intent.as_str()));
            let back: Intent = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back, intent);
        }
    }

    #[test]
    fn every_intent_but_release_can_be_shown_assertively() {
        for intent in Intent::ALL {
            let shown =
                intent.preferred_pair().is_some() && intent.assertive_session_pair().is_some();
            assert_eq!(shown, intent != Intent::Release, "{intent:?}");
        }
        assert_eq!(
            Intent::BeRightBack.assertive_session_pair(),
            Some(SessionPair::Away)
        );
    }

    #[test]
    fn only_four_intents_have_session_pairs() {
        let with_pairs: Vec<_> = Intent::ALL
            .into_iter()
            .filter(|i| i.has_session_pair())
            .collect();
        assert_eq!(
            with_pairs,
            [
                Intent::Available,
                Intent::Busy,
                Intent::DoNotDisturb,
                Intent::Away
            ]
        );
    }
}
