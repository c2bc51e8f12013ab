//! Hostile input: endless dense rules, huge bodies, runaway work. Each must end with a clear
//! message, never a hang. Timings are measured in `benches/calendar.rs`, not asserted here.

use chrono::{DateTime, Utc};
use relay_calendar::{
    expand, parse, parse_bytes, ExpandError, ExpandOptions, Limits, ParseError, Window,
};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("test time")
}

fn window() -> Window {
    Window::new(t("2026-03-20T00:00:00Z"), t("2026-03-27T00:00:00Z"))
}

fn calendar(events: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n{events}END:VCALENDAR\r\n")
}

const NORMAL: &str = "BEGIN:VEVENT\r\nUID:normal\r\nDTSTART:20260323T090000Z\r\n\
    DTEND:20260323T100000Z\r\nSUMMARY:Normal\r\nEND:VEVENT\r\n";

#[test]
fn endless_secondly_rule_is_left_out_with_a_clear_warning() {
    let text = calendar(&format!(
        "BEGIN:VEVENT\r\nUID:flood\r\nDTSTART:20100101T000000Z\r\nDTEND:20100101T000001Z\r\n\
         RRULE:FREQ=SECONDLY\r\nSUMMARY:Flood\r\nEND:VEVENT\r\n{NORMAL}"
    ));
    let parsed = parse(&text, &Limits::default()).expect("parse");
    let expansion = expand(
        &parsed.calendar,
        window(),
        &ExpandOptions::new(chrono_tz::UTC),
    )
    .expect("one runaway event does not refuse the calendar");
    // The ordinary event survives.
    assert_eq!(expansion.blocks.len(), 1);
    assert_eq!(expansion.blocks[0].start, t("2026-03-23T09:00:00Z"));
    let messages: Vec<String> = expansion.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(
        messages[0],
        "line 4: the event repeats more than 20000 times between 2026-03-18 and 2026-03-28; it \
         was left out (is the rule meant to repeat this often?)"
    );
}

#[test]
fn secondly_rule_with_a_huge_count_is_stopped_by_the_step_cap() {
    // COUNT forces counting from DTSTART (no jumping ahead): years of seconds before the window.
    let text = calendar(
        "BEGIN:VEVENT\r\nUID:count\r\nDTSTART:20250101T000000Z\r\nRRULE:FREQ=SECONDLY;COUNT=2000000000\r\n\
         END:VEVENT\r\n",
    );
    let parsed = parse(&text, &Limits::default()).expect("parse");
    let expansion = expand(
        &parsed.calendar,
        window(),
        &ExpandOptions::new(chrono_tz::UTC),
    )
    .expect("expansion");
    assert!(expansion.blocks.is_empty());
    let message = expansion.warnings[0].to_string();
    assert_eq!(
        message,
        "line 7: the rule needs more than 1000000 steps to reach the window; the event starting at \
         line 4 was left out"
    );
}

#[test]
fn many_runaway_rules_exhaust_the_total_budget_with_an_error() {
    // Rules that never match, counted from year 1: each costs ~740k steps before the window.
    let never = (0..20)
        .map(|i| {
            format!(
                "BEGIN:VEVENT\r\nUID:never-{i}\r\nDTSTART:00010101T000000Z\r\n\
                 RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=5\r\nEND:VEVENT\r\n"
            )
        })
        .collect::<String>();
    let parsed = parse(&calendar(&never), &Limits::default()).expect("parse");
    let mut options = ExpandOptions::new(chrono_tz::UTC);
    options.limits.max_total_steps = 2_000_000;
    let err = expand(&parsed.calendar, window(), &options).expect_err("budget");
    assert_eq!(err, ExpandError::TooMuchWork { limit: 2_000_000 });
    assert_eq!(
        err.to_string(),
        "expanding the calendar took more than 2000000 recurrence steps; check it for runaway \
         recurrence rules"
    );
}

#[test]
fn too_many_blocks_is_an_error() {
    let minutely = calendar(
        "BEGIN:VEVENT\r\nUID:m\r\nDTSTART:20260320T000000Z\r\nDURATION:PT1M\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n",
    );
    let parsed = parse(&minutely, &Limits::default()).expect("parse");
    let mut options = ExpandOptions::new(chrono_tz::UTC);
    options.limits.max_blocks = 500;
    let err = expand(&parsed.calendar, window(), &options).expect_err("cap");
    assert_eq!(err, ExpandError::TooManyBlocks { limit: 500 });
}

#[test]
fn long_windows_are_refused() {
    let parsed = parse(&calendar(NORMAL), &Limits::default()).expect("parse");
    let err = expand(
        &parsed.calendar,
        Window::new(t("2026-01-01T00:00:00Z"), t("2028-01-01T00:00:00Z")),
        &ExpandOptions::new(chrono_tz::UTC),
    )
    .expect_err("too long");
    assert_eq!(
        err.to_string(),
        "the window is 730 days long; the limit is 400 days"
    );
}

/// A 50 MB calendar, built like a real one (many events), written to a temp file.
#[cfg(feature = "fetch")]
fn write_50_mb(dir: &tempfile::TempDir) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.path().join("huge.ics");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    file.write_all(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
        .expect("write");
    let mut i = 0u64;
    let mut written = 0usize;
    while written < 50 * 1024 * 1024 {
        let event = format!(
            "BEGIN:VEVENT\r\nUID:event-{i}@example.com\r\nDTSTART:20260323T090000Z\r\n\
             DTEND:20260323T100000Z\r\nSUMMARY:Meeting number {i}\r\nDESCRIPTION:{}\r\nEND:VEVENT\r\n",
            "x".repeat(200)
        );
        file.write_all(event.as_bytes()).expect("write");
        written += event.len();
        i += 1;
    }
    file.write_all(b"END:VCALENDAR\r\n").expect("write");
    file.flush().expect("flush");
    path
}

#[cfg(feature = "fetch")]
#[tokio::test]
async fn a_50_mb_file_is_refused_before_it_is_read() {
    use relay_calendar::fetch::{FetchError, FileSource};

    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_50_mb(&dir);
    let size = std::fs::metadata(&path).expect("meta").len();
    let mut source = FileSource::new(&path, Limits::default().max_bytes);
    let err = source.load().await.expect_err("too large");
    assert_eq!(
        err,
        FetchError::FileTooLarge {
            path: path.display().to_string(),
            size,
            limit: 16 * 1024 * 1024,
        }
    );
    assert!(err.to_string().ends_with(&format!(
        "is {size} bytes, over the limit of 16777216 bytes"
    )));
}

#[test]
fn a_50_mb_body_is_refused_by_the_parser_too() {
    let body = vec![b'x'; 50 * 1024 * 1024];
    let err = parse_bytes(&body, &Limits::default()).expect_err("too large");
    assert_eq!(
        err,
        ParseError::TooLarge {
            size: 50 * 1024 * 1024,
            limit: 16 * 1024 * 1024
        }
    );
    assert_eq!(
        err.to_string(),
        "the calendar is 52428800 bytes, over the limit of 16777216 bytes; check that the source \
         is the calendar you meant"
    );
}

#[test]
fn line_and_component_floods_are_refused() {
    let lines = format!(
        "BEGIN:VCALENDAR\r\n{}END:VCALENDAR\r\n",
        "X-A:b\r\n".repeat(2_000)
    );
    let limits = Limits {
        max_lines: 1_000,
        ..Limits::default()
    };
    assert_eq!(
        parse(&lines, &limits).expect_err("lines"),
        ParseError::TooManyLines { limit: 1_000 }
    );
    let alarms = calendar(&"BEGIN:VALARM\r\nEND:VALARM\r\n".repeat(300));
    let limits = Limits {
        max_components: 100,
        ..Limits::default()
    };
    assert!(matches!(
        parse(&alarms, &limits),
        Err(ParseError::TooManyComponents { limit: 100, .. })
    ));
}

#[test]
fn every_dense_rule_shape_ends() {
    // Dense and sparse shapes across frequencies; each must finish (the test harness would
    // time out otherwise) and never return more than the cap.
    let rules = [
        "FREQ=SECONDLY;BYSECOND=0,1,2,3,4,5,6,7,8,9",
        "FREQ=MINUTELY;BYSECOND=0,10,20,30,40,50",
        "FREQ=HOURLY;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15;BYSECOND=0,30",
        "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12;BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55",
        "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29",
        "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MINUTELY;BYYEARDAY=-1;BYHOUR=23;BYMINUTE=59",
        "FREQ=SECONDLY;INTERVAL=7;BYDAY=SU;BYHOUR=3",
    ];
    for rule in rules {
        let text = calendar(&format!(
            "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20200101T000000Z\r\nRRULE:{rule}\r\nEND:VEVENT\r\n"
        ));
        let parsed = parse(&text, &Limits::default()).expect("parse");
        let result = expand(
            &parsed.calendar,
            window(),
            &ExpandOptions::new(chrono_tz::UTC),
        );
        match result {
            Ok(e) => assert!(e.blocks.len() <= 20_000, "{rule}"),
            Err(e) => panic!("{rule}: a single event must not refuse the calendar: {e}"),
        }
    }
}
