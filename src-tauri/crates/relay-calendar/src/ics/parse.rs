//! ICS text -> [`Calendar`].
//!
//! Structure is strict: the text must be a VCALENDAR, BEGIN/END must pair up, and the input caps
//! in [`Limits`] hold; otherwise the whole body is refused with a [`ParseError`] naming the line.
//! Content is lenient: an event with a broken required value (DTSTART, DTEND, DURATION, RRULE,
//! RECURRENCE-ID) is left out with a [`Warning`]; a broken optional value (EXDATE, RDATE,
//! SEQUENCE, an unknown STATUS) is ignored with a warning; unknown properties and components are
//! skipped silently, as RFC 5545 asks.

use relay_core::config::ShowAs;
use relay_core::Sensitive;
use thiserror::Error;

use super::lexer::{printable, ContentLine, Lexer};
use super::model::{Calendar, Event, FreeBusyPeriod, Observance};
use super::properties::{
    address, event_property, observance_property, EventDraft, ObservanceDraft, ZoneDraft,
};
use super::value::parse_period;
use crate::diagnostics::{Warning, Warnings};
use crate::limits::Limits;

/// Why a body was refused as a whole.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ParseError {
    #[error(
        "the calendar is {size} bytes, over the limit of {limit} bytes; check that the source is \
         the calendar you meant"
    )]
    TooLarge { size: usize, limit: usize },
    #[error(
        "the calendar has more than {limit} lines; check that the source is the calendar you meant"
    )]
    TooManyLines { limit: usize },
    #[error("the body is empty: expected an iCalendar starting with BEGIN:VCALENDAR")]
    Empty,
    #[error(
        "line {line}: not an iCalendar: it starts with '{found}' instead of BEGIN:VCALENDAR \
         (is the URL or path that of an .ics calendar?)"
    )]
    NotACalendar { line: usize, found: String },
    #[error("line {line}: END:{found} does not close BEGIN:{expected} from line {opened}")]
    MismatchedEnd {
        line: usize,
        found: String,
        expected: String,
        opened: usize,
    },
    #[error("line {line}: END:{found} has no BEGIN")]
    UnexpectedEnd { line: usize, found: String },
    #[error("BEGIN:{component} at line {line} is never closed (was the file cut short?)")]
    Unterminated { line: usize, component: String },
    #[error("line {line}: components nest deeper than {limit} levels")]
    TooDeep { line: usize, limit: usize },
    #[error("line {line}: more than {limit} components in one calendar")]
    TooManyComponents { line: usize, limit: usize },
}

/// A parsed calendar and what was left out of it.
#[derive(Debug)]
pub struct Parsed {
    pub calendar: Calendar,
    pub warnings: Vec<Warning>,
}

/// Parses raw bytes: strips a UTF-8 BOM and reads invalid UTF-8 as Latin-1 (old Outlook exports).
pub fn parse_bytes(bytes: &[u8], limits: &Limits) -> Result<Parsed, ParseError> {
    if bytes.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text, limits),
        Err(_) => {
            let text: String = bytes.iter().map(|&b| char::from(b)).collect();
            parse(&text, limits)
        }
    }
}

/// Parses ICS text.
pub fn parse(text: &str, limits: &Limits) -> Result<Parsed, ParseError> {
    if text.len() > limits.max_bytes {
        return Err(ParseError::TooLarge {
            size: text.len(),
            limit: limits.max_bytes,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser {
        limits,
        stack: Vec::new(),
        calendar: Calendar::default(),
        warnings: Warnings::default(),
        seen_calendar: false,
        components: 0,
    };
    let mut lines = 0usize;
    for item in Lexer::new(text) {
        lines += 1;
        if lines > limits.max_lines {
            return Err(ParseError::TooManyLines {
                limit: limits.max_lines,
            });
        }
        match item {
            Ok(cl) => p.line(cl)?,
            Err(problem) => {
                if p.stack.is_empty() && !p.seen_calendar {
                    return Err(not_a_calendar(text, problem.line));
                }
                p.warnings.push(Warning::at(
                    problem.line,
                    format!("{}; line ignored", problem.message),
                ));
            }
        }
    }
    if let Some(open) = p.stack.last() {
        return Err(ParseError::Unterminated {
            line: open.line,
            component: open.name.clone(),
        });
    }
    if !p.seen_calendar {
        return Err(ParseError::Empty);
    }
    Ok(Parsed {
        calendar: p.calendar,
        warnings: p.warnings.finish(),
    })
}

fn not_a_calendar(text: &str, line: usize) -> ParseError {
    let found = text
        .lines()
        .nth(line.saturating_sub(1))
        .map(|l| printable(l.trim(), 40))
        .unwrap_or_default();
    ParseError::NotACalendar { line, found }
}

/// A component being read.
struct Frame {
    name: String,
    line: usize,
    kind: FrameKind,
}

enum FrameKind {
    Calendar,
    Event(Box<EventDraft>),
    Timezone(ZoneDraft),
    Observance(Box<ObservanceDraft>),
    FreeBusy,
    /// VALARM, VTODO, VJOURNAL, X- components: skipped.
    Other,
}

struct Parser<'l> {
    limits: &'l Limits,
    stack: Vec<Frame>,
    calendar: Calendar,
    warnings: Warnings,
    seen_calendar: bool,
    components: usize,
}

impl Parser<'_> {
    fn line(&mut self, cl: ContentLine<'_>) -> Result<(), ParseError> {
        match cl.name.as_str() {
            "BEGIN" => self.begin(&cl),
            "END" => self.end(&cl),
            _ => {
                self.property(&cl)?;
                Ok(())
            }
        }
    }

    fn begin(&mut self, cl: &ContentLine<'_>) -> Result<(), ParseError> {
        let name = cl.value.trim().to_ascii_uppercase();
        if self.stack.is_empty() && name != "VCALENDAR" {
            if self.seen_calendar {
                self.warnings.push(Warning::at(
                    cl.line,
                    format!("BEGIN:{} outside VCALENDAR; ignored", printable(&name, 30)),
                ));
                // Read it as a skipped component so its END pairs up.
            } else {
                return Err(ParseError::NotACalendar {
                    line: cl.line,
                    found: format!("BEGIN:{}", printable(&name, 30)),
                });
            }
        }
        self.components += 1;
        if self.components > self.limits.max_components {
            return Err(ParseError::TooManyComponents {
                line: cl.line,
                limit: self.limits.max_components,
            });
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(ParseError::TooDeep {
                line: cl.line,
                limit: self.limits.max_depth,
            });
        }
        let parent = self.stack.last().map(|f| &f.kind);
        let kind = match (parent, name.as_str()) {
            (None, "VCALENDAR") => {
                self.seen_calendar = true;
                FrameKind::Calendar
            }
            (Some(FrameKind::Calendar), "VEVENT") => FrameKind::Event(Box::default()),
            (Some(FrameKind::Calendar), "VTIMEZONE") => FrameKind::Timezone(ZoneDraft::default()),
            (Some(FrameKind::Timezone(_)), "STANDARD" | "DAYLIGHT") => {
                FrameKind::Observance(Box::default())
            }
            (Some(FrameKind::Calendar), "VFREEBUSY") => FrameKind::FreeBusy,
            _ => FrameKind::Other,
        };
        self.stack.push(Frame {
            name,
            line: cl.line,
            kind,
        });
        Ok(())
    }

    fn end(&mut self, cl: &ContentLine<'_>) -> Result<(), ParseError> {
        let name = cl.value.trim().to_ascii_uppercase();
        let Some(frame) = self.stack.pop() else {
            if self.seen_calendar {
                self.warnings.push(Warning::at(
                    cl.line,
                    format!("END:{} outside VCALENDAR; ignored", printable(&name, 30)),
                ));
                return Ok(());
            }
            return Err(ParseError::UnexpectedEnd {
                line: cl.line,
                found: printable(&name, 30),
            });
        };
        if frame.name != name {
            return Err(ParseError::MismatchedEnd {
                line: cl.line,
                found: printable(&name, 30),
                expected: frame.name,
                opened: frame.line,
            });
        }
        match frame.kind {
            FrameKind::Event(draft) => self.finish_event(frame.line, *draft),
            FrameKind::Timezone(draft) => match draft.tzid {
                Some(tzid) => {
                    self.calendar.zones.entry(tzid).or_insert(draft.def);
                }
                None => self
                    .warnings
                    .push(Warning::at(frame.line, "VTIMEZONE has no TZID; ignored")),
            },
            FrameKind::Observance(draft) => self.finish_observance(frame.line, *draft),
            FrameKind::Calendar | FrameKind::FreeBusy | FrameKind::Other => {}
        }
        Ok(())
    }

    fn finish_event(&mut self, line: usize, d: EventDraft) {
        let mut fatal = d.fatal;
        if d.start.is_none() && d.recurrence_id.is_none() {
            fatal.push((line, "the event has no DTSTART".into()));
        }
        if let Some((at, why)) = fatal.into_iter().next() {
            self.warnings.push(Warning::at(
                at,
                format!("{why}; the event starting at line {line} was left out"),
            ));
            return;
        }
        // RFC 5545: an override without DTSTART keeps the original start.
        let Some(start) = d.start.or_else(|| d.recurrence_id.clone()) else {
            return;
        };
        self.calendar.events.push(Event {
            line,
            uid: d.uid,
            start,
            end: d.end,
            duration: d.duration,
            rules: d.rules,
            rdates: d.rdates,
            exdates: d.exdates,
            recurrence_id: d.recurrence_id,
            this_and_future: d.this_and_future,
            sequence: d.sequence,
            status: d.status,
            transparent: d.transparent,
            cdo_status: d.busy_status.or(d.intended_status),
            title: Sensitive::new(d.title),
            attendees: d.attendees,
        });
    }

    fn finish_observance(&mut self, line: usize, d: ObservanceDraft) {
        let problem = d.fatal.into_iter().next().or_else(|| {
            if d.start.is_none() {
                Some((line, "the observance has no DTSTART".into()))
            } else if d.offset_to.is_none() {
                Some((line, "the observance has no TZOFFSETTO".into()))
            } else {
                None
            }
        });
        if let Some((at, why)) = problem {
            self.warnings.push(Warning::at(
                at,
                format!("{why}; the time zone observance starting at line {line} was left out"),
            ));
            return;
        }
        let (Some(start), Some(offset_to)) = (d.start, d.offset_to) else {
            return;
        };
        if let Some(Frame {
            kind: FrameKind::Timezone(zone),
            ..
        }) = self.stack.last_mut()
        {
            zone.def.observances.push(Observance {
                start,
                offset_from: d.offset_from.unwrap_or(offset_to),
                offset_to,
                rule: d.rule,
                rdates: d.rdates,
            });
        }
    }

    fn property(&mut self, cl: &ContentLine<'_>) -> Result<(), ParseError> {
        let Some(frame) = self.stack.last_mut() else {
            if self.seen_calendar {
                self.warnings.push(Warning::at(
                    cl.line,
                    format!("{} outside VCALENDAR; ignored", printable(&cl.name, 30)),
                ));
                return Ok(());
            }
            return Err(ParseError::NotACalendar {
                line: cl.line,
                found: printable(&format!("{}:{}", cl.name, cl.value), 40),
            });
        };
        let warn = match &mut frame.kind {
            FrameKind::Calendar => {
                if cl.name == "X-WR-CALNAME" {
                    let v = cl.value.trim();
                    if v.contains('@') && !v.contains(char::is_whitespace) {
                        self.calendar.owner_hint = Some(address(v));
                    }
                }
                None
            }
            FrameKind::Event(draft) => event_property(draft, cl),
            FrameKind::Timezone(draft) => {
                match cl.name.as_str() {
                    "TZID" => draft.tzid = Some(cl.value.trim().to_string()),
                    "X-LIC-LOCATION" => draft.def.location = Some(cl.value.trim().to_string()),
                    _ => {}
                }
                None
            }
            FrameKind::Observance(draft) => observance_property(draft, cl),
            FrameKind::FreeBusy => {
                if cl.name == "FREEBUSY" {
                    self.free_busy(cl)
                } else {
                    None
                }
            }
            FrameKind::Other => None,
        };
        if let Some(message) = warn {
            self.warnings.push(Warning::at(cl.line, message));
        }
        Ok(())
    }

    fn free_busy(&mut self, cl: &ContentLine<'_>) -> Option<String> {
        let show_as = match cl.param("FBTYPE").map(str::to_ascii_uppercase).as_deref() {
            Some("FREE") => ShowAs::Free,
            Some("BUSY-TENTATIVE") => ShowAs::Tentative,
            // Exchange publishes out-of-office as BUSY-UNAVAILABLE.
            Some("BUSY-UNAVAILABLE") => ShowAs::Oof,
            _ => ShowAs::Busy,
        };
        for item in cl.value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match parse_period(item, None) {
                Ok((start, end)) => self.calendar.free_busy.push(FreeBusyPeriod {
                    line: cl.line,
                    start,
                    end,
                    show_as,
                }),
                Err(e) => return Some(format!("FREEBUSY: {e}; period ignored")),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    const MINIMAL: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\n\
        DTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\nSUMMARY:Stand-up\r\nEND:VEVENT\r\n\
        END:VCALENDAR\r\n";

    #[test]
    fn parses_a_minimal_calendar() {
        let parsed = parse(MINIMAL, &limits()).expect("parse");
        assert_eq!(parsed.calendar.event_count(), 1);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        // Titles stay out of Debug output.
        assert!(!format!("{:?}", parsed.calendar).contains("Stand-up"));
        assert!(!format!("{:?}", parsed.calendar.events[0]).contains("Stand-up"));
    }

    #[test]
    fn refuses_html_with_the_line() {
        let err = parse("\n<!DOCTYPE html>\n<html>", &limits()).expect_err("html");
        assert_eq!(
            err.to_string(),
            "line 2: not an iCalendar: it starts with '<!DOCTYPE html>' instead of BEGIN:VCALENDAR \
             (is the URL or path that of an .ics calendar?)"
        );
        assert_eq!(parse("", &limits()).expect_err("empty"), ParseError::Empty);
    }

    #[test]
    fn structural_errors_name_lines() {
        let err = parse("BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VTODO\n", &limits()).expect_err("x");
        assert_eq!(
            err.to_string(),
            "line 3: END:VTODO does not close BEGIN:VEVENT from line 2"
        );
        let err = parse("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n", &limits()).expect_err("x");
        assert_eq!(
            err.to_string(),
            "BEGIN:VEVENT at line 2 is never closed (was the file cut short?)"
        );
    }

    #[test]
    fn caps_size_depth_and_lines() {
        let small = Limits {
            max_bytes: 10,
            ..limits()
        };
        assert!(matches!(
            parse(MINIMAL, &small),
            Err(ParseError::TooLarge { .. })
        ));
        let deep = format!(
            "BEGIN:VCALENDAR\n{}",
            (0..20)
                .map(|i| format!("BEGIN:X-{i}\n"))
                .collect::<String>()
        );
        assert_eq!(
            parse(&deep, &limits()).expect_err("deep"),
            ParseError::TooDeep { line: 9, limit: 8 }
        );
        let few = Limits {
            max_lines: 3,
            ..limits()
        };
        assert_eq!(
            parse(MINIMAL, &few).expect_err("lines"),
            ParseError::TooManyLines { limit: 3 }
        );
    }

    #[test]
    fn broken_events_are_left_out_with_a_located_warning() {
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:2026-01-05\nEND:VEVENT\n\
                    BEGIN:VEVENT\nUID:b\nDTSTART:20260105T090000Z\nRRULE:FREQ=DAILY;BYDAY=XX\nEND:VEVENT\n\
                    BEGIN:VEVENT\nUID:c\nDTSTART:20260105T090000Z\nEXDATE:nonsense\nEND:VEVENT\n\
                    END:VCALENDAR\n";
        let parsed = parse(text, &limits()).expect("parse");
        assert_eq!(parsed.calendar.event_count(), 1);
        let messages: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].starts_with("line 4: DTSTART: '2026-01-05' is not a date"),
            "{messages:?}"
        );
        assert!(messages[0].ends_with("the event starting at line 2 was left out"));
        assert!(
            messages[1].starts_with("line 9: RRULE: BYDAY value 'XX'"),
            "{messages:?}"
        );
        assert!(messages[2].starts_with("line 14: EXDATE"), "{messages:?}");
    }

    #[test]
    fn addresses_with_multibyte_characters_do_not_panic() {
        // Found by the fuzzer: byte 7 inside 'Á'.
        assert_eq!(address("mailtoÁÁ:x"), "mailtoÁÁ:x");
        assert_eq!(address("MAILTO:Désk@Example.org"), "désk@example.org");
    }

    #[test]
    fn latin1_and_bom_are_read() {
        let mut bytes = b"\xef\xbb\xbfBEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260105T090000Z\nSUMMARY:Caf\xe9\nEND:VEVENT\nEND:VCALENDAR\n".to_vec();
        let parsed = parse_bytes(&bytes, &limits()).expect("latin-1");
        assert_eq!(parsed.calendar.events[0].title.expose(), "Café");
        bytes.truncate(3);
        assert_eq!(
            parse_bytes(&bytes, &limits()).expect_err("bom only"),
            ParseError::Empty
        );
    }
}
