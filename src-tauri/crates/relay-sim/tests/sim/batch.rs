//! `$batch`: limits, ids, dependencies, per-request throttling, shuffled responses.

use relay_sim::{Endpoint, ThrottleBudget};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::common::{start, status_and_json, Sim};

fn get(id: &str, user: Uuid) -> Value {
    json!({"id": id, "method": "GET", "url": format!("/users/{user}/presence")})
}

fn set(sim: &Sim, id: &str, user: Uuid, availability: &str, activity: &str) -> Value {
    json!({
        "id": id,
        "method": "POST",
        "url": format!("/users/{user}/presence/setPresence"),
        "headers": {"Content-Type": "application/json"},
        "body": {
            "sessionId": sim.client_id().to_string(),
            "availability": availability,
            "activity": activity,
            "expirationDuration": "PT1H",
        },
    })
}

async fn batch(sim: &Sim, token: &str, requests: Vec<Value>) -> (StatusCode, Value) {
    status_and_json(
        sim.graph(
            Method::POST,
            "/$batch",
            Some(token),
            Some(json!({"requests": requests})),
        )
        .await,
    )
    .await
}

fn by_id<'a>(body: &'a Value, id: &str) -> &'a Value {
    body["responses"]
        .as_array()
        .and_then(|responses| responses.iter().find(|response| response["id"] == id))
        .unwrap_or_else(|| panic!("no response with id {id} in {body}"))
}

#[tokio::test]
async fn malformed_batches_fail_whole() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    let twenty_one: Vec<Value> = (0..21).map(|n| get(&n.to_string(), user)).collect();
    let twenty: Vec<Value> = (0..20).map(|n| get(&n.to_string(), user)).collect();
    let mut no_content_type = set(&sim, "1", user, "Available", "Available");
    no_content_type["headers"] = json!({});
    let cases = [
        twenty_one,
        vec![get("a", user), get("A", user)],
        vec![no_content_type],
        vec![json!({"method": "GET", "url": "/users/x/presence"})],
        vec![json!({"id": "1", "method": "GET", "url": "https://graph.microsoft.com/v1.0/me"})],
        vec![get("1", user), {
            let mut second = get("2", user);
            second["dependsOn"] = json!(["9"]);
            second
        }],
        Vec::new(),
    ];
    for requests in cases {
        let (status, body) = batch(&sim, &token, requests.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{requests:?}: {body}");
        assert_eq!(body["error"]["code"], "BadRequest");
    }
    let (status, body) = batch(&sim, &token, twenty).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["responses"].as_array().map(Vec::len), Some(20));
}

#[tokio::test]
async fn inner_requests_run_through_the_same_handlers_in_a_shuffled_answer() {
    let sim = start(20).await;
    let token = sim.token().await;
    let requests: Vec<Value> = (0..20)
        .map(|n| set(&sim, &n.to_string(), sim.user_id(n), "Busy", "InACall"))
        .collect();
    let (status, body) = batch(&sim, &token, requests).await;
    assert_eq!(status, StatusCode::OK);
    let order: Vec<String> = body["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .map(|response| response["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let in_request_order: Vec<String> = (0..20).map(|n| n.to_string()).collect();
    assert_ne!(order, in_request_order, "responses come back shuffled");
    for n in 0..20 {
        assert_eq!(by_id(&body, &n.to_string())["status"], 200);
        assert_eq!(
            sim.presence(sim.user_id(n))
                .expect("user")
                .activity
                .as_str(),
            "InACall"
        );
    }
    let counters = sim.counters();
    assert_eq!(counters.requests(Endpoint::Batch), 1);
    assert_eq!(counters.requests(Endpoint::SetPresence), 20);
    // The token, the batch itself, and its twenty inner requests.
    assert_eq!(counters.responses(200), 1 + 1 + 20);
    // Inner requests are logged with their batch.
    let inner = sim
        .requests()
        .into_iter()
        .filter(|record| record.batch.is_some())
        .count();
    assert_eq!(inner, 20);
}

#[tokio::test]
async fn a_failed_dependency_yields_424_and_independent_requests_still_run() {
    let sim = start(3).await;
    let token = sim.token().await;
    let mut depends = set(&sim, "2", sim.user_id(1), "Away", "Away");
    depends["dependsOn"] = json!(["1"]);
    let mut chained = get("3", sim.user_id(1));
    chained["dependsOn"] = json!(["2"]);
    let requests = vec![
        set(&sim, "1", sim.user_id(0), "Busy", "Busy"),
        depends,
        chained,
        set(&sim, "4", sim.user_id(2), "Available", "Available"),
    ];
    let (status, body) = batch(&sim, &token, requests).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_id(&body, "1")["status"], 400);
    assert_eq!(by_id(&body, "1")["body"]["error"]["code"], "BadRequest");
    assert_eq!(by_id(&body, "2")["status"], 424);
    assert_eq!(by_id(&body, "3")["status"], 424);
    assert_eq!(by_id(&body, "4")["status"], 200);
    assert!(by_id(&body, "4").get("body").is_none());
    // The dependent write did not happen.
    assert_eq!(
        sim.presence(sim.user_id(1))
            .expect("user")
            .availability
            .as_str(),
        "Offline"
    );

    // A dependency that succeeded lets its dependant run.
    let mut after = get("b", sim.user_id(2));
    after["dependsOn"] = json!(["a"]);
    let (_, body) = batch(
        &sim,
        &token,
        vec![set(&sim, "a", sim.user_id(2), "Away", "Away"), after],
    )
    .await;
    assert_eq!(by_id(&body, "b")["status"], 200);
    assert_eq!(by_id(&body, "b")["body"]["availability"], "Away");
}

#[tokio::test]
async fn each_inner_request_is_throttled_with_its_own_retry_after() {
    let sim = start(8).await;
    let token = sim.token().await;
    sim.set_throttle(Some(ThrottleBudget {
        requests: 5,
        window_seconds: 30,
    }))
    .expect("budget");
    let requests: Vec<Value> = (0..8)
        .map(|n| get(&n.to_string(), sim.user_id(n)))
        .collect();
    let (status, body) = batch(&sim, &token, requests).await;
    assert_eq!(status, StatusCode::OK, "the batch itself is not throttled");
    let responses = body["responses"].as_array().expect("responses");
    let throttled: Vec<&Value> = responses
        .iter()
        .filter(|response| response["status"] == 429)
        .collect();
    assert_eq!(throttled.len(), 3);
    for response in throttled {
        assert_eq!(response["headers"]["Retry-After"], "6");
        assert_eq!(response["body"]["error"]["code"], "TooManyRequests");
    }
    assert_eq!(sim.counters().throttled, 3);
}

#[tokio::test]
async fn batches_need_a_valid_token_and_cannot_nest() {
    let sim = start(1).await;
    let (status, body) = status_and_json(
        sim.graph(
            Method::POST,
            "/$batch",
            None,
            Some(json!({"requests": [get("1", sim.user_id(0))]})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let token = sim.token().await;
    let nested = json!({"id": "1", "method": "POST", "url": "/$batch",
        "headers": {"Content-Type": "application/json"}, "body": {"requests": []}});
    let (_, body) = batch(&sim, &token, vec![nested]).await;
    assert_eq!(by_id(&body, "1")["status"], 400);
}
