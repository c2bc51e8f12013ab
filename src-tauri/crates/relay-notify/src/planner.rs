//! What to tell the person, and when: a problem is announced when it appears, repeated at most
//! once a day while it lasts, and never more than a few notifications an hour in all, so a
//! flapping network cannot turn the desktop into a stream of pop-ups.

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Duration, Utc};
use relay_engine::EngineStatus;

/// Something that needs a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Writes are halted for the tenant (admin consent missing), with what Graph said.
    WritesHalted(String),
    /// Every write has failed since then.
    Unreachable { since: DateTime<Utc> },
    /// The app's credential (client secret or certificate) expires then.
    CredentialExpiry(DateTime<Utc>),
    /// The OS keyring cannot be used (message says why and what to do).
    KeyringUnavailable(String),
    /// What Teams shows for a user changed (only with `on_state_change`).
    Shows { user: String, shows: String },
}

/// One notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub title: String,
    pub body: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannerOptions {
    /// Graph unreachable for this long is worth a notification (shorter outages heal alone).
    pub unreachable_after: Duration,
    /// Expiry this close is announced.
    pub expiry_warning: Duration,
    /// A lasting problem is repeated this often.
    pub repeat_after: Duration,
    /// At most this many notifications in any hour.
    pub per_hour: usize,
}

impl Default for PlannerOptions {
    fn default() -> Self {
        Self {
            unreachable_after: Duration::minutes(10),
            expiry_warning: Duration::days(14),
            repeat_after: Duration::hours(24),
            per_hour: 5,
        }
    }
}

/// The problems an engine status shows (besides those the caller knows: keyring, expiry).
pub fn problems_in(status: &EngineStatus, on_state_change: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Some(message) = &status.writes_halted {
        problems.push(Problem::WritesHalted(message.clone()));
    }
    if let Some(since) = status.failing_since {
        problems.push(Problem::Unreachable { since });
    }
    if on_state_change {
        for user in &status.users {
            let shows = user.modelled.as_ref().map_or_else(
                || "their own status".to_owned(),
                |shown| shown.availability.as_str().to_owned(),
            );
            problems.push(Problem::Shows {
                user: user.display_name.clone(),
                shows,
            });
        }
    }
    problems
}

/// Remembers what was said and when.
#[derive(Clone, Debug, Default)]
pub struct NotePlanner {
    options: PlannerOptions,
    /// Key of each problem announced -> when it was last announced.
    announced: BTreeMap<String, DateTime<Utc>>,
    /// Times of the notifications shown in the last hour.
    recent: VecDeque<DateTime<Utc>>,
    /// Last state shown per user (state changes are announced on change only).
    shows: BTreeMap<String, String>,
}

impl NotePlanner {
    pub fn new(options: PlannerOptions) -> Self {
        Self {
            options,
            ..Self::default()
        }
    }

    /// The notifications to show now for the problems that hold now. Problems that went away
    /// are forgotten, so they are announced again if they come back.
    pub fn plan(&mut self, problems: &[Problem], now: DateTime<Utc>) -> Vec<Note> {
        let mut current = Vec::new();
        let mut notes = Vec::new();
        for problem in problems {
            let Some((key, note)) = self.describe(problem, now) else {
                continue;
            };
            current.push(key.clone());
            let due = self
                .announced
                .get(&key)
                .is_none_or(|last| now - *last >= self.options.repeat_after);
            if due && self.allowed(now) {
                self.announced.insert(key, now);
                self.recent.push_back(now);
                notes.push(note);
            }
        }
        self.announced.retain(|key, _| current.contains(key));
        notes
    }

    fn allowed(&mut self, now: DateTime<Utc>) -> bool {
        while self
            .recent
            .front()
            .is_some_and(|at| now - *at >= Duration::hours(1))
        {
            self.recent.pop_front();
        }
        self.recent.len() < self.options.per_hour
    }

    /// The problem's identity (what deduplicates it) and its text; `None` when it is not (yet)
    /// worth a notification.
    fn describe(&mut self, problem: &Problem, now: DateTime<Utc>) -> Option<(String, Note)> {
        match problem {
            Problem::WritesHalted(message) => Some((
                "halted".into(),
                Note {
                    title: "Teams presence is not being updated".into(),
                    body: format!("{message} Open Settings > Connection to test it again."),
                },
            )),
            Problem::Unreachable { since } => {
                let down = now - *since;
                (down >= self.options.unreachable_after).then(|| {
                    (
                        "unreachable".into(),
                        Note {
                            title: "Microsoft Graph cannot be reached".into(),
                            body: format!(
                                "No presence update has gone through for {} minutes. Presence \
                                 Relay keeps trying; check this machine's network or proxy.",
                                down.num_minutes()
                            ),
                        },
                    )
                })
            }
            Problem::CredentialExpiry(at) => {
                let left = *at - now;
                if left > self.options.expiry_warning {
                    return None;
                }
                let (key, title) = if left <= Duration::zero() {
                    ("expired", "The app's credential has expired".to_owned())
                } else {
                    (
                        "expiring",
                        format!(
                            "The app's credential expires in {} days",
                            left.num_days().max(1)
                        ),
                    )
                };
                Some((
                    key.into(),
                    Note {
                        title,
                        body: "Create a new client secret or certificate for the app registration \
                               in Entra and store it in Settings > Connection."
                            .into(),
                    },
                ))
            }
            Problem::KeyringUnavailable(message) => Some((
                "keyring".into(),
                Note {
                    title: "The OS keyring cannot be used".into(),
                    body: message.clone(),
                },
            )),
            Problem::Shows { user, shows } => {
                let changed = self.shows.get(user) != Some(shows);
                let first = !self.shows.contains_key(user);
                self.shows.insert(user.clone(), shows.clone());
                // The first state seen is where we start, not a change.
                (changed && !first).then(|| {
                    (
                        format!("shows:{user}:{shows}"),
                        Note {
                            title: format!("{user} now shows {shows}"),
                            body: "in Microsoft Teams, as set by Presence Relay.".into(),
                        },
                    )
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(minutes: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid")
            + Duration::minutes(minutes)
    }

    #[test]
    fn a_problem_is_said_once_then_daily_and_again_after_it_came_back() {
        let mut planner = NotePlanner::new(PlannerOptions::default());
        let halted = [Problem::WritesHalted("Admin consent is missing.".into())];
        let first = planner.plan(&halted, t(0));
        assert_eq!(first.len(), 1);
        assert!(first[0].body.contains("Admin consent is missing."));
        assert!(planner.plan(&halted, t(1)).is_empty(), "not twice");
        assert_eq!(
            planner.plan(&halted, t(24 * 60)).len(),
            1,
            "daily while it lasts"
        );
        assert!(planner.plan(&[], t(24 * 60 + 1)).is_empty());
        assert_eq!(planner.plan(&halted, t(24 * 60 + 2)).len(), 1, "back again");
    }

    #[test]
    fn a_short_outage_is_not_worth_a_notification() {
        let mut planner = NotePlanner::new(PlannerOptions::default());
        let down = [Problem::Unreachable { since: t(0) }];
        assert!(planner.plan(&down, t(9)).is_empty());
        let notes = planner.plan(&down, t(10));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].body.contains("10 minutes"), "{:?}", notes[0]);
    }

    #[test]
    fn expiry_is_announced_within_14_days_and_again_when_expired() {
        let mut planner = NotePlanner::new(PlannerOptions::default());
        let expiry = [Problem::CredentialExpiry(t(20 * 24 * 60))];
        assert!(planner.plan(&expiry, t(0)).is_empty());
        let soon = planner.plan(&expiry, t(7 * 24 * 60));
        assert_eq!(soon[0].title, "The app's credential expires in 13 days");
        let expired = planner.plan(&expiry, t(20 * 24 * 60));
        assert_eq!(expired[0].title, "The app's credential has expired");
    }

    #[test]
    fn flapping_is_rate_limited_to_five_an_hour() {
        let mut planner = NotePlanner::new(PlannerOptions::default());
        let mut shown = 0;
        for minute in 0..60 {
            let state = if minute % 2 == 0 { "Away" } else { "Available" };
            let problems = [Problem::Shows {
                user: "Front desk".into(),
                shows: state.into(),
            }];
            shown += planner.plan(&problems, t(minute)).len();
        }
        assert_eq!(shown, 5);
        // The hour has passed: room again.
        let later = [Problem::Shows {
            user: "Front desk".into(),
            shows: "Busy".into(),
        }];
        assert_eq!(planner.plan(&later, t(120)).len(), 1);
    }

    #[test]
    fn the_first_state_seen_is_not_a_change() {
        let mut planner = NotePlanner::new(PlannerOptions::default());
        let away = [Problem::Shows {
            user: "Front desk".into(),
            shows: "Away".into(),
        }];
        assert!(planner.plan(&away, t(0)).is_empty());
        assert!(planner.plan(&away, t(1)).is_empty());
    }
}
