//! The desk as the preview holds it: the machine's signals now (from the running relay's latest
//! values, or unknown when it is not running) and the calendar blocks already known, turned into
//! the opening events of a timeline.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use relay_api::PreviewSignals;
use relay_core::snapshot::{CalendarBlock, Observation, ACTIVE_BELOW_SECONDS};
use relay_host::translate::{Forward, SignalTranslator};
use relay_host::{LatestCalendars, LatestSignals};
use relay_timeline::{BlockSpec, Event, TimeSpan, TimedEvent};

/// A value and the time it was read (for the screen lock: since when it has held).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading<T> {
    pub value: T,
    pub at: DateTime<Utc>,
}

/// What the desk's signals say now. `None`: unknown (no source reports it, or the relay is not
/// running); the rules treat unknown as neither on nor off, and so does the preview.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeskNow {
    /// Locked or not, and since when.
    pub screen_locked: Option<Reading<bool>>,
    /// The last idle report: the time since the last input, as of `at`.
    pub idle: Option<Reading<Duration>>,
    pub do_not_disturb: Option<bool>,
    pub presentation: Option<bool>,
    /// The blocks each calendar (by config `id`) is known to have.
    pub calendars: BTreeMap<String, Vec<CalendarBlock>>,
}

impl DeskNow {
    /// Nothing known: the relay is not running.
    pub fn unknown() -> Self {
        Self::default()
    }

    /// The running relay's latest signal values, combined as the engine combines them (the
    /// desk counts as locked when any lock source says so, see relay-host's translator).
    pub fn from_latest(latest: &LatestSignals) -> Self {
        let mut events: Vec<_> = latest
            .sources()
            .flat_map(|source| latest.of(source))
            .collect();
        events.sort_by_key(|event| event.at);
        let mut translator = SignalTranslator::default();
        let mut desk = Self::default();
        for event in events {
            let (Forward::Observe(observation) | Forward::ObserveAndSettle(observation)) =
                translator.translate(&event.signal)
            else {
                continue;
            };
            desk.observe(observation, event.at);
        }
        desk
    }

    /// Folds in one observation; an unknown value keeps the last known one (as the engine does).
    /// Adds the blocks each calendar has loaded (a calendar without a good copy has none), so
    /// the preview shows meetings begin and end.
    pub fn with_calendars(mut self, calendars: &LatestCalendars) -> Self {
        for (id, update) in calendars {
            if let Observation::Calendar { blocks, .. } = relay_host::calendar_observation(update) {
                self.calendars.insert(id.clone(), blocks);
            }
        }
        self
    }

    fn observe(&mut self, observation: Observation, at: DateTime<Utc>) {
        match observation {
            // Since when: the first report of a value, not a repeat of it.
            Observation::ScreenLocked(Some(locked))
                if self.screen_locked.map(|held| held.value) != Some(locked) =>
            {
                self.screen_locked = Some(Reading { value: locked, at });
            }
            Observation::IdleFor(Some(idle)) => self.idle = Some(Reading { value: idle, at }),
            Observation::DoNotDisturb(Some(on)) => self.do_not_disturb = Some(on),
            Observation::Presentation(Some(on)) => self.presentation = Some(on),
            // Unknown values, and moments (sleep, logoff, wake) that are no state to hold.
            _ => {}
        }
    }

    /// What the preview assumes, as the window shows it, at `now`.
    pub fn view(&self, now: DateTime<Utc>) -> PreviewSignals {
        PreviewSignals {
            screen_locked: self.screen_locked.map(|held| held.value),
            idle_seconds: self.idle.map(|idle| {
                let seconds = if in_use(idle.value) {
                    Duration::zero()
                } else {
                    idle.value + (now - idle.at).max(Duration::zero())
                };
                u32::try_from(seconds.num_seconds().max(0)).unwrap_or(u32::MAX)
            }),
            do_not_disturb: self.do_not_disturb,
            presentation: self.presentation,
        }
    }

    /// The timeline's opening events for a timeline that starts at `start` and reaches now at
    /// `now_at` (its warm-up). Readings keep their own times where they fall inside the warm-up,
    /// so the engine sees a lock that began two minutes ago as two minutes old; older ones start
    /// with the timeline, which is long enough for every threshold of the rules (see the
    /// caller). Only calendars in `calendar_ids` are listed (a timeline may name no others).
    pub fn opening_events(
        &self,
        start: DateTime<Utc>,
        now_at: TimeSpan,
        calendar_ids: &[&str],
    ) -> Vec<TimedEvent> {
        let offset = |at: DateTime<Utc>| {
            let seconds = u64::try_from((at - start).num_seconds()).unwrap_or(0);
            TimeSpan::from_seconds(seconds.min(now_at.seconds()))
        };
        let mut events = Vec::new();
        for (id, blocks) in &self.calendars {
            if calendar_ids.contains(&id.as_str()) {
                events.push(TimedEvent {
                    at: TimeSpan::ZERO,
                    event: Event::Calendar {
                        calendar: id.clone(),
                        blocks: block_specs(blocks, start),
                    },
                });
            }
        }
        if let Some(on) = self.do_not_disturb {
            events.push(at_start(Event::DoNotDisturb { value: Some(on) }));
        }
        if let Some(on) = self.presentation {
            events.push(at_start(Event::Presentation { value: Some(on) }));
        }
        if let Some(held) = self.screen_locked {
            events.push(TimedEvent {
                at: offset(held.at),
                event: Event::ScreenLocked {
                    value: Some(held.value),
                },
            });
        }
        if let Some(idle) = self.idle {
            let at = offset(idle.at);
            // In use stays in use; idle keeps counting from when input stopped, wherever the
            // report lands.
            let value = if in_use(idle.value) {
                idle.value
            } else {
                idle.value + ((start + at.duration()) - idle.at)
            };
            events.push(TimedEvent {
                at,
                event: Event::Idle {
                    value: Some(span(value)),
                },
            });
        }
        events.sort_by_key(|timed| timed.at);
        events
    }
}

fn at_start(event: Event) -> TimedEvent {
    TimedEvent {
        at: TimeSpan::ZERO,
        event,
    }
}

/// An idle report this short means "input just happened" to the engine.
fn in_use(idle: Duration) -> bool {
    idle < Duration::seconds(ACTIVE_BELOW_SECONDS)
}

fn span(duration: Duration) -> TimeSpan {
    TimeSpan::from_seconds(u64::try_from(duration.num_seconds()).unwrap_or(0))
}

/// Blocks as offsets from `start`; one already under way starts with the timeline (its end, and
/// so `{until}` in messages, stays), one already over is left out.
fn block_specs(blocks: &[CalendarBlock], start: DateTime<Utc>) -> Vec<BlockSpec> {
    blocks
        .iter()
        .filter(|block| block.end > start && block.end > block.start)
        .map(|block| BlockSpec {
            start: span(block.start - start),
            end: span(block.end - start),
            show_as: block.show_as,
            title: block.title.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use relay_core::config::ShowAs;
    use relay_signals::{Signal, SignalEvent, SourceName, Tri};

    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, minute, 0)
            .single()
            .expect("valid time")
    }

    fn event(minute: u32, source: &'static str, signal: Signal) -> SignalEvent {
        SignalEvent {
            at: at(minute),
            source: SourceName::fixed(source),
            signal,
        }
    }

    #[test]
    fn latest_values_combine_as_the_engine_combines_them() {
        let mut latest = LatestSignals::default();
        latest.record(&event(1, "logind", Signal::Locked(false)));
        latest.record(&event(5, "gnome", Signal::Screensaver(true)));
        latest.record(&event(
            6,
            "logind",
            Signal::Idle(std::time::Duration::from_secs(300)),
        ));
        latest.record(&event(7, "gnome", Signal::Dnd(Tri::On)));
        latest.record(&event(8, "gnome", Signal::Presentation(Tri::Unknown)));
        let desk = DeskNow::from_latest(&latest);
        assert_eq!(
            desk.screen_locked,
            Some(Reading {
                value: true,
                at: at(5)
            }),
            "the screensaver locks although the lock hint says unlocked"
        );
        assert_eq!(
            desk.idle,
            Some(Reading {
                value: Duration::seconds(300),
                at: at(6)
            })
        );
        assert_eq!(desk.do_not_disturb, Some(true));
        assert_eq!(desk.presentation, None, "unknown is not off");
        assert_eq!(
            DeskNow::from_latest(&LatestSignals::default()),
            DeskNow::unknown()
        );
    }

    #[test]
    fn calendars_bring_their_blocks_and_one_without_a_copy_brings_none() {
        use relay_calendar::runner::{CalendarUpdate, SourceHealth};
        let update = |id: &str, health: SourceHealth| CalendarUpdate {
            calendar_id: id.into(),
            at: at(0),
            state: relay_calendar::CalendarState {
                active: Vec::new(),
                strongest: None,
                next_change: None,
            },
            by_keywords: Vec::new(),
            health,
            blocks: std::sync::Arc::from(vec![relay_calendar::Block::new(
                at(10),
                at(40),
                ShowAs::Busy,
                false,
                relay_core::Sensitive::new("Interviews".to_owned()),
            )]),
        };
        let calendars = LatestCalendars::from([
            ("desk".to_owned(), update("desk", SourceHealth::Live)),
            (
                "new".to_owned(),
                update(
                    "new",
                    SourceHealth::Unavailable {
                        error: "404".into(),
                    },
                ),
            ),
        ]);
        let desk = DeskNow::unknown().with_calendars(&calendars);
        assert_eq!(
            desk.calendars.keys().collect::<Vec<_>>(),
            ["desk"],
            "{:?}",
            desk.calendars
        );
        assert_eq!(desk.calendars["desk"].len(), 1);
        assert_eq!(desk.calendars["desk"][0].start, at(10));
        assert_eq!(desk.calendars["desk"][0].title, "Interviews");
    }

    #[test]
    fn the_view_counts_idle_time_up_to_now_and_in_use_as_zero() {
        let mut desk = DeskNow {
            idle: Some(Reading {
                value: Duration::seconds(120),
                at: at(10),
            }),
            ..DeskNow::unknown()
        };
        assert_eq!(desk.view(at(12)).idle_seconds, Some(240));
        desk.idle = Some(Reading {
            value: Duration::seconds(1),
            at: at(10),
        });
        assert_eq!(desk.view(at(12)).idle_seconds, Some(0));
        assert_eq!(DeskNow::unknown().view(at(12)), PreviewSignals::default());
    }

    #[test]
    fn readings_keep_their_age_within_the_warm_up_and_older_ones_start_with_it() {
        let desk = DeskNow {
            screen_locked: Some(Reading {
                value: true,
                at: at(8),
            }),
            idle: Some(Reading {
                value: Duration::seconds(60),
                at: at(1),
            }),
            do_not_disturb: Some(false),
            presentation: None,
            calendars: BTreeMap::from([
                (
                    "desk".to_owned(),
                    vec![
                        CalendarBlock {
                            start: at(0),
                            end: at(30),
                            show_as: ShowAs::Busy,
                            title: "Stand-up".into(),
                        },
                        CalendarBlock {
                            start: at(0),
                            end: at(4),
                            show_as: ShowAs::Busy,
                            title: "Over".into(),
                        },
                    ],
                ),
                ("removed".to_owned(), Vec::new()),
            ]),
        };
        // The timeline starts at 09:05 and reaches now (09:10) after 5 minutes.
        let events = desk.opening_events(at(5), TimeSpan::from_seconds(300), &["desk"]);
        let described: Vec<(u64, &Event)> = events
            .iter()
            .map(|timed| (timed.at.seconds(), &timed.event))
            .collect();
        assert_eq!(
            described,
            [
                (
                    0,
                    &Event::Calendar {
                        calendar: "desk".into(),
                        blocks: vec![BlockSpec {
                            start: TimeSpan::ZERO,
                            end: TimeSpan::from_seconds(25 * 60),
                            show_as: ShowAs::Busy,
                            title: "Stand-up".into(),
                        }],
                    }
                ),
                (0, &Event::DoNotDisturb { value: Some(false) }),
                (
                    0,
                    // Idle since 09:00: five minutes idle when the timeline starts at 09:05.
                    &Event::Idle {
                        value: Some(TimeSpan::from_seconds(300))
                    }
                ),
                (180, &Event::ScreenLocked { value: Some(true) }),
            ]
        );
    }
}
