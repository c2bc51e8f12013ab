//! The engine's heart, one step at a time: evaluate the rules, damp flaps, plan per user, send the
//! writes, record what Graph accepted, read back now and then, and publish the status.
//!
//! [`Reconciler::step`] takes `now` and returns when it wants to run again, so the same code runs
//! under the real-time driver ([`crate::Engine`]) and in virtual time (tests, `simulate`).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use relay_core::config::ValidConfig;
use relay_core::control::Control;
use relay_core::damping::Damper;
use relay_core::evaluate::{evaluate, Decision, Inputs, Reason};
use relay_core::graph_presence::{Activity, Availability};
use relay_core::planner::{plan, Held, Target, Timing, Write};
use relay_core::presence::{Intent, WriteMode};
use relay_core::shown::shown_by;
use relay_core::snapshot::{Observation, Snapshot};

use crate::audit::{decided_by, AuditLog, AuditRecord};
use crate::describe::describe;
use crate::held_file::{HeldFile, HeldState};
use crate::status::{EngineStatus, LastWrite, ObservedStatus, UserStatus};
use crate::writer::{Observed, PresenceWriter, WriteFailure};

/// How often the real presence is read back (one `getPresencesByUserId` per 650 users).
pub const READBACK_EVERY: Duration = Duration::seconds(60);
/// Read-backs in a row that must disagree with the model before it is flagged (Teams takes a
/// few minutes to propagate a change).
const DISAGREEMENTS_BEFORE_FLAG: u32 = 3;
/// Longest wait before retrying a user whose writes failed.
const MAX_RETRY_BACKOFF: Duration = Duration::seconds(60);

/// Options that are not part of the config file.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    pub timing: Timing,
    /// The machine's zone (for windows without a zone and message times).
    pub local_zone: Tz,
    /// Read back the real presence once a minute.
    pub readback: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            timing: Timing::default(),
            local_zone: chrono_tz::UTC,
            readback: true,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct UserState {
    display_name: String,
    held: Held,
    decision: Option<Decision>,
    target: Option<Target>,
    next_due: Option<DateTime<Utc>>,
    failures: u32,
    retry_at: Option<DateTime<Utc>>,
    last_write: Option<LastWrite>,
    observed: Option<ObservedStatus>,
    disagreements: u32,
    user_preferred: bool,
    /// No longer configured: released, then forgotten.
    departing: bool,
}

/// What one step did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepReport {
    pub writes: Vec<(String, Write)>,
    pub failures: usize,
    /// Run again at this time even if nothing is observed.
    pub wake_at: Option<DateTime<Utc>>,
}

#[derive(Debug)]
pub struct Reconciler {
    config: ValidConfig,
    snapshot: Snapshot,
    control: Control,
    damper: Damper,
    options: EngineOptions,
    writer: Arc<dyn PresenceWriter>,
    audit: Option<AuditLog>,
    held_file: Option<HeldFile>,
    users: BTreeMap<String, UserState>,
    next_readback: Option<DateTime<Utc>>,
    writes_halted: Option<WriteFailure>,
    /// Since when every write has failed.
    failing_since: Option<DateTime<Utc>>,
}

impl Reconciler {
    pub fn new(
        config: ValidConfig,
        writer: Arc<dyn PresenceWriter>,
        options: EngineOptions,
    ) -> Self {
        let engine = &config.file().settings.engine;
        let snapshot = Snapshot::new(Duration::seconds(i64::from(engine.idle_exit_seconds)));
        let damper = Damper::new(Duration::seconds(i64::from(engine.min_dwell_seconds)));
        let mut reconciler = Self {
            config: ValidConfig::empty(),
            snapshot,
            control: Control::default(),
            damper,
            options,
            writer,
            audit: None,
            held_file: None,
            users: BTreeMap::new(),
            next_readback: None,
            writes_halted: None,
            failing_since: None,
        };
        reconciler.set_config(config);
        // After a start we cannot know whether a session of ours is still in Graph (a crash
        // leaves it until it expires); a release clears it anyway.
        for state in reconciler.users.values_mut() {
            state.held.session_unknown = true;
        }
        reconciler
    }

    pub fn with_audit(mut self, audit: AuditLog) -> Self {
        self.audit = Some(audit);
        self
    }

    /// Remembers what we hold in `file` after every accepted write, and starts from what it
    /// remembers: a preferred presence or message written before a restart is still ours to
    /// refresh or clear. Users remembered but no longer configured are released. A file that
    /// cannot be read is reported and ignored (what it held expires by itself).
    pub fn with_held_file(mut self, file: HeldFile) -> Self {
        match file.load() {
            Ok(remembered) => self.restore_held(remembered),
            Err(err) => tracing::warn!("{err}"),
        }
        self.held_file = Some(file);
        self
    }

    fn restore_held(&mut self, remembered: HeldState) {
        for (user, held) in remembered {
            let state = self.users.entry(user).or_insert_with(|| UserState {
                // Not configured any more: release it, then forget it.
                departing: true,
                ..UserState::default()
            });
            // Without a record of our session it may still exist (a crash between the write and
            // the save); a release clears it either way.
            let session_unknown = held.session.is_none();
            state.held = Held {
                session_unknown,
                ..held
            };
        }
    }

    /// What we hold per user, as remembered across restarts.
    pub fn held_state(&self) -> HeldState {
        self.users
            .iter()
            .filter(|(_, state)| state.held.holds_anything())
            .map(|(user, state)| (user.clone(), state.held.clone()))
            .collect()
    }

    fn save_held(&self) {
        if let Some(file) = &self.held_file {
            if let Err(err) = file.save(&self.held_state()) {
                tracing::error!("{err}");
            }
        }
    }

    /// Applies a new config live. Users no longer configured are released, then forgotten.
    pub fn set_config(&mut self, config: ValidConfig) {
        let file = config.file();
        let engine = &file.settings.engine;
        self.snapshot.idle.exit_after = Duration::seconds(i64::from(engine.idle_exit_seconds));
        self.damper
            .set_min_dwell(Duration::seconds(i64::from(engine.min_dwell_seconds)));
        for state in self.users.values_mut() {
            state.departing = true;
        }
        for user in &file.users {
            let id = user.object_id.to_ascii_lowercase();
            let state = self.users.entry(id).or_default();
            state.departing = false;
            state.display_name = user.display_name.clone();
        }
        self.config = config;
    }

    pub fn observe(&mut self, observation: Observation, at: DateTime<Utc>) -> bool {
        self.snapshot.apply(observation, at)
    }

    pub fn control(&self) -> &Control {
        &self.control
    }

    pub fn control_mut(&mut self) -> &mut Control {
        &mut self.control
    }

    /// Lets writes go again after the tenant halted them (e.g. consent was granted).
    pub async fn resume_writes(&mut self) {
        self.writes_halted = None;
        self.writer.resume().await;
        for state in self.users.values_mut() {
            state.retry_at = None;
            state.failures = 0;
        }
    }

    /// One round: decide, plan, write, record. Returns when to run again.
    pub async fn step(&mut self, now: DateTime<Utc>) -> StepReport {
        self.control.expire(now);
        let evaluation = evaluate(
            &Inputs {
                rules: self.config.rules(),
                snapshot: &self.snapshot,
                control: &self.control,
                local_zone: self.options.local_zone,
            },
            now,
        );
        let mut wake = Earliest(evaluation.wake_at);
        let respect_user = self.config.file().settings.engine.respect_user_preferred;
        let mut pending: Vec<(String, Vec<Write>)> = Vec::new();
        for (user, state) in &mut self.users {
            state.held.expire(now);
            let target = if state.departing {
                Target::release()
            } else if let Some(decision) = evaluation.decisions.get(user) {
                let (decision, recheck) = self.damper.damp(user, decision.clone(), now);
                wake.at(recheck);
                let target =
                    Target::for_decision(&decision, !(respect_user && state.user_preferred));
                state.decision = Some(decision);
                target
            } else {
                Target::release()
            };
            if let Some(retry_at) = state.retry_at.filter(|at| now < *at) {
                wake.at(Some(retry_at));
                state.target = Some(target);
                continue;
            }
            let jitter = jitter_for(user);
            let planned = plan(&target, &state.held, now, &self.options.timing, jitter);
            state.next_due = planned.next_due;
            wake.at(planned.next_due.map(coarse_wake));
            state.target = Some(target);
            if !planned.writes.is_empty() {
                pending.push((user.clone(), planned.writes));
            }
        }

        let report = self.execute(pending, now, &mut wake).await;
        let damper = &mut self.damper;
        self.users.retain(|user, state| {
            let gone = state.departing && !state.held.holds_anything();
            if gone {
                damper.forget(user);
            }
            !gone
        });
        if self.options.readback {
            self.read_back(now).await;
            wake.at(self.next_readback);
        }
        StepReport {
            wake_at: wake.0,
            ..report
        }
    }

    /// Sends the planned writes in rounds: round k holds the k-th write of every user, so a
    /// user's writes keep their order while many users share each `$batch`.
    async fn execute(
        &mut self,
        mut pending: Vec<(String, Vec<Write>)>,
        now: DateTime<Utc>,
        wake: &mut Earliest,
    ) -> StepReport {
        let mut report = StepReport::default();
        if self.writes_halted.is_some() {
            return report;
        }
        let mut audit = Vec::new();
        let mut round = 0;
        loop {
            let batch: Vec<(String, Write)> = pending
                .iter()
                .filter_map(|(user, writes)| writes.get(round).map(|w| (user.clone(), w.clone())))
                .collect();
            if batch.is_empty() {
                break;
            }
            let results = self.writer.write(&batch).await;
            for ((user, write), result) in batch.into_iter().zip(results) {
                let Some(state) = self.users.get_mut(&user) else {
                    continue;
                };
                let what = describe(&write);
                let reason = state
                    .decision
                    .as_ref()
                    .filter(|_| !state.departing)
                    .map_or_else(|| "user removed".to_owned(), |d| decided_by(&d.reason));
                match &result {
                    Ok(()) => {
                        self.failing_since = None;
                        state.held.record(&write, now);
                        state.failures = 0;
                        state.retry_at = None;
                        report.writes.push((user.clone(), write));
                    }
                    Err(failure) => {
                        self.failing_since.get_or_insert(now);
                        state.failures += 1;
                        let backoff = backoff(state.failures);
                        state.retry_at = Some(now + backoff);
                        wake.at(state.retry_at);
                        report.failures += 1;
                        // The rest of this user's writes wait for the retry.
                        if let Some((_, writes)) = pending.iter_mut().find(|(u, _)| *u == user) {
                            writes.truncate(round + 1);
                        }
                        if failure.halts_writes {
                            self.writes_halted = Some(failure.clone());
                        }
                        tracing::warn!(
                            user = %user,
                            write = %what,
                            code = %failure.code,
                            request_id = failure.request_id.as_deref().unwrap_or("-"),
                            "write failed: {}",
                            failure.message
                        );
                    }
                }
                state.last_write = Some(LastWrite {
                    at: now,
                    what: what.clone(),
                    ok: result.is_ok(),
                    error: result.as_ref().err().map(|f| f.message.clone()),
                });
                audit.push(AuditRecord {
                    at: now,
                    user,
                    decided_by: reason,
                    write: what,
                    result: match &result {
                        Ok(()) => "ok".into(),
                        Err(failure) => failure.code.clone(),
                    },
                    request_id: result.err().and_then(|f| f.request_id),
                });
            }
            if self.writes_halted.is_some() {
                break;
            }
            round += 1;
        }
        if let Some(log) = &self.audit {
            if let Err(err) = log.append(&audit) {
                tracing::error!("cannot append to the audit log: {err}");
            }
        }
        if !report.writes.is_empty() {
            self.save_held();
        }
        report
    }

    /// Reads the real presence once a minute and compares it with the model.
    async fn read_back(&mut self, now: DateTime<Utc>) {
        if self.next_readback.is_some_and(|at| now < at) {
            return;
        }
        self.next_readback = Some(now + READBACK_EVERY);
        let users: Vec<String> = self.users.keys().cloned().collect();
        if users.is_empty() {
            return;
        }
        let observed = match self.writer.read(&users).await {
            Ok(observed) => observed,
            Err(failure) => {
                tracing::warn!("read-back failed: {}", failure.message);
                return;
            }
        };
        for Observed {
            user,
            availability,
            activity,
            status_message,
            out_of_office,
        } in observed
        {
            let Some(state) = self.users.get_mut(&user) else {
                continue;
            };
            state.observed = Some(ObservedStatus {
                at: now,
                availability,
                activity,
                status_message,
                out_of_office,
            });
            let modelled = state.target.as_ref().and_then(shown_by);
            let disagrees = match modelled {
                Some(shown) if !shown.can_be_outranked => availability != Some(shown.availability),
                _ => false,
            };
            state.disagreements = if disagrees {
                state.disagreements + 1
            } else {
                0
            };
            state.user_preferred = state.held.preferred.is_none()
                && matches!(
                    (availability, activity),
                    (Some(Availability::Busy), Some(Activity::Busy))
                        | (
                            Some(Availability::DoNotDisturb),
                            Some(Activity::DoNotDisturb)
                        )
                        | (Some(Availability::BeRightBack), Some(Activity::BeRightBack))
                        | (Some(Availability::Offline), Some(Activity::OffWork))
                );
        }
    }

    /// Releases everything we hold (pause, quit, logoff). Callers bound it in time.
    pub async fn release_all(&mut self, now: DateTime<Utc>) -> StepReport {
        let mut pending = Vec::new();
        for (user, state) in &mut self.users {
            let planned = plan(
                &Target::release(),
                &state.held,
                now,
                &self.options.timing,
                Duration::zero(),
            );
            state.decision = Some(Decision {
                intent: Intent::Release,
                mode: WriteMode::Polite,
                message: None,
                hold: Duration::minutes(5),
                until: None,
                reason: Reason::ShuttingDown,
                pending: false,
            });
            state.target = Some(Target::release());
            if !planned.writes.is_empty() {
                pending.push((user.clone(), planned.writes));
            }
        }
        let mut wake = Earliest(None);
        self.execute(pending, now, &mut wake).await
    }

    /// The status as the tray, UI and CLI see it.
    pub fn status(&self, now: DateTime<Utc>) -> EngineStatus {
        EngineStatus {
            paused: self.control.paused,
            snoozed_until: self
                .control
                .snoozed_until
                .filter(|_| self.control.snoozed(now)),
            writes_halted: self.writes_halted.as_ref().map(|f| f.message.clone()),
            updated_at: Some(now),
            failing_since: self.failing_since,
            users: self
                .users
                .iter()
                .filter(|(_, s)| !s.departing)
                .map(|(user, state)| {
                    let decision = state.decision.clone();
                    UserStatus {
                        user: user.clone(),
                        display_name: state.display_name.clone(),
                        intent: decision.as_ref().map_or(Intent::Release, |d| d.intent),
                        mode: decision.as_ref().map_or(WriteMode::Polite, |d| d.mode),
                        reason: decision
                            .as_ref()
                            .map_or(Reason::Default, |d| d.reason.clone()),
                        message: decision.and_then(|d| d.message),
                        modelled: state.target.as_ref().and_then(shown_by),
                        observed: state.observed.clone(),
                        disagreement: state.disagreements >= DISAGREEMENTS_BEFORE_FLAG,
                        user_preferred_in_effect: state.user_preferred,
                        last_write: state.last_write.clone(),
                        next_refresh: state.next_due,
                        holding: state.held.holds_anything(),
                    }
                })
                .collect(),
        }
    }

    /// What we hold for a user (tests, diagnostics).
    pub fn held(&self, user: &str) -> Option<&Held> {
        self.users.get(user).map(|s| &s.held)
    }
}

/// 5 s, 10 s, 20 s, ... capped at a minute: quick recovery from a blip, no storm in an outage.
fn backoff(failures: u32) -> Duration {
    let seconds = 5_i64.saturating_mul(1 << failures.saturating_sub(1).min(6));
    Duration::seconds(seconds).min(MAX_RETRY_BACKOFF)
}

/// A fixed per-user delay of 0 to 30 s added to keep-alives, so many users' refreshes spread
/// out instead of arriving in bursts. Derived from the user ID (FNV-1a), so it is stable.
pub fn jitter_for(user: &str) -> Duration {
    let hash = user.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    Duration::milliseconds(i64::try_from(hash % 30_000).unwrap_or(0))
}

/// Keep-alives and renewals are due at per-user times to the millisecond; waking for each would
/// cost one pass over every user per due time (thousands an hour with many users). Rounding the
/// wake-up up to this grid lets every user due within it share one step, at most this much later
/// than due (well inside Graph's five-minute fade and every expiry).
const WAKE_GRID_MS: i64 = 2_000;

fn coarse_wake(due: DateTime<Utc>) -> DateTime<Utc> {
    let millis = due.timestamp_millis();
    let rounded = millis.div_euclid(WAKE_GRID_MS) * WAKE_GRID_MS
        + if millis.rem_euclid(WAKE_GRID_MS) == 0 {
            0
        } else {
            WAKE_GRID_MS
        };
    DateTime::from_timestamp_millis(rounded).unwrap_or(due)
}

/// The earliest of several optional times.
#[derive(Clone, Copy, Debug, Default)]
struct Earliest(Option<DateTime<Utc>>);

impl Earliest {
    fn at(&mut self, time: Option<DateTime<Utc>>) {
        if let Some(time) = time {
            self.0 = Some(self.0.map_or(time, |e| e.min(time)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let seconds: Vec<i64> = (1..=8).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(seconds, [5, 10, 20, 40, 60, 60, 60, 60]);
    }

    #[test]
    fn keep_alive_wake_ups_share_a_two_second_grid_and_never_come_early() {
        let at = |ms: i64| DateTime::from_timestamp_millis(1_772_438_400_000 + ms).expect("valid");
        assert_eq!(coarse_wake(at(0)), at(0));
        assert_eq!(coarse_wake(at(1)), at(2_000));
        assert_eq!(coarse_wake(at(1_999)), at(2_000));
        assert_eq!(coarse_wake(at(2_001)), at(4_000));
    }

    #[test]
    fn jitter_is_stable_and_bounded() {
        let a = jitter_for("3f1c2a9e-8b7d-4e6f-9a01-23456789abcd");
        assert_eq!(a, jitter_for("3f1c2a9e-8b7d-4e6f-9a01-23456789abcd"));
        assert!(a >= Duration::zero() && a < Duration::seconds(30));
        assert_ne!(a, jitter_for("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"));
    }
}
