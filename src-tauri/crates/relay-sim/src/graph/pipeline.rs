//! One Graph operation from request to response, in the order a real tenant (behind Dev Proxy)
//! would apply its checks:
//!
//! 1. route (unknown path: 400, wrong method: 405);
//! 2. bearer token: signature, lifetime, tenant, audience for the host asked (401);
//! 3. `/me` under an app token (400); `$batch` goes to [`super::batch`]; the China cloud has no
//!    presence API (400);
//! 4. a Retry-After still running for this request: fresh 429, counted as an early retry;
//! 5. fault injection: an injected status, before any state is touched;
//! 6. application role (403);
//! 7. the presence budget (429 with Retry-After);
//! 8. the operation itself.
//!
//! Every operation, including each inner request of a `$batch`, is counted and logged here.

use chrono::{DateTime, Utc};
use http::Method;
use relay_core::config::Cloud;
use serde_json::Value;
use uuid::Uuid;

use super::batch;
use super::error::GraphError;
use super::handlers::{self, Context};
use super::route::{route, Route};
use crate::auth::access_token::{TokenRejection, VerifiedToken};
use crate::auth::token_endpoint::CLOUD_GRAPH_ROOTS;
use crate::ids::GRAPH_APP_ID;
use crate::inspect::{BatchRef, Endpoint, Outcome, RequestRecord};
use crate::options::{PRESENCE_READ_ALL, PRESENCE_READ_WRITE_ALL};
use crate::tenant::Tenant;
use crate::throttle::RateLimitWarning;

/// A Graph request, top-level or inside a `$batch`.
#[derive(Debug)]
pub(crate) struct Operation<'a> {
    pub(crate) method: &'a Method,
    /// Relative to `/v1.0`; may carry a query string.
    pub(crate) path: &'a str,
    pub(crate) authorization: Option<&'a str>,
    pub(crate) client_request_id: Option<&'a str>,
    pub(crate) body: &'a [u8],
    pub(crate) batch: Option<BatchRef>,
    pub(crate) request_id: String,
}

/// Which Graph deployment a request reached, decided by its `Host`.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub(crate) cloud: Cloud,
    /// Where `@odata.context` points.
    pub(crate) graph_root: String,
    /// Token audiences accepted here.
    pub(crate) audiences: Vec<String>,
}

impl Target {
    /// A request to one of the clouds' Graph hosts (sent with that `Host` header) is that cloud;
    /// anything else (the loopback address) is the cloud the simulator was started as, and
    /// also accepts tokens whose audience is the simulator's own root.
    pub(crate) fn for_host(tenant: &Tenant, host: Option<&str>) -> Self {
        let host = host
            .map(|host| host.split(':').next().unwrap_or(host).to_ascii_lowercase())
            .unwrap_or_default();
        let named = [Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5, Cloud::China]
            .into_iter()
            .find(|cloud| graph_root(*cloud).ends_with(&format!("//{host}")));
        let cloud = named.unwrap_or(tenant.cloud);
        let mut audiences = vec![graph_root(cloud).to_owned(), GRAPH_APP_ID.to_owned()];
        if named.is_none() {
            audiences.push(tenant.base_url.clone());
        }
        Self {
            cloud,
            graph_root: graph_root(cloud).to_owned(),
            audiences,
        }
    }
}

fn graph_root(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Global => CLOUD_GRAPH_ROOTS[0],
        Cloud::UsGovL4 => CLOUD_GRAPH_ROOTS[1],
        Cloud::UsGovL5 => CLOUD_GRAPH_ROOTS[2],
        Cloud::China => CLOUD_GRAPH_ROOTS[3],
    }
}

/// The answer to one operation.
#[derive(Clone, Debug)]
pub(crate) struct OperationResult {
    pub(crate) status: u16,
    pub(crate) body: Option<Value>,
    pub(crate) retry_after: Option<u32>,
    pub(crate) rate_limit: Option<RateLimitWarning>,
    pub(crate) www_authenticate: bool,
}

/// What was learned along the way, for the log.
#[derive(Debug)]
struct Facts {
    endpoint: Endpoint,
    app_id: Option<Uuid>,
    outcome: Outcome,
    rate_limit: Option<RateLimitWarning>,
}

pub(crate) fn execute(
    tenant: &mut Tenant,
    operation: &Operation<'_>,
    target: &Target,
    now: DateTime<Utc>,
) -> OperationResult {
    let mut facts = Facts {
        endpoint: Endpoint::Other,
        app_id: None,
        outcome: Outcome::Handled,
        rate_limit: None,
    };
    let answer = decide(tenant, operation, target, now, &mut facts);
    let client_request_id = operation.client_request_id.unwrap_or(&operation.request_id);
    let result = match answer {
        Ok(body) => OperationResult {
            status: 200,
            body,
            retry_after: None,
            rate_limit: facts.rate_limit,
            www_authenticate: false,
        },
        Err(error) => OperationResult {
            status: error.status,
            body: Some(error.body(now, &operation.request_id, client_request_id)),
            retry_after: error.retry_after,
            rate_limit: None,
            www_authenticate: error.status == 401,
        },
    };
    let error_code = (result.status >= 400)
        .then(|| {
            result
                .body
                .as_ref()
                .and_then(|body| body["error"]["code"].as_str())
                .map(str::to_owned)
        })
        .flatten();
    record(
        tenant,
        operation,
        now,
        Record {
            endpoint: facts.endpoint,
            app_id: facts.app_id,
            status: result.status,
            outcome: facts.outcome,
            error_code,
        },
    );
    result
}

/// What to log about an operation.
#[derive(Debug)]
pub(crate) struct Record {
    pub(crate) endpoint: Endpoint,
    pub(crate) app_id: Option<Uuid>,
    pub(crate) status: u16,
    pub(crate) outcome: Outcome,
    pub(crate) error_code: Option<String>,
}

/// Counts and logs one operation.
pub(crate) fn record(
    tenant: &mut Tenant,
    operation: &Operation<'_>,
    now: DateTime<Utc>,
    record: Record,
) {
    tenant.counters.count_request(record.endpoint);
    tenant.counters.count_response(record.status);
    let body = (!operation.body.is_empty() && record.endpoint != Endpoint::Batch)
        .then(|| serde_json::from_slice(operation.body).ok())
        .flatten();
    tracing::debug!(
        method = %operation.method,
        path = operation.path,
        status = record.status,
        "graph request"
    );
    tenant.log.push(RequestRecord {
        seq: 0,
        at: now,
        method: operation.method.to_string(),
        path: format!("/v1.0/{}", operation.path.trim_start_matches('/')),
        endpoint: record.endpoint,
        app_id: record.app_id,
        status: Some(record.status),
        outcome: record.outcome,
        error_code: record.error_code,
        request_id: operation.request_id.clone(),
        client_request_id: operation.client_request_id.map(str::to_owned),
        batch: operation.batch.clone(),
        body,
    });
}

fn decide(
    tenant: &mut Tenant,
    operation: &Operation<'_>,
    target: &Target,
    now: DateTime<Utc>,
    facts: &mut Facts,
) -> Result<Option<Value>, GraphError> {
    let route = route(operation.method, operation.path)?;
    facts.endpoint = route.endpoint();
    let token = authenticate(tenant, operation.authorization, target, now)?;
    let app = token.app_id;
    facts.app_id = Some(app);

    match &route {
        Route::Me => {
            return Err(GraphError::bad_request(
                "/me request is only valid with delegated authentication flow.",
            ))
        }
        Route::Batch if operation.batch.is_some() => {
            return Err(GraphError::bad_request(
                "A $batch request cannot contain another $batch request.",
            ))
        }
        Route::Batch => return batch::run(tenant, operation, target, now).map(Some),
        Route::Presence { .. } | Route::GetPresencesByUserId => {}
    }
    if target.cloud == Cloud::China {
        return Err(GraphError::bad_request(
            "Resource not found for the segment 'presence'. Presence APIs are not available in \
             the China (21Vianet) cloud.",
        ));
    }

    let retry_key = route.retry_key(operation.method);
    if let Some(seconds) = tenant.throttle.early_retry(app, &retry_key, now) {
        tenant.counters.early_retries += 1;
        facts.outcome = Outcome::EarlyRetry;
        return Err(GraphError::too_many_requests(seconds));
    }
    if let Some(fault) = tenant.faults.operation(*operation.method == Method::GET) {
        tenant.counters.faults_injected += 1;
        facts.outcome = Outcome::InjectedFault;
        if let Some(seconds) = fault.retry_after {
            tenant.throttle.hold(app, &retry_key, seconds, now);
        }
        return Err(GraphError::injected(fault.status, fault.retry_after));
    }

    let has_role = |role: &str| token.roles.iter().any(|held| held == role);
    let allowed =
        has_role(PRESENCE_READ_WRITE_ALL) || (!route.writes() && has_role(PRESENCE_READ_ALL));
    if !allowed {
        return Err(GraphError::forbidden(if route.writes() {
            PRESENCE_READ_WRITE_ALL
        } else {
            "Presence.Read.All (or Presence.ReadWrite.All)"
        }));
    }

    match tenant.throttle.take(app, now) {
        Ok(warning) => facts.rate_limit = warning,
        Err(seconds) => {
            tenant.counters.throttled += 1;
            facts.outcome = Outcome::Throttled;
            tenant.throttle.hold(app, &retry_key, seconds, now);
            return Err(GraphError::too_many_requests(seconds));
        }
    }

    let context = Context {
        app_id: app,
        graph_root: &target.graph_root,
        now,
    };
    match route {
        Route::Presence { user, action } => {
            handlers::presence_action(tenant, context, &user, action, operation.body)
        }
        Route::GetPresencesByUserId => {
            handlers::get_presences_by_user_id(tenant, context, operation.body)
        }
        // Both returned above.
        Route::Me | Route::Batch => Err(GraphError::bad_request("Unsupported request.")),
    }
}

fn authenticate(
    tenant: &Tenant,
    authorization: Option<&str>,
    target: &Target,
    now: DateTime<Utc>,
) -> Result<VerifiedToken, GraphError> {
    let token = authorization
        .and_then(|header| {
            let (scheme, token) = header.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then_some(token.trim())
        })
        .unwrap_or_default();
    let reject = |rejection: TokenRejection| GraphError::unauthenticated(rejection.message());
    let verified = tenant.issuer.verify(token, now).map_err(reject)?;
    if verified.tenant_id != tenant.tenant_id {
        return Err(reject(TokenRejection::WrongTenant));
    }
    let audience = verified.audience.trim_end_matches('/');
    if !target
        .audiences
        .iter()
        .any(|accepted| accepted.eq_ignore_ascii_case(audience))
    {
        return Err(reject(TokenRejection::WrongAudience));
    }
    Ok(verified)
}
