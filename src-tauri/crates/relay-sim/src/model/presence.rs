//! Graph's presence rules as the simulator enforces them: which pairs each write accepts, and how
//! strong each state is when sessions are aggregated.
//!
//! The legal-pair tables are written out here on purpose instead of reusing the client's tables
//! in `relay_core::graph_presence`: the simulator is the independent check of the client, so a
//! mistake in one table must not silently pass in the other.

use relay_core::graph_presence::{Activity, Availability};
use serde::Serialize;

/// An availability with its activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PresencePair {
    pub availability: Availability,
    pub activity: Activity,
}

impl PresencePair {
    pub const fn new(availability: Availability, activity: Activity) -> Self {
        Self {
            availability,
            activity,
        }
    }

    pub(crate) const OFFLINE: PresencePair =
        PresencePair::new(Availability::Offline, Activity::Offline);
    pub(crate) const UNKNOWN: PresencePair =
        PresencePair::new(Availability::PresenceUnknown, Activity::PresenceUnknown);
}

impl std::fmt::Display for PresencePair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.availability, self.activity)
    }
}

/// `setPresence` (v1.0) accepts exactly these five pairs.
pub(crate) const SESSION_PAIRS: [PresencePair; 5] = [
    PresencePair::new(Availability::Available, Activity::Available),
    PresencePair::new(Availability::Busy, Activity::InACall),
    PresencePair::new(Availability::Busy, Activity::InAConferenceCall),
    PresencePair::new(Availability::Away, Activity::Away),
    PresencePair::new(Availability::DoNotDisturb, Activity::Presenting),
];

/// `setUserPreferredPresence` accepts exactly these six pairs.
pub(crate) const PREFERRED_PAIRS: [PresencePair; 6] = [
    PresencePair::new(Availability::Available, Activity::Available),
    PresencePair::new(Availability::Busy, Activity::Busy),
    PresencePair::new(Availability::DoNotDisturb, Activity::DoNotDisturb),
    PresencePair::new(Availability::BeRightBack, Activity::BeRightBack),
    PresencePair::new(Availability::Away, Activity::Away),
    PresencePair::new(Availability::Offline, Activity::OffWork),
];

/// Availabilities a simulated Teams client may show (a signed-in client is never Offline).
pub(crate) const CLIENT_AVAILABILITIES: [Availability; 5] = [
    Availability::Available,
    Availability::Busy,
    Availability::DoNotDisturb,
    Availability::BeRightBack,
    Availability::Away,
];

/// Activities that only Graph derives (fade, out of office, no session), never a client.
pub(crate) const DERIVED_ACTIVITIES: [Activity; 5] = [
    Activity::AvailableInactive,
    Activity::OutOfOffice,
    Activity::Offline,
    Activity::OffWork,
    Activity::PresenceUnknown,
];

pub(crate) fn list(pairs: &[PresencePair]) -> String {
    pairs
        .iter()
        .map(PresencePair::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Graph's documented order among sessions: DoNotDisturb > Busy > Available > Away. Be right
/// back (only a Teams client can show it) ranks with Away, just above it. [I]
fn availability_rank(availability: Availability) -> u8 {
    match availability {
        Availability::DoNotDisturb => 6,
        Availability::Busy | Availability::BusyIdle => 5,
        Availability::Available | Availability::AvailableIdle => 4,
        Availability::BeRightBack => 3,
        Availability::Away => 2,
        Availability::Offline => 1,
        Availability::PresenceUnknown => 0,
    }
}

/// Tie-break within one availability: the more engaged activity wins (a call beats a meeting,
/// active beats inactive). [I] Graph documents no order here.
fn activity_rank(activity: Activity) -> u8 {
    match activity {
        Activity::Presenting => 9,
        Activity::UrgentInterruptionsOnly | Activity::Focusing => 8,
        Activity::DoNotDisturb => 7,
        Activity::InAConferenceCall => 6,
        Activity::InACall => 5,
        Activity::InAMeeting => 4,
        Activity::Busy => 3,
        Activity::Available | Activity::BeRightBack | Activity::Away => 2,
        Activity::AvailableInactive | Activity::Inactive => 1,
        _ => 0,
    }
}

/// Sort key: larger is stronger.
pub(crate) fn strength(pair: PresencePair) -> (u8, u8) {
    (
        availability_rank(pair.availability),
        activity_rank(pair.activity),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_session_order_holds() {
        let dnd = PresencePair::new(Availability::DoNotDisturb, Activity::Presenting);
        let busy = PresencePair::new(Availability::Busy, Activity::InACall);
        let available = PresencePair::new(Availability::Available, Activity::Available);
        let inactive = PresencePair::new(Availability::Available, Activity::AvailableInactive);
        let away = PresencePair::new(Availability::Away, Activity::Away);
        assert!(strength(dnd) > strength(busy));
        assert!(strength(busy) > strength(available));
        assert!(strength(available) > strength(inactive));
        assert!(strength(inactive) > strength(away));
    }

    #[test]
    fn tables_have_the_documented_sizes_and_no_duplicates() {
        for table in [&SESSION_PAIRS[..], &PREFERRED_PAIRS[..]] {
            let mut seen = std::collections::HashSet::new();
            assert!(table.iter().all(|pair| seen.insert(*pair)));
        }
        assert_eq!(
            list(&SESSION_PAIRS),
            "Available/Available, Busy/InACall, Busy/InAConferenceCall, Away/Away, \
             DoNotDisturb/Presenting"
        );
    }
}
