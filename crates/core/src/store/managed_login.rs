//! Storage of managed login branding styles (CreateManagedLoginBranding):
//! one per app client, with its settings document and its image assets.

use async_trait::async_trait;

use super::StoreResult;

/// A stored branding style, without its assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandingRecord {
    /// The pool.
    pub pool_id: String,
    /// The style's id (a UUID), unique in the pool.
    pub branding_id: String,
    /// The app client the style belongs to; a client has at most one. The
    /// style goes with the client, and with the pool.
    pub client_id: String,
    /// Cognito's defaults stand in for the settings (`UseCognitoProvidedValues`).
    pub use_cognito_provided_values: bool,
    /// The settings document as JSON text, if any.
    pub settings: Option<String>,
    /// Creation time, ms since the epoch.
    pub created_ms: i64,
    /// Last modification time, ms since the epoch.
    pub updated_ms: i64,
}

/// An image of a style: at most one per category and colour mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandingAsset {
    /// `AssetCategoryType` as the wire spells it (`PAGE_HEADER_LOGO`, …).
    pub category: String,
    /// `ColorSchemeModeType` as the wire spells it (`LIGHT`, `DARK`, `DYNAMIC`).
    pub color_mode: String,
    /// `AssetExtensionType` as the wire spells it (`PNG`, `SVG`, …).
    pub extension: String,
    /// The file, if one was given.
    pub bytes: Option<Vec<u8>>,
    /// The asset's `ResourceId`, if one was given.
    pub resource_id: Option<String>,
}

/// A style with its assets, ordered by category, then colour mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branding {
    /// The style.
    pub record: BrandingRecord,
    /// Its assets.
    pub assets: Vec<BrandingAsset>,
}

/// What a change does to a style's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsChange<'a> {
    /// They stay as they are.
    Keep,
    /// They become these (`None`: no settings).
    Set(Option<&'a str>),
}

/// One update of a style, applied in one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrandingChange<'a> {
    /// The pool.
    pub pool_id: &'a str,
    /// The style.
    pub branding_id: &'a str,
    /// The new `UseCognitoProvidedValues`, if it changes.
    pub use_cognito_provided_values: Option<bool>,
    /// The settings.
    pub settings: SettingsChange<'a>,
    /// True: the style's assets become exactly `assets`. False: each of
    /// `assets` replaces the style's asset of its category and colour mode,
    /// if any, and the others stay.
    pub replace_assets: bool,
    /// The assets written, at most one per category and colour mode.
    pub assets: &'a [BrandingAsset],
    /// The most assets the style may hold afterwards.
    pub max_assets: usize,
    /// The modification time, ms since the epoch.
    pub updated_ms: i64,
}

/// How an update ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrandingUpdate {
    /// Done; the style as stored now.
    Updated(Branding),
    /// The pool has no style with this id; nothing changed.
    NotFound,
    /// The style would have held this many assets, more than allowed;
    /// nothing changed.
    TooManyAssets(usize),
}

/// Managed login branding styles.
#[async_trait]
pub trait ManagedLoginBrandingStore: Send + Sync {
    /// Inserts a style and its assets (at most one per category and colour
    /// mode) in one transaction. `Conflict` is `ManagedLoginBranding` when the
    /// client has a style already, `MissingClient` when the client or its
    /// pool does not exist.
    async fn insert_managed_login_branding(
        &self,
        rec: &BrandingRecord,
        assets: &[BrandingAsset],
    ) -> StoreResult<()>;
    /// The pool's style with this id, with its assets (one read).
    async fn get_managed_login_branding(
        &self,
        pool_id: &str,
        branding_id: &str,
    ) -> StoreResult<Option<Branding>>;
    /// The style of this app client, with its assets (one read).
    async fn managed_login_branding_of_client(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> StoreResult<Option<Branding>>;
    /// Applies `change` in one transaction (nothing of it when it does not
    /// end in [`BrandingUpdate::Updated`]).
    async fn update_managed_login_branding(
        &self,
        change: &BrandingChange<'_>,
    ) -> StoreResult<BrandingUpdate>;
    /// Deletes the pool's style with this id and its assets; false if there
    /// was none.
    async fn delete_managed_login_branding(
        &self,
        pool_id: &str,
        branding_id: &str,
    ) -> StoreResult<bool>;
}
