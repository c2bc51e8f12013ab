//! One user's presence state and Graph's aggregation rules.
//!
//! State is stored as facts with timestamps (when a session was refreshed, when it expires);
//! what Teams shows is derived from them at `now`. [`SimUser::settle`] applies the time-driven
//! changes (expirations, fade steps) before anything reads or writes the user, and counts each of
//! them once in the sequence number, so the number is the same whenever it is observed.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use relay_core::graph_presence::{Activity, Availability};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::presence::{strength, PresencePair};
use crate::snapshot::{
    OutOfOfficeSettings, PreferredSnapshot, PresenceView, SessionSnapshot, StatusMessageSnapshot,
    StatusMessageView, UserSnapshot,
};

/// An Available app session shows Available/AvailableInactive this long after its last refresh.
pub(crate) const FADE_TO_INACTIVE: Duration = Duration::minutes(5);
/// ... and Away/Away this long after it.
pub(crate) const FADE_TO_AWAY: Duration = Duration::minutes(10);

const CALENDAR_SESSION: &str = "calendar";

/// A simulated Teams client; each holds its own presence session for the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TeamsClient {
    Desktop,
    Web,
    Mobile,
}

impl TeamsClient {
    pub const ALL: [TeamsClient; 3] = [TeamsClient::Desktop, TeamsClient::Web, TeamsClient::Mobile];

    pub fn as_str(self) -> &'static str {
        match self {
            TeamsClient::Desktop => "desktop",
            TeamsClient::Web => "web",
            TeamsClient::Mobile => "mobile",
        }
    }

    fn session_id(self) -> String {
        format!("teams-{}", self.as_str())
    }
}

impl fmt::Display for TeamsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TeamsClient {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        TeamsClient::ALL
            .into_iter()
            .find(|client| client.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| format!("\"{text}\" is not a Teams client; use desktop, web or mobile"))
    }
}

/// Who holds a presence session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SessionSource {
    /// An app's session written with setPresence (session id = the app's client id).
    App(Uuid),
    /// A signed-in Teams client; it keeps itself fresh, so it neither fades nor expires.
    TeamsClient(TeamsClient),
    /// The calendar while a meeting is forced on: Busy/InAMeeting.
    Calendar,
}

#[derive(Clone, Debug)]
struct Session {
    source: SessionSource,
    pair: PresencePair,
    refreshed_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    /// Fade steps already counted in the sequence number.
    fade_steps_counted: u8,
}

impl Session {
    /// 0 = as set, 1 = Available/AvailableInactive, 2 = Away/Away. Only app sessions fade, and
    /// only from Available (Graph documents the timeout for Available alone).
    fn fade_steps_at(&self, at: DateTime<Utc>) -> u8 {
        if !matches!(self.source, SessionSource::App(_))
            || self.pair.availability != Availability::Available
        {
            return 0;
        }
        let idle = at - self.refreshed_at;
        if idle >= FADE_TO_AWAY {
            2
        } else if idle >= FADE_TO_INACTIVE {
            1
        } else {
            0
        }
    }

    fn effective_at(&self, at: DateTime<Utc>) -> PresencePair {
        match self.fade_steps_at(at) {
            0 => self.pair,
            1 => PresencePair::new(Availability::Available, Activity::AvailableInactive),
            _ => PresencePair::new(Availability::Away, Activity::Away),
        }
    }

    fn is_expired_at(&self, at: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|expiry| expiry <= at)
    }
}

#[derive(Clone, Debug)]
struct Preferred {
    pair: PresencePair,
    set_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
struct StatusMessage {
    content: String,
    published_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
}

/// A simulated user.
#[derive(Clone, Debug)]
pub(crate) struct SimUser {
    pub(crate) id: Uuid,
    pub(crate) display_name: String,
    pub(crate) user_principal_name: String,
    /// Keyed by session id; the map's order makes aggregation ties deterministic.
    sessions: BTreeMap<String, Session>,
    preferred: Option<Preferred>,
    status_message: Option<StatusMessage>,
    /// `Some(message)` while automatic replies are on.
    out_of_office: Option<Option<String>>,
    sequence: u64,
}

impl SimUser {
    pub(crate) fn new(id: Uuid, display_name: String, user_principal_name: String) -> Self {
        Self {
            id,
            display_name,
            user_principal_name,
            sessions: BTreeMap::new(),
            preferred: None,
            status_message: None,
            out_of_office: None,
            sequence: 0,
        }
    }

    /// Applies everything time has done up to `now`: fade steps, and expiry of sessions,
    /// the preferred presence and the status message. Each counts once in the sequence number.
    pub(crate) fn settle(&mut self, now: DateTime<Utc>) {
        let mut changes = 0u64;
        self.sessions.retain(|_, session| {
            let expired = session.is_expired_at(now);
            // A session that expired was last visible just before its expiry.
            let seen_at = match session.expires_at {
                Some(expiry) if expired => expiry - Duration::milliseconds(1),
                _ => now,
            };
            let steps = session.fade_steps_at(seen_at);
            if steps > session.fade_steps_counted {
                changes += u64::from(steps - session.fade_steps_counted);
                session.fade_steps_counted = steps;
            }
            if expired {
                changes += 1;
            }
            !expired
        });
        if self.preferred.as_ref().is_some_and(|p| p.expires_at <= now) {
            self.preferred = None;
            changes += 1;
        }
        if self
            .status_message
            .as_ref()
            .is_some_and(|m| m.expires_at.is_some_and(|expiry| expiry <= now))
        {
            self.status_message = None;
            changes += 1;
        }
        self.sequence += changes;
    }

    fn changed(&mut self) {
        self.sequence += 1;
    }

    /// What Teams shows at `now` (call [`Self::settle`] first).
    pub(crate) fn visible(&self, now: DateTime<Utc>) -> PresencePair {
        let mut shown = if self.sessions.is_empty() {
            // Without any session even a preferred presence shows Offline.
            PresencePair::OFFLINE
        } else if let Some(preferred) = &self.preferred {
            preferred.pair
        } else {
            let mut strongest: Option<PresencePair> = None;
            for session in self.sessions.values() {
                let pair = session.effective_at(now);
                // Strictly stronger only: on a tie the first session id wins.
                if strongest.is_none_or(|best| strength(pair) > strength(best)) {
                    strongest = Some(pair);
                }
            }
            strongest.unwrap_or(PresencePair::OFFLINE)
        };
        // Automatic replies show as the OutOfOffice activity over whatever the state is. [I]
        if self.out_of_office.is_some() {
            shown.activity = Activity::OutOfOffice;
        }
        shown
    }

    pub(crate) fn set_app_session(
        &mut self,
        app: Uuid,
        pair: PresencePair,
        lasts: Duration,
        now: DateTime<Utc>,
    ) {
        self.sessions.insert(
            app_session_id(app),
            Session {
                source: SessionSource::App(app),
                pair,
                refreshed_at: now,
                expires_at: Some(now + lasts),
                fade_steps_counted: 0,
            },
        );
        self.changed();
    }

    /// Removes the app's session; false when there was none.
    pub(crate) fn clear_app_session(&mut self, app: Uuid) -> bool {
        let removed = self.sessions.remove(&app_session_id(app)).is_some();
        if removed {
            self.changed();
        }
        removed
    }

    pub(crate) fn set_preferred(
        &mut self,
        pair: PresencePair,
        lasts: Duration,
        now: DateTime<Utc>,
    ) {
        self.preferred = Some(Preferred {
            pair,
            set_at: now,
            expires_at: now + lasts,
        });
        self.changed();
    }

    pub(crate) fn clear_preferred(&mut self) {
        if self.preferred.take().is_some() {
            self.changed();
        }
    }

    /// Sets the status message; empty content clears it.
    pub(crate) fn set_status_message(
        &mut self,
        content: &str,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) {
        if content.is_empty() {
            if self.status_message.take().is_some() {
                self.changed();
            }
            return;
        }
        self.status_message = Some(StatusMessage {
            content: content.to_owned(),
            published_at: now,
            expires_at,
        });
        self.changed();
    }

    pub(crate) fn sign_in_teams_client(
        &mut self,
        client: TeamsClient,
        pair: PresencePair,
        now: DateTime<Utc>,
    ) {
        self.sessions.insert(
            client.session_id(),
            Session {
                source: SessionSource::TeamsClient(client),
                pair,
                refreshed_at: now,
                expires_at: None,
                fade_steps_counted: 0,
            },
        );
        self.changed();
    }

    pub(crate) fn sign_out_teams_client(&mut self, client: TeamsClient) -> bool {
        let removed = self.sessions.remove(&client.session_id()).is_some();
        if removed {
            self.changed();
        }
        removed
    }

    pub(crate) fn set_out_of_office(&mut self, message: Option<String>) {
        self.out_of_office = Some(message);
        self.changed();
    }

    pub(crate) fn clear_out_of_office(&mut self) {
        if self.out_of_office.take().is_some() {
            self.changed();
        }
    }

    /// Forces (or ends) a calendar meeting: a Busy/InAMeeting session from the calendar.
    pub(crate) fn set_in_meeting(&mut self, in_meeting: bool, now: DateTime<Utc>) {
        let changed = if in_meeting {
            self.sessions
                .insert(
                    CALENDAR_SESSION.to_owned(),
                    Session {
                        source: SessionSource::Calendar,
                        pair: PresencePair::new(Availability::Busy, Activity::InAMeeting),
                        refreshed_at: now,
                        expires_at: None,
                        fade_steps_counted: 0,
                    },
                )
                .is_none()
        } else {
            self.sessions.remove(CALENDAR_SESSION).is_some()
        };
        if changed {
            self.changed();
        }
    }

    fn sequence_number(&self) -> String {
        // Graph's sequence numbers sort lexicographically (e.g. "A0129311063"); so do these.
        format!("A{:010}", self.sequence)
    }

    /// The presence resource as Graph returns it to an app (call [`Self::settle`] first). An app
    /// always reads "another user", so the status message carries no expiry or publish time.
    pub(crate) fn presence_view(&self, now: DateTime<Utc>) -> PresenceView {
        let shown = self.visible(now);
        PresenceView {
            id: self.id.to_string(),
            availability: shown.availability,
            activity: shown.activity,
            status_message: self
                .status_message
                .as_ref()
                .map(|message| StatusMessageView {
                    message: crate::snapshot::ItemBody::text(&message.content),
                }),
            out_of_office_settings: OutOfOfficeSettings {
                message: self.out_of_office.clone().flatten(),
                is_out_of_office: self.out_of_office.is_some(),
            },
            sequence_number: self.sequence_number(),
        }
    }

    /// Everything the inspection API shows about this user (call [`Self::settle`] first).
    pub(crate) fn snapshot(&self, now: DateTime<Utc>) -> UserSnapshot {
        UserSnapshot {
            id: self.id,
            display_name: self.display_name.clone(),
            user_principal_name: self.user_principal_name.clone(),
            presence: self.presence_view(now),
            sessions: self
                .sessions
                .iter()
                .map(|(session_id, session)| {
                    let effective = session.effective_at(now);
                    SessionSnapshot {
                        session_id: session_id.clone(),
                        kind: match session.source {
                            SessionSource::App(_) => "app",
                            SessionSource::TeamsClient(_) => "teamsClient",
                            SessionSource::Calendar => "calendar",
                        }
                        .to_owned(),
                        availability: session.pair.availability,
                        activity: session.pair.activity,
                        effective_availability: effective.availability,
                        effective_activity: effective.activity,
                        refreshed_at: session.refreshed_at,
                        expires_at: session.expires_at,
                    }
                })
                .collect(),
            preferred: self.preferred.as_ref().map(|preferred| PreferredSnapshot {
                availability: preferred.pair.availability,
                activity: preferred.pair.activity,
                set_at: preferred.set_at,
                expires_at: preferred.expires_at,
            }),
            status_message: self
                .status_message
                .as_ref()
                .map(|message| StatusMessageSnapshot {
                    content: message.content.clone(),
                    published_at: message.published_at,
                    expires_at: message.expires_at,
                }),
            out_of_office: OutOfOfficeSettings {
                message: self.out_of_office.clone().flatten(),
                is_out_of_office: self.out_of_office.is_some(),
            },
            in_meeting: self.sessions.contains_key(CALENDAR_SESSION),
            sequence_number: self.sequence_number(),
        }
    }
}

fn app_session_id(app: Uuid) -> String {
    app.hyphenated().to_string()
}

#[cfg(test)]
mod tests;
