//! When an event starts and how long it lasts, with its zone resolved.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::diagnostics::Warnings;
use crate::ics::model::Event;
use crate::ics::value::{DateValue, IcsDuration, PeriodEnd, TimeRef};
use crate::zone::{Zone, ZoneResolver};

/// How long each instance lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Length {
    /// All-day: whole days, midnight to midnight in the default zone.
    Days(i64),
    /// Fixed elapsed time (from DTEND - DTSTART, which RFC 5545 applies exactly to every
    /// instance).
    Exact(Duration),
    /// A DURATION: days follow the wall clock (a day across a DST change is 23 or 25 hours),
    /// the rest is elapsed time.
    Nominal { days: i64, exact: Duration },
}

impl Length {
    /// An upper bound of the elapsed time, for sizing the expansion range.
    pub fn max_elapsed(&self) -> Duration {
        match *self {
            Length::Days(d) => Duration::days(d + 1),
            Length::Exact(x) => x,
            Length::Nominal { days, exact } => Duration::days(days + 1) + exact,
        }
    }

    pub fn from_duration(d: IcsDuration, all_day: bool) -> Self {
        if all_day {
            Length::Days((d.days + d.seconds.div_euclid(86_400)).max(1))
        } else {
            Length::Nominal {
                days: d.days,
                exact: Duration::seconds(d.seconds),
            }
        }
    }
}

/// One event's start and length.
#[derive(Clone, Debug)]
pub(crate) struct Timing {
    /// The zone of DTSTART (the default zone for DATE and floating values).
    pub zone: Zone,
    pub all_day: bool,
    /// DTSTART as a wall-clock time in `zone` (midnight for a DATE).
    pub start_local: NaiveDateTime,
    pub start: DateTime<Utc>,
    pub length: Length,
}

/// Resolves zones for one expansion and collects its warnings (zone fallbacks once per TZID).
pub(crate) struct Zones<'c> {
    pub resolver: ZoneResolver<'c>,
    pub warnings: Warnings,
}

impl Zones<'_> {
    pub fn default_zone(&self) -> Zone {
        self.resolver.default_zone()
    }

    /// The zone a value is written in; floating and DATE values use `floating`.
    pub fn zone_of(&mut self, value: &DateValue, floating: &Zone, line: usize) -> Zone {
        match value {
            DateValue::Date(_) => floating.clone(),
            DateValue::DateTime { tz, .. } => match tz {
                TimeRef::Utc => Zone::Utc,
                TimeRef::Floating => floating.clone(),
                TimeRef::Tzid(t) => {
                    let (zone, warning) = self.resolver.resolve(t, line);
                    if let Some(w) = warning {
                        self.warnings.push(w);
                    }
                    zone
                }
            },
        }
    }

    /// The instant of a value; DATE values are midnight in `floating`.
    pub fn instant(&mut self, value: &DateValue, floating: &Zone, line: usize) -> DateTime<Utc> {
        let zone = self.zone_of(value, floating, line);
        zone.to_utc(value.naive())
    }

    /// Start and length of an event. `fallback` is used when the event gives neither DTEND nor
    /// DURATION (overrides that inherit the master's length).
    pub fn timing(&mut self, ev: &Event, fallback: Option<Length>) -> Timing {
        let default = self.default_zone();
        let all_day = ev.start.is_date();
        let zone = self.zone_of(&ev.start, &default, ev.line);
        let start_local = ev.start.naive();
        let start = zone.to_utc(start_local);
        let length = match (&ev.end, ev.duration) {
            (Some(end), _) if all_day => {
                let days = (end.naive().date() - start_local.date()).num_days();
                // DTEND on or before DTSTART for a day event: read as one day.
                Length::Days(days.max(1))
            }
            (Some(end), _) => {
                let end_utc = self.instant(end, &zone, ev.line);
                Length::Exact((end_utc - start).max(Duration::zero()))
            }
            (None, Some(d)) => Length::from_duration(d, all_day),
            (None, None) => fallback.unwrap_or(if all_day {
                Length::Days(1)
            } else {
                Length::Exact(Duration::zero())
            }),
        };
        Timing {
            zone,
            all_day,
            start_local,
            start,
            length,
        }
    }

    /// The end of an instance that starts at wall-clock `local` (instant `start`) in `zone`.
    pub fn end_of(
        &self,
        zone: &Zone,
        local: NaiveDateTime,
        start: DateTime<Utc>,
        length: Length,
    ) -> DateTime<Utc> {
        let end = match length {
            Length::Days(n) => local
                .date()
                .checked_add_signed(Duration::days(n))
                .map(|day: NaiveDate| zone.to_utc(day.and_time(NaiveTime::MIN))),
            Length::Exact(x) => start.checked_add_signed(x),
            Length::Nominal { days, exact } => local
                .checked_add_signed(Duration::days(days))
                .and_then(|l| zone.to_utc(l).checked_add_signed(exact)),
        };
        // Lengths are capped at parse time; an end past the representable range is "forever".
        end.unwrap_or(DateTime::<Utc>::MAX_UTC).max(start)
    }

    /// Start and end of a PERIOD (RDATE;VALUE=PERIOD or FREEBUSY).
    pub fn period(
        &mut self,
        start: &DateValue,
        end: &PeriodEnd,
        floating: &Zone,
        line: usize,
    ) -> (NaiveDateTime, DateTime<Utc>, DateTime<Utc>) {
        let zone = self.zone_of(start, floating, line);
        let local = start.naive();
        let from = zone.to_utc(local);
        let to = match end {
            PeriodEnd::End(v) => self.instant(v, &zone, line),
            PeriodEnd::Duration(d) => {
                self.end_of(&zone, local, from, Length::from_duration(*d, false))
            }
        };
        (local, from, to.max(from))
    }
}
