//! The runner on paused tokio time with a real file: updates arrive exactly at the changes
//! (a timer, not a poll), file edits are picked up, and a broken file keeps the last good copy.

mod common;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use common::TokioClock;
use relay_calendar::fetch::{FileSource, Source};
use relay_calendar::runner::{CalendarRunner, CalendarUpdate, RunnerOptions, SourceHealth};
use relay_calendar::ShowAs;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("test time")
}

fn ics(events: &[(&str, &str, &str, &str)]) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    for (i, (start, end, title, extra)) in events.iter().enumerate() {
        out.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTART:{start}\r\nDTEND:{end}\r\nSUMMARY:{title}\r\n{extra}END:VEVENT\r\n"
        ));
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

async fn next(rx: &mut mpsc::Receiver<CalendarUpdate>) -> CalendarUpdate {
    // Generous in paused time: it only bounds a broken runner, it never passes in real time.
    tokio::time::timeout(StdDuration::from_secs(6 * 3600), rx.recv())
        .await
        .expect("an update within six (virtual) hours")
        .expect("runner still running")
}

#[tokio::test(start_paused = true)]
async fn updates_come_exactly_at_each_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("desk.ics");
    std::fs::write(
        &path,
        ics(&[
            // Odd seconds: a 30-second poll could not land on them.
            (
                "20260323T090007Z",
                "20260323T093000Z",
                "Front desk cover",
                "",
            ),
            (
                "20260323T091500Z",
                "20260323T100000Z",
                "Dentist",
                "STATUS:TENTATIVE\r\n",
            ),
        ]),
    )
    .expect("write");

    let clock = Arc::new(TokioClock::starting_at(t("2026-03-23T08:00:00Z")));
    let mut options = RunnerOptions::new(chrono_tz::UTC);
    options.keyword_sets = vec![vec!["dentist".into()]];
    // Long safety net, so every update below is caused by a change, not a periodic wake-up.
    options.max_sleep = StdDuration::from_secs(3600);
    options.file_check_every = StdDuration::from_secs(30);
    let runner = CalendarRunner::new(
        "front-desk",
        Source::File(FileSource::new(&path, 1 << 20)),
        clock,
        options,
    );
    let (tx, mut rx) = mpsc::channel(16);
    let stop = CancellationToken::new();
    let task = tokio::spawn(runner.run(tx, stop.clone()));

    let first = next(&mut rx).await;
    assert_eq!(first.calendar_id, "front-desk");
    assert_eq!(first.at, t("2026-03-23T08:00:00Z"));
    assert_eq!(first.health, SourceHealth::Live);
    assert!(first.state.active.is_empty());
    assert_eq!(first.state.next_change, Some(t("2026-03-23T09:00:07Z")));
    assert_eq!(
        first.by_keywords[0].state.next_change,
        Some(t("2026-03-23T09:15:00Z"))
    );
    assert_eq!(first.blocks.len(), 2);
    // Titles travel with the blocks for the engine, but not into JSON.
    let json = serde_json::to_string(&first).expect("json");
    assert!(
        !json.contains("Dentist") && !json.contains("Front desk"),
        "{json}"
    );

    let at_nine = next(&mut rx).await;
    assert_eq!(at_nine.at, t("2026-03-23T09:00:07Z"));
    assert_eq!(at_nine.state.active, [ShowAs::Busy]);
    assert!(at_nine.by_keywords[0].state.active.is_empty());

    let quarter = next(&mut rx).await;
    assert_eq!(quarter.at, t("2026-03-23T09:15:00Z"));
    assert_eq!(quarter.state.active, [ShowAs::Busy, ShowAs::Tentative]);
    assert_eq!(quarter.by_keywords[0].state.active, [ShowAs::Tentative]);

    let half = next(&mut rx).await;
    assert_eq!(half.at, t("2026-03-23T09:30:00Z"));
    assert_eq!(half.state.active, [ShowAs::Tentative]);

    let ten = next(&mut rx).await;
    assert_eq!(ten.at, t("2026-03-23T10:00:00Z"));
    assert!(ten.state.active.is_empty());
    assert_eq!(ten.state.next_change, None);

    // An edit is seen at the next file check (at most 30 s later).
    std::fs::write(
        &path,
        ics(&[(
            "20260323T103000Z",
            "20260323T110000Z",
            "Courier",
            "TRANSP:TRANSPARENT\r\n",
        )]),
    )
    .expect("rewrite");
    let edited = next(&mut rx).await;
    assert!(edited.at > t("2026-03-23T10:00:00Z") && edited.at <= t("2026-03-23T10:00:30Z"));
    assert_eq!(edited.state.next_change, Some(t("2026-03-23T10:30:00Z")));
    assert_eq!(edited.blocks.len(), 1);

    // A broken file: the state stays, the health says why.
    std::fs::write(&path, "<!DOCTYPE html><html>Sign in</html>").expect("break");
    let broken = next(&mut rx).await;
    match &broken.health {
        SourceHealth::Stale { error, .. } => {
            assert!(error.contains("not an iCalendar"), "{error}");
        }
        other => panic!("expected stale health, got {other:?}"),
    }
    assert_eq!(broken.state.next_change, Some(t("2026-03-23T10:30:00Z")));

    let free = next(&mut rx).await;
    assert_eq!(free.at, t("2026-03-23T10:30:00Z"));
    assert_eq!(free.state.active, [ShowAs::Free]);

    stop.cancel();
    task.await.expect("runner ends when cancelled");
}

#[tokio::test(start_paused = true)]
async fn a_missing_file_is_unavailable_until_it_appears() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("later.ics");
    let clock = Arc::new(TokioClock::starting_at(t("2026-03-23T08:00:00Z")));
    let runner = CalendarRunner::new(
        "later",
        Source::File(FileSource::new(&path, 1 << 20)),
        clock,
        RunnerOptions::new(chrono_tz::UTC),
    );
    let (tx, mut rx) = mpsc::channel(16);
    let stop = CancellationToken::new();
    let task = tokio::spawn(runner.run(tx, stop.clone()));

    let first = next(&mut rx).await;
    match &first.health {
        SourceHealth::Unavailable { error } => {
            assert!(
                error.starts_with("cannot read the calendar file"),
                "{error}"
            )
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
    std::fs::write(
        &path,
        ics(&[("20260323T083000Z", "20260323T090000Z", "Delivery", "")]),
    )
    .expect("write");
    let live = next(&mut rx).await;
    assert_eq!(live.health, SourceHealth::Live);
    assert_eq!(live.state.next_change, Some(t("2026-03-23T08:30:00Z")));
    stop.cancel();
    task.await.expect("ends");
}
