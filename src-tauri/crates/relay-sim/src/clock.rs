//! The simulator's sense of time.
//!
//! Every time-driven behaviour (the Available fade, expirations, token lifetimes, throttling
//! windows, Retry-After) is computed from [`SimClock::now`] when a request or an inspection asks,
//! never by a background timer, so a test that moves its clock sees exactly the same state on
//! every run.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use relay_core::clock::Clock;

/// The injected clock plus an offset that the inspection API can move forward, so even a
/// simulator on the system clock (demo mode) can fast-forward through a fade.
#[derive(Debug)]
pub(crate) struct SimClock {
    base: Arc<dyn Clock>,
    offset: Mutex<Duration>,
}

impl SimClock {
    pub(crate) fn new(base: Arc<dyn Clock>) -> Self {
        Self {
            base,
            offset: Mutex::new(Duration::zero()),
        }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.base.now() + *self.lock()
    }

    pub(crate) fn advance(&self, by: Duration) {
        *self.lock() += by;
    }

    /// How far the inspection API has moved this clock ahead of the injected one.
    pub(crate) fn offset(&self) -> Duration {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Duration> {
        // A poisoned lock only means another thread panicked while adding two durations.
        self.offset
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A [`Clock`] that follows tokio's clock, for tests that run under `tokio::time::pause()`.
///
/// A Graph client that honours `Retry-After` sleeps on tokio's clock. With time paused those
/// sleeps finish at once, so a simulator on the system clock would see the retry arrive "early".
/// Give the simulator this clock (created inside the runtime) and both sides agree on time.
#[derive(Clone, Copy, Debug)]
pub struct TokioClock {
    origin: DateTime<Utc>,
    started: tokio::time::Instant,
}

impl TokioClock {
    /// A clock that reads `origin` now and then moves with tokio's clock. Must be called inside a
    /// tokio runtime (it reads `tokio::time::Instant::now()`).
    pub fn starting_at(origin: DateTime<Utc>) -> Self {
        Self {
            origin,
            started: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = self.started.elapsed();
        // An elapsed time beyond chrono's range (about 292 million years) cannot happen in a test.
        self.origin + Duration::from_std(elapsed).unwrap_or_else(|_| Duration::zero())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use relay_core::clock::ManualClock;

    use super::*;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid date")
    }

    #[test]
    fn offset_adds_to_the_injected_clock() {
        let manual = ManualClock::new(start());
        let clock = SimClock::new(Arc::new(manual.clone()));
        clock.advance(Duration::minutes(5));
        manual.advance(Duration::minutes(1));
        assert_eq!(clock.now(), start() + Duration::minutes(6));
        assert_eq!(clock.offset(), Duration::minutes(5));
    }

    #[tokio::test(start_paused = true)]
    async fn tokio_clock_follows_paused_time() {
        let clock = TokioClock::starting_at(start());
        assert_eq!(clock.now(), start());
        tokio::time::sleep(std::time::Duration::from_secs(90)).await;
        assert_eq!(clock.now(), start() + Duration::seconds(90));
    }
}
