//! REFRESH_TOKEN_AUTH / REFRESH_TOKEN and GetTokensFromRefreshToken: refresh
//! tokens are opaque, stored only as hashes, bound to client and user, and
//! rotated when the client enables rotation.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html>

use std::collections::BTreeMap;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use super::{Step, param};
use crate::client_rules::refresh_validity_ms;
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::store::{RefreshTokenRecord, UserRecord};
use crate::tokens::{self, SignIn};
use crate::triggers::TokenSource;
use crate::users::Pool;
use crate::{Error, Result};

/// How the caller proved it holds the client secret (clients with a secret).
pub(crate) enum SecretProof<'a> {
    /// A SECRET_HASH over the user's name (REFRESH_TOKEN_AUTH).
    Hash(Option<&'a str>),
    /// The client secret itself, already checked (GetTokensFromRefreshToken).
    Checked,
}

fn invalid() -> Error {
    Error::new(ErrorCode::NotAuthorizedException, "Invalid Refresh Token")
}

impl Service {
    /// Stores a new refresh token for a session and returns the opaque token.
    pub(crate) async fn store_refresh_token(
        &self,
        pool: &Pool,
        client: &AppClient,
        rec: &UserRecord,
        sign_in: &SignIn,
        now: Millis,
    ) -> Result<String> {
        let (token, hash) = tokens::new_refresh_token();
        self.store
            .insert_refresh_token(&RefreshTokenRecord {
                token_hash: hash,
                pool_id: pool.id.clone(),
                username_key: rec.username_key.clone(),
                client_id: client.id().to_owned(),
                origin_jti: sign_in.origin_jti.clone(),
                device_key: sign_in.device_key.clone(),
                auth_time: sign_in.auth_time,
                created_ms: now,
                expires_ms: now + refresh_validity_ms(&client.config),
                revoked_ms: None,
                scope: sign_in.oauth.then(|| sign_in.scope.clone()),
            })
            .await?;
        Ok(token)
    }

    /// New ID and access tokens for a valid refresh token of this client;
    /// with `rotate`, the old refresh token is spent and a new one returned.
    /// A token issued to a device works only with that device's key
    /// (`device_key`), and only while the device is confirmed and not
    /// forgotten, as in Cognito.
    pub(crate) async fn refresh(
        &self,
        client: &AppClient,
        token: &str,
        proof: SecretProof<'_>,
        rotate: bool,
        device_key: Option<&str>,
        now: Millis,
    ) -> Result<(AuthenticationResultType, SignIn)> {
        let hash = tokens::refresh_token_hash(token);
        let stored = self
            .store
            .get_refresh_token(&hash)
            .await?
            .ok_or_else(invalid)?;
        if stored.client_id != client.id() || stored.pool_id != client.pool_id {
            return Err(invalid());
        }
        if stored.revoked_ms.is_some() {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "Refresh Token has been revoked",
            ));
        }
        if now > stored.expires_ms {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "Refresh Token has expired",
            ));
        }
        let pool = self.pool(&client.pool_id).await?;
        let rec = self
            .store
            .get_user(&pool.id, &stored.username_key)
            .await?
            .ok_or_else(invalid)?;
        if let SecretProof::Hash(secret_hash) = proof {
            // The SECRET_HASH of a refresh names the user by username or by sub.
            if self
                .check_secret_hash(client, &rec.username, secret_hash)
                .await
                .is_err()
            {
                self.check_secret_hash(client, &rec.sub, secret_hash)
                    .await?;
            }
        }
        if !rec.enabled {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "User is disabled.",
            ));
        }
        if let Some(bound) = &stored.device_key {
            if device_key != Some(bound.as_str()) {
                return Err(invalid());
            }
            self.store
                .get_device(&pool.id, &rec.username_key, bound)
                .await?
                .ok_or_else(invalid)?;
        }
        let sign_in = SignIn {
            auth_time: stored.auth_time,
            origin_jti: stored.origin_jti.clone(),
            event_id: uuid::Uuid::new_v4().to_string(),
            device_key: stored.device_key.clone(),
            oauth: stored.scope.is_some(),
            scope: stored
                .scope
                .clone()
                .unwrap_or_else(|| tokens::ADMIN_SCOPE.into()),
            nonce: None,
        };
        let issued = self
            .tokens_for(
                &pool,
                client,
                &rec,
                &sign_in,
                TokenSource::RefreshTokens,
                None,
                now,
            )
            .await?;
        let refresh_token = if rotate {
            if !self.store.revoke_refresh_token(&hash, now).await? {
                return Err(Error::new(
                    ErrorCode::NotAuthorizedException,
                    "Refresh Token has been revoked",
                ));
            }
            Some(
                self.store_refresh_token(&pool, client, &rec, &sign_in, now)
                    .await?,
            )
        } else {
            None
        };
        self.session_refreshed(&pool, client, &stored.origin_jti, rotate, now)
            .await?;
        let result = AuthenticationResultType {
            access_token: Some(issued.access_token),
            expires_in: Some(issued.expires_in),
            token_type: Some("Bearer".into()),
            refresh_token,
            id_token: Some(issued.id_token),
            new_device_metadata: None,
        };
        Ok((result, sign_in))
    }

    pub(crate) fn rotates(client: &AppClient) -> bool {
        client
            .config
            .refresh_token_rotation
            .as_ref()
            .is_some_and(|r| r.feature == FeatureType::Enabled)
    }

    pub(super) async fn refresh_auth(
        &self,
        client: &AppClient,
        params: &Option<BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        let token = param(params, "REFRESH_TOKEN")?;
        let secret_hash = params
            .as_ref()
            .and_then(|m| m.get("SECRET_HASH"))
            .map(String::as_str);
        if Self::rotates(client) {
            return Err(Error::invalid_parameter(
                "This client rotates refresh tokens: use GetTokensFromRefreshToken.",
            ));
        }
        let device_key = params.as_ref().and_then(|m| m.get("DEVICE_KEY"));
        let (result, _) = self
            .refresh(
                client,
                token,
                SecretProof::Hash(secret_hash),
                false,
                device_key.map(String::as_str),
                now,
            )
            .await?;
        Ok(Step::tokens(result))
    }

    /// GetTokensFromRefreshToken (rotates the refresh token when the client
    /// enables rotation). The client secret, when the client has one, comes
    /// as `ClientSecret`.
    pub async fn get_tokens_from_refresh_token(
        &self,
        req: GetTokensFromRefreshTokenRequest,
        now: Millis,
    ) -> Result<GetTokensFromRefreshTokenResponse> {
        let client = self.app_client(req.client_id.as_str()).await?;
        if !super::flow_allowed(&client, AuthFlowType::RefreshTokenAuth) {
            return Err(Error::invalid_parameter(
                "REFRESH_TOKEN_AUTH flow not enabled for this client",
            ));
        }
        let given = req.client_secret.as_deref();
        if self.check_client_secret(&client, given).await? == crate::app_client::SecretCheck::Wrong
        {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                format!("Unable to verify secret hash for client {}", client.id()),
            ));
        }
        let token = req.refresh_token.as_str();
        let (result, _) = self
            .refresh(
                &client,
                token,
                SecretProof::Checked,
                Self::rotates(&client),
                req.device_key.as_deref(),
                now,
            )
            .await?;
        Ok(GetTokensFromRefreshTokenResponse {
            authentication_result: Some(result),
        })
    }
}
