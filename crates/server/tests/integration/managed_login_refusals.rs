//! Managed login branding: what Cognito refuses (unknown pools, clients
//! and styles, a second style for a client, settings with the defaults,
//! files that are not the images they claim), each changing nothing stored.

use aws_sdk_cognitoidentityprovider::types::{
    AssetCategoryType as Category, AssetExtensionType as Extension, AssetType,
    ColorSchemeModeType as Mode,
};
use serde_json::json;

use crate::harness::on_both_backends;
use crate::harness::{TestServer, code, create_pool, message, srp_client};
use crate::managed_login::*;

on_both_backends!(managed_login_branding_refusals);

async fn managed_login_branding_refusals(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "strict").await;
    let web = srp_client(&c, &pool, "web").await;
    let spare = srp_client(&c, &pool, "spare").await;
    let create = || {
        c.create_managed_login_branding()
            .user_pool_id(&pool)
            .client_id(&spare)
    };

    // Defaults and settings exclude each other; a new style needs one.
    for request in [
        create()
            .use_cognito_provided_values(true)
            .settings(doc(&settings("LEFT"))),
        create().assets(asset(Category::FormLogo, Mode::Light, Extension::Svg, SVG)),
        create().use_cognito_provided_values(false),
    ] {
        let e = request.send().await.unwrap_err();
        assert_eq!(code(&e), "InvalidParameterException");
        assert!(message(&e).contains("(but not both)"), "{}", message(&e));
    }

    // Assets: the file must be of its extension (not base64 text, which
    // Cognito calls text/plain), favicons of their own type, at most 1 MB
    // each and 40 in all.
    let text = asset(
        Category::PageHeaderLogo,
        Mode::Light,
        Extension::Png,
        b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
    );
    let e = create()
        .use_cognito_provided_values(true)
        .assets(text)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert_eq!(
        message(&e),
        "The file of the asset PAGE_HEADER_LOGO (LIGHT) is not a PNG image."
    );
    let e = create()
        .use_cognito_provided_values(true)
        .assets(asset(
            Category::FaviconIco,
            Mode::Light,
            Extension::Svg,
            SVG,
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert!(
        message(&e).contains("must have the extension ICO"),
        "{}",
        message(&e)
    );
    // 1,000,001 bytes: past the model's limit, in a body past kognit's
    // default 1 MiB, which these operations may exceed up to Cognito's 2 MB.
    let mut big = PNG.to_vec();
    big.resize(1_000_001, 0);
    let e = create()
        .use_cognito_provided_values(true)
        .assets(asset(
            Category::PageBackground,
            Mode::Light,
            Extension::Png,
            &big,
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert!(
        message(&e).contains("failed to satisfy constraint"),
        "{}",
        message(&e)
    );
    big.truncate(1_000_000);
    let largest = create()
        .use_cognito_provided_values(true)
        .assets(asset(
            Category::PageBackground,
            Mode::Light,
            Extension::Png,
            &big,
        ))
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    assert_eq!(keys(&largest)[0].2, big);
    let largest_id = largest.managed_login_branding_id.unwrap();
    c.delete_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&largest_id)
        .send()
        .await
        .unwrap();
    // Forty assets, one per category and mode: the most a style holds.
    let forty: Vec<AssetType> = Category::values()
        .iter()
        .flat_map(|cat| ["LIGHT", "DARK", "DYNAMIC"].map(|m| (*cat, m)))
        .take(40)
        .map(|(cat, m)| match Category::from(cat) {
            Category::FaviconIco => asset(Category::FaviconIco, Mode::from(m), Extension::Ico, ICO),
            cat => asset(cat, Mode::from(m), Extension::Svg, SVG),
        })
        .collect();
    let mut forty_one = forty.clone();
    forty_one.push(forty[0].clone());
    let e = create()
        .use_cognito_provided_values(true)
        .set_assets(Some(forty_one))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = c
        .describe_managed_login_branding_by_client()
        .user_pool_id(&pool)
        .client_id(&spare)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");

    // A style to leave untouched by everything below.
    let full = c
        .create_managed_login_branding()
        .user_pool_id(&pool)
        .client_id(&web)
        .settings(doc(&settings("RIGHT")))
        .set_assets(Some(forty.clone()))
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    assert_eq!(full.assets().len(), 40);
    let id = full.managed_login_branding_id.clone().unwrap();
    let update = || {
        c.update_managed_login_branding()
            .user_pool_id(&pool)
            .managed_login_branding_id(&id)
    };
    // A 41st asset (a category and mode the style lacks): past the limit.
    let last = Category::values().last().unwrap();
    let e = update()
        .assets(asset(
            Category::from(*last),
            Mode::Dynamic,
            Extension::Svg,
            SVG,
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert!(message(&e).contains("at most 40 assets"), "{}", message(&e));
    let e = update()
        .use_cognito_provided_values(true)
        .settings(doc(&settings("LEFT")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = update()
        .assets(asset(Category::FormLogo, Mode::Dark, Extension::Webp, SVG))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");

    // Unknown pools, clients and styles, a client of another pool, a
    // malformed id.
    let other = create_pool(&c, "other").await;
    let stranger = srp_client(&c, &other, "stranger").await;
    for client in ["abcdefghijklmnopqrstuvwxyz", stranger.as_str()] {
        let e = c
            .create_managed_login_branding()
            .user_pool_id(&pool)
            .client_id(client)
            .use_cognito_provided_values(true)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "ResourceNotFoundException");
        assert_eq!(
            message(&e),
            format!("User pool client {client} does not exist.")
        );
        let e = c
            .describe_managed_login_branding_by_client()
            .user_pool_id(&pool)
            .client_id(client)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "ResourceNotFoundException");
    }
    let e = c
        .create_managed_login_branding()
        .user_pool_id("us-east-1_Nope00000")
        .client_id(&web)
        .use_cognito_provided_values(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let unknown = "0f8fad5b-d9cb-469f-a165-70867728950e";
    for (p, style) in [(pool.as_str(), unknown), (other.as_str(), id.as_str())] {
        let e = c
            .describe_managed_login_branding()
            .user_pool_id(p)
            .managed_login_branding_id(style)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "ResourceNotFoundException");
        let e = c
            .update_managed_login_branding()
            .user_pool_id(p)
            .managed_login_branding_id(style)
            .use_cognito_provided_values(true)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "ResourceNotFoundException");
        let e = c
            .delete_managed_login_branding()
            .user_pool_id(p)
            .managed_login_branding_id(style)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "ResourceNotFoundException");
    }
    let e = c
        .delete_managed_login_branding()
        .user_pool_id("us-east-1_Nope00000")
        .managed_login_branding_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let e = c
        .describe_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id("not-a-uuid")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    // Update's UserPoolId and ManagedLoginBrandingId are optional in the
    // model, but it cannot do without them.
    let target = "AWSCognitoIdentityProviderService.UpdateManagedLoginBranding";
    for body in [
        json!({"ManagedLoginBrandingId": id, "UseCognitoProvidedValues": true}),
        json!({"UserPoolId": pool, "UseCognitoProvidedValues": true}),
    ] {
        let raw = s.raw(Some(target), body.to_string()).await;
        assert_eq!(
            (raw.status, raw.error_type()),
            (400, "InvalidParameterException")
        );
    }
    // Settings that are not JSON.
    let raw = s
        .raw(
            Some("AWSCognitoIdentityProviderService.CreateManagedLoginBranding"),
            format!(r#"{{"UserPoolId":"{pool}","ClientId":"{spare}","Settings":{{"a":}}}}"#),
        )
        .await;
    assert_eq!(raw.status, 400);

    // None of it changed what was stored.
    assert_eq!(describe(&c, &pool, &id).await, full);
    let e = c
        .describe_managed_login_branding_by_client()
        .user_pool_id(&pool)
        .client_id(&spare)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
}
