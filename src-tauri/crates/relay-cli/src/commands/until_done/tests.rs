//! Against the simulated tenant over real HTTP on loopback, on one `ManualClock` shared by the
//! tenant and the client (whose `ManualSleeper` moves it), so Graph's waits pass at once and the
//! tenant still sees them as waited.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use relay_core::clock::ManualClock;
use relay_core::config::Cloud;
use relay_core::graph_presence::{SessionExpiration, SessionPair};
use relay_core::Sensitive;
use relay_graph::{
    Credential, GraphClient, GraphClientConfig, ManualSleeper, Pacing, PresenceOp, RetryPolicy,
    UrlOverrides,
};
use relay_sim::{Endpoint, FaultSpec, SimHandle, SimOptions, SimTenant};

use super::*;

/// No pause between rounds: the test is about what happens, not when.
const NO_PAUSES: RoundPauses = RoundPauses {
    first: Duration::ZERO,
    max: Duration::ZERO,
};

async fn tenant(users: usize, faults: &str) -> (SimHandle, GraphClient) {
    let clock = ManualClock::new(
        Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
            .single()
            .expect("valid date"),
    );
    let faults: FaultSpec = faults.parse().expect("a valid fault spec");
    let sim = SimTenant::start(
        SimOptions::demo(users)
            .with_clock(clock.clone())
            .with_faults(faults),
    )
    .await
    .expect("the simulated tenant starts");
    let mut config = GraphClientConfig::new(
        Cloud::Global,
        sim.tenant_id().to_string(),
        sim.client_id().to_string(),
        Credential::ClientSecret(Sensitive::new(
            sim.credentials().client_secret.expose().clone(),
        )),
    );
    config.urls = UrlOverrides {
        authority_url: Some(sim.authority_url().to_owned()),
        graph_url: Some(sim.graph_url().to_owned()),
    };
    config.pacing = Pacing {
        max_in_flight: 4,
        min_interval: Duration::ZERO,
    };
    // One try per server error: whatever got a 500 can only end well through another round.
    config.retry = RetryPolicy {
        max_attempts_server_error: 1,
        ..RetryPolicy::default()
    };
    let client = GraphClient::new(
        config,
        Arc::new(clock.clone()),
        Arc::new(ManualSleeper::new(clock)),
    )
    .expect("the client builds");
    (sim, client)
}

fn set_busy(user: &str) -> PresenceOp {
    PresenceOp::SetPresence {
        user: user.to_owned(),
        pair: SessionPair::BusyInACall,
        expiration: SessionExpiration::from_minutes(15).expect("in range"),
    }
}

fn soon(seconds: u64) -> Instant {
    Instant::now() + Duration::from_secs(seconds)
}

#[tokio::test]
async fn calls_the_client_gave_up_on_are_sent_again_until_all_are_done() {
    let (sim, client) = tenant(45, "rate=50,codes=429+500+503,seed=11").await;
    let users: Vec<String> = sim.users().iter().map(|u| u.id.to_string()).collect();
    let ops: Vec<PresenceOp> = users.iter().map(|user| set_busy(user)).collect();

    let ended = run_until_done(&client, &ops, soon(120), NO_PAUSES).await;

    for (user, ended) in users.iter().zip(&ended) {
        assert!(ended.is_ok(), "{user}: {}", ended.message());
    }
    for summary in sim.users() {
        let presence = sim.presence(summary.id).expect("known user");
        assert_eq!(
            (presence.availability.as_str(), presence.activity.as_str()),
            ("Busy", "InACall"),
            "{}",
            summary.id
        );
    }
    let counters = sim.counters();
    assert!(counters.responses(500) > 0, "no 500 was injected");
    assert_eq!(counters.early_retries, 0, "a Retry-After was undercut");
    assert_eq!(counters.responses(400), 0);
}

#[tokio::test]
async fn final_answers_end_at_once_and_are_not_sent_again() {
    let (sim, client) = tenant(2, "none").await;
    let known = sim.users()[0].id.to_string();
    let unknown = "0badc0de-0000-4000-8000-000000000001".to_owned();
    let ops = vec![set_busy(&known), set_busy(&unknown)];

    let ended = run_until_done(&client, &ops, soon(60), NO_PAUSES).await;

    assert!(ended[0].is_ok(), "{}", ended[0].message());
    assert!(matches!(&ended[1], Ended::Failed(err) if err.code() == "not_found"));
    assert_eq!(ended[1].code(), "not_found");
    let sent_for_unknown = sim
        .requests()
        .iter()
        .filter(|request| request.path.contains(&unknown))
        .count();
    assert_eq!(sent_for_unknown, 1);
}

#[tokio::test]
async fn the_deadline_ends_calls_that_keep_failing_and_says_so() {
    let (sim, client) = tenant(3, "rate=100,codes=500,seed=1").await;
    let ops: Vec<PresenceOp> = sim
        .users()
        .iter()
        .map(|user| set_busy(&user.id.to_string()))
        .collect();
    let pauses = RoundPauses {
        first: Duration::from_millis(10),
        max: Duration::from_millis(40),
    };

    let ended = run_until_done(
        &client,
        &ops,
        Instant::now() + Duration::from_millis(300),
        pauses,
    )
    .await;

    for ended in &ended {
        match ended {
            Ended::OutOfTime {
                tries,
                last: Some(last),
            } => {
                assert!(*tries >= 1);
                assert_eq!(last.code(), "transient");
            }
            other => panic!("expected out of time, got {other:?}"),
        }
        assert_eq!(ended.code(), "out_of_time");
        assert!(ended.message().contains("--timeout"), "{}", ended.message());
    }
    assert!(sim.counters().requests(Endpoint::SetPresence) >= 3);
}
