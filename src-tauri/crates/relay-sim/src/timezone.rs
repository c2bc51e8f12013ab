//! Graph's `dateTimeTimeZone`: a local date-time without offset plus a zone name, which may be a
//! Windows zone name (`Pacific Standard Time`) or an IANA name (`America/New_York`).

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Windows zone names Graph clients commonly send, with the IANA zone of each (CLDR's "001"
/// territory mapping). Unlisted Windows names are refused with a message naming the fix.
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time", "America/Denver"),
    ("Central Standard Time", "America/Chicago"),
    ("Canada Central Standard Time", "America/Regina"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Eastern Standard Time", "America/New_York"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("Argentina Standard Time", "America/Buenos_Aires"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("GMT Standard Time", "Europe/London"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("Romance Standard Time", "Europe/Paris"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("India Standard Time", "Asia/Calcutta"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("China Standard Time", "Asia/Shanghai"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("AUS Central Standard Time", "Australia/Darwin"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
];

/// Converts a `dateTimeTimeZone` to UTC, or explains why it cannot.
pub(crate) fn to_utc(date_time: &str, zone: &str) -> Result<DateTime<Utc>, String> {
    let local = parse_local(date_time)?;
    let zone = zone.trim();
    if ["utc", "coordinated universal time", "etc/utc", "z"]
        .iter()
        .any(|name| zone.eq_ignore_ascii_case(name))
    {
        return Ok(Utc.from_utc_datetime(&local));
    }
    let tz = resolve_zone(zone)?;
    tz.from_local_datetime(&local)
        .earliest()
        .map(|moment| moment.with_timezone(&Utc))
        .ok_or_else(|| {
            format!(
                "dateTime {date_time} does not exist in time zone {zone} (a daylight-saving gap)"
            )
        })
}

fn parse_local(date_time: &str) -> Result<NaiveDateTime, String> {
    let text = date_time.trim();
    let has_offset = text.ends_with(['Z', 'z'])
        || text
            .rsplit_once('T')
            .is_some_and(|(_, time)| time.contains(['+', '-']));
    if has_offset {
        return Err(format!(
            "dateTime {text} carries an offset; dateTimeTimeZone.dateTime must be a local time \
             such as 2026-03-02T17:05:33.0000000, with the zone in timeZone"
        ));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(|| {
            format!("dateTime {text} is not a date-time such as 2026-03-02T17:05:33.0000000")
        })
}

fn resolve_zone(zone: &str) -> Result<Tz, String> {
    if let Some((_, iana)) = WINDOWS_ZONES
        .iter()
        .find(|(windows, _)| windows.eq_ignore_ascii_case(zone))
    {
        return iana
            .parse::<Tz>()
            .map_err(|_| format!("time zone {zone} maps to {iana}, which this build lacks"));
    }
    zone.parse::<Tz>().map_err(|_| {
        format!(
            "timeZone {zone} is neither a known Windows zone name nor an IANA zone; use e.g. \
             \"Pacific Standard Time\", \"UTC\" or \"Europe/Berlin\""
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("valid RFC 3339")
    }

    #[test]
    fn windows_iana_and_utc_names_convert() {
        assert_eq!(
            to_utc("2026-07-01T09:00:00.0000000", "Pacific Standard Time"),
            Ok(utc("2026-07-01T16:00:00Z"))
        );
        assert_eq!(
            to_utc("2026-01-15T09:00:00", "Europe/Berlin"),
            Ok(utc("2026-01-15T08:00:00Z"))
        );
        assert_eq!(
            to_utc("2026-01-15T09:00:00", "UTC"),
            Ok(utc("2026-01-15T09:00:00Z"))
        );
    }

    #[test]
    fn offsets_unknown_zones_and_gaps_are_refused() {
        let offset = to_utc("2026-01-15T09:00:00Z", "UTC").expect_err("offset");
        assert!(offset.contains("carries an offset"), "{offset}");
        let plus = to_utc("2026-01-15T09:00:00+01:00", "UTC").expect_err("offset");
        assert!(plus.contains("carries an offset"), "{plus}");
        let zone = to_utc("2026-01-15T09:00:00", "Mars Standard Time").expect_err("zone");
        assert!(zone.contains("Mars Standard Time"), "{zone}");
        let gap = to_utc("2026-03-29T02:30:00", "Europe/Berlin").expect_err("gap");
        assert!(gap.contains("daylight-saving gap"), "{gap}");
        let garbage = to_utc("tomorrow", "UTC").expect_err("garbage");
        assert!(garbage.contains("is not a date-time"), "{garbage}");
    }
}
