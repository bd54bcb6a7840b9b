//! The group claims of tokens: `cognito:groups` in both tokens and
//! `cognito:roles` / `cognito:preferred_role` in the ID token, in Cognito's
//! order, following membership changes at the next refresh.

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;

use super::{add, create_group, role};
use crate::harness::TestServer;
use crate::harness::auth::{claims, password_login, setup};
use crate::harness::on_both_backends;
use crate::harness::users::PASSWORD;

on_both_backends!(groups_in_tokens_after_refresh);

async fn groups_in_tokens_after_refresh(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    let signed_in = password_login(&c, &st, "pat", PASSWORD).await;
    let (_, id) = claims(signed_in.id_token().unwrap());
    assert!(
        id.get("cognito:groups").is_none(),
        "no groups yet: no claim"
    );

    // Precedence orders the claim, before the name; no precedence is last.
    create_group(&c, &st.pool, "zebra", Some(1)).await;
    create_group(&c, &st.pool, "apple", Some(2)).await;
    create_group(&c, &st.pool, "mango", None).await;
    for g in ["mango", "apple", "zebra"] {
        add(&c, &st.pool, "pat", g).await;
    }
    let refresh = signed_in.refresh_token().unwrap();
    let tokens = || async {
        let r = c
            .initiate_auth()
            .client_id(&st.client)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", refresh)
            .send()
            .await
            .unwrap()
            .authentication_result
            .unwrap();
        let (_, id) = claims(r.id_token().unwrap());
        let (_, access) = claims(r.access_token().unwrap());
        (id, access)
    };
    let (id, access) = tokens().await;
    let groups = serde_json::json!(["zebra", "apple", "mango"]);
    assert_eq!(id["cognito:groups"], groups);
    assert_eq!(access["cognito:groups"], groups);
    assert_eq!(
        id["cognito:roles"],
        serde_json::json!([role("zebra"), role("apple")])
    );
    assert_eq!(id["cognito:preferred_role"], role("zebra"));
    // Roles are the ID token's alone.
    assert!(access.get("cognito:roles").is_none());
    assert!(access.get("cognito:preferred_role").is_none());

    // A change of precedence shows at the next refresh.
    let u = c.update_group().user_pool_id(&st.pool).group_name("apple");
    u.precedence(0).send().await.unwrap();
    let (id, _) = tokens().await;
    assert_eq!(
        id["cognito:groups"],
        serde_json::json!(["apple", "zebra", "mango"])
    );
    assert_eq!(id["cognito:preferred_role"], role("apple"));
    // A fresh sign-in carries them too.
    let again = password_login(&c, &st, "pat", PASSWORD).await;
    let (_, access) = claims(again.access_token().unwrap());
    assert_eq!(
        access["cognito:groups"],
        serde_json::json!(["apple", "zebra", "mango"])
    );

    // Out of every group: the claims are gone again.
    for g in ["mango", "apple", "zebra"] {
        let r = c.admin_remove_user_from_group().user_pool_id(&st.pool);
        r.username("pat").group_name(g).send().await.unwrap();
    }
    let (id, access) = tokens().await;
    for k in ["cognito:groups", "cognito:roles", "cognito:preferred_role"] {
        assert!(id.get(k).is_none() && access.get(k).is_none(), "{k}");
    }
}
