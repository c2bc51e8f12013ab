//! Turns idle-time readings into the few `idle_seconds` events the rules need.
//!
//! Meaning of [`crate::Signal::Idle`]: zero means recent input; a positive value means no input
//! since `at - value` and still counting. So a source reports only at the edges: when idleness
//! reaches its threshold and when input comes back. A poll every few seconds then costs nothing
//! downstream, and a rule like "idle for 5 minutes" is a timer on the consumer's side.

use std::time::Duration;

/// Edge detector over successive "time since last input" readings.
#[derive(Clone, Debug)]
pub struct IdleEdges {
    threshold: Duration,
    last: Option<Reading>,
}

#[derive(Clone, Copy, Debug)]
struct Reading {
    idle: Duration,
    reported_idle: bool,
}

impl IdleEdges {
    /// `threshold`: how long without input counts as idle. Polls must come at least twice as
    /// often, or input between two polls could go unseen.
    pub fn new(threshold: Duration) -> Self {
        Self {
            threshold,
            last: None,
        }
    }

    pub fn threshold(&self) -> Duration {
        self.threshold
    }

    /// Feeds one reading; returns the value to report, if any. The first reading after
    /// [`IdleEdges::new`] or [`IdleEdges::forget`] is always reported (the snapshot).
    pub fn observe(&mut self, idle: Duration) -> Option<Duration> {
        let is_idle = idle >= self.threshold;
        let report = match self.last {
            None => Some(if is_idle { idle } else { Duration::ZERO }),
            // Idleness only grows; a smaller reading means there was input since the last one.
            Some(last) if last.reported_idle && (idle < last.idle || !is_idle) => {
                Some(Duration::ZERO)
            }
            Some(last) if !last.reported_idle && is_idle => Some(idle),
            Some(_) => None,
        };
        let reported_idle = match report {
            Some(value) => !value.is_zero(),
            None => self.last.is_some_and(|last| last.reported_idle),
        };
        self.last = Some(Reading {
            idle,
            reported_idle,
        });
        // Input between two polls while idle: report the return, and if the new reading is
        // itself past the threshold the next poll reports the new idle period.
        if report == Some(Duration::ZERO) && is_idle {
            self.last = Some(Reading {
                idle,
                reported_idle: false,
            });
        }
        report
    }

    /// Forget what was reported, so the next reading is reported again (after a resync).
    pub fn forget(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn reports_snapshot_then_only_edges() {
        let mut edges = IdleEdges::new(secs(60));
        let readings = [3, 8, 13, 59, 64, 69, 300, 2, 7, 2, 61, 66];
        let reports: Vec<_> = readings
            .iter()
            .map(|&s| edges.observe(secs(s)).map(|d| d.as_secs()))
            .collect();
        assert_eq!(
            reports,
            [
                Some(0), // snapshot: active
                None,    // still active
                None,
                None,
                Some(64), // crossed the threshold
                None,
                None,    // still the same idle period
                Some(0), // input came back
                None,
                None,
                Some(61), // idle again
                None,
            ]
        );
    }

    #[test]
    fn snapshot_of_an_idle_machine_reports_the_idle_time() {
        let mut edges = IdleEdges::new(secs(60));
        assert_eq!(edges.observe(secs(600)), Some(secs(600)));
        assert_eq!(edges.observe(secs(605)), None);
    }

    #[test]
    fn input_between_polls_that_is_already_idle_again_reports_return_then_new_period() {
        let mut edges = IdleEdges::new(secs(60));
        assert_eq!(edges.observe(secs(100)), Some(secs(100)));
        // The reading dropped (input happened) yet is past the threshold again.
        assert_eq!(edges.observe(secs(70)), Some(Duration::ZERO));
        assert_eq!(edges.observe(secs(75)), Some(secs(75)));
    }

    #[test]
    fn forget_makes_the_next_reading_a_snapshot() {
        let mut edges = IdleEdges::new(secs(60));
        assert_eq!(edges.observe(secs(1)), Some(Duration::ZERO));
        assert_eq!(edges.observe(secs(2)), None);
        edges.forget();
        assert_eq!(edges.observe(secs(3)), Some(Duration::ZERO));
    }
}
