//! Microsoft Graph's presence vocabulary: availability and activity values, the pairs Graph
//! accepts for each write, and the bounds on expiration durations.
//!
//! Everything here is checked before a request leaves the machine, so a pair Graph would reject
//! (with a bare `400`) is refused locally with a message that lists the legal choices instead.
//!
//! Graph's documentation writes values in PascalCase in examples and camelCase in property tables,
//! so parsing ignores case; we always send the PascalCase spelling the examples use.
//! Facts: `shared/reference/graph-presence.md` §1, §3, §5.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a string enum whose names parse without regard to case.
macro_rules! graph_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling Graph uses in its examples (PascalCase).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant)),+
                }
            }

            /// Parses a value without regard to case (`inACall`, `InACall` and `INACALL` agree).
            pub fn parse(text: &str) -> Result<Self, PresenceValueError> {
                let wanted = text.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| PresenceValueError::Unknown {
                        what: $what,
                        given: text.to_owned(),
                        known: Self::ALL.iter().map(|value| value.as_str()).collect(),
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = PresenceValueError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

graph_enum! {
    /// A presence's base state (`availability`).
    Availability, "availability" {
        Available,
        AvailableIdle,
        Away,
        BeRightBack,
        Busy,
        BusyIdle,
        DoNotDisturb,
        Offline,
        PresenceUnknown,
    }
}

graph_enum! {
    /// A presence's supplemental state (`activity`).
    Activity, "activity" {
        Available,
        /// Seen while an Available session fades; not in Graph's enum lists.
        AvailableInactive,
        Away,
        BeRightBack,
        Busy,
        DoNotDisturb,
        Focusing,
        InACall,
        InAConferenceCall,
        Inactive,
        InAMeeting,
        Offline,
        OffWork,
        OutOfOffice,
        PresenceUnknown,
        Presenting,
        UrgentInterruptionsOnly,
    }
}

/// A pair `setPresence` accepts for the app's own presence session (v1.0 lists exactly five).
/// Serialized by variant name (the engine's record of what it holds, kept across restarts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SessionPair {
    Available,
    BusyInACall,
    BusyInAConferenceCall,
    Away,
    DoNotDisturbPresenting,
}

impl SessionPair {
    pub const ALL: [SessionPair; 5] = [
        SessionPair::Available,
        SessionPair::BusyInACall,
        SessionPair::BusyInAConferenceCall,
        SessionPair::Away,
        SessionPair::DoNotDisturbPresenting,
    ];

    pub fn availability(self) -> Availability {
        match self {
            SessionPair::Available => Availability::Available,
            SessionPair::BusyInACall | SessionPair::BusyInAConferenceCall => Availability::Busy,
            SessionPair::Away => Availability::Away,
            SessionPair::DoNotDisturbPresenting => Availability::DoNotDisturb,
        }
    }

    pub fn activity(self) -> Activity {
        match self {
            SessionPair::Available => Activity::Available,
            SessionPair::BusyInACall => Activity::InACall,
            SessionPair::BusyInAConferenceCall => Activity::InAConferenceCall,
            SessionPair::Away => Activity::Away,
            SessionPair::DoNotDisturbPresenting => Activity::Presenting,
        }
    }

    /// The pair for these values, or an error that lists the five legal pairs.
    pub fn from_values(
        availability: Availability,
        activity: Activity,
    ) -> Result<Self, IllegalPairError> {
        Self::ALL
            .into_iter()
            .find(|pair| pair.availability() == availability && pair.activity() == activity)
            .ok_or_else(|| IllegalPairError {
                write: PairKind::Session,
                availability: availability.as_str().to_owned(),
                activity: activity.as_str().to_owned(),
            })
    }

    /// Parses two strings (any case). Unknown values and illegal pairs both fail with the legal
    /// choices in the message.
    pub fn parse(availability: &str, activity: &str) -> Result<Self, IllegalPairError> {
        parse_pair(PairKind::Session, availability, activity, Self::from_values)
    }
}

impl fmt::Display for SessionPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.availability(), self.activity())
    }
}

/// A pair `setUserPreferredPresence` accepts (v1.0 lists exactly six).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PreferredPair {
    Available,
    Busy,
    DoNotDisturb,
    BeRightBack,
    Away,
    /// `Offline/OffWork`: "appear offline".
    AppearOffline,
}

impl PreferredPair {
    pub const ALL: [PreferredPair; 6] = [
        PreferredPair::Available,
        PreferredPair::Busy,
        PreferredPair::DoNotDisturb,
        PreferredPair::BeRightBack,
        PreferredPair::Away,
        PreferredPair::AppearOffline,
    ];

    pub fn availability(self) -> Availability {
        match self {
            PreferredPair::Available => Availability::Available,
            PreferredPair::Busy => Availability::Busy,
            PreferredPair::DoNotDisturb => Availability::DoNotDisturb,
            PreferredPair::BeRightBack => Availability::BeRightBack,
            PreferredPair::Away => Availability::Away,
            PreferredPair::AppearOffline => Availability::Offline,
        }
    }

    pub fn activity(self) -> Activity {
        match self {
            PreferredPair::Available => Activity::Available,
            PreferredPair::Busy => Activity::Busy,
            PreferredPair::DoNotDisturb => Activity::DoNotDisturb,
            PreferredPair::BeRightBack => Activity::BeRightBack,
            PreferredPair::Away => Activity::Away,
            PreferredPair::AppearOffline => Activity::OffWork,
        }
    }

    /// The pair for these values, or an error that lists the six legal pairs.
    pub fn from_values(
        availability: Availability,
        activity: Activity,
    ) -> Result<Self, IllegalPairError> {
        Self::ALL
            .into_iter()
            .find(|pair| pair.availability() == availability && pair.activity() == activity)
            .ok_or_else(|| IllegalPairError {
                write: PairKind::Preferred,
                availability: availability.as_str().to_owned(),
                activity: activity.as_str().to_owned(),
            })
    }

    /// Parses two strings (any case); see [`SessionPair::parse`].
    pub fn parse(availability: &str, activity: &str) -> Result<Self, IllegalPairError> {
        parse_pair(
            PairKind::Preferred,
            availability,
            activity,
            Self::from_values,
        )
    }
}

impl fmt::Display for PreferredPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.availability(), self.activity())
    }
}

fn parse_pair<P>(
    write: PairKind,
    availability: &str,
    activity: &str,
    from_values: impl Fn(Availability, Activity) -> Result<P, IllegalPairError>,
) -> Result<P, IllegalPairError> {
    let illegal = || IllegalPairError {
        write,
        availability: availability.to_owned(),
        activity: activity.to_owned(),
    };
    let availability_value = Availability::parse(availability).map_err(|_| illegal())?;
    let activity_value = Activity::parse(activity).map_err(|_| illegal())?;
    from_values(availability_value, activity_value).map_err(|_| illegal())
}

/// Which write a pair was meant for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairKind {
    /// `setPresence` (the app's own session).
    Session,
    /// `setUserPreferredPresence`.
    Preferred,
}

impl PairKind {
    fn legal_pairs(self) -> Vec<String> {
        match self {
            PairKind::Session => SessionPair::ALL.iter().map(|p| p.to_string()).collect(),
            PairKind::Preferred => PreferredPair::ALL.iter().map(|p| p.to_string()).collect(),
        }
    }

    fn endpoint(self) -> &'static str {
        match self {
            PairKind::Session => "setPresence",
            PairKind::Preferred => "setUserPreferredPresence",
        }
    }
}

/// An availability/activity pair Graph does not accept for this write.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{availability}/{activity} is not a pair {endpoint} accepts; use one of: {legal}",
    endpoint = write.endpoint(),
    legal = write.legal_pairs().join(", ")
)]
pub struct IllegalPairError {
    pub write: PairKind,
    pub availability: String,
    pub activity: String,
}

/// A value that is not one of Graph's presence values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PresenceValueError {
    #[error("\"{given}\" is not a Graph {what} value; use one of: {}", known.join(", "))]
    Unknown {
        what: &'static str,
        given: String,
        known: Vec<&'static str>,
    },
}

/// A duration as Graph writes it: ISO 8601 (`PT1H`, `PT15M`, `P1D`), whole seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDuration {
    seconds: u64,
}

impl IsoDuration {
    pub const fn from_seconds(seconds: u64) -> Self {
        Self { seconds }
    }

    pub const fn from_minutes(minutes: u64) -> Self {
        Self {
            seconds: minutes * 60,
        }
    }

    pub fn as_seconds(self) -> u64 {
        self.seconds
    }

    /// Parses `P[nD][T[nH][nM][nS]]` (days, hours, minutes, whole seconds; any case). Years,
    /// months and weeks are refused because their length is not fixed or Graph never uses them.
    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let invalid = || DurationError::Invalid {
            given: text.to_owned(),
        };
        let upper = text.trim().to_ascii_uppercase();
        let body = upper.strip_prefix('P').ok_or_else(invalid)?;
        let (date_part, time_part) = match body.split_once('T') {
            Some((date, time)) if !time.is_empty() => (date, Some(time)),
            Some(_) => return Err(invalid()),
            None => (body, None),
        };
        if date_part.is_empty() && time_part.is_none() {
            return Err(invalid());
        }
        let mut seconds: u64 = 0;
        for (part, units) in [
            (date_part, &[('D', 86_400)][..]),
            (
                time_part.unwrap_or(""),
                &[('H', 3_600), ('M', 60), ('S', 1)][..],
            ),
        ] {
            let mut rest = part;
            let mut allowed = units;
            while !rest.is_empty() {
                let digits_end = rest
                    .find(|c: char| !c.is_ascii_digit())
                    .ok_or_else(invalid)?;
                if digits_end == 0 {
                    return Err(invalid());
                }
                let number: u64 = rest[..digits_end].parse().map_err(|_| invalid())?;
                let unit = rest[digits_end..].chars().next().ok_or_else(invalid)?;
                // Units must appear in order and at most once, as ISO 8601 requires.
                let position = allowed
                    .iter()
                    .position(|(u, _)| *u == unit)
                    .ok_or_else(invalid)?;
                let factor = allowed[position].1;
                allowed = &allowed[position + 1..];
                seconds = number
                    .checked_mul(factor)
                    .and_then(|s| seconds.checked_add(s))
                    .ok_or_else(invalid)?;
                rest = &rest[digits_end + unit.len_utf8()..];
            }
        }
        Ok(Self { seconds })
    }

    /// The shortest ISO 8601 spelling: `PT1H`, `PT1H30M`, `P1DT2H`, `PT0S`.
    pub fn to_iso8601(self) -> String {
        let mut text = String::from("P");
        let days = self.seconds / 86_400;
        let hours = self.seconds % 86_400 / 3_600;
        let minutes = self.seconds % 3_600 / 60;
        let seconds = self.seconds % 60;
        if days > 0 {
            text.push_str(&format!("{days}D"));
        }
        if hours > 0 || minutes > 0 || seconds > 0 || days == 0 {
            text.push('T');
            if hours > 0 {
                text.push_str(&format!("{hours}H"));
            }
            if minutes > 0 {
                text.push_str(&format!("{minutes}M"));
            }
            if seconds > 0 || (days == 0 && hours == 0 && minutes == 0) {
                text.push_str(&format!("{seconds}S"));
            }
        }
        text
    }
}

impl fmt::Display for IsoDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

/// How long a `setPresence` session lasts: Graph allows PT5M to PT4H.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionExpiration(IsoDuration);

impl SessionExpiration {
    pub const MIN: IsoDuration = IsoDuration::from_minutes(5);
    pub const MAX: IsoDuration = IsoDuration::from_minutes(240);
    /// What Graph applies when `expirationDuration` is omitted.
    pub const DEFAULT: SessionExpiration = SessionExpiration(Self::MIN);

    pub fn new(duration: IsoDuration) -> Result<Self, DurationError> {
        if (Self::MIN..=Self::MAX).contains(&duration) {
            Ok(Self(duration))
        } else {
            Err(DurationError::OutOfRange {
                given: duration.to_iso8601(),
                allowed: "PT5M to PT4H (5 to 240 minutes)",
            })
        }
    }

    pub fn from_minutes(minutes: u64) -> Result<Self, DurationError> {
        Self::new(IsoDuration::from_minutes(minutes))
    }

    pub fn parse(text: &str) -> Result<Self, DurationError> {
        Self::new(IsoDuration::parse(text)?)
    }

    pub fn duration(self) -> IsoDuration {
        self.0
    }
}

impl fmt::Display for SessionExpiration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How long a `setUserPreferredPresence` state lasts. Graph documents no maximum (omitting it means
/// 1 day for Busy/DoNotDisturb, 7 days otherwise), so only the lower bound is ours: a preferred
/// state shorter than a session's minimum would expire before Teams even shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PreferredExpiration(IsoDuration);

impl PreferredExpiration {
    pub const MIN: IsoDuration = IsoDuration::from_minutes(5);

    pub fn new(duration: IsoDuration) -> Result<Self, DurationError> {
        if duration >= Self::MIN {
            Ok(Self(duration))
        } else {
            Err(DurationError::OutOfRange {
                given: duration.to_iso8601(),
                allowed: "at least PT5M",
            })
        }
    }

    pub fn from_minutes(minutes: u64) -> Result<Self, DurationError> {
        Self::new(IsoDuration::from_minutes(minutes))
    }

    pub fn parse(text: &str) -> Result<Self, DurationError> {
        Self::new(IsoDuration::parse(text)?)
    }

    pub fn duration(self) -> IsoDuration {
        self.0
    }
}

impl fmt::Display for PreferredExpiration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A duration that is malformed or outside what the write allows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error(
        "\"{given}\" is not an ISO 8601 duration Graph understands; write it like PT15M, PT1H \
         or P1D"
    )]
    Invalid { given: String },
    #[error("{given} is out of range; use {allowed}")]
    OutOfRange {
        given: String,
        allowed: &'static str,
    },
}

#[cfg(test)]
mod tests;
