//! Checks that a fetched body is a calendar before it replaces the last good copy.

use super::FetchError;

/// Strips a UTF-8 BOM and leading whitespace; the body must then start with `BEGIN:VCALENDAR`
/// (any case). Outlook publish links and captive portals answer with HTML pages, and an empty
/// 200 is not a calendar with no events: both must keep the last good copy, not replace it.
pub fn check_calendar_body(body: &[u8]) -> Result<(), FetchError> {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let rest = &body[start..];
    const MAGIC: &[u8] = b"BEGIN:VCALENDAR";
    if rest.len() >= MAGIC.len() && rest[..MAGIC.len()].eq_ignore_ascii_case(MAGIC) {
        return Ok(());
    }
    Err(FetchError::NotACalendar {
        starts_with: describe_start(rest),
    })
}

/// A short, printable description of what a body starts with, for the error message. Only
/// ASCII letters, digits and a few marks are kept, so no private content is echoed back.
fn describe_start(rest: &[u8]) -> String {
    if rest.is_empty() {
        return "an empty body".into();
    }
    let excerpt: String = rest
        .iter()
        .take(24)
        .map(|&b| match b {
            b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'<'
            | b'>'
            | b'!'
            | b'{'
            | b'['
            | b':'
            | b' ' => char::from(b),
            _ => '?',
        })
        .collect();
    let lower = excerpt.to_ascii_lowercase();
    let hint = if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        " (an HTML page: is the link the calendar's ICS address?)"
    } else if lower.starts_with('{') || lower.starts_with('[') {
        " (JSON: is the link the calendar's ICS address?)"
    } else {
        ""
    };
    format!("'{excerpt}'{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_calendars_after_bom_and_blank_lines() {
        assert!(check_calendar_body(b"BEGIN:VCALENDAR\r\n").is_ok());
        assert!(check_calendar_body(b"\xef\xbb\xbf\r\n  begin:vcalendar\n").is_ok());
    }

    #[test]
    fn refuses_html_json_and_empty_bodies() {
        let html = check_calendar_body(b"<!DOCTYPE html><html><body>Sign in</body>")
            .expect_err("html")
            .to_string();
        assert!(html.contains("an HTML page"), "{html}");
        let json = check_calendar_body(b"{\"error\":\"nope\"}")
            .expect_err("json")
            .to_string();
        assert!(json.contains("JSON"), "{json}");
        let empty = check_calendar_body(b"  \r\n")
            .expect_err("empty")
            .to_string();
        assert!(empty.contains("an empty body"), "{empty}");
        assert!(check_calendar_body(b"BEGIN:VCARD").is_err());
    }
}
