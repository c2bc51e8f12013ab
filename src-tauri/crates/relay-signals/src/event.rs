//! What a source observed, stamped with when and by whom.
//!
//! The serialized form of a [`SignalEvent`] is the line format of `presence-relay signals --json`:
//! `{"at":"<RFC 3339>","source":"<name>","signal":"<signal>","value":<value>}`. The
//! serializer is written by hand so that this shape is a decision made here, pinned by tests, and
//! not a side effect of how the Rust enum happens to be laid out.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use relay_core::config::ShowAs;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// The name of a source, such as `logind` or `gnome-screensaver`. Stable: it appears in the CLI
/// output, the status stream and the logs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceName(Cow<'static, str>);

impl SourceName {
    /// A name known at compile time (every built-in source).
    pub const fn fixed(name: &'static str) -> Self {
        Self(Cow::Borrowed(name))
    }

    /// A name built at run time, for example one per configured calendar.
    pub fn owned(name: impl Into<String>) -> Self {
        Self(Cow::Owned(name.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for SourceName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// A state that a source may be unable to read. `Unknown` is never the same as `Off`: a
/// do-not-disturb source that cannot read the setting says `Unknown`, and the rules keep the last
/// known value instead of turning the mode off. Serialized as `true`, `false` or `null`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tri {
    On,
    Off,
    Unknown,
}

impl From<bool> for Tri {
    fn from(on: bool) -> Self {
        if on {
            Tri::On
        } else {
            Tri::Off
        }
    }
}

impl Serialize for Tri {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Tri::On => serializer.serialize_bool(true),
            Tri::Off => serializer.serialize_bool(false),
            Tri::Unknown => serializer.serialize_none(),
        }
    }
}

/// How well a source can currently see what it watches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum Health {
    /// Subscribed and reporting.
    Live,
    /// Expected to work but does not right now (service restarting, unreadable reply, backoff).
    /// Its last values may be stale.
    Degraded(String),
    /// This machine does not offer the mechanism (no such service, schema or API).
    Unsupported(String),
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Health::Live => f.write_str("live"),
            Health::Degraded(reason) => write!(f, "degraded: {reason}"),
            Health::Unsupported(reason) => write!(f, "unsupported: {reason}"),
        }
    }
}

/// The state of one calendar, as a calendar source (relay-calendar) reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CalendarState {
    /// The `id` of the calendar in the configuration.
    pub calendar_id: String,
    /// How the calendar shows its owner right now (`free` between events).
    pub show_as: ShowAs,
    /// When this state is expected to change, if known.
    #[serde(serialize_with = "serialize_optional_rfc3339")]
    pub until: Option<DateTime<Utc>>,
}

/// One observation. The JSON name of each variant is the `signal` field of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signal {
    /// `locked`: the session is locked (logind `LockedHint`, WTS lock, macOS screenIsLocked).
    Locked(bool),
    /// `screensaver`: a screensaver or lock shield is up (may come before the lock itself).
    Screensaver(bool),
    /// `idle_seconds`: zero means recent input; a positive value means no input since
    /// `at - value`, still counting until the next `idle_seconds` event. Sources report when
    /// idleness crosses their threshold and when input returns, not on every tick.
    Idle(Duration),
    /// `dnd`: focus assist / do-not-disturb.
    Dnd(Tri),
    /// `presentation`: a presentation or full-screen application is running.
    Presentation(Tri),
    /// `session_active`: this session is the one in front of the user (not switched away,
    /// disconnected or logged off).
    SessionActive(bool),
    /// `suspending`: the machine is about to sleep. Value `true`.
    Suspending,
    /// `resumed`: the machine woke up; every source re-reads its state. Value `true`.
    Resumed,
    /// `session_ending`: logoff or shutdown announced (`true`) or cancelled (`false`).
    SessionEnding(bool),
    /// `calendar`: the state of one calendar.
    Calendar(CalendarState),
    /// `health`: how well the source sees what it watches.
    Health(Health),
}

impl Signal {
    /// The `signal` field of the JSON line.
    pub fn kind(&self) -> &'static str {
        match self {
            Signal::Locked(_) => "locked",
            Signal::Screensaver(_) => "screensaver",
            Signal::Idle(_) => "idle_seconds",
            Signal::Dnd(_) => "dnd",
            Signal::Presentation(_) => "presentation",
            Signal::SessionActive(_) => "session_active",
            Signal::Suspending => "suspending",
            Signal::Resumed => "resumed",
            Signal::SessionEnding(_) => "session_ending",
            Signal::Calendar(_) => "calendar",
            Signal::Health(_) => "health",
        }
    }

    fn value(&self) -> SignalValue<'_> {
        match self {
            Signal::Locked(on)
            | Signal::Screensaver(on)
            | Signal::SessionActive(on)
            | Signal::SessionEnding(on) => SignalValue::Bool(*on),
            Signal::Suspending | Signal::Resumed => SignalValue::Bool(true),
            Signal::Idle(idle) => SignalValue::Seconds(idle.as_secs()),
            Signal::Dnd(tri) | Signal::Presentation(tri) => SignalValue::Tri(*tri),
            Signal::Calendar(state) => SignalValue::Calendar(state),
            Signal::Health(health) => SignalValue::Health(health),
        }
    }
}

/// The `value` field, borrowed from the signal.
#[derive(Serialize)]
#[serde(untagged)]
enum SignalValue<'a> {
    Bool(bool),
    Tri(Tri),
    Seconds(u64),
    Calendar(&'a CalendarState),
    Health(&'a Health),
}

/// A signal with its time and source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalEvent {
    pub at: DateTime<Utc>,
    pub source: SourceName,
    pub signal: Signal,
}

impl SignalEvent {
    /// The event as one line of `presence-relay signals --json` (no trailing newline).
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|error| {
            // Every field serializes infallibly (strings, numbers, bools); keep the line shape
            // even if that ever changes, so a consumer never sees a half-written line.
            format!(
                r#"{{"at":"{}","source":"{}","signal":"error","value":"{error}"}}"#,
                rfc3339(&self.at),
                self.source
            )
        })
    }

    /// The event as a line for people: `2026-11-27T08:00:00Z  logind  locked  true`.
    pub fn to_human_line(&self) -> String {
        let value = match &self.signal {
            Signal::Health(health) => health.to_string(),
            Signal::Calendar(state) => match state.until {
                Some(until) => format!(
                    "{} {:?} until {}",
                    state.calendar_id,
                    state.show_as,
                    rfc3339(&until)
                ),
                None => format!("{} {:?}", state.calendar_id, state.show_as),
            },
            other => serde_json::to_string(&other.value()).unwrap_or_default(),
        };
        format!(
            "{}  {}  {}  {}",
            rfc3339(&self.at),
            self.source,
            self.signal.kind(),
            value
        )
    }
}

impl Serialize for SignalEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut line = serializer.serialize_struct("SignalEvent", 4)?;
        line.serialize_field("at", &rfc3339(&self.at))?;
        line.serialize_field("source", &self.source)?;
        line.serialize_field("signal", self.signal.kind())?;
        line.serialize_field("value", &self.signal.value())?;
        line.end()
    }
}

/// RFC 3339 in UTC with a `Z` and only as many fraction digits as needed (none for whole seconds).
fn rfc3339(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn serialize_optional_rfc3339<S: Serializer>(
    at: &Option<DateTime<Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.serialize_str(&rfc3339(at)),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 8, 30, 0)
            .single()
            .expect("valid date")
    }

    fn line(signal: Signal) -> String {
        SignalEvent {
            at: at(),
            source: SourceName::fixed("logind"),
            signal,
        }
        .to_json_line()
    }

    #[test]
    fn every_signal_has_the_documented_json_line_shape() {
        let cases = [
            (Signal::Locked(true), r#""signal":"locked","value":true"#),
            (
                Signal::Screensaver(false),
                r#""signal":"screensaver","value":false"#,
            ),
            (
                Signal::Idle(Duration::from_millis(61_900)),
                r#""signal":"idle_seconds","value":61"#,
            ),
            (Signal::Dnd(Tri::On), r#""signal":"dnd","value":true"#),
            (Signal::Dnd(Tri::Unknown), r#""signal":"dnd","value":null"#),
            (
                Signal::Presentation(Tri::Off),
                r#""signal":"presentation","value":false"#,
            ),
            (
                Signal::SessionActive(true),
                r#""signal":"session_active","value":true"#,
            ),
            (Signal::Suspending, r#""signal":"suspending","value":true"#),
            (Signal::Resumed, r#""signal":"resumed","value":true"#),
            (
                Signal::SessionEnding(false),
                r#""signal":"session_ending","value":false"#,
            ),
            (
                Signal::Health(Health::Live),
                r#""signal":"health","value":{"state":"live"}"#,
            ),
            (
                Signal::Health(Health::Unsupported("no logind".into())),
                r#""signal":"health","value":{"state":"unsupported","reason":"no logind"}"#,
            ),
            (
                Signal::Health(Health::Degraded("restarting".into())),
                r#""signal":"health","value":{"state":"degraded","reason":"restarting"}"#,
            ),
        ];
        for (signal, tail) in cases {
            assert_eq!(
                line(signal),
                format!(r#"{{"at":"2026-11-27T08:30:00Z","source":"logind",{tail}}}"#)
            );
        }
    }

    #[test]
    fn calendar_payload_names_the_calendar_state_and_end() {
        let busy = Signal::Calendar(CalendarState {
            calendar_id: "front-desk".into(),
            show_as: ShowAs::Busy,
            until: Some(at() + chrono::Duration::minutes(30)),
        });
        assert_eq!(
            line(busy),
            r#"{"at":"2026-11-27T08:30:00Z","source":"logind","signal":"calendar","value":{"calendar_id":"front-desk","show_as":"busy","until":"2026-11-27T09:00:00Z"}}"#
        );
        let open_ended = Signal::Calendar(CalendarState {
            calendar_id: "x".into(),
            show_as: ShowAs::Free,
            until: None,
        });
        assert!(line(open_ended).ends_with(r#""show_as":"free","until":null}}"#));
    }

    #[test]
    fn fractional_seconds_are_kept_and_the_zone_is_z() {
        let event = SignalEvent {
            at: at() + chrono::Duration::milliseconds(250),
            source: SourceName::owned("calendar:front-desk"),
            signal: Signal::Resumed,
        };
        assert!(event
            .to_json_line()
            .starts_with(r#"{"at":"2026-11-27T08:30:00.250Z","source":"calendar:front-desk""#));
    }

    #[test]
    fn human_lines_read_naturally() {
        let event = SignalEvent {
            at: at(),
            source: SourceName::fixed("logind"),
            signal: Signal::Health(Health::Degraded("logind left the bus".into())),
        };
        assert_eq!(
            event.to_human_line(),
            "2026-11-27T08:30:00Z  logind  health  degraded: logind left the bus"
        );
        let locked = SignalEvent {
            signal: Signal::Dnd(Tri::Unknown),
            ..event
        };
        assert_eq!(
            locked.to_human_line(),
            "2026-11-27T08:30:00Z  logind  dnd  null"
        );
    }
}
