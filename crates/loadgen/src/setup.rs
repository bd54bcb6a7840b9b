//! What scenarios need before the measured loop: the pool (found by id or
//! name, or created), an app client without secret, and the pool's size.
//! These calls are not measured.

use clap::Args;
use serde_json::{Value, json};

use crate::api::Api;

/// The password every generated user gets: it meets Cognito's default
/// policy (8+ characters, upper and lower case, a digit, a symbol).
pub const PASSWORD: &str = "Bench-Passw0rd!";

/// Which pool a scenario works on.
#[derive(Args, Debug, Clone)]
pub struct PoolArgs {
    /// The pool's id; overrides --pool-name.
    #[arg(long, value_name = "ID")]
    pub pool_id: Option<String>,
    /// The pool's name: looked up with ListUserPools (and created by the
    /// scenarios that create users, when missing).
    #[arg(long, value_name = "NAME", default_value = "kognit-bench")]
    pub pool_name: String,
    /// When creating the pool: auto-verify email, so that every sign-up sends
    /// a verification code (to the developer outbox in `kognit dev`).
    #[arg(long)]
    pub verify_email: bool,
    /// When creating the pool: its PreSignUp trigger (a webhook URL or a
    /// Lambda ARN), to measure what a trigger adds to a sign-up.
    #[arg(long, value_name = "URL")]
    pub pre_sign_up: Option<String>,
}

/// Calls `operation` and turns a failure into a message naming it.
async fn call(api: &Api, operation: &str, body: Value) -> Result<Value, String> {
    api.call(operation, &body)
        .await
        .map_err(|e| format!("{operation} failed: {e}"))
}

/// The id of the pool named `name`, if there is one.
async fn find_pool(api: &Api, name: &str) -> Result<Option<String>, String> {
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({ "MaxResults": 60 });
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let page = call(api, "ListUserPools", body).await?;
        let pools = page["UserPools"].as_array().cloned().unwrap_or_default();
        if let Some(p) = pools.iter().find(|p| p["Name"] == name) {
            return Ok(p["Id"].as_str().map(str::to_owned));
        }
        match page["NextToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => return Ok(None),
        }
    }
}

/// Creates a pool with Cognito's defaults: username sign-in, the default
/// password policy, and email auto-verified and a PreSignUp trigger only if
/// asked.
async fn create_pool(api: &Api, args: &PoolArgs) -> Result<String, String> {
    let mut body = json!({ "PoolName": args.pool_name });
    if args.verify_email {
        body["AutoVerifiedAttributes"] = json!(["email"]);
    }
    if let Some(url) = &args.pre_sign_up {
        body["LambdaConfig"] = json!({ "PreSignUp": url });
    }
    let out = call(api, "CreateUserPool", body).await?;
    out["UserPool"]["Id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "CreateUserPool answered no UserPool.Id".to_owned())
}

/// The pool `args` names, or an error if it does not exist.
pub async fn existing_pool(api: &Api, args: &PoolArgs) -> Result<String, String> {
    if let Some(id) = &args.pool_id {
        return Ok(id.clone());
    }
    find_pool(api, &args.pool_name).await?.ok_or_else(|| {
        format!(
            "no pool named {:?}: run the seed scenario first, or pass --pool-id",
            args.pool_name
        )
    })
}

/// The pool `args` names, created when it is given by name and missing.
pub async fn pool_or_create(api: &Api, args: &PoolArgs) -> Result<String, String> {
    if let Some(id) = &args.pool_id {
        return Ok(id.clone());
    }
    match find_pool(api, &args.pool_name).await? {
        Some(id) => Ok(id),
        None => {
            let id = create_pool(api, args).await?;
            eprintln!("created pool {} ({id})", args.pool_name);
            Ok(id)
        }
    }
}

/// A new app client without secret, allowing the sign-in flows the later
/// sign-in scenarios use.
pub async fn create_client(api: &Api, pool_id: &str) -> Result<String, String> {
    let out = call(
        api,
        "CreateUserPoolClient",
        json!({
            "UserPoolId": pool_id,
            "ClientName": "kognit-loadgen",
            "ExplicitAuthFlows": [
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_USER_SRP_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH"
            ],
        }),
    )
    .await?;
    out["UserPoolClient"]["ClientId"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "CreateUserPoolClient answered no ClientId".to_owned())
}

/// How many users the pool has (DescribeUserPool's EstimatedNumberOfUsers).
pub async fn user_count(api: &Api, pool_id: &str) -> Result<u64, String> {
    let out = call(api, "DescribeUserPool", json!({ "UserPoolId": pool_id })).await?;
    Ok(out["UserPool"]["EstimatedNumberOfUsers"]
        .as_u64()
        .unwrap_or(0))
}

/// The username of generated user number `n`.
pub fn username(n: u64) -> String {
    format!("u{n}")
}

/// The email of generated user number `n`.
pub fn email(n: u64) -> String {
    format!("u{n}@example.com")
}

/// What the sign-in scenarios need: a fresh pool, a client allowing
/// USER_PASSWORD_AUTH, USER_SRP_AUTH and REFRESH_TOKEN_AUTH, and `users`
/// users `u0…` with the permanent password [`PASSWORD`].
pub struct SignInPool {
    /// The new pool's id.
    pub pool_id: String,
    /// The new client's id (no secret).
    pub client_id: String,
    /// How many users `u0…u<users-1>` it has.
    pub users: u64,
}

/// How many setup calls run at once.
const SETUP_CONCURRENCY: u64 = 16;

/// Creates a new pool named `<prefix>-<time>`, its client and `users` users
/// (AdminCreateUser with MessageAction SUPPRESS, then AdminSetUserPassword
/// Permanent), `SETUP_CONCURRENCY` at a time. Not measured.
pub async fn sign_in_pool(api: &Api, prefix: &str, users: u64) -> Result<SignInPool, String> {
    if users == 0 {
        return Err("--users must be at least 1".to_owned());
    }
    let name = format!("{prefix}-{}", crate::rng::Rng::seed_from_time());
    let args = PoolArgs {
        pool_id: None,
        pool_name: name.clone(),
        verify_email: false,
        pre_sign_up: None,
    };
    let pool_id = create_pool(api, &args).await?;
    let client_id = create_client(api, &pool_id).await?;
    eprintln!("created pool {name} ({pool_id}), client {client_id}; creating {users} users");
    let mut tasks = tokio::task::JoinSet::new();
    for lane in 0..SETUP_CONCURRENCY.min(users) {
        let (api, pool_id) = (api.clone(), pool_id.clone());
        tasks.spawn(async move {
            let mut n = lane;
            while n < users {
                let user = username(n);
                call(
                    &api,
                    "AdminCreateUser",
                    json!({
                        "UserPoolId": pool_id,
                        "Username": user,
                        "MessageAction": "SUPPRESS",
                    }),
                )
                .await?;
                call(
                    &api,
                    "AdminSetUserPassword",
                    json!({
                        "UserPoolId": pool_id,
                        "Username": user,
                        "Password": PASSWORD,
                        "Permanent": true,
                    }),
                )
                .await?;
                n += SETUP_CONCURRENCY;
            }
            Ok::<_, String>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| format!("setup task failed: {e}"))??;
    }
    Ok(SignInPool {
        pool_id,
        client_id,
        users,
    })
}

/// The tokens of one sign-in.
pub struct Tokens {
    /// `AuthenticationResult.AccessToken`.
    pub access: String,
    /// `AuthenticationResult.RefreshToken`.
    pub refresh: String,
}

/// Signs every user of `pool` in once (InitiateAuth USER_PASSWORD_AUTH),
/// `SETUP_CONCURRENCY` at a time; their tokens, indexed by user number.
/// Not measured.
pub async fn sign_in_all(api: &Api, pool: &SignInPool) -> Result<Vec<Tokens>, String> {
    let mut tasks = tokio::task::JoinSet::new();
    for lane in 0..SETUP_CONCURRENCY.min(pool.users) {
        let (api, client_id, users) = (api.clone(), pool.client_id.clone(), pool.users);
        tasks.spawn(async move {
            let mut got = Vec::new();
            let mut n = lane;
            while n < users {
                let out = call(&api, "InitiateAuth", password_auth(&client_id, n)).await?;
                let result = &out["AuthenticationResult"];
                let (Some(access), Some(refresh)) = (
                    result["AccessToken"].as_str(),
                    result["RefreshToken"].as_str(),
                ) else {
                    return Err(format!(
                        "InitiateAuth of {} answered no tokens",
                        username(n)
                    ));
                };
                got.push((
                    n,
                    Tokens {
                        access: access.to_owned(),
                        refresh: refresh.to_owned(),
                    },
                ));
                n += SETUP_CONCURRENCY;
            }
            Ok::<_, String>(got)
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.map_err(|e| format!("sign-in task failed: {e}"))??);
    }
    all.sort_by_key(|(n, _)| *n);
    eprintln!("signed in {} users once", all.len());
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

/// The InitiateAuth USER_PASSWORD_AUTH body for user number `n`.
pub fn password_auth(client_id: &str, n: u64) -> Value {
    json!({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": client_id,
        "AuthParameters": { "USERNAME": username(n), "PASSWORD": PASSWORD },
    })
}
