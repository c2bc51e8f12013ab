//! Tokens against the simulated tenant: secret and certificate credentials, reuse, early
//! refresh, the 401 refresh-and-retry, and what each AADSTS error tells the admin.

mod common;

use common::canned::{Canned, CannedServer};
use common::*;
use relay_core::config::Cloud;
use relay_core::graph_presence::{SessionExpiration, SessionPair};
use relay_core::Sensitive;
use relay_graph::{AssertionAlgorithm, Credential, GraphErrorKind, PresenceOp, UrlOverrides};
use relay_sim::{AppRegistration, Endpoint, SimOptions, PRESENCE_READ_ALL};
use uuid::Uuid;

fn hold() -> SessionExpiration {
    SessionExpiration::from_minutes(15).expect("in range")
}

#[tokio::test]
async fn a_client_secret_gets_a_token_that_graph_accepts() {
    let h = Harness::start(SimOptions::demo(1)).await;
    let client = h.client(h.secret_config());
    let user = &h.user_ids()[0];
    client
        .set_presence(user, SessionPair::Available, hold())
        .await
        .expect("set presence");
    assert_eq!(
        client.token_roles().await.expect("roles"),
        ["Presence.ReadWrite.All"]
    );
    let counters = h.sim.counters();
    assert_eq!(counters.tokens_issued, 1);
    assert_eq!(counters.responses(401), 0);
}

#[tokio::test]
async fn certificates_as_pem_or_pfx_sign_assertions_the_tenant_accepts() {
    let h = Harness::start(SimOptions::demo(1)).await;
    h.register_fixture_certificate();
    let user = &h.user_ids()[0];
    let credentials = [
        (
            "PEM, PS256",
            Credential::CertificatePem {
                certificate_pem: CERT_PEM.to_owned(),
                private_key_pem: Sensitive::new(KEY_PEM.to_owned()),
            },
            AssertionAlgorithm::Ps256,
        ),
        (
            "PEM, RS256",
            Credential::CertificatePem {
                certificate_pem: CERT_PEM.to_owned(),
                private_key_pem: Sensitive::new(KEY_PEM.to_owned()),
            },
            AssertionAlgorithm::Rs256,
        ),
        (
            "modern PFX",
            Credential::Pkcs12 {
                pfx: Sensitive::new(MODERN_PFX.to_vec()),
                password: Sensitive::new(PFX_PASSWORD.to_owned()),
            },
            AssertionAlgorithm::Ps256,
        ),
        (
            "legacy PFX",
            Credential::Pkcs12 {
                pfx: Sensitive::new(LEGACY_PFX.to_vec()),
                password: Sensitive::new(PFX_PASSWORD.to_owned()),
            },
            AssertionAlgorithm::Ps256,
        ),
    ];
    for (what, credential, algorithm) in credentials {
        let mut config = h.config(credential);
        config.assertion_algorithm = algorithm;
        let client = h.client(config);
        assert_eq!(
            client.certificate_thumbprint(),
            Some("BE7946D5D2A260192018EB3D7CAC7AA42AB408B1")
        );
        client
            .set_presence(user, SessionPair::BusyInACall, hold())
            .await
            .unwrap_or_else(|err| panic!("{what}: {err}"));
    }
    assert_eq!(h.sim.counters().tokens_issued, 4);
}

#[tokio::test]
async fn a_token_is_reused_and_refreshed_before_it_expires() {
    let options = SimOptions {
        token_lifetime: chrono::Duration::seconds(3600),
        ..SimOptions::demo(1)
    };
    let h = Harness::start(options).await;
    let client = h.client(h.secret_config());
    let user = &h.user_ids()[0];
    for _ in 0..3 {
        client.get_presence(user).await.expect("read");
    }
    assert_eq!(h.sim.counters().tokens_issued, 1, "reused");

    // 45 of 60 minutes in: still the same token.
    h.clock.advance(chrono::Duration::seconds(2_699));
    client.get_presence(user).await.expect("read");
    assert_eq!(h.sim.counters().tokens_issued, 1);

    // Past three quarters of its life, with 15 minutes left: replaced before it runs out.
    h.clock.advance(chrono::Duration::seconds(2));
    client.get_presence(user).await.expect("read");
    let counters = h.sim.counters();
    assert_eq!(counters.tokens_issued, 2, "refreshed early");
    assert_eq!(counters.responses(401), 0, "never sent an expired token");
}

#[tokio::test]
async fn clients_sharing_a_cache_share_the_token() {
    let h = Harness::start(SimOptions::demo(1)).await;
    let first = h.secret_config();
    let mut second = h.secret_config();
    second.token_cache = first.token_cache.clone();
    let (a, b) = (h.client(first), h.client(second));
    a.acquire_token().await.expect("token");
    b.acquire_token().await.expect("token");
    assert_eq!(h.sim.counters().tokens_issued, 1);
}

#[tokio::test]
async fn concurrent_calls_share_one_refresh() {
    let h = Harness::start(SimOptions::demo(8)).await;
    let client = h.client(h.secret_config());
    let mut calls = tokio::task::JoinSet::new();
    for user in h.user_ids() {
        let client = client.clone();
        calls.spawn(async move { client.get_presence(&user).await.map(drop) });
    }
    while let Some(result) = calls.join_next().await {
        result.expect("joined").expect("read");
    }
    assert_eq!(h.sim.counters().tokens_issued, 1);
}

#[tokio::test]
async fn a_refused_token_is_replaced_once_and_the_call_retried_once() {
    let h = Harness::start(SimOptions::demo(1)).await;
    let client = h.client(h.secret_config());
    let user = &h.user_ids()[0];
    client.acquire_token().await.expect("token");
    h.sim.revoke_tokens();
    client
        .set_presence(user, SessionPair::Away, hold())
        .await
        .expect("succeeds with a fresh token");
    let counters = h.sim.counters();
    assert_eq!(counters.responses(401), 1);
    assert_eq!(counters.tokens_issued, 2);
    assert_eq!(counters.requests(Endpoint::SetPresence), 2);
}

#[tokio::test]
async fn a_token_for_the_wrong_cloud_fails_after_one_refresh() {
    // The tenant lives in GCC High; the client asks for a worldwide Graph token.
    let options = SimOptions {
        cloud: Cloud::UsGovL4,
        ..SimOptions::demo(1)
    };
    let h = Harness::start(options).await;
    let client = h.client(h.secret_config());
    let err = client
        .get_presence(&h.user_ids()[0])
        .await
        .expect_err("wrong audience");
    assert_eq!(*err.kind(), GraphErrorKind::Unauthorized);
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("cloud setting"), "{err}");
    let counters = h.sim.counters();
    assert_eq!(counters.requests(Endpoint::GetPresence), 2, "one retry");
    assert_eq!(counters.tokens_issued, 2, "one refresh");
}

/// Asserts the error is `InvalidCredentials` for `code` and its advice contains `advice`.
fn assert_aadsts(err: &relay_graph::GraphError, code: u32, advice: &str) {
    match err.kind() {
        GraphErrorKind::InvalidCredentials {
            aadsts: Some(actual),
            what_to_fix,
        } => {
            assert_eq!(*actual, code, "{err}");
            assert!(what_to_fix.contains(advice), "{code}: {what_to_fix}");
        }
        other => panic!("expected AADSTS{code}, got {other:?} ({err})"),
    }
    assert_eq!(err.code(), "invalid_credentials");
    assert!(!err.is_retryable());
    assert!(err.client_request_id().is_some(), "{err}");
}

#[tokio::test]
async fn each_aadsts_error_says_what_to_fix() {
    let h = Harness::start(SimOptions::demo(1)).await;
    let client_id = h.sim.client_id();

    // 7000215: a wrong secret, and the classic mistake of pasting the secret's ID.
    let wrong = h.client(h.config(Credential::ClientSecret(Sensitive::new("wrong".into()))));
    let err = wrong.acquire_token().await.expect_err("wrong secret");
    assert_aadsts(&err, 7000215, "not its Secret ID");
    let secret_id = h
        .sim
        .add_client_secret(client_id, Sensitive::new("second-secret".into()), None)
        .expect("secret added");
    let pasted_id = h.client(h.config(Credential::ClientSecret(Sensitive::new(
        secret_id.to_string(),
    ))));
    let err = pasted_id.acquire_token().await.expect_err("secret id");
    assert_aadsts(&err, 7000215, "Paste the secret's Value");

    // 7000222: an expired secret.
    h.sim
        .add_client_secret(
            client_id,
            Sensitive::new("expired-secret".into()),
            Some(t0() - chrono::Duration::days(1)),
        )
        .expect("secret added");
    let expired = h.client(h.config(Credential::ClientSecret(Sensitive::new(
        "expired-secret".into(),
    ))));
    let err = expired.acquire_token().await.expect_err("expired");
    assert_aadsts(&err, 7000222, "has expired");

    // 700016: an app the tenant does not know.
    let mut unknown_app = h.secret_config();
    unknown_app.client_id = Uuid::from_u128(0x1234).to_string();
    let err = h
        .client(unknown_app)
        .acquire_token()
        .await
        .expect_err("no app");
    assert_aadsts(&err, 700016, "was not found in tenant");

    // 90002: a tenant that does not exist (or lives in another cloud).
    let mut unknown_tenant = h.secret_config();
    unknown_tenant.tenant = Uuid::from_u128(0x5678).to_string();
    let err = h
        .client(unknown_tenant)
        .acquire_token()
        .await
        .expect_err("no tenant");
    assert_aadsts(&err, 90002, "cloud setting matches");

    // 700027: a certificate the app does not have.
    let unregistered = h.client(h.config(Credential::CertificatePem {
        certificate_pem: OTHER_CERT_PEM.to_owned(),
        private_key_pem: Sensitive::new(OTHER_KEY_PEM.to_owned()),
    }));
    let err = unregistered
        .acquire_token()
        .await
        .expect_err("unknown certificate");
    let thumbprint = unregistered
        .certificate_thumbprint()
        .expect("certificate")
        .to_owned();
    assert_aadsts(&err, 700027, &format!("thumbprint {thumbprint}"));

    // Nothing was retried: one token request per failure.
    assert_eq!(h.sim.counters().requests(Endpoint::Token), 6);
}

/// AADSTS70011 needs a scope this client never sends (it always asks for the cloud's own
/// `.default`), so the simulated tenant cannot produce it; a canned answer stands in.
#[tokio::test]
async fn an_invalid_scope_error_names_the_scope() {
    let server = CannedServer::start(|_, _| {
        Canned::json(
            400,
            r#"{"error":"invalid_scope","error_description":"AADSTS70011: The provided request must include a 'scope' input parameter. Trace ID: t Correlation ID: c Timestamp: 2027-01-04 09:00:00Z","error_codes":[70011],"trace_id":"trace-1"}"#,
        )
    })
    .await;
    let h = Harness::start(SimOptions::demo(0)).await;
    let mut config = h.secret_config();
    config.urls = UrlOverrides {
        authority_url: Some(server.url.clone()),
        graph_url: Some(server.url.clone()),
    };
    let err = h
        .client(config)
        .acquire_token()
        .await
        .expect_err("invalid scope");
    assert_aadsts(
        &err,
        70011,
        "the scope must be https://graph.microsoft.com/.default",
    );
    assert_eq!(err.request_id(), Some("trace-1"));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert!(seen[0]
        .body
        .contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"));
}

#[tokio::test]
async fn the_token_request_has_the_documented_form() {
    let server = CannedServer::start(|_, _| {
        Canned::json(
            200,
            r#"{"token_type":"Bearer","expires_in":3599,"access_token":"e30.e30.sig"}"#,
        )
    })
    .await;
    let h = Harness::start(SimOptions::demo(0)).await;
    let mut config = h.config(Credential::CertificatePem {
        certificate_pem: CERT_PEM.to_owned(),
        private_key_pem: Sensitive::new(KEY_PEM.to_owned()),
    });
    config.tenant = "contoso.onmicrosoft.com".to_owned();
    config.urls.authority_url = Some(server.url.clone());
    h.client(config).acquire_token().await.expect("token");
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/contoso.onmicrosoft.com/oauth2/v2.0/token");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(Uuid::parse_str(request.header("client-request-id").unwrap_or_default()).is_ok());
    let form: Vec<(String, String)> = request
        .body
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let names: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "grant_type",
            "client_id",
            "scope",
            "client_assertion_type",
            "client_assertion"
        ]
    );
    assert_eq!(form[0].1, "client_credentials");
    assert_eq!(
        form[3].1,
        "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
    );
}

#[tokio::test]
async fn roles_show_missing_write_consent() {
    let options = SimOptions {
        demo_app_roles: vec![PRESENCE_READ_ALL.to_owned()],
        ..SimOptions::demo(0)
    };
    let h = Harness::start(options).await;
    let client = h.client(h.secret_config());
    assert_eq!(
        client.token_roles().await.expect("roles"),
        ["Presence.Read.All"]
    );
    // An app nobody consented to gets a token without roles.
    let bare = Uuid::from_u128(0xABCD);
    h.sim
        .register_app(AppRegistration::new(bare, "bare").with_roles(Vec::<String>::new()))
        .expect("registered");
    h.sim
        .add_client_secret(bare, Sensitive::new("bare-secret".into()), None)
        .expect("secret");
    let mut config = h.config(Credential::ClientSecret(Sensitive::new(
        "bare-secret".into(),
    )));
    config.client_id = bare.to_string();
    assert!(h
        .client(config)
        .token_roles()
        .await
        .expect("roles")
        .is_empty());
}

#[tokio::test]
async fn batch_items_refused_with_401_get_one_fresh_token() {
    let h = Harness::start(SimOptions::demo(2)).await;
    let client = h.client(h.secret_config());
    client.acquire_token().await.expect("token");
    h.sim.revoke_tokens();
    let ops: Vec<PresenceOp> = h
        .user_ids()
        .into_iter()
        .map(|user| PresenceOp::GetPresence { user })
        .collect();
    for result in client.batch(&ops).await {
        result.expect("read after refresh");
    }
    assert_eq!(h.sim.counters().tokens_issued, 2);
    // The outer batch is answered 401 (its token is checked first) and retried once.
    assert!(h.sim.counters().responses(401) >= 1);
}
