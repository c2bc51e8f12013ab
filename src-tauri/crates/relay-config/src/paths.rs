//! Where Presence Relay keeps its files on each platform, with environment overrides for tests and
//! portable installs.

use std::ffi::OsString;
use std::path::PathBuf;

/// Overrides the directory holding `config.json`.
pub const CONFIG_DIR_ENV: &str = "PRESENCE_RELAY_CONFIG_DIR";
/// Overrides the directory holding the log files.
pub const LOG_DIR_ENV: &str = "PRESENCE_RELAY_LOG_DIR";
/// File name of the config inside the config directory.
pub const CONFIG_FILE_NAME: &str = "config.json";

/// The directories the app uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppPaths {
    pub config_dir: PathBuf,
    pub log_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "cannot find a home directory to keep the config in; set {CONFIG_DIR_ENV} and {LOG_DIR_ENV} \
     to directories the app may write"
)]
pub struct NoHomeDirectory;

impl AppPaths {
    /// Resolves the paths from the process environment.
    pub fn from_env() -> Result<Self, NoHomeDirectory> {
        Self::resolve(|name| std::env::var_os(name))
    }

    /// Resolves the paths with `env` standing in for the environment (testable).
    pub fn resolve(env: impl Fn(&str) -> Option<OsString>) -> Result<Self, NoHomeDirectory> {
        let non_empty = |name: &str| {
            env(name)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        };
        let project = directories::ProjectDirs::from("app", "presence-relay", "Presence Relay");
        let config_dir = match non_empty(CONFIG_DIR_ENV) {
            Some(dir) => dir,
            None => project
                .as_ref()
                .ok_or(NoHomeDirectory)?
                .config_dir()
                .to_path_buf(),
        };
        let log_dir = match non_empty(LOG_DIR_ENV) {
            Some(dir) => dir,
            None => platform_log_dir(project.as_ref().ok_or(NoHomeDirectory)?),
        };
        Ok(Self {
            config_dir,
            log_dir,
        })
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join(CONFIG_FILE_NAME)
    }
}

/// The conventional log location: `~/Library/Logs` on macOS, the XDG state directory on Linux,
/// the local (not roaming) app data directory on Windows.
fn platform_log_dir(project: &directories::ProjectDirs) -> PathBuf {
    if cfg!(target_os = "macos") {
        if let Some(base) = directories::BaseDirs::new() {
            return base.home_dir().join("Library/Logs/Presence Relay");
        }
    }
    project
        .state_dir()
        .unwrap_or_else(|| project.data_local_dir())
        .join("logs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_win() {
        let paths = AppPaths::resolve(|name| match name {
            CONFIG_DIR_ENV => Some("/opt/relay/conf".into()),
            LOG_DIR_ENV => Some("/opt/relay/logs".into()),
            _ => None,
        })
        .expect("overrides need no home");
        assert_eq!(
            paths.config_file(),
            PathBuf::from("/opt/relay/conf/config.json")
        );
        assert_eq!(paths.log_dir, PathBuf::from("/opt/relay/logs"));
    }

    #[test]
    fn empty_override_is_ignored() {
        let paths = AppPaths::resolve(|name| match name {
            CONFIG_DIR_ENV => Some("".into()),
            _ => None,
        });
        if let Ok(paths) = paths {
            assert_ne!(paths.config_dir, PathBuf::from(""));
        }
    }
}
