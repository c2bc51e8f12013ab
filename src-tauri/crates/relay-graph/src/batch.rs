//! JSON batching (`POST /$batch`): up to 20 presence calls per request.
//!
//! The outer answer is 200 even when every item failed, so each item's own status decides. Items
//! answered 429 (or 503/504) are sent again in a later batch, after the longest `Retry-After`
//! among them (a 429 also pauses the whole tenant); items answered 401 are sent again once with a
//! fresh token. A batch saves round trips, not quota: every item still counts against Graph's
//! presence limit. Facts: `shared/reference/graph-presence.md` §8.

use std::collections::HashMap;
use std::time::Duration;

use relay_core::Sensitive;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::client::{GraphClient, OpOutcome, MAX_BATCH_REQUESTS};
use crate::error::{GraphError, GraphErrorKind};
use crate::ops::{PresenceOp, RequestShape};
use crate::retry::{retry_after, Decision, FailedAttempt, Failure};
use crate::send::{is_no_session, log_failure, outcome_of};
use crate::wire::Answer;

/// An item still to be sent.
#[derive(Clone, Debug)]
struct Pending {
    /// Index into the caller's operations; also the item's `id` in the batch.
    index: usize,
    shape: RequestShape,
    attempt: u32,
    token_refreshed: bool,
}

#[derive(Debug, Deserialize)]
struct BatchAnswer {
    responses: Vec<ItemAnswer>,
}

#[derive(Debug, Deserialize)]
struct ItemAnswer {
    id: String,
    status: u16,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    body: Option<Value>,
}

pub(crate) async fn run(
    client: &GraphClient,
    ops: &[PresenceOp],
) -> Vec<Result<OpOutcome, GraphError>> {
    let mut results: Vec<Option<Result<OpOutcome, GraphError>>> =
        ops.iter().map(|_| None).collect();
    let now = client.now();
    let mut pending = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        match op.request(client.client_id(), now) {
            Ok(shape) => pending.push(Pending {
                index,
                shape,
                attempt: 1,
                token_refreshed: false,
            }),
            Err(detail) => {
                results[index] = Some(Err(GraphError::new(
                    GraphErrorKind::InvalidInput { detail },
                    op.describe(),
                )));
            }
        }
    }

    while !pending.is_empty() {
        // Writes halted by a 403 are refused here; reads in the same batch still go out.
        pending.retain(|item| {
            let op = &ops[item.index];
            match op
                .is_write()
                .then(|| client.halted_error(&op.describe()))
                .flatten()
            {
                Some(err) => {
                    results[item.index] = Some(Err(err));
                    false
                }
                None => true,
            }
        });
        let mut again: Vec<Pending> = Vec::new();
        let mut longest_wait = Duration::ZERO;
        let mut tenant_wide_wait = false;
        let mut refused_token: Option<Sensitive<String>> = None;

        for chunk in pending.chunks(MAX_BATCH_REQUESTS) {
            let operation = format!("$batch of {} presence calls", chunk.len());
            let write = chunk.iter().any(|item| ops[item.index].is_write());
            let shape = RequestShape::post("/$batch".to_owned(), batch_body(chunk));
            let calls = u32::try_from(chunk.len()).unwrap_or(u32::MAX);
            let sent = match client.execute_batch(&operation, &shape, write, calls).await {
                Ok(sent) => sent,
                Err(err) => {
                    for item in chunk {
                        results[item.index] = Some(Err(err.clone()));
                    }
                    continue;
                }
            };
            let (answer_body, token) = sent;
            let answers = match serde_json::from_slice::<BatchAnswer>(&answer_body) {
                Ok(parsed) => parsed.responses,
                Err(e) => {
                    let err = GraphError::new(
                        GraphErrorKind::UnexpectedResponse {
                            detail: format!("the $batch answer cannot be read ({e})"),
                        },
                        operation,
                    );
                    for item in chunk {
                        results[item.index] = Some(Err(err.clone()));
                    }
                    continue;
                }
            };
            let mut by_id: HashMap<String, ItemAnswer> = answers
                .into_iter()
                .map(|answer| (answer.id.to_ascii_lowercase(), answer))
                .collect();
            for item in chunk {
                let op = &ops[item.index];
                let operation = format!("{} (in $batch)", op.describe());
                let Some(item_answer) = by_id.remove(&item.index.to_string()) else {
                    results[item.index] = Some(Err(GraphError::new(
                        GraphErrorKind::UnexpectedResponse {
                            detail: "the $batch answer has no response for this item".to_owned(),
                        },
                        operation,
                    )));
                    continue;
                };
                let answer = to_answer(item_answer);
                if answer.is_success() {
                    results[item.index] = Some(outcome_of(op, &answer.body, &operation));
                    continue;
                }
                let waited = retry_after(
                    answer.header("retry-after"),
                    answer.header("date"),
                    client.now(),
                );
                let decision = client.policy().decide(
                    FailedAttempt {
                        attempt: item.attempt,
                        failure: Failure::Status(answer.status),
                        retry_after: waited,
                        token_refreshed: item.token_refreshed,
                    },
                    rand::random::<f64>(),
                );
                let client_request_id =
                    answer.header("client-request-id").unwrap_or("-").to_owned();
                log_failure(
                    &operation,
                    &item.shape,
                    &answer,
                    &client_request_id,
                    item.attempt,
                    &decision,
                );
                match decision {
                    Decision::Retry {
                        wait, tenant_wide, ..
                    } => {
                        if tenant_wide {
                            // Holds back every call to the tenant at once; the retry round
                            // below waits for the longest of these.
                            client.pause_tenant(wait);
                        }
                        longest_wait = longest_wait.max(wait);
                        tenant_wide_wait |= tenant_wide;
                        again.push(Pending {
                            attempt: item.attempt + 1,
                            ..item.clone()
                        });
                    }
                    Decision::RefreshTokenAndRetry => {
                        refused_token = Some(token.clone());
                        again.push(Pending {
                            attempt: item.attempt + 1,
                            token_refreshed: true,
                            ..item.clone()
                        });
                    }
                    Decision::GiveUp(reason) => {
                        client.react_to_final(answer.status, waited);
                        let err = client.error_from_answer(
                            &operation,
                            &answer,
                            client_request_id,
                            waited,
                            reason,
                        );
                        results[item.index] = Some(if is_no_session(op, &err) {
                            Ok(OpOutcome::AlreadyClear)
                        } else {
                            Err(err)
                        });
                    }
                }
            }
        }

        // Items go again after the longest wait among them. When any of those waits was
        // tenant-wide, the tenant is paused at least that long and the next batch waits in the
        // gate; otherwise wait here.
        if !tenant_wide_wait && !longest_wait.is_zero() {
            client.sleeper().sleep(longest_wait).await;
        }
        if let Some(refused) = refused_token {
            if let Err(err) = client.replace_refused_token(&refused).await {
                for item in &again {
                    results[item.index] = Some(Err(err.clone()));
                }
                again.clear();
            }
        }
        pending = again;
    }

    results
        .into_iter()
        .zip(ops)
        .map(|(result, op)| {
            result.unwrap_or_else(|| {
                Err(GraphError::new(
                    GraphErrorKind::UnexpectedResponse {
                        detail: "the item got no result".to_owned(),
                    },
                    op.describe(),
                ))
            })
        })
        .collect()
}

/// `{"requests":[{id, method, url, headers?, body?}]}`; every item independent (no `dependsOn`).
fn batch_body(items: &[Pending]) -> Value {
    let requests: Vec<Value> = items
        .iter()
        .map(|item| {
            let mut request = Map::new();
            request.insert("id".to_owned(), json!(item.index.to_string()));
            request.insert("method".to_owned(), json!(item.shape.method));
            request.insert("url".to_owned(), json!(item.shape.path));
            if let Some(body) = &item.shape.body {
                request.insert(
                    "headers".to_owned(),
                    json!({ "Content-Type": "application/json" }),
                );
                request.insert("body".to_owned(), body.clone());
            }
            Value::Object(request)
        })
        .collect();
    json!({ "requests": requests })
}

fn to_answer(item: ItemAnswer) -> Answer {
    let body = item
        .body
        .map(|body| serde_json::to_vec(&body).unwrap_or_default())
        .unwrap_or_default();
    Answer::new(item.status, item.headers, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_items_carry_id_method_url_and_json_body() {
        let items = [
            Pending {
                index: 0,
                shape: RequestShape::post(
                    "/users/u/presence/clearPresence".to_owned(),
                    json!({"sessionId": "c"}),
                ),
                attempt: 1,
                token_refreshed: false,
            },
            Pending {
                index: 7,
                shape: RequestShape {
                    method: "GET",
                    path: "/users/u/presence".to_owned(),
                    body: None,
                },
                attempt: 1,
                token_refreshed: false,
            },
        ];
        assert_eq!(
            batch_body(&items),
            json!({"requests": [
                {"id": "0", "method": "POST", "url": "/users/u/presence/clearPresence",
                 "headers": {"Content-Type": "application/json"}, "body": {"sessionId": "c"}},
                {"id": "7", "method": "GET", "url": "/users/u/presence"},
            ]})
        );
    }
}
