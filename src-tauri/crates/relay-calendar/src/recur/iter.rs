//! The recurrence engine: RRULE + DTSTART -> wall-clock start times in ascending order.
//!
//! It works in the event's local (naive) time, period by period: a period is one FREQ x INTERVAL
//! step (a year, a month, a week starting on WKST, a day, an hour, ...). For each period it lists
//! the candidate days, keeps those that pass the BYxxx filters, multiplies by the times of day,
//! applies BYSETPOS and yields the result in order. This is the model behind RFC 5545's
//! expand/limit table: "expand" parts are the ones whose default is filled in from DTSTART, and
//! every part then acts as a filter over the candidates of its period.
//!
//! Work is bounded three ways: the iterator stops at a `horizon` (the end of the caller's range,
//! so a rule that never matches still ends), it counts steps against a cap, and it refuses a
//! single period with more than [`MAX_PERIOD_CANDIDATES`] candidates. Without COUNT it can jump
//! straight to the period that contains a target time, so a rule that started in 1601 (Outlook's
//! favourite DTSTART) or a FREQ=SECONDLY rule costs only what falls inside the range.
//!
//! UNTIL is not applied here: comparing it needs the time zone, which the caller has.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};

use super::rule::{Freq, Rule};

/// Most candidates one period may hold (e.g. YEARLY with every hour, minute and second).
pub(crate) const MAX_PERIOD_CANDIDATES: usize = 100_000;

/// Why expansion of one rule stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RecurError {
    /// More than this many steps were needed.
    TooManySteps(u64),
    /// One period would hold this many candidates.
    TooDense(usize),
}

/// The rule with DTSTART's defaults filled in, ready to generate periods.
#[derive(Clone, Debug)]
struct Plan {
    freq: Freq,
    interval: i64,
    months: Vec<u32>,
    month_days: Vec<i32>,
    year_days: Vec<i32>,
    week_nos: Vec<i32>,
    weekdays: Vec<Weekday>,
    nth_weekdays: Vec<(i32, Weekday)>,
    /// True when ordinals in BYDAY count within the month, false within the year.
    nth_in_month: bool,
    /// Times of day a coarse period expands to, or that a sub-daily period must fall on
    /// (empty: any). Sorted.
    hours: Vec<u32>,
    minutes: Vec<u32>,
    seconds: Vec<u32>,
    set_pos: Vec<i32>,
    week_start: Weekday,
}

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    v
}

impl Plan {
    fn new(rule: &Rule, start: NaiveDateTime) -> Self {
        let mut months = rule.by_month.clone();
        let mut month_days = rule.by_month_day.clone();
        let mut weekdays: Vec<Weekday> = rule
            .by_day
            .iter()
            .filter(|d| d.nth.is_none() || !matches!(rule.freq, Freq::Monthly | Freq::Yearly))
            .map(|d| d.weekday)
            .collect();
        let nth_weekdays: Vec<(i32, Weekday)> =
            if matches!(rule.freq, Freq::Monthly | Freq::Yearly) && rule.by_week_no.is_empty() {
                rule.by_day
                    .iter()
                    .filter_map(|d| d.nth.map(|n| (n, d.weekday)))
                    .collect()
            } else {
                // Ordinals mean nothing with BYWEEKNO or finer frequencies: read them as plain days.
                if matches!(rule.freq, Freq::Monthly | Freq::Yearly) {
                    weekdays.extend(
                        rule.by_day
                            .iter()
                            .filter(|d| d.nth.is_some())
                            .map(|d| d.weekday),
                    );
                }
                Vec::new()
            };
        let no_day_parts = rule.by_week_no.is_empty()
            && rule.by_year_day.is_empty()
            && rule.by_month_day.is_empty()
            && rule.by_day.is_empty();
        if no_day_parts {
            match rule.freq {
                Freq::Yearly => {
                    if months.is_empty() {
                        months.push(start.month());
                    }
                    month_days.push(start.day() as i32);
                }
                Freq::Monthly => month_days.push(start.day() as i32),
                Freq::Weekly => weekdays.push(start.weekday()),
                _ => {}
            }
        }
        let coarse = rule.freq >= Freq::Daily;
        let fill = |given: &Vec<u32>, default: u32, expand: bool| {
            if given.is_empty() && expand {
                vec![default]
            } else {
                sorted(given.clone())
            }
        };
        Plan {
            freq: rule.freq,
            interval: i64::from(rule.interval.max(1)),
            nth_in_month: rule.freq == Freq::Monthly || !rule.by_month.is_empty(),
            months: sorted(months),
            month_days,
            year_days: rule.by_year_day.clone(),
            week_nos: rule.by_week_no.clone(),
            weekdays,
            nth_weekdays,
            hours: fill(&rule.by_hour, start.hour(), coarse),
            minutes: fill(&rule.by_minute, start.minute(), rule.freq >= Freq::Hourly),
            seconds: fill(&rule.by_second, start.second(), rule.freq >= Freq::Minutely),
            set_pos: rule.by_set_pos.clone(),
            week_start: rule.week_start,
        }
    }

    fn day_matches(&self, d: NaiveDate) -> bool {
        if !self.months.is_empty() && !self.months.contains(&d.month()) {
            return false;
        }
        if !self.week_nos.is_empty() {
            let (_, week, weeks) = week_info(d, self.week_start);
            if !self.week_nos.contains(&week) && !self.week_nos.contains(&(week - weeks - 1)) {
                return false;
            }
        }
        if !self.year_days.is_empty() {
            let yd = d.ordinal() as i32;
            let len = days_in_year(d.year());
            if !self.year_days.contains(&yd) && !self.year_days.contains(&(yd - len - 1)) {
                return false;
            }
        }
        if !self.month_days.is_empty() {
            let md = d.day() as i32;
            let len = days_in_month(d.year(), d.month());
            if !self.month_days.contains(&md) && !self.month_days.contains(&(md - len - 1)) {
                return false;
            }
        }
        if !self.weekdays.is_empty() || !self.nth_weekdays.is_empty() {
            let wd = d.weekday();
            if self.weekdays.contains(&wd) {
                return true;
            }
            let (index, len) = if self.nth_in_month {
                (d.day() as i32, days_in_month(d.year(), d.month()))
            } else {
                (d.ordinal() as i32, days_in_year(d.year()))
            };
            let from_start = (index - 1) / 7 + 1;
            let from_end = -((len - index) / 7 + 1);
            return self
                .nth_weekdays
                .iter()
                .any(|(n, w)| *w == wd && (*n == from_start || *n == from_end));
        }
        true
    }

    /// Seconds in one step of a sub-daily frequency.
    fn unit_seconds(&self) -> i64 {
        match self.freq {
            Freq::Secondly => 1,
            Freq::Minutely => 60,
            Freq::Hourly => 3600,
            _ => 86_400,
        }
    }
}

fn days_in_year(y: i32) -> i32 {
    if NaiveDate::from_ymd_opt(y, 2, 29).is_some() {
        366
    } else {
        365
    }
}

pub(crate) fn days_in_month(y: i32, m: u32) -> i32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    match (
        NaiveDate::from_ymd_opt(y, m, 1),
        NaiveDate::from_ymd_opt(ny, nm, 1),
    ) {
        (Some(a), Some(b)) => (b - a).num_days() as i32,
        _ => 30,
    }
}

fn days_since_week_start(d: NaiveDate, week_start: Weekday) -> i64 {
    i64::from((d.weekday().num_days_from_monday() + 7 - week_start.num_days_from_monday()) % 7)
}

/// First day of week 1 of `year`: the week (starting on `week_start`) with at least four days
/// in the year.
fn week_one_start(year: i32, week_start: Weekday) -> Option<NaiveDate> {
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let offset = days_since_week_start(jan1, week_start);
    Some(if 7 - offset >= 4 {
        jan1 - Duration::days(offset)
    } else {
        jan1 + Duration::days(7 - offset)
    })
}

/// (week-numbering year, week number, weeks in that year) of `d`.
fn week_info(d: NaiveDate, week_start: Weekday) -> (i32, i32, i32) {
    let y = d.year();
    let (Some(this), Some(next)) = (
        week_one_start(y, week_start),
        week_one_start(y + 1, week_start),
    ) else {
        return (y, 1, 52);
    };
    let (wy, w1, w1_next) = if d < this {
        match week_one_start(y - 1, week_start) {
            Some(prev) => (y - 1, prev, this),
            None => return (y, 1, 52),
        }
    } else if d >= next {
        match week_one_start(y + 2, week_start) {
            Some(after) => (y + 1, next, after),
            None => return (y, 1, 52),
        }
    } else {
        (y, this, next)
    };
    let week = ((d - w1).num_days() / 7 + 1) as i32;
    let weeks = ((w1_next - w1).num_days() / 7) as i32;
    (wy, week, weeks)
}

fn add_months(d: NaiveDate, months: i64) -> Option<NaiveDate> {
    let total = i64::from(d.year()) * 12 + i64::from(d.month0()) + months;
    let y = i32::try_from(total.div_euclid(12)).ok()?;
    let m = u32::try_from(total.rem_euclid(12)).ok()? + 1;
    NaiveDate::from_ymd_opt(y, m, 1)
}

/// Lazily yields the start times of a rule, ascending, DTSTART first.
#[derive(Debug)]
pub(crate) struct Occurrences {
    plan: Plan,
    start: NaiveDateTime,
    horizon: NaiveDateTime,
    count: Option<u64>,
    period: i64,
    pending: std::vec::IntoIter<NaiveDateTime>,
    emitted: u64,
    steps: u64,
    max_steps: u64,
    /// DTSTART is the first instance even when the rule would not produce it (RFC 5545 §3.8.5.3).
    dtstart_owed: bool,
    finished: bool,
}

impl Occurrences {
    /// Starts at `start` (DTSTART's wall-clock time); stops after `horizon` or `max_steps`.
    pub fn new(rule: &Rule, start: NaiveDateTime, horizon: NaiveDateTime, max_steps: u64) -> Self {
        Self {
            plan: Plan::new(rule, start),
            start,
            horizon,
            count: rule.count.map(u64::from),
            period: 0,
            pending: Vec::new().into_iter(),
            emitted: 0,
            steps: 0,
            max_steps,
            dtstart_owed: true,
            finished: false,
        }
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Skips periods that end before `target`. Only possible without COUNT (with COUNT every
    /// earlier instance must be counted); a no-op otherwise.
    pub fn skip_towards(&mut self, target: NaiveDateTime) {
        if self.count.is_some() || target <= self.start {
            return;
        }
        let p = &self.plan;
        let raw = match p.freq {
            Freq::Yearly => i64::from(target.year() - self.start.year()),
            Freq::Monthly => {
                i64::from(target.year() - self.start.year()) * 12 + i64::from(target.month0())
                    - i64::from(self.start.month0())
            }
            Freq::Weekly => {
                let a = self.start.date()
                    - Duration::days(days_since_week_start(self.start.date(), p.week_start));
                let b = target.date()
                    - Duration::days(days_since_week_start(target.date(), p.week_start));
                (b - a).num_days() / 7
            }
            Freq::Daily => (target.date() - self.start.date()).num_days(),
            _ => (target - self.start).num_seconds() / p.unit_seconds(),
        };
        // One period of margin: the period before may still hold instances after `target`
        // once the caller's slack is taken into account.
        let period = (raw / p.interval - 1).max(0);
        if period > self.period {
            self.period = period;
            self.pending = Vec::new().into_iter();
            self.dtstart_owed = false;
        }
    }

    /// The next start time, `Ok(None)` at the end (COUNT, horizon or calendar range).
    pub fn next_start(&mut self) -> Result<Option<NaiveDateTime>, RecurError> {
        loop {
            if self.finished {
                return Ok(None);
            }
            if self.count.is_some_and(|c| self.emitted >= c) {
                self.finished = true;
                return Ok(None);
            }
            if let Some(t) = self.pending.next() {
                self.emitted += 1;
                return Ok(Some(t));
            }
            self.fill_period()?;
        }
    }

    fn step(&mut self, n: u64) -> Result<(), RecurError> {
        self.steps = self.steps.saturating_add(n);
        if self.steps > self.max_steps {
            self.finished = true;
            return Err(RecurError::TooManySteps(self.max_steps));
        }
        Ok(())
    }

    /// First day of period `p` (coarse frequencies) or its exact start (sub-daily).
    fn period_base(&self, p: i64) -> Option<NaiveDateTime> {
        let plan = &self.plan;
        let n = p.checked_mul(plan.interval)?;
        let start_date = self.start.date();
        let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN);
        match plan.freq {
            Freq::Yearly => {
                let y = i32::try_from(i64::from(start_date.year()).checked_add(n)?).ok()?;
                NaiveDate::from_ymd_opt(y, 1, 1).map(midnight)
            }
            Freq::Monthly => add_months(start_date.with_day(1)?, n).map(midnight),
            Freq::Weekly => {
                let week0 =
                    start_date - Duration::days(days_since_week_start(start_date, plan.week_start));
                week0
                    .checked_add_signed(Duration::try_days(n.checked_mul(7)?)?)
                    .map(midnight)
            }
            Freq::Daily => start_date
                .checked_add_signed(Duration::try_days(n)?)
                .map(midnight),
            _ => self
                .start
                .checked_add_signed(Duration::try_seconds(n.checked_mul(plan.unit_seconds())?)?),
        }
    }

    /// Moves a sub-daily iterator to the first period starting at or after `target`.
    fn jump_to(&mut self, target: NaiveDateTime) {
        let len = self.plan.interval * self.plan.unit_seconds();
        let secs = (target - self.start).num_seconds();
        let p = (secs + len - 1).div_euclid(len);
        self.period = if p > self.period { p } else { self.period + 1 };
    }

    fn fill_period(&mut self) -> Result<(), RecurError> {
        let Some(base) = self.period_base(self.period) else {
            self.finished = true;
            return Ok(());
        };
        if base > self.horizon {
            self.finished = true;
            return Ok(());
        }
        self.step(1)?;
        let mut list = if self.plan.freq < Freq::Daily {
            match self.sub_daily_candidates(base) {
                Some(list) => list,
                None => return Ok(()), // jumped ahead
            }
        } else {
            self.coarse_candidates(base)?
        };
        if !self.plan.set_pos.is_empty() {
            let len = list.len() as i32;
            let mut picked: Vec<NaiveDateTime> = self
                .plan
                .set_pos
                .iter()
                .filter_map(|&pos| {
                    let i = if pos > 0 { pos - 1 } else { len + pos };
                    usize::try_from(i).ok().and_then(|i| list.get(i).copied())
                })
                .collect();
            picked.sort_unstable();
            picked.dedup();
            list = picked;
        }
        list.retain(|t| *t >= self.start);
        if self.dtstart_owed {
            self.dtstart_owed = false;
            if list.first() != Some(&self.start) {
                list.insert(0, self.start);
            }
        }
        self.period += 1;
        self.pending = list.into_iter();
        Ok(())
    }

    fn coarse_candidates(&mut self, base: NaiveDateTime) -> Result<Vec<NaiveDateTime>, RecurError> {
        let first = base.date();
        let span: i64 = match self.plan.freq {
            Freq::Yearly => i64::from(days_in_year(first.year())),
            Freq::Monthly => i64::from(days_in_month(first.year(), first.month())),
            Freq::Weekly => 7,
            _ => 1,
        };
        self.step(span as u64)?;
        let days: Vec<NaiveDate> = (0..span)
            .filter_map(|i| first.checked_add_signed(Duration::days(i)))
            .filter(|d| self.plan.day_matches(*d))
            .collect();
        let p = &self.plan;
        let per_day = p.hours.len() * p.minutes.len() * p.seconds.len();
        let total = days.len().saturating_mul(per_day);
        if total > MAX_PERIOD_CANDIDATES {
            self.finished = true;
            return Err(RecurError::TooDense(total));
        }
        self.step(total as u64)?;
        let p = &self.plan;
        let mut out = Vec::with_capacity(total);
        for d in days {
            for &h in &p.hours {
                for &m in &p.minutes {
                    for &s in &p.seconds {
                        if let Some(t) = NaiveTime::from_hms_opt(h, m, s) {
                            out.push(d.and_time(t));
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Candidates of one hour/minute/second period, or `None` after jumping past a filtered-out
    /// day, hour or minute.
    fn sub_daily_candidates(&mut self, base: NaiveDateTime) -> Option<Vec<NaiveDateTime>> {
        let p = &self.plan;
        let day = base.date();
        if !p.day_matches(day) {
            let next_day = day.succ_opt()?.and_time(NaiveTime::MIN);
            self.jump_to(next_day);
            return None;
        }
        let hour_start = base.date().and_hms_opt(base.hour(), 0, 0)?;
        if !p.hours.is_empty() && !p.hours.contains(&base.hour()) {
            self.jump_to(hour_start + Duration::hours(1));
            return None;
        }
        let minute_start = hour_start + Duration::minutes(i64::from(base.minute()));
        let fixed_minute = p.freq < Freq::Hourly;
        if fixed_minute && !p.minutes.is_empty() && !p.minutes.contains(&base.minute()) {
            self.jump_to(minute_start + Duration::minutes(1));
            return None;
        }
        let out = match p.freq {
            Freq::Hourly => p
                .minutes
                .iter()
                .flat_map(|&m| p.seconds.iter().map(move |&s| (m, s)))
                .filter_map(|(m, s)| base.date().and_hms_opt(base.hour(), m, s))
                .collect(),
            Freq::Minutely => p
                .seconds
                .iter()
                .filter_map(|&s| base.date().and_hms_opt(base.hour(), base.minute(), s))
                .collect(),
            _ => {
                if !p.seconds.is_empty() && !p.seconds.contains(&base.second()) {
                    self.period += 1;
                    return None;
                }
                vec![base]
            }
        };
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::rule::parse_rule;
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test datetime")
    }

    /// All starts of `rule` from `start` up to `horizon`, formatted for compact assertions.
    fn run(rule: &str, start: &str, horizon: &str, max: usize) -> Vec<String> {
        let rule = parse_rule(rule).expect("rule");
        let mut it = Occurrences::new(&rule, dt(start), dt(horizon), 1_000_000);
        let mut out = Vec::new();
        while let Some(t) = it.next_start().expect("no cap") {
            if t > dt(horizon) || out.len() >= max {
                break;
            }
            out.push(t.format("%Y-%m-%d %H:%M").to_string());
        }
        out
    }

    #[test]
    fn daily_count() {
        assert_eq!(
            run(
                "FREQ=DAILY;COUNT=3",
                "2026-01-30 09:00",
                "2027-01-01 00:00",
                10
            ),
            ["2026-01-30 09:00", "2026-01-31 09:00", "2026-02-01 09:00"]
        );
    }

    #[test]
    fn weekly_by_day_with_interval_and_wkst() {
        // RFC 5545 example: every other week on Tue and Sun, WKST=SU vs WKST=MO differ.
        let su = run(
            "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
            "1997-08-05 09:00",
            "1998-01-01 00:00",
            10,
        );
        assert_eq!(
            su,
            [
                "1997-08-05 09:00",
                "1997-08-17 09:00",
                "1997-08-19 09:00",
                "1997-08-31 09:00"
            ]
        );
        let mo = run(
            "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
            "1997-08-05 09:00",
            "1998-01-01 00:00",
            10,
        );
        assert_eq!(
            mo,
            [
                "1997-08-05 09:00",
                "1997-08-10 09:00",
                "1997-08-19 09:00",
                "1997-08-24 09:00"
            ]
        );
    }

    #[test]
    fn monthly_last_friday_and_31st_skips_short_months() {
        assert_eq!(
            run(
                "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3",
                "2026-01-30 10:00",
                "2027-01-01 00:00",
                10
            ),
            ["2026-01-30 10:00", "2026-02-27 10:00", "2026-03-27 10:00"]
        );
        assert_eq!(
            run(
                "FREQ=MONTHLY;COUNT=3",
                "2026-01-31 10:00",
                "2027-01-01 00:00",
                10
            ),
            ["2026-01-31 10:00", "2026-03-31 10:00", "2026-05-31 10:00"]
        );
    }

    #[test]
    fn monthly_bysetpos_last_weekday() {
        // Last work day of the month.
        assert_eq!(
            run(
                "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3",
                "2026-01-30 17:00",
                "2027-01-01 00:00",
                10
            ),
            ["2026-01-30 17:00", "2026-02-27 17:00", "2026-03-31 17:00"]
        );
    }

    #[test]
    fn yearly_rules() {
        // US Thanksgiving; DST-style "last Sunday of March".
        assert_eq!(
            run(
                "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
                "2024-11-28 12:00",
                "2027-01-01 00:00",
                10
            ),
            ["2024-11-28 12:00", "2025-11-27 12:00", "2026-11-26 12:00"]
        );
        assert_eq!(
            run(
                "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
                "1601-03-25 02:00",
                "2027-01-01 00:00",
                1000
            )
            .last()
            .cloned(),
            Some("2026-03-29 02:00".to_string())
        );
        // Feb 29 only in leap years.
        assert_eq!(
            run("FREQ=YEARLY", "2024-02-29 08:00", "2033-01-01 00:00", 10),
            ["2024-02-29 08:00", "2028-02-29 08:00", "2032-02-29 08:00"]
        );
        // BYWEEKNO with the weekday of DTSTART spelled out; week 1 of 2026 starts 2025-12-29.
        assert_eq!(
            run(
                "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO",
                "2025-12-29 09:00",
                "2028-01-01 00:00",
                10
            ),
            ["2025-12-29 09:00", "2027-01-04 09:00"]
        );
        // Day 100 and the last day of each year.
        assert_eq!(
            run(
                "FREQ=YEARLY;BYYEARDAY=100,-1;COUNT=3",
                "2026-01-01 00:00",
                "2030-01-01 00:00",
                10
            ),
            ["2026-01-01 00:00", "2026-04-10 00:00", "2026-12-31 00:00"]
        );
    }

    #[test]
    fn sub_daily_with_filters_jumps() {
        assert_eq!(
            run(
                "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10",
                "2026-01-05 09:00",
                "2026-01-06 09:30",
                10
            ),
            [
                "2026-01-05 09:00",
                "2026-01-05 09:20",
                "2026-01-05 09:40",
                "2026-01-05 10:00",
                "2026-01-05 10:20",
                "2026-01-05 10:40",
                "2026-01-06 09:00",
                "2026-01-06 09:20",
            ]
        );
        assert_eq!(
            run(
                "FREQ=HOURLY;INTERVAL=3;BYDAY=SA",
                "2026-01-09 22:00",
                "2026-01-10 23:59",
                20
            ),
            [
                "2026-01-09 22:00",
                "2026-01-10 01:00",
                "2026-01-10 04:00",
                "2026-01-10 07:00",
                "2026-01-10 10:00",
                "2026-01-10 13:00",
                "2026-01-10 16:00",
                "2026-01-10 19:00",
                "2026-01-10 22:00"
            ]
        );
    }

    #[test]
    fn skip_towards_lands_on_the_right_instances() {
        let rule = parse_rule("FREQ=WEEKLY;BYDAY=MO,TH").expect("rule");
        let mut it = Occurrences::new(
            &rule,
            dt("2010-01-04 09:00"),
            dt("2026-03-20 00:00"),
            10_000,
        );
        it.skip_towards(dt("2026-03-10 00:00"));
        let mut got = Vec::new();
        while let Some(t) = it.next_start().expect("cap") {
            if t >= dt("2026-03-10 00:00") {
                got.push(t);
            }
        }
        assert_eq!(
            got,
            [
                dt("2026-03-12 09:00"),
                dt("2026-03-16 09:00"),
                dt("2026-03-19 09:00")
            ]
        );
        assert!(
            it.steps() < 100,
            "skipping should not walk 16 years: {}",
            it.steps()
        );
    }

    #[test]
    fn secondly_forever_is_cheap_with_skip_and_capped_without() {
        let rule = parse_rule("FREQ=SECONDLY").expect("rule");
        let mut capped =
            Occurrences::new(&rule, dt("2026-01-01 00:00"), dt("2026-12-31 00:00"), 1000);
        let mut n = 0;
        let err = loop {
            match capped.next_start() {
                Ok(Some(_)) => n += 1,
                Ok(None) => panic!("a year of seconds cannot fit 1000 steps"),
                Err(e) => break e,
            }
        };
        assert_eq!(err, RecurError::TooManySteps(1000));
        assert!(n <= 1000);
    }

    #[test]
    fn never_matching_rule_ends_at_the_horizon() {
        assert!(run(
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
            "2026-01-01 00:00",
            "2040-01-01 00:00",
            10
        )
        .starts_with(&["2026-01-01 00:00".to_string()]));
    }

    #[test]
    fn too_dense_periods_are_refused() {
        let rule = parse_rule("FREQ=YEARLY;BYMONTH=1;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59;BYSECOND=0,10,20,30,40,50").expect("rule");
        let mut it = Occurrences::new(
            &rule,
            dt("2026-01-01 00:00"),
            dt("2027-01-01 00:00"),
            10_000_000,
        );
        let first = it.next_start();
        assert!(
            matches!(first, Err(RecurError::TooDense(n)) if n > MAX_PERIOD_CANDIDATES),
            "{first:?}"
        );
    }

    #[test]
    fn week_numbers() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(week_info(d(2026, 1, 1), Weekday::Mon), (2026, 1, 53));
        assert_eq!(week_info(d(2021, 1, 1), Weekday::Mon), (2020, 53, 53));
        assert_eq!(week_info(d(2024, 12, 30), Weekday::Mon), (2025, 1, 52));
    }
}
