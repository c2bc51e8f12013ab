//! Sources that poll an OS reading (Windows and macOS idle time, Windows presentation state and
//! quiet hours). The OS call sits behind a small probe trait, so the source logic (snapshot,
//! change detection, unknown-is-not-off, resync) is tested on any OS with paused tokio time.

use std::fmt;
use std::time::Duration;

use tokio::time::MissedTickBehavior;

use crate::event::{Health, Signal, SourceName, Tri};
use crate::idle::IdleEdges;
use crate::source::{Request, SignalSource, SourceContext, SourceError};

/// Why a probe could not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// The OS does not offer this (API missing from the system library, feature absent).
    #[error("{0}")]
    Unsupported(String),
    /// The call exists but failed this time.
    #[error("{0}")]
    Failed(String),
}

/// Reads the time since the last user input.
pub trait IdleProbe: Send + fmt::Debug {
    fn idle_for(&mut self) -> Result<Duration, ProbeError>;
}

/// Reads an on / off / unknown state (presentation mode, quiet hours).
pub trait TriProbe: Send + fmt::Debug {
    fn read(&mut self) -> Result<Tri, ProbeError>;
}

/// Polls an [`IdleProbe`] and reports idle edges (see [`crate::idle`]).
#[derive(Debug)]
pub struct IdlePollSource<P> {
    name: SourceName,
    probe: P,
    every: Duration,
    threshold: Duration,
}

impl<P: IdleProbe> IdlePollSource<P> {
    /// Polls every `threshold / 4` (at least once a second), so a return of input is seen
    /// within a few seconds and no input burst between two polls is missed.
    pub fn new(name: SourceName, probe: P, threshold: Duration) -> Self {
        let every = (threshold / 4).max(Duration::from_secs(1));
        Self {
            name,
            probe,
            every,
            threshold,
        }
    }
}

#[async_trait::async_trait]
impl<P: IdleProbe> SignalSource for IdlePollSource<P> {
    fn name(&self) -> SourceName {
        self.name.clone()
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        let mut edges = IdleEdges::new(self.threshold);
        let mut ticks = tokio::time::interval(self.every);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut healthy = None;
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                request = ctx.next_request() => match request {
                    Request::Stop => return Ok(()),
                    Request::Resync => edges.forget(),
                },
            }
            match self.probe.idle_for() {
                Ok(idle) => {
                    if healthy != Some(true) {
                        ctx.report(Health::Live).await?;
                        healthy = Some(true);
                    }
                    if let Some(value) = edges.observe(idle) {
                        ctx.emit(Signal::Idle(value)).await?;
                    }
                }
                Err(ProbeError::Unsupported(reason)) => {
                    return Err(SourceError::Unsupported(reason))
                }
                Err(ProbeError::Failed(reason)) => {
                    if healthy != Some(false) {
                        ctx.report(Health::Degraded(reason)).await?;
                        healthy = Some(false);
                    }
                    // The next good reading is a fresh snapshot.
                    edges.forget();
                }
            }
        }
    }
}

/// Polls a [`TriProbe`] and reports its value when it changes. A failed read reports
/// `Unknown` (never `Off`) and degraded health.
#[derive(Debug)]
pub struct TriPollSource<P> {
    name: SourceName,
    probe: P,
    every: Duration,
    signal: fn(Tri) -> Signal,
}

impl<P: TriProbe> TriPollSource<P> {
    /// `signal` wraps the value, e.g. `Signal::Dnd`.
    pub fn new(name: SourceName, probe: P, every: Duration, signal: fn(Tri) -> Signal) -> Self {
        Self {
            name,
            probe,
            every,
            signal,
        }
    }
}

#[async_trait::async_trait]
impl<P: TriProbe> SignalSource for TriPollSource<P> {
    fn name(&self) -> SourceName {
        self.name.clone()
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        let mut ticks = tokio::time::interval(self.every);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last: Option<Tri> = None;
        let mut health: Option<Health> = None;
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                request = ctx.next_request() => match request {
                    Request::Stop => return Ok(()),
                    Request::Resync => last = None,
                },
            }
            let (value, now_health) = match self.probe.read() {
                Ok(value) => (value, Health::Live),
                Err(ProbeError::Unsupported(reason)) => {
                    return Err(SourceError::Unsupported(reason))
                }
                Err(ProbeError::Failed(reason)) => (Tri::Unknown, Health::Degraded(reason)),
            };
            if health.as_ref() != Some(&now_health) {
                ctx.report(now_health.clone()).await?;
                health = Some(now_health);
            }
            if last != Some(value) {
                ctx.emit((self.signal)(value)).await?;
                last = Some(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Arc;

    use relay_core::clock::SystemClock;
    use tokio::sync::mpsc;
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::supervisor::{SourceSet, Supervisor};

    /// Replays readings, one per poll; repeats the last one.
    #[derive(Debug)]
    struct Script<T: Clone>(VecDeque<Result<T, ProbeError>>);

    impl<T: Clone> Script<T> {
        fn next(&mut self) -> Result<T, ProbeError> {
            if self.0.len() > 1 {
                self.0.pop_front().expect("not empty")
            } else {
                self.0.front().cloned().expect("a reading")
            }
        }
    }

    impl IdleProbe for Script<Duration> {
        fn idle_for(&mut self) -> Result<Duration, ProbeError> {
            self.next()
        }
    }

    impl TriProbe for Script<Tri> {
        fn read(&mut self) -> Result<Tri, ProbeError> {
            self.next()
        }
    }

    fn run(
        source: impl SignalSource + 'static,
    ) -> (crate::SupervisorHandle, mpsc::Receiver<crate::SignalEvent>) {
        let (tx, rx) = mpsc::channel(64);
        let mut set = SourceSet::default();
        set.push(source);
        let handle = Supervisor::start(set, tx, Arc::new(SystemClock), CancellationToken::new());
        (handle, rx)
    }

    async fn signals(rx: &mut mpsc::Receiver<crate::SignalEvent>, count: usize) -> Vec<Signal> {
        let mut out = Vec::new();
        for _ in 0..count {
            out.push(rx.recv().await.expect("event").signal);
        }
        out
    }

    fn secs(s: u64) -> Result<Duration, ProbeError> {
        Ok(Duration::from_secs(s))
    }

    #[tokio::test(start_paused = true)]
    async fn idle_poll_reports_health_snapshot_and_edges_only() {
        let readings = [
            secs(5),
            secs(20),
            secs(35),
            secs(61),
            secs(76),
            secs(2),
            secs(7),
        ];
        let source = IdlePollSource::new(
            SourceName::fixed("idle"),
            Script(readings.into_iter().collect()),
            Duration::from_secs(60),
        );
        assert_eq!(source.every, Duration::from_secs(15));
        let (handle, mut rx) = run(source);
        assert_eq!(
            signals(&mut rx, 4).await,
            [
                Signal::Health(Health::Live),
                Signal::Idle(Duration::ZERO),
                Signal::Idle(Duration::from_secs(61)),
                Signal::Idle(Duration::ZERO),
            ]
        );
        handle.shutdown().await;
    }

    #[tokio::test(start_paused = true)]
    async fn failed_idle_reads_degrade_and_the_next_good_read_is_a_snapshot() {
        let readings = [
            secs(5),
            Err(ProbeError::Failed("GetLastInputInfo failed".into())),
            secs(6),
        ];
        let source = IdlePollSource::new(
            SourceName::fixed("idle"),
            Script(readings.into_iter().collect()),
            Duration::from_secs(60),
        );
        let (handle, mut rx) = run(source);
        assert_eq!(
            signals(&mut rx, 5).await,
            [
                Signal::Health(Health::Live),
                Signal::Idle(Duration::ZERO),
                Signal::Health(Health::Degraded("GetLastInputInfo failed".into())),
                Signal::Health(Health::Live),
                Signal::Idle(Duration::ZERO),
            ]
        );
        handle.shutdown().await;
    }

    #[tokio::test(start_paused = true)]
    async fn tri_poll_reports_changes_and_unknown_when_unreadable_never_off() {
        let readings = [
            Ok(Tri::Off),
            Ok(Tri::Off),
            Ok(Tri::On),
            Err(ProbeError::Failed("WNF read failed".into())),
            Ok(Tri::On),
        ];
        let source = TriPollSource::new(
            SourceName::fixed("dnd"),
            Script(readings.into_iter().collect()),
            Duration::from_secs(5),
            Signal::Dnd,
        );
        let (handle, mut rx) = run(source);
        assert_eq!(
            signals(&mut rx, 7).await,
            [
                Signal::Health(Health::Live),
                Signal::Dnd(Tri::Off),
                Signal::Dnd(Tri::On),
                Signal::Health(Health::Degraded("WNF read failed".into())),
                Signal::Dnd(Tri::Unknown),
                Signal::Health(Health::Live),
                Signal::Dnd(Tri::On),
            ]
        );
        handle.shutdown().await;
    }

    #[tokio::test(start_paused = true)]
    async fn an_unsupported_probe_stops_the_source_as_unsupported() {
        let source = TriPollSource::new(
            SourceName::fixed("dnd"),
            Script(
                [Err(ProbeError::Unsupported(
                    "ntdll has no NtQueryWnfStateData".into(),
                ))]
                .into_iter()
                .collect(),
            ),
            Duration::from_secs(5),
            Signal::Dnd,
        );
        let (handle, mut rx) = run(source);
        assert_eq!(
            signals(&mut rx, 1).await,
            [Signal::Health(Health::Unsupported(
                "ntdll has no NtQueryWnfStateData".into()
            ))]
        );
        handle.shutdown().await;
    }
}
