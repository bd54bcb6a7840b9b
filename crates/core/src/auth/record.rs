//! What a sign-in leaves behind besides tokens: its auth event, and its token
//! session when the pool tracks sessions. One call at each end of a sign-in
//! (completed in `grant`, failed in `record_failure`); a sign-in that passes
//! through challenges is recorded when it completes or fails.

use crate::Result;
use crate::auth_events::AuthEvent;
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::store::UserRecord;
use crate::tokens::SignIn;
use crate::users::Pool;

impl Service {
    /// A completed sign-in: its session begins and a passed SignIn event is
    /// recorded under the sign-in's `event_id` (the tokens' claim).
    pub(crate) async fn signed_in(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &UserRecord,
        sign_in: &SignIn,
        mfa: bool,
        now: Millis,
    ) -> Result<()> {
        self.session_begun(pool, client, user, &sign_in.origin_jti, now)
            .await?;
        let challenges: &[(&str, &str)] = if mfa {
            &[("Password", "Success"), ("Mfa", "Success")]
        } else {
            &[("Password", "Success")]
        };
        let event = AuthEvent {
            event_type: "SignIn",
            response: "Pass",
            challenges,
            event_id: Some(&sign_in.event_id),
        };
        self.record_auth_event(&pool.id, &user.username_key, event, now)
            .await
    }

    /// A failed sign-in: a failed SignIn event whose last challenge
    /// (`Password`, `Mfa`) failed. Best effort: the caller's answer is the
    /// sign-in's failure whatever happens here.
    pub(crate) async fn sign_in_failed(
        &self,
        pool: &Pool,
        user: &UserRecord,
        challenge: &str,
        now: Millis,
    ) {
        self.failed_event(pool, user, &[(challenge, "Failure")], now)
            .await;
    }

    /// A refused sign-in whose password was right: the user's state (disabled,
    /// unconfirmed, reset required, temporary password expired) refused it.
    pub(crate) async fn sign_in_refused(&self, pool: &Pool, user: &UserRecord, now: Millis) {
        self.failed_event(pool, user, &[("Password", "Success")], now)
            .await;
    }

    async fn failed_event(
        &self,
        pool: &Pool,
        user: &UserRecord,
        challenges: &[(&str, &str)],
        now: Millis,
    ) {
        let event = AuthEvent {
            event_type: "SignIn",
            response: "Fail",
            challenges,
            event_id: None,
        };
        if let Err(e) = self
            .record_auth_event(&pool.id, &user.username_key, event, now)
            .await
        {
            tracing::warn!(code = e.code.as_str(), "auth event not recorded");
        }
    }
}
