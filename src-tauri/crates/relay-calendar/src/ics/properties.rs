//! Readers for the properties of VEVENT and STANDARD/DAYLIGHT components: each fills a draft
//! and reports problems (fatal ones leave the component out; others only warn).

use relay_core::config::ShowAs;

use super::lexer::{printable, ContentLine};
use super::model::{Attendee, PartStat, RDate, Status, ZoneDef};
use super::value::{
    parse_date_value, parse_duration, parse_period, parse_utc_offset, unescape_text, DateValue,
    IcsDuration,
};
use crate::recur::{parse_rule, Rule};

/// Longest title kept (characters); titles only serve keyword matching.
const MAX_TITLE_CHARS: usize = 1024;
/// Longest UID kept (bytes).
const MAX_UID_BYTES: usize = 1024;

/// A VEVENT being read.
#[derive(Default)]
pub(crate) struct EventDraft {
    pub uid: Option<String>,
    pub start: Option<DateValue>,
    pub end: Option<DateValue>,
    pub duration: Option<IcsDuration>,
    pub rules: Vec<(Rule, usize)>,
    pub rdates: Vec<RDate>,
    pub exdates: Vec<DateValue>,
    pub recurrence_id: Option<DateValue>,
    pub this_and_future: bool,
    pub sequence: i64,
    pub status: Option<Status>,
    pub transparent: bool,
    pub busy_status: Option<ShowAs>,
    pub intended_status: Option<ShowAs>,
    pub title: String,
    pub attendees: Vec<Attendee>,
    /// Problems that leave the event out: (line, what).
    pub fatal: Vec<(usize, String)>,
}

/// A VTIMEZONE being read.
#[derive(Default)]
pub(crate) struct ZoneDraft {
    pub tzid: Option<String>,
    pub def: ZoneDef,
}

/// A STANDARD or DAYLIGHT block being read.
#[derive(Default)]
pub(crate) struct ObservanceDraft {
    pub start: Option<chrono::NaiveDateTime>,
    pub offset_from: Option<i32>,
    pub offset_to: Option<i32>,
    pub rule: Option<Rule>,
    pub rdates: Vec<chrono::NaiveDateTime>,
    pub fatal: Vec<(usize, String)>,
}

fn show_as_from_cdo(value: &str) -> Option<ShowAs> {
    Some(match value.trim().to_ascii_uppercase().as_str() {
        "FREE" => ShowAs::Free,
        "TENTATIVE" => ShowAs::Tentative,
        "BUSY" => ShowAs::Busy,
        "OOF" => ShowAs::Oof,
        "WORKINGELSEWHERE" | "WORKING_ELSEWHERE" | "WORKING-ELSEWHERE" => ShowAs::WorkingElsewhere,
        _ => return None,
    })
}

fn partstat(value: Option<&str>) -> PartStat {
    match value.map(|v| v.trim().to_ascii_uppercase()).as_deref() {
        None | Some("NEEDS-ACTION") => PartStat::NeedsAction,
        Some("ACCEPTED") => PartStat::Accepted,
        Some("DECLINED") => PartStat::Declined,
        Some("TENTATIVE") => PartStat::Tentative,
        Some("DELEGATED") => PartStat::Delegated,
        Some(_) => PartStat::Other,
    }
}

/// `mailto:Jane@Example.com` -> `jane@example.com`.
pub(crate) fn address(value: &str) -> String {
    let v = value.trim();
    // `get` rather than indexing: byte 7 may fall inside a multi-byte character.
    let v = match (v.get(..7), v.get(7..)) {
        (Some(scheme), Some(rest)) if scheme.eq_ignore_ascii_case("mailto:") => rest,
        _ => v,
    };
    v.to_ascii_lowercase()
}

fn date_list(cl: &ContentLine<'_>) -> Result<Vec<DateValue>, String> {
    cl.value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| parse_date_value(item, cl.param("VALUE"), cl.param("TZID")))
        .collect()
}

/// Reads one VEVENT property into the draft; returns a warning for ignorable problems.
pub(crate) fn event_property(d: &mut EventDraft, cl: &ContentLine<'_>) -> Option<String> {
    let name = cl.name.as_str();
    let mut fatal = |what: String| {
        d.fatal.push((cl.line, what));
        None
    };
    match name {
        "UID" => {
            let uid = cl.value.trim();
            let mut cut = uid.len().min(MAX_UID_BYTES);
            while !uid.is_char_boundary(cut) {
                cut -= 1;
            }
            d.uid = Some(uid[..cut].to_string());
        }
        "DTSTART" | "DTEND" | "RECURRENCE-ID" => {
            match parse_date_value(&cl.value, cl.param("VALUE"), cl.param("TZID")) {
                Ok(v) => {
                    let slot = match name {
                        "DTSTART" => &mut d.start,
                        "DTEND" => &mut d.end,
                        _ => {
                            d.this_and_future = cl
                                .param("RANGE")
                                .is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE"));
                            &mut d.recurrence_id
                        }
                    };
                    if slot.is_some() {
                        return Some(format!("{name} appears twice; the first one is used"));
                    }
                    *slot = Some(v);
                }
                Err(e) => return fatal(format!("{name}: {e}")),
            }
        }
        "DURATION" => match parse_duration(&cl.value) {
            Ok(v) if v.is_negative() => {
                return fatal(format!("DURATION {} is negative", printable(&cl.value, 30)))
            }
            Ok(v) => d.duration = Some(v),
            Err(e) => return fatal(format!("DURATION: {e}")),
        },
        "RRULE" => match parse_rule(&cl.value) {
            Ok(rule) => d.rules.push((rule, cl.line)),
            Err(e) => return fatal(format!("RRULE: {e}")),
        },
        "EXDATE" => match date_list(cl) {
            Ok(list) => d.exdates.extend(list),
            Err(e) => return Some(format!("EXDATE: {e}; this exception is ignored")),
        },
        "RDATE" => {
            let is_period = cl
                .param("VALUE")
                .is_some_and(|v| v.eq_ignore_ascii_case("PERIOD"));
            for item in cl.value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let parsed = if is_period || item.contains('/') {
                    parse_period(item, cl.param("TZID")).map(|(s, e)| RDate::Period(s, e))
                } else {
                    parse_date_value(item, cl.param("VALUE"), cl.param("TZID")).map(RDate::Start)
                };
                match parsed {
                    Ok(r) => d.rdates.push(r),
                    Err(e) => return Some(format!("RDATE: {e}; this date is ignored")),
                }
            }
        }
        "SEQUENCE" => match cl.value.trim().parse() {
            Ok(n) => d.sequence = n,
            Err(_) => return Some("SEQUENCE is not a number; 0 is used".into()),
        },
        "STATUS" => {
            d.status = match cl.value.trim().to_ascii_uppercase().as_str() {
                "TENTATIVE" => Some(Status::Tentative),
                "CONFIRMED" => Some(Status::Confirmed),
                "CANCELLED" | "CANCELED" => Some(Status::Cancelled),
                _ => None,
            }
        }
        "TRANSP" => d.transparent = cl.value.trim().eq_ignore_ascii_case("TRANSPARENT"),
        "X-MICROSOFT-CDO-BUSYSTATUS" => d.busy_status = show_as_from_cdo(&cl.value),
        "X-MICROSOFT-CDO-INTENDEDSTATUS" => d.intended_status = show_as_from_cdo(&cl.value),
        "SUMMARY" => d.title = unescape_text(&cl.value, MAX_TITLE_CHARS),
        "ATTENDEE" => d.attendees.push(Attendee {
            address: address(&cl.value),
            partstat: partstat(cl.param("PARTSTAT")),
        }),
        _ => {}
    }
    None
}

pub(crate) fn observance_property(d: &mut ObservanceDraft, cl: &ContentLine<'_>) -> Option<String> {
    let mut fatal = |what: String| {
        d.fatal.push((cl.line, what));
        None
    };
    match cl.name.as_str() {
        "DTSTART" => match parse_date_value(&cl.value, cl.param("VALUE"), None) {
            Ok(v) => d.start = Some(v.naive()),
            Err(e) => return fatal(format!("DTSTART: {e}")),
        },
        "TZOFFSETFROM" => match parse_utc_offset(&cl.value) {
            Ok(o) => d.offset_from = Some(o),
            Err(e) => return fatal(format!("TZOFFSETFROM: {e}")),
        },
        "TZOFFSETTO" => match parse_utc_offset(&cl.value) {
            Ok(o) => d.offset_to = Some(o),
            Err(e) => return fatal(format!("TZOFFSETTO: {e}")),
        },
        "RRULE" => match parse_rule(&cl.value) {
            Ok(rule) => d.rule = Some(rule),
            Err(e) => return fatal(format!("RRULE: {e}")),
        },
        "RDATE" => {
            for item in cl.value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let start = item.split('/').next().unwrap_or(item);
                match parse_date_value(
                    start,
                    cl.param("VALUE")
                        .filter(|v| !v.eq_ignore_ascii_case("PERIOD")),
                    None,
                ) {
                    Ok(v) => d.rdates.push(v.naive()),
                    Err(e) => return Some(format!("RDATE: {e}; this onset is ignored")),
                }
            }
        }
        _ => {}
    }
    None
}
