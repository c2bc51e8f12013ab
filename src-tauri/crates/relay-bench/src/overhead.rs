//! Engine overhead: from a signal event handed to the running engine to the first byte of the
//! Graph request it causes, in real time.
//!
//! The real driver ([`Engine::start`] on the system clock) runs one user with the benchmark's
//! rules; the Graph client signs in at the simulated tenant and sends its presence calls to a
//! [`FirstByteServer`] on loopback. Each iteration flips Do Not Disturb, which changes the
//! intent, and measures from just before the observation is sent to the moment the server reads
//! the first byte of the `setPresence` it causes. That covers the channel, the step (rules,
//! damping, planning), the client (gate, token cache, request building) and the loopback hop.

use std::sync::Arc;
use std::time::{Duration, Instant};

use relay_core::clock::{Clock, SystemClock};
use relay_core::snapshot::Observation;
use relay_engine::Engine;
use relay_sim::SimTenant;
use serde::Serialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::error::BenchError;
use crate::first_byte::{Arrival, FirstByteServer};
use crate::rig::{self, Time};
use crate::stats::Summary;

/// How long one request may take to arrive before the run is called stuck.
const ARRIVAL_LIMIT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct OverheadOptions {
    /// Measured iterations.
    pub iterations: usize,
    /// Iterations run first and not measured (connection set-up, token, caches).
    pub warmup: usize,
    /// Quiet time before each event. Above the client's pacing interval (20 ms), so no request
    /// waits for a pacing slot and only the engine's own work is measured.
    pub gap: Duration,
}

impl OverheadOptions {
    pub fn full() -> Self {
        Self {
            iterations: 2_000,
            warmup: 50,
            gap: Duration::from_millis(25),
        }
    }

    pub fn quick() -> Self {
        Self {
            iterations: 20,
            warmup: 3,
            gap: Duration::from_millis(25),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct OverheadReport {
    pub clock: &'static str,
    pub warmup: usize,
    pub gap_ms: u64,
    /// Observation sent -> first byte of the `setPresence` request.
    pub latency: Summary,
}

pub async fn run(options: &OverheadOptions) -> Result<OverheadReport, BenchError> {
    let time = Time::Real;
    // The simulator only issues the token; Graph calls go to the first-byte server.
    let sim = SimTenant::start(rig::sim_options(1, &time)).await?;
    let (server, mut arrivals) = FirstByteServer::start()?;
    let users = rig::user_ids(&sim);
    let reconciler = rig::reconciler(&sim, &users, &server.url(), &time, false)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let cancel = CancellationToken::new();
    let engine = Engine::start(reconciler, clock.clone(), cancel.clone());

    // At start the engine clears a session it may hold from before: wait for that request.
    next_arrival(&mut arrivals, "the start-up clearPresence").await?;

    let mut samples = Vec::with_capacity(options.iterations);
    for iteration in 0..options.warmup + options.iterations {
        tokio::time::sleep(options.gap).await;
        if let Ok(stray) = arrivals.try_recv() {
            return Err(BenchError::Unexpected(format!(
                "a request nobody asked for reached the server: {}",
                stray.request_line
            )));
        }
        let do_not_disturb = iteration % 2 == 0;
        let sent = Instant::now();
        engine
            .observations
            .send((Observation::DoNotDisturb(Some(do_not_disturb)), clock.now()))
            .await
            .map_err(|_| BenchError::EngineStopped)?;
        let arrival = next_arrival(&mut arrivals, "the setPresence after a signal").await?;
        if !arrival.request_line.contains("/presence/setPresence ") {
            return Err(BenchError::Unexpected(format!(
                "expected a setPresence after the signal, the server got: {}",
                arrival.request_line
            )));
        }
        if iteration >= options.warmup {
            samples.push(arrival.at.saturating_duration_since(sent));
        }
    }

    cancel.cancel();
    engine
        .task
        .await
        .map_err(|err| BenchError::Unexpected(format!("the engine task failed: {err}")))?;
    drop(server);
    sim.shutdown().await?;
    let latency = Summary::of(&samples)
        .ok_or_else(|| BenchError::Unexpected("no iterations were measured".into()))?;
    Ok(OverheadReport {
        clock: time.label(),
        warmup: options.warmup,
        gap_ms: u64::try_from(options.gap.as_millis()).unwrap_or(u64::MAX),
        latency,
    })
}

async fn next_arrival(
    arrivals: &mut mpsc::UnboundedReceiver<Arrival>,
    what: &str,
) -> Result<Arrival, BenchError> {
    match tokio::time::timeout(ARRIVAL_LIMIT, arrivals.recv()).await {
        Ok(Some(arrival)) => Ok(arrival),
        Ok(None) => Err(BenchError::Unexpected(
            "the first-byte server stopped".into(),
        )),
        Err(_) => Err(BenchError::Timeout {
            what: what.to_owned(),
            limit: ARRIVAL_LIMIT,
        }),
    }
}
