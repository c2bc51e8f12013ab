use super::*;

#[test]
fn values_parse_without_regard_to_case() {
    for text in ["InACall", "inACall", "INACALL", " inacall "] {
        assert_eq!(Activity::parse(text), Ok(Activity::InACall), "{text}");
    }
    for text in ["DoNotDisturb", "doNotDisturb", "donotdisturb"] {
        assert_eq!(
            Availability::parse(text),
            Ok(Availability::DoNotDisturb),
            "{text}"
        );
    }
}

#[test]
fn every_value_round_trips_through_its_spelling_and_serde() {
    for value in Availability::ALL {
        assert_eq!(Availability::parse(value.as_str()), Ok(*value));
        let json = serde_json::to_string(value).expect("serialize");
        assert_eq!(json, format!("\"{}\"", value.as_str()));
        let lower = format!("\"{}\"", value.as_str().to_ascii_lowercase());
        assert_eq!(
            serde_json::from_str::<Availability>(&lower).expect("parse"),
            *value
        );
    }
    for value in Activity::ALL {
        assert_eq!(Activity::parse(value.as_str()), Ok(*value));
    }
}

#[test]
fn unknown_values_name_the_known_ones() {
    let err = Availability::parse("Lunch").expect_err("not a value");
    let message = err.to_string();
    assert!(
        message.contains("\"Lunch\" is not a Graph availability value"),
        "{message}"
    );
    assert!(message.contains("DoNotDisturb"), "{message}");
}

#[test]
fn exactly_five_session_pairs_are_legal() {
    let legal: Vec<(Availability, Activity)> = Availability::ALL
        .iter()
        .flat_map(|a| Activity::ALL.iter().map(move |b| (*a, *b)))
        .filter(|(a, b)| SessionPair::from_values(*a, *b).is_ok())
        .collect();
    assert_eq!(
        legal,
        [
            (Availability::Available, Activity::Available),
            (Availability::Away, Activity::Away),
            (Availability::Busy, Activity::InACall),
            (Availability::Busy, Activity::InAConferenceCall),
            (Availability::DoNotDisturb, Activity::Presenting),
        ]
    );
}

#[test]
fn exactly_six_preferred_pairs_are_legal() {
    let legal: Vec<(Availability, Activity)> = Availability::ALL
        .iter()
        .flat_map(|a| Activity::ALL.iter().map(move |b| (*a, *b)))
        .filter(|(a, b)| PreferredPair::from_values(*a, *b).is_ok())
        .collect();
    assert_eq!(
        legal,
        [
            (Availability::Available, Activity::Available),
            (Availability::Away, Activity::Away),
            (Availability::BeRightBack, Activity::BeRightBack),
            (Availability::Busy, Activity::Busy),
            (Availability::DoNotDisturb, Activity::DoNotDisturb),
            (Availability::Offline, Activity::OffWork),
        ]
    );
}

#[test]
fn pairs_parse_from_any_case_and_display_in_graph_spelling() {
    assert_eq!(
        SessionPair::parse("busy", "INACONFERENCECALL"),
        Ok(SessionPair::BusyInAConferenceCall)
    );
    assert_eq!(
        PreferredPair::parse("offline", "offWork"),
        Ok(PreferredPair::AppearOffline)
    );
    assert_eq!(
        SessionPair::DoNotDisturbPresenting.to_string(),
        "DoNotDisturb/Presenting"
    );
}

#[test]
fn illegal_session_pairs_list_the_legal_ones() {
    for (availability, activity) in [
        ("Busy", "Busy"),
        ("DoNotDisturb", "DoNotDisturb"),
        ("BeRightBack", "BeRightBack"),
        ("Offline", "OffWork"),
        ("Busy", "InAMeeting"),
        ("Lunch", "Available"),
    ] {
        let err = SessionPair::parse(availability, activity).expect_err("illegal");
        assert_eq!(err.write, PairKind::Session);
        assert_eq!(
            err.to_string(),
            format!(
                "{availability}/{activity} is not a pair setPresence accepts; use one of: \
                 Available/Available, Busy/InACall, Busy/InAConferenceCall, Away/Away, \
                 DoNotDisturb/Presenting"
            )
        );
    }
}

#[test]
fn illegal_preferred_pairs_list_the_legal_ones() {
    let err = PreferredPair::parse("Busy", "InACall").expect_err("illegal");
    assert_eq!(
        err.to_string(),
        "Busy/InACall is not a pair setUserPreferredPresence accepts; use one of: \
         Available/Available, Busy/Busy, DoNotDisturb/DoNotDisturb, BeRightBack/BeRightBack, \
         Away/Away, Offline/OffWork"
    );
}

#[test]
fn iso_durations_parse() {
    for (text, seconds) in [
        ("PT5M", 300),
        ("pt1h", 3_600),
        ("PT1H30M", 5_400),
        ("PT90S", 90),
        ("P1D", 86_400),
        ("P1DT2H", 93_600),
        ("PT0S", 0),
    ] {
        assert_eq!(
            IsoDuration::parse(text),
            Ok(IsoDuration::from_seconds(seconds)),
            "{text}"
        );
    }
}

#[test]
fn malformed_iso_durations_are_refused() {
    for text in [
        "", "P", "PT", "5M", "PT5", "PTM", "PT1M1H", "PT1H1H", "P1W", "P1M", "PT1.5H", "PT-5M",
    ] {
        let err = IsoDuration::parse(text).expect_err(text);
        assert!(
            err.to_string().contains("write it like PT15M"),
            "{text}: {err}"
        );
    }
}

#[test]
fn iso_durations_format_in_the_shortest_form() {
    for (seconds, text) in [
        (300, "PT5M"),
        (3_600, "PT1H"),
        (5_400, "PT1H30M"),
        (14_400, "PT4H"),
        (86_400, "P1D"),
        (93_600, "P1DT2H"),
        (61, "PT1M1S"),
        (0, "PT0S"),
    ] {
        let duration = IsoDuration::from_seconds(seconds);
        assert_eq!(duration.to_iso8601(), text);
        assert_eq!(IsoDuration::parse(text), Ok(duration));
    }
}

#[test]
fn session_expiration_is_bounded_to_five_minutes_through_four_hours() {
    assert!(SessionExpiration::parse("PT5M").is_ok());
    assert!(SessionExpiration::parse("PT4H").is_ok());
    assert_eq!(SessionExpiration::DEFAULT.to_string(), "PT5M");
    for text in ["PT4M59S", "PT4H1S", "P1D"] {
        let err = SessionExpiration::parse(text).expect_err(text);
        assert!(
            err.to_string().contains("use PT5M to PT4H"),
            "{text}: {err}"
        );
    }
    assert!(SessionExpiration::from_minutes(241).is_err());
}

#[test]
fn preferred_expiration_needs_at_least_five_minutes_and_allows_days() {
    assert!(PreferredExpiration::parse("P7D").is_ok());
    let err = PreferredExpiration::parse("PT1M").expect_err("too short");
    assert_eq!(err.to_string(), "PT1M is out of range; use at least PT5M");
}
