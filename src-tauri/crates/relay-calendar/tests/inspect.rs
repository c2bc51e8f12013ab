//! `calendar inspect` as a library: file and URL sources, JSON and table output.

mod common;

use std::path::Path;

use common::{Reply, Server};
use relay_calendar::inspect::{inspect, parse_time, parse_zone, InspectError, InspectRequest};
use relay_calendar::Limits;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn request(source: String, from: &str, to: &str, tz: &str) -> InspectRequest {
    let zone = parse_zone(tz).expect("zone");
    InspectRequest {
        source,
        from: parse_time(from, zone).expect("from"),
        to: parse_time(to, zone).expect("to"),
        zone,
        owner_addresses: Vec::new(),
        limits: Limits::default(),
    }
}

#[tokio::test]
async fn file_json_matches_the_golden_output() {
    let req = request(
        fixture("outlook-windows-tz.ics"),
        "2026-03-23T00:00:00Z",
        "2026-04-01T00:00:00Z",
        "Europe/Berlin",
    );
    let result = inspect(&req).await.expect("inspect");
    let golden =
        std::fs::read_to_string(fixture("outlook-windows-tz.blocks.json")).expect("golden");
    assert_eq!(result.to_json(), golden);
    assert!(result.warnings.is_empty());
}

#[tokio::test]
async fn table_shows_local_times_and_titles_only_on_request() {
    let req = request(
        fixture("outlook-windows-tz.ics"),
        "2026-03-30",
        "2026-03-31",
        "Europe/Berlin",
    );
    let result = inspect(&req).await.expect("inspect");
    let table = result.table(req.zone, false);
    assert_eq!(
        table,
        "start (Europe/Berlin)  end                   show as\n\
         Mon 2026-03-30 00:00  Tue 2026-03-31 00:00  working_elsewhere\n\
         Mon 2026-03-30 09:00  Mon 2026-03-30 09:15  busy\n\
         2 blocks\n"
    );
    let with_titles = result.table(req.zone, true);
    assert!(
        with_titles.contains("busy               Reception stand-up"),
        "{with_titles}"
    );
}

#[tokio::test]
async fn url_sources_are_fetched_once() {
    let body = std::fs::read(fixture("vfreebusy.ics")).expect("fixture");
    let server = Server::start(vec![Reply::ok(body)]).await;
    let req = request(server.url("/fb.ics"), "2026-05-14", "2026-05-15", "Etc/UTC");
    let result = inspect(&req).await.expect("inspect");
    assert_eq!(
        result.to_json(),
        "{\"blocks\":[\n  {\"start\":\"2026-05-14T00:00:00Z\",\"end\":\"2026-05-16T00:00:00Z\",\"show_as\":\"oof\"}\n]}\n"
    );
}

#[tokio::test]
async fn errors_are_typed_and_readable() {
    let missing = request(
        "/nonexistent/cal.ics".into(),
        "2026-01-01",
        "2026-01-02",
        "UTC",
    );
    let err = inspect(&missing).await.expect_err("missing file");
    assert!(matches!(err, InspectError::Fetch(_)), "{err}");
    assert!(err
        .to_string()
        .starts_with("cannot read the calendar file /nonexistent/cal.ics"));

    let reversed = request(fixture("rules.ics"), "2026-02-01", "2026-01-01", "UTC");
    let err = inspect(&reversed).await.expect_err("reversed");
    assert_eq!(
        err.to_string(),
        "the window ends (2026-01-01T00:00:00Z) before it starts (2026-02-01T00:00:00Z)"
    );
    assert!(parse_zone("Middle/Earth").is_err());
}
