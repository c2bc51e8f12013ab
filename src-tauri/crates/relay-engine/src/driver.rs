//! Runs the [`Reconciler`] in real time: one task owns it; observations and commands arrive on
//! channels; a timer fires at the next wake time (at least once a minute as a safety net); the
//! status goes out on a watch channel. Cancelling releases what we hold within a time budget.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use relay_core::clock::Clock;
use relay_core::config::ValidConfig;
use relay_core::control::ManualOverride;
use relay_core::snapshot::Observation;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::reconciler::Reconciler;
use crate::status::EngineStatus;

/// How long a release on pause, quit or logoff may take before we give up on it (a session we
/// could not clear still expires by itself after its hold).
pub const RELEASE_BUDGET: StdDuration = StdDuration::from_secs(5);
/// The engine steps at least this often, whatever it expects.
const SAFETY_TICK: StdDuration = StdDuration::from_secs(60);

/// What people and the shell can ask of the engine.
#[derive(Debug)]
pub enum EngineCommand {
    Pause,
    Resume,
    /// Snooze the rules until then (`None` ends a snooze).
    Snooze(Option<DateTime<Utc>>),
    /// Set (or with `None` clear) a manual override for one user.
    Override {
        user: String,
        value: Option<ManualOverride>,
    },
    Reload(Box<ValidConfig>),
    ResumeWrites,
    /// Release everything now and acknowledge (quit, logoff, suspend).
    Release(oneshot::Sender<()>),
    /// Acknowledge once a step has run after everything sent before this (e.g. the machine is
    /// about to sleep: the rules' last word must be written before the sources let it go).
    Settle(oneshot::Sender<()>),
}

/// The running engine.
#[derive(Debug)]
pub struct Engine;

/// Talks to a running engine. Dropping it does not stop the engine; cancel its token.
#[derive(Debug)]
pub struct EngineHandle {
    pub commands: mpsc::Sender<EngineCommand>,
    pub observations: mpsc::Sender<(Observation, DateTime<Utc>)>,
    pub status: watch::Receiver<EngineStatus>,
    pub task: JoinHandle<()>,
}

impl Engine {
    /// Starts the engine task on the current runtime. It runs until `cancel` fires, then
    /// releases what it holds (bounded by [`RELEASE_BUDGET`]) and ends.
    pub fn start(
        reconciler: Reconciler,
        clock: Arc<dyn Clock>,
        cancel: CancellationToken,
    ) -> EngineHandle {
        let (commands, command_rx) = mpsc::channel(32);
        let (observations, observation_rx) = mpsc::channel(256);
        let (status_tx, status) = watch::channel(reconciler.status(clock.now()));
        let task = tokio::spawn(run(
            reconciler,
            clock,
            cancel,
            command_rx,
            observation_rx,
            status_tx,
        ));
        EngineHandle {
            commands,
            observations,
            status,
            task,
        }
    }
}

async fn run(
    mut reconciler: Reconciler,
    clock: Arc<dyn Clock>,
    cancel: CancellationToken,
    mut commands: mpsc::Receiver<EngineCommand>,
    mut observations: mpsc::Receiver<(Observation, DateTime<Utc>)>,
    status: watch::Sender<EngineStatus>,
) {
    let mut settled: Vec<oneshot::Sender<()>> = Vec::new();
    loop {
        let now = clock.now();
        let report = reconciler.step(now).await;
        status.send_replace(reconciler.status(now));
        for ack in settled.drain(..) {
            let _ = ack.send(());
        }
        let sleep_for = match report.wake_at {
            // A wake time already past (negative duration) means "step again now".
            Some(at) => (at - clock.now())
                .to_std()
                .unwrap_or(StdDuration::ZERO)
                .min(SAFETY_TICK),
            None => SAFETY_TICK,
        };
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(sleep_for) => {}
            Some((observation, at)) = observations.recv() => {
                reconciler.observe(observation, at);
                // Take whatever else arrived at the same moment before stepping.
                while let Ok((observation, at)) = observations.try_recv() {
                    reconciler.observe(observation, at);
                }
            }
            Some(command) = commands.recv() => {
                match command {
                    EngineCommand::Settle(ack) => {
                        // Whatever was observed before the request must count in the step.
                        while let Ok((observation, at)) = observations.try_recv() {
                            reconciler.observe(observation, at);
                        }
                        settled.push(ack);
                    }
                    command => apply(&mut reconciler, command, &clock).await,
                }
            }
        }
    }
    let released = tokio::time::timeout(RELEASE_BUDGET, reconciler.release_all(clock.now())).await;
    if released.is_err() {
        tracing::warn!("release on shutdown ran out of time; our sessions expire by themselves");
    }
    status.send_replace(reconciler.status(clock.now()));
}

async fn apply(reconciler: &mut Reconciler, command: EngineCommand, clock: &Arc<dyn Clock>) {
    match command {
        EngineCommand::Pause => reconciler.control_mut().paused = true,
        EngineCommand::Resume => reconciler.control_mut().paused = false,
        EngineCommand::Snooze(until) => reconciler.control_mut().snoozed_until = until,
        EngineCommand::Override { user, value } => {
            let user = user.to_ascii_lowercase();
            match value {
                Some(value) => {
                    reconciler.control_mut().overrides.insert(user, value);
                }
                None => {
                    reconciler.control_mut().overrides.remove(&user);
                }
            }
        }
        EngineCommand::Reload(config) => reconciler.set_config(*config),
        EngineCommand::ResumeWrites => reconciler.resume_writes().await,
        EngineCommand::Release(ack) => {
            let released =
                tokio::time::timeout(RELEASE_BUDGET, reconciler.release_all(clock.now())).await;
            if released.is_err() {
                tracing::warn!("release ran out of time; our sessions expire by themselves");
            }
            let _ = ack.send(());
        }
        // Handled by the loop, which acknowledges after its next step.
        EngineCommand::Settle(ack) => {
            let _ = ack.send(());
        }
    }
}
