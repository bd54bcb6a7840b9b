//! USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH: the password itself is
//! sent and checked against the Argon2id hash. A user the pool does not know
//! may be migrated first (the UserMigration trigger, `users::migration`).

use std::collections::BTreeMap;

use super::{Step, param, unknown_user};
use crate::Result;
use crate::records::AppClient;
use crate::service::{Millis, Service};
use crate::users::lockout;
use crate::users::{Migrated, Migration};

impl Service {
    pub(crate) async fn password_auth(
        &self,
        client: &AppClient,
        params: &Option<BTreeMap<String, String>>,
        metadata: Option<&BTreeMap<String, String>>,
        now: Millis,
    ) -> Result<Step> {
        let username = param(params, "USERNAME")?;
        let password = param(params, "PASSWORD")?;
        let pool = self.pool_of_sign_in(client, username, params).await?;
        let found = match self.find_user(&pool, username).await? {
            Some(rec) => Some(Migrated::Existing(rec)),
            None => {
                let why = Migration::SignIn {
                    password,
                    client_metadata: metadata,
                };
                self.migrate_user(&pool, client, username, why, now).await?
            }
        };
        let Some(found) = found else {
            if client.hides_users() {
                self.pre_authentication(&pool, client, username, None, metadata)
                    .await?;
            }
            return Err(unknown_user(client));
        };
        // A user migrated just now holds the password it typed.
        let migrated = matches!(found, Migrated::Created(_));
        let rec = found.into_record();
        self.pre_authentication(&pool, client, username, Some(&rec), metadata)
            .await?;
        if let Err(locked) = lockout::check(&rec, now) {
            self.sign_in_failed(&pool, &rec, "Password", now).await;
            return Err(locked);
        }
        let ok = migrated
            || match &rec.password_hash {
                Some(h) => self.hasher.verify(password, h).await?,
                None => false,
            };
        if !ok {
            return Err(self.record_failure(&pool, &rec, now).await);
        }
        let device_key = super::srp_flow::optional(params, "DEVICE_KEY");
        // InitiateAuth's ClientMetadata does not reach PostAuthentication.
        self.after_password(&pool, client, rec, device_key.as_deref(), None, now)
            .await
    }
}
