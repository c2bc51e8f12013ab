//! Applies edits of the config file live: the file is checked every couple of seconds; a valid
//! new version goes to the engine; an invalid one is reported and the last good config stays.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use relay_config::{ConfigParser, ConfigStore};
use relay_core::config::{ConfigIssue, Severity, ValidConfig};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// How often the file's modification time and size are compared.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

/// What the watcher found in the file.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigChange {
    /// A new valid config to run with.
    Valid(Box<ValidConfig>),
    /// The file changed but cannot be used; the message lists every error with its place.
    Invalid(String),
}

/// Identity of a file version: modification time and size (enough to notice an edit, and an
/// atomic save always changes the mtime).
fn fingerprint(path: &PathBuf) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// One line per error, each naming its place.
pub fn describe_issues(issues: &[ConfigIssue]) -> String {
    issues
        .iter()
        .filter(|issue| issue.severity == Severity::Error)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Watches `path` until `stop` fires, sending each change. Starts from the file as it is now
/// (the caller has loaded it already).
pub async fn watch_config(
    path: PathBuf,
    changes: watch::Sender<Option<ConfigChange>>,
    stop: CancellationToken,
) {
    let parser = ConfigParser::new();
    let store = ConfigStore::new(path.clone());
    let mut seen = fingerprint(&path);
    let mut interval = tokio::time::interval(CHECK_EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = interval.tick() => {}
        }
        let now = fingerprint(&path);
        if now == seen {
            continue;
        }
        seen = now;
        let change = match store.read(&parser) {
            // A deleted file: keep running with what we have; the tray says so at next start.
            Ok(None) => continue,
            Ok(Some(Ok(parsed))) => ConfigChange::Valid(Box::new(parsed.config)),
            Ok(Some(Err(issues))) => ConfigChange::Invalid(format!(
                "{} was changed but is not valid, so the last good config stays in use: {}",
                path.display(),
                describe_issues(&issues)
            )),
            Err(err) => ConfigChange::Invalid(err.to_string()),
        };
        if let ConfigChange::Invalid(message) = &change {
            tracing::error!("{message}");
        } else {
            tracing::info!("config file changed; applying it");
        }
        if changes.send(Some(change)).is_err() {
            return;
        }
    }
}
