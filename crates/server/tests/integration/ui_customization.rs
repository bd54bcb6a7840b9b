//! Classic hosted UI customizations through the AWS SDK, on both stores:
//! SetUICustomization and GetUICustomization for a pool and for its clients
//! (the client's own, else the pool's), what Cognito refuses, and the
//! stylesheet and logo kognit serves at `/_kognit/ui/…` over plain HTTP.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::primitives::Blob;
use aws_sdk_cognitoidentityprovider::types::UiCustomizationType;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::harness::on_both_backends;
use crate::harness::{TestServer, code, create_pool, message, srp_client};

on_both_backends!(
    ui_customization_pool_and_clients,
    ui_customization_refusals,
    ui_customization_served
);

const POOL_CSS: &str = ".banner-customizable { background-color: #3E4B5D; }\n\
                        .submitButton-customizable:hover { color: #fff; }";
const CLIENT_CSS: &str = ".label-customizable { font-weight: 400; }";

/// A 1×1 PNG.
fn png() -> Vec<u8> {
    B64.decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
        .unwrap()
}

/// The start of a JFIF file, enough for its signature.
fn jpeg() -> Vec<u8> {
    let mut j = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01".to_vec();
    j.extend((0..=255u8).cycle().take(2000));
    j
}

/// A pool with a prefix domain, and two app clients.
async fn pool_with_domain(c: &Client, prefix: &str) -> (String, String, String) {
    let pool = create_pool(c, "branding").await;
    c.create_user_pool_domain()
        .user_pool_id(&pool)
        .domain(prefix)
        .send()
        .await
        .unwrap();
    let a = srp_client(c, &pool, "web").await;
    let b = srp_client(c, &pool, "mobile").await;
    (pool, a, b)
}

async fn get(c: &Client, pool: &str, client: Option<&str>) -> UiCustomizationType {
    let r = c
        .get_ui_customization()
        .user_pool_id(pool)
        .set_client_id(client.map(str::to_owned))
        .send()
        .await
        .unwrap();
    r.ui_customization.unwrap()
}

async fn ui_customization_pool_and_clients(s: TestServer) {
    let c = s.client();
    let (pool, web, mobile) = pool_with_domain(&c, "branded").await;
    // Nothing yet: an empty object, for the pool and for a client.
    let raw = s
        .raw(
            Some("AWSCognitoIdentityProviderService.GetUICustomization"),
            format!(r#"{{"UserPoolId":"{pool}","ClientId":"{web}"}}"#),
        )
        .await;
    assert_eq!(raw.status, 200);
    assert_eq!(raw.json, serde_json::json!({"UICustomization": {}}));

    // Pool-wide: no ClientId means ALL.
    let set = c
        .set_ui_customization()
        .user_pool_id(&pool)
        .css(POOL_CSS)
        .send()
        .await
        .unwrap()
        .ui_customization
        .unwrap();
    assert_eq!(set.user_pool_id.as_deref(), Some(pool.as_str()));
    assert_eq!(set.client_id.as_deref(), Some("ALL"));
    assert_eq!(set.css.as_deref(), Some(POOL_CSS));
    assert_eq!(set.image_url, None);
    let version = set.css_version.clone().unwrap();
    assert!(version.len() == 14 && version.bytes().all(|b| b.is_ascii_digit()));
    let created = set.creation_date.unwrap();
    assert_eq!(set.last_modified_date, Some(created));
    assert_eq!(get(&c, &pool, None).await, set);
    assert_eq!(get(&c, &pool, Some("ALL")).await, set);
    // A client without its own gets the pool's, as the pool's (ClientId ALL).
    assert_eq!(get(&c, &pool, Some(&web)).await, set);

    // A client's own, with a logo: it overrides the pool's for that client.
    let own = c
        .set_ui_customization()
        .user_pool_id(&pool)
        .client_id(&web)
        .css(CLIENT_CSS)
        .image_file(Blob::new(png()))
        .send()
        .await
        .unwrap()
        .ui_customization
        .unwrap();
    assert_eq!(own.client_id.as_deref(), Some(web.as_str()));
    assert_eq!(own.css.as_deref(), Some(CLIENT_CSS));
    let url = own.image_url.clone().unwrap();
    let prefix = format!("{}/_kognit/ui/{pool}/{web}/logo?v=", s.url);
    assert!(url.starts_with(&prefix), "{url}");
    assert_eq!(get(&c, &pool, Some(&web)).await, own);
    assert_eq!(get(&c, &pool, Some(&mobile)).await, set);
    assert_eq!(get(&c, &pool, None).await, set);

    // CSS and logo are set together: the pool's now has a logo and no CSS,
    // and keeps its creation date.
    let replaced = c
        .set_ui_customization()
        .user_pool_id(&pool)
        .client_id("ALL")
        .image_file(Blob::new(jpeg()))
        .send()
        .await
        .unwrap()
        .ui_customization
        .unwrap();
    assert_eq!(replaced.client_id.as_deref(), Some("ALL"));
    assert_eq!(replaced.css, None);
    assert!(replaced.image_url.unwrap().contains("/ALL/logo?v="));
    assert_eq!(replaced.creation_date, Some(created));
    assert!(replaced.last_modified_date.unwrap() >= created);
    assert_eq!(get(&c, &pool, Some(&mobile)).await.css, None);

    // Neither CSS nor logo removes a customization: the client falls back.
    let removed = c
        .set_ui_customization()
        .user_pool_id(&pool)
        .client_id(&web)
        .send()
        .await
        .unwrap()
        .ui_customization
        .unwrap();
    assert_eq!(removed.client_id.as_deref(), Some(web.as_str()));
    assert_eq!((removed.css, removed.image_url), (None, None));
    let fallback = get(&c, &pool, Some(&web)).await;
    assert_eq!(fallback.client_id.as_deref(), Some("ALL"));
    c.set_ui_customization()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    assert_eq!(
        get(&c, &pool, Some(&web)).await,
        UiCustomizationType::builder().build()
    );

    // Deleting a client removes its customization with it.
    c.set_ui_customization()
        .user_pool_id(&pool)
        .client_id(&mobile)
        .css(CLIENT_CSS)
        .send()
        .await
        .unwrap();
    c.delete_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&mobile)
        .send()
        .await
        .unwrap();
    let e = c
        .get_ui_customization()
        .user_pool_id(&pool)
        .client_id(&mobile)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let css = reqwest::get(format!("{}/_kognit/ui/{pool}/{mobile}/custom.css", s.url))
        .await
        .unwrap();
    assert_eq!(css.status(), 404);
}

async fn ui_customization_refusals(s: TestServer) {
    let c = s.client();
    let (pool, web, _) = pool_with_domain(&c, "strict").await;
    let good = c
        .set_ui_customization()
        .user_pool_id(&pool)
        .client_id(&web)
        .css(CLIENT_CSS)
        .image_file(Blob::new(png()))
        .send()
        .await
        .unwrap()
        .ui_customization
        .unwrap();
    let set = || c.set_ui_customization().user_pool_id(&pool).client_id(&web);

    // Only the customizable classes, and nothing that leaves the sheet.
    for css in [
        "body { color: red; }",
        ".label-customizable div { color: red; }",
        ".label-customizable { background: url(https://evil.example/x.png); }",
        "@import url(https://evil.example/x.css);",
        ".label-customizable { color: red; } </style><script>alert(1)</script>",
    ] {
        let e = set().css(css).send().await.unwrap_err();
        assert_eq!(code(&e), "InvalidParameterException", "{css}");
        assert!(
            message(&e).starts_with("The CSS is not valid"),
            "{css}: {}",
            message(&e)
        );
    }
    let e = set().css("div { }").send().await.unwrap_err();
    assert!(message(&e).contains("'div' is not one of the customizable classes"));

    // PNG or JPEG, at most 100 KB; the model's own limit comes first.
    let e = set()
        .image_file(Blob::new(&b"GIF89a\x01\x00"[..]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert_eq!(message(&e), "The image file must be a PNG or JPEG image.");
    let mut big = png();
    big.resize(100 * 1024 + 1, 0);
    let e = set().image_file(Blob::new(big)).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert!(
        message(&e).contains("no larger than 100 KB"),
        "{}",
        message(&e)
    );
    let mut huge = png();
    huge.resize(131_073, 0);
    let e = set().image_file(Blob::new(huge)).send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert!(message(&e).contains("at 'imageFile' failed to satisfy constraint"));
    let target = "AWSCognitoIdentityProviderService.SetUICustomization";
    let raw = s
        .raw(
            Some(target),
            format!(r#"{{"UserPoolId":"{pool}","ImageFile":"not base64!"}}"#),
        )
        .await;
    assert_eq!(
        (raw.status, raw.error_type()),
        (400, "SerializationException")
    );

    // No such pool, no such client, a client of another pool.
    let (other, stranger, _) = pool_with_domain(&c, "elsewhere").await;
    let e = c
        .set_ui_customization()
        .user_pool_id("us-east-1_Nope00000")
        .css(CLIENT_CSS)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let e = c
        .get_ui_customization()
        .user_pool_id("us-east-1_Nope00000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    for client in ["abcdefghijklmnopqrstuvwxyz", stranger.as_str()] {
        let e = set()
            .client_id(client)
            .css(CLIENT_CSS)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "ResourceNotFoundException");
        assert_eq!(
            message(&e),
            format!("User pool client {client} does not exist.")
        );
        let e = c
            .get_ui_customization()
            .user_pool_id(&pool)
            .client_id(client)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "ResourceNotFoundException");
    }
    assert_eq!(
        get(&c, &other, None).await,
        UiCustomizationType::builder().build()
    );

    // A pool without a domain: Cognito's words, for Set and for Get.
    let bare = create_pool(&c, "no-domain").await;
    let e = c
        .set_ui_customization()
        .user_pool_id(&bare)
        .css(CLIENT_CSS)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert_eq!(
        message(&e),
        "There has to be an existing domain associated with this user pool"
    );
    let e = c
        .get_ui_customization()
        .user_pool_id(&bare)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");

    // None of it changed what was stored.
    assert_eq!(get(&c, &pool, Some(&web)).await, good);
    let logo = reqwest::get(good.image_url.unwrap()).await.unwrap();
    assert_eq!(logo.bytes().await.unwrap().to_vec(), png());
}

async fn ui_customization_served(s: TestServer) {
    let c = s.client();
    let (pool, web, mobile) = pool_with_domain(&c, "served").await;
    let http = reqwest::Client::new();
    let fetch = |path: String| {
        let req = http.get(format!("{}{path}", s.url));
        async move { req.send().await.unwrap() }
    };
    let base = format!("/_kognit/ui/{pool}");
    for path in ["ALL/custom.css", "ALL/logo"] {
        let r = fetch(format!("{base}/{path}")).await;
        assert_eq!(r.status(), 404, "{path}");
    }

    let set = c
        .set_ui_customization()
        .user_pool_id(&pool)
        .css(POOL_CSS)
        .image_file(Blob::new(png()))
        .send()
        .await
        .unwrap()
        .ui_customization
        .unwrap();
    let image_url = set.image_url.unwrap();
    let v = image_url.rsplit_once("?v=").unwrap().1.to_owned();

    // The stylesheet: its type, nosniff, a minute's cache without the
    // current version and for good with it, and a 304 for a held ETag.
    let r = fetch(format!("{base}/ALL/custom.css")).await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "text/css; charset=utf-8");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "public, max-age=60");
    assert_eq!(r.text().await.unwrap(), POOL_CSS);
    let r = fetch(format!("{base}/ALL/custom.css?v={v}")).await;
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let r = http
        .get(format!("{}{base}/ALL/custom.css?v={v}", s.url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);

    // The logo at the ImageUrl the API answered.
    let r = reqwest::get(&image_url).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().to_vec(), png());

    // A client without its own is served the pool's.
    let r = fetch(format!("{base}/{mobile}/custom.css")).await;
    assert_eq!(r.text().await.unwrap(), POOL_CSS);
    let r = fetch(format!("{base}/{mobile}/logo")).await;
    assert_eq!(r.headers()["content-type"], "image/png");

    // A client with its own (a JPEG, no CSS) gets no pool CSS.
    c.set_ui_customization()
        .user_pool_id(&pool)
        .client_id(&web)
        .image_file(Blob::new(jpeg()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        fetch(format!("{base}/{web}/custom.css")).await.status(),
        404
    );
    let r = fetch(format!("{base}/{web}/logo")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.bytes().await.unwrap().to_vec(), jpeg());

    // Unknown clients and pools, and other paths: 404.
    for path in [
        format!("{base}/abcdefghijklmnopqrstuvwxyz/custom.css"),
        format!("{base}/abcdefghijklmnopqrstuvwxyz/logo"),
        "/_kognit/ui/us-east-1_Nope00000/ALL/custom.css".to_owned(),
        "/_kognit/ui/us-east-1_Nope00000/ALL/logo".to_owned(),
        format!("{base}/ALL/other"),
    ] {
        assert_eq!(fetch(path.clone()).await.status(), 404, "{path}");
    }

    // A deleted pool takes its customizations with it.
    c.delete_user_pool_domain()
        .user_pool_id(&pool)
        .domain("served")
        .send()
        .await
        .unwrap();
    c.delete_user_pool()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    for path in ["ALL/custom.css", "ALL/logo"] {
        assert_eq!(
            fetch(format!("{base}/{path}")).await.status(),
            404,
            "{path}"
        );
    }
    assert_eq!(fetch(format!("{base}/{web}/logo")).await.status(), 404);
}
