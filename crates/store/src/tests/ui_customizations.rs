//! Classic hosted UI customizations: a pool-wide row and client rows, the
//! upsert keeping the creation time, the client's row first, logos as bytes,
//! missing pool or client, the cascades from clients and pools, and reset.

use kognit_core::store::{UiCustomizationRecord, UiLogo};

use super::harness::Ctx;
use super::{client, conflict, named, pool};

/// A customization of `client_id` (`None`: the pool's) with recognizable CSS.
fn ui(pool_id: &str, client_id: Option<&str>, ms: i64) -> UiCustomizationRecord {
    UiCustomizationRecord {
        pool_id: pool_id.to_owned(),
        client_id: client_id.map(str::to_owned),
        css: Some(format!(
            ".label-customizable {{ content: \"ünïcødé {ms}\"; }}"
        )),
        image_type: None,
        created_ms: ms,
        updated_ms: ms,
    }
}

/// A logo holding every byte value (NUL and 0xFF included).
fn logo() -> Vec<u8> {
    (0..=255u8).cycle().take(100 * 1024).collect()
}

store_test!(
    ui_customizations_scopes_upserts_and_cascades,
    |ctx: Ctx| async move {
        let s = &ctx.store;
        s.insert_pool(&pool("p")).await.unwrap();
        s.insert_pool(&pool("q")).await.unwrap();
        s.insert_client(&client("p", "c1"), &[]).await.unwrap();
        s.insert_client(&client("p", "c2"), &[]).await.unwrap();
        assert_eq!(s.get_ui_customization("p", None).await.unwrap(), None);
        assert_eq!(s.ui_customizations_for("p", "c1").await.unwrap(), vec![]);

        // The pool's row, then replaced: the creation time stays.
        let first = ui("p", None, 1_000);
        assert_eq!(s.put_ui_customization(&first, None).await.unwrap(), first);
        let bytes = logo();
        let second = UiCustomizationRecord {
            css: None,
            image_type: Some("image/png".into()),
            ..ui("p", None, 2_000)
        };
        let stored = s.put_ui_customization(&second, Some(&bytes)).await.unwrap();
        assert_eq!(
            stored,
            UiCustomizationRecord {
                created_ms: 1_000,
                ..second.clone()
            }
        );
        assert_eq!(
            s.get_ui_customization("p", None).await.unwrap(),
            Some(stored.clone())
        );
        assert_eq!(
            s.get_ui_logo("p", None).await.unwrap(),
            Some(UiLogo {
                content_type: "image/png".into(),
                bytes: bytes.clone(),
            })
        );

        // A client's row comes first; another client sees only the pool's.
        let own = ui("p", Some("c1"), 3_000);
        assert_eq!(s.put_ui_customization(&own, None).await.unwrap(), own);
        assert_eq!(
            s.ui_customizations_for("p", "c1").await.unwrap(),
            vec![own.clone(), stored.clone()]
        );
        assert_eq!(
            s.ui_customizations_for("p", "c2").await.unwrap(),
            vec![stored.clone()]
        );
        assert_eq!(
            s.get_ui_customization("p", Some("c1")).await.unwrap(),
            Some(own.clone())
        );
        assert_eq!(s.get_ui_logo("p", Some("c1")).await.unwrap(), None);
        // Scopes are per pool.
        assert_eq!(s.get_ui_customization("q", None).await.unwrap(), None);
        assert_eq!(s.ui_customizations_for("q", "c1").await.unwrap(), vec![]);

        // A missing pool or client is the database's to refuse.
        let orphan = s.put_ui_customization(&ui("gone", None, 1), None).await;
        assert_eq!(conflict(orphan), named("ui_customizations_pool_id_fkey"));
        let stranger = s.put_ui_customization(&ui("q", Some("c1"), 1), None).await;
        assert_eq!(conflict(stranger), named("ui_customizations_client_fkey"));

        // Delete by scope.
        assert!(s.delete_ui_customization("p", Some("c1")).await.unwrap());
        assert!(!s.delete_ui_customization("p", Some("c1")).await.unwrap());
        assert_eq!(
            s.ui_customizations_for("p", "c1").await.unwrap(),
            vec![stored.clone()]
        );

        // Deleting a client takes its row; deleting a pool takes them all.
        s.put_ui_customization(&ui("p", Some("c2"), 4_000), None)
            .await
            .unwrap();
        assert!(s.delete_client("p", "c2").await.unwrap());
        assert_eq!(s.get_ui_customization("p", Some("c2")).await.unwrap(), None);
        s.put_ui_customization(&ui("p", Some("c1"), 5_000), None)
            .await
            .unwrap();
        assert!(s.delete_pool("p").await.unwrap());
        assert_eq!(s.get_ui_customization("p", None).await.unwrap(), None);
        assert_eq!(s.get_ui_customization("p", Some("c1")).await.unwrap(), None);
        assert_eq!(s.get_ui_logo("p", None).await.unwrap(), None);

        // Reset clears them.
        s.insert_client(&client("q", "c1"), &[]).await.unwrap();
        s.put_ui_customization(&ui("q", None, 6_000), None)
            .await
            .unwrap();
        s.put_ui_customization(&ui("q", Some("c1"), 6_000), None)
            .await
            .unwrap();
        s.reset().await.unwrap();
        s.insert_pool(&pool("q")).await.unwrap();
        assert_eq!(s.get_ui_customization("q", None).await.unwrap(), None);
    }
);

store_test!(
    ui_customization_writers_race_for_one_scope,
    |ctx: Ctx| async move {
        let s = ctx.store.clone();
        s.insert_pool(&pool("p")).await.unwrap();
        let tasks: Vec<_> = (0..8i64)
            .map(|i| {
                let s = s.clone();
                tokio::spawn(
                    async move { s.put_ui_customization(&ui("p", None, 10 + i), None).await },
                )
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let row = s.get_ui_customization("p", None).await.unwrap().unwrap();
        assert!((10..18).contains(&row.updated_ms), "{row:?}");
        assert_eq!(s.ui_customizations_for("p", "c").await.unwrap(), vec![row]);
    }
);
