//! The presence endpoints against the simulated tenant: the exact requests, what the tenant makes
//! of them, local refusals, 650-ID chunking and `$batch`.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::canned::{Canned, CannedServer};
use common::*;
use relay_core::graph_presence::{
    Activity, Availability, PreferredExpiration, PreferredPair, SessionExpiration, SessionPair,
};
use relay_graph::{GraphErrorKind, OpOutcome, PresenceOp, Reported, StatusMessage};
use relay_sim::{Endpoint, RequestRecord, SimOptions, TeamsClient, ThrottleBudget};
use serde_json::json;
use uuid::Uuid;

fn minutes(n: u64) -> SessionExpiration {
    SessionExpiration::from_minutes(n).expect("in range")
}

fn graph_requests(records: &[RequestRecord]) -> Vec<&RequestRecord> {
    records
        .iter()
        .filter(|r| r.endpoint != Endpoint::Token)
        .collect()
}

#[tokio::test]
async fn every_endpoint_sends_the_documented_request() {
    let h = Harness::start(SimOptions::demo(1)).await;
    let client = h.client(h.secret_config());
    let user = h.user_ids()[0].clone();
    let client_id = h.sim.client_id().to_string();

    client
        .set_presence(&user, SessionPair::DoNotDisturbPresenting, minutes(60))
        .await
        .expect("setPresence");
    client
        .set_preferred_presence(
            &user,
            PreferredPair::BeRightBack,
            Some(PreferredExpiration::from_minutes(90).expect("in range")),
        )
        .await
        .expect("setUserPreferredPresence");
    let expires = t0() + chrono::Duration::hours(2);
    client
        .set_status_message(
            &user,
            Some(StatusMessage::new("At the front desk", Some(expires))),
        )
        .await
        .expect("setStatusMessage");
    let presence = client.get_presence(&user).await.expect("get");
    client
        .set_status_message(&user, None)
        .await
        .expect("clear message");
    client
        .clear_preferred_presence(&user)
        .await
        .expect("clearUserPreferredPresence");
    let cleared = client.clear_presence(&user).await.expect("clearPresence");
    let listed = client
        .get_presences(std::slice::from_ref(&user))
        .await
        .expect("getPresencesByUserId");

    let records = h.sim.requests();
    let sent: Vec<(String, String, Option<serde_json::Value>)> = graph_requests(&records)
        .iter()
        .map(|r| (r.method.clone(), r.path.clone(), r.body.clone()))
        .collect();
    let base = format!("/v1.0/users/{user}/presence");
    assert_eq!(
        sent,
        [
            (
                "POST".to_owned(),
                format!("{base}/setPresence"),
                Some(
                    json!({"sessionId": client_id, "availability": "DoNotDisturb",
                            "activity": "Presenting", "expirationDuration": "PT1H"})
                )
            ),
            (
                "POST".to_owned(),
                format!("{base}/setUserPreferredPresence"),
                Some(
                    json!({"availability": "BeRightBack", "activity": "BeRightBack",
                            "expirationDuration": "PT1H30M"})
                )
            ),
            (
                "POST".to_owned(),
                format!("{base}/setStatusMessage"),
                Some(json!({"statusMessage": {
                    "message": {"content": "At the front desk", "contentType": "text"},
                    "expiryDateTime": {"dateTime": "2027-01-04T11:00:00.0000000", "timeZone": "UTC"}}}))
            ),
            ("GET".to_owned(), base.clone(), None),
            (
                "POST".to_owned(),
                format!("{base}/setStatusMessage"),
                Some(json!({"statusMessage": {"message": {"content": "", "contentType": "text"}}}))
            ),
            (
                "POST".to_owned(),
                format!("{base}/clearUserPreferredPresence"),
                Some(json!({}))
            ),
            (
                "POST".to_owned(),
                format!("{base}/clearPresence"),
                Some(json!({"sessionId": client_id}))
            ),
            (
                "POST".to_owned(),
                "/v1.0/communications/getPresencesByUserId".to_owned(),
                Some(json!({"ids": [user]}))
            ),
        ]
    );

    // What the tenant made of it: the preferred state won while it was set, then it was gone.
    assert_eq!(
        presence.availability,
        Reported::Known(Availability::BeRightBack)
    );
    assert_eq!(presence.activity, Reported::Known(Activity::BeRightBack));
    assert_eq!(
        presence
            .status_message
            .and_then(|m| m.message)
            .map(|m| m.content)
            .as_deref(),
        Some("At the front desk")
    );
    assert_eq!(cleared, OpOutcome::Done);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, user);
    let snapshot = h
        .sim
        .user(Uuid::parse_str(&user).expect("guid"))
        .expect("user");
    assert!(snapshot.sessions.is_empty());
    assert!(snapshot.preferred.is_none());
}

#[tokio::test]
async fn every_request_carries_its_own_client_request_id() {
    let h = Harness::start(SimOptions::demo(3)).await;
    let client = h.client(h.secret_config());
    for user in h.user_ids() {
        client
            .set_presence(&user, SessionPair::Available, minutes(15))
            .await
            .expect("set");
        client.get_presence(&user).await.expect("get");
    }
    let records = h.sim.requests();
    let ids: Vec<String> = records
        .iter()
        .map(|r| r.client_request_id.clone().expect("client-request-id sent"))
        .collect();
    assert_eq!(ids.len(), 7, "one token request and six Graph calls");
    for id in &ids {
        Uuid::parse_str(id).expect("a GUID");
    }
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "all distinct"
    );
}

#[tokio::test]
async fn setting_presence_shows_in_the_tenant_and_reads_back_without_regard_to_case() {
    let h = Harness::start(SimOptions::demo(1)).await;
    let client = h.client(h.secret_config());
    let user = h.user_ids()[0].clone();
    let id = Uuid::parse_str(&user).expect("guid");
    // The user also runs Teams, showing Available; our Busy session is stronger.
    h.sim
        .sign_in_teams_client(
            id,
            TeamsClient::Desktop,
            Availability::Available,
            Activity::Available,
        )
        .expect("teams client");
    client
        .set_presence(&user, SessionPair::BusyInAConferenceCall, minutes(30))
        .await
        .expect("set");
    let presence = client.get_presence(&user).await.expect("get");
    assert_eq!(presence.availability.known(), Some(&Availability::Busy));
    assert_eq!(
        presence.activity.known(),
        Some(&Activity::InAConferenceCall)
    );

    let session = h
        .sim
        .user(id)
        .expect("user")
        .sessions
        .into_iter()
        .find(|s| s.session_id == h.sim.client_id().to_string())
        .expect("our session");
    assert_eq!(
        session.expires_at,
        Some(t0() + chrono::Duration::minutes(30))
    );
}

#[tokio::test]
async fn clearing_a_session_that_is_not_there_counts_as_done() {
    let h = Harness::start(SimOptions::demo(1)).await;
    let client = h.client(h.secret_config());
    let user = h.user_ids()[0].clone();
    assert_eq!(
        client.clear_presence(&user).await.expect("404 is fine"),
        OpOutcome::AlreadyClear
    );
    assert_eq!(h.sim.counters().responses(404), 1);
    assert_eq!(
        h.sim.counters().requests(Endpoint::ClearPresence),
        1,
        "not retried"
    );
}

#[tokio::test]
async fn an_unknown_user_is_not_found_and_not_retried() {
    let h = Harness::start(SimOptions::demo(0)).await;
    let client = h.client(h.secret_config());
    let nobody = Uuid::from_u128(42).to_string();
    let err = client
        .set_presence(&nobody, SessionPair::Available, minutes(15))
        .await
        .expect_err("no such user");
    assert_eq!(*err.kind(), GraphErrorKind::NotFound);
    assert_eq!(err.code(), "not_found");
    assert!(err.request_id().is_some() && err.date().is_some(), "{err}");
    assert_eq!(h.sim.counters().requests(Endpoint::SetPresence), 1);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let h = Harness::start(SimOptions::demo(1)).await;
    let client = h.client(h.secret_config());
    let user = h.user_ids()[0].clone();

    // Illegal pairs never become a request: they cannot even be built, and the message lists
    // the legal ones.
    let err = SessionPair::parse("busy", "busy").expect_err("illegal");
    assert!(
        err.to_string().contains(
            "use one of: Available/Available, Busy/InACall, Busy/InAConferenceCall, Away/Away, \
             DoNotDisturb/Presenting"
        ),
        "{err}"
    );
    assert!(PreferredPair::parse("Busy", "InACall").is_err());
    assert!(SessionExpiration::parse("PT4H1M").is_err());
    assert!(SessionExpiration::parse("PT4M").is_err());

    // What the typed API cannot rule out is checked by the client.
    let not_a_guid = client
        .set_presence("adele@contoso.com", SessionPair::Available, minutes(15))
        .await
        .expect_err("UPN");
    assert_eq!(not_a_guid.code(), "invalid_input");
    assert!(
        not_a_guid.to_string().contains("not a user object ID"),
        "{not_a_guid}"
    );
    let past = client
        .set_status_message(&user, Some(StatusMessage::new("x", Some(t0()))))
        .await
        .expect_err("past expiry");
    assert_eq!(past.code(), "invalid_input");
    let in_list = client
        .get_presences(&[user.clone(), "../me".to_owned()])
        .await
        .expect_err("bad id in list");
    assert_eq!(in_list.code(), "invalid_input");

    assert!(h.sim.requests().is_empty(), "nothing reached the tenant");
}

#[tokio::test]
async fn reading_many_users_goes_in_chunks_of_650() {
    let h = Harness::start(SimOptions::demo(1_400)).await;
    let client = h.client(h.secret_config());
    let users = h.user_ids();
    let presences = client.get_presences(&users).await.expect("read all");
    assert_eq!(presences.len(), 1_400);
    let returned: HashSet<&str> = presences.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(returned.len(), 1_400);

    let records = h.sim.requests();
    let sizes: Vec<usize> = graph_requests(&records)
        .iter()
        .map(|r| {
            r.body
                .as_ref()
                .and_then(|b| b["ids"].as_array().map(Vec::len))
                .expect("ids")
        })
        .collect();
    assert_eq!(sizes, [650, 650, 100]);
    assert!(client.get_presences(&[]).await.expect("nothing").is_empty());
    assert_eq!(h.sim.counters().requests(Endpoint::GetPresencesByUserId), 3);
}

#[tokio::test]
async fn a_batch_reports_each_item_and_retries_throttled_ones_after_their_retry_after() {
    let h = Harness::start(SimOptions::demo(4)).await;
    let client = h.client(h.secret_config());
    let users = h.user_ids();
    // Room for three presence operations now, then one more every 10 s.
    h.sim
        .set_throttle(Some(ThrottleBudget {
            requests: 3,
            window_seconds: 30,
        }))
        .expect("budget");
    let nobody = Uuid::from_u128(7).to_string();
    let ops = vec![
        PresenceOp::SetPresence {
            user: users[0].clone(),
            pair: SessionPair::Available,
            expiration: minutes(15),
        },
        PresenceOp::ClearPresence {
            user: users[1].clone(),
        },
        PresenceOp::SetPresence {
            user: nobody,
            pair: SessionPair::Away,
            expiration: minutes(15),
        },
        PresenceOp::GetPresence {
            user: users[2].clone(),
        },
        PresenceOp::SetPresence {
            user: users[3].clone(),
            pair: SessionPair::BusyInACall,
            expiration: minutes(15),
        },
    ];
    let results = client.batch(&ops).await;
    assert_eq!(results.len(), 5);
    let statuses: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(OpOutcome::Done) => "done".to_owned(),
            Ok(OpOutcome::AlreadyClear) => "already clear".to_owned(),
            Ok(OpOutcome::Presence(p)) => format!("presence of {}", p.id),
            Err(err) => err.code().to_owned(),
        })
        .collect();
    assert_eq!(
        statuses,
        [
            "done".to_owned(),
            "already clear".to_owned(),
            "not_found".to_owned(),
            format!("presence of {}", users[2]),
            "done".to_owned(),
        ]
    );
    let counters = h.sim.counters();
    assert!(counters.responses(429) >= 1, "some items were throttled");
    assert_eq!(counters.early_retries, 0, "retried only after Retry-After");
    // The tenant refills one request per 10 s and says so in each inner Retry-After; every
    // round of throttled items waited exactly that, once for the round.
    let waits = h.sleeper.waits();
    assert!(!waits.is_empty());
    assert!(
        waits.iter().all(|w| *w == Duration::from_secs(10)),
        "{waits:?}"
    );
    assert_eq!(counters.requests(Endpoint::Batch), waits.len() as u64 + 1);
}

#[tokio::test]
async fn more_than_twenty_operations_are_split_into_batches_of_twenty() {
    let h = Harness::start(SimOptions::demo(45)).await;
    let client = h.client(h.secret_config());
    let ops: Vec<PresenceOp> = h
        .user_ids()
        .into_iter()
        .map(|user| PresenceOp::SetPresence {
            user,
            pair: SessionPair::Away,
            expiration: minutes(20),
        })
        .collect();
    let results = client.batch(&ops).await;
    assert!(results
        .iter()
        .all(|r| *r.as_ref().expect("applied") == OpOutcome::Done));
    assert_eq!(h.sim.counters().requests(Endpoint::Batch), 3);
    // The tenant logs each inner request with the batch it came in.
    let mut sizes: Vec<(String, usize)> = Vec::new();
    for record in h.sim.requests() {
        let Some(batch) = record.batch else { continue };
        assert_eq!(record.endpoint, Endpoint::SetPresence);
        match sizes.last_mut() {
            Some((id, count)) if *id == batch.batch_request_id => *count += 1,
            _ => sizes.push((batch.batch_request_id, 1)),
        }
    }
    let sizes: Vec<usize> = sizes.into_iter().map(|(_, count)| count).collect();
    assert_eq!(sizes, [20, 20, 5]);
}

/// Inner statuses the simulated tenant would not mix in one batch (and different inner
/// `Retry-After` values) come from a canned answer.
#[tokio::test]
async fn a_batch_with_mixed_inner_statuses_retries_only_throttled_items_after_the_longest_wait() {
    let server = CannedServer::start(|request, count| {
        if request.path.ends_with("/token") {
            return Canned::json(
                200,
                r#"{"token_type":"Bearer","expires_in":3599,"access_token":"e30.e30.sig"}"#,
            );
        }
        let answer = if count == 1 {
            json!({"responses": [
                {"id": "4", "status": 429, "headers": {"Retry-After": "7"},
                 "body": {"error": {"code": "TooManyRequests", "message": "later"}}},
                {"id": "0", "status": 200, "headers": {}, "body": null},
                {"id": "2", "status": 404, "headers": {},
                 "body": {"error": {"code": "itemNotFound", "message": "no session"}}},
                {"id": "1", "status": 429, "headers": {"retry-after": "3"},
                 "body": {"error": {"code": "TooManyRequests", "message": "later"}}},
                {"id": "3", "status": 400, "headers": {},
                 "body": {"error": {"code": "BadRequest", "message": "nope"}}},
                {"id": "5", "status": 200, "headers": {},
                 "body": {"id": "u5", "availability": "away", "activity": "away"}},
            ]})
        } else {
            json!({"responses": [
                {"id": "1", "status": 200, "headers": {}, "body": null},
                {"id": "4", "status": 200, "headers": {}, "body": null},
            ]})
        };
        Canned::json(200, &answer.to_string())
    })
    .await;
    let h = Harness::start(SimOptions::demo(0)).await;
    let mut config = h.secret_config();
    config.urls = relay_graph::UrlOverrides {
        authority_url: Some(server.url.clone()),
        graph_url: Some(server.url.clone()),
    };
    let client = h.client(config);
    let user = |n: u128| Uuid::from_u128(n).to_string();
    let ops = vec![
        PresenceOp::SetPresence {
            user: user(1),
            pair: SessionPair::Available,
            expiration: minutes(15),
        },
        PresenceOp::SetPresence {
            user: user(2),
            pair: SessionPair::Available,
            expiration: minutes(15),
        },
        PresenceOp::ClearPresence { user: user(3) },
        PresenceOp::ClearPreferredPresence { user: user(4) },
        PresenceOp::SetStatusMessage {
            user: user(5),
            message: None,
        },
        PresenceOp::GetPresence { user: user(6) },
    ];
    let results = client.batch(&ops).await;
    let summary: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(OpOutcome::Presence(p)) => format!("{:?}", p.availability),
            Ok(other) => format!("{other:?}"),
            Err(err) => err.code().to_owned(),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "Done",
            "Done",
            "AlreadyClear",
            "bad_request",
            "Done",
            "Known(Away)"
        ]
    );
    // One wait, the longest inner Retry-After, then only the two throttled items again.
    assert_eq!(h.sleeper.waits(), [Duration::from_secs(7)]);
    let batches: Vec<serde_json::Value> = server
        .seen()
        .iter()
        .filter(|s| s.path == "/v1.0/$batch")
        .map(|s| serde_json::from_str(&s.body).expect("json"))
        .collect();
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[0]["requests"].as_array().map(Vec::len), Some(6));
    assert_eq!(
        batches[0]["requests"][0],
        json!({"id": "0", "method": "POST",
               "url": format!("/users/{}/presence/setPresence", user(1)),
               "headers": {"Content-Type": "application/json"},
               "body": {"sessionId": h.sim.client_id().to_string(), "availability": "Available",
                        "activity": "Available", "expirationDuration": "PT15M"}})
    );
    assert_eq!(
        batches[0]["requests"][5],
        json!({"id": "5", "method": "GET", "url": format!("/users/{}/presence", user(6))})
    );
    let retried: Vec<&str> = batches[1]["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(retried, ["1", "4"]);
}
