//! The inspection API over HTTP, the summary for people, and the server's lifecycle.

use relay_sim::{SimOptions, SimTenant};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::common::{start, status_and_json, t0, Sim};

async fn sim_api(
    sim: &Sim,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = sim
        .http
        .request(method, format!("{}{path}", sim.inspection_url()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    status_and_json(request.send().await.expect("answered")).await
}

#[tokio::test]
async fn state_users_and_test_hooks_over_http() {
    let sim = start(2).await;
    let (status, index) = sim_api(&sim, reqwest::Method::GET, "", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(index["routes"]
        .as_array()
        .is_some_and(|routes| !routes.is_empty()));

    let (status, state) = sim_api(&sim, reqwest::Method::GET, "/state", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(state["tenantId"], sim.tenant_id().to_string());
    assert_eq!(state["users"].as_array().map(Vec::len), Some(2));
    assert_eq!(state["now"], json!(t0()));
    assert!(
        !state.to_string().contains(&sim.secret()),
        "the inspection API never shows a secret"
    );
    assert_eq!(state["apps"][0]["secrets"][0]["hint"], "Sim");

    let new_id = Uuid::from_u128(0xABC);
    let (status, user) = sim_api(
        &sim,
        reqwest::Method::POST,
        "/users",
        Some(json!({"id": new_id, "displayName": "Walk-in Visitor"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["presence"]["availability"], "Offline");
    let (status, _) = sim_api(
        &sim,
        reqwest::Method::POST,
        "/users",
        Some(json!({"id": new_id, "displayName": "Again"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, user) = sim_api(
        &sim,
        reqwest::Method::PUT,
        &format!("/users/{new_id}/teams-client/mobile"),
        Some(json!({"availability": "busy", "activity": "inacall"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["presence"]["activity"], "InACall");
    let (status, error) = sim_api(
        &sim,
        reqwest::Method::PUT,
        &format!("/users/{new_id}/teams-client/mobile"),
        Some(json!({"availability": "Offline", "activity": "Offline"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");

    let (_, user) = sim_api(
        &sim,
        reqwest::Method::PUT,
        &format!("/users/{new_id}/out-of-office"),
        Some(json!({"message": "Away until Friday"})),
    )
    .await;
    assert_eq!(
        user["presence"]["outOfOfficeSettings"]["isOutOfOffice"],
        true
    );
    let (_, user) = sim_api(
        &sim,
        reqwest::Method::DELETE,
        &format!("/users/{new_id}/out-of-office"),
        None,
    )
    .await;
    assert_eq!(
        user["presence"]["outOfOfficeSettings"]["isOutOfOffice"],
        false
    );
    let (_, user) = sim_api(
        &sim,
        reqwest::Method::PUT,
        &format!("/users/{new_id}/meeting"),
        None,
    )
    .await;
    assert_eq!(user["inMeeting"], true);
    let (_, signed_out) = sim_api(
        &sim,
        reqwest::Method::DELETE,
        &format!("/users/{new_id}/teams-client/mobile"),
        None,
    )
    .await;
    assert_eq!(signed_out["signedOut"], true);

    let (status, _) = sim_api(
        &sim,
        reqwest::Method::GET,
        &format!("/users/{}", Uuid::from_u128(1)),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = sim_api(&sim, reqwest::Method::GET, "/nothing-here", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, users) = sim_api(&sim, reqwest::Method::GET, "/users", None).await;
    assert_eq!(users["users"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn clock_faults_throttle_counters_and_requests_over_http() {
    let sim = start(1).await;
    let (_, clock) = sim_api(
        &sim,
        reqwest::Method::POST,
        "/clock/advance",
        Some(json!({"duration": "PT5M"})),
    )
    .await;
    assert_eq!(clock["now"], json!(t0() + chrono::Duration::minutes(5)));
    let (_, clock) = sim_api(
        &sim,
        reqwest::Method::POST,
        "/clock/advance",
        Some(json!({"seconds": 60})),
    )
    .await;
    assert_eq!(clock["now"], json!(t0() + chrono::Duration::minutes(6)));
    let (status, _) = sim_api(
        &sim,
        reqwest::Method::POST,
        "/clock/advance",
        Some(json!({"seconds": -5})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, clock) = sim_api(&sim, reqwest::Method::GET, "/clock", None).await;
    assert_eq!(clock["offsetSeconds"], 360);
    assert_eq!(sim.clock_offset(), chrono::Duration::minutes(6));

    let (status, faults) = sim_api(
        &sim,
        reqwest::Method::PUT,
        "/faults",
        Some(json!({"spec": "rate=30,codes=429+503,drop=5,seed=7"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{faults}");
    assert_eq!(
        faults["spec"],
        "rate=30,codes=429+503,drop=5,retry-after=5,seed=7"
    );
    assert_eq!(sim.faults().rate, 30);
    let (status, error) = sim_api(
        &sim,
        reqwest::Method::PUT,
        "/faults",
        Some(json!({"spec": "rate=300"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("rate=300")));
    let (_, faults) = sim_api(
        &sim,
        reqwest::Method::PUT,
        "/faults",
        Some(json!({"rate": 0, "drop": 0})),
    )
    .await;
    assert_eq!(faults["spec"], "none");

    let (_, throttle) = sim_api(
        &sim,
        reqwest::Method::PUT,
        "/throttle",
        Some(json!({"budget": "10000/30"})),
    )
    .await;
    assert_eq!(
        throttle["budget"],
        json!({"requests": 10000, "windowSeconds": 30})
    );
    let (_, throttle) = sim_api(
        &sim,
        reqwest::Method::PUT,
        "/throttle",
        Some(json!({"budget": null})),
    )
    .await;
    assert_eq!(throttle["budget"], Value::Null);
    assert_eq!(sim.throttle(), None);

    let token = sim.token().await;
    sim.set_presence(&token, sim.user_id(0), "Away", "Away", None)
        .await;
    let (_, counters) = sim_api(&sim, reqwest::Method::GET, "/counters", None).await;
    assert_eq!(counters["requestsByEndpoint"]["setPresence"], 1);
    assert_eq!(counters["requestsByEndpoint"]["token"], 1);
    assert_eq!(counters["responsesByStatus"]["200"], 2);
    assert_eq!(counters["earlyRetries"], 0);

    let (_, requests) = sim_api(&sim, reqwest::Method::GET, "/requests?since=1", None).await;
    let requests = requests["requests"].as_array().expect("requests").clone();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["endpoint"], "setPresence");
    assert_eq!(requests[0]["body"]["availability"], "Away");
    let (status, _) = sim_api(&sim, reqwest::Method::GET, "/requests?after=1", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, counters) = sim_api(&sim, reqwest::Method::DELETE, "/counters", None).await;
    assert_eq!(counters["tokensIssued"], 0);
    sim_api(&sim, reqwest::Method::DELETE, "/requests", None).await;
    assert!(sim.requests().is_empty());

    let (_, revoked) = sim_api(&sim, reqwest::Method::POST, "/tokens/revoke", None).await;
    assert_eq!(revoked["revoked"], true);
    let response = sim
        .graph(
            reqwest::Method::GET,
            &format!("/users/{}/presence", sim.user_id(0)),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn describe_names_the_urls_and_demo_credentials() {
    let sim = start(12).await;
    let text = sim.describe();
    for expected in [
        sim.authority_url().to_owned(),
        sim.token_url(),
        sim.tenant_id().to_string(),
        sim.client_id().to_string(),
        sim.secret(),
        sim.user_id(0).to_string(),
        "... and 2 more".to_owned(),
        "1500/30s per app".to_owned(),
        "Faults          none".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected} missing from:\n{text}");
    }
    // The secret stays redacted everywhere else.
    assert!(!format!("{:?}", sim.credentials()).contains(&sim.secret()));
}

#[tokio::test]
async fn demo_identities_are_stable_per_seed() {
    let first = SimTenant::start(SimOptions::demo(3)).await.expect("starts");
    let second = SimTenant::start(SimOptions::demo(3)).await.expect("starts");
    let other_seed = SimTenant::start(SimOptions {
        seed: 1,
        ..SimOptions::demo(3)
    })
    .await
    .expect("starts");
    assert_ne!(first.local_addr(), second.local_addr());
    assert_eq!(first.tenant_id(), second.tenant_id());
    assert_eq!(first.client_id(), second.client_id());
    assert_eq!(first.users(), second.users());
    assert_ne!(first.tenant_id(), other_seed.tenant_id());
    assert_ne!(first.users()[0].id, other_seed.users()[0].id);
}

#[tokio::test]
async fn shutdown_run_until_and_drop_stop_the_server() {
    let client = reqwest::Client::new();

    let sim = SimTenant::start(SimOptions::demo(0)).await.expect("starts");
    let url = format!("{}/state", sim.inspection_url());
    assert_eq!(
        client.get(&url).send().await.expect("up").status(),
        StatusCode::OK
    );
    sim.shutdown().await.expect("clean shutdown");
    assert!(
        client.get(&url).send().await.is_err(),
        "nothing listens after shutdown"
    );

    let sim = SimTenant::start(SimOptions::demo(0)).await.expect("starts");
    let url = format!("{}/state", sim.inspection_url());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(sim.run_until(async {
        let _ = stopped.await;
    }));
    assert_eq!(
        client.get(&url).send().await.expect("up").status(),
        StatusCode::OK
    );
    let _ = stop.send(());
    running.await.expect("task joins").expect("clean stop");
    assert!(client.get(&url).send().await.is_err());

    let sim = SimTenant::start(SimOptions::demo(0)).await.expect("starts");
    let addr = sim.local_addr();
    drop(sim);
    // The aborted server task is dropped (and its listener closed) when the runtime next runs it.
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "dropping the handle closes the listener"
    );

    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = taken.local_addr().expect("bound").port();
    let error = SimTenant::start(SimOptions {
        port,
        ..SimOptions::default()
    })
    .await
    .expect_err("the port is in use");
    assert!(error
        .to_string()
        .contains(&format!("could not listen on 127.0.0.1:{port}")));
    drop(taken);
}
