//! Busy-time blocks (one per event instance) and their JSON shape.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use relay_core::config::ShowAs;
use relay_core::Sensitive;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How strongly a show-as claims the owner's time: OOF > busy > tentative > working elsewhere >
/// free. The same order Outlook uses when free/busy blocks overlap.
pub fn strength(show_as: ShowAs) -> u8 {
    match show_as {
        ShowAs::Free => 0,
        ShowAs::WorkingElsewhere => 1,
        ShowAs::Tentative => 2,
        ShowAs::Busy => 3,
        ShowAs::Oof => 4,
    }
}

/// The wire name of a show-as (`working_elsewhere`), as in the config file.
pub fn show_as_name(show_as: ShowAs) -> &'static str {
    match show_as {
        ShowAs::Free => "free",
        ShowAs::Tentative => "tentative",
        ShowAs::Busy => "busy",
        ShowAs::Oof => "oof",
        ShowAs::WorkingElsewhere => "working_elsewhere",
    }
}

/// One event instance: `[start, end)` and how it shows its owner.
///
/// The title stays private: `Debug` redacts it, it is not serialized, and reading it takes an
/// explicit [`Sensitive::expose`]. Rules match keywords with [`Block::title_matches`].
#[derive(Clone, PartialEq, Eq)]
pub struct Block {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub show_as: ShowAs,
    /// From a DATE-valued DTSTART (midnight to midnight in the default zone).
    pub all_day: bool,
    title: Sensitive<String>,
}

impl Block {
    pub fn new(
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        show_as: ShowAs,
        all_day: bool,
        title: Sensitive<String>,
    ) -> Self {
        Self {
            start,
            end,
            show_as,
            all_day,
            title,
        }
    }

    /// The event title (SUMMARY). Keep it on the machine: never log it.
    pub fn title(&self) -> &Sensitive<String> {
        &self.title
    }

    /// True when `keywords` is empty or the title contains one of them, ignoring case.
    pub fn title_matches(&self, keywords: &[String]) -> bool {
        if keywords.is_empty() {
            return true;
        }
        let title = self.title.expose().to_lowercase();
        keywords
            .iter()
            .map(|k| k.trim().to_lowercase())
            .any(|k| !k.is_empty() && title.contains(&k))
    }

    /// True when the block overlaps `[from, to)`; a zero-length block overlaps when it lies
    /// inside.
    pub fn overlaps(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.start < to && (self.end > from || (self.start == self.end && self.start >= from))
    }

    /// Order of the inspect output: start, then end, then weaker show-as first.
    pub fn output_order(a: &Block, b: &Block) -> Ordering {
        (a.start, a.end, strength(a.show_as)).cmp(&(b.start, b.end, strength(b.show_as)))
    }
}

impl fmt::Debug for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Block")
            .field("start", &self.start)
            .field("end", &self.end)
            .field("show_as", &self.show_as)
            .field("all_day", &self.all_day)
            .field("title", &self.title)
            .finish()
    }
}

/// RFC 3339 in UTC with `Z` and whole seconds: `2026-03-29T01:00:00Z`.
pub fn rfc3339_z(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

mod utc_z {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339_z(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

/// One block as `calendar inspect --json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRecord {
    #[serde(with = "utc_z")]
    pub start: DateTime<Utc>,
    #[serde(with = "utc_z")]
    pub end: DateTime<Utc>,
    pub show_as: ShowAs,
}

/// `{"blocks":[...]}`: the output of `calendar inspect --json` and of the golden files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlocksDocument {
    pub blocks: Vec<BlockRecord>,
}

impl BlocksDocument {
    /// The records of `blocks`, sorted by start then end.
    pub fn from_blocks<'a>(blocks: impl IntoIterator<Item = &'a Block>) -> Self {
        let mut sorted: Vec<&Block> = blocks.into_iter().collect();
        sorted.sort_by(|a, b| Block::output_order(a, b));
        Self {
            blocks: sorted
                .into_iter()
                .map(|b| BlockRecord {
                    start: b.start,
                    end: b.end,
                    show_as: b.show_as,
                })
                .collect(),
        }
    }

    /// Pretty JSON with one block per line, stable for golden files and diffs.
    pub fn to_json_pretty(&self) -> String {
        let mut out = String::from("{\"blocks\":[");
        for (i, b) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!(
                "\n  {{\"start\":\"{}\",\"end\":\"{}\",\"show_as\":\"{}\"}}",
                rfc3339_z(b.start),
                rfc3339_z(b.end),
                show_as_name(b.show_as)
            ));
        }
        if !self.blocks.is_empty() {
            out.push('\n');
        }
        out.push_str("]}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, h, 0, 0)
            .single()
            .expect("time")
    }

    fn block(title: &str) -> Block {
        Block::new(
            t(9),
            t(10),
            ShowAs::Busy,
            false,
            Sensitive::new(title.to_string()),
        )
    }

    #[test]
    fn debug_and_json_keep_titles_out() {
        let b = block("Salary review with Jane");
        assert!(!format!("{b:?}").contains("Salary"));
        let doc = BlocksDocument::from_blocks([&b]);
        let json = serde_json::to_string(&doc).expect("json");
        assert_eq!(
            json,
            r#"{"blocks":[{"start":"2026-01-05T09:00:00Z","end":"2026-01-05T10:00:00Z","show_as":"busy"}]}"#
        );
        let back: BlocksDocument = serde_json::from_str(&doc.to_json_pretty()).expect("round trip");
        assert_eq!(back, doc);
    }

    #[test]
    fn keywords_match_case_insensitively() {
        let b = block("Front desk: LUNCH cover");
        assert!(b.title_matches(&[]));
        assert!(b.title_matches(&["lunch".into()]));
        assert!(b.title_matches(&["nothing".into(), "Desk".into()]));
        assert!(!b.title_matches(&["dinner".into()]));
        assert!(!b.title_matches(&["  ".into()]));
    }

    #[test]
    fn overlap_is_half_open() {
        let b = block("x");
        assert!(b.overlaps(t(9), t(10)));
        assert!(!b.overlaps(t(10), t(11)));
        assert!(!b.overlaps(t(7), t(9)));
        let instant = Block::new(
            t(9),
            t(9),
            ShowAs::Busy,
            false,
            Sensitive::new(String::new()),
        );
        assert!(instant.overlaps(t(9), t(10)));
        assert!(!instant.overlaps(t(8), t(9)));
    }
}
