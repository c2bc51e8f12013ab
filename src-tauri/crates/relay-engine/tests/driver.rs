//! The real-time driver: observations reach Graph promptly, commands apply, and cancelling
//! releases what we hold. A recording writer stands in for Graph (behind our own trait).

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use relay_config::ConfigParser;
use relay_core::clock::Clock;
use relay_core::planner::Write;
use relay_core::snapshot::Observation;
use relay_engine::{
    describe, Engine, EngineCommand, EngineOptions, Observed, PresenceWriter, Reconciler,
    WriteFailure,
};
use tokio_util::sync::CancellationToken;

const USER: &str = "3f1c2a9e-8b7d-4e6f-9a01-23456789abcd";

#[derive(Debug, Default)]
struct Recorder {
    writes: Mutex<Vec<String>>,
}

impl Recorder {
    fn writes(&self) -> Vec<String> {
        self.writes.lock().expect("lock").clone()
    }
}

#[async_trait]
impl PresenceWriter for Recorder {
    async fn write(&self, writes: &[(String, Write)]) -> Vec<Result<(), WriteFailure>> {
        let mut log = self.writes.lock().expect("lock");
        writes
            .iter()
            .map(|(_, write)| {
                log.push(describe(write));
                Ok(())
            })
            .collect()
    }

    async fn read(&self, _users: &[String]) -> Result<Vec<Observed>, WriteFailure> {
        Ok(Vec::new())
    }
}

/// Wall-clock "now" that follows tokio's (paused) clock.
#[derive(Debug)]
struct TokioTime {
    base: DateTime<Utc>,
    start: tokio::time::Instant,
}

impl Clock for TokioTime {
    fn now(&self) -> DateTime<Utc> {
        self.base + chrono::Duration::from_std(self.start.elapsed()).expect("small duration")
    }
}

fn reconciler(writer: Arc<Recorder>) -> Reconciler {
    let config = serde_json::json!({
        "schema_version": 1,
        "users": [{"display_name": "Ada", "object_id": USER}],
        "rules": [{"name": "Here", "when": {"screen": {"locked": false}}, "then": {"intent": "available"}}]
    });
    let config = ConfigParser::new()
        .parse(&config.to_string())
        .expect("valid")
        .config;
    Reconciler::new(
        config,
        writer,
        EngineOptions {
            readback: false,
            ..EngineOptions::default()
        },
    )
}

/// Lets the engine task run until it is idle (paused time advances only when all tasks wait).
async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn observations_commands_and_shutdown_reach_graph() {
    let writer = Arc::new(Recorder::default());
    let clock = Arc::new(TokioTime {
        base: Utc
            .with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
            .single()
            .expect("valid"),
        start: tokio::time::Instant::now(),
    });
    let cancel = CancellationToken::new();
    let engine = Engine::start(reconciler(writer.clone()), clock.clone(), cancel.clone());
    settle().await;
    // At start nothing is known: only the session we might hold from before is cleared.
    assert_eq!(writer.writes(), ["clearPresence"]);

    engine
        .observations
        .send((Observation::ScreenLocked(Some(false)), clock.now()))
        .await
        .expect("engine listening");
    settle().await;
    assert_eq!(
        writer.writes(),
        ["clearPresence", "setPresence Available/Available PT15M"]
    );
    let status = engine.status.borrow().clone();
    assert_eq!(status.users.len(), 1);
    assert!(status.users[0].holding);

    // The keep-alive comes from the engine's own timer: 4 min plus this user's jitter.
    tokio::time::sleep(std::time::Duration::from_secs(300)).await;
    settle().await;
    assert_eq!(writer.writes().len(), 3, "{:?}", writer.writes());

    engine
        .commands
        .send(EngineCommand::Pause)
        .await
        .expect("engine listening");
    settle().await;
    assert_eq!(
        writer.writes().last().map(String::as_str),
        Some("clearPresence")
    );
    assert!(engine.status.borrow().paused);

    engine
        .commands
        .send(EngineCommand::Resume)
        .await
        .expect("engine listening");
    settle().await;
    assert_eq!(
        writer.writes().last().map(String::as_str),
        Some("setPresence Available/Available PT15M")
    );

    cancel.cancel();
    engine.task.await.expect("engine task ends");
    assert_eq!(
        writer.writes().last().map(String::as_str),
        Some("clearPresence"),
        "quitting releases what we hold"
    );
}
