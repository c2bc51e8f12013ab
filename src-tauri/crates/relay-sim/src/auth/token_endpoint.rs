//! `POST /{tenant}/oauth2/v2.0/token`: the client-credentials grant, with a client secret (form
//! or HTTP Basic) or a certificate assertion, answering like Entra ID does.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use http::Method;
use serde_json::{json, Value};
use uuid::Uuid;

use super::access_token::{ClientAuthMethod, TokenGrant};
use super::assertion::{self, AssertionCheck};
use super::entra_error::EntraError;
use crate::ids::GRAPH_APP_ID;
use crate::inspect::{Endpoint, Outcome, RequestRecord};
use crate::model::directory::SecretCheck;
use crate::tenant::Tenant;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Graph roots of the Microsoft clouds; a scope names one of them (or the simulator's own root,
/// or Graph's app id) followed by `/.default`.
pub(crate) const CLOUD_GRAPH_ROOTS: [&str; 4] = [
    "https://graph.microsoft.com",
    "https://graph.microsoft.us",
    "https://dod-graph.microsoft.us",
    "https://microsoftgraph.chinacloudapi.cn",
];

/// Sign-in hosts of the Microsoft clouds: an assertion's `aud` may name any of them.
const LOGIN_HOSTS: [&str; 4] = [
    "https://login.microsoftonline.com",
    "https://login.microsoftonline.us",
    "https://login.chinacloudapi.cn",
    "https://login.partner.microsoftonline.cn",
];

/// The parts of an HTTP request the token endpoint reads.
#[derive(Debug)]
pub(crate) struct TokenRequest<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    /// The `{tenant}` path segment.
    pub(crate) tenant: &'a str,
    pub(crate) content_type: Option<&'a str>,
    pub(crate) authorization: Option<&'a str>,
    pub(crate) client_request_id: Option<&'a str>,
    pub(crate) body: &'a [u8],
}

/// The answer: status and JSON body.
#[derive(Debug)]
pub(crate) struct TokenResponse {
    pub(crate) status: u16,
    pub(crate) body: Value,
    /// Sent as `x-ms-request-id`.
    pub(crate) trace_id: Uuid,
}

/// The form parameters, first value of each name.
#[derive(Debug, Default)]
struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    client_assertion_type: Option<String>,
    client_assertion: Option<String>,
    scope: Option<String>,
}

impl TokenForm {
    fn parse(request: &TokenRequest<'_>) -> Self {
        let mut form = TokenForm::default();
        // Entra reads only form bodies; any other body is as good as none.
        let is_form = request.content_type.is_none_or(|content_type| {
            content_type
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        if is_form {
            for (name, value) in form_urlencoded::parse(request.body) {
                let slot = match name.as_ref() {
                    "grant_type" => &mut form.grant_type,
                    "client_id" => &mut form.client_id,
                    "client_secret" => &mut form.client_secret,
                    "client_assertion_type" => &mut form.client_assertion_type,
                    "client_assertion" => &mut form.client_assertion,
                    "scope" => &mut form.scope,
                    _ => continue,
                };
                if slot.is_none() {
                    *slot = Some(value.into_owned());
                }
            }
        }
        // HTTP Basic client authentication: base64(urlencode(id):urlencode(secret)).
        if let Some((id, secret)) = request.authorization.and_then(basic_credentials) {
            form.client_id.get_or_insert(id);
            form.client_secret.get_or_insert(secret);
        }
        form
    }
}

fn basic_credentials(header: &str) -> Option<(String, String)> {
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |text: &str| {
        form_urlencoded::parse(format!("x={text}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

/// Handles one token request, and records it.
pub(crate) fn handle(
    tenant: &mut Tenant,
    request: &TokenRequest<'_>,
    now: DateTime<Utc>,
) -> TokenResponse {
    let trace_id = tenant.next_guid();
    let correlation_id = request
        .client_request_id
        .map(str::to_owned)
        .unwrap_or_else(|| tenant.next_guid().to_string());
    let form = TokenForm::parse(request);
    let app_id = form
        .client_id
        .as_deref()
        .and_then(|id| Uuid::parse_str(id.trim()).ok());
    let (status, body, error_code) = match issue(tenant, request, &form, now) {
        Ok(body) => {
            tenant.counters.tokens_issued += 1;
            (200, body, None)
        }
        Err(error) => (
            error.status,
            error.body(now, trace_id, &correlation_id),
            Some(format!("AADSTS{}", error.code)),
        ),
    };
    tenant.counters.count_request(Endpoint::Token);
    tenant.counters.count_response(status);
    tenant.log.push(RequestRecord {
        seq: 0,
        at: now,
        method: request.method.to_string(),
        path: request.path.to_owned(),
        endpoint: Endpoint::Token,
        app_id,
        status: Some(status),
        outcome: Outcome::Handled,
        error_code,
        request_id: trace_id.to_string(),
        client_request_id: request.client_request_id.map(str::to_owned),
        batch: None,
        // The form holds the credential: never logged.
        body: None,
    });
    tracing::debug!(status, tenant = request.tenant, "token request");
    TokenResponse {
        status,
        body,
        trace_id,
    }
}

fn issue(
    tenant: &mut Tenant,
    request: &TokenRequest<'_>,
    form: &TokenForm,
    now: DateTime<Utc>,
) -> Result<Value, EntraError> {
    if *request.method != Method::POST {
        return Err(EntraError::post_only());
    }
    let path_tenant = request.tenant;
    let tenant_matches = Uuid::parse_str(path_tenant).is_ok_and(|id| id == tenant.tenant_id)
        || path_tenant.eq_ignore_ascii_case(&tenant.domain);
    if !tenant_matches {
        return Err(EntraError::tenant_not_found(path_tenant));
    }

    let grant_type = form
        .grant_type
        .as_deref()
        .ok_or_else(|| EntraError::missing_parameter("grant_type"))?;
    if grant_type != "client_credentials" {
        return Err(EntraError::unsupported_grant_type(grant_type));
    }
    let client_id = form
        .client_id
        .as_deref()
        .map(str::trim)
        .ok_or_else(|| EntraError::missing_parameter("client_id"))?;
    let app = Uuid::parse_str(client_id)
        .ok()
        .and_then(|id| tenant.apps.get(&id))
        .ok_or_else(|| EntraError::app_not_found(client_id, path_tenant))?;

    let scope = form
        .scope
        .as_deref()
        .ok_or_else(|| EntraError::missing_parameter("scope"))?;
    let audience = audience_for_scope(scope, &tenant.base_url)
        .ok_or_else(|| EntraError::invalid_scope(scope))?;

    let auth_method = match (&form.client_assertion_type, &form.client_secret) {
        (Some(assertion_type), _) => {
            if assertion_type != JWT_BEARER {
                return Err(EntraError::malformed_assertion(&format!(
                    "client_assertion_type must be {JWT_BEARER}."
                )));
            }
            let assertion = form
                .client_assertion
                .as_deref()
                .ok_or_else(|| EntraError::missing_parameter("client_assertion"))?;
            let audiences = assertion_audiences(&tenant.base_url, path_tenant);
            assertion::verify(
                assertion,
                &AssertionCheck {
                    client_id,
                    certificates: &app.certificates,
                    audiences: &audiences,
                    now,
                },
            )?;
            ClientAuthMethod::Certificate
        }
        (None, Some(secret)) => {
            match app.check_secret(secret, now) {
                SecretCheck::Valid => {}
                SecretCheck::Expired => return Err(EntraError::expired_secret(client_id)),
                SecretCheck::Unknown => return Err(EntraError::invalid_secret(client_id)),
            }
            ClientAuthMethod::Secret
        }
        (None, None) => return Err(EntraError::no_credential()),
    };

    let grant = TokenGrant {
        tenant_id: tenant.tenant_id,
        app_id: app.registration.client_id,
        app_display_name: app.registration.display_name.clone(),
        roles: app.registration.roles.clone(),
        audience,
        auth_method,
    };
    let token_id = tenant.next_guid();
    let lifetime = tenant.token_lifetime;
    let access_token = tenant.issuer.issue(&grant, now, lifetime, token_id);
    Ok(json!({
        "token_type": "Bearer",
        "expires_in": lifetime.num_seconds(),
        "ext_expires_in": lifetime.num_seconds(),
        "access_token": access_token,
    }))
}

/// The token audience for a client-credentials scope: exactly one `{resource}/.default`, where
/// the resource is a cloud's Graph root, Graph's app id, or this simulator's root.
fn audience_for_scope(scope: &str, base_url: &str) -> Option<String> {
    let mut scopes = scope.split_whitespace();
    let only = scopes.next()?;
    if scopes.next().is_some() {
        return None;
    }
    let resource = only.strip_suffix("/.default")?;
    CLOUD_GRAPH_ROOTS
        .iter()
        .copied()
        .chain([GRAPH_APP_ID, base_url])
        .find(|known| known.eq_ignore_ascii_case(resource))
        .map(str::to_owned)
}

/// Token endpoint URLs a client may have put in an assertion's `aud`.
fn assertion_audiences(base_url: &str, path_tenant: &str) -> Vec<String> {
    std::iter::once(base_url)
        .chain(LOGIN_HOSTS)
        .map(|host| format!("{host}/{path_tenant}/oauth2/v2.0/token"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_must_name_one_known_resource_with_default() {
        let base = "http://127.0.0.1:4000";
        assert_eq!(
            audience_for_scope("https://graph.microsoft.com/.default", base).as_deref(),
            Some("https://graph.microsoft.com")
        );
        assert_eq!(
            audience_for_scope("https://dod-graph.microsoft.us/.default", base).as_deref(),
            Some("https://dod-graph.microsoft.us")
        );
        assert_eq!(
            audience_for_scope("http://127.0.0.1:4000/.default", base).as_deref(),
            Some(base)
        );
        assert_eq!(
            audience_for_scope("00000003-0000-0000-c000-000000000000/.default", base).as_deref(),
            Some(GRAPH_APP_ID)
        );
        for bad in [
            "",
            "https://graph.microsoft.com/.defualt",
            "https://graph.microsoft.com/Presence.ReadWrite.All",
            "https://graph.microsoft.com/.default openid",
            "https://example.com/.default",
        ] {
            assert_eq!(audience_for_scope(bad, base), None, "{bad}");
        }
    }

    #[test]
    fn basic_credentials_are_url_decoded() {
        let header = format!("Basic {}", STANDARD.encode("my%20app:p%40ss"));
        assert_eq!(
            basic_credentials(&header),
            Some(("my app".to_owned(), "p@ss".to_owned()))
        );
        assert_eq!(basic_credentials("Bearer abc"), None);
    }
}
