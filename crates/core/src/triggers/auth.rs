//! PreAuthentication and PostAuthentication.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-authentication.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-authentication.html>

use std::collections::BTreeMap;

use serde_json::json;

use super::sign_up::user_attributes;
use super::{Event, Trigger, metadata};
use crate::Result;
use crate::records::AppClient;
use crate::records::Pool;
use crate::service::Service;
use crate::store::UserRecord;

/// The `version` of PreTokenGeneration events: `1` unless the pool's
/// `PreTokenGenerationConfig` names V2_0 or V3_0.
pub(crate) fn token_event_version(pool: &Pool) -> &'static str {
    use kognit_wire::types::PreTokenGenerationLambdaVersionType as V;
    let version = pool
        .p()
        .lambda_config
        .as_ref()
        .and_then(|c| c.pre_token_generation_config.as_ref())
        .map(|c| c.lambda_version);
    match version {
        Some(V::V20) => "2",
        Some(V::V30) => "3",
        _ => "1",
    }
}

impl Service {
    /// Runs PreAuthentication before a password (or SRP proof) is checked:
    /// a function that throws refuses the sign-in. `rec` is None for a user
    /// that does not exist on a client that hides which users exist
    /// (`userNotFound: true`). InitiateAuth's ClientMetadata arrives as
    /// `validationData`, as in Cognito.
    pub(crate) async fn pre_authentication(
        &self,
        pool: &Pool,
        client: &AppClient,
        username: &str,
        rec: Option<&UserRecord>,
        client_metadata: Option<&BTreeMap<String, String>>,
    ) -> Result<()> {
        if !Self::has_trigger(pool, Trigger::PreAuthentication) {
            return Ok(());
        }
        let mut request = json!({
            "userAttributes": match rec {
                Some(r) => user_attributes(r)?,
                None => json!({}),
            },
            "validationData": metadata(client_metadata),
        });
        if rec.is_none() {
            request["userNotFound"] = json!(true);
        }
        let event = Event {
            pool,
            source: "PreAuthentication_Authentication",
            username: rec.map_or(username, |r| r.username.as_str()),
            client_id: Some(client.id()),
            request,
            response: json!({}),
        };
        self.run_trigger(Trigger::PreAuthentication, event).await?;
        Ok(())
    }

    /// Runs PostAuthentication once a sign-in succeeded, before its tokens
    /// are issued: a function that throws fails the sign-in.
    pub(crate) async fn post_authentication(
        &self,
        pool: &Pool,
        client: &AppClient,
        rec: &UserRecord,
        new_device_used: bool,
        client_metadata: Option<&BTreeMap<String, String>>,
    ) -> Result<()> {
        if !Self::has_trigger(pool, Trigger::PostAuthentication) {
            return Ok(());
        }
        let event = Event {
            pool,
            source: "PostAuthentication_Authentication",
            username: &rec.username,
            client_id: Some(client.id()),
            request: json!({
                "userAttributes": user_attributes(rec)?,
                "newDeviceUsed": new_device_used,
                "clientMetadata": metadata(client_metadata),
            }),
            response: json!({}),
        };
        self.run_trigger(Trigger::PostAuthentication, event).await?;
        Ok(())
    }
}
