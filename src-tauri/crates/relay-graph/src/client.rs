//! [`GraphClient`]: the presence calls, each sent through the tenant gate, the token source and
//! the retry policy.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use relay_core::clock::Clock;
use relay_core::config::{Cloud, Connection};
use relay_core::graph_presence::{
    PreferredExpiration, PreferredPair, SessionExpiration, SessionPair,
};
use serde::Deserialize;
use serde_json::json;

use crate::credential::{AssertionAlgorithm, Credential, LoadedCredential};
use crate::endpoints::{Endpoints, UrlOverrides};
use crate::error::{GraphError, GraphErrorKind};
use crate::io::{http_client, Io};
use crate::model::{Presence, StatusMessage};
use crate::ops::{check_user_id, PresenceOp, RequestShape};
use crate::retry::RetryPolicy;
use crate::send::{is_no_session, outcome_of};
use crate::sleep::Sleeper;
use crate::throttle::{Pacing, TenantGate};
use crate::token::{roles_of, TokenCache, TokenKey, TokenSource};

/// Graph accepts at most this many IDs per getPresencesByUserId call.
pub const MAX_IDS_PER_PRESENCE_READ: usize = 650;
/// Graph accepts at most this many requests per `$batch`.
pub const MAX_BATCH_REQUESTS: usize = 20;

/// Everything a [`GraphClient`] needs besides time.
#[derive(Clone, Debug)]
pub struct GraphClientConfig {
    pub cloud: Cloud,
    /// Directory (tenant) ID or verified domain.
    pub tenant: String,
    /// Application (client) ID; also the `sessionId` of every setPresence.
    pub client_id: String,
    pub credential: Credential,
    /// Service roots replacing the cloud's hosts (config and environment, already merged).
    pub urls: UrlOverrides,
    pub assertion_algorithm: AssertionAlgorithm,
    pub retry: RetryPolicy,
    pub pacing: Pacing,
    /// Longest time one HTTP exchange may take.
    pub request_timeout: Duration,
    /// Shared token cache; a fresh one by default.
    pub token_cache: TokenCache,
}

impl GraphClientConfig {
    /// A config with the defaults: PS256 assertions, the default retry policy and pacing, 30 s
    /// per request, no overrides.
    pub fn new(
        cloud: Cloud,
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        credential: Credential,
    ) -> Self {
        Self {
            cloud,
            tenant: tenant.into(),
            client_id: client_id.into(),
            credential,
            urls: UrlOverrides::default(),
            assertion_algorithm: AssertionAlgorithm::default(),
            retry: RetryPolicy::default(),
            pacing: Pacing::default(),
            request_timeout: Duration::from_secs(30),
            token_cache: TokenCache::new(),
        }
    }

    /// A config for a configured connection. This is the one place the URL overrides are read:
    /// the environment (`env`, e.g. `|name| std::env::var(name).ok()`) wins over the config file.
    pub fn from_connection(
        connection: &Connection,
        credential: Credential,
        env: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let from_config = UrlOverrides {
            authority_url: connection.authority_url.clone(),
            graph_url: connection.graph_url.clone(),
        };
        Self {
            urls: UrlOverrides::from_env(env).or(from_config),
            ..Self::new(
                connection.cloud,
                connection.tenant_id.clone(),
                connection.client_id.clone(),
                credential,
            )
        }
    }
}

/// What a presence call produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpOutcome {
    /// The write was applied.
    Done,
    /// clearPresence found no session: there was nothing to clear.
    AlreadyClear,
    /// The presence that was read.
    Presence(Box<Presence>),
}

/// A client for one app in one tenant. Cheap to clone; clones share the token, the tenant gate
/// and the connection pool.
#[derive(Clone, Debug)]
pub struct GraphClient {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub client_id: String,
    pub credential_expires: Option<DateTime<Utc>>,
    pub certificate_thumbprint: Option<String>,
    pub endpoints: Endpoints,
    pub tokens: TokenSource,
    pub gate: TenantGate,
    pub io: Io,
    pub policy: RetryPolicy,
}

impl GraphClient {
    /// Resolves the endpoints and loads the credential. Fails before any I/O for the China cloud,
    /// a malformed override, tenant or client ID, or a certificate that cannot be used.
    pub fn new(
        config: GraphClientConfig,
        clock: Arc<dyn Clock>,
        sleeper: Arc<dyn Sleeper>,
    ) -> Result<Self, GraphError> {
        let endpoints = Endpoints::resolve(
            config.cloud,
            &config.tenant,
            &config.client_id,
            &config.urls,
        )?;
        let credential =
            LoadedCredential::load(&config.credential, clock.now()).map_err(|what_to_fix| {
                GraphError::new(
                    GraphErrorKind::CredentialUnusable { what_to_fix },
                    "loading the app credential",
                )
            })?;
        let (credential_expires, certificate_thumbprint) = match &credential {
            LoadedCredential::Certificate(key) => {
                (Some(key.not_after()), Some(key.thumbprint_hex()))
            }
            LoadedCredential::Secret(_) => (None, None),
        };
        let io = Io {
            http: http_client(config.request_timeout)?,
            clock,
            sleeper,
        };
        let key = TokenKey {
            cloud: config.cloud,
            tenant: config.tenant.clone(),
            client_id: config.client_id.clone(),
            scope: endpoints.scope.clone(),
        };
        let tokens = TokenSource::new(
            key,
            &config.token_cache,
            endpoints.token_url.clone(),
            credential,
            config.assertion_algorithm,
            io.clone(),
            config.retry.clone(),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                client_id: config.client_id,
                credential_expires,
                certificate_thumbprint,
                endpoints,
                tokens,
                gate: TenantGate::new(config.pacing),
                io,
                policy: config.retry,
            }),
        })
    }

    /// The URLs and scope in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// When the certificate credential expires (`None` for a secret, whose expiry only Entra
    /// knows), so the app can warn ahead of time.
    pub fn credential_expires(&self) -> Option<DateTime<Utc>> {
        self.inner.credential_expires
    }

    /// The certificate's SHA-1 thumbprint in upper-case hex, as the Entra portal lists it
    /// (`None` for a secret).
    pub fn certificate_thumbprint(&self) -> Option<&str> {
        self.inner.certificate_thumbprint.as_deref()
    }

    /// Makes sure a token can be had (from the cache, or fetched now). For the connection
    /// self-test and start-up checks; the token itself never leaves the client.
    pub async fn acquire_token(&self) -> Result<(), GraphError> {
        self.inner.tokens.token().await.map(drop)
    }

    /// The application permissions (`roles`) the current token carries, e.g.
    /// `["Presence.ReadWrite.All"]`; an empty list means admin consent is missing.
    pub async fn token_roles(&self) -> Result<Vec<String>, GraphError> {
        let token = self.inner.tokens.token().await?;
        roles_of(&token).map_err(|detail| {
            GraphError::new(
                GraphErrorKind::UnexpectedResponse { detail },
                "reading the token's roles",
            )
        })
    }

    /// While writes are halted by a 403: the error to show (with the admin-consent URL).
    pub fn writes_halted(&self) -> Option<GraphError> {
        let consent_url = self
            .inner
            .gate
            .with_state(|state| state.writes_halted().map(str::to_owned))?;
        Some(GraphError::new(
            GraphErrorKind::ConsentMissing { consent_url },
            "presence writes",
        ))
    }

    /// Lets writes go out again after consent was granted. The cached token is dropped too: it
    /// was issued before the consent and lacks the new role.
    pub async fn resume_writes(&self) {
        self.inner.tokens.forget().await;
        self.inner.gate.with_state(|state| state.resume_writes());
        tracing::info!("presence writes resumed");
    }

    /// How long every call to the tenant stays paused by a 429, if it is.
    pub fn throttled_for(&self) -> Option<Duration> {
        let now = self.inner.io.clock.now();
        self.inner.gate.with_state(|state| state.paused_for(now))
    }

    /// `GET /users/{id}/presence`.
    pub async fn get_presence(&self, user: &str) -> Result<Presence, GraphError> {
        match self
            .run(&PresenceOp::GetPresence {
                user: user.to_owned(),
            })
            .await?
        {
            OpOutcome::Presence(presence) => Ok(*presence),
            other => Err(unexpected_outcome("getPresence", &other)),
        }
    }

    /// getPresencesByUserId, in as many calls of at most 650 IDs as needed. The result holds
    /// whatever Graph returned, in its order.
    pub async fn get_presences(&self, users: &[String]) -> Result<Vec<Presence>, GraphError> {
        for user in users {
            check_user_id(user).map_err(|detail| {
                GraphError::new(
                    GraphErrorKind::InvalidInput { detail },
                    "getPresencesByUserId",
                )
            })?;
        }
        let mut all = Vec::with_capacity(users.len());
        for chunk in users.chunks(MAX_IDS_PER_PRESENCE_READ) {
            let operation = format!("getPresencesByUserId for {} users", chunk.len());
            let shape = RequestShape::post(
                "/communications/getPresencesByUserId".to_owned(),
                json!({ "ids": chunk }),
            );
            let sent = self.execute(&operation, &shape, false).await?;
            #[derive(Deserialize)]
            struct Page {
                value: Vec<Presence>,
            }
            let page: Page = serde_json::from_slice(&sent.answer.body).map_err(|e| {
                GraphError::new(
                    GraphErrorKind::UnexpectedResponse {
                        detail: format!("the presence list cannot be read ({e})"),
                    },
                    operation.clone(),
                )
            })?;
            all.extend(page.value);
        }
        Ok(all)
    }

    /// setPresence on the app's own session for `user`.
    pub async fn set_presence(
        &self,
        user: &str,
        pair: SessionPair,
        expiration: SessionExpiration,
    ) -> Result<(), GraphError> {
        self.run(&PresenceOp::SetPresence {
            user: user.to_owned(),
            pair,
            expiration,
        })
        .await
        .map(drop)
    }

    /// clearPresence of the app's own session. `AlreadyClear` when there was none (404).
    pub async fn clear_presence(&self, user: &str) -> Result<OpOutcome, GraphError> {
        self.run(&PresenceOp::ClearPresence {
            user: user.to_owned(),
        })
        .await
    }

    /// setUserPreferredPresence.
    pub async fn set_preferred_presence(
        &self,
        user: &str,
        pair: PreferredPair,
        expiration: Option<PreferredExpiration>,
    ) -> Result<(), GraphError> {
        self.run(&PresenceOp::SetPreferredPresence {
            user: user.to_owned(),
            pair,
            expiration,
        })
        .await
        .map(drop)
    }

    /// clearUserPreferredPresence.
    pub async fn clear_preferred_presence(&self, user: &str) -> Result<(), GraphError> {
        self.run(&PresenceOp::ClearPreferredPresence {
            user: user.to_owned(),
        })
        .await
        .map(drop)
    }

    /// setStatusMessage; `None` clears it.
    pub async fn set_status_message(
        &self,
        user: &str,
        message: Option<StatusMessage>,
    ) -> Result<(), GraphError> {
        self.run(&PresenceOp::SetStatusMessage {
            user: user.to_owned(),
            message,
        })
        .await
        .map(drop)
    }

    /// Runs one operation as its own request.
    pub async fn run(&self, op: &PresenceOp) -> Result<OpOutcome, GraphError> {
        let operation = op.describe();
        let shape = op
            .request(&self.inner.client_id, self.inner.io.clock.now())
            .map_err(|detail| {
                GraphError::new(GraphErrorKind::InvalidInput { detail }, operation.clone())
            })?;
        match self.execute(&operation, &shape, op.is_write()).await {
            Ok(sent) => outcome_of(op, &sent.answer.body, &operation),
            Err(err) if is_no_session(op, &err) => Ok(OpOutcome::AlreadyClear),
            Err(err) => Err(err),
        }
    }

    /// Runs operations through `$batch` (at most 20 per request; more are split). Returns one
    /// result per operation, in the order given. Each item's status is checked on its own; items
    /// throttled (429) or briefly failing (503/504) inside the batch are sent again after the
    /// longest `Retry-After` among them, within the retry policy's budget.
    pub async fn batch(&self, ops: &[PresenceOp]) -> Vec<Result<OpOutcome, GraphError>> {
        crate::batch::run(self, ops).await
    }
}

fn unexpected_outcome(operation: &str, outcome: &OpOutcome) -> GraphError {
    GraphError::new(
        GraphErrorKind::UnexpectedResponse {
            detail: format!("got {outcome:?}"),
        },
        operation,
    )
}
