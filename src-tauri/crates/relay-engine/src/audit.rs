//! The audit log: one JSON line per Graph write (time, user, deciding rule, write, result,
//! request id), appended to `audit.jsonl` and rotated by size, so an admin can always answer
//! "why did Teams show that?".

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use relay_core::evaluate::Reason;
use serde::{Deserialize, Serialize};

/// Rotate when the current file passes this size.
pub const DEFAULT_MAX_BYTES: u64 = 5 * 1024 * 1024;
/// Rotated files kept (`audit.1.jsonl` is the newest of them).
pub const DEFAULT_KEEP: usize = 9;
const FILE_NAME: &str = "audit.jsonl";

/// One write and how it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub user: String,
    /// Why the write was made: the rule's name, `override`, `paused`, `release`, ...
    pub decided_by: String,
    /// e.g. `setPresence Available/Available PT15M`.
    pub write: String,
    /// `ok`, or the error code.
    pub result: String,
    pub request_id: Option<String>,
}

/// Short text for who decided, as the audit log and the UI show it.
pub fn decided_by(reason: &Reason) -> String {
    match reason {
        Reason::Paused => "paused".into(),
        Reason::ShuttingDown => "release on quit, logoff or sleep".into(),
        Reason::Override { .. } => "manual override".into(),
        Reason::Snoozed { .. } => "snoozed".into(),
        Reason::MachineLeaving => "machine leaving".into(),
        Reason::Rule { name, .. } => format!("rule: {name}"),
        Reason::Default => "default action".into(),
    }
}

#[derive(Debug)]
pub struct AuditLog {
    dir: PathBuf,
    max_bytes: u64,
    keep: usize,
}

impl AuditLog {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            max_bytes: DEFAULT_MAX_BYTES,
            keep: DEFAULT_KEEP,
        }
    }

    pub fn with_rotation(mut self, max_bytes: u64, keep: usize) -> Self {
        self.max_bytes = max_bytes;
        self.keep = keep;
        self
    }

    pub fn current_file(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Appends records. The files are small appends on the engine's task; a slow disk delays
    /// the next step slightly but never loses a record.
    pub fn append(&self, records: &[AuditRecord]) -> io::Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        fs::create_dir_all(&self.dir)?;
        let path = self.current_file();
        if fs::metadata(&path).map(|m| m.len()).unwrap_or(0) >= self.max_bytes {
            self.rotate()?;
        }
        let mut text = String::new();
        for record in records {
            text.push_str(&serde_json::to_string(record).map_err(io::Error::other)?);
            text.push('\n');
        }
        let mut file = OpenOptions::new().create(true).append(true).open(&path)?;
        file.write_all(text.as_bytes())?;
        file.flush()
    }

    fn rotated(&self, n: usize) -> PathBuf {
        self.dir.join(format!("audit.{n}.jsonl"))
    }

    fn rotate(&self) -> io::Result<()> {
        let _ = fs::remove_file(self.rotated(self.keep));
        for n in (1..self.keep).rev() {
            let from = self.rotated(n);
            if from.exists() {
                fs::rename(&from, self.rotated(n + 1))?;
            }
        }
        fs::rename(self.current_file(), self.rotated(1))
    }

    /// Every record still on disk, oldest first (for export).
    pub fn read_all(&self) -> io::Result<Vec<AuditRecord>> {
        let mut files: Vec<PathBuf> = (1..=self.keep).rev().map(|n| self.rotated(n)).collect();
        files.push(self.current_file());
        let mut records = Vec::new();
        for path in files.iter().filter(|p| p.exists()) {
            read_into(path, &mut records)?;
        }
        Ok(records)
    }
}

fn read_into(path: &Path, records: &mut Vec<AuditRecord>) -> io::Result<()> {
    let text = io::read_to_string(File::open(path)?)?;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        // A torn last line (power cut mid-append) is skipped, not fatal.
        if let Ok(record) = serde_json::from_str(line) {
            records.push(record);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn record(n: u32) -> AuditRecord {
        AuditRecord {
            at: Utc
                .with_ymd_and_hms(2026, 3, 2, 9, 0, n)
                .single()
                .expect("valid"),
            user: "u".into(),
            decided_by: "rule: Screen locked".into(),
            write: "setPresence Away/Away PT15M".into(),
            result: "ok".into(),
            request_id: None,
        }
    }

    #[test]
    fn appends_rotates_and_reads_back_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = AuditLog::new(dir.path()).with_rotation(300, 2);
        for n in 0..10 {
            log.append(&[record(n)]).expect("append");
        }
        let records = log.read_all().expect("read");
        assert!(records.len() < 10, "the oldest were rotated away");
        assert_eq!(records.last(), Some(&record(9)));
        let seconds: Vec<u32> = records
            .iter()
            .map(|r| chrono::Timelike::second(&r.at))
            .collect();
        let mut sorted = seconds.clone();
        sorted.sort_unstable();
        assert_eq!(seconds, sorted, "oldest first");
        assert!(!dir.path().join("audit.3.jsonl").exists(), "keeps two");
    }

    #[test]
    fn a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = AuditLog::new(dir.path());
        log.append(&[record(1)]).expect("append");
        fs::write(
            log.current_file(),
            format!(
                "{}\n{{\"at\":",
                serde_json::to_string(&record(1)).expect("json")
            ),
        )
        .expect("write");
        assert_eq!(log.read_all().expect("read"), [record(1)]);
    }
}
