//! Users: the tests' password, attributes, a pool that verifies email, and
//! what AdminGetUser shows of a user.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, PreventUserExistenceErrorTypes, SchemaAttributeType, UserStatusType,
    VerifiedAttributeType,
};

use crate::harness::code;

/// The password of the tests' users: it meets the default password policy.
pub const PASSWORD: &str = "Corr3ct-Horse!";

/// A user attribute `name` = `value`.
pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

/// A pool that auto-verifies email and requires it, with one client.
pub async fn email_pool(c: &Client, prevent: bool) -> (String, String) {
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("users")
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .schema(
                SchemaAttributeType::builder()
                    .name("email")
                    .required(true)
                    .build(),
            ),
    )
    .await;
    let mut req = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("app");
    if prevent {
        req = req.prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled);
    }
    let client = req
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    (pool, client)
}

/// A user's attributes as AdminGetUser lists them.
pub async fn admin_attributes(c: &Client, pool: &str, user: &str) -> Vec<AttributeType> {
    let out = c
        .admin_get_user()
        .user_pool_id(pool)
        .username(user)
        .send()
        .await
        .unwrap();
    out.user_attributes.unwrap_or_default()
}

/// One attribute of a user, as AdminGetUser lists it.
pub async fn attr_of(c: &Client, pool: &str, user: &str, name: &str) -> Option<String> {
    admin_attributes(c, pool, user)
        .await
        .into_iter()
        .find(|a| a.name == name)
        .and_then(|a| a.value)
}

/// A user's status, as AdminGetUser shows it.
pub async fn status_of(c: &Client, pool: &str, user: &str) -> UserStatusType {
    c.admin_get_user()
        .user_pool_id(pool)
        .username(user)
        .send()
        .await
        .unwrap()
        .user_status
        .unwrap()
}

/// The Cognito error name of a failed SDK call (the harness's [`code`]).
pub fn code_of<E, R>(e: &aws_sdk_cognitoidentityprovider::error::SdkError<E, R>) -> String
where
    E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    code(e)
}

/// A further client (`extra`, no secret, default flows) of `pool`; its id.
pub async fn email_pool_client(c: &Client, pool: &str) -> String {
    c.create_user_pool_client()
        .user_pool_id(pool)
        .client_name("extra")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}
