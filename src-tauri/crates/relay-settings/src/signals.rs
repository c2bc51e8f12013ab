//! `signals`: every local signal source with its health and the last value of each signal it
//! reported, from the running relay's health map and latest values.

use relay_api::{SignalHealth, SignalReading, SignalValue, SignalView};
use relay_host::LatestSignals;
use relay_signals::{Health, HealthMap, Signal, SignalEvent, SourceName, Tri};

/// One view per source that has a health or reported a value, by source name.
pub fn views(health: &HealthMap, latest: &LatestSignals) -> Vec<SignalView> {
    let mut sources: Vec<&SourceName> = health.keys().chain(latest.sources()).collect();
    sources.sort_unstable();
    sources.dedup();
    sources
        .into_iter()
        .map(|source| SignalView {
            source: source.to_string(),
            health: match health.get(source) {
                Some(health) => health_view(health),
                // A value came in before the first health report: the source is reporting.
                None => SignalHealth::Live,
            },
            values: latest.of(source).filter_map(reading).collect(),
        })
        .collect()
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

        let views = views(&health, &latest);
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
}
