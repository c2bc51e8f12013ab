//! App-only access tokens (OAuth 2.0 client credentials) and their cache.
//!
//! - Cached per (cloud, tenant, client, scope) in a [`TokenCache`] that clients may share.
//! - Refreshed well before `expires_in` runs out (see [`refresh_at`]); only one refresh runs at a
//!   time per key, and callers waiting on it get its result.
//! - A refresh that fails while the cached token is still valid keeps using that token; a
//!   failure itself is never cached.
//! - After Graph refuses a token (401), [`TokenSource::replace_refused`] fetches a new one unless
//!   another caller already has.
//!
//! Tokens, secrets and assertions stay in [`Sensitive`] and are never logged.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use relay_core::config::Cloud;
use relay_core::Sensitive;
use serde_json::Value;

use crate::aadsts::{classify, TokenContext, TokenErrorBody, TokenFailure};
use crate::credential::{client_assertion, AssertionAlgorithm, AssertionClaims, LoadedCredential};
use crate::error::{GraphError, GraphErrorKind};
use crate::io::Io;
use crate::retry::{retry_after, Decision, FailedAttempt, Failure, RetryPolicy};
use crate::wire::{header, Answer};

/// What a cached token is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenKey {
    pub cloud: Cloud,
    pub tenant: String,
    pub client_id: String,
    pub scope: String,
}

// `Cloud` (a config type) does not derive `Hash`; its stable name stands in for it.
impl std::hash::Hash for TokenKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.cloud.as_str().hash(state);
        self.tenant.hash(state);
        self.client_id.hash(state);
        self.scope.hash(state);
    }
}

/// Access tokens by [`TokenKey`]. Cloning shares the cache; give clients of the same app the same
/// cache to reuse tokens across them (for example after a config reload).
#[derive(Clone, Debug, Default)]
pub struct TokenCache {
    slots: Arc<Mutex<HashMap<TokenKey, TokenSlot>>>,
}

/// One key's token; the async lock makes refreshes one at a time.
pub(crate) type TokenSlot = Arc<tokio::sync::Mutex<Option<CachedToken>>>;

impl TokenCache {
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn slot(&self, key: &TokenKey) -> TokenSlot {
        // A poisoned lock only means a panic elsewhere while inserting; the map is still sound.
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(slots.entry(key.clone()).or_default())
    }
}

/// A token with its timing.
#[derive(Clone, Debug)]
pub(crate) struct CachedToken {
    pub token: Sensitive<String>,
    pub expires_at: DateTime<Utc>,
    pub refresh_at: DateTime<Utc>,
}

/// When to replace a token that lasts `lifetime` from `acquired`: at three quarters of its life,
/// but at least five minutes before it expires, and never before half of it has passed (so a
/// short-lived token is not refreshed on every call).
pub fn refresh_at(acquired: DateTime<Utc>, lifetime: Duration) -> DateTime<Utc> {
    let lifetime = chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::days(1));
    let three_quarters = lifetime * 3 / 4;
    let five_minutes_before_expiry = lifetime - chrono::Duration::minutes(5);
    let half = lifetime / 2;
    acquired + half.max(three_quarters.min(five_minutes_before_expiry))
}

/// Keep using a token whose refresh failed only while it has at least this long to live.
const STALE_TOKEN_MARGIN: chrono::Duration = chrono::Duration::seconds(60);
/// How long a client assertion stays valid.
const ASSERTION_LIFETIME: chrono::Duration = chrono::Duration::minutes(5);

/// Fetches and caches the tokens of one app in one tenant.
#[derive(Debug)]
pub(crate) struct TokenSource {
    pub key: TokenKey,
    slot: TokenSlot,
    token_url: String,
    credential: LoadedCredential,
    algorithm: AssertionAlgorithm,
    io: Io,
    policy: RetryPolicy,
}

impl TokenSource {
    pub(crate) fn new(
        key: TokenKey,
        cache: &TokenCache,
        token_url: String,
        credential: LoadedCredential,
        algorithm: AssertionAlgorithm,
        io: Io,
        policy: RetryPolicy,
    ) -> Self {
        Self {
            slot: cache.slot(&key),
            key,
            token_url,
            credential,
            algorithm,
            io,
            policy,
        }
    }

    /// A token that is good for a while: the cached one, or a fresh one.
    pub(crate) async fn token(&self) -> Result<Sensitive<String>, GraphError> {
        self.get(None).await
    }

    /// Graph refused `refused`: fetch a new token, unless the cache already holds a different
    /// one (another caller replaced it meanwhile).
    pub(crate) async fn replace_refused(
        &self,
        refused: &Sensitive<String>,
    ) -> Result<Sensitive<String>, GraphError> {
        self.get(Some(refused)).await
    }

    /// Drops the cached token, so the next call fetches one (with the roles granted now).
    pub(crate) async fn forget(&self) {
        *self.slot.lock().await = None;
    }

    async fn get(
        &self,
        refused: Option<&Sensitive<String>>,
    ) -> Result<Sensitive<String>, GraphError> {
        let mut slot = self.slot.lock().await;
        let now = self.io.clock.now();
        let is_refused = |cached: &CachedToken| {
            refused.is_some_and(|refused| refused.expose() == cached.token.expose())
        };
        if let Some(cached) = slot.as_ref() {
            if !is_refused(cached) && now < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        match self.fetch().await {
            Ok(fresh) => {
                let token = fresh.token.clone();
                *slot = Some(fresh);
                Ok(token)
            }
            Err(err) => {
                if let Some(cached) = slot.as_ref() {
                    if !is_refused(cached) && now + STALE_TOKEN_MARGIN < cached.expires_at {
                        tracing::warn!(
                            error = %err,
                            expires_at = %cached.expires_at,
                            "refreshing the access token failed; using the current one until it expires"
                        );
                        return Ok(cached.token.clone());
                    }
                }
                *slot = None;
                Err(err)
            }
        }
    }

    /// Asks the token endpoint, retrying throttling and server failures per the policy.
    async fn fetch(&self) -> Result<CachedToken, GraphError> {
        let operation = "fetching an access token";
        let mut attempt = 0;
        loop {
            attempt += 1;
            let now = self.io.clock.now();
            let client_request_id = uuid::Uuid::new_v4().to_string();
            let credential_fields = self.credential_fields(now)?;
            let mut form: Vec<(&str, &str)> = vec![
                ("grant_type", "client_credentials"),
                ("client_id", &self.key.client_id),
                ("scope", &self.key.scope),
            ];
            form.extend(
                credential_fields
                    .iter()
                    .map(|(name, value)| (*name, value.expose().as_str())),
            );
            tracing::debug!(
                token_url = %self.token_url,
                client_request_id = %client_request_id,
                attempt,
                "requesting an access token"
            );
            let sent = self
                .io
                .http
                .post(&self.token_url)
                .header(header::CLIENT_REQUEST_ID, &client_request_id)
                .header(header::RETURN_CLIENT_REQUEST_ID, "true")
                .form(&form)
                .send()
                .await;
            let answer = match sent {
                Ok(response) => Answer::read(response).await,
                Err(e) => Err(e),
            };
            let (failure, answer) = match answer {
                Ok(answer) if answer.is_success() => {
                    return self.parse_success(&answer, now, &client_request_id)
                }
                Ok(answer) => match self.final_token_error(&answer, &client_request_id) {
                    Some(err) => return Err(err),
                    None => (Failure::Status(answer.status), Some(answer)),
                },
                Err(e) => {
                    let detail = crate::io::describe_transport_error(&e);
                    tracing::warn!(
                        operation,
                        client_request_id = %client_request_id,
                        attempt,
                        error = %detail,
                        "no answer from the token endpoint"
                    );
                    (Failure::NoAnswer, None)
                }
            };
            let waited = answer.as_ref().and_then(|a| {
                retry_after(
                    a.header(header::RETRY_AFTER),
                    a.header(header::DATE),
                    self.io.clock.now(),
                )
            });
            // Entra's own throttling (AADSTS90055) may come as 400; treat it as a 429.
            let failure = match failure {
                Failure::Status(status) if (400..500).contains(&status) => Failure::Status(429),
                other => other,
            };
            let decision = self.policy.decide(
                FailedAttempt {
                    attempt,
                    failure,
                    retry_after: waited,
                    token_refreshed: true,
                },
                rand::random::<f64>(),
            );
            if let Some(answer) = &answer {
                tracing::warn!(
                    operation,
                    status = answer.status,
                    request_id = answer.request_id().as_deref().unwrap_or("-"),
                    client_request_id = %client_request_id,
                    date = answer.date().as_deref().unwrap_or("-"),
                    attempt,
                    ?decision,
                    "the token endpoint failed"
                );
            }
            match decision {
                Decision::Retry { wait, .. } => self.io.sleeper.sleep(wait).await,
                Decision::RefreshTokenAndRetry | Decision::GiveUp(_) => {
                    let kind = match (failure, &answer) {
                        (Failure::NoAnswer, _) => GraphErrorKind::Transport {
                            detail: format!("the token endpoint {} did not answer", self.token_url),
                        },
                        (Failure::Status(429), _) => GraphErrorKind::Throttled {
                            retry_after: waited,
                        },
                        _ => GraphErrorKind::Transient,
                    };
                    let mut err = GraphError::new(kind, operation).with_ids(
                        answer.as_ref().and_then(Answer::request_id),
                        Some(client_request_id),
                        answer.as_ref().and_then(Answer::date),
                    );
                    if let Some(answer) = &answer {
                        err = err.with_status(answer.status);
                    }
                    return Err(err);
                }
            }
        }
    }

    /// The form fields that prove the app's identity: the secret, or a fresh client assertion.
    fn credential_fields(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<(&'static str, Sensitive<String>)>, GraphError> {
        let key = match &self.credential {
            LoadedCredential::Secret(secret) => return Ok(vec![("client_secret", secret.clone())]),
            LoadedCredential::Certificate(key) => key,
        };
        let claims = AssertionClaims {
            audience: &self.token_url,
            client_id: &self.key.client_id,
            jti: uuid::Uuid::new_v4().to_string(),
            now,
            lifetime: ASSERTION_LIFETIME,
        };
        let assertion = client_assertion(key, self.algorithm, &claims).map_err(|what_to_fix| {
            GraphError::new(
                GraphErrorKind::CredentialUnusable { what_to_fix },
                "signing the client assertion",
            )
        })?;
        Ok(vec![
            (
                "client_assertion_type",
                Sensitive::new("urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_owned()),
            ),
            ("client_assertion", assertion),
        ])
    }

    /// A 4xx with an AADSTS code that someone has to fix, as an error; `None` when retrying may
    /// help (Entra throttling, 408, or a 4xx it did not explain).
    fn final_token_error(&self, answer: &Answer, client_request_id: &str) -> Option<GraphError> {
        if !(400..500).contains(&answer.status) || matches!(answer.status, 408 | 429) {
            return None;
        }
        let body: TokenErrorBody = serde_json::from_slice(&answer.body).unwrap_or_default();
        let aadsts = body.aadsts();
        let thumbprint = match &self.credential {
            LoadedCredential::Certificate(key) => Some(key.thumbprint_hex()),
            LoadedCredential::Secret(_) => None,
        };
        let context = TokenContext {
            tenant: &self.key.tenant,
            client_id: &self.key.client_id,
            scope: &self.key.scope,
            thumbprint: thumbprint.as_deref(),
        };
        let TokenFailure::Fix(what_to_fix) = classify(aadsts, &body, context) else {
            return None;
        };
        let request_id = answer.request_id().or_else(|| body.trace_id.clone());
        let date = answer.date().or_else(|| body.timestamp.clone());
        tracing::warn!(
            status = answer.status,
            error = body.error.as_deref().unwrap_or("-"),
            aadsts = aadsts.unwrap_or_default(),
            request_id = request_id.as_deref().unwrap_or("-"),
            client_request_id,
            date = date.as_deref().unwrap_or("-"),
            "Entra refused the token request"
        );
        Some(
            GraphError::new(
                GraphErrorKind::InvalidCredentials {
                    aadsts,
                    what_to_fix,
                },
                "fetching an access token",
            )
            .with_status(answer.status)
            .with_graph_code(body.error.clone())
            .with_ids(request_id, Some(client_request_id.to_owned()), date),
        )
    }

    fn parse_success(
        &self,
        answer: &Answer,
        requested_at: DateTime<Utc>,
        client_request_id: &str,
    ) -> Result<CachedToken, GraphError> {
        let unexpected = |detail: &str| {
            GraphError::new(
                GraphErrorKind::UnexpectedResponse {
                    detail: format!("the token endpoint's answer {detail}"),
                },
                "fetching an access token",
            )
            .with_status(answer.status)
            .with_ids(
                answer.request_id(),
                Some(client_request_id.to_owned()),
                answer.date(),
            )
        };
        let body: Value =
            serde_json::from_slice(&answer.body).map_err(|_| unexpected("is not JSON"))?;
        let token = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unexpected("has no access_token"))?;
        // Entra sends a number; some proxies and the v1 endpoint send a string.
        let expires_in = match body.get("expires_in") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| unexpected("has no expires_in"))?;
        let lifetime = Duration::from_secs(expires_in);
        let expires_at = requested_at
            + chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::days(1));
        tracing::debug!(expires_in, client_request_id, "fetched an access token");
        Ok(CachedToken {
            token: Sensitive::new(token.to_owned()),
            expires_at,
            refresh_at: refresh_at(requested_at, lifetime),
        })
    }
}

/// The `roles` claim of an access token (the application permissions it carries). Graph tokens
/// are JWTs today, but Microsoft calls them opaque, so a token that is not one is an error here
/// rather than a crash.
pub(crate) fn roles_of(token: &Sensitive<String>) -> Result<Vec<String>, String> {
    let payload = token
        .expose()
        .split('.')
        .nth(1)
        .ok_or("the access token is not a JWT, so its roles cannot be read")?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| "the access token's payload is not base64url")?;
    let claims: Value =
        serde_json::from_slice(&bytes).map_err(|_| "the access token's payload is not JSON")?;
    Ok(claims
        .get("roles")
        .and_then(Value::as_array)
        .map(|roles| {
            roles
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn tokens_are_refreshed_well_before_they_expire() {
        let table = [
            // Entra's usual hour: at three quarters (45 min).
            (3_599, 2_699),
            // 90 minutes: at 67.5 min (22.5 min left).
            (5_400, 4_050),
            // 10 minutes: five minutes before expiry would be at 5 min = half.
            (600, 300),
            // Short test tokens: at half their life.
            (60, 30),
            (1, 0),
            (0, 0),
        ];
        for (lifetime, refresh_after) in table {
            let at = refresh_at(t0(), Duration::from_secs(lifetime));
            let expected = t0() + chrono::Duration::milliseconds(refresh_after * 1000);
            // Integer division of odd lifetimes rounds to the millisecond.
            assert!(
                (at - expected).num_milliseconds().abs() < 1_000,
                "{lifetime}: {at} vs {expected}"
            );
            assert!(at <= t0() + chrono::Duration::seconds(lifetime as i64));
        }
    }

    #[test]
    fn roles_come_from_the_jwt_payload() {
        let payload = URL_SAFE_NO_PAD
            .encode(r#"{"roles":["Presence.ReadWrite.All","User.Read.All"],"tid":"t"}"#);
        let token = Sensitive::new(format!("e30.{payload}.sig"));
        assert_eq!(
            roles_of(&token),
            Ok(vec![
                "Presence.ReadWrite.All".to_owned(),
                "User.Read.All".to_owned()
            ])
        );
        let no_roles = Sensitive::new(format!("e30.{}.sig", URL_SAFE_NO_PAD.encode("{}")));
        assert_eq!(roles_of(&no_roles), Ok(vec![]));
        assert!(roles_of(&Sensitive::new("opaque".to_owned())).is_err());
    }
}
