//! What the simulator records about the traffic it saw: counters and a bounded request log.
//!
//! Inner requests of a `$batch` are recorded and counted like plain requests (they are checked,
//! throttled and faulted one by one), with a reference to their batch.

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The operation a request addressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Endpoint {
    /// `POST /{tenant}/oauth2/v2.0/token`
    Token,
    GetPresence,
    GetPresencesByUserId,
    SetPresence,
    ClearPresence,
    SetUserPreferredPresence,
    ClearUserPreferredPresence,
    SetStatusMessage,
    /// `POST /v1.0/$batch` itself (its inner requests count under their own endpoints).
    Batch,
    /// Anything else under the Graph root (unknown paths, `/me`).
    Other,
}

/// Running totals since start (or the last reset).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    pub requests_by_endpoint: BTreeMap<Endpoint, u64>,
    /// Every status sent: token endpoint, Graph requests, and each inner `$batch` response.
    pub responses_by_status: BTreeMap<u16, u64>,
    /// Requests that arrived while a `Retry-After` given for them was still running.
    pub early_retries: u64,
    /// 429s from the presence budget (not injected ones, not early retries).
    pub throttled: u64,
    /// Injected error statuses (dropped connections are counted apart).
    pub faults_injected: u64,
    pub connections_dropped: u64,
    pub tokens_issued: u64,
}

impl Counters {
    pub fn requests(&self, endpoint: Endpoint) -> u64 {
        self.requests_by_endpoint
            .get(&endpoint)
            .copied()
            .unwrap_or(0)
    }

    pub fn responses(&self, status: u16) -> u64 {
        self.responses_by_status.get(&status).copied().unwrap_or(0)
    }

    pub(crate) fn count_request(&mut self, endpoint: Endpoint) {
        *self.requests_by_endpoint.entry(endpoint).or_default() += 1;
    }

    pub(crate) fn count_response(&mut self, status: u16) {
        *self.responses_by_status.entry(status).or_default() += 1;
    }
}

/// How the simulator dealt with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Handled: success, or an error a real tenant would give (401, 403, 400, 404 ...).
    Handled,
    /// Came while a Retry-After was running: a fresh 429.
    EarlyRetry,
    /// Over the presence budget: 429.
    Throttled,
    /// Answered with an injected error status.
    InjectedFault,
    /// The connection was closed without an answer.
    Dropped,
}

/// Where an inner request of a `$batch` came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRef {
    /// `request-id` of the outer `$batch` response.
    pub batch_request_id: String,
    /// The inner request's `id`.
    pub id: String,
}

/// One request as the simulator saw it. Token requests are logged without their body (it holds
/// the credential); Graph bodies are logged as sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// Position in the log, from 1; `GET /_sim/requests?since=N` returns later ones.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub method: String,
    pub path: String,
    pub endpoint: Endpoint,
    /// The calling app, when its token (or token request) named one.
    pub app_id: Option<Uuid>,
    /// `None` when the connection was dropped.
    pub status: Option<u16>,
    pub outcome: Outcome,
    /// Graph error `code`, or `AADSTSnnnn` for the token endpoint.
    pub error_code: Option<String>,
    pub request_id: String,
    pub client_request_id: Option<String>,
    pub batch: Option<BatchRef>,
    pub body: Option<serde_json::Value>,
}

/// The most recent requests, oldest dropped first.
#[derive(Debug)]
pub(crate) struct RequestLog {
    capacity: usize,
    next_seq: u64,
    entries: VecDeque<RequestRecord>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            next_seq: 1,
            entries: VecDeque::new(),
        }
    }

    /// Stores a record, assigning its `seq`.
    pub(crate) fn push(&mut self, mut record: RequestRecord) {
        record.seq = self.next_seq;
        self.next_seq += 1;
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(record);
    }

    /// Records after `since`, oldest first, at most `limit`.
    pub(crate) fn since(&self, since: u64, limit: usize) -> Vec<RequestRecord> {
        self.entries
            .iter()
            .filter(|record| record.seq > since)
            .take(limit)
            .cloned()
            .collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> RequestRecord {
        RequestRecord {
            seq: 0,
            at: DateTime::<Utc>::UNIX_EPOCH,
            method: "GET".to_owned(),
            path: "/v1.0/users/x/presence".to_owned(),
            endpoint: Endpoint::GetPresence,
            app_id: None,
            status: Some(200),
            outcome: Outcome::Handled,
            error_code: None,
            request_id: "r".to_owned(),
            client_request_id: None,
            batch: None,
            body: None,
        }
    }

    #[test]
    fn log_is_bounded_and_numbered() {
        let mut log = RequestLog::new(3);
        for _ in 0..5 {
            log.push(record());
        }
        let seqs: Vec<u64> = log.since(0, 10).iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [3, 4, 5]);
        let later: Vec<u64> = log.since(4, 10).iter().map(|r| r.seq).collect();
        assert_eq!(later, [5]);
        assert_eq!(log.since(0, 1).len(), 1);
        log.clear();
        assert!(log.since(0, 10).is_empty());
        log.push(record());
        assert_eq!(
            log.since(0, 10)[0].seq,
            6,
            "numbering continues after a clear"
        );
    }

    #[test]
    fn counters_serialize_with_readable_keys() {
        let mut counters = Counters::default();
        counters.count_request(Endpoint::SetPresence);
        counters.count_response(429);
        let json = serde_json::to_value(&counters).expect("serializes");
        assert_eq!(json["requestsByEndpoint"]["setPresence"], 1);
        assert_eq!(json["responsesByStatus"]["429"], 1);
        let back: Counters = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back, counters);
    }
}
