//! Where requests go: the per-cloud hosts and `.default` scopes in one table, the URL overrides
//! (config and environment) and the URLs derived from them.
//!
//! Overrides change where requests are sent, never what the token is for: the scope stays the
//! cloud's real `.default` scope, so a proxy or a simulated tenant sees the same token requests
//! the real service would. Facts: `shared/reference/graph-presence.md` §11, §12.

use relay_core::config::Cloud;

use crate::error::{GraphError, GraphErrorKind};

/// Names a sign-in host root such as `https://login.microsoftonline.com`; the client appends
/// `/{tenant}/oauth2/v2.0/token`.
pub const AUTHORITY_URL_ENV: &str = "PRESENCE_RELAY_AUTHORITY_URL";
/// Names a Graph root such as `https://graph.microsoft.com`; the client appends `/v1.0/...`.
pub const GRAPH_URL_ENV: &str = "PRESENCE_RELAY_GRAPH_URL";

/// The hosts of one cloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CloudHosts {
    /// Sign-in host root (Entra authority).
    pub authority: &'static str,
    /// Graph root, without the version.
    pub graph: &'static str,
    /// The scope of an app-only Graph token in this cloud.
    pub scope: &'static str,
}

/// The hosts for `cloud`, or an error for China, where Graph has no presence APIs.
pub fn cloud_hosts(cloud: Cloud) -> Result<CloudHosts, GraphErrorKind> {
    match cloud {
        Cloud::Global => Ok(CloudHosts {
            authority: "https://login.microsoftonline.com",
            graph: "https://graph.microsoft.com",
            scope: "https://graph.microsoft.com/.default",
        }),
        Cloud::UsGovL4 => Ok(CloudHosts {
            authority: "https://login.microsoftonline.us",
            graph: "https://graph.microsoft.us",
            scope: "https://graph.microsoft.us/.default",
        }),
        Cloud::UsGovL5 => Ok(CloudHosts {
            authority: "https://login.microsoftonline.us",
            graph: "https://dod-graph.microsoft.us",
            scope: "https://dod-graph.microsoft.us/.default",
        }),
        Cloud::China => Err(GraphErrorKind::UnsupportedCloud),
    }
}

/// Service roots that replace a cloud's own hosts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlOverrides {
    pub authority_url: Option<String>,
    pub graph_url: Option<String>,
}

impl UrlOverrides {
    /// Reads [`AUTHORITY_URL_ENV`] and [`GRAPH_URL_ENV`] through `lookup` (pass
    /// `|name| std::env::var(name).ok()` in production). Empty values count as unset.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let read = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        Self {
            authority_url: read(AUTHORITY_URL_ENV),
            graph_url: read(GRAPH_URL_ENV),
        }
    }

    /// Each override from `self` if set, else from `fallback`. Use it as
    /// `UrlOverrides::from_env(..).or(from_config)`: the environment wins, because it is what a
    /// test run or a support session sets on purpose.
    pub fn or(self, fallback: UrlOverrides) -> Self {
        Self {
            authority_url: self.authority_url.or(fallback.authority_url),
            graph_url: self.graph_url.or(fallback.graph_url),
        }
    }
}

/// Every URL the client uses, resolved once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// `{authority}/{tenant}/oauth2/v2.0/token`; also the `aud` of a client assertion.
    pub token_url: String,
    /// `{graph}/v1.0`; request paths are appended to it.
    pub graph_base: String,
    /// The cloud's real `.default` scope, whatever the overrides say.
    pub scope: String,
    /// Where an administrator grants consent. Always the cloud's real sign-in host: it is opened
    /// by a person in a browser, not by this client.
    pub consent_url: String,
}

impl Endpoints {
    pub fn resolve(
        cloud: Cloud,
        tenant: &str,
        client_id: &str,
        overrides: &UrlOverrides,
    ) -> Result<Self, GraphError> {
        let hosts =
            cloud_hosts(cloud).map_err(|kind| GraphError::new(kind, "resolving the cloud"))?;
        check_identifier("tenant", tenant)?;
        check_identifier("client ID", client_id)?;
        let authority = match &overrides.authority_url {
            Some(url) => service_root(url, AUTHORITY_URL_ENV)?,
            None => hosts.authority.to_owned(),
        };
        let graph = match &overrides.graph_url {
            Some(url) => service_root(url, GRAPH_URL_ENV)?,
            None => hosts.graph.to_owned(),
        };
        Ok(Self {
            token_url: format!("{authority}/{tenant}/oauth2/v2.0/token"),
            graph_base: format!("{graph}/v1.0"),
            scope: hosts.scope.to_owned(),
            consent_url: format!(
                "{}/{tenant}/adminconsent?client_id={client_id}",
                hosts.authority
            ),
        })
    }
}

/// Tenant and client IDs go into URLs: allow what GUIDs and domain names use, nothing else.
fn check_identifier(what: &str, value: &str) -> Result<(), GraphError> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(GraphError::new(
            GraphErrorKind::Config {
                detail: format!(
                    "the {what} \"{value}\" is not a GUID or domain name; copy it from the app \
                     registration's overview page"
                ),
            },
            "resolving the endpoints",
        ))
    }
}

/// Validates an override and returns it without a trailing slash. `https://` is required, except
/// for loopback hosts (tests and local proxies), so a secret never crosses a network in clear.
fn service_root(url: &str, env_name: &str) -> Result<String, GraphError> {
    let bad = |why: String| {
        GraphError::new(
            GraphErrorKind::Config {
                detail: format!(
                    "the service URL override \"{url}\" (config, or {env_name}) {why}; write a \
                     root such as https://login.microsoftonline.com or https://graph.microsoft.com"
                ),
            },
            "resolving the endpoints",
        )
    };
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| bad(format!("is not a URL ({e})")))?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("has a query or fragment".to_owned()));
    }
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(bad(
                "uses plain http, which is only allowed for loopback addresses".to_owned(),
            ))
        }
        other => return Err(bad(format!("uses the scheme {other}:"))),
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_overrides() -> UrlOverrides {
        UrlOverrides::default()
    }

    #[test]
    fn each_cloud_has_its_hosts_and_scope() {
        let cases = [
            (
                Cloud::Global,
                "https://login.microsoftonline.com/t1/oauth2/v2.0/token",
                "https://graph.microsoft.com/v1.0",
                "https://graph.microsoft.com/.default",
            ),
            (
                Cloud::UsGovL4,
                "https://login.microsoftonline.us/t1/oauth2/v2.0/token",
                "https://graph.microsoft.us/v1.0",
                "https://graph.microsoft.us/.default",
            ),
            (
                Cloud::UsGovL5,
                "https://login.microsoftonline.us/t1/oauth2/v2.0/token",
                "https://dod-graph.microsoft.us/v1.0",
                "https://dod-graph.microsoft.us/.default",
            ),
        ];
        for (cloud, token_url, graph_base, scope) in cases {
            let endpoints =
                Endpoints::resolve(cloud, "t1", "c1", &no_overrides()).expect("resolves");
            assert_eq!(endpoints.token_url, token_url);
            assert_eq!(endpoints.graph_base, graph_base);
            assert_eq!(endpoints.scope, scope);
        }
    }

    #[test]
    fn china_is_refused_with_the_reason() {
        let err = Endpoints::resolve(Cloud::China, "t1", "c1", &no_overrides())
            .expect_err("no presence in China");
        assert_eq!(err.code(), "unsupported_cloud");
        assert!(err.to_string().contains("no presence APIs"), "{err}");
    }

    #[test]
    fn overrides_move_the_hosts_but_keep_the_real_scope_and_consent_host() {
        let overrides = UrlOverrides {
            authority_url: Some("http://127.0.0.1:4000/".into()),
            graph_url: Some("https://proxy.example.com/graph".into()),
        };
        let endpoints =
            Endpoints::resolve(Cloud::UsGovL4, "contoso.onmicrosoft.us", "c1", &overrides)
                .expect("resolves");
        assert_eq!(
            endpoints.token_url,
            "http://127.0.0.1:4000/contoso.onmicrosoft.us/oauth2/v2.0/token"
        );
        assert_eq!(endpoints.graph_base, "https://proxy.example.com/graph/v1.0");
        assert_eq!(endpoints.scope, "https://graph.microsoft.us/.default");
        assert_eq!(
            endpoints.consent_url,
            "https://login.microsoftonline.us/contoso.onmicrosoft.us/adminconsent?client_id=c1"
        );
    }

    #[test]
    fn plain_http_is_only_allowed_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            let overrides = UrlOverrides {
                graph_url: Some(ok.into()),
                ..UrlOverrides::default()
            };
            assert!(
                Endpoints::resolve(Cloud::Global, "t", "c", &overrides).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "http://graph.example.com",
            "ftp://127.0.0.1",
            "graph.microsoft.com",
            "https://x.example.com/?a=b",
        ] {
            let overrides = UrlOverrides {
                authority_url: Some(bad.into()),
                ..UrlOverrides::default()
            };
            let err = Endpoints::resolve(Cloud::Global, "t", "c", &overrides).expect_err(bad);
            assert_eq!(err.code(), "config");
            assert!(err.to_string().contains(AUTHORITY_URL_ENV), "{err}");
        }
    }

    #[test]
    fn identifiers_that_would_bend_the_url_are_refused() {
        for tenant in ["", "a/b", "t?x=1", "t 1"] {
            let err =
                Endpoints::resolve(Cloud::Global, tenant, "c", &no_overrides()).expect_err(tenant);
            assert_eq!(err.code(), "config");
        }
    }

    #[test]
    fn environment_overrides_win_over_config_and_empty_values_are_unset() {
        let env = |name: &str| match name {
            AUTHORITY_URL_ENV => Some("http://127.0.0.1:1".to_owned()),
            GRAPH_URL_ENV => Some("  ".to_owned()),
            _ => None,
        };
        let from_config = UrlOverrides {
            authority_url: Some("https://config-authority.example".into()),
            graph_url: Some("https://config-graph.example".into()),
        };
        let merged = UrlOverrides::from_env(env).or(from_config);
        assert_eq!(merged.authority_url.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(
            merged.graph_url.as_deref(),
            Some("https://config-graph.example")
        );
    }
}
