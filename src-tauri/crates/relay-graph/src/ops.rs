//! The presence operations and their exact request shapes.
//!
//! Each [`PresenceOp`] becomes one [`RequestShape`] (method, path under `/v1.0`, JSON body), used
//! both for a direct call and as a `$batch` item, so both paths send byte-for-byte the same thing.
//! Building a shape is pure and is where input is checked before anything is sent.
//! Facts: `shared/reference/graph-presence.md` §0–§6.

use chrono::{DateTime, Utc};
use relay_core::graph_presence::{
    PreferredExpiration, PreferredPair, SessionExpiration, SessionPair,
};
use serde_json::{json, Value};

use crate::model::StatusMessage;

/// One presence call for one user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PresenceOp {
    /// `GET /users/{id}/presence`.
    GetPresence { user: String },
    /// `setPresence` on the app's own session (`sessionId` = the client ID).
    SetPresence {
        user: String,
        pair: SessionPair,
        expiration: SessionExpiration,
    },
    /// `clearPresence` of the app's own session. A 404 (no session) counts as success.
    ClearPresence { user: String },
    /// `setUserPreferredPresence`; without an expiration Graph keeps it 1 day (Busy, DoNotDisturb)
    /// or 7 days (the rest).
    SetPreferredPresence {
        user: String,
        pair: PreferredPair,
        expiration: Option<PreferredExpiration>,
    },
    /// `clearUserPreferredPresence`.
    ClearPreferredPresence { user: String },
    /// `setStatusMessage`; `None` clears the message (publishes empty text).
    SetStatusMessage {
        user: String,
        message: Option<StatusMessage>,
    },
}

impl PresenceOp {
    pub fn user(&self) -> &str {
        match self {
            PresenceOp::GetPresence { user }
            | PresenceOp::SetPresence { user, .. }
            | PresenceOp::ClearPresence { user }
            | PresenceOp::SetPreferredPresence { user, .. }
            | PresenceOp::ClearPreferredPresence { user }
            | PresenceOp::SetStatusMessage { user, .. } => user,
        }
    }

    /// Graph's name for the action, for logs and error messages.
    pub fn action(&self) -> &'static str {
        match self {
            PresenceOp::GetPresence { .. } => "getPresence",
            PresenceOp::SetPresence { .. } => "setPresence",
            PresenceOp::ClearPresence { .. } => "clearPresence",
            PresenceOp::SetPreferredPresence { .. } => "setUserPreferredPresence",
            PresenceOp::ClearPreferredPresence { .. } => "clearUserPreferredPresence",
            PresenceOp::SetStatusMessage { .. } => "setStatusMessage",
        }
    }

    /// Whether the call changes presence (and so stops while writes are halted).
    pub fn is_write(&self) -> bool {
        !matches!(self, PresenceOp::GetPresence { .. })
    }

    /// `setPresence for user …`: names the call in errors.
    pub fn describe(&self) -> String {
        format!("{} for user {}", self.action(), self.user())
    }

    /// The request, or why it must not be sent. `client_id` is the app's session ID; `now`
    /// checks that a status message expiry lies ahead.
    pub fn request(&self, client_id: &str, now: DateTime<Utc>) -> Result<RequestShape, String> {
        let user = self.user();
        check_user_id(user)?;
        let presence = format!("/users/{user}/presence");
        let shape = match self {
            PresenceOp::GetPresence { .. } => RequestShape::get(presence),
            PresenceOp::SetPresence {
                pair, expiration, ..
            } => RequestShape::post(
                format!("{presence}/setPresence"),
                json!({
                    "sessionId": client_id,
                    "availability": pair.availability().as_str(),
                    "activity": pair.activity().as_str(),
                    "expirationDuration": expiration.to_string(),
                }),
            ),
            PresenceOp::ClearPresence { .. } => RequestShape::post(
                format!("{presence}/clearPresence"),
                json!({ "sessionId": client_id }),
            ),
            PresenceOp::SetPreferredPresence {
                pair, expiration, ..
            } => {
                let mut body = json!({
                    "availability": pair.availability().as_str(),
                    "activity": pair.activity().as_str(),
                });
                if let Some(expiration) = expiration {
                    body["expirationDuration"] = json!(expiration.to_string());
                }
                RequestShape::post(format!("{presence}/setUserPreferredPresence"), body)
            }
            PresenceOp::ClearPreferredPresence { .. } => {
                RequestShape::post(format!("{presence}/clearUserPreferredPresence"), json!({}))
            }
            PresenceOp::SetStatusMessage { message, .. } => RequestShape::post(
                format!("{presence}/setStatusMessage"),
                status_message_body(message.as_ref(), now)?,
            ),
        };
        Ok(shape)
    }
}

/// An HTTP request relative to the Graph version root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestShape {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Starts with `/`, e.g. `/users/{id}/presence/setPresence`.
    pub path: String,
    pub body: Option<Value>,
}

impl RequestShape {
    /// Whether a 404 answer means the goal is already met: clearPresence answers 404 when the
    /// app holds no session for the user, which is what clearing wants.
    pub fn not_found_means_done(&self) -> bool {
        self.path.ends_with("/clearPresence")
    }

    fn get(path: String) -> Self {
        Self {
            method: "GET",
            path,
            body: None,
        }
    }

    pub(crate) fn post(path: String, body: Value) -> Self {
        Self {
            method: "POST",
            path,
            body: Some(body),
        }
    }
}

fn status_message_body(
    message: Option<&StatusMessage>,
    now: DateTime<Utc>,
) -> Result<Value, String> {
    let Some(message) = message else {
        // Graph documents no "clear" action; publishing empty text is how a message is removed.
        return Ok(
            json!({ "statusMessage": { "message": { "content": "", "contentType": "text" } } }),
        );
    };
    let mut status = json!({ "message": { "content": message.text, "contentType": "text" } });
    if let Some(expires) = message.expires {
        if expires <= now {
            return Err(format!(
                "the status message expiry {} is not in the future",
                expires.format("%Y-%m-%d %H:%M:%S UTC")
            ));
        }
        // dateTimeTimeZone: a wall time without offset plus a zone name.
        status["expiryDateTime"] = json!({
            // Graph writes seven fractional digits (100 ns ticks); chrono has no such format.
            "dateTime": format!(
                "{}.{:07}",
                expires.format("%Y-%m-%dT%H:%M:%S"),
                expires.timestamp_subsec_nanos() / 100
            ),
            "timeZone": "UTC",
        });
    }
    Ok(json!({ "statusMessage": status }))
}

/// Graph's presence APIs take the user's object ID, a GUID. Anything else is refused here, which
/// also keeps a stray `/` or `?` from changing the URL.
pub(crate) fn check_user_id(user: &str) -> Result<(), String> {
    let groups: Vec<&str> = user.split('-').collect();
    let lengths_ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, length)| group.len() == length);
    if lengths_ok
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
    {
        Ok(())
    } else {
        Err(format!(
            "\"{user}\" is not a user object ID; Graph's presence APIs need the user's object ID \
             (a GUID from Entra), not a name or UPN"
        ))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const USER: &str = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3";
    const CLIENT: &str = "22553876-f5ab-4529-bffb-cfe50aa89f87";

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
            .single()
            .expect("valid")
    }

    fn shape(op: PresenceOp) -> RequestShape {
        op.request(CLIENT, now()).expect("valid op")
    }

    #[test]
    fn only_clear_presence_takes_a_404_as_done() {
        let user = || USER.to_owned();
        assert!(shape(PresenceOp::ClearPresence { user: user() }).not_found_means_done());
        assert!(!shape(PresenceOp::GetPresence { user: user() }).not_found_means_done());
        assert!(!shape(PresenceOp::ClearPreferredPresence { user: user() }).not_found_means_done());
    }

    #[test]
    fn every_operation_has_the_documented_shape() {
        let user = || USER.to_owned();
        let post = |path: &str, body: Value| {
            RequestShape::post(format!("/users/{USER}/presence{path}"), body)
        };
        let cases = [
            (
                PresenceOp::GetPresence { user: user() },
                RequestShape::get(format!("/users/{USER}/presence")),
            ),
            (
                PresenceOp::SetPresence {
                    user: user(),
                    pair: SessionPair::Available,
                    expiration: SessionExpiration::from_minutes(60).expect("in range"),
                },
                post(
                    "/setPresence",
                    json!({"sessionId": CLIENT, "availability": "Available", "activity": "Available", "expirationDuration": "PT1H"}),
                ),
            ),
            (
                PresenceOp::ClearPresence { user: user() },
                post("/clearPresence", json!({"sessionId": CLIENT})),
            ),
            (
                PresenceOp::SetPreferredPresence {
                    user: user(),
                    pair: PreferredPair::DoNotDisturb,
                    expiration: Some(PreferredExpiration::from_minutes(480).expect("in range")),
                },
                post(
                    "/setUserPreferredPresence",
                    json!({"availability": "DoNotDisturb", "activity": "DoNotDisturb", "expirationDuration": "PT8H"}),
                ),
            ),
            (
                PresenceOp::SetPreferredPresence {
                    user: user(),
                    pair: PreferredPair::AppearOffline,
                    expiration: None,
                },
                post(
                    "/setUserPreferredPresence",
                    json!({"availability": "Offline", "activity": "OffWork"}),
                ),
            ),
            (
                PresenceOp::ClearPreferredPresence { user: user() },
                post("/clearUserPreferredPresence", json!({})),
            ),
            (
                PresenceOp::SetStatusMessage {
                    user: user(),
                    message: Some(StatusMessage::new(
                        "At the front desk",
                        Some(now() + chrono::Duration::minutes(90)),
                    )),
                },
                post(
                    "/setStatusMessage",
                    json!({"statusMessage": {
                        "message": {"content": "At the front desk", "contentType": "text"},
                        "expiryDateTime": {"dateTime": "2027-01-04T10:30:00.0000000", "timeZone": "UTC"}
                    }}),
                ),
            ),
            (
                PresenceOp::SetStatusMessage {
                    user: user(),
                    message: None,
                },
                post(
                    "/setStatusMessage",
                    json!({"statusMessage": {"message": {"content": "", "contentType": "text"}}}),
                ),
            ),
        ];
        for (op, expected) in cases {
            assert_eq!(shape(op.clone()), expected, "{op:?}");
        }
    }

    #[test]
    fn a_past_status_message_expiry_is_refused() {
        let op = PresenceOp::SetStatusMessage {
            user: USER.to_owned(),
            message: Some(StatusMessage::new("x", Some(now()))),
        };
        let err = op.request(CLIENT, now()).expect_err("past");
        assert!(err.contains("is not in the future"), "{err}");
    }

    #[test]
    fn user_ids_must_be_guids() {
        assert!(check_user_id(USER).is_ok());
        assert!(check_user_id(&USER.to_uppercase()).is_ok());
        for bad in [
            "",
            "me",
            "adele@contoso.com",
            "fa8bf3dc-eca7-46b7-bad1-db199b62afc",
            "fa8bf3dc-eca7-46b7-bad1-db199b62afc3/../x",
            "fa8bf3dc-eca7-46b7-bad1-db199b62afcz",
        ] {
            let err = check_user_id(bad).expect_err(bad);
            assert!(err.contains("not a user object ID"), "{err}");
        }
    }
}
