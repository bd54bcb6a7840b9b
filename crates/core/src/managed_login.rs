//! Managed login branding, Cognito's "managed login v2" styles:
//! CreateManagedLoginBranding, DescribeManagedLoginBranding,
//! DescribeManagedLoginBrandingByClient, UpdateManagedLoginBranding and
//! DeleteManagedLoginBranding.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/managed-login-brandingeditor.html>
//!
//! kognit stores a style and answers it back, for the tools that manage one
//! (Terraform's `aws_cognito_managed_login_branding`, CloudFormation's
//! `AWS::Cognito::ManagedLoginBranding`); its hosted pages do not render it
//! (they wear the classic UI customization, [`crate::ui_customization`]).
//!
//! As in Cognito: a style belongs to one app client, which has at most one
//! (`ManagedLoginBrandingExistsException`), and goes with the client or the
//! pool; no domain is needed (Terraform's acceptance tests create one for a
//! bare pool and client). `UseCognitoProvidedValues` true means Cognito's
//! default settings, so it excludes `Settings` in the same request; a new
//! style takes one or the other (Terraform's provider requires exactly one
//! of the two). Assets go along with either (Terraform's tests create
//! defaults with an asset). An update changes what it names and keeps the
//! rest ("preserves existing style settings that you don't specify"):
//! `Settings` replaces the settings document, each asset replaces the one of
//! its category and colour mode and the others stay (as Terraform's provider
//! describes the API), and `UseCognitoProvidedValues` true reverts the style
//! to the defaults, so its settings and assets go (bar the assets of that
//! request). `ReturnMergedResources` asks Cognito to fill in its defaults;
//! kognit does not know them and answers what is stored either way.

mod assets;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use crate::clients::no_client;
use crate::service::{Admin, Millis, Service, epoch_seconds};
use crate::store::{
    Branding, BrandingChange, BrandingRecord, BrandingUpdate, Conflict, SettingsChange, StoreError,
};
use crate::{Error, Result};

/// The most assets a style holds (the model's `AssetListType`, which
/// Describe answers).
pub const MAX_ASSETS: usize = 40;

/// The answer for a style id the pool does not hold.
fn no_branding(id: &str) -> Error {
    Error::not_found(format!("Managed login branding {id} does not exist."))
}

/// The answer for a member the model leaves optional but the operation
/// needs (UpdateManagedLoginBranding's), in AWS's validation wording.
fn null_member(name: &str) -> Error {
    Error::invalid_parameter(format!(
        "1 validation error detected: Value null at '{name}' failed to satisfy constraint: \
         Member must not be null"
    ))
}

/// `UseCognitoProvidedValues` true excludes `Settings`; a new style needs
/// one of the two.
fn check_defaults(
    use_defaults: Option<bool>,
    settings: Option<&serde_json::Value>,
    creating: bool,
) -> Result<()> {
    match (use_defaults == Some(true), settings.is_some()) {
        (true, true) => Err(Error::invalid_parameter(
            "Settings cannot be given with UseCognitoProvidedValues true, which applies \
             Cognito's default settings (but not both).",
        )),
        (false, false) if creating => Err(Error::invalid_parameter(
            "Either UseCognitoProvidedValues must be true or Settings must be given \
             (but not both).",
        )),
        _ => Ok(()),
    }
}

/// The settings document as stored.
fn settings_text(settings: &serde_json::Value) -> Result<String> {
    serde_json::to_string(settings).map_err(Error::internal)
}

/// The answer's ManagedLoginBranding for a stored style: `Settings` only
/// when there are some, `Assets` always (empty when there are none).
fn branding_type(b: &Branding) -> Result<ManagedLoginBrandingType> {
    let r = &b.record;
    let settings = r
        .settings
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(Error::internal)?;
    Ok(ManagedLoginBrandingType {
        managed_login_branding_id: Some(r.branding_id.clone()),
        user_pool_id: Some(r.pool_id.clone()),
        use_cognito_provided_values: Some(r.use_cognito_provided_values),
        settings,
        assets: Some(assets::asset_types(&b.assets)?),
        creation_date: Some(epoch_seconds(r.created_ms)),
        last_modified_date: Some(epoch_seconds(r.updated_ms)),
    })
}

impl Service {
    /// CreateManagedLoginBranding.
    pub async fn create_managed_login_branding(
        &self,
        _admin: &Admin,
        req: CreateManagedLoginBrandingRequest,
        now: Millis,
    ) -> Result<CreateManagedLoginBrandingResponse> {
        check_defaults(req.use_cognito_provided_values, req.settings.as_ref(), true)?;
        let assets = assets::decode(req.assets.as_deref().unwrap_or_default())?;
        let settings = req.settings.as_ref().map(settings_text).transpose()?;
        let pool_id = req.user_pool_id;
        self.load_pool(&pool_id).await?;
        if self
            .store
            .get_client(&pool_id, &req.client_id)
            .await?
            .is_none()
        {
            return Err(no_client(&req.client_id));
        }
        let record = BrandingRecord {
            pool_id,
            branding_id: uuid::Uuid::new_v4().to_string(),
            client_id: req.client_id,
            use_cognito_provided_values: req.use_cognito_provided_values == Some(true),
            settings,
            created_ms: now,
            updated_ms: now,
        };
        match self
            .store
            .insert_managed_login_branding(&record, &assets)
            .await
        {
            Ok(()) => Ok(CreateManagedLoginBrandingResponse {
                managed_login_branding: Some(branding_type(&Branding { record, assets })?),
            }),
            Err(StoreError::Conflict(Conflict::ManagedLoginBranding)) => Err(Error::new(
                ErrorCode::ManagedLoginBrandingExistsException,
                "The app client already has a managed login branding style.",
            )),
            // Deleted meanwhile: the answer it would have had a moment later.
            Err(StoreError::Conflict(Conflict::MissingClient)) => {
                self.load_pool(&record.pool_id).await?;
                Err(no_client(&record.client_id))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// DescribeManagedLoginBranding (`ReturnMergedResources` or not: what
    /// is stored).
    pub async fn describe_managed_login_branding(
        &self,
        _admin: &Admin,
        req: DescribeManagedLoginBrandingRequest,
    ) -> Result<DescribeManagedLoginBrandingResponse> {
        let pool_id = &req.user_pool_id;
        let id = &req.managed_login_branding_id;
        let Some(found) = self.store.get_managed_login_branding(pool_id, id).await? else {
            self.load_pool(pool_id).await?;
            return Err(no_branding(id));
        };
        Ok(DescribeManagedLoginBrandingResponse {
            managed_login_branding: Some(branding_type(&found)?),
        })
    }

    /// DescribeManagedLoginBrandingByClient (`ReturnMergedResources` or
    /// not: what is stored). A client without a style is
    /// ResourceNotFoundException, which Terraform's provider relies on.
    pub async fn describe_managed_login_branding_by_client(
        &self,
        _admin: &Admin,
        req: DescribeManagedLoginBrandingByClientRequest,
    ) -> Result<DescribeManagedLoginBrandingByClientResponse> {
        let (pool_id, client_id) = (&req.user_pool_id, &req.client_id);
        let found = self
            .store
            .managed_login_branding_of_client(pool_id, client_id)
            .await?;
        let Some(found) = found else {
            self.load_pool(pool_id).await?;
            if self.store.get_client(pool_id, client_id).await?.is_none() {
                return Err(no_client(client_id));
            }
            return Err(Error::not_found(
                "The app client has no managed login branding style.",
            ));
        };
        Ok(DescribeManagedLoginBrandingByClientResponse {
            managed_login_branding: Some(branding_type(&found)?),
        })
    }

    /// UpdateManagedLoginBranding: changes what the request names (see the
    /// module's documentation), in one transaction.
    pub async fn update_managed_login_branding(
        &self,
        _admin: &Admin,
        req: UpdateManagedLoginBrandingRequest,
        now: Millis,
    ) -> Result<UpdateManagedLoginBrandingResponse> {
        let pool_id = req.user_pool_id.ok_or_else(|| null_member("userPoolId"))?;
        let id = req
            .managed_login_branding_id
            .ok_or_else(|| null_member("managedLoginBrandingId"))?;
        let use_defaults = req.use_cognito_provided_values;
        check_defaults(use_defaults, req.settings.as_ref(), false)?;
        let assets = assets::decode(req.assets.as_deref().unwrap_or_default())?;
        let text = req.settings.as_ref().map(settings_text).transpose()?;
        let reverting = use_defaults == Some(true);
        let change = BrandingChange {
            pool_id: &pool_id,
            branding_id: &id,
            // Settings of one's own are not Cognito's defaults.
            use_cognito_provided_values: if text.is_some() {
                Some(false)
            } else {
                use_defaults
            },
            settings: match (&text, reverting) {
                (_, true) => SettingsChange::Set(None),
                (Some(t), false) => SettingsChange::Set(Some(t)),
                (None, false) => SettingsChange::Keep,
            },
            replace_assets: reverting,
            assets: &assets,
            max_assets: MAX_ASSETS,
            updated_ms: now,
        };
        match self.store.update_managed_login_branding(&change).await? {
            BrandingUpdate::Updated(b) => Ok(UpdateManagedLoginBrandingResponse {
                managed_login_branding: Some(branding_type(&b)?),
            }),
            BrandingUpdate::NotFound => {
                self.load_pool(&pool_id).await?;
                Err(no_branding(&id))
            }
            BrandingUpdate::TooManyAssets(n) => Err(Error::invalid_parameter(format!(
                "A managed login branding style holds at most {MAX_ASSETS} assets (one per \
                 category and color mode); this update would leave {n}."
            ))),
        }
    }

    /// DeleteManagedLoginBranding.
    pub async fn delete_managed_login_branding(
        &self,
        _admin: &Admin,
        req: DeleteManagedLoginBrandingRequest,
    ) -> Result<()> {
        let (pool_id, id) = (&req.user_pool_id, &req.managed_login_branding_id);
        if self
            .store
            .delete_managed_login_branding(pool_id, id)
            .await?
        {
            return Ok(());
        }
        self.load_pool(pool_id).await?;
        Err(no_branding(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_exclude_settings_and_a_new_style_needs_one() {
        let doc = serde_json::json!({"categories": {}});
        assert!(check_defaults(Some(true), None, true).is_ok());
        assert!(check_defaults(None, Some(&doc), true).is_ok());
        assert!(check_defaults(Some(false), Some(&doc), true).is_ok());
        for (defaults, creating) in [(Some(true), true), (Some(true), false)] {
            let e = check_defaults(defaults, Some(&doc), creating).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameterException);
        }
        for defaults in [None, Some(false)] {
            let e = check_defaults(defaults, None, true).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameterException);
            // An update may name only assets, or nothing.
            assert!(check_defaults(defaults, None, false).is_ok());
        }
    }
}
