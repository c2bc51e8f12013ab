//! `presence-relay connection test`: the connection checked step by step, in the order things
//! depend on each other, with the fix for each step that fails. A step that others need stops
//! the test when it fails; the user checks all run, each on its own.

mod fixes;

use std::time::Duration;

use relay_config::AppPaths;
use relay_core::config::Connection;
use relay_graph::{GraphClient, OpOutcome, PresenceOp};
use relay_secrets::StoredCredential;
use serde::Serialize;

use self::fixes::{fix_for, keyring_fix, PRESENCE_READ_WRITE_ALL};
use super::connect::{
    graph_client, graph_credential, invalid_config_message, open_keyring, read_config, runtime,
    set_command_for, ConfigRead, HOW_TO_CONNECT, SIMULATED_MODE,
};
use super::presence::report::reported;
use super::until_done::{run_until_done, Ended, RoundPauses};
use crate::args::{ConnectionCommand, ConnectionTestArgs};
use crate::{exit, output};

/// How long the user reads may take, retries included.
const USER_CHECK_TIME: Duration = Duration::from_secs(120);

pub fn run(command: ConnectionCommand, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    match command {
        ConnectionCommand::Test(args) => test(args, paths, json),
    }
}

/// One checked step, as printed and as `--json` shows it.
#[derive(Debug, Serialize)]
struct Step {
    step: String,
    ok: bool,
    detail: String,
    /// What to do about a failure; `null` when the step passed.
    fix: Option<String>,
}

impl Step {
    fn pass(step: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            step: step.into(),
            ok: true,
            detail: detail.into(),
            fix: None,
        }
    }

    fn fail(step: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            step: step.into(),
            ok: false,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
}

#[derive(Debug, Default, Serialize)]
struct Report {
    steps: Vec<Step>,
    ok: bool,
}

fn test(args: ConnectionTestArgs, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    let mut steps = Vec::new();
    let code = check(args, paths, &mut steps)?;
    let report = Report {
        ok: steps.iter().all(|step| step.ok),
        steps,
    };
    if json {
        output::line(&serde_json::to_string_pretty(&report)?)?;
    } else {
        for step in &report.steps {
            let mark = if step.ok { "ok  " } else { "FAIL" };
            output::line(&format!("{mark}  {:<12} {}", step.step, step.detail))?;
            if let Some(fix) = &step.fix {
                output::line(&format!("      fix: {fix}"))?;
            }
        }
        let failed = report.steps.iter().filter(|step| !step.ok).count();
        if report.ok {
            output::line("connection test passed")?;
        } else {
            output::line(&format!("connection test failed ({failed} step(s))"))?;
        }
    }
    tracing::info!(ok = report.ok, "connection test");
    Ok(if report.ok { exit::OK } else { code })
}

/// Runs the steps into `steps`; returns the exit code for when a step failed: 2 for an invalid
/// config, 1 for everything else.
fn check(args: ConnectionTestArgs, paths: &AppPaths, steps: &mut Vec<Step>) -> anyhow::Result<u8> {
    let config = match read_config(paths)? {
        ConfigRead::Missing => {
            steps.push(Step::fail(
                "config",
                format!(
                    "there is no config file at {}: {SIMULATED_MODE}",
                    paths.config_file().display()
                ),
                HOW_TO_CONNECT,
            ));
            return Ok(exit::FAILURE);
        }
        ConfigRead::Invalid(issues) => {
            steps.push(Step::fail(
                "config",
                invalid_config_message(paths, &issues),
                "run `presence-relay config validate` and fix each problem it lists",
            ));
            return Ok(exit::INVALID);
        }
        ConfigRead::Valid(config) => config,
    };
    let Some(connection) = config.file().connection.clone() else {
        steps.push(Step::fail(
            "config",
            format!(
                "{} names no connection: {SIMULATED_MODE}",
                paths.config_file().display()
            ),
            HOW_TO_CONNECT,
        ));
        return Ok(exit::FAILURE);
    };
    steps.push(Step::pass(
        "config",
        format!(
            "app {} in tenant {} ({} cloud), {} in {}",
            connection.client_id,
            connection.tenant_id,
            connection.cloud.as_str(),
            match connection.credential {
                relay_core::config::CredentialKind::ClientSecret => "client secret",
                relay_core::config::CredentialKind::Certificate => "certificate",
            },
            paths.config_file().display()
        ),
    ));

    let Some(credential) = keyring_step(&connection, steps) else {
        return Ok(exit::FAILURE);
    };
    let users: Vec<String> = if args.users.is_empty() {
        config
            .file()
            .users
            .iter()
            .map(|user| user.object_id.to_ascii_lowercase())
            .collect()
    } else {
        args.users
    };
    runtime()?.block_on(graph_steps(&connection, credential, &users, steps));
    Ok(exit::FAILURE)
}

/// The credential from the keyring, or a failed step saying why not.
fn keyring_step(connection: &Connection, steps: &mut Vec<Step>) -> Option<StoredCredential> {
    let loaded =
        open_keyring().and_then(|keyring| relay_secrets::load_credential(&keyring, connection));
    match loaded {
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
            steps.push(Step::pass("keyring", detail));
            Some(credential)
        }
        Ok(None) => {
            steps.push(Step::fail(
                "keyring",
                "the OS keyring holds no credential for this connection",
                format!("store it with `{}`", set_command_for(connection)),
            ));
            None
        }
        Err(err) => {
            steps.push(Step::fail("keyring", err.to_string(), keyring_fix(&err)));
            None
        }
    }
}

/// Token, permission and users.
async fn graph_steps(
    connection: &Connection,
    credential: StoredCredential,
    users: &[String],
    steps: &mut Vec<Step>,
) {
    let client = match graph_client(connection, graph_credential(credential)) {
        Ok(client) => client,
        Err(err) => {
            steps.push(Step::fail("token", err.to_string(), fix_for(&err, None)));
            return;
        }
    };
    let token_url = client.endpoints().token_url.clone();
    if let Err(err) = client.acquire_token().await {
        steps.push(Step::fail(
            "token",
            err.to_string(),
            fix_for(&err, Some(&client)),
        ));
        return;
    }
    steps.push(Step::pass("token", format!("acquired from {token_url}")));
    steps.push(permission_step(&client).await);
    user_steps(&client, users, steps).await;
}

async fn permission_step(client: &GraphClient) -> Step {
    match client.token_roles().await {
        Ok(roles) if roles.iter().any(|role| role == PRESENCE_READ_WRITE_ALL) => Step::pass(
            "permission",
            format!("the token carries {PRESENCE_READ_WRITE_ALL}"),
        ),
        Ok(roles) => Step::fail(
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
        Err(err) => Step::fail("permission", err.to_string(), fix_for(&err, Some(client))),
    }
}

async fn user_steps(client: &GraphClient, users: &[String], steps: &mut Vec<Step>) {
    let ops: Vec<PresenceOp> = users
        .iter()
        .map(|user| PresenceOp::GetPresence { user: user.clone() })
        .collect();
    let deadline = tokio::time::Instant::now() + USER_CHECK_TIME;
    for (op, ended) in ops
        .iter()
        .zip(run_until_done(client, &ops, deadline, RoundPauses::DEFAULT).await)
    {
        let name = format!("user {}", op.user());
        steps.push(match ended {
            Ended::Done(OpOutcome::Presence(presence)) => Step::pass(
                name,
                format!(
                    "readable; shows {}/{}",
                    reported(&presence.availability),
                    reported(&presence.activity)
                ),
            ),
            Ended::Failed(err) => {
                let fix = fix_for(&err, Some(client));
                Step::fail(name, err.to_string(), fix)
            }
            other => Step::fail(name, other.message(), "run the test again in a few minutes"),
        });
    }
}
