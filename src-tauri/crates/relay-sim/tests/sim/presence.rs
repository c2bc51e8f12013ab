//! The presence endpoints over HTTP: legal pairs, durations, aggregation, the fade timeline,
//! preferred presence, status messages, getPresencesByUserId, headers and error shapes.

use chrono::Duration;
use relay_core::graph_presence::{Activity, Availability};
use relay_sim::TeamsClient;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::common::{pair, start, status_and_json, t0};

#[tokio::test]
async fn only_the_five_documented_pairs_are_accepted_by_set_presence() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    for (availability, activity) in [
        ("Available", "Available"),
        ("Busy", "InACall"),
        ("Busy", "InAConferenceCall"),
        ("Away", "Away"),
        ("DoNotDisturb", "Presenting"),
        // Values compare without regard to case.
        ("busy", "inACall"),
        ("AVAILABLE", "available"),
    ] {
        let response = sim
            .set_presence(&token, user, availability, activity, None)
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{availability}/{activity}"
        );
        assert_eq!(response.bytes().await.expect("body").len(), 0);
    }
    for (availability, activity) in [
        ("Busy", "Busy"),
        ("DoNotDisturb", "DoNotDisturb"),
        ("BeRightBack", "BeRightBack"),
        ("Offline", "Offline"),
        ("Offline", "OffWork"),
        ("Busy", "InAMeeting"),
        ("Available", "OutOfOffice"),
        ("Available", "Away"),
        ("Sleepy", "Available"),
    ] {
        let (status, body) = status_and_json(
            sim.set_presence(&token, user, availability, activity, None)
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{availability}/{activity}");
        assert_eq!(body["error"]["code"], "BadRequest");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("Busy/InAConferenceCall")));
    }
    // The last accepted write is what shows; no rejected one changed anything.
    assert_eq!(
        sim.shown(&token, user).await,
        pair("Available", "Available")
    );
}

#[tokio::test]
async fn set_presence_validates_session_id_and_duration() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    let path = format!("/users/{user}/presence/setPresence");
    let client_id = sim.client_id().to_string();
    let bad_bodies = [
        json!({"availability": "Available", "activity": "Available"}),
        json!({"sessionId": Uuid::from_u128(1).to_string(), "availability": "Available", "activity": "Available"}),
        json!({"sessionId": client_id, "availability": "Available"}),
        json!({"sessionId": client_id, "availability": "Available", "activity": "Available", "mood": "good"}),
    ];
    for body in bad_bodies {
        let response = sim
            .graph(Method::POST, &path, Some(&token), Some(body.clone()))
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    for duration in ["PT4M", "PT4H1M", "P1D", "1 hour", "PT"] {
        let response = sim
            .set_presence(&token, user, "Available", "Available", Some(duration))
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{duration}");
    }
    for duration in ["PT5M", "PT4H", "PT1H30M", "pt15m"] {
        let response = sim
            .set_presence(&token, user, "Available", "Available", Some(duration))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{duration}");
    }
    let empty = sim
        .http
        .post(format!("{}/v1.0{path}", sim.graph_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answered");
    let (status, body) = status_and_json(empty).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["message"],
        "Empty Payload. JSON content expected."
    );

    // Without a duration the session lasts the default five minutes.
    sim.set_presence(&token, user, "Busy", "InACall", None)
        .await;
    let session = &sim.user(user).expect("user").sessions[0];
    assert_eq!(
        session
            .expires_at
            .map(|expiry| expiry - session.refreshed_at),
        Some(Duration::minutes(5))
    );
}

#[tokio::test]
async fn the_available_fade_and_expiry_follow_the_clock() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    assert_eq!(sim.shown(&token, user).await, pair("Offline", "Offline"));
    sim.set_presence(&token, user, "Available", "Available", Some("PT1H"))
        .await;
    // (minutes after the write, what Graph shows)
    let timeline = [
        (4, pair("Available", "Available")),
        (5, pair("Available", "AvailableInactive")),
        (9, pair("Available", "AvailableInactive")),
        (10, pair("Away", "Away")),
        (59, pair("Away", "Away")),
        (60, pair("Offline", "Offline")),
    ];
    for (minutes, expected) in timeline {
        sim.clock.set(t0() + Duration::minutes(minutes));
        assert_eq!(sim.shown(&token, user).await, expected, "+{minutes} min");
    }

    // A keep-alive every four minutes holds Available indefinitely.
    sim.set_presence(&token, user, "Available", "Available", Some("PT15M"))
        .await;
    for _ in 0..10 {
        sim.advance(Duration::minutes(4));
        sim.set_presence(&token, user, "Available", "Available", Some("PT15M"))
            .await;
        assert_eq!(
            sim.shown(&token, user).await,
            pair("Available", "Available")
        );
    }
}

#[tokio::test]
async fn clear_presence_404s_without_a_session_and_falls_back_to_teams_clients() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    let path = format!("/users/{user}/presence/clearPresence");
    let body = json!({"sessionId": sim.client_id().to_string()});

    let (status, error) = status_and_json(
        sim.graph(Method::POST, &path, Some(&token), Some(body.clone()))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["error"]["code"], "NotFound");

    sim.sign_in_teams_client(
        user,
        TeamsClient::Desktop,
        Availability::Available,
        Activity::Available,
    )
    .expect("signs in");
    sim.set_presence(&token, user, "DoNotDisturb", "Presenting", Some("PT1H"))
        .await;
    assert_eq!(
        sim.shown(&token, user).await,
        pair("DoNotDisturb", "Presenting")
    );
    let cleared = sim
        .graph(Method::POST, &path, Some(&token), Some(body.clone()))
        .await;
    assert_eq!(cleared.status(), StatusCode::OK);
    assert_eq!(
        sim.shown(&token, user).await,
        pair("Available", "Available")
    );
    let again = sim
        .graph(Method::POST, &path, Some(&token), Some(body))
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);

    // Clearing our only session drops the user to Offline.
    sim.sign_out_teams_client(user, TeamsClient::Desktop)
        .expect("signs out");
    sim.set_presence(&token, user, "Away", "Away", Some("PT1H"))
        .await;
    let alias = format!("/communications/presences/{user}/clearPresence");
    let cleared = sim
        .graph(
            Method::POST,
            &alias,
            Some(&token),
            Some(json!({"sessionId": sim.client_id().to_string()})),
        )
        .await;
    assert_eq!(cleared.status(), StatusCode::OK);
    assert_eq!(sim.shown(&token, user).await, pair("Offline", "Offline"));
}

#[tokio::test]
async fn preferred_presence_wins_needs_a_session_and_has_default_expiries() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    let path = format!("/users/{user}/presence/setUserPreferredPresence");
    for (availability, activity) in [
        ("Busy", "InACall"),
        ("Available", "AvailableInactive"),
        ("Offline", "Offline"),
    ] {
        let response = sim
            .graph(
                Method::POST,
                &path,
                Some(&token),
                Some(json!({"availability": availability, "activity": activity})),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{availability}/{activity}"
        );
    }
    let set = |availability: &str, activity: &str| json!({"availability": availability, "activity": activity});
    let response = sim
        .graph(
            Method::POST,
            &path,
            Some(&token),
            Some(set("DoNotDisturb", "DoNotDisturb")),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // No session yet: the preferred state does not show.
    assert_eq!(sim.shown(&token, user).await, pair("Offline", "Offline"));
    sim.set_presence(&token, user, "Available", "Available", Some("PT4H"))
        .await;
    assert_eq!(
        sim.shown(&token, user).await,
        pair("DoNotDisturb", "DoNotDisturb")
    );
    let preferred = sim.user(user).expect("user").preferred.expect("preferred");
    assert_eq!(preferred.expires_at - preferred.set_at, Duration::days(1));

    sim.graph(
        Method::POST,
        &path,
        Some(&token),
        Some(set("BeRightBack", "berightback")),
    )
    .await;
    let preferred = sim.user(user).expect("user").preferred.expect("preferred");
    assert_eq!(preferred.expires_at - preferred.set_at, Duration::days(7));

    sim.graph(
        Method::POST,
        &path,
        Some(&token),
        Some(
            json!({"availability": "Offline", "activity": "OffWork", "expirationDuration": "PT8H"}),
        ),
    )
    .await;
    assert_eq!(sim.shown(&token, user).await, pair("Offline", "OffWork"));
    sim.advance(Duration::hours(3));
    sim.set_presence(&token, user, "Available", "Available", Some("PT4H"))
        .await;
    assert_eq!(sim.shown(&token, user).await, pair("Offline", "OffWork"));
    sim.advance(Duration::hours(5));
    sim.set_presence(&token, user, "Available", "Available", Some("PT4H"))
        .await;
    assert_eq!(
        sim.shown(&token, user).await,
        pair("Available", "Available")
    );

    let clear = format!("/users/{user}/presence/clearUserPreferredPresence");
    let no_body = sim.graph(Method::POST, &clear, Some(&token), None).await;
    assert_eq!(no_body.status(), StatusCode::BAD_REQUEST);
    sim.graph(Method::POST, &path, Some(&token), Some(set("Away", "Away")))
        .await;
    let cleared = sim
        .graph(Method::POST, &clear, Some(&token), Some(json!({})))
        .await;
    assert_eq!(cleared.status(), StatusCode::OK);
    assert_eq!(
        sim.shown(&token, user).await,
        pair("Available", "Available")
    );
}

#[tokio::test]
async fn status_messages_are_text_expire_and_hide_their_timers_from_apps() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    let path = format!("/users/{user}/presence/setStatusMessage");
    let message = |content: &str, content_type: &str| {
        json!({"statusMessage": {
            "message": {"content": content, "contentType": content_type},
            // 09:00 UTC on 2 March is 01:00 in Pacific Standard Time; this is one hour later.
            "expiryDateTime": {"dateTime": "2026-03-02T02:00:00.0000000", "timeZone": "Pacific Standard Time"}
        }})
    };
    let html = sim
        .graph(
            Method::POST,
            &path,
            Some(&token),
            Some(message("<b>hi</b>", "html")),
        )
        .await;
    assert_eq!(html.status(), StatusCode::BAD_REQUEST);
    let offset = sim
        .graph(
            Method::POST,
            &path,
            Some(&token),
            Some(
                json!({"statusMessage": {"message": {"content": "x", "contentType": "text"},
                "expiryDateTime": {"dateTime": "2026-03-02T02:00:00Z", "timeZone": "UTC"}}}),
            ),
        )
        .await;
    assert_eq!(offset.status(), StatusCode::BAD_REQUEST);

    let ok = sim
        .graph(
            Method::POST,
            &path,
            Some(&token),
            Some(message("At the front desk", "text")),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let (_, body) = status_and_json(
        sim.graph(
            Method::GET,
            &format!("/users/{user}/presence"),
            Some(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        body["statusMessage"],
        json!({"message": {"content": "At the front desk", "contentType": "text"}})
    );
    let snapshot = sim
        .user(user)
        .expect("user")
        .status_message
        .expect("message");
    assert_eq!(snapshot.expires_at, Some(t0() + Duration::hours(1)));
    assert_eq!(snapshot.published_at, t0());

    sim.advance(Duration::hours(1));
    let (_, body) = status_and_json(
        sim.graph(
            Method::GET,
            &format!("/users/{user}/presence"),
            Some(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(body["statusMessage"], Value::Null);

    sim.graph(
        Method::POST,
        &path,
        Some(&token),
        Some(
            json!({"statusMessage": {"message": {"content": "No expiry", "contentType": "text"}}}),
        ),
    )
    .await;
    assert!(sim.user(user).expect("user").status_message.is_some());
    sim.graph(
        Method::POST,
        &path,
        Some(&token),
        Some(json!({"statusMessage": {"message": {"content": "", "contentType": "text"}}})),
    )
    .await;
    assert!(sim.user(user).expect("user").status_message.is_none());
}

#[tokio::test]
async fn get_presences_by_user_id_reports_every_id() {
    let sim = start(3).await;
    let token = sim.token().await;
    let (a, b, c) = (sim.user_id(0), sim.user_id(1), sim.user_id(2));
    sim.set_presence(&token, a, "Busy", "InAConferenceCall", Some("PT1H"))
        .await;
    sim.set_out_of_office(b, Some("On leave".to_owned()))
        .expect("oof");
    sim.set_in_meeting(c, true).expect("meeting");
    let unknown = Uuid::from_u128(0xDEAD);
    let path = "/communications/getPresencesByUserId";
    let ids = json!({"ids": [a.to_string(), b.to_string(), c.to_string(), unknown.to_string(), a.to_string().to_uppercase()]});
    let (status, body) =
        status_and_json(sim.graph(Method::POST, path, Some(&token), Some(ids)).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let value = body["value"].as_array().expect("value array");
    assert_eq!(value.len(), 4, "duplicates are reported once: {body}");
    let entry = |id: Uuid| {
        value
            .iter()
            .find(|entry| entry["id"] == id.to_string())
            .expect("entry for every id")
    };
    assert_eq!(entry(a)["activity"], "InAConferenceCall");
    assert_eq!(entry(b)["outOfOfficeSettings"]["isOutOfOffice"], true);
    assert_eq!(entry(b)["outOfOfficeSettings"]["message"], "On leave");
    assert_eq!(entry(b)["activity"], "OutOfOffice");
    assert_eq!(
        (
            entry(c)["availability"].clone(),
            entry(c)["activity"].clone()
        ),
        (json!("Busy"), json!("InAMeeting"))
    );
    assert_eq!(entry(unknown)["availability"], "PresenceUnknown");

    let too_many: Vec<String> = (0..651).map(|n| Uuid::from_u128(n).to_string()).collect();
    let response = sim
        .graph(
            Method::POST,
            path,
            Some(&token),
            Some(json!({"ids": too_many})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let exactly: Vec<String> = (0..650).map(|n| Uuid::from_u128(n).to_string()).collect();
    let response = sim
        .graph(
            Method::POST,
            path,
            Some(&token),
            Some(json!({"ids": exactly})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let not_guid = sim
        .graph(
            Method::POST,
            path,
            Some(&token),
            Some(json!({"ids": ["ada@contoso.com"]})),
        )
        .await;
    assert_eq!(not_guid.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn forced_meeting_and_out_of_office_win_over_app_state_as_graph_shows_it() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    sim.set_presence(&token, user, "Available", "Available", Some("PT1H"))
        .await;
    sim.set_in_meeting(user, true).expect("meeting");
    assert_eq!(sim.shown(&token, user).await, pair("Busy", "InAMeeting"));
    sim.set_presence(&token, user, "DoNotDisturb", "Presenting", Some("PT1H"))
        .await;
    assert_eq!(
        sim.shown(&token, user).await,
        pair("DoNotDisturb", "Presenting")
    );
    sim.set_out_of_office(user, None).expect("oof");
    assert_eq!(
        sim.shown(&token, user).await,
        pair("DoNotDisturb", "OutOfOffice")
    );
    sim.clear_out_of_office(user).expect("oof ends");
    sim.set_in_meeting(user, false).expect("meeting ends");
    assert_eq!(
        sim.shown(&token, user).await,
        pair("DoNotDisturb", "Presenting")
    );
}

#[tokio::test]
async fn responses_carry_graph_headers_and_error_shapes() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    let response = sim
        .http
        .get(format!(
            "{}/v1.0/communications/presences/{user}",
            sim.graph_url()
        ))
        .bearer_auth(&token)
        .header("client-request-id", "0b1c2d3e-0000-4000-8000-00000000abcd")
        .send()
        .await
        .expect("answered");
    let headers = response.headers().clone();
    assert_eq!(
        headers["client-request-id"],
        "0b1c2d3e-0000-4000-8000-00000000abcd"
    );
    assert!(Uuid::parse_str(headers["request-id"].to_str().expect("ascii")).is_ok());
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["date"], "Mon, 02 Mar 2026 09:00:00 GMT");
    let (_, body) = status_and_json(response).await;
    assert_eq!(body["id"], user.to_string());
    assert!(body["@odata.context"]
        .as_str()
        .is_some_and(|context| context.contains("presence")));
    assert_eq!(body["sequenceNumber"], "A0000000000");

    // Errors: the innerError ids match the headers; without a client-request-id Graph repeats
    // its own request id.
    let bad = sim.set_presence(&token, user, "Busy", "Busy", None).await;
    let request_id = bad.headers()["request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(bad.headers()["client-request-id"], request_id.as_str());
    let (_, error) = status_and_json(bad).await;
    let inner = &error["error"]["innerError"];
    assert_eq!(inner["request-id"], request_id.as_str());
    assert_eq!(inner["client-request-id"], request_id.as_str());
    assert_eq!(inner["date"], "2026-03-02T09:00:00");

    // Unknown users and paths.
    let (status, body) = status_and_json(
        sim.graph(
            Method::GET,
            &format!("/users/{}/presence", Uuid::from_u128(5)),
            Some(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::NOT_FOUND, json!("NotFound"))
    );
    let (status, body) = status_and_json(
        sim.graph(
            Method::GET,
            &format!("/users/{user}/calendar"),
            Some(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("'calendar'")));

    // The user principal name works like the object id.
    let upn = sim.users()[0].user_principal_name.clone();
    let by_upn = sim
        .graph(
            Method::GET,
            &format!("/users/{upn}/presence"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(by_upn.status(), StatusCode::OK);
}

#[tokio::test]
async fn sequence_numbers_increase_with_every_change() {
    let sim = start(1).await;
    let token = sim.token().await;
    let user = sim.user_id(0);
    let mut last = String::new();
    for (availability, activity) in [
        ("Available", "Available"),
        ("Busy", "InACall"),
        ("Away", "Away"),
    ] {
        sim.set_presence(&token, user, availability, activity, Some("PT1H"))
            .await;
        let sequence = sim.presence(user).expect("user").sequence_number;
        assert!(sequence > last, "{sequence} after {last}");
        last = sequence;
    }
}
