//! The presence operations themselves, run after authentication, faults and throttling have let
//! a request through. Each validates its body as Graph does (400 with a Graph error) and changes
//! state only when the whole request is valid.

use chrono::{DateTime, Duration, Utc};
use relay_core::graph_presence::{Activity, Availability, IsoDuration};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::error::GraphError;
use super::route::PresenceAction;
use crate::model::presence::{list, PresencePair, PREFERRED_PAIRS, SESSION_PAIRS};
use crate::snapshot::{OutOfOfficeSettings, PresenceView};
use crate::tenant::Tenant;
use crate::timezone;

/// At most this many ids per getPresencesByUserId request.
pub(crate) const MAX_IDS_PER_REQUEST: usize = 650;
const SESSION_MIN: Duration = Duration::minutes(5);
const SESSION_MAX: Duration = Duration::hours(4);
const PREFERRED_DEFAULT_BUSY: Duration = Duration::days(1);
const PREFERRED_DEFAULT_OTHER: Duration = Duration::days(7);

/// A successful answer: 200 with an optional JSON body.
pub(crate) type Handled = Result<Option<Value>, GraphError>;

/// Where `@odata.context` points, per the cloud being emulated.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context<'a> {
    pub(crate) app_id: Uuid,
    pub(crate) graph_root: &'a str,
    pub(crate) now: DateTime<Utc>,
}

pub(crate) fn presence_action(
    tenant: &mut Tenant,
    context: Context<'_>,
    user: &str,
    action: PresenceAction,
    body: &[u8],
) -> Handled {
    let now = context.now;
    let user_id = tenant.resolve_user(user).ok_or_else(|| {
        GraphError::not_found(format!(
            "User '{user}' was not found in the tenant. Presence APIs take the user's object id \
             (a GUID)."
        ))
    })?;
    // Parse and validate everything before touching the user, so a bad request changes nothing.
    let change: Change = match action {
        PresenceAction::Get => Change::None,
        PresenceAction::SetPresence => set_presence(context.app_id, parse_body(body)?)?,
        PresenceAction::ClearPresence => clear_presence(context.app_id, parse_body(body)?)?,
        PresenceAction::SetUserPreferredPresence => set_preferred(parse_body(body)?)?,
        PresenceAction::ClearUserPreferredPresence => {
            let _: EmptyBody = parse_body(body)?;
            Change::ClearPreferred
        }
        PresenceAction::SetStatusMessage => set_status_message(parse_body(body)?)?,
    };
    let user = tenant
        .user_mut(user_id, now)
        .ok_or_else(|| GraphError::not_found(format!("User '{user}' was not found.")))?;
    match change {
        Change::None => {
            let mut view = serde_json::to_value(user.presence_view(now))
                .map_err(|err| GraphError::new(500, "generalException", err.to_string()))?;
            if let Value::Object(fields) = &mut view {
                fields.insert(
                    "@odata.context".to_owned(),
                    json!(format!(
                        "{}/v1.0/$metadata#users('{}')/presence/$entity",
                        context.graph_root, user_id
                    )),
                );
            }
            return Ok(Some(view));
        }
        Change::Session { pair, lasts } => {
            user.set_app_session(context.app_id, pair, lasts, now);
        }
        Change::ClearSession => {
            if !user.clear_app_session(context.app_id) {
                return Err(GraphError::not_found(format!(
                    "The presence session '{}' does not exist for this user (it was cleared or \
                     has expired).",
                    context.app_id
                )));
            }
        }
        Change::Preferred { pair, lasts } => user.set_preferred(pair, lasts, now),
        Change::ClearPreferred => user.clear_preferred(),
        Change::StatusMessage {
            content,
            expires_at,
        } => {
            user.set_status_message(&content, expires_at, now);
        }
    }
    Ok(None)
}

/// `POST /communications/getPresencesByUserId`. Ids of users the tenant does not know come back
/// as `PresenceUnknown` (so every requested id has an entry); ids that are not GUIDs are a 400.
pub(crate) fn get_presences_by_user_id(
    tenant: &mut Tenant,
    context: Context<'_>,
    body: &[u8],
) -> Handled {
    let request: IdsBody = parse_body(body)?;
    if request.ids.len() > MAX_IDS_PER_REQUEST {
        return Err(GraphError::bad_request(format!(
            "ids holds {} entries; getPresencesByUserId accepts at most {MAX_IDS_PER_REQUEST}.",
            request.ids.len()
        )));
    }
    let mut ids: Vec<Uuid> = Vec::with_capacity(request.ids.len());
    for text in &request.ids {
        let id = Uuid::parse_str(text.trim()).map_err(|_| {
            GraphError::bad_request(format!(
                "'{text}' in ids is not a user object id; getPresencesByUserId takes GUIDs."
            ))
        })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let value: Vec<PresenceView> = ids
        .into_iter()
        .map(|id| match tenant.user_mut(id, context.now) {
            Some(user) => user.presence_view(context.now),
            None => unknown_presence(id),
        })
        .collect();
    Ok(Some(json!({
        "@odata.context": format!("{}/v1.0/$metadata#Collection(microsoft.graph.presence)", context.graph_root),
        "value": value,
    })))
}

fn unknown_presence(id: Uuid) -> PresenceView {
    PresenceView {
        id: id.to_string(),
        availability: PresencePair::UNKNOWN.availability,
        activity: PresencePair::UNKNOWN.activity,
        status_message: None,
        out_of_office_settings: OutOfOfficeSettings::default(),
        sequence_number: String::new(),
    }
}

/// A validated state change.
#[derive(Debug)]
enum Change {
    None,
    Session {
        pair: PresencePair,
        lasts: Duration,
    },
    ClearSession,
    Preferred {
        pair: PresencePair,
        lasts: Duration,
    },
    ClearPreferred,
    StatusMessage {
        content: String,
        expires_at: Option<DateTime<Utc>>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SetPresenceBody {
    session_id: Option<String>,
    availability: Option<String>,
    activity: Option<String>,
    expiration_duration: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClearPresenceBody {
    session_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PreferredBody {
    availability: Option<String>,
    activity: Option<String>,
    expiration_duration: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmptyBody {}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StatusMessageBody {
    status_message: Option<StatusMessageField>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StatusMessageField {
    message: Option<ItemBodyField>,
    expiry_date_time: Option<DateTimeTimeZoneField>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ItemBodyField {
    content: Option<String>,
    content_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DateTimeTimeZoneField {
    date_time: String,
    time_zone: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdsBody {
    ids: Vec<String>,
}

pub(crate) fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, GraphError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(GraphError::bad_request(
            "Empty Payload. JSON content expected.",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|err| GraphError::bad_request(format!("Invalid request body: {err}.")))
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, GraphError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .ok_or_else(|| GraphError::bad_request(format!("The property '{name}' is required.")))
}

fn parse_pair(
    availability: &Option<String>,
    activity: &Option<String>,
    legal: &[PresencePair],
    endpoint: &str,
) -> Result<PresencePair, GraphError> {
    let availability_text = required(availability, "availability")?;
    let activity_text = required(activity, "activity")?;
    let illegal = || {
        GraphError::bad_request(format!(
            "{availability_text}/{activity_text} is not a supported availability/activity pair \
             for {endpoint}; use one of: {}.",
            list(legal)
        ))
    };
    let pair = PresencePair::new(
        Availability::parse(availability_text).map_err(|_| illegal())?,
        Activity::parse(activity_text).map_err(|_| illegal())?,
    );
    if legal.contains(&pair) {
        Ok(pair)
    } else {
        Err(illegal())
    }
}

fn parse_duration(text: &str) -> Result<Duration, GraphError> {
    let duration = IsoDuration::parse(text).map_err(|_| {
        GraphError::bad_request(format!(
            "expirationDuration '{text}' is not an ISO 8601 duration such as PT15M or PT1H."
        ))
    })?;
    let seconds = i64::try_from(duration.as_seconds()).unwrap_or(i64::MAX);
    Ok(Duration::seconds(
        seconds.min(Duration::days(36_500).num_seconds()),
    ))
}

fn set_presence(app_id: Uuid, body: SetPresenceBody) -> Result<Change, GraphError> {
    let session_id = required(&body.session_id, "sessionId")?;
    if Uuid::parse_str(session_id).ok() != Some(app_id) {
        return Err(GraphError::bad_request(format!(
            "sessionId '{session_id}' is not the calling application's id; with application \
             permissions sessionId must be the app's client id ({app_id})."
        )));
    }
    let pair = parse_pair(
        &body.availability,
        &body.activity,
        &SESSION_PAIRS,
        "setPresence",
    )?;
    let lasts = match body.expiration_duration.as_deref() {
        None => SESSION_MIN,
        Some(text) => parse_duration(text)?,
    };
    if !(SESSION_MIN..=SESSION_MAX).contains(&lasts) {
        return Err(GraphError::bad_request(format!(
            "expirationDuration {} is out of range; setPresence allows PT5M to PT4H.",
            body.expiration_duration.as_deref().unwrap_or_default()
        )));
    }
    Ok(Change::Session { pair, lasts })
}

fn clear_presence(app_id: Uuid, body: ClearPresenceBody) -> Result<Change, GraphError> {
    let session_id = required(&body.session_id, "sessionId")?;
    if Uuid::parse_str(session_id).ok() != Some(app_id) {
        return Err(GraphError::bad_request(format!(
            "sessionId '{session_id}' is not the calling application's id; an app can only \
             clear its own session ({app_id})."
        )));
    }
    Ok(Change::ClearSession)
}

fn set_preferred(body: PreferredBody) -> Result<Change, GraphError> {
    let pair = parse_pair(
        &body.availability,
        &body.activity,
        &PREFERRED_PAIRS,
        "setUserPreferredPresence",
    )?;
    let lasts = match body.expiration_duration.as_deref() {
        Some(text) => {
            let lasts = parse_duration(text)?;
            if lasts <= Duration::zero() {
                return Err(GraphError::bad_request(
                    "expirationDuration must be longer than zero.",
                ));
            }
            lasts
        }
        None if matches!(
            pair.availability,
            Availability::Busy | Availability::DoNotDisturb
        ) =>
        {
            PREFERRED_DEFAULT_BUSY
        }
        None => PREFERRED_DEFAULT_OTHER,
    };
    Ok(Change::Preferred { pair, lasts })
}

fn set_status_message(body: StatusMessageBody) -> Result<Change, GraphError> {
    let field = body
        .status_message
        .ok_or_else(|| GraphError::bad_request("The property 'statusMessage' is required."))?;
    let message = field.message.ok_or_else(|| {
        GraphError::bad_request("The property 'statusMessage.message' is required.")
    })?;
    if let Some(content_type) = message.content_type.as_deref() {
        if !content_type.eq_ignore_ascii_case("text") {
            return Err(GraphError::bad_request(format!(
                "statusMessage.message.contentType '{content_type}' is not supported; only \
                 'text' is."
            )));
        }
    }
    let expires_at = field
        .expiry_date_time
        .map(|expiry| timezone::to_utc(&expiry.date_time, &expiry.time_zone))
        .transpose()
        .map_err(|reason| {
            GraphError::bad_request(format!("statusMessage.expiryDateTime: {reason}."))
        })?;
    Ok(Change::StatusMessage {
        content: message.content.unwrap_or_default(),
        expires_at,
    })
}
