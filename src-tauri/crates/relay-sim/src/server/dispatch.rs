//! One HTTP request: which part of the simulator answers it (token endpoint, Graph, inspection
//! API), transport faults for Graph requests, and the headers every answer carries.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::header::{HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_TYPE, DATE, HOST, RETRY_AFTER};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::sim_api;
use crate::auth::token_endpoint::{self, TokenRequest};
use crate::graph::error::GraphError;
use crate::graph::pipeline::{self, Operation, OperationResult, Target};
use crate::handle::SimControl;
use crate::inspect::{Endpoint, Outcome, RequestRecord};

pub(crate) type Body = Full<Bytes>;

/// Largest request body read; 650 ids or a 20-request batch are far below it.
const MAX_BODY_BYTES: usize = 1024 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

pub(crate) async fn handle(
    control: SimControl,
    request: Request<Incoming>,
    kill: CancellationToken,
) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return plain_json(
                StatusCode::PAYLOAD_TOO_LARGE,
                &serde_json::json!({"error": {"code": "RequestEntityTooLarge",
                    "message": format!("Request bodies are limited to {MAX_BODY_BYTES} bytes.")}}),
            )
        }
    };

    if path == "/_sim" || path.starts_with("/_sim/") {
        return sim_api::handle(&control, &parts.method, &path, parts.uri.query(), &body);
    }
    if let Some(tenant) = token_path_tenant(&path) {
        return token(
            &control,
            &parts.method,
            &path,
            tenant,
            &parts.headers,
            &body,
        );
    }
    if let Some(graph_path) = path.strip_prefix("/v1.0") {
        if graph_path.is_empty() || graph_path.starts_with('/') {
            let graph_path = match parts.uri.query() {
                Some(query) => format!("{graph_path}?{query}"),
                None => graph_path.to_owned(),
            };
            return graph(
                control,
                &parts.method,
                &graph_path,
                &parts.headers,
                &body,
                kill,
            )
            .await;
        }
    }
    unknown_path(&control, &parts.headers, &path)
}

/// `/{tenant}/oauth2/v2.0/token` -> `{tenant}`.
fn token_path_tenant(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let (tenant, tail) = rest.split_once('/')?;
    (tail.eq_ignore_ascii_case("oauth2/v2.0/token") && !tenant.is_empty()).then_some(tenant)
}

fn header(headers: &HeaderMap, name: impl http::header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn token(
    control: &SimControl,
    method: &Method,
    path: &str,
    tenant: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response<Body> {
    let now = control.now();
    let request = TokenRequest {
        method,
        path,
        tenant,
        content_type: header(headers, CONTENT_TYPE),
        authorization: header(headers, http::header::AUTHORIZATION),
        client_request_id: header(headers, CLIENT_REQUEST_ID),
        body,
    };
    let answer = token_endpoint::handle(&mut control.lock(), &request, now);
    let mut response = json_response(answer.status, Some(&answer.body));
    let response_headers = response.headers_mut();
    insert(
        response_headers,
        CONTENT_TYPE,
        "application/json; charset=utf-8",
    );
    insert(response_headers, CACHE_CONTROL, "no-store, no-cache");
    insert(response_headers, http::header::PRAGMA, "no-cache");
    insert(response_headers, DATE, &http_date(now));
    insert(
        response_headers,
        HeaderName::from_static("x-ms-request-id"),
        &answer.trace_id.to_string(),
    );
    if let Some(client_request_id) = request.client_request_id {
        insert(response_headers, CLIENT_REQUEST_ID, client_request_id);
    }
    response
}

async fn graph(
    control: SimControl,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &Bytes,
    kill: CancellationToken,
) -> Response<Body> {
    let client_request_id = header(headers, CLIENT_REQUEST_ID).map(str::to_owned);
    let transport = control.lock().faults.transport();
    if let Some(delay) = transport.delay {
        // Latency injection is the one place the simulator waits on real (tokio) time.
        tokio::time::sleep(delay).await;
    }
    if transport.drop_connection {
        record_dropped(&control, method, path, client_request_id.clone());
        kill.cancel();
        // The connection task drops this connection (and this future with it).
        std::future::pending::<()>().await;
    }

    let now = control.now();
    let (result, request_id) = {
        let mut tenant = control.lock();
        let target = Target::for_host(&tenant, header(headers, HOST));
        let request_id = tenant.next_guid().to_string();
        let operation = Operation {
            method,
            path,
            authorization: header(headers, http::header::AUTHORIZATION),
            client_request_id: client_request_id.as_deref(),
            body,
            batch: None,
            request_id: request_id.clone(),
        };
        (
            pipeline::execute(&mut tenant, &operation, &target, now),
            request_id,
        )
    };
    graph_response(&result, &request_id, client_request_id.as_deref(), now)
}

fn record_dropped(
    control: &SimControl,
    method: &Method,
    path: &str,
    client_request_id: Option<String>,
) {
    let now = control.now();
    let mut tenant = control.lock();
    let endpoint = crate::graph::route::route(method, path)
        .map(|route| route.endpoint())
        .unwrap_or(Endpoint::Other);
    let request_id = tenant.next_guid().to_string();
    tenant.counters.connections_dropped += 1;
    tenant.counters.count_request(endpoint);
    tenant.log.push(RequestRecord {
        seq: 0,
        at: now,
        method: method.to_string(),
        path: format!("/v1.0{path}"),
        endpoint,
        app_id: None,
        status: None,
        outcome: Outcome::Dropped,
        error_code: None,
        request_id,
        client_request_id,
        batch: None,
        body: None,
    });
}

fn graph_response(
    result: &OperationResult,
    request_id: &str,
    client_request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Response<Body> {
    let mut response = json_response(result.status, result.body.as_ref());
    let headers = response.headers_mut();
    insert(headers, CONTENT_TYPE, "application/json");
    insert(headers, CACHE_CONTROL, "no-cache");
    insert(headers, DATE, &http_date(now));
    insert(headers, REQUEST_ID, request_id);
    // Graph echoes the caller's id, or repeats its own request id when none was sent.
    insert(
        headers,
        CLIENT_REQUEST_ID,
        client_request_id.unwrap_or(request_id),
    );
    if let Some(seconds) = result.retry_after {
        insert(headers, RETRY_AFTER, &seconds.to_string());
    }
    if let Some(warning) = result.rate_limit {
        insert(
            headers,
            HeaderName::from_static("ratelimit-limit"),
            &warning.limit.to_string(),
        );
        insert(
            headers,
            HeaderName::from_static("ratelimit-remaining"),
            &warning.remaining.to_string(),
        );
        insert(
            headers,
            HeaderName::from_static("ratelimit-reset"),
            &warning.reset_seconds.to_string(),
        );
    }
    if result.www_authenticate {
        insert(
            headers,
            http::header::WWW_AUTHENTICATE,
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
        );
    }
    response
}

fn unknown_path(control: &SimControl, headers: &HeaderMap, path: &str) -> Response<Body> {
    let now = control.now();
    let request_id = control.lock().next_guid().to_string();
    let client_request_id = header(headers, CLIENT_REQUEST_ID).map(str::to_owned);
    let error = GraphError::not_found(format!(
        "Nothing is served at '{path}'. The simulated tenant serves Graph under /v1.0, tokens at \
         /{{tenant}}/oauth2/v2.0/token and its inspection API under /_sim."
    ));
    let result = OperationResult {
        status: error.status,
        body: Some(error.body(
            now,
            &request_id,
            client_request_id.as_deref().unwrap_or(&request_id),
        )),
        retry_after: None,
        rate_limit: None,
        www_authenticate: false,
    };
    graph_response(&result, &request_id, client_request_id.as_deref(), now)
}

/// `Date` as RFC 7231 wants it, from the simulator's clock.
fn http_date(now: DateTime<Utc>) -> String {
    now.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn insert(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    // Every value here is ASCII we built ourselves or a header the client sent; a value that is
    // somehow not a valid header is left out rather than failing the response.
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

pub(crate) fn json_response(status: u16, body: Option<&Value>) -> Response<Body> {
    let bytes = body
        .map(|body| Bytes::from(body.to_string()))
        .unwrap_or_default();
    let mut response = Response::new(Full::new(bytes));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
}

pub(crate) fn plain_json(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = json_response(status.as_u16(), Some(body));
    insert(response.headers_mut(), CONTENT_TYPE, "application/json");
    response
}
