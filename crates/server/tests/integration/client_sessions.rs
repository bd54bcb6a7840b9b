//! kognit extension `Kognit.RevokeClientSessions`: every session begun
//! through one app client ends (refresh tokens revoked, access tokens
//! refused), the other clients' sessions go on, and the client stays.

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use serde_json::json;

use crate::harness::auth::{Setup, password_client, password_login, setup};
use crate::harness::users::PASSWORD;
use crate::harness::{TestServer, code, on_both_backends};

on_both_backends!(revoking_one_client_ends_only_its_sessions);

async fn revoking_one_client_ends_only_its_sessions(s: TestServer) {
    let c = s.client();
    let a = setup(&c).await;
    let b = Setup {
        pool: a.pool.clone(),
        client: password_client(&c, &a.pool).await,
    };
    // Two sessions through A, one through B.
    let a1 = password_login(&c, &a, "pat", PASSWORD).await;
    let a2 = password_login(&c, &a, "pat", PASSWORD).await;
    let b1 = password_login(&c, &b, "pat", PASSWORD).await;

    let body = json!({"UserPoolId": a.pool, "ClientId": a.client});
    let r = s
        .raw(Some("Kognit.RevokeClientSessions"), body.to_string())
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json, json!({"RevokedSessions": 2}));

    for tokens in [&a1, &a2] {
        let e = c
            .initiate_auth()
            .client_id(&a.client)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", tokens.refresh_token.clone().unwrap())
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "NotAuthorizedException");
        let e = c
            .get_user()
            .access_token(tokens.access_token.clone().unwrap())
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "NotAuthorizedException");
    }
    // B's session goes on: its access token works and it refreshes.
    c.get_user()
        .access_token(b1.access_token.clone().unwrap())
        .send()
        .await
        .unwrap();
    let refreshed = c
        .initiate_auth()
        .client_id(&b.client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", b1.refresh_token.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert!(
        refreshed
            .authentication_result
            .unwrap()
            .access_token
            .is_some()
    );
    // A still exists, and signing in through it again works.
    c.describe_user_pool_client()
        .user_pool_id(&a.pool)
        .client_id(&a.client)
        .send()
        .await
        .unwrap();
    let again = password_login(&c, &a, "pat", PASSWORD).await;
    c.get_user()
        .access_token(again.access_token.unwrap())
        .send()
        .await
        .unwrap();
    // Nothing left to end through A until then; the new session is one.
    let r = s
        .raw(Some("Kognit.RevokeClientSessions"), body.to_string())
        .await;
    assert_eq!(r.json, json!({"RevokedSessions": 1}));

    // Unknown pool or client; malformed input.
    let cases = [
        (
            json!({"UserPoolId": a.pool, "ClientId": "nosuchclient0000000000000a"}),
            "ResourceNotFoundException",
        ),
        (
            json!({"UserPoolId": "us-east-1_nothere00", "ClientId": a.client}),
            "ResourceNotFoundException",
        ),
        (json!({"UserPoolId": a.pool}), "InvalidParameterException"),
        (
            json!({"UserPoolId": a.pool, "ClientId": "bad id\u{0}"}),
            "InvalidParameterException",
        ),
        (
            json!({"UserPoolId": a.pool, "ClientId": a.client, "Extra": true}),
            "InvalidParameterException",
        ),
    ];
    for (body, want) in cases {
        let r = s
            .raw(Some("Kognit.RevokeClientSessions"), body.to_string())
            .await;
        assert_eq!(r.status, 400, "{body}: {}", r.json);
        assert_eq!(r.error_type(), want, "{body}: {}", r.json);
    }
}
