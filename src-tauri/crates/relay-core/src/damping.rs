//! Flap damping: a rule-driven state is kept for a minimum time before another rule may replace
//! it, so a flickering signal cannot make Teams (and the people watching it) flicker too. Human
//! and machine decisions (overrides, pause, snooze, shutdown) are never delayed.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::evaluate::Decision;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damper {
    min_dwell: Duration,
    /// Per user: the decision in effect and when it took effect by a change (`None` for the
    /// first decision: that is no flap, so the next change is not held back for it).
    current: BTreeMap<String, (Decision, Option<DateTime<Utc>>)>,
}

impl Damper {
    pub fn new(min_dwell: Duration) -> Self {
        Self {
            min_dwell,
            current: BTreeMap::new(),
        }
    }

    pub fn set_min_dwell(&mut self, min_dwell: Duration) {
        self.min_dwell = min_dwell;
    }

    /// The decision to act on now, and when to look again if the new one was held back.
    pub fn damp(
        &mut self,
        user: &str,
        decision: Decision,
        now: DateTime<Utc>,
    ) -> (Decision, Option<DateTime<Utc>>) {
        let Some((current, since)) = self.current.get(user) else {
            self.current
                .insert(user.to_owned(), (decision.clone(), None));
            return (decision, None);
        };
        if same_effect(current, &decision) {
            // Keep the start time; take the fresh details (rendered message, until).
            let since = *since;
            self.current
                .insert(user.to_owned(), (decision.clone(), since));
            return (decision, None);
        }
        // A rule that is about to decide (its lock or idle time still counting) keeps what is
        // shown now, so a short lock does not drop the desk to the default in between.
        if decision.pending && decision.reason.is_automatic() && current.reason.is_automatic() {
            return (current.clone(), None);
        }
        let automatic = current.reason.is_automatic() && decision.reason.is_automatic();
        if let Some(settles_at) = since.map(|since| since + self.min_dwell) {
            if automatic && now < settles_at {
                return (current.clone(), Some(settles_at));
            }
        }
        self.current
            .insert(user.to_owned(), (decision.clone(), Some(now)));
        (decision, None)
    }

    /// Forgets a user (removed from the config).
    pub fn forget(&mut self, user: &str) {
        self.current.remove(user);
    }
}

/// Whether two decisions put the same thing into Graph.
fn same_effect(a: &Decision, b: &Decision) -> bool {
    a.intent == b.intent && a.mode == b.mode && a.message == b.message
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::evaluate::Reason;
    use crate::presence::{Intent, WriteMode};

    fn t(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid")
            + Duration::seconds(seconds)
    }

    fn decision(intent: Intent, reason: Reason) -> Decision {
        Decision {
            intent,
            mode: WriteMode::Polite,
            message: None,
            hold: Duration::minutes(15),
            until: None,
            reason,
            pending: false,
        }
    }

    fn rule() -> Reason {
        Reason::Rule {
            index: 0,
            name: "r".into(),
        }
    }

    #[test]
    fn the_first_change_is_never_held_back() {
        let mut damper = Damper::new(Duration::seconds(30));
        let release = decision(Intent::Release, Reason::Default);
        let away = decision(Intent::Away, rule());
        assert_eq!(damper.damp("u", release.clone(), t(0)), (release, None));
        assert_eq!(damper.damp("u", away.clone(), t(1)), (away, None));
    }

    #[test]
    fn a_pending_rule_keeps_what_is_shown() {
        let mut damper = Damper::new(Duration::seconds(0));
        let available = decision(Intent::Available, rule());
        damper.damp("u", available.clone(), t(0));
        let mut fallthrough = decision(Intent::Release, Reason::Default);
        fallthrough.pending = true;
        assert_eq!(damper.damp("u", fallthrough, t(60)), (available, None));
    }

    #[test]
    fn rule_flaps_inside_the_dwell_are_held_back() {
        let mut damper = Damper::new(Duration::seconds(30));
        let away = decision(Intent::Away, rule());
        let available = decision(Intent::Available, Reason::Default);
        assert_eq!(
            damper.damp("u", available.clone(), t(-100)),
            (available.clone(), None)
        );
        assert_eq!(damper.damp("u", away.clone(), t(0)), (away.clone(), None));
        assert_eq!(
            damper.damp("u", available.clone(), t(10)),
            (away.clone(), Some(t(30)))
        );
        assert_eq!(damper.damp("u", away.clone(), t(20)), (away.clone(), None));
        assert_eq!(
            damper.damp("u", available.clone(), t(30)),
            (available, None)
        );
    }

    #[test]
    fn human_decisions_are_never_delayed() {
        let mut damper = Damper::new(Duration::seconds(30));
        damper.damp("u", decision(Intent::Away, rule()), t(0));
        let paused = decision(Intent::Release, Reason::Paused);
        assert_eq!(damper.damp("u", paused.clone(), t(1)), (paused, None));
        let manual = decision(Intent::Busy, Reason::Override { until: None });
        assert_eq!(damper.damp("u", manual.clone(), t(2)), (manual, None));
    }
}
