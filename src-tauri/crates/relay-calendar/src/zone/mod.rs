//! Time zones: one type for tzdb zones, fixed offsets and VTIMEZONE-defined zones, and the
//! wall-clock -> instant rule of RFC 5545 §3.3.5: a time in a DST gap moves forward by the gap
//! (it is read with the offset in force before the gap), an ambiguous time takes its first
//! occurrence.

pub(crate) mod resolve;
pub(crate) mod vtimezone;

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};

pub(crate) use resolve::ZoneResolver;
pub(crate) use vtimezone::CustomZone;

#[derive(Clone, Debug)]
pub(crate) enum Zone {
    Utc,
    /// Seconds east of UTC.
    Fixed(i32),
    Iana(chrono_tz::Tz),
    Custom(Arc<CustomZone>),
}

impl Zone {
    /// The UTC offset (seconds east) in force at the instant `utc` (given as a naive UTC time).
    pub fn offset_at_utc(&self, utc: NaiveDateTime) -> i32 {
        match self {
            Zone::Utc => 0,
            Zone::Fixed(o) => *o,
            Zone::Iana(tz) => tz.offset_from_utc_datetime(&utc).fix().local_minus_utc(),
            Zone::Custom(z) => z.offset_at_utc(utc),
        }
    }

    /// The instant a wall-clock time in this zone denotes (gap: forward; fold: first).
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let probe = |t: NaiveDateTime| self.offset_at_utc(t);
        // Checked arithmetic: at the ends of chrono's range, stay put rather than panic.
        let shift = |t: NaiveDateTime, secs: i64| {
            t.checked_add_signed(Duration::seconds(secs)).unwrap_or(t)
        };
        let before = probe(shift(local, -86_400));
        let after = probe(shift(local, 86_400));
        let mut best: Option<NaiveDateTime> = None;
        for o in [before, after] {
            let candidate = shift(local, -i64::from(o));
            if probe(candidate) == o && best.is_none_or(|b| candidate < b) {
                best = Some(candidate);
            }
        }
        // No offset fits: the time is in a gap; the offset before the gap moves it forward.
        best.unwrap_or_else(|| shift(local, -i64::from(before)))
            .and_utc()
    }

    /// The wall-clock time of an instant in this zone.
    pub fn to_local(&self, utc: DateTime<Utc>) -> NaiveDateTime {
        let naive = utc.naive_utc();
        naive
            .checked_add_signed(Duration::seconds(i64::from(self.offset_at_utc(naive))))
            .unwrap_or(naive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test time")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        local(s).and_utc()
    }

    #[test]
    fn gap_moves_forward_and_fold_takes_first() {
        let berlin = Zone::Iana(chrono_tz::Europe::Berlin);
        // 2026-03-29 02:30 does not exist in Berlin: read with +01:00 -> 01:30Z = 03:30 CEST.
        assert_eq!(
            berlin.to_utc(local("2026-03-29 02:30")),
            utc("2026-03-29 01:30")
        );
        // 2026-10-25 02:30 happens twice: the first is CEST (+02:00) -> 00:30Z.
        assert_eq!(
            berlin.to_utc(local("2026-10-25 02:30")),
            utc("2026-10-25 00:30")
        );
        assert_eq!(
            berlin.to_utc(local("2026-07-01 09:00")),
            utc("2026-07-01 07:00")
        );
        assert_eq!(
            berlin.to_local(utc("2026-07-01 07:00")),
            local("2026-07-01 09:00")
        );
        let ny = Zone::Iana(chrono_tz::America::New_York);
        assert_eq!(
            ny.to_utc(local("2026-03-08 02:30")),
            utc("2026-03-08 07:30")
        );
        assert_eq!(
            ny.to_utc(local("2026-11-01 01:30")),
            utc("2026-11-01 05:30")
        );
        assert_eq!(
            Zone::Fixed(-3600).to_utc(local("2026-01-01 00:00")),
            utc("2026-01-01 01:00")
        );
    }
}
