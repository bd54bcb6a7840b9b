//! Seed files (`kognit dev --seed`): the committed example gives the same
//! ids and users after a restart and after a reset, on both stores; fixed
//! signing keys make tokens outlive a restart; and an exported seed, fed
//! back, makes the same pool (and exports the same text again).

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, MessageActionType, SchemaAttributeType,
    SoftwareTokenMfaConfigType, UserPoolMfaType,
};

use crate::harness::auth::{Setup, claims, password_login, srp_login};
use crate::harness::seed::*;
use crate::harness::users::{PASSWORD, attr};
use crate::harness::{Backend, TestServer, code, on_both_backends};
use kognit::config::Mode;

on_both_backends!(by_backend: example_seed_survives_restarts_and_resets, exported_seed_reproduces_the_pool);

/// A dev server on `backend` with the example seed.
async fn seeded(backend: Backend) -> Option<TestServer> {
    TestServer::with_mode(backend, Mode::Dev, |c| c.seed = Some(example_seed())).await
}

/// Checks what the example declares; alice's sub.
async fn check_example(c: &Client) -> String {
    let pool = c
        .describe_user_pool()
        .user_pool_id(POOL)
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    assert_eq!(pool.name.as_deref(), Some("example"));
    let schema = pool.schema_attributes.unwrap();
    assert!(schema.iter().any(|a| a.name() == Some("custom:tenant")));
    assert_eq!(
        pool.policies
            .unwrap()
            .password_policy
            .unwrap()
            .minimum_length,
        Some(10)
    );
    let mfa = c
        .get_user_pool_mfa_config()
        .user_pool_id(POOL)
        .send()
        .await
        .unwrap();
    assert_eq!(mfa.mfa_configuration, Some(UserPoolMfaType::Optional));
    let backend = c
        .describe_user_pool_client()
        .user_pool_id(POOL)
        .client_id(BACKEND_CLIENT)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(backend.client_secret.as_deref(), Some(BACKEND_SECRET));
    let users = c.list_users().user_pool_id(POOL).send().await.unwrap();
    assert_eq!(users.users.unwrap().len(), 3, "nothing doubled");

    // Alice signs in by SRP, with her groups and attributes in the token.
    let access = srp_login(c, POOL, WEB_CLIENT, ALICE, ALICE_PASSWORD)
        .await
        .unwrap();
    let web = Setup {
        pool: POOL.into(),
        client: WEB_CLIENT.into(),
    };
    let tokens = password_login(c, &web, ALICE, ALICE_PASSWORD).await;
    let (_, id) = claims(&tokens.id_token.unwrap());
    assert_eq!(
        id["cognito:groups"],
        serde_json::json!(["admins", "readers"])
    );
    assert_eq!(id["custom:tenant"], "acme");
    assert_eq!(id["email_verified"], true);
    let me = c.get_user().access_token(access).send().await.unwrap();
    assert_eq!(me.username, id["sub"].as_str().unwrap(), "email usernames");

    // Bob must choose a new password, and has the sub the file gives.
    let bob = c
        .initiate_auth()
        .client_id(WEB_CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", BOB)
        .auth_parameters("PASSWORD", BOB_PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(
        bob.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    let bob = c
        .admin_get_user()
        .user_pool_id(POOL)
        .username(BOB)
        .send()
        .await
        .unwrap();
    assert_eq!(bob.username, BOB_SUB);

    // Erin has TOTP MFA with the secret the file gives.
    let erin = totp_sign_in(c, &web, ERIN).await;
    let me = c.get_user().access_token(erin).send().await.unwrap();
    assert_eq!(
        me.preferred_mfa_setting.as_deref(),
        Some("SOFTWARE_TOKEN_MFA")
    );

    // Carol, declared by her hash, signs in with the password; Dave is disabled.
    let cli = Setup {
        pool: POOL2.into(),
        client: CLI_CLIENT.into(),
    };
    password_login(c, &cli, CAROL.0, CAROL.1).await;
    let e = c
        .initiate_auth()
        .client_id(CLI_CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "dave")
        .auth_parameters("PASSWORD", "Dave-Pass-1!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NotAuthorizedException");
    id["sub"].as_str().unwrap().to_owned()
}

/// The machine client gets an access token with the custom scope at the
/// pool's domain, signed by the pool's (fixed) access-token key.
async fn check_client_credentials(url: &str) {
    let (id, secret) = MACHINE_CLIENT;
    let resp = reqwest::Client::new()
        .post(format!("{url}/hosted/{DOMAIN}/oauth2/token"))
        .basic_auth(id, Some(secret))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "https://api.example.com/orders.read"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    let (header, claims) = claims(body["access_token"].as_str().unwrap());
    assert_eq!(claims["client_id"], id);
    assert_eq!(claims["scope"], "https://api.example.com/orders.read");
    let jwks: serde_json::Value = reqwest::get(format!("{url}/{POOL}/.well-known/jwks.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["kid"] == header["kid"])
    );
}

async fn example_seed_survives_restarts_and_resets(backend: Backend) {
    let Some(mut s) = seeded(backend).await else {
        return;
    };
    let sub = check_example(&s.client()).await;
    check_client_credentials(&s.url).await;
    // A restart applies the seed again onto the store that has it all.
    s.restart().await;
    assert_eq!(check_example(&s.client()).await, sub);
    check_client_credentials(&s.url).await;
    // A reset wipes what tests made, and the seed is there again.
    let c = s.client();
    let extra = crate::harness::create_pool(&c, "made by a test").await;
    c.admin_delete_user()
        .user_pool_id(POOL)
        .username(ALICE)
        .send()
        .await
        .unwrap();
    let r = s.reset().await;
    assert_eq!(r.status, 200, "{:?}", r.json);
    assert_eq!(check_example(&c).await, sub);
    check_client_credentials(&s.url).await;
    let e = c
        .describe_user_pool()
        .user_pool_id(extra)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
}

/// An issuer base every server of a test shares, so a token's `iss` does
/// not depend on the port.
const ISSUER_BASE: &str = "https://cognito-idp.us-east-1.amazonaws.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_signing_keys_verify_across_restarts() {
    let tweak = |c: &mut kognit::config::Config| {
        c.seed = Some(example_seed());
        c.issuer_base = Some(ISSUER_BASE.into());
    };
    let mut s = TestServer::ephemeral(tweak).await;
    let c = s.client();
    let web = Setup {
        pool: POOL.into(),
        client: WEB_CLIENT.into(),
    };
    let alice = password_login(&c, &web, ALICE, ALICE_PASSWORD).await;
    let cli = Setup {
        pool: POOL2.into(),
        client: CLI_CLIENT.into(),
    };
    let carol = password_login(&c, &cli, CAROL.0, CAROL.1).await;
    let (id, access) = (alice.id_token.unwrap(), alice.access_token.unwrap());

    // A new process: nothing kept but what the seed declares.
    s.restart().await;
    let issuer = format!("{ISSUER_BASE}/{POOL}");
    for token in [&id, &access] {
        let claims = verify_with_jwks(&s.url, POOL, &issuer, token)
            .await
            .unwrap();
        assert_eq!(claims["iss"], issuer.as_str());
    }
    // The access token still works as one, for the same user.
    let me = s.client().get_user().access_token(&access).send().await;
    assert!(me.is_ok(), "{me:?}");
    // Without fixed keys, a pool gets new ones in the new process.
    let e = verify_with_jwks(
        &s.url,
        POOL2,
        &format!("{ISSUER_BASE}/{POOL2}"),
        &carol.id_token.unwrap(),
    )
    .await
    .unwrap_err();
    assert!(e.contains("kid"), "{e}");
}

/// A pool made through the API with a bit of everything a seed declares.
/// A user `name` with an authenticator (AssociateSoftwareToken,
/// VerifySoftwareToken) and TOTP MFA on and preferred; its secret.
async fn totp_user(c: &Client, st: &Setup, name: &str) -> String {
    crate::harness::auth::create_user_with(c, &st.pool, name, &[attr("name", name)]).await;
    let token = password_login(c, st, name, PASSWORD)
        .await
        .access_token
        .unwrap();
    let secret = c
        .associate_software_token()
        .access_token(&token)
        .send()
        .await
        .unwrap()
        .secret_code
        .unwrap();
    c.verify_software_token()
        .access_token(&token)
        .user_code(totp_code(&secret, 0))
        .send()
        .await
        .unwrap();
    crate::harness::mfa::prefer_totp(c, &token).await;
    secret
}

async fn hand_made_pool(c: &Client) -> Setup {
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("hand made")
            .alias_attributes(aws_sdk_cognitoidentityprovider::types::AliasAttributeType::Email)
            .auto_verified_attributes(
                aws_sdk_cognitoidentityprovider::types::VerifiedAttributeType::Email,
            )
            .schema(
                SchemaAttributeType::builder()
                    .name("plan")
                    .attribute_data_type(
                        aws_sdk_cognitoidentityprovider::types::AttributeDataType::String,
                    )
                    .build(),
            )
            .schema(
                SchemaAttributeType::builder()
                    .name("name")
                    .required(true)
                    .build(),
            ),
    )
    .await;
    c.set_user_pool_mfa_config()
        .user_pool_id(&pool)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .mfa_configuration(UserPoolMfaType::Optional)
        .send()
        .await
        .unwrap();
    let client = crate::harness::auth::password_client(c, &pool).await;
    c.create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("server")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .access_token_validity(2)
        .send()
        .await
        .unwrap();
    c.create_resource_server()
        .user_pool_id(&pool)
        .identifier("https://api.example.com")
        .name("api")
        .scopes(
            aws_sdk_cognitoidentityprovider::types::ResourceServerScopeType::builder()
                .scope_name("read")
                .scope_description("Read")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    c.create_user_pool_domain()
        .user_pool_id(&pool)
        .domain("hand-made")
        .send()
        .await
        .unwrap();
    c.create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("machine")
        .generate_secret(true)
        .allowed_o_auth_flows(
            aws_sdk_cognitoidentityprovider::types::OAuthFlowType::ClientCredentials,
        )
        .allowed_o_auth_scopes("https://api.example.com/read")
        .allowed_o_auth_flows_user_pool_client(true)
        .send()
        .await
        .unwrap();
    for (g, p) in [("admins", 1), ("staff", 5)] {
        c.create_group()
            .user_pool_id(&pool)
            .group_name(g)
            .precedence(p)
            .description(format!("the {g}"))
            .send()
            .await
            .unwrap();
    }
    let name = [attr("name", "Pat"), attr("custom:plan", "gold")];
    crate::harness::auth::create_user_with(c, &pool, "pat", &name).await;
    c.admin_add_user_to_group()
        .user_pool_id(&pool)
        .username("pat")
        .group_name("staff")
        .send()
        .await
        .unwrap();
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("newbie")
        .temporary_password("Temp-Passw0rd!")
        .user_attributes(attr("name", "Newbie"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    crate::harness::auth::create_user_with(c, &pool, "gone", &[attr("name", "Gone")]).await;
    c.admin_disable_user()
        .user_pool_id(&pool)
        .username("gone")
        .send()
        .await
        .unwrap();
    Setup { pool, client }
}

async fn exported_seed_reproduces_the_pool(backend: Backend) {
    let Some(s) = TestServer::with_mode(backend, Mode::Dev, |c| {
        c.issuer_base = Some(ISSUER_BASE.into())
    })
    .await
    else {
        return;
    };
    let c = s.client();
    let st = hand_made_pool(&c).await;
    let mia = totp_user(&c, &st, "mia").await;
    // Signing creates the pool's keys, which the export carries.
    let before = password_login(&c, &st, "pat", PASSWORD).await;
    let exported = export_seed(&s.url, "toml").await;
    let dir = tempfile::tempdir().unwrap();
    let seed = write_seed(dir.path(), "frozen.toml", &exported);

    let frozen = TestServer::ephemeral(|c| {
        c.seed = Some(seed);
        c.issuer_base = Some(ISSUER_BASE.into());
    })
    .await;
    let f = frozen.client();
    // The same users sign in, by password and by SRP, with the same sub and groups.
    let after = password_login(&f, &st, "pat", PASSWORD).await;
    let (_, a) = claims(&after.id_token.unwrap());
    let (_, b) = claims(before.id_token.as_deref().unwrap());
    for k in ["sub", "cognito:groups", "custom:plan", "name", "email"] {
        assert_eq!(a[k], b[k], "{k}");
    }
    srp_login(&f, &st.pool, &st.client, "pat", PASSWORD)
        .await
        .unwrap();
    // And by the email alias.
    password_login(&f, &st, "pat@example.com", PASSWORD).await;
    // Her authenticator came along: the same secret's codes sign her in.
    totp_sign_in(&f, &st, ("mia", PASSWORD, &mia)).await;
    let newbie = f
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "newbie")
        .auth_parameters("PASSWORD", "Temp-Passw0rd!")
        .send()
        .await
        .unwrap();
    assert_eq!(
        newbie.challenge_name,
        Some(ChallengeNameType::NewPasswordRequired)
    );
    // Tokens of the first server verify with the second's keys.
    verify_with_jwks(
        &frozen.url,
        &st.pool,
        &format!("{ISSUER_BASE}/{}", st.pool),
        before.access_token.as_deref().unwrap(),
    )
    .await
    .unwrap();
    // Every setting, client (with its secret), group and user is the same:
    // the second server exports the very same file.
    assert_eq!(export_seed(&frozen.url, "toml").await, exported);
    let json = export_seed(&frozen.url, "json").await;
    assert!(json.contains(&st.pool), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_does_not_export_seeds() {
    // Signed by the configured key, so the refusal is ExportSeed's own.
    let s = TestServer::serve(Backend::Sqlite).await.unwrap();
    let host = s.url.trim_start_matches("http://").to_owned();
    let body = b"{}";
    let headers = vec![
        ("host".to_owned(), host),
        (
            "content-type".to_owned(),
            "application/x-amz-json-1.1".to_owned(),
        ),
        ("x-amz-target".to_owned(), "Kognit.ExportSeed".to_owned()),
    ];
    let req = kognit_core::sigv4::SignedRequest {
        method: "POST",
        path: "/",
        query: None,
        headers: &headers,
        body,
    };
    let credentials = kognit_core::sigv4::Credentials {
        access_key_id: crate::harness::KEY_ID.into(),
        secret_access_key: crate::harness::KEY_SECRET.into(),
        session_token: None,
    };
    let added = kognit_core::sigv4::sign(
        &req,
        &credentials,
        "us-east-1",
        "cognito-idp",
        time::OffsetDateTime::now_utc(),
    );
    let mut call = reqwest::Client::new().post(&s.url).body(body.to_vec());
    for (k, v) in headers.iter().skip(1).chain(added.iter()) {
        call = call.header(k, v);
    }
    let r = crate::harness::RawReply::read(call.send().await.unwrap()).await;
    assert_eq!(r.status, 400, "{:?}", r.json);
    assert_eq!(r.error_type(), "UnsupportedOperationException");
}
