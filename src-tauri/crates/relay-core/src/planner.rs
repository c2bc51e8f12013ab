//! The presence planner: what a user should show + what we hold for them + now -> Graph writes.
//!
//! Level-triggered: it compares "what should be" with "what we last wrote and when", so after a
//! crash, an outage or a restart it converges by itself. The rules it keeps
//! (ARCHITECTURE.md, "Presence semantics"):
//! - every write is bounded in time (`expirationDuration`, message expiry) and refreshed while it
//!   should hold: the session every [`Timing::keep_alive`] (plus a per-user jitter, staying under
//!   Graph's five-minute fade of Available), the preferred presence and the status message before
//!   they expire;
//! - assertive writes also hold our own session, since a preferred presence shows only while the
//!   user has at least one session;
//! - releasing clears only what we set;
//! - nothing is re-sent that Graph already has, except a keep-alive that is due.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::evaluate::Decision;
use crate::graph_presence::{PreferredPair, SessionExpiration, SessionPair};
use crate::presence::{Intent, WriteMode};

/// Cadences of the planner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// Our session is re-sent this long after it was written (plus jitter). Graph fades an
    /// Available session that is not refreshed within five minutes.
    pub keep_alive: Duration,
    /// The preferred presence and the status message are re-sent when less than this remains.
    pub refresh_margin: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            keep_alive: Duration::minutes(4),
            refresh_margin: Duration::minutes(5),
        }
    }
}

/// Our presence session as last written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldSession {
    pub pair: SessionPair,
    pub written_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The preferred presence we wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldPreferred {
    pub pair: PreferredPair,
    pub written_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The status message we wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldMessage {
    pub text: String,
    pub written_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What we hold in Graph for one user. Serializable so the engine can remember it across a
/// restart (a preferred presence or message we wrote must still be cleared by us later).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub session: Option<HeldSession>,
    pub preferred: Option<HeldPreferred>,
    pub message: Option<HeldMessage>,
    /// We may hold a session we have no record of (after a restart): a release clears it
    /// anyway, since a session that is not ours cannot be touched (it has our session ID).
    #[serde(default)]
    pub session_unknown: bool,
}

impl Held {
    /// Whether anything of ours may be in Graph for this user.
    pub fn holds_anything(&self) -> bool {
        self.session.is_some()
            || self.preferred.is_some()
            || self.message.is_some()
            || self.session_unknown
    }

    /// Records a write that Graph accepted.
    pub fn record(&mut self, write: &Write, now: DateTime<Utc>) {
        match write {
            Write::SetSession { pair, expiration } => {
                self.session = Some(HeldSession {
                    pair: *pair,
                    written_at: now,
                    expires_at: now + seconds(expiration.duration().as_seconds()),
                });
                self.session_unknown = false;
            }
            Write::ClearSession => {
                self.session = None;
                self.session_unknown = false;
            }
            Write::SetPreferred { pair, expiration } => {
                self.preferred = Some(HeldPreferred {
                    pair: *pair,
                    written_at: now,
                    expires_at: now + *expiration,
                });
            }
            Write::ClearPreferred => self.preferred = None,
            Write::SetMessage { text, expires_at } => {
                self.message = Some(HeldMessage {
                    text: text.clone(),
                    written_at: now,
                    expires_at: *expires_at,
                });
            }
            Write::ClearMessage => self.message = None,
        }
    }

    /// Forgets writes Graph has expired by itself by `now`.
    pub fn expire(&mut self, now: DateTime<Utc>) {
        if self.session.is_some_and(|s| s.expires_at <= now) {
            self.session = None;
        }
        if self.preferred.is_some_and(|p| p.expires_at <= now) {
            self.preferred = None;
        }
        if self.message.as_ref().is_some_and(|m| m.expires_at <= now) {
            self.message = None;
        }
    }
}

fn seconds(value: u64) -> Duration {
    Duration::seconds(i64::try_from(value).unwrap_or(i64::MAX))
}

/// One Graph write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    SetSession {
        pair: SessionPair,
        expiration: SessionExpiration,
    },
    ClearSession,
    SetPreferred {
        pair: PreferredPair,
        expiration: Duration,
    },
    ClearPreferred,
    SetMessage {
        text: String,
        expires_at: DateTime<Utc>,
    },
    ClearMessage,
}

/// What we want to hold for one user, derived from a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub session: Option<SessionPair>,
    pub preferred: Option<PreferredPair>,
    pub message: Option<String>,
    /// How long each write may live; between Graph's session bounds.
    pub hold: Duration,
}

impl Target {
    /// `allow_preferred` is false while the user has chosen a presence in Teams themselves and
    /// the policy says not to override it: assertive decisions then fall back to polite ones.
    pub fn for_decision(decision: &Decision, allow_preferred: bool) -> Self {
        let hold = decision
            .hold
            .clamp(Duration::minutes(5), Duration::minutes(240));
        let assertive = decision.mode == WriteMode::Assertive && allow_preferred;
        let (session, preferred) = match (decision.intent, assertive) {
            (Intent::Release, _) => (None, None),
            (intent, true) => (intent.assertive_session_pair(), intent.preferred_pair()),
            (intent, false) => (intent.session_pair(), None),
        };
        Self {
            session,
            preferred,
            message: if decision.intent == Intent::Release {
                None
            } else {
                decision.message.clone()
            },
            hold,
        }
    }

    /// Holds nothing.
    pub fn release() -> Self {
        Self {
            session: None,
            preferred: None,
            message: None,
            hold: Duration::minutes(5),
        }
    }
}

/// The writes to make now, and when to plan again if nothing else happens.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub writes: Vec<Write>,
    pub next_due: Option<DateTime<Utc>>,
}

/// Plans the writes that bring `held` to `target`. `jitter` (0 to 30 s, fixed per user) spreads
/// keep-alives of many users over time instead of sending them in bursts.
pub fn plan(
    target: &Target,
    held: &Held,
    now: DateTime<Utc>,
    timing: &Timing,
    jitter: Duration,
) -> Plan {
    let mut writes = Vec::new();
    let mut due = Due::default();
    let expiration = session_expiration(target.hold);

    // Clearing the preferred presence first keeps a switch from assertive to polite from
    // briefly showing the old preferred state over the new session.
    if target.preferred.is_none() && held.preferred.is_some() {
        writes.push(Write::ClearPreferred);
    }
    match target.session {
        Some(pair) => {
            let keep_alive = timing.keep_alive + jitter;
            match held.session {
                Some(session) if session.pair == pair && now < session.written_at + keep_alive => {
                    due.at(session.written_at + keep_alive);
                }
                _ => {
                    writes.push(Write::SetSession { pair, expiration });
                    due.at(now + keep_alive);
                }
            }
        }
        None => {
            if held.session.is_some() || held.session_unknown {
                writes.push(Write::ClearSession);
            }
        }
    }
    if let Some(pair) = target.preferred {
        match held.preferred {
            Some(preferred)
                if preferred.pair == pair && now < preferred.expires_at - timing.refresh_margin =>
            {
                due.at(preferred.expires_at - timing.refresh_margin);
            }
            _ => {
                writes.push(Write::SetPreferred {
                    pair,
                    expiration: target.hold,
                });
                due.at(now + target.hold - timing.refresh_margin);
            }
        }
    }
    match &target.message {
        Some(text) => match &held.message {
            Some(message)
                if &message.text == text && now < message.expires_at - timing.refresh_margin =>
            {
                due.at(message.expires_at - timing.refresh_margin);
            }
            _ => {
                writes.push(Write::SetMessage {
                    text: text.clone(),
                    expires_at: now + target.hold,
                });
                due.at(now + target.hold - timing.refresh_margin);
            }
        },
        None => {
            if held.message.is_some() {
                writes.push(Write::ClearMessage);
            }
        }
    }
    Plan {
        writes,
        next_due: due.earliest,
    }
}

/// The hold as a session expiration, within Graph's PT5M..PT4H.
fn session_expiration(hold: Duration) -> SessionExpiration {
    let minutes = u64::try_from(hold.num_minutes().clamp(5, 240)).unwrap_or(5);
    SessionExpiration::from_minutes(minutes).unwrap_or(SessionExpiration::DEFAULT)
}

#[derive(Clone, Copy, Debug, Default)]
struct Due {
    earliest: Option<DateTime<Utc>>,
}

impl Due {
    fn at(&mut self, time: DateTime<Utc>) {
        self.earliest = Some(self.earliest.map_or(time, |e| e.min(time)));
    }
}

#[cfg(test)]
mod tests;
