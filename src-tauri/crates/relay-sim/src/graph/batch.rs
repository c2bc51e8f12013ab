//! `POST /v1.0/$batch`: up to 20 requests, each run through the same pipeline as a plain request
//! (authentication, Retry-After holds, faults, roles, throttling), answered in a shuffled order
//! with outer status 200. A malformed batch fails whole with 400.
//!
//! `dependsOn` names at most one other request (Graph's known limit); when that request failed,
//! the dependent one is not run and gets 424.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::error::GraphError;
use super::handlers::parse_body;
use super::pipeline::{execute, record, Operation, OperationResult, Record, Target};
use super::route::route;
use crate::inspect::{BatchRef, Endpoint, Outcome};
use crate::tenant::Tenant;

/// Graph's limit on requests per batch.
pub(crate) const MAX_BATCH_REQUESTS: usize = 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchBody {
    requests: Vec<BatchItem>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BatchItem {
    id: Option<String>,
    method: Option<String>,
    url: Option<String>,
    #[serde(default)]
    headers: Map<String, Value>,
    body: Option<Value>,
    #[serde(default)]
    depends_on: Vec<String>,
}

/// A batch item that passed validation.
#[derive(Debug)]
struct Item {
    id: String,
    method: Method,
    url: String,
    client_request_id: Option<String>,
    body: Vec<u8>,
    depends_on: Option<usize>,
}

pub(crate) fn run(
    tenant: &mut Tenant,
    outer: &Operation<'_>,
    target: &Target,
    now: DateTime<Utc>,
) -> Result<Value, GraphError> {
    let body: BatchBody = parse_body(outer.body)?;
    let items = validate(body)?;
    let order = execution_order(&items)?;

    let mut results: Vec<Option<OperationResult>> = vec![None; items.len()];
    for index in order {
        let item = &items[index];
        let operation = Operation {
            method: &item.method,
            path: &item.url,
            authorization: outer.authorization,
            client_request_id: item.client_request_id.as_deref(),
            body: &item.body,
            batch: Some(BatchRef {
                batch_request_id: outer.request_id.clone(),
                id: item.id.clone(),
            }),
            request_id: tenant.next_guid().to_string(),
        };
        let failed_dependency = item
            .depends_on
            .and_then(|dependency| results[dependency].as_ref())
            .is_some_and(|dependency| dependency.status >= 400);
        let result = if failed_dependency {
            failed_dependency_result(tenant, &operation, now)
        } else {
            execute(tenant, &operation, target, now)
        };
        results[index] = Some(result);
    }

    let mut responses: Vec<Value> = items
        .iter()
        .zip(results)
        .filter_map(|(item, result)| result.map(|result| response_item(item, &result)))
        .collect();
    // Graph does not promise any order; a shuffled one keeps clients honest.
    tenant.rng.shuffle(&mut responses);
    Ok(json!({ "responses": responses }))
}

fn validate(body: BatchBody) -> Result<Vec<Item>, GraphError> {
    let count = body.requests.len();
    if count == 0 {
        return Err(GraphError::bad_request(
            "Invalid batch payload: requests is empty.",
        ));
    }
    if count > MAX_BATCH_REQUESTS {
        return Err(GraphError::bad_request(format!(
            "The batch holds {count} requests; the limit is {MAX_BATCH_REQUESTS}."
        )));
    }
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (index, request) in body.requests.iter().enumerate() {
        let id = request
            .id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| {
                GraphError::bad_request(format!(
                    "Request {} of the batch has no id; every request needs a unique id.",
                    index + 1
                ))
            })?;
        if ids.insert(id.to_ascii_lowercase(), index).is_some() {
            return Err(GraphError::bad_request(format!(
                "Request id '{id}' appears more than once; ids must be unique (ignoring case)."
            )));
        }
    }

    let mut items = Vec::with_capacity(count);
    for request in body.requests {
        let id = request.id.unwrap_or_default();
        let method_text = request.method.unwrap_or_default().to_ascii_uppercase();
        let method = match method_text.as_str() {
            "GET" => Method::GET,
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "PATCH" => Method::PATCH,
            "DELETE" => Method::DELETE,
            _ => {
                return Err(GraphError::bad_request(format!(
                    "Request '{id}' has method '{method_text}'; use GET, POST, PUT, PATCH or \
                     DELETE."
                )))
            }
        };
        let url = request.url.unwrap_or_default();
        if url.is_empty() || url.contains("://") {
            return Err(GraphError::bad_request(format!(
                "Request '{id}' has url '{url}'; batch urls are relative to the version, e.g. \
                 /users/{{id}}/presence."
            )));
        }
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .and_then(|(_, value)| value.as_str())
                .map(str::to_owned)
        };
        let body = match request.body {
            None => Vec::new(),
            Some(body) => {
                if header("content-type").is_none() {
                    return Err(GraphError::bad_request(format!(
                        "Request '{id}' has a body but no Content-Type header; add \
                         \"headers\": {{\"Content-Type\": \"application/json\"}}."
                    )));
                }
                serde_json::to_vec(&body).map_err(|err| {
                    GraphError::bad_request(format!("Request '{id}' has a bad body: {err}."))
                })?
            }
        };
        let depends_on = match request.depends_on.as_slice() {
            [] => None,
            [dependency] => Some(*ids.get(&dependency.to_ascii_lowercase()).ok_or_else(|| {
                GraphError::bad_request(format!(
                    "Request '{id}' depends on '{dependency}', which is not in the batch."
                ))
            })?),
            _ => {
                return Err(GraphError::bad_request(format!(
                    "Request '{id}' depends on more than one request; Graph supports one \
                     dependency per request."
                )))
            }
        };
        items.push(Item {
            client_request_id: header("client-request-id"),
            id,
            method,
            url,
            body,
            depends_on,
        });
    }
    Ok(items)
}

/// Indexes in an order that runs each request after its dependency; request order otherwise.
fn execution_order(items: &[Item]) -> Result<Vec<usize>, GraphError> {
    let mut order = Vec::with_capacity(items.len());
    let mut done = vec![false; items.len()];
    while order.len() < items.len() {
        let before = order.len();
        for (index, item) in items.iter().enumerate() {
            if !done[index] && item.depends_on.is_none_or(|dependency| done[dependency]) {
                done[index] = true;
                order.push(index);
            }
        }
        if order.len() == before {
            return Err(GraphError::bad_request(
                "The batch's dependsOn references form a cycle.",
            ));
        }
    }
    Ok(order)
}

fn failed_dependency_result(
    tenant: &mut Tenant,
    operation: &Operation<'_>,
    now: DateTime<Utc>,
) -> OperationResult {
    let error = GraphError::new(
        424,
        "FailedDependency",
        "The request this one depends on failed, so it was not run.",
    );
    let client_request_id = operation
        .client_request_id
        .unwrap_or(&operation.request_id)
        .to_owned();
    let endpoint = route(operation.method, operation.path)
        .map(|route| route.endpoint())
        .unwrap_or(Endpoint::Other);
    record(
        tenant,
        operation,
        now,
        Record {
            endpoint,
            app_id: None,
            status: error.status,
            outcome: Outcome::Handled,
            error_code: Some(error.code.to_owned()),
        },
    );
    OperationResult {
        status: error.status,
        body: Some(error.body(now, &operation.request_id, &client_request_id)),
        retry_after: None,
        rate_limit: None,
        www_authenticate: false,
    }
}

fn response_item(item: &Item, result: &OperationResult) -> Value {
    let mut headers = Map::new();
    if result.body.is_some() {
        headers.insert("Content-Type".to_owned(), json!("application/json"));
    }
    if let Some(seconds) = result.retry_after {
        headers.insert("Retry-After".to_owned(), json!(seconds.to_string()));
    }
    if let Some(warning) = result.rate_limit {
        headers.insert(
            "RateLimit-Limit".to_owned(),
            json!(warning.limit.to_string()),
        );
        headers.insert(
            "RateLimit-Remaining".to_owned(),
            json!(warning.remaining.to_string()),
        );
        headers.insert(
            "RateLimit-Reset".to_owned(),
            json!(warning.reset_seconds.to_string()),
        );
    }
    if let Some(client_request_id) = &item.client_request_id {
        headers.insert("client-request-id".to_owned(), json!(client_request_id));
    }
    let mut response = json!({
        "id": item.id,
        "status": result.status,
        "headers": headers,
    });
    if let Some(body) = &result.body {
        response["body"] = body.clone();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, depends_on: Option<usize>) -> Item {
        Item {
            id: id.to_owned(),
            method: Method::GET,
            url: "/users/x/presence".to_owned(),
            client_request_id: None,
            body: Vec::new(),
            depends_on,
        }
    }

    #[test]
    fn dependencies_run_first_and_cycles_are_refused() {
        let items = [item("1", Some(1)), item("2", None), item("3", Some(0))];
        assert_eq!(execution_order(&items), Ok(vec![1, 0, 2]));
        let cycle = [item("1", Some(1)), item("2", Some(0))];
        assert!(execution_order(&cycle).is_err());
    }
}
