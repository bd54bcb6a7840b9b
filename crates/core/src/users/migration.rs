//! The UserMigration trigger: a user the pool does not know signs in with a password, or
//! asks for a password reset, and the pool's function brings the user over
//! from the old system.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html>
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-import-using-lambda.html>
//!
//! Only USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH sign-ins migrate:
//! USER_SRP_AUTH never sends the password, so there is nothing to check
//! against the old system ("your app must not use the default USER_SRP_AUTH
//! flow since the SDK does not send the password to the server", the
//! import guide above); an SRP sign-in of an unknown user fails as for any
//! unknown user.

use std::collections::BTreeMap;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::AttributeType;
use serde_json::{Map, Value, json};

use super::attributes::{Write, check_write};
use super::mfa_state::UserMfa;
use super::signup::{new_user, resolve_username};
use super::{Attrs, Pool, set_attrs, status};
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::store::UserRecord;
use crate::triggers::{Event, Trigger, flag, metadata, text, unrecognizable};
use crate::{Error, Result};

/// What started a migration.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Migration<'a> {
    /// A sign-in with the password itself (`UserMigration_Authentication`).
    /// InitiateAuth's ClientMetadata is the event's `validationData`, as the
    /// guide says.
    SignIn {
        password: &'a str,
        client_metadata: Option<&'a BTreeMap<String, String>>,
    },
    /// ForgotPassword (`UserMigration_ForgotPassword`): no password; the
    /// request's ClientMetadata is the event's `clientMetadata`.
    ForgotPassword {
        client_metadata: Option<&'a BTreeMap<String, String>>,
    },
}

/// The user a migration left in the pool.
#[derive(Debug)]
pub(crate) enum Migrated {
    /// Created now from the function's answer (with the typed password on
    /// sign-in, so it needs no second check).
    Created(UserRecord),
    /// Created meanwhile by a concurrent request for the same name: an
    /// existing user like any other.
    Existing(UserRecord),
}

impl Migrated {
    /// The user, however it got there.
    pub(crate) fn into_record(self) -> UserRecord {
        match self {
            Migrated::Created(r) | Migrated::Existing(r) => r,
        }
    }
}

/// What the function decided, read from its `response`.
struct Answer {
    attrs: Vec<AttributeType>,
    reset_required: bool,
    force_alias: bool,
    sms_mfa: bool,
}

/// An answer Cognito cannot migrate from. The knowledge center names
/// UserNotFoundException for a finalUserStatus, messageAction or
/// desiredDeliveryMediums it does not take and for attributes outside the
/// schema; the wording here is kognit's.
/// <https://repost.aws/knowledge-center/cognito-migration-lambda-trigger-errors>
fn refused(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::UserNotFoundException, message)
}

/// Reads the `response` of a UserMigration event. None when it names no
/// user attributes: the old system does not know the user either.
fn answer(response: &Map<String, Value>) -> Result<Option<Answer>> {
    let attrs = match response.get("userAttributes") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(m)) if m.is_empty() => return Ok(None),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(name, v)| match v {
                Value::String(s) => Ok(AttributeType {
                    name: name.clone(),
                    value: Some(s.clone()),
                }),
                _ => Err(unrecognizable()),
            })
            .collect::<Result<Vec<_>>>()?,
        Some(_) => return Err(unrecognizable()),
    };
    let reset_required = match text(response, "finalUserStatus")? {
        None | Some(status::CONFIRMED) => false,
        Some(status::RESET_REQUIRED) => true,
        Some(_) => return Err(refused("Error during migration: invalid finalUserStatus")),
    };
    match text(response, "messageAction")? {
        None | Some("SUPPRESS") => {}
        Some(_) => return Err(refused("Error during migration: invalid messageAction")),
    }
    match response.get("desiredDeliveryMediums") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for m in list {
                match m {
                    Value::String(s) if s == "EMAIL" || s == "SMS" => {}
                    Value::String(_) => {
                        return Err(refused(
                            "Error during migration: invalid desiredDeliveryMediums",
                        ));
                    }
                    _ => return Err(unrecognizable()),
                }
            }
        }
        Some(_) => return Err(unrecognizable()),
    }
    Ok(Some(Answer {
        attrs,
        reset_required,
        force_alias: flag(response, "forceAliasCreation")?,
        sms_mfa: flag(response, "enableSMSMFA")?,
    }))
}

/// A validation refusal of the migrated user's attributes or name, as
/// Cognito answers it during a migration (UserNotFoundException with the
/// same words, per the knowledge center article above).
fn as_refusal(e: Error) -> Error {
    match e.code {
        ErrorCode::InvalidParameterException => refused(e.message),
        _ => e,
    }
}

impl Service {
    /// Runs UserMigration for `given`, a name the pool does not know, and
    /// creates the user the function describes. None when the pool has no
    /// such trigger or the function names no attributes (the caller then
    /// answers as for any unknown user).
    ///
    /// The user is created as AdminCreateUser creates one: the attributes
    /// are checked against the schema (`email_verified` and
    /// `phone_number_verified` may be set), in username-attribute pools the
    /// username is a new `sub` and the typed email or phone number is set.
    /// A sign-in stores the typed password, not held to the pool's policy
    /// ("The password strength policy … will not be enforced during
    /// migration"), with status CONFIRMED, or RESET_REQUIRED when the
    /// function says so. ForgotPassword has no password: the user is
    /// RESET_REQUIRED and the reset code follows.
    ///
    /// The guide says Cognito sends new users a "welcome message" unless
    /// `messageAction` is SUPPRESS, but not what it says: Cognito's only
    /// message for created users is AdminCreateUser's invitation, whose
    /// `{####}` is a temporary password a migrated user does not have. kognit
    /// sends nothing; `messageAction` and `desiredDeliveryMediums` are
    /// checked only.
    pub(crate) async fn migrate_user(
        &self,
        pool: &Pool,
        client: &AppClient,
        given: &str,
        why: Migration<'_>,
        now: Millis,
    ) -> Result<Option<Migrated>> {
        if !Self::has_trigger(pool, Trigger::UserMigration) {
            return Ok(None);
        }
        let (source, request) = match why {
            Migration::SignIn {
                password,
                client_metadata,
            } => (
                "UserMigration_Authentication",
                json!({
                    "password": password,
                    "validationData": metadata(client_metadata),
                    "clientMetadata": {},
                }),
            ),
            Migration::ForgotPassword { client_metadata } => (
                "UserMigration_ForgotPassword",
                json!({
                    "validationData": {},
                    "clientMetadata": metadata(client_metadata),
                }),
            ),
        };
        let event = Event {
            pool,
            source,
            username: given,
            client_id: Some(client.id()),
            request,
            response: json!({
                "userAttributes": null,
                "finalUserStatus": null,
                "messageAction": null,
                "desiredDeliveryMediums": null,
                "forceAliasCreation": null,
                "enableSMSMFA": null,
            }),
        };
        let Some(response) = self.run_trigger(Trigger::UserMigration, event).await? else {
            return Ok(None);
        };
        let Some(answer) = answer(&response)? else {
            return Ok(None);
        };
        let rec = self
            .migrated_user(pool, given, &answer, why, now)
            .await
            .map_err(as_refusal)?;
        let attrs = super::attrs_of(&rec)?;
        self.insert_migrated(pool, given, rec, &attrs, answer.force_alias, now)
            .await
            .map(Some)
    }

    /// The user record (not yet stored) the function's answer describes.
    async fn migrated_user(
        &self,
        pool: &Pool,
        given: &str,
        answer: &Answer,
        why: Migration<'_>,
        now: Millis,
    ) -> Result<UserRecord> {
        let sub = uuid::Uuid::new_v4().to_string();
        let mut from_username = Attrs::new();
        let username = resolve_username(pool, given, &sub, &mut from_username, Write::Create)?;
        let mut attrs = check_write(pool, &answer.attrs, Write::Create, None)?;
        attrs.extend(from_username);
        let user_status = match why {
            Migration::SignIn { .. } if !answer.reset_required => status::CONFIRMED,
            _ => status::RESET_REQUIRED,
        };
        let mut rec = new_user(pool, &username, sub, user_status, now);
        set_attrs(&mut rec, &attrs)?;
        if let Migration::SignIn { password, .. } = why {
            self.password_material(pool, &rec, password, false, now)
                .await?
                .apply(&mut rec);
        }
        if answer.sms_mfa {
            let mfa = UserMfa {
                sms: true,
                ..UserMfa::default()
            };
            mfa.store_in(&mut rec)?;
        }
        Ok(rec)
    }

    /// Stores a migrated user. Two first sign-ins of one user may run the
    /// function at once: the second insert clashes on the username (or, in
    /// username-attribute pools, where each attempt drew its own `sub`, on
    /// the email or phone alias), and that request goes on with the user
    /// the first one stored. ForceAliasCreation applies only after that
    /// check, so it cannot take the alias from that twin.
    async fn insert_migrated(
        &self,
        pool: &Pool,
        given: &str,
        rec: UserRecord,
        attrs: &Attrs,
        force_alias: bool,
        now: Millis,
    ) -> Result<Migrated> {
        let Err(refusal) = self.insert_new_user(pool, &rec, attrs).await else {
            return Ok(Migrated::Created(rec));
        };
        let clash = matches!(
            refusal.code,
            ErrorCode::UsernameExistsException | ErrorCode::AliasExistsException
        );
        if !clash {
            return Err(refusal);
        }
        if let Some(twin) = self.find_user(pool, given).await? {
            return Ok(Migrated::Existing(twin));
        }
        if !force_alias {
            return Err(refusal);
        }
        self.insert_user_forcing(pool, &rec, attrs, true, now)
            .await?;
        Ok(Migrated::Created(rec))
    }
}
