//! Fault injection in the style of Dev Proxy's GraphRandomErrorPlugin, with a seeded RNG.
//!
//! Two independent draws:
//! - per HTTP request to the Graph API: optional latency, then `drop` percent of requests have
//!   their connection closed without any response;
//! - per Graph operation (a plain request, or each request inside a `$batch`): `rate` percent
//!   get one of `codes` instead of being handled. POST may get 507; GET never does, as in Dev
//!   Proxy. Injected 429 and 503 carry `Retry-After`.
//!
//! A fault is decided before the operation touches any state, so a faulted write changes nothing.
//! The token endpoint and the inspection API are never faulted.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::rng::SimRng;

/// Statuses the simulator can inject.
pub const INJECTABLE_STATUSES: [u16; 6] = [429, 500, 502, 503, 504, 507];

/// What to inject, and how often. `FaultSpec::default()` injects nothing.
///
/// As text (for `--faults` and the inspection API):
/// `rate=30,codes=429+500+502+503+504,drop=5,latency=20-200,retry-after=5,seed=7`; every key is
/// optional, `none` (or an empty string) means no faults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    /// Percent (0-100) of Graph operations answered with one of `codes`.
    #[serde(default)]
    pub rate: u8,
    /// The statuses to pick from; each is equally likely.
    #[serde(default = "all_statuses")]
    pub codes: Vec<u16>,
    /// Percent (0-100) of Graph HTTP requests whose connection is closed without a response.
    #[serde(default)]
    pub drop: u8,
    /// Added delay in milliseconds, drawn evenly from `min..=max`. Off unless set.
    #[serde(default)]
    pub latency_ms: Option<LatencyRange>,
    /// The `Retry-After` (seconds) on injected 429 and 503 responses.
    #[serde(default = "default_retry_after")]
    pub retry_after_seconds: u32,
    /// Seed of the fault RNG: the same seed and the same request order give the same faults.
    #[serde(default)]
    pub seed: u64,
}

/// An inclusive range of milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LatencyRange {
    pub min: u32,
    pub max: u32,
}

fn all_statuses() -> Vec<u16> {
    INJECTABLE_STATUSES.to_vec()
}

fn default_retry_after() -> u32 {
    5
}

impl Default for FaultSpec {
    fn default() -> Self {
        Self {
            rate: 0,
            codes: all_statuses(),
            drop: 0,
            latency_ms: None,
            retry_after_seconds: default_retry_after(),
            seed: 0,
        }
    }
}

impl FaultSpec {
    /// No faults at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether any fault or delay can happen.
    pub fn is_active(&self) -> bool {
        self.rate > 0 || self.drop > 0 || self.latency_ms.is_some()
    }

    /// Checks the ranges a deserialized or hand-built spec may violate.
    pub fn validate(&self) -> Result<(), FaultSpecError> {
        for (key, value) in [("rate", self.rate), ("drop", self.drop)] {
            if value > 100 {
                return Err(FaultSpecError::Percent {
                    key,
                    given: value.to_string(),
                });
            }
        }
        if self.codes.is_empty() {
            return Err(FaultSpecError::NoCodes);
        }
        if let Some(code) = self
            .codes
            .iter()
            .find(|code| !INJECTABLE_STATUSES.contains(code))
        {
            return Err(FaultSpecError::UnsupportedCode {
                given: code.to_string(),
            });
        }
        if let Some(latency) = self.latency_ms {
            if latency.min > latency.max {
                return Err(FaultSpecError::Latency {
                    given: format!("{}-{}", latency.min, latency.max),
                });
            }
        }
        Ok(())
    }
}

impl fmt::Display for FaultSpec {
    /// The canonical text form. An active spec parses back to itself; an inactive one is `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.is_active() {
            return f.write_str("none");
        }
        let codes: Vec<String> = self.codes.iter().map(u16::to_string).collect();
        write!(
            f,
            "rate={},codes={},drop={}",
            self.rate,
            codes.join("+"),
            self.drop
        )?;
        if let Some(latency) = self.latency_ms {
            write!(f, ",latency={}-{}", latency.min, latency.max)?;
        }
        write!(
            f,
            ",retry-after={},seed={}",
            self.retry_after_seconds, self.seed
        )
    }
}

impl FromStr for FaultSpec {
    type Err = FaultSpecError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let mut spec = FaultSpec::default();
        if text.is_empty() || text.eq_ignore_ascii_case("none") {
            return Ok(spec);
        }
        let mut seen: Vec<String> = Vec::new();
        for item in text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            let (key, value) = item
                .split_once('=')
                .map(|(key, value)| (key.trim().to_ascii_lowercase(), value.trim()))
                .ok_or_else(|| FaultSpecError::Syntax {
                    item: item.to_owned(),
                })?;
            if seen.contains(&key) {
                return Err(FaultSpecError::Repeated { key });
            }
            match key.as_str() {
                "rate" => spec.rate = parse_percent("rate", value)?,
                "drop" => spec.drop = parse_percent("drop", value)?,
                "codes" | "statuses" => spec.codes = parse_codes(value)?,
                "latency" => spec.latency_ms = Some(parse_latency(value)?),
                "retry-after" | "retry_after" => {
                    spec.retry_after_seconds =
                        value.parse().map_err(|_| FaultSpecError::Number {
                            key: "retry-after",
                            given: value.to_owned(),
                        })?;
                }
                "seed" => {
                    spec.seed = value.parse().map_err(|_| FaultSpecError::Number {
                        key: "seed",
                        given: value.to_owned(),
                    })?;
                }
                _ => return Err(FaultSpecError::UnknownKey { key }),
            }
            seen.push(key);
        }
        spec.validate()?;
        Ok(spec)
    }
}

fn parse_percent(key: &'static str, value: &str) -> Result<u8, FaultSpecError> {
    let percent = value.trim_end_matches('%');
    match percent.parse::<u8>() {
        Ok(number) if number <= 100 => Ok(number),
        _ => Err(FaultSpecError::Percent {
            key,
            given: value.to_owned(),
        }),
    }
}

fn parse_codes(value: &str) -> Result<Vec<u16>, FaultSpecError> {
    let mut codes = Vec::new();
    for part in value.split(['+', ' ', '|']).filter(|part| !part.is_empty()) {
        let code: u16 = part.parse().map_err(|_| FaultSpecError::UnsupportedCode {
            given: part.to_owned(),
        })?;
        if !INJECTABLE_STATUSES.contains(&code) {
            return Err(FaultSpecError::UnsupportedCode {
                given: part.to_owned(),
            });
        }
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if codes.is_empty() {
        return Err(FaultSpecError::NoCodes);
    }
    Ok(codes)
}

fn parse_latency(value: &str) -> Result<LatencyRange, FaultSpecError> {
    let invalid = || FaultSpecError::Latency {
        given: value.to_owned(),
    };
    let value_ms = value.trim_end_matches("ms");
    let (min, max) = match value_ms
        .split_once("..")
        .or_else(|| value_ms.split_once('-'))
    {
        Some((min, max)) => (min.trim(), max.trim()),
        None => (value_ms.trim(), value_ms.trim()),
    };
    let min: u32 = min.parse().map_err(|_| invalid())?;
    let max: u32 = max.parse().map_err(|_| invalid())?;
    if min > max {
        return Err(invalid());
    }
    Ok(LatencyRange { min, max })
}

/// A fault spec that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FaultSpecError {
    #[error(
        "fault spec item \"{item}\" is not key=value; write e.g. rate=30,codes=429+503,drop=5"
    )]
    Syntax { item: String },
    #[error(
        "unknown fault spec key \"{key}\"; use rate, codes, drop, latency, retry-after or seed"
    )]
    UnknownKey { key: String },
    #[error("fault spec key \"{key}\" is given twice")]
    Repeated { key: String },
    #[error("{key}={given} is not a percentage; use a whole number from 0 to 100")]
    Percent { key: &'static str, given: String },
    #[error("{key}={given} is not a whole number")]
    Number { key: &'static str, given: String },
    #[error(
        "status {given} cannot be injected; use any of 429, 500, 502, 503, 504, 507 joined \
         with +"
    )]
    UnsupportedCode { given: String },
    #[error("codes= lists no status; use e.g. codes=429+500+503")]
    NoCodes,
    #[error("latency={given} is not a range of milliseconds; write latency=100 or latency=50-200")]
    Latency { given: String },
}

/// What happens to an HTTP request before it is handled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TransportFault {
    pub(crate) delay: Option<std::time::Duration>,
    pub(crate) drop_connection: bool,
}

/// An injected error status for one Graph operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InjectedStatus {
    pub(crate) status: u16,
    /// Seconds, for 429 and 503.
    pub(crate) retry_after: Option<u32>,
}

/// The spec plus its RNG; owned by the tenant state so draws happen in request order.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    spec: FaultSpec,
    rng: SimRng,
}

impl FaultInjector {
    pub(crate) fn new(spec: FaultSpec) -> Self {
        let rng = SimRng::new(spec.seed);
        Self { spec, rng }
    }

    pub(crate) fn spec(&self) -> &FaultSpec {
        &self.spec
    }

    pub(crate) fn transport(&mut self) -> TransportFault {
        let delay = self.spec.latency_ms.map(|range| {
            let span = u64::from(range.max - range.min) + 1;
            let millis = u64::from(range.min) + self.rng.below(span);
            std::time::Duration::from_millis(millis)
        });
        let drop_connection = self.rng.chance_percent(self.spec.drop);
        TransportFault {
            delay,
            drop_connection,
        }
    }

    /// Draws whether this operation fails, and with which status.
    pub(crate) fn operation(&mut self, is_get: bool) -> Option<InjectedStatus> {
        if !self.rng.chance_percent(self.spec.rate) {
            return None;
        }
        let candidates: Vec<u16> = self
            .spec
            .codes
            .iter()
            .copied()
            .filter(|code| !(is_get && *code == 507))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let index = usize::try_from(self.rng.below(candidates.len() as u64)).unwrap_or(0);
        let status = candidates[index.min(candidates.len() - 1)];
        let retry_after =
            matches!(status, 429 | 503).then_some(self.spec.retry_after_seconds.max(1));
        Some(InjectedStatus {
            status,
            retry_after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let spec: FaultSpec = "rate=30,codes=429+500+502+503+504,drop=5,seed=7"
            .parse()
            .expect("valid spec");
        assert_eq!(
            spec,
            FaultSpec {
                rate: 30,
                codes: vec![429, 500, 502, 503, 504],
                drop: 5,
                latency_ms: None,
                retry_after_seconds: 5,
                seed: 7,
            }
        );
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "rate=30,codes=429+503,drop=5,latency=20-200,retry-after=2,seed=9",
            "none",
            "latency=100",
        ] {
            let spec: FaultSpec = text.parse().expect("valid spec");
            let again: FaultSpec = spec.to_string().parse().expect("display parses");
            assert_eq!(spec, again, "{text}");
        }
        assert_eq!(FaultSpec::none().to_string(), "none");
        assert_eq!(
            "".parse::<FaultSpec>().expect("empty means none"),
            FaultSpec::none()
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let cases = [
            ("rate", "not key=value"),
            ("rate=130", "rate=130 is not a percentage"),
            ("codes=404", "status 404 cannot be injected"),
            ("codes=", "lists no status"),
            ("jitter=5", "unknown fault spec key \"jitter\""),
            ("rate=1,rate=2", "given twice"),
            ("latency=200-50", "latency=200-50"),
            ("seed=x", "seed=x is not a whole number"),
        ];
        for (text, expected) in cases {
            let err = text.parse::<FaultSpec>().expect_err(text).to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn injector_is_deterministic_per_seed() {
        let spec: FaultSpec = "rate=50,drop=10,seed=42".parse().expect("valid");
        let draw = |spec: &FaultSpec| {
            let mut injector = FaultInjector::new(spec.clone());
            (0..200)
                .map(|_| (injector.transport(), injector.operation(false)))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(&spec), draw(&spec));
        let other = FaultSpec {
            seed: 43,
            ..spec.clone()
        };
        assert_ne!(draw(&spec), draw(&other));
    }

    #[test]
    fn get_never_gets_507_and_retry_after_only_on_429_and_503() {
        let spec: FaultSpec = "rate=100,seed=1".parse().expect("valid");
        let mut injector = FaultInjector::new(spec);
        for _ in 0..500 {
            let fault = injector.operation(true).expect("rate 100 always faults");
            assert_ne!(fault.status, 507);
            assert_eq!(
                fault.retry_after.is_some(),
                matches!(fault.status, 429 | 503)
            );
        }
        let only_507: FaultSpec = "rate=100,codes=507".parse().expect("valid");
        let mut injector = FaultInjector::new(only_507);
        assert_eq!(injector.operation(true), None);
        assert_eq!(injector.operation(false).map(|f| f.status), Some(507));
    }

    #[test]
    fn json_form_fills_defaults() {
        let spec: FaultSpec = serde_json::from_str(r#"{"rate":20,"seed":3}"#).expect("valid json");
        assert_eq!(spec.codes, INJECTABLE_STATUSES.to_vec());
        assert_eq!(spec.retry_after_seconds, 5);
        assert!(serde_json::from_str::<FaultSpec>(r#"{"rat":20}"#).is_err());
    }
}
