//! ForgotPassword and ConfirmForgotPassword.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html>

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use super::codes::Purpose;
use super::messages::recovery_channel;
use super::signup::{
    PublicCall, simulated_delivery, unknown_user_by_client, unknown_user_for_code,
};
use super::{Migrated, Migration};
use super::{Target, status};
use crate::service::{Millis, Service};
use crate::triggers::{MessageKind, MessageSource};
use crate::{Error, Result, passwords};

impl Service {
    /// ForgotPassword: sends a recovery code by the pool's recovery setting.
    /// A user the pool does not know may be migrated first (UserMigration),
    /// then gets the code like any other.
    pub async fn forgot_password(
        &self,
        req: ForgotPasswordRequest,
        now: Millis,
    ) -> Result<ForgotPasswordResponse> {
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
        let user = match user {
            Some(rec) => Some(rec),
            None => {
                let why = Migration::ForgotPassword {
                    client_metadata: req.client_metadata.as_ref(),
                };
                self.migrate_user(&pool, &client, &given, why, now)
                    .await?
                    .map(Migrated::into_record)
            }
        };
        let Some(rec) = user else {
            if client.hides_users() {
                return Ok(ForgotPasswordResponse {
                    code_delivery_details: Some(simulated_delivery(&given)),
                });
            }
            return Err(unknown_user_by_client());
        };
        if !rec.enabled {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "User is disabled.",
            ));
        }
        let attrs = super::attrs_of(&rec)?;
        let channel = recovery_channel(&pool, &attrs)?;
        let source = MessageSource::from_client(
            MessageKind::ForgotPassword,
            client.id(),
            req.client_metadata.as_ref(),
        );
        let details = self
            .send_code(&pool, &rec, &attrs, channel, Purpose::Forgot, &source, now)
            .await?;
        Ok(ForgotPasswordResponse {
            code_delivery_details: Some(details),
        })
    }

    /// ConfirmForgotPassword: a right code sets the new password.
    pub async fn confirm_forgot_password(
        &self,
        req: ConfirmForgotPasswordRequest,
        now: Millis,
    ) -> Result<ConfirmForgotPasswordResponse> {
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
        if !rec.enabled {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "User is disabled.",
            ));
        }
        let password = req.password.clone();
        // A password the policy refuses must not use up the code.
        passwords::check_policy(&password, &Self::password_policy(&pool))?;
        let code = req.confirmation_code.as_str();
        let right = self
            .check_code(&pool.id, &rec.username_key, Purpose::Forgot, code, now)
            .await?;
        // Nor one of the user's recent passwords; that is checked only
        // for a right code, so that it tells nothing to anyone without one.
        let password = self
            .new_password(&pool, &rec, &password, false, now)
            .await?;
        self.spend_code(right).await?;
        let (rec, ()) = self
            .modify_user(&pool, Target::read(rec), false, now, |rec, _| {
                password.apply(rec);
                if rec.status == status::RESET_REQUIRED
                    || rec.status == status::FORCE_CHANGE_PASSWORD
                {
                    rec.status = status::CONFIRMED.into();
                }
                Ok(())
            })
            .await?;
        self.post_confirmation(
            &pool,
            &rec,
            "PostConfirmation_ConfirmForgotPassword",
            Some(client.id()),
            crate::triggers::metadata(req.client_metadata.as_ref()),
        )
        .await?;
        Ok(ConfirmForgotPasswordResponse {})
    }
}
