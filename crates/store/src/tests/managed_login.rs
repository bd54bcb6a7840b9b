//! Managed login branding styles: one per client, read with their assets,
//! updates that merge or replace assets by category and colour mode within
//! a limit (and change nothing past it), missing pool or client, the
//! cascades from clients and pools, concurrent updates, and reset.

use kognit_core::store::{
    Branding, BrandingAsset, BrandingChange, BrandingRecord, BrandingUpdate, SettingsChange,
};

use super::harness::Ctx;
use super::{client, conflict, named, pool};

/// A style of `client_id` with recognizable settings.
fn style(pool_id: &str, id: &str, client_id: &str, ms: i64) -> BrandingRecord {
    BrandingRecord {
        pool_id: pool_id.to_owned(),
        branding_id: id.to_owned(),
        client_id: client_id.to_owned(),
        use_cognito_provided_values: false,
        settings: Some(format!(r#"{{"components":{{"note":"ünïcødé {ms}"}}}}"#)),
        created_ms: ms,
        updated_ms: ms,
    }
}

/// An asset whose file holds every byte value (NUL and 0xFF included).
fn asset(category: &str, color_mode: &str, tag: u8) -> BrandingAsset {
    BrandingAsset {
        category: category.to_owned(),
        color_mode: color_mode.to_owned(),
        extension: "PNG".to_owned(),
        bytes: Some((0..=255u8).chain([tag]).cycle().take(70_000).collect()),
        resource_id: Some(format!("res {tag}")),
    }
}

/// A change of `id` in pool `p` that touches only its assets.
fn assets_only<'a>(id: &'a str, assets: &'a [BrandingAsset], ms: i64) -> BrandingChange<'a> {
    BrandingChange {
        pool_id: "p",
        branding_id: id,
        use_cognito_provided_values: None,
        settings: SettingsChange::Keep,
        replace_assets: false,
        assets,
        max_assets: 3,
        updated_ms: ms,
    }
}

fn updated(u: BrandingUpdate) -> Branding {
    match u {
        BrandingUpdate::Updated(b) => b,
        other => panic!("expected Updated, got {other:?}"),
    }
}

store_test!(
    managed_login_brandings_one_per_client_merge_and_cascade,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        s.insert_pool(&pool("p")).await.unwrap();
        s.insert_pool(&pool("q")).await.unwrap();
        s.insert_client(&client("p", "c1"), &[]).await.unwrap();
        s.insert_client(&client("p", "c2"), &[]).await.unwrap();
        assert_eq!(s.get_managed_login_branding("p", "b1").await.unwrap(), None);

        // A style without assets, and one with two, given in key order.
        let bare = style("p", "b1", "c1", 1_000);
        s.insert_managed_login_branding(&bare, &[]).await.unwrap();
        let expect_bare = Branding {
            record: bare.clone(),
            assets: vec![],
        };
        assert_eq!(
            s.get_managed_login_branding("p", "b1").await.unwrap(),
            Some(expect_bare.clone())
        );
        assert_eq!(
            s.managed_login_branding_of_client("p", "c1").await.unwrap(),
            Some(expect_bare)
        );
        let two = [
            asset("FORM_LOGO", "DARK", 1),
            asset("FORM_LOGO", "LIGHT", 2),
        ];
        let rich = BrandingRecord {
            settings: None,
            use_cognito_provided_values: true,
            ..style("p", "b2", "c2", 2_000)
        };
        s.insert_managed_login_branding(&rich, &two).await.unwrap();
        let got = s
            .get_managed_login_branding("p", "b2")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.record, rich);
        assert_eq!(got.assets, two.to_vec());

        // One per client; ids and clients are per pool.
        let again = s
            .insert_managed_login_branding(&style("p", "b3", "c1", 3_000), &[])
            .await;
        assert_eq!(conflict(again), named("managed_login_brandings_client_key"));
        assert_eq!(s.get_managed_login_branding("q", "b1").await.unwrap(), None);
        assert_eq!(
            s.managed_login_branding_of_client("q", "c1").await.unwrap(),
            None
        );
        // A missing client, or pool, is the database's to refuse.
        let stranger = s
            .insert_managed_login_branding(&style("q", "b4", "c1", 1), &[])
            .await;
        assert_eq!(
            conflict(stranger),
            named("managed_login_brandings_client_fkey")
        );
        let orphan = s
            .insert_managed_login_branding(&style("gone", "b5", "c1", 1), &[])
            .await;
        assert_eq!(
            conflict(orphan),
            named("managed_login_brandings_client_fkey")
        );

        // An update merges assets by category and colour mode and keeps
        // the settings it does not name.
        let newer = [
            asset("FORM_LOGO", "DARK", 9),
            asset("PAGE_BACKGROUND", "LIGHT", 3),
        ];
        let merged = updated(
            s.update_managed_login_branding(&assets_only("b2", &newer, 4_000))
                .await
                .unwrap(),
        );
        assert_eq!(
            merged.assets,
            vec![newer[0].clone(), two[1].clone(), newer[1].clone()]
        );
        assert_eq!(merged.record.updated_ms, 4_000);
        assert_eq!(merged.record.created_ms, 2_000);
        assert!(merged.record.use_cognito_provided_values);
        assert_eq!(
            s.get_managed_login_branding("p", "b2").await.unwrap(),
            Some(merged.clone())
        );

        // Past the limit: nothing changes.
        let fourth = [asset("FAVICON_ICO", "LIGHT", 4)];
        assert_eq!(
            s.update_managed_login_branding(&assets_only("b2", &fourth, 5_000))
                .await
                .unwrap(),
            BrandingUpdate::TooManyAssets(4)
        );
        assert_eq!(
            s.get_managed_login_branding("p", "b2").await.unwrap(),
            Some(merged.clone())
        );

        // Settings replaced, the flag set; then a revert that replaces the
        // assets and clears the settings.
        let doc = r#"{"categories":{"global":{"colorSchemeMode":"DARK"}}}"#;
        let set = updated(
            s.update_managed_login_branding(&BrandingChange {
                use_cognito_provided_values: Some(false),
                settings: SettingsChange::Set(Some(doc)),
                ..assets_only("b2", &[], 6_000)
            })
            .await
            .unwrap(),
        );
        assert_eq!(set.record.settings.as_deref(), Some(doc));
        assert!(!set.record.use_cognito_provided_values);
        assert_eq!(set.assets, merged.assets);
        let kept = [asset("IDP_BUTTON_ICON", "DYNAMIC", 5)];
        let reverted = updated(
            s.update_managed_login_branding(&BrandingChange {
                use_cognito_provided_values: Some(true),
                settings: SettingsChange::Set(None),
                replace_assets: true,
                ..assets_only("b2", &kept, 7_000)
            })
            .await
            .unwrap(),
        );
        assert_eq!(reverted.record.settings, None);
        assert!(reverted.record.use_cognito_provided_values);
        assert_eq!(reverted.assets, kept.to_vec());

        // Unknown ids, and ids of another pool, are not found.
        for (p, id) in [("p", "nope"), ("q", "b2")] {
            let change = BrandingChange {
                pool_id: p,
                ..assets_only(id, &kept, 8_000)
            };
            assert_eq!(
                s.update_managed_login_branding(&change).await.unwrap(),
                BrandingUpdate::NotFound
            );
            assert!(!s.delete_managed_login_branding(p, id).await.unwrap());
        }

        // Delete; a deleted client takes its style, a deleted pool them all.
        assert!(s.delete_managed_login_branding("p", "b1").await.unwrap());
        assert!(!s.delete_managed_login_branding("p", "b1").await.unwrap());
        assert_eq!(s.get_managed_login_branding("p", "b1").await.unwrap(), None);
        s.insert_managed_login_branding(&style("p", "b6", "c1", 9_000), &two)
            .await
            .unwrap();
        assert!(s.delete_client("p", "c2").await.unwrap());
        assert_eq!(s.get_managed_login_branding("p", "b2").await.unwrap(), None);
        assert!(s.delete_pool("p").await.unwrap());
        assert_eq!(s.get_managed_login_branding("p", "b6").await.unwrap(), None);
        let leftover: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM managed_login_assets")
            .fetch_one(&s.db.read)
            .await
            .unwrap();
        assert_eq!(leftover, 0);

        // Reset clears them.
        s.insert_client(&client("q", "c1"), &[]).await.unwrap();
        s.insert_managed_login_branding(&style("q", "b7", "c1", 1), &two)
            .await
            .unwrap();
        s.reset().await.unwrap();
        s.insert_pool(&pool("q")).await.unwrap();
        assert_eq!(s.get_managed_login_branding("q", "b7").await.unwrap(), None);
    }
);

store_test!(
    managed_login_branding_updates_race_within_the_limit,
    |ctx: Ctx| async move {
        let s = ctx.store.clone();
        s.insert_pool(&pool("p")).await.unwrap();
        s.insert_client(&client("p", "c"), &[]).await.unwrap();
        s.insert_managed_login_branding(&style("p", "b", "c", 1), &[])
            .await
            .unwrap();
        // Eight writers each add a different asset to a style that holds
        // at most three: three succeed, five find it full, none is lost.
        let categories = [
            "FAVICON_ICO",
            "FAVICON_SVG",
            "EMAIL_GRAPHIC",
            "SMS_GRAPHIC",
            "AUTH_APP_GRAPHIC",
            "PASSWORD_GRAPHIC",
            "PASSKEY_GRAPHIC",
            "FORM_LOGO",
        ];
        let tasks: Vec<_> = categories
            .iter()
            .enumerate()
            .map(|(i, category)| {
                let s = s.clone();
                let one = [asset(category, "LIGHT", u8::try_from(i).unwrap())];
                tokio::spawn(async move {
                    s.update_managed_login_branding(&assets_only("b", &one, 10))
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut done = 0;
        for t in tasks {
            match t.await.unwrap() {
                BrandingUpdate::Updated(_) => done += 1,
                BrandingUpdate::TooManyAssets(4) => {}
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(done, 3);
        let held = s
            .get_managed_login_branding("p", "b")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(held.assets.len(), 3);
    }
);
