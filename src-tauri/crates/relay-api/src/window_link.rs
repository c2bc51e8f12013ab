//! The wire between the tray's process and the settings window's process.
//!
//! The settings window runs in a process of its own that ends when the window closes, so the tray
//! never maps WebKit's web context, its network process or software GL (docs/BENCHMARKS.md, "Tray
//! memory"). The window's process forwards each command its web view invokes to the tray's process,
//! which answers it with the same logic as ever; the tray's process pushes events and "come to the
//! front" the other way. The wire is the child's standard input and output, one JSON message per
//! line: private to the two processes (no port, no socket file), and it closes by itself when
//! either ends.
//!
//! A command's arguments travel as the JSON the web view sent, untouched: the window's process never
//! reads them (a new secret in `connection_set` passes through it in memory only and is never
//! logged: no message here implements `Debug` with its payload).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// From the settings window's process to the tray's.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FromWindow {
    /// The web view invoked `command` (one of [`crate::COMMANDS`]) in `window`; answer with an
    /// [`ToWindow::Answer`] carrying the same `id`.
    Call {
        id: u64,
        window: String,
        command: String,
        args: Value,
    },
}

/// From the tray's process to the settings window's.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToWindow {
    /// The answer to the [`FromWindow::Call`] with this `id`.
    Answer { id: u64, outcome: Outcome },
    /// An event for the web view (one of [`crate::EVENTS`]).
    Event { name: String, payload: Value },
    /// Someone asked for the settings window again (tray menu, second launch): come to the front.
    Raise,
}

/// What a command came to: its result, or the [`crate::UiError`] the web view gets, as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok(Value),
    Err(Value),
}

/// Headers only: arguments and payloads may hold a secret or a whole config.
impl std::fmt::Debug for FromWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FromWindow::Call {
                id,
                window,
                command,
                ..
            } => f
                .debug_struct("Call")
                .field("id", id)
                .field("window", window)
                .field("command", command)
                .finish_non_exhaustive(),
        }
    }
}

impl std::fmt::Debug for ToWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ToWindow::Answer { id, outcome } => f
                .debug_struct("Answer")
                .field("id", id)
                .field("ok", &matches!(outcome, Outcome::Ok(_)))
                .finish_non_exhaustive(),
            ToWindow::Event { name, .. } => f
                .debug_struct("Event")
                .field("name", name)
                .finish_non_exhaustive(),
            ToWindow::Raise => f.write_str("Raise"),
        }
    }
}

/// A line that is not a message of the link; says which line and why.
#[derive(Debug, thiserror::Error)]
#[error(
    "the settings window link sent a line that is not a message ({reason}); it starts {start:?}"
)]
pub struct LinkError {
    reason: String,
    start: String,
}

/// One message as one line, without the line break. JSON escapes line breaks inside strings, so
/// the line break that follows can only end the message.
pub fn encode<T: Serialize>(message: &T) -> String {
    // Serializing these types cannot fail: every map key is a string and every value is JSON.
    serde_json::to_string(message)
        .unwrap_or_else(|err| format!(r#"{{"kind":"unencodable","reason":{:?}}}"#, err.to_string()))
}

/// Reads one line (with or without its line break).
pub fn decode<T: for<'de> Deserialize<'de>>(line: &str) -> Result<T, LinkError> {
    serde_json::from_str(line.trim_end_matches(['\r', '\n'])).map_err(|err| LinkError {
        reason: err.to_string(),
        // Enough to recognise the line, not enough to carry a secret out into a log.
        start: line.chars().take(24).collect(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_call_round_trips_on_one_line_even_with_line_breaks_in_its_arguments() {
        let call = FromWindow::Call {
            id: 7,
            window: "settings".into(),
            command: "config_save".into(),
            args: json!({"config": {"rules": [{"name": "two\nlines"}]}}),
        };
        let line = encode(&call);
        assert!(!line.contains('\n'), "{line}");
        assert_eq!(decode::<FromWindow>(&format!("{line}\n")).ok(), Some(call));
    }

    #[test]
    fn answers_events_and_raise_round_trip() {
        for message in [
            ToWindow::Answer {
                id: 1,
                outcome: Outcome::Ok(json!({"mode": "simulated"})),
            },
            ToWindow::Answer {
                id: 2,
                outcome: Outcome::Err(json!({"code": "kiosk_locked", "message": "locked"})),
            },
            ToWindow::Event {
                name: "status-changed".into(),
                payload: json!({"users": []}),
            },
            ToWindow::Raise,
        ] {
            assert_eq!(decode::<ToWindow>(&encode(&message)).ok(), Some(message));
        }
    }

    #[test]
    fn the_wire_format_is_tagged_by_kind() {
        assert_eq!(encode(&ToWindow::Raise), r#"{"kind":"raise"}"#);
        assert_eq!(
            encode(&ToWindow::Answer {
                id: 3,
                outcome: Outcome::Ok(Value::Null)
            }),
            r#"{"kind":"answer","id":3,"outcome":{"ok":null}}"#
        );
    }

    #[test]
    fn a_stray_line_is_refused_without_echoing_all_of_it() {
        let secret_like = "not json: client secret abcdefghijklmnopqrstuvwxyz0123456789";
        let err = decode::<FromWindow>(secret_like).expect_err("not a message");
        let text = err.to_string();
        assert!(text.contains("not a message"), "{text}");
        assert!(!text.contains("0123456789"), "{text}");
        assert!(decode::<ToWindow>(r#"{"kind":"launch_missiles"}"#).is_err());
    }

    #[test]
    fn debug_output_never_shows_arguments_or_payloads() {
        let call = FromWindow::Call {
            id: 1,
            window: "settings".into(),
            command: "connection_set".into(),
            args: json!({"input": {"secret": "s3cr3t-value"}}),
        };
        let shown = format!("{call:?}");
        assert!(shown.contains("connection_set"), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        let event = ToWindow::Event {
            name: "status-changed".into(),
            payload: json!({"message": "private"}),
        };
        assert!(!format!("{event:?}").contains("private"));
    }
}
