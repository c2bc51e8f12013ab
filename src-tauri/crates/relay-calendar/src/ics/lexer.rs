//! Content lines (RFC 5545 §3.1): unfolding, `NAME;PARAM=VALUE:VALUE` splitting, line numbers.
//!
//! The lexer is lenient about what the wild produces (bare `\n` line ends, tabs as fold markers,
//! lower-case names) and strict only where guessing would be wrong: a line without a `:` is
//! reported, not repaired.

use std::borrow::Cow;

/// One parameter, e.g. `TZID=W. Europe Standard Time` or `MEMBER="a","b"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Param<'a> {
    /// Upper-cased name.
    pub name: String,
    pub values: Vec<Cow<'a, str>>,
}

/// One unfolded content line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ContentLine<'a> {
    /// 1-based number of the physical line where this content line starts.
    pub line: usize,
    /// Upper-cased property name (`DTSTART`, `X-MICROSOFT-CDO-BUSYSTATUS`).
    pub name: String,
    pub params: Vec<Param<'a>>,
    pub value: Cow<'a, str>,
}

impl ContentLine<'_> {
    /// The first value of a parameter, if present.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.values.first())
            .map(|v| v.as_ref())
    }
}

/// A line the lexer could not split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LexProblem {
    pub line: usize,
    pub message: String,
}

/// Iterates over the content lines of `text`, unfolding continuation lines.
pub(crate) struct Lexer<'a> {
    text: &'a str,
    /// Byte offset of the next physical line.
    pos: usize,
    /// 1-based number of the next physical line.
    next_line: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            next_line: 1,
        }
    }

    /// Takes the next physical line without its line end.
    fn physical(&mut self) -> Option<&'a str> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        self.next_line += 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    fn peek_is_continuation(&self) -> bool {
        matches!(self.text.as_bytes().get(self.pos), Some(b' ' | b'\t'))
    }

    /// The next logical (unfolded) line and its starting line number; blank lines are skipped.
    fn logical(&mut self) -> Option<(usize, Cow<'a, str>)> {
        loop {
            let line_no = self.next_line;
            let first = self.physical()?;
            if !self.peek_is_continuation() {
                if first.trim().is_empty() {
                    continue;
                }
                return Some((line_no, Cow::Borrowed(first)));
            }
            let mut joined = String::from(first);
            while self.peek_is_continuation() {
                let Some(cont) = self.physical() else { break };
                // The fold marker is exactly one whitespace character.
                joined.push_str(&cont[1..]);
            }
            if joined.trim().is_empty() {
                continue;
            }
            return Some((line_no, Cow::Owned(joined)));
        }
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Result<ContentLine<'a>, LexProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, text) = self.logical()?;
        Some(split(line, text))
    }
}

/// Splits one logical line into name, parameters and value.
fn split(line: usize, text: Cow<'_, str>) -> Result<ContentLine<'_>, LexProblem> {
    match text {
        Cow::Borrowed(s) => split_str(line, s),
        Cow::Owned(s) => split_str(line, &s).map(into_owned),
    }
}

fn into_owned(cl: ContentLine<'_>) -> ContentLine<'static> {
    ContentLine {
        line: cl.line,
        name: cl.name,
        params: cl
            .params
            .into_iter()
            .map(|p| Param {
                name: p.name,
                values: p
                    .values
                    .into_iter()
                    .map(|v| Cow::Owned(v.into_owned()))
                    .collect(),
            })
            .collect(),
        value: Cow::Owned(cl.value.into_owned()),
    }
}

fn split_str(line: usize, s: &str) -> Result<ContentLine<'_>, LexProblem> {
    let problem = |message: String| LexProblem { line, message };
    let name_end = s
        .find([';', ':'])
        .ok_or_else(|| problem("no ':' between the property name and its value".into()))?;
    let name = s[..name_end].trim();
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(problem(format!(
            "'{}' is not a property name",
            printable(name, 40)
        )));
    }
    let mut params = Vec::new();
    let bytes = s.as_bytes();
    let mut i = name_end;
    while bytes.get(i) == Some(&b';') {
        i += 1;
        let eq = s[i..]
            .find('=')
            .map(|o| i + o)
            .ok_or_else(|| problem(format!("parameter of {name} has no '='")))?;
        let pname = s[i..eq].trim().to_ascii_uppercase();
        i = eq + 1;
        let mut values = Vec::new();
        loop {
            if bytes.get(i) == Some(&b'"') {
                let close = s[i + 1..].find('"').map(|o| i + 1 + o).ok_or_else(|| {
                    problem(format!("parameter {pname} of {name} has an unclosed quote"))
                })?;
                values.push(Cow::Borrowed(&s[i + 1..close]));
                i = close + 1;
            } else {
                let mut end = s[i..]
                    .find([',', ';', ':'])
                    .map(|o| i + o)
                    .unwrap_or(s.len());
                // Unquoted URL-like values (`TZID=tzone://Microsoft/Utc`) break RFC 5545 but
                // occur: a ':' followed by "//" belongs to the value.
                while s[end..].starts_with("://") {
                    end = s[end + 3..]
                        .find([',', ';', ':'])
                        .map(|o| end + 3 + o)
                        .unwrap_or(s.len());
                }
                values.push(Cow::Borrowed(&s[i..end]));
                i = end;
            }
            if bytes.get(i) == Some(&b',') {
                i += 1;
                continue;
            }
            break;
        }
        params.push(Param {
            name: pname,
            values,
        });
    }
    if bytes.get(i) != Some(&b':') {
        return Err(problem(format!(
            "no ':' after the parameters of {}",
            printable(name, 40)
        )));
    }
    Ok(ContentLine {
        line,
        name: name.to_ascii_uppercase(),
        params,
        value: Cow::Borrowed(&s[i + 1..]),
    })
}

/// A short, printable excerpt of untrusted text for error messages (never used for titles).
pub(crate) fn printable(s: &str, max_chars: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max_chars)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().count() > max_chars {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Result<ContentLine<'_>, LexProblem>> {
        Lexer::new(text).collect()
    }

    #[test]
    fn unfolds_and_numbers_lines() {
        let text = "BEGIN:VEVENT\r\nSUMMARY:Long\r\n  title\r\n\tand more\r\n\r\nEND:VEVENT";
        let got = lines(text);
        assert_eq!(got.len(), 3);
        let summary = got[1].as_ref().expect("summary line");
        assert_eq!(summary.line, 2);
        assert_eq!(summary.value, "Long titleand more");
        let end = got[2].as_ref().expect("end line");
        assert_eq!(end.line, 6);
        assert_eq!(end.name, "END");
    }

    #[test]
    fn splits_params_with_quotes_and_colons() {
        let text =
            "dtstart;tzid=\"(UTC+01:00) Amsterdam, Berlin\";VALUE=DATE-TIME:20260105T090000\n\
                    ATTENDEE;PARTSTAT=DECLINED;CN=\"Doe; Jane\":mailto:jane@example.com";
        let got = lines(text);
        let dt = got[0].as_ref().expect("dtstart");
        assert_eq!(dt.name, "DTSTART");
        assert_eq!(dt.param("TZID"), Some("(UTC+01:00) Amsterdam, Berlin"));
        assert_eq!(dt.param("VALUE"), Some("DATE-TIME"));
        assert_eq!(dt.value, "20260105T090000");
        let att = got[1].as_ref().expect("attendee");
        assert_eq!(att.param("CN"), Some("Doe; Jane"));
        assert_eq!(att.value, "mailto:jane@example.com");
    }

    #[test]
    fn reports_lines_without_colon() {
        let got = lines("BEGIN:VCALENDAR\nthis is not a property\n");
        let err = got[1].as_ref().expect_err("no colon");
        assert_eq!(err.line, 2);
        assert!(err.message.contains("':'"), "{}", err.message);
    }

    #[test]
    fn unquoted_url_like_param_values() {
        let got = lines("DTSTART;TZID=tzone://Microsoft/Utc:20260703T090000");
        let line = got[0].as_ref().expect("line");
        assert_eq!(line.param("TZID"), Some("tzone://Microsoft/Utc"));
        assert_eq!(line.value, "20260703T090000");
    }

    #[test]
    fn multi_valued_params() {
        let got = lines("X-A;MEMBER=\"a\",\"b\",c:v");
        let line = got[0].as_ref().expect("line");
        assert_eq!(line.params[0].values, vec!["a", "b", "c"]);
    }
}
