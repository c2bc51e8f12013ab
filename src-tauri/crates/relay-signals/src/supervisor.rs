//! Runs the chosen sources, restarts failed ones with backoff, tracks each source's health and
//! asks every source to re-read its state after a resume.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use relay_core::clock::Clock;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::event::{Health, Signal, SignalEvent, SourceName};
use crate::source::{SignalSource, SourceContext, SourceError};

/// The sources picked for this machine, plus the ones that were not, with the reason (they are
/// reported as `Unsupported` so the status shows why a signal is missing).
#[derive(Debug, Default)]
pub struct SourceSet {
    pub sources: Vec<Box<dyn SignalSource>>,
    pub skipped: Vec<SkippedSource>,
}

impl SourceSet {
    pub fn push(&mut self, source: impl SignalSource + 'static) {
        self.sources.push(Box::new(source));
    }

    pub fn skip(&mut self, name: SourceName, reason: impl Into<String>) {
        self.skipped.push(SkippedSource {
            name,
            reason: reason.into(),
        });
    }

    pub fn extend(&mut self, other: SourceSet) {
        self.sources.extend(other.sources);
        self.skipped.extend(other.skipped);
    }
}

/// A source the runtime probes left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedSource {
    pub name: SourceName,
    pub reason: String,
}

/// Restart delays: `initial`, doubling up to `max`; back to `initial` once a run has lasted
/// `healthy_after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
    pub healthy_after: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(300),
            healthy_after: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    fn next(&self, delay: Duration) -> Duration {
        delay.saturating_mul(2).min(self.max)
    }
}

/// Health of every source by name, as last reported.
pub type HealthMap = BTreeMap<SourceName, Health>;

/// Starts sources and owns their tasks.
#[derive(Debug)]
pub struct Supervisor;

impl Supervisor {
    /// Starts every source of `set`; their events go to `sink`, stamped by `clock`. Everything
    /// stops when `cancel` fires or the returned handle is dropped or shut down.
    pub fn start(
        set: SourceSet,
        sink: mpsc::Sender<SignalEvent>,
        clock: Arc<dyn Clock>,
        cancel: CancellationToken,
    ) -> SupervisorHandle {
        Self::start_with_backoff(set, sink, clock, cancel, Backoff::default())
    }

    pub fn start_with_backoff(
        set: SourceSet,
        sink: mpsc::Sender<SignalEvent>,
        clock: Arc<dyn Clock>,
        cancel: CancellationToken,
        backoff: Backoff,
    ) -> SupervisorHandle {
        // A child token: our own shutdown must not cancel the caller's token.
        let stop = cancel.child_token();
        let (resync_tx, resync_rx) = watch::channel(0_u64);
        let (sleep_tx, sleep_rx) = watch::channel(0_u64);
        let (health_tx, health_rx) = watch::channel(HealthMap::new());
        let (events_tx, events_rx) = mpsc::channel(64);
        let resync_tx = Arc::new(resync_tx);

        let mut tasks = JoinSet::new();
        let skipped: Vec<SignalEvent> = set
            .skipped
            .into_iter()
            .map(|skipped| SignalEvent {
                at: clock.now(),
                source: skipped.name,
                signal: Signal::Health(Health::Unsupported(skipped.reason)),
            })
            .collect();
        tasks.spawn(forward(Forwarder {
            skipped,
            events: events_rx,
            sink,
            health: health_tx,
            resync: resync_tx.clone(),
            stop: stop.clone(),
        }));
        for source in set.sources {
            let ctx = SourceContext::new(
                source.name(),
                events_tx.clone(),
                clock.clone(),
                stop.clone(),
                resync_rx.clone(),
                sleep_rx.clone(),
            );
            tasks.spawn(supervise(
                source,
                ctx,
                events_tx.clone(),
                clock.clone(),
                stop.clone(),
                backoff,
            ));
        }

        SupervisorHandle {
            tasks,
            stop,
            resync: resync_tx,
            sleep_ready: sleep_tx,
            health: health_rx,
        }
    }
}

/// Owns the running sources. Dropping it stops them.
pub struct SupervisorHandle {
    tasks: JoinSet<()>,
    stop: CancellationToken,
    resync: Arc<watch::Sender<u64>>,
    sleep_ready: watch::Sender<u64>,
    health: watch::Receiver<HealthMap>,
}

impl fmt::Debug for SupervisorHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SupervisorHandle")
            .field("tasks", &self.tasks.len())
            .field("health", &*self.health.borrow())
            .finish_non_exhaustive()
    }
}

impl SupervisorHandle {
    /// Asks every source to re-read and re-emit its state.
    pub fn resync(&self) {
        self.resync.send_modify(|generation| *generation += 1);
    }

    /// Tells sources that hold a sleep delay (logind's delay inhibitor) that the consumer has
    /// published what it must before sleep, so they can let the machine go now instead of at
    /// their timeout.
    pub fn ready_for_sleep(&self) {
        self.sleep_ready.send_modify(|generation| *generation += 1);
    }

    /// Each source's latest health, for the status stream and the tray.
    pub fn health(&self) -> watch::Receiver<HealthMap> {
        self.health.clone()
    }

    /// Stops every source and waits until all of them have finished.
    pub async fn shutdown(mut self) {
        self.stop.cancel();
        while self.tasks.join_next().await.is_some() {}
    }
}

impl Drop for SupervisorHandle {
    fn drop(&mut self) {
        // Dropping the JoinSet aborts what is left; cancelling first lets sources end cleanly.
        self.stop.cancel();
    }
}

/// How long a stopping source may take to clean up before it is dropped.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// Runs one source until stopped: restarts it after failures with exponential backoff.
async fn supervise(
    mut source: Box<dyn SignalSource>,
    mut ctx: SourceContext,
    events: mpsc::Sender<SignalEvent>,
    clock: Arc<dyn Clock>,
    stop: CancellationToken,
    backoff: Backoff,
) {
    let name = source.name();
    let report = |health: Health| {
        let event = SignalEvent {
            at: clock.now(),
            source: name.clone(),
            signal: Signal::Health(health),
        };
        let events = events.clone();
        async move { events.send(event).await.is_ok() }
    };
    let mut delay = backoff.initial;
    loop {
        let started = Instant::now();
        let run = source.run(&mut ctx);
        tokio::pin!(run);
        let outcome = tokio::select! {
            outcome = &mut run => outcome,
            () = stop.cancelled() => {
                // The source sees `Request::Stop` too: let it clean up (remove its D-Bus
                // watches, end its threads), but not forever.
                let _ = tokio::time::timeout(STOP_GRACE, run).await;
                return;
            }
        };
        if stop.is_cancelled() {
            return;
        }
        let failure = match outcome {
            Err(SourceError::Unsupported(reason)) => {
                tracing::info!(source = %name, %reason, "signal source unsupported on this machine");
                report(Health::Unsupported(reason)).await;
                return;
            }
            Err(SourceError::SinkClosed) => return,
            Ok(()) => "stopped without being asked to".to_owned(),
            Err(error) => error.to_string(),
        };
        if started.elapsed() >= backoff.healthy_after {
            delay = backoff.initial;
        }
        tracing::warn!(source = %name, error = %failure, ?delay, "signal source failed; restarting");
        if !report(Health::Degraded(format!(
            "{failure}; restarting in {}s",
            delay.as_secs_f32()
        )))
        .await
        {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = stop.cancelled() => return,
        }
        delay = backoff.next(delay);
    }
}

struct Forwarder {
    skipped: Vec<SignalEvent>,
    events: mpsc::Receiver<SignalEvent>,
    sink: mpsc::Sender<SignalEvent>,
    health: watch::Sender<HealthMap>,
    resync: Arc<watch::Sender<u64>>,
    stop: CancellationToken,
}

/// Passes events on, keeps the health map, drops repeated health reports and turns a `Resumed`
/// from any source into a resync of all of them.
async fn forward(mut forwarder: Forwarder) {
    let skipped = std::mem::take(&mut forwarder.skipped);
    for event in skipped {
        if !forwarder.pass(event).await {
            return;
        }
    }
    loop {
        let event = tokio::select! {
            event = forwarder.events.recv() => event,
            () = forwarder.stop.cancelled() => return,
        };
        let Some(event) = event else { return };
        if !forwarder.pass(event).await {
            return;
        }
    }
}

impl Forwarder {
    /// Returns false when the sink is gone (and then stops every source).
    async fn pass(&mut self, event: SignalEvent) -> bool {
        if let Signal::Health(health) = &event.signal {
            let mut changed = false;
            self.health.send_if_modified(|map| {
                changed = map.get(&event.source) != Some(health);
                if changed {
                    map.insert(event.source.clone(), health.clone());
                }
                changed
            });
            if !changed {
                return true;
            }
        }
        let resumed = event.signal == Signal::Resumed;
        if self.sink.send(event).await.is_err() {
            self.stop.cancel();
            return false;
        }
        if resumed {
            self.resync.send_modify(|generation| *generation += 1);
        }
        true
    }
}

#[cfg(test)]
mod tests;
