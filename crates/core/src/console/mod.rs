//! The admin console's sign-in and sessions. An administrator signs in with
//! an access key (its id and secret, checked against the same keys SigV4
//! uses) or as a console administrator of the configuration (an Argon2id
//! password hash, and a TOTP secret when set); `kognit dev` opens a session
//! without credentials (the server allows that on loopback only). A session
//! is a random cookie token, stored as its SHA-256, that ends after an idle
//! period or at its absolute expiry, whichever comes first. Each session
//! has a CSRF token derived from its cookie token, which every
//! state-changing form must carry.
//!
//! Sessions yield the same [`Admin`] proof as a signed API request: the
//! console then calls the same service functions as the JSON API.

mod audit;

pub use audit::{AuditEntry, AuditPage};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;

pub use crate::admins::ConsoleAdmin;
use crate::crypto::{ct_eq, random_bytes, sha256};
use crate::error::ErrorCode;
use crate::service::{Admin, Millis, Service};
use crate::store::ConsoleSessionRecord;
use crate::{AdminCheck, Error, Result};

/// How long console sessions last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session without a request for this long ends, ms.
    pub idle_ms: i64,
    /// A session ends this long after sign-in whatever its activity, ms.
    pub lifetime_ms: i64,
}

/// Activity is written back at most this often, so a page view is not a
/// write each time; the idle timeout is exact to within it.
const TOUCH_EVERY_MS: i64 = 60_000;

/// A signed-in console session.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    /// The proof the console's calls take.
    pub admin: Admin,
    /// The token every state-changing form of this session must carry.
    pub csrf: String,
}

/// A new session: its cookie token (shown to the browser only) and the session.
#[derive(Debug, Clone)]
pub struct ConsoleSignIn {
    /// The cookie's value.
    pub token: String,
    /// The session.
    pub session: ConsoleSession,
}

fn signed_out() -> Error {
    Error::new(
        ErrorCode::NotAuthorizedException,
        "The console session has ended; sign in again.",
    )
}

impl Service {
    /// Checks credentials and opens a console session; the attempt is
    /// written to the audit log either way (without the credentials).
    pub async fn console_sign_in(
        &self,
        check: AdminCheck<'_>,
        policy: SessionPolicy,
        ip: Option<&str>,
        now: Millis,
    ) -> Result<ConsoleSignIn> {
        let claimed = check.claimed_principal();
        let admin = match self.authenticate_admin(check).await {
            Ok(a) => a,
            Err(e) => {
                let entry = AuditEntry::new("ConsoleSignIn").failed(e.code);
                self.record_audit(&claimed, entry, ip, now).await;
                return Err(e);
            }
        };
        let token = B64URL.encode(random_bytes(32));
        let rec = ConsoleSessionRecord {
            token_hash: sha256(token.as_bytes()).to_vec(),
            principal: admin.access_key_id.clone(),
            created_ms: now,
            seen_ms: now,
            expires_ms: now.saturating_add(policy.lifetime_ms),
        };
        self.store.insert_console_session(&rec).await?;
        self.record_audit(
            &admin.access_key_id,
            AuditEntry::new("ConsoleSignIn"),
            ip,
            now,
        )
        .await;
        let csrf = self.csrf_of(&token);
        Ok(ConsoleSignIn {
            token,
            session: ConsoleSession { admin, csrf },
        })
    }

    /// The session a cookie token names, if it is still open; records the
    /// activity. `NotAuthorizedException` when it has ended.
    pub async fn console_session(
        &self,
        token: &str,
        policy: SessionPolicy,
        now: Millis,
    ) -> Result<ConsoleSession> {
        let hash = sha256(token.as_bytes());
        let rec = self
            .store
            .get_console_session(&hash)
            .await?
            .ok_or_else(signed_out)?;
        let idle_end = rec.seen_ms.saturating_add(policy.idle_ms);
        if now >= rec.expires_ms || now >= idle_end {
            self.store.delete_console_session(&hash).await?;
            return Err(signed_out());
        }
        if now - rec.seen_ms >= TOUCH_EVERY_MS {
            self.store.touch_console_session(&hash, now).await?;
        }
        Ok(ConsoleSession {
            admin: Admin::new(rec.principal),
            csrf: self.csrf_of(token),
        })
    }

    /// Ends the session a cookie token names (nothing if it has ended).
    pub async fn console_sign_out(&self, token: &str) -> Result<()> {
        self.store
            .delete_console_session(&sha256(token.as_bytes()))
            .await?;
        Ok(())
    }

    /// Whether a form's CSRF token is its session's, compared in constant time.
    pub fn console_csrf_ok(&self, session: &ConsoleSession, presented: &str) -> bool {
        ct_eq(session.csrf.as_bytes(), presented.as_bytes())
    }

    fn csrf_of(&self, token: &str) -> String {
        B64URL.encode(self.console_keys.tag(&[b"csrf", token.as_bytes()]))
    }
}
