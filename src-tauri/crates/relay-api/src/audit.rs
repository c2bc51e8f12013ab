//! The Activity page: the audit log, filtered (`audit_query`). The filtering is here, as a plain
//! function over records, so the shell only reads the log and calls [`run_query`].

use chrono::{DateTime, Utc};
use relay_engine::AuditRecord;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One write and how it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Entra object id.
    pub user: String,
    /// `rule: Lunch`, `manual override`, `paused`, `default action`, ...
    pub decided_by: String,
    /// e.g. `setPresence Available/Available PT15M`.
    pub write: String,
    /// `ok`, or the error code.
    pub result: String,
    /// Graph's request id, for Microsoft support.
    pub request_id: Option<String>,
}

impl From<&AuditRecord> for AuditEntry {
    fn from(record: &AuditRecord) -> Self {
        Self {
            at: record.at,
            user: record.user.clone(),
            decided_by: record.decided_by.clone(),
            write: record.write.clone(),
            result: record.result.clone(),
            request_id: record.request_id.clone(),
        }
    }
}

/// Which results to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ResultFilter {
    Ok,
    Failed,
}

/// Argument of `audit_query`. Absent filters match everything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    /// Object id (any case).
    #[serde(default)]
    #[ts(optional)]
    pub user: Option<String>,
    /// A rule's name (the entries `rule: <name>` decided), or another decider exactly as
    /// written (`manual override`).
    #[serde(default)]
    #[ts(optional)]
    pub rule: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub result: Option<ResultFilter>,
    /// At most this many entries, newest first.
    pub limit: u32,
}

/// Answer of `audit_query`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// More entries matched than `limit`.
    pub truncated: bool,
}

impl AuditQuery {
    pub fn matches(&self, record: &AuditRecord) -> bool {
        let user = self
            .user
            .as_deref()
            .is_none_or(|user| record.user.eq_ignore_ascii_case(user.trim()));
        let rule = self.rule.as_deref().is_none_or(|rule| {
            record.decided_by == rule
                || record
                    .decided_by
                    .strip_prefix("rule: ")
                    .is_some_and(|name| name == rule)
        });
        let result = self.result.is_none_or(|wanted| {
            let ok = record.result == "ok";
            match wanted {
                ResultFilter::Ok => ok,
                ResultFilter::Failed => !ok,
            }
        });
        user && rule && result
    }
}

/// Filters `records` (oldest first, as `AuditLog::read_all` returns them) into a page, newest
/// first.
pub fn run_query(records: &[AuditRecord], query: &AuditQuery) -> AuditPage {
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let mut matching = records.iter().rev().filter(|record| query.matches(record));
    let entries: Vec<AuditEntry> = matching
        .by_ref()
        .take(limit)
        .map(AuditEntry::from)
        .collect();
    AuditPage {
        entries,
        truncated: matching.next().is_some(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn record(second: u32, user: &str, decided_by: &str, result: &str) -> AuditRecord {
        AuditRecord {
            at: Utc
                .with_ymd_and_hms(2026, 3, 2, 9, 0, second)
                .single()
                .expect("valid time"),
            user: user.into(),
            decided_by: decided_by.into(),
            write: "setPresence Away/Away PT15M".into(),
            result: result.into(),
            request_id: Some(format!("req-{second}")),
        }
    }

    fn log() -> Vec<AuditRecord> {
        vec![
            record(1, "aaaa", "rule: Lunch", "ok"),
            record(2, "bbbb", "rule: Lunch", "throttled"),
            record(3, "aaaa", "manual override", "ok"),
            record(4, "aaaa", "rule: Lunch break", "ok"),
        ]
    }

    fn query() -> AuditQuery {
        AuditQuery {
            user: None,
            rule: None,
            result: None,
            limit: 100,
        }
    }

    fn seconds(page: &AuditPage) -> Vec<u32> {
        page.entries
            .iter()
            .map(|e| chrono::Timelike::second(&e.at))
            .collect()
    }

    #[test]
    fn no_filter_lists_everything_newest_first() {
        let page = run_query(&log(), &query());
        assert_eq!(seconds(&page), [4, 3, 2, 1]);
        assert!(!page.truncated);
    }

    #[test]
    fn rule_filter_matches_the_name_exactly_not_a_prefix() {
        let page = run_query(
            &log(),
            &AuditQuery {
                rule: Some("Lunch".into()),
                ..query()
            },
        );
        assert_eq!(seconds(&page), [2, 1]);
        let manual = run_query(
            &log(),
            &AuditQuery {
                rule: Some("manual override".into()),
                ..query()
            },
        );
        assert_eq!(seconds(&manual), [3]);
    }

    #[test]
    fn user_and_result_filters_combine() {
        let failed = run_query(
            &log(),
            &AuditQuery {
                result: Some(ResultFilter::Failed),
                ..query()
            },
        );
        assert_eq!(seconds(&failed), [2]);
        let ana_ok = run_query(
            &log(),
            &AuditQuery {
                user: Some(" AAAA ".into()),
                result: Some(ResultFilter::Ok),
                ..query()
            },
        );
        assert_eq!(seconds(&ana_ok), [4, 3, 1]);
    }

    #[test]
    fn the_limit_keeps_the_newest_and_says_more_matched() {
        let page = run_query(
            &log(),
            &AuditQuery {
                limit: 2,
                ..query()
            },
        );
        assert_eq!(seconds(&page), [4, 3]);
        assert!(page.truncated);
        let exact = run_query(
            &log(),
            &AuditQuery {
                limit: 4,
                ..query()
            },
        );
        assert!(!exact.truncated);
    }

    #[test]
    fn an_entry_keeps_every_field_of_its_record() {
        let entry = AuditEntry::from(&record(7, "aaaa", "paused", "ok"));
        let json = serde_json::to_value(&entry).expect("json");
        assert_eq!(json["decidedBy"], "paused");
        assert_eq!(json["requestId"], "req-7");
        assert_eq!(json["at"], "2026-03-02T09:00:07Z");
    }
}
