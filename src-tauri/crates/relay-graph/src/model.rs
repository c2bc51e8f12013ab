//! What Graph returns when presence is read, and the status message this client writes.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use relay_core::graph_presence::{Activity, Availability};
use serde::{Deserialize, Deserializer};

/// A value Graph reported: one this build knows, or a new one kept as Graph spelled it. Graph adds
/// values from time to time; reading them must not fail.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Reported<T> {
    Known(T),
    Other(String),
}

impl<T> Reported<T> {
    /// The known value, if it is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Reported::Known(value) => Some(value),
            Reported::Other(_) => None,
        }
    }
}

impl<T> Default for Reported<T> {
    fn default() -> Self {
        Reported::Other(String::new())
    }
}

impl<'de, T: FromStr> Deserialize<'de> for Reported<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match T::from_str(&text) {
            Ok(value) => Reported::Known(value),
            Err(_) => Reported::Other(text),
        })
    }
}

/// One user's presence as Graph reports it (`GET /users/{id}/presence`, getPresencesByUserId).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    /// The user's object ID.
    pub id: String,
    #[serde(default)]
    pub availability: Reported<Availability>,
    #[serde(default)]
    pub activity: Reported<Activity>,
    #[serde(default)]
    pub status_message: Option<ReportedStatusMessage>,
    #[serde(default)]
    pub out_of_office_settings: Option<OutOfOfficeSettings>,
    /// Sorts lexicographically; higher is newer.
    #[serde(default)]
    pub sequence_number: Option<String>,
}

/// A status message as read back. Graph omits the expiry and publish time when an app reads
/// another user's presence, which is always the case here.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportedStatusMessage {
    #[serde(default)]
    pub message: Option<ItemBody>,
    #[serde(default)]
    pub expiry_date_time: Option<DateTimeTimeZone>,
    #[serde(default)]
    pub published_date_time: Option<String>,
}

/// Graph's `itemBody`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemBody {
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub content_type: Option<String>,
}

/// Graph's `dateTimeTimeZone`: a local time without offset and a zone name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DateTimeTimeZone {
    pub date_time: String,
    pub time_zone: String,
}

/// Graph's `outOfOfficeSettings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutOfOfficeSettings {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub is_out_of_office: bool,
}

/// A status message to publish: plain text (the only content type Graph accepts), optionally
/// expiring. Sent with the expiry in UTC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub expires: Option<DateTime<Utc>>,
}

impl StatusMessage {
    pub fn new(text: impl Into<String>, expires: Option<DateTime<Utc>>) -> Self {
        Self {
            text: text.into(),
            expires,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_reads_any_case_and_keeps_values_it_does_not_know() {
        let json = r#"{"id":"u1","availability":"busy","activity":"inAMeeting",
            "outOfOfficeSettings":{"message":null,"isOutOfOffice":false},
            "statusMessage":{"message":{"content":"Hey","contentType":"text"}},
            "sequenceNumber":"A0129311063"}"#;
        let presence: Presence = serde_json::from_str(json).expect("parses");
        assert_eq!(presence.availability, Reported::Known(Availability::Busy));
        assert_eq!(presence.activity, Reported::Known(Activity::InAMeeting));
        assert_eq!(
            presence
                .status_message
                .and_then(|m| m.message)
                .map(|m| m.content),
            Some("Hey".to_owned())
        );
        assert_eq!(presence.sequence_number.as_deref(), Some("A0129311063"));

        let newer: Presence =
            serde_json::from_str(r#"{"id":"u2","availability":"Focusing2","activity":"Away"}"#)
                .expect("parses");
        assert_eq!(newer.availability, Reported::Other("Focusing2".to_owned()));
        assert_eq!(newer.availability.known(), None);
        assert_eq!(newer.activity.known(), Some(&Activity::Away));
    }
}
