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

/// Input activity, for "idle for at least N minutes" with hysteresis: once someone has been
/// idle, input must go on for [`IdleTrack::exit_after`] before they count as back, so a single
/// touch of the mouse (a cleaner passing by) does not end "away".
///
/// Sources report either regularly (polled idle time) or only at edges (0 when input resumes,
/// n > 0 once no input came for their threshold). Both fit: a report below
/// [`ACTIVE_BELOW_SECONDS`] means "active as of now, until told otherwise"; a larger one means
/// "idle since `at - n`".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleTrack {
    /// When input stopped, while the desk is idle.
    pub idle_since: Option<DateTime<Utc>>,
    /// When input resumed after an idle stretch, while hysteresis is in effect.
    pub active_since: Option<DateTime<Utc>>,
    /// Length of the idle stretch (or stretches broken only by touches) that hysteresis holds.
    pub gap_in_effect: Duration,
    /// Whether any source ever reported.
    pub known: bool,
    /// How long input must go on before an idle stretch counts as over.
    pub exit_after: Duration,
    pub stale: bool,
}

/// Idle time below this counts as "input just happened".
pub const ACTIVE_BELOW_SECONDS: i64 = 5;

impl IdleTrack {
    pub fn new(exit_after: Duration) -> Self {
        Self {
            idle_since: None,
            active_since: None,
            gap_in_effect: Duration::zero(),
            known: false,
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
        self.known = true;
        let idle_for = idle_for.max(Duration::zero());
        let input_at = at - idle_for;
        if idle_for < Duration::seconds(ACTIVE_BELOW_SECONDS) {
            if let Some(since) = self.idle_since.take() {
                // Input after a pause: the pause stays in effect until activity has lasted.
                self.gap_in_effect = self.gap_in_effect.max(input_at - since);
                self.active_since = Some(input_at);
            }
            self.expire_hysteresis(at);
        } else {
            // Idle again: if the activity before it was too short, it was only a touch and the
            // earlier pause keeps counting; otherwise it is a fresh stretch.
            if let Some(active) = self.active_since {
                if input_at - active >= self.exit_after {
                    self.gap_in_effect = Duration::zero();
                    self.active_since = None;
                }
            }
            self.idle_since = Some(match self.idle_since {
                Some(since) => since.min(input_at),
                None => input_at,
            });
        }
    }

    fn expire_hysteresis(&mut self, now: DateTime<Utc>) {
        if self
            .active_since
            .is_some_and(|active| now - active >= self.exit_after)
        {
            self.active_since = None;
            self.gap_in_effect = Duration::zero();
        }
    }

    /// Whether the desk counts as idle for at least `min` at `now`.
    pub fn idle_for_at_least(&self, min: Duration, now: DateTime<Utc>) -> bool {
        if self.idle_since.is_some_and(|since| now - since >= min) {
            return true;
        }
        // Hysteresis: a long pause still counts while the activity after it is short.
        self.gap_in_effect >= min
            && match self.active_since {
                Some(active) => self.idle_since.is_some() || now - active < self.exit_after,
                None => false,
            }
    }

    /// When the desk will count as idle for `min` if no input arrives (only while idle).
    pub fn idle_from(&self, min: Duration) -> Option<DateTime<Utc>> {
        self.idle_since.map(|since| since + min)
    }

    /// When the hysteresis of the last pause ends if input goes on.
    pub fn hysteresis_ends(&self) -> Option<DateTime<Utc>> {
        match (self.active_since, self.idle_since) {
            (Some(active), None) => Some(active + self.exit_after),
            _ => None,
        }
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
        assert!(!snapshot.idle.idle_for_at_least(Duration::seconds(1), t(0)));
    }

    #[test]
    fn idle_follows_edge_reports_and_a_touch_does_not_end_it() {
        let five_minutes = Duration::minutes(5);
        let mut snapshot = Snapshot::new(Duration::seconds(15));
        let idle = |s: &Snapshot, at: i64| s.idle.idle_for_at_least(five_minutes, t(at));
        snapshot.apply(Observation::IdleFor(Some(Duration::zero())), t(0));
        assert!(
            !idle(&snapshot, 3600),
            "active until a source says otherwise"
        );
        assert_eq!(snapshot.idle.idle_from(five_minutes), None);
        snapshot.apply(Observation::IdleFor(Some(Duration::seconds(60))), t(60));
        assert!(!idle(&snapshot, 299));
        assert!(idle(&snapshot, 300), "idle since 0");
        // A touch at 600, then idle again 10 s later: still idle (hysteresis).
        snapshot.apply(Observation::IdleFor(Some(Duration::zero())), t(600));
        assert!(idle(&snapshot, 605));
        snapshot.apply(Observation::IdleFor(Some(Duration::seconds(10))), t(610));
        assert!(idle(&snapshot, 611));
        // Input that goes on: back once it has lasted 15 s.
        snapshot.apply(Observation::IdleFor(Some(Duration::zero())), t(720));
        assert!(idle(&snapshot, 734));
        assert_eq!(snapshot.idle.hysteresis_ends(), Some(t(735)));
        assert!(!idle(&snapshot, 735));
    }

    #[test]
    fn polled_idle_times_work_too() {
        let mut snapshot = Snapshot::new(Duration::seconds(15));
        for (at, idle_for) in [(0, 0), (5, 3), (10, 8), (120, 118)] {
            snapshot.apply(
                Observation::IdleFor(Some(Duration::seconds(idle_for))),
                t(at),
            );
        }
        assert_eq!(
            snapshot.idle.idle_since,
            Some(t(2)),
            "the earliest start of the pause"
        );
        assert!(snapshot
            .idle
            .idle_for_at_least(Duration::minutes(1), t(120)));
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
