//! Under 30 % injected faults (429, 500, 502, 503, 504 and dropped connections), setting
//! presence for 100 users ends with all 100 applied, no request came back before its
//! `Retry-After`, and nothing the client sent was malformed (no 400).

mod common;

use common::*;
use relay_core::graph_presence::{Availability, SessionExpiration, SessionPair};
use relay_sim::{FaultSpec, SimOptions};
use uuid::Uuid;

const USERS: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_for_100_users_converges_under_30_percent_faults() {
    let faults = FaultSpec {
        rate: 25,
        codes: vec![429, 500, 502, 503, 504],
        drop: 5,
        retry_after_seconds: 5,
        seed: 20270104,
        ..FaultSpec::none()
    };
    let h = Harness::start(SimOptions::demo(USERS).with_faults(faults)).await;
    let client = h.client(h.secret_config());
    let hold = SessionExpiration::from_minutes(60).expect("in range");

    // Like the engine: send every write, then re-send the ones whose retries ran out (each
    // failure must say it is worth retrying).
    let mut pending = h.user_ids();
    let mut rounds = 0;
    while !pending.is_empty() && rounds < 5 {
        rounds += 1;
        let mut calls = tokio::task::JoinSet::new();
        for user in pending.drain(..) {
            let client = client.clone();
            calls.spawn(async move {
                let result = client
                    .set_presence(&user, SessionPair::Available, hold)
                    .await;
                (user, result)
            });
        }
        while let Some(joined) = calls.join_next().await {
            let (user, result) = joined.expect("joined");
            if let Err(err) = result {
                assert!(err.is_retryable(), "only transient failures: {err}");
                pending.push(user);
            }
        }
    }
    assert!(
        pending.is_empty(),
        "not applied after {rounds} rounds: {pending:?}"
    );
    // A call gives up on a 500 or 502 after one retry, so a few writes need the next round.
    assert!(rounds <= 3, "{rounds} rounds");

    let client_id = h.sim.client_id().to_string();
    for user in h.user_ids() {
        let snapshot = h
            .sim
            .user(Uuid::parse_str(&user).expect("guid"))
            .expect("user");
        let ours = snapshot
            .sessions
            .iter()
            .find(|s| s.session_id == client_id)
            .unwrap_or_else(|| panic!("no session for {user}"));
        assert_eq!(ours.availability, Availability::Available);
    }
    let counters = h.sim.counters();
    assert!(
        counters.faults_injected > 0 && counters.connections_dropped > 0,
        "{counters:?}"
    );
    assert_eq!(counters.early_retries, 0, "{counters:?}");
    assert_eq!(counters.responses(400), 0, "{counters:?}");
}
