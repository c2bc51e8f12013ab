//! TZID -> [`Zone`]. TZIDs in the wild are tzdb names, Windows names (`W. Europe Standard
//! Time`), tzdb names behind a vendor prefix (`/mozilla.org/20050126_1/Europe/Berlin`),
//! Exchange's `tzone://Microsoft/...`, Outlook display strings (`(UTC+01:00) Amsterdam, ...`)
//! and made-up names that only the file's own VTIMEZONE defines (`Customized Time Zone`).
//!
//! Order, first hit wins (tzdb history beats a VTIMEZONE's copy of today's rules):
//! 1. a tzdb name, as written or after a `/`-separated prefix;
//! 2. a Windows zone name (CLDR table);
//! 3. the VTIMEZONE with that TZID: its `X-LIC-LOCATION` if that is a known name, else its
//!    STANDARD/DAYLIGHT rules;
//! 4. an `(UTC±hh:mm)` display string: that fixed offset (no DST; warned);
//! 5. the default zone (warned).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use windows_timezones::WindowsTimezone;

use super::{CustomZone, Zone};
use crate::diagnostics::Warning;
use crate::ics::lexer::printable;
use crate::ics::model::ZoneDef;

/// Resolves TZIDs once each, remembering the answer and warning only once per TZID.
#[derive(Debug)]
pub(crate) struct ZoneResolver<'c> {
    defs: &'c HashMap<String, ZoneDef>,
    default: chrono_tz::Tz,
    cache: HashMap<String, Zone>,
}

/// A tzdb name or Windows name -> zone.
fn known_name(name: &str) -> Option<Zone> {
    let name = name.trim();
    if let Ok(tz) = chrono_tz::Tz::from_str(name) {
        return Some(Zone::Iana(tz));
    }
    if let Ok(win) = WindowsTimezone::from_str(name) {
        return Some(Zone::Iana(chrono_tz::Tz::from(win)));
    }
    // `/mozilla.org/20050126_1/Europe/Berlin`, `/softwarestudio.org/Olson_20011030_5/...`:
    // try each suffix that starts after a '/'.
    let mut rest = name;
    while let Some(i) = rest.find('/') {
        rest = &rest[i + 1..];
        if let Ok(tz) = chrono_tz::Tz::from_str(rest) {
            return Some(Zone::Iana(tz));
        }
    }
    None
}

/// `(UTC+01:00) Amsterdam, Berlin` -> +3600; `(UTC) Dublin` -> 0.
fn display_offset(name: &str) -> Option<i32> {
    let inner = name.trim().strip_prefix('(')?.split(')').next()?;
    let rest = inner
        .strip_prefix("UTC")
        .or_else(|| inner.strip_prefix("GMT"))?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, hm) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = hm.split_once(':').unwrap_or((hm, "0"));
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    // `then`, not `then_some`: the product must not be computed for out-of-range hours.
    (h <= 14 && m < 60).then(|| sign * (h * 3600 + m * 60))
}

impl<'c> ZoneResolver<'c> {
    pub fn new(defs: &'c HashMap<String, ZoneDef>, default: chrono_tz::Tz) -> Self {
        Self {
            defs,
            default,
            cache: HashMap::new(),
        }
    }

    pub fn default_zone(&self) -> Zone {
        Zone::Iana(self.default)
    }

    /// The zone for `tzid`; a warning the first time a TZID needs a fallback.
    pub fn resolve(&mut self, tzid: &str, line: usize) -> (Zone, Option<Warning>) {
        if let Some(z) = self.cache.get(tzid) {
            return (z.clone(), None);
        }
        let (zone, warning) = self.lookup(tzid, line);
        self.cache.insert(tzid.to_string(), zone.clone());
        (zone, warning)
    }

    fn lookup(&self, tzid: &str, line: usize) -> (Zone, Option<Warning>) {
        let name = tzid.trim();
        let name = name.strip_prefix("tzone://Microsoft/").unwrap_or(name);
        if name.eq_ignore_ascii_case("utc") || name == "Z" {
            return (Zone::Utc, None);
        }
        if let Some(z) = known_name(name) {
            return (z, None);
        }
        if let Some(def) = self.defs.get(tzid) {
            if let Some(z) = def.location.as_deref().and_then(known_name) {
                return (z, None);
            }
            if let Some(custom) = CustomZone::new(&def.observances) {
                return (Zone::Custom(Arc::new(custom)), None);
            }
        }
        let shown = printable(tzid, 60);
        if let Some(offset) = display_offset(name) {
            let warning = Warning::at(
                line,
                format!(
                    "time zone '{shown}' is not a known name and has no usable VTIMEZONE; \
                     using its fixed offset, without daylight saving"
                ),
            );
            return (Zone::Fixed(offset), Some(warning));
        }
        let warning = Warning::at(
            line,
            format!(
                "time zone '{shown}' is not a known name and has no usable VTIMEZONE; using the \
                 default zone {}",
                self.default.name()
            ),
        );
        (self.default_zone(), Some(warning))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(z: &Zone) -> String {
        match z {
            Zone::Utc => "UTC".into(),
            Zone::Fixed(o) => format!("fixed {o}"),
            Zone::Iana(tz) => tz.name().into(),
            Zone::Custom(_) => "custom".into(),
        }
    }

    #[test]
    fn resolves_the_names_found_in_the_wild() {
        let defs = HashMap::new();
        let mut r = ZoneResolver::new(&defs, chrono_tz::Europe::London);
        for (tzid, want) in [
            ("Europe/Berlin", "Europe/Berlin"),
            ("W. Europe Standard Time", "Europe/Berlin"),
            ("Eastern Standard Time", "America/New_York"),
            ("Pacific Standard Time", "America/Los_Angeles"),
            (
                "/mozilla.org/20050126_1/America/New_York",
                "America/New_York",
            ),
            (
                "/softwarestudio.org/Olson_20011030_5/Europe/Paris",
                "Europe/Paris",
            ),
            ("tzone://Microsoft/Utc", "UTC"),
            (
                "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi",
                "fixed 19800",
            ),
            ("Nowhere Standard Time", "Europe/London"),
        ] {
            let (zone, _) = r.resolve(tzid, 1);
            assert_eq!(name_of(&zone), want, "{tzid}");
        }
    }

    #[test]
    fn fallbacks_warn_once() {
        let defs = HashMap::new();
        let mut r = ZoneResolver::new(&defs, chrono_tz::Europe::London);
        let (_, first) = r.resolve("Nowhere Standard Time", 7);
        let first = first.expect("warning");
        assert_eq!(first.line, Some(7));
        assert!(
            first.message.contains("default zone Europe/London"),
            "{first}"
        );
        assert!(r.resolve("Nowhere Standard Time", 9).1.is_none());
    }

    #[test]
    fn display_offsets() {
        assert_eq!(display_offset("(UTC) Dublin, Edinburgh"), Some(0));
        assert_eq!(display_offset("(UTC-03:30) Newfoundland"), Some(-12600));
        assert_eq!(display_offset("(GMT+01:00) Amsterdam"), Some(3600));
        assert_eq!(display_offset("Customized Time Zone"), None);
        // Found by the fuzzer: a huge hour overflowed before it was range-checked.
        assert_eq!(display_offset("(UTC+2026032801:00) Amsterdam"), None);
    }
}
