//! Counts what reached the simulated tenant, from its request log: HTTP requests (a `$batch` is
//! one) apart from the presence calls inside batches, and the 429s among both.
//!
//! The log is read and cleared between engine steps, when no request is in flight; a gap in the
//! sequence numbers means records were dropped, and is an error rather than a wrong count.

use relay_sim::{Endpoint, RequestRecord, SimControl};
use serde::Serialize;

use crate::error::BenchError;

/// Traffic seen by the simulated tenant (the token endpoint is counted apart).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Traffic {
    /// Graph HTTP requests: `$batch` requests plus requests sent on their own.
    pub http_requests: u64,
    /// `$batch` HTTP requests.
    pub batches: u64,
    /// Presence calls inside those batches.
    pub batch_items: u64,
    /// Presence writes sent on their own (not in a batch).
    pub single_writes: u64,
    /// Presence reads (`getPresencesByUserId`, `GET presence`), on their own or in a batch.
    pub reads: u64,
    /// 429 answers, to HTTP requests or to items in a batch.
    pub throttled: u64,
    /// Other answers outside 2xx (and 404 from clearPresence with no session).
    pub other_failures: u64,
    pub token_requests: u64,
}

impl Traffic {
    /// Presence calls Graph's budget counts: each batch item and each request on its own.
    pub fn budget_units(&self) -> u64 {
        self.http_requests - self.batches + self.batch_items
    }

    fn add(&mut self, record: &RequestRecord) {
        if record.endpoint == Endpoint::Token {
            self.token_requests += 1;
            return;
        }
        let in_batch = record.batch.is_some();
        match record.endpoint {
            Endpoint::Batch => {
                self.http_requests += 1;
                self.batches += 1;
            }
            _ if in_batch => self.batch_items += 1,
            _ => self.http_requests += 1,
        }
        match record.endpoint {
            Endpoint::GetPresence | Endpoint::GetPresencesByUserId => self.reads += 1,
            Endpoint::Batch | Endpoint::Token | Endpoint::Other => {}
            _ if !in_batch => self.single_writes += 1,
            _ => {}
        }
        match record.status {
            Some(429) => self.throttled += 1,
            Some(status) if (200..300).contains(&status) => {}
            Some(404) if record.endpoint == Endpoint::ClearPresence => {}
            _ => self.other_failures += 1,
        }
    }
}

/// Reads the simulator's log as it grows.
#[derive(Debug)]
pub struct TrafficMeter {
    sim: SimControl,
    last_seq: u64,
    total: Traffic,
}

impl TrafficMeter {
    /// Counts every request of a simulator from its start; create it before the first request
    /// (use [`Self::take`] to count phases apart).
    pub fn new(sim: SimControl) -> Self {
        Self {
            sim,
            last_seq: 0,
            total: Traffic::default(),
        }
    }

    /// Adds what was logged since the last call; call it only while no request is in flight.
    pub fn collect(&mut self) -> Result<&Traffic, BenchError> {
        let records = self.sim.requests_since(self.last_seq, usize::MAX);
        self.sim.clear_requests();
        for record in &records {
            if record.seq != self.last_seq + 1 {
                return Err(BenchError::LostRecords {
                    lost: record.seq.saturating_sub(self.last_seq + 1),
                });
            }
            self.last_seq = record.seq;
            self.total.add(record);
        }
        Ok(&self.total)
    }

    /// Everything counted so far; starts again from zero.
    pub fn take(&mut self) -> Result<Traffic, BenchError> {
        self.collect()?;
        Ok(std::mem::take(&mut self.total))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use relay_sim::{BatchRef, Outcome};

    use super::*;

    fn record(endpoint: Endpoint, status: u16, in_batch: bool) -> RequestRecord {
        RequestRecord {
            seq: 0,
            at: DateTime::<Utc>::UNIX_EPOCH,
            method: "POST".to_owned(),
            path: "/v1.0/x".to_owned(),
            endpoint,
            app_id: None,
            status: Some(status),
            outcome: Outcome::Handled,
            error_code: None,
            request_id: "r".to_owned(),
            client_request_id: None,
            batch: in_batch.then(|| BatchRef {
                batch_request_id: "b".to_owned(),
                id: "0".to_owned(),
            }),
            body: None,
        }
    }

    #[test]
    fn a_batch_is_one_request_and_its_items_count_against_the_budget() {
        let mut traffic = Traffic::default();
        for record in [
            record(Endpoint::Token, 200, false),
            record(Endpoint::Batch, 200, false),
            record(Endpoint::SetPresence, 200, true),
            record(Endpoint::SetPresence, 429, true),
            record(Endpoint::SetPresence, 200, false),
            record(Endpoint::GetPresencesByUserId, 200, false),
            record(Endpoint::ClearPresence, 404, false),
            record(Endpoint::SetPresence, 503, false),
        ] {
            traffic.add(&record);
        }
        assert_eq!(
            traffic,
            Traffic {
                http_requests: 5,
                batches: 1,
                batch_items: 2,
                single_writes: 3,
                reads: 1,
                throttled: 1,
                other_failures: 1,
                token_requests: 1,
            }
        );
        assert_eq!(traffic.budget_units(), 6);
    }
}
