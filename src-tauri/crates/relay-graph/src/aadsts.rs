//! Turns an Entra token error (`AADSTS…`) into what the admin has to fix.
//!
//! The token endpoint answers errors as `{error, error_description, error_codes[], trace_id,
//! correlation_id, timestamp}`. The numeric code is the stable part; the description is English
//! text that changes, so only the code decides. Facts: `shared/reference/graph-presence.md` §11.

use serde::Deserialize;

/// The parts of a token error body this client uses.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub(crate) struct TokenErrorBody {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<u32>,
    #[serde(default)]
    pub trace_id: Option<String>,
    #[serde(default)]
    pub timestamp: Option<String>,
}

impl TokenErrorBody {
    /// The AADSTS number: from `error_codes`, else from an `AADSTS123` in the description.
    pub(crate) fn aadsts(&self) -> Option<u32> {
        if let Some(code) = self.error_codes.first() {
            return Some(*code);
        }
        let description = self.error_description.as_deref()?;
        let digits: String = description
            .split("AADSTS")
            .nth(1)?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    }

    /// The first line of the description, without Entra's trace / correlation / timestamp tail.
    pub(crate) fn summary(&self) -> Option<String> {
        let description = self.error_description.as_deref()?;
        let first = description.lines().next()?.trim();
        let first = first
            .split(" Trace ID:")
            .next()
            .unwrap_or(first)
            .trim()
            .to_owned();
        (!first.is_empty()).then_some(first)
    }
}

/// What the AADSTS error means for the person who configures the connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TokenFailure {
    /// The credentials or identifiers are wrong; someone has to change them.
    Fix(String),
    /// Entra is throttling or briefly unavailable; retrying later helps.
    Retry,
}

/// Facts about the connection that make the advice concrete.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TokenContext<'a> {
    pub tenant: &'a str,
    pub client_id: &'a str,
    pub scope: &'a str,
    /// The SHA-1 thumbprint of the certificate in use, if a certificate is in use.
    pub thumbprint: Option<&'a str>,
}

/// Maps an AADSTS code to its advice; unknown codes fall back to Entra's own words.
pub(crate) fn classify(
    code: Option<u32>,
    body: &TokenErrorBody,
    context: TokenContext<'_>,
) -> TokenFailure {
    let TokenContext {
        tenant,
        client_id,
        scope,
        thumbprint,
    } = context;
    let advice = match code {
        Some(7000215) => "the client secret is wrong. Paste the secret's Value (shown only once, \
             right after the secret is created), not its Secret ID; if the value is lost, create \
             a new secret under Certificates & secrets"
            .to_owned(),
        Some(7000222) => "the client secret has expired. Create a new client secret under \
             Certificates & secrets in the app registration and store its value here (or switch \
             to a certificate)"
            .to_owned(),
        Some(700016) => format!(
            "application {client_id} was not found in tenant {tenant}. Check the Application \
             (client) ID, and that the app is registered in this tenant (or consented to by it) \
             in the same cloud"
        ),
        Some(90002) => format!(
            "tenant {tenant} was not found. Check the Directory (tenant) ID, and that the cloud \
             setting matches where the tenant lives (global versus US Government)"
        ),
        Some(700027) => match thumbprint {
            Some(thumbprint) => format!(
                "the certificate was not accepted: it is not registered on app {client_id}, or \
                 the private key does not belong to it. Upload the certificate with thumbprint \
                 {thumbprint} under Certificates & secrets"
            ),
            None => format!(
                "the client assertion was not accepted: upload the certificate to app \
                 {client_id} under Certificates & secrets"
            ),
        },
        Some(70011) => format!(
            "the requested scope was refused; the scope must be {scope}. Check that the cloud \
             setting matches the tenant"
        ),
        Some(700024) => "the client assertion is outside its valid time range: this \
             machine's clock is probably wrong; correct it (enable network time)"
            .to_owned(),
        Some(7000112) => format!(
            "application {client_id} is disabled in tenant {tenant}; an administrator must \
             enable it (Enterprise applications, Properties, Enabled for users to sign in)"
        ),
        Some(90055) => return TokenFailure::Retry,
        _ => {
            let said = body
                .summary()
                .or_else(|| body.error.clone())
                .unwrap_or_else(|| "no details given".to_owned());
            format!("Entra said: {said}")
        }
    };
    TokenFailure::Fix(advice)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: TokenContext<'static> = TokenContext {
        tenant: "contoso.onmicrosoft.com",
        client_id: "11111111-2222-3333-4444-555555555555",
        scope: "https://graph.microsoft.com/.default",
        thumbprint: Some("BE7946D5"),
    };

    fn body(codes: &[u32], description: &str) -> TokenErrorBody {
        TokenErrorBody {
            error: Some("invalid_client".into()),
            error_description: Some(description.into()),
            error_codes: codes.to_vec(),
            ..TokenErrorBody::default()
        }
    }

    fn advice(code: u32) -> String {
        match classify(Some(code), &body(&[code], "x"), CONTEXT) {
            TokenFailure::Fix(text) => text,
            TokenFailure::Retry => "retry".to_owned(),
        }
    }

    #[test]
    fn each_known_code_says_what_to_fix() {
        let table = [
            (7000215, "not its Secret ID"),
            (7000222, "has expired"),
            (
                700016,
                "application 11111111-2222-3333-4444-555555555555 was not found in tenant \
                 contoso.onmicrosoft.com",
            ),
            (90002, "tenant contoso.onmicrosoft.com was not found"),
            (90002, "cloud setting"),
            (700027, "Upload the certificate with thumbprint BE7946D5"),
            (
                70011,
                "the scope must be https://graph.microsoft.com/.default",
            ),
            (700024, "clock"),
            (7000112, "is disabled"),
        ];
        for (code, expected) in table {
            let text = advice(code);
            assert!(text.contains(expected), "{code}: {text}");
        }
        assert_eq!(advice(90055), "retry");
    }

    #[test]
    fn unknown_codes_quote_entra_without_the_trace_tail() {
        let body = body(
            &[50000],
            "AADSTS50000: There was an error issuing a token. Trace ID: abc Correlation ID: def\r\nTimestamp: x",
        );
        assert_eq!(
            classify(body.aadsts(), &body, CONTEXT),
            TokenFailure::Fix(
                "Entra said: AADSTS50000: There was an error issuing a token.".to_owned()
            )
        );
    }

    #[test]
    fn the_code_comes_from_error_codes_or_the_description() {
        assert_eq!(body(&[700016], "").aadsts(), Some(700016));
        assert_eq!(
            body(&[], "AADSTS7000215: Invalid client secret provided.").aadsts(),
            Some(7000215)
        );
        assert_eq!(body(&[], "nothing").aadsts(), None);
    }
}
