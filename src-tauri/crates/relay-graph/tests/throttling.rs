//! Retry, throttling and consent against the simulated tenant, on a shared `ManualClock`: every
//! wait the client asks for is recorded, and the tenant counts any request that came back before
//! its `Retry-After` had passed.

mod common;

use std::time::Duration;

use common::canned::{Canned, CannedServer};
use common::*;
use relay_core::graph_presence::{SessionExpiration, SessionPair};
use std::sync::Arc;

use relay_graph::{
    Credential, GraphClient, GraphErrorKind, Pacing, RetryPolicy, TokioSleeper, UrlOverrides,
};
use relay_sim::{
    Endpoint, FaultSpec, RetryAfterScope, SimOptions, SimTenant, ThrottleBudget, TokioClock,
    PRESENCE_READ_ALL, PRESENCE_READ_WRITE_ALL,
};
use uuid::Uuid;

fn minutes(n: u64) -> SessionExpiration {
    SessionExpiration::from_minutes(n).expect("in range")
}

fn seconds(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// One request per 30 s: the second call in a row is throttled.
fn one_per_30s() -> Option<ThrottleBudget> {
    Some(ThrottleBudget {
        requests: 1,
        window_seconds: 30,
    })
}

#[tokio::test]
async fn retry_after_is_waited_out_in_full_before_the_retry() {
    let options = SimOptions {
        throttle: one_per_30s(),
        ..SimOptions::demo(1)
    };
    let h = Harness::start(options).await;
    let client = h.client(h.secret_config());
    let user = h.user_ids()[0].clone();
    client
        .set_presence(&user, SessionPair::Available, minutes(15))
        .await
        .expect("first");
    client
        .set_presence(&user, SessionPair::Away, minutes(15))
        .await
        .expect("second, after waiting");

    let counters = h.sim.counters();
    assert_eq!(counters.responses(429), 1);
    assert_eq!(counters.early_retries, 0, "never came back early");
    assert_eq!(counters.requests(Endpoint::SetPresence), 3);
    // The tenant refills one request every 30 s; the client waited exactly what it was told.
    let waits = h.sleeper.waits();
    assert_eq!(waits, [seconds(30)], "{waits:?}");
    let records: Vec<_> = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == Endpoint::SetPresence)
        .collect();
    assert_eq!(records[1].status, Some(429));
    assert!(records[2].at >= records[1].at + chrono::Duration::seconds(30));
}

/// Under paused tokio time, not the shared `ManualClock`: a `ManualSleeper` moves time for
/// everyone the moment one call starts to wait, which would hide a client that lets other calls
/// through during the pause. With paused time, tokio only jumps ahead when every task waits, so a
/// call that is not held back really does go out inside the `Retry-After`.
#[tokio::test(start_paused = true)]
async fn a_429_pauses_every_call_to_the_tenant() {
    // The tenant punishes any request of the app that comes inside a Retry-After, whatever user
    // it is for: only a client that pauses the whole tenant passes.
    let clock = TokioClock::starting_at(t0());
    let options = SimOptions {
        throttle: one_per_30s(),
        retry_after_scope: RetryAfterScope::App,
        ..SimOptions::demo(6)
    };
    let sim = SimTenant::start(options.with_clock(clock))
        .await
        .expect("the simulated tenant starts");
    let mut config = sim_config(
        &sim,
        Credential::ClientSecret(sim.credentials().client_secret.clone()),
    );
    // One request in flight: a request already on its way when a 429 is issued cannot be
    // called back, and the tenant would count it as early. What this test checks is that no
    // request *starts* inside the pause.
    config.pacing = Pacing {
        max_in_flight: 1,
        min_interval: Duration::ZERO,
    };
    let client = GraphClient::new(config, Arc::new(clock), Arc::new(TokioSleeper))
        .expect("the client builds");
    let mut calls = tokio::task::JoinSet::new();
    for user in sim.users() {
        let client = client.clone();
        calls.spawn(async move {
            client
                .set_presence(&user.id.to_string(), SessionPair::Available, minutes(15))
                .await
        });
    }
    while let Some(result) = calls.join_next().await {
        result.expect("joined").expect("applied in the end");
    }
    let counters = sim.counters();
    assert!(counters.responses(429) >= 1, "{counters:?}");
    assert_eq!(counters.early_retries, 0, "{counters:?}");
    assert_eq!(
        counters.requests(Endpoint::SetPresence),
        6 + counters.responses(429)
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_a_call_may_block_ends_the_call_and_holds_the_tenant() {
    let options = SimOptions {
        throttle: Some(ThrottleBudget {
            requests: 1,
            window_seconds: 600,
        }),
        ..SimOptions::demo(2)
    };
    let h = Harness::start(options).await;
    let client = h.client(h.secret_config());
    let users = h.user_ids();
    client
        .set_presence(&users[0], SessionPair::Available, minutes(15))
        .await
        .expect("first");
    let err = client
        .set_presence(&users[1], SessionPair::Available, minutes(15))
        .await
        .expect_err("told to wait 10 minutes");
    assert_eq!(err.code(), "throttled");
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(seconds(600)));
    assert_eq!(client.throttled_for(), Some(seconds(600)));
    // Meanwhile nothing goes out for the tenant.
    let held = client
        .get_presence(&users[0])
        .await
        .expect_err("tenant paused");
    assert_eq!(held.code(), "throttled");
    assert!(held.to_string().contains("not sent"), "{held}");
    assert_eq!(h.sim.counters().early_retries, 0);
    assert!(h.sleeper.waits().is_empty(), "no blocking wait");
}

#[tokio::test]
async fn a_retry_after_given_as_an_http_date_is_measured_against_the_servers_date() {
    let server = CannedServer::start(|request, count| {
        if request.path.ends_with("/token") {
            return Canned::json(
                200,
                r#"{"token_type":"Bearer","expires_in":3599,"access_token":"e30.e30.sig"}"#,
            );
        }
        if count == 1 {
            // The server's clock says 09:00:00 and asks to come back at 09:00:42.
            Canned::json(
                429,
                r#"{"error":{"code":"TooManyRequests","message":"Slow down"}}"#,
            )
            .with_header("Date", "Mon, 04 Jan 2027 09:00:00 GMT")
            .with_header("Retry-After", "Mon, 04 Jan 2027 09:00:42 GMT")
        } else {
            Canned::json(200, "")
        }
    })
    .await;
    let h = Harness::start(SimOptions::demo(0)).await;
    // Our clock runs 20 s fast; the wait must still be the full 42 s.
    h.clock.advance(chrono::Duration::seconds(20));
    let mut config = h.secret_config();
    config.urls = UrlOverrides {
        authority_url: Some(server.url.clone()),
        graph_url: Some(server.url.clone()),
    };
    let client = h.client(config);
    client
        .set_presence(
            &Uuid::from_u128(1).to_string(),
            SessionPair::Available,
            minutes(15),
        )
        .await
        .expect("applied after the wait");
    assert_eq!(h.sleeper.waits(), [seconds(42)]);
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].header("retry-attempt"), Some("1"));
}

#[tokio::test]
async fn a_400_is_never_retried() {
    let server = CannedServer::start(|request, _| {
        if request.path.ends_with("/token") {
            Canned::json(
                200,
                r#"{"token_type":"Bearer","expires_in":3599,"access_token":"e30.e30.sig"}"#,
            )
        } else {
            Canned::json(
                400,
                r#"{"error":{"code":"BadRequest","message":"Invalid availability.","innerError":{"request-id":"r-400","date":"2027-01-04T09:00:00"}}}"#,
            )
            .with_header("Retry-After", "1")
        }
    })
    .await;
    let h = Harness::start(SimOptions::demo(0)).await;
    let mut config = h.secret_config();
    config.urls = UrlOverrides {
        authority_url: Some(server.url.clone()),
        graph_url: Some(server.url.clone()),
    };
    let client = h.client(config);
    let err = client
        .set_presence(
            &Uuid::from_u128(1).to_string(),
            SessionPair::Available,
            minutes(15),
        )
        .await
        .expect_err("400");
    assert!(
        matches!(err.kind(), GraphErrorKind::BadRequest { detail } if detail == "BadRequest: Invalid availability."),
        "{err:?}"
    );
    assert_eq!(err.code(), "bad_request");
    assert!(!err.is_retryable());
    assert_eq!(err.request_id(), Some("r-400"));
    assert!(err.to_string().contains("it is not retried"), "{err}");
    let graph_calls = server
        .seen()
        .iter()
        .filter(|s| !s.path.ends_with("/token"))
        .count();
    assert_eq!(graph_calls, 1);
    assert!(h.sleeper.waits().is_empty());
}

#[tokio::test]
async fn server_errors_are_retried_once_and_503s_with_their_retry_after() {
    let h = Harness::start(SimOptions::demo(1)).await;
    let client = h.client(h.secret_config());
    let user = h.user_ids()[0].clone();

    h.sim
        .set_faults(FaultSpec {
            rate: 100,
            codes: vec![500],
            ..FaultSpec::none()
        })
        .expect("faults");
    let err = client
        .set_presence(&user, SessionPair::Available, minutes(15))
        .await
        .expect_err("always 500");
    assert_eq!(*err.kind(), GraphErrorKind::Transient);
    assert_eq!(h.sim.counters().requests(Endpoint::SetPresence), 2);

    h.sim.reset_counters();
    h.sim
        .set_faults(FaultSpec {
            rate: 100,
            codes: vec![503],
            retry_after_seconds: 5,
            ..FaultSpec::none()
        })
        .expect("faults");
    let before = h.sleeper.waits().len();
    let err = client
        .set_presence(&user, SessionPair::Available, minutes(15))
        .await
        .expect_err("always 503");
    assert_eq!(err.code(), "transient");
    let counters = h.sim.counters();
    assert_eq!(
        counters.requests(Endpoint::SetPresence),
        5,
        "five tries in all"
    );
    assert_eq!(counters.early_retries, 0);
    let waits = &h.sleeper.waits()[before..];
    assert_eq!(waits, [seconds(5); 4], "each retry after its Retry-After");
}

#[tokio::test]
async fn dropped_connections_are_retried_with_backoff_then_reported() {
    let h = Harness::start(SimOptions::demo(1)).await;
    let client = h.client(h.secret_config());
    let user = h.user_ids()[0].clone();
    client.acquire_token().await.expect("token");
    h.sim
        .set_faults(FaultSpec {
            drop: 100,
            ..FaultSpec::none()
        })
        .expect("faults");
    let err = client
        .set_presence(&user, SessionPair::Available, minutes(15))
        .await
        .expect_err("no answer");
    assert_eq!(err.code(), "transport");
    assert!(err.is_retryable());
    assert_eq!(h.sim.counters().connections_dropped, 3);
    let waits = h.sleeper.waits();
    let policy = RetryPolicy::default();
    assert_eq!(waits.len(), 2);
    for (retry, wait) in waits.iter().enumerate() {
        let full = policy.base_delay * 2_u32.pow(u32::try_from(retry).expect("small"));
        assert!(*wait <= full && *wait >= full.mul_f64(0.75), "{waits:?}");
    }
}

#[tokio::test]
async fn a_403_stops_writes_and_says_how_to_grant_consent() {
    let options = SimOptions {
        demo_app_roles: vec![PRESENCE_READ_ALL.to_owned()],
        ..SimOptions::demo(2)
    };
    let h = Harness::start(options).await;
    let client = h.client(h.secret_config());
    let users = h.user_ids();
    let tenant = h.sim.tenant_id();
    let client_id = h.sim.client_id();

    let err = client
        .set_presence(&users[0], SessionPair::Available, minutes(15))
        .await
        .expect_err("no write permission");
    let consent_url =
        format!("https://login.microsoftonline.com/{tenant}/adminconsent?client_id={client_id}");
    assert_eq!(
        *err.kind(),
        GraphErrorKind::ConsentMissing {
            consent_url: consent_url.clone()
        }
    );
    assert_eq!(err.code(), "consent_missing");
    assert_eq!(err.status(), Some(403));
    let text = err.to_string();
    assert!(
        text.contains("admin consent for Presence.ReadWrite.All is missing"),
        "{text}"
    );
    assert!(text.contains(&consent_url), "{text}");

    // Further writes stop here; reads still work.
    let held = client
        .clear_presence(&users[1])
        .await
        .expect_err("writes halted");
    assert_eq!(held.code(), "consent_missing");
    assert!(held.operation().contains("not sent"), "{held}");
    assert!(client.writes_halted().is_some());
    client.get_presence(&users[1]).await.expect("reads go on");
    let counters = h.sim.counters();
    assert_eq!(counters.requests(Endpoint::SetPresence), 1);
    assert_eq!(counters.requests(Endpoint::ClearPresence), 0);

    // An admin grants consent; the app resumes with a token that carries the role.
    h.sim
        .set_app_roles(client_id, [PRESENCE_READ_WRITE_ALL])
        .expect("consented");
    client.resume_writes().await;
    assert!(client.writes_halted().is_none());
    client
        .set_presence(&users[0], SessionPair::Available, minutes(15))
        .await
        .expect("writes again");
}
