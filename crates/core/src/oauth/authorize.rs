//! `/oauth2/authorize`: checking an authorization request against the app
//! client, and granting it once the user is signed in — an authorization
//! code (stored hashed, single-use, five minutes) or, for the implicit
//! flow, tokens in the redirect's fragment.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html>

use kognit_wire::types::OAuthFlowType;
use serde::Deserialize;

use super::{CODE_VALIDITY_MS, OAuthError, client_scopes, flow_allowed, oauth_enabled, scopes};
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::store::{OAuthCodeRecord, UserRecord};
use crate::tokens::SignIn;
use crate::triggers::TokenSource;

/// The parameters of an authorization request, as the query names them.
/// The hosted pages carry them from page to page unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct AuthorizeParams {
    /// `code` or `token`.
    pub response_type: Option<String>,
    /// The app client.
    pub client_id: Option<String>,
    /// One of the client's CallbackURLs, exactly.
    pub redirect_uri: Option<String>,
    /// Returned untouched with the code or the error.
    pub state: Option<String>,
    /// Space-separated scopes; absent: all the client allows.
    pub scope: Option<String>,
    /// Echoed in the ID token.
    pub nonce: Option<String>,
    /// PKCE: the challenge.
    pub code_challenge: Option<String>,
    /// PKCE: `S256` (the only method Cognito supports).
    pub code_challenge_method: Option<String>,
    /// A federated identity provider (only `COGNITO` today).
    pub identity_provider: Option<String>,
    /// A federated identity provider's identifier (none today).
    pub idp_identifier: Option<String>,
    /// `login` asks for the form even with a hosted session.
    pub prompt: Option<String>,
    /// Fills the sign-in form's username.
    pub login_hint: Option<String>,
    /// The pages' language.
    pub lang: Option<String>,
}

/// Whether the client gets a code or tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    /// The authorization code grant.
    Code,
    /// The implicit grant.
    Token,
}

/// An authorization request that holds: what granting it needs.
#[derive(Debug, Clone)]
pub struct Authorization {
    /// The client, marked as used through the hosted pages.
    pub client: AppClient,
    /// Where the answer goes.
    pub redirect_uri: String,
    /// Code or tokens.
    pub response_type: ResponseType,
    /// The granted scopes, space-separated.
    pub scope: String,
    /// The request's `state`.
    pub state: Option<String>,
    /// The request's `nonce`.
    pub nonce: Option<String>,
    /// The PKCE challenge (S256).
    pub code_challenge: Option<String>,
    /// `prompt=login` (or `select_account`): show the form even with a
    /// hosted session.
    pub force_login: bool,
}

/// Why an authorization request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeError {
    /// No redirect can be trusted (unknown client, unregistered
    /// redirect_uri): shown to the user on an error page.
    Page(String),
    /// The redirect_uri is the client's: the error goes back to it.
    Redirect(String),
}

/// Appends `pairs` to `uri`'s query (or, with `fragment`, as its fragment),
/// percent-encoded.
pub fn with_params(uri: &str, pairs: &[(&str, &str)], fragment: bool) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::sigv4::uri_encode(v, false)))
        .collect();
    let sep = match (fragment, uri.contains('?')) {
        (true, _) => '#',
        (false, true) => '&',
        (false, false) => '?',
    };
    format!("{uri}{sep}{}", encoded.join("&"))
}

fn error_redirect(uri: &str, e: OAuthError, state: Option<&str>, fragment: bool) -> AuthorizeError {
    let mut pairs = vec![("error", e.error)];
    if let Some(d) = &e.description {
        pairs.push(("error_description", d));
    }
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    AuthorizeError::Redirect(with_params(uri, &pairs, fragment))
}

impl Service {
    /// Checks an authorization request against the client named in it: a
    /// refusal before the redirect_uri is known to be the client's is shown
    /// on a page; after that it goes back to the redirect_uri, as Cognito
    /// does, with `state`.
    pub async fn check_authorization(
        &self,
        pool_id: &str,
        p: &AuthorizeParams,
    ) -> Result<Authorization, AuthorizeError> {
        let page = |m: &str| AuthorizeError::Page(m.to_owned());
        let client_id = p.client_id.as_deref().unwrap_or_default();
        let client = match self.pool_client(pool_id, client_id).await {
            Ok(Some(c)) => c.for_hosted(),
            Ok(None) => return Err(page("The app client is not known to this domain.")),
            Err(e) => {
                tracing::error!(error = %e.message, "authorize: reading the client failed");
                return Err(page("Something went wrong on our side. Try again later."));
            }
        };
        let redirect_uri = p.redirect_uri.clone().unwrap_or_default();
        let registered = client.config.callback_urls.as_deref().unwrap_or_default();
        // Exactly one of the CallbackURLs: no prefix, no normalisation.
        if redirect_uri.is_empty() || !registered.contains(&redirect_uri) {
            return Err(page(
                "redirect_mismatch: the redirect_uri is not one of the app client's callback URLs.",
            ));
        }
        let state = p.state.as_deref();
        let implicit = p.response_type.as_deref() == Some("token");
        let refuse = |e: OAuthError| error_redirect(&redirect_uri, e, state, implicit);
        if !oauth_enabled(&client) {
            return Err(refuse(OAuthError::new("unauthorized_client")));
        }
        let response_type = match p.response_type.as_deref() {
            Some("code") => ResponseType::Code,
            Some("token") => ResponseType::Token,
            _ => return Err(refuse(OAuthError::new("invalid_request"))),
        };
        let flow = match response_type {
            ResponseType::Code => OAuthFlowType::Code,
            ResponseType::Token => OAuthFlowType::Implicit,
        };
        if !flow_allowed(&client, flow) {
            return Err(refuse(OAuthError::new("unauthorized_client")));
        }
        let code_challenge = match (
            p.code_challenge.as_deref(),
            p.code_challenge_method.as_deref(),
        ) {
            (None, None) => None,
            // Cognito supports S256 only, and wants both or neither.
            (Some(c), Some("S256")) if !c.is_empty() => Some(c.to_owned()),
            _ => {
                return Err(refuse(OAuthError::described(
                    "invalid_request",
                    "code_challenge and code_challenge_method=S256 go together",
                )));
            }
        };
        if let Some(idp) = p.identity_provider.as_deref()
            && idp != "COGNITO"
        {
            return Err(refuse(OAuthError::described(
                "invalid_request",
                format!("kognit does not federate identity providers yet ({idp})"),
            )));
        }
        if p.idp_identifier.is_some() {
            return Err(refuse(OAuthError::described(
                "invalid_request",
                "kognit does not federate identity providers yet (idp_identifier)",
            )));
        }
        let scope = self
            .granted_scopes(&client, p.scope.as_deref())
            .await
            .map_err(&refuse)?;
        Ok(Authorization {
            client,
            redirect_uri: redirect_uri.clone(),
            response_type,
            scope,
            state: p.state.clone(),
            nonce: p.nonce.clone(),
            code_challenge,
            force_login: matches!(p.prompt.as_deref(), Some("login" | "select_account")),
        })
    }

    /// The scopes an interactive grant gets: those requested (all the client
    /// allows when none are), each of which the client must allow
    /// (`invalid_scope` otherwise); custom scopes whose resource server no
    /// longer defines them are dropped, as Cognito ignores them.
    async fn granted_scopes(
        &self,
        client: &AppClient,
        requested: Option<&str>,
    ) -> Result<String, OAuthError> {
        let allowed = client_scopes(client);
        let wanted = match requested.map(scopes::parse) {
            Some(list) if !list.is_empty() => list,
            _ => allowed.to_vec(),
        };
        let mut granted = Vec::with_capacity(wanted.len());
        for s in wanted {
            if !allowed.contains(&s) {
                return Err(OAuthError::described(
                    "invalid_scope",
                    format!("{s} is not allowed for this client"),
                ));
            }
            if scopes::is_standard(&s) || self.scope_exists(&client.pool_id, &s).await? {
                granted.push(s);
            }
        }
        Ok(granted.join(" "))
    }

    /// Grants a checked authorization to a signed-in user: the redirect to
    /// the client, with a new code or (implicit) tokens in the fragment.
    pub async fn grant_authorization(
        &self,
        a: &Authorization,
        user: &UserRecord,
        sign_in: &SignIn,
        now: Millis,
    ) -> Result<String, AuthorizeError> {
        let state = a.state.as_deref();
        let implicit = a.response_type == ResponseType::Token;
        let fail = |e: crate::Error| error_redirect(&a.redirect_uri, e.into(), state, implicit);
        let server_error = || {
            error_redirect(
                &a.redirect_uri,
                OAuthError::new("server_error"),
                state,
                implicit,
            )
        };
        match a.response_type {
            ResponseType::Code => {
                let code = uuid::Uuid::new_v4().to_string();
                let rec = OAuthCodeRecord {
                    code_hash: crate::crypto::sha256(code.as_bytes()).to_vec(),
                    pool_id: a.client.pool_id.clone(),
                    username_key: user.username_key.clone(),
                    client_id: a.client.id().to_owned(),
                    redirect_uri: a.redirect_uri.clone(),
                    scope: a.scope.clone(),
                    nonce: a.nonce.clone(),
                    code_challenge: a.code_challenge.clone(),
                    origin_jti: sign_in.origin_jti.clone(),
                    auth_time: sign_in.auth_time,
                    created_ms: now,
                    expires_ms: now + CODE_VALIDITY_MS,
                };
                if let Err(e) = self.store.insert_oauth_code(&rec).await {
                    tracing::error!(error = %e, "authorize: storing the code failed");
                    return Err(server_error());
                }
                let mut pairs = vec![("code", code.as_str())];
                if let Some(s) = state {
                    pairs.push(("state", s));
                }
                Ok(with_params(&a.redirect_uri, &pairs, false))
            }
            ResponseType::Token => {
                let pool = self.pool(&a.client.pool_id).await.map_err(fail)?;
                let sign_in = SignIn {
                    scope: a.scope.clone(),
                    nonce: a.nonce.clone(),
                    oauth: true,
                    event_id: uuid::Uuid::new_v4().to_string(),
                    ..sign_in.clone()
                };
                let issued = self
                    .tokens_for(
                        &pool,
                        &a.client,
                        user,
                        &sign_in,
                        TokenSource::HostedAuth,
                        None,
                        now,
                    )
                    .await
                    .map_err(fail)?;
                let expires = issued.expires_in.to_string();
                let mut pairs = Vec::new();
                if scopes::has(&a.scope, scopes::OPENID) {
                    pairs.push(("id_token", issued.id_token.as_str()));
                }
                pairs.push(("access_token", issued.access_token.as_str()));
                pairs.push(("token_type", "Bearer"));
                pairs.push(("expires_in", expires.as_str()));
                if let Some(s) = state {
                    pairs.push(("state", s));
                }
                Ok(with_params(&a.redirect_uri, &pairs, true))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_appended_encoded() {
        assert_eq!(
            with_params(
                "https://app/cb",
                &[("code", "a b"), ("state", "x&y=z")],
                false
            ),
            "https://app/cb?code=a%20b&state=x%26y%3Dz"
        );
        assert_eq!(
            with_params("https://app/cb?t=1", &[("code", "c")], false),
            "https://app/cb?t=1&code=c"
        );
        assert_eq!(
            with_params("https://app/cb", &[("access_token", "t")], true),
            "https://app/cb#access_token=t"
        );
    }
}
