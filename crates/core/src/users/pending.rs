//! UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate:
//! in a pool that lists `email` or `phone_number` there, a new value of a
//! verified attribute waits, unverified, until the user verifies it. The user
//! keeps signing in and receiving messages with the old, verified value; the
//! code goes to the new one, and VerifyUserAttribute swaps it in.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html#user-pool-settings-verifications-verify-attribute-updates>

use kognit_wire::types::CodeDeliveryDetailsType;

use super::codes::Purpose;
use super::{Attrs, Pool, extra_of, set_extra};
use crate::delivery::Channel;
use crate::service::{Millis, Service};
use crate::store::UserRecord;
use crate::triggers::MessageSource;
use crate::{Error, Result};

/// The key of the pending values in a user's `extra` document.
const KEY: &str = "pending_attributes";

/// The attributes the pool holds at their verified value until a new value
/// is verified.
fn held(pool: &Pool) -> Vec<String> {
    pool.p()
        .user_attribute_update_settings
        .as_ref()
        .and_then(|s| s.attributes_require_verification_before_update.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|a| a.as_str().to_owned())
        .collect()
}

/// The user's pending values (attribute → new value).
pub(crate) fn pending_of(rec: &UserRecord) -> Attrs {
    serde_json::from_value(extra_of(rec)[KEY].clone()).unwrap_or_default()
}

fn store_pending(rec: &mut UserRecord, pending: &Attrs) -> Result<()> {
    let value = if pending.is_empty() {
        None
    } else {
        Some(serde_json::to_value(pending).map_err(Error::internal)?)
    };
    set_extra(rec, KEY, value);
    Ok(())
}

/// Holds back, in `merged` and the record's pending values, every new value
/// of a held attribute that is verified now — unless the update itself marks
/// it verified (an administrator's choice). Setting the verified value again
/// drops a pending one. Returns the values now pending from this update.
pub(crate) fn hold_back(
    pool: &Pool,
    rec: &mut UserRecord,
    old: &Attrs,
    new_values: &Attrs,
    merged: &mut Attrs,
) -> Result<Attrs> {
    let mut pending = pending_of(rec);
    let mut held_now = Attrs::new();
    for attr in held(pool) {
        let flag = format!("{attr}_verified");
        let Some(new) = new_values.get(&attr) else {
            continue;
        };
        let verified = old.get(&flag).map(String::as_str) == Some("true");
        let marks_verified = new_values.get(&flag).map(String::as_str) == Some("true");
        if old.get(&attr) == Some(new) || !verified || marks_verified {
            pending.remove(&attr);
            continue;
        }
        for (key, value) in [(&attr, old.get(&attr)), (&flag, old.get(&flag))] {
            match value {
                Some(v) => merged.insert(key.clone(), v.clone()),
                None => merged.remove(key),
            };
        }
        pending.insert(attr.clone(), new.clone());
        held_now.insert(attr, new.clone());
    }
    store_pending(rec, &pending)?;
    Ok(held_now)
}

/// After a verification code was redeemed: the attribute's pending value,
/// if any, becomes its value. Returns whether one did.
pub(crate) fn take_pending(rec: &mut UserRecord, attrs: &mut Attrs, attr: &str) -> Result<bool> {
    let mut pending = pending_of(rec);
    let Some(value) = pending.remove(attr) else {
        return Ok(false);
    };
    attrs.insert(attr.to_owned(), value);
    store_pending(rec, &pending)?;
    Ok(true)
}

impl Service {
    /// Sends a verification code to each value held back by an update.
    pub(crate) async fn send_pending_codes(
        &self,
        pool: &Pool,
        rec: &UserRecord,
        held_now: &Attrs,
        merged: &Attrs,
        source: &MessageSource<'_>,
        now: Millis,
    ) -> Result<Vec<CodeDeliveryDetailsType>> {
        let mut details = Vec::new();
        for (attr, channel) in [("phone_number", Channel::Sms), ("email", Channel::Email)] {
            let Some(value) = held_now.get(attr) else {
                continue;
            };
            let mut destination = merged.clone();
            destination.insert(attr.to_owned(), value.clone());
            details.push(
                self.send_code(
                    pool,
                    rec,
                    &destination,
                    channel,
                    Purpose::Verify(attr),
                    source,
                    now,
                )
                .await?,
            );
        }
        Ok(details)
    }
}
