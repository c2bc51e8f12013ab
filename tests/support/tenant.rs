//! The simulated tenant (relay-sim) served from the test process on loopback, on a runtime of
//! its own, so that the binary under test can talk to it while the test waits for the binary.

use relay_sim::{SimHandle, SimOptions, SimTenant};

use super::relay::{Relay, Run};

pub struct Tenant {
    // Dropped first: the server stops before its runtime does.
    pub sim: SimHandle,
    _runtime: tokio::runtime::Runtime,
}

impl Tenant {
    pub fn start(options: SimOptions) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the simulated tenant");
        let sim = runtime
            .block_on(SimTenant::start(options))
            .expect("the simulated tenant starts");
        Self {
            sim,
            _runtime: runtime,
        }
    }

    /// Points every later run of `relay` at this tenant, the way an admin would point the app at
    /// a proxy: through the environment.
    pub fn point(&self, relay: &mut Relay) {
        relay.env("PRESENCE_RELAY_AUTHORITY_URL", self.sim.authority_url());
        relay.env("PRESENCE_RELAY_GRAPH_URL", self.sim.graph_url());
    }

    /// The demo app's (fake) client secret.
    pub fn secret(&self) -> String {
        self.sim.credentials().client_secret.expose().clone()
    }

    pub fn tenant_id(&self) -> String {
        self.sim.tenant_id().to_string()
    }

    pub fn client_id(&self) -> String {
        self.sim.client_id().to_string()
    }

    pub fn user_ids(&self) -> Vec<String> {
        self.sim
            .users()
            .iter()
            .map(|user| user.id.to_string())
            .collect()
    }

    /// `credentials set` for the demo app with `secret` piped in.
    pub fn set_secret(&self, relay: &Relay, secret: &str) -> Run {
        relay.run_with_stdin(
            &[
                "credentials",
                "set",
                "--tenant",
                &self.tenant_id(),
                "--client-id",
                &self.client_id(),
                "--secret-stdin",
            ],
            format!("{secret}\n").as_bytes(),
        )
    }
}
