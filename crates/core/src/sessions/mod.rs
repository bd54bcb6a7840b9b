//! Token sessions: ListUserSessions, AdminListUserSessions, RevokeUserSession
//! and AdminRevokeUserSession, and the session records the sign-in flows
//! keep when the pool turns session tracking on.
//!
//! A token session is one sign-in's refresh-token family, named by the
//! sign-in's `origin_jti`; its id (`tkn` + 25 characters) is derived from the
//! origin. Ending one revokes its refresh tokens and, through the revoked
//! origin, its access and ID tokens.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/managing-user-sessions.html>

mod client_sessions;
mod config;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use crate::page_token::decode as decode_token;
use crate::records::AppClient;
use crate::request::RequestContext;
use crate::service::{Admin, Millis, Service, epoch_seconds};
use crate::store::{SessionActivity, TokenSessionRecord, UserRecord};
use crate::users::Pool;
use crate::{Error, Result, crypto};

/// Cognito returns a user's sessions in one page of up to 125.
const PAGE: u32 = 125;
/// Access and ID tokens live at most a day; a revocation outlives them.
const TOKEN_LIFETIME_MS: Millis = 86_400_000;

/// The session id of an origin: `tkn` and 25 characters of `[a-z0-9]` from
/// SHA-256 of the pool and origin (stable, and revealing neither).
pub fn session_id(pool_id: &str, origin_jti: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let digest = crypto::sha256(format!("{pool_id}/{origin_jti}").as_bytes());
    let tail: String = digest
        .iter()
        .take(25)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("tkn{tail}")
}

fn not_tracking() -> Error {
    Error::new(
        ErrorCode::OperationNotEnabledException,
        "User session tracking is not enabled for this user pool.",
    )
}

fn no_session() -> Error {
    Error::new(ErrorCode::ResourceNotFoundException, "Session not found.")
}

fn describe(r: TokenSessionRecord, current: Option<&str>) -> SessionDescriptionType {
    SessionDescriptionType {
        is_current_session: Some(current == Some(r.origin_jti.as_str())),
        session_id: Some(r.session_id),
        session_type: Some("TOKEN".into()),
        client_id: Some(r.client_id),
        create_date: Some(epoch_seconds(r.created_ms)),
        last_active_date: Some(epoch_seconds(r.last_active_ms)),
        device_type: Some(r.device_type.unwrap_or_else(|| "unknown".into())),
        last_ip_address: r.last_ip,
        last_location: None,
        origin_session_id: None,
    }
}

impl Service {
    /// Records the session a completed sign-in began, when the pool tracks
    /// sessions; ends the user's least recently active sessions beyond the
    /// pool's MaxPerUser first.
    pub(crate) async fn session_begun(
        &self,
        pool: &Pool,
        client: &AppClient,
        user: &UserRecord,
        origin_jti: &str,
        now: Millis,
    ) -> Result<()> {
        let cfg = &pool.doc.sessions;
        if !cfg.tracking {
            return Ok(());
        }
        let ctx = RequestContext::current();
        let record = TokenSessionRecord {
            pool_id: pool.id.clone(),
            session_id: session_id(&pool.id, origin_jti),
            origin_jti: origin_jti.to_owned(),
            username_key: user.username_key.clone(),
            client_id: client.id().to_owned(),
            created_ms: now,
            last_active_ms: now,
            expires_ms: now + crate::client_rules::refresh_validity_ms(&client.config),
            device_type: ctx.device(),
            last_ip: ctx.ip,
        };
        self.store
            .insert_token_session(&record, cfg.max_per_user(), now + TOKEN_LIFETIME_MS)
            .await?;
        Ok(())
    }

    /// Records a refresh (or, with `rotated`, a rotation) on a session.
    pub(crate) async fn session_refreshed(
        &self,
        pool: &Pool,
        client: &AppClient,
        origin_jti: &str,
        rotated: bool,
        now: Millis,
    ) -> Result<()> {
        if !pool.doc.sessions.tracking {
            return Ok(());
        }
        let ctx = RequestContext::current();
        let activity = SessionActivity {
            at_ms: now,
            device_type: ctx.device(),
            ip: ctx.ip,
            expires_ms: rotated
                .then(|| now + crate::client_rules::refresh_validity_ms(&client.config)),
        };
        // A session begun before tracking was on has no record to update.
        self.store
            .touch_token_session(&pool.id, &session_id(&pool.id, origin_jti), &activity)
            .await?;
        Ok(())
    }

    /// One page of a user's live sessions.
    async fn sessions_page(
        &self,
        pool: &Pool,
        user: &UserRecord,
        next_token: Option<&str>,
        current: Option<&str>,
        now: Millis,
    ) -> Result<(Vec<SessionDescriptionType>, Option<String>)> {
        if !pool.doc.sessions.tracking {
            return Err(not_tracking());
        }
        let after = next_token.map(decode_token).transpose()?;
        let mut recs = self
            .store
            .list_token_sessions(
                &pool.id,
                &user.username_key,
                now,
                after.as_deref(),
                PAGE + 1,
            )
            .await?;
        let more = recs.len() > PAGE as usize;
        recs.truncate(PAGE as usize);
        let next = more
            .then(|| {
                recs.last()
                    .map(|r| crate::page_token::encode(&r.session_id))
            })
            .flatten();
        Ok((
            recs.into_iter().map(|r| describe(r, current)).collect(),
            next,
        ))
    }

    /// Ends one live session of this user; `keep` names the caller's own
    /// origin, which may not be ended this way.
    async fn revoke_session(
        &self,
        pool: &Pool,
        user: &UserRecord,
        id: &str,
        keep: Option<&str>,
        now: Millis,
    ) -> Result<()> {
        if !pool.doc.sessions.tracking {
            return Err(not_tracking());
        }
        let rec = self
            .store
            .get_token_session(&pool.id, id)
            .await?
            .filter(|r| r.username_key == user.username_key && r.expires_ms > now)
            .ok_or_else(no_session)?;
        if self
            .store
            .is_origin_revoked(&pool.id, &rec.origin_jti)
            .await?
        {
            return Err(no_session());
        }
        if keep == Some(rec.origin_jti.as_str()) {
            return Err(Error::invalid_parameter(
                "You can't revoke the session that the calling access token belongs to.",
            ));
        }
        if !self
            .store
            .revoke_token_session(&pool.id, id, now + TOKEN_LIFETIME_MS, now)
            .await?
        {
            // Revoked by a concurrent call in between.
            return Err(no_session());
        }
        Ok(())
    }

    /// ListUserSessions: the caller's live sessions, its own marked current.
    pub async fn list_user_sessions(
        &self,
        req: ListUserSessionsRequest,
        now: Millis,
    ) -> Result<ListUserSessionsResponse> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let (sessions, next_token) = self
            .sessions_page(
                &t.pool,
                &t.user,
                req.next_token.as_deref(),
                Some(&t.claims.origin_jti),
                now,
            )
            .await?;
        Ok(ListUserSessionsResponse {
            sessions: Some(sessions),
            next_token,
        })
    }

    /// AdminListUserSessions.
    pub async fn admin_list_user_sessions(
        &self,
        _admin: &Admin,
        req: AdminListUserSessionsRequest,
        now: Millis,
    ) -> Result<AdminListUserSessionsResponse> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let (sessions, next_token) = self
            .sessions_page(&pool, &user, req.next_token.as_deref(), None, now)
            .await?;
        Ok(AdminListUserSessionsResponse {
            sessions: Some(sessions),
            next_token,
        })
    }

    /// RevokeUserSession: ends another session of the caller (never the
    /// caller's own). Token sessions have no linked SSO session in kognit,
    /// so RevokeAssociatedSessions changes nothing.
    pub async fn revoke_user_session(
        &self,
        req: RevokeUserSessionRequest,
        now: Millis,
    ) -> Result<()> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let id = req.session_id.as_str();
        self.revoke_session(&t.pool, &t.user, id, Some(&t.claims.origin_jti), now)
            .await
    }

    /// AdminRevokeUserSession: the session must belong to the named user.
    pub async fn admin_revoke_user_session(
        &self,
        _admin: &Admin,
        req: AdminRevokeUserSessionRequest,
        now: Millis,
    ) -> Result<()> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let id = req.session_id.as_str();
        self.revoke_session(&pool, &user, id, None, now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_the_model() {
        let id = session_id("us-east-1_AbC123xYz", "4c9e2f0c-origin");
        assert_eq!(id.len(), 28);
        assert!(id.starts_with("tkn"));
        assert!(
            id[3..]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_eq!(id, session_id("us-east-1_AbC123xYz", "4c9e2f0c-origin"));
        assert_ne!(id, session_id("us-east-1_AbC123xYz", "another-origin"));
        assert_ne!(id, session_id("us-east-1_Other0000", "4c9e2f0c-origin"));
    }
}
