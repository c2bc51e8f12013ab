//! Signal events (what the OS sources report) -> engine observations (what the rules look at).
//!
//! Pure and stateful: several sources speak about the same thing. The desk counts as "locked"
//! when the lock hint, a screensaver shield, or a switched-away session says so; it counts as
//! unlocked only when a source that knows says so and none says otherwise. Unknown stays unknown.

use chrono::Duration;
use relay_core::config::MachineState;
use relay_core::snapshot::Observation;
use relay_signals::{Signal, Tri};

/// What the host does with one signal.
#[derive(Clone, Debug, PartialEq)]
pub enum Forward {
    /// Hand the observation to the engine.
    Observe(Observation),
    /// Hand it over and wait until the engine has acted on it before the machine goes on
    /// (sleep or logoff): the rules' last word must reach Graph while the network is up.
    ObserveAndSettle(Observation),
    /// Nothing for the engine (health, calendar states from the OS sources).
    Nothing,
}

/// Remembers what each lock-related source said last.
#[derive(Clone, Debug, Default)]
pub struct SignalTranslator {
    lock_hint: Option<bool>,
    screensaver: Option<bool>,
    /// `Some(false)`: another session is in front (switched user, disconnected remote session).
    session_active: Option<bool>,
}

impl SignalTranslator {
    pub fn translate(&mut self, signal: &Signal) -> Forward {
        match signal {
            Signal::Locked(on) => {
                self.lock_hint = Some(*on);
                Forward::Observe(Observation::ScreenLocked(self.locked()))
            }
            Signal::Screensaver(on) => {
                self.screensaver = Some(*on);
                Forward::Observe(Observation::ScreenLocked(self.locked()))
            }
            Signal::SessionActive(active) => {
                self.session_active = Some(*active);
                Forward::Observe(Observation::ScreenLocked(self.locked()))
            }
            Signal::Idle(idle) => Forward::Observe(Observation::IdleFor(Some(
                Duration::from_std(*idle).unwrap_or(Duration::MAX),
            ))),
            Signal::Dnd(tri) => Forward::Observe(Observation::DoNotDisturb(known(*tri))),
            Signal::Presentation(tri) => Forward::Observe(Observation::Presentation(known(*tri))),
            Signal::Suspending => {
                Forward::ObserveAndSettle(Observation::Machine(MachineState::Suspending))
            }
            Signal::SessionEnding(true) => {
                Forward::ObserveAndSettle(Observation::Machine(MachineState::SessionEnding))
            }
            // A cancelled logoff or a wake-up: the machine speaks for the desk again.
            Signal::SessionEnding(false) | Signal::Resumed => {
                Forward::Observe(Observation::Resumed)
            }
            Signal::Calendar(_) | Signal::Health(_) => Forward::Nothing,
        }
    }

    /// Locked if any source that knows says so; unlocked only if one knows and none disagrees.
    fn locked(&self) -> Option<bool> {
        let said = [
            self.lock_hint,
            self.screensaver,
            self.session_active.map(|active| !active),
        ];
        if said.contains(&Some(true)) {
            Some(true)
        } else if said.contains(&Some(false)) {
            Some(false)
        } else {
            None
        }
    }
}

fn known(tri: Tri) -> Option<bool> {
    match tri {
        Tri::On => Some(true),
        Tri::Off => Some(false),
        Tri::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration as StdDuration;

    use relay_signals::Health;

    use super::*;

    fn observed(forward: Forward) -> Observation {
        match forward {
            Forward::Observe(observation) | Forward::ObserveAndSettle(observation) => observation,
            Forward::Nothing => panic!("expected an observation"),
        }
    }

    #[test]
    fn any_lock_source_locks_and_all_must_agree_to_unlock() {
        let mut translator = SignalTranslator::default();
        let locked = |t: &mut SignalTranslator, s| observed(t.translate(&s));
        assert_eq!(
            locked(&mut translator, Signal::Screensaver(true)),
            Observation::ScreenLocked(Some(true))
        );
        assert_eq!(
            locked(&mut translator, Signal::Locked(false)),
            Observation::ScreenLocked(Some(true)),
            "the screensaver is still up"
        );
        assert_eq!(
            locked(&mut translator, Signal::Screensaver(false)),
            Observation::ScreenLocked(Some(false))
        );
        assert_eq!(
            locked(&mut translator, Signal::SessionActive(false)),
            Observation::ScreenLocked(Some(true)),
            "a switched-away session leaves the desk unattended"
        );
        assert_eq!(
            locked(&mut translator, Signal::SessionActive(true)),
            Observation::ScreenLocked(Some(false))
        );
    }

    #[test]
    fn unknown_is_never_off() {
        let mut translator = SignalTranslator::default();
        assert_eq!(
            translator.translate(&Signal::Dnd(Tri::Unknown)),
            Forward::Observe(Observation::DoNotDisturb(None))
        );
        assert_eq!(
            translator.translate(&Signal::Presentation(Tri::On)),
            Forward::Observe(Observation::Presentation(Some(true)))
        );
    }

    #[test]
    fn leaving_waits_for_the_engine_and_coming_back_resumes() {
        let mut translator = SignalTranslator::default();
        assert_eq!(
            translator.translate(&Signal::Suspending),
            Forward::ObserveAndSettle(Observation::Machine(MachineState::Suspending))
        );
        assert_eq!(
            translator.translate(&Signal::SessionEnding(true)),
            Forward::ObserveAndSettle(Observation::Machine(MachineState::SessionEnding))
        );
        assert_eq!(
            translator.translate(&Signal::SessionEnding(false)),
            Forward::Observe(Observation::Resumed)
        );
        assert_eq!(
            translator.translate(&Signal::Resumed),
            Forward::Observe(Observation::Resumed)
        );
        assert_eq!(
            translator.translate(&Signal::Health(Health::Live)),
            Forward::Nothing
        );
    }

    #[test]
    fn idle_is_passed_through_in_engine_time() {
        let mut translator = SignalTranslator::default();
        assert_eq!(
            translator.translate(&Signal::Idle(StdDuration::from_secs(600))),
            Forward::Observe(Observation::IdleFor(Some(Duration::seconds(600))))
        );
    }
}
