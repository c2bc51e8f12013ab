//! A calendar file on this machine, re-read only when its modification time or size changes.
//!
//! The runner checks it on a timer (every 30 s by default) rather than through a file watcher:
//! one `stat` per check is cheaper than a watcher thread, works the same on every OS and on
//! network shares, and survives editors that replace the file instead of writing it.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tokio::io::AsyncReadExt;

use super::{check_calendar_body, FetchError, Loaded};

#[derive(Debug)]
pub struct FileSource {
    path: PathBuf,
    max_bytes: usize,
    /// (mtime, size) of the copy last returned.
    seen: Option<(Option<SystemTime>, u64)>,
}

impl FileSource {
    pub fn new(path: impl Into<PathBuf>, max_bytes: usize) -> Self {
        Self {
            path: path.into(),
            max_bytes,
            seen: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn forget(&mut self) {
        self.seen = None;
    }

    fn io(&self, e: &std::io::Error) -> FetchError {
        FetchError::Io {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        }
    }

    /// Reads the file if it changed since the last successful load.
    pub async fn load(&mut self) -> Result<Loaded, FetchError> {
        let meta = tokio::fs::metadata(&self.path)
            .await
            .map_err(|e| self.io(&e))?;
        let stamp = (meta.modified().ok(), meta.len());
        if self.seen == Some(stamp) {
            return Ok(Loaded::Unchanged);
        }
        let too_large = |size: u64| FetchError::FileTooLarge {
            path: self.path.display().to_string(),
            size,
            limit: self.max_bytes,
        };
        if meta.len() > self.max_bytes as u64 {
            return Err(too_large(meta.len()));
        }
        let file = tokio::fs::File::open(&self.path)
            .await
            .map_err(|e| self.io(&e))?;
        // Read at most one byte past the limit: a file that grew since the stat cannot make us
        // hold more than the limit.
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(self.max_bytes as u64 + 1)
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| self.io(&e))?;
        if bytes.len() > self.max_bytes {
            return Err(too_large(bytes.len() as u64));
        }
        check_calendar_body(&bytes)?;
        self.seen = Some(stamp);
        Ok(Loaded::Changed(bytes))
    }
}
