//! The replay: the real engine ([`Reconciler`]) and the real Graph client over loopback HTTP
//! against the simulated tenant, all on one [`ManualClock`]. Time moves only when the replay
//! moves it, so the same timeline always gives the same report.
//!
//! The engine is stepped as the app's driver steps it: whenever it asks (`wake_at`), whenever
//! something happens, and at least once a minute. What Teams shows is read after every step.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use relay_core::clock::{Clock, ManualClock};
use relay_core::config::MachineState;
use relay_core::control::ManualOverride;
use relay_core::graph_presence::{Activity, Availability};
use relay_core::snapshot::{CalendarBlock, Observation};
use relay_engine::{EngineOptions, GraphWriter, Reconciler, StepReport, UserStatus};
use relay_graph::{GraphClient, ManualSleeper, Pacing, RetryPolicy};
use relay_sim::{FaultSpec, SimHandle, SimOptions, SimTenant, TeamsClient};
use tracing::instrument::WithSubscriber;
use tracing::subscriber::NoSubscriber;

use crate::error::{TimelineError, TimelineIssue};
use crate::model::{ClientKind, Event, TimedEvent, Timeline};
use crate::narrate::{event_text, reason_text, Offsets};
use crate::parse::check;
use crate::prepare::{prepare, Person, Prepared};
use crate::recorder::RecordingWriter;
use crate::report::{Entry, ReportLine, RuleName, SimulationReport, Summary};
use crate::span::TimeSpan;

/// The driver's longest wait between steps (its safety tick).
const SAFETY_TICK: Duration = Duration::seconds(60);
/// When the engine wants another step at the same instant (work left after a failure), the
/// replay moves on by this much, as the journeys in relay-engine's tests do.
const SAME_INSTANT_STEP: Duration = Duration::seconds(1);

/// Replays `timeline` in virtual time through the engine against the simulated tenant.
///
/// `config` replaces the timeline's own `config` when given; with neither, the starter set of
/// `presence-relay config example` is used. Its users are played by the timeline's people in
/// order. Fails with located issues when the timeline or the config is wrong, before anything
/// runs.
pub async fn simulate(
    timeline: &Timeline,
    config: Option<relay_core::config::ValidConfig>,
) -> Result<SimulationReport, TimelineError> {
    // The engine and the client log what goes wrong in the simulated world (an outage is a
    // warning per request); the report already says it, and the app's log is for the real one.
    replay(timeline, config)
        .with_subscriber(NoSubscriber::default())
        .await
}

async fn replay(
    timeline: &Timeline,
    config: Option<relay_core::config::ValidConfig>,
) -> Result<SimulationReport, TimelineError> {
    check(timeline).into_result(())?;
    let prepared = prepare(timeline, config)?;
    let clock = ManualClock::new(timeline.start);
    let sim = SimTenant::start(SimOptions::demo(0).with_clock(clock.clone()))
        .await
        .map_err(|err| TimelineError::Tenant(err.to_string()))?;
    for person in &prepared.people {
        sim.add_user(person.id, person.name.clone())
            .map_err(|err| TimelineError::Tenant(err.to_string()))?;
    }
    let writer = RecordingWriter::new(graph_writer(&sim, &clock)?);
    let reconciler = Reconciler::new(
        prepared.config.clone(),
        writer.clone(),
        EngineOptions {
            local_zone: prepared.zone,
            ..EngineOptions::default()
        },
    );
    let report = Replay {
        offsets: Offsets {
            start: timeline.start,
        },
        clock,
        sim: &sim,
        writer,
        reconciler,
        people: prepared
            .people
            .iter()
            .map(|person| Track {
                person: person.clone(),
                intent: None,
                teams: None,
            })
            .collect(),
        lines: Vec::new(),
        summary: Summary::default(),
    }
    .run(timeline)
    .await;
    // The replay is over either way; a failed graceful stop changes nothing it reported.
    let _ = sim.shutdown().await;
    Ok(heading(timeline, &prepared, report?))
}

/// The Graph client the app would use, pointed at the simulated tenant. Two differences, both
/// for determinism: requests go one at a time (their order would otherwise vary between runs),
/// and the client's own backoff between retries is zero, because it is shortened by a random
/// jitter that would move virtual time by a different amount on every run. A `Retry-After` is
/// still waited out exactly, and the engine's own backoff (5 s, 10 s, …) is unchanged.
fn graph_writer(sim: &SimHandle, clock: &ManualClock) -> Result<GraphWriter, TimelineError> {
    let mut config = relay_host::tenant::client_config_for(sim);
    config.pacing = Pacing {
        max_in_flight: 1,
        min_interval: std::time::Duration::ZERO,
    };
    config.retry = RetryPolicy {
        base_delay: std::time::Duration::ZERO,
        max_delay: std::time::Duration::ZERO,
        ..RetryPolicy::default()
    };
    let client = GraphClient::new(
        config,
        Arc::new(clock.clone()),
        Arc::new(ManualSleeper::new(clock.clone())),
    )
    .map_err(|err| TimelineError::Tenant(err.to_string()))?;
    Ok(GraphWriter::new(client))
}

fn heading(timeline: &Timeline, prepared: &Prepared, body: Body) -> SimulationReport {
    let file = prepared.config.file();
    SimulationReport {
        start: timeline.start,
        end: timeline.end,
        time_zone: prepared.zone.name().to_owned(),
        users: timeline.users.clone(),
        rules: file
            .rules
            .iter()
            .map(|rule| RuleName {
                name: rule.name.clone(),
                enabled: rule.enabled,
            })
            .collect(),
        default_intent: file.default_action.intent,
        lines: body.lines,
        summary: body.summary,
    }
}

/// What the replay itself produced.
struct Body {
    lines: Vec<ReportLine>,
    summary: Summary,
}

/// What was last reported for one person, so only changes are listed.
struct Track {
    person: Person,
    intent: Option<Entry>,
    teams: Option<Entry>,
}

/// Something to do at a time: an event of the timeline, or the end of a fault.
enum Due<'a> {
    Event(usize, &'a TimedEvent),
    FaultEnds { at: TimeSpan, outage: bool },
}

impl Due<'_> {
    fn at(&self) -> TimeSpan {
        match self {
            Due::Event(_, timed) => timed.at,
            Due::FaultEnds { at, .. } => *at,
        }
    }
}

/// The timeline's events plus the ends of its faults, in time order. A fault that ends when
/// an event happens ends first (a new fault may start at that very moment).
fn schedule(timeline: &Timeline) -> Vec<Due<'_>> {
    let mut due: Vec<Due<'_>> = timeline
        .events
        .iter()
        .enumerate()
        .map(|(index, timed)| Due::Event(index, timed))
        .collect();
    for timed in &timeline.events {
        let (duration, outage) = match &timed.event {
            Event::Outage { duration } => (*duration, true),
            Event::Faults { duration, .. } => (*duration, false),
            _ => continue,
        };
        if let Some(at) = timed.at.checked_add(duration) {
            due.push(Due::FaultEnds { at, outage });
        }
    }
    due.sort_by_key(|item| (item.at(), matches!(item, Due::Event(..))));
    due
}

struct Replay<'a> {
    offsets: Offsets,
    clock: ManualClock,
    sim: &'a SimHandle,
    writer: Arc<RecordingWriter>,
    reconciler: Reconciler,
    people: Vec<Track>,
    lines: Vec<ReportLine>,
    summary: Summary,
}

impl Replay<'_> {
    async fn run(mut self, timeline: &Timeline) -> Result<Body, TimelineError> {
        let start = timeline.start;
        let end = start + timeline.end.duration();
        let schedule = schedule(timeline);
        let mut pending = schedule.iter().peekable();
        loop {
            let now = self.clock.now();
            while let Some(item) = pending.next_if(|item| start + item.at().duration() <= now) {
                self.apply(item)?;
            }
            let report = self.reconciler.step(now).await;
            self.record(now);
            if now >= end {
                break;
            }
            let next = next_step(
                now,
                &report,
                pending.peek().map(|i| start + i.at().duration()),
            );
            // The client may already have moved time on, waiting out a Retry-After.
            self.clock.set(next.min(end).max(self.clock.now()));
        }
        Ok(Body {
            lines: self.lines,
            summary: self.summary,
        })
    }

    fn apply(&mut self, item: &Due<'_>) -> Result<(), TimelineError> {
        let at = item.at();
        let (index, event) = match item {
            Due::FaultEnds { outage, .. } => {
                self.sim
                    .set_faults(FaultSpec::none())
                    .map_err(|err| TimelineError::Tenant(err.to_string()))?;
                let text = if *outage {
                    "network back"
                } else {
                    "Graph faults over"
                };
                self.event_line(at, text.to_owned());
                return Ok(());
            }
            Due::Event(index, timed) => (*index, &timed.event),
        };
        self.event_line(at, event_text(event, at));
        let when = self.offsets.start + at.duration();
        let observe = |reconciler: &mut Reconciler, observation| {
            reconciler.observe(observation, when);
        };
        match event {
            Event::ScreenLocked { value } => {
                observe(&mut self.reconciler, Observation::ScreenLocked(*value));
            }
            Event::Idle { value } => observe(
                &mut self.reconciler,
                Observation::IdleFor(value.map(TimeSpan::duration)),
            ),
            Event::DoNotDisturb { value } => {
                observe(&mut self.reconciler, Observation::DoNotDisturb(*value));
            }
            Event::Presentation { value } => {
                observe(&mut self.reconciler, Observation::Presentation(*value));
            }
            Event::Suspending => observe(
                &mut self.reconciler,
                Observation::Machine(MachineState::Suspending),
            ),
            Event::SessionEnding => observe(
                &mut self.reconciler,
                Observation::Machine(MachineState::SessionEnding),
            ),
            Event::Resumed => observe(&mut self.reconciler, Observation::Resumed),
            Event::Calendar { calendar, blocks } => {
                let blocks = blocks
                    .iter()
                    .map(|block| CalendarBlock {
                        start: self.offsets.start + block.start.duration(),
                        end: self.offsets.start + block.end.duration(),
                        show_as: block.show_as,
                        title: block.title.clone(),
                    })
                    .collect();
                observe(
                    &mut self.reconciler,
                    Observation::Calendar {
                        id: calendar.clone(),
                        blocks,
                    },
                );
            }
            Event::CalendarUnavailable { calendar } => observe(
                &mut self.reconciler,
                Observation::CalendarUnavailable {
                    id: calendar.clone(),
                },
            ),
            Event::Pause => self.reconciler.control_mut().paused = true,
            Event::Resume => self.reconciler.control_mut().paused = false,
            Event::Snooze { duration } => {
                self.reconciler.control_mut().snoozed_until = Some(when + duration.duration());
            }
            Event::EndSnooze => self.reconciler.control_mut().snoozed_until = None,
            Event::Override {
                user,
                intent,
                mode,
                message,
                duration,
            } => {
                let key = self.person(index, user)?.key();
                self.reconciler.control_mut().overrides.insert(
                    key,
                    ManualOverride {
                        intent: *intent,
                        mode: *mode,
                        message: message.clone(),
                        until: duration.map(|d| when + d.duration()),
                    },
                );
            }
            Event::EndOverride { user } => {
                let key = self.person(index, user)?.key();
                self.reconciler.control_mut().overrides.remove(&key);
            }
            Event::TeamsClient {
                user,
                client,
                availability,
                activity,
            } => {
                let id = self.person(index, user)?.id;
                let shown = Availability::parse(availability)
                    .map_err(|err| err.to_string())
                    .and_then(|a| {
                        Activity::parse(activity)
                            .map(|b| (a, b))
                            .map_err(|err| err.to_string())
                    })
                    .and_then(|(a, b)| {
                        self.sim
                            .sign_in_teams_client(id, teams_client(*client), a, b)
                            .map_err(|err| err.to_string())
                    });
                shown.map_err(|message| invalid(index, "", message))?;
            }
            Event::TeamsSignOut { user, client } => {
                let id = self.person(index, user)?.id;
                self.sim
                    .sign_out_teams_client(id, teams_client(*client))
                    .map_err(|err| invalid(index, "", err.to_string()))?;
            }
            Event::Outage { .. } => {
                let unanswered = FaultSpec {
                    drop: 100,
                    ..FaultSpec::none()
                };
                self.sim
                    .set_faults(unanswered)
                    .map_err(|err| invalid(index, "", err.to_string()))?;
            }
            Event::Faults { spec, .. } => {
                spec.parse::<FaultSpec>()
                    .map_err(|err| err.to_string())
                    .and_then(|spec| self.sim.set_faults(spec).map_err(|err| err.to_string()))
                    .map_err(|message| invalid(index, "/spec", message))?;
            }
        }
        Ok(())
    }

    fn person(&self, index: usize, name: &str) -> Result<&Person, TimelineError> {
        self.people
            .iter()
            .map(|track| &track.person)
            .find(|person| person.name == name)
            .ok_or_else(|| invalid(index, "/user", format!("\"{name}\" is not in /users")))
    }

    fn event_line(&mut self, at: TimeSpan, text: String) {
        self.lines
            .push(ReportLine::new(at, None, Entry::Event { text }));
    }

    /// Lists, per person, what changed in this step: the decision, the writes, what Teams shows.
    fn record(&mut self, now: DateTime<Utc>) {
        let at = self.offsets.of(now);
        let attempts = self.writer.take();
        let status = self.reconciler.status(now);
        for track in &mut self.people {
            let key = track.person.key();
            let name = track.person.name.as_str();
            if let Some(user) = status.users.iter().find(|user| user.user == key) {
                let intent = intent_entry(user, self.offsets);
                if track.intent.as_ref() != Some(&intent) {
                    self.lines
                        .push(ReportLine::new(at, Some(name), intent.clone()));
                    track.intent = Some(intent);
                }
            }
            for attempt in attempts.iter().filter(|attempt| attempt.user == key) {
                let entry = match &attempt.failure {
                    None => {
                        self.summary.writes += 1;
                        Entry::Write {
                            write: attempt.write.clone(),
                        }
                    }
                    Some(code) => {
                        self.summary.failed_writes += 1;
                        Entry::WriteFailed {
                            write: attempt.write.clone(),
                            error: code.clone(),
                        }
                    }
                };
                self.lines.push(ReportLine::new(at, Some(name), entry));
            }
            if let Ok(view) = self.sim.presence(track.person.id) {
                let teams = Entry::Teams {
                    availability: view.availability.to_string(),
                    activity: view.activity.to_string(),
                    message: view
                        .status_message
                        .map(|m| m.message.content)
                        .filter(|text| !text.is_empty()),
                };
                if track.teams.as_ref() != Some(&teams) {
                    self.lines
                        .push(ReportLine::new(at, Some(name), teams.clone()));
                    track.teams = Some(teams);
                }
            }
        }
    }
}

/// The next step: when the engine asks, when the next thing is due, or a minute on, whichever
/// comes first.
fn next_step(
    now: DateTime<Utc>,
    report: &StepReport,
    next_due: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let mut next = now + SAFETY_TICK;
    if let Some(wake) = report.wake_at {
        next = next.min(if wake > now {
            wake
        } else {
            now + SAME_INSTANT_STEP
        });
    }
    if let Some(due) = next_due.filter(|due| *due > now) {
        next = next.min(due);
    }
    next
}

fn intent_entry(user: &UserStatus, offsets: Offsets) -> Entry {
    Entry::Intent {
        intent: user.intent,
        mode: user.mode,
        message: user.message.clone(),
        reason: reason_text(&user.reason, offsets),
        decided_by: user.reason.clone(),
    }
}

fn teams_client(kind: ClientKind) -> TeamsClient {
    match kind {
        ClientKind::Desktop => TeamsClient::Desktop,
        ClientKind::Web => TeamsClient::Web,
        ClientKind::Mobile => TeamsClient::Mobile,
    }
}

fn invalid(index: usize, field: &str, message: String) -> TimelineError {
    TimelineError::Invalid(vec![TimelineIssue::timeline(
        format!("/events/{index}{field}"),
        message,
    )])
}
