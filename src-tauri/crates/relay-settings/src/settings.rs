//! [`Settings`]: the commands that read or change the config file and the keyring, behind the
//! kiosk lock. One per app; the shell keeps it in its state and calls it from blocking tasks
//! (keyring calls may wait for an unlock prompt, the PIN hash takes a moment).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use relay_api::{
    AppInfo, AuditPage, AuditQuery, ConnectionInput, ConnectionView, ErrorCode, Pin, SaveOutcome,
    UiError, ValidationReport,
};
use relay_core::config::{ConfigFile, KioskSettings};
use relay_secrets::{CredentialState, SecretError, SecretStore};

use crate::app_info::{self, Running};
use crate::config::{ConfigDocument, OnDisk};
use crate::errors::secret_error;
use crate::kiosk::{KioskGate, PinHasher};
use crate::selftest::{self, Prepared};
use crate::{audit, connection};

/// The config file, the keyring, the audit log and the kiosk lock, as the window's commands
/// need them. `window` arguments are window labels: the kiosk lock is lifted per window.
#[derive(Debug)]
pub struct Settings {
    config: ConfigDocument,
    log_dir: PathBuf,
    /// The OS keyring, or why this build or machine has none.
    secrets: Result<Arc<dyn SecretStore>, SecretError>,
    gate: KioskGate,
    hasher: PinHasher,
}

impl Settings {
    pub fn new(
        config_file: impl Into<PathBuf>,
        log_dir: impl Into<PathBuf>,
        secrets: Result<Arc<dyn SecretStore>, SecretError>,
    ) -> Self {
        Self {
            config: ConfigDocument::new(config_file),
            log_dir: log_dir.into(),
            secrets,
            gate: KioskGate::new(),
            hasher: PinHasher::default(),
        }
    }

    /// Another PIN hasher (tests use a cheap one).
    pub fn with_pin_hasher(mut self, hasher: PinHasher) -> Self {
        self.hasher = hasher;
        self
    }

    pub fn config_file(&self) -> &Path {
        self.config.path()
    }

    /// `app_info`. `config_problem`: why the config in use is not the file on disk, if so.
    pub fn app_info(
        &self,
        window: &str,
        running: Option<Running>,
        config_problem: Option<String>,
    ) -> AppInfo {
        // An unreadable file is reported through `config_problem`; the facts fall back to an
        // empty config rather than fail the header.
        let file = self
            .config
            .read()
            .ok()
            .and_then(|on_disk| on_disk.usable(self.config.path()).ok())
            .unwrap_or_else(ConfigFile::empty);
        let users = running.map_or(file.users.len(), |running| running.users);
        AppInfo::new(
            self.config.path().display().to_string(),
            app_info::mode(running, file.connection.is_some()),
            users,
            self.gate.view(&file.settings.kiosk, window),
            config_problem,
        )
    }

    pub fn config_get(&self) -> Result<ConfigFile, UiError> {
        self.config.get()
    }

    pub fn config_validate(&self, document: ConfigFile) -> Result<ValidationReport, UiError> {
        self.config.validate(document)
    }

    /// `config_save`. A window that turns the kiosk lock on keeps its own access.
    pub fn config_save(&self, window: &str, document: ConfigFile) -> Result<SaveOutcome, UiError> {
        self.check_unlocked(window)?;
        let locks = document.settings.kiosk.locked;
        let outcome = self.config.save(document)?;
        if locks {
            self.gate.remember(window);
        }
        Ok(outcome)
    }

    pub fn connection_get(&self) -> Result<Option<ConnectionView>, UiError> {
        match &self.secrets {
            Ok(store) => connection::get(&self.config, store.as_ref()),
            Err(error) => {
                // No keyring at all: still show the connection, with why its credential
                // cannot be read.
                let state = CredentialState::KeyringUnavailable {
                    reason: error.to_string(),
                };
                Ok(self
                    .config
                    .read()?
                    .usable(self.config.path())?
                    .connection
                    .map(|connection| connection::view(&connection, &state)))
            }
        }
    }

    pub fn connection_set(
        &self,
        window: &str,
        input: ConnectionInput,
        now: DateTime<Utc>,
    ) -> Result<ConnectionView, UiError> {
        self.check_unlocked(window)?;
        connection::set(&self.config, self.secrets()?, input, now)
    }

    pub fn connection_clear(&self, window: &str) -> Result<(), UiError> {
        self.check_unlocked(window)?;
        connection::clear(&self.config, self.secrets()?)
    }

    /// The local steps of `connection_test`; finish with [`selftest::finish`].
    pub fn connection_test_prepare(&self) -> Result<Prepared, UiError> {
        let keyring = match &self.secrets {
            Ok(store) => Ok(store.as_ref()),
            Err(error) => Err(error.clone()),
        };
        Ok(selftest::prepare(
            self.config.path(),
            self.config.read()?,
            keyring,
            None,
        ))
    }

    pub fn audit_query(&self, query: &AuditQuery) -> Result<AuditPage, UiError> {
        audit::query(&self.log_dir, query)
    }

    /// `settings_set_pin`: stores the new PIN's salted hash, or with `None` removes the PIN and
    /// lifts the lock.
    pub fn set_pin(&self, window: &str, pin: Option<Pin>) -> Result<(), UiError> {
        self.check_unlocked(window)?;
        let hash = match &pin {
            Some(pin) if !pin.is_acceptable() => {
                return Err(UiError::new(
                    ErrorCode::InvalidInput,
                    "a kiosk PIN is 4 to 12 digits (0-9)",
                ))
            }
            Some(pin) => Some(self.hasher.hash(pin)),
            None => None,
        };
        let removed = hash.is_none();
        self.config.update(|file| {
            let kiosk = &mut file.settings.kiosk;
            if removed {
                kiosk.locked = false;
            }
            kiosk.pin_hash = hash;
            Ok(())
        })?;
        tracing::info!(
            window,
            "kiosk PIN {} from the settings window",
            if removed {
                "removed (and the lock lifted)"
            } else {
                "set"
            }
        );
        Ok(())
    }

    /// `kiosk_unlock`.
    pub fn unlock(&self, window: &str, pin: &Pin, now: DateTime<Utc>) -> Result<(), UiError> {
        self.gate.unlock(&self.kiosk()?, window, pin, now)
    }

    /// The window closed: it needs the PIN again next time.
    pub fn window_closed(&self, window: &str) {
        self.gate.forget(window);
    }

    fn check_unlocked(&self, window: &str) -> Result<(), UiError> {
        self.gate.check(&self.kiosk()?, window)
    }

    /// The kiosk settings of the file on disk. A file that does not validate keeps its lock:
    /// its problems are reported instead.
    fn kiosk(&self) -> Result<KioskSettings, UiError> {
        Ok(match self.config.read()? {
            OnDisk::Missing => KioskSettings::default(),
            on_disk => on_disk.usable(self.config.path())?.settings.kiosk,
        })
    }

    fn secrets(&self) -> Result<&dyn SecretStore, UiError> {
        match &self.secrets {
            Ok(store) => Ok(store.as_ref()),
            Err(error) => Err(secret_error(error)),
        }
    }
}

#[cfg(test)]
mod tests;
