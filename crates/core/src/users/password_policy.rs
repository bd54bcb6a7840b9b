//! The password policy an app client's users are held to, for a sign-up or
//! change-password form to check a password before sending it (kognit
//! extension: `GET /_kognit/clients/{client_id}/password-policy`, open to
//! anyone who knows the client id, as SignUp is).
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html>

use serde::Serialize;

use crate::service::Service;
use crate::{Error, Result, passwords};

/// A client's password policy as the password checker applies it: every
/// default filled in, and the exact symbol set ([`passwords::SYMBOLS`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientPasswordPolicy {
    /// The pool the client belongs to.
    pub user_pool_id: String,
    /// The client.
    pub client_id: String,
    /// The fewest characters a password may have.
    pub minimum_length: usize,
    /// At least one of `A`–`Z`.
    pub require_uppercase: bool,
    /// At least one of `a`–`z`.
    pub require_lowercase: bool,
    /// At least one of `0`–`9`.
    pub require_numbers: bool,
    /// At least one of `symbols`.
    pub require_symbols: bool,
    /// As the pool sets it, when it does: a new password may match none of
    /// the user's last this many (`users::credentials`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_history_size: Option<i32>,
    /// Days a temporary password works.
    pub temporary_password_validity_days: i32,
    /// The characters that count as symbols.
    pub symbols: &'static str,
}

impl Service {
    /// The password policy of the pool `client_id` belongs to;
    /// ResourceNotFoundException for an unknown client.
    pub async fn password_policy_for_client(
        &self,
        client_id: &str,
    ) -> Result<ClientPasswordPolicy> {
        // The id comes from a URL path, unchecked: one that no client can
        // have (ClientIdType is `[\w+]+`, at most 128) is not looked up.
        let well_formed = !client_id.is_empty()
            && client_id.len() <= 128
            && client_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+');
        if !well_formed {
            return Err(Error::not_found(format!(
                "User pool client {client_id} does not exist."
            )));
        }
        let client = self.app_client(client_id).await?;
        let pool = self.pool(&client.pool_id).await?;
        let policy = Self::password_policy(&pool);
        let rules = passwords::Requirements::of(&policy);
        Ok(ClientPasswordPolicy {
            user_pool_id: pool.id.clone(),
            client_id: client.id().to_owned(),
            minimum_length: rules.minimum_length,
            require_uppercase: rules.require_uppercase,
            require_lowercase: rules.require_lowercase,
            require_numbers: rules.require_numbers,
            require_symbols: rules.require_symbols,
            password_history_size: policy.password_history_size,
            temporary_password_validity_days: rules.temporary_password_validity_days,
            symbols: passwords::SYMBOLS,
        })
    }
}
