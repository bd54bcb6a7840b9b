//! Sealed challenge state: the `Session` string and SRP's `SECRET_BLOCK` carry
//! their own state, sealed with AES-GCM under the server key and with an
//! expiry, so the answer to a challenge may reach any node.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use kognit_wire::error::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::service::{Millis, Service};
use crate::triggers::ChallengeResult;
use crate::{Error, Result};

/// What a sealed session remembers between two steps of a sign-in.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct SessionState {
    /// Which step this state belongs to (`PASSWORD_VERIFIER`, `NEW_PASSWORD_REQUIRED`, …).
    pub challenge: String,
    /// The pool.
    pub pool_id: String,
    /// The client the flow runs for.
    pub client_id: String,
    /// The user's username key; None for a simulated flow of an unknown user.
    pub username_key: Option<String>,
    /// Expiry, ms.
    pub expires_ms: Millis,
    /// SRP: the server's secret `b` (serialised) and the client's `A`, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srp_b: Option<Vec<u8>>,
    /// SRP: the client's public value A, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub srp_a: Option<String>,
    /// SELECT_MFA_TYPE: the factors the user may choose from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_choices: Option<Vec<String>>,
    /// MFA_SETUP: true once VerifySoftwareToken accepted the new authenticator.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mfa_setup_done: bool,
    /// The device the client named (DEVICE_KEY), for the device steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
    /// EMAIL_OTP during MFA set-up: the address the user gave in answer to
    /// MFA_SETUP, which the code went to; it becomes the user's verified
    /// email, with email MFA on, once the code is right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_email: Option<String>,
    /// CUSTOM_AUTH: the challenges so far and the one being answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<CustomRounds>,
}

/// What a CUSTOM_AUTH sign-in carries from one step to the next: the
/// `session` its DefineAuthChallenge and CreateAuthChallenge triggers see,
/// and what the open CUSTOM_CHALLENGE was created with.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct CustomRounds {
    /// The user as the triggers name them (`userName`): the stored username,
    /// or the name given for a user that does not exist.
    pub username: String,
    /// The challenges answered so far, oldest first.
    pub history: Vec<ChallengeResult>,
    /// The open challenge's `privateChallengeParameters`.
    #[serde(default)]
    pub private: std::collections::BTreeMap<String, String>,
    /// The open challenge's `challengeMetadata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}

const AAD: &[u8] = b"kognit auth session v1";

fn invalid_session() -> Error {
    Error::new(
        ErrorCode::NotAuthorizedException,
        "Invalid session for the user.",
    )
}

impl Service {
    /// Seals a state into an opaque string (base64).
    pub(crate) fn seal_session(&self, state: &SessionState) -> Result<String> {
        let json = serde_json::to_vec(state).map_err(Error::internal)?;
        Ok(B64.encode(self.secrets.seal(&json, AAD)))
    }

    /// Opens a sealed state made for this challenge, pool and client.
    pub(crate) fn open_session(
        &self,
        sealed: &str,
        challenge: &str,
        pool_id: &str,
        client_id: &str,
        now: Millis,
    ) -> Result<SessionState> {
        let state = self.open_challenge_session(sealed, challenge, now)?;
        if state.pool_id != pool_id || state.client_id != client_id {
            return Err(invalid_session());
        }
        Ok(state)
    }

    /// Opens a sealed state made for this challenge, whatever its pool and
    /// client (for operations that name neither, such as AssociateSoftwareToken).
    pub(crate) fn open_challenge_session(
        &self,
        sealed: &str,
        challenge: &str,
        now: Millis,
    ) -> Result<SessionState> {
        let bytes = B64.decode(sealed.trim()).map_err(|_| invalid_session())?;
        let plain = self.secrets.open(&bytes, AAD).ok_or_else(invalid_session)?;
        let state: SessionState = serde_json::from_slice(&plain).map_err(|_| invalid_session())?;
        if state.challenge != challenge {
            return Err(invalid_session());
        }
        if now > state.expires_ms {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "Invalid session for the user, session is expired.",
            ));
        }
        Ok(state)
    }
}
