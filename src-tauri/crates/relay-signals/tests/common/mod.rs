//! Shared test rig: two private buses (session, and a stand-in for the system bus) and a
//! supervisor whose events the test reads in order.
#![allow(dead_code)] // each test binary uses a different part of the rig

use std::sync::Arc;
use std::time::Duration;

use relay_core::clock::SystemClock;
use relay_signals::testing::PrivateBus;
use relay_signals::{Signal, SignalEvent, SignalSource, SourceSet, Supervisor, SupervisorHandle};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// A hang guard, not a performance assertion: generous so a loaded CI machine never trips it.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub struct Buses {
    pub session: PrivateBus,
    pub system: PrivateBus,
}

/// Two private buses, or `None` (with a printed notice) when dbus-daemon is missing.
pub fn buses(test: &str) -> Option<Buses> {
    let session = PrivateBus::start_or_skip(test)?;
    let system = PrivateBus::start_or_skip(test)?;
    Some(Buses { session, system })
}

pub struct Events {
    rx: mpsc::Receiver<SignalEvent>,
    pub handle: SupervisorHandle,
}

impl Events {
    pub fn start(sources: Vec<Box<dyn SignalSource>>) -> Self {
        Self::start_set(SourceSet {
            sources,
            skipped: Vec::new(),
        })
    }

    pub fn start_set(set: SourceSet) -> Self {
        let (tx, rx) = mpsc::channel(256);
        let handle = Supervisor::start(set, tx, Arc::new(SystemClock), CancellationToken::new());
        Self { rx, handle }
    }

    pub async fn next(&mut self) -> SignalEvent {
        match tokio::time::timeout(PATIENCE, self.rx.recv()).await {
            Ok(Some(event)) => event,
            Ok(None) => panic!("the supervisor stopped sending events"),
            Err(_) => panic!("no signal event within {PATIENCE:?}"),
        }
    }

    /// The next event of `source` (events of other sources are skipped).
    pub async fn next_from(&mut self, source: &str) -> Signal {
        loop {
            let event = self.next().await;
            if event.source.as_str() == source {
                return event.signal;
            }
        }
    }

    /// Asserts the next events of `source`, in order.
    pub async fn expect(&mut self, source: &str, expected: &[Signal]) {
        for want in expected {
            let got = self.next_from(source).await;
            assert_eq!(&got, want, "event of {source}");
        }
    }
}
