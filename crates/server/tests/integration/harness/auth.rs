//! Sign-in: a pool with a client allowing every flow, confirmed users,
//! USER_PASSWORD_AUTH and SRP sign-ins (the SRP through the independent
//! `aws-cognito-srp` client), a JWT's claims, and a user's auth events.

use std::collections::HashMap;

use aws_cognito_srp::{SrpClient, User, UserAuthenticationParameters, VerificationParameters};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthEventType, AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType,
    MessageActionType, VerifiedAttributeType,
};

use crate::harness::code;
use crate::harness::users::{PASSWORD, attr};

/// A pool and a client of it, as [`setup`] (or a module's own set-up) made them.
pub struct Setup {
    pub pool: String,
    pub client: String,
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

/// A confirmed user `name` with a verified `<name>@example.com`, password
/// [`PASSWORD`].
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

/// Signs in with USER_PASSWORD_AUTH through `s`'s client; the tokens.
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

/// The temporary password of [`new_password_session`]'s user.
pub const TEMP_PASSWORD: &str = "Temp-Passw0rd!";

/// A user `name` created by an administrator (FORCE_CHANGE_PASSWORD,
/// password [`TEMP_PASSWORD`], nothing sent), signed in with
/// USER_PASSWORD_AUTH up to its NEW_PASSWORD_REQUIRED challenge: that
/// challenge's Session.
pub async fn new_password_session(c: &Client, pool: &str, client: &str, name: &str) -> String {
    c.admin_create_user()
        .user_pool_id(pool)
        .username(name)
        .temporary_password(TEMP_PASSWORD)
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let challenge = c
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", name)
        .auth_parameters("PASSWORD", TEMP_PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(
        challenge.challenge_name,
        Some(aws_sdk_cognitoidentityprovider::types::ChallengeNameType::NewPasswordRequired)
    );
    challenge.session.unwrap()
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

/// The user's auth events, as AdminListUserAuthEvents lists them (newest first).
pub async fn events(c: &Client, pool: &str, user: &str) -> Vec<AuthEventType> {
    c.admin_list_user_auth_events()
        .user_pool_id(pool)
        .username(user)
        .send()
        .await
        .unwrap()
        .auth_events
        .unwrap()
}

/// One SRP exchange through `aws-cognito-srp`, for flows that start it
/// themselves (CUSTOM_AUTH with `CHALLENGE_NAME: SRP_A`): the client's
/// `SRP_A`, then its answer to PASSWORD_VERIFIER.
pub struct SrpSigner {
    srp: SrpClient<User>,
    /// The client's public value, hex.
    pub a: String,
}

impl SrpSigner {
    /// A new exchange for `user` of `pool` with `password`.
    pub fn new(pool: &str, client: &str, user: &str, password: &str) -> Self {
        let srp = SrpClient::new(User::new(pool, user, password), client, None);
        let UserAuthenticationParameters { a, .. } = srp.get_auth_parameters();
        Self { srp, a }
    }

    /// The ChallengeResponses answering PASSWORD_VERIFIER's parameters:
    /// USERNAME, PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE, TIMESTAMP.
    pub fn answer(&self, p: &HashMap<String, String>) -> Vec<(&'static str, String)> {
        let VerificationParameters {
            password_claim_secret_block,
            password_claim_signature,
            timestamp,
        } = self
            .srp
            .verify(
                &p["SECRET_BLOCK"],
                &p["USER_ID_FOR_SRP"],
                &p["SALT"],
                &p["SRP_B"],
            )
            .unwrap();
        vec![
            ("USERNAME", p["USER_ID_FOR_SRP"].clone()),
            ("PASSWORD_CLAIM_SECRET_BLOCK", password_claim_secret_block),
            ("PASSWORD_CLAIM_SIGNATURE", password_claim_signature),
            ("TIMESTAMP", timestamp),
        ]
    }
}
