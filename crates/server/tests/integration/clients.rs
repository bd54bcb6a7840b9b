//! App clients through the AWS SDK: create with and without a secret, describe,
//! update, list, delete, secret rotation and Cognito's validation rules.

use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, OAuthFlowType, PreventUserExistenceErrorTypes, TimeUnitsType,
    TokenValidityUnitsType,
};

use crate::harness::on_both_backends;
use crate::harness::{TestServer, code};

on_both_backends!(client_lifecycle, client_secret_rotation, client_rules);

async fn new_pool(c: &aws_sdk_cognitoidentityprovider::Client) -> String {
    crate::harness::create_pool(c, "apps").await
}

async fn client_lifecycle(s: TestServer) {
    let c = s.client();
    let pool = new_pool(&c).await;
    let public = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let id = public.client_id.clone().unwrap();
    assert_eq!(id.len(), 26);
    assert!(
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    assert!(public.client_secret.is_none());
    assert_eq!(public.refresh_token_validity, 30);
    assert_eq!(public.access_token_validity, Some(1));
    assert_eq!(
        public.token_validity_units.as_ref().unwrap().access_token,
        Some(TimeUnitsType::Hours)
    );
    assert_eq!(
        public.prevent_user_existence_errors,
        Some(PreventUserExistenceErrorTypes::Legacy)
    );
    assert_eq!(public.enable_token_revocation, Some(true));
    assert_eq!(public.auth_session_validity, Some(3));

    let confidential = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("server")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let secret = confidential.client_secret.clone().unwrap();
    assert_eq!(secret.len(), 51);
    let described = c
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(confidential.client_id.as_deref().unwrap())
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(described.client_secret.as_deref(), Some(secret.as_str()));

    let updated = c
        .update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .access_token_validity(30)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(updated.client_name.as_deref(), Some("web"));
    assert_eq!(updated.access_token_validity, Some(30));
    // Not given in the update: back to the default (all flows allowed by default).
    assert!(updated.explicit_auth_flows.is_none());

    let list = c
        .list_user_pool_clients()
        .user_pool_id(&pool)
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_eq!(list.user_pool_clients.unwrap().len(), 1);
    let rest = c
        .list_user_pool_clients()
        .user_pool_id(&pool)
        .max_results(1)
        .next_token(list.next_token.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.user_pool_clients.unwrap().len(), 1);
    assert!(rest.next_token.is_none());

    c.delete_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap();
    let gone = c
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "ResourceNotFoundException");
    let no_pool = c
        .create_user_pool_client()
        .user_pool_id("us-east-1_nothere00")
        .client_name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&no_pool), "ResourceNotFoundException");
}

async fn client_secret_rotation(s: TestServer) {
    let c = s.client();
    let pool = new_pool(&c).await;
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("rot")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let id = client.client_id.unwrap();
    let added = c
        .add_user_pool_client_secret()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap()
        .client_secret_descriptor
        .unwrap();
    assert_eq!(added.client_secret_value.as_deref().map(str::len), Some(51));
    let third = c
        .add_user_pool_client_secret()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&third), "LimitExceededException");
    let listed = c
        .list_user_pool_client_secrets()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap()
        .client_secrets
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|d| d.client_secret_value.is_none()));
    let first = listed[0].client_secret_id.clone().unwrap();
    c.delete_user_pool_client_secret()
        .user_pool_id(&pool)
        .client_id(&id)
        .client_secret_id(&first)
        .send()
        .await
        .unwrap();
    let last = added.client_secret_id.unwrap();
    let refused = c
        .delete_user_pool_client_secret()
        .user_pool_id(&pool)
        .client_id(&id)
        .client_secret_id(&last)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&refused), "InvalidParameterException");
    let described = c
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(described.client_secret, added.client_secret_value);
}

async fn client_rules(s: TestServer) {
    let c = s.client();
    let pool = new_pool(&c).await;
    let base = || {
        c.create_user_pool_client()
            .user_pool_id(&pool)
            .client_name("r")
    };
    let short = base()
        .access_token_validity(1)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&short), "InvalidParameterException");
    let cc_without_secret = base()
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
        .allowed_o_auth_scopes("openid")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&cc_without_secret), "InvalidParameterException");
    let http_callback = base()
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .callback_urls("http://example.com/cb")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&http_callback), "InvalidParameterException");
    let bad_scope = base()
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("nope/read")
        .callback_urls("https://example.com/cb")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad_scope), "ScopeDoesNotExistException");
    let bad_attr = base()
        .read_attributes("custom:nothing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad_attr), "InvalidParameterException");
    let both = base()
        .generate_secret(true)
        .client_secret("abcdefghijklmnopqrstuvwxyz123")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&both), "InvalidParameterException");
    let ok = base()
        .allowed_o_auth_flows_user_pool_client(true)
        .allowed_o_auth_flows(OAuthFlowType::Code)
        .allowed_o_auth_scopes("openid")
        .allowed_o_auth_scopes("email")
        .callback_urls("http://localhost:3000/cb")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.user_pool_client.unwrap().callback_urls.unwrap().len(), 1);
}
