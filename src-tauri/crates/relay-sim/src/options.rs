//! How to start a simulated tenant.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::Duration;
use relay_core::clock::{Clock, SystemClock};
use relay_core::config::Cloud;
use serde::{Deserialize, Serialize};

use crate::faults::FaultSpec;

/// The role an app needs to write presence, and enough to read it.
pub const PRESENCE_READ_WRITE_ALL: &str = "Presence.ReadWrite.All";
/// The role that is enough to read presence.
pub const PRESENCE_READ_ALL: &str = "Presence.Read.All";

/// Options for [`crate::SimTenant::start`]. `SimOptions::default()` is a tenant with the demo app
/// and no users, on a free port, on the system clock, without faults, throttled at Graph's
/// documented presence budget.
#[derive(Clone, Debug)]
pub struct SimOptions {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// How many demo users to create (deterministic object ids and names).
    pub users: usize,
    /// Seed for every generated id, the demo secret, and batch response order.
    pub seed: u64,
    /// Time source; see [`crate::TokioClock`] for tests under paused tokio time.
    pub clock: Arc<dyn Clock>,
    /// The cloud this tenant lives in: which token audiences Graph accepts on loopback.
    pub cloud: Cloud,
    /// `expires_in` of issued access tokens.
    pub token_lifetime: Duration,
    /// Roles of the demo app; drop `Presence.ReadWrite.All` to test missing consent (403).
    pub demo_app_roles: Vec<String>,
    /// Presence throttling per app per tenant; `None` turns it off.
    pub throttle: Option<ThrottleBudget>,
    /// What a `Retry-After` holds back; see [`RetryAfterScope`].
    pub retry_after_scope: RetryAfterScope,
    /// Fault injection; off by default.
    pub faults: FaultSpec,
    /// How many requests the request log keeps (oldest are dropped first).
    pub request_log_capacity: usize,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            port: 0,
            users: 0,
            seed: 0,
            clock: Arc::new(SystemClock),
            cloud: Cloud::Global,
            token_lifetime: Duration::seconds(3599),
            demo_app_roles: vec![PRESENCE_READ_WRITE_ALL.to_owned()],
            throttle: Some(ThrottleBudget::GRAPH_DOCUMENTED),
            retry_after_scope: RetryAfterScope::Request,
            faults: FaultSpec::none(),
            request_log_capacity: 10_000,
        }
    }
}

impl SimOptions {
    /// The demo tenant: `users` people with deterministic ids and names, and the demo app.
    pub fn demo(users: usize) -> Self {
        Self {
            users,
            ..Self::default()
        }
    }

    /// The same options on another clock (e.g. a `ManualClock` in tests).
    pub fn with_clock(self, clock: impl Clock + 'static) -> Self {
        Self {
            clock: Arc::new(clock),
            ..self
        }
    }

    /// The same options with these faults.
    pub fn with_faults(self, faults: FaultSpec) -> Self {
        Self { faults, ..self }
    }
}

/// A presence request budget: `requests` per `window_seconds`, refilled evenly (token bucket).
///
/// As text: `1500/30` or `1500/30s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ThrottleBudget {
    pub requests: u32,
    pub window_seconds: u32,
}

impl ThrottleBudget {
    /// What the presence API pages document: 1,500 requests per 30 s per app per tenant.
    pub const GRAPH_DOCUMENTED: ThrottleBudget = ThrottleBudget {
        requests: 1_500,
        window_seconds: 30,
    };
    /// What the 2025 throttling-limits page says for presence: 10,000 per 30 s.
    pub const GRAPH_THROTTLING_PAGE: ThrottleBudget = ThrottleBudget {
        requests: 10_000,
        window_seconds: 30,
    };

    pub fn validate(&self) -> Result<(), ThrottleBudgetError> {
        if self.requests == 0 || self.window_seconds == 0 {
            return Err(ThrottleBudgetError {
                given: self.to_string(),
            });
        }
        Ok(())
    }
}

impl fmt::Display for ThrottleBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}s", self.requests, self.window_seconds)
    }
}

impl FromStr for ThrottleBudget {
    type Err = ThrottleBudgetError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || ThrottleBudgetError {
            given: text.to_owned(),
        };
        let (requests, window) = text.trim().split_once('/').ok_or_else(invalid)?;
        let budget = ThrottleBudget {
            requests: requests
                .trim()
                .replace(['_', ','], "")
                .parse()
                .map_err(|_| invalid())?,
            window_seconds: window
                .trim()
                .trim_end_matches('s')
                .parse()
                .map_err(|_| invalid())?,
        };
        budget.validate()?;
        Ok(budget)
    }
}

/// A throttle budget that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{given}\" is not a throttle budget; write requests/seconds with both above zero, e.g. \
     1500/30"
)]
pub struct ThrottleBudgetError {
    pub given: String,
}

/// Which later requests a `Retry-After` applies to. A request that arrives inside an active
/// `Retry-After` gets a fresh 429 with a fresh `Retry-After` and is counted as an early retry
/// (Dev Proxy's RetryAfterPlugin behaviour).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfterScope {
    /// The same app repeating the same operation (method and path): a retry that came too soon.
    /// Requests for other users that were already in flight are not punished.
    #[default]
    Request,
    /// Any presence request of the same app: checks a client's per-tenant circuit breaker.
    App,
}
