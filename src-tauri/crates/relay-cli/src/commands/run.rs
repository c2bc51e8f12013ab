//! `presence-relay run --headless [--simulated]`: the whole relay without a tray or window, for
//! servers, kiosks without a desktop session and scripted deployments. Runs until Ctrl+C or
//! SIGTERM, then releases what it holds (bounded) and exits 0.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context;
use relay_config::{AppPaths, ConfigParser, ConfigStore, LoadOutcome};
use relay_core::clock::{Clock, SystemClock};
use relay_engine::{EngineStatus, UserStatus};
use relay_graph::TokioSleeper;
use relay_host::{Host, HostSetup, Tenant};
use relay_signals::{default_sources_for_this_machine, SourceOptions};

use crate::args::RunArgs;
use crate::commands::connect::{self, Stop};
use crate::exit;
use crate::output;

pub fn run(args: &RunArgs, paths: &AppPaths, json: bool) -> anyhow::Result<u8> {
    if !args.headless {
        return Ok(Stop::invalid(
            "`run` needs --headless (the tray app starts when no command is given)",
        )
        .report());
    }
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = ConfigStore::new(paths.config_file());
    let outcome = store.load_at_start(&ConfigParser::new(), clock.now())?;
    if let LoadOutcome::MovedAside { moved_to, issues } = &outcome {
        eprintln!(
            "warning: the config file was not valid and was moved aside to {}; running \
             unconfigured. Its problems: {}",
            moved_to.display(),
            relay_host::config_watch::describe_issues(issues)
        );
    }
    let config = outcome.config();
    let tenant = if args.simulated || config.file().connection.is_none() {
        if !args.simulated {
            eprintln!("note: {}", connect::SIMULATED_MODE);
        }
        Tenant::Simulated
    } else {
        match connect::connect(paths)? {
            Ok(client) => Tenant::Graph(client),
            Err(stop) => return Ok(stop.report()),
        }
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(2)
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let sources = default_sources_for_this_machine(&SourceOptions::default()).await;
        let setup = HostSetup {
            config,
            tenant,
            sources,
            state_dir: paths.config_dir.clone(),
            audit_dir: paths.log_dir.clone(),
            watch_config: Some(paths.config_file()),
            local_zone: relay_host::system_zone(),
            // Headless machines have no one to read a desktop notification; problems go to the
            // log and the status lines.
            notifier: None,
        };
        let host = Host::start(setup, clock, Arc::new(TokioSleeper)).await?;
        if let Some(sim) = host.simulator() {
            eprintln!(
                "simulated tenant: {} (inspect it at {})",
                sim.base_url(),
                sim.inspection_url()
            );
        }
        tracing::info!("running headless; Ctrl+C or SIGTERM stops and releases");
        let mut status = host.status();
        let mut printer = StatusPrinter::default();
        loop {
            tokio::select! {
                () = stopped() => break,
                changed = status.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let now = status.borrow_and_update().clone();
                    for line in printer.lines(&now, json) {
                        if output::line(&line).is_err() {
                            // Nobody reads our output any more; keep running for the desk.
                            printer.quiet = true;
                        }
                    }
                }
            }
        }
        eprintln!("stopping: releasing what this machine holds");
        host.shutdown().await;
        anyhow::Ok(exit::OK)
    })
}

/// Ctrl+C, or SIGTERM (service managers) on Unix.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Prints a line per user whenever what we want or what Teams shows for them changes.
#[derive(Debug, Default)]
struct StatusPrinter {
    last: BTreeMap<String, String>,
    quiet: bool,
}

impl StatusPrinter {
    fn lines(&mut self, status: &EngineStatus, json: bool) -> Vec<String> {
        let mut lines = Vec::new();
        for user in &status.users {
            let summary = summary(user);
            if self.last.get(&user.user) == Some(&summary) {
                continue;
            }
            self.last.insert(user.user.clone(), summary.clone());
            if self.quiet {
                continue;
            }
            let at = status
                .updated_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default();
            lines.push(if json {
                serde_json::json!({"at": at, "user": user}).to_string()
            } else {
                format!("{at}  {}: {summary}", user.display_name)
            });
        }
        lines
    }
}

fn summary(user: &UserStatus) -> String {
    let shows = match &user.modelled {
        Some(shown) => format!(
            "Teams shows {}/{}{}",
            shown.availability.as_str(),
            shown.activity.as_str(),
            if shown.can_be_outranked {
                " (a Teams client of theirs can show something stronger)"
            } else {
                ""
            }
        ),
        None => "nothing held (Teams shows the person's own clients)".to_owned(),
    };
    let message = user
        .message
        .as_deref()
        .map(|m| format!(", message {m:?}"))
        .unwrap_or_default();
    format!(
        "{} ({}){message}; {shows}",
        user.intent.as_str(),
        relay_engine::audit::decided_by(&user.reason)
    )
}
