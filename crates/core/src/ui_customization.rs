//! Classic hosted UI branding: SetUICustomization and GetUICustomization (a
//! stylesheet and a logo for a pool, or for one of its app clients), and
//! [`Service::effective_ui_customization`] and [`Service::ui_logo`], which
//! the hosted pages and kognit's `/_kognit/ui/…` endpoints use.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/hosted-ui-classic-branding.html>
//!
//! As in Cognito: the pool must have a domain ("There has to be an existing
//! domain associated with this user pool", for Get as for Set); `ClientId`
//! absent or `ALL` means the pool-wide customization; a client's own
//! customization replaces the pool's entirely (it "will no longer fall back
//! to the ALL configuration"); a request sets the stylesheet and the logo
//! together ("You can't set CSS and logo customization separately"), so what
//! it leaves out is removed, and a request with neither removes the
//! customization (what Terraform's provider does to delete one). The logo is
//! a PNG or JPEG of at most 100 KB. kognit serves it, and the stylesheet,
//! itself: `<public URL>/_kognit/ui/<pool>/<client or ALL>/logo` and
//! `…/custom.css`, where Cognito answers a CloudFront URL.

mod css;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use crate::clients::no_client;
use crate::domains::version_stamp;
use crate::pools::no_pool;
use crate::service::{Admin, Millis, Service, epoch_seconds};
use crate::store::{Conflict, StoreError, UiCustomizationRecord, UiLogo};
use crate::{Error, Result};

pub use css::CLASSES;

/// The `ClientId` that names the pool-wide customization.
pub const ALL: &str = "ALL";

/// The largest logo Cognito accepts: "Your logo file can be no larger than
/// 100 KB in size".
pub const MAX_LOGO_BYTES: usize = 100 * 1024;

/// The customization that applies to a hosted page, as the page needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiCustomization {
    /// Whose customization it is: the client's id, or [`ALL`] when the
    /// page's client has none of its own and the pool's applies. The URLs
    /// below name it, so the clients sharing the pool's customization share
    /// one cached stylesheet.
    pub scope: String,
    /// The stylesheet, already checked (only the customizable classes).
    pub css: Option<String>,
    /// Whether there is a logo.
    pub has_image: bool,
    /// Changes whenever the customization does; the `v` of the URLs.
    pub version: String,
}

impl UiCustomization {
    /// The stylesheet's path on kognit's origin (with its cache-buster).
    pub fn css_path(&self, pool_id: &str) -> String {
        format!(
            "/_kognit/ui/{pool_id}/{}/custom.css?v={}",
            self.scope, self.version
        )
    }

    /// The logo's path on kognit's origin (with its cache-buster).
    pub fn logo_path(&self, pool_id: &str) -> String {
        format!(
            "/_kognit/ui/{pool_id}/{}/logo?v={}",
            self.scope, self.version
        )
    }

    fn of(rec: &UiCustomizationRecord) -> Self {
        Self {
            scope: scope_name(rec.client_id.as_deref()).to_owned(),
            css: rec.css.clone(),
            has_image: rec.image_type.is_some(),
            version: rec.updated_ms.to_string(),
        }
    }
}

/// The client a request's `ClientId` names; `None` for the pool-wide one.
fn client_scope(client_id: Option<&str>) -> Option<&str> {
    client_id.filter(|c| *c != ALL)
}

/// The `ClientId` Cognito reports for a scope.
fn scope_name(client_id: Option<&str>) -> &str {
    client_id.unwrap_or(ALL)
}

/// The media type of a logo: PNG or JPEG by their signatures, anything else
/// refused ("Choose a PNG, JPG, or JPEG file").
fn logo_type(bytes: &[u8]) -> Result<&'static str> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(Error::invalid_parameter(format!(
            "The image file is {} bytes; a logo can be no larger than 100 KB ({MAX_LOGO_BYTES} bytes).",
            bytes.len()
        )));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Ok("image/jpeg")
    } else {
        Err(Error::invalid_parameter(
            "The image file must be a PNG or JPEG image.",
        ))
    }
}

impl Service {
    /// The answer's UICustomization for a stored customization.
    fn ui_customization_type(&self, rec: &UiCustomizationRecord) -> UICustomizationType {
        let scope = scope_name(rec.client_id.as_deref());
        UICustomizationType {
            user_pool_id: Some(rec.pool_id.clone()),
            client_id: Some(scope.to_owned()),
            image_url: rec.image_type.as_ref().map(|_| {
                format!(
                    "{}{}",
                    self.settings.public_url,
                    UiCustomization::of(rec).logo_path(&rec.pool_id)
                )
            }),
            css: rec.css.clone(),
            css_version: Some(version_stamp(rec.updated_ms)),
            last_modified_date: Some(epoch_seconds(rec.updated_ms)),
            creation_date: Some(epoch_seconds(rec.created_ms)),
        }
    }

    /// What Set and Get check first, in this order: the pool exists, it has
    /// a domain, and the client (if one is named) is the pool's.
    async fn check_ui_target(&self, pool_id: &str, client_id: Option<&str>) -> Result<()> {
        self.load_pool(pool_id).await?;
        if self.store.list_pool_domains(pool_id).await?.is_empty() {
            // Cognito's words (hashicorp/terraform-provider-aws's acceptance
            // tests match them).
            return Err(Error::invalid_parameter(
                "There has to be an existing domain associated with this user pool",
            ));
        }
        if let Some(client_id) = client_id
            && self.store.get_client(pool_id, client_id).await?.is_none()
        {
            return Err(no_client(client_id));
        }
        Ok(())
    }

    /// SetUICustomization.
    pub async fn set_ui_customization(
        &self,
        _admin: &Admin,
        req: SetUICustomizationRequest,
        now: Millis,
    ) -> Result<SetUICustomizationResponse> {
        let pool_id = req.user_pool_id;
        let client_id = client_scope(req.client_id.as_deref());
        self.check_ui_target(&pool_id, client_id).await?;
        let css = req.css.filter(|c| !c.trim().is_empty());
        if let Some(css) = &css {
            css::check(css).map_err(Error::invalid_parameter)?;
        }
        let image = match req.image_file.as_deref() {
            None | Some("") => None,
            // Validation checked the base64 already; a failure here would
            // still be the caller's.
            Some(text) => Some(
                B64.decode(text)
                    .map_err(|_| Error::invalid_parameter("The image file is not valid base64."))?,
            ),
        };
        let image_type = image.as_deref().map(logo_type).transpose()?;
        if css.is_none() && image.is_none() {
            self.store
                .delete_ui_customization(&pool_id, client_id)
                .await?;
            return Ok(SetUICustomizationResponse {
                ui_customization: Some(UICustomizationType {
                    user_pool_id: Some(pool_id),
                    client_id: Some(scope_name(client_id).to_owned()),
                    ..UICustomizationType::default()
                }),
            });
        }
        let rec = UiCustomizationRecord {
            pool_id,
            client_id: client_id.map(str::to_owned),
            css,
            image_type: image_type.map(str::to_owned),
            created_ms: now,
            updated_ms: now,
        };
        match self
            .store
            .put_ui_customization(&rec, image.as_deref())
            .await
        {
            Ok(stored) => Ok(SetUICustomizationResponse {
                ui_customization: Some(self.ui_customization_type(&stored)),
            }),
            // Deleted meanwhile: the answer it would have had a moment later.
            Err(StoreError::Conflict(Conflict::MissingPool)) => Err(no_pool(&rec.pool_id)),
            Err(StoreError::Conflict(Conflict::MissingClient)) => {
                self.load_pool(&rec.pool_id).await?;
                Err(no_client(scope_name(client_id)))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// GetUICustomization: the client's own customization, else the pool's
    /// (reported with its own ClientId, `ALL`), else an empty object.
    pub async fn get_ui_customization(
        &self,
        _admin: &Admin,
        req: GetUICustomizationRequest,
    ) -> Result<GetUICustomizationResponse> {
        let client_id = client_scope(req.client_id.as_deref());
        self.check_ui_target(&req.user_pool_id, client_id).await?;
        let found = self
            .applying_customization(&req.user_pool_id, client_id)
            .await?;
        Ok(GetUICustomizationResponse {
            ui_customization: Some(
                found
                    .map(|rec| self.ui_customization_type(&rec))
                    .unwrap_or_default(),
            ),
        })
    }

    /// The stored customization that applies to `client_id` (`None`: the
    /// pool-wide one only).
    async fn applying_customization(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> Result<Option<UiCustomizationRecord>> {
        Ok(match client_id {
            Some(c) => self
                .store
                .ui_customizations_for(pool_id, c)
                .await?
                .into_iter()
                .next(),
            None => self.store.get_ui_customization(pool_id, None).await?,
        })
    }

    /// The customization a hosted page of `client_id` shows (`ALL`: the
    /// pool's): the client's own, else the pool's; `None` when neither
    /// exists, or the pool or the client does not. One store read, and the
    /// client from this node's cache when the pool's applies.
    pub async fn effective_ui_customization(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> Result<Option<UiCustomization>> {
        let found = self.effective_record(pool_id, client_id).await?;
        Ok(found.as_ref().map(UiCustomization::of))
    }

    /// The stored customization a hosted page of `client_id` shows.
    async fn effective_record(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> Result<Option<UiCustomizationRecord>> {
        let client_id = client_scope(Some(client_id));
        let Some(rec) = self.applying_customization(pool_id, client_id).await? else {
            return Ok(None);
        };
        // A client's own row proves the client (its foreign key); the pool's
        // does not, and a client that is not the pool's gets nothing.
        if let Some(client_id) = client_id
            && rec.client_id.is_none()
        {
            match self.app_client(client_id).await {
                Ok(c) if c.pool_id == pool_id => {}
                Ok(_) => return Ok(None),
                Err(e) if e.code == ErrorCode::ResourceNotFoundException => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        Ok(Some(rec))
    }

    /// The logo a hosted page of `client_id` shows (`ALL`: the pool's), if
    /// any, with the customization it belongs to (for its version): the
    /// logo of [`Self::effective_ui_customization`].
    pub async fn ui_logo(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> Result<Option<(UiCustomization, UiLogo)>> {
        let Some(rec) = self.effective_record(pool_id, client_id).await? else {
            return Ok(None);
        };
        if rec.image_type.is_none() {
            return Ok(None);
        }
        let logo = self
            .store
            .get_ui_logo(pool_id, rec.client_id.as_deref())
            .await?;
        Ok(logo.map(|logo| (UiCustomization::of(&rec), logo)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logos_are_png_or_jpeg_of_at_most_100_kb() {
        let png = b"\x89PNG\r\n\x1a\n rest";
        assert_eq!(logo_type(png).ok(), Some("image/png"));
        assert_eq!(logo_type(b"\xff\xd8\xff\xe0 jfif").ok(), Some("image/jpeg"));
        for bad in [&b"GIF89a"[..], b"<svg/>", b"", b"\x89PNG"] {
            let e = logo_type(bad).unwrap_err();
            assert_eq!(e.message, "The image file must be a PNG or JPEG image.");
        }
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_LOGO_BYTES, 0);
        assert!(logo_type(&big).is_ok());
        big.push(0);
        let e = logo_type(&big).unwrap_err();
        assert!(e.message.contains("no larger than 100 KB"), "{}", e.message);
    }

    #[test]
    fn scopes_and_paths() {
        assert_eq!(client_scope(None), None);
        assert_eq!(client_scope(Some("ALL")), None);
        assert_eq!(client_scope(Some("abc")), Some("abc"));
        let ui = UiCustomization {
            scope: ALL.into(),
            css: None,
            has_image: true,
            version: "17".into(),
        };
        assert_eq!(ui.css_path("p_1"), "/_kognit/ui/p_1/ALL/custom.css?v=17");
        assert_eq!(ui.logo_path("p_1"), "/_kognit/ui/p_1/ALL/logo?v=17");
    }
}
