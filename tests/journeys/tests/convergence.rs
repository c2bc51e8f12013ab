//! Property: whatever sequence of signals and faults happens, once the faults end every user's
//! visible presence in the simulated tenant equals what the engine intends within one keep-alive
//! period.

mod journey;

use journey::Journey;
use proptest::prelude::*;
use relay_core::graph_presence::{Activity, Availability};
use relay_core::snapshot::Observation;
use serde_json::json;

#[derive(Clone, Debug)]
enum Event {
    Lock(bool),
    Dnd(bool),
    Faults(u8, u8),
    NoFaults,
    Pause(bool),
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        any::<bool>().prop_map(Event::Lock),
        any::<bool>().prop_map(Event::Dnd),
        (0u8..=60, 0u8..=30).prop_map(|(rate, drop)| Event::Faults(rate, drop)),
        Just(Event::NoFaults),
        any::<bool>().prop_map(Event::Pause),
    ]
}

fn rules() -> serde_json::Value {
    json!([
        {"name": "Focus", "when": {"do_not_disturb": true}, "then": {"intent": "do_not_disturb"}},
        {"name": "Locked", "when": {"screen": {"locked": true, "for_seconds": 10}},
         "then": {"intent": "be_right_back", "mode": "assertive", "message": "Back soon"}},
        {"name": "Here", "when": {"screen": {"locked": false}}, "then": {"intent": "available"}}
    ])
}

async fn run(events: Vec<(u16, Event)>, seed: u64) -> Result<(), TestCaseError> {
    let mut journey = Journey::start(2, rules()).await;
    let mut second = 0_i64;
    for (gap, event) in events {
        second += i64::from(gap);
        match event {
            Event::Lock(locked) => {
                journey
                    .observe(second, Observation::ScreenLocked(Some(locked)))
                    .await
            }
            Event::Dnd(on) => {
                journey
                    .observe(second, Observation::DoNotDisturb(Some(on)))
                    .await
            }
            Event::Faults(rate, drop) => {
                journey.run_until(second).await;
                let spec = format!("rate={rate},drop={drop},seed={seed}");
                journey
                    .sim
                    .set_faults(spec.parse().expect("spec"))
                    .expect("faults");
            }
            Event::NoFaults => {
                journey.run_until(second).await;
                journey
                    .sim
                    .set_faults("none".parse().expect("spec"))
                    .expect("faults");
            }
            Event::Pause(paused) => {
                journey.run_until(second).await;
                journey.reconciler.control_mut().paused = paused;
            }
        }
    }
    journey.run_until(second).await;
    journey
        .sim
        .set_faults("none".parse().expect("spec"))
        .expect("faults");
    let quiet = second;
    // One keep-alive period (4 min + at most 30 s jitter) plus the 60 s retry backoff cap.
    journey.run_until(quiet + 330).await;
    let status = journey.reconciler.status(journey.now());
    for (n, id) in journey.users.clone().iter().enumerate() {
        let user = status
            .users
            .iter()
            .find(|u| &u.user == id)
            .expect("status of every user");
        let expected = user
            .modelled
            .map_or((Availability::Offline, Activity::Offline), |shown| {
                (shown.availability, shown.activity)
            });
        prop_assert_eq!(
            journey.shown(n),
            expected,
            "user {} after {}s quiet; status {:?}",
            n,
            journey.seconds() - quiet,
            user
        );
    }
    prop_assert_eq!(journey.sim.counters().early_retries, 0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn converges_within_one_keep_alive_after_any_faults(
        events in prop::collection::vec((1u16..=400, event()), 1..12),
        seed in 0u64..1000,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(run(events, seed))?;
    }
}
