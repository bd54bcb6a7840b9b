//! GetTokensFromRefreshToken, with refresh-token rotation when the client
//! enables it: each refresh token works once and the next one comes back.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ExplicitAuthFlowsType, FeatureType, RefreshTokenRotationType,
};

use crate::harness::auth::{Setup, create_user, password_login};
use crate::harness::on_both_backends;
use crate::harness::users::PASSWORD;
use crate::harness::{TestServer, code};

on_both_backends!(rotating_refresh_tokens, plain_refresh_keeps_token);

async fn client(c: &aws_sdk_cognitoidentityprovider::Client, pool: &str, rotate: bool) -> String {
    let mut req = c
        .create_user_pool_client()
        .user_pool_id(pool)
        .client_name(if rotate { "rotating" } else { "plain" })
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth);
    if rotate {
        req = req.refresh_token_rotation(
            RefreshTokenRotationType::builder()
                .feature(FeatureType::Enabled)
                .build()
                .unwrap(),
        );
    }
    req.send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

async fn pool(c: &aws_sdk_cognitoidentityprovider::Client) -> String {
    let pool = crate::harness::create_pool(c, "rot").await;
    create_user(c, &pool, "pat").await;
    pool
}

async fn rotating_refresh_tokens(s: TestServer) {
    let c = s.client();
    let pool = pool(&c).await;
    let st = Setup {
        client: client(&c, &pool, true).await,
        pool,
    };
    let first = password_login(&c, &st, "pat", PASSWORD)
        .await
        .refresh_token
        .unwrap();
    let out = c
        .get_tokens_from_refresh_token()
        .client_id(&st.client)
        .refresh_token(&first)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let second = out.refresh_token.expect("a rotated refresh token");
    assert_ne!(first, second);
    c.get_user()
        .access_token(out.access_token.unwrap())
        .send()
        .await
        .unwrap();
    let reused = c
        .get_tokens_from_refresh_token()
        .client_id(&st.client)
        .refresh_token(&first)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&reused), "NotAuthorizedException");
    c.get_tokens_from_refresh_token()
        .client_id(&st.client)
        .refresh_token(&second)
        .send()
        .await
        .unwrap();
    let old_flow = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", second)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&old_flow), "InvalidParameterException");
}

async fn plain_refresh_keeps_token(s: TestServer) {
    let c = s.client();
    let pool = pool(&c).await;
    let st = Setup {
        client: client(&c, &pool, false).await,
        pool,
    };
    let token = password_login(&c, &st, "pat", PASSWORD)
        .await
        .refresh_token
        .unwrap();
    for _ in 0..2 {
        let out = c
            .get_tokens_from_refresh_token()
            .client_id(&st.client)
            .refresh_token(&token)
            .send()
            .await
            .unwrap()
            .authentication_result
            .unwrap();
        assert!(out.refresh_token.is_none());
    }
    let other = client(&c, &st.pool, false).await;
    let wrong_client = c
        .get_tokens_from_refresh_token()
        .client_id(other)
        .refresh_token(&token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&wrong_client), "NotAuthorizedException");
}
