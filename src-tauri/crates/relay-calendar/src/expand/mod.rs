//! Calendar + window -> sorted blocks.

mod series;
mod show;
mod timing;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::block::{rfc3339_z, Block};
use crate::diagnostics::{Warning, Warnings};
use crate::ics::model::{Calendar, Event};
use crate::ics::properties::address;
use crate::limits::Limits;
use crate::zone::ZoneResolver;
use series::{Ctx, Problem};
use timing::Zones;

/// The half-open interval `[from, to)` to expand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Window {
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        Self { from, to }
    }
}

/// How to read what the calendar leaves open.
#[derive(Clone, Debug)]
pub struct ExpandOptions {
    /// The zone of floating times and all-day events (the machine's zone, or `--tz`).
    pub default_zone: chrono_tz::Tz,
    /// The calendar owner's addresses (`jane@example.com` or `mailto:...`): their PARTSTAT
    /// marks instances declined (left out) or tentative. An `X-WR-CALNAME` that is an address
    /// is added automatically.
    pub owner_addresses: Vec<String>,
    pub limits: Limits,
}

impl ExpandOptions {
    pub fn new(default_zone: chrono_tz::Tz) -> Self {
        Self {
            default_zone,
            owner_addresses: Vec::new(),
            limits: Limits::default(),
        }
    }
}

/// Blocks overlapping the window, sorted by start then end, and what was left out.
#[derive(Debug)]
pub struct Expansion {
    pub blocks: Vec<Block>,
    pub warnings: Vec<Warning>,
}

/// Why an expansion was refused as a whole.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ExpandError {
    #[error("the window ends ({to}) before it starts ({from})")]
    WindowReversed { from: String, to: String },
    #[error("the window is {days} days long; the limit is {limit_days} days")]
    WindowTooLong { days: i64, limit_days: i64 },
    #[error(
        "the calendar has more than {limit} event instances in the window; narrow the window or \
         check the calendar for runaway recurrence rules"
    )]
    TooManyBlocks { limit: usize },
    #[error(
        "expanding the calendar took more than {limit} recurrence steps; check it for runaway \
         recurrence rules"
    )]
    TooMuchWork { limit: u64 },
}

/// Expands `calendar` into the blocks that overlap `window`.
pub fn expand(
    calendar: &Calendar,
    window: Window,
    options: &ExpandOptions,
) -> Result<Expansion, ExpandError> {
    let limits = &options.limits;
    if window.to < window.from {
        return Err(ExpandError::WindowReversed {
            from: rfc3339_z(window.from),
            to: rfc3339_z(window.to),
        });
    }
    if window.to - window.from > limits.max_window {
        return Err(ExpandError::WindowTooLong {
            days: (window.to - window.from).num_days(),
            limit_days: limits.max_window.num_days(),
        });
    }
    let mut owners: Vec<String> = options.owner_addresses.iter().map(|a| address(a)).collect();
    owners.extend(calendar.owner_hint.clone());

    let mut ctx = Ctx {
        zones: Zones {
            resolver: ZoneResolver::new(&calendar.zones, options.default_zone),
            warnings: Warnings::default(),
        },
        window,
        limits,
        owners,
        steps_left: limits.max_total_steps,
        blocks: Vec::new(),
    };

    let grouped = group(&calendar.events, &mut ctx.zones.warnings);
    let run = |ctx: &mut Ctx<'_>, result: Result<(), Problem>| match result {
        Ok(()) => Ok(()),
        Err(Problem::Skip(w)) => {
            ctx.zones.warnings.push(w);
            Ok(())
        }
        Err(Problem::Fatal(e)) => Err(e),
    };
    for (master, overrides) in &grouped.series {
        let result = ctx.series(master, overrides);
        run(&mut ctx, result)?;
    }
    for ev in &grouped.singles {
        let result = ctx.single(ev);
        run(&mut ctx, result)?;
    }
    free_busy(calendar, &mut ctx)?;

    let mut blocks = ctx.blocks;
    blocks.sort_by(Block::output_order);
    Ok(Expansion {
        blocks,
        warnings: ctx.zones.warnings.finish(),
    })
}

struct Grouped<'e> {
    series: Vec<(&'e Event, Vec<&'e Event>)>,
    singles: Vec<&'e Event>,
}

/// Pairs masters with their overrides by UID. Two masters with one UID: the higher SEQUENCE
/// (then the later one) wins. Overrides with no master stand alone.
fn group<'e>(events: &'e [Event], warnings: &mut Warnings) -> Grouped<'e> {
    let mut masters: Vec<&Event> = Vec::new();
    let mut by_uid: HashMap<&str, usize> = HashMap::new();
    let mut overrides: HashMap<&str, Vec<&Event>> = HashMap::new();
    let mut singles: Vec<&Event> = Vec::new();
    for ev in events {
        match (&ev.recurrence_id, ev.uid.as_deref()) {
            (Some(_), Some(uid)) => overrides.entry(uid).or_default().push(ev),
            (Some(_), None) => singles.push(ev),
            (None, Some(uid)) => match by_uid.get(uid) {
                Some(&i) => {
                    let kept = masters[i];
                    warnings.push(Warning::at(
                        ev.line,
                        format!(
                            "the event repeats the UID of the event at line {}; only the one with \
                             the higher SEQUENCE is used",
                            kept.line
                        ),
                    ));
                    if ev.sequence >= kept.sequence {
                        masters[i] = ev;
                    }
                }
                None => {
                    by_uid.insert(uid, masters.len());
                    masters.push(ev);
                }
            },
            (None, None) => masters.push(ev),
        }
    }
    let series = masters
        .into_iter()
        .map(|m| {
            let ovs = m
                .uid
                .as_deref()
                .and_then(|u| overrides.remove(u))
                .unwrap_or_default();
            (m, ovs)
        })
        .collect();
    // Overrides whose master is missing (a feed that only lists exceptions) stand alone.
    let mut orphans: Vec<&Event> = overrides.into_values().flatten().collect();
    orphans.sort_by_key(|e| e.line);
    singles.extend(orphans);
    Grouped { series, singles }
}

fn free_busy(calendar: &Calendar, ctx: &mut Ctx<'_>) -> Result<(), ExpandError> {
    let utc = crate::zone::Zone::Utc;
    for p in &calendar.free_busy {
        let (_, start, end) = ctx.zones.period(&p.start, &p.end, &utc, p.line);
        let block = Block::new(
            start,
            end,
            p.show_as,
            false,
            relay_core::Sensitive::new(String::new()),
        );
        if block.overlaps(ctx.window.from, ctx.window.to) {
            ctx.blocks.push(block);
            if ctx.blocks.len() > ctx.limits.max_blocks {
                return Err(ExpandError::TooManyBlocks {
                    limit: ctx.limits.max_blocks,
                });
            }
        }
    }
    Ok(())
}
