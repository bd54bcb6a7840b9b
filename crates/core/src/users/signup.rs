//! SignUp, ConfirmSignUp and ResendConfirmationCode.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html>

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use super::attributes::{Write, check_required, check_write, valid_email, valid_phone};
use super::codes::Purpose;
use super::messages::signup_channel;
use super::{Attrs, Pool, Target, set_attrs, status};
use crate::delivery::Channel;
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::store::{Conflict, StoreError, UserRecord};
use crate::triggers::{self, MessageKind, MessageSource, SignUpEvent};
use crate::{Error, Result, templates};

/// A believable CodeDeliveryDetails for a user that does not exist.
pub(crate) fn simulated_delivery(username: &str) -> CodeDeliveryDetailsType {
    let (channel, destination) = if valid_phone(username) {
        (Channel::Sms, username.to_owned())
    } else if valid_email(username) {
        (Channel::Email, username.to_owned())
    } else {
        (Channel::Email, format!("{username}@example.com"))
    };
    CodeDeliveryDetailsType {
        destination: Some(templates::mask_destination(channel, &destination)),
        delivery_medium: Some(channel.medium()),
        attribute_name: Some(super::messages::attribute_of(channel).into()),
    }
}

/// The internal username and the attributes implied by the name a user signs
/// up with: in username-attribute pools the name is an email or phone number
/// and the username becomes a UUID (the `sub`).
pub(crate) fn resolve_username(
    pool: &Pool,
    given: &str,
    sub: &str,
    attrs: &mut Attrs,
    why: Write,
) -> Result<String> {
    let username_attrs = pool.username_attributes();
    if !username_attrs.is_empty() {
        let email_ok = username_attrs.iter().any(|a| a == "email");
        let phone_ok = username_attrs.iter().any(|a| a == "phone_number");
        if email_ok && valid_email(given) {
            attrs.insert("email".into(), given.to_owned());
        } else if phone_ok && valid_phone(given) {
            attrs.insert("phone_number".into(), given.to_owned());
        } else {
            // SignUp names the one attribute the pool takes; AdminCreateUser
            // says "either" whatever the pool takes (moto's
            // test_admin_create_user_with_incorrect_username_attribute_type_fails).
            return Err(Error::invalid_parameter(match (email_ok, phone_ok) {
                _ if why == Write::Create => {
                    "Username should be either an email or a phone number."
                }
                (true, false) => "Username should be an email.",
                (false, true) => "Username should be a phone number.",
                _ => "Username should be either an email or a phone number.",
            }));
        }
        return Ok(sub.to_owned());
    }
    let aliases = pool.alias_attributes();
    if aliases.iter().any(|a| a == "email") && valid_email(given) {
        return Err(Error::invalid_parameter(
            "Username cannot be of email format, since user pool is configured for email alias.",
        ));
    }
    if aliases.iter().any(|a| a == "phone_number") && valid_phone(given) {
        return Err(Error::invalid_parameter(
            "Username cannot be of phone number format, since user pool is configured for phone_number alias.",
        ));
    }
    Ok(given.to_owned())
}

/// A new user record (not yet stored).
pub(crate) fn new_user(
    pool: &Pool,
    username: &str,
    sub: String,
    user_status: &str,
    now: Millis,
) -> UserRecord {
    UserRecord {
        pool_id: pool.id.clone(),
        username: username.to_owned(),
        username_key: pool.username_key(username),
        sub,
        status: user_status.into(),
        enabled: true,
        attributes: "{}".into(),
        extra: "{}".into(),
        created_ms: now,
        updated_ms: now,
        version: 1,
        ..Default::default()
    }
}

/// The answer to a code confirmation for a user that does not exist: a
/// wrong-code error when the client hides which users exist.
pub(crate) fn unknown_user_for_code(client: &AppClient) -> Error {
    if client.hides_users() {
        Error::new(
            ErrorCode::CodeMismatchException,
            "Invalid verification code provided, please try again.",
        )
    } else {
        unknown_user_by_client()
    }
}

/// UserNotFoundException as the client-id operations word it.
pub(crate) fn unknown_user_by_client() -> Error {
    Error::new(
        ErrorCode::UserNotFoundException,
        "Username/client id combination not found.",
    )
}

/// What a public operation naming a user works on, once its client and
/// SECRET_HASH are checked.
pub(crate) struct PublicCall {
    pub client: AppClient,
    pub pool: Pool,
    pub username: String,
    pub user: Option<UserRecord>,
}

impl Service {
    /// Resolves the client (ResourceNotFoundException), checks SECRET_HASH,
    /// loads the pool and looks the named user up.
    pub(crate) async fn public_call(
        &self,
        client_id: &str,
        username: &str,
        secret_hash: Option<&str>,
    ) -> Result<PublicCall> {
        let client = self.app_client(client_id).await?;
        let username = username.to_owned();
        self.check_secret_hash(&client, &username, secret_hash)
            .await?;
        let pool = self.pool(&client.pool_id).await?;
        let user = self.find_user(&pool, &username).await?;
        Ok(PublicCall {
            client,
            pool,
            username,
            user,
        })
    }
}

impl Service {
    /// Inserts a new user, mapping uniqueness refusals to Cognito's errors.
    pub(crate) async fn insert_new_user(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        attrs: &Attrs,
    ) -> Result<()> {
        let aliases = pool.aliases(attrs);
        match self.store.insert_user(rec, &aliases).await {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict(c)) => Err(self.insert_conflict(pool, rec, &aliases, c).await),
            Err(e) => Err(e.into()),
        }
    }

    /// Inserts a new user as [`Service::insert_new_user`] does; with
    /// `force` (ForceAliasCreation), an alias another user holds moves to
    /// the new user instead of refusing it.
    pub(crate) async fn insert_user_forcing(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        attrs: &Attrs,
        force: bool,
        now: Millis,
    ) -> Result<()> {
        let aliases = pool.aliases(attrs);
        match self.store.insert_user(rec, &aliases).await {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict(Conflict::Alias)) if force => {
                self.release_aliases(pool, rec, &aliases, now).await?;
                self.insert_new_user(pool, rec, attrs).await
            }
            Err(StoreError::Conflict(c)) => Err(self.insert_conflict(pool, rec, &aliases, c).await),
            Err(e) => Err(e.into()),
        }
    }

    /// SignUp.
    pub async fn sign_up(&self, req: SignUpRequest, now: Millis) -> Result<SignUpResponse> {
        let client = self.app_client(req.client_id.as_str()).await?;
        let given = req.username.clone();
        self.check_secret_hash(&client, &given, req.secret_hash.as_deref())
            .await?;
        let pool = self.pool(&client.pool_id).await?;
        let password = req
            .password
            .clone()
            .ok_or_else(|| Error::invalid_parameter("A password is required to sign up."))?;
        let mut attrs = check_write(
            &pool,
            req.user_attributes.as_deref().unwrap_or_default(),
            Write::Create,
            client.write_attributes(),
        )?;
        // Self-service cannot mark its own contact details verified.
        attrs.remove("email_verified");
        attrs.remove("phone_number_verified");
        let sub = uuid::Uuid::new_v4().to_string();
        let username = resolve_username(&pool, &given, &sub, &mut attrs, Write::SignUp)?;
        check_required(&pool, &attrs)?;
        let mut rec = new_user(&pool, &username, sub.clone(), status::UNCONFIRMED, now);
        self.set_password(&pool, &mut rec, &password, false, now)
            .await?;
        let decision = self
            .pre_sign_up(
                &pool,
                SignUpEvent {
                    source: "PreSignUp_SignUp",
                    username: &username,
                    client_id: Some(client.id()),
                    attrs: &attrs,
                    validation_data: triggers::validation_data(req.validation_data.as_deref()),
                    client_metadata: triggers::metadata(req.client_metadata.as_ref()),
                },
            )
            .await?;
        if decision.verify_email {
            attrs.insert("email_verified".into(), "true".into());
        }
        if decision.verify_phone {
            attrs.insert("phone_number_verified".into(), "true".into());
        }
        if decision.confirm {
            rec.status = status::CONFIRMED.into();
        }
        set_attrs(&mut rec, &attrs)?;
        self.insert_new_user(&pool, &rec, &attrs).await?;
        let channel = match decision.confirm {
            true => None,
            false => signup_channel(&pool, &attrs),
        };
        let details = match channel {
            None => None,
            Some(channel) => {
                let source = MessageSource::from_client(
                    MessageKind::SignUp,
                    client.id(),
                    req.client_metadata.as_ref(),
                );
                let sent = self
                    .send_code(&pool, &rec, &attrs, channel, Purpose::SignUp, &source, now)
                    .await;
                match sent {
                    Ok(d) => Some(d),
                    Err(e) => {
                        // Leave no half-registered user behind: a retry must work.
                        self.store.delete_user(&pool.id, &rec.username_key).await?;
                        return Err(e);
                    }
                }
            }
        };
        let event = crate::auth_events::AuthEvent {
            event_type: "SignUp",
            response: "Pass",
            challenges: &[],
            event_id: None,
        };
        self.record_auth_event(&pool.id, &rec.username_key, event, now)
            .await?;
        if decision.confirm {
            self.post_confirmation(
                &pool,
                &rec,
                "PostConfirmation_ConfirmSignUp",
                Some(client.id()),
                triggers::metadata(req.client_metadata.as_ref()),
            )
            .await?;
        }
        Ok(SignUpResponse {
            user_confirmed: Some(decision.confirm),
            code_delivery_details: details,
            user_sub: Some(sub),
            session: None,
        })
    }

    /// ConfirmSignUp.
    pub async fn confirm_sign_up(
        &self,
        req: ConfirmSignUpRequest,
        now: Millis,
    ) -> Result<ConfirmSignUpResponse> {
        let PublicCall {
            client,
            pool,
            username: _,
            user,
        } = self
            .public_call(
                req.client_id.as_str(),
                req.username.as_str(),
                req.secret_hash.as_deref(),
            )
            .await?;
        let Some(rec) = user else {
            return Err(unknown_user_for_code(&client));
        };
        if rec.status != status::UNCONFIRMED {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                format!("User cannot be confirmed. Current status is {}", rec.status),
            ));
        }
        let code = req.confirmation_code.as_str();
        self.redeem_code(
            &pool.id,
            &rec.username_key,
            super::codes::Purpose::SignUp,
            code,
            now,
        )
        .await?;
        let force = req.force_alias_creation.unwrap_or(false);
        let (rec, ()) = self
            .modify_user(&pool, Target::read(rec), force, now, |rec, attrs| {
                if let Some(channel) = signup_channel(&pool, attrs) {
                    let attr = super::messages::attribute_of(channel);
                    attrs.insert(format!("{attr}_verified"), "true".into());
                }
                rec.status = status::CONFIRMED.into();
                Ok(())
            })
            .await?;
        self.post_confirmation(
            &pool,
            &rec,
            "PostConfirmation_ConfirmSignUp",
            Some(client.id()),
            triggers::metadata(req.client_metadata.as_ref()),
        )
        .await?;
        Ok(ConfirmSignUpResponse { session: None })
    }

    /// ResendConfirmationCode.
    pub async fn resend_confirmation_code(
        &self,
        req: ResendConfirmationCodeRequest,
        now: Millis,
    ) -> Result<ResendConfirmationCodeResponse> {
        let PublicCall {
            client,
            pool,
            username: given,
            user,
        } = self
            .public_call(
                req.client_id.as_str(),
                req.username.as_str(),
                req.secret_hash.as_deref(),
            )
            .await?;
        let Some(rec) = user else {
            if client.hides_users() {
                return Ok(ResendConfirmationCodeResponse {
                    code_delivery_details: Some(simulated_delivery(&given)),
                });
            }
            return Err(unknown_user_by_client());
        };
        if rec.status != status::UNCONFIRMED {
            return Err(Error::invalid_parameter("User is already confirmed."));
        }
        let attrs = super::attrs_of(&rec)?;
        let channel = signup_channel(&pool, &attrs)
            .ok_or_else(|| Error::invalid_parameter("Auto verification not turned on."))?;
        let source = MessageSource::from_client(
            MessageKind::ResendCode,
            client.id(),
            req.client_metadata.as_ref(),
        );
        let details = self
            .send_code(&pool, &rec, &attrs, channel, Purpose::SignUp, &source, now)
            .await?;
        Ok(ResendConfirmationCodeResponse {
            code_delivery_details: Some(details),
        })
    }
}
