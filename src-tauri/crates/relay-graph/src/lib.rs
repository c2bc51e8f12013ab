//! Microsoft Graph presence and Entra token client for Presence Relay.
//!
//! One [`GraphClient`] speaks for one app registration in one tenant, app-only (client
//! credentials, application permission Presence.ReadWrite.All):
//!
//! - **Clouds** ([`endpoints`]): global, US Gov L4 and L5, each with its sign-in host, Graph host
//!   and `.default` scope from one table; China is refused. The hosts can be overridden
//!   (config, `PRESENCE_RELAY_AUTHORITY_URL`, `PRESENCE_RELAY_GRAPH_URL`); the scope cannot.
//! - **Credentials** ([`credential`]): a client secret, or a certificate (PEM or PFX) signing a
//!   PS256 (or RS256) client assertion. Secrets, keys and tokens stay in `Sensitive` and are
//!   never logged.
//! - **Tokens** ([`token`]): cached per (cloud, tenant, client, scope), refreshed early, one
//!   refresh at a time; a 401 triggers one refresh and one retry. `AADSTS` errors become advice
//!   ([`GraphErrorKind::InvalidCredentials`]).
//! - **Presence calls**: get, getPresencesByUserId (650 IDs per call), setPresence, clearPresence,
//!   the preferred presence, the status message, and `$batch` (20 per call). Input is checked
//!   before sending ([`ops`]).
//! - **Retry and pacing** ([`retry`], [`throttle`]): `Retry-After` honoured and never undercut, a
//!   429 pauses the whole tenant, a 403 halts writes with the admin-consent URL, 400 is never
//!   retried, requests are spread evenly with bounded concurrency.
//!
//! Time is injected: a [`relay_core::clock::Clock`] for "now" and a [`Sleeper`] for waiting, so
//! tests run against the simulated tenant on a shared `ManualClock` without real waiting.
//! Every request carries a fresh `client-request-id`; every failure is logged with the server's
//! `request-id` and `date`.

mod aadsts;
mod batch;
mod client;
pub mod credential;
pub mod endpoints;
pub mod error;
mod io;
pub mod model;
pub mod ops;
pub mod retry;
mod send;
pub mod sleep;
pub mod throttle;
pub mod token;
mod wire;

pub use client::{
    GraphClient, GraphClientConfig, OpOutcome, MAX_BATCH_REQUESTS, MAX_IDS_PER_PRESENCE_READ,
};
pub use credential::{AssertionAlgorithm, Credential};
pub use endpoints::{Endpoints, UrlOverrides, AUTHORITY_URL_ENV, GRAPH_URL_ENV};
pub use error::{GraphError, GraphErrorKind};
pub use model::{Presence, Reported, StatusMessage};
pub use ops::PresenceOp;
pub use retry::RetryPolicy;
pub use sleep::{ManualSleeper, Sleeper, TokioSleeper};
pub use throttle::Pacing;
pub use token::TokenCache;
