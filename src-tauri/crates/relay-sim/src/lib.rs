//! The simulated Microsoft tenant: a local Microsoft Graph presence API and Entra ID token
//! endpoint on 127.0.0.1, faithful enough that the Graph client, the engine, the benchmarks and
//! the app's demo mode can run against it instead of a real tenant.
//!
//! ```no_run
//! # async fn demo() -> Result<(), relay_sim::SimError> {
//! use relay_sim::{SimOptions, SimTenant};
//!
//! let sim = SimTenant::start(SimOptions::demo(5)).await?;
//! println!("{}", sim.describe()); // URLs and the (fake) demo credentials
//! let user = sim.users()[0].id;
//! // ... point a Graph client at sim.authority_url() / sim.graph_url() ...
//! println!("{:?}", sim.presence(user)?);
//! sim.shutdown().await
//! # }
//! ```
//!
//! What it emulates, and what it does not, is written down in `docs/SIMULATOR.md`. Facts come
//! from `shared/reference/graph-presence.md`.
//!
//! Everything time-driven is computed from the injected [`relay_core::clock::Clock`] when a
//! request or an inspection asks; nothing runs on a timer, so tests are deterministic.

mod auth;
mod clock;
mod error;
mod faults;
mod graph;
mod handle;
mod ids;
mod inspect;
mod model;
mod options;
mod rng;
mod server;
mod snapshot;
mod tenant;
mod throttle;
mod timezone;

#[cfg(feature = "test-support")]
pub mod test_support;

pub use clock::TokioClock;
pub use error::SimError;
pub use faults::{FaultSpec, FaultSpecError, LatencyRange, INJECTABLE_STATUSES};
pub use handle::{SimControl, SimHandle, SimTenant};
pub use inspect::{BatchRef, Counters, Endpoint, Outcome, RequestRecord};
pub use model::directory::AppRegistration;
pub use model::presence::PresencePair;
pub use model::user::TeamsClient;
pub use options::{
    RetryAfterScope, SimOptions, ThrottleBudget, ThrottleBudgetError, PRESENCE_READ_ALL,
    PRESENCE_READ_WRITE_ALL,
};
pub use snapshot::{
    AppSnapshot, BucketSnapshot, CertificateRegistration, HoldSnapshot, ItemBody,
    OutOfOfficeSettings, PreferredSnapshot, PresenceView, SecretSnapshot, SessionSnapshot,
    StateSnapshot, StatusMessageSnapshot, StatusMessageView, ThrottleSnapshot, UserSnapshot,
};
pub use tenant::{DemoCredentials, UserSummary};
