//! The steady state: many users held in one state for hours, in virtual time.
//!
//! The loop is the real-time driver's (`relay_engine::Engine`), with a [`ManualClock`] in place
//! of its timer: step, publish the status, then wake at the time the step asked for, or after
//! the driver's 60-second safety tick, whichever comes first. Every step is one wake-up of the
//! engine. Read-back is on, as in the app.

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use relay_core::clock::{Clock, ManualClock};
use relay_core::snapshot::Observation;
use relay_engine::Reconciler;
use relay_sim::{SimTenant, ThrottleBudget};
use serde::Serialize;

use crate::cpu::process_cpu_time;
use crate::error::BenchError;
use crate::rig::{self, Time};
use crate::traffic::{Traffic, TrafficMeter};

/// The driver steps at least this often (`relay_engine::driver::SAFETY_TICK`).
const SAFETY_TICK: Duration = Duration::seconds(60);
/// Steps in a row at one instant before the loop is called a spin (the real driver would burn
/// a core).
const MAX_STEPS_AT_ONE_INSTANT: u32 = 1_000;

#[derive(Clone, Debug)]
pub struct SteadyOptions {
    pub users: usize,
    /// Held before measuring, so every keep-alive phase has settled.
    pub warmup: Duration,
    pub measure: Duration,
}

impl SteadyOptions {
    pub fn full() -> Self {
        Self {
            users: 10_000,
            warmup: Duration::minutes(10),
            // Three and a half keep-alive cycles. Every keep-alive is a wake-up that walks all
            // users, so a simulated hour of 10,000 users takes about 17 minutes on two cores;
            // `--minutes 60` measures one.
            measure: Duration::minutes(15),
        }
    }

    pub fn quick() -> Self {
        Self {
            users: 100,
            warmup: Duration::minutes(5),
            measure: Duration::minutes(15),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SteadyReport {
    pub users: usize,
    pub clock: &'static str,
    pub simulated_hours: f64,
    pub traffic: Traffic,
    /// Graph HTTP requests per user per hour (a `$batch` counts once).
    pub requests_per_user_hour: f64,
    /// Presence calls Graph's budget counts, per user per hour.
    pub budget_units_per_user_hour: f64,
    /// Average share of Graph's budget (1,500 per 30 s) in use.
    pub budget_share: f64,
    /// Engine steps (timer wake-ups) per hour.
    pub wakeups_per_hour: f64,
    /// Writes the engine made (all keep-alives here) per user per hour.
    pub writes_per_user_hour: f64,
    pub failed_writes: u64,
    /// CPU time of the whole process (engine, client and simulator) during the measured
    /// hours, per simulated hour; `None` where getrusage is not available.
    pub cpu_seconds_per_hour: Option<f64>,
    /// Mean wall time of one `Reconciler::step` (its Graph requests included) and of the
    /// status the driver publishes after it, in microseconds.
    pub step_mean_us: f64,
    pub status_mean_us: f64,
    /// Wall-clock time the measured part took.
    pub wall_seconds: f64,
}

pub async fn run(options: &SteadyOptions) -> Result<SteadyReport, BenchError> {
    let clock = ManualClock::new(rig::t0());
    let time = Time::Virtual(clock.clone());
    let sim = SimTenant::start(rig::sim_options(options.users, &time)).await?;
    let ids = rig::user_ids(&sim);
    let mut reconciler = rig::reconciler(&sim, &ids, sim.graph_url(), &time, true)?;
    let mut meter = TrafficMeter::new(sim.control());

    reconciler.observe(Observation::DoNotDisturb(Some(false)), clock.now());
    let warmup_end = clock.now() + options.warmup;
    drive(&mut reconciler, &clock, &mut meter, warmup_end).await?;
    meter.take()?;

    let cpu_before = process_cpu_time();
    let wall = Instant::now();
    let end = clock.now() + options.measure;
    let driven = drive(&mut reconciler, &clock, &mut meter, end).await?;
    let wall_seconds = wall.elapsed().as_secs_f64();
    let cpu = process_cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let traffic = meter.take()?;
    sim.shutdown().await?;

    #[allow(clippy::cast_precision_loss)]
    let (users, hours) = (
        options.users as f64,
        options.measure.num_milliseconds() as f64 / 3_600_000.0,
    );
    #[allow(clippy::cast_precision_loss)]
    let per_user_hour = |count: u64| count as f64 / users / hours;
    let budget = ThrottleBudget::GRAPH_DOCUMENTED;
    let budget_per_hour = f64::from(budget.requests) * 3_600.0 / f64::from(budget.window_seconds);
    #[allow(clippy::cast_precision_loss)]
    let budget_share = traffic.budget_units() as f64 / hours / budget_per_hour;
    #[allow(clippy::cast_precision_loss)]
    let wakeups_per_hour = driven.steps as f64 / hours;
    #[allow(clippy::cast_precision_loss)]
    let mean_us = |total: StdDuration| total.as_secs_f64() * 1e6 / driven.steps.max(1) as f64;
    Ok(SteadyReport {
        users: options.users,
        clock: time.label(),
        simulated_hours: hours,
        requests_per_user_hour: per_user_hour(traffic.http_requests),
        budget_units_per_user_hour: per_user_hour(traffic.budget_units()),
        budget_share,
        wakeups_per_hour,
        writes_per_user_hour: per_user_hour(driven.writes),
        failed_writes: driven.failed_writes,
        cpu_seconds_per_hour: cpu.map(|cpu| cpu.as_secs_f64() / hours),
        step_mean_us: mean_us(driven.in_step),
        status_mean_us: mean_us(driven.in_status),
        wall_seconds,
        traffic,
    })
}

#[derive(Debug, Default)]
struct Driven {
    steps: u64,
    writes: u64,
    failed_writes: u64,
    in_step: StdDuration,
    in_status: StdDuration,
}

/// Runs the driver's loop on the manual clock until `end`.
async fn drive(
    reconciler: &mut Reconciler,
    clock: &ManualClock,
    meter: &mut TrafficMeter,
    end: DateTime<Utc>,
) -> Result<Driven, BenchError> {
    let mut driven = Driven::default();
    let mut steps_at_this_instant = 0;
    let mut last_step_at = None;
    while clock.now() < end {
        let now = clock.now();
        let started = Instant::now();
        let report = reconciler.step(now).await;
        let stepped = Instant::now();
        // The driver publishes the status after every step; it is part of a wake-up's cost.
        std::hint::black_box(reconciler.status(now));
        driven.in_step += stepped - started;
        driven.in_status += stepped.elapsed();
        driven.steps += 1;
        driven.writes += u64::try_from(report.writes.len()).unwrap_or(u64::MAX);
        driven.failed_writes += u64::try_from(report.failures).unwrap_or(u64::MAX);
        meter.collect()?;

        steps_at_this_instant = if last_step_at == Some(now) {
            steps_at_this_instant + 1
        } else {
            0
        };
        last_step_at = Some(now);
        if steps_at_this_instant > MAX_STEPS_AT_ONE_INSTANT {
            return Err(BenchError::Unexpected(format!(
                "the engine asked to step again at once {MAX_STEPS_AT_ONE_INSTANT} times at \
                 {now}; the real driver would spin"
            )));
        }
        let after = clock.now();
        let safety = after + SAFETY_TICK;
        let wake = report.wake_at.map_or(safety, |at| at.min(safety));
        if wake > after {
            clock.set(wake.min(end));
        }
    }
    Ok(driven)
}
