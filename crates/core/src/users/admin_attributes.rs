//! AdminUpdateUserAttributes and AdminDeleteUserAttributes.

use kognit_wire::types::*;

use super::Target;
use super::attributes::{Write, check_delete, check_write, remove_attributes, reset_and_merge};
use super::codes::Purpose;
use crate::Result;
use crate::delivery::Channel;
use crate::service::{Admin, Millis, Service};
use crate::triggers::{MessageKind, MessageSource};

impl Service {
    /// Sends a verification code to each email or phone number the write
    /// changed, left unverified, and the pool auto-verifies.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn send_verification_codes(
        &self,
        pool: &super::Pool,
        rec: &crate::store::UserRecord,
        old: &super::Attrs,
        new_values: &super::Attrs,
        merged: &super::Attrs,
        source: &MessageSource<'_>,
        now: Millis,
    ) -> Result<Vec<CodeDeliveryDetailsType>> {
        let auto = pool.auto_verified();
        let mut details = Vec::new();
        for (attr, channel) in [("phone_number", Channel::Sms), ("email", Channel::Email)] {
            let changed = new_values
                .get(attr)
                .is_some_and(|v| old.get(attr) != Some(v));
            let unverified =
                merged.get(&format!("{attr}_verified")).map(String::as_str) != Some("true");
            if changed && unverified && auto.iter().any(|a| a == attr) {
                details.push(
                    self.send_code(
                        pool,
                        rec,
                        merged,
                        channel,
                        Purpose::Verify(attr),
                        source,
                        now,
                    )
                    .await?,
                );
            }
        }
        Ok(details)
    }

    /// AdminUpdateUserAttributes. A changed email or phone number becomes
    /// unverified unless the request marks it verified; when the pool
    /// auto-verifies it, a verification code is sent to the new value.
    pub async fn admin_update_user_attributes(
        &self,
        _admin: &Admin,
        req: AdminUpdateUserAttributesRequest,
        now: Millis,
    ) -> Result<()> {
        let pool = self.pool(req.user_pool_id.as_str()).await?;
        let new_values = check_write(&pool, req.user_attributes.as_slice(), Write::Update, None)?;
        let username = req.username.as_str();
        let (rec, (old, merged, held)) = self
            .modify_user(&pool, Target::Named(username), false, now, |rec, attrs| {
                let old = attrs.clone();
                reset_and_merge(attrs, &new_values);
                let held = super::pending::hold_back(&pool, rec, &old, &new_values, attrs)?;
                Ok((old, attrs.clone(), held))
            })
            .await?;
        let source = MessageSource {
            kind: MessageKind::UpdateUserAttribute,
            client_id: None,
            client_metadata: req.client_metadata.as_ref(),
        };
        self.send_verification_codes(&pool, &rec, &old, &new_values, &merged, &source, now)
            .await?;
        self.send_pending_codes(&pool, &rec, &held, &merged, &source, now)
            .await?;
        Ok(())
    }

    /// AdminDeleteUserAttributes: required and immutable attributes stay.
    pub async fn admin_delete_user_attributes(
        &self,
        _admin: &Admin,
        req: AdminDeleteUserAttributesRequest,
        now: Millis,
    ) -> Result<()> {
        let (pool, rec) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let names = req.user_attribute_names;
        check_delete(&pool, &names)?;
        self.modify_user(&pool, Target::read(rec), false, now, |_, attrs| {
            remove_attributes(attrs, &names);
            Ok(())
        })
        .await?;
        Ok(())
    }
}
