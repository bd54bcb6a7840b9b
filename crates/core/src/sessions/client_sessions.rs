//! Ending every session of one app client at once (kognit extension
//! `Kognit.RevokeClientSessions`): what an administrator does when a client's
//! credentials leak or the client is retired, without deleting it.

use super::TOKEN_LIFETIME_MS;
use crate::Result;
use crate::service::{Admin, Millis, Service};

impl Service {
    /// Revokes every refresh token issued to `client_id` in `pool_id` and
    /// refuses the access and ID tokens of those sessions (the revoked
    /// origins GlobalSignOut and RevokeToken use), on every node. The client
    /// stays. Returns how many live sessions were ended;
    /// ResourceNotFoundException for an unknown pool or client.
    pub async fn revoke_client_sessions(
        &self,
        _admin: &Admin,
        pool_id: &str,
        client_id: &str,
        now: Millis,
    ) -> Result<u64> {
        self.load_client(pool_id, client_id).await?;
        // Access and ID tokens live at most a day; the revocation outlives them.
        let ended = self
            .store
            .revoke_client_refresh_tokens(pool_id, client_id, now + TOKEN_LIFETIME_MS, now)
            .await?;
        Ok(ended)
    }
}
