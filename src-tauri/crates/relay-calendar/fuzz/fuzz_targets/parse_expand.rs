//! Fuzzes the ICS path end to end: bytes -> parse -> expand -> state_at, and checks the
//! invariants the rest of the app relies on (blocks sorted, inside the window, start <= end,
//! next_change after now). Run: see docs/CALENDAR.md ("Fuzzing").
#![no_main]

use chrono::{Duration, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use relay_calendar::{expand, parse_bytes, state_at, Block, ExpandOptions, Limits, Window};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        // Smaller caps keep each run fast; the code paths are the same.
        max_bytes: 1 << 20,
        max_instances_per_event: 2_000,
        max_steps_per_event: 200_000,
        max_total_steps: 1_000_000,
        max_blocks: 20_000,
        ..Limits::default()
    };
    let Ok(parsed) = parse_bytes(data, &limits) else {
        return;
    };
    let from = Utc
        .with_ymd_and_hms(2026, 3, 20, 0, 0, 0)
        .single()
        .expect("valid start");
    let window = Window::new(from, from + Duration::days(14));
    let mut options = ExpandOptions::new(chrono_tz::Europe::Berlin);
    options.limits = limits;
    let Ok(expansion) = expand(&parsed.calendar, window, &options) else {
        return;
    };
    let blocks = &expansion.blocks;
    for b in blocks {
        assert!(b.start <= b.end, "block ends before it starts");
        assert!(
            b.overlaps(window.from, window.to),
            "block outside the window"
        );
    }
    assert!(
        blocks
            .windows(2)
            .all(|w| Block::output_order(&w[0], &w[1]).is_le()),
        "blocks not sorted"
    );
    let now = from + Duration::days(3);
    let state = state_at(blocks, now);
    if let Some(next) = state.next_change {
        assert!(next > now, "next_change not after now");
    }
});
