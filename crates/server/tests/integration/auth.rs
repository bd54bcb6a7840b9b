//! Sign-in through the AWS SDK: USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH,
//! USER_SRP_AUTH with an independent SRP client, NEW_PASSWORD_REQUIRED,
//! refresh, user states, lockout, tokens verified against the JWKS, and the
//! token-authorised operations, on both stores.

use std::collections::HashMap;

use aws_cognito_srp::{SrpClient, User, UserAuthenticationParameters, VerificationParameters};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, MessageActionType,
    VerifiedAttributeType,
};

use crate::harness::{TestServer, code, message};
use crate::on_both_backends;
use crate::users::PASSWORD;

on_both_backends!(
    password_sign_in_and_tokens,
    srp_sign_in,
    new_password_required,
    refresh_sign_out_and_revoke,
);

pub struct Setup {
    pub pool: String,
    pub client: String,
}

pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

/// A pool with a client allowing every flow, and a confirmed user `pat`.
pub async fn setup(c: &Client) -> Setup {
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("signin")
            .auto_verified_attributes(VerifiedAttributeType::Email),
    )
    .await;
    let client = password_client(c, &pool).await;
    create_user(c, &pool, "pat").await;
    Setup { pool, client }
}

/// A client of `pool` allowing every password flow, SRP and refresh.
pub async fn password_client(c: &Client, pool: &str) -> String {
    c.create_user_pool_client()
        .user_pool_id(pool)
        .client_name("app")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

pub async fn create_user(c: &Client, pool: &str, name: &str) {
    create_user_with(c, pool, name, &[]).await;
}

/// A confirmed user `name` with a verified `<name>@example.com` and these
/// further attributes, password [`PASSWORD`].
pub async fn create_user_with(c: &Client, pool: &str, name: &str, more: &[AttributeType]) {
    let mut attrs = vec![
        attr("email", &format!("{name}@example.com")),
        attr("email_verified", "true"),
    ];
    attrs.extend_from_slice(more);
    create_confirmed(c, pool, name, &attrs).await;
}

/// A confirmed user `name` with exactly these attributes, password [`PASSWORD`].
pub async fn create_confirmed(c: &Client, pool: &str, name: &str, attrs: &[AttributeType]) {
    let mut req = c
        .admin_create_user()
        .user_pool_id(pool)
        .username(name)
        .message_action(MessageActionType::Suppress);
    for a in attrs {
        req = req.user_attributes(a.clone());
    }
    req.send().await.unwrap();
    c.admin_set_user_password()
        .user_pool_id(pool)
        .username(name)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
}

pub async fn password_login(
    c: &Client,
    s: &Setup,
    user: &str,
    password: &str,
) -> aws_sdk_cognitoidentityprovider::types::AuthenticationResultType {
    c.initiate_auth()
        .client_id(&s.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap()
}

/// The header and claims of a JWT, decoded without verifying it.
pub fn claims(token: &str) -> (serde_json::Value, serde_json::Value) {
    use base64::Engine as _;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let dec = |p: &str| {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p)
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    };
    (dec(parts[0]), dec(parts[1]))
}

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

/// Signs in with SRP through the independent `aws-cognito-srp` client.
pub async fn srp_login(
    c: &Client,
    pool: &str,
    client: &str,
    user: &str,
    password: &str,
) -> Result<String, String> {
    let done = srp_exchange(c, pool, client, user, password).await?;
    Ok(done.authentication_result.unwrap().access_token.unwrap())
}

/// Both SRP steps through `aws-cognito-srp`: the answer to PASSWORD_VERIFIER
/// (tokens, or the next challenge).
pub async fn srp_exchange(
    c: &Client,
    pool: &str,
    client: &str,
    user: &str,
    password: &str,
) -> Result<RespondToAuthChallengeOutput, String> {
    srp_exchange_on(c, pool, client, user, password, None).await
}

/// [`srp_exchange`], naming a device (`DEVICE_KEY` in both steps) when given.
pub async fn srp_exchange_on(
    c: &Client,
    pool: &str,
    client: &str,
    user: &str,
    password: &str,
    device_key: Option<&str>,
) -> Result<RespondToAuthChallengeOutput, String> {
    let srp = SrpClient::new(User::new(pool, user, password), client, None);
    let UserAuthenticationParameters { a, username } = srp.get_auth_parameters();
    let mut initiate = c
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("SRP_A", a);
    if let Some(k) = device_key {
        initiate = initiate.auth_parameters("DEVICE_KEY", k);
    }
    let start = initiate.send().await.map_err(|e| code(&e))?;
    assert_eq!(
        start.challenge_name,
        Some(ChallengeNameType::PasswordVerifier)
    );
    let p: HashMap<String, String> = start.challenge_parameters.unwrap();
    let VerificationParameters {
        password_claim_secret_block,
        password_claim_signature,
        timestamp,
    } = srp
        .verify(
            &p["SECRET_BLOCK"],
            &p["USER_ID_FOR_SRP"],
            &p["SALT"],
            &p["SRP_B"],
        )
        .map_err(|e| format!("{e:?}"))?;
    let mut respond = c
        .respond_to_auth_challenge()
        .client_id(client)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", &p["USER_ID_FOR_SRP"])
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", password_claim_secret_block)
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", password_claim_signature)
        .challenge_responses("TIMESTAMP", timestamp);
    if let Some(k) = device_key {
        respond = respond.challenge_responses("DEVICE_KEY", k);
    }
    respond.send().await.map_err(|e| code(&e))
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
