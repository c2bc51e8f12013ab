//! Lengths of time as people write them in a timeline: `90s`, `5m`, `1h30m`, `2d`, or plain
//! seconds. Used both for offsets from the timeline's start and for durations.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::Duration;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A whole number of seconds, zero or more.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeSpan(u64);

/// What a span may be written as, for error messages.
pub const SPAN_FORMS: &str =
    "write seconds (90) or text with units in the order d, h, m, s (\"90s\", \"5m\", \"1h30m\", \"2d\")";

/// The units a span may use, largest first, with their length in seconds.
const UNITS: [(char, u64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

impl TimeSpan {
    pub const ZERO: TimeSpan = TimeSpan(0);

    pub const fn from_seconds(seconds: u64) -> Self {
        Self(seconds)
    }

    pub const fn seconds(self) -> u64 {
        self.0
    }

    pub fn duration(self) -> Duration {
        Duration::seconds(i64::try_from(self.0).unwrap_or(i64::MAX))
    }

    /// The span as a clock offset from the start, e.g. `+01:30:00` (hours grow past 24).
    pub fn clock(self) -> String {
        let (hours, rest) = (self.0 / 3_600, self.0 % 3_600);
        format!("+{hours:02}:{:02}:{:02}", rest / 60, rest % 60)
    }

    pub fn checked_add(self, other: TimeSpan) -> Option<TimeSpan> {
        self.0.checked_add(other.0).map(TimeSpan)
    }
}

impl fmt::Display for TimeSpan {
    /// The shortest text form with units, e.g. `1h30m`; zero is `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, length) in UNITS {
            if rest >= length {
                write!(f, "{}{unit}", rest / length)?;
                rest %= length;
            }
        }
        Ok(())
    }
}

/// Text that is not a span.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("\"{given}\" is not a length of time; {SPAN_FORMS}")]
pub struct SpanError {
    pub given: String,
}

impl FromStr for TimeSpan {
    type Err = SpanError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || SpanError {
            given: text.to_owned(),
        };
        let trimmed = text.trim();
        if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return trimmed.parse().map(TimeSpan).map_err(|_| invalid());
        }
        let mut total: u64 = 0;
        let mut digits = String::new();
        // Units must come largest first, each at most once: "1h30m", not "30m1h".
        let mut allowed = &UNITS[..];
        for c in trimmed.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let position = allowed
                .iter()
                .position(|(unit, _)| *unit == c.to_ascii_lowercase())
                .ok_or_else(invalid)?;
            let count: u64 = digits.parse().map_err(|_| invalid())?;
            total = count
                .checked_mul(allowed[position].1)
                .and_then(|seconds| total.checked_add(seconds))
                .ok_or_else(invalid)?;
            digits.clear();
            allowed = &allowed[position + 1..];
        }
        if !digits.is_empty() || trimmed.is_empty() {
            return Err(invalid());
        }
        Ok(TimeSpan(total))
    }
}

impl Serialize for TimeSpan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeSpan {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SpanVisitor)
    }
}

struct SpanVisitor;

impl Visitor<'_> for SpanVisitor {
    type Value = TimeSpan;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a length of time: seconds (90) or text such as \"90s\", \"5m\", \"1h30m\"")
    }

    fn visit_u64<E: de::Error>(self, seconds: u64) -> Result<TimeSpan, E> {
        Ok(TimeSpan(seconds))
    }

    fn visit_i64<E: de::Error>(self, seconds: i64) -> Result<TimeSpan, E> {
        u64::try_from(seconds).map(TimeSpan).map_err(|_| {
            E::custom(format!(
                "{seconds} is negative; times count from the timeline's start, so {SPAN_FORMS}"
            ))
        })
    }

    fn visit_f64<E: de::Error>(self, seconds: f64) -> Result<TimeSpan, E> {
        Err(E::custom(format!(
            "{seconds} is not a whole number of seconds; {SPAN_FORMS}"
        )))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<TimeSpan, E> {
        text.parse().map_err(E::custom)
    }
}

impl JsonSchema for TimeSpan {
    fn schema_name() -> Cow<'static, str> {
        "TimeSpan".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A length of time: whole seconds (90), or text with units in the order d, h, m, s (\"90s\", \"5m\", \"1h30m\", \"2d\").",
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": "^([0-9]+[dD])?([0-9]+[hH])?([0-9]+[mM])?([0-9]+[sS])?$", "minLength": 1}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str) -> Result<u64, SpanError> {
        text.parse::<TimeSpan>().map(TimeSpan::seconds)
    }

    #[test]
    fn reads_the_documented_forms() {
        assert_eq!(span("90s"), Ok(90));
        assert_eq!(span("5m"), Ok(300));
        assert_eq!(span("1h30m"), Ok(5_400));
        assert_eq!(span("2d"), Ok(172_800));
        assert_eq!(span("1d2h3m4s"), Ok(93_784));
        assert_eq!(span("90"), Ok(90));
        assert_eq!(span(" 0s "), Ok(0));
        assert_eq!(span("5M"), Ok(300));
    }

    #[test]
    fn refuses_what_is_ambiguous_or_malformed() {
        for text in ["", "m", "30m1h", "1h1h", "5x", "1.5h", "-5m", "5m3", "h5"] {
            let err = span(text).expect_err(text);
            assert!(err.to_string().contains("1h30m"), "{err}");
        }
    }

    #[test]
    fn prints_short_text_and_clock_offsets() {
        assert_eq!(TimeSpan(5_400).to_string(), "1h30m");
        assert_eq!(TimeSpan(0).to_string(), "0s");
        assert_eq!(TimeSpan(93_784).to_string(), "1d2h3m4s");
        assert_eq!(TimeSpan(5_400).clock(), "+01:30:00");
        assert_eq!(TimeSpan(90_061).clock(), "+25:01:01");
    }

    #[test]
    fn json_takes_numbers_and_text_and_refuses_negatives() {
        let from = |json: &str| serde_json::from_str::<TimeSpan>(json).map(TimeSpan::seconds);
        assert_eq!(from("90").ok(), Some(90));
        assert_eq!(from("\"1h\"").ok(), Some(3_600));
        let negative = from("-5").expect_err("negative");
        assert!(negative.to_string().contains("negative"), "{negative}");
        assert!(from("1.5").is_err());
        assert_eq!(
            serde_json::to_string(&TimeSpan(300)).ok().as_deref(),
            Some("\"5m\"")
        );
    }
}
