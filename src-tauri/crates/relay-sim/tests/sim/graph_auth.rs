//! Bearer tokens at Graph: missing, forged, expired, revoked, wrong cloud, missing role, `/me`.

use chrono::Duration;
use relay_sim::{AppRegistration, SimOptions, PRESENCE_READ_ALL};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::common::{start, start_with, status_and_json, GRAPH_SCOPE};

async fn expect_graph_error(response: reqwest::Response, status: u16, code: &str) -> Value {
    let (actual, body) = status_and_json(response).await;
    assert_eq!(actual.as_u16(), status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    body
}

#[tokio::test]
async fn missing_forged_expired_and_revoked_tokens_get_401() {
    let sim = start_with(SimOptions {
        token_lifetime: Duration::minutes(5),
        ..SimOptions::demo(1)
    })
    .await;
    let path = format!("/users/{}/presence", sim.user_id(0));

    let missing = sim.graph(Method::GET, &path, None, None).await;
    assert!(missing.headers()["www-authenticate"]
        .to_str()
        .is_ok_and(|value| value.starts_with("Bearer")));
    let body = expect_graph_error(missing, 401, "InvalidAuthenticationToken").await;
    assert_eq!(body["error"]["message"], "Access token is empty.");

    let token = sim.token().await;
    let (head, rest) = token.split_once('.').expect("dots");
    let (_, signature) = rest.split_once('.').expect("dots");
    let forged_payload =
        base64_url(&json!({"appid": "x", "roles": ["Everything"], "exp": 4_000_000_000_u64}));
    let forged = format!("{head}.{forged_payload}.{signature}");
    expect_graph_error(
        sim.graph(Method::GET, &path, Some(&forged), None).await,
        401,
        "InvalidAuthenticationToken",
    )
    .await;
    expect_graph_error(
        sim.graph(Method::GET, &path, Some("opaque-garbage"), None)
            .await,
        401,
        "InvalidAuthenticationToken",
    )
    .await;

    assert_eq!(
        sim.graph(Method::GET, &path, Some(&token), None)
            .await
            .status(),
        StatusCode::OK
    );
    sim.advance(Duration::minutes(5));
    let body = expect_graph_error(
        sim.graph(Method::GET, &path, Some(&token), None).await,
        401,
        "InvalidAuthenticationToken",
    )
    .await;
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|message| message.contains("expired")));

    let fresh = sim.token().await;
    sim.revoke_tokens();
    expect_graph_error(
        sim.graph(Method::GET, &path, Some(&fresh), None).await,
        401,
        "InvalidAuthenticationToken",
    )
    .await;
    let after = sim.token().await;
    assert_eq!(
        sim.graph(Method::GET, &path, Some(&after), None)
            .await
            .status(),
        StatusCode::OK
    );
}

fn base64_url(value: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

#[tokio::test]
async fn a_token_for_another_cloud_is_refused_unless_the_host_is_that_cloud() {
    let sim = start(1).await;
    let client_id = sim.client_id().to_string();
    let secret = sim.secret();
    let gov = sim
        .token_for(&client_id, &secret, "https://graph.microsoft.us/.default")
        .await;
    let path = format!("/users/{}/presence", sim.user_id(0));
    let body = expect_graph_error(
        sim.graph(Method::GET, &path, Some(&gov), None).await,
        401,
        "InvalidAuthenticationToken",
    )
    .await;
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|message| message.contains("audience")));

    // Sent to the GCC High host name, the same token is accepted there.
    let at_gov_host = sim
        .http
        .get(format!("{}/v1.0{path}", sim.graph_url()))
        .header("host", "graph.microsoft.us")
        .bearer_auth(&gov)
        .send()
        .await
        .expect("answered");
    assert_eq!(at_gov_host.status(), StatusCode::OK);

    // A token for the simulator's own root works on loopback too.
    let own = sim
        .token_for(
            &client_id,
            &secret,
            &format!("{}/.default", sim.graph_url()),
        )
        .await;
    assert_eq!(
        sim.graph(Method::GET, &path, Some(&own), None)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn missing_roles_get_403_and_read_all_can_only_read() {
    let sim = start_with(SimOptions {
        demo_app_roles: Vec::new(),
        ..SimOptions::demo(1)
    })
    .await;
    let user = sim.user_id(0);
    let no_consent = sim.token().await;
    let body = expect_graph_error(
        sim.set_presence(&no_consent, user, "Available", "Available", None)
            .await,
        403,
        "Forbidden",
    )
    .await;
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|message| message.contains("Presence.ReadWrite.All")));
    expect_graph_error(
        sim.graph(
            Method::GET,
            &format!("/users/{user}/presence"),
            Some(&no_consent),
            None,
        )
        .await,
        403,
        "Forbidden",
    )
    .await;

    let reader = Uuid::from_u128(0x5EAD);
    sim.register_app(AppRegistration::new(reader, "Reader").with_roles([PRESENCE_READ_ALL]))
        .expect("registers");
    sim.add_client_secret(reader, "reader-secret".to_owned().into(), None)
        .expect("secret");
    let read_token = sim
        .token_for(&reader.to_string(), "reader-secret", GRAPH_SCOPE)
        .await;
    assert_eq!(
        sim.graph(
            Method::GET,
            &format!("/users/{user}/presence"),
            Some(&read_token),
            None
        )
        .await
        .status(),
        StatusCode::OK
    );
    let write = sim
        .graph(
            Method::POST,
            &format!("/users/{user}/presence/setPresence"),
            Some(&read_token),
            Some(json!({"sessionId": reader.to_string(), "availability": "Available", "activity": "Available"})),
        )
        .await;
    expect_graph_error(write, 403, "Forbidden").await;

    // Granting the role takes effect with the next token.
    sim.set_app_roles(sim.client_id(), ["Presence.ReadWrite.All"])
        .expect("roles set");
    let consented = sim.token().await;
    assert_eq!(
        sim.set_presence(&consented, user, "Available", "Available", None)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn me_paths_are_refused_for_app_tokens() {
    let sim = start(1).await;
    let token = sim.token().await;
    let body = expect_graph_error(
        sim.graph(Method::GET, "/me/presence", Some(&token), None)
            .await,
        400,
        "BadRequest",
    )
    .await;
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|message| message.contains("delegated")));
    // Without a token, authentication fails first.
    expect_graph_error(
        sim.graph(Method::GET, "/me/presence", None, None).await,
        401,
        "InvalidAuthenticationToken",
    )
    .await;
}
