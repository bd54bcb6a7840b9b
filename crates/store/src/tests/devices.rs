//! Devices: insert, get, list and page, status, authentication time, forget
//! (which revokes the device's refresh tokens only), cascades from users and
//! pools, reset.

use kognit_core::store::{DeviceRecord, RefreshTokenRecord};

use super::harness::Ctx;
use super::{conflict, named, pool, refresh, user};

/// A device of `key` whose sealed secret holds NUL and 0xFF and whose name
/// is not ASCII.
fn device(pool_id: &str, key: &str, device_key: &str) -> DeviceRecord {
    DeviceRecord {
        pool_id: pool_id.to_owned(),
        username_key: key.to_owned(),
        device_key: device_key.to_owned(),
        device_group_key: "-AbC123xYz".into(),
        device_name: Some(format!("ünïcødé ✓ {device_key}")),
        sealed_secret: [&[0u8, 0xff, 0x00][..], device_key.as_bytes()].concat(),
        remembered_status: "remembered".into(),
        created_ms: 1_700_000_000_000,
        updated_ms: 1_700_000_000_000,
        last_auth_ms: None,
    }
}

/// The device keys of some devices, in the order given.
fn keys(devices: &[DeviceRecord]) -> Vec<&str> {
    devices.iter().map(|d| d.device_key.as_str()).collect()
}

store_test!(crud_and_paging, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_user(&user("p", "b"), &[]).await.unwrap();
    let d1 = device("p", "a", "us-east-1_01");
    s.insert_device(&d1).await.unwrap();
    assert_eq!(
        s.get_device("p", "a", "us-east-1_01").await.unwrap(),
        Some(d1.clone())
    );
    // Another user's device key is not this user's.
    assert_eq!(s.get_device("p", "b", "us-east-1_01").await.unwrap(), None);
    // Absent members stay absent.
    let bare = DeviceRecord {
        device_name: None,
        remembered_status: "not_remembered".into(),
        ..device("p", "a", "us-east-1_03")
    };
    s.insert_device(&bare).await.unwrap();
    assert_eq!(
        s.get_device("p", "a", "us-east-1_03").await.unwrap(),
        Some(bare.clone())
    );
    s.insert_device(&device("p", "a", "us-east-1_02"))
        .await
        .unwrap();
    s.insert_device(&device("p", "b", "us-east-1_00"))
        .await
        .unwrap();
    let dup = s.insert_device(&device("p", "a", "us-east-1_01")).await;
    assert_eq!(conflict(dup), named("devices_pkey"));
    let orphan = s
        .insert_device(&device("p", "nobody", "us-east-1_09"))
        .await;
    assert_eq!(conflict(orphan), named("devices_user_fkey"));

    let first = s.list_devices("p", "a", None, 2).await.unwrap();
    assert_eq!(keys(&first), ["us-east-1_01", "us-east-1_02"]);
    let rest = s
        .list_devices("p", "a", Some("us-east-1_02"), 2)
        .await
        .unwrap();
    assert_eq!(keys(&rest), ["us-east-1_03"]);
    assert_eq!(
        keys(&s.list_devices("p", "b", None, 60).await.unwrap()),
        ["us-east-1_00"]
    );

    assert!(
        s.update_device_status("p", "a", "us-east-1_01", "not_remembered", 5)
            .await
            .unwrap()
    );
    assert!(s.touch_device("p", "a", "us-east-1_01", 7).await.unwrap());
    let got = s
        .get_device("p", "a", "us-east-1_01")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            got.remembered_status.as_str(),
            got.updated_ms,
            got.last_auth_ms
        ),
        ("not_remembered", 5, Some(7))
    );
    assert!(
        !s.update_device_status("p", "b", "us-east-1_01", "remembered", 6)
            .await
            .unwrap()
    );
    assert!(!s.touch_device("p", "b", "us-east-1_01", 6).await.unwrap());
    // The CHECK constraint keeps the status to Cognito's two values.
    assert!(
        s.update_device_status("p", "a", "us-east-1_01", "valid", 6)
            .await
            .is_err()
    );
});

store_test!(forget_revokes_the_devices_tokens, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_device(&device("p", "a", "us-east-1_01"))
        .await
        .unwrap();
    s.insert_device(&device("p", "a", "us-east-1_02"))
        .await
        .unwrap();
    let bound = |n: u8, dk: Option<&str>| RefreshTokenRecord {
        device_key: dk.map(str::to_owned),
        ..refresh("p", "a", &format!("o{n}"), n)
    };
    let tokens = [
        bound(1, Some("us-east-1_01")),
        bound(2, Some("us-east-1_02")),
        bound(3, None),
    ];
    for t in &tokens {
        s.insert_refresh_token(t).await.unwrap();
    }
    assert!(s.forget_device("p", "a", "us-east-1_01", 9).await.unwrap());
    assert_eq!(s.get_device("p", "a", "us-east-1_01").await.unwrap(), None);
    let revoked = |t: &RefreshTokenRecord| {
        let hash = t.token_hash.clone();
        async move {
            s.get_refresh_token(&hash)
                .await
                .unwrap()
                .unwrap()
                .revoked_ms
        }
    };
    assert_eq!(revoked(&tokens[0]).await, Some(9));
    assert_eq!(revoked(&tokens[1]).await, None);
    assert_eq!(revoked(&tokens[2]).await, None);
    // Forgetting again, or another user's device, changes nothing.
    assert!(!s.forget_device("p", "a", "us-east-1_01", 10).await.unwrap());
    assert_eq!(revoked(&tokens[0]).await, Some(9));
    assert!(!s.forget_device("p", "b", "us-east-1_02", 10).await.unwrap());
    assert!(
        s.get_device("p", "a", "us-east-1_02")
            .await
            .unwrap()
            .is_some()
    );
});

store_test!(cascades_and_reset, |ctx: Ctx| async move {
    let s = &ctx.store;
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    s.insert_user(&user("p", "b"), &[]).await.unwrap();
    s.insert_device(&device("p", "a", "us-east-1_01"))
        .await
        .unwrap();
    s.insert_device(&device("p", "b", "us-east-1_02"))
        .await
        .unwrap();
    assert!(s.delete_user("p", "a").await.unwrap());
    assert!(s.list_devices("p", "a", None, 60).await.unwrap().is_empty());
    // Recreating the user does not bring its devices back.
    s.insert_user(&user("p", "a"), &[]).await.unwrap();
    assert_eq!(s.get_device("p", "a", "us-east-1_01").await.unwrap(), None);
    assert!(s.delete_pool("p").await.unwrap());
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "b"), &[]).await.unwrap();
    assert!(s.list_devices("p", "b", None, 60).await.unwrap().is_empty());
    s.insert_device(&device("p", "b", "us-east-1_02"))
        .await
        .unwrap();
    s.reset().await.unwrap();
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_user(&user("p", "b"), &[]).await.unwrap();
    assert!(s.list_devices("p", "b", None, 60).await.unwrap().is_empty());
});
