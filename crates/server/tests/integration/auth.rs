//! Sign-in through the AWS SDK: USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH,
//! USER_SRP_AUTH with an independent SRP client, NEW_PASSWORD_REQUIRED,
//! refresh, user states, lockout, tokens verified against the JWKS, and the
//! token-authorised operations, on both stores.

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType, MessageActionType};

use crate::harness::auth::{claims, password_login, setup, srp_login};
use crate::harness::on_both_backends;
use crate::harness::users::PASSWORD;
use crate::harness::{TestServer, code, message};

on_both_backends!(
    password_sign_in_and_tokens,
    srp_sign_in,
    new_password_required,
    refresh_sign_out_and_revoke,
);

/// Verifies a token with the jsonwebtoken crate against the pool's JWKS.
async fn verify_with_jwks(s: &TestServer, pool: &str, token: &str) -> serde_json::Value {
    let issuer = format!("{}/{}", s.url, pool);
    let jwks: jsonwebtoken::jwk::JwkSet = reqwest::get(format!("{issuer}/.well-known/jwks.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("kid in the JWKS");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.set_issuer(&[issuer]);
    v.validate_aud = false;
    jsonwebtoken::decode::<serde_json::Value>(token, &key, &v)
        .unwrap()
        .claims
}

async fn password_sign_in_and_tokens(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    let r = password_login(&c, &st, "pat", PASSWORD).await;
    assert_eq!(r.token_type.as_deref(), Some("Bearer"));
    assert_eq!(r.expires_in, 3600);
    let (id, access, refresh) = (
        r.id_token.unwrap(),
        r.access_token.unwrap(),
        r.refresh_token.unwrap(),
    );
    assert!(refresh.split('.').count() != 3, "refresh tokens are opaque");
    let (ih, ic) = claims(&id);
    let (ah, ac) = claims(&access);
    assert_eq!(ih["alg"], "RS256");
    assert_ne!(
        ih["kid"], ah["kid"],
        "ID and access tokens are signed with different keys"
    );
    assert_eq!(ic["token_use"], "id");
    assert_eq!(ic["aud"], st.client.as_str());
    assert_eq!(ic["cognito:username"], "pat");
    assert_eq!(ic["email"], "pat@example.com");
    assert_eq!(ic["email_verified"], true);
    assert_eq!(ic["iss"], format!("{}/{}", s.url, st.pool));
    for k in [
        "sub",
        "event_id",
        "auth_time",
        "exp",
        "iat",
        "jti",
        "origin_jti",
    ] {
        assert!(ic.get(k).is_some(), "id token lacks {k}");
    }
    assert_eq!(ac["token_use"], "access");
    assert_eq!(ac["client_id"], st.client.as_str());
    assert_eq!(ac["username"], "pat");
    assert_eq!(ac["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(ac["origin_jti"], ic["origin_jti"]);
    assert!(ac.get("aud").is_none());
    verify_with_jwks(&s, &st.pool, &id).await;
    verify_with_jwks(&s, &st.pool, &access).await;
    let disc: serde_json::Value = reqwest::get(format!(
        "{}/{}/.well-known/openid-configuration",
        s.url, st.pool
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(disc["issuer"], ic["iss"]);

    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(me.username, "pat");
    let wrong = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "pat")
        .auth_parameters("PASSWORD", "Wr0ng-password!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "NotAuthorizedException");
    assert_eq!(message(&wrong), "Incorrect username or password.");
    let unknown = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "nobody")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&unknown), "UserNotFoundException");
    let admin = c
        .admin_initiate_auth()
        .user_pool_id(&st.pool)
        .client_id(&st.client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "pat@example.com")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await;
    // Not an alias pool: the email is not a sign-in name.
    assert_eq!(code(&admin.unwrap_err()), "UserNotFoundException");
    let admin = c
        .admin_initiate_auth()
        .user_pool_id(&st.pool)
        .client_id(&st.client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "pat")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    assert!(admin.authentication_result.unwrap().access_token.is_some());
    let srp_only = c
        .create_user_pool_client()
        .user_pool_id(&st.pool)
        .client_name("srp-only")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let refused = c
        .initiate_auth()
        .client_id(&srp_only)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "pat")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&refused), "InvalidParameterException");
    let bad = c
        .get_user()
        .access_token("not.a.token")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad), "NotAuthorizedException");
}

async fn srp_sign_in(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    let access = srp_login(&c, &st.pool, &st.client, "pat", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        c.get_user()
            .access_token(access)
            .send()
            .await
            .unwrap()
            .username,
        "pat"
    );
    let wrong = srp_login(&c, &st.pool, &st.client, "pat", "Wr0ng-password!")
        .await
        .unwrap_err();
    assert_eq!(wrong, "NotAuthorizedException");
    let zero_a = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "pat")
        .auth_parameters("SRP_A", "00")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&zero_a), "InvalidParameterException");
    let not_hex = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", "pat")
        .auth_parameters("SRP_A", "xyz")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&not_hex), "InvalidParameterException");
    let tampered = c
        .respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", "pat")
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", "bm90IGEgYmxvY2s=")
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", "c2ln")
        .challenge_responses("TIMESTAMP", "Tue Feb 3 07:05:09 UTC 2026")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&tampered), "NotAuthorizedException");
}

async fn new_password_required(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    c.admin_create_user()
        .user_pool_id(&st.pool)
        .username("quinn")
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let start = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "quinn")
        .auth_parameters("PASSWORD", "Temp-Passw0rd!")
        .send()
        .await
        .unwrap();
    assert_eq!(
        start.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    let params = start.challenge_parameters.unwrap();
    assert_eq!(params["USER_ID_FOR_SRP"], "quinn");
    assert!(params.contains_key("requiredAttributes") && params.contains_key("userAttributes"));
    let weak = c
        .respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(start.session.clone().unwrap())
        .challenge_responses("USERNAME", "quinn")
        .challenge_responses("NEW_PASSWORD", "weak")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&weak), "InvalidPasswordException");
    let done = c
        .respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(start.session.unwrap())
        .challenge_responses("USERNAME", "quinn")
        .challenge_responses("NEW_PASSWORD", "Brand-N3w-pass!")
        .challenge_responses("userAttributes.name", "Quinn")
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.unwrap().id_token.is_some());
    let u = c
        .admin_get_user()
        .user_pool_id(&st.pool)
        .username("quinn")
        .send()
        .await
        .unwrap();
    assert_eq!(u.user_status.unwrap().as_str(), "CONFIRMED");
    let bad_session = c
        .respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session("x".repeat(40))
        .challenge_responses("USERNAME", "quinn")
        .challenge_responses("NEW_PASSWORD", "Brand-N3w-pass!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad_session), "NotAuthorizedException");
}

async fn refresh_sign_out_and_revoke(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    let r = password_login(&c, &st, "pat", PASSWORD).await;
    let refreshed = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", r.refresh_token.clone().unwrap())
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let (_, old) = claims(r.access_token.as_deref().unwrap());
    let (_, new) = claims(refreshed.access_token.as_deref().unwrap());
    assert_eq!(old["origin_jti"], new["origin_jti"]);
    assert_ne!(old["jti"], new["jti"]);
    assert!(refreshed.refresh_token.is_none());
    c.global_sign_out()
        .access_token(refreshed.access_token.clone().unwrap())
        .send()
        .await
        .unwrap();
    let after = c
        .get_user()
        .access_token(r.access_token.clone().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&after), "NotAuthorizedException");
    assert_eq!(message(&after), "Access Token has been revoked");
    let refresh_after = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", r.refresh_token.unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&refresh_after), "NotAuthorizedException");

    // RevokeToken ends one session: its tokens stop working, another session's do not.
    let a = password_login(&c, &st, "pat", PASSWORD).await;
    let b = password_login(&c, &st, "pat", PASSWORD).await;
    c.revoke_token()
        .client_id(&st.client)
        .token(a.refresh_token.clone().unwrap())
        .send()
        .await
        .unwrap();
    let e = c
        .get_user()
        .access_token(a.access_token.unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(message(&e), "Access Token has been revoked");
    c.get_user()
        .access_token(b.access_token.clone().unwrap())
        .send()
        .await
        .unwrap();
    let jwt = c
        .revoke_token()
        .client_id(&st.client)
        .token(b.access_token.unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&jwt), "UnsupportedTokenTypeException");
    c.admin_user_global_sign_out()
        .user_pool_id(&st.pool)
        .username("pat")
        .send()
        .await
        .unwrap();
    let e = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", b.refresh_token.unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
}
