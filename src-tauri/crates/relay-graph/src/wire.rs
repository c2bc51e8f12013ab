//! One HTTP answer as the rest of the crate sees it, and Graph's error body.

use std::collections::HashMap;

use serde::Deserialize;

/// Header names this client reads and writes.
pub(crate) mod header {
    pub const CLIENT_REQUEST_ID: &str = "client-request-id";
    pub const RETURN_CLIENT_REQUEST_ID: &str = "return-client-request-id";
    pub const REQUEST_ID: &str = "request-id";
    /// What Entra's token endpoint calls its request ID.
    pub const MS_REQUEST_ID: &str = "x-ms-request-id";
    pub const RETRY_AFTER: &str = "retry-after";
    pub const RETRY_ATTEMPT: &str = "retry-attempt";
    pub const DATE: &str = "date";
}

/// A received answer: status, headers (names lower-cased) and body.
#[derive(Clone, Debug, Default)]
pub(crate) struct Answer {
    pub status: u16,
    headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub(crate) fn new(
        status: u16,
        headers: impl IntoIterator<Item = (String, String)>,
        body: Vec<u8>,
    ) -> Self {
        Self {
            status,
            headers: headers
                .into_iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value))
                .collect(),
            body,
        }
    }

    pub(crate) async fn read(response: reqwest::Response) -> Result<Self, reqwest::Error> {
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                value
                    .to_str()
                    .ok()
                    .map(|v| (name.as_str().to_owned(), v.to_owned()))
            })
            .collect();
        let body = response.bytes().await?.to_vec();
        Ok(Self::new(status, headers, body))
    }

    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Graph's `error` object, if the body is one.
    pub(crate) fn graph_error(&self) -> Option<GraphErrorDetail> {
        serde_json::from_slice::<GraphErrorBody>(&self.body)
            .ok()
            .map(|body| body.error)
    }

    /// The server's request ID: the header, else the one inside the error body.
    pub(crate) fn request_id(&self) -> Option<String> {
        self.header(header::REQUEST_ID)
            .or_else(|| self.header(header::MS_REQUEST_ID))
            .map(str::to_owned)
            .or_else(|| {
                self.graph_error()
                    .and_then(|e| e.inner_error)
                    .and_then(|inner| inner.request_id)
            })
    }

    pub(crate) fn date(&self) -> Option<String> {
        self.header(header::DATE).map(str::to_owned)
    }
}

#[derive(Clone, Debug, Deserialize)]
struct GraphErrorBody {
    error: GraphErrorDetail,
}

/// `{"error":{"code","message","innerError":{…}}}`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub(crate) struct GraphErrorDetail {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, rename = "innerError", alias = "innererror")]
    pub inner_error: Option<InnerError>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub(crate) struct InnerError {
    #[serde(default, rename = "request-id")]
    pub request_id: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_graph_errors_and_ids_from_headers_or_body() {
        let body = br#"{"error":{"code":"TooManyRequests","message":"Please retry again later.",
            "innerError":{"date":"2026-03-02T09:00:00","request-id":"body-id","client-request-id":"c"}}}"#;
        let answer = Answer::new(
            429,
            [("Retry-After".to_owned(), "5".to_owned())],
            body.to_vec(),
        );
        let error = answer.graph_error().expect("error body");
        assert_eq!(error.code.as_deref(), Some("TooManyRequests"));
        assert_eq!(answer.header("RETRY-AFTER"), Some("5"));
        assert_eq!(answer.request_id().as_deref(), Some("body-id"));

        let with_header = Answer::new(
            500,
            [("request-id".to_owned(), "header-id".to_owned())],
            body.to_vec(),
        );
        assert_eq!(with_header.request_id().as_deref(), Some("header-id"));
        assert!(Answer::new(502, [], b"<html>".to_vec())
            .graph_error()
            .is_none());
    }
}
