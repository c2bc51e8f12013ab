//! `presence set` and `presence clear` as Graph calls: pure, checked before anything is sent.

use chrono::{DateTime, Utc};
use relay_core::graph_presence::{
    IllegalPairError, PreferredExpiration, PreferredPair, SessionPair,
};
use relay_core::presence::Intent;
use relay_graph::{PresenceOp, StatusMessage};

use crate::args::{PresenceClearArgs, PresenceSetArgs};

/// The presence part of `presence set`, checked.
#[derive(Clone, Copy, Debug)]
enum PresenceWrite {
    /// Our own session only.
    Session(SessionPair),
    /// The preferred presence, plus our session beside it.
    Assertive(PreferredPair, PreferredExpiration),
}

/// The writes of `presence set` for every user, in order. `now` dates the message's expiry.
/// An illegal pair is refused with the legal ones listed.
pub(super) fn plan_set(
    args: &PresenceSetArgs,
    now: DateTime<Utc>,
) -> Result<Vec<PresenceOp>, String> {
    let expiration = args.expires;
    let presence = match (args.availability, args.activity) {
        (Some(availability), Some(activity)) if args.assertive => Some(PresenceWrite::Assertive(
            PreferredPair::from_values(availability, activity).map_err(|err| {
                let hint = SessionPair::from_values(availability, activity)
                    .is_ok()
                    .then_some("without --assertive, it is a pair for this app's own session");
                with_hint(&err, hint)
            })?,
            PreferredExpiration::new(expiration.duration()).map_err(|err| err.to_string())?,
        )),
        (Some(availability), Some(activity)) => Some(PresenceWrite::Session(
            SessionPair::from_values(availability, activity).map_err(|err| {
                let hint = PreferredPair::from_values(availability, activity)
                    .is_ok()
                    .then_some("it can be the user's preferred presence: add --assertive");
                with_hint(&err, hint)
            })?,
        )),
        // clap makes --availability and --activity come together.
        _ => None,
    };
    // An empty text clears the message; any other lasts as long as the presence.
    let message = args.message.as_ref().map(|text| {
        (!text.is_empty()).then(|| {
            let lasts = chrono::Duration::seconds(
                i64::try_from(expiration.duration().as_seconds()).unwrap_or(i64::MAX),
            );
            StatusMessage::new(text.clone(), Some(now + lasts))
        })
    });
    let mut ops = Vec::new();
    for user in distinct(&args.users.users) {
        let user = user.to_owned();
        match presence {
            Some(PresenceWrite::Assertive(pair, preferred_expiration)) => {
                ops.push(PresenceOp::SetPreferredPresence {
                    user: user.clone(),
                    pair,
                    expiration: Some(preferred_expiration),
                });
                // A preferred presence shows only while the user has a session: hold ours too,
                // as the planner does for assertive intents.
                ops.push(PresenceOp::SetPresence {
                    user: user.clone(),
                    pair: assertive_session(pair),
                    expiration,
                });
            }
            Some(PresenceWrite::Session(pair)) => ops.push(PresenceOp::SetPresence {
                user: user.clone(),
                pair,
                expiration,
            }),
            None => {}
        }
        if let Some(message) = &message {
            ops.push(PresenceOp::SetStatusMessage {
                user,
                message: message.clone(),
            });
        }
    }
    Ok(ops)
}

/// An illegal pair's message, and where the pair is legal when it is legal for the other write.
fn with_hint(err: &IllegalPairError, hint: Option<&str>) -> String {
    match hint {
        Some(hint) => format!("{err}; {hint}"),
        None => err.to_string(),
    }
}

/// The session an assertive write holds beside `pair`: the planner's choice for the same intent.
fn assertive_session(pair: PreferredPair) -> SessionPair {
    Intent::ALL
        .into_iter()
        .find(|intent| intent.preferred_pair() == Some(pair))
        .and_then(Intent::assertive_session_pair)
        .unwrap_or(SessionPair::Away)
}

/// The writes of `presence clear`: the preferred presence first (so the old preferred state
/// does not show over nothing), then our session, then the message.
pub(super) fn plan_clear(args: &PresenceClearArgs) -> Vec<PresenceOp> {
    let preferred = args.assertive || args.all;
    let message = args.message.is_some() || args.all;
    let mut ops = Vec::new();
    for user in distinct(&args.users.users) {
        let user = user.to_owned();
        if preferred {
            ops.push(PresenceOp::ClearPreferredPresence { user: user.clone() });
        }
        ops.push(PresenceOp::ClearPresence { user: user.clone() });
        if message {
            ops.push(PresenceOp::SetStatusMessage {
                user,
                message: None,
            });
        }
    }
    ops
}

/// The users in the order given, each once.
pub(super) fn distinct(users: &[String]) -> Vec<&str> {
    let mut seen = Vec::with_capacity(users.len());
    for user in users {
        if !seen.contains(&user.as_str()) {
            seen.push(user.as_str());
        }
    }
    seen
}
