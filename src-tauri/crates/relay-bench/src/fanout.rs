//! Bringing N users to a new state: how many requests it takes, and how long, against the
//! simulated tenant with Graph's documented budget (1,500 presence calls per 30 s per app).
//!
//! Each size gets a fresh tenant and engine. Set-up (unmeasured, unthrottled): every user is
//! brought to Available. Then the budget is refilled (as after 30 s of quiet), latency is
//! turned on, Do Not Disturb goes on, and the engine is stepped at the wake times it asks for
//! until every user's Busy session is written. Each user needs exactly one write, so the lower
//! bound is ceil(N / 20) `$batch` requests.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use relay_core::clock::Clock;
use relay_core::snapshot::Observation;
use relay_engine::{describe, Reconciler};
use relay_graph::MAX_BATCH_REQUESTS;
use relay_sim::{FaultSpec, LatencyRange, SimHandle, SimTenant, ThrottleBudget};
use serde::Serialize;

use crate::error::BenchError;
use crate::rig::{self, Time};
use crate::traffic::{Traffic, TrafficMeter};

#[derive(Clone, Debug)]
pub struct FanoutOptions {
    pub sizes: Vec<usize>,
    /// Added to every Graph HTTP request by the simulator (real time only).
    pub latency: Option<LatencyRange>,
    pub virtual_time: bool,
    /// Longest one size may take (wall clock) before the run is called stuck.
    pub limit: Duration,
}

impl FanoutOptions {
    pub fn full() -> Self {
        Self {
            sizes: vec![1, 100, 1_000, 10_000],
            latency: Some(LatencyRange { min: 50, max: 150 }),
            virtual_time: false,
            limit: Duration::from_secs(30 * 60),
        }
    }

    pub fn quick() -> Self {
        Self {
            sizes: vec![1, 100],
            latency: Some(LatencyRange { min: 1, max: 3 }),
            virtual_time: false,
            limit: Duration::from_secs(120),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct FanoutRow {
    pub users: usize,
    pub clock: &'static str,
    /// `min-max` milliseconds added per HTTP request, or `none`.
    pub latency_ms: String,
    /// Graph HTTP requests sent (each `$batch` is one).
    pub requests: u64,
    /// ceil(N / 20): one write per user, 20 per `$batch`.
    pub lower_bound: u64,
    /// requests / lower bound.
    pub ratio: f64,
    pub traffic: Traffic,
    /// From the signal to the last user's write, in the run's clock.
    pub seconds: f64,
    /// The least time Graph's budget allows for N calls starting from a full bucket.
    pub budget_floor_seconds: f64,
    /// Engine steps it took (the first, plus retries of users whose writes failed).
    pub steps: u64,
    /// Writes that failed after the client's own retries (the engine retried them later).
    pub failed_writes: u64,
    /// Users the simulator shows as Busy at the end.
    pub users_busy: usize,
}

pub async fn run(options: &FanoutOptions) -> Result<Vec<FanoutRow>, BenchError> {
    let mut rows = Vec::with_capacity(options.sizes.len());
    for &users in &options.sizes {
        rows.push(run_one(users, options).await?);
    }
    Ok(rows)
}

async fn run_one(users: usize, options: &FanoutOptions) -> Result<FanoutRow, BenchError> {
    let time = if options.virtual_time {
        Time::virtual_from_t0()
    } else {
        Time::Real
    };
    let sim = SimTenant::start(rig::sim_options(users, &time)).await?;
    let ids = rig::user_ids(&sim);
    let mut reconciler = rig::reconciler(&sim, &ids, sim.graph_url(), &time, false)?;

    // Set-up, not measured: everyone Available, without budget or latency.
    sim.set_throttle(None)
        .map_err(|err| BenchError::Unexpected(err.to_string()))?;
    let clock = time.clock();
    reconciler.observe(Observation::DoNotDisturb(Some(false)), clock.now());
    let mut meter = TrafficMeter::new(sim.control());
    bring_all(
        &mut reconciler,
        &time,
        &mut meter,
        users,
        "setPresence Available/",
        options.limit,
    )
    .await?;

    // Measured: a full budget, latency on, and the signal that moves everyone.
    sim.set_throttle(Some(ThrottleBudget::GRAPH_DOCUMENTED))
        .map_err(|err| BenchError::Unexpected(err.to_string()))?;
    let latency = options.latency.filter(|_| !options.virtual_time);
    sim.set_faults(FaultSpec {
        latency_ms: latency,
        ..FaultSpec::none()
    })
    .map_err(|err| BenchError::Unexpected(err.to_string()))?;
    meter.take()?;
    let started_wall = Instant::now();
    let started = clock.now();
    reconciler.observe(Observation::DoNotDisturb(Some(true)), started);
    let progress = bring_all(
        &mut reconciler,
        &time,
        &mut meter,
        users,
        "setPresence Busy/",
        options.limit,
    )
    .await?;
    let seconds = match time {
        Time::Real => started_wall.elapsed().as_secs_f64(),
        Time::Virtual(_) => seconds_between(started, clock.now()),
    };
    let traffic = meter.take()?;
    let users_busy = users_shown_busy(&sim)?;
    sim.shutdown().await?;

    let lower_bound = lower_bound(users);
    #[allow(clippy::cast_precision_loss)]
    let ratio = traffic.http_requests as f64 / lower_bound as f64;
    Ok(FanoutRow {
        users,
        clock: time.label(),
        latency_ms: latency.map_or_else(|| "none".to_owned(), |l| format!("{}-{}", l.min, l.max)),
        requests: traffic.http_requests,
        lower_bound,
        ratio,
        traffic,
        seconds,
        budget_floor_seconds: budget_floor_seconds(users),
        steps: progress.steps,
        failed_writes: progress.failed_writes,
        users_busy,
    })
}

/// ceil(N / 20).
pub fn lower_bound(users: usize) -> u64 {
    u64::try_from(users.div_ceil(MAX_BATCH_REQUESTS)).unwrap_or(u64::MAX)
}

/// With a full bucket the first 1,500 calls go at once; the rest at 50 a second.
pub fn budget_floor_seconds(users: usize) -> f64 {
    let budget = ThrottleBudget::GRAPH_DOCUMENTED;
    let per_second = f64::from(budget.requests) / f64::from(budget.window_seconds);
    #[allow(clippy::cast_precision_loss)]
    let beyond = users.saturating_sub(budget.requests as usize) as f64;
    beyond / per_second
}

#[derive(Debug, Default)]
struct Progress {
    steps: u64,
    failed_writes: u64,
}

/// Steps the engine at the times it asks for until every user got a write starting with
/// `write_prefix` (as [`describe`] puts it).
async fn bring_all(
    reconciler: &mut Reconciler,
    time: &Time,
    meter: &mut TrafficMeter,
    users: usize,
    write_prefix: &str,
    limit: Duration,
) -> Result<Progress, BenchError> {
    let clock = time.clock();
    let started = Instant::now();
    let mut done: HashSet<String> = HashSet::with_capacity(users);
    let mut progress = Progress::default();
    loop {
        let report = reconciler.step(clock.now()).await;
        progress.steps += 1;
        progress.failed_writes += u64::try_from(report.failures).unwrap_or(u64::MAX);
        for (user, write) in &report.writes {
            if describe(write).starts_with(write_prefix) {
                done.insert(user.clone());
            }
        }
        meter.collect()?;
        if done.len() >= users {
            return Ok(progress);
        }
        if started.elapsed() > limit {
            return Err(BenchError::Timeout {
                what: format!("bringing {users} users to \"{write_prefix}…\""),
                limit,
            });
        }
        let Some(wake) = report.wake_at else {
            return Err(BenchError::Unexpected(format!(
                "{} of {users} users still wait for \"{write_prefix}…\" but the engine asked \
                 for no further step",
                users - done.len()
            )));
        };
        match time {
            Time::Real => {
                let wait = (wake - clock.now()).to_std().unwrap_or(Duration::ZERO);
                tokio::time::sleep(wait).await;
            }
            Time::Virtual(manual) => {
                // Work due at this very instant (a retry that failed again) gets one more
                // second, as the real driver's timer would let some time pass.
                let now = manual.now();
                manual.set(if wake > now {
                    wake
                } else {
                    now + chrono::Duration::seconds(1)
                });
            }
        }
    }
}

fn users_shown_busy(sim: &SimHandle) -> Result<usize, BenchError> {
    let mut busy = 0;
    for user in sim.users() {
        let presence = sim
            .presence(user.id)
            .map_err(|err| BenchError::Unexpected(err.to_string()))?;
        if presence.availability == relay_core::graph_presence::Availability::Busy {
            busy += 1;
        }
    }
    Ok(busy)
}

fn seconds_between(from: chrono::DateTime<chrono::Utc>, to: chrono::DateTime<chrono::Utc>) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let millis = (to - from).num_milliseconds() as f64;
    millis / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_bound_is_one_batch_per_twenty_users() {
        assert_eq!(lower_bound(1), 1);
        assert_eq!(lower_bound(20), 1);
        assert_eq!(lower_bound(21), 2);
        assert_eq!(lower_bound(10_000), 500);
    }

    #[test]
    fn the_budget_floor_starts_after_a_full_bucket() {
        assert_eq!(budget_floor_seconds(1_000), 0.0);
        assert_eq!(budget_floor_seconds(10_000), 170.0);
    }
}
