//! Presence throttling: a token bucket per app (the tenant is fixed), and the Retry-After holds
//! that turn a too-early retry into a fresh 429.
//!
//! Everything is computed from the `now` passed in; nothing runs in the background.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::options::{RetryAfterScope, ThrottleBudget};
use crate::snapshot::{BucketSnapshot, HoldSnapshot, ThrottleSnapshot};

/// Above this share of the budget used, responses carry `RateLimit-*` headers (Dev Proxy's
/// default warning threshold).
const WARNING_THRESHOLD: f64 = 0.8;

#[derive(Clone, Debug)]
struct Bucket {
    tokens: f64,
    updated: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct HoldKey {
    app: Uuid,
    /// `METHOD path` for [`RetryAfterScope::Request`]; `None` for the whole app.
    request: Option<String>,
}

#[derive(Clone, Copy, Debug)]
struct Hold {
    until: DateTime<Utc>,
    retry_after_seconds: u32,
}

/// `RateLimit-*` values for a request that was let through near the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RateLimitWarning {
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    pub(crate) reset_seconds: u32,
}

#[derive(Debug)]
pub(crate) struct Throttle {
    budget: Option<ThrottleBudget>,
    scope: RetryAfterScope,
    buckets: HashMap<Uuid, Bucket>,
    holds: HashMap<HoldKey, Hold>,
}

impl Throttle {
    pub(crate) fn new(budget: Option<ThrottleBudget>, scope: RetryAfterScope) -> Self {
        Self {
            budget,
            scope,
            buckets: HashMap::new(),
            holds: HashMap::new(),
        }
    }

    pub(crate) fn budget(&self) -> Option<ThrottleBudget> {
        self.budget
    }

    /// Replaces the budget; every bucket starts full again.
    pub(crate) fn set_budget(&mut self, budget: Option<ThrottleBudget>) {
        self.budget = budget;
        self.buckets.clear();
    }

    fn key(&self, app: Uuid, request: &str) -> HoldKey {
        HoldKey {
            app,
            request: match self.scope {
                RetryAfterScope::Request => Some(request.to_owned()),
                RetryAfterScope::App => None,
            },
        }
    }

    /// If a Retry-After given earlier still covers this request, renews it from `now` and
    /// returns its length in seconds: the caller answers with a fresh 429.
    pub(crate) fn early_retry(
        &mut self,
        app: Uuid,
        request: &str,
        now: DateTime<Utc>,
    ) -> Option<u32> {
        let key = self.key(app, request);
        let hold = self.holds.get_mut(&key)?;
        if hold.until <= now {
            self.holds.remove(&key);
            return None;
        }
        hold.until = now + Duration::seconds(i64::from(hold.retry_after_seconds));
        Some(hold.retry_after_seconds)
    }

    /// Remembers that this request was told to wait `retry_after_seconds`.
    pub(crate) fn hold(
        &mut self,
        app: Uuid,
        request: &str,
        retry_after_seconds: u32,
        now: DateTime<Utc>,
    ) {
        let key = self.key(app, request);
        self.holds.insert(
            key,
            Hold {
                until: now + Duration::seconds(i64::from(retry_after_seconds)),
                retry_after_seconds,
            },
        );
    }

    /// Takes one request from the app's budget. `Err(seconds)` when the bucket is empty: the
    /// time until one request is available again (at least 1 s).
    pub(crate) fn take(
        &mut self,
        app: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<RateLimitWarning>, u32> {
        let Some(budget) = self.budget else {
            return Ok(None);
        };
        let capacity = f64::from(budget.requests);
        let per_second = capacity / f64::from(budget.window_seconds);
        let bucket = self.buckets.entry(app).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        refill(bucket, capacity, per_second, now);
        if bucket.tokens < 1.0 {
            return Err(seconds_ceil((1.0 - bucket.tokens) / per_second));
        }
        bucket.tokens -= 1.0;
        let used = 1.0 - bucket.tokens / capacity;
        Ok((used > WARNING_THRESHOLD).then(|| RateLimitWarning {
            limit: budget.requests,
            remaining: whole(bucket.tokens),
            reset_seconds: seconds_ceil((capacity - bucket.tokens) / per_second),
        }))
    }

    pub(crate) fn snapshot(&mut self, now: DateTime<Utc>) -> ThrottleSnapshot {
        self.holds.retain(|_, hold| hold.until > now);
        let mut remaining: Vec<BucketSnapshot> = match self.budget {
            Some(budget) => {
                let capacity = f64::from(budget.requests);
                let per_second = capacity / f64::from(budget.window_seconds);
                self.buckets
                    .iter_mut()
                    .map(|(app, bucket)| {
                        refill(bucket, capacity, per_second, now);
                        BucketSnapshot {
                            app_id: *app,
                            remaining: whole(bucket.tokens),
                        }
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        remaining.sort_by_key(|bucket| bucket.app_id);
        let mut holds: Vec<HoldSnapshot> = self
            .holds
            .iter()
            .map(|(key, hold)| HoldSnapshot {
                app_id: key.app,
                request: key.request.clone().unwrap_or_else(|| "*".to_owned()),
                until: hold.until,
            })
            .collect();
        holds.sort_by(|a, b| (a.until, &a.request).cmp(&(b.until, &b.request)));
        ThrottleSnapshot {
            budget: self.budget,
            retry_after_scope: self.scope,
            remaining,
            holds,
        }
    }
}

fn refill(bucket: &mut Bucket, capacity: f64, per_second: f64, now: DateTime<Utc>) {
    // A clock set backwards refills nothing rather than draining the bucket.
    let elapsed = (now - bucket.updated).num_milliseconds().max(0);
    #[allow(clippy::cast_precision_loss)]
    let seconds = elapsed as f64 / 1000.0;
    bucket.tokens = (bucket.tokens + seconds * per_second).min(capacity);
    bucket.updated = bucket.updated.max(now);
}

fn seconds_ceil(seconds: f64) -> u32 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let whole = seconds.ceil().clamp(1.0, f64::from(u32::MAX)) as u32;
    whole
}

fn whole(tokens: f64) -> u32 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let whole = tokens.floor().clamp(0.0, f64::from(u32::MAX)) as u32;
    whole
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid")
    }

    const APP: Uuid = Uuid::from_u128(7);

    #[test]
    fn bucket_empties_then_refills_evenly() {
        let budget = ThrottleBudget {
            requests: 10,
            window_seconds: 10,
        };
        let mut throttle = Throttle::new(Some(budget), RetryAfterScope::Request);
        for _ in 0..10 {
            assert!(throttle.take(APP, start()).is_ok());
        }
        assert_eq!(throttle.take(APP, start()), Err(1));
        // One request per second comes back.
        let later = start() + Duration::seconds(1);
        assert!(throttle.take(APP, later).is_ok());
        assert_eq!(throttle.take(APP, later), Err(1));
        // Another app has its own bucket.
        assert!(throttle.take(Uuid::from_u128(8), later).is_ok());
    }

    #[test]
    fn warning_headers_appear_above_eighty_percent() {
        let budget = ThrottleBudget {
            requests: 10,
            window_seconds: 10,
        };
        let mut throttle = Throttle::new(Some(budget), RetryAfterScope::Request);
        let warnings: Vec<bool> = (0..10)
            .map(|_| {
                throttle
                    .take(APP, start())
                    .expect("within budget")
                    .is_some()
            })
            .collect();
        assert_eq!(
            warnings,
            [false, false, false, false, false, false, false, false, true, true]
        );
    }

    #[test]
    fn holds_renew_on_early_retries_and_lapse_after() {
        let mut throttle = Throttle::new(None, RetryAfterScope::Request);
        throttle.hold(APP, "POST /users/a/presence/setpresence", 5, start());
        let early = start() + Duration::seconds(3);
        assert_eq!(
            throttle.early_retry(APP, "POST /users/a/presence/setpresence", early),
            Some(5)
        );
        assert_eq!(
            throttle.early_retry(APP, "POST /users/b/presence/setpresence", early),
            None,
            "another request is not a retry"
        );
        // The hold was renewed at +3 s, so +7 s is still early; +8 s is not.
        assert!(throttle
            .early_retry(
                APP,
                "POST /users/a/presence/setpresence",
                start() + Duration::seconds(7)
            )
            .is_some());
        assert_eq!(
            throttle.early_retry(
                APP,
                "POST /users/a/presence/setpresence",
                start() + Duration::seconds(12)
            ),
            None
        );
    }

    #[test]
    fn app_scope_holds_every_request_of_the_app() {
        let mut throttle = Throttle::new(None, RetryAfterScope::App);
        throttle.hold(APP, "POST /users/a/presence/setpresence", 5, start());
        assert_eq!(
            throttle.early_retry(APP, "GET /users/b/presence", start()),
            Some(5)
        );
        assert_eq!(
            throttle.early_retry(Uuid::from_u128(8), "GET /users/b/presence", start()),
            None
        );
    }
}
