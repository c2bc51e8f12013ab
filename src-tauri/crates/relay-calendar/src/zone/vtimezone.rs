//! Zones defined only by a VTIMEZONE's STANDARD/DAYLIGHT observances, such as Outlook's
//! "Customized Time Zone". The offset at an instant is the TZOFFSETTO of the latest onset at or
//! before it; onsets come from each observance's DTSTART, RDATEs and RRULE.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::ics::model::Observance;
use crate::recur::{Occurrences, Rule, Until};

/// Most onsets taken from one bounded observance rule (real ones have a few dozen).
const MAX_BOUNDED_ONSETS: usize = 1000;
/// Step cap for expanding one observance over one year.
const STEPS_PER_YEAR: u64 = 10_000;
/// Years kept in the onset cache before it is cleared.
const CACHE_YEARS: usize = 256;

/// Onsets as (instant as naive UTC, offset after it), sorted.
type Onsets = Arc<Vec<(NaiveDateTime, i32)>>;

#[derive(Debug)]
struct OpenRule {
    start_local: NaiveDateTime,
    offset_from: i32,
    offset_to: i32,
    rule: Rule,
}

/// A zone computed from VTIMEZONE observances.
#[derive(Debug)]
pub(crate) struct CustomZone {
    /// Offset before the first onset.
    initial_offset: i32,
    /// Onsets that do not repeat forever: (instant as naive UTC, offset after), sorted.
    fixed: Vec<(NaiveDateTime, i32)>,
    /// Observances whose RRULE has no end.
    open: Vec<OpenRule>,
    /// Onsets of the open rules per year.
    cache: Mutex<HashMap<i32, Onsets>>,
}

fn seconds(s: i32) -> Duration {
    Duration::seconds(i64::from(s))
}

fn until_allows(until: &Until, local: NaiveDateTime, utc: NaiveDateTime) -> bool {
    match until {
        Until::Date(d) => local.date() <= *d,
        Until::Floating(u) => local <= *u,
        Until::Utc(u) => utc <= u.naive_utc(),
    }
}

impl CustomZone {
    /// Builds the zone; `None` when there is no observance to go by.
    pub fn new(observances: &[Observance]) -> Option<Self> {
        let earliest = observances.iter().min_by_key(|o| o.start)?;
        let mut fixed = Vec::new();
        let mut open = Vec::new();
        for o in observances {
            fixed.push((o.start - seconds(o.offset_from), o.offset_to));
            for r in &o.rdates {
                fixed.push((*r - seconds(o.offset_from), o.offset_to));
            }
            let Some(rule) = &o.rule else { continue };
            if rule.until.is_none() && rule.count.is_none() {
                open.push(OpenRule {
                    start_local: o.start,
                    offset_from: o.offset_from,
                    offset_to: o.offset_to,
                    rule: rule.clone(),
                });
                continue;
            }
            let horizon = NaiveDate::from_ymd_opt(9999, 12, 31)
                .map(|d| d.and_time(NaiveTime::MIN))
                .unwrap_or(o.start);
            let mut it = Occurrences::new(rule, o.start, horizon, STEPS_PER_YEAR * 50);
            for _ in 0..MAX_BOUNDED_ONSETS {
                let Ok(Some(local)) = it.next_start() else {
                    break;
                };
                let utc = local - seconds(o.offset_from);
                if rule
                    .until
                    .as_ref()
                    .is_some_and(|u| !until_allows(u, local, utc))
                {
                    break;
                }
                fixed.push((utc, o.offset_to));
            }
        }
        fixed.sort();
        Some(Self {
            initial_offset: earliest.offset_from,
            fixed,
            open,
            cache: Mutex::new(HashMap::new()),
        })
    }

    fn year_onsets(&self, year: i32) -> Onsets {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(hit) = cache.get(&year) {
            return Arc::clone(hit);
        }
        let mut out = Vec::new();
        if let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year.saturating_add(1), 1, 1),
        ) {
            let (from, to) = (from.and_time(NaiveTime::MIN), to.and_time(NaiveTime::MIN));
            for r in &self.open {
                let mut it = Occurrences::new(&r.rule, r.start_local, to, STEPS_PER_YEAR);
                it.skip_towards(from);
                while let Ok(Some(local)) = it.next_start() {
                    if local >= to {
                        break;
                    }
                    if local >= from {
                        out.push((local - seconds(r.offset_from), r.offset_to));
                    }
                }
            }
        }
        if cache.len() >= CACHE_YEARS {
            cache.clear();
        }
        let out = Arc::new(out);
        cache.insert(year, Arc::clone(&out));
        out
    }

    pub fn offset_at_utc(&self, utc: NaiveDateTime) -> i32 {
        let idx = self.fixed.partition_point(|(t, _)| *t <= utc);
        let mut best: Option<(NaiveDateTime, i32)> = idx.checked_sub(1).map(|i| self.fixed[i]);
        if !self.open.is_empty() {
            for year in [utc.year() - 1, utc.year()] {
                for &(t, off) in self.year_onsets(year).iter() {
                    if t <= utc && best.is_none_or(|(b, _)| t >= b) {
                        best = Some((t, off));
                    }
                }
            }
        }
        best.map_or(self.initial_offset, |(_, off)| off)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recur::parse_rule;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test time")
    }

    /// Outlook's "Customized Time Zone" for central Europe.
    fn outlook_custom() -> CustomZone {
        CustomZone::new(&[
            Observance {
                start: local("1601-10-28 03:00"),
                offset_from: 7200,
                offset_to: 3600,
                rule: Some(parse_rule("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10").expect("rule")),
                rdates: Vec::new(),
            },
            Observance {
                start: local("1601-03-25 02:00"),
                offset_from: 3600,
                offset_to: 7200,
                rule: Some(parse_rule("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3").expect("rule")),
                rdates: Vec::new(),
            },
        ])
        .expect("zone")
    }

    #[test]
    fn rules_give_summer_and_winter_offsets() {
        let z = outlook_custom();
        assert_eq!(z.offset_at_utc(local("2026-01-15 12:00")), 3600);
        assert_eq!(z.offset_at_utc(local("2026-07-15 12:00")), 7200);
        // Switch to summer time at 01:00 UTC on 2026-03-29.
        assert_eq!(z.offset_at_utc(local("2026-03-29 00:59")), 3600);
        assert_eq!(z.offset_at_utc(local("2026-03-29 01:00")), 7200);
        // Back at 01:00 UTC on 2026-10-25.
        assert_eq!(z.offset_at_utc(local("2026-10-25 00:59")), 7200);
        assert_eq!(z.offset_at_utc(local("2026-10-25 01:00")), 3600);
    }

    #[test]
    fn ended_rules_and_fixed_observances() {
        // DST until 2010, then a fixed +03:00 from 2011 (the shape of many historical zones).
        let z = CustomZone::new(&[
            Observance {
                start: local("2000-03-26 02:00"),
                offset_from: 7200,
                offset_to: 10800,
                rule: Some(
                    parse_rule("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;UNTIL=20100328T000000Z")
                        .expect("rule"),
                ),
                rdates: Vec::new(),
            },
            Observance {
                start: local("2000-10-29 03:00"),
                offset_from: 10800,
                offset_to: 7200,
                rule: Some(
                    parse_rule("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20101031T000000Z")
                        .expect("rule"),
                ),
                rdates: Vec::new(),
            },
            Observance {
                start: local("2011-03-27 02:00"),
                offset_from: 7200,
                offset_to: 10800,
                rule: None,
                rdates: Vec::new(),
            },
        ])
        .expect("zone");
        assert_eq!(z.offset_at_utc(local("1999-06-01 00:00")), 7200);
        assert_eq!(z.offset_at_utc(local("2005-07-01 00:00")), 10800);
        assert_eq!(z.offset_at_utc(local("2005-12-01 00:00")), 7200);
        assert_eq!(z.offset_at_utc(local("2026-01-01 00:00")), 10800);
        assert_eq!(z.offset_at_utc(local("2026-07-01 00:00")), 10800);
    }
}
