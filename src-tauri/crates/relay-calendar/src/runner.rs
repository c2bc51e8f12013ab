//! The calendar runner: one configured calendar -> a stream of [`CalendarUpdate`]s.
//!
//! It loads the source (file check every `file_check_every`, URL poll on a jittered schedule),
//! parses and expands `[now - 1 day, now + horizon)`, and sends an update whenever the blocks,
//! the state, a keyword state or the source's health changes. Between changes it sleeps until the earliest
//! of: the next change of any state, the next source check, the re-expansion point, and
//! `max_sleep` (a safety net for wall-clock jumps such as suspend/resume; waking does not send
//! anything unless something changed). It never polls every second.
//!
//! Wall time comes from the injected [`Clock`]; sleeping uses tokio's timer, so tests run with
//! `tokio::time::pause()` and a clock derived from tokio's `Instant`.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use relay_core::clock::Clock;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::fetch::{FetchError, FileSource, Loaded, PollPolicy, Source, UrlSource};
use crate::{
    expand, parse_bytes, state_at, Block, Calendar, CalendarState, ExpandOptions, Limits, Window,
};

/// Health of a calendar source, as shown in the tray and status stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SourceHealth {
    /// The last load (or check) succeeded.
    Live,
    /// The last load failed; states come from the last good copy, loaded before `since`.
    Stale { since: DateTime<Utc>, error: String },
    /// No good copy yet: states are empty.
    Unavailable { error: String },
}

/// The state for one set of title keywords (a rule's `title_keywords`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordState {
    pub keywords: Vec<String>,
    pub state: CalendarState,
}

/// What the runner sends: the calendar's state now, per keyword set, and its health.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarUpdate {
    /// The `id` of the calendar in the config.
    pub calendar_id: String,
    /// When the state was evaluated.
    pub at: DateTime<Utc>,
    /// All events.
    pub state: CalendarState,
    /// One entry per keyword set in [`RunnerOptions::keyword_sets`], same order.
    pub by_keywords: Vec<KeywordState>,
    pub health: SourceHealth,
    /// The blocks of `[at - 1 day, at + horizon)`, titles included, for an engine that
    /// evaluates rule conditions itself. Never serialized: titles stay on the machine.
    #[serde(skip)]
    pub blocks: Arc<[Block]>,
}

impl CalendarUpdate {
    /// The earliest `next_change` over all states.
    pub fn next_change(&self) -> Option<DateTime<Utc>> {
        std::iter::once(&self.state)
            .chain(self.by_keywords.iter().map(|k| &k.state))
            .filter_map(|s| s.next_change)
            .min()
    }
}

/// How a runner reads and evaluates its calendar.
#[derive(Clone, Debug)]
pub struct RunnerOptions {
    /// Zone for floating and all-day times.
    pub default_zone: chrono_tz::Tz,
    /// The owner's addresses (see [`ExpandOptions::owner_addresses`]).
    pub owner_addresses: Vec<String>,
    /// Keyword sets to evaluate besides "all events" (from rules' `title_keywords`).
    pub keyword_sets: Vec<Vec<String>>,
    pub limits: Limits,
    /// URL polling.
    pub poll: PollPolicy,
    /// How often a file's mtime and size are checked.
    pub file_check_every: StdDuration,
    /// How far ahead blocks are expanded; `next_change` beyond it is `None` until re-expansion.
    pub horizon: Duration,
    /// Longest sleep between evaluations.
    pub max_sleep: StdDuration,
    /// Seed for the polling jitter (tests); `None` seeds from the OS.
    pub jitter_seed: Option<u64>,
    /// HTTP timeout for URL sources.
    pub http_timeout: StdDuration,
}

impl RunnerOptions {
    pub fn new(default_zone: chrono_tz::Tz) -> Self {
        Self {
            default_zone,
            owner_addresses: Vec::new(),
            keyword_sets: Vec::new(),
            limits: Limits::default(),
            poll: PollPolicy::default(),
            file_check_every: StdDuration::from_secs(30),
            horizon: Duration::days(7),
            max_sleep: StdDuration::from_secs(60),
            jitter_seed: None,
            http_timeout: StdDuration::from_secs(30),
        }
    }
}

/// Runs one calendar. Build with [`CalendarRunner::from_config`] or [`CalendarRunner::new`],
/// then drive with [`CalendarRunner::run`].
#[derive(Debug)]
pub struct CalendarRunner {
    id: String,
    source: Source,
    clock: Arc<dyn Clock>,
    options: RunnerOptions,
}

/// What the runner knows between wake-ups.
struct Memory {
    calendar: Option<Calendar>,
    blocks: Arc<[Block]>,
    /// Set when `blocks` was replaced since the last update was sent.
    blocks_changed: bool,
    /// When the blocks must be re-expanded (wall time).
    refresh_at: Option<DateTime<Utc>>,
    /// Start of the expanded window; a clock set back before it forces a re-expansion.
    expanded_from: Option<DateTime<Utc>>,
    needs_expand: bool,
    load_error: Option<String>,
    /// A problem with the content itself (parse or expansion), kept until new content fixes it.
    content_error: Option<String>,
    /// When the last good copy was loaded (for `Stale::since`).
    good_since: Option<DateTime<Utc>>,
    failures: u32,
}

impl CalendarRunner {
    pub fn new(
        id: impl Into<String>,
        source: Source,
        clock: Arc<dyn Clock>,
        options: RunnerOptions,
    ) -> Self {
        Self {
            id: id.into(),
            source,
            clock,
            options,
        }
    }

    /// A runner for a configured calendar. `client` is used for URL sources (see
    /// [`crate::fetch::http_client`]); pass `None` to build one with `options.http_timeout`.
    pub fn from_config(
        calendar: &relay_core::config::Calendar,
        client: Option<reqwest::Client>,
        clock: Arc<dyn Clock>,
        options: RunnerOptions,
    ) -> Result<Self, FetchError> {
        let source = match &calendar.source {
            relay_core::config::CalendarSource::File(path) => {
                Source::File(FileSource::new(path, options.limits.max_bytes))
            }
            relay_core::config::CalendarSource::Url(url) => {
                let client = match client {
                    Some(c) => c,
                    None => crate::fetch::http_client(options.http_timeout)?,
                };
                Source::Url(UrlSource::new(client, url, options.limits.max_bytes)?)
            }
        };
        Ok(Self::new(calendar.id.clone(), source, clock, options))
    }

    fn health(&self, m: &Memory) -> SourceHealth {
        let error = m.load_error.as_ref().or(m.content_error.as_ref());
        match (error, m.good_since) {
            (None, _) if m.calendar.is_some() => SourceHealth::Live,
            (None, _) => SourceHealth::Unavailable {
                error: "no calendar loaded yet".into(),
            },
            (Some(e), Some(since)) => SourceHealth::Stale {
                since,
                error: e.clone(),
            },
            (Some(e), None) => SourceHealth::Unavailable { error: e.clone() },
        }
    }

    /// Loads the source; returns the delay until the next check.
    async fn load(&mut self, m: &mut Memory, rng: &mut fastrand::Rng) -> StdDuration {
        let result = self.source.load().await;
        let retry_after = result.as_ref().err().and_then(FetchError::retry_after);
        match result {
            Ok(Loaded::Changed(bytes)) => {
                m.load_error = None;
                m.failures = 0;
                match parse_bytes(&bytes, &self.options.limits) {
                    Ok(parsed) => {
                        if !parsed.warnings.is_empty() {
                            tracing::info!(
                                calendar = %self.id,
                                warnings = parsed.warnings.len(),
                                first = %parsed.warnings[0],
                                "calendar loaded with parts left out"
                            );
                        }
                        m.calendar = Some(parsed.calendar);
                        m.content_error = None;
                        m.good_since = Some(self.clock.now());
                        m.needs_expand = true;
                    }
                    Err(e) => {
                        let error = e.to_string();
                        if m.content_error.as_ref() != Some(&error) {
                            tracing::warn!(calendar = %self.id, error = %error, "calendar refused; keeping the last good copy");
                        }
                        m.content_error = Some(error);
                        // A server may keep answering 304 for the broken body: drop its
                        // validators so a fix is not missed. (A file's change is seen by its
                        // mtime and size anyway; re-reading it every check would be waste.)
                        if matches!(self.source, Source::Url(_)) {
                            self.source.forget();
                        }
                    }
                }
            }
            Ok(Loaded::Unchanged) => {
                m.load_error = None;
                m.failures = 0;
            }
            Err(e) => {
                m.failures = m.failures.saturating_add(1);
                if m.load_error.as_deref() != Some(e.to_string().as_str()) {
                    tracing::warn!(
                        calendar = %self.id,
                        source = %self.source.describe(),
                        error = %e,
                        "calendar source failed; keeping the last good copy"
                    );
                }
                m.load_error = Some(e.to_string());
            }
        }
        match self.source {
            Source::File(_) => self.options.file_check_every,
            Source::Url(_) => self.options.poll.next_delay(rng, m.failures, retry_after),
        }
    }

    fn expand(&self, m: &mut Memory, now: DateTime<Utc>) {
        let Some(calendar) = &m.calendar else { return };
        let window = Window::new(now - Duration::days(1), now + self.options.horizon);
        let options = ExpandOptions {
            default_zone: self.options.default_zone,
            owner_addresses: self.options.owner_addresses.clone(),
            limits: self.options.limits.clone(),
        };
        match expand(calendar, window, &options) {
            Ok(expansion) => {
                if !expansion.warnings.is_empty() {
                    tracing::info!(
                        calendar = %self.id,
                        warnings = expansion.warnings.len(),
                        first = %expansion.warnings[0],
                        "calendar expanded with events left out"
                    );
                }
                if *m.blocks != *expansion.blocks {
                    m.blocks = expansion.blocks.into();
                    m.blocks_changed = true;
                }
                m.content_error = None;
            }
            Err(e) => {
                tracing::warn!(calendar = %self.id, error = %e, "calendar expansion refused; keeping the previous blocks");
                m.content_error = Some(e.to_string());
            }
        }
        m.expanded_from = Some(window.from);
        // Re-expand a day before the horizon runs out, so next_change never falls off its end.
        m.refresh_at =
            Some(now + (self.options.horizon - Duration::days(1)).max(Duration::hours(1)));
        m.needs_expand = false;
    }

    fn evaluate(&self, m: &Memory, now: DateTime<Utc>) -> CalendarUpdate {
        CalendarUpdate {
            calendar_id: self.id.clone(),
            at: now,
            state: state_at(m.blocks.iter(), now),
            by_keywords: self
                .options
                .keyword_sets
                .iter()
                .map(|keywords| KeywordState {
                    keywords: keywords.clone(),
                    state: state_at(m.blocks.iter().filter(|b| b.title_matches(keywords)), now),
                })
                .collect(),
            health: self.health(m),
            blocks: Arc::clone(&m.blocks),
        }
    }

    /// Runs until `stop` is cancelled or the receiver is dropped. Sends a first update as soon
    /// as the source has been tried once.
    pub async fn run(mut self, tx: mpsc::Sender<CalendarUpdate>, stop: CancellationToken) {
        let mut rng = match self.options.jitter_seed {
            Some(seed) => fastrand::Rng::with_seed(seed),
            None => fastrand::Rng::new(),
        };
        let mut m = Memory {
            calendar: None,
            blocks: Arc::from(Vec::new()),
            blocks_changed: false,
            refresh_at: None,
            expanded_from: None,
            needs_expand: false,
            load_error: None,
            content_error: None,
            good_since: None,
            failures: 0,
        };
        let mut next_load = Instant::now();
        let mut last_sent: Option<CalendarUpdate> = None;
        loop {
            if Instant::now() >= next_load {
                let delay = tokio::select! {
                    d = self.load(&mut m, &mut rng) => d,
                    () = stop.cancelled() => return,
                };
                next_load = Instant::now() + delay;
            }
            let now = self.clock.now();
            let clock_set_back = m.expanded_from.is_some_and(|from| now < from);
            if m.needs_expand || clock_set_back || m.refresh_at.is_some_and(|r| now >= r) {
                self.expand(&mut m, now);
            }
            let update = self.evaluate(&m, now);
            let changed = m.blocks_changed
                || last_sent.as_ref().is_none_or(|last| {
                    last.state != update.state
                        || last.by_keywords != update.by_keywords
                        || last.health != update.health
                });
            if changed {
                if tx.send(update.clone()).await.is_err() {
                    return;
                }
                m.blocks_changed = false;
                last_sent = Some(update.clone());
            }

            // Sleep until the first thing that can change the answer.
            let wall_wake = [update.next_change(), m.refresh_at]
                .into_iter()
                .flatten()
                .min();
            let mut wake = next_load.min(Instant::now() + self.options.max_sleep);
            if let Some(at) = wall_wake {
                let wait = (at - self.clock.now())
                    .to_std()
                    .unwrap_or(StdDuration::ZERO);
                wake = wake.min(Instant::now() + wait);
            }
            tokio::select! {
                () = tokio::time::sleep_until(wake) => {}
                () = stop.cancelled() => return,
            }
        }
    }
}
