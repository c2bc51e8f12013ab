//! Inputs that once crashed the fuzz target (`fuzz/`), replayed on stable in every test run with
//! the target's checks. Add new crash inputs to `tests/fuzz_regressions/`.

use std::path::Path;

use chrono::{Duration, TimeZone, Utc};
use relay_calendar::{expand, parse_bytes, state_at, Block, ExpandOptions, Limits, Window};

#[test]
fn former_crashes_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("regressions dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "ics") {
            continue;
        }
        let data = std::fs::read(&path).expect("read");
        count += 1;
        let Ok(parsed) = parse_bytes(&data, &Limits::default()) else {
            continue;
        };
        let from = Utc
            .with_ymd_and_hms(2026, 3, 20, 0, 0, 0)
            .single()
            .expect("valid");
        let window = Window::new(from, from + Duration::days(14));
        let Ok(expansion) = expand(
            &parsed.calendar,
            window,
            &ExpandOptions::new(chrono_tz::Europe::Berlin),
        ) else {
            continue;
        };
        let blocks = &expansion.blocks;
        assert!(
            blocks.iter().all(|b| b.start <= b.end),
            "{}",
            path.display()
        );
        assert!(
            blocks
                .windows(2)
                .all(|w| Block::output_order(&w[0], &w[1]).is_le()),
            "{}",
            path.display()
        );
        let now = from + Duration::days(3);
        assert!(state_at(blocks, now).next_change.is_none_or(|n| n > now));
    }
    assert!(count >= 3, "the regression inputs are missing");
}
