//! [`DeviceStore`]: the `devices` table.
//!
//! Forgetting a device also revokes the refresh tokens bound to it (Cognito:
//! "all future calls to revalidate that device's refresh tokens will fail"),
//! in one transaction, so a refresh racing the forget sees either the device
//! and a live token or neither.

use async_trait::async_trait;
use kognit_core::store::{DeviceRecord, DeviceStore, StoreResult};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::args::Arg;
use crate::backend::Backend;
use crate::{Sql, errors};

/// The foreign key from a device to its user.
const USER_FKEY: &str = "devices_user_fkey";

/// The columns of a device row, in the order [`device`] decodes them.
macro_rules! device_columns {
    () => {
        "pool_id, username_key, device_key, device_group_key, device_name, sealed_secret, \
         remembered_status, created_ms, updated_ms, last_auth_ms"
    };
}

/// Decodes a row selected as [`device_columns!`].
fn device(row: &AnyRow) -> Result<DeviceRecord, sqlx::Error> {
    Ok(DeviceRecord {
        pool_id: row.try_get(0)?,
        username_key: row.try_get(1)?,
        device_key: row.try_get(2)?,
        device_group_key: row.try_get(3)?,
        device_name: row.try_get(4)?,
        sealed_secret: row.try_get(5)?,
        remembered_status: row.try_get(6)?,
        created_ms: row.try_get(7)?,
        updated_ms: row.try_get(8)?,
        last_auth_ms: row.try_get(9)?,
    })
}

#[async_trait]
impl<B: Backend> DeviceStore for Sql<B> {
    async fn insert_device(&self, d: &DeviceRecord) -> StoreResult<()> {
        sqlx::query(concat!(
            "INSERT INTO devices (",
            device_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(d.pool_id.as_str())
        .bind(d.username_key.as_str())
        .bind(d.device_key.as_str())
        .bind(d.device_group_key.as_str())
        .bind(d.device_name.as_deref())
        .bind(d.sealed_secret.as_slice())
        .bind(d.remembered_status.as_str())
        .bind(d.created_ms)
        .bind(d.updated_ms)
        .bind(d.last_auth_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::fk(USER_FKEY))?;
        Ok(())
    }

    async fn get_device(
        &self,
        pool_id: &str,
        username_key: &str,
        device_key: &str,
    ) -> StoreResult<Option<DeviceRecord>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            device_columns!(),
            " FROM devices WHERE pool_id = $1 AND username_key = $2 AND device_key = $3"
        ))
        .bind(pool_id)
        .bind(username_key)
        .bind(device_key)
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(device).transpose().map_err(errors::db)
    }

    async fn list_devices(
        &self,
        pool_id: &str,
        username_key: &str,
        after: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<DeviceRecord>> {
        // Keyset paging on the primary key, "" before every key.
        let rows = self
            .db
            .read_page(
                concat!(
                    "SELECT ",
                    device_columns!(),
                    " FROM devices WHERE pool_id = $1 AND username_key = $2 AND device_key > $3 \
             ORDER BY device_key LIMIT $4"
                ),
                vec![Arg::Text(pool_id), Arg::Text(username_key)],
                after,
                limit,
            )
            .await?;
        rows.iter()
            .map(device)
            .collect::<Result<_, _>>()
            .map_err(errors::db)
    }

    async fn update_device_status(
        &self,
        pool_id: &str,
        username_key: &str,
        device_key: &str,
        remembered_status: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE devices SET remembered_status = $4, updated_ms = $5 \
             WHERE pool_id = $1 AND username_key = $2 AND device_key = $3",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(device_key)
        .bind(remembered_status)
        .bind(now_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn touch_device(
        &self,
        pool_id: &str,
        username_key: &str,
        device_key: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE devices SET last_auth_ms = $4 \
             WHERE pool_id = $1 AND username_key = $2 AND device_key = $3",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(device_key)
        .bind(now_ms)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn forget_device(
        &self,
        pool_id: &str,
        username_key: &str,
        device_key: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.db.begin_write().await?;
        let done = sqlx::query(
            "DELETE FROM devices WHERE pool_id = $1 AND username_key = $2 AND device_key = $3",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(device_key)
        .execute(&mut *tx)
        .await
        .map_err(errors::db)?;
        if done.rows_affected() == 0 {
            // Nothing to forget; dropping `tx` rolls back (nothing was written).
            return Ok(false);
        }
        // The user's tokens through refresh_tokens_user_idx, then the device's
        // among them; tokens revoked earlier keep their time.
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_ms = $4 WHERE pool_id = $1 \
             AND username_key = $2 AND device_key = $3 AND revoked_ms IS NULL",
        )
        .bind(pool_id)
        .bind(username_key)
        .bind(device_key)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(errors::db)?;
        tx.commit().await.map_err(errors::db)?;
        Ok(true)
    }
}
