//! Follows the engine's status (and the problems the app knows besides it) and shows what the
//! planner says, off the async runtime (showing a notification is a blocking D-Bus call).

use std::sync::Arc;

use relay_core::clock::Clock;
use relay_engine::EngineStatus;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::planner::{problems_in, NotePlanner, PlannerOptions, Problem};
use crate::Notifier;

/// How the watcher behaves.
#[derive(Clone, Copy, Debug, Default)]
pub struct WatchOptions {
    pub planner: PlannerOptions,
    /// Also announce changes of what Teams shows.
    pub on_state_change: bool,
}

/// Runs until `stop` fires or the status stream ends. `others` carries the problems the app
/// knows outside the engine (keyring unavailable, credential expiry). The status is re-checked
/// at least every minute, so an outage that lasts is announced even if nothing else changes.
pub async fn run(
    mut status: watch::Receiver<EngineStatus>,
    mut others: watch::Receiver<Vec<Problem>>,
    notifier: Arc<dyn Notifier>,
    options: WatchOptions,
    clock: Arc<dyn Clock>,
    stop: CancellationToken,
) {
    let mut planner = NotePlanner::new(options.planner);
    let mut minute = tokio::time::interval(std::time::Duration::from_secs(60));
    let mut daemon_missing_logged = false;
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            changed = status.changed() => if changed.is_err() { return },
            changed = others.changed() => if changed.is_err() { return },
            _ = minute.tick() => {}
        }
        let mut problems = problems_in(&status.borrow_and_update(), options.on_state_change);
        problems.extend(others.borrow_and_update().iter().cloned());
        for note in planner.plan(&problems, clock.now()) {
            let notifier = notifier.clone();
            let shown = tokio::task::spawn_blocking(move || notifier.show(&note)).await;
            match shown {
                Ok(Ok(())) => {}
                // No notification daemon (a kiosk without a desktop shell): say it once.
                Ok(Err(err)) if !daemon_missing_logged => {
                    tracing::info!("{err}; notifications are only logged");
                    daemon_missing_logged = true;
                }
                Ok(Err(_)) => {}
                Err(err) => tracing::warn!("the notification task failed: {err}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use chrono::TimeZone;
    use relay_core::clock::ManualClock;

    use super::*;
    use crate::{Note, NotifyError};

    #[derive(Debug, Default)]
    struct Recorder(Mutex<Vec<Note>>);

    impl Notifier for Recorder {
        fn show(&self, note: &Note) -> Result<(), NotifyError> {
            self.0.lock().expect("lock").push(note.clone());
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_halt_in_the_status_is_shown_once() {
        let clock = ManualClock::new(
            chrono::Utc
                .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
                .single()
                .expect("valid"),
        );
        let (status_tx, status) = watch::channel(EngineStatus::default());
        let (_others_tx, others) = watch::channel(Vec::new());
        let recorder = Arc::new(Recorder::default());
        let stop = CancellationToken::new();
        let task = tokio::spawn(run(
            status,
            others,
            recorder.clone(),
            WatchOptions::default(),
            Arc::new(clock),
            stop.clone(),
        ));
        status_tx.send_modify(|s| s.writes_halted = Some("Admin consent is missing.".into()));
        status_tx.send_modify(|s| s.updated_at = None);
        // Wait (bounded) until the watcher has handled both changes.
        for _ in 0..200 {
            if !recorder.0.lock().expect("lock").is_empty() {
                break;
            }
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        stop.cancel();
        task.await.expect("ends");
        let notes = recorder.0.lock().expect("lock").clone();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].title, "Teams presence is not being updated");
    }
}
