//! The config document the window edits (`config_get`, `config_validate`, `config_save`), read
//! from and saved atomically to the same file the running relay watches, so a save applies live.
//!
//! Two parts of the document are not the window's to edit and are always taken from the file:
//! the kiosk PIN's hash (the window never sees it; `settings_set_pin` changes it) and the
//! `connection` section (`connection_set` / `connection_clear` change it together with the
//! keyring, so a page holding an older copy cannot undo a new connection).

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use relay_api::{SaveOutcome, UiError, ValidationReport};
use relay_config::{ConfigParser, ConfigStore};
use relay_core::config::{validate, ConfigFile, ConfigIssue, ValidConfig};

use crate::errors::store_error;

/// The config file at one path, with its read-modify-write steps serialized.
#[derive(Debug)]
pub struct ConfigDocument {
    store: ConfigStore,
    parser: ConfigParser,
    /// Held across every read-modify-write, so two commands never save over each other.
    writing: Mutex<()>,
}

/// The config file as found on disk.
#[derive(Debug)]
pub enum OnDisk {
    /// No file yet: the simulated tenant, no users.
    Missing,
    Valid(Box<ValidConfig>),
    Invalid(Vec<ConfigIssue>),
}

impl OnDisk {
    /// The document, or why there is none to build on.
    pub fn usable(self, path: &Path) -> Result<ConfigFile, UiError> {
        match self {
            OnDisk::Missing => Ok(ConfigFile::empty()),
            OnDisk::Valid(config) => Ok(config.into_file()),
            OnDisk::Invalid(issues) => Err(invalid_on_disk(path, &issues)),
        }
    }
}

impl ConfigDocument {
    pub fn new(path: impl Into<std::path::PathBuf>) -> Self {
        Self {
            store: ConfigStore::new(path),
            parser: ConfigParser::new(),
            writing: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// `config_get`: the document on disk (an empty one when there is no file yet), without the
    /// PIN's hash.
    pub fn get(&self) -> Result<ConfigFile, UiError> {
        let mut file = self.read()?.usable(self.path())?;
        file.settings.kiosk.pin_hash = None;
        Ok(file)
    }

    /// `config_validate`: every problem of `document` once the file's own parts are put back.
    pub fn validate(&self, document: ConfigFile) -> Result<ValidationReport, UiError> {
        let document = self.with_owned_parts(document)?;
        Ok(ValidationReport::from_result(&validate(document)))
    }

    /// `config_save`: validates `document` (with the file's own parts) and saves it atomically.
    pub fn save(&self, document: ConfigFile) -> Result<SaveOutcome, UiError> {
        let _writing = self.lock();
        let document = self.with_owned_parts(document)?;
        let valid = self.save_file(document)?;
        tracing::info!(
            "settings saved to {} from the settings window",
            self.path().display()
        );
        Ok(SaveOutcome::saved(&valid))
    }

    /// Reads the file, lets `change` edit it, validates and saves it: the steps of every command
    /// that changes one part of the file. `change` may refuse with its own error.
    pub(crate) fn update<T>(
        &self,
        change: impl FnOnce(&mut ConfigFile) -> Result<T, UiError>,
    ) -> Result<(T, ValidConfig), UiError> {
        let _writing = self.lock();
        let mut file = self.read()?.usable(self.path())?;
        let answer = change(&mut file)?;
        let valid = self.save_file(file)?;
        Ok((answer, valid))
    }

    /// The file as it is on disk now.
    pub fn read(&self) -> Result<OnDisk, UiError> {
        Ok(
            match self
                .store
                .read(&self.parser)
                .map_err(|error| store_error(&error))?
            {
                None => OnDisk::Missing,
                Some(Ok(parsed)) => OnDisk::Valid(Box::new(parsed.config)),
                Some(Err(issues)) => OnDisk::Invalid(issues),
            },
        )
    }

    /// The document as the file would hold it: the PIN hash and the connection from disk.
    fn with_owned_parts(&self, mut document: ConfigFile) -> Result<ConfigFile, UiError> {
        let on_disk = self.read()?.usable(self.path())?;
        document.settings.kiosk.pin_hash = on_disk.settings.kiosk.pin_hash;
        document.connection = on_disk.connection;
        Ok(document)
    }

    fn save_file(&self, file: ConfigFile) -> Result<ValidConfig, UiError> {
        let valid = validate(file).map_err(|issues| UiError::invalid_config(&issues))?;
        self.store
            .save(&valid)
            .map_err(|error| store_error(&error))?;
        Ok(valid)
    }

    fn lock(&self) -> MutexGuard<'_, ()> {
        // The guard protects no data, only the order of file writes.
        self.writing.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The file on disk does not validate (edited by hand while the app runs; the app keeps the
/// last good config in use). Nothing can be built on it until it is fixed.
fn invalid_on_disk(path: &Path, issues: &[ConfigIssue]) -> UiError {
    UiError {
        message: format!(
            "the config file {} was changed outside the app and has problems, listed here (the \
             app still uses the last good settings); fix them in the file, then reopen this page",
            path.display()
        ),
        ..UiError::invalid_config(issues)
    }
}

#[cfg(test)]
mod tests;
