//! Waiting as a dependency.
//!
//! The client waits for three reasons: a `Retry-After`, an exponential backoff, and the pacing
//! slot that spreads requests evenly. All of them go through a [`Sleeper`], so production waits on
//! tokio's timer while tests use a [`ManualSleeper`] that moves a shared
//! [`ManualClock`](relay_core::clock::ManualClock) forward at once and records every wait. A test
//! can then assert that no wait undercut a `Retry-After`, without any real waiting.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use relay_core::clock::ManualClock;

/// A boxed future, so the trait stays object safe (`Arc<dyn Sleeper>`).
pub type SleepFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Something that can wait.
pub trait Sleeper: Send + Sync + std::fmt::Debug {
    fn sleep(&self, duration: Duration) -> SleepFuture<'_>;
}

/// Waits on tokio's timer (which `tokio::time::pause()` also controls).
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> SleepFuture<'_> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Advances a [`ManualClock`] instead of waiting, and records each requested wait.
///
/// Share the clock with whatever else reads time (the simulated tenant, the token cache) so that
/// "sleeping" five seconds makes five seconds pass for everyone.
#[derive(Clone, Debug)]
pub struct ManualSleeper {
    clock: ManualClock,
    waits: Arc<Mutex<Vec<Duration>>>,
}

impl ManualSleeper {
    pub fn new(clock: ManualClock) -> Self {
        Self {
            clock,
            waits: Arc::default(),
        }
    }

    /// Every wait requested so far, in order.
    pub fn waits(&self) -> Vec<Duration> {
        self.lock().clone()
    }

    /// The sum of all waits requested so far.
    pub fn total_waited(&self) -> Duration {
        self.lock().iter().sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Duration>> {
        // A poisoned lock only means a test thread panicked while pushing a plain value.
        self.waits
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sleeper for ManualSleeper {
    fn sleep(&self, duration: Duration) -> SleepFuture<'_> {
        self.lock().push(duration);
        // This crate caps every wait far below a year; the fallback only keeps the clock sane.
        let by = chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::days(365));
        self.clock.advance(by);
        // Give other tasks a turn, as a real sleep would.
        Box::pin(tokio::task::yield_now())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use relay_core::clock::Clock;

    use super::*;

    #[tokio::test]
    async fn manual_sleeper_moves_the_shared_clock_and_records_waits() {
        let start = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        let clock = ManualClock::new(start);
        let sleeper = ManualSleeper::new(clock.clone());
        sleeper.sleep(Duration::from_secs(5)).await;
        sleeper.sleep(Duration::from_millis(250)).await;
        assert_eq!(
            sleeper.waits(),
            [Duration::from_secs(5), Duration::from_millis(250)]
        );
        assert_eq!(sleeper.total_waited(), Duration::from_millis(5_250));
        assert_eq!(clock.now(), start + chrono::Duration::milliseconds(5_250));
    }
}
