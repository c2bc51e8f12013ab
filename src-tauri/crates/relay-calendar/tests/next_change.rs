//! Property tests for `state_at`: as `now` advances, `next_change` never goes backwards, it is
//! always after `now`, nothing changes before it, and something does change at it.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use relay_calendar::{expand, parse, state_at, Block, ExpandOptions, Limits, ShowAs, Window};
use relay_core::Sensitive;

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 27, 0, 0, 0)
        .single()
        .expect("valid")
}

fn show_as() -> impl Strategy<Value = ShowAs> {
    prop_oneof![
        Just(ShowAs::Free),
        Just(ShowAs::Tentative),
        Just(ShowAs::Busy),
        Just(ShowAs::Oof),
        Just(ShowAs::WorkingElsewhere),
    ]
}

/// Up to 40 blocks within three days, lengths 0 to 6 hours, on a 5-minute grid so that starts
/// and ends often coincide (the interesting case for "did the set change?").
fn blocks() -> impl Strategy<Value = Vec<Block>> {
    prop::collection::vec((0i64..864, 0i64..72, show_as()), 0..40).prop_map(|v| {
        v.into_iter()
            .map(|(start, len, s)| {
                let start = base() + Duration::minutes(start * 5);
                Block::new(
                    start,
                    start + Duration::minutes(len * 5),
                    s,
                    false,
                    Sensitive::new(String::new()),
                )
            })
            .collect()
    })
}

/// Increasing instants over the same three days (plus a little past the end).
fn nows() -> impl Strategy<Value = Vec<DateTime<Utc>>> {
    prop::collection::vec(0i64..(4 * 86_400), 1..40).prop_map(|mut v| {
        v.sort_unstable();
        v.into_iter()
            .map(|s| base() + Duration::seconds(s))
            .collect()
    })
}

fn check_walk(blocks: &[Block], nows: &[DateTime<Utc>]) -> Result<(), TestCaseError> {
    let mut previous: Option<(DateTime<Utc>, relay_calendar::CalendarState)> = None;
    for &now in nows {
        let state = state_at(blocks, now);
        if let Some(next) = state.next_change {
            prop_assert!(next > now, "next_change {next} is not after now {now}");
            // Something really changes there.
            prop_assert_ne!(&state_at(blocks, next).active, &state.active);
            // Nothing changes before it.
            let just_before = next - Duration::seconds(1);
            if just_before > now {
                prop_assert_eq!(&state_at(blocks, just_before).active, &state.active);
            }
        }
        if let Some((then, earlier)) = &previous {
            match (earlier.next_change, state.next_change) {
                (Some(a), Some(b)) => prop_assert!(b >= a, "next_change went back from {a} to {b}"),
                // Once nothing changes any more, nothing changes later either.
                (None, Some(b)) => prop_assert!(false, "next_change appeared ({b}) after None"),
                _ => {}
            }
            // Before the promised change, the answer is the same.
            if earlier.next_change.is_none_or(|a| now < a) && now >= *then {
                prop_assert_eq!(&state.active, &earlier.active);
                prop_assert_eq!(state.next_change, earlier.next_change);
            }
        }
        previous = Some((now, state));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn next_change_never_goes_backwards(blocks in blocks(), nows in nows()) {
        check_walk(&blocks, &nows)?;
    }

    #[test]
    fn strongest_is_the_first_active(blocks in blocks(), nows in nows()) {
        for now in nows {
            let s = state_at(&blocks, now);
            prop_assert_eq!(s.strongest, s.active.first().copied());
            let covering = blocks.iter().filter(|b| b.start <= now && now < b.end).count();
            prop_assert_eq!(covering == 0, s.active.is_empty());
        }
    }
}

/// Recurring events through the whole pipeline (parse -> expand -> state_at), including a DST
/// change in the default zone.
fn recurring_calendar() -> impl Strategy<Value = String> {
    let event = (
        prop_oneof![
            Just("DAILY"),
            Just("HOURLY"),
            Just("WEEKLY"),
            Just("MINUTELY")
        ],
        1u32..4,
        0u32..24,
        0u32..60,
        1u32..240,
        prop_oneof![
            Just(""),
            Just("TRANSP:TRANSPARENT\r\n"),
            Just("STATUS:TENTATIVE\r\n")
        ],
        prop_oneof![Just("Europe/Berlin"), Just("America/New_York"), Just("")],
    );
    prop::collection::vec(event, 1..6).prop_map(|events| {
        let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
        for (i, (freq, interval, h, m, minutes, extra, tz)) in events.into_iter().enumerate() {
            let interval = if freq == "MINUTELY" { interval * 37 } else { interval };
            let tzid = if tz.is_empty() { String::new() } else { format!(";TZID={tz}") };
            text.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTART{tzid}:20260320T{h:02}{m:02}00\r\n\
                 DURATION:PT{minutes}M\r\nRRULE:FREQ={freq};INTERVAL={interval}\r\n{extra}END:VEVENT\r\n"
            ));
        }
        text.push_str("END:VCALENDAR\r\n");
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn next_change_never_goes_backwards_through_the_pipeline(
        text in recurring_calendar(),
        offsets in prop::collection::vec(0i64..(3 * 86_400), 1..30),
    ) {
        let parsed = parse(&text, &Limits::default()).expect("generated calendars parse");
        let window = Window::new(base() - Duration::days(1), base() + Duration::days(4));
        let expansion = expand(&parsed.calendar, window, &ExpandOptions::new(chrono_tz::Europe::Berlin))
            .expect("generated calendars expand");
        let mut offsets = offsets;
        offsets.sort_unstable();
        let nows: Vec<DateTime<Utc>> = offsets.into_iter().map(|s| base() + Duration::seconds(s)).collect();
        check_walk(&expansion.blocks, &nows)?;
    }
}
