//! `/oauth2/userInfo`, `/oauth2/revoke` and `/logout`.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html>

use kognit_wire::error::ErrorCode;
use kognit_wire::types::RevokeTokenRequest;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{AuthorizeError, AuthorizeParams, ClientAuth, OAuthError, scopes};
use crate::service::{Millis, Service};
use crate::tokens::ADMIN_SCOPE;

/// The parameters of `/logout`: a `logout_uri`, or those of an
/// authorization request to sign in again.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LogoutParams {
    /// One of the client's LogoutURLs.
    pub logout_uri: Option<String>,
    /// `client_id`, and for signing in again `redirect_uri`,
    /// `response_type` and the rest.
    #[serde(flatten)]
    pub authorize: AuthorizeParams,
}

/// Where `/logout` sends the browser once the hosted session is ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoutTarget {
    /// To this URL: the client's logout URL (or an error for its redirect).
    Redirect(String),
    /// Back to the sign-in form with these authorization parameters.
    SignIn(Box<AuthorizeParams>),
}

fn invalid_token(message: &str) -> OAuthError {
    OAuthError::described("invalid_token", message)
}

impl Service {
    /// `GET|POST /oauth2/userInfo`: the signed-in user's attributes, as
    /// strings, limited by the token's OIDC scopes and the client's
    /// ReadAttributes, with `sub` and `username`. The token must be an
    /// access token of this pool with `openid` (or the API scope), not
    /// revoked, of an enabled user.
    pub async fn user_info(
        &self,
        pool_id: &str,
        access_token: &str,
        now: Millis,
    ) -> Result<Map<String, Value>, OAuthError> {
        let t = self
            .signed_in_user_with(access_token, now, &[scopes::OPENID, ADMIN_SCOPE])
            .await
            .map_err(|e| match e.code {
                ErrorCode::InternalErrorException => OAuthError::from(e),
                _ => invalid_token(&e.message),
            })?;
        if t.pool.id != pool_id {
            return Err(invalid_token("Invalid Access Token"));
        }
        let client = self.app_client(&t.claims.client_id).await.ok();
        let readable = |name: &str| match client
            .as_ref()
            .and_then(|c| c.config.read_attributes.as_ref())
        {
            Some(list) if !list.is_empty() => list.iter().any(|a| a == name),
            _ => true,
        };
        let mut out = Map::new();
        for a in crate::users::attribute_list(&t.user, None)? {
            if a.name != "sub" && readable(&a.name) {
                out.insert(a.name, json!(a.value.unwrap_or_default()));
            }
        }
        if scopes::has(&t.claims.scope, scopes::OPENID) {
            scopes::retain_claims(&mut out, &t.claims.scope);
        }
        let mut answer = Map::new();
        answer.insert("sub".into(), json!(t.user.sub));
        answer.extend(out);
        answer.insert("username".into(), json!(t.user.username));
        Ok(answer)
    }

    /// `POST /oauth2/revoke`: revokes a refresh token and every token of
    /// its session, as RevokeToken does.
    pub async fn oauth_revoke(
        &self,
        pool_id: &str,
        auth: &ClientAuth,
        token: Option<&str>,
        now: Millis,
    ) -> Result<(), OAuthError> {
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| OAuthError::described("invalid_request", "token is missing"))?;
        let client = self.authenticate_client(pool_id, auth).await?;
        let secret = auth
            .basic
            .as_ref()
            .map(|(_, s)| s.clone())
            .or_else(|| auth.client_secret.clone());
        let req = RevokeTokenRequest {
            token: token.to_owned(),
            client_id: client.id().to_owned(),
            client_secret: secret,
            ..Default::default()
        };
        self.revoke_token(req, now).await.map_err(|e| match e.code {
            ErrorCode::UnsupportedTokenTypeException => OAuthError::new("unsupported_token_type"),
            ErrorCode::UnsupportedOperationException => OAuthError::new("unauthorized_client"),
            ErrorCode::NotAuthorizedException => OAuthError::new("invalid_client"),
            ErrorCode::InternalErrorException => OAuthError::from(e),
            _ => OAuthError::described("invalid_request", e.message),
        })
    }

    /// `GET /logout`: where to send the browser, or why not (shown on a
    /// page). The caller ends the hosted session either way.
    pub async fn logout_target(
        &self,
        pool_id: &str,
        p: &LogoutParams,
    ) -> Result<LogoutTarget, String> {
        let client_id = p.authorize.client_id.as_deref().unwrap_or_default();
        let client = match self.pool_client(pool_id, client_id).await {
            Ok(Some(c)) => c,
            Ok(None) => return Err("The app client is not known to this domain.".into()),
            Err(e) => {
                tracing::error!(error = %e.message, "logout: reading the client failed");
                return Err("Something went wrong on our side. Try again later.".into());
            }
        };
        if let Some(uri) = &p.logout_uri {
            let registered = client.config.logout_urls.as_deref().unwrap_or_default();
            return if registered.iter().any(|u| u == uri) {
                Ok(LogoutTarget::Redirect(uri.clone()))
            } else {
                Err("The logout_uri is not one of the app client's sign-out URLs.".into())
            };
        }
        if p.authorize.redirect_uri.is_some() && p.authorize.response_type.is_some() {
            return match self.check_authorization(pool_id, &p.authorize).await {
                Ok(_) => Ok(LogoutTarget::SignIn(Box::new(p.authorize.clone()))),
                Err(AuthorizeError::Redirect(to)) => Ok(LogoutTarget::Redirect(to)),
                Err(AuthorizeError::Page(m)) => Err(m),
            };
        }
        Err("A logout_uri, or a redirect_uri and response_type, is required.".into())
    }
}
