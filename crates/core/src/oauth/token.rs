//! `/oauth2/token`: the authorization-code grant (with PKCE), the
//! refresh-token grant and client credentials, after the client is
//! authenticated by HTTP Basic or by `client_secret` in the body.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html>

use kognit_wire::types::OAuthFlowType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{OAuthError, client_scopes, flow_allowed, oauth_enabled, scopes};
use crate::auth::refresh::SecretProof;
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::tokens::{SignIn, TokenUse};
use crate::triggers::TokenSource;

/// How the client authenticated: the `Authorization: Basic` pair, and what
/// the body named.
#[derive(Debug, Clone, Default)]
pub struct ClientAuth {
    /// The `client_id:client_secret` of HTTP Basic, decoded.
    pub basic: Option<(String, String)>,
    /// `client_id` in the body.
    pub client_id: Option<String>,
    /// `client_secret` in the body (client_secret_post).
    pub client_secret: Option<String>,
}

/// The body of a token request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenParams {
    /// `authorization_code`, `refresh_token` or `client_credentials`.
    pub grant_type: Option<String>,
    /// The authorization code.
    pub code: Option<String>,
    /// The authorization request's redirect_uri.
    pub redirect_uri: Option<String>,
    /// PKCE: the verifier.
    pub code_verifier: Option<String>,
    /// The refresh token.
    pub refresh_token: Option<String>,
    /// Client credentials: the custom scopes wanted.
    pub scope: Option<String>,
}

/// A successful token answer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TokenResponse {
    /// The ID token (with the `openid` scope).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The access token.
    pub access_token: String,
    /// The refresh token (authorization code; refresh with rotation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Always `Bearer`.
    pub token_type: &'static str,
}

fn invalid_client() -> OAuthError {
    OAuthError::new("invalid_client")
}

fn invalid_grant() -> OAuthError {
    OAuthError::new("invalid_grant")
}

/// PKCE S256: base64url(SHA-256(verifier)) without padding.
fn s256(verifier: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(crate::crypto::sha256(verifier.as_bytes()))
}

impl Service {
    /// Authenticates the client of a token or revocation request: it must
    /// belong to the domain's pool, and a client with a secret must prove
    /// it (Basic or body); one without must not send one.
    pub async fn authenticate_client(
        &self,
        pool_id: &str,
        auth: &ClientAuth,
    ) -> Result<AppClient, OAuthError> {
        let (client_id, secret) = match (&auth.basic, &auth.client_id) {
            (Some((id, _)), Some(body)) if id != body => {
                return Err(OAuthError::described(
                    "invalid_request",
                    "client_id in the body differs from the Authorization header",
                ));
            }
            (Some((id, secret)), _) => (id.clone(), Some(secret.clone())),
            (None, Some(id)) => (id.clone(), auth.client_secret.clone()),
            (None, None) => {
                return Err(OAuthError::described(
                    "invalid_request",
                    "client_id is missing",
                ));
            }
        };
        let client = self
            .pool_client(pool_id, &client_id)
            .await?
            .ok_or_else(invalid_client)?;
        use crate::app_client::SecretCheck;
        let given = secret.as_deref().filter(|s| !s.is_empty());
        match self.check_client_secret(&client, given).await? {
            SecretCheck::Matches => {}
            SecretCheck::NoSecret if given.is_none() => {}
            SecretCheck::NoSecret | SecretCheck::Wrong => return Err(invalid_client()),
        }
        Ok(client.for_hosted())
    }

    /// `POST /oauth2/token` for the pool whose domain the request reached.
    pub async fn oauth_token(
        &self,
        pool_id: &str,
        auth: &ClientAuth,
        p: &TokenParams,
        now: Millis,
    ) -> Result<TokenResponse, OAuthError> {
        let grant = p
            .grant_type
            .as_deref()
            .ok_or_else(|| OAuthError::described("invalid_request", "grant_type is missing"))?;
        if !matches!(
            grant,
            "authorization_code" | "refresh_token" | "client_credentials"
        ) {
            return Err(OAuthError::new("unsupported_grant_type"));
        }
        let client = self.authenticate_client(pool_id, auth).await?;
        if !oauth_enabled(&client) {
            return Err(OAuthError::new("unauthorized_client"));
        }
        match grant {
            "authorization_code" => self.code_grant(&client, p, now).await,
            "refresh_token" => self.refresh_grant(&client, p, now).await,
            _ => self.client_credentials_grant(&client, p, now).await,
        }
    }

    async fn code_grant(
        &self,
        client: &AppClient,
        p: &TokenParams,
        now: Millis,
    ) -> Result<TokenResponse, OAuthError> {
        let code = p
            .code
            .as_deref()
            .ok_or_else(|| OAuthError::described("invalid_request", "code is missing"))?;
        if !flow_allowed(client, OAuthFlowType::Code) {
            return Err(OAuthError::new("unauthorized_client"));
        }
        // Taken, whatever follows: a code is good for one request.
        let rec = self
            .store
            .take_oauth_code(&crate::crypto::sha256(code.as_bytes()))
            .await
            .map_err(crate::Error::from)?
            .ok_or_else(invalid_grant)?;
        if now > rec.expires_ms
            || rec.client_id != client.id()
            || rec.pool_id != client.pool_id
            || p.redirect_uri.as_deref() != Some(rec.redirect_uri.as_str())
        {
            return Err(invalid_grant());
        }
        if let Some(challenge) = &rec.code_challenge {
            let verifier = p.code_verifier.as_deref().unwrap_or_default();
            if !crate::crypto::ct_eq(s256(verifier).as_bytes(), challenge.as_bytes()) {
                return Err(invalid_grant());
            }
        }
        let pool = self.pool(&client.pool_id).await?;
        let user = self
            .store
            .get_user(&pool.id, &rec.username_key)
            .await
            .map_err(crate::Error::from)?
            .filter(|u| u.enabled)
            .ok_or_else(invalid_grant)?;
        let sign_in = SignIn {
            auth_time: rec.auth_time,
            origin_jti: rec.origin_jti,
            event_id: uuid::Uuid::new_v4().to_string(),
            device_key: None,
            scope: rec.scope,
            oauth: true,
            nonce: rec.nonce,
        };
        let issued = self
            .tokens_for(
                &pool,
                client,
                &user,
                &sign_in,
                TokenSource::HostedAuth,
                None,
                now,
            )
            .await?;
        let refresh = self
            .store_refresh_token(&pool, client, &user, &sign_in, now)
            .await?;
        Ok(TokenResponse {
            id_token: scopes::has(&sign_in.scope, scopes::OPENID).then_some(issued.id_token),
            access_token: issued.access_token,
            refresh_token: Some(refresh),
            expires_in: i64::from(issued.expires_in),
            token_type: "Bearer",
        })
    }

    async fn refresh_grant(
        &self,
        client: &AppClient,
        p: &TokenParams,
        now: Millis,
    ) -> Result<TokenResponse, OAuthError> {
        let token = p
            .refresh_token
            .as_deref()
            .ok_or_else(|| OAuthError::described("invalid_request", "refresh_token is missing"))?;
        let (result, sign_in) = self
            .refresh(
                client,
                token,
                SecretProof::Checked,
                Self::rotates(client),
                None,
                now,
            )
            .await?;
        // The scopes of the session decide whether an ID token comes back
        // (an API session's tokens always have one).
        let wants_id = !sign_in.oauth || scopes::has(&sign_in.scope, scopes::OPENID);
        Ok(TokenResponse {
            id_token: result.id_token.filter(|_| wants_id),
            access_token: result.access_token.unwrap_or_default(),
            refresh_token: result.refresh_token,
            expires_in: i64::from(result.expires_in.unwrap_or(3600)),
            token_type: "Bearer",
        })
    }

    /// Client credentials (machine to machine): an access token whose `sub`
    /// is the client, with custom scopes only.
    async fn client_credentials_grant(
        &self,
        client: &AppClient,
        p: &TokenParams,
        now: Millis,
    ) -> Result<TokenResponse, OAuthError> {
        if !flow_allowed(client, OAuthFlowType::ClientCredentials) {
            return Err(OAuthError::new("unauthorized_client"));
        }
        let allowed: Vec<&String> = client_scopes(client)
            .iter()
            .filter(|s| !scopes::is_standard(s))
            .collect();
        let wanted: Vec<String> = match p.scope.as_deref().map(scopes::parse) {
            Some(list) if !list.is_empty() => list,
            _ => allowed.iter().map(|s| (*s).clone()).collect(),
        };
        let mut granted = Vec::new();
        for s in wanted {
            if !allowed.contains(&&s) {
                return Err(OAuthError::described(
                    "invalid_scope",
                    format!("{s} is not allowed for this client"),
                ));
            }
            if self.scope_exists(&client.pool_id, &s).await? {
                granted.push(s);
            }
        }
        if granted.is_empty() {
            return Err(OAuthError::described(
                "invalid_scope",
                "no custom scope to grant",
            ));
        }
        let expires_in = crate::tokens::access_validity_s(&client.config);
        let claims = client_credentials_claims(
            &self.issuer(&client.pool_id),
            client,
            &granted.join(" "),
            expires_in,
            now,
        );
        let keys = self.pool_keys(&client.pool_id, now).await?;
        Ok(TokenResponse {
            id_token: None,
            access_token: keys.sign(TokenUse::Access, &claims)?,
            refresh_token: None,
            expires_in,
            token_type: "Bearer",
        })
    }
}

/// The claims of a client-credentials access token: `sub` and `client_id`
/// are the client, no `username`, `version` 2.
fn client_credentials_claims(
    iss: &str,
    client: &AppClient,
    scope: &str,
    validity: i64,
    now: Millis,
) -> Map<String, Value> {
    let iat = now.div_euclid(1000);
    let mut c = Map::new();
    c.insert("sub".into(), json!(client.id()));
    c.insert("token_use".into(), json!(TokenUse::Access.as_str()));
    c.insert("scope".into(), json!(scope));
    c.insert("auth_time".into(), json!(iat));
    c.insert("iss".into(), json!(iss));
    c.insert("exp".into(), json!(iat + validity));
    c.insert("iat".into(), json!(iat));
    c.insert("version".into(), json!(2));
    c.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
    c.insert("client_id".into(), json!(client.id()));
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
