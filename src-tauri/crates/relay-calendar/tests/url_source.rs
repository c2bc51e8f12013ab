//! The URL source against a real HTTP server on 127.0.0.1.

mod common;

use std::time::Duration;

use common::{gzip, Reply, Server, CALENDAR};
use relay_calendar::fetch::{http_client, FetchError, Loaded, UrlSource};

const SECRET_PATH: &str = "/calendar/private-SeCrEt123/basic.ics";

fn source(server: &Server, max_bytes: usize) -> UrlSource {
    let client = http_client(Duration::from_secs(10)).expect("client");
    UrlSource::new(client, &server.url(SECRET_PATH), max_bytes).expect("loopback http is allowed")
}

#[tokio::test]
async fn conditional_get_with_gzip() {
    let server = Server::start(vec![
        Reply::ok(gzip(CALENDAR.as_bytes()))
            .header("content-encoding", "gzip")
            .header("etag", "\"v1\"")
            .header("last-modified", "Mon, 23 Mar 2026 08:00:00 GMT"),
        Reply::status(304),
    ])
    .await;
    let mut src = source(&server, 1 << 20);
    assert_eq!(
        src.load().await.expect("first load"),
        Loaded::Changed(CALENDAR.as_bytes().to_vec())
    );
    assert_eq!(src.load().await.expect("second load"), Loaded::Unchanged);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen[0]
        .accept_encoding
        .as_deref()
        .is_some_and(|e| e.contains("gzip")));
    assert_eq!(seen[0].if_none_match, None);
    assert_eq!(seen[1].if_none_match.as_deref(), Some("\"v1\""));
    assert_eq!(
        seen[1].if_modified_since.as_deref(),
        Some("Mon, 23 Mar 2026 08:00:00 GMT")
    );
    assert_eq!(seen[1].path, SECRET_PATH);
}

#[tokio::test]
async fn html_is_refused_and_its_validators_are_not_kept() {
    let server = Server::start(vec![
        Reply::ok("<!DOCTYPE html><html><body>Sign in to Outlook</body></html>")
            .header("etag", "\"html\""),
        Reply::ok(CALENDAR).header("etag", "\"v2\""),
    ])
    .await;
    let mut src = source(&server, 1 << 20);
    let err = src.load().await.expect_err("html");
    assert!(matches!(err, FetchError::NotACalendar { .. }), "{err}");
    assert!(err.to_string().contains("an HTML page"), "{err}");
    assert!(matches!(src.load().await, Ok(Loaded::Changed(_))));
    // The refused body's ETag was not sent back.
    assert_eq!(server.seen()[1].if_none_match, None);
}

#[tokio::test]
async fn http_errors_name_the_host_not_the_secret() {
    let server = Server::start(vec![
        Reply::status(500),
        Reply::status(429).header("retry-after", "120"),
        Reply::status(404),
    ])
    .await;
    let mut src = source(&server, 1 << 20);
    let e500 = src.load().await.expect_err("500");
    assert_eq!(
        e500.to_string(),
        "127.0.0.1 answered HTTP 500 (a server error; the last good copy is kept)"
    );
    let e429 = src.load().await.expect_err("429");
    assert_eq!(e429.retry_after(), Some(Duration::from_secs(120)));
    let e404 = src.load().await.expect_err("404");
    assert!(e404.to_string().contains("no longer published"), "{e404}");
    for e in [e500, e429, e404] {
        assert!(!e.to_string().contains("SeCrEt123"), "{e}");
    }
}

#[tokio::test]
async fn oversized_bodies_are_cut_off_while_reading() {
    // 2 MB of calendar-looking text, gzipped to a few KB: the limit applies after decompression.
    let big = format!("{}{}", CALENDAR, "X-PAD:0123456789\r\n".repeat(120_000));
    let server = Server::start(vec![
        Reply::ok(gzip(big.as_bytes())).header("content-encoding", "gzip"),
        Reply::ok(big.clone()),
    ])
    .await;
    let mut src = source(&server, 1 << 20);
    let err = src.load().await.expect_err("gzip bomb");
    assert_eq!(
        err,
        FetchError::BodyTooLarge {
            host: "127.0.0.1".into(),
            limit: 1 << 20
        }
    );
    assert!(matches!(
        src.load().await,
        Err(FetchError::BodyTooLarge { .. })
    ));
}

#[tokio::test]
async fn redirects_to_plain_http_elsewhere_are_refused() {
    let server = Server::start(vec![
        Reply::status(302).header("location", "http://calendar.example.com/basic.ics")
    ])
    .await;
    let mut src = source(&server, 1 << 20);
    let err = src.load().await.expect_err("downgrade");
    let text = err.to_string();
    assert!(matches!(err, FetchError::Network { .. }), "{text}");
    assert!(
        text.contains("a redirect to plain http was refused"),
        "{text}"
    );
}

#[tokio::test]
async fn redirects_on_loopback_are_followed() {
    let server = Server::start(vec![
        Reply::status(301).header("location", "/moved.ics"),
        Reply::ok(CALENDAR),
    ])
    .await;
    let mut src = source(&server, 1 << 20);
    assert!(matches!(src.load().await, Ok(Loaded::Changed(_))));
    assert_eq!(server.seen()[1].path, "/moved.ics");
}

#[tokio::test]
async fn unreachable_servers_are_network_errors() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let client = http_client(Duration::from_secs(5)).expect("client");
    let mut src =
        UrlSource::new(client, &format!("http://{addr}{SECRET_PATH}"), 1 << 20).expect("url");
    let err = src.load().await.expect_err("closed port");
    let text = err.to_string();
    assert!(
        text.starts_with("cannot fetch the calendar from 127.0.0.1: could not connect"),
        "{text}"
    );
    assert!(!text.contains("SeCrEt123"), "{text}");
}
