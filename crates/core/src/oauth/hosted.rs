//! The sign-in the hosted pages run, and their session.
//!
//! The pages run the API's own flows (password, NEW_PASSWORD_REQUIRED, MFA
//! and its set-up) with the client marked as hosted, so every rule —
//! lockout, user state, triggers, MFA — is the API's. A hosted sign-in ends
//! in [`HostedStep::SignedIn`] instead of tokens; the pages then keep a
//! hosted session (a sealed cookie, an hour, as Cognito's) and grant the
//! authorization request.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use kognit_wire::types::ChallengeNameType;
use serde::{Deserialize, Serialize};

use super::Authorization;
use crate::auth::Step;
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::store::UserRecord;
use crate::tokens::SignIn;
use crate::users::status;
use crate::{Error, Result};

/// How long a hosted session lets a second authorization skip the form:
/// Cognito's hour.
pub const SESSION_VALIDITY_MS: i64 = 3_600_000;

const AAD: &[u8] = b"kognit hosted session v1";

/// Where a hosted sign-in stands after a step.
#[derive(Debug, Clone)]
pub enum HostedStep {
    /// A challenge to answer on the next page.
    Challenge {
        /// Which.
        name: ChallengeNameType,
        /// The sealed state to send back with the answer.
        session: String,
        /// What the challenge says (CODE_DELIVERY_DESTINATION, MFAS_CAN_CHOOSE, …).
        parameters: BTreeMap<String, String>,
    },
    /// The user is signed in.
    SignedIn {
        /// The user.
        user: Box<UserRecord>,
        /// The session begun.
        sign_in: SignIn,
    },
}

/// What the hosted session cookie holds, sealed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HostedSession {
    /// The pool whose domain set it.
    pub pool_id: String,
    /// The user's username key.
    pub username_key: String,
    /// The user's sub (a user deleted and made again is someone else).
    pub sub: String,
    /// When the user authenticated, seconds.
    pub auth_time: i64,
    /// Expiry, ms.
    pub expires_ms: Millis,
}

fn step(s: Step) -> Result<HostedStep> {
    if let Some(done) = s.hosted {
        let (user, sign_in) = *done;
        return Ok(HostedStep::SignedIn {
            user: Box::new(user),
            sign_in,
        });
    }
    match (s.challenge_name, s.session) {
        (Some(name), Some(session)) => Ok(HostedStep::Challenge {
            name,
            session,
            parameters: s.challenge_parameters.unwrap_or_default(),
        }),
        _ => Err(Error::internal(
            "a hosted sign-in step ended in neither a challenge nor a sign-in",
        )),
    }
}

impl Service {
    /// A value sealed for the browser to hold: JSON, AES-GCM under the
    /// server key with `aad` naming its kind, base64url.
    fn seal_json<T: Serialize>(&self, value: &T, aad: &[u8]) -> String {
        let json = serde_json::to_vec(value).unwrap_or_default();
        B64.encode(self.secrets.seal(&json, aad))
    }

    /// What [`Service::seal_json`] sealed with `aad`; None for anything else.
    fn open_json<T: serde::de::DeserializeOwned>(&self, sealed: &str, aad: &[u8]) -> Option<T> {
        let bytes = B64.decode(sealed.trim()).ok()?;
        let plain = self.secrets.open(&bytes, aad)?;
        serde_json::from_slice(&plain).ok()
    }

    /// The first step of a hosted sign-in: the username and password.
    pub async fn hosted_sign_in(
        &self,
        client: &AppClient,
        username: &str,
        password: &str,
        now: Millis,
    ) -> Result<HostedStep> {
        debug_assert!(client.hosted);
        let params = Some(BTreeMap::from([
            ("USERNAME".to_owned(), username.to_owned()),
            ("PASSWORD".to_owned(), password.to_owned()),
        ]));
        step(self.password_auth(client, &params, None, now).await?)
    }

    /// The answer to a challenge of a hosted sign-in.
    pub async fn hosted_respond(
        &self,
        client: &AppClient,
        challenge: ChallengeNameType,
        session: &str,
        responses: BTreeMap<String, String>,
        now: Millis,
    ) -> Result<HostedStep> {
        debug_assert!(client.hosted);
        let responses = Some(responses);
        step(
            self.respond(client, challenge, Some(session), &responses, None, now)
                .await?,
        )
    }

    /// The hosted session cookie's value for a signed-in user.
    pub fn seal_hosted_session(
        &self,
        pool_id: &str,
        user: &UserRecord,
        auth_time: i64,
        now: Millis,
    ) -> String {
        let s = HostedSession {
            pool_id: pool_id.to_owned(),
            username_key: user.username_key.clone(),
            sub: user.sub.clone(),
            auth_time,
            expires_ms: now + SESSION_VALIDITY_MS,
        };
        self.seal_json(&s, AAD)
    }

    /// The hosted session a cookie holds, when it is this pool's and alive.
    pub fn open_hosted_session(
        &self,
        pool_id: &str,
        sealed: &str,
        now: Millis,
    ) -> Option<HostedSession> {
        let s: HostedSession = self.open_json(sealed, AAD)?;
        (s.pool_id == pool_id && now <= s.expires_ms).then_some(s)
    }

    /// Signs the user of a hosted session in again for a new authorization
    /// (no form): a new session of tokens, the same `auth_time`. None when
    /// the user is gone, someone else now, disabled or no longer confirmed.
    pub async fn resume_hosted_session(
        &self,
        a: &Authorization,
        s: &HostedSession,
        now: Millis,
    ) -> Result<Option<(UserRecord, SignIn)>> {
        let pool = self.pool(&a.client.pool_id).await?;
        let Some(user) = self.store.get_user(&pool.id, &s.username_key).await? else {
            return Ok(None);
        };
        if user.sub != s.sub || !user.enabled || user.status != status::CONFIRMED {
            return Ok(None);
        }
        let sign_in = SignIn {
            auth_time: s.auth_time,
            origin_jti: uuid::Uuid::new_v4().to_string(),
            event_id: uuid::Uuid::new_v4().to_string(),
            oauth: true,
            ..Default::default()
        };
        self.session_begun(&pool, &a.client, &user, &sign_in.origin_jti, now)
            .await?;
        Ok(Some((user, sign_in)))
    }

    /// The SECRET_HASH the hosted pages send for `username` when they call
    /// a public operation (SignUp, ConfirmSignUp, ForgotPassword, …) for a
    /// client with a secret: the browser never holds the secret, kognit does.
    pub async fn hosted_secret_hash(
        &self,
        client: &AppClient,
        username: &str,
    ) -> Result<Option<String>> {
        let secrets = self.client_secrets(&client.pool_id, client.id()).await?;
        Ok(secrets
            .first()
            .map(|s| crate::app_client::secret_hash(s, username, client.id())))
    }
}

/// What the hosted sign-up form asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignUpFields {
    /// The pool's UsernameAttributes (`email`, `phone_number`): the user
    /// signs up with one of these instead of a username.
    pub username_attributes: Vec<String>,
    /// The attributes the schema requires, and those the pool verifies
    /// (besides the username's).
    pub required: Vec<String>,
}

/// A sign-up waiting for its code: the username and password, sealed for
/// the confirmation page, so a confirmed user is signed in at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    username: String,
    password: String,
    expires_ms: Millis,
}

const PENDING_AAD: &[u8] = b"kognit hosted pending sign-in v1";

/// How long a sign-up may wait for its confirmation and still sign in.
const PENDING_VALIDITY_MS: i64 = 30 * 60_000;

impl Service {
    /// The fields of the pool's sign-up form.
    pub async fn sign_up_fields(&self, pool_id: &str) -> Result<SignUpFields> {
        let pool = self.pool(pool_id).await?;
        let p = pool.p();
        let username_attributes: Vec<String> = p
            .username_attributes
            .iter()
            .flatten()
            .map(|a| a.as_str().to_owned())
            .collect();
        let mut required: Vec<String> = p
            .schema_attributes
            .iter()
            .flatten()
            .filter(|a| a.required == Some(true))
            .filter_map(|a| a.name.clone())
            .collect();
        // An attribute the pool verifies must be given to get its code.
        for a in p.auto_verified_attributes.iter().flatten() {
            let name = a.as_str().to_owned();
            if !required.contains(&name) {
                required.push(name);
            }
        }
        required.retain(|n| n != "sub" && !username_attributes.contains(n));
        Ok(SignUpFields {
            username_attributes,
            required,
        })
    }

    /// Seals a sign-up's credentials for its confirmation page.
    pub fn seal_pending_sign_in(&self, username: &str, password: &str, now: Millis) -> String {
        let p = Pending {
            username: username.to_owned(),
            password: password.to_owned(),
            expires_ms: now + PENDING_VALIDITY_MS,
        };
        self.seal_json(&p, PENDING_AAD)
    }

    /// The username and password a confirmation page carries, when sealed
    /// here and not expired.
    pub fn open_pending_sign_in(&self, sealed: &str, now: Millis) -> Option<(String, String)> {
        let p: Pending = self.open_json(sealed, PENDING_AAD)?;
        (now <= p.expires_ms).then_some((p.username, p.password))
    }
}

impl Service {
    /// Whether users may sign themselves up (not AllowAdminCreateUserOnly):
    /// the sign-in page then links to the sign-up page.
    pub async fn self_sign_up_allowed(&self, pool_id: &str) -> Result<bool> {
        let pool = self.pool(pool_id).await?;
        Ok(!pool
            .p()
            .admin_create_user_config
            .as_ref()
            .and_then(|c| c.allow_admin_create_user_only)
            .unwrap_or(false))
    }
}
