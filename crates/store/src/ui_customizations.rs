//! [`UiCustomizationStore`]: the `ui_customizations` table.
//!
//! One row per scope: the pool-wide customization has no client
//! (`ui_customizations_pool_key`, a partial unique index) and a client has at
//! most one (`ui_customizations_client_key`). A write is one upsert naming
//! the index of its scope, so two writers racing for a scope both succeed,
//! the later one winning, and the row keeps its first `created_ms`.

use async_trait::async_trait;
use kognit_core::store::{StoreResult, UiCustomizationRecord, UiCustomizationStore, UiLogo};
use sqlx::any::AnyRow;

use crate::backend::Backend;
use crate::columns::Columns;
use crate::{Sql, errors};

/// The foreign key from a row to its pool.
const POOL_FKEY: &str = "ui_customizations_pool_id_fkey";
/// The foreign key from a client's row to its client.
const CLIENT_FKEY: &str = "ui_customizations_client_fkey";

/// The columns of a record (the logo's bytes left out), in the order
/// [`record`] decodes them.
macro_rules! record_columns {
    () => {
        "pool_id, client_id, css, image_type, created_ms, updated_ms"
    };
}

/// The upsert's text up to its conflict target.
macro_rules! insert_row {
    () => {
        "INSERT INTO ui_customizations \
         (pool_id, client_id, css, image_type, image, created_ms, updated_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT "
    };
}

/// The upsert's text after its conflict target: replace everything but the
/// creation time.
macro_rules! replace_row {
    () => {
        concat!(
            " DO UPDATE SET css = excluded.css, image_type = excluded.image_type, \
             image = excluded.image, updated_ms = excluded.updated_ms RETURNING ",
            record_columns!()
        )
    };
}

/// Decodes a row selected as [`record_columns!`].
fn record(row: &AnyRow) -> StoreResult<UiCustomizationRecord> {
    let decode = || -> Result<UiCustomizationRecord, sqlx::Error> {
        Ok(UiCustomizationRecord {
            pool_id: row.text(0)?,
            client_id: row.opt_text(1)?,
            css: row.opt_text(2)?,
            image_type: row.opt_text(3)?,
            created_ms: row.int(4)?,
            updated_ms: row.int(5)?,
        })
    };
    decode().map_err(errors::db)
}

#[async_trait]
impl<B: Backend> UiCustomizationStore for Sql<B> {
    async fn put_ui_customization(
        &self,
        rec: &UiCustomizationRecord,
        image: Option<&[u8]>,
    ) -> StoreResult<UiCustomizationRecord> {
        // The conflict target names the index of the row's scope; a client's
        // row can only miss its client (whose own key implies the pool).
        let (sql, fkey) = match rec.client_id {
            None => (
                concat!(
                    insert_row!(),
                    "(pool_id) WHERE client_id IS NULL",
                    replace_row!()
                ),
                POOL_FKEY,
            ),
            Some(_) => (
                concat!(insert_row!(), "(pool_id, client_id)", replace_row!()),
                CLIENT_FKEY,
            ),
        };
        let row = sqlx::query(sql)
            .bind(rec.pool_id.as_str())
            .bind(rec.client_id.as_deref())
            .bind(rec.css.as_deref())
            .bind(rec.image_type.as_deref())
            .bind(image)
            .bind(rec.created_ms)
            .bind(rec.updated_ms)
            .fetch_one(&self.db.write)
            .await
            .map_err(errors::fk(fkey))?;
        record(&row)
    }

    async fn get_ui_customization(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> StoreResult<Option<UiCustomizationRecord>> {
        let row = match client_id {
            None => sqlx::query(concat!(
                "SELECT ",
                record_columns!(),
                " FROM ui_customizations WHERE pool_id = $1 AND client_id IS NULL"
            ))
            .bind(pool_id),
            Some(c) => sqlx::query(concat!(
                "SELECT ",
                record_columns!(),
                " FROM ui_customizations WHERE pool_id = $1 AND client_id = $2"
            ))
            .bind(pool_id)
            .bind(c),
        }
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.as_ref().map(record).transpose()
    }

    async fn ui_customizations_for(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> StoreResult<Vec<UiCustomizationRecord>> {
        // NULLs sort last on PostgreSQL and first on SQLite: the CASE makes
        // the client's own row first on both.
        let rows = sqlx::query(concat!(
            "SELECT ",
            record_columns!(),
            " FROM ui_customizations \
             WHERE pool_id = $1 AND (client_id = $2 OR client_id IS NULL) \
             ORDER BY CASE WHEN client_id IS NULL THEN 1 ELSE 0 END"
        ))
        .bind(pool_id)
        .bind(client_id)
        .fetch_all(&self.db.read)
        .await
        .map_err(errors::db)?;
        rows.iter().map(record).collect()
    }

    async fn get_ui_logo(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> StoreResult<Option<UiLogo>> {
        let row = match client_id {
            None => sqlx::query(
                "SELECT image_type, image FROM ui_customizations \
                 WHERE pool_id = $1 AND client_id IS NULL AND image IS NOT NULL",
            )
            .bind(pool_id),
            Some(c) => sqlx::query(
                "SELECT image_type, image FROM ui_customizations \
                 WHERE pool_id = $1 AND client_id = $2 AND image IS NOT NULL",
            )
            .bind(pool_id)
            .bind(c),
        }
        .fetch_optional(&self.db.read)
        .await
        .map_err(errors::db)?;
        row.map(|row| -> Result<UiLogo, sqlx::Error> {
            Ok(UiLogo {
                content_type: row.text(0)?,
                bytes: row.blob(1)?,
            })
        })
        .transpose()
        .map_err(errors::db)
    }

    async fn delete_ui_customization(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> StoreResult<bool> {
        let done = match client_id {
            None => sqlx::query(
                "DELETE FROM ui_customizations WHERE pool_id = $1 AND client_id IS NULL",
            )
            .bind(pool_id),
            Some(c) => {
                sqlx::query("DELETE FROM ui_customizations WHERE pool_id = $1 AND client_id = $2")
                    .bind(pool_id)
                    .bind(c)
            }
        }
        .execute(&self.db.write)
        .await
        .map_err(errors::db)?;
        Ok(done.rows_affected() > 0)
    }
}
