//! [`ManagedLoginBrandingStore`]: the `managed_login_brandings` and
//! `managed_login_assets` tables.
//!
//! A style is read with its assets in one statement (a LEFT JOIN), so a
//! reader never sees half of an update. An update is one transaction that
//! starts by updating the style's row, which serializes concurrent updates
//! of one style on PostgreSQL (the row lock; READ COMMITTED then shows the
//! later statements what the earlier writer committed) and on SQLite (the
//! write lock of `BEGIN IMMEDIATE`); its assets are upserts by category and
//! colour mode, counted before the commit.

use async_trait::async_trait;
use kognit_core::store::{
    Branding, BrandingAsset, BrandingChange, BrandingRecord, BrandingUpdate,
    ManagedLoginBrandingStore, SettingsChange, StoreResult,
};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::backend::Backend;
use crate::columns::Columns;
use crate::{Sql, errors};

/// The foreign key from a style to its client, its only one (the client
/// implies the pool, so a missing pool fails this key too).
const CLIENT_FKEY: &str = "managed_login_brandings_client_fkey";

/// A style joined with its assets: the style's columns, then the asset's
/// (all NULL for a style without assets), one row per asset.
macro_rules! select_joined {
    ($where:literal) => {
        concat!(
            "SELECT b.pool_id, b.branding_id, b.client_id, \
             b.use_cognito_provided_values, b.settings, b.created_ms, b.updated_ms, \
             a.category, a.color_mode, a.extension, a.bytes, a.resource_id \
             FROM managed_login_brandings b \
             LEFT JOIN managed_login_assets a \
             ON a.pool_id = b.pool_id AND a.branding_id = b.branding_id \
             WHERE ",
            $where,
            " ORDER BY a.category, a.color_mode"
        )
    };
}

const BY_ID: &str = select_joined!("b.pool_id = $1 AND b.branding_id = $2");
const BY_CLIENT: &str = select_joined!("b.pool_id = $1 AND b.client_id = $2");

const INSERT_ASSET: &str = "INSERT INTO managed_login_assets \
     (pool_id, branding_id, category, color_mode, extension, bytes, resource_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (pool_id, branding_id, category, color_mode) DO UPDATE SET \
     extension = excluded.extension, bytes = excluded.bytes, \
     resource_id = excluded.resource_id";

/// Decodes the rows of [`select_joined!`] (none: no such style).
fn branding(rows: &[AnyRow]) -> StoreResult<Option<Branding>> {
    let decode = || -> Result<Option<Branding>, sqlx::Error> {
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let record = BrandingRecord {
            pool_id: first.text(0)?,
            branding_id: first.text(1)?,
            client_id: first.text(2)?,
            use_cognito_provided_values: first.int(3)? != 0,
            settings: first.opt_text(4)?,
            created_ms: first.int(5)?,
            updated_ms: first.int(6)?,
        };
        let mut assets = Vec::new();
        for row in rows {
            // The LEFT JOIN's one row of a style without assets.
            let Some(category) = row.opt_text(7)? else {
                continue;
            };
            assets.push(BrandingAsset {
                category,
                color_mode: row.text(8)?,
                extension: row.text(9)?,
                bytes: row.opt_blob(10)?,
                resource_id: row.opt_text(11)?,
            });
        }
        Ok(Some(Branding { record, assets }))
    };
    decode().map_err(errors::db)
}

/// Upserts `assets` of a style, in the caller's transaction.
async fn write_assets(
    conn: &mut AnyConnection,
    pool_id: &str,
    branding_id: &str,
    assets: &[BrandingAsset],
) -> StoreResult<()> {
    for a in assets {
        sqlx::query(INSERT_ASSET)
            .bind(pool_id)
            .bind(branding_id)
            .bind(a.category.as_str())
            .bind(a.color_mode.as_str())
            .bind(a.extension.as_str())
            .bind(a.bytes.as_deref())
            .bind(a.resource_id.as_deref())
            .execute(&mut *conn)
            .await
            .map_err(errors::db)?;
    }
    Ok(())
}

impl<B: Backend> Sql<B> {
    /// The branding (with its assets) that `sql` (`BY_ID` or `BY_CLIENT`)
    /// finds in the pool by `key`.
    async fn branding_where(
        &self,
        sql: &'static str,
        pool_id: &str,
        key: &str,
    ) -> StoreResult<Option<Branding>> {
        let rows = sqlx::query(sql)
            .bind(pool_id)
            .bind(key)
            .fetch_all(&self.db.read)
            .await
            .map_err(errors::db)?;
        branding(&rows)
    }
}

#[async_trait]
impl<B: Backend> ManagedLoginBrandingStore for Sql<B> {
    async fn insert_managed_login_branding(
        &self,
        rec: &BrandingRecord,
        assets: &[BrandingAsset],
    ) -> StoreResult<()> {
        let mut tx = self.db.begin_write().await?;
        sqlx::query(
            "INSERT INTO managed_login_brandings \
             (pool_id, branding_id, client_id, use_cognito_provided_values, settings, \
             created_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(rec.pool_id.as_str())
        .bind(rec.branding_id.as_str())
        .bind(rec.client_id.as_str())
        .bind(i32::from(rec.use_cognito_provided_values))
        .bind(rec.settings.as_deref())
        .bind(rec.created_ms)
        .bind(rec.updated_ms)
        .execute(&mut *tx)
        .await
        .map_err(errors::fk(CLIENT_FKEY))?;
        write_assets(&mut tx, &rec.pool_id, &rec.branding_id, assets).await?;
        // An early return above drops `tx`, which rolls it back.
        tx.commit().await.map_err(errors::db)
    }

    async fn get_managed_login_branding(
        &self,
        pool_id: &str,
        branding_id: &str,
    ) -> StoreResult<Option<Branding>> {
        self.branding_where(BY_ID, pool_id, branding_id).await
    }

    async fn managed_login_branding_of_client(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> StoreResult<Option<Branding>> {
        self.branding_where(BY_CLIENT, pool_id, client_id).await
    }

    async fn update_managed_login_branding(
        &self,
        c: &BrandingChange<'_>,
    ) -> StoreResult<BrandingUpdate> {
        let mut tx = self.db.begin_write().await?;
        let ucpv = c.use_cognito_provided_values.map(i32::from);
        let query = match c.settings {
            SettingsChange::Keep => sqlx::query(
                "UPDATE managed_login_brandings SET \
                 use_cognito_provided_values = COALESCE($1, use_cognito_provided_values), \
                 updated_ms = $2 WHERE pool_id = $3 AND branding_id = $4",
            )
            .bind(ucpv)
            .bind(c.updated_ms)
            .bind(c.pool_id)
            .bind(c.branding_id),
            SettingsChange::Set(settings) => sqlx::query(
                "UPDATE managed_login_brandings SET \
                 use_cognito_provided_values = COALESCE($1, use_cognito_provided_values), \
                 updated_ms = $2, settings = $5 WHERE pool_id = $3 AND branding_id = $4",
            )
            .bind(ucpv)
            .bind(c.updated_ms)
            .bind(c.pool_id)
            .bind(c.branding_id)
            .bind(settings),
        };
        let done = query.execute(&mut *tx).await.map_err(errors::db)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(errors::db)?;
            return Ok(BrandingUpdate::NotFound);
        }
        if c.replace_assets {
            sqlx::query("DELETE FROM managed_login_assets WHERE pool_id = $1 AND branding_id = $2")
                .bind(c.pool_id)
                .bind(c.branding_id)
                .execute(&mut *tx)
                .await
                .map_err(errors::db)?;
        }
        write_assets(&mut tx, c.pool_id, c.branding_id, c.assets).await?;
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM managed_login_assets WHERE pool_id = $1 AND branding_id = $2",
        )
        .bind(c.pool_id)
        .bind(c.branding_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(errors::db)?;
        let held = usize::try_from(held).unwrap_or(usize::MAX);
        if held > c.max_assets {
            tx.rollback().await.map_err(errors::db)?;
            return Ok(BrandingUpdate::TooManyAssets(held));
        }
        let rows = sqlx::query(BY_ID)
            .bind(c.pool_id)
            .bind(c.branding_id)
            .fetch_all(&mut *tx)
            .await
            .map_err(errors::db)?;
        tx.commit().await.map_err(errors::db)?;
        Ok(branding(&rows)?.map_or(BrandingUpdate::NotFound, BrandingUpdate::Updated))
    }

    async fn delete_managed_login_branding(
        &self,
        pool_id: &str,
        branding_id: &str,
    ) -> StoreResult<bool> {
        // Its assets go with it through ON DELETE CASCADE, in this statement.
        let done = sqlx::query(
            "DELETE FROM managed_login_brandings WHERE pool_id = $1 AND branding_id = $2",
        )
        .bind(pool_id)
        .bind(branding_id)
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }
}
