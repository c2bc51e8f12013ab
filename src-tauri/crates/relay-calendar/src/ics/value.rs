//! Property values: DATE, DATE-TIME, DURATION, PERIOD, UTC-OFFSET, TEXT (RFC 5545 §3.3).
//!
//! Parsers return `Err(String)` describing what is wrong with the value; the caller adds the line.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::lexer::printable;

/// How a DATE-TIME is anchored.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum TimeRef {
    /// Ends in `Z`.
    Utc,
    /// No `Z`, no `TZID`: the same wall-clock time wherever the reader is (the default zone).
    Floating,
    /// `TZID=...`, resolved against the calendar's VTIMEZONEs and the zone tables at expansion.
    Tzid(String),
}

/// A DATE or DATE-TIME value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum DateValue {
    Date(NaiveDate),
    DateTime { local: NaiveDateTime, tz: TimeRef },
}

impl DateValue {
    pub fn is_date(&self) -> bool {
        matches!(self, DateValue::Date(_))
    }

    /// The wall-clock reading (midnight for a DATE).
    pub fn naive(&self) -> NaiveDateTime {
        match self {
            DateValue::Date(d) => d.and_time(NaiveTime::MIN),
            DateValue::DateTime { local, .. } => *local,
        }
    }
}

/// A DURATION: nominal weeks and days (follow the wall clock) plus exact seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct IcsDuration {
    pub days: i64,
    pub seconds: i64,
}

impl IcsDuration {
    pub fn is_negative(&self) -> bool {
        self.days < 0 || (self.days == 0 && self.seconds < 0)
    }
}

/// The end of a PERIOD: an explicit end or a duration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PeriodEnd {
    End(DateValue),
    Duration(IcsDuration),
}

/// Parses `YYYYMMDD`.
pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    let bad = || format!("'{}' is not a date (expected YYYYMMDD)", printable(s, 40));
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let y: i32 = s[0..4].parse().map_err(|_| bad())?;
    let m: u32 = s[4..6].parse().map_err(|_| bad())?;
    let d: u32 = s[6..8].parse().map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("{s} is not a real date"))
}

/// Parses `YYYYMMDDTHHMMSS[Z]`; also accepts `HHMM` without seconds, which some exporters write.
pub(crate) fn parse_date_time(s: &str) -> Result<(NaiveDateTime, bool), String> {
    let s = s.trim();
    let bad = || {
        format!(
            "'{}' is not a date-time (expected YYYYMMDDTHHMMSS, optionally ending in Z)",
            printable(s, 40)
        )
    };
    let (body, utc) = match s.strip_suffix(['Z', 'z']) {
        Some(b) => (b, true),
        None => (s, false),
    };
    let (date, time) = body.split_once(['T', 't']).ok_or_else(bad)?;
    let date = parse_date(date).map_err(|_| bad())?;
    if !time.bytes().all(|b| b.is_ascii_digit()) || !(time.len() == 6 || time.len() == 4) {
        return Err(bad());
    }
    let h: u32 = time[0..2].parse().map_err(|_| bad())?;
    let m: u32 = time[2..4].parse().map_err(|_| bad())?;
    let sec: u32 = if time.len() == 6 {
        time[4..6].parse().map_err(|_| bad())?
    } else {
        0
    };
    // A leap second (60) is read as 59: no calendar meaning rests on it.
    let time = NaiveTime::from_hms_opt(h, m, sec.min(59))
        .ok_or_else(|| format!("{s} has an impossible time of day"))?;
    Ok((date.and_time(time), utc))
}

/// Parses a DATE or DATE-TIME value with its `VALUE` and `TZID` parameters.
pub(crate) fn parse_date_value(
    s: &str,
    value_param: Option<&str>,
    tzid: Option<&str>,
) -> Result<DateValue, String> {
    let s = s.trim();
    let is_date = match value_param {
        Some(v) if v.eq_ignore_ascii_case("DATE") => true,
        Some(v) if v.eq_ignore_ascii_case("DATE-TIME") => false,
        // No (or an unknown) VALUE: decide by shape, as lenient readers do.
        _ => !s.contains(['T', 't']),
    };
    if is_date {
        // `VALUE=DATE:20260101T000000` happens; the date part is what was meant.
        let date_part = s.split(['T', 't']).next().unwrap_or(s);
        return parse_date(date_part).map(DateValue::Date);
    }
    let (local, utc) = parse_date_time(s)?;
    let tz = if utc {
        TimeRef::Utc
    } else {
        match tzid.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => TimeRef::Tzid(t.to_string()),
            None => TimeRef::Floating,
        }
    };
    Ok(DateValue::DateTime { local, tz })
}

/// Longest DURATION accepted: nothing real lasts 100 years.
const MAX_DURATION_SECONDS: i64 = 100 * 366 * 86_400;

/// Parses a DURATION such as `PT1H30M`, `P1D`, `-P2W`, `P1DT12H`.
pub(crate) fn parse_duration(s: &str) -> Result<IcsDuration, String> {
    let raw = s.trim();
    let bad = |why: &str| format!("'{}' is not a duration: {why}", printable(raw, 40));
    let (neg, rest) = match raw.as_bytes().first() {
        Some(b'-') => (true, &raw[1..]),
        Some(b'+') => (false, &raw[1..]),
        _ => (false, raw),
    };
    let rest = rest
        .strip_prefix(['P', 'p'])
        .ok_or_else(|| bad("it must start with P"))?;
    let mut days: i64 = 0;
    let mut seconds: i64 = 0;
    let mut in_time = false;
    let mut number = String::new();
    let mut any = false;
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            '0'..='9' => number.push(c),
            'T' => in_time = true,
            unit @ ('W' | 'D' | 'H' | 'M' | 'S') => {
                let n: i64 = number
                    .parse()
                    .map_err(|_| bad("a unit has no number before it"))?;
                if n > MAX_DURATION_SECONDS {
                    return Err(bad("it is longer than 100 years"));
                }
                number.clear();
                any = true;
                // Saturating: a line of thousands of units must not overflow; the total is
                // capped below anyway.
                match (unit, in_time) {
                    ('W', false) => days = days.saturating_add(7 * n),
                    ('D', false) => days = days.saturating_add(n),
                    ('H', true) => seconds = seconds.saturating_add(3600 * n),
                    ('M', true) => seconds = seconds.saturating_add(60 * n),
                    ('S', true) => seconds = seconds.saturating_add(n),
                    _ => return Err(bad("a unit is in the wrong place")),
                }
            }
            _ => return Err(bad("unexpected character")),
        }
    }
    if !number.is_empty() || !any {
        return Err(bad("a number has no unit"));
    }
    // The total is capped too (`P9999999W9999999W...`): keeps date arithmetic far from overflow.
    if days > MAX_DURATION_SECONDS / 86_400 || seconds > MAX_DURATION_SECONDS {
        return Err(bad("it is longer than 100 years"));
    }
    if neg {
        days = -days;
        seconds = -seconds;
    }
    Ok(IcsDuration { days, seconds })
}

/// Parses a PERIOD `start/end` or `start/duration` (times in the given TZID, or UTC).
pub(crate) fn parse_period(s: &str, tzid: Option<&str>) -> Result<(DateValue, PeriodEnd), String> {
    let (start, end) = s
        .split_once('/')
        .ok_or_else(|| format!("'{}' is not a period (start/end)", printable(s, 60)))?;
    let start = parse_date_value(start, Some("DATE-TIME"), tzid)?;
    let end = end.trim();
    let end = if end.starts_with(['P', 'p', '+', '-']) {
        PeriodEnd::Duration(parse_duration(end)?)
    } else {
        PeriodEnd::End(parse_date_value(end, Some("DATE-TIME"), tzid)?)
    };
    Ok((start, end))
}

/// Parses a UTC-OFFSET such as `+0100`, `-0530` or `+013045`, in seconds east of UTC.
pub(crate) fn parse_utc_offset(s: &str) -> Result<i32, String> {
    let s = s.trim();
    let bad = || {
        format!(
            "'{}' is not a UTC offset (expected +HHMM)",
            printable(s, 20)
        )
    };
    let (sign, digits) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err(bad()),
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let h: i32 = digits[0..2].parse().map_err(|_| bad())?;
    let m: i32 = digits[2..4].parse().map_err(|_| bad())?;
    let sec: i32 = if digits.len() == 6 {
        digits[4..6].parse().map_err(|_| bad())?
    } else {
        0
    };
    if h > 23 || m > 59 || sec > 59 {
        return Err(bad());
    }
    Ok(sign * (h * 3600 + m * 60 + sec))
}

/// Undoes TEXT escaping (`\n`, `\,`, `\;`, `\\`).
pub(crate) fn unescape_text(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars));
    let mut chars = s.chars();
    let mut count = 0;
    while let Some(c) = chars.next() {
        if count >= max_chars {
            break;
        }
        let c = if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => '\n',
                Some(other) => other,
                None => break,
            }
        } else {
            c
        };
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_values_by_param_and_shape() {
        assert_eq!(
            parse_date_value("20260105", None, None),
            Ok(DateValue::Date(
                NaiveDate::from_ymd_opt(2026, 1, 5).expect("date")
            ))
        );
        let dt = parse_date_value("20260105T090000", None, Some("Europe/Berlin")).expect("dt");
        assert!(
            matches!(dt, DateValue::DateTime { tz: TimeRef::Tzid(ref t), .. } if t == "Europe/Berlin")
        );
        let z = parse_date_value("20260105T090000Z", None, Some("Europe/Berlin")).expect("dt");
        assert!(matches!(
            z,
            DateValue::DateTime {
                tz: TimeRef::Utc,
                ..
            }
        ));
        assert!(matches!(
            parse_date_value("20260105T0900", None, None),
            Ok(DateValue::DateTime {
                tz: TimeRef::Floating,
                ..
            })
        ));
        assert!(parse_date_value("20261305", None, None).is_err());
        assert!(parse_date_value("2026-01-05", None, None).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("PT1H30M"),
            Ok(IcsDuration {
                days: 0,
                seconds: 5400
            })
        );
        assert_eq!(
            parse_duration("P1W2DT3S"),
            Ok(IcsDuration {
                days: 9,
                seconds: 3
            })
        );
        assert_eq!(
            parse_duration("-P1D"),
            Ok(IcsDuration {
                days: -1,
                seconds: 0
            })
        );
        assert!(parse_duration("P").is_err());
        assert!(parse_duration("PT1H5").is_err());
        assert!(parse_duration("P1H").is_err());
        assert!(parse_duration("1H").is_err());
        // Found by the fuzzer: 600 000 years overflowed date arithmetic.
        assert!(parse_duration("P220260328D").is_err());
        assert!(parse_duration("P3000000000W").is_err());
        assert!(parse_duration(&format!("P{}", "5000W".repeat(2))).is_err());
        assert!(parse_duration(&format!("PT{}", "3162240000H".repeat(3000))).is_err());
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_utc_offset("+0100"), Ok(3600));
        assert_eq!(parse_utc_offset("-0530"), Ok(-19800));
        assert_eq!(parse_utc_offset("+013045"), Ok(5445));
        assert!(parse_utc_offset("0100").is_err());
        assert!(parse_utc_offset("+2500").is_err());
    }

    #[test]
    fn text_unescape_and_cap() {
        assert_eq!(unescape_text(r"a\, b\; c\\d\ne", 100), "a, b; c\\d\ne");
        assert_eq!(unescape_text("abcdef", 3), "abc");
    }
}
