//! A journey: the engine (real Reconciler, real Graph client over loopback HTTP) against the
//! simulated tenant, all on one ManualClock. Time only moves when the journey moves it (or when
//! the client waits out a Retry-After through its ManualSleeper), so every run is identical.

#![allow(dead_code)] // each test file uses part of it

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use relay_config::ConfigParser;
use relay_core::clock::{Clock, ManualClock};
use relay_core::config::ValidConfig;
use relay_core::graph_presence::{Activity, Availability};
use relay_core::snapshot::Observation;
use relay_engine::{describe, EngineOptions, GraphWriter, Reconciler};
use relay_graph::{GraphClient, ManualSleeper, Pacing};
use relay_sim::{SimHandle, SimOptions, SimTenant};
use uuid::Uuid;

/// Monday 2 March 2026, 08:00 UTC (09:00 in Berlin).
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
        .single()
        .expect("valid")
}

/// One write as the golden timelines list it: seconds since t0, user number, the write.
pub type Line = (i64, usize, String);

pub struct Journey {
    pub clock: ManualClock,
    pub sim: SimHandle,
    pub users: Vec<String>,
    pub reconciler: Reconciler,
    pub log: Vec<Line>,
    rules: serde_json::Value,
}

impl Journey {
    /// `rules` is the config's `rules` array; `extra` is merged into the config's top level.
    pub async fn start(users: usize, rules: serde_json::Value) -> Self {
        Self::start_with(users, rules, serde_json::json!({}), SimOptions::demo(users)).await
    }

    pub async fn start_with(
        users: usize,
        rules: serde_json::Value,
        extra: serde_json::Value,
        options: SimOptions,
    ) -> Self {
        let clock = ManualClock::new(t0());
        let sim = SimTenant::start(SimOptions { users, ..options }.with_clock(clock.clone()))
            .await
            .expect("the simulated tenant starts");
        let ids: Vec<String> = sim.users().iter().map(|u| u.id.to_string()).collect();
        let config = config(&ids, &rules, &extra);
        let reconciler = Reconciler::new(config, writer(&sim, &clock), options_for_tests());
        Self {
            clock,
            sim,
            users: ids,
            reconciler,
            log: Vec::new(),
            rules,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn seconds(&self) -> i64 {
        (self.now() - t0()).num_seconds()
    }

    /// Steps at every wake-up the engine asks for until `seconds` after t0, then once at it.
    pub async fn run_until(&mut self, seconds: i64) {
        let end = t0() + Duration::seconds(seconds);
        loop {
            let now = self.now();
            let report = self.reconciler.step(now).await;
            for (user, write) in &report.writes {
                let index = self
                    .users
                    .iter()
                    .position(|u| u == user)
                    .unwrap_or(usize::MAX);
                self.log
                    .push(((now - t0()).num_seconds(), index, describe(write)));
            }
            match report.wake_at {
                Some(wake) if wake <= end && wake > self.now() => self.clock.set(wake),
                Some(wake) if wake <= self.now() && self.now() < end => {
                    // Work left at this very instant (a retry that failed): let a second pass.
                    self.clock.advance(Duration::seconds(1));
                }
                _ => {
                    if self.now() < end {
                        self.clock.set(end);
                        continue;
                    }
                    return;
                }
            }
        }
    }

    /// Moves to `seconds`, then feeds an observation made at that moment.
    pub async fn observe(&mut self, seconds: i64, observation: Observation) {
        self.run_until(seconds).await;
        let now = self.now();
        self.reconciler.observe(observation, now);
    }

    /// What Teams shows for user `n` right now.
    pub fn shown(&self, n: usize) -> (Availability, Activity) {
        let id: Uuid = self.users[n].parse().expect("uuid");
        let view = self.sim.presence(id).expect("user exists");
        (view.availability, view.activity)
    }

    pub fn message(&self, n: usize) -> Option<String> {
        let id: Uuid = self.users[n].parse().expect("uuid");
        self.sim
            .presence(id)
            .expect("user exists")
            .status_message
            .map(|m| m.message.content)
            .filter(|text| !text.is_empty())
    }

    /// The writes logged since `from` seconds, as `(seconds, user, write)`.
    pub fn writes_since(&self, from: i64) -> Vec<Line> {
        self.log
            .iter()
            .filter(|(s, _, _)| *s >= from)
            .cloned()
            .collect()
    }

    /// A fresh engine on the same tenant and clock (a restart of the app).
    pub fn restart(&mut self) {
        let config = config(&self.users, &self.rules, &serde_json::json!({}));
        self.reconciler =
            Reconciler::new(config, writer(&self.sim, &self.clock), options_for_tests());
    }

    /// Makes the engine remember what it holds in `file` (as the app does).
    pub fn remember_in(&mut self, file: &relay_engine::HeldFile) {
        let placeholder = self.fresh(&self.rules);
        let reconciler = std::mem::replace(&mut self.reconciler, placeholder);
        self.reconciler = reconciler.with_held_file(file.clone());
    }

    /// A new process with `rules`, starting from what `file` remembers.
    pub fn restart_remembering(&mut self, rules: serde_json::Value, file: &relay_engine::HeldFile) {
        self.reconciler = self.fresh(&rules).with_held_file(file.clone());
        self.rules = rules;
    }

    /// Reads the real presence back once a minute, as the app does (off by default here: it adds
    /// a read to every minute of every timeline).
    pub fn enable_readback(&mut self) {
        let config = config(&self.users, &self.rules, &serde_json::json!({}));
        let options = EngineOptions {
            readback: true,
            ..options_for_tests()
        };
        self.reconciler = Reconciler::new(config, writer(&self.sim, &self.clock), options);
    }

    /// A Graph client of its own, standing in for what a person does in Teams.
    pub fn person(&self) -> GraphClient {
        client(&self.sim, &self.clock)
    }

    fn fresh(&self, rules: &serde_json::Value) -> Reconciler {
        let config = config(&self.users, rules, &serde_json::json!({}));
        Reconciler::new(config, writer(&self.sim, &self.clock), options_for_tests())
    }
}

pub fn options_for_tests() -> EngineOptions {
    EngineOptions {
        local_zone: chrono_tz::Europe::Berlin,
        // Read-back is exercised on its own; here it would add reads to every step.
        readback: false,
        ..EngineOptions::default()
    }
}

fn writer(sim: &SimHandle, clock: &ManualClock) -> Arc<GraphWriter> {
    Arc::new(GraphWriter::new(client(sim, clock)))
}

fn client(sim: &SimHandle, clock: &ManualClock) -> GraphClient {
    let mut config = relay_host::tenant::client_config_for(sim);
    config.pacing = Pacing {
        max_in_flight: 4,
        min_interval: std::time::Duration::ZERO,
    };
    GraphClient::new(
        config,
        Arc::new(clock.clone()),
        Arc::new(ManualSleeper::new(clock.clone())),
    )
    .expect("client")
}

fn config(ids: &[String], rules: &serde_json::Value, extra: &serde_json::Value) -> ValidConfig {
    let mut document = serde_json::json!({
        "schema_version": 1,
        "users": ids.iter().enumerate().map(|(i, id)| serde_json::json!({
            "display_name": format!("User {i}"),
            "object_id": id,
        })).collect::<Vec<_>>(),
        "calendars": [{"id": "desk", "source": {"file": "/tmp/desk.ics"}}],
        "rules": rules,
    });
    if let (Some(doc), Some(extra)) = (document.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            doc.insert(key.clone(), value.clone());
        }
    }
    ConfigParser::new()
        .parse(&document.to_string())
        .unwrap_or_else(|issues| panic!("test config invalid: {issues:?}"))
        .config
}

pub fn line(seconds: i64, user: usize, write: &str) -> Line {
    (seconds, user, write.to_owned())
}
