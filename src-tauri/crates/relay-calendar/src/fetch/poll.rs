//! When to poll a URL next: a random point in `[min, max]` after a success, so many machines
//! sharing a feed do not hit it in step; exponential backoff (with jitter) after failures,
//! never sooner than the server's `Retry-After`.

use std::time::Duration;

/// Polling intervals for URL sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollPolicy {
    /// Shortest wait after a successful poll.
    pub min: Duration,
    /// Longest wait after a successful poll, and the cap of the failure backoff.
    pub max: Duration,
    /// First wait after a failure; doubles with each further failure.
    pub retry: Duration,
    /// Longest `Retry-After` honoured.
    pub max_retry_after: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            min: Duration::from_secs(5 * 60),
            max: Duration::from_secs(15 * 60),
            retry: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(60 * 60),
        }
    }
}

fn uniform(rng: &mut fastrand::Rng, lo: Duration, hi: Duration) -> Duration {
    if hi <= lo {
        return lo;
    }
    let span = (hi - lo).as_millis().min(u128::from(u64::MAX)) as u64;
    lo + Duration::from_millis(rng.u64(0..=span))
}

impl PollPolicy {
    /// The wait before the next poll. `failures` counts consecutive failed polls (0 after a
    /// success).
    pub fn next_delay(
        &self,
        rng: &mut fastrand::Rng,
        failures: u32,
        retry_after: Option<Duration>,
    ) -> Duration {
        let wait = if failures == 0 {
            uniform(rng, self.min, self.max)
        } else {
            let factor = 1u32 << failures.saturating_sub(1).min(16);
            let base = self.retry.saturating_mul(factor).min(self.max);
            uniform(rng, base / 2, base)
        };
        match retry_after {
            Some(ra) => wait.max(ra.min(self.max_retry_after)),
            None => wait,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_waits_stay_in_range_and_vary() {
        let p = PollPolicy::default();
        let mut rng = fastrand::Rng::with_seed(7);
        let waits: Vec<Duration> = (0..200).map(|_| p.next_delay(&mut rng, 0, None)).collect();
        assert!(waits.iter().all(|w| *w >= p.min && *w <= p.max));
        let distinct: std::collections::HashSet<_> = waits.iter().collect();
        assert!(distinct.len() > 100, "jitter should spread the polls");
    }

    #[test]
    fn failures_back_off_up_to_max_and_respect_retry_after() {
        let p = PollPolicy::default();
        let mut rng = fastrand::Rng::with_seed(1);
        let first = p.next_delay(&mut rng, 1, None);
        assert!(first >= Duration::from_secs(30) && first <= Duration::from_secs(60));
        let third = p.next_delay(&mut rng, 3, None);
        assert!(third >= Duration::from_secs(120) && third <= Duration::from_secs(240));
        let many = p.next_delay(&mut rng, 40, None);
        assert!(many <= p.max && many >= p.max / 2);
        let told = p.next_delay(&mut rng, 1, Some(Duration::from_secs(600)));
        assert_eq!(told, Duration::from_secs(600));
        let greedy = p.next_delay(&mut rng, 1, Some(Duration::from_secs(86_400)));
        assert_eq!(greedy, p.max_retry_after);
    }
}
