//! The parts every benchmark wires together, the way the app wires them: the engine's
//! [`Reconciler`], the real Graph client with its production retry policy and pacing, and the
//! simulated tenant with Graph's documented presence budget.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use relay_config::ConfigParser;
use relay_core::clock::{Clock, ManualClock, SystemClock};
use relay_core::config::ValidConfig;
use relay_engine::{EngineOptions, GraphWriter, Reconciler};
use relay_graph::{GraphClient, ManualSleeper, Sleeper, TokioSleeper};
use relay_sim::{SimControl, SimOptions, ThrottleBudget};

use crate::error::BenchError;

/// How many requests the simulator's log keeps. The benchmarks read and clear it after every
/// engine step; one step for 10,000 users logs about 10,500 records (batches and their items).
pub const REQUEST_LOG_CAPACITY: usize = 200_000;

/// Where virtual time starts: Monday 2 March 2026, 08:00 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
        .single()
        .expect("a valid calendar date")
}

/// Real time (the system clock, tokio's timer) or virtual time (a [`ManualClock`] shared by the
/// engine, the client's waits and the simulator, moved only by the benchmark and by the client's
/// pacing and `Retry-After` waits, so counts are exact and repeatable).
#[derive(Clone, Debug)]
pub enum Time {
    Real,
    Virtual(ManualClock),
}

impl Time {
    pub fn virtual_from_t0() -> Self {
        Time::Virtual(ManualClock::new(t0()))
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        match self {
            Time::Real => Arc::new(SystemClock),
            Time::Virtual(clock) => Arc::new(clock.clone()),
        }
    }

    fn sleeper(&self) -> Arc<dyn Sleeper> {
        match self {
            Time::Real => Arc::new(TokioSleeper),
            Time::Virtual(clock) => Arc::new(ManualSleeper::new(clock.clone())),
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Time::Real => "real time",
            Time::Virtual(_) => "virtual time",
        }
    }
}

/// The two rules every benchmark uses. Both are polite (our session only), so a change of the
/// Do Not Disturb signal costs exactly one write per user, and the fewest requests that can
/// carry N writes is ceil(N / 20) `$batch` requests.
pub fn rules() -> serde_json::Value {
    serde_json::json!([
        {"name": "Focus", "when": {"do_not_disturb": true}, "then": {"intent": "busy"}},
        {"name": "Here", "when": {"do_not_disturb": false}, "then": {"intent": "available"}}
    ])
}

/// A config for these users with [`rules`]. `min_dwell_seconds` is 0 so the benchmark can flip
/// the signal as often as it likes; the damper itself is still on the path.
pub fn config(users: &[String]) -> Result<ValidConfig, BenchError> {
    let document = serde_json::json!({
        "schema_version": 1,
        "users": users.iter().enumerate().map(|(i, id)| serde_json::json!({
            "display_name": format!("Bench user {i}"),
            "object_id": id,
        })).collect::<Vec<_>>(),
        "rules": rules(),
        "settings": {"engine": {"min_dwell_seconds": 0}},
    });
    ConfigParser::new()
        .parse(&document.to_string())
        .map(|parsed| parsed.config)
        .map_err(|issues| {
            BenchError::Config(
                issues
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
}

/// The simulated tenant with `users` people, Graph's documented presence budget (1,500 requests
/// per 30 s per app), no faults, on the benchmark's clock.
pub fn sim_options(users: usize, time: &Time) -> SimOptions {
    SimOptions {
        users,
        throttle: Some(ThrottleBudget::GRAPH_DOCUMENTED),
        request_log_capacity: REQUEST_LOG_CAPACITY,
        clock: time.clock(),
        ..SimOptions::default()
    }
}

/// The Graph client as the app builds it (default retry policy and pacing), signing in at the
/// simulator, sending Graph calls to `graph_url` (the simulator's, or another loopback server).
pub fn graph_client(
    sim: &SimControl,
    graph_url: &str,
    time: &Time,
) -> Result<GraphClient, BenchError> {
    let mut config = relay_host::tenant::client_config_for(sim);
    config.urls.graph_url = Some(graph_url.to_owned());
    Ok(GraphClient::new(config, time.clock(), time.sleeper())?)
}

/// The engine's options. Read-back adds one `getPresencesByUserId` per 650 users a minute: on
/// for the steady state (it is part of what holding users costs), off where only the writes are
/// measured.
pub fn engine_options(readback: bool) -> EngineOptions {
    EngineOptions {
        readback,
        ..EngineOptions::default()
    }
}

/// A reconciler for the simulator's users, writing through the real client.
pub fn reconciler(
    sim: &SimControl,
    users: &[String],
    graph_url: &str,
    time: &Time,
    readback: bool,
) -> Result<Reconciler, BenchError> {
    let writer = Arc::new(GraphWriter::new(graph_client(sim, graph_url, time)?));
    Ok(Reconciler::new(
        config(users)?,
        writer,
        engine_options(readback),
    ))
}

/// The simulator's users' object IDs, in order.
pub fn user_ids(sim: &SimControl) -> Vec<String> {
    sim.users().iter().map(|user| user.id.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_takes_every_user_and_both_rules() {
        let users = [
            "3f1c2a9e-8b7d-4e6f-9a01-23456789abcd".to_owned(),
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".to_owned(),
        ];
        let config = config(&users).expect("valid");
        assert_eq!(config.file().users.len(), 2);
        assert_eq!(config.file().settings.engine.min_dwell_seconds, 0);
    }
}
