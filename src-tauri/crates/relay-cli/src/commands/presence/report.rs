//! How the presence commands report: one line (or JSON object) per user.

use relay_graph::model::Presence;
use relay_graph::{OpOutcome, PresenceOp, Reported};
use serde_json::{json, Value};

use crate::commands::until_done::Ended;

/// One user's writes and how each ended.
pub(super) struct UserWrites<'a> {
    user: &'a str,
    writes: Vec<(&'a PresenceOp, &'a Ended)>,
}

pub(super) fn group_by_user<'a>(
    ops: &'a [PresenceOp],
    results: &'a [Ended],
) -> Vec<UserWrites<'a>> {
    let mut users: Vec<UserWrites<'a>> = Vec::new();
    for (op, ended) in ops.iter().zip(results) {
        match users.iter_mut().find(|user| user.user == op.user()) {
            Some(user) => user.writes.push((op, ended)),
            None => users.push(UserWrites {
                user: op.user(),
                writes: vec![(op, ended)],
            }),
        }
    }
    users
}

impl UserWrites<'_> {
    pub(super) fn ok(&self) -> bool {
        self.writes.iter().all(|(_, ended)| ended.is_ok())
    }

    /// `ok    {user}  what was written` or `FAIL  {user}  what failed and why`.
    pub(super) fn line(&self) -> String {
        if self.ok() {
            let done: Vec<String> = self
                .writes
                .iter()
                .map(|(op, ended)| describe_write(op, ended))
                .collect();
            return format!("ok    {}  {}", self.user, done.join(", "));
        }
        let mut parts: Vec<String> = self
            .writes
            .iter()
            .filter(|(_, ended)| !ended.is_ok())
            .map(|(op, ended)| format!("{}: {}", op.action(), ended.message()))
            .collect();
        let done: Vec<&str> = self
            .writes
            .iter()
            .filter(|(_, ended)| ended.is_ok())
            .map(|(op, _)| op.action())
            .collect();
        if !done.is_empty() {
            parts.push(format!("done: {}", done.join(", ")));
        }
        format!("FAIL  {}  {}", self.user, parts.join("; "))
    }

    pub(super) fn to_json(&self) -> Value {
        let writes: Vec<Value> = self
            .writes
            .iter()
            .map(|(op, ended)| {
                let mut write = json!({
                    "action": op.action(),
                    "ok": ended.is_ok(),
                    "code": ended.code(),
                });
                if ended.is_ok() {
                    write["result"] = describe_write(op, ended).into();
                } else {
                    write["message"] = ended.message().into();
                }
                write
            })
            .collect();
        json!({ "user": self.user, "ok": self.ok(), "writes": writes })
    }
}

/// What a successful write did, in a few words.
fn describe_write(op: &PresenceOp, ended: &Ended) -> String {
    let already_clear = matches!(ended, Ended::Done(OpOutcome::AlreadyClear));
    match op {
        PresenceOp::SetPresence {
            pair, expiration, ..
        } => format!("session {pair} for {expiration}"),
        PresenceOp::SetPreferredPresence {
            pair, expiration, ..
        } => match expiration {
            Some(expiration) => format!("preferred {pair} for {expiration}"),
            None => format!("preferred {pair}"),
        },
        PresenceOp::SetStatusMessage {
            message: Some(message),
            ..
        } => format!("message \"{}\"", message.text),
        PresenceOp::SetStatusMessage { message: None, .. } => "message cleared".to_owned(),
        PresenceOp::ClearPresence { .. } if already_clear => "no session to clear".to_owned(),
        PresenceOp::ClearPresence { .. } => "session cleared".to_owned(),
        PresenceOp::ClearPreferredPresence { .. } => "preferred presence cleared".to_owned(),
        PresenceOp::GetPresence { .. } => "read".to_owned(),
    }
}

pub(crate) fn reported<T: std::fmt::Display>(value: &Reported<T>) -> String {
    match value {
        Reported::Known(value) => value.to_string(),
        Reported::Other(text) => text.clone(),
    }
}

/// The status message's text, when one is shown.
fn message_text(presence: &Presence) -> Option<&str> {
    presence
        .status_message
        .as_ref()
        .and_then(|status| status.message.as_ref())
        .map(|body| body.content.as_str())
        .filter(|text| !text.is_empty())
}

pub(super) fn presence_text(user: &str, presence: &Presence) -> String {
    let mut text = format!(
        "{user}  {}/{}\n",
        reported(&presence.availability),
        reported(&presence.activity)
    );
    if let Some(message) = message_text(presence) {
        text.push_str(&format!("  status message: {message}\n"));
    }
    if let Some(settings) = presence
        .out_of_office_settings
        .as_ref()
        .filter(|settings| settings.is_out_of_office)
    {
        match settings.message.as_deref().filter(|m| !m.is_empty()) {
            Some(message) => text.push_str(&format!("  out of office: {message}\n")),
            None => text.push_str("  out of office\n"),
        }
    }
    text
}

pub(super) fn presence_json(user: &str, presence: &Presence) -> Value {
    let out_of_office = presence.out_of_office_settings.as_ref();
    json!({
        "user": user,
        "ok": true,
        "availability": reported(&presence.availability),
        "activity": reported(&presence.activity),
        "status_message": message_text(presence),
        "out_of_office": {
            "is_out_of_office": out_of_office.is_some_and(|s| s.is_out_of_office),
            "message": out_of_office.and_then(|s| s.message.as_deref()),
        },
    })
}
