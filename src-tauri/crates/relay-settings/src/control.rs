//! `control`: the window's pause, snooze and override requests as engine commands.
//!
//! "Everyone" means the users the engine runs with (the configured ones, or the demo's in
//! simulated mode), as its status lists them; a single user must be one of them.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use relay_api::{ControlRequest, ErrorCode, OverrideTarget, SnoozeLength, UiError};
use relay_core::control::ManualOverride;
use relay_core::evaluate::Reason;
use relay_core::presence::{Intent, WriteMode};
use relay_engine::{EngineCommand, EngineStatus};
use tokio::sync::mpsc;

use crate::errors::engine_unavailable;

/// The longest snooze or timed override the window may ask for: a week. Longer is a pause.
const MAX_MINUTES: u32 = 7 * 24 * 60;

/// What the engine must be told for `request`, given its current `status`.
pub fn engine_commands(
    request: ControlRequest,
    status: &EngineStatus,
    now: DateTime<Utc>,
    zone: Tz,
) -> Result<Vec<EngineCommand>, UiError> {
    Ok(match request {
        ControlRequest::Pause => vec![EngineCommand::Pause],
        ControlRequest::Resume => vec![EngineCommand::Resume],
        ControlRequest::Snooze { length } => {
            let until = match length {
                SnoozeLength::Minutes { minutes } => now + checked_minutes(minutes)?,
                SnoozeLength::UntilTomorrow => next_local_midnight(now, zone),
            };
            vec![EngineCommand::Snooze(Some(until))]
        }
        ControlRequest::EndSnooze => vec![EngineCommand::Snooze(None)],
        ControlRequest::Override {
            target,
            intent,
            mode,
            message,
            length,
        } => {
            check_intent_and_mode(intent, mode)?;
            if let relay_api::OverrideLength::For { minutes } = length {
                checked_minutes(minutes)?;
            }
            let until = length.until(now);
            if until.is_some_and(|until| until <= now) {
                return Err(invalid(
                    "the override would end before it starts; pick a later time",
                ));
            }
            let value = ManualOverride {
                intent,
                mode,
                message: message
                    .map(|text| text.trim().to_owned())
                    .filter(|text| !text.is_empty()),
                until,
            };
            users(&target, status)?
                .into_iter()
                .map(|user| EngineCommand::Override {
                    user,
                    value: Some(value.clone()),
                })
                .collect()
        }
        ControlRequest::ClearOverride { target } => users(&target, status)?
            .into_iter()
            .map(|user| EngineCommand::Override { user, value: None })
            .collect(),
    })
}

/// The tray's quick set: everyone shows `intent` assertively until `until` (`None`: until
/// changed). A message that came with an earlier manual choice stays with the new one.
pub fn quick_set(
    status: &EngineStatus,
    intent: Intent,
    until: Option<DateTime<Utc>>,
) -> Vec<EngineCommand> {
    status
        .users
        .iter()
        .map(|user| EngineCommand::Override {
            user: user.user.clone(),
            value: Some(ManualOverride {
                intent,
                mode: WriteMode::Assertive,
                message: user
                    .message
                    .clone()
                    .filter(|_| matches!(user.reason, Reason::Override { .. })),
                until,
            }),
        })
        .collect()
}

/// The tray's status message presets: everyone keeps what they show now (Available when
/// nothing is held) and gets `message` (or none), until a manual choice in effect ends, else
/// for an hour.
pub fn message_preset(
    status: &EngineStatus,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> Vec<EngineCommand> {
    status
        .users
        .iter()
        .map(|user| {
            let intent = match user.intent {
                Intent::Release => Intent::Available,
                other => other,
            };
            let until = match &user.reason {
                Reason::Override { until } => *until,
                _ => Some(now + Duration::hours(1)),
            };
            EngineCommand::Override {
                user: user.user.clone(),
                value: Some(ManualOverride {
                    intent,
                    mode: WriteMode::Assertive,
                    message: message.map(str::to_owned),
                    until,
                }),
            }
        })
        .collect()
}

/// Hands `commands` to the engine, in order.
pub async fn send(
    engine: &mpsc::Sender<EngineCommand>,
    commands: Vec<EngineCommand>,
) -> Result<(), UiError> {
    for command in commands {
        engine
            .send(command)
            .await
            .map_err(|_| engine_unavailable())?;
    }
    Ok(())
}

/// The next midnight in `zone` after `now` (a day without a midnight, at a DST change, falls
/// back to 24 hours from now).
pub fn next_local_midnight(now: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&zone).date_naive();
    local
        .succ_opt()
        .and_then(|day| {
            zone.from_local_datetime(&day.and_time(NaiveTime::MIN))
                .earliest()
        })
        .map_or(now + Duration::hours(24), |t| t.with_timezone(&Utc))
}

/// The object ids `target` names, as the engine knows them (lower case).
fn users(target: &OverrideTarget, status: &EngineStatus) -> Result<Vec<String>, UiError> {
    match target {
        OverrideTarget::All => Ok(status.users.iter().map(|user| user.user.clone()).collect()),
        OverrideTarget::User { object_id } => {
            let wanted = object_id.trim();
            status
                .users
                .iter()
                .find(|user| user.user.eq_ignore_ascii_case(wanted))
                .map(|user| vec![user.user.clone()])
                .ok_or_else(|| {
                    invalid(format!(
                        "{wanted:?} is not one of the users this machine keeps; add them on the \
                         Users page first"
                    ))
                })
        }
    }
}

/// The same rule as the config's: an intent without a presence-session form in Graph can only
/// be shown assertively.
fn check_intent_and_mode(intent: Intent, mode: WriteMode) -> Result<(), UiError> {
    if !intent.has_session_pair() && intent != Intent::Release && mode == WriteMode::Polite {
        return Err(invalid(format!(
            "\"{}\" can only be shown assertively; choose assertive, or one of available, busy, \
             do_not_disturb, away",
            intent.as_str()
        )));
    }
    Ok(())
}

fn checked_minutes(minutes: u32) -> Result<Duration, UiError> {
    if minutes == 0 || minutes > MAX_MINUTES {
        return Err(invalid(format!(
            "{minutes} minutes is out of range; use 1 to {MAX_MINUTES} (a week), or pause"
        )));
    }
    Ok(Duration::minutes(i64::from(minutes)))
}

fn invalid(message: impl Into<String>) -> UiError {
    UiError::new(ErrorCode::InvalidInput, message)
}

#[cfg(test)]
mod tests;
