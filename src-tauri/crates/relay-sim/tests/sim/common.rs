//! Helpers: a simulator on a manual clock, and a thin Graph/Entra client over reqwest.

use chrono::{DateTime, Duration, TimeZone, Utc};
use relay_core::clock::ManualClock;
use relay_sim::{SimHandle, SimOptions, SimTenant};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid date")
}

/// A running simulator, its clock, and an HTTP client.
pub struct Sim {
    pub sim: SimHandle,
    pub clock: ManualClock,
    pub http: reqwest::Client,
}

impl std::ops::Deref for Sim {
    type Target = SimHandle;

    fn deref(&self) -> &SimHandle {
        &self.sim
    }
}

/// A demo tenant with `users` users. Its tokens last 30 days, so tests that move the clock by
/// hours need not fetch new ones; token expiry has its own tests.
pub async fn start(users: usize) -> Sim {
    start_with(SimOptions {
        token_lifetime: Duration::days(30),
        ..SimOptions::demo(users)
    })
    .await
}

pub async fn start_with(options: SimOptions) -> Sim {
    let clock = ManualClock::new(t0());
    let sim = SimTenant::start(options.with_clock(clock.clone()))
        .await
        .expect("the simulator starts");
    Sim {
        sim,
        clock,
        http: reqwest::Client::new(),
    }
}

impl Sim {
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// The object id of demo user `index`.
    pub fn user_id(&self, index: usize) -> Uuid {
        self.sim.users()[index].id
    }

    pub fn secret(&self) -> String {
        self.sim.credentials().client_secret.expose().clone()
    }

    /// POSTs a token request with these form fields to the demo tenant.
    pub async fn token_request(&self, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.sim.token_url())
            .form(form)
            .send()
            .await
            .expect("token request is answered")
    }

    /// A token for the demo app (client secret, Graph scope).
    pub async fn token(&self) -> String {
        let client_id = self.sim.client_id().to_string();
        let secret = self.secret();
        self.token_for(&client_id, &secret, GRAPH_SCOPE).await
    }

    pub async fn token_for(&self, client_id: &str, secret: &str, scope: &str) -> String {
        let response = self
            .token_request(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
                ("scope", scope),
            ])
            .await;
        assert_eq!(response.status(), StatusCode::OK, "token request succeeds");
        let body: Value = response.json().await.expect("token JSON");
        body["access_token"]
            .as_str()
            .expect("access_token is a string")
            .to_owned()
    }

    /// A Graph request; `path` is relative to `/v1.0`.
    pub async fn graph(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        self.try_graph(method, path, token, body)
            .await
            .expect("graph request is answered")
    }

    pub async fn try_graph(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Result<Response> {
        let mut request = self
            .http
            .request(method, format!("{}/v1.0{path}", self.sim.graph_url()));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await
    }

    pub async fn set_presence(
        &self,
        token: &str,
        user: Uuid,
        availability: &str,
        activity: &str,
        duration: Option<&str>,
    ) -> Response {
        let mut body = json!({
            "sessionId": self.sim.client_id().to_string(),
            "availability": availability,
            "activity": activity,
        });
        if let Some(duration) = duration {
            body["expirationDuration"] = json!(duration);
        }
        self.graph(
            Method::POST,
            &format!("/users/{user}/presence/setPresence"),
            Some(token),
            Some(body),
        )
        .await
    }

    /// What Graph returns for the user: (availability, activity).
    pub async fn shown(&self, token: &str, user: Uuid) -> (String, String) {
        let response = self
            .graph(
                Method::GET,
                &format!("/users/{user}/presence"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("presence JSON");
        (
            body["availability"].as_str().unwrap_or_default().to_owned(),
            body["activity"].as_str().unwrap_or_default().to_owned(),
        )
    }
}

/// `(status, body)`; the body is `Null` when empty.
pub async fn status_and_json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let bytes = response.bytes().await.expect("body is readable");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("body is JSON")
    };
    (status, body)
}

pub fn pair(availability: &str, activity: &str) -> (String, String) {
    (availability.to_owned(), activity.to_owned())
}
