//! The state of a calendar at an instant and the time it next changes.

use chrono::{DateTime, Utc};
use relay_core::config::ShowAs;
use serde::{Deserialize, Serialize};

use crate::block::{strength, Block};

/// What a calendar shows at one instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarState {
    /// Show-as of the blocks covering the instant, strongest first, each once. Empty: nothing.
    pub active: Vec<ShowAs>,
    /// The first of `active`, if any.
    pub strongest: Option<ShowAs>,
    /// The first instant after `now` at which `active` changes. `None`: no change among the
    /// blocks given (for a source: none before the end of its expansion horizon).
    pub next_change: Option<DateTime<Utc>>,
}

const ORDER: [ShowAs; 5] = [
    ShowAs::Oof,
    ShowAs::Busy,
    ShowAs::Tentative,
    ShowAs::WorkingElsewhere,
    ShowAs::Free,
];

fn mask_to_list(mask: u8) -> Vec<ShowAs> {
    ORDER
        .into_iter()
        .filter(|s| mask & (1 << strength(*s)) != 0)
        .collect()
}

/// The state at `now` of the given blocks; `[start, end)` covers `now` when
/// `start <= now < end`.
pub fn state_at<'a>(
    blocks: impl IntoIterator<Item = &'a Block>,
    now: DateTime<Utc>,
) -> CalendarState {
    let mut counts = [0i64; 5];
    let mut edges: Vec<(DateTime<Utc>, usize, i64)> = Vec::new();
    for b in blocks {
        if b.end <= now || b.start >= b.end {
            continue;
        }
        let k = usize::from(strength(b.show_as));
        if b.start <= now {
            counts[k] += 1;
        } else {
            edges.push((b.start, k, 1));
        }
        edges.push((b.end, k, -1));
    }
    let mask_of = |counts: &[i64; 5]| {
        counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .fold(0u8, |m, (k, _)| m | (1 << k))
    };
    let current = mask_of(&counts);
    edges.sort_unstable_by_key(|e| e.0);
    let mut next_change = None;
    let mut i = 0;
    while i < edges.len() {
        let at = edges[i].0;
        while i < edges.len() && edges[i].0 == at {
            counts[edges[i].1] += edges[i].2;
            i += 1;
        }
        if mask_of(&counts) != current {
            next_change = Some(at);
            break;
        }
    }
    let active = mask_to_list(current);
    CalendarState {
        strongest: active.first().copied(),
        active,
        next_change,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use relay_core::Sensitive;

    use super::*;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, h, 0, 0)
            .single()
            .expect("time")
    }

    fn b(from: u32, to: u32, s: ShowAs) -> Block {
        Block::new(t(from), t(to), s, false, Sensitive::new(String::new()))
    }

    #[test]
    fn covering_blocks_and_next_change() {
        let blocks = [
            b(9, 10, ShowAs::Busy),
            b(9, 12, ShowAs::Tentative),
            b(10, 11, ShowAs::Busy),
            b(14, 15, ShowAs::Oof),
        ];
        let at9 = state_at(&blocks, t(9));
        assert_eq!(at9.active, [ShowAs::Busy, ShowAs::Tentative]);
        assert_eq!(at9.strongest, Some(ShowAs::Busy));
        // 10:00: one busy ends and another starts; the set does not change until 11:00.
        assert_eq!(at9.next_change, Some(t(11)));
        let at11 = state_at(&blocks, t(11));
        assert_eq!(at11.active, [ShowAs::Tentative]);
        assert_eq!(at11.next_change, Some(t(12)));
        let at12 = state_at(&blocks, t(12));
        assert!(at12.active.is_empty());
        assert_eq!(at12.strongest, None);
        assert_eq!(at12.next_change, Some(t(14)));
        let at15 = state_at(&blocks, t(15));
        assert_eq!(at15.next_change, None);
    }

    #[test]
    fn zero_length_blocks_change_nothing() {
        let blocks = [b(9, 9, ShowAs::Busy)];
        let s = state_at(&blocks, t(8));
        assert!(s.active.is_empty());
        assert_eq!(s.next_change, None);
    }
}
