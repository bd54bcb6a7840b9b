//! A branding style's images: what Cognito accepts, and the conversion
//! between the wire's `AssetType` and the store's rows.
//!
//! Cognito looks at an asset's file, not only at its `Extension`: a file
//! that is no image is refused (it answered "text/plain" to assets whose
//! bytes were base64 text, as deployments that passed the text through
//! found), and a favicon must be of its category's type (`FAVICON_ICO` an
//! ICO file, as the terraform-aws-cognito-user-pool module's branding
//! example learned; `FAVICON_SVG` an SVG file). kognit recognizes each of
//! the five extensions by its signature and refuses a file of another type
//! than its `Extension` says. The model caps a file at 1,000,000 bytes,
//! which validation checks before this runs.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use kognit_wire::types::{AssetCategoryType, AssetExtensionType, AssetType, ColorSchemeModeType};

use crate::store::BrandingAsset;
use crate::{Error, Result};

/// The assets of a request as stored: one per category and colour mode
/// (a later one in the list replaces an earlier one, as an update replaces
/// a stored one), ordered by category, then colour mode, as the store
/// answers them.
pub(super) fn decode(list: &[AssetType]) -> Result<Vec<BrandingAsset>> {
    let mut by_key = BTreeMap::new();
    for a in list {
        let bytes = a
            .bytes
            .as_deref()
            .map(|text| {
                B64.decode(text)
                    .map_err(|_| Error::invalid_parameter("An asset's Bytes is not valid base64."))
            })
            .transpose()?;
        check(a, bytes.as_deref())?;
        let (category, color_mode) = (a.category.as_str(), a.color_mode.as_str());
        by_key.insert(
            (category, color_mode),
            BrandingAsset {
                category: category.to_owned(),
                color_mode: color_mode.to_owned(),
                extension: a.extension.as_str().to_owned(),
                bytes,
                resource_id: a.resource_id.clone(),
            },
        );
    }
    Ok(by_key.into_values().collect())
}

/// The answer's Assets for stored ones.
pub(super) fn asset_types(stored: &[BrandingAsset]) -> Result<Vec<AssetType>> {
    stored
        .iter()
        .map(|a| {
            let bad = || Error::internal(format!("stored asset {}/{}", a.category, a.color_mode));
            Ok(AssetType {
                category: AssetCategoryType::parse(&a.category).ok_or_else(bad)?,
                color_mode: ColorSchemeModeType::parse(&a.color_mode).ok_or_else(bad)?,
                extension: AssetExtensionType::parse(&a.extension).ok_or_else(bad)?,
                bytes: a.bytes.as_deref().map(|b| B64.encode(b)),
                resource_id: a.resource_id.clone(),
            })
        })
        .collect()
}

/// Refuses an asset whose category needs another extension, or whose file
/// is not of its extension's type.
fn check(a: &AssetType, bytes: Option<&[u8]>) -> Result<()> {
    let name = || format!("{} ({})", a.category.as_str(), a.color_mode.as_str());
    let needed = match a.category {
        AssetCategoryType::FaviconIco => Some(AssetExtensionType::Ico),
        AssetCategoryType::FaviconSvg => Some(AssetExtensionType::Svg),
        _ => None,
    };
    if let Some(needed) = needed.filter(|n| *n != a.extension) {
        return Err(Error::invalid_parameter(format!(
            "The asset {} must have the extension {}, not {}.",
            name(),
            needed.as_str(),
            a.extension.as_str()
        )));
    }
    match bytes {
        Some(bytes) if sniff(bytes) != Some(a.extension) => Err(Error::invalid_parameter(format!(
            "The file of the asset {} is not {} {} image.",
            name(),
            if a.extension == AssetExtensionType::Ico {
                "an"
            } else {
                "a"
            },
            a.extension.as_str()
        ))),
        _ => Ok(()),
    }
}

/// The image type of a file, by its signature (SVG: UTF-8 markup with an
/// `<svg` element).
fn sniff(bytes: &[u8]) -> Option<AssetExtensionType> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(AssetExtensionType::Png)
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some(AssetExtensionType::Jpeg)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(AssetExtensionType::Webp)
    } else if bytes.starts_with(b"\x00\x00\x01\x00") {
        Some(AssetExtensionType::Ico)
    } else if is_svg(bytes) {
        Some(AssetExtensionType::Svg)
    } else {
        None
    }
}

/// UTF-8 text that starts with markup (after a byte-order mark and
/// whitespace) and holds an `<svg` element.
fn is_svg(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<') && text.contains("<svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &[u8] = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>"#;

    fn asset(
        category: AssetCategoryType,
        extension: AssetExtensionType,
        bytes: &[u8],
    ) -> AssetType {
        AssetType {
            category,
            color_mode: ColorSchemeModeType::Light,
            extension,
            bytes: Some(B64.encode(bytes)),
            resource_id: None,
        }
    }

    #[test]
    fn files_are_recognized_by_their_signatures() {
        use AssetExtensionType as X;
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(X::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0JFIF"), Some(X::Jpeg));
        assert_eq!(sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 "), Some(X::Webp));
        assert_eq!(sniff(b"\x00\x00\x01\x00\x01\x00"), Some(X::Ico));
        assert_eq!(sniff(SVG), Some(X::Svg));
        assert_eq!(sniff("\u{feff}\n <svg/>".as_bytes()), Some(X::Svg));
        for other in [
            &b"GIF89a"[..],
            b"",
            b"iVBORw0KGgo=",
            b"plain <svg text",
            b"RIFF\0\0\0\0WAVE",
        ] {
            assert_eq!(sniff(other), None, "{other:?}");
        }
    }

    #[test]
    fn an_asset_is_its_extension_and_its_category_s() {
        use AssetCategoryType as C;
        use AssetExtensionType as X;
        assert!(decode(&[asset(C::PageHeaderLogo, X::Svg, SVG)]).is_ok());
        assert!(decode(&[asset(C::FaviconSvg, X::Svg, SVG)]).is_ok());
        let mismatch = decode(&[asset(C::PageHeaderLogo, X::Png, SVG)]).unwrap_err();
        assert_eq!(
            mismatch.message,
            "The file of the asset PAGE_HEADER_LOGO (LIGHT) is not a PNG image."
        );
        let favicon = decode(&[asset(C::FaviconIco, X::Svg, SVG)]).unwrap_err();
        assert_eq!(
            favicon.message,
            "The asset FAVICON_ICO (LIGHT) must have the extension ICO, not SVG."
        );
        // No file: nothing to look at.
        let mut bare = asset(C::FormLogo, X::Png, b"");
        bare.bytes = None;
        assert_eq!(decode(&[bare]).unwrap()[0].bytes, None);
    }

    #[test]
    fn one_asset_per_category_and_mode_the_later_one_wins_in_order() {
        use AssetCategoryType as C;
        use AssetExtensionType as X;
        let png = b"\x89PNG\r\n\x1a\nsecond";
        let mut dark = asset(C::PageBackground, X::Svg, SVG);
        dark.color_mode = ColorSchemeModeType::Dark;
        let list = [
            asset(C::PageHeaderLogo, X::Svg, SVG),
            dark,
            asset(C::PageHeaderLogo, X::Png, png),
        ];
        let stored = decode(&list).unwrap();
        let keys: Vec<_> = stored
            .iter()
            .map(|a| {
                (
                    a.category.as_str(),
                    a.color_mode.as_str(),
                    a.extension.as_str(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                ("PAGE_BACKGROUND", "DARK", "SVG"),
                ("PAGE_HEADER_LOGO", "LIGHT", "PNG")
            ]
        );
        assert_eq!(stored[1].bytes.as_deref(), Some(&png[..]));
        let back = asset_types(&stored).unwrap();
        assert_eq!(back[1].bytes.as_deref(), list[2].bytes.as_deref());
        assert_eq!(back[1].category, C::PageHeaderLogo);
    }
}
