//! What we hold in Graph, remembered across restarts.
//!
//! A preferred presence or a status message we wrote lives for hours; after a restart the engine
//! must still know it is ours, or it could neither refresh it nor clear it when the rules change
//! (and the "respect the user's own preferred presence" policy would mistake it for the person's).
//! The file holds only presence facts (user IDs, pairs, messages, times), never a secret.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use relay_core::planner::Held;
use serde::{Deserialize, Serialize};

/// File name inside the app's state directory.
pub const HELD_FILE_NAME: &str = "held.json";
const FORMAT_VERSION: u32 = 1;

/// What we hold per user (lower-case object ID).
pub type HeldState = BTreeMap<String, Held>;

#[derive(Debug, thiserror::Error)]
pub enum HeldFileError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "{path} is not a held-presence file this version understands ({detail}); it is ignored \
         and rewritten at the next write (what it held expires by itself in Graph)"
    )]
    Format { path: PathBuf, detail: String },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

#[derive(Serialize, Deserialize)]
struct Document {
    version: u32,
    users: HeldState,
}

/// The held-presence file.
#[derive(Clone, Debug)]
pub struct HeldFile {
    path: PathBuf,
}

impl HeldFile {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// `held.json` in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self::new(dir.join(HELD_FILE_NAME))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The remembered state; empty when there is no file yet.
    pub fn load(&self) -> Result<HeldState, HeldFileError> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(HeldState::new()),
            Err(source) => {
                return Err(HeldFileError::Read {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        let document: Document =
            serde_json::from_str(&text).map_err(|err| HeldFileError::Format {
                path: self.path.clone(),
                detail: err.to_string(),
            })?;
        if document.version != FORMAT_VERSION {
            return Err(HeldFileError::Format {
                path: self.path.clone(),
                detail: format!("version {}", document.version),
            });
        }
        Ok(document.users)
    }

    /// Replaces the file atomically (write a temporary file, then rename), so a crash leaves
    /// either the old state or the new one.
    pub fn save(&self, users: &HeldState) -> Result<(), HeldFileError> {
        let write_error = |source| HeldFileError::Write {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir).map_err(write_error)?;
        }
        let document = Document {
            version: FORMAT_VERSION,
            users: users.clone(),
        };
        let json = serde_json::to_vec_pretty(&document)
            .map_err(|err| write_error(io::Error::other(err)))?;
        let temp = self.path.with_extension("json.tmp");
        let mut file = fs::File::create(&temp).map_err(write_error)?;
        file.write_all(&json).map_err(write_error)?;
        file.sync_all().map_err(write_error)?;
        drop(file);
        fs::rename(&temp, &self.path).map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use relay_core::graph_presence::PreferredPair;
    use relay_core::planner::{HeldMessage, HeldPreferred};

    use super::*;

    fn sample() -> HeldState {
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
            .single()
            .expect("valid");
        let held = Held {
            session: None,
            preferred: Some(HeldPreferred {
                pair: PreferredPair::BeRightBack,
                written_at: at,
                expires_at: at + chrono::Duration::hours(1),
            }),
            message: Some(HeldMessage {
                text: "Back soon".into(),
                written_at: at,
                expires_at: at + chrono::Duration::hours(1),
            }),
            session_unknown: true,
        };
        BTreeMap::from([("3f1c2a9e-8b7d-4e6f-9a01-23456789abcd".to_owned(), held)])
    }

    #[test]
    fn round_trips_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = HeldFile::in_dir(&dir.path().join("state"));
        assert_eq!(file.load().expect("no file is fine"), HeldState::new());
        file.save(&sample()).expect("saves");
        assert_eq!(file.load().expect("loads"), sample());
        assert!(!file.path().with_extension("json.tmp").exists());
    }

    #[test]
    fn a_damaged_file_is_a_located_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = HeldFile::in_dir(dir.path());
        fs::write(file.path(), "{\"version\": 1, \"users\": [").expect("write");
        let err = file.load().expect_err("damaged");
        let text = err.to_string();
        assert!(text.contains("held.json"), "{text}");
        assert!(text.contains("rewritten at the next write"), "{text}");
        fs::write(file.path(), "{\"version\": 9, \"users\": {}}").expect("write");
        assert!(file
            .load()
            .expect_err("future")
            .to_string()
            .contains("version 9"));
    }
}
