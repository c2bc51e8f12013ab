//! `presence-relay connection test`: the connection checked step by step, in the order things
//! depend on each other, with the fix for each step that fails. The steps are relay-settings'
//! self-test (the settings window runs the same); this command reads the users with retries
//! until every read has a final answer, and prints the report.

use std::time::Duration;

use relay_api::TestStep;
use relay_config::AppPaths;
use relay_graph::{GraphClient, OpOutcome, PresenceOp};
use relay_settings::config::OnDisk;
use relay_settings::selftest::{self, UserRead};
use serde::Serialize;

use super::connect::{open_keyring, read_config, runtime, ConfigRead};
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

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct Report {
    steps: Vec<TestStep>,
    ok: bool,
}

fn test(args: ConnectionTestArgs, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    let (config, code) = match read_config(paths)? {
        ConfigRead::Missing => (OnDisk::Missing, exit::FAILURE),
        // An invalid config is the one failure with its own exit code.
        ConfigRead::Invalid(issues) => (OnDisk::Invalid(issues), exit::INVALID),
        ConfigRead::Valid(config) => (OnDisk::Valid(config), exit::FAILURE),
    };
    let keyring = open_keyring();
    let users = (!args.users.is_empty()).then_some(args.users);
    let prepared = selftest::prepare(
        &paths.config_file(),
        config,
        keyring
            .as_ref()
            .map(|keyring| keyring as _)
            .map_err(Clone::clone),
        users,
    );
    let report = runtime()?.block_on(selftest::finish(prepared, read_until_done));
    let report = Report {
        ok: report.ok,
        steps: report.steps,
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

/// Reads every user until each read has a final answer or [`USER_CHECK_TIME`] has passed.
async fn read_until_done(client: &GraphClient, ops: &[PresenceOp]) -> Vec<UserRead> {
    let deadline = tokio::time::Instant::now() + USER_CHECK_TIME;
    run_until_done(client, ops, deadline, RoundPauses::DEFAULT)
        .await
        .into_iter()
        .map(|ended| match ended {
            Ended::Done(OpOutcome::Presence(presence)) => UserRead::Presence(presence),
            Ended::Failed(err) => UserRead::Failed(err),
            other => UserRead::Unfinished(other.message()),
        })
        .collect()
}
