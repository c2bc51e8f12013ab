//! Read-back: the engine reads the real presence once a minute, shows it beside the modelled one,
//! flags a disagreement that persists, and (by default) never overrides a preferred presence the
//! person set themselves.

mod journey;

use journey::Journey;
use relay_core::graph_presence::{Availability, PreferredPair};
use relay_core::snapshot::Observation;
use serde_json::json;

fn rules() -> serde_json::Value {
    json!([{
        "name": "Screen locked",
        "when": {"screen": {"locked": true}},
        "then": {"intent": "away", "mode": "assertive", "message": "Back soon"}
    }])
}

fn writes(journey: &Journey, from: i64) -> Vec<String> {
    journey
        .writes_since(from)
        .into_iter()
        .map(|(_, _, write)| write)
        .collect()
}

#[tokio::test]
async fn a_presence_the_person_chose_is_respected_until_they_clear_it() {
    let mut journey = Journey::start(1, rules()).await;
    journey.enable_readback();
    journey.run_until(30).await;
    // The person, signed in to Teams, sets Do not disturb (a preferred presence we did not
    // write; it shows only while they have a session, here their Teams client's).
    journey
        .sim
        .sign_in_teams_client(
            journey.users[0].parse().expect("uuid"),
            relay_sim::TeamsClient::Desktop,
            Availability::Available,
            relay_core::graph_presence::Activity::Available,
        )
        .expect("Teams signs in");
    let person = journey.person();
    person
        .set_preferred_presence(&journey.users[0], PreferredPair::DoNotDisturb, None)
        .await
        .expect("the person's own choice");
    journey.run_until(100).await;
    let status = journey.reconciler.status(journey.now());
    assert!(status.users[0].user_preferred_in_effect, "{status:?}");

    // The lock rule is assertive, but only our session is written: their choice still shows.
    journey
        .observe(120, Observation::ScreenLocked(Some(true)))
        .await;
    journey.run_until(150).await;
    let locked = writes(&journey, 120);
    assert!(
        locked
            .iter()
            .all(|w| !w.starts_with("setUserPreferredPresence")),
        "{locked:?}"
    );
    assert!(
        locked
            .iter()
            .any(|w| w.starts_with("setPresence Away/Away")),
        "{locked:?}"
    );
    assert_eq!(journey.shown(0).0, Availability::DoNotDisturb);

    // They clear it: at the next read-back the rule speaks fully again.
    person
        .clear_preferred_presence(&journey.users[0])
        .await
        .expect("cleared");
    journey.run_until(300).await;
    assert!(
        writes(&journey, 150)
            .iter()
            .any(|w| w.starts_with("setUserPreferredPresence Away/Away")),
        "{:?}",
        writes(&journey, 150)
    );
    assert_eq!(journey.shown(0).0, Availability::Away);
    let status = journey.reconciler.status(journey.now());
    assert!(!status.users[0].user_preferred_in_effect);
}

#[tokio::test]
async fn read_back_shows_the_real_presence_and_flags_a_lasting_disagreement() {
    let mut journey = Journey::start(1, rules()).await;
    journey.enable_readback();
    journey
        .observe(0, Observation::ScreenLocked(Some(true)))
        .await;
    journey
        .sim
        .set_out_of_office(
            journey.users[0].parse().expect("uuid"),
            Some("On leave".into()),
        )
        .expect("out of office");
    journey.run_until(90).await;
    let status = journey.reconciler.status(journey.now());
    let observed = status.users[0].observed.clone().expect("read back");
    assert_eq!(observed.availability, Some(Availability::Away));
    assert!(observed.out_of_office);
    assert_eq!(observed.status_message.as_deref(), Some("Back soon"));
    assert!(!status.users[0].disagreement);

    // Someone replaces our preferred presence behind our back: the model says Away, Graph says
    // Busy. One read is not enough (Teams propagates slowly); three in a row are.
    let person = journey.person();
    person
        .set_preferred_presence(&journey.users[0], PreferredPair::Busy, None)
        .await
        .expect("overwritten");
    journey.run_until(160).await;
    assert!(!journey.reconciler.status(journey.now()).users[0].disagreement);
    journey.run_until(300).await;
    assert!(journey.reconciler.status(journey.now()).users[0].disagreement);
}
