//! Fault injection: deterministic per seed, no state change, dropped connections, and a client
//! that behaves well getting every write through 30% faults.

use chrono::Duration;
use relay_sim::{FaultSpec, Outcome, SimOptions};
use reqwest::{Method, StatusCode};

use crate::common::{start, start_with, Sim};

async fn statuses_for_reads(sim: &Sim, token: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for n in 0..40 {
        let response = sim
            .graph(
                Method::GET,
                &format!("/users/{}/presence", sim.user_id(n)),
                Some(token),
                None,
            )
            .await;
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn the_same_seed_injects_the_same_faults() {
    let sim = start(40).await;
    let token = sim.token().await;
    let spec: FaultSpec = "rate=50,codes=429+500+502+503+504+507,seed=7"
        .parse()
        .expect("spec");
    sim.set_faults(spec.clone()).expect("faults");
    let first = statuses_for_reads(&sim, &token).await;
    // Setting the spec again restarts its RNG.
    sim.set_faults(spec).expect("faults");
    sim.advance(Duration::minutes(1)); // past every Retry-After
    let second = statuses_for_reads(&sim, &token).await;
    assert_eq!(first, second);

    let faulted = first.iter().filter(|status| **status != 200).count();
    assert!((8..=32).contains(&faulted), "about half of 40: {first:?}");
    assert!(!first.contains(&507), "GET never gets 507");
    assert!(first
        .iter()
        .all(|status| [200, 429, 500, 502, 503, 504].contains(status)));
    assert_eq!(sim.counters().faults_injected, 2 * faulted as u64);

    sim.set_faults("rate=50,seed=8".parse().expect("spec"))
        .expect("faults");
    sim.advance(Duration::minutes(1));
    assert_ne!(
        statuses_for_reads(&sim, &token).await,
        first,
        "another seed, other faults"
    );
}

#[tokio::test]
async fn an_injected_fault_changes_nothing() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    sim.set_faults("rate=100,codes=500".parse().expect("spec"))
        .expect("faults");
    let response = sim
        .set_presence(&token, user, "Busy", "InACall", Some("PT1H"))
        .await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let snapshot = sim.user(user).expect("user");
    assert!(snapshot.sessions.is_empty());
    assert_eq!(snapshot.sequence_number, "A0000000000");
    // The token endpoint and the inspection API are never faulted.
    let _ = sim.token().await;
    let state = sim
        .http
        .get(format!("{}/state", sim.inspection_url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(state.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_and_changes_nothing() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    sim.set_faults("drop=100".parse().expect("spec"))
        .expect("faults");
    let error = sim
        .try_graph(
            Method::POST,
            &format!("/users/{user}/presence/setPresence"),
            Some(&token),
            Some(serde_json::json!({
                "sessionId": sim.client_id().to_string(),
                "availability": "Available",
                "activity": "Available",
            })),
        )
        .await
        .expect_err("the connection is closed without a response");
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    assert!(sim.user(user).expect("user").sessions.is_empty());
    let counters = sim.counters();
    assert_eq!(counters.connections_dropped, 1);
    let record = sim.requests().pop().expect("logged");
    assert_eq!((record.outcome, record.status), (Outcome::Dropped, None));

    sim.set_faults(FaultSpec::none()).expect("faults off");
    let response = sim
        .set_presence(&token, user, "Available", "Available", None)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the simulator still serves"
    );
}

/// What the acceptance test asks of the real client, done by a minimal well-behaved client:
/// honour Retry-After, retry 5xx and dropped connections, never send a bad request.
#[tokio::test]
async fn a_well_behaved_client_gets_every_write_through_thirty_percent_faults() {
    let sim = start_with(SimOptions {
        token_lifetime: Duration::days(1),
        ..SimOptions::demo(100).with_faults(
            "rate=25,codes=429+500+502+503+504,drop=5,seed=7"
                .parse()
                .expect("spec"),
        )
    })
    .await;
    let token = sim.token().await;
    for n in 0..100 {
        let user = sim.user_id(n);
        let mut attempts = 0;
        loop {
            attempts += 1;
            assert!(attempts < 50, "user {n} never got through");
            let body = serde_json::json!({
                "sessionId": sim.client_id().to_string(),
                "availability": "Busy",
                "activity": "InACall",
                "expirationDuration": "PT4H",
            });
            let sent = sim
                .try_graph(
                    Method::POST,
                    &format!("/users/{user}/presence/setPresence"),
                    Some(&token),
                    Some(body),
                )
                .await;
            let Ok(response) = sent else { continue };
            match response.status().as_u16() {
                200 => break,
                429 | 503 => {
                    let seconds: i64 = response.headers()["retry-after"]
                        .to_str()
                        .ok()
                        .and_then(|value| value.parse().ok())
                        .expect("Retry-After in seconds");
                    sim.advance(Duration::seconds(seconds));
                }
                500 | 502 | 504 => {}
                other => panic!("unexpected status {other} for user {n}"),
            }
        }
    }
    let state = sim.state();
    assert!(state
        .users
        .iter()
        .all(|user| user.presence.activity.as_str() == "InACall"));
    let counters = sim.counters();
    assert_eq!(counters.early_retries, 0);
    assert_eq!(counters.responses(400), 0);
    assert!(counters.faults_injected > 10, "{counters:?}");
    assert!(counters.connections_dropped > 0, "{counters:?}");
}
