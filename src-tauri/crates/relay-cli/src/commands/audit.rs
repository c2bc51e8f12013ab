//! `presence-relay audit`: the audit log (every Graph write: time, user, deciding rule, write,
//! result, request id), filtered, as a table, CSV or JSON lines, for support and compliance.

use relay_api::{AuditQuery, ResultFilter};
use relay_config::AppPaths;
use relay_engine::{AuditLog, AuditRecord};

use crate::args::{AuditArgs, AuditFormat, AuditResult};
use crate::exit;
use crate::output;

pub fn run(args: &AuditArgs, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    let log = AuditLog::new(&paths.log_dir);
    let records = log.read_all().map_err(|err| {
        anyhow::anyhow!(
            "cannot read the audit log in {}: {err}",
            paths.log_dir.display()
        )
    })?;
    let query = AuditQuery {
        user: args.user.clone(),
        rule: args.rule.clone(),
        result: match args.result {
            AuditResult::All => None,
            AuditResult::Ok => Some(ResultFilter::Ok),
            AuditResult::Failed => Some(ResultFilter::Failed),
        },
        limit: u32::MAX,
    };
    // Oldest first, as a log reads.
    let mut selected: Vec<&AuditRecord> = records
        .iter()
        .filter(|record| query.matches(record))
        .filter(|record| args.since.is_none_or(|since| record.at >= since))
        .collect();
    if let Some(last) = args.last {
        let skip = selected.len().saturating_sub(last);
        selected.drain(..skip);
    }
    let format = if json { AuditFormat::Json } else { args.format };
    let text = match format {
        AuditFormat::Table => table(&selected),
        AuditFormat::Csv => csv(&selected),
        AuditFormat::Json => selected
            .iter()
            .map(|record| serde_json::to_string(record).map(|line| line + "\n"))
            .collect::<Result<String, _>>()?,
    };
    output::raw(&text)?;
    if selected.is_empty() && format == AuditFormat::Table {
        eprintln!(
            "no matching entries in {} ({} in all)",
            log.current_file().display(),
            records.len()
        );
    }
    Ok(exit::OK)
}

fn table(records: &[&AuditRecord]) -> String {
    records
        .iter()
        .map(|r| {
            format!(
                "{}  {}  {}  {}  {}{}\n",
                r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                r.user,
                r.write,
                r.result,
                r.decided_by,
                r.request_id
                    .as_deref()
                    .map(|id| format!("  request {id}"))
                    .unwrap_or_default()
            )
        })
        .collect()
}

/// RFC 4180 CSV. Cells that a spreadsheet would run as a formula are prefixed with `'`.
pub fn csv(records: &[&AuditRecord]) -> String {
    let mut out = String::from("time,user,decided_by,write,result,request_id\r\n");
    for r in records {
        let cells = [
            r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            r.user.clone(),
            r.decided_by.clone(),
            r.write.clone(),
            r.result.clone(),
            r.request_id.clone().unwrap_or_default(),
        ];
        let line: Vec<String> = cells.iter().map(|cell| csv_cell(cell)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_cell(cell: &str) -> String {
    let defused = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn record(decided_by: &str) -> AuditRecord {
        AuditRecord {
            at: Utc
                .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
                .single()
                .expect("valid"),
            user: "u1".into(),
            decided_by: decided_by.into(),
            write: "setPresence Away/Away PT15M".into(),
            result: "ok".into(),
            request_id: None,
        }
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let quoted = record("rule: Lunch, \"long\"");
        let formula = record("=HYPERLINK(\"x\")");
        let text = csv(&[&quoted, &formula]);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "time,user,decided_by,write,result,request_id");
        assert_eq!(
            lines[1],
            "2026-03-02T09:00:00Z,u1,\"rule: Lunch, \"\"long\"\"\",setPresence Away/Away PT15M,ok,"
        );
        assert!(
            lines[2].contains(",\"'=HYPERLINK(\"\"x\"\")\","),
            "{}",
            lines[2]
        );
    }
}
