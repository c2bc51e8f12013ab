//! The running relay, assembled: a tenant (the configured one or the simulated one), the local
//! signal sources, the calendars, live config reload, and the engine between them. The tray app
//! and `presence-relay run --headless` both start one [`Host`] and only talk to it.
//!
//! ```text
//! OS sources --SignalEvent--> translate --Observation--+
//! calendars  --CalendarUpdate-------------------------+--> Engine --> Graph (or simulated tenant)
//! config file (watched) --Reload----------------------+        \--> status (watch), audit log
//! ```

mod calendars;
pub mod config_watch;
pub mod connect;
pub mod tenant;
pub mod translate;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use relay_core::clock::Clock;
use relay_core::config::{Calendar, Connection, ValidConfig};
use relay_core::snapshot::Observation;
use relay_engine::{
    AuditLog, Engine, EngineCommand, EngineHandle, EngineOptions, EngineStatus, GraphWriter,
    HeldFile, Reconciler, RELEASE_BUDGET,
};
use relay_graph::Sleeper;
use relay_signals::{
    HealthMap, Signal, SignalEvent, SourceName, SourceSet, Supervisor, SupervisorHandle,
};
use relay_sim::{SimControl, SimHandle};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub use calendars::{observation_for as calendar_observation, LatestCalendars};
pub use config_watch::ConfigChange;
pub use connect::{configured_tenant, system_zone, ConnectError};
pub use tenant::{Tenant, TenantError};
pub use translate::{Forward, SignalTranslator};

/// The engine's observation inbox.
pub(crate) type Observations = mpsc::Sender<(Observation, DateTime<Utc>)>;

/// Everything a host needs to start.
#[derive(Debug)]
pub struct HostSetup {
    /// The config in use (the last good one).
    pub config: ValidConfig,
    pub tenant: Tenant,
    /// The OS signal sources to run (see `relay_signals::default_sources_for_this_machine`).
    pub sources: SourceSet,
    /// Where `held.json` (what we hold in Graph, across restarts) is kept.
    pub state_dir: PathBuf,
    /// Where the audit log (`audit.jsonl`) is kept.
    pub audit_dir: PathBuf,
    /// The config file to watch for live edits (`None`: no reload).
    pub watch_config: Option<PathBuf>,
    /// The machine's zone, for time windows, all-day events and message times.
    pub local_zone: chrono_tz::Tz,
    /// Shows what needs a person (the tray app: the desktop's notifications; headless: none).
    pub notifier: Option<Arc<dyn relay_notify::Notifier>>,
}

#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error(transparent)]
    Tenant(#[from] TenantError),
}

/// A running relay. Shut it down with [`Host::shutdown`], which releases what it holds.
#[derive(Debug)]
pub struct Host {
    engine: EngineHandle,
    engine_stop: CancellationToken,
    tasks_stop: CancellationToken,
    tasks: JoinSet<()>,
    signal_health: watch::Receiver<HealthMap>,
    latest_signals: watch::Receiver<LatestSignals>,
    latest_calendars: watch::Receiver<LatestCalendars>,
    config_problem: watch::Receiver<Option<String>>,
    restart_needed: watch::Receiver<Option<Box<ValidConfig>>>,
    sim: Option<SimHandle>,
    demo: bool,
}

/// The last value of each signal each OS source reported, for the settings window's Signals
/// page. Health is left out (see [`Host::signal_health`]), and so are `suspending` and
/// `resumed`: they are moments, not states, and a stale one would only mislead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LatestSignals {
    /// Source, then signal kind (`locked`, `idle_seconds`, ...): the event that set it.
    by_source: BTreeMap<SourceName, BTreeMap<&'static str, SignalEvent>>,
}

impl LatestSignals {
    /// Keeps `event` if it carries a state; says whether anything changed.
    pub fn record(&mut self, event: &SignalEvent) -> bool {
        if matches!(
            event.signal,
            Signal::Health(_) | Signal::Suspending | Signal::Resumed
        ) {
            return false;
        }
        let slot = self.by_source.entry(event.source.clone()).or_default();
        let key = event.signal.kind();
        if slot.get(key) == Some(event) {
            return false;
        }
        slot.insert(key, event.clone());
        true
    }

    /// The sources that reported a state, by name.
    pub fn sources(&self) -> impl Iterator<Item = &SourceName> {
        self.by_source.keys()
    }

    /// The last event of each signal `source` reported, by signal name.
    pub fn of(&self, source: &SourceName) -> impl Iterator<Item = &SignalEvent> {
        self.by_source
            .get(source)
            .into_iter()
            .flat_map(|signals| signals.values())
    }
}

impl Host {
    /// Starts the tenant (if simulated), the engine, the sources, the calendars and the config
    /// watcher on the current tokio runtime.
    pub async fn start(
        setup: HostSetup,
        clock: Arc<dyn Clock>,
        sleeper: Arc<dyn Sleeper>,
    ) -> Result<Host, HostError> {
        let HostSetup {
            config,
            tenant,
            sources,
            state_dir,
            audit_dir,
            watch_config,
            local_zone,
            notifier,
        } = setup;
        // The connection this relay runs with; a config naming another one needs a new relay.
        let running_connection = config.file().connection.clone();
        let notifications = config.file().settings.notifications.clone();
        let (client, config, sim, demo) = match tenant {
            Tenant::Graph(client) => (client, config, None, false),
            Tenant::Simulated => {
                let simulated =
                    tenant::start_simulated(config, clock.clone(), sleeper.clone()).await?;
                tracing::info!(
                    "using the simulated tenant at {} (nothing real is changed){}",
                    simulated.sim.base_url(),
                    if simulated.demo {
                        " with demo users and the starter rules"
                    } else {
                        ""
                    }
                );
                (
                    simulated.client,
                    simulated.config,
                    Some(simulated.sim),
                    simulated.demo,
                )
            }
        };
        let calendars_now = config.file().calendars.clone();
        let options = EngineOptions {
            local_zone,
            ..EngineOptions::default()
        };
        let credential_expiry = client.credential_expires();
        let clock_for_notes = clock.clone();
        let reconciler = Reconciler::new(config, Arc::new(GraphWriter::new(client)), options)
            .with_audit(AuditLog::new(&audit_dir))
            .with_held_file(HeldFile::in_dir(&state_dir));
        let engine_stop = CancellationToken::new();
        let engine = Engine::start(reconciler, clock.clone(), engine_stop.clone());

        let tasks_stop = CancellationToken::new();
        let mut tasks = JoinSet::new();

        let (signal_tx, signal_rx) = mpsc::channel(64);
        let supervisor = Supervisor::start(sources, signal_tx, clock.clone(), tasks_stop.clone());
        let signal_health = supervisor.health();
        let (latest_tx, latest_signals) = watch::channel(LatestSignals::default());
        tasks.spawn(forward_signals(
            signal_rx,
            supervisor,
            SignalOutlets {
                observations: engine.observations.clone(),
                commands: engine.commands.clone(),
                latest: latest_tx,
            },
            tasks_stop.clone(),
        ));

        let (calendars_tx, calendars_rx) = watch::channel(calendars_now);
        let (latest_calendars_tx, latest_calendars) = watch::channel(LatestCalendars::new());
        tasks.spawn(calendars::run_calendars(
            calendars_rx,
            engine.observations.clone(),
            latest_calendars_tx,
            clock,
            local_zone,
            tasks_stop.clone(),
        ));

        let (problem_tx, config_problem) = watch::channel(None);
        let (restart_tx, restart_needed) = watch::channel(None);
        if let Some(path) = watch_config {
            let (changes_tx, changes_rx) = watch::channel(None);
            tasks.spawn(config_watch::watch_config(
                path,
                changes_tx,
                tasks_stop.clone(),
            ));
            tasks.spawn(apply_config_changes(ConfigApplier {
                changes: changes_rx,
                problem: problem_tx,
                calendars: calendars_tx,
                commands: engine.commands.clone(),
                sim: sim.as_ref().map(|s| s.control()),
                demo,
                running_connection: running_connection.clone(),
                restart: restart_tx,
                stop: tasks_stop.clone(),
            }));
        }

        if let Some(notifier) = notifier.filter(|_| notifications.enabled) {
            let mut known = Vec::new();
            if let Some(at) = credential_expiry.or_else(|| {
                running_connection
                    .as_ref()
                    .and_then(|c| c.secret_expires_at)
            }) {
                known.push(relay_notify::Problem::CredentialExpiry(at));
            }
            let (_known_tx, known_rx) = watch::channel(known);
            tasks.spawn(relay_notify::run(
                engine.status.clone(),
                known_rx,
                notifier,
                relay_notify::WatchOptions {
                    on_state_change: notifications.on_state_change,
                    ..relay_notify::WatchOptions::default()
                },
                clock_for_notes,
                tasks_stop.clone(),
            ));
        }

        Ok(Host {
            engine,
            engine_stop,
            tasks_stop,
            tasks,
            signal_health,
            latest_signals,
            latest_calendars,
            config_problem,
            restart_needed,
            sim,
            demo,
        })
    }

    /// Set when the config file names another connection than the one this relay runs with
    /// (the settings window's wizard, `credentials set`): the owner should shut this relay down
    /// and start a new one with the config carried here.
    pub fn restart_needed(&self) -> watch::Receiver<Option<Box<ValidConfig>>> {
        self.restart_needed.clone()
    }

    /// The engine's status, updated after every step.
    pub fn status(&self) -> watch::Receiver<EngineStatus> {
        self.engine.status.clone()
    }

    /// Where pause, snooze, overrides and reloads go.
    pub fn commands(&self) -> mpsc::Sender<EngineCommand> {
        self.engine.commands.clone()
    }

    /// Observations from elsewhere (the tray's manual focus toggle on macOS, tests).
    pub fn observations(&self) -> mpsc::Sender<(Observation, DateTime<Utc>)> {
        self.engine.observations.clone()
    }

    /// Each signal source's health.
    pub fn signal_health(&self) -> watch::Receiver<HealthMap> {
        self.signal_health.clone()
    }

    /// The last value of each signal the OS sources reported.
    pub fn latest_signals(&self) -> watch::Receiver<LatestSignals> {
        self.latest_signals.clone()
    }

    /// The last update of each configured calendar (health, state now, blocks around now).
    pub fn latest_calendars(&self) -> watch::Receiver<LatestCalendars> {
        self.latest_calendars.clone()
    }

    /// Why the config file on disk is not the one in use, when it is not.
    pub fn config_problem(&self) -> watch::Receiver<Option<String>> {
        self.config_problem.clone()
    }

    /// The simulated tenant, when that is where presence goes.
    pub fn simulator(&self) -> Option<&SimHandle> {
        self.sim.as_ref()
    }

    /// True when running the built-in demo (simulated tenant, sample users, starter rules).
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// Releases what we hold (bounded by the engine's release budget), then stops everything.
    pub async fn shutdown(mut self) {
        self.tasks_stop.cancel();
        self.engine_stop.cancel();
        // The engine releases within RELEASE_BUDGET after its cancel; give it a little more
        // than that before giving up on it.
        let ended = tokio::time::timeout(RELEASE_BUDGET * 2, &mut self.engine.task).await;
        if ended.is_err() {
            tracing::warn!("the engine did not stop in time; aborting it");
            self.engine.task.abort();
        }
        while self.tasks.join_next().await.is_some() {}
        if let Some(sim) = self.sim.take() {
            if let Err(err) = sim.shutdown().await {
                tracing::warn!("simulated tenant: {err}");
            }
        }
    }
}

/// Where [`forward_signals`] sends what the sources report.
struct SignalOutlets {
    observations: Observations,
    commands: mpsc::Sender<EngineCommand>,
    latest: watch::Sender<LatestSignals>,
}

/// Signal events -> observations (and the latest values); before sleep or logoff, waits
/// (bounded) for the engine to act, then lets the sources release the machine.
async fn forward_signals(
    mut events: mpsc::Receiver<SignalEvent>,
    supervisor: SupervisorHandle,
    outlets: SignalOutlets,
    stop: CancellationToken,
) {
    let SignalOutlets {
        observations,
        commands,
        latest,
    } = outlets;
    let mut translator = SignalTranslator::default();
    loop {
        let event = tokio::select! {
            () = stop.cancelled() => break,
            event = events.recv() => match event {
                Some(event) => event,
                None => break,
            },
        };
        latest.send_if_modified(|latest| latest.record(&event));
        match translator.translate(&event.signal) {
            Forward::Nothing => {}
            Forward::Observe(observation) => {
                if observations.send((observation, event.at)).await.is_err() {
                    break;
                }
            }
            Forward::ObserveAndSettle(observation) => {
                tracing::info!(
                    "the machine is leaving ({}); updating presence first",
                    event.signal.kind()
                );
                if observations.send((observation, event.at)).await.is_err() {
                    break;
                }
                let (ack, settled) = oneshot::channel();
                if commands.send(EngineCommand::Settle(ack)).await.is_ok()
                    && tokio::time::timeout(RELEASE_BUDGET, settled).await.is_err()
                {
                    tracing::warn!("presence was not updated in time before the machine left");
                }
                supervisor.ready_for_sleep();
            }
        }
    }
    supervisor.shutdown().await;
}

struct ConfigApplier {
    changes: watch::Receiver<Option<ConfigChange>>,
    problem: watch::Sender<Option<String>>,
    calendars: watch::Sender<Vec<Calendar>>,
    commands: mpsc::Sender<EngineCommand>,
    /// The simulated tenant: configured users must exist there too.
    sim: Option<SimControl>,
    demo: bool,
    running_connection: Option<Connection>,
    restart: watch::Sender<Option<Box<ValidConfig>>>,
    stop: CancellationToken,
}

/// Hands valid config changes to the engine and the calendars; reports invalid ones.
async fn apply_config_changes(mut applier: ConfigApplier) {
    loop {
        tokio::select! {
            () = applier.stop.cancelled() => return,
            changed = applier.changes.changed() => if changed.is_err() { return },
        }
        let change = applier.changes.borrow_and_update().clone();
        match change {
            None => {}
            Some(ConfigChange::Invalid(message)) => {
                applier.problem.send_replace(Some(message));
            }
            Some(ConfigChange::Valid(config)) => {
                applier.problem.send_replace(None);
                if config.file().connection != applier.running_connection {
                    tracing::info!("the config names another connection; the relay restarts");
                    applier.restart.send_replace(Some(config));
                    // Keep the channels open until the owner shuts this relay down: a closed
                    // channel would look like a stopped relay to whoever watches them.
                    applier.stop.cancelled().await;
                    return;
                }
                let config = applier.prepare(*config);
                applier
                    .calendars
                    .send_replace(config.file().calendars.clone());
                if applier
                    .commands
                    .send(EngineCommand::Reload(Box::new(config)))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
    }
}

impl ConfigApplier {
    /// In simulated mode, a config's users are added to the simulated tenant; a config that
    /// still has no users keeps the demo running with the new settings.
    fn prepare(&self, config: ValidConfig) -> ValidConfig {
        let Some(sim) = &self.sim else {
            return config;
        };
        if config.file().users.is_empty() && self.demo {
            return tenant::demo_config(sim, &config);
        }
        let known: Vec<String> = sim.users().iter().map(|u| u.id.to_string()).collect();
        for user in &config.file().users {
            let id = user.object_id.to_ascii_lowercase();
            if known.contains(&id) {
                continue;
            }
            match id.parse() {
                Ok(id) => {
                    if let Err(err) = sim.add_user(id, user.display_name.clone()) {
                        tracing::warn!("simulated tenant: {err}");
                    }
                }
                Err(_) => tracing::warn!(
                    "user {:?} is not a GUID; the simulated tenant cannot hold it",
                    user.object_id
                ),
            }
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use relay_core::clock::ManualClock;
    use relay_signals::{Health, Tri};

    use super::*;

    fn event(second: u32, source: &'static str, signal: Signal) -> SignalEvent {
        SignalEvent {
            at: Utc
                .with_ymd_and_hms(2026, 3, 2, 9, 0, second)
                .single()
                .expect("valid time"),
            source: SourceName::fixed(source),
            signal,
        }
    }

    #[test]
    fn the_latest_value_of_each_state_is_kept_per_source() {
        let mut latest = LatestSignals::default();
        assert!(latest.record(&event(1, "logind", Signal::Locked(false))));
        assert!(latest.record(&event(2, "logind", Signal::Locked(true))));
        assert!(latest.record(&event(3, "gnome", Signal::Dnd(Tri::Unknown))));
        assert!(!latest.record(&event(3, "gnome", Signal::Dnd(Tri::Unknown))));
        for moment in [
            Signal::Suspending,
            Signal::Resumed,
            Signal::Health(Health::Live),
        ] {
            assert!(!latest.record(&event(4, "logind", moment)));
        }
        let logind: Vec<&SignalEvent> = latest.of(&SourceName::fixed("logind")).collect();
        assert_eq!(logind, [&event(2, "logind", Signal::Locked(true))]);
        let names: Vec<&str> = latest.sources().map(SourceName::as_str).collect();
        assert_eq!(names, ["gnome", "logind"]);
        assert_eq!(latest.of(&SourceName::fixed("absent")).count(), 0);
    }

    #[tokio::test]
    async fn forwarded_events_reach_the_engine_and_the_latest_values() {
        let (events_tx, events_rx) = mpsc::channel(4);
        let (sink, _unused) = mpsc::channel(4);
        let stop = CancellationToken::new();
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
                .single()
                .expect("valid time"),
        ));
        let supervisor = Supervisor::start(SourceSet::default(), sink, clock, stop.clone());
        let (observations, mut observed) = mpsc::channel(4);
        let (commands, _commands_rx) = mpsc::channel(4);
        let (latest, mut latest_rx) = watch::channel(LatestSignals::default());
        let forward = tokio::spawn(forward_signals(
            events_rx,
            supervisor,
            SignalOutlets {
                observations,
                commands,
                latest,
            },
            stop.clone(),
        ));
        let locked = event(5, "logind", Signal::Locked(true));
        events_tx
            .send(locked.clone())
            .await
            .expect("forwarder runs");
        assert!(observed.recv().await.is_some(), "the engine hears of it");
        latest_rx.changed().await.expect("the watch is open");
        let kept: Vec<SignalEvent> = latest_rx
            .borrow()
            .of(&SourceName::fixed("logind"))
            .cloned()
            .collect();
        assert_eq!(kept, [locked]);
        stop.cancel();
        forward.await.expect("the forwarder ends when stopped");
    }
}
