//! `presence-relay calendar inspect SOURCE --from T --to T [--tz ZONE] [--json]`, as a library:
//! the CLI parses its arguments with [`parse_zone`] / [`system_zone`] / [`parse_time`], calls
//! [`inspect`], and prints [`Inspection::to_json`] or [`Inspection::table`] (warnings go to
//! stderr: they are safe to show, titles are not in them).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration as StdDuration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use thiserror::Error;

use crate::block::show_as_name;
use crate::fetch::{http_client, FetchError, FileSource, Loaded, UrlSource};
use crate::zone::Zone;
use crate::{
    expand, parse_bytes, Block, BlocksDocument, ExpandError, ExpandOptions, Limits, ParseError,
    Warning, Window,
};

/// Why `calendar inspect` failed.
#[derive(Debug, Error)]
pub enum InspectError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    Expand(#[from] ExpandError),
    #[error("'{0}' is not a time zone name; use an IANA name such as Europe/Berlin")]
    UnknownZone(String),
    #[error("cannot tell this machine's time zone ({0}); pass --tz, e.g. --tz Europe/Berlin")]
    NoSystemZone(String),
    #[error(
        "'{0}' is not a time; use RFC 3339 (2026-03-29T00:00:00Z) or a local time in the zone \
         (2026-03-29 or 2026-03-29T08:30)"
    )]
    BadTime(String),
}

/// What to inspect.
#[derive(Clone, Debug)]
pub struct InspectRequest {
    /// A file path, or an `https://` / `webcal://` URL.
    pub source: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Zone for floating and all-day times.
    pub zone: chrono_tz::Tz,
    pub owner_addresses: Vec<String>,
    pub limits: Limits,
}

/// The blocks overlapping `[from, to)` and what was left out.
#[derive(Debug)]
pub struct Inspection {
    pub blocks: Vec<Block>,
    pub warnings: Vec<Warning>,
}

/// True for sources that name a URL rather than a file.
pub fn is_url(source: &str) -> bool {
    let lower = source.trim().to_ascii_lowercase();
    ["https://", "http://", "webcal://", "webcals://"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// Reads, parses and expands a source once.
pub async fn inspect(req: &InspectRequest) -> Result<Inspection, InspectError> {
    let loaded = if is_url(&req.source) {
        let client = http_client(StdDuration::from_secs(30))?;
        UrlSource::new(client, &req.source, req.limits.max_bytes)?
            .load()
            .await?
    } else {
        FileSource::new(PathBuf::from(&req.source), req.limits.max_bytes)
            .load()
            .await?
    };
    let Loaded::Changed(bytes) = loaded else {
        // A fresh source has no validators, so it always returns the body.
        return Ok(Inspection {
            blocks: Vec::new(),
            warnings: Vec::new(),
        });
    };
    let parsed = parse_bytes(&bytes, &req.limits)?;
    let options = ExpandOptions {
        default_zone: req.zone,
        owner_addresses: req.owner_addresses.clone(),
        limits: req.limits.clone(),
    };
    let expansion = expand(&parsed.calendar, Window::new(req.from, req.to), &options)?;
    let mut warnings = parsed.warnings;
    warnings.extend(expansion.warnings);
    Ok(Inspection {
        blocks: expansion.blocks,
        warnings,
    })
}

impl Inspection {
    /// `{"blocks":[...]}` sorted by start then end.
    pub fn document(&self) -> BlocksDocument {
        BlocksDocument::from_blocks(&self.blocks)
    }

    /// The `--json` output, one block per line.
    pub fn to_json(&self) -> String {
        self.document().to_json_pretty()
    }

    /// A table in `zone`'s local time. Titles are shown only when `titles` is true: they are
    /// private, so the CLI should ask for them explicitly.
    pub fn table(&self, zone: chrono_tz::Tz, titles: bool) -> String {
        let z = Zone::Iana(zone);
        let fmt = |t: DateTime<Utc>| z.to_local(t).format("%a %Y-%m-%d %H:%M").to_string();
        let mut out = String::new();
        let mut line = |text: String| {
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(format!(
            "{:<20}  {:<20}  {:<17}{}",
            format!("start ({})", zone.name()),
            "end",
            "show as",
            if titles { "  title" } else { "" }
        ));
        let mut sorted: Vec<&Block> = self.blocks.iter().collect();
        sorted.sort_by(|a, b| Block::output_order(a, b));
        for b in sorted {
            let show = if b.all_day {
                format!("{} (all day)", show_as_name(b.show_as))
            } else {
                show_as_name(b.show_as).to_string()
            };
            let mut row = format!("{:<20}  {:<20}  {:<17}", fmt(b.start), fmt(b.end), show);
            if titles {
                let _ = write!(row, "  {}", b.title().expose());
            }
            line(row);
        }
        let _ = writeln!(
            out,
            "{} block{}",
            self.blocks.len(),
            if self.blocks.len() == 1 { "" } else { "s" }
        );
        out
    }
}

/// An IANA zone name.
pub fn parse_zone(name: &str) -> Result<chrono_tz::Tz, InspectError> {
    chrono_tz::Tz::from_str(name.trim()).map_err(|_| InspectError::UnknownZone(name.to_string()))
}

/// This machine's zone (the default for `--tz`).
pub fn system_zone() -> Result<chrono_tz::Tz, InspectError> {
    let name =
        iana_time_zone::get_timezone().map_err(|e| InspectError::NoSystemZone(e.to_string()))?;
    parse_zone(&name).map_err(|_| InspectError::NoSystemZone(format!("unknown zone name '{name}'")))
}

/// A `--from`/`--to` argument: RFC 3339 (`2026-03-29T00:00:00Z`, `...+02:00`), or a local date
/// or date-time in `zone` (`2026-03-29`, `2026-03-29T08:30`, `2026-03-29 08:30:00`).
pub fn parse_time(arg: &str, zone: chrono_tz::Tz) -> Result<DateTime<Utc>, InspectError> {
    let s = arg.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .map(|d| d.and_time(chrono::NaiveTime::MIN))
    })
    .ok_or_else(|| InspectError::BadTime(arg.to_string()))?;
    Ok(Zone::Iana(zone).to_utc(local))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_zones() {
        let berlin = parse_zone("Europe/Berlin").expect("zone");
        assert_eq!(
            parse_time("2026-03-29", berlin).expect("date"),
            "2026-03-28T23:00:00Z".parse::<DateTime<Utc>>().expect("t")
        );
        assert_eq!(
            parse_time("2026-07-01T09:30", berlin).expect("local"),
            "2026-07-01T07:30:00Z".parse::<DateTime<Utc>>().expect("t")
        );
        assert_eq!(
            parse_time("2026-07-01T09:30:00+02:00", berlin).expect("rfc3339"),
            "2026-07-01T07:30:00Z".parse::<DateTime<Utc>>().expect("t")
        );
        assert!(parse_time("next tuesday", berlin).is_err());
        assert!(parse_zone("Mars/Olympus").is_err());
        assert!(is_url("webcal://x/y.ics") && is_url("HTTPS://x") && !is_url("/tmp/cal.ics"));
    }
}
