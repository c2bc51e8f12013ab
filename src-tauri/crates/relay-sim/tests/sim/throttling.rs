//! The presence budget, Retry-After, and the early-retry counter.

use chrono::Duration;
use relay_sim::{Outcome, RetryAfterScope, SimOptions, ThrottleBudget};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{start, start_with, status_and_json};

const TEN_PER_TEN_SECONDS: ThrottleBudget = ThrottleBudget {
    requests: 10,
    window_seconds: 10,
};

#[tokio::test]
async fn the_budget_throttles_with_retry_after_and_refills() {
    let sim = start_with(SimOptions {
        throttle: Some(TEN_PER_TEN_SECONDS),
        token_lifetime: Duration::days(1),
        ..SimOptions::demo(12)
    })
    .await;
    let token = sim.token().await;
    let mut warned = 0;
    for n in 0..10 {
        let response = sim
            .graph(
                Method::GET,
                &format!("/users/{}/presence", sim.user_id(n)),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "request {n}");
        if response.headers().contains_key("ratelimit-remaining") {
            warned += 1;
            assert_eq!(response.headers()["ratelimit-limit"], "10");
        }
    }
    assert_eq!(
        warned, 2,
        "RateLimit-* headers only above 80% of the budget"
    );

    let throttled = sim
        .graph(
            Method::GET,
            &format!("/users/{}/presence", sim.user_id(10)),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers()["retry-after"], "1");
    let (_, body): (_, Value) = status_and_json(throttled).await;
    assert_eq!(body["error"]["code"], "TooManyRequests");
    assert_eq!(body["error"]["innerError"]["status"], "429");

    // Another user is not a retry of that request: throttled by the budget, not counted early.
    let other = sim
        .graph(
            Method::GET,
            &format!("/users/{}/presence", sim.user_id(11)),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(other.status(), StatusCode::TOO_MANY_REQUESTS);
    let counters = sim.counters();
    assert_eq!((counters.throttled, counters.early_retries), (2, 0));

    sim.advance(Duration::seconds(1));
    let refilled = sim
        .graph(
            Method::GET,
            &format!("/users/{}/presence", sim.user_id(10)),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(refilled.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_retry_before_retry_after_gets_a_fresh_429_and_is_counted() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    sim.set_faults("rate=100,codes=503".parse().expect("spec"))
        .expect("faults");
    let first = sim
        .set_presence(&token, user, "Available", "Available", Some("PT1H"))
        .await;
    assert_eq!(first.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(first.headers()["retry-after"], "5");
    sim.set_faults(relay_sim::FaultSpec::none())
        .expect("faults off");

    // Too early: a fresh 429 with a fresh Retry-After, and the hold restarts.
    sim.advance(Duration::seconds(3));
    let early = sim
        .set_presence(&token, user, "Available", "Available", Some("PT1H"))
        .await;
    assert_eq!(early.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(early.headers()["retry-after"], "5");
    sim.advance(Duration::seconds(4));
    let still_early = sim
        .set_presence(&token, user, "Available", "Available", Some("PT1H"))
        .await;
    assert_eq!(still_early.status(), StatusCode::TOO_MANY_REQUESTS);
    // Reads of the same user are other requests.
    assert_eq!(
        sim.graph(
            Method::GET,
            &format!("/users/{user}/presence"),
            Some(&token),
            None
        )
        .await
        .status(),
        StatusCode::OK
    );

    sim.advance(Duration::seconds(5));
    let patient = sim
        .set_presence(&token, user, "Available", "Available", Some("PT1H"))
        .await;
    assert_eq!(patient.status(), StatusCode::OK);

    let counters = sim.counters();
    assert_eq!(counters.early_retries, 2);
    assert_eq!(counters.faults_injected, 1);
    assert_eq!(counters.responses(429), 2);
    let outcomes: Vec<Outcome> = sim.requests().iter().map(|record| record.outcome).collect();
    assert_eq!(
        outcomes[1..],
        [
            Outcome::InjectedFault,
            Outcome::EarlyRetry,
            Outcome::EarlyRetry,
            Outcome::Handled,
            Outcome::Handled
        ]
    );
    // None of the refused writes changed anything before the patient one.
    assert_eq!(sim.user(user).expect("user").sequence_number, "A0000000001");
}

#[tokio::test]
async fn app_scope_holds_every_request_of_the_app() {
    let sim = start_with(SimOptions {
        retry_after_scope: RetryAfterScope::App,
        ..SimOptions::demo(2)
    })
    .await;
    let token = sim.token().await;
    sim.set_faults("rate=100,codes=429".parse().expect("spec"))
        .expect("faults");
    let first = sim
        .graph(
            Method::GET,
            &format!("/users/{}/presence", sim.user_id(0)),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(first.status(), StatusCode::TOO_MANY_REQUESTS);
    sim.set_faults(relay_sim::FaultSpec::none())
        .expect("faults off");
    let other_user = sim
        .graph(
            Method::GET,
            &format!("/users/{}/presence", sim.user_id(1)),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(other_user.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(sim.counters().early_retries, 1);
    sim.advance(Duration::seconds(5));
    let later = sim
        .graph(
            Method::GET,
            &format!("/users/{}/presence", sim.user_id(1)),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(later.status(), StatusCode::OK);
}
