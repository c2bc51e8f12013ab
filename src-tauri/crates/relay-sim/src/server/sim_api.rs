//! The inspection API under `/_sim`: the HTTP mirror of [`SimControl`] for the UI demo and
//! shell scripts. It is never faulted, throttled or counted as tenant traffic, and it never
//! returns a secret.

use chrono::Duration;
use http::{Method, Response, StatusCode};
use relay_core::graph_presence::{Activity, Availability};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::dispatch::{plain_json, Body};
use crate::error::SimError;
use crate::faults::FaultSpec;
use crate::handle::SimControl;
use crate::model::user::TeamsClient;
use crate::options::ThrottleBudget;

/// What the index lists, so a person with curl can find the rest.
const ROUTES: &[&str] = &[
    "GET    /_sim/state",
    "GET    /_sim/counters            DELETE resets",
    "GET    /_sim/requests?since=N&limit=M   DELETE clears",
    "GET    /_sim/clock",
    "POST   /_sim/clock/advance       {\"seconds\": 300} or {\"duration\": \"PT5M\"}",
    "GET    /_sim/faults              PUT {\"spec\": \"rate=30,codes=429+503,drop=5,seed=7\"}",
    "GET    /_sim/throttle            PUT {\"budget\": \"1500/30\"} or {\"budget\": null}",
    "POST   /_sim/tokens/revoke",
    "GET    /_sim/users               POST {\"displayName\": \"...\", \"id\": \"<guid, optional>\"}",
    "GET    /_sim/users/{id}",
    "PUT    /_sim/users/{id}/teams-client/{desktop|web|mobile}  {\"availability\", \"activity\"}; DELETE signs out",
    "PUT    /_sim/users/{id}/out-of-office  {\"message\": \"...\"}; DELETE ends it",
    "PUT    /_sim/users/{id}/meeting        DELETE ends it",
];

#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }
}

impl From<SimError> for ApiError {
    fn from(err: SimError) -> Self {
        match err {
            SimError::UnknownUser(_) | SimError::UnknownApp(_) => Self::not_found(err.to_string()),
            _ => Self::bad_request(err.to_string()),
        }
    }
}

type Answer = Result<(StatusCode, Value), ApiError>;

pub(crate) fn handle(
    control: &SimControl,
    method: &Method,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Response<Body> {
    match route(control, method, path, query, body) {
        Ok((status, value)) => plain_json(status, &value),
        Err(error) => plain_json(
            error.status,
            &json!({"error": {
                "code": error.status.canonical_reason().unwrap_or("Error"),
                "message": error.message,
            }}),
        ),
    }
}

fn ok(value: Value) -> Answer {
    Ok((StatusCode::OK, value))
}

fn to_json<T: serde::Serialize>(value: &T) -> Answer {
    serde_json::to_value(value)
        .map(|value| (StatusCode::OK, value))
        .map_err(|err| ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: err.to_string(),
        })
}

fn route(
    control: &SimControl,
    method: &Method,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Answer {
    let segments: Vec<&str> = path
        .trim_start_matches("/_sim")
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", []) => ok(json!({"routes": ROUTES})),
        ("GET", ["state"]) => to_json(&control.state()),
        ("GET", ["counters"]) => to_json(&control.counters()),
        ("DELETE", ["counters"]) => {
            control.reset_counters();
            to_json(&control.counters())
        }
        ("GET", ["requests"]) => requests(control, query),
        ("DELETE", ["requests"]) => {
            control.clear_requests();
            ok(json!({"cleared": true}))
        }
        ("GET", ["clock"]) => clock(control),
        ("POST", ["clock", "advance"]) => advance_clock(control, body),
        ("GET", ["faults"]) => faults(control),
        ("PUT", ["faults"]) => set_faults(control, body),
        ("GET", ["throttle"]) => ok(json!({"budget": control.throttle()})),
        ("PUT", ["throttle"]) => set_throttle(control, body),
        ("POST", ["tokens", "revoke"]) => {
            control.revoke_tokens();
            ok(json!({"revoked": true}))
        }
        ("GET", ["users"]) => users(control),
        ("POST", ["users"]) => add_user(control, body),
        ("GET", ["users", id]) => to_json(&control.user(user_id(id)?)?),
        ("PUT", ["users", id, "teams-client", client]) => {
            let id = user_id(id)?;
            let client = teams_client(client)?;
            let state: ClientState = parse(body)?;
            let availability = Availability::parse(&state.availability)
                .map_err(|err| ApiError::bad_request(err.to_string()))?;
            let activity = Activity::parse(&state.activity)
                .map_err(|err| ApiError::bad_request(err.to_string()))?;
            control.sign_in_teams_client(id, client, availability, activity)?;
            to_json(&control.user(id)?)
        }
        ("DELETE", ["users", id, "teams-client", client]) => {
            let id = user_id(id)?;
            let client = teams_client(client)?;
            let was_signed_in = control.sign_out_teams_client(id, client)?;
            ok(json!({"signedOut": was_signed_in}))
        }
        ("PUT", ["users", id, "out-of-office"]) => {
            let id = user_id(id)?;
            let settings: OutOfOffice = if body.iter().all(u8::is_ascii_whitespace) {
                OutOfOffice::default()
            } else {
                parse(body)?
            };
            control.set_out_of_office(id, settings.message)?;
            to_json(&control.user(id)?)
        }
        ("DELETE", ["users", id, "out-of-office"]) => {
            let id = user_id(id)?;
            control.clear_out_of_office(id)?;
            to_json(&control.user(id)?)
        }
        ("PUT" | "DELETE", ["users", id, "meeting"]) => {
            let id = user_id(id)?;
            control.set_in_meeting(id, method == Method::PUT)?;
            to_json(&control.user(id)?)
        }
        _ => Err(ApiError::not_found(format!(
            "{method} {path} is not part of the inspection API; GET /_sim lists its routes."
        ))),
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|err| ApiError::bad_request(format!("the JSON body is not valid here: {err}")))
}

fn user_id(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text)
        .map_err(|_| ApiError::bad_request(format!("'{text}' is not a user object id (a GUID)")))
}

fn teams_client(text: &str) -> Result<TeamsClient, ApiError> {
    text.parse().map_err(ApiError::bad_request)
}

fn requests(control: &SimControl, query: Option<&str>) -> Answer {
    let mut since = 0u64;
    let mut limit = 1_000usize;
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| ApiError::bad_request(format!("{name}={value} is not a whole number")))
        };
        match name.as_ref() {
            "since" => since = number()?,
            "limit" => limit = usize::try_from(number()?).unwrap_or(usize::MAX),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "unknown query parameter '{name}'; use since and limit"
                )))
            }
        }
    }
    to_json(&json!({"requests": control.requests_since(since, limit)}))
}

fn clock(control: &SimControl) -> Answer {
    ok(json!({"now": control.now(), "offsetSeconds": control.clock_offset().num_seconds()}))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: Option<i64>,
    duration: Option<String>,
}

fn advance_clock(control: &SimControl, body: &[u8]) -> Answer {
    let advance: Advance = parse(body)?;
    let by =
        match (advance.seconds, advance.duration.as_deref()) {
            (Some(seconds), None) if seconds >= 0 => Duration::seconds(seconds),
            (None, Some(text)) => {
                let duration = relay_core::graph_presence::IsoDuration::parse(text)
                    .map_err(|err| ApiError::bad_request(err.to_string()))?;
                Duration::seconds(i64::try_from(duration.as_seconds()).unwrap_or(i64::MAX))
            }
            _ => return Err(ApiError::bad_request(
                "give either {\"seconds\": N} with N >= 0 or {\"duration\": \"PT5M\"}; the clock \
                 only moves forward",
            )),
        };
    let now = control.advance_clock(by);
    ok(json!({"now": now}))
}

fn faults(control: &SimControl) -> Answer {
    let spec = control.faults();
    ok(json!({"spec": spec.to_string(), "faults": spec}))
}

fn set_faults(control: &SimControl, body: &[u8]) -> Answer {
    let value: Value = parse(body)?;
    let spec = match value.get("spec") {
        Some(Value::String(text)) => text
            .parse::<FaultSpec>()
            .map_err(|err| ApiError::bad_request(err.to_string()))?,
        Some(_) => return Err(ApiError::bad_request("\"spec\" must be a string")),
        None => serde_json::from_value::<FaultSpec>(value)
            .map_err(|err| ApiError::bad_request(format!("not a fault spec: {err}")))?,
    };
    control
        .set_faults(spec)
        .map_err(|err| ApiError::bad_request(err.to_string()))?;
    faults(control)
}

fn set_throttle(control: &SimControl, body: &[u8]) -> Answer {
    let value: Value = parse(body)?;
    let budget = match value.get("budget") {
        Some(Value::Null) => None,
        Some(Value::String(text)) => Some(
            text.parse::<ThrottleBudget>()
                .map_err(|err| ApiError::bad_request(err.to_string()))?,
        ),
        Some(object @ Value::Object(_)) => Some(
            serde_json::from_value::<ThrottleBudget>(object.clone())
                .map_err(|err| ApiError::bad_request(format!("not a budget: {err}")))?,
        ),
        _ => {
            return Err(ApiError::bad_request(
                "give {\"budget\": \"1500/30\"}, {\"budget\": {\"requests\": 1500, \
                 \"windowSeconds\": 30}} or {\"budget\": null} to turn throttling off",
            ))
        }
    };
    control
        .set_throttle(budget)
        .map_err(|err| ApiError::bad_request(err.to_string()))?;
    ok(json!({"budget": control.throttle()}))
}

fn users(control: &SimControl) -> Answer {
    let users: Vec<Value> = control
        .users()
        .into_iter()
        .map(|user| {
            json!({
                "id": user.id,
                "displayName": user.display_name,
                "userPrincipalName": user.user_principal_name,
            })
        })
        .collect();
    ok(json!({"users": users}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewUser {
    id: Option<Uuid>,
    display_name: String,
}

fn add_user(control: &SimControl, body: &[u8]) -> Answer {
    let user: NewUser = parse(body)?;
    if user.display_name.trim().is_empty() {
        return Err(ApiError::bad_request("displayName must not be empty"));
    }
    let id = user.id.unwrap_or_else(|| control.lock().next_guid());
    control.add_user(id, user.display_name.trim())?;
    Ok((StatusCode::CREATED, to_json(&control.user(id)?)?.1))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientState {
    availability: String,
    activity: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutOfOffice {
    message: Option<String>,
}
