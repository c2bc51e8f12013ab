//! What Teams will show for what we hold, by Graph's aggregation rules: a user-preferred presence
//! beats every session; among sessions DoNotDisturb > Busy > Available > Away. Used for the
//! status and the preview; the read-back then shows what Teams really shows.

use serde::Serialize;

use crate::graph_presence::{Activity, Availability, SessionPair};
use crate::planner::Target;

/// The presence our writes produce, and whether another client could outrank it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Shown {
    pub availability: Availability,
    pub activity: Activity,
    /// A Teams client the person runs can show something stronger (a polite write only adds a
    /// session; a polite Away loses to any active client).
    pub can_be_outranked: bool,
}

/// `None` when we hold nothing: Teams shows whatever the person's own clients say.
pub fn shown_by(target: &Target) -> Option<Shown> {
    if let Some(preferred) = target.preferred {
        return Some(Shown {
            availability: preferred.availability(),
            activity: preferred.activity(),
            can_be_outranked: false,
        });
    }
    target.session.map(|session| Shown {
        availability: session.availability(),
        activity: session.activity(),
        can_be_outranked: session != SessionPair::DoNotDisturbPresenting,
    })
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::graph_presence::PreferredPair;

    fn target(session: Option<SessionPair>, preferred: Option<PreferredPair>) -> Target {
        Target {
            session,
            preferred,
            message: None,
            hold: Duration::minutes(15),
        }
    }

    #[test]
    fn preferred_wins_and_cannot_be_outranked() {
        let shown = shown_by(&target(
            Some(SessionPair::Away),
            Some(PreferredPair::BeRightBack),
        ))
        .expect("held");
        assert_eq!(shown.availability, Availability::BeRightBack);
        assert!(!shown.can_be_outranked);
    }

    #[test]
    fn polite_sessions_can_lose_except_do_not_disturb() {
        let away = shown_by(&target(Some(SessionPair::Away), None)).expect("held");
        assert!(away.can_be_outranked);
        let dnd = shown_by(&target(Some(SessionPair::DoNotDisturbPresenting), None)).expect("held");
        assert!(!dnd.can_be_outranked);
        assert_eq!(shown_by(&Target::release()), None);
    }
}
