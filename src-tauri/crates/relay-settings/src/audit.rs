//! `audit_query`: the audit log the engine writes (`<log dir>/audit.jsonl` and its rotations),
//! filtered by relay-api's [`run_query`].

use std::path::Path;

use relay_api::{run_query, AuditPage, AuditQuery, ErrorCode, UiError};
use relay_engine::AuditLog;

/// At most this many entries go to the window at once, whatever `limit` says: the IPC carries
/// JSON, and a page is read by a person.
pub const MAX_PAGE: u32 = 1000;

/// The entries of the audit log in `log_dir` that match `query`, newest first.
pub fn query(log_dir: &Path, query: &AuditQuery) -> Result<AuditPage, UiError> {
    let log = AuditLog::new(log_dir);
    let records = log.read_all().map_err(|error| {
        UiError::new(
            ErrorCode::Io,
            format!(
                "cannot read the audit log {}: {error} (check that the log directory is readable)",
                log.current_file().display()
            ),
        )
    })?;
    let query = AuditQuery {
        limit: query.limit.min(MAX_PAGE),
        ..query.clone()
    };
    Ok(run_query(&records, &query))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use relay_api::ResultFilter;
    use relay_engine::AuditRecord;

    use super::*;

    fn record(second: u32, result: &str) -> AuditRecord {
        AuditRecord {
            at: Utc
                .with_ymd_and_hms(2026, 3, 2, 9, 0, second)
                .single()
                .expect("valid time"),
            user: "aaaa".into(),
            decided_by: "rule: Lunch".into(),
            write: "setPresence Away/Away PT15M".into(),
            result: result.into(),
            request_id: None,
        }
    }

    fn all(limit: u32) -> AuditQuery {
        AuditQuery {
            user: None,
            rule: None,
            result: None,
            limit,
        }
    }

    #[test]
    fn the_log_on_disk_is_filtered_newest_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        AuditLog::new(dir.path())
            .append(&[record(1, "ok"), record(2, "throttled"), record(3, "ok")])
            .expect("append");
        let page = query(dir.path(), &all(10)).expect("readable");
        let results: Vec<&str> = page.entries.iter().map(|e| e.result.as_str()).collect();
        assert_eq!(results, ["ok", "throttled", "ok"]);
        assert_eq!(page.entries[0].at.timestamp() % 60, 3, "newest first");
        let failed = query(
            dir.path(),
            &AuditQuery {
                result: Some(ResultFilter::Failed),
                ..all(10)
            },
        )
        .expect("readable");
        assert_eq!(failed.entries.len(), 1);
    }

    #[test]
    fn no_log_yet_is_an_empty_page_and_the_page_size_is_bounded() {
        let dir = tempfile::tempdir().expect("temp dir");
        let page = query(dir.path(), &all(u32::MAX)).expect("no log is no error");
        assert!(page.entries.is_empty() && !page.truncated);

        let records: Vec<AuditRecord> = (0..MAX_PAGE + 1).map(|n| record(n % 60, "ok")).collect();
        AuditLog::new(dir.path()).append(&records).expect("append");
        let page = query(dir.path(), &all(u32::MAX)).expect("readable");
        assert_eq!(page.entries.len(), MAX_PAGE as usize);
        assert!(page.truncated);
    }
}
