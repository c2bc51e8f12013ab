//! The connection self-test, step by step in the order things depend on each other, with the fix
//! for each step that fails: `config`, `keyring`, `token`, `permission`, then `user <id>` for each
//! user. A step that later ones need stops the test when it fails; the user steps run each on its
//! own. One implementation for `presence-relay connection test` and the window's
//! `connection_test`.
//!
//! It runs in two parts so that callers can keep blocking and async work apart: [`prepare`]
//! (config and keyring; blocking, since a keyring call may wait for an unlock prompt) and
//! [`finish`] (token, permission and users over the network). How the users are read is the
//! caller's: the CLI keeps retrying throttled reads for minutes, the window reads once
//! ([`read_once`]).

mod fixes;

use std::path::Path;
use std::sync::Arc;

use relay_api::{ConnectionTestReport, TestStep};
use relay_core::clock::SystemClock;
use relay_core::config::{ConfigIssue, Connection, CredentialKind, Severity};
use relay_graph::{
    Credential, GraphClient, GraphClientConfig, GraphError, OpOutcome, Presence, PresenceOp,
    Reported, TokioSleeper, MAX_BATCH_REQUESTS,
};
use relay_secrets::{SecretError, SecretStore, StoredCredential};

use crate::config::OnDisk;
pub use fixes::{fix_for, keyring_fix, PRESENCE_READ_WRITE_ALL};

/// Said wherever there is no connection: what that means.
pub const SIMULATED_MODE: &str = "no connection is configured, so the app runs in simulated mode \
     (a built-in simulated tenant; nothing changes in Teams)";
/// What to do about it.
pub const HOW_TO_CONNECT: &str = "connect a tenant with `presence-relay credentials set --tenant \
     TENANT --client-id CLIENT_ID --secret-stdin` (or `--certificate FILE`); see \
     docs/ENTRA-SETUP.md";

/// One line about a config file that does not validate, naming the command that lists its
/// problems.
pub fn invalid_config_message(config_file: &Path, issues: &[ConfigIssue]) -> String {
    let errors = issues
        .iter()
        .filter(|issue| issue.severity == Severity::Error)
        .count();
    format!(
        "the config file {} is not valid ({errors} error(s)); run `presence-relay config \
         validate` to see each one, and fix the file",
        config_file.display()
    )
}

/// What `credentials set` needs to be run with to store this connection's credential.
pub fn set_command_for(connection: &Connection) -> String {
    let cloud = match connection.cloud {
        relay_core::config::Cloud::Global => String::new(),
        other => format!(" --cloud {}", other.as_str()),
    };
    let credential = match connection.credential {
        CredentialKind::ClientSecret => "--secret-stdin",
        CredentialKind::Certificate => "--certificate FILE",
    };
    format!(
        "presence-relay credentials set --tenant {} --client-id {}{cloud} {credential}",
        connection.tenant_id, connection.client_id
    )
}

pub use relay_host::connect::graph_credential;

/// A Graph client for `connection` on the system clock and tokio's timer. The environment's
/// PRESENCE_RELAY_AUTHORITY_URL / PRESENCE_RELAY_GRAPH_URL win over the config's hosts.
pub fn graph_client(
    connection: &Connection,
    credential: Credential,
) -> Result<GraphClient, GraphError> {
    let config =
        GraphClientConfig::from_connection(connection, credential, |name| std::env::var(name).ok());
    GraphClient::new(config, Arc::new(SystemClock), Arc::new(TokioSleeper))
}

/// How one user's read ended, as the caller's reader reports it.
#[derive(Debug)]
pub enum UserRead {
    Presence(Box<Presence>),
    /// A final answer (404, 403, …) or a refusal before sending.
    Failed(GraphError),
    /// Still failing for a reason that may pass when the reader gave up; what happened.
    Unfinished(String),
}

/// The steps so far, and what the network steps need when the local ones passed.
#[derive(Debug)]
pub struct Prepared {
    steps: Vec<TestStep>,
    next: Option<NetworkSteps>,
}

#[derive(Debug)]
struct NetworkSteps {
    connection: Connection,
    credential: StoredCredential,
    users: Vec<String>,
}

impl Prepared {
    /// The steps run so far.
    pub fn steps(&self) -> &[TestStep] {
        &self.steps
    }
}

/// The `config` and `keyring` steps. `users`: whom to read (`None`: the configured users).
pub fn prepare(
    config_file: &Path,
    config: OnDisk,
    keyring: Result<&dyn SecretStore, SecretError>,
    users: Option<Vec<String>>,
) -> Prepared {
    let mut steps = Vec::new();
    let config = match config {
        OnDisk::Missing => {
            steps.push(fail(
                "config",
                format!(
                    "there is no config file at {}: {SIMULATED_MODE}",
                    config_file.display()
                ),
                HOW_TO_CONNECT,
            ));
            return Prepared { steps, next: None };
        }
        OnDisk::Invalid(issues) => {
            steps.push(fail(
                "config",
                invalid_config_message(config_file, &issues),
                "run `presence-relay config validate` and fix each problem it lists",
            ));
            return Prepared { steps, next: None };
        }
        OnDisk::Valid(config) => config,
    };
    let Some(connection) = config.file().connection.clone() else {
        steps.push(fail(
            "config",
            format!(
                "{} names no connection: {SIMULATED_MODE}",
                config_file.display()
            ),
            HOW_TO_CONNECT,
        ));
        return Prepared { steps, next: None };
    };
    steps.push(pass(
        "config",
        format!(
            "app {} in tenant {} ({} cloud), {} in {}",
            connection.client_id,
            connection.tenant_id,
            connection.cloud.as_str(),
            match connection.credential {
                CredentialKind::ClientSecret => "client secret",
                CredentialKind::Certificate => "certificate",
            },
            config_file.display()
        ),
    ));
    let (step, credential) = keyring_step(&connection, keyring);
    steps.push(step);
    let next = credential.map(|credential| NetworkSteps {
        users: users.unwrap_or_else(|| {
            config
                .file()
                .users
                .iter()
                .map(|user| user.object_id.to_ascii_lowercase())
                .collect()
        }),
        connection,
        credential,
    });
    Prepared { steps, next }
}

/// The credential from the keyring, or a failed step saying why not.
fn keyring_step(
    connection: &Connection,
    keyring: Result<&dyn SecretStore, SecretError>,
) -> (TestStep, Option<StoredCredential>) {
    match keyring.and_then(|keyring| relay_secrets::load_credential(keyring, connection)) {
        Ok(Some(credential)) => {
            let detail = match &credential {
                StoredCredential::ClientSecret(_) => {
                    "a client secret is stored in the OS keyring".to_owned()
                }
                StoredCredential::Certificate { info, .. } => format!(
                    "a certificate is stored in the OS keyring: {}, thumbprint {}, valid until {}",
                    info.subject,
                    info.sha1_thumbprint,
                    info.not_after.format("%Y-%m-%d")
                ),
            };
            (pass("keyring", detail), Some(credential))
        }
        Ok(None) => (
            fail(
                "keyring",
                "the OS keyring holds no credential for this connection",
                format!("store it with `{}`", set_command_for(connection)),
            ),
            None,
        ),
        Err(err) => (fail("keyring", err.to_string(), keyring_fix(&err)), None),
    }
}

/// Token, permission and users, when the local steps passed; then the report.
pub async fn finish(
    prepared: Prepared,
    read_users: impl AsyncFnOnce(&GraphClient, &[PresenceOp]) -> Vec<UserRead>,
) -> ConnectionTestReport {
    let Prepared { mut steps, next } = prepared;
    let Some(NetworkSteps {
        connection,
        credential,
        users,
    }) = next
    else {
        return ConnectionTestReport::new(steps, None);
    };
    let client = match graph_client(&connection, graph_credential(credential)) {
        Ok(client) => client,
        Err(err) => {
            steps.push(fail("token", err.to_string(), fix_for(&err, None)));
            return ConnectionTestReport::new(steps, None);
        }
    };
    let consent_url = Some(client.endpoints().consent_url.clone());
    let token_url = client.endpoints().token_url.clone();
    if let Err(err) = client.acquire_token().await {
        steps.push(fail("token", err.to_string(), fix_for(&err, Some(&client))));
        return ConnectionTestReport::new(steps, consent_url);
    }
    steps.push(pass("token", format!("acquired from {token_url}")));
    steps.push(permission_step(&client).await);
    let ops: Vec<PresenceOp> = users
        .iter()
        .map(|user| PresenceOp::GetPresence { user: user.clone() })
        .collect();
    let reads = read_users(&client, &ops).await;
    for (op, read) in ops.iter().zip(reads) {
        steps.push(user_step(&client, op.user(), read));
    }
    ConnectionTestReport::new(steps, consent_url)
}

async fn permission_step(client: &GraphClient) -> TestStep {
    match client.token_roles().await {
        Ok(roles) if roles.iter().any(|role| role == PRESENCE_READ_WRITE_ALL) => pass(
            "permission",
            format!("the token carries {PRESENCE_READ_WRITE_ALL}"),
        ),
        Ok(roles) => fail(
            "permission",
            if roles.is_empty() {
                "the token carries no application permission".to_owned()
            } else {
                format!("the token carries only {}", roles.join(", "))
            },
            format!(
                "add the application permission {PRESENCE_READ_WRITE_ALL} of Microsoft Graph to \
                 the app registration and have an administrator grant admin consent at {} \
                 (docs/ENTRA-SETUP.md, step 3); then run this test again",
                client.endpoints().consent_url
            ),
        ),
        Err(err) => fail("permission", err.to_string(), fix_for(&err, Some(client))),
    }
}

fn user_step(client: &GraphClient, user: &str, read: UserRead) -> TestStep {
    let name = format!("user {user}");
    match read {
        UserRead::Presence(presence) => pass(
            name,
            format!(
                "readable; shows {}/{}",
                reported(&presence.availability),
                reported(&presence.activity)
            ),
        ),
        UserRead::Failed(err) => {
            let fix = fix_for(&err, Some(client));
            fail(name, err.to_string(), fix)
        }
        UserRead::Unfinished(message) => fail(name, message, "run the test again in a few minutes"),
    }
}

/// Reads every user once, in `$batch` requests of up to 20 (the client retries what Graph asks
/// it to, within its policy); what still fails for a reason that may pass is `Unfinished`.
pub async fn read_once(client: &GraphClient, ops: &[PresenceOp]) -> Vec<UserRead> {
    let mut reads = Vec::with_capacity(ops.len());
    for chunk in ops.chunks(MAX_BATCH_REQUESTS) {
        let results = match chunk {
            [op] => vec![client.run(op).await],
            many => client.batch(many).await,
        };
        reads.extend(results.into_iter().map(|result| match result {
            Ok(OpOutcome::Presence(presence)) => UserRead::Presence(presence),
            Ok(_) => UserRead::Unfinished("Graph answered a read with something else".to_owned()),
            Err(err) if err.is_retryable() => UserRead::Unfinished(err.to_string()),
            Err(err) => UserRead::Failed(err),
        }));
    }
    reads
}

fn reported<T: std::fmt::Display>(value: &Reported<T>) -> String {
    match value {
        Reported::Known(value) => value.to_string(),
        Reported::Other(text) => text.clone(),
    }
}

fn pass(step: impl Into<String>, detail: impl Into<String>) -> TestStep {
    TestStep {
        step: step.into(),
        ok: true,
        detail: detail.into(),
        fix: None,
    }
}

fn fail(step: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> TestStep {
    TestStep {
        step: step.into(),
        ok: false,
        detail: detail.into(),
        fix: Some(fix.into()),
    }
}

#[cfg(test)]
mod tests;
