//! Sign-in flows: InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge and
//! AdminRespondToAuthChallenge with USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH,
//! USER_SRP_AUTH (PASSWORD_VERIFIER), REFRESH_TOKEN_AUTH, CUSTOM_AUTH
//! (CUSTOM_CHALLENGE), the NEW_PASSWORD_REQUIRED challenge and remembered
//! devices (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER).
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html>

mod custom_flow;
mod device_flow;
mod mfa_flow;
mod new_password;
mod password;
mod record;
pub(crate) mod refresh;
mod srp_flow;

use std::collections::BTreeMap;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use crate::records::AppClient;
use crate::service::{Admin, Millis, Service};
use crate::store::UserRecord;
use crate::tokens::{ADMIN_SCOPE, IssuedTokens, SignIn, TokenInput};
use crate::triggers::TokenSource;
use crate::users::{Pool, status};
use crate::{Error, Result};

/// The answer of every sign-in step (the four operations share it).
#[derive(Debug, Default)]
pub(crate) struct Step {
    pub challenge_name: Option<ChallengeNameType>,
    pub session: Option<String>,
    pub challenge_parameters: Option<BTreeMap<String, String>>,
    pub result: Option<AuthenticationResultType>,
    /// A sign-in through the hosted pages that is complete: the user and
    /// the session begun, to become a hosted session and an authorization
    /// code (no tokens yet).
    pub hosted: Option<Box<(UserRecord, SignIn)>>,
}

impl Step {
    /// The last step: tokens, with empty ChallengeParameters, as Cognito
    /// answers (moto's aws_verified
    /// test_initiate_mfa_auth_USER_PASSWORD_AUTH_with_FORCE_CHANGE_PASSWORD_status
    /// asserts `ChallengeParameters == {}` beside the AuthenticationResult).
    pub(crate) fn tokens(result: AuthenticationResultType) -> Self {
        Step {
            challenge_parameters: Some(BTreeMap::new()),
            result: Some(result),
            ..Default::default()
        }
    }
}

/// What completed a sign-in that ends in tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Finish {
    /// The password or SRP proof (or a device's), without a second factor.
    Password,
    /// An answer to NEW_PASSWORD_REQUIRED, without a second factor.
    NewPassword,
    /// An MFA code (recorded as such in the sign-in's auth event).
    Mfa,
    /// MFA_SETUP, completed by VerifySoftwareToken.
    MfaSetup,
}

/// Where a request came from: the public operations or the admin ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    Public,
    Admin,
}

/// The flows a client allows when it names none (Cognito's default).
const DEFAULT_FLOWS: &[ExplicitAuthFlowsType] = &[
    ExplicitAuthFlowsType::AllowRefreshTokenAuth,
    ExplicitAuthFlowsType::AllowUserSrpAuth,
    ExplicitAuthFlowsType::AllowCustomAuth,
];

/// Whether the client's ExplicitAuthFlows allow this flow. The legacy values
/// (without `ALLOW_`) count only while the client names no `ALLOW_` value,
/// as in Cognito.
pub(crate) fn flow_allowed(client: &AppClient, flow: AuthFlowType) -> bool {
    use ExplicitAuthFlowsType as F;
    let flows = client
        .config
        .explicit_auth_flows
        .as_deref()
        .unwrap_or(DEFAULT_FLOWS);
    let has = |f: F| flows.contains(&f);
    let legacy_only = !flows.iter().any(|f| f.as_str().starts_with("ALLOW_"));
    match flow {
        AuthFlowType::UserPasswordAuth => has(F::AllowUserPasswordAuth) || has(F::UserPasswordAuth),
        AuthFlowType::AdminUserPasswordAuth | AuthFlowType::AdminNoSrpAuth => {
            has(F::AllowAdminUserPasswordAuth) || has(F::AdminNoSrpAuth)
        }
        AuthFlowType::UserSrpAuth => has(F::AllowUserSrpAuth) || legacy_only,
        AuthFlowType::RefreshTokenAuth | AuthFlowType::RefreshToken => {
            has(F::AllowRefreshTokenAuth) || legacy_only
        }
        // CUSTOM_AUTH_FLOW_ONLY is a legacy value, so it counts here.
        AuthFlowType::CustomAuth => has(F::AllowCustomAuth) || legacy_only,
        AuthFlowType::UserAuth => false,
    }
}

/// How long a challenge may take to answer: the client's AuthSessionValidity
/// (3 to 15 minutes, default 3).
pub(crate) fn session_validity_ms(client: &AppClient) -> Millis {
    i64::from(
        client
            .config
            .auth_session_validity
            .unwrap_or(3)
            .clamp(3, 15),
    ) * 60_000
}

fn flow_not_enabled(flow: AuthFlowType) -> Error {
    Error::invalid_parameter(format!("{flow} flow not enabled for this client"))
}

/// A required AuthParameters / ChallengeResponses member.
pub(crate) fn param<'a>(map: &'a Option<BTreeMap<String, String>>, name: &str) -> Result<&'a str> {
    map.as_ref()
        .and_then(|m| m.get(name))
        .map(String::as_str)
        .ok_or_else(|| Error::invalid_parameter(format!("Missing required parameter {name}")))
}

/// The error for an unknown user, as the client's PreventUserExistenceErrors wants.
pub(crate) fn unknown_user(client: &AppClient) -> Error {
    if client.hides_users() {
        Error::new(
            ErrorCode::NotAuthorizedException,
            "Incorrect username or password.",
        )
    } else {
        Error::new(ErrorCode::UserNotFoundException, "User does not exist.")
    }
}

/// Cognito's refusal of a user whose password was right but whose state
/// forbids signing in: disabled, unconfirmed, or a password reset required.
fn state_refusal(rec: &UserRecord) -> Option<Error> {
    if !rec.enabled {
        return Some(Error::new(
            ErrorCode::NotAuthorizedException,
            "User is disabled.",
        ));
    }
    match rec.status.as_str() {
        status::UNCONFIRMED => Some(Error::new(
            ErrorCode::UserNotConfirmedException,
            "User is not confirmed.",
        )),
        status::RESET_REQUIRED => Some(Error::new(
            ErrorCode::PasswordResetRequiredException,
            "Password reset required for the user",
        )),
        _ => None,
    }
}

impl Service {
    /// The client of an admin call, which must belong to the named pool.
    async fn admin_client(&self, pool_id: &str, client_id: &str) -> Result<AppClient> {
        let client = self.app_client(client_id).await?;
        if client.pool_id != pool_id {
            return Err(Error::not_found(format!(
                "User pool client {client_id} does not exist."
            )));
        }
        Ok(client)
    }

    /// After the password (or SRP proof) was right: the user's state decides
    /// between tokens and a NEW_PASSWORD_REQUIRED challenge; a `device_key`
    /// the client named must then be proven (DEVICE_SRP_AUTH).
    pub(crate) async fn after_password(
        &self,
        pool: &Pool,
        client: &AppClient,
        rec: UserRecord,
        device_key: Option<&str>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        // The failure count is cleared by a completed sign-in (`grant`), not
        // here: wrong MFA codes after a right password keep counting.
        if let Some(refusal) = state_refusal(&rec) {
            // The password was right, the user's state refuses the sign-in.
            self.sign_in_refused(pool, &rec, now).await;
            return Err(refusal);
        }
        match rec.status.as_str() {
            status::FORCE_CHANGE_PASSWORD => {
                if rec.temp_password_expires_ms.is_some_and(|t| now > t) {
                    self.sign_in_refused(pool, &rec, now).await;
                    return Err(Error::new(
                        ErrorCode::NotAuthorizedException,
                        "Temporary password has expired and must be reset by an administrator.",
                    ));
                }
                self.new_password_challenge(pool, client, &rec, now)
            }
            _ => {
                if let Some(step) = self
                    .device_challenge(pool, client, &rec, device_key, now)
                    .await?
                {
                    return Ok(step);
                }
                self.mfa_or_grant(pool, client, &rec, None, Finish::Password, metadata, now)
                    .await
            }
        }
    }

    /// Issues tokens for a completed sign-in (a new session: new origin_jti).
    /// `device_key` is the device the sign-in proved; without one, a pool
    /// that tracks devices announces a new device (NewDeviceMetadata) and
    /// binds the tokens to it. `finish` says what completed the sign-in.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn grant(
        &self,
        pool: &Pool,
        client: &AppClient,
        rec: &UserRecord,
        device_key: Option<String>,
        finish: Finish,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        self.clear_failures(pool, rec, now).await?;
        let source = match (&device_key, finish) {
            (Some(_), _) => TokenSource::AuthenticateDevice,
            (None, Finish::NewPassword) => TokenSource::NewPasswordChallenge,
            (None, _) => TokenSource::Authentication,
        };
        let new_device = match device_key {
            Some(_) => None,
            // The hosted pages remember no devices.
            None if client.hosted => None,
            None => self.new_device_metadata(pool, rec),
        };
        // ClientMetadata reaches PostAuthentication and PreTokenGeneration
        // only from (Admin)RespondToAuthChallenge, as in Cognito: sign-ins
        // that end in InitiateAuth pass None (`{}` in the events).
        self.post_authentication(pool, client, rec, new_device.is_some(), metadata)
            .await?;
        let device_key = device_key.or_else(|| new_device.as_ref()?.device_key.clone());
        let mfa = finish == Finish::Mfa;
        if client.hosted {
            // The tokens come from the token endpoint, with the scopes the
            // authorization request asked for.
            let sign_in = SignIn {
                auth_time: now / 1000,
                origin_jti: uuid::Uuid::new_v4().to_string(),
                event_id: uuid::Uuid::new_v4().to_string(),
                oauth: true,
                ..Default::default()
            };
            self.signed_in(pool, client, rec, &sign_in, mfa, now)
                .await?;
            return Ok(Step {
                hosted: Some(Box::new((rec.clone(), sign_in))),
                ..Default::default()
            });
        }
        let sign_in = SignIn {
            auth_time: now / 1000,
            origin_jti: uuid::Uuid::new_v4().to_string(),
            event_id: uuid::Uuid::new_v4().to_string(),
            device_key,
            scope: ADMIN_SCOPE.into(),
            ..Default::default()
        };
        let issued = self
            .tokens_for(pool, client, rec, &sign_in, source, metadata, now)
            .await?;
        let refresh = self
            .store_refresh_token(pool, client, rec, &sign_in, now)
            .await?;
        self.signed_in(pool, client, rec, &sign_in, mfa, now)
            .await?;
        Ok(Step::tokens(AuthenticationResultType {
            access_token: Some(issued.access_token),
            expires_in: Some(issued.expires_in),
            token_type: Some("Bearer".into()),
            refresh_token: Some(refresh),
            id_token: Some(issued.id_token),
            new_device_metadata: new_device,
        }))
    }

    /// The tokens of a sign-in or a refresh: the user's groups, read afresh
    /// (group changes since sign-in show in refreshed tokens), then what
    /// PreTokenGeneration changes, then the signed pair.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn tokens_for(
        &self,
        pool: &Pool,
        client: &AppClient,
        rec: &UserRecord,
        sign_in: &SignIn,
        source: TokenSource,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<IssuedTokens> {
        let groups = self.group_claims(&pool.id, &rec.username_key).await?;
        let changes = self
            .pre_token_generation(pool, client, rec, &groups, &sign_in.scope, source, metadata)
            .await?;
        let input = TokenInput {
            client: &client.config,
            user: rec,
            groups: &groups,
            sign_in,
            changes: &changes,
        };
        self.issue_tokens(&pool.id, &input, now).await
    }

    /// The pool of a sign-in by `username` through `client`, once the
    /// request's SECRET_HASH (AuthParameters) is checked.
    pub(super) async fn pool_of_sign_in(
        &self,
        client: &AppClient,
        username: &str,
        params: &Option<BTreeMap<String, String>>,
    ) -> Result<Pool> {
        let secret_hash = params
            .as_ref()
            .and_then(|m| m.get("SECRET_HASH"))
            .map(String::as_str);
        self.check_secret_hash(client, username, secret_hash)
            .await?;
        self.pool(&client.pool_id).await
    }

    async fn initiate(
        &self,
        client: &AppClient,
        via: Via,
        flow: AuthFlowType,
        params: &Option<BTreeMap<String, String>>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        use AuthFlowType as F;
        let admin_flow = matches!(flow, F::AdminUserPasswordAuth | F::AdminNoSrpAuth);
        if admin_flow && via == Via::Public {
            return Err(Error::invalid_parameter(format!(
                "{flow} is only available through AdminInitiateAuth."
            )));
        }
        if flow == F::UserPasswordAuth && via == Via::Admin {
            return Err(Error::invalid_parameter(
                "USER_PASSWORD_AUTH is only available through InitiateAuth.",
            ));
        }
        if flow == F::UserAuth {
            return Err(Error::new(
                ErrorCode::UnsupportedOperationException,
                format!("kognit does not implement the {flow} flow yet."),
            ));
        }
        if !flow_allowed(client, flow) {
            return Err(flow_not_enabled(flow));
        }
        match flow {
            F::UserPasswordAuth | F::AdminUserPasswordAuth | F::AdminNoSrpAuth => {
                self.password_auth(client, params, metadata, now).await
            }
            F::UserSrpAuth => self.srp_start(client, params, metadata, now).await,
            F::RefreshTokenAuth | F::RefreshToken => self.refresh_auth(client, params, now).await,
            F::CustomAuth => self.custom_start(client, params, metadata, now).await,
            F::UserAuth => Err(Error::internal("USER_AUTH was refused above")),
        }
    }

    pub(crate) async fn respond(
        &self,
        client: &AppClient,
        challenge: ChallengeNameType,
        session: Option<&str>,
        responses: &Option<BTreeMap<String, String>>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        use ChallengeNameType as C;
        match challenge {
            C::PasswordVerifier => self.srp_verify(client, responses, metadata, now).await,
            C::CustomChallenge => {
                self.custom_respond(client, session, responses, metadata, now)
                    .await
            }
            C::DeviceSrpAuth => self.device_srp_start(client, session, responses, now).await,
            C::DevicePasswordVerifier => {
                self.device_srp_verify(client, responses, metadata, now)
                    .await
            }
            C::NewPasswordRequired => {
                let session = session.ok_or_else(|| {
                    Error::invalid_parameter("Missing required parameter Session")
                })?;
                self.new_password_respond(client, session, responses, metadata, now)
                    .await
            }
            C::SmsMfa | C::SoftwareTokenMfa | C::EmailOtp | C::SelectMfaType | C::MfaSetup => {
                self.mfa_respond(
                    client,
                    challenge.as_str(),
                    session,
                    responses,
                    metadata,
                    now,
                )
                .await
            }
            other => Err(Error::invalid_parameter(format!(
                "Unsupported challenge {other}"
            ))),
        }
    }

    /// InitiateAuth.
    pub async fn initiate_auth(
        &self,
        req: InitiateAuthRequest,
        now: Millis,
    ) -> Result<InitiateAuthResponse> {
        let client = self.app_client(req.client_id.as_str()).await?;
        let flow = req.auth_flow;
        let s = self
            .initiate(
                &client,
                Via::Public,
                flow,
                &req.auth_parameters,
                req.client_metadata.as_ref(),
                now,
            )
            .await?;
        Ok(InitiateAuthResponse {
            challenge_name: s.challenge_name,
            session: s.session,
            challenge_parameters: s.challenge_parameters,
            authentication_result: s.result,
            available_challenges: None,
        })
    }

    /// AdminInitiateAuth.
    pub async fn admin_initiate_auth(
        &self,
        _admin: &Admin,
        req: AdminInitiateAuthRequest,
        now: Millis,
    ) -> Result<AdminInitiateAuthResponse> {
        let client = self
            .admin_client(req.user_pool_id.as_str(), req.client_id.as_str())
            .await?;
        let flow = req.auth_flow;
        let s = self
            .initiate(
                &client,
                Via::Admin,
                flow,
                &req.auth_parameters,
                req.client_metadata.as_ref(),
                now,
            )
            .await?;
        Ok(AdminInitiateAuthResponse {
            challenge_name: s.challenge_name,
            session: s.session,
            challenge_parameters: s.challenge_parameters,
            authentication_result: s.result,
            available_challenges: None,
        })
    }

    /// RespondToAuthChallenge.
    pub async fn respond_to_auth_challenge(
        &self,
        req: RespondToAuthChallengeRequest,
        now: Millis,
    ) -> Result<RespondToAuthChallengeResponse> {
        let client = self.app_client(req.client_id.as_str()).await?;
        let challenge = req.challenge_name;
        let s = self
            .respond(
                &client,
                challenge,
                req.session.as_deref(),
                &req.challenge_responses,
                req.client_metadata.as_ref(),
                now,
            )
            .await?;
        Ok(RespondToAuthChallengeResponse {
            challenge_name: s.challenge_name,
            session: s.session,
            challenge_parameters: s.challenge_parameters,
            authentication_result: s.result,
            available_challenges: None,
        })
    }

    /// AdminRespondToAuthChallenge.
    pub async fn admin_respond_to_auth_challenge(
        &self,
        _admin: &Admin,
        req: AdminRespondToAuthChallengeRequest,
        now: Millis,
    ) -> Result<AdminRespondToAuthChallengeResponse> {
        let client = self
            .admin_client(req.user_pool_id.as_str(), req.client_id.as_str())
            .await?;
        let challenge = req.challenge_name;
        let s = self
            .respond(
                &client,
                challenge,
                req.session.as_deref(),
                &req.challenge_responses,
                req.client_metadata.as_ref(),
                now,
            )
            .await?;
        Ok(AdminRespondToAuthChallengeResponse {
            challenge_name: s.challenge_name,
            session: s.session,
            challenge_parameters: s.challenge_parameters,
            authentication_result: s.result,
            available_challenges: None,
        })
    }
}
