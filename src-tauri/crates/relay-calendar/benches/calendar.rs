//! Calendar timings for docs/BENCHMARKS.md ("Calendar"). Run:
//! `cargo bench -p relay-calendar --bench calendar`
//!
//! Each scenario prints its wall time and the process's peak resident memory so far (VmHWM,
//! Linux only). Scenarios run from cheapest to most expensive, so each peak is that scenario's.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use relay_calendar::fetch::FileSource;
use relay_calendar::{expand, parse, parse_bytes, ExpandOptions, Limits, Window};

fn peak_rss_mib() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or_else(|| "n/a".into(), |kb| format!("{:.0} MiB", kb / 1024.0))
}

fn report(name: &str, started: Instant, outcome: &str) {
    println!(
        "{name:<58} {:>9.1} ms   peak RSS {:>8}   {outcome}",
        started.elapsed().as_secs_f64() * 1000.0,
        peak_rss_mib()
    );
}

fn now() -> DateTime<Utc> {
    "2026-03-23T08:00:00Z".parse().expect("valid")
}

fn week() -> Window {
    Window::new(now() - Duration::days(1), now() + Duration::days(7))
}

/// A busy office calendar: weekly series with moved instances, singles, all-day events.
fn realistic(events: usize) -> String {
    let mut s = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n");
    for i in 0..events {
        let day = 1 + (i % 28);
        let hour = 8 + (i % 9);
        match i % 4 {
            0 => s.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:series-{i}\r\nDTSTART;TZID=W. Europe Standard Time:202001{:02}T{hour:02}0000\r\n\
                 DTEND;TZID=W. Europe Standard Time:202001{:02}T{hour:02}3000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\n\
                 EXDATE;TZID=W. Europe Standard Time:202603{:02}T{hour:02}0000\r\nSUMMARY:Series {i}\r\n\
                 X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\nEND:VEVENT\r\n\
                 BEGIN:VEVENT\r\nUID:series-{i}\r\nRECURRENCE-ID;TZID=W. Europe Standard Time:202603{:02}T{hour:02}0000\r\n\
                 DTSTART;TZID=W. Europe Standard Time:202603{:02}T{:02}0000\r\nDTEND;TZID=W. Europe Standard Time:202603{:02}T{:02}3000\r\n\
                 SUMMARY:Series {i} (moved)\r\nEND:VEVENT\r\n",
                day.min(28), day.min(28), day, day, day, hour + 1, day, hour + 1
            )),
            1 => s.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:single-{i}\r\nDTSTART:202603{day:02}T{hour:02}0000Z\r\n\
                 DTEND:202603{day:02}T{hour:02}4500Z\r\nSUMMARY:Meeting {i}\r\nDESCRIPTION:{}\r\nEND:VEVENT\r\n",
                "Agenda item\\n".repeat(20)
            )),
            2 => s.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:allday-{i}\r\nDTSTART;VALUE=DATE:202603{day:02}\r\n\
                 DTEND;VALUE=DATE:202603{:02}\r\nTRANSP:TRANSPARENT\r\nSUMMARY:Day {i}\r\nEND:VEVENT\r\n",
                day + 1
            )),
            _ => s.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:monthly-{i}\r\nDTSTART;TZID=America/New_York:2018{:02}01T{hour:02}0000\r\n\
                 DURATION:PT1H\r\nRRULE:FREQ=MONTHLY;BYDAY=-1FR\r\nSUMMARY:Monthly {i}\r\nEND:VEVENT\r\n",
                1 + i % 12
            )),
        }
    }
    s.push_str("END:VCALENDAR\r\n");
    s
}

fn main() {
    let options = ExpandOptions::new(chrono_tz::Europe::Berlin);
    println!(
        "relay-calendar bench ({} build)",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );

    // 1. FREQ=SECONDLY with no end, from 2010, expanded over the runner's 8-day window.
    let started = Instant::now();
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:flood\r\nDTSTART:20100101T000000Z\r\n\
                DURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let parsed = parse(text, &Limits::default()).expect("parse");
    let e = expand(&parsed.calendar, week(), &options).expect("expand");
    report(
        "FREQ=SECONDLY, no end, 8-day window",
        started,
        &format!("{} blocks; {}", e.blocks.len(), e.warnings[0]),
    );

    // 2. The same with COUNT (no jumping ahead): stopped by the per-event step cap.
    let started = Instant::now();
    let text = text.replace("FREQ=SECONDLY", "FREQ=SECONDLY;COUNT=2000000000");
    let parsed = parse(&text, &Limits::default()).expect("parse");
    let e = expand(&parsed.calendar, week(), &options).expect("expand");
    report(
        "FREQ=SECONDLY;COUNT=2e9 from 2010",
        started,
        &format!("{} blocks; {}", e.blocks.len(), e.warnings[0]),
    );

    // 3. A 50 MB file: refused from its size before reading.
    let dir = tempfile_dir();
    let path = dir.join("huge.ics");
    let big = realistic(200_000);
    let mut body = big.into_bytes();
    body.resize(50 * 1024 * 1024, b'\n');
    std::fs::write(&path, &body).expect("write 50 MB");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    let err = runtime
        .block_on(FileSource::new(&path, Limits::default().max_bytes).load())
        .expect_err("refused");
    report("50 MB file through FileSource", started, &err.to_string());

    // 4. A 50 MB body handed to the parser directly (e.g. a misconfigured limit upstream).
    let started = Instant::now();
    let err = parse_bytes(&body, &Limits::default()).expect_err("refused");
    report("50 MB body through parse_bytes", started, &err.to_string());
    drop(body);
    let _ = std::fs::remove_file(&path);

    // 5. Realistic calendars: parse + expand one week and one year.
    for events in [2_000usize, 40_000] {
        let text = realistic(events);
        let mb = text.len() as f64 / 1_048_576.0;
        let started = Instant::now();
        let parsed = parse(&text, &Limits::default()).expect("parse");
        report(
            &format!("parse {events} events ({mb:.1} MB)"),
            started,
            &format!("{} events", parsed.calendar.event_count()),
        );
        let started = Instant::now();
        let e = expand(&parsed.calendar, week(), &options).expect("expand");
        report(
            &format!("expand {events} events over 8 days"),
            started,
            &format!("{} blocks", e.blocks.len()),
        );
        let started = Instant::now();
        let year = Window::new(now() - Duration::days(1), now() + Duration::days(365));
        match expand(&parsed.calendar, year, &options) {
            Ok(e) => report(
                &format!("expand {events} events over 1 year"),
                started,
                &format!("{} blocks", e.blocks.len()),
            ),
            Err(err) => report(
                &format!("expand {events} events over 1 year"),
                started,
                &err.to_string(),
            ),
        }
        let started = Instant::now();
        let state = relay_calendar::state_at(&e.blocks, now());
        report(
            &format!("state_at over the 8-day blocks of {events} events"),
            started,
            &format!("next change {:?}", state.next_change),
        );
    }
    let _ = std::fs::remove_dir(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("relay-calendar-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
