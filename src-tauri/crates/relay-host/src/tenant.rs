//! Where presence is written: the configured tenant, or the built-in simulated tenant.
//!
//! With no connection configured (or when asked), the app runs against a simulated tenant on
//! loopback so anyone can watch it work. Its users are the configured ones (same object IDs);
//! with none configured it is the demo: a few sample users and a starter rule set, in memory
//! only (nothing is written to the config file).

use std::sync::Arc;

use relay_config::ConfigParser;
use relay_core::clock::Clock;
use relay_core::config::{Cloud, ValidConfig};
use relay_graph::{Credential, GraphClient, GraphClientConfig, GraphError, Sleeper, UrlOverrides};
use relay_sim::{SimControl, SimError, SimHandle, SimOptions, SimTenant};
use uuid::Uuid;

/// How many people the demo shows.
pub const DEMO_USERS: usize = 3;

/// Where writes go.
#[derive(Debug)]
pub enum Tenant {
    /// A client for the configured tenant (credential from the keyring; built by the caller).
    Graph(GraphClient),
    /// Start the built-in simulated tenant.
    Simulated,
}

#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    #[error("cannot start the simulated tenant: {0}")]
    Simulator(#[from] SimError),
    #[error(
        "configured user {index} has object ID {id:?}, which the simulated tenant cannot use \
         (it needs a GUID); fix `users[{index}].object_id` in the config file"
    )]
    UserId { index: usize, id: String },
    #[error("cannot build a client for the simulated tenant: {0}")]
    Client(#[from] GraphError),
}

/// A running simulated tenant, the client that writes to it, and the config to run with.
#[derive(Debug)]
pub struct Simulated {
    pub sim: SimHandle,
    pub client: GraphClient,
    pub config: ValidConfig,
    /// True when the config is the built-in demo (no users were configured).
    pub demo: bool,
}

/// Starts the simulated tenant for `config`: its users become the tenant's users; with none,
/// the demo users and the starter rules are used instead.
pub async fn start_simulated(
    config: ValidConfig,
    clock: Arc<dyn Clock>,
    sleeper: Arc<dyn Sleeper>,
) -> Result<Simulated, TenantError> {
    let configured = &config.file().users;
    let demo = configured.is_empty();
    let users = if demo { DEMO_USERS } else { 0 };
    let sim = SimTenant::start(SimOptions {
        clock: clock.clone(),
        ..SimOptions::demo(users)
    })
    .await?;
    for (index, user) in configured.iter().enumerate() {
        let id: Uuid = user.object_id.parse().map_err(|_| TenantError::UserId {
            index,
            id: user.object_id.clone(),
        })?;
        sim.add_user(id, user.display_name.clone())?;
    }
    let config = if demo {
        demo_config(&sim, &config)
    } else {
        config
    };
    let client = client_for(&sim, clock, sleeper)?;
    Ok(Simulated {
        sim,
        client,
        config,
        demo,
    })
}

/// A Graph client signed in to the simulated tenant with its demo credentials.
pub fn client_for(
    sim: &SimHandle,
    clock: Arc<dyn Clock>,
    sleeper: Arc<dyn Sleeper>,
) -> Result<GraphClient, GraphError> {
    GraphClient::new(client_config_for(sim), clock, sleeper)
}

/// The client settings for the simulated tenant (its demo app, secret and URLs), with the
/// app's default pacing and retry policy; tests, `simulate` and the benchmarks adjust those.
pub fn client_config_for(sim: &SimControl) -> GraphClientConfig {
    let mut config = GraphClientConfig::new(
        Cloud::Global,
        sim.tenant_id().to_string(),
        sim.client_id().to_string(),
        Credential::ClientSecret(sim.credentials().client_secret.clone()),
    );
    config.urls = UrlOverrides {
        authority_url: Some(sim.authority_url().to_owned()),
        graph_url: Some(sim.graph_url().to_owned()),
    };
    config
}

/// The demo: the simulated tenant's users and the starter rules, keeping `base`'s settings.
pub fn demo_config(sim: &SimControl, base: &ValidConfig) -> ValidConfig {
    let users: Vec<serde_json::Value> = sim
        .users()
        .iter()
        .map(|user| {
            serde_json::json!({
                "object_id": user.id.to_string(),
                "display_name": user.display_name,
            })
        })
        .collect();
    let mut document = serde_json::json!({
        "schema_version": relay_core::config::CURRENT_SCHEMA_VERSION,
        "users": users,
        "rules": starter_rules(),
        "default_action": {"intent": "available"},
    });
    if let Ok(settings) = serde_json::to_value(&base.file().settings) {
        document["settings"] = settings;
    }
    match ConfigParser::new().parse(&document.to_string()) {
        Ok(parsed) => parsed.config,
        Err(issues) => {
            // The starter rules are ours and tested; this would be a bug, so say it loudly and
            // run with what was configured.
            tracing::error!("the demo config does not validate: {issues:?}");
            base.clone()
        }
    }
}

/// The starter rule set: what most reception desks want on day one.
pub fn starter_rules() -> serde_json::Value {
    serde_json::json!([
        {
            "name": "Screen locked",
            "when": {"screen": {"locked": true, "for_seconds": 10}},
            "then": {"intent": "away", "mode": "assertive", "message": "Back soon"}
        },
        {
            "name": "No input for 10 minutes",
            "when": {"idle_minutes": 10},
            "then": {"intent": "away"}
        },
        {
            "name": "Do not disturb",
            "when": {"do_not_disturb": true},
            "then": {"intent": "do_not_disturb"}
        }
    ])
}

#[cfg(test)]
mod tests {
    use relay_core::clock::SystemClock;
    use relay_graph::TokioSleeper;

    use super::*;

    #[tokio::test]
    async fn no_users_configured_gives_the_demo() {
        let simulated = start_simulated(
            ValidConfig::empty(),
            Arc::new(SystemClock),
            Arc::new(TokioSleeper),
        )
        .await
        .expect("starts");
        assert!(simulated.demo);
        let file = simulated.config.file();
        assert_eq!(file.users.len(), DEMO_USERS);
        assert_eq!(file.rules.len(), 3);
        assert_eq!(file.rules[0].name, "Screen locked");
    }

    #[tokio::test]
    async fn configured_users_become_the_simulated_tenant_users() {
        let text = serde_json::json!({
            "schema_version": 1,
            "users": [{"object_id": "3f1c2a9e-8b7d-4e6f-9a01-23456789abcd", "display_name": "Front desk"}],
        })
        .to_string();
        let config = ConfigParser::new().parse(&text).expect("valid").config;
        let simulated = start_simulated(config, Arc::new(SystemClock), Arc::new(TokioSleeper))
            .await
            .expect("starts");
        assert!(!simulated.demo);
        let users = simulated.sim.users();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].display_name, "Front desk");
    }
}
