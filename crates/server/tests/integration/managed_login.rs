//! Managed login branding ("managed login v2" styles) through the AWS SDK,
//! on both stores: a style per app client, created with Cognito's defaults
//! or with settings and assets, described by id and by client, updated
//! (assets merged by category and colour mode, settings replaced, reverted
//! to the defaults), deleted, and gone with its client or pool; and what
//! Cognito refuses, which changes nothing stored.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::primitives::Blob;
use aws_sdk_cognitoidentityprovider::types::{
    AssetCategoryType as Category, AssetExtensionType as Extension, AssetType,
    ColorSchemeModeType as Mode, ManagedLoginBrandingType,
};
use aws_smithy_types::{Document, Number};
use serde_json::{Value, json};

use crate::harness::on_both_backends;
use crate::harness::{TestServer, code, create_pool, message, srp_client};

on_both_backends!(managed_login_branding_lifecycle,);

pub(crate) const SVG: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>"#;

/// The start of an ICO file (its signature and one image).
pub(crate) const ICO: &[u8] = b"\0\0\x01\0\x01\0";

/// A 1×1 PNG.
pub(crate) const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// A settings document as the branding editor writes one (an excerpt of
/// the API reference's example).
pub(crate) fn settings(horizontal: &str) -> Value {
    json!({
        "categories": {
            "auth": {"authMethodOrder": [[{"display": "BUTTON", "type": "FEDERATED"},
                                          {"display": "INPUT", "type": "USERNAME_PASSWORD"}]]},
            "form": {"displayGraphics": true, "location": {"horizontal": horizontal,
                                                           "vertical": "CENTER"}},
            "global": {"colorSchemeMode": "LIGHT", "spacingDensity": "REGULAR"}
        },
        "componentClasses": {"buttons": {"borderRadius": 8.5}},
        "note": "ünïcødé ✓",
        "count": -3
    })
}

/// JSON as the SDK's Document.
pub(crate) fn doc(v: &Value) -> Document {
    match v {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(if let Some(u) = n.as_u64() {
            Number::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            Number::NegInt(i)
        } else {
            Number::Float(n.as_f64().unwrap())
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(a) => Document::Array(a.iter().map(doc).collect()),
        Value::Object(o) => Document::Object(o.iter().map(|(k, v)| (k.clone(), doc(v))).collect()),
    }
}

/// The SDK's Document as JSON.
pub(crate) fn json_of(d: &Document) -> Value {
    match d {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::PosInt(u)) => json!(u),
        Document::Number(Number::NegInt(i)) => json!(i),
        Document::Number(Number::Float(f)) => json!(f),
        Document::String(s) => json!(s),
        Document::Array(a) => Value::Array(a.iter().map(json_of).collect()),
        Document::Object(o) => {
            let map: HashMap<_, _> = o.iter().map(|(k, v)| (k.clone(), json_of(v))).collect();
            json!(map)
        }
    }
}

pub(crate) fn asset(
    category: Category,
    mode: Mode,
    extension: Extension,
    bytes: &[u8],
) -> AssetType {
    AssetType::builder()
        .category(category)
        .color_mode(mode)
        .extension(extension)
        .bytes(Blob::new(bytes))
        .build()
        .unwrap()
}

/// (category, colour mode, bytes) of each asset, in the answer's order.
pub(crate) fn keys(b: &ManagedLoginBrandingType) -> Vec<(String, String, Vec<u8>)> {
    b.assets()
        .iter()
        .map(|a| {
            (
                a.category().as_str().to_owned(),
                a.color_mode().as_str().to_owned(),
                a.bytes().map(|b| b.as_ref().to_vec()).unwrap_or_default(),
            )
        })
        .collect()
}

pub(crate) async fn describe(c: &Client, pool: &str, id: &str) -> ManagedLoginBrandingType {
    c.describe_managed_login_branding()
        .user_pool_id(pool)
        .managed_login_branding_id(id)
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap()
}

pub(crate) async fn by_client(c: &Client, pool: &str, client: &str) -> ManagedLoginBrandingType {
    c.describe_managed_login_branding_by_client()
        .user_pool_id(pool)
        .client_id(client)
        .return_merged_resources(true)
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap()
}

pub(crate) fn is_uuid_v4(id: &str) -> bool {
    let b = id.as_bytes();
    id.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
        && id
            .chars()
            .filter(|c| *c != '-')
            .all(|c| c.is_ascii_hexdigit())
}

async fn managed_login_branding_lifecycle(s: TestServer) {
    let c = s.client();
    // No domain needed, as Terraform's acceptance tests show.
    let pool = create_pool(&c, "styled").await;
    let web = srp_client(&c, &pool, "web").await;
    let mobile = srp_client(&c, &pool, "mobile").await;

    // Cognito's defaults: no settings, no assets (an empty list).
    let plain = c
        .create_managed_login_branding()
        .user_pool_id(&pool)
        .client_id(&web)
        .use_cognito_provided_values(true)
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    let plain_id = plain.managed_login_branding_id.clone().unwrap();
    assert!(is_uuid_v4(&plain_id), "{plain_id}");
    assert_eq!(plain.user_pool_id.as_deref(), Some(pool.as_str()));
    assert!(plain.use_cognito_provided_values);
    assert_eq!(plain.settings, None);
    assert_eq!(plain.assets, Some(vec![]));
    assert_eq!(plain.last_modified_date, plain.creation_date);
    assert!(plain.creation_date.is_some());
    assert_eq!(describe(&c, &pool, &plain_id).await, plain);
    // ReturnMergedResources: kognit answers what is stored.
    assert_eq!(by_client(&c, &pool, &web).await, plain);
    let target = "AWSCognitoIdentityProviderService.DescribeManagedLoginBranding";
    let raw = s
        .raw(
            Some(target),
            json!({"UserPoolId": pool, "ManagedLoginBrandingId": plain_id}).to_string(),
        )
        .await;
    assert_eq!(raw.status, 200);
    let style = &raw.json["ManagedLoginBranding"];
    assert_eq!(style["Assets"], json!([]));
    assert!(style.get("Settings").is_none(), "{style}");
    assert!(style["CreationDate"].is_number());

    // One style per client.
    let e = c
        .create_managed_login_branding()
        .user_pool_id(&pool)
        .client_id(&web)
        .settings(doc(&settings("LEFT")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ManagedLoginBrandingExistsException");
    assert_eq!(describe(&c, &pool, &plain_id).await, plain);

    // Settings and assets, kept as given; assets come back by category
    // and colour mode.
    let created = c
        .create_managed_login_branding()
        .user_pool_id(&pool)
        .client_id(&mobile)
        .settings(doc(&settings("LEFT")))
        .assets(asset(
            Category::PageHeaderLogo,
            Mode::Light,
            Extension::Svg,
            SVG,
        ))
        .assets(asset(
            Category::FormBackground,
            Mode::Dark,
            Extension::Png,
            PNG,
        ))
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    let id = created.managed_login_branding_id.clone().unwrap();
    assert_ne!(id, plain_id);
    assert!(!created.use_cognito_provided_values);
    assert_eq!(
        json_of(created.settings.as_ref().unwrap()),
        settings("LEFT")
    );
    assert_eq!(
        keys(&created),
        [
            ("FORM_BACKGROUND".into(), "DARK".into(), PNG.to_vec()),
            ("PAGE_HEADER_LOGO".into(), "LIGHT".into(), SVG.to_vec()),
        ]
    );
    assert_eq!(created.assets()[1].extension(), &Extension::Svg);
    assert_eq!(describe(&c, &pool, &id).await, created);
    assert_eq!(by_client(&c, &pool, &mobile).await, created);

    // Assets only: the one of the same category and mode is replaced, a
    // new one added, the rest and the settings kept.
    let other_png = [PNG, b"-2"].concat();
    let merged = c
        .update_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&id)
        .assets(asset(
            Category::FormBackground,
            Mode::Dark,
            Extension::Png,
            &other_png,
        ))
        .assets(asset(
            Category::PageBackground,
            Mode::Dynamic,
            Extension::Svg,
            SVG,
        ))
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    assert_eq!(
        keys(&merged),
        [
            ("FORM_BACKGROUND".into(), "DARK".into(), other_png.clone()),
            ("PAGE_BACKGROUND".into(), "DYNAMIC".into(), SVG.to_vec()),
            ("PAGE_HEADER_LOGO".into(), "LIGHT".into(), SVG.to_vec()),
        ]
    );
    assert_eq!(merged.settings, created.settings);
    assert_eq!(merged.creation_date, created.creation_date);
    assert!(merged.last_modified_date >= created.last_modified_date);
    assert_eq!(describe(&c, &pool, &id).await, merged);

    // Settings replace the settings; the assets stay.
    let resettled = c
        .update_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&id)
        .settings(doc(
            &json!({"categories": {"global": {"colorSchemeMode": "DARK"}}}),
        ))
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    assert_eq!(
        json_of(resettled.settings.as_ref().unwrap()),
        json!({"categories": {"global": {"colorSchemeMode": "DARK"}}})
    );
    assert_eq!(resettled.assets, merged.assets);
    assert!(!resettled.use_cognito_provided_values);

    // Back to Cognito's defaults: settings and assets go.
    let reverted = c
        .update_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&id)
        .use_cognito_provided_values(true)
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    assert!(reverted.use_cognito_provided_values);
    assert_eq!(
        (reverted.settings.clone(), reverted.assets.clone()),
        (None, Some(vec![]))
    );
    assert_eq!(describe(&c, &pool, &id).await, reverted);

    // Deleted: not found by id or by client, and the client may have a new one.
    c.delete_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&plain_id)
        .send()
        .await
        .unwrap();
    let e = c
        .describe_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&plain_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let e = c
        .describe_managed_login_branding_by_client()
        .user_pool_id(&pool)
        .client_id(&web)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let again = c
        .create_managed_login_branding()
        .user_pool_id(&pool)
        .client_id(&web)
        .use_cognito_provided_values(true)
        .assets(asset(
            Category::FaviconIco,
            Mode::Light,
            Extension::Ico,
            ICO,
        ))
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    assert_ne!(
        again.managed_login_branding_id.as_deref(),
        Some(plain_id.as_str())
    );
    assert_eq!(again.assets().len(), 1);

    // A deleted client takes its style; a deleted pool takes them all.
    c.delete_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&mobile)
        .send()
        .await
        .unwrap();
    let e = c
        .describe_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    c.delete_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let again_id = again.managed_login_branding_id.unwrap();
    let e = c
        .describe_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&again_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    assert_eq!(message(&e), format!("User pool {pool} does not exist."));
}
