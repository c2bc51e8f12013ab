//! What the simulator shows about itself: Graph's presence resource, and the full state the
//! inspection API returns. JSON field names are camelCase like Graph's.

use chrono::{DateTime, Utc};
use relay_core::config::Cloud;
use relay_core::graph_presence::{Activity, Availability};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::faults::FaultSpec;
use crate::options::{RetryAfterScope, ThrottleBudget};

/// Graph's `presence` resource, exactly as an app reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceView {
    pub id: String,
    pub availability: Availability,
    pub activity: Activity,
    pub status_message: Option<StatusMessageView>,
    pub out_of_office_settings: OutOfOfficeSettings,
    pub sequence_number: String,
}

/// `presenceStatusMessage` as another user sees it (no expiry, no publish time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusMessageView {
    pub message: ItemBody,
}

/// Graph's `itemBody`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemBody {
    pub content: String,
    pub content_type: String,
}

impl ItemBody {
    pub(crate) fn text(content: &str) -> Self {
        Self {
            content: content.to_owned(),
            content_type: "text".to_owned(),
        }
    }
}

/// Graph's `outOfOfficeSettings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutOfOfficeSettings {
    pub message: Option<String>,
    pub is_out_of_office: bool,
}

/// One user, with every session and timer behind what Graph shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSnapshot {
    pub id: Uuid,
    pub display_name: String,
    pub user_principal_name: String,
    /// What Graph returns for this user right now.
    pub presence: PresenceView,
    pub sessions: Vec<SessionSnapshot>,
    pub preferred: Option<PreferredSnapshot>,
    pub status_message: Option<StatusMessageSnapshot>,
    pub out_of_office: OutOfOfficeSettings,
    pub in_meeting: bool,
    pub sequence_number: String,
}

/// One presence session of a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionSnapshot {
    /// The app's client id, `teams-desktop` / `teams-web` / `teams-mobile`, or `calendar`.
    pub session_id: String,
    /// `app`, `teamsClient` or `calendar`.
    pub kind: String,
    /// As written.
    pub availability: Availability,
    pub activity: Activity,
    /// After the Available fade.
    pub effective_availability: Availability,
    pub effective_activity: Activity,
    pub refreshed_at: DateTime<Utc>,
    /// `None` for Teams clients and the calendar, which hold until signed out.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A user-preferred presence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreferredSnapshot {
    pub availability: Availability,
    pub activity: Activity,
    pub set_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A status message with its timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusMessageSnapshot {
    pub content: String,
    pub published_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The whole simulated tenant.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateSnapshot {
    pub now: DateTime<Utc>,
    /// How far the inspection API has moved the clock ahead of the injected one.
    pub clock_offset_seconds: i64,
    pub tenant_id: Uuid,
    pub tenant_domain: String,
    pub cloud: Cloud,
    pub apps: Vec<AppSnapshot>,
    pub users: Vec<UserSnapshot>,
    pub throttle: ThrottleSnapshot,
    pub faults: FaultSpec,
}

/// An app registration, without its secret values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSnapshot {
    pub client_id: Uuid,
    pub display_name: String,
    pub roles: Vec<String>,
    pub secrets: Vec<SecretSnapshot>,
    pub certificates: Vec<CertificateRegistration>,
}

/// A client secret as the Azure portal lists it: id, a three-character hint, expiry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretSnapshot {
    pub secret_id: Uuid,
    pub hint: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A certificate registered on an app, named by its thumbprints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateRegistration {
    /// SHA-1 thumbprint in upper-case hex, as the Azure portal shows it.
    pub thumbprint: String,
    /// base64url SHA-1 thumbprint: the `x5t` an RS256 assertion carries.
    pub x5t: String,
    /// base64url SHA-256 thumbprint: the `x5t#S256` a PS256 assertion carries.
    #[serde(rename = "x5tS256")]
    pub x5t_s256: String,
}

/// Throttling state.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleSnapshot {
    pub budget: Option<ThrottleBudget>,
    pub retry_after_scope: RetryAfterScope,
    /// Requests left in each app's bucket right now.
    pub remaining: Vec<BucketSnapshot>,
    /// Active Retry-After holds.
    pub holds: Vec<HoldSnapshot>,
}

/// One app's token bucket.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketSnapshot {
    pub app_id: Uuid,
    pub remaining: u32,
}

/// A Retry-After that is still running.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HoldSnapshot {
    pub app_id: Uuid,
    /// `POST /users/{id}/presence/setpresence`, or `*` when the scope is the whole app.
    pub request: String,
    pub until: DateTime<Utc>,
}
