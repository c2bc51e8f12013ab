//! The retry policy: given a failed attempt, retry (after how long), refresh the token, or give up.
//!
//! Pure: no clock reads, no randomness of its own (the caller passes `now` and a jitter draw), so
//! every rule below is a row in a test table.
//!
//! - 429, 503, 504: honour `Retry-After` (seconds or an HTTP date), never waiting less than it
//!   asks; without one, back off exponentially from `base_delay`, capped at `max_delay`, with
//!   jitter. A 429, or any answer naming a `Retry-After`, pauses the whole tenant
//!   ([`Decision::Retry::tenant_wide`]; the caller's gate does the waiting, see `throttle`).
//! - 500, 502 and other 5xx: retried at most `max_attempts_server_error - 1` times, after the
//!   backoff or a `Retry-After`, whichever is longer.
//! - No answer at all (connection refused or dropped, timeout): like a 503 without `Retry-After`,
//!   but with its own attempt budget. Every presence call is idempotent, so resending is safe.
//! - 401: refresh the token once and retry once.
//! - 400, 403, 404 and every other 4xx: never retried.
//!
//! Facts: `shared/reference/graph-presence.md` §9 and the implementation checklist.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Tunables of [`RetryPolicy::decide`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all (first try included) for 429, 503 and 504.
    pub max_attempts_throttled: u32,
    /// Attempts in all for 500, 502 and other server errors.
    pub max_attempts_server_error: u32,
    /// Attempts in all when no HTTP answer arrived.
    pub max_attempts_transport: u32,
    /// First backoff without `Retry-After`; doubles with each retry.
    pub base_delay: Duration,
    /// Longest backoff without `Retry-After`.
    pub max_delay: Duration,
    /// Longest `Retry-After` one call waits out itself. A longer one ends the call with a
    /// `Throttled` error carrying the wait, so the caller can reschedule instead of blocking.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// The Graph SDKs' defaults (3 s doubling, capped at 180 s), with five tries for throttling,
    /// two for plain server errors and three for network failures.
    fn default() -> Self {
        Self {
            max_attempts_throttled: 5,
            max_attempts_server_error: 2,
            max_attempts_transport: 3,
            base_delay: Duration::from_secs(3),
            max_delay: Duration::from_secs(180),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// What came back from one attempt that did not succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// An HTTP answer with this status (not 2xx).
    Status(u16),
    /// No HTTP answer: the connection failed, dropped or timed out.
    NoAnswer,
}

/// One failed attempt, as the policy sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailedAttempt {
    /// 1 for the first try.
    pub attempt: u32,
    pub failure: Failure,
    /// The wait the server asked for, already resolved by [`retry_after`].
    pub retry_after: Option<Duration>,
    /// Whether this call already fetched a fresh token after a 401.
    pub token_refreshed: bool,
}

/// Why a retry happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// 429.
    Throttled,
    /// 503 or 504.
    Unavailable,
    /// 500, 502 or another 5xx.
    ServerError,
    /// No answer.
    NoAnswer,
}

/// Why the call ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GiveUpReason {
    /// The status is final (400, 403, 404, …): retrying cannot help.
    Final,
    /// The attempt budget for this kind of failure is spent.
    AttemptsExhausted,
    /// The server asked for a longer wait than [`RetryPolicy::max_retry_after`].
    WaitTooLong,
    /// A fresh token was refused too.
    Unauthorized,
}

/// The policy's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Retry {
        wait: Duration,
        reason: RetryReason,
        /// The wait holds back every presence call to the tenant, not just this one: after a 429,
        /// and whenever the server named a `Retry-After` (a 503 with one is the service asking
        /// everyone to hold off).
        tenant_wide: bool,
    },
    /// Fetch a new token (the cached one was refused) and retry at once.
    RefreshTokenAndRetry,
    GiveUp(GiveUpReason),
}

impl RetryPolicy {
    /// Decides what to do after `failed`. `jitter` is a uniform draw from `[0, 1)`; it shortens an
    /// exponential backoff by up to a quarter so paused callers do not all return at once. A
    /// `Retry-After` is never shortened.
    pub fn decide(&self, failed: FailedAttempt, jitter: f64) -> Decision {
        let (reason, budget) = match failed.failure {
            Failure::Status(401) => {
                return if failed.token_refreshed {
                    Decision::GiveUp(GiveUpReason::Unauthorized)
                } else {
                    Decision::RefreshTokenAndRetry
                };
            }
            Failure::Status(429) => (RetryReason::Throttled, self.max_attempts_throttled),
            Failure::Status(503 | 504) => (RetryReason::Unavailable, self.max_attempts_throttled),
            Failure::Status(500..=599) => {
                (RetryReason::ServerError, self.max_attempts_server_error)
            }
            Failure::Status(_) => return Decision::GiveUp(GiveUpReason::Final),
            Failure::NoAnswer => (RetryReason::NoAnswer, self.max_attempts_transport),
        };
        if failed.attempt >= budget {
            return Decision::GiveUp(GiveUpReason::AttemptsExhausted);
        }
        let wait = match failed.retry_after {
            Some(asked) if asked > self.max_retry_after => {
                return Decision::GiveUp(GiveUpReason::WaitTooLong);
            }
            // 429/503/504 are documented to carry the wait Graph wants: take it as given.
            Some(asked) if reason != RetryReason::ServerError => asked,
            // On other server errors it is unusual; honour it, but do not retry sooner than the
            // backoff would.
            Some(asked) => asked.max(self.backoff(failed.attempt, jitter)),
            None => self.backoff(failed.attempt, jitter),
        };
        Decision::Retry {
            wait,
            reason,
            tenant_wide: reason == RetryReason::Throttled || failed.retry_after.is_some(),
        }
    }

    /// `base_delay * 2^(attempt-1)`, capped at `max_delay`, less up to 25 % jitter.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let full = self
            .base_delay
            .saturating_mul(1_u32 << doublings)
            .min(self.max_delay);
        let jitter = jitter.clamp(0.0, 1.0);
        full.mul_f64(1.0 - 0.25 * jitter)
    }
}

/// Resolves a `Retry-After` header to a wait.
///
/// The header holds seconds (`"7"`) or an HTTP date. A date is measured against the response's own
/// `Date` header when there is one, so a skewed local clock cannot shorten the wait; otherwise
/// against `now`. A date in the past means "now" (zero). Anything else is ignored (`None`).
pub fn retry_after(
    header: Option<&str>,
    server_date: Option<&str>,
    now: DateTime<Utc>,
) -> Option<Duration> {
    let value = header?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let until = parse_http_date(value)?;
    let reference = server_date.and_then(parse_http_date).unwrap_or(now);
    Some((until - reference).to_std().unwrap_or(Duration::ZERO))
}

/// Parses an HTTP date (IMF-fixdate, and the obsolete RFC 850 and asctime forms).
pub fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    httpdate::parse_http_date(text.trim())
        .ok()
        .map(DateTime::<Utc>::from)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    fn attempt(number: u32, failure: Failure, retry_after: Option<Duration>) -> FailedAttempt {
        FailedAttempt {
            attempt: number,
            failure,
            retry_after,
            token_refreshed: false,
        }
    }

    #[test]
    fn decisions_by_status_attempt_and_retry_after() {
        use Decision::*;
        use Failure::*;
        let policy = RetryPolicy::default();
        let throttled = |wait| Retry {
            wait,
            reason: RetryReason::Throttled,
            tenant_wide: true,
        };
        let unavailable = |wait| Retry {
            wait,
            reason: RetryReason::Unavailable,
            tenant_wide: true,
        };
        let unavailable_here = |wait| Retry {
            wait,
            reason: RetryReason::Unavailable,
            tenant_wide: false,
        };
        let table: Vec<(FailedAttempt, Decision)> = vec![
            // Retry-After is honoured exactly, for 429, 503 and 504.
            (attempt(1, Status(429), Some(secs(7))), throttled(secs(7))),
            (attempt(4, Status(429), Some(secs(1))), throttled(secs(1))),
            (attempt(1, Status(503), Some(secs(2))), unavailable(secs(2))),
            (attempt(2, Status(504), Some(secs(0))), unavailable(secs(0))),
            // Without it: 3 s, 6 s, 12 s, … (jitter 0 here).
            (attempt(1, Status(429), None), throttled(secs(3))),
            (attempt(2, Status(429), None), throttled(secs(6))),
            (attempt(3, Status(503), None), unavailable_here(secs(12))),
            // Five tries in all for throttling.
            (
                attempt(5, Status(429), Some(secs(1))),
                GiveUp(GiveUpReason::AttemptsExhausted),
            ),
            // A wait longer than one call may block ends the call.
            (
                attempt(1, Status(429), Some(secs(301))),
                GiveUp(GiveUpReason::WaitTooLong),
            ),
            // 500 and 502: one retry, with backoff, or the Retry-After if that is longer.
            (
                attempt(1, Status(500), None),
                Retry {
                    wait: secs(3),
                    reason: RetryReason::ServerError,
                    tenant_wide: false,
                },
            ),
            (
                attempt(1, Status(500), Some(secs(60))),
                Retry {
                    wait: secs(60),
                    reason: RetryReason::ServerError,
                    tenant_wide: true,
                },
            ),
            (
                attempt(2, Status(502), None),
                GiveUp(GiveUpReason::AttemptsExhausted),
            ),
            (
                attempt(1, Status(507), None),
                Retry {
                    wait: secs(3),
                    reason: RetryReason::ServerError,
                    tenant_wide: false,
                },
            ),
            // No answer: three tries.
            (
                attempt(2, NoAnswer, None),
                Retry {
                    wait: secs(6),
                    reason: RetryReason::NoAnswer,
                    tenant_wide: false,
                },
            ),
            (
                attempt(3, NoAnswer, None),
                GiveUp(GiveUpReason::AttemptsExhausted),
            ),
            // Final statuses are never retried, whatever the headers say.
            (
                attempt(1, Status(400), Some(secs(1))),
                GiveUp(GiveUpReason::Final),
            ),
            (attempt(1, Status(403), None), GiveUp(GiveUpReason::Final)),
            (attempt(1, Status(404), None), GiveUp(GiveUpReason::Final)),
            (attempt(1, Status(409), None), GiveUp(GiveUpReason::Final)),
            // 401: one refresh.
            (attempt(1, Status(401), None), RefreshTokenAndRetry),
            (
                FailedAttempt {
                    token_refreshed: true,
                    ..attempt(2, Status(401), None)
                },
                GiveUp(GiveUpReason::Unauthorized),
            ),
        ];
        for (failed, expected) in table {
            assert_eq!(policy.decide(failed, 0.0), expected, "{failed:?}");
        }
    }

    #[test]
    fn backoff_doubles_caps_and_jitter_only_shortens_by_a_quarter() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(1, 0.0), secs(3));
        assert_eq!(policy.backoff(7, 0.0), secs(180)); // 192 capped
        assert_eq!(policy.backoff(40, 0.0), secs(180)); // no overflow
        assert_eq!(policy.backoff(2, 0.5), Duration::from_millis(5_250));
        for jitter in [0.0, 0.3, 0.99, 1.0, 7.0, -1.0] {
            let wait = policy.backoff(3, jitter);
            assert!(wait >= secs(9) && wait <= secs(12), "{jitter}: {wait:?}");
        }
    }

    #[test]
    fn jitter_never_shortens_a_retry_after() {
        let policy = RetryPolicy::default();
        let decision = policy.decide(attempt(1, Failure::Status(429), Some(secs(5))), 0.999);
        assert_eq!(
            decision,
            Decision::Retry {
                wait: secs(5),
                reason: RetryReason::Throttled,
                tenant_wide: true,
            }
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(retry_after(Some(" 12 "), None, now), Some(secs(12)));
        assert_eq!(
            retry_after(Some("Mon, 02 Mar 2026 09:00:30 GMT"), None, now),
            Some(secs(30))
        );
        // Measured against the server's Date, not our (here 20 s fast) clock.
        let fast = now + chrono::Duration::seconds(20);
        assert_eq!(
            retry_after(
                Some("Mon, 02 Mar 2026 09:00:30 GMT"),
                Some("Mon, 02 Mar 2026 09:00:00 GMT"),
                fast
            ),
            Some(secs(30))
        );
        // Obsolete forms still parse.
        assert_eq!(
            retry_after(Some("Monday, 02-Mar-26 09:01:00 GMT"), None, now),
            Some(secs(60))
        );
        assert_eq!(
            retry_after(Some("Mon Mar  2 09:00:05 2026"), None, now),
            Some(secs(5))
        );
        // A date in the past means now; garbage means nothing.
        assert_eq!(
            retry_after(Some("Mon, 02 Mar 2026 08:00:00 GMT"), None, now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(Some("soon"), None, now), None);
        assert_eq!(retry_after(Some("-5"), None, now), None);
        assert_eq!(retry_after(None, None, now), None);
    }
}
