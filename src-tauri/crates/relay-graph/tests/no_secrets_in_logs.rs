//! Captures every log line at trace level (this crate's tracing events, and the `log` records of
//! reqwest, hyper and rustls) through a full flow, including failures, and checks that no client
//! secret, PFX password, private key, client assertion or access token appears in it.
//!
//! This file is its own test binary, so installing a global subscriber here affects nothing
//! else.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use common::*;
use relay_core::graph_presence::{PreferredPair, SessionExpiration, SessionPair};
use relay_core::Sensitive;
use relay_graph::{Credential, PresenceOp, StatusMessage};
use relay_sim::{FaultSpec, SimOptions, PRESENCE_READ_ALL};

/// Collects everything written to it.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("not poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).to_string()
    }
}

#[tokio::test]
async fn no_secret_key_or_token_reaches_the_logs() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber in this binary");

    let secret = "s3cr3t-VALUE-that-must-not-leak";
    let h = Harness::start(SimOptions::demo(3)).await;
    h.sim
        .add_client_secret(h.sim.client_id(), Sensitive::new(secret.to_owned()), None)
        .expect("secret");
    h.register_fixture_certificate();
    let users = h.user_ids();
    let hold = SessionExpiration::from_minutes(15).expect("in range");

    // Secret: token, every endpoint, a batch, a revoked token, faults and retries.
    let client = h.client(h.config(Credential::ClientSecret(Sensitive::new(secret.to_owned()))));
    client
        .set_presence(&users[0], SessionPair::Available, hold)
        .await
        .expect("set");
    client
        .set_preferred_presence(&users[0], PreferredPair::Busy, None)
        .await
        .expect("preferred");
    client
        .set_status_message(&users[0], Some(StatusMessage::new("hello", None)))
        .await
        .expect("message");
    client.get_presence(&users[0]).await.expect("get");
    client.get_presences(&users).await.expect("list");
    let _ = client.token_roles().await.expect("roles");
    h.sim.revoke_tokens();
    let ops: Vec<PresenceOp> = users
        .iter()
        .map(|user| PresenceOp::ClearPresence { user: user.clone() })
        .collect();
    let _ = client.batch(&ops).await;
    h.sim
        .set_faults(FaultSpec {
            rate: 50,
            drop: 20,
            seed: 3,
            ..FaultSpec::none()
        })
        .expect("faults");
    for user in &users {
        let _ = client.set_presence(user, SessionPair::Away, hold).await;
    }
    h.sim.set_faults(FaultSpec::none()).expect("no faults");

    // Certificates: PEM and PFX, and a wrong PFX password.
    for credential in [
        Credential::CertificatePem {
            certificate_pem: CERT_PEM.to_owned(),
            private_key_pem: Sensitive::new(KEY_PEM.to_owned()),
        },
        Credential::Pkcs12 {
            pfx: Sensitive::new(MODERN_PFX.to_vec()),
            password: Sensitive::new(PFX_PASSWORD.to_owned()),
        },
    ] {
        let client = h.client(h.config(credential));
        client.get_presence(&users[1]).await.expect("get");
    }
    let wrong_password = relay_graph::GraphClient::new(
        h.config(Credential::Pkcs12 {
            pfx: Sensitive::new(MODERN_PFX.to_vec()),
            password: Sensitive::new("not-the-password".to_owned()),
        }),
        std::sync::Arc::new(h.clock.clone()),
        std::sync::Arc::new(h.sleeper.clone()),
    );
    if let Err(err) = wrong_password {
        tracing::error!(error = %err, "expected failure");
    }

    // Failures: a wrong secret (AADSTS), and a 403.
    let wrong = h.client(h.config(Credential::ClientSecret(Sensitive::new(
        "wrong-secret-value".to_owned(),
    ))));
    if let Err(err) = wrong.acquire_token().await {
        tracing::error!(error = %err, "expected failure");
    }
    h.sim
        .set_app_roles(h.sim.client_id(), [PRESENCE_READ_ALL])
        .expect("roles");
    let unconsented =
        h.client(h.config(Credential::ClientSecret(Sensitive::new(secret.to_owned()))));
    if let Err(err) = unconsented
        .set_presence(&users[2], SessionPair::Available, hold)
        .await
    {
        tracing::error!(error = %err, "expected failure");
    }

    let logs = capture.text();
    assert!(logs.contains("calling Graph"), "the capture works");
    assert!(logs.contains("Graph call failed"), "failures were logged");
    let key_body: String = KEY_PEM
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let forbidden = [
        ("the client secret", secret.to_owned()),
        (
            "the demo secret",
            h.sim.credentials().client_secret.expose().clone(),
        ),
        ("the PFX password", PFX_PASSWORD.to_owned()),
        ("a private key", "PRIVATE KEY".to_owned()),
        ("the private key's base64", key_body[..48].to_owned()),
        (
            "the PFX bytes",
            base64::engine::general_purpose::STANDARD.encode(&MODERN_PFX[..36]),
        ),
        // Access tokens and client assertions are JWTs; every JWT starts with `{"` in base64url.
        ("a JWT (token or assertion)", "eyJ".to_owned()),
        ("an Authorization header", "Bearer ".to_owned()),
    ];
    for (what, needle) in forbidden {
        assert!(!logs.contains(&needle), "{what} appears in the logs");
    }
}
