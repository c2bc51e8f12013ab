//! The parsed calendar: only what busy-time needs, with the line each thing came from.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDateTime;
use relay_core::config::ShowAs;
use relay_core::Sensitive;

use super::value::{DateValue, IcsDuration, PeriodEnd};
use crate::recur::Rule;

/// A parsed calendar. Build one with [`crate::parse`]; turn it into blocks with [`crate::expand`].
#[derive(Clone, Default)]
pub struct Calendar {
    pub(crate) events: Vec<Event>,
    pub(crate) zones: HashMap<String, ZoneDef>,
    pub(crate) free_busy: Vec<FreeBusyPeriod>,
    /// `X-WR-CALNAME` when it is an e-mail address (Google names primary calendars so); used to
    /// find the owner's PARTSTAT.
    pub(crate) owner_hint: Option<String>,
}

impl Calendar {
    /// Number of VEVENTs (masters and overrides).
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// Number of VTIMEZONE definitions.
    pub fn zone_count(&self) -> usize {
        self.zones.len()
    }
}

// Hand-written so that nothing private (titles, attendees) can reach a log through `{:?}`.
impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("events", &self.events.len())
            .field("zones", &self.zones.keys().collect::<Vec<_>>())
            .field("free_busy", &self.free_busy.len())
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Tentative,
    Confirmed,
    Cancelled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PartStat {
    Accepted,
    Declined,
    Tentative,
    NeedsAction,
    Delegated,
    Other,
}

#[derive(Clone, Debug)]
pub(crate) struct Attendee {
    /// Lower-cased address without `mailto:`.
    pub address: String,
    pub partstat: PartStat,
}

/// An RDATE entry: a start, or a period with its own end.
#[derive(Clone, Debug)]
pub(crate) enum RDate {
    Start(DateValue),
    Period(DateValue, PeriodEnd),
}

/// One VEVENT: a master (possibly recurring) or an override (has RECURRENCE-ID).
#[derive(Clone, Debug)]
pub(crate) struct Event {
    /// Line of `BEGIN:VEVENT`.
    pub line: usize,
    pub uid: Option<String>,
    pub start: DateValue,
    pub end: Option<DateValue>,
    pub duration: Option<IcsDuration>,
    /// Rules with the line each is on.
    pub rules: Vec<(Rule, usize)>,
    pub rdates: Vec<RDate>,
    pub exdates: Vec<DateValue>,
    pub recurrence_id: Option<DateValue>,
    pub this_and_future: bool,
    pub sequence: i64,
    pub status: Option<Status>,
    pub transparent: bool,
    /// `X-MICROSOFT-CDO-BUSYSTATUS`, else `X-MICROSOFT-CDO-INTENDEDSTATUS`.
    pub cdo_status: Option<ShowAs>,
    pub title: Sensitive<String>,
    pub attendees: Vec<Attendee>,
}

/// One STANDARD or DAYLIGHT block of a VTIMEZONE.
#[derive(Clone, Debug)]
pub(crate) struct Observance {
    /// Local wall-clock onset, in the offset before it (`offset_from`).
    pub start: NaiveDateTime,
    pub offset_from: i32,
    pub offset_to: i32,
    pub rule: Option<Rule>,
    /// Extra onsets, local time.
    pub rdates: Vec<NaiveDateTime>,
}

/// One VTIMEZONE.
#[derive(Clone, Debug, Default)]
pub(crate) struct ZoneDef {
    /// `X-LIC-LOCATION`: the tzdb name some producers add.
    pub location: Option<String>,
    pub observances: Vec<Observance>,
}

/// One FREEBUSY period of a VFREEBUSY.
#[derive(Clone, Debug)]
pub(crate) struct FreeBusyPeriod {
    pub line: usize,
    pub start: DateValue,
    pub end: PeriodEnd,
    pub show_as: ShowAs,
}
