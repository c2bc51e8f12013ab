//! `rules_preview`: what Teams would show for each configured user now and over the next hours
//! under the rules being edited, from the engine's simulate path (relay-timeline).
//!
//! The preview is a timeline: the desk's signals as they are now ([`DeskNow`]) held for the
//! whole of it, the calendar blocks already known, and time running on so time windows (lunch,
//! night) and blocks begin and end. The real engine replays it against a simulated tenant in
//! virtual time, so nothing real is written and the same inputs always give the same preview.
//!
//! The timeline starts a little before now (a warm-up), so at "now" the engine has seen the
//! signals for as long as it really has: a lock of two minutes ago counts two minutes towards a
//! "locked for 10 minutes" rule, and flap damping has settled.

mod desk;
mod view;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use chrono_tz::Tz;
use relay_api::{ErrorCode, RulesPreview, UiError, UserPreview};
use relay_core::config::{validate, ConfigFile, ConfigIssue, Targets, ValidConfig};
use relay_timeline::{Document, TimeSpan, Timeline, TimelineError, MAX_USERS};

pub use desk::{DeskNow, Reading};

/// How far the window's preview looks ahead.
pub const DEFAULT_HOURS: u32 = 8;
/// The longest preview [`rules_preview_for`] runs (a replay takes longer the more it covers).
pub const MAX_HOURS: u32 = 48;

/// The warm-up's slack beyond the longest threshold: the engine's first steps, and a decision
/// that waits for a threshold, land within it.
const WARM_UP_SLACK_SECONDS: u64 = 60;

/// `rules_preview` for the window: [`DEFAULT_HOURS`] from `now`. `zone` is the machine's (for
/// time windows without a zone and the times in messages).
pub async fn rules_preview(
    config: ConfigFile,
    desk: &DeskNow,
    now: DateTime<Utc>,
    zone: Tz,
) -> Result<RulesPreview, UiError> {
    rules_preview_for(config, desk, now, zone, DEFAULT_HOURS).await
}

/// The preview over `hours` (1 to [`MAX_HOURS`]) from `now`, to the second.
pub async fn rules_preview_for(
    mut config: ConfigFile,
    desk: &DeskNow,
    now: DateTime<Utc>,
    zone: Tz,
    hours: u32,
) -> Result<RulesPreview, UiError> {
    if !(1..=MAX_HOURS).contains(&hours) {
        return Err(UiError::new(
            ErrorCode::InvalidInput,
            format!("a preview covers 1 to {MAX_HOURS} hours, not {hours}"),
        ));
    }
    // Not the preview's business: no tenant is contacted, and the PIN's hash is never sent.
    config.connection = None;
    config.settings.kiosk.pin_hash = None;
    let valid = validate(config.clone()).map_err(|issues| not_previewable(&issues))?;
    let now = now.trunc_subsecs(0);
    let mut preview = RulesPreview {
        from: now,
        until: now + Duration::hours(i64::from(hours)),
        time_zone: zone.name().to_owned(),
        signals: desk.view(now),
        users: Vec::new(),
        users_left_out: config.users.len().saturating_sub(MAX_USERS),
    };
    if config.users.is_empty() {
        // Nothing to replay: no one's presence is kept.
        return Ok(preview);
    }
    let played = within_limit(config.clone(), valid)?;
    let warm_up = warm_up(&config);
    let start = now - warm_up.duration();
    let calendar_ids: Vec<&str> = config.calendars.iter().map(|c| c.id.as_str()).collect();
    let people: Vec<String> = (1..=played.file().users.len())
        .map(|number| format!("user {number}"))
        .collect();
    let timeline = Timeline {
        start,
        time_zone: Some(zone.name().to_owned()),
        users: people.clone(),
        config: None,
        events: desk.opening_events(start, warm_up, &calendar_ids),
        end: warm_up
            .checked_add(TimeSpan::from_seconds(u64::from(hours) * 3_600))
            .unwrap_or(warm_up),
    };
    let report = relay_timeline::simulate(&timeline, Some(played))
        .await
        .map_err(|error| replay_failed(&error))?;
    for (user, name) in config.users.iter().zip(&people) {
        let states =
            view::user_states(&report, name, warm_up.seconds(), &config).ok_or_else(|| {
                UiError::new(
                    ErrorCode::Internal,
                    format!(
                        "the preview's replay decided nothing for {}; this is a bug, please \
                         report it",
                        user.display_name
                    ),
                )
            })?;
        preview.users.push(UserPreview {
            user: user.object_id.to_ascii_lowercase(),
            display_name: user.display_name.clone(),
            now: states.now,
            changes: states.changes,
        });
    }
    Ok(preview)
}

/// How long before now the timeline starts: long enough that a signal held since before it has
/// met every threshold of the rules (a screen lock's `for_seconds`), flap damping and the idle
/// hysteresis by now. (Idle time needs none: its report says when input stopped.)
fn warm_up(config: &ConfigFile) -> TimeSpan {
    let engine = &config.settings.engine;
    let longest_lock = config
        .rules
        .iter()
        .filter(|rule| rule.enabled)
        .filter_map(|rule| rule.when.screen.as_ref()?.for_seconds)
        .max()
        .unwrap_or(0);
    let longest = longest_lock
        .max(engine.min_dwell_seconds)
        .max(engine.idle_exit_seconds);
    TimeSpan::from_seconds(u64::from(longest) + WARM_UP_SLACK_SECONDS)
}

/// The config the replay plays: at most [`MAX_USERS`] users. Rules keep naming only the users
/// played; a rule that names only users left out affects no one previewed, so it is turned off
/// and pointed at a played user (a replay refuses rules that name no one it plays; turned off,
/// it decides nothing, and the rules keep their positions, which the preview's reasons use).
fn within_limit(mut file: ConfigFile, valid: ValidConfig) -> Result<ValidConfig, UiError> {
    if file.users.len() <= MAX_USERS {
        return Ok(valid);
    }
    file.users.truncate(MAX_USERS);
    let played: Vec<String> = file
        .users
        .iter()
        .map(|user| user.object_id.to_ascii_lowercase())
        .collect();
    for rule in &mut file.rules {
        if let Targets::Named(ids) = &mut rule.users {
            ids.retain(|id| played.contains(&id.to_ascii_lowercase()));
            if ids.is_empty() {
                rule.enabled = false;
                ids.extend(played.first().cloned());
            }
        }
    }
    validate(file).map_err(|issues| {
        UiError::new(
            ErrorCode::Internal,
            format!(
                "the preview could not narrow the config to its first {MAX_USERS} users ({}); \
                 this is a bug, please report it",
                describe(&issues)
            ),
        )
    })
}

/// The config has errors: the same issues `config_validate` lists, at their pointers.
fn not_previewable(issues: &[ConfigIssue]) -> UiError {
    let errors = issues.iter().filter(|issue| issue.is_error()).count();
    UiError {
        message: format!(
            "no preview until the rules are valid: {errors} problem{} to fix first",
            if errors == 1 { "" } else { "s" }
        ),
        ..UiError::invalid_config(issues)
    }
}

/// The replay refused or failed. Its config problems are the document's (pointers into it); a
/// problem with the timeline itself is this module's fault.
fn replay_failed(error: &TimelineError) -> UiError {
    match error {
        TimelineError::Invalid(issues)
            if issues
                .iter()
                .all(|issue| issue.document == Document::Config) =>
        {
            let issues: Vec<ConfigIssue> = issues
                .iter()
                .map(|issue| ConfigIssue::error(issue.pointer.clone(), issue.message.clone()))
                .collect();
            not_previewable(&issues)
        }
        TimelineError::Invalid(_) => UiError::new(
            ErrorCode::Internal,
            format!("the preview built a timeline the replay refused ({error}); this is a bug, please report it"),
        ),
        TimelineError::Tenant(reason) => UiError::new(
            ErrorCode::Internal,
            format!("the preview could not start its simulated tenant ({reason}); try again"),
        ),
    }
}

fn describe(issues: &[ConfigIssue]) -> String {
    issues
        .iter()
        .map(|issue| format!("{}: {}", issue.pointer, issue.message))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests;
