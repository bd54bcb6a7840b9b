//! Two kognit processes over one PostgreSQL behave as one server: sign in on
//! one, answer the SRP challenge and refresh on the other, sign out globally on
//! one, and the old access token fails on the other.

use std::collections::HashMap;

use aws_cognito_srp::{SrpClient, User, UserAuthenticationParameters, VerificationParameters};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use kognit::config::Mode;

use crate::harness::auth::setup;
use crate::harness::users::PASSWORD;
use crate::harness::{Backend, TestServer, code, fresh_pg_database, message};

async fn node(url: &str, master_key: &str) -> TestServer {
    let (url, key) = (url.to_owned(), master_key.to_owned());
    TestServer::with_mode(Backend::Sqlite, Mode::Dev, move |c| {
        c.database_url = Some(url);
        c.master_key = Some(key);
        // Both nodes stand behind one public address, so they share the issuer.
        c.public_url = Some("http://kognit.test".into());
    })
    .await
    .expect("node starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_act_as_one() {
    let Some(db) = fresh_pg_database().await else {
        return;
    };
    let master = kognit_core::crypto::MasterKey::generate().to_base64();
    let a = node(&db.url, &master).await;
    let b = node(&db.url, &master).await;
    let (ca, cb) = (a.client(), b.client());
    let st = setup(&ca).await;

    // SRP: the challenge from node A is answered on node B.
    let srp = SrpClient::new(User::new(&st.pool, "pat", PASSWORD), &st.client, None);
    let UserAuthenticationParameters { a: srp_a, username } = srp.get_auth_parameters();
    let start = ca
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("SRP_A", srp_a)
        .send()
        .await
        .unwrap();
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
        .unwrap();
    let tokens = cb
        .respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .challenge_responses("USERNAME", &p["USER_ID_FOR_SRP"])
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", password_claim_secret_block)
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", password_claim_signature)
        .challenge_responses("TIMESTAMP", timestamp)
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let access = tokens.access_token.unwrap();

    // Refresh on B; both nodes accept both access tokens.
    let refreshed = cb
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token.unwrap())
        .send()
        .await
        .unwrap()
        .authentication_result
        .unwrap();
    let refreshed_access = refreshed.access_token.unwrap();
    ca.get_user()
        .access_token(&refreshed_access)
        .send()
        .await
        .unwrap();
    cb.get_user().access_token(&access).send().await.unwrap();

    // Global sign-out on A: the old tokens fail on B.
    ca.global_sign_out()
        .access_token(&access)
        .send()
        .await
        .unwrap();
    for t in [&access, &refreshed_access] {
        let e = cb.get_user().access_token(t).send().await.unwrap_err();
        assert_eq!(code(&e), "NotAuthorizedException");
        assert_eq!(message(&e), "Access Token has been revoked");
    }
}
