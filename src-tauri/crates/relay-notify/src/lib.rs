//! Desktop notifications for what needs a person: admin consent missing, a credential expired or
//! expiring within 14 days, the keyring unavailable, Graph unreachable for a while, and (when
//! asked) changes of what Teams shows.
//!
//! - [`planner`] decides what to say (pure: problems in, notifications out, deduplicated and
//!   rate-limited, time passed in).
//! - [`Notifier`] shows one; [`DesktopNotifier`] is the real one (notify-rust on Linux and
//!   Windows, `osascript` on macOS). A machine without a notification daemon is worth a log line,
//!   not an error.
//! - [`run`] watches the engine's status and drives both.

pub mod planner;
mod watch;

use std::fmt::Debug;

pub use planner::{Note, NotePlanner, PlannerOptions, Problem};
pub use watch::{run, WatchOptions};

#[derive(Debug, thiserror::Error)]
#[error("cannot show a desktop notification: {0}")]
pub struct NotifyError(pub String);

/// Shows one notification.
pub trait Notifier: Send + Sync + Debug {
    fn show(&self, note: &Note) -> Result<(), NotifyError>;
}

/// The OS's notifications.
#[derive(Clone, Copy, Debug, Default)]
pub struct DesktopNotifier;

impl Notifier for DesktopNotifier {
    #[cfg(not(target_os = "macos"))]
    fn show(&self, note: &Note) -> Result<(), NotifyError> {
        notify_rust::Notification::new()
            .appname("Presence Relay")
            .summary(&note.title)
            .body(&note.body)
            .show()
            .map(drop)
            .map_err(|err| NotifyError(err.to_string()))
    }

    #[cfg(target_os = "macos")]
    fn show(&self, note: &Note) -> Result<(), NotifyError> {
        // AppleScript string literals: escape backslashes and quotes.
        let quote = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"");
        let script = format!(
            "display notification \"{}\" with title \"Presence Relay\" subtitle \"{}\"",
            quote(&note.body),
            quote(&note.title)
        );
        let status = std::process::Command::new("osascript")
            .args(["-e", &script])
            .status()
            .map_err(|err| NotifyError(err.to_string()))?;
        if status.success() {
            Ok(())
        } else {
            Err(NotifyError(format!("osascript exited with {status}")))
        }
    }
}
