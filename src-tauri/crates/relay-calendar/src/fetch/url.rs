//! A calendar at an https (or webcal) URL, fetched with conditional GET.

use std::time::Duration;

use relay_core::Sensitive;
use reqwest::header::{
    HeaderValue, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use reqwest::{StatusCode, Url};

use super::{check_calendar_body, FetchError, Loaded};
use crate::ics::lexer::printable;

/// Most redirects followed (publish links often redirect once or twice).
const MAX_REDIRECTS: usize = 5;

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Plain http is refused except on loopback (local test servers): calendar URLs carry secrets.
fn scheme_allowed(url: &Url) -> bool {
    url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url))
}

/// Parses a calendar URL: `webcal://` and `webcals://` become `https://`; plain `http://` is
/// refused unless the host is loopback.
pub fn normalize_url(raw: &str) -> Result<Url, FetchError> {
    let raw = raw.trim();
    let shown = || {
        // Only scheme and host: the path and query may hold a secret token.
        match Url::parse(raw) {
            Ok(u) => format!("{}://{}/…", u.scheme(), u.host_str().unwrap_or("")),
            Err(_) => format!(
                "'{}'",
                printable(raw.split(['?', '#']).next().unwrap_or(""), 40)
            ),
        }
    };
    let bad = |why: &str| FetchError::BadUrl {
        shown: shown(),
        why: why.into(),
    };
    let lower = raw.to_ascii_lowercase();
    let rewritten = if let Some(rest) = lower
        .strip_prefix("webcals://")
        .or_else(|| lower.strip_prefix("webcal://"))
    {
        // Keep the original case of everything after the scheme (tokens are case-sensitive).
        format!("https://{}", &raw[raw.len() - rest.len()..])
    } else {
        raw.to_string()
    };
    let url = Url::parse(&rewritten).map_err(|e| bad(&e.to_string()))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if !scheme_allowed(&url) {
        return Err(bad(
            "only https:// and webcal:// are accepted (plain http:// would expose the calendar's \
             secret address)",
        ));
    }
    Ok(url)
}

/// The HTTP client for calendar fetches: the platform TLS (see Cargo.toml), gzip, a timeout, redirects only to https.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, FetchError> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else if !scheme_allowed(attempt.url()) {
            attempt.error("a redirect to plain http was refused")
        } else {
            attempt.follow()
        }
    });
    reqwest::Client::builder()
        .user_agent(concat!("presence-relay/", env!("CARGO_PKG_VERSION")))
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(15)))
        .redirect(policy)
        .gzip(true)
        .build()
        .map_err(|e| FetchError::Client {
            reason: e.without_url().to_string(),
        })
}

/// A URL source with its conditional-GET validators.
pub struct UrlSource {
    client: reqwest::Client,
    url: Sensitive<Url>,
    host: String,
    max_bytes: usize,
    etag: Option<HeaderValue>,
    last_modified: Option<HeaderValue>,
}

// Hand-written: the URL is a secret.
impl std::fmt::Debug for UrlSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlSource")
            .field("host", &self.host)
            .field("max_bytes", &self.max_bytes)
            .finish_non_exhaustive()
    }
}

fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut reason = if e.is_timeout() {
        "the request timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        reason.push_str(": ");
        reason.push_str(&s.to_string());
        source = s.source();
    }
    reason
}

fn status_hint(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 | 403 => " (the calendar's address may have been reset or unpublished)",
        404 | 410 => " (the calendar is no longer published at this address)",
        429 => " (too many requests; polling will back off)",
        500..=599 => " (a server error; the last good copy is kept)",
        _ => "",
    }
}

impl UrlSource {
    pub fn new(client: reqwest::Client, url: &str, max_bytes: usize) -> Result<Self, FetchError> {
        let url = normalize_url(url)?;
        Ok(Self {
            client,
            host: url.host_str().unwrap_or_default().to_string(),
            url: Sensitive::new(url),
            max_bytes,
            etag: None,
            last_modified: None,
        })
    }

    /// The host, safe for logs.
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn forget(&mut self) {
        self.etag = None;
        self.last_modified = None;
    }

    fn network(&self, e: reqwest::Error) -> FetchError {
        FetchError::Network {
            host: self.host.clone(),
            reason: describe(e),
        }
    }

    /// Fetches the calendar unless the server says it has not changed.
    pub async fn load(&mut self) -> Result<Loaded, FetchError> {
        let mut request = self.client.get(self.url.expose().clone());
        if let Some(etag) = &self.etag {
            request = request.header(IF_NONE_MATCH, etag.clone());
        }
        if let Some(lm) = &self.last_modified {
            request = request.header(IF_MODIFIED_SINCE, lm.clone());
        }
        let mut response = request.send().await.map_err(|e| self.network(e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED
            && (self.etag.is_some() || self.last_modified.is_some())
        {
            return Ok(Loaded::Unchanged);
        }
        if status != StatusCode::OK {
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(FetchError::Http {
                host: self.host.clone(),
                status: status.as_u16(),
                hint: status_hint(status),
                retry_after,
            });
        }
        let too_large = || FetchError::BodyTooLarge {
            host: self.host.clone(),
            limit: self.max_bytes,
        };
        // With gzip the length is the compressed size: a body already too large compressed is
        // refused before reading; the decompressed size is checked while reading.
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes as u64)
        {
            return Err(too_large());
        }
        let etag = response.headers().get(ETAG).cloned();
        let last_modified = response.headers().get(LAST_MODIFIED).cloned();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.network(e))? {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        check_calendar_body(&body)?;
        // Validators are kept only for a body that was accepted, so a refused one is fetched
        // in full next time.
        self.etag = etag;
        self.last_modified = last_modified;
        Ok(Loaded::Changed(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webcal_becomes_https_and_http_is_refused_off_loopback() {
        let u = normalize_url("webcal://p01-caldav.icloud.com/published/2/AbCdEf").expect("webcal");
        assert_eq!(
            u.as_str(),
            "https://p01-caldav.icloud.com/published/2/AbCdEf"
        );
        let u = normalize_url("WEBCALS://calendar.example.com/x.ics").expect("webcals");
        assert_eq!(u.scheme(), "https");
        assert!(normalize_url("http://127.0.0.1:8080/cal.ics").is_ok());
        assert!(normalize_url("http://localhost/cal.ics").is_ok());
        let err = normalize_url("http://calendar.example.com/private-Secret123/basic.ics")
            .expect_err("plain http")
            .to_string();
        assert!(err.contains("only https://"), "{err}");
        assert!(!err.contains("Secret123"), "the token must not leak: {err}");
        assert!(normalize_url("ftp://example.com/cal.ics").is_err());
        assert!(normalize_url("not a url").is_err());
    }
}
