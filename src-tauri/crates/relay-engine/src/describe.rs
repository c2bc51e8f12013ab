//! Writes as short text for the audit log and the status (`setPresence Away/Away PT15M`).

use relay_core::planner::Write;

pub fn describe(write: &Write) -> String {
    match write {
        Write::SetSession { pair, expiration } => format!("setPresence {pair} {expiration}"),
        Write::ClearSession => "clearPresence".into(),
        Write::SetPreferred { pair, expiration } => format!(
            "setUserPreferredPresence {pair} PT{}M",
            expiration.num_minutes()
        ),
        Write::ClearPreferred => "clearUserPreferredPresence".into(),
        Write::SetMessage { text, expires_at } => format!(
            "setStatusMessage {text:?} until {}",
            expires_at.format("%Y-%m-%dT%H:%MZ")
        ),
        Write::ClearMessage => "setStatusMessage (clear)".into(),
    }
}
