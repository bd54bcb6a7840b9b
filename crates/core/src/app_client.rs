//! The app client of a public operation (which names only a ClientId), and
//! the SECRET_HASH check for clients with a secret.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash>

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use kognit_wire::error::ErrorCode;

use crate::records::AppClient;
use crate::service::Service;
use crate::{Error, Result, crypto};

/// SECRET_HASH of `username` for a client: base64(HMAC-SHA256(secret,
/// username ‖ client id)).
pub(crate) fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    let msg = format!("{username}{client_id}");
    B64.encode(crypto::hmac_sha256(secret.as_bytes(), msg.as_bytes()))
}

/// How a client secret a request sent compares with the client's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretCheck {
    /// The client has no secret.
    NoSecret,
    /// It is one of the client's secrets.
    Matches,
    /// The client has secrets and this (or none) is not one of them.
    Wrong,
}

impl Service {
    /// Compares `given` with each of the client's secrets (two during a
    /// rotation), all of them, in constant time.
    pub(crate) async fn check_client_secret(
        &self,
        client: &AppClient,
        given: Option<&str>,
    ) -> Result<SecretCheck> {
        let secrets = self.client_secrets(&client.pool_id, client.id()).await?;
        if secrets.is_empty() {
            return Ok(SecretCheck::NoSecret);
        }
        let given = given.unwrap_or_default();
        let ok = secrets.iter().fold(false, |ok, s| {
            ok | crypto::ct_eq(s.as_bytes(), given.as_bytes())
        });
        Ok(if ok {
            SecretCheck::Matches
        } else {
            SecretCheck::Wrong
        })
    }

    /// The client named by a public operation, or ResourceNotFoundException;
    /// from this node's short-lived cache when fresh (see `node_cache`).
    pub async fn app_client(&self, client_id: &str) -> Result<AppClient> {
        if let Some(c) = self.app_clients.get(client_id) {
            return Ok(AppClient::clone(&c));
        }
        let ticket = self.app_clients.ticket();
        let rec = self.store.find_client(client_id).await?.ok_or_else(|| {
            Error::not_found(format!("User pool client {client_id} does not exist."))
        })?;
        let config = serde_json::from_str(&rec.config).map_err(Error::internal)?;
        let client = AppClient {
            pool_id: rec.pool_id,
            config,
            hosted: false,
        };
        self.app_clients
            .put(client_id, std::sync::Arc::new(client.clone()), ticket);
        Ok(client)
    }

    /// Checks SECRET_HASH = base64(HMAC-SHA256(client secret, username ‖ client id))
    /// against each of the client's secrets (two during a rotation), in
    /// constant time. Clients without a secret need none.
    pub async fn check_secret_hash(
        &self,
        client: &AppClient,
        username: &str,
        secret_hash: Option<&str>,
    ) -> Result<()> {
        if client.hosted {
            return Ok(());
        }
        let secrets = self.client_secrets(&client.pool_id, client.id()).await?;
        if secrets.is_empty() {
            return Ok(());
        }
        let Some(given) = secret_hash else {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                format!(
                    "Client {} is configured with secret but SECRET_HASH was not received",
                    client.id()
                ),
            ));
        };
        let ok = secrets.iter().fold(false, |ok, s| {
            let expected = self::secret_hash(s, username, client.id());
            ok | crypto::ct_eq(expected.as_bytes(), given.as_bytes())
        });
        if !ok {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                format!("Unable to verify secret hash for client {}", client.id()),
            ));
        }
        Ok(())
    }
}
