//! The access tokens the simulated tenant issues and Graph accepts.
//!
//! They look like Entra's v1.0 app tokens (header.payload.signature with `tid`, `appid`, `azp`,
//! `roles`, `aud`, `exp` ...) but are signed with HMAC-SHA256 under a key only this simulator
//! holds, so a forged or altered token fails verification. Clients must treat them as opaque,
//! as they must treat Entra's.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use uuid::Uuid;

use super::jwt::{encode_segment, signing_input, CompactJws};
use crate::ids::signing_key;

type HmacSha256 = Hmac<Sha256>;

/// How the app proved who it is (Entra's `appidacr`: 1 = secret, 2 = certificate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientAuthMethod {
    Secret,
    Certificate,
}

/// What a token is issued for.
#[derive(Clone, Debug)]
pub(crate) struct TokenGrant {
    pub(crate) tenant_id: Uuid,
    pub(crate) app_id: Uuid,
    pub(crate) app_display_name: String,
    pub(crate) roles: Vec<String>,
    pub(crate) audience: String,
    pub(crate) auth_method: ClientAuthMethod,
}

/// A token that passed signature and lifetime checks.
#[derive(Clone, Debug)]
pub(crate) struct VerifiedToken {
    pub(crate) tenant_id: Uuid,
    pub(crate) app_id: Uuid,
    pub(crate) audience: String,
    pub(crate) roles: Vec<String>,
}

/// Why Graph refuses a bearer token (401 `InvalidAuthenticationToken`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenRejection {
    Missing,
    Malformed,
    BadSignature,
    Expired,
    WrongAudience,
    WrongTenant,
}

impl TokenRejection {
    pub(crate) fn message(self) -> &'static str {
        match self {
            TokenRejection::Missing => "Access token is empty.",
            TokenRejection::Malformed => "CompactToken parsing failed with error code: 80049217",
            TokenRejection::BadSignature => "Access token validation failure. Invalid signature.",
            TokenRejection::Expired => "Lifetime validation failed, the token is expired.",
            TokenRejection::WrongAudience => "Access token validation failure. Invalid audience.",
            TokenRejection::WrongTenant => "Access token validation failure. Invalid issuer.",
        }
    }
}

/// Signs and verifies access tokens. Rotating the key revokes every token issued so far.
#[derive(Debug)]
pub(crate) struct TokenIssuer {
    seed: u64,
    generation: u64,
    key: [u8; 32],
}

impl TokenIssuer {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            seed,
            generation: 0,
            key: signing_key(seed, 0),
        }
    }

    pub(crate) fn rotate(&mut self) {
        self.generation += 1;
        self.key = signing_key(self.seed, self.generation);
    }

    fn mac(&self, input: &str) -> HmacSha256 {
        // HMAC takes keys of any length, so a 32-byte key cannot be refused.
        let mut mac =
            HmacSha256::new_from_slice(&self.key).expect("HMAC accepts keys of any length");
        mac.update(input.as_bytes());
        mac
    }

    pub(crate) fn issue(
        &self,
        grant: &TokenGrant,
        now: DateTime<Utc>,
        lifetime: Duration,
        token_id: Uuid,
    ) -> String {
        let issuer = format!("https://sts.windows.net/{}/", grant.tenant_id);
        let mut claims = json!({
            "aud": grant.audience,
            "iss": issuer,
            "iat": now.timestamp(),
            "nbf": now.timestamp(),
            "exp": (now + lifetime).timestamp(),
            "app_displayname": grant.app_display_name,
            "appid": grant.app_id.to_string(),
            "azp": grant.app_id.to_string(),
            "appidacr": match grant.auth_method {
                ClientAuthMethod::Secret => "1",
                ClientAuthMethod::Certificate => "2",
            },
            "idp": issuer,
            "idtyp": "app",
            "oid": grant.app_id.to_string(),
            "sub": grant.app_id.to_string(),
            "tid": grant.tenant_id.to_string(),
            "uti": token_id.to_string(),
            "ver": "1.0",
        });
        // Entra omits `roles` when the app holds none.
        if !grant.roles.is_empty() {
            claims["roles"] = json!(grant.roles);
        }
        let header =
            json!({"typ": "JWT", "alg": "HS256", "kid": format!("relay-sim-{}", self.generation)});
        let input = signing_input(&header, &claims);
        let signature = self.mac(&input).finalize().into_bytes();
        format!("{input}.{}", encode_segment(&signature))
    }

    /// Checks signature and lifetime. Audience and tenant are the caller's to compare, since
    /// they depend on which host the request came to.
    pub(crate) fn verify(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<VerifiedToken, TokenRejection> {
        if token.trim().is_empty() {
            return Err(TokenRejection::Missing);
        }
        let jws = CompactJws::parse(token.trim()).ok_or(TokenRejection::Malformed)?;
        self.mac(jws.signing_input)
            .verify_slice(&jws.signature)
            .map_err(|_| TokenRejection::BadSignature)?;
        let expires = jws.claim_seconds("exp").ok_or(TokenRejection::Malformed)?;
        if now.timestamp() >= expires {
            return Err(TokenRejection::Expired);
        }
        let uuid_claim = |name: &str| {
            jws.claim_str(name)
                .and_then(|text| Uuid::parse_str(text).ok())
                .ok_or(TokenRejection::Malformed)
        };
        let roles = jws
            .claims
            .get("roles")
            .and_then(Value::as_array)
            .map(|roles| {
                roles
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Ok(VerifiedToken {
            tenant_id: uuid_claim("tid")?,
            app_id: uuid_claim("appid")?,
            audience: jws.claim_str("aud").unwrap_or_default().to_owned(),
            roles,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .expect("valid")
    }

    fn grant() -> TokenGrant {
        TokenGrant {
            tenant_id: Uuid::from_u128(1),
            app_id: Uuid::from_u128(2),
            app_display_name: "Presence Relay".to_owned(),
            roles: vec!["Presence.ReadWrite.All".to_owned()],
            audience: "https://graph.microsoft.com".to_owned(),
            auth_method: ClientAuthMethod::Secret,
        }
    }

    #[test]
    fn issued_tokens_verify_until_they_expire() {
        let issuer = TokenIssuer::new(0);
        let token = issuer.issue(&grant(), now(), Duration::minutes(60), Uuid::nil());
        let verified = issuer.verify(&token, now()).expect("fresh token");
        assert_eq!(verified.app_id, Uuid::from_u128(2));
        assert_eq!(verified.tenant_id, Uuid::from_u128(1));
        assert_eq!(verified.roles, ["Presence.ReadWrite.All"]);
        assert_eq!(verified.audience, "https://graph.microsoft.com");
        assert_eq!(
            issuer
                .verify(&token, now() + Duration::minutes(60))
                .map(|_| ()),
            Err(TokenRejection::Expired)
        );
    }

    #[test]
    fn forged_altered_and_revoked_tokens_fail() {
        let mut issuer = TokenIssuer::new(0);
        let token = issuer.issue(&grant(), now(), Duration::minutes(60), Uuid::nil());
        let other = TokenIssuer::new(99).issue(&grant(), now(), Duration::minutes(60), Uuid::nil());
        assert_eq!(
            issuer.verify(&other, now()).map(|_| ()),
            Err(TokenRejection::BadSignature)
        );
        // Swap in a payload granting more roles, keeping the old signature.
        let (header, rest) = token.split_once('.').expect("dots");
        let (_, signature) = rest.split_once('.').expect("dots");
        let payload = encode_segment(br#"{"roles":["Everything"],"exp":9999999999}"#);
        let altered = format!("{header}.{payload}.{signature}");
        assert_eq!(
            issuer.verify(&altered, now()).map(|_| ()),
            Err(TokenRejection::BadSignature)
        );
        assert_eq!(
            issuer.verify("", now()).map(|_| ()),
            Err(TokenRejection::Missing)
        );
        assert_eq!(
            issuer.verify("opaque", now()).map(|_| ()),
            Err(TokenRejection::Malformed)
        );
        issuer.rotate();
        assert_eq!(
            issuer.verify(&token, now()).map(|_| ()),
            Err(TokenRejection::BadSignature)
        );
    }
}
