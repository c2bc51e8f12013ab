//! Which Graph operation a method and path (relative to `/v1.0`) address.
//!
//! Paths are matched without regard to case, as Graph does, and the SDKs' aliases under
//! `/communications/presences/{id}` lead to the same operations as `/users/{id}/presence`.

use http::Method;

use super::error::GraphError;
use crate::inspect::Endpoint;

/// A presence operation on one user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PresenceAction {
    Get,
    SetPresence,
    ClearPresence,
    SetUserPreferredPresence,
    ClearUserPreferredPresence,
    SetStatusMessage,
}

impl PresenceAction {
    fn from_segment(segment: &str) -> Option<Self> {
        let name = strip_namespace(segment);
        [
            ("setpresence", PresenceAction::SetPresence),
            ("clearpresence", PresenceAction::ClearPresence),
            (
                "setuserpreferredpresence",
                PresenceAction::SetUserPreferredPresence,
            ),
            (
                "clearuserpreferredpresence",
                PresenceAction::ClearUserPreferredPresence,
            ),
            ("setstatusmessage", PresenceAction::SetStatusMessage),
        ]
        .into_iter()
        .find(|(known, _)| name.eq_ignore_ascii_case(known))
        .map(|(_, action)| action)
    }

    fn path_name(self) -> &'static str {
        match self {
            PresenceAction::Get => "",
            PresenceAction::SetPresence => "/setpresence",
            PresenceAction::ClearPresence => "/clearpresence",
            PresenceAction::SetUserPreferredPresence => "/setuserpreferredpresence",
            PresenceAction::ClearUserPreferredPresence => "/clearuserpreferredpresence",
            PresenceAction::SetStatusMessage => "/setstatusmessage",
        }
    }
}

/// A routed Graph request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    Presence {
        user: String,
        action: PresenceAction,
    },
    GetPresencesByUserId,
    Batch,
    /// Anything under `/me`: app tokens cannot use it.
    Me,
}

impl Route {
    pub(crate) fn endpoint(&self) -> Endpoint {
        match self {
            Route::Presence { action, .. } => match action {
                PresenceAction::Get => Endpoint::GetPresence,
                PresenceAction::SetPresence => Endpoint::SetPresence,
                PresenceAction::ClearPresence => Endpoint::ClearPresence,
                PresenceAction::SetUserPreferredPresence => Endpoint::SetUserPreferredPresence,
                PresenceAction::ClearUserPreferredPresence => Endpoint::ClearUserPreferredPresence,
                PresenceAction::SetStatusMessage => Endpoint::SetStatusMessage,
            },
            Route::GetPresencesByUserId => Endpoint::GetPresencesByUserId,
            Route::Batch => Endpoint::Batch,
            Route::Me => Endpoint::Other,
        }
    }

    /// Identifies "the same request" for Retry-After: method plus the canonical path, so a retry
    /// through an alias path is still recognised.
    pub(crate) fn retry_key(&self, method: &Method) -> String {
        let path = match self {
            Route::Presence { user, action } => {
                format!(
                    "/users/{}/presence{}",
                    user.to_ascii_lowercase(),
                    action.path_name()
                )
            }
            Route::GetPresencesByUserId => "/communications/getpresencesbyuserid".to_owned(),
            Route::Batch => "/$batch".to_owned(),
            Route::Me => "/me".to_owned(),
        };
        format!("{method} {path}")
    }

    /// Whether the operation writes (needs Presence.ReadWrite.All rather than Read.All).
    pub(crate) fn writes(&self) -> bool {
        matches!(self, Route::Presence { action, .. } if *action != PresenceAction::Get)
    }
}

fn strip_namespace(segment: &str) -> &str {
    let prefix = "microsoft.graph.";
    match segment.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => &segment[prefix.len()..],
        _ => segment,
    }
}

/// Routes `method path`, where `path` is relative to `/v1.0` and may carry a query string.
pub(crate) fn route(method: &Method, path: &str) -> Result<Route, GraphError> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<String> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| segment.replace("%24", "$"))
        .collect();
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let words: Vec<&str> = lower.iter().map(String::as_str).collect();

    let (route, allowed) = match words.as_slice() {
        ["$batch"] => (Route::Batch, Method::POST),
        ["me", ..] => return Ok(Route::Me),
        ["users", _, "presence"] | ["communications", "presences", _] => {
            let user = if words[0] == "users" {
                &segments[1]
            } else {
                &segments[2]
            };
            (
                Route::Presence {
                    user: user.clone(),
                    action: PresenceAction::Get,
                },
                Method::GET,
            )
        }
        ["users", _, "presence", action] | ["communications", "presences", _, action] => {
            let user = if words[0] == "users" {
                &segments[1]
            } else {
                &segments[2]
            };
            let Some(action) = PresenceAction::from_segment(action) else {
                return Err(unknown_segment(segments.last().map(String::as_str)));
            };
            (
                Route::Presence {
                    user: user.clone(),
                    action,
                },
                Method::POST,
            )
        }
        ["communications", action]
            if strip_namespace(action).eq_ignore_ascii_case("getpresencesbyuserid") =>
        {
            (Route::GetPresencesByUserId, Method::POST)
        }
        _ => return Err(unknown_segment(first_unknown(&words, &segments))),
    };
    if *method != allowed {
        return Err(GraphError::new(
            405,
            "MethodNotAllowed",
            format!("{method} is not allowed on this resource; use {allowed}."),
        ));
    }
    Ok(route)
}

/// The first segment that cannot lead to an emulated resource, for Graph's error message.
fn first_unknown<'a>(words: &[&str], segments: &'a [String]) -> Option<&'a str> {
    let known_prefix = match words {
        ["users", _, "presence", ..] => 3,
        ["users", _, ..] => 2,
        ["users"] | ["communications"] => 1,
        ["communications", "presences", ..] => 2,
        _ => 0,
    };
    segments
        .get(known_prefix)
        .or(segments.last())
        .map(String::as_str)
}

fn unknown_segment(segment: Option<&str>) -> GraphError {
    GraphError::bad_request(match segment {
        Some(segment) => format!(
            "Resource not found for the segment '{segment}'. The simulated tenant emulates the \
             presence APIs only."
        ),
        None => "Invalid request: no resource was named after /v1.0.".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(user: &str, action: PresenceAction) -> Route {
        Route::Presence {
            user: user.to_owned(),
            action,
        }
    }

    #[test]
    fn routes_paths_and_aliases_without_regard_to_case() {
        let cases = [
            (
                Method::GET,
                "/users/U1/presence",
                presence("U1", PresenceAction::Get),
            ),
            (
                Method::GET,
                "/communications/presences/U1",
                presence("U1", PresenceAction::Get),
            ),
            (
                Method::POST,
                "/users/U1/presence/setPresence",
                presence("U1", PresenceAction::SetPresence),
            ),
            (
                Method::POST,
                "/users/U1/presence/microsoft.graph.SETPRESENCE",
                presence("U1", PresenceAction::SetPresence),
            ),
            (
                Method::POST,
                "/communications/presences/U1/clearUserPreferredPresence",
                presence("U1", PresenceAction::ClearUserPreferredPresence),
            ),
            (
                Method::POST,
                "communications/getPresencesByUserId?$select=id",
                Route::GetPresencesByUserId,
            ),
            (Method::POST, "/$batch", Route::Batch),
            (Method::POST, "/%24batch", Route::Batch),
            (Method::GET, "/me/presence", Route::Me),
        ];
        for (method, path, expected) in cases {
            assert_eq!(route(&method, path), Ok(expected), "{method} {path}");
        }
    }

    #[test]
    fn unknown_paths_and_wrong_methods_fail_like_graph() {
        let err = route(&Method::GET, "/users/U1/calendar").expect_err("unknown");
        assert_eq!((err.status, err.code), (400, "BadRequest"));
        assert!(err.message.contains("'calendar'"), "{}", err.message);
        let err = route(&Method::POST, "/users/U1/presence/setMood").expect_err("unknown");
        assert!(err.message.contains("'setMood'"), "{}", err.message);
        let err = route(&Method::GET, "/users/U1/presence/setPresence").expect_err("method");
        assert_eq!(err.status, 405);
        let err = route(&Method::POST, "/users/U1/presence").expect_err("method");
        assert_eq!(err.status, 405);
    }

    #[test]
    fn retry_keys_ignore_alias_and_case() {
        let a = route(&Method::POST, "/users/AB/presence/setPresence").expect("routes");
        let b = route(&Method::POST, "/communications/presences/ab/SetPresence").expect("routes");
        assert_eq!(a.retry_key(&Method::POST), b.retry_key(&Method::POST));
        assert_eq!(
            a.retry_key(&Method::POST),
            "POST /users/ab/presence/setpresence"
        );
    }
}
