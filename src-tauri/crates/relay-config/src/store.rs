//! Loading and saving the config file safely.
//!
//! - Saves are atomic: the new text goes to a temporary file in the same directory, is flushed to
//!   disk, and only then renamed over the old file, so a crash leaves either the old or the new
//!   file, never a torn one.
//! - Only a validated config can be saved, so an invalid config never replaces the last good one.
//! - A file that cannot be used at start is moved aside (never overwritten) and reported; the app
//!   then starts unconfigured.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use relay_core::config::{ConfigIssue, ValidConfig};

use crate::parse::ConfigParser;

/// Prefix of temporary files written during a save (hidden on Unix).
const TEMP_PREFIX: &str = ".config.json.tmp-";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source} (check that the directory exists and is writable)")]
    Write { path: PathBuf, source: io::Error },
    #[error(
        "cannot move the unusable config {path} aside to {aside}: {source}; fix or remove the file by hand"
    )]
    MoveAside {
        path: PathBuf,
        aside: PathBuf,
        source: io::Error,
    },
}

/// What was found at start.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)] // made once at start; boxing would buy nothing
pub enum LoadOutcome {
    /// No config file yet: the app starts unconfigured (simulated tenant).
    Missing,
    /// The file was valid (and upgraded in memory if it had an older schema version).
    Loaded {
        config: ValidConfig,
        migrated_from: Option<u32>,
    },
    /// The file was unusable; it now lives at `moved_to` and the app starts unconfigured.
    MovedAside {
        moved_to: PathBuf,
        issues: Vec<ConfigIssue>,
    },
}

impl LoadOutcome {
    /// The config the app should run with.
    pub fn config(&self) -> ValidConfig {
        match self {
            LoadOutcome::Loaded { config, .. } => config.clone(),
            LoadOutcome::Missing | LoadOutcome::MovedAside { .. } => ValidConfig::empty(),
        }
    }
}

/// The config file at one path.
#[derive(Clone, Debug)]
pub struct ConfigStore {
    path: PathBuf,
}

impl ConfigStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the config without changing anything on disk.
    pub fn read(&self, parser: &ConfigParser) -> Result<Option<ParseResult>, StoreError> {
        match fs::read_to_string(&self.path) {
            Ok(text) => Ok(Some(parser.parse(&text))),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Read {
                path: self.path.clone(),
                source,
            }),
        }
    }

    /// Loads the config at start. An unusable file is moved aside to
    /// `config.json.invalid-<UTC time>` so the admin can repair it; it is never overwritten.
    /// Leftover temporary files from an interrupted save are removed.
    pub fn load_at_start(
        &self,
        parser: &ConfigParser,
        now: DateTime<Utc>,
    ) -> Result<LoadOutcome, StoreError> {
        self.remove_stale_temp_files();
        let parsed = match self.read(parser)? {
            None => return Ok(LoadOutcome::Missing),
            Some(parsed) => parsed,
        };
        match parsed {
            Ok(parsed) => Ok(LoadOutcome::Loaded {
                config: parsed.config,
                migrated_from: parsed.migrated_from,
            }),
            Err(issues) => {
                let aside = self.aside_path(now);
                fs::rename(&self.path, &aside).map_err(|source| StoreError::MoveAside {
                    path: self.path.clone(),
                    aside: aside.clone(),
                    source,
                })?;
                Ok(LoadOutcome::MovedAside {
                    moved_to: aside,
                    issues,
                })
            }
        }
    }

    /// Saves a validated config atomically.
    pub fn save(&self, config: &ValidConfig) -> Result<(), StoreError> {
        self.save_with_hook(config, |_| Ok(()))
    }

    /// [`Self::save`] with a hook that runs after the temporary file is written and flushed and
    /// before it is renamed into place: the moment a crash is most dangerous. Tests use it to
    /// inject faults there.
    pub fn save_with_hook(
        &self,
        config: &ValidConfig,
        before_rename: impl FnOnce(&Path) -> io::Result<()>,
    ) -> Result<(), StoreError> {
        let mut text = serde_json::to_string_pretty(config.file())
            .expect("a config always serializes: it holds no secrets or maps with non-string keys");
        text.push('\n');
        write_atomically(&self.path, text.as_bytes(), before_rename).map_err(|source| {
            StoreError::Write {
                path: self.path.clone(),
                source,
            }
        })
    }

    fn aside_path(&self, now: DateTime<Utc>) -> PathBuf {
        let stamp = now.format("%Y%m%dT%H%M%SZ");
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(format!(".invalid-{stamp}"));
        self.path.with_file_name(name)
    }

    fn remove_stale_temp_files(&self) {
        let Some(dir) = self.path.parent() else {
            return;
        };
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                // Best effort: a leftover is harmless, it only takes space.
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// What [`ConfigStore::read`] found in an existing file.
pub type ParseResult = Result<crate::parse::Parsed, Vec<ConfigIssue>>;

fn write_atomically(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;
    let temp = dir.join(format!("{TEMP_PREFIX}{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        before_rename(&temp)?;
        fs::rename(&temp, path)?;
        sync_dir(&dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Makes the rename itself durable (Unix); Windows has no directory handles to flush.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
