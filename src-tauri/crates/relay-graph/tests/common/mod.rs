//! Shared set-up for the integration tests: a simulated tenant (relay-sim) on loopback and a
//! Graph client pointed at it, both on one `ManualClock`. The client waits through a
//! `ManualSleeper`, which moves that clock, so a `Retry-After` of 30 s passes at once for the
//! client and the tenant alike, and every wait is recorded.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

pub mod canned;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use relay_core::clock::ManualClock;
use relay_core::config::Cloud;
use relay_core::Sensitive;
use relay_graph::{
    Credential, GraphClient, GraphClientConfig, ManualSleeper, Pacing, UrlOverrides,
};
use relay_sim::{SimControl, SimHandle, SimOptions, SimTenant};

pub const CERT_PEM: &str = include_str!("../fixtures/test-cert.pem");
pub const KEY_PEM: &str = include_str!("../fixtures/test-key.pem");
pub const OTHER_CERT_PEM: &str = include_str!("../fixtures/other-cert.pem");
pub const OTHER_KEY_PEM: &str = include_str!("../fixtures/other-key.pem");
pub const MODERN_PFX: &[u8] = include_bytes!("../fixtures/test-modern.pfx");
pub const LEGACY_PFX: &[u8] = include_bytes!("../fixtures/test-legacy.pfx");
pub const PFX_PASSWORD: &str = "fixture-pfx-password";

/// Inside the fixtures' certificate validity (2025–2045).
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
        .single()
        .expect("valid date")
}

/// A simulated tenant and the clock and sleeper a client shares with it.
pub struct Harness {
    pub sim: SimHandle,
    pub clock: ManualClock,
    pub sleeper: ManualSleeper,
}

impl Harness {
    /// Starts `options` on a fresh `ManualClock` at [`t0`].
    pub async fn start(options: SimOptions) -> Self {
        let clock = ManualClock::new(t0());
        let sim = SimTenant::start(options.with_clock(clock.clone()))
            .await
            .expect("the simulated tenant starts");
        Self {
            sleeper: ManualSleeper::new(clock.clone()),
            sim,
            clock,
        }
    }

    /// The demo app with its client secret, pointed at the simulator.
    pub fn secret_config(&self) -> GraphClientConfig {
        let credential = Credential::ClientSecret(self.sim.credentials().client_secret.clone());
        self.config(credential)
    }

    /// The demo app with the fixture certificate (registered on it here) as PEM.
    pub fn certificate_config(&self) -> GraphClientConfig {
        self.register_fixture_certificate();
        self.config(Credential::CertificatePem {
            certificate_pem: CERT_PEM.to_owned(),
            private_key_pem: Sensitive::new(KEY_PEM.to_owned()),
        })
    }

    pub fn register_fixture_certificate(&self) {
        self.sim
            .add_certificate_pem(self.sim.client_id(), CERT_PEM)
            .expect("the fixture certificate registers");
    }

    /// The demo app with `credential`, its tenant, and the simulator's URLs.
    pub fn config(&self, credential: Credential) -> GraphClientConfig {
        sim_config(&self.sim, credential)
    }

    pub fn client(&self, config: GraphClientConfig) -> GraphClient {
        GraphClient::new(
            config,
            Arc::new(self.clock.clone()),
            Arc::new(self.sleeper.clone()),
        )
        .expect("the client builds")
    }

    /// The demo users' object IDs, as the client takes them.
    pub fn user_ids(&self) -> Vec<String> {
        self.sim
            .users()
            .into_iter()
            .map(|user| user.id.to_string())
            .collect()
    }
}

/// A config for the demo app of `sim` with `credential`, pointed at the simulator. No pacing
/// gap, so the waits a test sees are only the ones the retry policy asked for.
pub fn sim_config(sim: &SimControl, credential: Credential) -> GraphClientConfig {
    let mut config = GraphClientConfig::new(
        Cloud::Global,
        sim.tenant_id().to_string(),
        sim.client_id().to_string(),
        credential,
    );
    config.urls = UrlOverrides {
        authority_url: Some(sim.authority_url().to_owned()),
        graph_url: Some(sim.graph_url().to_owned()),
    };
    config.pacing = Pacing {
        max_in_flight: 4,
        min_interval: Duration::ZERO,
    };
    config
}
