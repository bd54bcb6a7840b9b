//! USER_SRP_AUTH and its PASSWORD_VERIFIER challenge: Cognito's SRP-6a, with
//! the server's state sealed into SECRET_BLOCK so the answer may reach any node.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html#Using-SRP-password-verification-in-custom-authentication-flow>

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use kognit_wire::error::ErrorCode;
use kognit_wire::types::ChallengeNameType;

use super::{Step, param, unknown_user};
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::sign_in_session::{CustomRounds, SessionState};
use crate::srp::{self, ServerChallenge, SrpSecret};
use crate::store::UserRecord;
use crate::users::{Pool, lockout};
use crate::{Error, Result, crypto};

pub(super) fn incorrect() -> Error {
    Error::new(
        ErrorCode::NotAuthorizedException,
        "Incorrect username or password.",
    )
}

fn decode_hex(name: &str, v: &str) -> Result<Vec<u8>> {
    let v = v.trim();
    let padded = if v.len() % 2 == 1 {
        format!("0{v}")
    } else {
        v.to_owned()
    };
    hex::decode(padded)
        .map_err(|_| Error::invalid_parameter(format!("{name} is not a valid hexadecimal value.")))
}

impl Service {
    /// The user's SRP salt and verifier, opened from their sealed form.
    fn srp_secret(
        &self,
        pool_id: &str,
        rec: &crate::store::UserRecord,
    ) -> Result<Option<SrpSecret>> {
        let Some(sealed) = &rec.srp_sealed else {
            return Ok(None);
        };
        let plain = self
            .secrets
            .open(sealed, &Self::srp_aad(pool_id, &rec.username_key))
            .ok_or_else(|| Error::internal("an SRP verifier did not open under the master key"))?;
        Ok(SrpSecret::from_bytes(&plain))
    }

    pub(super) async fn srp_start(
        &self,
        client: &AppClient,
        params: &Option<BTreeMap<String, String>>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        let username = param(params, "USERNAME")?;
        let a_hex = public_a(params)?;
        let pool = self.pool_of_sign_in(client, username, params).await?;
        // No UserMigration here: SRP never reveals the password, so there is
        // nothing the old system could check (`users::migration`).
        let rec = self.find_user(&pool, username).await?;
        if rec.is_some() || client.hides_users() {
            self.pre_authentication(&pool, client, username, rec.as_ref(), metadata)
                .await?;
        }
        let exchange = Exchange {
            username,
            rec: rec.as_ref(),
            a_hex,
            device_key: optional(params, "DEVICE_KEY"),
            custom: None,
        };
        self.srp_challenge(&pool, client, exchange, now).await
    }

    /// The PASSWORD_VERIFIER challenge for a client's `SRP_A`: the server's
    /// `B` and the user's salt, with the exchange sealed into SECRET_BLOCK.
    /// An unknown user on a client that hides which users exist gets a
    /// believable challenge nobody can answer.
    pub(super) async fn srp_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        exchange: Exchange<'_>,
        now: Millis,
    ) -> Result<Step> {
        let Exchange {
            username,
            rec,
            a_hex,
            device_key,
            custom,
        } = exchange;
        let secret = match rec {
            Some(r) => self.srp_secret(&pool.id, r)?,
            None => None,
        };
        let (user_id, username_key, verifier, salt) = match (rec, secret) {
            (Some(r), Some(s)) => (
                r.username.clone(),
                Some(r.username_key.clone()),
                s.verifier,
                s.salt,
            ),
            (Some(_), None) => return Err(incorrect()),
            (None, _) => {
                if !client.hides_users() {
                    return Err(unknown_user(client));
                }
                // A believable challenge for a user that does not exist: a salt
                // that is stable per username and a verifier nobody can match.
                let fake =
                    self.codes
                        .tag(&[b"srp-simulated", pool.id.as_bytes(), username.as_bytes()]);
                let mut salt = fake[..16].to_vec();
                salt[0] |= 0x40;
                let verifier = srp::verifier(
                    srp::pool_name(&pool.id),
                    username,
                    &hex::encode(&fake),
                    &salt,
                );
                (username.to_owned(), None, verifier, salt)
            }
        };
        let challenge = start_exchange(verifier).await?;
        // Inside CUSTOM_AUTH, Cognito also answers a Session (Amplify sends it
        // back with PASSWORD_VERIFIER); the SECRET_BLOCK serves as both.
        let in_custom = custom.is_some();
        let state = SessionState {
            challenge: "PASSWORD_VERIFIER".into(),
            pool_id: pool.id.clone(),
            client_id: client.session_client(),
            username_key,
            expires_ms: now + super::session_validity_ms(client),
            srp_b: Some(challenge.to_bytes()),
            srp_a: Some(a_hex),
            device_key,
            custom,
            ..Default::default()
        };
        let secret_block = self.seal_session(&state)?;
        let mut cp = BTreeMap::new();
        cp.insert("SALT".into(), hex::encode(&salt));
        cp.insert("SRP_B".into(), hex::encode(&challenge.big_b));
        cp.insert("SECRET_BLOCK".into(), secret_block.clone());
        cp.insert("USER_ID_FOR_SRP".into(), user_id.clone());
        cp.insert("USERNAME".into(), user_id);
        Ok(Step {
            challenge_name: Some(ChallengeNameType::PasswordVerifier),
            session: in_custom.then_some(secret_block),
            challenge_parameters: Some(cp),
            ..Default::default()
        })
    }

    pub(super) async fn srp_verify(
        &self,
        client: &AppClient,
        responses: &Option<BTreeMap<String, String>>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        let block = param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = param(responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = param(responses, "TIMESTAMP")?;
        let username = param(responses, "USERNAME")?;
        let secret_hash = responses
            .as_ref()
            .and_then(|m| m.get("SECRET_HASH"))
            .map(String::as_str);
        self.check_secret_hash(client, username, secret_hash)
            .await?;
        let state = self.open_session(
            block,
            "PASSWORD_VERIFIER",
            &client.pool_id,
            &client.session_client(),
            now,
        )?;
        let Some(username_key) = state.username_key.clone() else {
            return Err(incorrect());
        };
        let pool = self.pool(&client.pool_id).await?;
        let rec = self
            .store
            .get_user(&pool.id, &username_key)
            .await?
            .ok_or_else(incorrect)?;
        if let Err(locked) = lockout::check(&rec, now) {
            self.sign_in_failed(&pool, &rec, "Password", now).await;
            return Err(locked);
        }
        let secret = self.srp_secret(&pool.id, &rec)?.ok_or_else(incorrect)?;
        let claim = Claim {
            realm: srp::pool_name(&pool.id),
            identity: &rec.username,
            secret_block: block,
            timestamp,
            signature,
        };
        if !claim_holds(&state, secret.verifier, &claim).await? {
            return Err(self.record_failure(&pool, &rec, now).await);
        }
        if let Some(rounds) = state.custom {
            // PASSWORD_VERIFIER inside CUSTOM_AUTH: DefineAuthChallenge
            // decides what follows the password.
            return self
                .custom_passed_password(&pool, client, rec, rounds, metadata, now)
                .await;
        }
        // The device the client names now, else the one it named at the start.
        let device_key = optional(responses, "DEVICE_KEY").or(state.device_key);
        self.after_password(&pool, client, rec, device_key.as_deref(), metadata, now)
            .await
    }
}

/// What a PASSWORD_VERIFIER challenge is made from.
pub(super) struct Exchange<'a> {
    /// The name the client gave.
    pub username: &'a str,
    /// The user, if any.
    pub rec: Option<&'a UserRecord>,
    /// The client's `SRP_A`, hex.
    pub a_hex: String,
    /// The device the client named.
    pub device_key: Option<String>,
    /// The CUSTOM_AUTH sign-in this challenge belongs to, if any.
    pub custom: Option<CustomRounds>,
}

/// An optional AuthParameters / ChallengeResponses member.
pub(super) fn optional(map: &Option<BTreeMap<String, String>>, name: &str) -> Option<String> {
    map.as_ref().and_then(|m| m.get(name)).cloned()
}

/// The client's `SRP_A` (hex), checked to be a usable public value.
pub(super) fn public_a(params: &Option<BTreeMap<String, String>>) -> Result<String> {
    let a_hex = param(params, "SRP_A")?.to_owned();
    let a = decode_hex("SRP_A", &a_hex)?;
    if !srp::valid_public_a(&a) {
        return Err(Error::invalid_parameter("SRP_A is not a valid value."));
    }
    Ok(a_hex)
}

/// Starts the server's half of an exchange for this verifier, on the
/// blocking pool (one 3072-bit exponentiation).
pub(super) async fn start_exchange(verifier: Vec<u8>) -> Result<ServerChallenge> {
    tokio::task::spawn_blocking(move || ServerChallenge::start(&verifier))
        .await
        .map_err(Error::internal)?
        .map_err(|e| Error::internal(format!("SRP start failed: {e}")))
}

/// What a client claims in answer to PASSWORD_VERIFIER or
/// DEVICE_PASSWORD_VERIFIER.
pub(super) struct Claim<'a> {
    /// The pool name, or a device's group key.
    pub realm: &'a str,
    /// `USER_ID_FOR_SRP`, or the device key.
    pub identity: &'a str,
    /// `PASSWORD_CLAIM_SECRET_BLOCK` as sent (base64).
    pub secret_block: &'a str,
    /// `TIMESTAMP` as sent.
    pub timestamp: &'a str,
    /// `PASSWORD_CLAIM_SIGNATURE` as sent (base64).
    pub signature: &'a str,
}

/// Whether the claim's signature proves knowledge of the password behind
/// `verifier`: the session key from the state's `b` and `A` (two
/// exponentiations, on the blocking pool), then a constant-time comparison.
pub(super) async fn claim_holds(
    state: &SessionState,
    verifier: Vec<u8>,
    claim: &Claim<'_>,
) -> Result<bool> {
    let b = state
        .srp_b
        .as_deref()
        .and_then(ServerChallenge::from_bytes)
        .ok_or_else(|| Error::internal("SRP state missing from the secret block"))?;
    let a = decode_hex("SRP_A", state.srp_a.as_deref().unwrap_or_default())?;
    let key = tokio::task::spawn_blocking(move || b.session_key(&a, &verifier))
        .await
        .map_err(Error::internal)?
        .map_err(|_| Error::invalid_parameter("SRP_A is not a valid value."))?;
    let block = B64
        .decode(claim.secret_block.trim())
        .map_err(|_| incorrect())?;
    let expected = srp::claim_signature(&key, claim.realm, claim.identity, &block, claim.timestamp);
    let given = B64.decode(claim.signature.trim()).unwrap_or_default();
    Ok(crypto::ct_eq(&expected, &given))
}
