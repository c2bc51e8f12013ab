//! The RRULE value (RFC 5545 §3.3.10) as data, and its parser.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc, Weekday};

use crate::ics::lexer::printable;
use crate::ics::value::{parse_date, parse_date_time};

/// FREQ, finest first so that `<` means "finer than".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Freq {
    Secondly,
    Minutely,
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// UNTIL as written. Producers disagree with the RFC about its type (Google writes a DATE for
/// timed events, others a floating time); the expander normalises all three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Until {
    Date(NaiveDate),
    Floating(NaiveDateTime),
    Utc(DateTime<Utc>),
}

/// One BYDAY entry: `MO`, `1MO`, `-1SU`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct DaySpec {
    pub nth: Option<i32>,
    pub weekday: Weekday,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Rule {
    pub freq: Freq,
    pub interval: u32,
    pub count: Option<u32>,
    pub until: Option<Until>,
    pub by_second: Vec<u32>,
    pub by_minute: Vec<u32>,
    pub by_hour: Vec<u32>,
    pub by_day: Vec<DaySpec>,
    pub by_month_day: Vec<i32>,
    pub by_year_day: Vec<i32>,
    pub by_week_no: Vec<i32>,
    pub by_month: Vec<u32>,
    pub by_set_pos: Vec<i32>,
    pub week_start: Weekday,
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

/// Parses a comma list of integers, each within `lo..=hi` and non-zero when `no_zero`.
fn int_list(part: &str, value: &str, lo: i32, hi: i32, no_zero: bool) -> Result<Vec<i32>, String> {
    let mut out = Vec::new();
    // Trailing commas (`BYDAY=MO,TU,`) occur in the wild and mean nothing.
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let n: i32 = item
            .trim_start_matches('+')
            .parse()
            .map_err(|_| format!("{part} value '{}' is not a number", printable(item, 20)))?;
        if n < lo || n > hi || (no_zero && n == 0) {
            return Err(format!("{part} value {n} is outside {lo}..{hi}"));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    if out.is_empty() {
        return Err(format!("{part} has no values"));
    }
    Ok(out)
}

fn uint_list(part: &str, value: &str, lo: i32, hi: i32) -> Result<Vec<u32>, String> {
    int_list(part, value, lo, hi, false).map(|v| v.into_iter().map(|n| n.unsigned_abs()).collect())
}

/// Parses an RRULE value such as `FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260301T000000Z`.
pub(crate) fn parse_rule(value: &str) -> Result<Rule, String> {
    let mut freq = None;
    let mut rule = Rule {
        freq: Freq::Daily,
        interval: 1,
        count: None,
        until: None,
        by_second: Vec::new(),
        by_minute: Vec::new(),
        by_hour: Vec::new(),
        by_day: Vec::new(),
        by_month_day: Vec::new(),
        by_year_day: Vec::new(),
        by_week_no: Vec::new(),
        by_month: Vec::new(),
        by_set_pos: Vec::new(),
        week_start: Weekday::Mon,
    };
    for part in value.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (key, val) = part
            .split_once('=')
            .ok_or_else(|| format!("rule part '{}' has no '='", printable(part, 30)))?;
        let key = key.trim().to_ascii_uppercase();
        let val = val.trim();
        match key.as_str() {
            "FREQ" => {
                freq = Some(match val.to_ascii_uppercase().as_str() {
                    "SECONDLY" => Freq::Secondly,
                    "MINUTELY" => Freq::Minutely,
                    "HOURLY" => Freq::Hourly,
                    "DAILY" => Freq::Daily,
                    "WEEKLY" => Freq::Weekly,
                    "MONTHLY" => Freq::Monthly,
                    "YEARLY" => Freq::Yearly,
                    _ => return Err(format!("FREQ '{}' is not a frequency", printable(val, 20))),
                })
            }
            "INTERVAL" => {
                rule.interval = val.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    format!("INTERVAL '{}' is not a positive number", printable(val, 20))
                })?
            }
            "COUNT" => {
                rule.count = Some(val.parse().map_err(|_| {
                    format!(
                        "COUNT '{}' is not a non-negative number",
                        printable(val, 20)
                    )
                })?)
            }
            "UNTIL" => {
                rule.until = Some(if val.contains(['T', 't']) {
                    let (local, is_utc) =
                        parse_date_time(val).map_err(|e| format!("UNTIL: {e}"))?;
                    if is_utc {
                        Until::Utc(local.and_utc())
                    } else {
                        Until::Floating(local)
                    }
                } else {
                    Until::Date(parse_date(val).map_err(|e| format!("UNTIL: {e}"))?)
                })
            }
            "BYSECOND" => rule.by_second = uint_list("BYSECOND", val, 0, 60)?,
            "BYMINUTE" => rule.by_minute = uint_list("BYMINUTE", val, 0, 59)?,
            "BYHOUR" => rule.by_hour = uint_list("BYHOUR", val, 0, 23)?,
            "BYMONTHDAY" => rule.by_month_day = int_list("BYMONTHDAY", val, -31, 31, true)?,
            "BYYEARDAY" => rule.by_year_day = int_list("BYYEARDAY", val, -366, 366, true)?,
            "BYWEEKNO" => rule.by_week_no = int_list("BYWEEKNO", val, -53, 53, true)?,
            "BYMONTH" => rule.by_month = uint_list("BYMONTH", val, 1, 12)?,
            "BYSETPOS" => rule.by_set_pos = int_list("BYSETPOS", val, -366, 366, true)?,
            "WKST" => {
                rule.week_start = weekday(val)
                    .ok_or_else(|| format!("WKST '{}' is not a weekday", printable(val, 20)))?
            }
            "BYDAY" => {
                for item in val.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let not_a_day = || {
                        format!(
                            "BYDAY value '{}' does not end in a weekday",
                            printable(item, 20)
                        )
                    };
                    // `split_at_checked`: the cut may fall inside a multi-byte character.
                    let (num, day) = item
                        .split_at_checked(item.len().saturating_sub(2))
                        .ok_or_else(not_a_day)?;
                    let wd = weekday(day).ok_or_else(not_a_day)?;
                    let nth = if num.is_empty() {
                        None
                    } else {
                        let n: i32 = num.trim_start_matches('+').parse().map_err(|_| {
                            format!("BYDAY value '{}' has a bad ordinal", printable(item, 20))
                        })?;
                        if n == 0 || !(-53..=53).contains(&n) {
                            return Err(format!("BYDAY ordinal {n} is outside -53..53"));
                        }
                        Some(n)
                    };
                    let spec = DaySpec { nth, weekday: wd };
                    if !rule.by_day.contains(&spec) {
                        rule.by_day.push(spec);
                    }
                }
                if rule.by_day.is_empty() {
                    return Err("BYDAY has no values".into());
                }
            }
            // RFC 7529: only the Gregorian scale is understood; SKIP is moot without RSCALE.
            "RSCALE" if val.eq_ignore_ascii_case("GREGORIAN") => {}
            "RSCALE" => {
                return Err(format!(
                    "RSCALE '{}' is not supported (only GREGORIAN)",
                    printable(val, 20)
                ))
            }
            "SKIP" => {}
            k if k.starts_with("X-") => {}
            other => return Err(format!("unknown rule part '{}'", printable(other, 20))),
        }
    }
    rule.freq = freq.ok_or("the rule has no FREQ")?;
    Ok(rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_rules() {
        let r =
            parse_rule("FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL=20260301T000000Z;WKST=SU").expect("rule");
        assert_eq!(r.freq, Freq::Weekly);
        assert_eq!(r.by_day.len(), 3);
        assert_eq!(r.week_start, Weekday::Sun);
        assert!(matches!(r.until, Some(Until::Utc(_))));

        let g = parse_rule("FREQ=DAILY;UNTIL=20260131").expect("google date until");
        assert!(matches!(g.until, Some(Until::Date(_))));

        let m = parse_rule("FREQ=MONTHLY;BYDAY=-1FR;INTERVAL=2;COUNT=5").expect("monthly");
        assert_eq!(m.by_day[0].nth, Some(-1));
        assert_eq!(m.interval, 2);
        assert_eq!(m.count, Some(5));
    }

    #[test]
    fn rejects_with_reasons() {
        for (text, needle) in [
            ("BYDAY=MO", "no FREQ"),
            ("FREQ=FORTNIGHTLY", "not a frequency"),
            ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
            ("FREQ=DAILY;BYHOUR=24", "BYHOUR value 24"),
            ("FREQ=MONTHLY;BYDAY=0MO", "ordinal 0"),
            ("FREQ=MONTHLY;BYDAY=XX", "weekday"),
            ("FREQ=MONTHLY;BYDAY=Áb", "weekday"),
            ("FREQ=DAILY;UNTIL=tomorrow", "UNTIL"),
            ("FREQ=DAILY;FOO=1", "unknown rule part"),
        ] {
            let err = parse_rule(text).expect_err(text);
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
