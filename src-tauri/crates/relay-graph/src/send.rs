//! Sending one request to Graph: the tenant gate, the token, the retry policy, and turning a
//! final answer into a [`GraphError`]. Every presence call, and every `$batch`, goes through
//! [`GraphClient::execute`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use relay_core::Sensitive;

use crate::client::{GraphClient, OpOutcome};
use crate::error::{GraphError, GraphErrorKind};
use crate::io::describe_transport_error;
use crate::model::Presence;
use crate::ops::{PresenceOp, RequestShape};
use crate::retry::{retry_after, Decision, FailedAttempt, Failure, GiveUpReason, RetryPolicy};
use crate::sleep::Sleeper;
use crate::wire::{header, Answer};

/// A successful answer and the token it was sent with.
pub(crate) struct Sent {
    pub answer: Answer,
    pub token: Sensitive<String>,
}

impl GraphClient {
    /// Sends a `$batch` request; returns the outer answer's body and the token it went with.
    pub(crate) async fn execute_batch(
        &self,
        operation: &str,
        shape: &RequestShape,
        write: bool,
        calls: u32,
    ) -> Result<(Vec<u8>, Sensitive<String>), GraphError> {
        let sent = self
            .execute_weighted(operation, shape, write, calls)
            .await?;
        Ok((sent.answer.body, sent.token))
    }

    pub(crate) fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.inner.io.clock.now()
    }

    pub(crate) fn policy(&self) -> &RetryPolicy {
        &self.inner.policy
    }

    pub(crate) fn sleeper(&self) -> &dyn Sleeper {
        self.inner.io.sleeper.as_ref()
    }

    pub(crate) fn pause_tenant(&self, wait: Duration) {
        let until = self.now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
        self.inner.gate.with_state(|state| state.pause_until(until));
        tracing::warn!(
            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            "Graph is throttling the tenant; all presence calls wait"
        );
    }

    pub(crate) fn halt_writes(&self) {
        let consent_url = self.inner.endpoints.consent_url.clone();
        tracing::error!(
            consent_url = %consent_url,
            "Graph answered 403: admin consent for Presence.ReadWrite.All is missing; presence \
             writes for this tenant are stopped"
        );
        self.inner
            .gate
            .with_state(|state| state.halt_writes(consent_url));
    }

    pub(crate) async fn replace_refused_token(
        &self,
        refused: &Sensitive<String>,
    ) -> Result<(), GraphError> {
        self.inner.tokens.replace_refused(refused).await.map(drop)
    }

    /// The consent error for a write refused locally because writes are halted.
    pub(crate) fn halted_error(&self, operation: &str) -> Option<GraphError> {
        self.writes_halted()
            .map(|err| GraphError::new(err.kind().clone(), format!("{operation} (not sent)")))
    }

    /// Sends one request until it succeeds or the policy gives up.
    pub(crate) async fn execute(
        &self,
        operation: &str,
        shape: &RequestShape,
        write: bool,
    ) -> Result<Sent, GraphError> {
        self.execute_weighted(operation, shape, write, 1).await
    }

    /// [`Self::execute`] for a request that carries `calls` presence calls (a `$batch`): Graph
    /// counts each of them against the tenant's budget, so pacing does too.
    pub(crate) async fn execute_weighted(
        &self,
        operation: &str,
        shape: &RequestShape,
        write: bool,
        calls: u32,
    ) -> Result<Sent, GraphError> {
        let inner = &*self.inner;
        let url = format!("{}{}", inner.endpoints.graph_base, shape.path);
        let method = if shape.method == "GET" {
            reqwest::Method::GET
        } else {
            reqwest::Method::POST
        };
        let mut attempt: u32 = 0;
        let mut token_refreshed = false;
        loop {
            attempt += 1;
            if write {
                if let Some(err) = self.halted_error(operation) {
                    return Err(err);
                }
            }
            let permit = inner
                .gate
                .admit(
                    inner.io.clock.as_ref(),
                    inner.io.sleeper.as_ref(),
                    inner.policy.max_retry_after,
                    calls,
                )
                .await
                .map_err(|remaining| {
                    GraphError::new(
                        GraphErrorKind::Throttled {
                            retry_after: Some(remaining),
                        },
                        format!("{operation} (not sent)"),
                    )
                })?;
            let token = inner.tokens.token().await?;
            let client_request_id = uuid::Uuid::new_v4().to_string();
            tracing::debug!(
                operation,
                method = shape.method,
                path = %shape.path,
                client_request_id = %client_request_id,
                attempt,
                "calling Graph"
            );
            let mut request = inner
                .io
                .http
                .request(method.clone(), &url)
                .bearer_auth(token.expose())
                .header(header::CLIENT_REQUEST_ID, &client_request_id);
            if attempt > 1 {
                request = request.header(header::RETRY_ATTEMPT, (attempt - 1).to_string());
            }
            if let Some(body) = &shape.body {
                request = request.json(body);
            }
            let received = match request.send().await {
                Ok(response) => Answer::read(response).await,
                Err(e) => Err(e),
            };

            let (failure, answer) = match received {
                Ok(answer) if answer.is_success() => return Ok(Sent { answer, token }),
                Ok(answer) => (Failure::Status(answer.status), Some(answer)),
                Err(e) => {
                    tracing::warn!(
                        operation,
                        client_request_id = %client_request_id,
                        attempt,
                        error = %describe_transport_error(&e),
                        "no answer from Graph"
                    );
                    (Failure::NoAnswer, None)
                }
            };
            let now = inner.io.clock.now();
            let waited = answer.as_ref().and_then(|a| {
                retry_after(a.header(header::RETRY_AFTER), a.header(header::DATE), now)
            });
            let decision = inner.policy.decide(
                FailedAttempt {
                    attempt,
                    failure,
                    retry_after: waited,
                    token_refreshed,
                },
                rand::random::<f64>(),
            );
            if let Some(answer) = &answer {
                log_failure(
                    operation,
                    shape,
                    answer,
                    &client_request_id,
                    attempt,
                    &decision,
                );
                if matches!(decision, Decision::GiveUp(_)) {
                    self.react_to_final(answer.status, waited);
                }
            }
            if let Decision::Retry {
                wait,
                tenant_wide: true,
                ..
            } = decision
            {
                // The gate makes this call, and every other, wait it out on admission.
                self.pause_tenant(wait);
            }
            // Only now may the next request start: a pause or halt this answer caused is in
            // place, so no other call slips out in between.
            drop(permit);
            match decision {
                Decision::Retry {
                    wait,
                    tenant_wide: false,
                    ..
                } => inner.io.sleeper.sleep(wait).await,
                Decision::Retry { .. } => {}
                Decision::RefreshTokenAndRetry => {
                    token_refreshed = true;
                    inner.tokens.replace_refused(&token).await?;
                }
                Decision::GiveUp(reason) => {
                    return Err(match answer {
                        Some(answer) => self.error_from_answer(
                            operation,
                            &answer,
                            client_request_id,
                            waited,
                            reason,
                        ),
                        None => GraphError::new(
                            GraphErrorKind::Transport {
                                detail: format!(
                                    "Microsoft Graph at {} did not answer after {attempt} tries",
                                    inner.endpoints.graph_base
                                ),
                            },
                            operation,
                        )
                        .with_ids(None, Some(client_request_id), None),
                    });
                }
            }
        }
    }

    /// The tenant-wide effects of a final answer: a 403 halts writes; a `Retry-After` on an
    /// answer that ends the call (too long to wait, or retries spent) still holds back every
    /// other call. (Retried answers pause the tenant through [`Decision::Retry`].)
    pub(crate) fn react_to_final(&self, status: u16, retry_after: Option<Duration>) {
        if status == 403 {
            self.halt_writes();
        }
        if let Some(wait) = retry_after {
            self.pause_tenant(wait);
        }
    }

    /// The error for a final answer.
    pub(crate) fn error_from_answer(
        &self,
        operation: &str,
        answer: &Answer,
        client_request_id: String,
        retry_after: Option<Duration>,
        reason: GiveUpReason,
    ) -> GraphError {
        let detail = answer.graph_error().unwrap_or_default();
        let code = detail.code.clone();
        let said = match (&detail.code, &detail.message) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.clone(),
            (None, Some(message)) => message.clone(),
            (None, None) => format!("HTTP {} without details", answer.status),
        };
        let kind = match answer.status {
            400 => GraphErrorKind::BadRequest { detail: said },
            401 => GraphErrorKind::Unauthorized,
            403 => GraphErrorKind::ConsentMissing {
                consent_url: self.inner.endpoints.consent_url.clone(),
            },
            404 => GraphErrorKind::NotFound,
            429 => GraphErrorKind::Throttled { retry_after },
            500..=599 if reason == GiveUpReason::WaitTooLong => {
                GraphErrorKind::Throttled { retry_after }
            }
            500..=599 => GraphErrorKind::Transient,
            status => GraphErrorKind::UnexpectedResponse {
                detail: format!("HTTP {status} ({said})"),
            },
        };
        GraphError::new(kind, operation)
            .with_status(answer.status)
            .with_graph_code(code)
            .with_ids(answer.request_id(), Some(client_request_id), answer.date())
    }
}

/// Logs a failed exchange with the IDs support asks for. Never logs bodies or headers that could
/// carry a token. A 404 that means "already done" (clearPresence with no session) is no failure
/// to warn about: it happens at every start for users the app held nothing for.
pub(crate) fn log_failure(
    operation: &str,
    shape: &RequestShape,
    answer: &Answer,
    client_request_id: &str,
    attempt: u32,
    decision: &Decision,
) {
    if answer.status == 404 && shape.not_found_means_done() {
        tracing::debug!(operation, "no session to clear (404): nothing was held");
        return;
    }
    let code = answer.graph_error().and_then(|e| e.code);
    tracing::warn!(
        operation,
        status = answer.status,
        code = code.as_deref().unwrap_or("-"),
        request_id = answer.request_id().as_deref().unwrap_or("-"),
        client_request_id,
        date = answer.date().as_deref().unwrap_or("-"),
        attempt,
        ?decision,
        "Graph call failed"
    );
}

/// clearPresence answering 404 means there was no session: the goal is already met.
pub(crate) fn is_no_session(op: &PresenceOp, err: &GraphError) -> bool {
    matches!(op, PresenceOp::ClearPresence { .. }) && *err.kind() == GraphErrorKind::NotFound
}

/// The outcome of a successful answer to `op`.
pub(crate) fn outcome_of(
    op: &PresenceOp,
    body: &[u8],
    operation: &str,
) -> Result<OpOutcome, GraphError> {
    match op {
        PresenceOp::GetPresence { .. } => serde_json::from_slice::<Presence>(body)
            .map(|presence| OpOutcome::Presence(Box::new(presence)))
            .map_err(|e| {
                GraphError::new(
                    GraphErrorKind::UnexpectedResponse {
                        detail: format!("the presence cannot be read ({e})"),
                    },
                    operation,
                )
            }),
        _ => Ok(OpOutcome::Done),
    }
}
