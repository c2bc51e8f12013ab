//! The one trait every signal source implements, and the context a source runs in.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use relay_core::clock::Clock;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::event::{Health, Signal, SignalEvent, SourceName};

/// One OS mechanism that reports signals (logind, the GNOME screensaver, the Win32 session
/// window, ...).
///
/// Contract for [`run`](SignalSource::run):
/// 1. Report [`Health`] first: `Live` once subscribed, `Unsupported` when the machine lacks the
///    mechanism, `Degraded` when it is there but unreadable.
/// 2. Emit a snapshot of the current state, then every change.
/// 3. On [`Request::Resync`] (sent after a resume) re-read and emit the state again.
/// 4. Return `Ok(())` on [`Request::Stop`]; return an error to be restarted with backoff, or
///    [`SourceError::Unsupported`] to be left stopped.
///
/// A source holds only its configuration and injected connections; every `run` starts from
/// scratch, so the supervisor can call it again after a failure. Sources never report an
/// unreadable value as "off": they say [`crate::Tri::Unknown`] or degrade their health.
#[async_trait::async_trait]
pub trait SignalSource: Send + fmt::Debug {
    fn name(&self) -> SourceName;

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError>;
}

/// Why a source stopped.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The mechanism is not available on this machine; the supervisor reports the reason as
    /// `Unsupported` health and does not restart the source.
    #[error("{0}")]
    Unsupported(String),
    /// The receiver of the events is gone, so there is nobody to report to.
    #[error("the signal event receiver was dropped; the source stops")]
    SinkClosed,
    /// Something failed that a restart may fix. `what` names the call and the object.
    #[error("{what}: {source}")]
    Failed {
        what: String,
        #[source]
        source: Box<dyn StdError + Send + Sync>,
    },
}

impl SourceError {
    pub fn failed(
        what: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self::Failed {
            what: what.into(),
            source: source.into(),
        }
    }
}

/// What the supervisor asks of a running source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// Stop and return `Ok(())`.
    Stop,
    /// Re-read the whole state and emit it (the machine resumed, or someone asked).
    Resync,
}

/// Everything a running source may use: where to send events, the clock that stamps them, and
/// the supervisor's requests.
#[derive(Debug)]
pub struct SourceContext {
    name: SourceName,
    events: mpsc::Sender<SignalEvent>,
    clock: Arc<dyn Clock>,
    stop: CancellationToken,
    resync: watch::Receiver<u64>,
    sleep_ready: watch::Receiver<u64>,
}

impl SourceContext {
    pub(crate) fn new(
        name: SourceName,
        events: mpsc::Sender<SignalEvent>,
        clock: Arc<dyn Clock>,
        stop: CancellationToken,
        resync: watch::Receiver<u64>,
        sleep_ready: watch::Receiver<u64>,
    ) -> Self {
        Self {
            name,
            events,
            clock,
            stop,
            resync,
            sleep_ready,
        }
    }

    /// The injected clock's current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Stamps `signal` with the clock and this source's name and sends it on.
    pub async fn emit(&self, signal: Signal) -> Result<(), SourceError> {
        let event = SignalEvent {
            at: self.clock.now(),
            source: self.name.clone(),
            signal,
        };
        self.events
            .send(event)
            .await
            .map_err(|_| SourceError::SinkClosed)
    }

    /// Reports this source's health (the supervisor drops repeats).
    pub async fn report(&self, health: Health) -> Result<(), SourceError> {
        self.emit(Signal::Health(health)).await
    }

    /// Waits for the next request. Cancel-safe: use it as one arm of a `select!`.
    pub async fn next_request(&mut self) -> Request {
        tokio::select! {
            biased;
            () = self.stop.cancelled() => Request::Stop,
            changed = self.resync.changed() => match changed {
                Ok(()) => Request::Resync,
                // The supervisor is gone: nobody will ask for anything again.
                Err(_) => Request::Stop,
            },
        }
    }

    /// Whether stopping was requested.
    pub fn is_stopping(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// A waiter for the consumer's "ready for sleep" acknowledgement (see
    /// [`crate::SupervisorHandle::ready_for_sleep`]). Take it *before* emitting
    /// [`Signal::Suspending`], then await [`SleepReady::acknowledged`].
    pub fn sleep_ready(&self) -> SleepReady {
        let mut receiver = self.sleep_ready.clone();
        receiver.mark_unchanged();
        SleepReady { receiver }
    }
}

/// Resolves once the consumer says it has done what it must before the machine sleeps.
#[derive(Debug)]
pub struct SleepReady {
    receiver: watch::Receiver<u64>,
}

impl SleepReady {
    pub async fn acknowledged(mut self) {
        if self.receiver.changed().await.is_err() {
            // The supervisor is gone; nobody will acknowledge, so the caller's timeout decides.
            std::future::pending::<()>().await;
        }
    }
}
