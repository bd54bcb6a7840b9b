//! The OAuth 2.0 / OpenID Connect authorization server a user-pool domain
//! serves: authorization requests and codes (`authorize`), the token
//! endpoint's grants (`token`), userInfo, revocation and logout (`endpoints`),
//! the sign-in the hosted pages run and their session (`hosted`), and scopes.
//! The HTTP side (forms, redirects, cookies, pages) is the server's `web::hosted`.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-userpools-server-contract-reference.html>

mod authorize;
mod endpoints;
mod hosted;
mod token;

pub use crate::scopes;

pub use authorize::{Authorization, AuthorizeError, AuthorizeParams, ResponseType};
pub use endpoints::{LogoutParams, LogoutTarget};
pub use hosted::{HostedSession, HostedStep, SignUpFields};
pub use token::{ClientAuth, TokenParams, TokenResponse};

use crate::records::AppClient;
use crate::service::Service;

/// How long an authorization code may wait for the token endpoint: Cognito's
/// five minutes.
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html>
pub const CODE_VALIDITY_MS: i64 = 5 * 60_000;

/// An OAuth error as the token, userInfo and revocation endpoints answer it
/// (`{"error": "invalid_grant"}`), and as an authorization request's
/// redirect carries it (`?error=invalid_scope`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// The RFC 6749 error code.
    pub error: &'static str,
    /// Why, for people (`error_description`); Cognito often sends none.
    pub description: Option<String>,
}

impl OAuthError {
    /// An error without description.
    pub fn new(error: &'static str) -> Self {
        OAuthError {
            error,
            description: None,
        }
    }

    /// An error with a description.
    pub fn described(error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            error,
            description: Some(description.into()),
        }
    }

    /// Whether this stands for a fault of kognit's (answered with 500).
    pub fn is_server_error(&self) -> bool {
        self.error == "server_error"
    }
}

impl From<crate::Error> for OAuthError {
    /// A service error met while answering an OAuth request: kognit's own
    /// faults become `server_error` (logged here, not shown); anything else
    /// means the grant or request does not hold.
    fn from(e: crate::Error) -> Self {
        use kognit_wire::error::ErrorCode as C;
        match e.code {
            C::InternalErrorException => {
                tracing::error!(error = %e.message, "OAuth request failed");
                OAuthError::new("server_error")
            }
            C::ResourceNotFoundException => OAuthError::described("invalid_client", e.message),
            _ => OAuthError::described("invalid_grant", e.message),
        }
    }
}

impl Service {
    /// The client `client_id` when it belongs to `pool_id` (the pool of the
    /// domain the request reached); None otherwise.
    pub async fn pool_client(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> crate::Result<Option<AppClient>> {
        match self.app_client(client_id).await {
            Ok(c) if c.pool_id == pool_id => Ok(Some(c)),
            Ok(_) => Ok(None),
            Err(e) if e.code == kognit_wire::error::ErrorCode::ResourceNotFoundException => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

/// Whether the client may use the authorization server at all
/// (AllowedOAuthFlowsUserPoolClient).
pub(crate) fn oauth_enabled(client: &AppClient) -> bool {
    client.config.allowed_o_auth_flows_user_pool_client == Some(true)
}

/// Whether the client allows this OAuth flow.
pub(crate) fn flow_allowed(client: &AppClient, flow: kognit_wire::types::OAuthFlowType) -> bool {
    oauth_enabled(client)
        && client
            .config
            .allowed_o_auth_flows
            .as_deref()
            .unwrap_or_default()
            .contains(&flow)
}

/// The client's AllowedOAuthScopes.
pub(crate) fn client_scopes(client: &AppClient) -> &[String] {
    client
        .config
        .allowed_o_auth_scopes
        .as_deref()
        .unwrap_or_default()
}
