//! Recurrence rules: the RRULE value ([`rule`]) and the engine that expands it ([`iter`]).

pub(crate) mod iter;
pub(crate) mod rule;

pub(crate) use iter::{Occurrences, RecurError};
pub(crate) use rule::{parse_rule, Rule, Until};
