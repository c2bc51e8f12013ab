use std::sync::Mutex;

use chrono::TimeZone;
use relay_core::clock::ManualClock;

use super::*;
use crate::event::Tri;
use crate::source::Request;

fn clock() -> Arc<dyn Clock> {
    Arc::new(ManualClock::new(
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 27, 8, 0, 0)
            .single()
            .expect("valid"),
    ))
}

fn start(sources: Vec<Box<dyn SignalSource>>) -> (SupervisorHandle, mpsc::Receiver<SignalEvent>) {
    let (tx, rx) = mpsc::channel(64);
    let set = SourceSet {
        sources,
        skipped: Vec::new(),
    };
    (
        Supervisor::start(set, tx, clock(), CancellationToken::new()),
        rx,
    )
}

async fn next(rx: &mut mpsc::Receiver<SignalEvent>) -> (String, Signal) {
    let event = rx.recv().await.expect("an event");
    (event.source.to_string(), event.signal)
}

/// Fails every run after `runs_for`; records when each run started (tokio time).
#[derive(Debug)]
struct Flaky {
    starts: Arc<Mutex<Vec<Instant>>>,
    runs_for: Duration,
}

#[async_trait::async_trait]
impl SignalSource for Flaky {
    fn name(&self) -> SourceName {
        SourceName::fixed("flaky")
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        self.starts
            .lock()
            .expect("not poisoned")
            .push(Instant::now());
        ctx.report(Health::Live).await?;
        tokio::time::sleep(self.runs_for).await;
        Err(SourceError::failed("reading the fake", "it broke"))
    }
}

fn gaps(starts: &[Instant]) -> Vec<Duration> {
    starts.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test(start_paused = true)]
async fn failed_sources_restart_with_doubling_backoff_and_report_why() {
    let starts = Arc::new(Mutex::new(Vec::new()));
    let flaky = Flaky {
        starts: starts.clone(),
        runs_for: Duration::ZERO,
    };
    let (handle, mut rx) = start(vec![Box::new(flaky)]);
    assert_eq!(
        next(&mut rx).await,
        ("flaky".into(), Signal::Health(Health::Live))
    );
    assert_eq!(
        next(&mut rx).await,
        (
            "flaky".into(),
            Signal::Health(Health::Degraded(
                "reading the fake: it broke; restarting in 1s".into()
            ))
        )
    );
    for _ in 0..6 {
        next(&mut rx).await;
    }
    handle.shutdown().await;
    let starts = starts.lock().expect("not poisoned").clone();
    assert_eq!(
        gaps(&starts)[..3],
        [
            Duration::from_secs(1),
            Duration::from_secs(2),
            Duration::from_secs(4)
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn backoff_caps_and_resets_after_a_healthy_run() {
    let backoff = Backoff::default();
    assert_eq!(
        backoff.next(Duration::from_secs(200)),
        Duration::from_secs(300)
    );
    assert_eq!(
        backoff.next(Duration::from_secs(300)),
        Duration::from_secs(300)
    );

    let starts = Arc::new(Mutex::new(Vec::new()));
    let long_runner = Flaky {
        starts: starts.clone(),
        runs_for: backoff.healthy_after,
    };
    let (handle, mut rx) = start(vec![Box::new(long_runner)]);
    // Live, degraded, live, degraded, live: three runs.
    for _ in 0..5 {
        next(&mut rx).await;
    }
    handle.shutdown().await;
    let starts = starts.lock().expect("not poisoned").clone();
    let after_healthy_runs = backoff.healthy_after + backoff.initial;
    assert_eq!(gaps(&starts), [after_healthy_runs, after_healthy_runs]);
}

#[derive(Debug)]
struct Missing {
    runs: Arc<Mutex<u32>>,
}

#[async_trait::async_trait]
impl SignalSource for Missing {
    fn name(&self) -> SourceName {
        SourceName::fixed("missing")
    }

    async fn run(&mut self, _ctx: &mut SourceContext) -> Result<(), SourceError> {
        *self.runs.lock().expect("not poisoned") += 1;
        Err(SourceError::Unsupported("no such API here".into()))
    }
}

#[tokio::test(start_paused = true)]
async fn unsupported_sources_are_reported_and_not_restarted() {
    let runs = Arc::new(Mutex::new(0));
    let (handle, mut rx) = start(vec![Box::new(Missing { runs: runs.clone() })]);
    assert_eq!(
        next(&mut rx).await,
        (
            "missing".into(),
            Signal::Health(Health::Unsupported("no such API here".into()))
        )
    );
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(*runs.lock().expect("not poisoned"), 1);
    assert_eq!(
        handle.health().borrow().get(&SourceName::fixed("missing")),
        Some(&Health::Unsupported("no such API here".into()))
    );
}

/// Emits its state on start and on every resync; resumes when told through `wake`.
#[derive(Debug)]
struct Echo {
    name: &'static str,
    wake: Option<tokio::sync::oneshot::Receiver<()>>,
}

#[async_trait::async_trait]
impl SignalSource for Echo {
    fn name(&self) -> SourceName {
        SourceName::fixed(self.name)
    }

    async fn run(&mut self, ctx: &mut SourceContext) -> Result<(), SourceError> {
        ctx.report(Health::Live).await?;
        ctx.report(Health::Live).await?; // repeats are dropped by the supervisor
        ctx.emit(Signal::Dnd(Tri::Off)).await?;
        let mut wake = self.wake.take();
        loop {
            let woke = async {
                match wake.as_mut() {
                    Some(rx) => {
                        let _ = rx.await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = woke => {
                    wake = None;
                    ctx.emit(Signal::Resumed).await?;
                }
                request = ctx.next_request() => match request {
                    Request::Stop => return Ok(()),
                    Request::Resync => ctx.emit(Signal::Dnd(Tri::Off)).await?,
                },
            }
        }
    }
}

#[tokio::test]
async fn a_resume_from_one_source_makes_every_source_reread_and_health_repeats_are_dropped() {
    let (wake_tx, wake_rx) = tokio::sync::oneshot::channel();
    let (tx, mut rx) = mpsc::channel(64);
    let mut set = SourceSet::default();
    set.skip(SourceName::fixed("absent"), "not on this machine");
    set.push(Echo {
        name: "power",
        wake: Some(wake_rx),
    });
    let handle = Supervisor::start(set, tx, clock(), CancellationToken::new());

    assert_eq!(
        next(&mut rx).await,
        (
            "absent".into(),
            Signal::Health(Health::Unsupported("not on this machine".into()))
        ),
        "skipped sources are reported first"
    );
    assert_eq!(
        next(&mut rx).await,
        ("power".into(), Signal::Health(Health::Live))
    );
    assert_eq!(next(&mut rx).await, ("power".into(), Signal::Dnd(Tri::Off)));
    wake_tx.send(()).expect("source waiting");
    assert_eq!(next(&mut rx).await, ("power".into(), Signal::Resumed));
    assert_eq!(
        next(&mut rx).await,
        ("power".into(), Signal::Dnd(Tri::Off)),
        "re-read after the resume"
    );
    handle.resync();
    assert_eq!(next(&mut rx).await, ("power".into(), Signal::Dnd(Tri::Off)));
    let at = rx.try_recv();
    assert!(at.is_err(), "nothing else was sent: {at:?}");
    handle.shutdown().await;
}

#[tokio::test]
async fn dropping_the_receiver_stops_every_source() {
    let (handle, rx) = start(vec![Box::new(Echo {
        name: "echo",
        wake: None,
    })]);
    drop(rx);
    // shutdown returns only when every task has finished.
    handle.shutdown().await;
}
