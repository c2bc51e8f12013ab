//! The per-tenant gate every Graph request passes: throttling pause, write halt and pacing.
//!
//! - After a 429, *all* presence calls for the tenant wait until its `Retry-After` has passed,
//!   not just the call that got it: Graph counts usage while it throttles, so pressing on with
//!   other users would only extend the pause.
//! - After a 403, writes stop for the tenant (the app lacks consent; every write would fail the
//!   same way) until someone calls [`crate::GraphClient::resume_writes`].
//! - Presence calls start at least [`Pacing::min_interval`] apart (a `$batch` of 20 calls takes
//!   20 intervals: Graph counts every call in it) and at most [`Pacing::max_in_flight`] requests
//!   run at once, so a burst of work becomes an even stream under the tenant's budget instead of
//!   a storm of 429s.
//!
//! The decisions are made by [`GateState`], which is pure and takes `now`; the async wrapper only
//! sleeps and retries the decision.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use relay_core::clock::Clock;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::sleep::Sleeper;

/// How requests to one tenant are spread out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacing {
    /// Most requests in flight at once.
    pub max_in_flight: usize,
    /// Least time per presence call between the starts of two requests (a request carrying n
    /// calls reserves n intervals).
    pub min_interval: Duration,
}

impl Default for Pacing {
    /// Four in flight, one presence call per 22 ms: at most about 45 calls a second, under the
    /// documented presence budget of 1,500 calls per 30 s (50 a second) per app and tenant with
    /// a 9% margin for the reads and for clock skew between us and Graph's window.
    fn default() -> Self {
        Self {
            max_in_flight: 4,
            min_interval: Duration::from_millis(22),
        }
    }
}

/// What the gate says to a request that wants to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Start now.
    Go,
    /// The tenant is paused by a 429; ask again after this long.
    Paused(Duration),
    /// A start slot is reserved this far ahead; wait, then start (unless a pause began meanwhile).
    Slot(Duration),
}

/// The gate's state, pure: every method takes `now`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GateState {
    paused_until: Option<DateTime<Utc>>,
    next_slot: Option<DateTime<Utc>>,
    /// The admin-consent URL, while writes are halted by a 403.
    writes_halted: Option<String>,
}

impl GateState {
    /// Admits a request carrying `calls` presence calls: it starts at its slot, and the next
    /// slot is `calls` intervals later.
    pub(crate) fn admit(
        &mut self,
        now: DateTime<Utc>,
        min_interval: Duration,
        calls: u32,
    ) -> Admission {
        if let Some(remaining) = self.paused_for(now) {
            return Admission::Paused(remaining);
        }
        let slot = self.next_slot.map_or(now, |next| next.max(now));
        let interval = chrono::Duration::from_std(min_interval.saturating_mul(calls.max(1)))
            .unwrap_or(chrono::Duration::zero());
        self.next_slot = Some(slot + interval);
        match (slot - now).to_std() {
            Ok(wait) if !wait.is_zero() => Admission::Slot(wait),
            _ => Admission::Go,
        }
    }

    /// How long the tenant stays paused, if it is.
    pub(crate) fn paused_for(&self, now: DateTime<Utc>) -> Option<Duration> {
        let until = self.paused_until?;
        (until - now).to_std().ok().filter(|wait| !wait.is_zero())
    }

    /// Pauses the tenant until `until`; an existing later pause is kept.
    pub(crate) fn pause_until(&mut self, until: DateTime<Utc>) {
        self.paused_until = Some(self.paused_until.map_or(until, |old| old.max(until)));
    }

    pub(crate) fn halt_writes(&mut self, consent_url: String) {
        self.writes_halted = Some(consent_url);
    }

    pub(crate) fn resume_writes(&mut self) {
        self.writes_halted = None;
    }

    pub(crate) fn writes_halted(&self) -> Option<&str> {
        self.writes_halted.as_deref()
    }
}

/// The gate shared by every request of one client.
#[derive(Debug)]
pub(crate) struct TenantGate {
    state: Mutex<GateState>,
    in_flight: Arc<Semaphore>,
    pacing: Pacing,
}

impl TenantGate {
    pub(crate) fn new(pacing: Pacing) -> Self {
        Self {
            state: Mutex::default(),
            in_flight: Arc::new(Semaphore::new(pacing.max_in_flight.max(1))),
            pacing,
        }
    }

    pub(crate) fn with_state<R>(&self, f: impl FnOnce(&mut GateState) -> R) -> R {
        // A poisoned lock only means a panic elsewhere mid-update of plain values; they stay valid.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut state)
    }

    /// Waits until this request may start and returns its in-flight permit (hold it until the
    /// answer is read). Fails with the remaining pause when that is longer than `max_wait`.
    pub(crate) async fn admit(
        &self,
        clock: &dyn Clock,
        sleeper: &dyn Sleeper,
        max_wait: Duration,
        calls: u32,
    ) -> Result<OwnedSemaphorePermit, Duration> {
        loop {
            let admission =
                self.with_state(|state| state.admit(clock.now(), self.pacing.min_interval, calls));
            match admission {
                Admission::Paused(remaining) if remaining > max_wait => return Err(remaining),
                Admission::Paused(remaining) => {
                    sleeper.sleep(remaining).await;
                    continue;
                }
                Admission::Slot(wait) => sleeper.sleep(wait).await,
                Admission::Go => {}
            }
            let permit = Arc::clone(&self.in_flight)
                .acquire_owned()
                .await
                .expect("the in-flight semaphore is never closed");
            // A 429 may have arrived while this request waited for its slot or permit.
            if self
                .with_state(|state| state.paused_for(clock.now()))
                .is_some()
            {
                drop(permit);
                continue;
            }
            return Ok(permit);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use relay_core::clock::ManualClock;

    use super::*;
    use crate::sleep::ManualSleeper;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid")
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn slots_are_spread_by_the_interval() {
        let mut state = GateState::default();
        let now = t0();
        assert_eq!(state.admit(now, ms(20), 1), Admission::Go);
        assert_eq!(state.admit(now, ms(20), 1), Admission::Slot(ms(20)));
        assert_eq!(state.admit(now, ms(20), 1), Admission::Slot(ms(40)));
        // Idle time is not saved up into a burst.
        let later = now + chrono::Duration::seconds(10);
        assert_eq!(state.admit(later, ms(20), 1), Admission::Go);
        assert_eq!(state.admit(later, ms(20), 1), Admission::Slot(ms(20)));
    }

    #[test]
    fn a_batch_reserves_one_interval_per_call() {
        let mut state = GateState::default();
        let now = t0();
        assert_eq!(state.admit(now, ms(22), 20), Admission::Go);
        // Twenty calls at 22 ms each: the next request waits 440 ms.
        assert_eq!(state.admit(now, ms(22), 1), Admission::Slot(ms(440)));
        assert_eq!(state.admit(now, ms(22), 20), Admission::Slot(ms(462)));
    }

    #[test]
    fn a_pause_holds_every_request_until_it_has_passed() {
        let mut state = GateState::default();
        let now = t0();
        state.pause_until(now + chrono::Duration::seconds(7));
        // A shorter pause does not shorten the longer one.
        state.pause_until(now + chrono::Duration::seconds(2));
        assert_eq!(
            state.admit(now, ms(20), 1),
            Admission::Paused(Duration::from_secs(7))
        );
        let almost = now + chrono::Duration::milliseconds(6_999);
        assert_eq!(state.admit(almost, ms(20), 1), Admission::Paused(ms(1)));
        let after = now + chrono::Duration::seconds(7);
        assert_eq!(state.admit(after, ms(20), 1), Admission::Go);
    }

    #[test]
    fn writes_halt_and_resume() {
        let mut state = GateState::default();
        assert_eq!(state.writes_halted(), None);
        state.halt_writes("https://consent".into());
        assert_eq!(state.writes_halted(), Some("https://consent"));
        state.resume_writes();
        assert_eq!(state.writes_halted(), None);
    }

    #[tokio::test]
    async fn admit_sleeps_out_a_pause_and_never_starts_early() {
        let clock = ManualClock::new(t0());
        let sleeper = ManualSleeper::new(clock.clone());
        let gate = TenantGate::new(Pacing::default());
        let until = t0() + chrono::Duration::seconds(9);
        gate.with_state(|state| state.pause_until(until));
        let permit = gate
            .admit(&clock, &sleeper, Duration::from_secs(60), 1)
            .await
            .expect("admitted");
        drop(permit);
        assert!(clock.now() >= until);
        assert_eq!(sleeper.waits(), [Duration::from_secs(9)]);
    }

    #[tokio::test]
    async fn admit_refuses_to_block_longer_than_allowed() {
        let clock = ManualClock::new(t0());
        let sleeper = ManualSleeper::new(clock.clone());
        let gate = TenantGate::new(Pacing::default());
        gate.with_state(|state| state.pause_until(t0() + chrono::Duration::seconds(600)));
        let remaining = gate
            .admit(&clock, &sleeper, Duration::from_secs(60), 1)
            .await
            .expect_err("too long");
        assert_eq!(remaining, Duration::from_secs(600));
        assert!(sleeper.waits().is_empty());
    }
}
