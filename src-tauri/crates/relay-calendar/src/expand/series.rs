//! One recurring series: DTSTART + RRULE + RDATE - EXDATE, then its RECURRENCE-ID overrides.
//!
//! Instances are identified by their *original* start (the RECURRENCE-ID they would have). The
//! master's instances are generated over the window widened by the longest instance, by the
//! largest THISANDFUTURE shift and by a day of slack, so overrides that move an instance into
//! or out of the window are handled whichever way it moves. Overrides are always placed on their
//! own DTSTART, even when their RECURRENCE-ID matches no instance (producers disagree about
//! EXDATE on moved instances; a moved meeting is still a meeting).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use relay_core::Sensitive;

use super::show::show_as;
use super::timing::{Length, Timing, Zones};
use super::{ExpandError, Window};
use crate::block::Block;
use crate::diagnostics::Warning;
use crate::ics::model::{Event, RDate};
use crate::ics::value::DateValue;
use crate::limits::Limits;
use crate::recur::{Occurrences, RecurError, Until};
use crate::zone::Zone;

/// State shared by all series of one expansion.
pub(crate) struct Ctx<'c> {
    pub zones: Zones<'c>,
    pub window: Window,
    pub limits: &'c Limits,
    pub owners: Vec<String>,
    pub steps_left: u64,
    pub blocks: Vec<Block>,
}

/// Why a series could not be expanded.
pub(crate) enum Problem {
    /// Leave this event out, say why.
    Skip(Warning),
    /// Stop the whole expansion.
    Fatal(ExpandError),
}

/// An override, placed.
struct Placed<'e> {
    ev: &'e Event,
    timing: Timing,
}

/// A THISANDFUTURE override as it applies to later instances.
struct Shift<'e> {
    key: i64,
    /// Wall-clock shift in the master's zone.
    delta: Duration,
    length: Length,
    ev: &'e Event,
}

/// An instance before overrides: original wall-clock start, instant, and its own length for
/// RDATE periods.
type Original = (NaiveDateTime, DateTime<Utc>, Option<Length>);

/// `t + d`, or the latest representable instant. Inputs are bounded (years 0-9999, lengths
/// under 100 years), so saturation only guards against mistakes, but it must never panic.
pub(crate) fn add_saturating(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `t - d`, or the earliest representable instant.
pub(crate) fn sub_saturating(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_sub_signed(d).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn until_allows(until: &Until, local: NaiveDateTime, utc: DateTime<Utc>, all_day: bool) -> bool {
    match until {
        Until::Date(d) => local.date() <= *d,
        // Floating UNTIL with a zoned DTSTART breaks RFC 5545 but is common: read it in the
        // event's own zone.
        Until::Floating(u) => local <= *u,
        // For day events, also accept UNTIL's UTC date: `UNTIL=20260131T000000Z` on a
        // DATE-valued series means "through January 31st" wherever the reader is.
        Until::Utc(u) => utc <= *u || (all_day && local.date() <= u.date_naive()),
    }
}

impl<'c> Ctx<'c> {
    /// The identity of an instance: its original start as a timestamp (for day events, the
    /// date's midnight read as UTC, so the default zone cannot blur it).
    fn key(all_day: bool, local: NaiveDateTime, utc: DateTime<Utc>) -> i64 {
        if all_day {
            local
                .date()
                .and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp()
        } else {
            utc.timestamp()
        }
    }

    /// Adds a block for one instance if it overlaps the window and is busy time at all.
    fn emit(
        &mut self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        all_day: bool,
        props: &Event,
        master: &Event,
    ) -> Result<(), Problem> {
        let Some(show) = show_as(props, &self.owners) else {
            return Ok(());
        };
        let block = Block::new(
            start,
            end,
            show,
            all_day,
            Sensitive::new(
                if props.title.expose().is_empty() {
                    master.title.expose()
                } else {
                    props.title.expose()
                }
                .clone(),
            ),
        );
        if !block.overlaps(self.window.from, self.window.to) {
            return Ok(());
        }
        self.blocks.push(block);
        if self.blocks.len() > self.limits.max_blocks {
            return Err(Problem::Fatal(ExpandError::TooManyBlocks {
                limit: self.limits.max_blocks,
            }));
        }
        Ok(())
    }

    /// A lone event: no rule, or an override whose master is not in the calendar.
    pub fn single(&mut self, ev: &Event) -> Result<(), Problem> {
        let t = self.zones.timing(ev, None);
        let end = self.zones.end_of(&t.zone, t.start_local, t.start, t.length);
        self.emit(t.start, end, t.all_day, ev, ev)
    }

    /// A master and its overrides.
    pub fn series(&mut self, master: &Event, overrides: &[&Event]) -> Result<(), Problem> {
        let timing = self.zones.timing(master, None);
        let all_day = timing.all_day;

        // Overrides: exact ones by key (later SEQUENCE wins, then later in the file), and the
        // THISANDFUTURE ones in key order.
        let mut placed: Vec<Placed<'_>> = Vec::new();
        let mut exact: HashMap<i64, (usize, i64)> = HashMap::new();
        let mut exact_dates: HashMap<NaiveDate, (usize, i64)> = HashMap::new();
        let mut shifts: Vec<Shift<'_>> = Vec::new();
        for ev in overrides {
            let Some(rid) = &ev.recurrence_id else {
                continue;
            };
            let ov_timing = self.zones.timing(ev, Some(timing.length));
            let (key, date_key, rid_local) = match rid {
                DateValue::Date(d) if !all_day => {
                    let local = d.and_time(chrono::NaiveTime::MIN);
                    (timing.zone.to_utc(local).timestamp(), Some(*d), local)
                }
                _ if all_day => {
                    let local = rid.naive().date().and_time(chrono::NaiveTime::MIN);
                    (Self::key(true, local, local.and_utc()), None, local)
                }
                _ => {
                    let utc = self.zones.instant(rid, &timing.zone, ev.line);
                    (utc.timestamp(), None, timing.zone.to_local(utc))
                }
            };
            if ev.this_and_future {
                let new_local = if all_day {
                    ov_timing.start_local
                } else {
                    timing.zone.to_local(ov_timing.start)
                };
                shifts.push(Shift {
                    key,
                    delta: new_local - rid_local,
                    length: ov_timing.length,
                    ev,
                });
            }
            let index = placed.len();
            let slot = match date_key {
                Some(d) => exact_dates.entry(d).or_insert((index, ev.sequence)),
                None => exact.entry(key).or_insert((index, ev.sequence)),
            };
            if ev.sequence >= slot.1 {
                *slot = (index, ev.sequence);
            }
            placed.push(Placed {
                ev,
                timing: ov_timing,
            });
        }
        shifts.sort_by_key(|s| s.key);

        // The range of original starts that can reach the window.
        let longest = shifts
            .iter()
            .map(|s| s.length.max_elapsed())
            .chain([timing.length.max_elapsed()])
            .max()
            .unwrap_or_else(Duration::zero);
        let max_shift = shifts
            .iter()
            .map(|s| s.delta.abs())
            .max()
            .unwrap_or_else(Duration::zero);
        let slack = Duration::days(1);
        let lo = sub_saturating(self.window.from, longest + max_shift + slack);
        let hi = add_saturating(self.window.to, max_shift + slack);

        let mut originals = self.originals(master, &timing, lo, hi)?;
        originals.sort_by_key(|o| o.1);
        originals.dedup_by_key(|o| Self::key(all_day, o.0, o.1));

        // EXDATE: by instant, or by date for DATE values on a timed series.
        let mut ex_keys = HashSet::new();
        let mut ex_dates = HashSet::new();
        for x in &master.exdates {
            match x {
                DateValue::Date(d) if !all_day => {
                    ex_dates.insert(*d);
                }
                _ if all_day => {
                    let local = x.naive().date().and_time(chrono::NaiveTime::MIN);
                    ex_keys.insert(Self::key(true, local, local.and_utc()));
                }
                _ => {
                    ex_keys.insert(self.zones.instant(x, &timing.zone, master.line).timestamp());
                }
            }
        }

        for (local, utc, own_length) in originals {
            let key = Self::key(all_day, local, utc);
            if ex_keys.contains(&key) || ex_dates.contains(&local.date()) {
                continue;
            }
            if exact.contains_key(&key) || (!all_day && exact_dates.contains_key(&local.date())) {
                continue;
            }
            let shift = shifts.partition_point(|s| s.key <= key).checked_sub(1);
            let (local, utc, length, props) = match shift.map(|i| &shifts[i]) {
                Some(s) => {
                    let Some(moved) = local.checked_add_signed(s.delta) else {
                        continue;
                    };
                    (moved, timing.zone.to_utc(moved), s.length, s.ev)
                }
                None => (local, utc, own_length.unwrap_or(timing.length), master),
            };
            let end = self.zones.end_of(&timing.zone, local, utc, length);
            self.emit(utc, end, all_day, props, master)?;
        }

        let winners: HashSet<usize> = exact
            .values()
            .chain(exact_dates.values())
            .map(|v| v.0)
            .collect();
        for (i, p) in placed.iter().enumerate() {
            if !winners.contains(&i) {
                continue;
            }
            let t = &p.timing;
            let end = self.zones.end_of(&t.zone, t.start_local, t.start, t.length);
            self.emit(t.start, end, t.all_day, p.ev, master)?;
        }
        Ok(())
    }

    /// DTSTART, the rule instances and RDATEs whose start lies in `[lo, hi]`.
    fn originals(
        &mut self,
        master: &Event,
        timing: &Timing,
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
    ) -> Result<Vec<Original>, Problem> {
        let in_range = |t: DateTime<Utc>| t >= lo && t <= hi;
        let mut out: Vec<Original> = Vec::new();
        if in_range(timing.start) {
            out.push((timing.start_local, timing.start, None));
        }
        let cap = self.limits.max_instances_per_event;
        let too_many = |line: usize| {
            Problem::Skip(Warning::at(
                line,
                format!(
                    "the event repeats more than {cap} times between {} and {}; it was left out \
                     (is the rule meant to repeat this often?)",
                    lo.format("%Y-%m-%d"),
                    hi.format("%Y-%m-%d")
                ),
            ))
        };
        let mut used_steps: u64 = 0;
        // Wall-clock bounds: instants +/- 2 days cover every UTC offset.
        let horizon = add_saturating(hi, Duration::days(2)).naive_utc();
        let skip_to = sub_saturating(lo, Duration::days(2)).naive_utc();
        for (rule, rule_line) in &master.rules {
            let per_event_left = self.limits.max_steps_per_event.saturating_sub(used_steps);
            let budget = per_event_left.min(self.steps_left);
            let total_binds = self.steps_left < per_event_left;
            let mut it = Occurrences::new(rule, timing.start_local, horizon, budget);
            it.skip_towards(skip_to);
            let result = loop {
                match it.next_start() {
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                    Ok(Some(local)) => {
                        let utc = timing.zone.to_utc(local);
                        if rule
                            .until
                            .as_ref()
                            .is_some_and(|u| !until_allows(u, local, utc, timing.all_day))
                        {
                            break Ok(());
                        }
                        if utc > hi {
                            break Ok(());
                        }
                        if utc >= lo {
                            out.push((local, utc, None));
                            if out.len() > cap {
                                self.steps_left = self.steps_left.saturating_sub(it.steps());
                                return Err(too_many(master.line));
                            }
                        }
                    }
                }
            };
            used_steps += it.steps();
            self.steps_left = self.steps_left.saturating_sub(it.steps());
            match result {
                Ok(()) => {}
                Err(RecurError::TooManySteps(_)) if total_binds => {
                    return Err(Problem::Fatal(ExpandError::TooMuchWork {
                        limit: self.limits.max_total_steps,
                    }))
                }
                Err(RecurError::TooManySteps(n)) => {
                    return Err(Problem::Skip(Warning::at(
                        *rule_line,
                        format!(
                            "the rule needs more than {n} steps to reach the window; the event \
                             starting at line {} was left out",
                            master.line
                        ),
                    )))
                }
                Err(RecurError::TooDense(n)) => {
                    return Err(Problem::Skip(Warning::at(
                        *rule_line,
                        format!(
                            "the rule puts {n} candidate times into one period (the limit is {}); \
                             the event starting at line {} was left out",
                            crate::recur::iter::MAX_PERIOD_CANDIDATES,
                            master.line
                        ),
                    )))
                }
            }
        }
        for r in &master.rdates {
            let (local, utc, length) = match r {
                RDate::Start(v) => {
                    let utc = self.zones.instant(v, &timing.zone, master.line);
                    (self.local_in(&timing.zone, v, utc), utc, None)
                }
                RDate::Period(s, e) => {
                    let (_, from, to) = self.zones.period(s, e, &timing.zone, master.line);
                    (
                        timing.zone.to_local(from),
                        from,
                        Some(Length::Exact(to - from)),
                    )
                }
            };
            if in_range(utc) {
                out.push((local, utc, length));
                if out.len() > cap {
                    return Err(too_many(master.line));
                }
            }
        }
        Ok(out)
    }

    /// The wall-clock time in the series' zone of an RDATE (DATE values are already local).
    fn local_in(&self, zone: &Zone, v: &DateValue, utc: DateTime<Utc>) -> NaiveDateTime {
        match v {
            DateValue::Date(_) => v.naive(),
            DateValue::DateTime { .. } => zone.to_local(utc),
        }
    }
}
