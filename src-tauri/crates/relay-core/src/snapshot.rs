//! What the machine currently knows about the desk, built from observations of the signal sources.
//!
//! Two rules shape this module:
//! - **Unknown is not off.** A source that cannot read its state reports `None`; the last known
//!   value is kept (marked stale) so a flaky source never flips anyone's presence.
//! - **Time comes in.** Every observation carries the time it was made; nothing reads a clock.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Duration, Utc};

use crate::config::{MachineState, ShowAs};

/// A boolean signal with the time it last changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Signal {
    /// The last known value and since when it has held; `None` if never known.
    pub known: Option<(bool, DateTime<Utc>)>,
    /// The source has since reported that it cannot tell; the value is kept but may be old.
    pub stale: bool,
}

impl Signal {
    fn observe(&mut self, value: Option<bool>, at: DateTime<Utc>) {
        match value {
            None => self.stale = true,
            Some(value) => {
                self.stale = false;
                match self.known {
                    Some((old, _)) if old == value => {}
                    _ => self.known = Some((value, at)),
                }
            }
        }
    }

    pub fn value(&self) -> Option<bool> {
        self.known.map(|(value, _)| value)
    }

    /// Whether the signal has had `value` continuously for at least `min` at `now`.
    pub fn held_for(&self, value: bool, min: Duration, now: DateTime<Utc>) -> bool {
        matches!(self.known, Some((v, since)) if v == value && now - since >= min)
    }

    /// When the signal, if it keeps `value`, will have held it for `min`.
    pub fn holds_from(&self, value: bool, min: Duration) -> Option<DateTime<Utc>> {
        match self.known {
            Some((v, since)) if v == value => Some(since + min),
            _ => None,
        }
    }
}

/// Input activity, for "idle for at least N minutes" with hysteresis: once someone has been idle,
/// a single touch of the mouse does not end it; only input spanning
/// [`IdleTrack::exit_after`] does (a cleaner walking past is not a person at the desk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleTrack {
    /// Time of the latest input seen, if any source reported one.
    pub last_input: Option<DateTime<Utc>>,
    /// Longest gap in input since activity was last continuous for `exit_after`.
    pub gap_in_effect: Duration,
    /// First input after the latest gap, while hysteresis is in effect.
    pub active_since: Option<DateTime<Utc>>,
    /// How long input must go on before an idle stretch counts as over.
    pub exit_after: Duration,
    pub stale: bool,
}

/// Input closer together than this counts as one continuous stretch of activity. Idle sources
/// report at least every few seconds.
const CONTINUOUS_INPUT: i64 = 10;

impl IdleTrack {
    pub fn new(exit_after: Duration) -> Self {
        Self {
            last_input: None,
            gap_in_effect: Duration::zero(),
            active_since: None,
            exit_after,
            stale: false,
        }
    }

    fn observe(&mut self, idle_for: Option<Duration>, at: DateTime<Utc>) {
        let Some(idle_for) = idle_for else {
            self.stale = true;
            return;
        };
        self.stale = false;
        let input_at = at - idle_for.max(Duration::zero());
        let Some(previous) = self.last_input else {
            self.last_input = Some(input_at);
            return;
        };
        if input_at <= previous {
            return; // no new input (or a source's rounding): nothing changes
        }
        let gap = input_at - previous;
        if gap > Duration::seconds(CONTINUOUS_INPUT) {
            // Input after a pause: a new stretch of activity starts; the longest pause so far
            // stays in effect until that stretch has lasted long enough.
            self.gap_in_effect = self.gap_in_effect.max(gap);
            self.active_since = Some(input_at);
        } else if let Some(since) = self.active_since {
            if input_at - since >= self.exit_after {
                self.gap_in_effect = Duration::zero();
                self.active_since = None;
            }
        }
        self.last_input = Some(input_at);
    }

    /// Whether the desk counts as idle for at least `min` at `now`.
    pub fn idle_for_at_least(&self, min: Duration, now: DateTime<Utc>) -> bool {
        match self.last_input {
            None => false,
            Some(last) => now - last >= min || self.gap_in_effect >= min,
        }
    }

    /// When the desk will count as idle for `min` if no input arrives.
    pub fn idle_from(&self, min: Duration) -> Option<DateTime<Utc>> {
        self.last_input.map(|last| last + min)
    }
}

/// A calendar event instance as the engine sees it. The title is kept only to match rule
/// keywords: it never appears in `Debug` output, logs or the audit log.
#[derive(Clone, PartialEq, Eq)]
pub struct CalendarBlock {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub show_as: ShowAs,
    pub title: String,
}

impl fmt::Debug for CalendarBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CalendarBlock")
            .field("start", &self.start)
            .field("end", &self.end)
            .field("show_as", &self.show_as)
            .finish_non_exhaustive()
    }
}

/// One observation from a signal source; `None` values mean "the source cannot tell".
#[derive(Clone, Debug, PartialEq)]
pub enum Observation {
    ScreenLocked(Option<bool>),
    /// Time since the last keyboard or mouse input.
    IdleFor(Option<Duration>),
    DoNotDisturb(Option<bool>),
    Presentation(Option<bool>),
    /// The machine is about to sleep, or the session is ending.
    Machine(MachineState),
    /// The machine woke up or the session became active again.
    Resumed,
    /// The current blocks of one calendar (replacing what was known).
    Calendar {
        id: String,
        blocks: Vec<CalendarBlock>,
    },
    /// A calendar source cannot read its calendar; its last blocks are kept.
    CalendarUnavailable {
        id: String,
    },
}

/// Everything the rules can look at.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub screen_locked: Signal,
    pub idle: IdleTrack,
    pub do_not_disturb: Signal,
    pub presentation: Signal,
    pub machine: Option<(MachineState, DateTime<Utc>)>,
    pub calendars: BTreeMap<String, CalendarView>,
}

/// The blocks of one calendar.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CalendarView {
    pub blocks: Vec<CalendarBlock>,
    pub stale: bool,
}

impl Snapshot {
    pub fn new(idle_exit_after: Duration) -> Self {
        Self {
            screen_locked: Signal::default(),
            idle: IdleTrack::new(idle_exit_after),
            do_not_disturb: Signal::default(),
            presentation: Signal::default(),
            machine: None,
            calendars: BTreeMap::new(),
        }
    }

    /// Folds one observation in. Returns whether anything the rules can see changed.
    pub fn apply(&mut self, observation: Observation, at: DateTime<Utc>) -> bool {
        let before = self.clone();
        match observation {
            Observation::ScreenLocked(value) => self.screen_locked.observe(value, at),
            Observation::IdleFor(idle_for) => self.idle.observe(idle_for, at),
            Observation::DoNotDisturb(value) => self.do_not_disturb.observe(value, at),
            Observation::Presentation(value) => self.presentation.observe(value, at),
            Observation::Machine(state) => self.machine = Some((state, at)),
            Observation::Resumed => self.machine = None,
            Observation::Calendar { id, mut blocks } => {
                blocks.sort_by_key(|b| (b.start, b.end));
                self.calendars.insert(
                    id,
                    CalendarView {
                        blocks,
                        stale: false,
                    },
                );
            }
            Observation::CalendarUnavailable { id } => {
                self.calendars.entry(id).or_default().stale = true;
            }
        }
        *self != before
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid")
            + Duration::seconds(seconds)
    }

    #[test]
    fn unknown_keeps_the_last_value_and_marks_it_stale() {
        let mut snapshot = Snapshot::new(Duration::seconds(15));
        snapshot.apply(Observation::ScreenLocked(Some(true)), t(0));
        snapshot.apply(Observation::ScreenLocked(None), t(5));
        assert_eq!(snapshot.screen_locked.value(), Some(true));
        assert!(snapshot.screen_locked.stale);
        assert!(snapshot
            .screen_locked
            .held_for(true, Duration::seconds(10), t(10)));
        snapshot.apply(Observation::ScreenLocked(Some(true)), t(11));
        assert!(!snapshot.screen_locked.stale);
        assert_eq!(
            snapshot.screen_locked.known,
            Some((true, t(0))),
            "since unchanged"
        );
    }

    #[test]
    fn never_known_satisfies_nothing() {
        let snapshot = Snapshot::new(Duration::seconds(15));
        assert!(!snapshot
            .screen_locked
            .held_for(true, Duration::zero(), t(0)));
        assert!(!snapshot
            .screen_locked
            .held_for(false, Duration::zero(), t(0)));
        assert!(!snapshot.idle.idle_for_at_least(Duration::zero(), t(0)));
    }

    #[test]
    fn idle_grows_without_observations_and_ends_after_continuous_input() {
        let five_minutes = Duration::minutes(5);
        let mut snapshot = Snapshot::new(Duration::seconds(15));
        snapshot.apply(Observation::IdleFor(Some(Duration::zero())), t(0));
        assert!(!snapshot.idle.idle_for_at_least(five_minutes, t(299)));
        assert!(snapshot.idle.idle_for_at_least(five_minutes, t(300)));
        // One touch after 10 minutes: still idle (hysteresis).
        snapshot.apply(Observation::IdleFor(Some(Duration::zero())), t(600));
        assert!(snapshot.idle.idle_for_at_least(five_minutes, t(601)));
        // Another lone touch 20 s later: still idle.
        snapshot.apply(Observation::IdleFor(Some(Duration::zero())), t(620));
        assert!(snapshot.idle.idle_for_at_least(five_minutes, t(621)));
        // Continuous input (reports every 5 s) for 15 s ends it.
        for s in [625, 630] {
            snapshot.apply(Observation::IdleFor(Some(Duration::zero())), t(s));
            assert!(
                snapshot.idle.idle_for_at_least(five_minutes, t(s)),
                "at {s}"
            );
        }
        snapshot.apply(Observation::IdleFor(Some(Duration::zero())), t(635));
        assert!(!snapshot.idle.idle_for_at_least(five_minutes, t(635)));
        snapshot.apply(Observation::IdleFor(Some(Duration::seconds(1))), t(641));
        assert!(!snapshot.idle.idle_for_at_least(five_minutes, t(641)));
        // And the clock starts again from the latest input.
        assert_eq!(snapshot.idle.idle_from(five_minutes), Some(t(940)));
    }

    #[test]
    fn apply_reports_whether_anything_changed() {
        let mut snapshot = Snapshot::new(Duration::seconds(15));
        assert!(snapshot.apply(Observation::DoNotDisturb(Some(true)), t(0)));
        assert!(!snapshot.apply(Observation::DoNotDisturb(Some(true)), t(5)));
        assert!(snapshot.apply(Observation::Machine(MachineState::Suspending), t(6)));
        assert!(snapshot.apply(Observation::Resumed, t(60)));
        assert!(snapshot.machine.is_none());
    }

    #[test]
    fn calendar_titles_stay_out_of_debug_output() {
        let block = CalendarBlock {
            start: t(0),
            end: t(60),
            show_as: ShowAs::Busy,
            title: "Secret merger talks".into(),
        };
        assert!(!format!("{block:?}").contains("merger"));
    }
}
