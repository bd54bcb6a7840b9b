//! DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse:
//! the three functions that run a CUSTOM_AUTH sign-in.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-challenge.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-define-auth-challenge.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-create-auth-challenge.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-verify-auth-challenge-response.html>

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::sign_up::user_attributes;
use super::{Event, Trigger, flag, text, unrecognizable};
use crate::Result;
use crate::records::AppClient;
use crate::records::Pool;
use crate::service::Service;
use crate::store::UserRecord;

/// One entry of a custom sign-in's `session` (Cognito's `ChallengeResult`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct ChallengeResult {
    /// `SRP_A`, `PASSWORD_VERIFIER` or `CUSTOM_CHALLENGE`.
    pub name: String,
    /// Whether it was passed.
    pub result: bool,
    /// The `challengeMetadata` CreateAuthChallenge gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}

/// Whom a custom sign-in is about.
pub(crate) struct Who<'a> {
    /// The pool.
    pub pool: &'a Pool,
    /// The app client signing in.
    pub client: &'a AppClient,
    /// `userName`: the stored username, or the name given for a user that
    /// does not exist.
    pub username: &'a str,
    /// The user; None for an unknown user on a client that hides which users
    /// exist (the triggers then see `userNotFound: true`).
    pub rec: Option<&'a UserRecord>,
}

/// What DefineAuthChallenge decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// `issueTokens`: the user is signed in.
    Tokens,
    /// `failAuthentication`: the sign-in fails.
    Fail,
    /// `challengeName`: the next challenge.
    Challenge(String),
}

/// A challenge as CreateAuthChallenge made it.
#[derive(Debug, Default)]
pub(crate) struct Created {
    /// `publicChallengeParameters`: the client sees them.
    pub public: BTreeMap<String, String>,
    /// `privateChallengeParameters`: only VerifyAuthChallengeResponse sees them.
    pub private: BTreeMap<String, String>,
    /// `challengeMetadata`: kept in the session's history.
    pub metadata: Option<String>,
}

/// The `session` array: one `ChallengeResult` per challenge so far.
fn session(history: &[ChallengeResult]) -> Value {
    Value::Array(
        history
            .iter()
            .map(|c| {
                json!({
                    "challengeName": c.name,
                    "challengeResult": c.result,
                    "challengeMetadata": c.metadata,
                })
            })
            .collect(),
    )
}

/// A map of strings in a trigger's `response`: absent or null is empty, any
/// non-string value is an unrecognizable answer.
fn strings(response: &Map<String, Value>, name: &str) -> Result<BTreeMap<String, String>> {
    match response.get(name) {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(unrecognizable()),
            })
            .collect(),
        Some(_) => Err(unrecognizable()),
    }
}

impl Who<'_> {
    /// The request members every challenge trigger gets: `userAttributes`
    /// (empty for an unknown user), `clientMetadata` when the call had any
    /// (a real DefineAuthChallenge event of a call without it has none:
    /// <https://github.com/aws-amplify/amplify-js/issues/5834>), and
    /// `userNotFound`, which Cognito sets only for clients with
    /// PreventUserExistenceErrors enabled.
    fn request(&self, client_metadata: Option<&BTreeMap<String, String>>) -> Result<Value> {
        let mut request = Map::new();
        let attrs = match self.rec {
            Some(r) => user_attributes(r)?,
            None => json!({}),
        };
        request.insert("userAttributes".into(), attrs);
        if let Some(m) = client_metadata {
            request.insert("clientMetadata".into(), json!(m));
        }
        if self.client.hides_users() {
            request.insert("userNotFound".into(), json!(self.rec.is_none()));
        }
        Ok(Value::Object(request))
    }

    fn event(&self, source: &'static str, request: Value, response: Value) -> Event<'_> {
        Event {
            pool: self.pool,
            source,
            username: self.username,
            client_id: Some(self.client.id()),
            request,
            response,
        }
    }
}

impl Service {
    /// Runs DefineAuthChallenge over the challenges so far. `failAuthentication`
    /// wins over `issueTokens`; an answer with neither and no `challengeName`
    /// is unrecognizable. None when the pool has no such trigger.
    pub(crate) async fn define_auth_challenge(
        &self,
        who: &Who<'_>,
        history: &[ChallengeResult],
        client_metadata: Option<&BTreeMap<String, String>>,
    ) -> Result<Option<Decision>> {
        let mut request = who.request(client_metadata)?;
        request["session"] = session(history);
        let event = who.event(
            "DefineAuthChallenge_Authentication",
            request,
            json!({"challengeName": null, "issueTokens": null, "failAuthentication": null}),
        );
        let Some(response) = self
            .run_trigger(Trigger::DefineAuthChallenge, event)
            .await?
        else {
            return Ok(None);
        };
        if flag(&response, "failAuthentication")? {
            return Ok(Some(Decision::Fail));
        }
        if flag(&response, "issueTokens")? {
            return Ok(Some(Decision::Tokens));
        }
        match text(&response, "challengeName")? {
            Some(name) if !name.is_empty() => Ok(Some(Decision::Challenge(name.to_owned()))),
            _ => Err(unrecognizable()),
        }
    }

    /// Runs CreateAuthChallenge for the challenge DefineAuthChallenge named.
    /// A pool without the trigger makes an empty challenge.
    pub(crate) async fn create_auth_challenge(
        &self,
        who: &Who<'_>,
        challenge_name: &str,
        history: &[ChallengeResult],
        client_metadata: Option<&BTreeMap<String, String>>,
    ) -> Result<Created> {
        let mut request = who.request(client_metadata)?;
        request["challengeName"] = json!(challenge_name);
        request["session"] = session(history);
        let event = who.event(
            "CreateAuthChallenge_Authentication",
            request,
            json!({
                "publicChallengeParameters": null,
                "privateChallengeParameters": null,
                "challengeMetadata": null,
            }),
        );
        let Some(response) = self
            .run_trigger(Trigger::CreateAuthChallenge, event)
            .await?
        else {
            return Ok(Created::default());
        };
        Ok(Created {
            public: strings(&response, "publicChallengeParameters")?,
            private: strings(&response, "privateChallengeParameters")?,
            metadata: text(&response, "challengeMetadata")?.map(str::to_owned),
        })
    }

    /// Runs VerifyAuthChallengeResponse on the user's answer: `answerCorrect`.
    /// A pool without the trigger accepts no answer.
    pub(crate) async fn verify_auth_challenge_response(
        &self,
        who: &Who<'_>,
        private: &BTreeMap<String, String>,
        answer: &str,
        client_metadata: Option<&BTreeMap<String, String>>,
    ) -> Result<bool> {
        let mut request = who.request(client_metadata)?;
        request["privateChallengeParameters"] = json!(private);
        request["challengeAnswer"] = json!(answer);
        let event = who.event(
            "VerifyAuthChallengeResponse_Authentication",
            request,
            json!({"answerCorrect": null}),
        );
        match self
            .run_trigger(Trigger::VerifyAuthChallengeResponse, event)
            .await?
        {
            Some(response) => flag(&response, "answerCorrect"),
            None => Ok(false),
        }
    }
}
