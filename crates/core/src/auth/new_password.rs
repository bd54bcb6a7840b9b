//! The NEW_PASSWORD_REQUIRED challenge: a user created by an administrator
//! signs in with the temporary password and must choose a new one, supplying
//! any required attributes still missing.

use std::collections::BTreeMap;

use kognit_wire::types::{AttributeType, ChallengeNameType};

use super::{Finish, Step, param, session_validity_ms};
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::sign_in_session::SessionState;
use crate::store::UserRecord;
use crate::users::attributes::{Write, check_required, check_write};
use crate::users::{Pool, Target, attrs_of, status};
use crate::{Error, Result};

/// The prefix of attribute answers (amazon-cognito-identity-js uses it).
const ATTR_PREFIX: &str = "userAttributes.";

impl Service {
    /// The challenge with Cognito's parameters: `USER_ID_FOR_SRP`,
    /// `requiredAttributes` (JSON list of `userAttributes.<name>` still missing)
    /// and `userAttributes` (JSON of the user's current attributes).
    pub(super) fn new_password_challenge(
        &self,
        pool: &Pool,
        client: &AppClient,
        rec: &UserRecord,
        now: Millis,
    ) -> Result<Step> {
        let attrs = attrs_of(rec)?;
        let missing: Vec<String> = pool
            .p()
            .schema_attributes
            .iter()
            .flatten()
            .filter(|a| a.required == Some(true) && a.name.as_deref() != Some("sub"))
            .filter_map(|a| a.name.clone())
            .filter(|n| attrs.get(n).is_none_or(|v| v.is_empty()))
            .map(|n| format!("{ATTR_PREFIX}{n}"))
            .collect();
        let mut shown = attrs.clone();
        // Cognito leaves the verified flags out of this list.
        shown.remove("email_verified");
        shown.remove("phone_number_verified");
        let session = self.seal_session(&SessionState {
            challenge: "NEW_PASSWORD_REQUIRED".into(),
            pool_id: pool.id.clone(),
            client_id: client.session_client(),
            username_key: Some(rec.username_key.clone()),
            expires_ms: now + session_validity_ms(client),
            ..Default::default()
        })?;
        let mut cp = BTreeMap::new();
        cp.insert("USER_ID_FOR_SRP".into(), rec.username.clone());
        cp.insert(
            "requiredAttributes".into(),
            serde_json::to_string(&missing).map_err(Error::internal)?,
        );
        cp.insert(
            "userAttributes".into(),
            serde_json::to_string(&shown).map_err(Error::internal)?,
        );
        Ok(Step {
            challenge_name: Some(ChallengeNameType::NewPasswordRequired),
            session: Some(session),
            challenge_parameters: Some(cp),
            result: None,
            hosted: None,
        })
    }

    pub(super) async fn new_password_respond(
        &self,
        client: &AppClient,
        session: &str,
        responses: &Option<BTreeMap<String, String>>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        let new_password = param(responses, "NEW_PASSWORD")?;
        let state = self.open_session(
            session,
            "NEW_PASSWORD_REQUIRED",
            &client.pool_id,
            &client.session_client(),
            now,
        )?;
        let pool = self.pool(&client.pool_id).await?;
        let username_key = state.username_key.unwrap_or_default();
        let rec = self
            .store
            .get_user(&pool.id, &username_key)
            .await?
            .ok_or_else(crate::users::user_not_found)?;
        if let Some(secret_hash) = responses.as_ref().and_then(|m| m.get("SECRET_HASH")) {
            self.check_secret_hash(client, &rec.username, Some(secret_hash))
                .await?;
        } else {
            self.check_secret_hash(client, &rec.username, None).await?;
        }
        if rec.status != status::FORCE_CHANGE_PASSWORD {
            return Err(Error::invalid_parameter(
                "The user is not in FORCE_CHANGE_PASSWORD state.",
            ));
        }
        let given: Vec<AttributeType> = responses
            .iter()
            .flatten()
            .filter_map(|(k, v)| {
                k.strip_prefix(ATTR_PREFIX).map(|n| AttributeType {
                    name: n.to_owned(),
                    value: Some(v.clone()),
                })
            })
            .collect();
        let new_values = check_write(&pool, &given, Write::Update, client.write_attributes())?;
        let mut attrs = attrs_of(&rec)?;
        attrs.extend(new_values.clone());
        check_required(&pool, &attrs)?;
        let password = self
            .new_password(&pool, &rec, new_password, false, now)
            .await?;
        let (rec, ()) = self
            .modify_user(&pool, Target::read(rec), false, now, |rec, attrs| {
                attrs.extend(new_values.clone());
                password.apply(rec);
                rec.status = status::CONFIRMED.into();
                Ok(())
            })
            .await?;
        self.mfa_or_grant(
            &pool,
            client,
            &rec,
            None,
            Finish::NewPassword,
            metadata,
            now,
        )
        .await
    }
}
