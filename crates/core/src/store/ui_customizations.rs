//! Storage of classic hosted UI customizations (SetUICustomization): a
//! stylesheet and a logo, for a whole pool or for one of its app clients.

use async_trait::async_trait;

use super::StoreResult;

/// A stored customization, without its logo's bytes (those are read only to
/// serve the logo: [`UiCustomizationStore::get_ui_logo`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiCustomizationRecord {
    /// The pool.
    pub pool_id: String,
    /// The app client, or `None` for the pool-wide customization (Cognito's
    /// `ALL`). A client's row goes with the client, and every row with its
    /// pool.
    pub client_id: Option<String>,
    /// The stylesheet, if any.
    pub css: Option<String>,
    /// The logo's media type (`image/png`, `image/jpeg`), if there is a logo.
    pub image_type: Option<String>,
    /// Creation time, ms since the epoch; an update keeps the stored one.
    pub created_ms: i64,
    /// Last modification time, ms since the epoch.
    pub updated_ms: i64,
}

/// A logo as served: its media type and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiLogo {
    /// `image/png` or `image/jpeg`.
    pub content_type: String,
    /// The image file.
    pub bytes: Vec<u8>,
}

/// Classic hosted UI customizations, one per pool and one per app client at
/// most (unique indexes).
#[async_trait]
pub trait UiCustomizationStore: Send + Sync {
    /// Creates or replaces the customization of `rec`'s scope (pool-wide or
    /// one client), with `image` as its logo (`None`: no logo). A replaced
    /// row keeps its `created_ms`; the row as stored is returned. `Conflict`
    /// is `MissingPool` or `MissingClient`.
    async fn put_ui_customization(
        &self,
        rec: &UiCustomizationRecord,
        image: Option<&[u8]>,
    ) -> StoreResult<UiCustomizationRecord>;
    /// The customization of exactly this scope (`client_id` `None`: the
    /// pool-wide one).
    async fn get_ui_customization(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> StoreResult<Option<UiCustomizationRecord>>;
    /// The customizations that may apply to `client_id`, in one read: its
    /// own first, then the pool-wide one (each only if stored).
    async fn ui_customizations_for(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> StoreResult<Vec<UiCustomizationRecord>>;
    /// The logo of exactly this scope, if it has one.
    async fn get_ui_logo(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> StoreResult<Option<UiLogo>>;
    /// Deletes the customization of exactly this scope; false if there was
    /// none.
    async fn delete_ui_customization(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> StoreResult<bool>;
}
