//! Codes and invitations at their limits, through the AWS SDK on both
//! stores: failed attempts, hourly sends, expiry (a code or temporary
//! password made old in the store, since nobody waits a day in a test),
//! AdminCreateUser's RESEND and ForceAliasCreation.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AuthFlowType, ChallengeNameType, DeliveryMediumType, MessageActionType,
    UserStatusType, VerifiedAttributeType,
};
use kognit_store::SqlStore;

use crate::harness::TestServer;
use crate::harness::on_both_backends;
use crate::harness::users::{PASSWORD, attr, attr_of, code_of, email_pool, status_of};

on_both_backends!(
    failed_attempts_kill_a_code,
    sends_are_limited_per_hour,
    expired_codes_are_refused,
    resend_invitation_and_temporary_password_expiry,
    force_alias_creation_moves_the_alias,
);

/// A code other than `code`.
fn wrong(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

async fn sign_up(c: &Client, client: &str, name: &str) {
    c.sign_up()
        .client_id(client)
        .username(name)
        .password(PASSWORD)
        .user_attributes(attr("email", &format!("{name}@example.com")))
        .send()
        .await
        .unwrap();
}

/// The server's own store, opened a second time beside it (a real second
/// connection to its SQLite file or PostgreSQL database).
async fn store_of(s: &TestServer) -> SqlStore {
    SqlStore::open(&s.cfg.database_url()).await.unwrap()
}

/// Makes the stored code of (pool, user, purpose) long expired.
async fn expire_code(s: &TestServer, pool: &str, user: &str, purpose: &str) {
    let store = store_of(s).await;
    let mut code = store.get_code(pool, user, purpose).await.unwrap().unwrap();
    code.expires_ms = 1;
    store.put_code(&code).await.unwrap();
    store.close().await;
}

async fn failed_attempts_kill_a_code(s: TestServer) {
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    sign_up(&c, &client, "dan").await;
    let code = s.latest_code(&pool, "dan").await;
    let confirm = |code: String| {
        c.confirm_sign_up()
            .client_id(&client)
            .username("dan")
            .confirmation_code(code)
            .send()
    };
    for _ in 0..4 {
        let e = confirm(wrong(&code).into()).await.unwrap_err();
        assert_eq!(code_of(&e), "CodeMismatchException");
    }
    let fifth = confirm(wrong(&code).into()).await.unwrap_err();
    assert_eq!(code_of(&fifth), "TooManyFailedAttemptsException");
    // The code is dead now, even given right.
    let right = confirm(code.clone()).await.unwrap_err();
    assert_eq!(code_of(&right), "LimitExceededException");
    assert_eq!(
        status_of(&c, &pool, "dan").await,
        UserStatusType::Unconfirmed
    );
    // A new code starts with no failed attempts.
    c.resend_confirmation_code()
        .client_id(&client)
        .username("dan")
        .send()
        .await
        .unwrap();
    let fresh = s.latest_code(&pool, "dan").await;
    let e = confirm(wrong(&fresh).into()).await.unwrap_err();
    assert_eq!(code_of(&e), "CodeMismatchException");
    confirm(fresh).await.unwrap();
    assert_eq!(status_of(&c, &pool, "dan").await, UserStatusType::Confirmed);
}

async fn sends_are_limited_per_hour(s: TestServer) {
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    sign_up(&c, &client, "erin").await;
    let resend = || {
        c.resend_confirmation_code()
            .client_id(&client)
            .username("erin")
            .send()
    };
    // The sign-up sent the first code; four more make five in the hour.
    for _ in 0..4 {
        let out = resend().await.unwrap();
        let d = out.code_delivery_details.unwrap();
        assert_eq!(d.delivery_medium, Some(DeliveryMediumType::Email));
    }
    let last = s.latest_code(&pool, "erin").await;
    let sixth = resend().await.unwrap_err();
    assert_eq!(code_of(&sixth), "LimitExceededException");
    // The refused resend sent nothing and left the last code working.
    assert_eq!(s.latest_code(&pool, "erin").await, last);
    c.confirm_sign_up()
        .client_id(&client)
        .username("erin")
        .confirmation_code(last)
        .send()
        .await
        .unwrap();
}

async fn expired_codes_are_refused(s: TestServer) {
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    sign_up(&c, &client, "fay").await;
    let code = s.latest_code(&pool, "fay").await;
    expire_code(&s, &pool, "fay", "SIGNUP").await;
    let old = c
        .confirm_sign_up()
        .client_id(&client)
        .username("fay")
        .confirmation_code(&code)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&old), "ExpiredCodeException");
    assert_eq!(
        status_of(&c, &pool, "fay").await,
        UserStatusType::Unconfirmed
    );
    c.resend_confirmation_code()
        .client_id(&client)
        .username("fay")
        .send()
        .await
        .unwrap();
    c.confirm_sign_up()
        .client_id(&client)
        .username("fay")
        .confirmation_code(s.latest_code(&pool, "fay").await)
        .send()
        .await
        .unwrap();

    // A password-reset code lives an hour.
    let forgot = || {
        c.forgot_password()
            .client_id(&client)
            .username("fay")
            .send()
    };
    forgot().await.unwrap();
    let code = s.latest_code(&pool, "fay").await;
    expire_code(&s, &pool, "fay", "FORGOT").await;
    let reset = |code: String| {
        c.confirm_forgot_password()
            .client_id(&client)
            .username("fay")
            .confirmation_code(code)
            .password("N3w-Password!")
            .send()
    };
    let old = reset(code).await.unwrap_err();
    assert_eq!(code_of(&old), "ExpiredCodeException");
    forgot().await.unwrap();
    reset(s.latest_code(&pool, "fay").await).await.unwrap();
    assert_eq!(status_of(&c, &pool, "fay").await, UserStatusType::Confirmed);
}

/// AdminInitiateAuth with a password: the challenge it asks for, or the
/// error code.
async fn sign_in(
    c: &Client,
    st: &crate::harness::auth::Setup,
    user: &str,
    pw: &str,
) -> Result<String, String> {
    c.admin_initiate_auth()
        .user_pool_id(&st.pool)
        .client_id(&st.client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", user)
        .auth_parameters("PASSWORD", pw)
        .send()
        .await
        .map(|out| {
            out.challenge_name
                .map_or_else(|| "TOKENS".to_owned(), |n| n.as_str().to_owned())
        })
        .map_err(|e| format!("{}: {}", code_of(&e), crate::harness::message(&e)))
}

async fn resend_invitation_and_temporary_password_expiry(s: TestServer) {
    let c = s.client();
    let st = crate::harness::auth::setup(&c).await;
    let invite = |action: Option<MessageActionType>| {
        c.admin_create_user()
            .user_pool_id(&st.pool)
            .username("gus")
            .user_attributes(attr("email", "gus@example.com"))
            .desired_delivery_mediums(DeliveryMediumType::Email)
            .set_message_action(action)
            .send()
    };
    invite(None).await.unwrap();
    let first = s.latest_code(&st.pool, "gus").await;
    let again = invite(Some(MessageActionType::Resend)).await.unwrap();
    assert_eq!(
        again.user.unwrap().user_status,
        Some(UserStatusType::ForceChangePassword)
    );
    let second = s.latest_code(&st.pool, "gus").await;
    let msg = s.latest_message(&st.pool, "gus").await.unwrap();
    assert_eq!(msg["destination"], "gus@example.com");
    assert!(msg["body"].as_str().unwrap().contains(&second));
    // The resent invitation carries a new temporary password; the first
    // one no longer signs in.
    assert_ne!(first, second);
    let stale = sign_in(&c, &st, "gus", &first).await.unwrap_err();
    assert!(stale.starts_with("NotAuthorizedException"), "{stale}");
    let challenge = sign_in(&c, &st, "gus", &second).await.unwrap();
    assert_eq!(challenge, ChallengeNameType::NewPasswordRequired.as_str());

    // RESEND needs an existing user who has not chosen a password yet.
    let nobody = c
        .admin_create_user()
        .user_pool_id(&st.pool)
        .username("nobody")
        .message_action(MessageActionType::Resend)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&nobody), "UserNotFoundException");
    let confirmed = c
        .admin_create_user()
        .user_pool_id(&st.pool)
        .username("pat")
        .message_action(MessageActionType::Resend)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&confirmed), "UnsupportedUserStateException");

    // An expired temporary password is refused until an administrator
    // sends a new one.
    let store = store_of(&s).await;
    let before = store.get_user(&st.pool, "gus").await.unwrap().unwrap();
    let mut after = before.clone();
    after.temp_password_expires_ms = Some(1);
    after.version += 1;
    assert!(store.update_user(&before, &after, None).await.unwrap());
    store.close().await;
    let expired = sign_in(&c, &st, "gus", &second).await.unwrap_err();
    assert_eq!(
        expired,
        "NotAuthorizedException: Temporary password has expired and must be reset by an administrator."
    );
    invite(Some(MessageActionType::Resend)).await.unwrap();
    let third = s.latest_code(&st.pool, "gus").await;
    let challenge = sign_in(&c, &st, "gus", &third).await.unwrap();
    assert_eq!(challenge, ChallengeNameType::NewPasswordRequired.as_str());
}

async fn force_alias_creation_moves_the_alias(s: TestServer) {
    let c = s.client();
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("aliases")
            .alias_attributes(AliasAttributeType::Email)
            .auto_verified_attributes(VerifiedAttributeType::Email),
    )
    .await;
    let create = |name: &'static str, force: bool| {
        c.admin_create_user()
            .user_pool_id(&pool)
            .username(name)
            .user_attributes(attr("email", "shared@example.com"))
            .user_attributes(attr("email_verified", "true"))
            .message_action(MessageActionType::Suppress)
            .force_alias_creation(force)
            .send()
    };
    create("ivy", false).await.unwrap();
    let taken = create("jon", false).await.unwrap_err();
    assert_eq!(code_of(&taken), "AliasExistsException");
    let missing = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("jon")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code_of(&missing), "UserNotFoundException");

    create("jon", true).await.unwrap();
    let verified = async |user: &str| {
        (
            attr_of(&c, &pool, user, "email").await,
            attr_of(&c, &pool, user, "email_verified").await,
        )
    };
    let shared = Some("shared@example.com".to_owned());
    assert_eq!(verified("jon").await, (shared.clone(), Some("true".into())));
    // Ivy keeps the address, no longer verified, so no longer an alias.
    assert_eq!(verified("ivy").await, (shared, Some("false".into())));
    let holder = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("shared@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(holder.username, "jon");
}
