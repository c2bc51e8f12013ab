//! `signals`: every local signal source with its health and the last value of each signal it
//! reported, from the running relay's health map and latest values, then each configured
//! calendar with its health and what it shows now.

use relay_api::{SignalHealth, SignalReading, SignalValue, SignalView};
use relay_calendar::runner::{CalendarUpdate, SourceHealth};
use relay_core::config::ShowAs;
use relay_host::{LatestCalendars, LatestSignals};
use relay_signals::{Health, HealthMap, Signal, SignalEvent, SourceName, Tri};

/// One view per source that has a health or reported a value, by source name, then one per
/// calendar, by id.
pub fn views(
    health: &HealthMap,
    latest: &LatestSignals,
    calendars: &LatestCalendars,
) -> Vec<SignalView> {
    let mut sources: Vec<&SourceName> = health.keys().chain(latest.sources()).collect();
    sources.sort_unstable();
    sources.dedup();
    let local = sources.into_iter().map(|source| SignalView {
        source: source.to_string(),
        health: match health.get(source) {
            Some(health) => health_view(health),
            // A value came in before the first health report: the source is reporting.
            None => SignalHealth::Live,
        },
        values: latest.of(source).filter_map(reading).collect(),
    });
    local.chain(calendars.values().map(calendar_view)).collect()
}

/// A calendar: live, serving its last good copy (degraded), or without any copy yet (degraded,
/// and no value: its empty state would read as "free").
fn calendar_view(update: &CalendarUpdate) -> SignalView {
    let now = SignalReading {
        signal: "calendar".to_owned(),
        value: SignalValue::Calendar {
            calendar_id: update.calendar_id.clone(),
            show_as: update.state.strongest.unwrap_or(ShowAs::Free),
            until: update.state.next_change,
        },
        at: update.at,
    };
    let (health, values) = match &update.health {
        SourceHealth::Live => (SignalHealth::Live, vec![now]),
        SourceHealth::Stale { since, error } => (
            SignalHealth::Degraded {
                reason: format!(
                    "{error}; showing the copy loaded before {}",
                    since.format("%Y-%m-%d %H:%M UTC")
                ),
            },
            vec![now],
        ),
        SourceHealth::Unavailable { error } => (
            SignalHealth::Degraded {
                reason: error.clone(),
            },
            Vec::new(),
        ),
    };
    SignalView {
        source: format!("calendar {}", update.calendar_id),
        health,
        values,
    }
}

fn health_view(health: &Health) -> SignalHealth {
    match health {
        Health::Live => SignalHealth::Live,
        Health::Degraded(reason) => SignalHealth::Degraded {
            reason: reason.clone(),
        },
        Health::Unsupported(reason) => SignalHealth::Unsupported {
            reason: reason.clone(),
        },
    }
}

/// `None` for what is no state (health, suspend and resume moments).
fn reading(event: &SignalEvent) -> Option<SignalReading> {
    let flag = |on: bool| SignalValue::Flag { on: Some(on) };
    let value = match &event.signal {
        Signal::Locked(on)
        | Signal::Screensaver(on)
        | Signal::SessionActive(on)
        | Signal::SessionEnding(on) => flag(*on),
        Signal::Dnd(tri) | Signal::Presentation(tri) => SignalValue::Flag {
            on: match tri {
                Tri::On => Some(true),
                Tri::Off => Some(false),
                Tri::Unknown => None,
            },
        },
        Signal::Idle(idle) => SignalValue::Seconds {
            seconds: u32::try_from(idle.as_secs()).unwrap_or(u32::MAX),
        },
        Signal::Calendar(state) => SignalValue::Calendar {
            calendar_id: state.calendar_id.clone(),
            show_as: state.show_as,
            until: state.until,
        },
        Signal::Health(_) | Signal::Suspending | Signal::Resumed => return None,
    };
    Some(SignalReading {
        signal: event.signal.kind().to_owned(),
        value,
        at: event.at,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::{TimeZone, Utc};

    use super::*;

    fn event(source: &'static str, signal: Signal) -> SignalEvent {
        SignalEvent {
            at: Utc
                .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
                .single()
                .expect("valid time"),
            source: SourceName::fixed(source),
            signal,
        }
    }

    #[test]
    fn sources_carry_their_health_and_last_values() {
        let mut health = HealthMap::new();
        health.insert(SourceName::fixed("logind"), Health::Live);
        health.insert(
            SourceName::fixed("gnome-dnd"),
            Health::Unsupported("no schema".into()),
        );
        let mut latest = LatestSignals::default();
        latest.record(&event("logind", Signal::Locked(true)));
        latest.record(&event("logind", Signal::Idle(Duration::from_secs(90))));
        latest.record(&event("mutter", Signal::Dnd(Tri::Unknown)));

        let views = views(&health, &latest, &LatestCalendars::new());
        let names: Vec<&str> = views.iter().map(|v| v.source.as_str()).collect();
        assert_eq!(names, ["gnome-dnd", "logind", "mutter"]);
        assert_eq!(
            views[0].health,
            SignalHealth::Unsupported {
                reason: "no schema".into()
            }
        );
        assert!(views[0].values.is_empty());
        let logind: Vec<(&str, &SignalValue)> = views[1]
            .values
            .iter()
            .map(|r| (r.signal.as_str(), &r.value))
            .collect();
        assert_eq!(
            logind,
            [
                ("idle_seconds", &SignalValue::Seconds { seconds: 90 }),
                ("locked", &SignalValue::Flag { on: Some(true) }),
            ]
        );
        assert_eq!(views[2].health, SignalHealth::Live);
        assert_eq!(
            views[2].values[0].value,
            SignalValue::Flag { on: None },
            "unknown is never off"
        );
    }

    fn calendar(id: &str, health: SourceHealth, strongest: Option<ShowAs>) -> CalendarUpdate {
        let at = Utc
            .with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid time");
        CalendarUpdate {
            calendar_id: id.into(),
            at,
            state: relay_calendar::CalendarState {
                active: strongest.into_iter().collect(),
                strongest,
                next_change: Some(at + chrono::Duration::minutes(30)),
            },
            by_keywords: Vec::new(),
            health,
            blocks: std::sync::Arc::from(Vec::new()),
        }
    }

    #[test]
    fn calendars_follow_the_sources_with_their_health_and_what_they_show_now() {
        let mut calendars = LatestCalendars::new();
        for update in [
            calendar("desk", SourceHealth::Live, Some(ShowAs::Busy)),
            calendar(
                "team",
                SourceHealth::Stale {
                    since: Utc
                        .with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
                        .single()
                        .expect("valid time"),
                    error: "HTTP 503".into(),
                },
                None,
            ),
            calendar(
                "new",
                SourceHealth::Unavailable {
                    error: "no such file".into(),
                },
                None,
            ),
        ] {
            calendars.insert(update.calendar_id.clone(), update);
        }
        let mut health = HealthMap::new();
        health.insert(SourceName::fixed("logind"), Health::Live);

        let views = views(&health, &LatestSignals::default(), &calendars);
        let names: Vec<&str> = views.iter().map(|v| v.source.as_str()).collect();
        assert_eq!(
            names,
            ["logind", "calendar desk", "calendar new", "calendar team"]
        );
        assert_eq!(views[1].health, SignalHealth::Live);
        let SignalValue::Calendar { show_as, until, .. } = &views[1].values[0].value else {
            panic!("a calendar value: {:?}", views[1].values);
        };
        assert_eq!(*show_as, ShowAs::Busy);
        assert!(until.is_some());
        assert!(
            views[2].values.is_empty(),
            "no copy yet: nothing to show, not free"
        );
        assert_eq!(
            views[2].health,
            SignalHealth::Degraded {
                reason: "no such file".into()
            }
        );
        let SignalHealth::Degraded { reason } = &views[3].health else {
            panic!("stale is degraded");
        };
        assert!(
            reason.contains("HTTP 503") && reason.contains("08:00"),
            "{reason}"
        );
        assert_eq!(
            views[3].values.len(),
            1,
            "a stale copy still shows its state"
        );
    }
}
