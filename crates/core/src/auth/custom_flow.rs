//! CUSTOM_AUTH: a sign-in whose challenges the pool's DefineAuthChallenge,
//! CreateAuthChallenge and VerifyAuthChallengeResponse functions decide,
//! optionally starting with SRP password verification (`CHALLENGE_NAME:
//! SRP_A`). Each round, DefineAuthChallenge sees every challenge so far and
//! answers tokens, failure, or the next challenge.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-challenge.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html#Custom-authentication-flow-and-challenges>

use std::collections::BTreeMap;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::ChallengeNameType;

use super::srp_flow::{Exchange, incorrect, optional, public_a};
use super::{Finish, Step, param, session_validity_ms, state_refusal, unknown_user};
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::sign_in_session::{CustomRounds, SessionState};
use crate::store::UserRecord;
use crate::triggers::{ChallengeResult, Decision, Trigger, Who, unrecognizable};
use crate::users::Pool;
use crate::{Error, Result};

/// How many challenges one custom sign-in may go through. Cognito documents
/// no such number; this bound is kognit's, so that a DefineAuthChallenge
/// that never decides cannot grow a session without end. The session's
/// lifetime (the client's AuthSessionValidity) bounds each step.
pub(crate) const MAX_CHALLENGES: usize = 10;

const CUSTOM_CHALLENGE: &str = "CUSTOM_CHALLENGE";
const PASSWORD_VERIFIER: &str = "PASSWORD_VERIFIER";
const SRP_A: &str = "SRP_A";

/// Cognito's answer to CUSTOM_AUTH on a pool without DefineAuthChallenge.
fn not_configured() -> Error {
    Error::invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
}

fn invalid_session() -> Error {
    Error::new(
        ErrorCode::NotAuthorizedException,
        "Invalid session for the user.",
    )
}

/// One round's inputs besides the pool and client.
struct Round<'a> {
    rec: Option<UserRecord>,
    rounds: CustomRounds,
    /// The client's `SRP_A` while PASSWORD_VERIFIER may follow it.
    srp_a: Option<String>,
    metadata: Option<&'a BTreeMap<String, String>>,
}

impl Service {
    /// InitiateAuth / AdminInitiateAuth with CUSTOM_AUTH.
    pub(super) async fn custom_start(
        &self,
        client: &AppClient,
        params: &Option<BTreeMap<String, String>>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        let username = param(params, "USERNAME")?;
        let pool = self.pool_of_sign_in(client, username, params).await?;
        if !Self::has_trigger(&pool, Trigger::DefineAuthChallenge) {
            return Err(not_configured());
        }
        let srp_a = match optional(params, "CHALLENGE_NAME").as_deref() {
            Some(SRP_A) => Some(public_a(params)?),
            _ => None,
        };
        let rec = self.find_user(&pool, username).await?;
        if rec.is_none() && !client.hides_users() {
            return Err(unknown_user(client));
        }
        self.pre_authentication(&pool, client, username, rec.as_ref(), metadata)
            .await?;
        if let Some(refusal) = rec.as_ref().and_then(state_refusal) {
            return Err(refusal);
        }
        let mut rounds = CustomRounds {
            username: rec
                .as_ref()
                .map_or(username, |r| r.username.as_str())
                .to_owned(),
            ..Default::default()
        };
        if srp_a.is_some() {
            // "an initial session that contains challengeName: SRP_A and
            // challengeResult: true" (the DefineAuthChallenge page).
            rounds.history.push(ChallengeResult {
                name: SRP_A.into(),
                result: true,
                metadata: None,
            });
        }
        let round = Round {
            rec,
            rounds,
            srp_a,
            metadata,
        };
        self.custom_round(&pool, client, round, now).await
    }

    /// RespondToAuthChallenge / AdminRespondToAuthChallenge with
    /// CUSTOM_CHALLENGE: VerifyAuthChallengeResponse judges `ANSWER`, and
    /// DefineAuthChallenge decides what follows.
    pub(super) async fn custom_respond(
        &self,
        client: &AppClient,
        session: Option<&str>,
        responses: &Option<BTreeMap<String, String>>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        let session = session
            .ok_or_else(|| Error::invalid_parameter("Missing required parameter Session"))?;
        let state = self.open_session(
            session,
            CUSTOM_CHALLENGE,
            &client.pool_id,
            &client.session_client(),
            now,
        )?;
        let username = param(responses, "USERNAME")?;
        let answer = param(responses, "ANSWER")?;
        let secret_hash = responses
            .as_ref()
            .and_then(|m| m.get("SECRET_HASH"))
            .map(String::as_str);
        self.check_secret_hash(client, username, secret_hash)
            .await?;
        let mut rounds = state.custom.ok_or_else(invalid_session)?;
        let pool = self.pool(&client.pool_id).await?;
        let rec = match &state.username_key {
            Some(key) => {
                let named = self.find_user(&pool, username).await?;
                if named.as_ref().map(|u| &u.username_key) != Some(key) {
                    return Err(invalid_session());
                }
                named
            }
            None if username == rounds.username => None,
            None => return Err(invalid_session()),
        };
        if let Some(refusal) = rec.as_ref().and_then(state_refusal) {
            return Err(refusal);
        }
        let who = Who {
            pool: &pool,
            client,
            username: &rounds.username,
            rec: rec.as_ref(),
        };
        let correct = self
            .verify_auth_challenge_response(&who, &rounds.private, answer, metadata)
            .await?;
        let entry = ChallengeResult {
            name: CUSTOM_CHALLENGE.into(),
            result: correct,
            metadata: rounds.metadata.take(),
        };
        rounds.history.push(entry);
        rounds.private.clear();
        let round = Round {
            rec,
            rounds,
            srp_a: None,
            metadata,
        };
        self.custom_round(&pool, client, round, now).await
    }

    /// After a right PASSWORD_VERIFIER inside CUSTOM_AUTH: the password joins
    /// the history and DefineAuthChallenge runs again.
    pub(super) async fn custom_passed_password(
        &self,
        pool: &Pool,
        client: &AppClient,
        rec: UserRecord,
        mut rounds: CustomRounds,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        rounds.history.push(ChallengeResult {
            name: PASSWORD_VERIFIER.into(),
            result: true,
            metadata: None,
        });
        let round = Round {
            rec: Some(rec),
            rounds,
            srp_a: None,
            metadata,
        };
        self.custom_round(pool, client, round, now).await
    }

    /// One round: DefineAuthChallenge over the history, then tokens, the
    /// failure, or the challenge it named.
    async fn custom_round(
        &self,
        pool: &Pool,
        client: &AppClient,
        round: Round<'_>,
        now: Millis,
    ) -> Result<Step> {
        let Round {
            rec,
            mut rounds,
            srp_a,
            metadata,
        } = round;
        if rounds.history.len() >= MAX_CHALLENGES {
            return Err(incorrect());
        }
        let who = Who {
            pool,
            client,
            username: &rounds.username,
            rec: rec.as_ref(),
        };
        let decision = self
            .define_auth_challenge(&who, &rounds.history, metadata)
            .await?
            .ok_or_else(not_configured)?;
        match decision {
            // "Incorrect username or password.", as for a wrong password;
            // custom challenges do not count towards lockout.
            Decision::Fail => Err(incorrect()),
            // An unknown user never gets tokens, whatever the function says.
            Decision::Tokens => {
                let rec = rec.ok_or_else(incorrect)?;
                let password = rounds
                    .history
                    .iter()
                    .any(|c| c.name == PASSWORD_VERIFIER && c.result);
                if password {
                    // A password was proven: the pool's MFA applies as after
                    // any password sign-in.
                    self.mfa_or_grant(pool, client, &rec, None, Finish::Password, metadata, now)
                        .await
                } else {
                    self.grant(pool, client, &rec, None, Finish::Password, metadata, now)
                        .await
                }
            }
            Decision::Challenge(name) if name == PASSWORD_VERIFIER => {
                // Only right after SRP_A is there an exchange to verify.
                let after_srp_a = rounds.history.last().is_some_and(|c| c.name == SRP_A);
                let a_hex = srp_a.filter(|_| after_srp_a).ok_or_else(unrecognizable)?;
                let username = rounds.username.clone();
                let exchange = Exchange {
                    username: &username,
                    rec: rec.as_ref(),
                    a_hex,
                    device_key: None,
                    custom: Some(rounds),
                };
                self.srp_challenge(pool, client, exchange, now).await
            }
            Decision::Challenge(name) if name == CUSTOM_CHALLENGE => {
                let created = self
                    .create_auth_challenge(&who, &name, &rounds.history, metadata)
                    .await?;
                rounds.private = created.private;
                rounds.metadata = created.metadata;
                let mut cp = created.public;
                cp.insert("USERNAME".into(), rounds.username.clone());
                let state = SessionState {
                    challenge: CUSTOM_CHALLENGE.into(),
                    pool_id: pool.id.clone(),
                    client_id: client.session_client(),
                    username_key: rec.as_ref().map(|r| r.username_key.clone()),
                    expires_ms: now + session_validity_ms(client),
                    custom: Some(rounds),
                    ..Default::default()
                };
                Ok(Step {
                    challenge_name: Some(ChallengeNameType::CustomChallenge),
                    session: Some(self.seal_session(&state)?),
                    challenge_parameters: Some(cp),
                    result: None,
                    hosted: None,
                })
            }
            // Other names (SMS_MFA, DEVICE_SRP_AUTH, …) are not offered
            // inside a custom sign-in by kognit.
            Decision::Challenge(_) => Err(unrecognizable()),
        }
    }
}
