use chrono::TimeZone;

use super::*;

const APP: Uuid = Uuid::from_u128(0xA);
const OTHER_APP: Uuid = Uuid::from_u128(0xB);

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid")
}

fn pair(availability: Availability, activity: Activity) -> PresencePair {
    PresencePair::new(availability, activity)
}

fn user() -> SimUser {
    SimUser::new(Uuid::from_u128(1), "Ada".to_owned(), "ada@x".to_owned())
}

fn shown(user: &mut SimUser, at: DateTime<Utc>) -> PresencePair {
    user.settle(at);
    user.visible(at)
}

const AVAILABLE: PresencePair = PresencePair::new(Availability::Available, Activity::Available);
const IN_CALL: PresencePair = PresencePair::new(Availability::Busy, Activity::InACall);
const PRESENTING: PresencePair =
    PresencePair::new(Availability::DoNotDisturb, Activity::Presenting);
const AWAY: PresencePair = PresencePair::new(Availability::Away, Activity::Away);

/// (app session, Teams client, preferred presence, what Graph shows)
type AggregationCase = (
    Option<PresencePair>,
    Option<PresencePair>,
    Option<PresencePair>,
    PresencePair,
);

#[test]
fn aggregation_table() {
    let busy_client = pair(Availability::Busy, Activity::Busy);
    let brb_client = pair(Availability::BeRightBack, Activity::BeRightBack);
    let preferred_dnd = pair(Availability::DoNotDisturb, Activity::DoNotDisturb);
    let preferred_offline = pair(Availability::Offline, Activity::OffWork);
    let cases: [AggregationCase; 12] = [
        (None, None, None, PresencePair::OFFLINE),
        (Some(AVAILABLE), None, None, AVAILABLE),
        (Some(AWAY), Some(AVAILABLE), None, AVAILABLE),
        (Some(AVAILABLE), Some(busy_client), None, busy_client),
        (Some(IN_CALL), Some(busy_client), None, IN_CALL),
        (Some(PRESENTING), Some(busy_client), None, PRESENTING),
        (Some(AWAY), Some(brb_client), None, brb_client),
        (Some(AWAY), None, None, AWAY),
        // A preferred presence wins over every session ...
        (Some(PRESENTING), None, Some(AVAILABLE), AVAILABLE),
        (
            Some(AWAY),
            Some(busy_client),
            Some(preferred_dnd),
            preferred_dnd,
        ),
        (
            Some(AVAILABLE),
            None,
            Some(preferred_offline),
            preferred_offline,
        ),
        // ... but shows nothing without one.
        (None, None, Some(preferred_dnd), PresencePair::OFFLINE),
    ];
    for (index, (session, client, preferred, expected)) in cases.into_iter().enumerate() {
        let mut user = user();
        if let Some(session) = session {
            user.set_app_session(APP, session, Duration::hours(1), t0());
        }
        if let Some(client) = client {
            user.sign_in_teams_client(TeamsClient::Desktop, client, t0());
        }
        if let Some(preferred) = preferred {
            user.set_preferred(preferred, Duration::hours(1), t0());
        }
        assert_eq!(shown(&mut user, t0()), expected, "case {index}");
    }
}

#[test]
fn available_session_fades_then_expires() {
    let mut user = user();
    user.set_app_session(APP, AVAILABLE, Duration::minutes(15), t0());
    let timeline = [
        (0, AVAILABLE),
        (4, AVAILABLE),
        (
            5,
            pair(Availability::Available, Activity::AvailableInactive),
        ),
        (
            9,
            pair(Availability::Available, Activity::AvailableInactive),
        ),
        (10, AWAY),
        (14, AWAY),
        (15, PresencePair::OFFLINE),
    ];
    for (minutes, expected) in timeline {
        assert_eq!(
            shown(&mut user, t0() + Duration::minutes(minutes)),
            expected,
            "+{minutes} min"
        );
    }
}

#[test]
fn a_refresh_restarts_the_fade_and_busy_does_not_fade() {
    let mut user = user();
    user.set_app_session(APP, AVAILABLE, Duration::hours(1), t0());
    user.set_app_session(
        APP,
        AVAILABLE,
        Duration::hours(1),
        t0() + Duration::minutes(4),
    );
    assert_eq!(shown(&mut user, t0() + Duration::minutes(8)), AVAILABLE);

    let mut busy = SimUser::new(Uuid::from_u128(2), "B".into(), "b@x".into());
    busy.set_app_session(APP, IN_CALL, Duration::hours(1), t0());
    assert_eq!(shown(&mut busy, t0() + Duration::minutes(59)), IN_CALL);
    assert_eq!(
        shown(&mut busy, t0() + Duration::minutes(60)),
        PresencePair::OFFLINE
    );
}

#[test]
fn teams_clients_hold_and_clearing_our_session_falls_back_to_them() {
    let mut user = user();
    user.sign_in_teams_client(TeamsClient::Web, AWAY, t0());
    user.set_app_session(APP, PRESENTING, Duration::minutes(5), t0());
    assert_eq!(shown(&mut user, t0()), PRESENTING);
    assert!(user.clear_app_session(APP));
    assert!(!user.clear_app_session(APP), "second clear finds nothing");
    assert_eq!(shown(&mut user, t0() + Duration::days(3)), AWAY);
    assert!(user.sign_out_teams_client(TeamsClient::Web));
    assert_eq!(shown(&mut user, t0()), PresencePair::OFFLINE);
}

#[test]
fn each_app_has_its_own_session() {
    let mut user = user();
    user.set_app_session(APP, AWAY, Duration::minutes(30), t0());
    user.set_app_session(OTHER_APP, IN_CALL, Duration::minutes(30), t0());
    assert_eq!(shown(&mut user, t0()), IN_CALL);
    assert!(user.clear_app_session(OTHER_APP));
    assert_eq!(shown(&mut user, t0()), AWAY);
}

#[test]
fn meeting_and_out_of_office() {
    let mut user = user();
    user.set_app_session(APP, AVAILABLE, Duration::minutes(30), t0());
    user.set_in_meeting(true, t0());
    let in_meeting = pair(Availability::Busy, Activity::InAMeeting);
    assert_eq!(shown(&mut user, t0()), in_meeting);
    // A call outranks a meeting; DND outranks both.
    user.set_app_session(APP, IN_CALL, Duration::minutes(30), t0());
    assert_eq!(shown(&mut user, t0()), IN_CALL);
    user.set_in_meeting(false, t0());

    user.set_out_of_office(Some("Back Monday".to_owned()));
    assert_eq!(
        shown(&mut user, t0()),
        pair(Availability::Busy, Activity::OutOfOffice)
    );
    let view = user.presence_view(t0());
    assert!(view.out_of_office_settings.is_out_of_office);
    assert_eq!(
        view.out_of_office_settings.message.as_deref(),
        Some("Back Monday")
    );
    user.clear_out_of_office();
    assert_eq!(shown(&mut user, t0()), IN_CALL);
}

#[test]
fn preferred_and_status_message_expire() {
    let mut user = user();
    user.sign_in_teams_client(TeamsClient::Desktop, AVAILABLE, t0());
    let brb = pair(Availability::BeRightBack, Activity::BeRightBack);
    user.set_preferred(brb, Duration::hours(2), t0());
    user.set_status_message("Lunch", Some(t0() + Duration::hours(1)), t0());
    assert_eq!(shown(&mut user, t0()), brb);
    assert!(user.presence_view(t0()).status_message.is_some());

    let later = t0() + Duration::hours(1);
    user.settle(later);
    assert!(user.presence_view(later).status_message.is_none());
    assert_eq!(user.visible(later), brb);
    assert_eq!(shown(&mut user, t0() + Duration::hours(2)), AVAILABLE);

    user.set_status_message("Forever", None, later);
    user.set_status_message("", None, later);
    assert!(user.presence_view(later).status_message.is_none());
}

#[test]
fn sequence_number_counts_changes_the_same_whenever_observed() {
    let script = |observe_every_minute: bool| {
        let mut user = user();
        user.set_app_session(APP, AVAILABLE, Duration::minutes(12), t0());
        if observe_every_minute {
            for minute in 0..=20 {
                user.settle(t0() + Duration::minutes(minute));
            }
        }
        user.settle(t0() + Duration::minutes(20));
        user.snapshot(t0() + Duration::minutes(20)).sequence_number
    };
    // One write, two fade steps, one expiry.
    assert_eq!(script(false), "A0000000004");
    assert_eq!(script(true), "A0000000004");
}

#[test]
fn an_expiry_before_the_fade_counts_no_fade_step() {
    let mut user = user();
    user.set_app_session(APP, AVAILABLE, Duration::minutes(5), t0());
    user.settle(t0() + Duration::hours(1));
    // One write and one expiry: the session expired at +5 min, exactly when it would have faded.
    assert_eq!(user.snapshot(t0()).sequence_number, "A0000000002");
}
