//! Operations authorised by the user's access token: GetUser,
//! UpdateUserAttributes, DeleteUserAttributes, DeleteUser, ChangePassword,
//! GetUserAttributeVerificationCode, VerifyUserAttribute, GlobalSignOut and
//! RevokeToken; and AdminUserGlobalSignOut.

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use super::attributes::{Write, check_delete, check_write, remove_attributes, reset_and_merge};
use super::codes::Purpose;
use super::pending::{hold_back, pending_of, take_pending};
use super::{Pool, Target, attrs_of};
use crate::delivery::Channel;
use crate::records::AppClient;
use crate::service::{Admin, Millis, Service};
use crate::store::UserRecord;
use crate::tokens::{self, AccessClaims};
use crate::triggers::{MessageKind, MessageSource};
use crate::{Error, Result};

/// Proof that an access token was verified: its signature, expiry, scope,
/// revocation and the global sign-outs since it was issued, and that its
/// user exists and is enabled. Only [`Service::signed_in_user`] makes
/// one (the fields are private to core), so code outside core that holds a
/// `SignedInUser` holds a user session core has checked, as an `Admin` is
/// an administrator core has checked.
pub struct SignedInUser {
    pub(crate) pool: Pool,
    pub(crate) user: UserRecord,
    pub(crate) claims: AccessClaims,
}

impl SignedInUser {
    /// The pool the user belongs to.
    pub fn pool_id(&self) -> &str {
        &self.pool.id
    }

    /// The user's username.
    pub fn username(&self) -> &str {
        &self.user.username
    }

    /// The user's `sub`.
    pub fn sub(&self) -> &str {
        &self.user.sub
    }

    /// The app client the token was issued to.
    pub fn client_id(&self) -> &str {
        &self.claims.client_id
    }
}

/// How a verifiable attribute's code travels, and what the code is for.
fn channel_of(attr: &str) -> Result<(Channel, Purpose)> {
    match attr {
        "email" => Ok((Channel::Email, Purpose::Verify("email"))),
        "phone_number" => Ok((Channel::Sms, Purpose::Verify("phone_number"))),
        _ => Err(Error::invalid_parameter(format!(
            "{attr} is not a verifiable attribute; only email and phone_number are."
        ))),
    }
}

impl Service {
    /// Verifies an access token (signature, expiry, revocation, global
    /// sign-out) and loads its user: the one way to a [`SignedInUser`].
    pub async fn signed_in_user(&self, access_token: &str, now: Millis) -> Result<SignedInUser> {
        self.signed_in_user_with(access_token, now, &[crate::tokens::ADMIN_SCOPE])
            .await
    }

    /// [`Service::signed_in_user`] for a token holding one of `scopes`.
    pub(crate) async fn signed_in_user_with(
        &self,
        access_token: &str,
        now: Millis,
        scopes: &[&str],
    ) -> Result<SignedInUser> {
        let claims = self
            .access_token_claims_with(access_token, now, scopes)
            .await?;
        let pool = self.pool(&claims.pool_id).await?;
        let user = match self
            .store
            .get_user_by_sub_for_origin(&pool.id, &claims.sub, &claims.origin_jti)
            .await?
        {
            Some((_, true)) => return Err(crate::tokens::revoked()),
            Some((user, false)) => user,
            None => {
                // No user: a revoked session still answers as revoked.
                if self
                    .store
                    .is_origin_revoked(&pool.id, &claims.origin_jti)
                    .await?
                {
                    return Err(crate::tokens::revoked());
                }
                return Err(Error::new(
                    ErrorCode::UserNotFoundException,
                    "User does not exist.",
                ));
            }
        };
        if !user.enabled {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "User is disabled.",
            ));
        }
        Ok(SignedInUser { pool, user, claims })
    }

    /// GetUser.
    pub async fn get_user(&self, req: GetUserRequest, now: Millis) -> Result<GetUserResponse> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let mfa = super::mfa_state::UserMfa::of(&t.user);
        Ok(GetUserResponse {
            username: Some(t.user.username.clone()),
            user_attributes: Some(super::attribute_list(&t.user, None)?),
            mfa_options: mfa.mfa_options(),
            user_mfa_setting_list: mfa.setting_list(),
            preferred_mfa_setting: mfa.preferred,
        })
    }

    /// UpdateUserAttributes: a changed email or phone number becomes unverified
    /// and, when the pool auto-verifies it, gets a code.
    pub async fn update_user_attributes(
        &self,
        req: UpdateUserAttributesRequest,
        now: Millis,
    ) -> Result<UpdateUserAttributesResponse> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let client: AppClient = self.app_client(&t.claims.client_id).await?;
        let new_values = check_write(
            &t.pool,
            req.user_attributes.as_slice(),
            Write::Update,
            client.write_attributes(),
        )?;
        if new_values.contains_key("email_verified")
            || new_values.contains_key("phone_number_verified")
        {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "A client attempted to write unauthorized attribute",
            ));
        }
        let (user, (old, merged, held)) = self
            .modify_user(&t.pool, Target::read(t.user), false, now, |user, attrs| {
                let old = attrs.clone();
                reset_and_merge(attrs, &new_values);
                let held = hold_back(&t.pool, user, &old, &new_values, attrs)?;
                Ok((old, attrs.clone(), held))
            })
            .await?;
        // Self-service cannot mark values verified, so every changed email or
        // phone number is unverified here (or held back, still verified,
        // until its new value is).
        let source = MessageSource::from_client(
            MessageKind::UpdateUserAttribute,
            &t.claims.client_id,
            req.client_metadata.as_ref(),
        );
        let mut details = self
            .send_verification_codes(&t.pool, &user, &old, &new_values, &merged, &source, now)
            .await?;
        details.extend(
            self.send_pending_codes(&t.pool, &user, &held, &merged, &source, now)
                .await?,
        );
        Ok(UpdateUserAttributesResponse {
            code_delivery_details_list: (!details.is_empty()).then_some(details),
        })
    }

    /// DeleteUserAttributes.
    pub async fn delete_user_attributes(
        &self,
        req: DeleteUserAttributesRequest,
        now: Millis,
    ) -> Result<()> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let names = req.user_attribute_names;
        check_delete(&t.pool, &names)?;
        self.modify_user(&t.pool, Target::read(t.user), false, now, |_, attrs| {
            remove_attributes(attrs, &names);
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// DeleteUser: the user deletes themself (sessions end with them).
    pub async fn delete_user(&self, req: DeleteUserRequest, now: Millis) -> Result<()> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        self.store
            .delete_user(&t.pool.id, &t.user.username_key)
            .await?;
        Ok(())
    }

    /// ChangePassword: the previous password must be right.
    pub async fn change_password(&self, req: ChangePasswordRequest, now: Millis) -> Result<()> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        crate::users::lockout::check(&t.user, now)?;
        let previous = req.previous_password.as_deref().unwrap_or_default();
        let ok = match &t.user.password_hash {
            Some(h) => self.hasher.verify(previous, h).await?,
            None => false,
        };
        if !ok {
            return Err(self.count_failure(&t.pool, &t.user, now).await);
        }
        let proposed = req.proposed_password.as_str();
        let password = self
            .new_password(&t.pool, &t.user, proposed, false, now)
            .await?;
        self.modify_user(&t.pool, Target::read(t.user), false, now, |user, _| {
            password.apply(user);
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// GetUserAttributeVerificationCode.
    pub async fn get_user_attribute_verification_code(
        &self,
        req: GetUserAttributeVerificationCodeRequest,
        now: Millis,
    ) -> Result<GetUserAttributeVerificationCodeResponse> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let attr = req.attribute_name.as_str();
        let (channel, purpose) = channel_of(attr)?;
        let mut attrs = attrs_of(&t.user)?;
        // A value waiting for verification is the one the code is for.
        if let Some(value) = pending_of(&t.user).remove(attr) {
            attrs.insert(attr.to_owned(), value);
        }
        let details = self
            .send_code(
                &t.pool,
                &t.user,
                &attrs,
                channel,
                purpose,
                &MessageSource::from_client(
                    MessageKind::VerifyUserAttribute,
                    &t.claims.client_id,
                    req.client_metadata.as_ref(),
                ),
                now,
            )
            .await?;
        Ok(GetUserAttributeVerificationCodeResponse {
            code_delivery_details: Some(details),
        })
    }

    /// VerifyUserAttribute: the code marks the attribute verified (and, in
    /// alias pools, makes it an alias — AliasExistsException if another
    /// verified user holds it).
    pub async fn verify_user_attribute(
        &self,
        req: VerifyUserAttributeRequest,
        now: Millis,
    ) -> Result<()> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        let attr = req.attribute_name.as_str();
        let (_, purpose) = channel_of(attr)?;
        self.redeem_code(
            &t.pool.id,
            &t.user.username_key,
            purpose,
            req.code.as_str(),
            now,
        )
        .await?;
        self.modify_user(&t.pool, Target::read(t.user), false, now, |user, attrs| {
            take_pending(user, attrs, attr)?;
            attrs.insert(format!("{attr}_verified"), "true".into());
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// Ends every session of a user: refresh tokens revoked, and the access
    /// and ID tokens of every session refused on every node.
    async fn sign_out_everywhere(&self, pool: &Pool, user: &UserRecord, now: Millis) -> Result<()> {
        // Access and ID tokens live at most a day; the revocation outlives them.
        self.store
            .revoke_user_refresh_tokens(&pool.id, &user.username_key, now + 86_400_000, now)
            .await?;
        Ok(())
    }

    /// GlobalSignOut.
    pub async fn global_sign_out(&self, req: GlobalSignOutRequest, now: Millis) -> Result<()> {
        let t = self.signed_in_user(req.access_token.as_str(), now).await?;
        self.sign_out_everywhere(&t.pool, &t.user, now).await
    }

    /// AdminUserGlobalSignOut.
    pub async fn admin_user_global_sign_out(
        &self,
        _admin: &Admin,
        req: AdminUserGlobalSignOutRequest,
        now: Millis,
    ) -> Result<()> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        self.sign_out_everywhere(&pool, &user, now).await
    }

    /// RevokeToken: revokes a refresh token and every token of its session.
    pub async fn revoke_token(&self, req: RevokeTokenRequest, now: Millis) -> Result<()> {
        let client = self.app_client(req.client_id.as_str()).await?;
        let token = req.token.as_str();
        if token.split('.').count() == 3 {
            return Err(Error::new(
                ErrorCode::UnsupportedTokenTypeException,
                "Only refresh tokens can be revoked.",
            ));
        }
        let given = req.client_secret.as_deref();
        if self.check_client_secret(&client, given).await? == crate::app_client::SecretCheck::Wrong
        {
            return Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "Client secret is not valid.",
            ));
        }
        if client.config.enable_token_revocation == Some(false) {
            return Err(Error::new(
                ErrorCode::UnsupportedOperationException,
                "Token revocation is not enabled for this client.",
            ));
        }
        let Some(stored) = self
            .store
            .get_refresh_token(&tokens::refresh_token_hash(token))
            .await?
        else {
            // As RFC 7009 says: revoking an unknown token is not an error.
            return Ok(());
        };
        if stored.client_id != client.id() {
            return Err(Error::new(
                ErrorCode::UnauthorizedException,
                "The token was not issued to this client.",
            ));
        }
        // Access and ID tokens live at most a day; the revocation outlives them.
        self.store
            .revoke_origin(&stored.pool_id, &stored.origin_jti, now + 86_400_000, now)
            .await?;
        Ok(())
    }
}
