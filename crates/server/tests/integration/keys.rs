//! Signing-key rotation (kognit extension `Kognit.RotateSigningKeys`): new
//! tokens use new keys, old keys stay in the JWKS so earlier tokens still verify.

use crate::harness::TestServer;
use crate::harness::auth::{password_login, setup};
use crate::harness::on_both_backends;
use crate::harness::users::PASSWORD;

on_both_backends!(rotation_keeps_old_tokens_valid);

fn kid(token: &str) -> String {
    use base64::Engine as _;
    let head = token.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(head)
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["kid"].as_str().unwrap().to_owned()
}

async fn jwks_kids(s: &TestServer, pool: &str) -> Vec<String> {
    let v: serde_json::Value = reqwest::get(format!("{}/{pool}/.well-known/jwks.json", s.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

async fn rotation_keeps_old_tokens_valid(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    let before = password_login(&c, &st, "pat", PASSWORD).await;
    let old_access = before.access_token.unwrap();
    assert_eq!(jwks_kids(&s, &st.pool).await.len(), 2);
    let body = serde_json::json!({"UserPoolId": st.pool});
    let r = s
        .raw(Some("Kognit.RotateSigningKeys"), body.to_string())
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    let kids = jwks_kids(&s, &st.pool).await;
    assert_eq!(
        kids.len(),
        4,
        "old keys stay published until their tokens expire"
    );
    let after = password_login(&c, &st, "pat", PASSWORD).await;
    let new_access = after.access_token.unwrap();
    assert_ne!(kid(&old_access), kid(&new_access));
    assert!(kids.contains(&kid(&old_access)) && kids.contains(&kid(&new_access)));
    c.get_user().access_token(&old_access).send().await.unwrap();
    c.get_user().access_token(&new_access).send().await.unwrap();
    let missing = serde_json::json!({"UserPoolId": "us-east-1_nothere00"});
    let r = s
        .raw(Some("Kognit.RotateSigningKeys"), missing.to_string())
        .await;
    assert_eq!(r.error_type(), "ResourceNotFoundException");
    let r = reqwest::get(format!(
        "{}/us-east-1_nothere00/.well-known/jwks.json",
        s.url
    ))
    .await
    .unwrap();
    assert_eq!(r.status(), 404);
}
