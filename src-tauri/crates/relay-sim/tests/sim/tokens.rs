//! The token endpoint: client secrets, certificate assertions, and every AADSTS error.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::Duration;
use relay_core::Sensitive;
use relay_sim::test_support::{AssertionAlgorithm, AssertionClaims, TestCertificate};
use relay_sim::{AppRegistration, Endpoint, SimOptions};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

use crate::common::{start, start_with, status_and_json, t0, Sim, GRAPH_SCOPE};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("three segments");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

/// Asserts an Entra error: status, `error`, and the AADSTS code leading the description.
async fn expect_aadsts(response: reqwest::Response, status: u16, error: &str, code: u32) -> Value {
    let (actual_status, body) = status_and_json(response).await;
    assert_eq!(actual_status.as_u16(), status, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"][0], code, "{body}");
    let description = body["error_description"].as_str().expect("description");
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    for field in ["timestamp", "trace_id", "correlation_id", "error_uri"] {
        assert!(body[field].is_string(), "{field} in {body}");
    }
    body
}

fn secret_form<'a>(client_id: &'a str, secret: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
        ("scope", GRAPH_SCOPE),
    ]
}

#[tokio::test]
async fn client_secret_grant_issues_a_token_with_roles_and_audience() {
    let sim = start_with(SimOptions {
        token_lifetime: Duration::minutes(10),
        ..SimOptions::demo(1)
    })
    .await;
    let client_id = sim.client_id().to_string();
    let secret = sim.secret();
    let (status, body) =
        status_and_json(sim.token_request(&secret_form(&client_id, &secret)).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 600);
    assert!(body.get("refresh_token").is_none());
    let claims = claims_of(body["access_token"].as_str().expect("token"));
    assert_eq!(claims["tid"], sim.tenant_id().to_string());
    assert_eq!(claims["appid"], client_id);
    assert_eq!(claims["azp"], client_id);
    assert_eq!(claims["roles"][0], "Presence.ReadWrite.All");
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    assert_eq!(claims["exp"], (t0() + Duration::minutes(10)).timestamp());
    assert_eq!(sim.counters().tokens_issued, 1);
    assert_eq!(sim.counters().requests(Endpoint::Token), 1);
}

#[tokio::test]
async fn the_tenant_domain_http_basic_and_other_cloud_scopes_work() {
    let sim = start(0).await;
    let client_id = sim.client_id().to_string();
    let secret = sim.secret();
    let by_domain = sim
        .http
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            sim.authority_url(),
            sim.credentials().tenant_domain
        ))
        .form(&secret_form(&client_id, &secret))
        .send()
        .await
        .expect("answered");
    assert_eq!(by_domain.status(), StatusCode::OK);

    let basic = sim
        .http
        .post(sim.token_url())
        .basic_auth(&client_id, Some(&secret))
        .form(&[("grant_type", "client_credentials"), ("scope", GRAPH_SCOPE)])
        .send()
        .await
        .expect("answered");
    assert_eq!(basic.status(), StatusCode::OK);

    for (scope, audience) in [
        (
            "https://graph.microsoft.us/.default",
            "https://graph.microsoft.us",
        ),
        (
            "https://dod-graph.microsoft.us/.default",
            "https://dod-graph.microsoft.us",
        ),
    ] {
        let token = sim.token_for(&client_id, &secret, scope).await;
        assert_eq!(claims_of(&token)["aud"], audience);
    }
}

#[tokio::test]
async fn secret_errors_are_entras() {
    let sim = start(0).await;
    let client_id = sim.client_id().to_string();

    let wrong = sim
        .token_request(&secret_form(&client_id, "not-the-secret"))
        .await;
    expect_aadsts(wrong, 401, "invalid_client", 7_000_215).await;

    // The secret's id instead of its value is the classic mistake; it fails the same way.
    let secret_id = sim
        .add_client_secret(
            sim.client_id(),
            Sensitive::new("second-secret".to_owned()),
            None,
        )
        .expect("secret added");
    let by_id = sim
        .token_request(&secret_form(&client_id, &secret_id.to_string()))
        .await;
    expect_aadsts(by_id, 401, "invalid_client", 7_000_215).await;
    let second = sim
        .token_request(&secret_form(&client_id, "second-secret"))
        .await;
    assert_eq!(second.status(), StatusCode::OK);

    sim.add_client_secret(
        sim.client_id(),
        Sensitive::new("old-secret".to_owned()),
        Some(t0() - Duration::days(1)),
    )
    .expect("secret added");
    let expired = sim
        .token_request(&secret_form(&client_id, "old-secret"))
        .await;
    expect_aadsts(expired, 401, "invalid_client", 7_000_222).await;

    // A secret that expires later works until then.
    sim.add_client_secret(
        sim.client_id(),
        Sensitive::new("soon-secret".to_owned()),
        Some(t0() + Duration::hours(1)),
    )
    .expect("secret added");
    assert_eq!(
        sim.token_request(&secret_form(&client_id, "soon-secret"))
            .await
            .status(),
        StatusCode::OK
    );
    sim.advance(Duration::hours(1));
    let lapsed = sim
        .token_request(&secret_form(&client_id, "soon-secret"))
        .await;
    expect_aadsts(lapsed, 401, "invalid_client", 7_000_222).await;
}

#[tokio::test]
async fn request_errors_are_entras() {
    let sim = start(0).await;
    let client_id = sim.client_id().to_string();
    let secret = sim.secret();

    let unknown_app = Uuid::from_u128(42).to_string();
    expect_aadsts(
        sim.token_request(&secret_form(&unknown_app, &secret)).await,
        400,
        "unauthorized_client",
        700_016,
    )
    .await;

    let unknown_tenant = sim
        .http
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            sim.authority_url(),
            Uuid::from_u128(7)
        ))
        .form(&secret_form(&client_id, &secret))
        .send()
        .await
        .expect("answered");
    expect_aadsts(unknown_tenant, 400, "invalid_request", 90_002).await;

    for scope in [
        "https://graph.microsoft.com/.defualt",
        "https://graph.microsoft.com/Presence.ReadWrite.All",
        "https://graph.microsoft.com/.default offline_access",
        "api://something-else/.default",
    ] {
        let response = sim
            .token_request(&[
                ("grant_type", "client_credentials"),
                ("client_id", &client_id),
                ("client_secret", &secret),
                ("scope", scope),
            ])
            .await;
        expect_aadsts(response, 400, "invalid_scope", 70_011).await;
    }

    let no_grant = sim
        .token_request(&[
            ("client_id", &client_id),
            ("client_secret", &secret),
            ("scope", GRAPH_SCOPE),
        ])
        .await;
    expect_aadsts(no_grant, 400, "invalid_request", 900_144).await;

    let password_grant = sim
        .token_request(&[
            ("grant_type", "password"),
            ("client_id", &client_id),
            ("scope", GRAPH_SCOPE),
        ])
        .await;
    expect_aadsts(password_grant, 400, "unsupported_grant_type", 70_003).await;

    let no_credential = sim
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("scope", GRAPH_SCOPE),
        ])
        .await;
    expect_aadsts(no_credential, 401, "invalid_client", 7_000_218).await;

    let get = sim
        .http
        .get(sim.token_url())
        .send()
        .await
        .expect("answered");
    expect_aadsts(get, 400, "invalid_request", 900_561).await;
}

#[tokio::test]
async fn error_bodies_echo_the_client_request_id_as_correlation_id() {
    let sim = start(0).await;
    let client_id = sim.client_id().to_string();
    let response = sim
        .http
        .post(sim.token_url())
        .header("client-request-id", "5d3f64a1-0000-4000-8000-000000000001")
        .form(&secret_form(&client_id, "wrong"))
        .send()
        .await
        .expect("answered");
    assert_eq!(
        response.headers()["client-request-id"],
        "5d3f64a1-0000-4000-8000-000000000001"
    );
    assert!(response.headers().contains_key("x-ms-request-id"));
    let body = expect_aadsts(response, 401, "invalid_client", 7_000_215).await;
    assert_eq!(
        body["correlation_id"],
        "5d3f64a1-0000-4000-8000-000000000001"
    );
    let description = body["error_description"].as_str().expect("description");
    assert!(description.contains("Correlation ID: 5d3f64a1-0000-4000-8000-000000000001"));
    // The failed request is logged, without the form (it holds the secret).
    let record = sim.requests().pop().expect("logged");
    assert_eq!(record.error_code.as_deref(), Some("AADSTS7000215"));
    assert_eq!(record.body, None);
}

// ---- certificate credentials --------------------------------------------------------------

/// A simulator whose demo app has the shared test certificate registered.
async fn with_certificate() -> (Sim, &'static TestCertificate) {
    let sim = start(1).await;
    let certificate = TestCertificate::shared();
    let registration = sim
        .add_certificate_der(sim.client_id(), certificate.certificate_der())
        .expect("certificate registers");
    assert_eq!(registration.x5t, certificate.x5t());
    assert_eq!(registration.x5t_s256, certificate.x5t_s256());
    assert_eq!(registration.thumbprint.len(), 40);
    (sim, certificate)
}

async fn assertion_request(sim: &Sim, assertion: &str) -> reqwest::Response {
    let client_id = sim.client_id().to_string();
    sim.token_request(&[
        ("grant_type", "client_credentials"),
        ("client_id", &client_id),
        ("client_assertion_type", JWT_BEARER),
        ("client_assertion", assertion),
        ("scope", GRAPH_SCOPE),
    ])
    .await
}

#[tokio::test]
async fn certificate_assertions_in_both_styles_are_accepted() {
    let (sim, certificate) = with_certificate().await;
    let client_id = sim.client_id().to_string();
    let login_aud = format!(
        "https://login.microsoftonline.com/{}/oauth2/v2.0/token",
        sim.tenant_id()
    );
    for (audience, algorithm) in [
        (sim.token_url(), AssertionAlgorithm::Ps256),
        (sim.token_url(), AssertionAlgorithm::Rs256),
        (login_aud.clone(), AssertionAlgorithm::Ps256),
    ] {
        let assertion = certificate.client_assertion(
            &AssertionClaims::new(&client_id, &audience, t0()),
            algorithm,
        );
        let (status, body) = status_and_json(assertion_request(&sim, &assertion).await).await;
        assert_eq!(status, StatusCode::OK, "{algorithm:?} {audience}: {body}");
        assert_eq!(
            claims_of(body["access_token"].as_str().expect("token"))["appidacr"],
            "2"
        );
    }

    // The PEM form registers too, and the registration names the same certificate.
    let again = sim
        .add_certificate_pem(sim.client_id(), certificate.certificate_pem())
        .expect("PEM registers");
    assert_eq!(again.x5t_s256, certificate.x5t_s256());
}

#[tokio::test]
async fn bad_assertions_fail_like_entra() {
    let (sim, certificate) = with_certificate().await;
    let client_id = sim.client_id().to_string();
    let audience = sim.token_url();
    let valid = AssertionClaims::new(&client_id, &audience, t0());

    // A signature that does not verify.
    let good = certificate.client_assertion(&valid, AssertionAlgorithm::Ps256);
    let (head, signature) = good.rsplit_once('.').expect("dots");
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).expect("base64url");
    bytes[10] ^= 0xFF;
    let tampered = format!("{head}.{}", URL_SAFE_NO_PAD.encode(bytes));
    expect_aadsts(
        assertion_request(&sim, &tampered).await,
        401,
        "invalid_client",
        700_027,
    )
    .await;

    // A certificate the app does not have.
    let other_app = Uuid::from_u128(0xC0FFEE);
    sim.register_app(AppRegistration::new(other_app, "No certificate"))
        .expect("registers");
    let other_id = other_app.to_string();
    let unknown_cert = certificate.client_assertion(
        &AssertionClaims::new(&other_id, &audience, t0()),
        AssertionAlgorithm::Rs256,
    );
    let response = sim
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &other_id),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", &unknown_cert),
            ("scope", GRAPH_SCOPE),
        ])
        .await;
    let body = expect_aadsts(response, 401, "invalid_client", 700_027).await;
    assert!(body["error_description"]
        .as_str()
        .is_some_and(|d| d.contains("The key was not found")));

    let cases = [
        (
            AssertionClaims {
                issuer: Some(Uuid::from_u128(9).to_string()),
                ..valid.clone()
            },
            401,
            "invalid_client",
            700_021,
        ),
        (
            AssertionClaims {
                audience: "https://login.microsoftonline.com/common/oauth2/v2.0/token".to_owned(),
                ..valid.clone()
            },
            401,
            "invalid_client",
            700_023,
        ),
        (
            AssertionClaims {
                not_before: t0() - Duration::hours(2),
                expires: t0() - Duration::hours(1),
                ..valid.clone()
            },
            401,
            "invalid_client",
            700_024,
        ),
        (
            AssertionClaims {
                jti: None,
                ..valid.clone()
            },
            400,
            "invalid_request",
            50_027,
        ),
    ];
    for (claims, status, error, code) in cases {
        let assertion = certificate.client_assertion(&claims, AssertionAlgorithm::Ps256);
        expect_aadsts(
            assertion_request(&sim, &assertion).await,
            status,
            error,
            code,
        )
        .await;
    }
    expect_aadsts(
        assertion_request(&sim, "not-a-jwt").await,
        400,
        "invalid_request",
        50_027,
    )
    .await;
}

#[tokio::test]
async fn certificates_that_are_not_rsa_2048_are_refused() {
    let sim = start(0).await;
    let error = sim
        .add_certificate_der(sim.client_id(), b"definitely not DER")
        .expect_err("garbage is refused");
    assert!(
        error
            .to_string()
            .contains("not a DER-encoded X.509 certificate"),
        "{error}"
    );
    let error = sim
        .add_certificate_der(
            Uuid::from_u128(1),
            TestCertificate::shared().certificate_der(),
        )
        .expect_err("unknown app");
    assert!(error.to_string().contains("no app registration"), "{error}");
}
