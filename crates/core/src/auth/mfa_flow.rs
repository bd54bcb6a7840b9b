//! The MFA step of every sign-in flow: after the password (or SRP proof, or a
//! new password) is accepted, the pool's MfaConfiguration and the user's
//! factors decide between tokens and one of the challenges SMS_MFA,
//! SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE or MFA_SETUP.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html>

use std::collections::BTreeMap;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::{ChallengeNameType, UserPoolMfaType};

use super::{Finish, Step, param, session_validity_ms};
use crate::delivery::Channel;
use crate::mfa::{PoolFactors, UserMfa, code_mismatch, factor, has_attr, pool_mode};
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::sign_in_session::SessionState;
use crate::store::UserRecord;
use crate::triggers::{MessageKind, MessageSource};
use crate::users::codes::Purpose;
use crate::users::messages::Content;
use crate::users::{Pool, attrs_of};
use crate::{Error, Result};

/// What the MFA step asks of the user.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    /// Nothing: tokens.
    Tokens,
    /// This factor's challenge.
    Factor(&'static str),
    /// SELECT_MFA_TYPE among these.
    Select(Vec<&'static str>),
    /// MFA_SETUP: the pool requires MFA and the user has no factor; these can be set up.
    Setup(Vec<&'static str>),
}

/// Decides the MFA step for a user of a pool.
fn next_step(pool: &Pool, rec: &UserRecord) -> Result<Next> {
    let mode = pool_mode(pool);
    if mode == UserPoolMfaType::Off {
        return Ok(Next::Tokens);
    }
    let offered = PoolFactors::of(pool);
    let mfa = UserMfa::of(rec);
    let attrs = attrs_of(rec)?;
    let (phone, email) = (has_attr(&attrs, "phone_number"), has_attr(&attrs, "email"));
    let mut usable: Vec<&'static str> = mfa
        .enabled()
        .into_iter()
        .filter(|f| match *f {
            factor::SMS => offered.sms && phone,
            factor::TOTP => offered.totp,
            _ => offered.email && email,
        })
        .collect();
    if usable.is_empty() {
        if mode != UserPoolMfaType::On {
            return Ok(Next::Tokens);
        }
        // MFA is required: a registered authenticator, else the phone number,
        // else the email address serves; failing all, the user sets one up.
        if offered.totp && mfa.has_totp() {
            usable.push(factor::TOTP);
        } else if offered.sms && phone {
            usable.push(factor::SMS);
        } else if offered.email && email {
            usable.push(factor::EMAIL);
        } else {
            let mut can = Vec::new();
            if offered.sms {
                can.push(factor::SMS);
            }
            if offered.totp {
                can.push(factor::TOTP);
            }
            if offered.email {
                can.push(factor::EMAIL);
            }
            return Ok(Next::Setup(can));
        }
    }
    if let [only] = usable.as_slice() {
        return Ok(Next::Factor(only));
    }
    match usable
        .iter()
        .find(|f| mfa.preferred.as_deref() == Some(**f))
    {
        Some(preferred) => Ok(Next::Factor(preferred)),
        None => Ok(Next::Select(usable)),
    }
}

fn json_list(items: &[&str]) -> Result<String> {
    serde_json::to_string(items).map_err(Error::internal)
}

impl Service {
    /// After the first factor: an MFA challenge when the pool and the user
    /// call for one, else tokens.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn mfa_or_grant(
        &self,
        pool: &Pool,
        client: &AppClient,
        rec: &UserRecord,
        device_key: Option<String>,
        finish: Finish,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        match next_step(pool, rec)? {
            Next::Tokens => {
                self.grant(pool, client, rec, device_key, finish, metadata, now)
                    .await
            }
            Next::Factor(f) => {
                let state = self.mfa_state(f, pool, client, rec, device_key, now);
                self.factor_challenge(pool, rec, state, now).await
            }
            Next::Select(choices) => {
                let mut cp = BTreeMap::new();
                cp.insert("MFAS_CAN_CHOOSE".into(), json_list(&choices)?);
                let mut state =
                    self.mfa_state("SELECT_MFA_TYPE", pool, client, rec, device_key, now);
                state.mfa_choices = Some(choices.iter().map(|c| (*c).to_owned()).collect());
                self.challenge_step(&state, cp)
            }
            Next::Setup(can) => {
                // SMS needs a phone number the user cannot give here; an
                // authenticator or an email address can be set up.
                if !can.contains(&factor::TOTP) && !can.contains(&factor::EMAIL) {
                    return Err(Error::new(
                        ErrorCode::InvalidUserPoolConfigurationException,
                        "The user has no MFA factor and the pool offers none that can be set up at sign-in.",
                    ));
                }
                let mut cp = BTreeMap::new();
                cp.insert("MFAS_CAN_SETUP".into(), json_list(&can)?);
                let state = self.mfa_state("MFA_SETUP", pool, client, rec, device_key, now);
                self.challenge_step(&state, cp)
            }
        }
    }

    fn mfa_state(
        &self,
        challenge: &str,
        pool: &Pool,
        client: &AppClient,
        rec: &UserRecord,
        device_key: Option<String>,
        now: Millis,
    ) -> SessionState {
        SessionState {
            challenge: challenge.into(),
            pool_id: pool.id.clone(),
            client_id: client.session_client(),
            username_key: Some(rec.username_key.clone()),
            expires_ms: now + session_validity_ms(client),
            device_key,
            ..Default::default()
        }
    }

    fn challenge_step(&self, state: &SessionState, cp: BTreeMap<String, String>) -> Result<Step> {
        Ok(Step {
            challenge_name: ChallengeNameType::parse(&state.challenge),
            session: Some(self.seal_session(state)?),
            challenge_parameters: Some(cp),
            result: None,
            hosted: None,
        })
    }

    /// One factor's challenge (named by `state.challenge`); SMS and email
    /// codes are sent now.
    async fn factor_challenge(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        state: SessionState,
        now: Millis,
    ) -> Result<Step> {
        let mut cp = BTreeMap::new();
        let channel = match state.challenge.as_str() {
            factor::SMS => Some(Channel::Sms),
            factor::EMAIL => Some(Channel::Email),
            _ => None,
        };
        if let Some(channel) = channel {
            let code = self
                .issue_code(&pool.id, &rec.username_key, Purpose::Mfa, now)
                .await?;
            let mut attrs = attrs_of(rec)?;
            if let Some(address) = &state.setup_email {
                attrs.insert("email".into(), address.clone());
            }
            let details = self
                .send_to_user(
                    pool,
                    rec,
                    &attrs,
                    channel,
                    Content::Mfa(&code),
                    &MessageSource::of(MessageKind::Authentication),
                )
                .await?;
            cp.insert(
                "CODE_DELIVERY_DELIVERY_MEDIUM".into(),
                details
                    .delivery_medium
                    .map(|m| m.as_str().to_owned())
                    .unwrap_or_default(),
            );
            cp.insert(
                "CODE_DELIVERY_DESTINATION".into(),
                details.destination.unwrap_or_default(),
            );
        }
        self.challenge_step(&state, cp)
    }

    /// A wrong (or spent, or expired) MFA code: recorded as the sign-in's
    /// failed `Mfa` step and counted towards lockout. The caller gets the
    /// code's error, or "Password attempts exceeded" once locked out.
    async fn mfa_failure(&self, pool: &Pool, rec: &UserRecord, e: Error, now: Millis) -> Error {
        if e.code == ErrorCode::InternalErrorException {
            return e;
        }
        self.sign_in_failed(pool, rec, "Mfa", now).await;
        let counted = self.count_failure(pool, rec, now).await;
        if counted.message == "Password attempts exceeded" {
            counted
        } else {
            e
        }
    }

    /// The answer to an MFA challenge.
    pub(super) async fn mfa_respond(
        &self,
        client: &AppClient,
        challenge: &str,
        session: Option<&str>,
        responses: &Option<BTreeMap<String, String>>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        let session = session
            .ok_or_else(|| Error::invalid_parameter("Missing required parameter Session"))?;
        let state = self.open_session(
            session,
            challenge,
            &client.pool_id,
            &client.session_client(),
            now,
        )?;
        let username = param(responses, "USERNAME")?;
        let secret_hash = responses
            .as_ref()
            .and_then(|m| m.get("SECRET_HASH"))
            .map(String::as_str);
        self.check_secret_hash(client, username, secret_hash)
            .await?;
        let pool = self.pool(&client.pool_id).await?;
        let key = state.username_key.clone().unwrap_or_default();
        let named = self.find_user(&pool, username).await?;
        if named.as_ref().map(|u| u.username_key.as_str()) != Some(key.as_str()) {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "Invalid session for the user.",
            ));
        }
        let mut rec = named.ok_or_else(crate::users::user_not_found)?;
        // Wrong codes count towards lockout like wrong passwords, so a
        // second factor cannot be guessed at speed.
        crate::users::lockout::check(&rec, now)?;
        if !rec.enabled {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "User is disabled.",
            ));
        }
        match challenge {
            factor::SMS | factor::EMAIL => {
                let name = if challenge == factor::SMS {
                    "SMS_MFA_CODE"
                } else {
                    "EMAIL_OTP_CODE"
                };
                let code = param(responses, name)?;
                let redeemed = self
                    .redeem_code(&pool.id, &key, Purpose::Mfa, code, now)
                    .await
                    .map_err(|e| match e.code {
                        ErrorCode::CodeMismatchException => code_mismatch(),
                        _ => e,
                    });
                if let Err(e) = redeemed {
                    return Err(self.mfa_failure(&pool, &rec, e, now).await);
                }
                if let Some(address) = &state.setup_email {
                    rec = self.set_up_email_mfa(&pool, &rec, address, now).await?;
                }
            }
            factor::TOTP => {
                let code = param(responses, "SOFTWARE_TOKEN_MFA_CODE")?;
                match self.redeem_totp(&pool, &key, code, now).await {
                    Ok(updated) => rec = updated,
                    Err(e) => return Err(self.mfa_failure(&pool, &rec, e, now).await),
                }
            }
            "SELECT_MFA_TYPE" => {
                let answer = param(responses, "ANSWER")?;
                let chosen = [factor::SMS, factor::TOTP, factor::EMAIL]
                    .into_iter()
                    .find(|f| *f == answer)
                    .filter(|f| state.mfa_choices.iter().flatten().any(|c| c.as_str() == *f))
                    .ok_or_else(|| {
                        Error::new(
                            ErrorCode::MFAMethodNotFoundException,
                            format!("{answer} is not one of the MFA methods offered."),
                        )
                    })?;
                let next = SessionState {
                    challenge: chosen.to_owned(),
                    expires_ms: now + session_validity_ms(client),
                    mfa_choices: None,
                    ..state
                };
                return self.factor_challenge(&pool, &rec, next, now).await;
            }
            "MFA_SETUP" if responses.as_ref().is_some_and(|r| r.contains_key("EMAIL")) => {
                // MFA_SETUP answered with an email address (as Amplify's
                // confirmSignIn does): a code goes there, and the EMAIL_OTP
                // answer with it sets the address up.
                let address = param(responses, "EMAIL")?;
                if !PoolFactors::of(&pool).email {
                    return Err(Error::invalid_parameter(
                        "Email MFA is not configured for this user pool.",
                    ));
                }
                if !crate::users::attributes::valid_email(address) {
                    return Err(Error::invalid_parameter("Invalid email address format."));
                }
                let next = SessionState {
                    challenge: factor::EMAIL.to_owned(),
                    expires_ms: now + session_validity_ms(client),
                    setup_email: Some(address.to_owned()),
                    ..state
                };
                return self.factor_challenge(&pool, &rec, next, now).await;
            }
            _ => {
                // MFA_SETUP: VerifySoftwareToken returned this session once the
                // new authenticator proved itself.
                if !state.mfa_setup_done {
                    return Err(Error::invalid_parameter(
                        "MFA setup is not complete: verify a software token with this session first.",
                    ));
                }
            }
        }
        // A second factor after NEW_PASSWORD_REQUIRED still ends as
        // TokenGeneration_Authentication: the session does not keep how
        // the first factor was passed.
        let finish = if challenge == "MFA_SETUP" {
            Finish::MfaSetup
        } else {
            Finish::Mfa
        };
        self.grant(&pool, client, &rec, state.device_key, finish, metadata, now)
            .await
    }

    /// The user's email set up as an MFA factor: the address becomes the
    /// verified `email` (an alias taken by another user answers
    /// AliasExistsException) and email MFA is enabled. The updated user.
    async fn set_up_email_mfa(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        address: &str,
        now: Millis,
    ) -> Result<UserRecord> {
        self.change_user(&pool.id, &rec.username, now, |user| {
            let mut attrs = attrs_of(user)?;
            attrs.insert("email".into(), address.to_owned());
            attrs.insert("email_verified".into(), "true".into());
            crate::users::set_attrs(user, &attrs)?;
            let mut mfa = UserMfa::of(user);
            mfa.email = true;
            mfa.store_in(user)
        })
        .await?;
        self.user(pool, &rec.username).await
    }
}
