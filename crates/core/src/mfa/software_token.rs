//! TOTP enrolment: AssociateSoftwareToken hands out a new secret (base32), and
//! VerifySoftwareToken registers it once the user shows a code from it. Both
//! take the user's access token, or the `Session` of an MFA_SETUP challenge
//! when the pool requires MFA of a user who has none yet.

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use super::{UserMfa, factor};
use crate::service::{Admin, Millis, Service};
use crate::sign_in_session::SessionState;
use crate::store::UserRecord;
use crate::users::Pool;
use crate::{Error, Result, crypto, totp};

/// Bytes of a new TOTP secret (52 base32 characters, as Cognito's).
const SECRET_BYTES: usize = 32;

/// Whom an enrolment call speaks for.
enum Caller {
    /// Signed in: the access token's user.
    Token(Pool, UserRecord),
    /// Mid sign-in: the MFA_SETUP session's user.
    Setup(Pool, UserRecord, Box<SessionState>),
}

impl Caller {
    fn pool(&self) -> &Pool {
        match self {
            Caller::Token(p, _) | Caller::Setup(p, _, _) => p,
        }
    }

    fn username_key(&self) -> &str {
        match self {
            Caller::Token(_, u) | Caller::Setup(_, u, _) => &u.username_key,
        }
    }
}

impl Service {
    async fn enrolment_caller(
        &self,
        access_token: Option<&str>,
        session: Option<&str>,
        now: Millis,
    ) -> Result<Caller> {
        match (access_token, session) {
            (Some(_), Some(_)) => Err(Error::invalid_parameter(
                "Only one of AccessToken and Session may be given.",
            )),
            (None, None) => Err(Error::invalid_parameter(
                "Either AccessToken or Session is required.",
            )),
            (Some(token), None) => {
                let t = self.signed_in_user(token, now).await?;
                Ok(Caller::Token(t.pool, t.user))
            }
            (None, Some(session)) => {
                let state = self.open_challenge_session(session, "MFA_SETUP", now)?;
                let pool = self.pool(&state.pool_id).await?;
                let user = self
                    .store
                    .get_user(&pool.id, state.username_key.as_deref().unwrap_or_default())
                    .await?
                    .ok_or_else(crate::users::user_not_found)?;
                Ok(Caller::Setup(pool, user, Box::new(state)))
            }
        }
    }

    /// Runs `change` on the caller's stored MFA state and saves it.
    async fn change_enrolment<T>(
        &self,
        caller: &Caller,
        now: Millis,
        change: impl Fn(&mut UserMfa) -> Result<T>,
    ) -> Result<T> {
        let (out, _) = self
            .modify_mfa(caller.pool(), caller.username_key(), now, |_, mfa| {
                change(mfa)
            })
            .await?;
        Ok(out)
    }

    /// AssociateSoftwareToken: a new secret, pending until verified (a
    /// registered authenticator keeps working until then).
    pub async fn associate_software_token(
        &self,
        req: AssociateSoftwareTokenRequest,
        now: Millis,
    ) -> Result<AssociateSoftwareTokenResponse> {
        let caller = self
            .enrolment_caller(req.access_token.as_deref(), req.session.as_deref(), now)
            .await?;
        let secret = crypto::random_bytes(SECRET_BYTES);
        let sealed = self.seal_totp(&secret);
        self.change_enrolment(&caller, now, |mfa| {
            mfa.totp_pending = Some(sealed.clone());
            Ok(())
        })
        .await?;
        let session = match &caller {
            Caller::Setup(_, _, state) => Some(self.seal_session(state)?),
            Caller::Token(..) => None,
        };
        Ok(AssociateSoftwareTokenResponse {
            secret_code: Some(totp::base32_encode(&secret)),
            session,
        })
    }

    /// VerifySoftwareToken: the pending secret becomes the user's
    /// authenticator once a code from it is shown. In an MFA_SETUP sign-in it
    /// is also enabled and preferred, and the returned session completes the
    /// challenge.
    pub async fn verify_software_token(
        &self,
        req: VerifySoftwareTokenRequest,
        now: Millis,
    ) -> Result<VerifySoftwareTokenResponse> {
        let caller = self
            .enrolment_caller(req.access_token.as_deref(), req.session.as_deref(), now)
            .await?;
        let code = req.user_code;
        let device_name = req.friendly_device_name.filter(|n| !n.is_empty());
        let setup = matches!(caller, Caller::Setup(..));
        self.change_enrolment(&caller, now, |mfa| {
            let sealed = mfa.totp_pending.clone().ok_or_else(|| {
                Error::new(
                    ErrorCode::SoftwareTokenMFANotFoundException,
                    "Software Token MFA has not been associated with the user; call AssociateSoftwareToken first.",
                )
            })?;
            let secret = self.open_totp(&sealed)?;
            let step = totp::matching_step(&secret, &code, now / 1000).ok_or_else(|| {
                Error::new(
                    ErrorCode::EnableSoftwareTokenMFAException,
                    "Code mismatch and fail enable Software Token MFA",
                )
            })?;
            mfa.totp_secret = Some(sealed);
            mfa.totp_pending = None;
            mfa.totp_device_name = device_name.clone();
            // The code that proved the secret is spent.
            mfa.totp_last_step = Some(step);
            if setup {
                mfa.software_token = true;
                if mfa.preferred.is_none() {
                    mfa.preferred = Some(factor::TOTP.to_owned());
                }
            }
            Ok(())
        })
        .await?;
        let session = match caller {
            Caller::Setup(_, _, mut state) => {
                state.mfa_setup_done = true;
                Some(self.seal_session(&state)?)
            }
            Caller::Token(..) => None,
        };
        Ok(VerifySoftwareTokenResponse {
            session,
            status: Some("SUCCESS".into()),
        })
    }

    /// AdminDeleteSoftwareToken: the user's authenticator (and any pending
    /// one) is removed and TOTP MFA turned off; a new one can be associated.
    /// A user with none is left as is.
    pub async fn admin_delete_software_token(
        &self,
        _admin: &Admin,
        req: AdminDeleteSoftwareTokenRequest,
        now: Millis,
    ) -> Result<()> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let caller = Caller::Token(pool, user);
        self.change_enrolment(&caller, now, |mfa| {
            mfa.totp_secret = None;
            mfa.totp_pending = None;
            mfa.totp_device_name = None;
            mfa.totp_last_step = None;
            mfa.software_token = false;
            if mfa.preferred.as_deref() == Some(factor::TOTP) {
                mfa.preferred = None;
            }
            Ok(())
        })
        .await
    }
}
