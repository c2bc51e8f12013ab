//! `presence-relay presence get | set | clear`: presence by hand, for scripts and support. Input
//! is checked before anything is sent (an illegal pair exits 2 listing the legal ones); the
//! calls then go out through `until_done`, so a run ends with every user done or a clear report
//! of who is not.

mod plan;
// The connection test shows presence the same way.
pub(super) mod report;

use std::time::Duration;

use chrono::Utc;
use relay_config::AppPaths;
use relay_graph::{OpOutcome, PresenceOp};
use serde_json::json;

use self::plan::{distinct, plan_clear, plan_set};
use self::report::{group_by_user, presence_json, presence_text, UserWrites};
use super::connect::{connect, runtime, Stop};
use super::until_done::{run_until_done, Ended, RoundPauses};
use crate::args::{PatienceArgs, PresenceCommand, PresenceGetArgs};
use crate::{exit, output};

pub fn run(command: PresenceCommand, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    match command {
        PresenceCommand::Get(args) => get(args, paths, json),
        PresenceCommand::Set(args) => match plan_set(&args, Utc::now()) {
            Ok(ops) => write("set", &ops, &args.patience, paths, json),
            Err(problem) => Ok(Stop::invalid(problem).report()),
        },
        PresenceCommand::Clear(args) => {
            write("clear", &plan_clear(&args), &args.patience, paths, json)
        }
    }
}

fn deadline(patience: &PatienceArgs) -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(patience.timeout.as_seconds())
}

/// Sends `ops` and reports per user. Exit 0 only when every write of every user went through.
fn write(
    verb: &str,
    ops: &[PresenceOp],
    patience: &PatienceArgs,
    paths: &AppPaths,
    json: bool,
) -> anyhow::Result<u8> {
    let results = runtime()?.block_on(async {
        let client = match connect(paths)? {
            Ok(client) => client,
            Err(stop) => return anyhow::Ok(Err(stop)),
        };
        Ok(Ok(run_until_done(
            &client,
            ops,
            deadline(patience),
            RoundPauses::DEFAULT,
        )
        .await))
    })?;
    let results = match results {
        Ok(results) => results,
        Err(stop) => return Ok(stop.report()),
    };
    let users = group_by_user(ops, &results);
    let failed = users.iter().filter(|user| !user.ok()).count();
    tracing::info!(
        users = users.len(),
        failed,
        "presence {verb}: {} of {} users done",
        users.len() - failed,
        users.len()
    );
    if json {
        let report = json!({
            "ok": failed == 0,
            "users": users.iter().map(UserWrites::to_json).collect::<Vec<_>>(),
        });
        output::line(&serde_json::to_string_pretty(&report)?)?;
    } else {
        for user in &users {
            output::line(&user.line())?;
        }
        if failed > 0 {
            eprintln!(
                "presence {verb}: {} of {} users done, {failed} failed (see above)",
                users.len() - failed,
                users.len()
            );
        }
    }
    Ok(if failed == 0 { exit::OK } else { exit::FAILURE })
}

fn get(args: PresenceGetArgs, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    let ops: Vec<PresenceOp> = distinct(&args.users.users)
        .into_iter()
        .map(|user| PresenceOp::GetPresence {
            user: user.to_owned(),
        })
        .collect();
    let results = runtime()?.block_on(async {
        let client = match connect(paths)? {
            Ok(client) => client,
            Err(stop) => return anyhow::Ok(Err(stop)),
        };
        Ok(Ok(run_until_done(
            &client,
            &ops,
            deadline(&args.patience),
            RoundPauses::DEFAULT,
        )
        .await))
    })?;
    let results = match results {
        Ok(results) => results,
        Err(stop) => return Ok(stop.report()),
    };
    let mut all_ok = true;
    let mut reports = Vec::new();
    for (op, ended) in ops.iter().zip(&results) {
        let presence = match ended {
            Ended::Done(OpOutcome::Presence(presence)) => Some(presence.as_ref()),
            _ => None,
        };
        all_ok &= presence.is_some();
        if json {
            reports.push(match presence {
                Some(presence) => presence_json(op.user(), presence),
                None => json!({
                    "user": op.user(),
                    "ok": false,
                    "error": { "code": ended.code(), "message": ended.message() },
                }),
            });
        } else {
            match presence {
                Some(presence) => output::raw(&presence_text(op.user(), presence))?,
                None => output::line(&format!("FAIL  {}  {}", op.user(), ended.message()))?,
            }
        }
    }
    if json {
        let report = json!({ "ok": all_ok, "users": reports });
        output::line(&serde_json::to_string_pretty(&report)?)?;
    }
    Ok(if all_ok { exit::OK } else { exit::FAILURE })
}

#[cfg(test)]
mod tests;
