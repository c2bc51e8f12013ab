//! Runs one [`CalendarRunner`] per configured calendar and turns their updates into
//! observations. A new calendar list (config reload) replaces the runners. The last update of
//! each calendar is kept for the settings window ([`LatestCalendars`]: its Signals page and the
//! rules preview).

use std::collections::BTreeMap;
use std::sync::Arc;

use relay_calendar::runner::{CalendarRunner, CalendarUpdate, RunnerOptions, SourceHealth};
use relay_core::clock::Clock;
use relay_core::config::Calendar;
use relay_core::snapshot::{CalendarBlock, Observation};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::Observations;

/// An update -> what the rules see. Titles are handed over (rules match keywords against them)
/// but never logged: `CalendarBlock`'s Debug leaves them out.
pub fn observation_for(update: &CalendarUpdate) -> Observation {
    if let SourceHealth::Unavailable { .. } = update.health {
        return Observation::CalendarUnavailable {
            id: update.calendar_id.clone(),
        };
    }
    Observation::Calendar {
        id: update.calendar_id.clone(),
        blocks: update
            .blocks
            .iter()
            .map(|block| CalendarBlock {
                start: block.start,
                end: block.end,
                show_as: block.show_as,
                title: block.title().expose().clone(),
            })
            .collect(),
    }
}

/// The last update of each configured calendar, by its `id`: health, state now, and the blocks
/// around now (titles included; they stay in the process).
pub type LatestCalendars = BTreeMap<String, CalendarUpdate>;

/// Keeps the runners in step with the calendar list until `stop` fires.
pub async fn run_calendars(
    mut calendars: watch::Receiver<Vec<Calendar>>,
    observations: Observations,
    latest: watch::Sender<LatestCalendars>,
    clock: Arc<dyn Clock>,
    zone: chrono_tz::Tz,
    stop: CancellationToken,
) {
    let mut list_final = false;
    loop {
        let current = calendars.borrow_and_update().clone();
        // A calendar no longer configured has nothing left to show.
        latest.send_if_modified(|known| {
            let before = known.len();
            known.retain(|id, _| current.iter().any(|calendar| &calendar.id == id));
            known.len() != before
        });
        let generation = stop.child_token();
        let (updates_tx, mut updates) = mpsc::channel::<CalendarUpdate>(16);
        for calendar in &current {
            match CalendarRunner::from_config(
                calendar,
                None,
                clock.clone(),
                RunnerOptions::new(zone),
            ) {
                Ok(runner) => {
                    tokio::spawn(runner.run(updates_tx.clone(), generation.clone()));
                }
                Err(err) => tracing::error!("calendar {:?}: {err}", calendar.id),
            }
        }
        drop(updates_tx);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                // A closed list (no config watcher) only means it will not change again: the
                // runners keep going until `stop`.
                changed = calendars.changed(), if !list_final => {
                    if changed.is_err() {
                        list_final = true;
                        continue;
                    }
                    generation.cancel();
                    break;
                }
                Some(update) = updates.recv() => {
                    if let SourceHealth::Stale { error, .. } | SourceHealth::Unavailable { error } =
                        &update.health
                    {
                        tracing::warn!("calendar {:?}: {error}", update.calendar_id);
                    }
                    let observation = observation_for(&update);
                    let at = update.at;
                    latest.send_modify(|known| {
                        known.insert(update.calendar_id.clone(), update);
                    });
                    if observations.send((observation, at)).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use relay_calendar::{Block, CalendarState};
    use relay_core::config::ShowAs;
    use relay_core::Sensitive;

    use super::*;

    fn update(health: SourceHealth) -> CalendarUpdate {
        let start = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid");
        CalendarUpdate {
            calendar_id: "desk".into(),
            at: start,
            state: CalendarState {
                active: Vec::new(),
                strongest: None,
                next_change: None,
            },
            by_keywords: Vec::new(),
            health,
            blocks: Arc::from(vec![Block::new(
                start,
                start + chrono::Duration::hours(1),
                ShowAs::Busy,
                false,
                Sensitive::new("Board meeting".to_owned()),
            )]),
        }
    }

    #[test]
    fn blocks_become_an_observation_and_a_dead_source_says_unavailable() {
        let Observation::Calendar { id, blocks } = observation_for(&update(SourceHealth::Live))
        else {
            panic!("expected blocks");
        };
        assert_eq!(id, "desk");
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].show_as, ShowAs::Busy);
        assert_eq!(blocks[0].title, "Board meeting");
        assert_eq!(
            observation_for(&update(SourceHealth::Unavailable {
                error: "404".into()
            })),
            Observation::CalendarUnavailable { id: "desk".into() }
        );
    }
}
