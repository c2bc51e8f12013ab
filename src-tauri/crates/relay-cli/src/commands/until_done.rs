//! Runs presence calls to the end, so that a script does not have to loop.
//!
//! Each round sends the calls still open in `$batch` requests of up to 20, several requests at
//! once (the client's tenant gate bounds how many are in flight and spaces their starts). Within
//! a round the client already retries what Graph asks it to (`Retry-After`, backoff), within its
//! policy's budget. Calls that still fail for a reason that may pass (throttling, server errors,
//! no answer) go again in the next round, after a growing pause, until every call has a final
//! answer or the deadline passes. Waits Graph asked for carry over between rounds: the same
//! client is used throughout, and its gate keeps the tenant paused for as long as it was told.

use std::time::Duration;

use relay_graph::{GraphClient, GraphError, OpOutcome, PresenceOp, MAX_BATCH_REQUESTS};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// The pauses between rounds: `first` after the first round that left calls open, doubling
/// each round up to `max`. (Graph's own waits happen inside the client, on top of these.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoundPauses {
    pub first: Duration,
    pub max: Duration,
}

impl RoundPauses {
    pub const DEFAULT: RoundPauses = RoundPauses {
        first: Duration::from_secs(1),
        max: Duration::from_secs(30),
    };
}

/// How one call ended.
#[derive(Clone, Debug)]
pub enum Ended {
    Done(OpOutcome),
    /// A final answer (404, 403, 400, …) or a refusal before sending.
    Failed(GraphError),
    /// Still failing for a reason that may pass when the deadline came, after `tries` rounds;
    /// `last` is the last error (none when the deadline cut the first try short).
    OutOfTime {
        tries: u32,
        last: Option<GraphError>,
    },
}

impl Ended {
    pub fn is_ok(&self) -> bool {
        matches!(self, Ended::Done(_))
    }

    /// A stable name for scripts: `ok`, the client's error code, or `out_of_time`.
    pub fn code(&self) -> &'static str {
        match self {
            Ended::Done(_) => "ok",
            Ended::Failed(err) => err.code(),
            Ended::OutOfTime { .. } => "out_of_time",
        }
    }

    /// What happened, for people; failures say what to do.
    pub fn message(&self) -> String {
        match self {
            Ended::Done(OpOutcome::AlreadyClear) => "already clear".to_owned(),
            Ended::Done(_) => "done".to_owned(),
            Ended::Failed(err) => err.to_string(),
            Ended::OutOfTime {
                tries,
                last: Some(err),
            } => format!(
                "still failing after {tries} round(s) when the time allowed ran out (--timeout); \
                 last error: {err}"
            ),
            Ended::OutOfTime { last: None, .. } => {
                "no answer before the time allowed ran out (--timeout); try again with a longer \
                 --timeout"
                    .to_owned()
            }
        }
    }
}

/// Runs `ops` until each has a final answer or `deadline` passes; one result per op, in order.
pub async fn run_until_done(
    client: &GraphClient,
    ops: &[PresenceOp],
    deadline: Instant,
    pauses: RoundPauses,
) -> Vec<Ended> {
    let mut ended: Vec<Option<Ended>> = vec![None; ops.len()];
    let mut last_error: Vec<Option<GraphError>> = vec![None; ops.len()];
    let mut tries = vec![0_u32; ops.len()];
    let mut open: Vec<usize> = (0..ops.len()).collect();
    let mut pause = pauses.first;
    while !open.is_empty() {
        for &index in &open {
            tries[index] += 1;
        }
        for (index, result) in round(client, ops, &open, deadline).await {
            match result {
                Ok(outcome) => ended[index] = Some(Ended::Done(outcome)),
                Err(err) if err.is_retryable() => last_error[index] = Some(err),
                Err(err) => ended[index] = Some(Ended::Failed(err)),
            }
        }
        open.retain(|&index| ended[index].is_none());
        let now = Instant::now();
        if open.is_empty() || now >= deadline {
            break;
        }
        tracing::info!(
            open = open.len(),
            of = ops.len(),
            pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
            "presence calls still failing for reasons that may pass; trying them again"
        );
        tokio::time::sleep_until((now + pause).min(deadline)).await;
        if Instant::now() >= deadline {
            break;
        }
        pause = (pause * 2).min(pauses.max);
    }
    ended
        .into_iter()
        .zip(last_error)
        .zip(tries)
        .map(|((ended, last), tries)| ended.unwrap_or(Ended::OutOfTime { tries, last }))
        .collect()
}

/// One round: the `open` ops in `$batch` chunks, all chunks at once (the client's gate bounds
/// what is in flight). Returns the results that came back before `deadline`.
async fn round(
    client: &GraphClient,
    ops: &[PresenceOp],
    open: &[usize],
    deadline: Instant,
) -> Vec<(usize, Result<OpOutcome, GraphError>)> {
    let mut tasks = JoinSet::new();
    for chunk in open.chunks(MAX_BATCH_REQUESTS) {
        let client = client.clone();
        let indices = chunk.to_vec();
        let chunk_ops: Vec<PresenceOp> = indices.iter().map(|&index| ops[index].clone()).collect();
        tasks.spawn(async move {
            // A single call goes as itself: a `$batch` around it would only add a layer.
            let results = match chunk_ops.as_slice() {
                [op] => vec![client.run(op).await],
                many => client.batch(many).await,
            };
            indices.into_iter().zip(results).collect::<Vec<_>>()
        });
    }
    let mut finished = Vec::with_capacity(open.len());
    loop {
        match tokio::time::timeout_at(deadline, tasks.join_next()).await {
            Ok(Some(Ok(results))) => finished.extend(results),
            // A task that panicked leaves its calls open; the next round sends them again.
            Ok(Some(Err(problem))) => tracing::error!(%problem, "a presence batch task failed"),
            Ok(None) => break,
            Err(_) => {
                // Calls cut off here are idempotent writes or reads: sending them again later,
                // or not at all, is safe.
                tasks.abort_all();
                break;
            }
        }
    }
    finished
}

#[cfg(test)]
mod tests;
