//! The timeline file as written on disk. Doc comments here become descriptions in the generated
//! JSON Schema (`docs/timeline.schema.json`), so they are written for the people who write
//! timelines.

use std::borrow::Cow;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use relay_core::config::ShowAs;
use relay_core::presence::{Intent, WriteMode};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize};

use crate::span::TimeSpan;

/// A scripted day at the desk: signals, people's commands and network faults at offsets from
/// `start`, replayed in virtual time through the real engine against the simulated tenant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Timeline {
    /// When the timeline starts, RFC 3339 (e.g. `2026-03-02T08:00:00Z`). Every `at` counts from
    /// here.
    #[schemars(with = "String", extend("format" = "date-time"))]
    pub start: DateTime<Utc>,
    /// The desk's IANA time zone (e.g. `Europe/Berlin`), for time windows without a zone and the
    /// times in status messages. Absent: UTC (never the zone of the machine running the
    /// simulation, so the output is the same everywhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// The simulated people, by display name, in the order the config lists its users: the
    /// config's first user is played by the first name here, and so on.
    pub users: Vec<String>,
    /// A config (the config file's JSON) to replay with, when none is given from outside. Its
    /// `users` only say which rule targets mean which simulated person (by position); the people
    /// themselves come from `users` above. `schema_version` may be left out; `connection` and the
    /// calendars' sources are ignored (the tenant is simulated, calendar blocks come from
    /// `calendar` events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub config: Option<serde_json::Value>,
    /// What happens, in time order (events at the same time apply in the order listed).
    #[serde(default)]
    pub events: Vec<TimedEvent>,
    /// When the timeline ends, counted from `start` (at most 7 days).
    pub end: TimeSpan,
}

/// One event at an offset from the timeline's start.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimedEvent {
    /// When, counted from `start`.
    pub at: TimeSpan,
    #[serde(flatten)]
    pub event: Event,
}

impl<'de> Deserialize<'de> for TimedEvent {
    /// `at` beside the event's own fields; the rest must be exactly one event's fields.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut fields = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        let at = fields
            .remove("at")
            .ok_or_else(|| D::Error::missing_field("at"))?;
        let at = TimeSpan::deserialize(at).map_err(D::Error::custom)?;
        let event =
            Event::deserialize(serde_json::Value::Object(fields)).map_err(D::Error::custom)?;
        Ok(Self { at, event })
    }
}

impl JsonSchema for TimedEvent {
    fn schema_name() -> Cow<'static, str> {
        "TimedEvent".into()
    }

    /// Each kind of event, with `at` added beside its own fields (the event schemas forbid
    /// unknown fields, so `at` must be declared in every one of them).
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let at = serde_json::to_value(generator.subschema_for::<TimeSpan>())
            .unwrap_or(serde_json::Value::Bool(true));
        let mut schema = Event::json_schema(generator);
        if let Some(variants) = schema
            .get_mut("oneOf")
            .and_then(serde_json::Value::as_array_mut)
        {
            for variant in variants
                .iter_mut()
                .filter_map(serde_json::Value::as_object_mut)
            {
                if let Some(properties) = variant
                    .entry("properties")
                    .or_insert_with(|| serde_json::json!({}))
                    .as_object_mut()
                {
                    properties.insert("at".into(), at.clone());
                }
                if let Some(required) = variant
                    .entry("required")
                    .or_insert_with(|| serde_json::json!([]))
                    .as_array_mut()
                {
                    required.insert(0, "at".into());
                }
            }
        }
        schema
    }
}

/// What happens. `event` names the kind; the other fields depend on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The screen was locked (`true`) or unlocked (`false`); `null`: the source cannot tell.
    ScreenLocked {
        #[serde(deserialize_with = "Option::deserialize")]
        #[schemars(with = "Reading<bool>")]
        value: Option<bool>,
    },
    /// The input source reports the time since the last keyboard or mouse input: `"0s"` when
    /// input happens, e.g. `"2m"` once none came for two minutes; `null`: the source cannot tell.
    Idle {
        #[serde(deserialize_with = "Option::deserialize")]
        #[schemars(with = "Reading<TimeSpan>")]
        value: Option<TimeSpan>,
    },
    /// Focus / do-not-disturb mode was turned on (`true`) or off (`false`); `null`: unknown.
    DoNotDisturb {
        #[serde(deserialize_with = "Option::deserialize")]
        #[schemars(with = "Reading<bool>")]
        value: Option<bool>,
    },
    /// A presentation or full-screen app started (`true`) or ended (`false`); `null`: unknown.
    Presentation {
        #[serde(deserialize_with = "Option::deserialize")]
        #[schemars(with = "Reading<bool>")]
        value: Option<bool>,
    },
    /// The machine is about to sleep.
    Suspending,
    /// The user's session is ending (logoff, shutdown).
    SessionEnding,
    /// The machine woke up, or the session became active again.
    Resumed,
    /// A calendar now has these blocks (replacing what it had). `calendar` is the `id` of one of
    /// the config's calendars.
    Calendar {
        calendar: String,
        #[serde(default)]
        blocks: Vec<BlockSpec>,
    },
    /// A calendar cannot be read any more; its last blocks are kept.
    CalendarUnavailable { calendar: String },
    /// A person pauses Presence Relay: everything it holds is released.
    Pause,
    /// A person resumes Presence Relay after a pause.
    Resume,
    /// A person snoozes the rules for a while (what is held is released meanwhile).
    Snooze {
        #[serde(rename = "for")]
        duration: TimeSpan,
    },
    /// A person ends a snooze early.
    EndSnooze,
    /// A person shows `user` as `intent` by hand (tray or CLI), over the rules.
    Override {
        /// A name from `users`.
        user: String,
        intent: Intent,
        #[serde(default)]
        mode: WriteMode,
        /// Status message; `{until}` and `{back_at}` are filled in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// How long the override lasts. Absent: until an `end_override`.
        #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
        duration: Option<TimeSpan>,
    },
    /// A person ends a manual override; the rules decide again.
    EndOverride {
        /// A name from `users`.
        user: String,
    },
    /// The person signs in a Teams client showing this presence (their own clients count in what
    /// Teams shows; a polite write loses to an active one). E.g. `Available` / `Available`.
    TeamsClient {
        /// A name from `users`.
        user: String,
        #[serde(default)]
        client: ClientKind,
        /// Graph availability, e.g. `Available`, `Busy`, `Away`.
        availability: String,
        /// Graph activity, e.g. `Available`, `InACall`, `Away`.
        activity: String,
    },
    /// The person signs a Teams client out.
    TeamsSignOut {
        /// A name from `users`.
        user: String,
        #[serde(default)]
        client: ClientKind,
    },
    /// The network is down for a while: every request to Graph goes unanswered.
    Outage {
        #[serde(rename = "for")]
        duration: TimeSpan,
    },
    /// Graph misbehaves for a while, as the simulator's fault spec says (see docs/SIMULATOR.md),
    /// e.g. `rate=50,codes=503,seed=1`.
    Faults {
        spec: String,
        #[serde(rename = "for")]
        duration: TimeSpan,
    },
}

/// A block of a calendar, with times counted from the timeline's start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockSpec {
    pub start: TimeSpan,
    pub end: TimeSpan,
    pub show_as: ShowAs,
    /// Matched against the rules' `title_keywords`; never printed in the output.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
}

/// Which Teams client.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientKind {
    #[default]
    Desktop,
    Web,
    Mobile,
}

impl ClientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientKind::Desktop => "desktop",
            ClientKind::Web => "web",
            ClientKind::Mobile => "mobile",
        }
    }
}

/// Schema of a signal's `value`: it must be given, and `null` means "the source cannot tell".
/// (A plain `Option` would make the field optional in the schema; the parser requires it.)
struct Reading<T>(PhantomData<T>);

impl<T: JsonSchema> JsonSchema for Reading<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Reading_{}", T::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = generator.subschema_for::<T>();
        json_schema!({"anyOf": [value, {"type": "null"}]})
    }
}
