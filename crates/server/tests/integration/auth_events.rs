//! The auth-event history through the AWS SDK: failed and passed sign-ins
//! (password and SRP) and sign-ups recorded with where they came from,
//! AdminListUserAuthEvents newest first with pagination, and
//! AdminUpdateAuthEventFeedback, on both stores.

use aws_sdk_cognitoidentityprovider::types::{
    AuthEventType, ChallengeName, ChallengeResponse, EventResponseType, EventType,
    FeedbackValueType, RiskDecisionType,
};

use crate::harness::auth::{claims, events, setup, srp_login};
use crate::harness::on_both_backends;
use crate::harness::sessions::{CHROME, FIREFOX, call, sign_in};
use crate::harness::users::{PASSWORD, attr};
use crate::harness::{TestServer, code};

on_both_backends!(sign_in_events_newest_first, pages_and_feedback);

/// (challenge, result) pairs of an event.
fn challenges(e: &AuthEventType) -> Vec<(ChallengeName, ChallengeResponse)> {
    e.challenge_responses()
        .iter()
        .map(|c| {
            (
                c.challenge_name.clone().unwrap(),
                c.challenge_response.clone().unwrap(),
            )
        })
        .collect()
}

async fn sign_in_events_newest_first(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    assert!(events(&c, &st.pool, "pat").await.is_empty());
    let body = serde_json::json!({
        "ClientId": st.client,
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": "pat", "PASSWORD": "Wr0ng-password!"},
    });
    let failed = call(&s, "InitiateAuth", body, CHROME).await;
    assert_eq!(failed.error_type(), "NotAuthorizedException");
    let passed = sign_in(&s, &st.client, "pat", PASSWORD, FIREFOX).await;
    let (_, id_claims) = claims(passed["IdToken"].as_str().unwrap());

    let list = events(&c, &st.pool, "pat").await;
    assert_eq!(list.len(), 2, "{list:?}");
    let (newest, oldest) = (&list[0], &list[1]);
    assert_eq!(newest.event_type, Some(EventType::SignIn));
    assert_eq!(newest.event_response, Some(EventResponseType::Pass));
    assert_eq!(
        challenges(newest),
        [(ChallengeName::Password, ChallengeResponse::Success)]
    );
    // A passed sign-in's event is the tokens' event_id.
    assert_eq!(newest.event_id.as_deref(), id_claims["event_id"].as_str());
    let ctx = newest.event_context_data.as_ref().unwrap();
    assert_eq!(ctx.ip_address.as_deref(), Some("127.0.0.1"));
    assert_eq!(ctx.device_name.as_deref(), Some("Firefox 121, Linux"));
    assert_eq!(
        newest.event_risk.as_ref().unwrap().risk_decision,
        Some(RiskDecisionType::NoRisk)
    );
    assert_eq!(oldest.event_type, Some(EventType::SignIn));
    assert_eq!(oldest.event_response, Some(EventResponseType::Fail));
    assert_eq!(
        challenges(oldest),
        [(ChallengeName::Password, ChallengeResponse::Failure)]
    );
    assert_eq!(
        oldest
            .event_context_data
            .as_ref()
            .unwrap()
            .device_name
            .as_deref(),
        Some("Chrome 120, Windows 10")
    );
    assert!(oldest.creation_date.unwrap() <= newest.creation_date.unwrap());
    assert!(oldest.event_feedback.is_none());

    // SRP sign-ins are recorded too, failed and passed.
    assert!(
        srp_login(&c, &st.pool, &st.client, "pat", "Wr0ng-password!")
            .await
            .is_err()
    );
    srp_login(&c, &st.pool, &st.client, "pat", PASSWORD)
        .await
        .unwrap();
    let list = events(&c, &st.pool, "pat").await;
    let responses: Vec<_> = list
        .iter()
        .map(|e| e.event_response.clone().unwrap())
        .collect();
    use EventResponseType::{Fail, Pass};
    assert_eq!(responses, [Pass, Fail, Pass, Fail]);
    // The SDK's own User-Agent names the SDK and the system.
    let sdk = list[0].event_context_data.as_ref().unwrap();
    assert!(
        sdk.device_name
            .as_deref()
            .is_some_and(|d| d.starts_with("aws-sdk-rust")),
        "{sdk:?}"
    );

    // The right password for a disabled user: a failed sign-in whose password
    // passed.
    c.admin_disable_user()
        .user_pool_id(&st.pool)
        .username("pat")
        .send()
        .await
        .unwrap();
    let refused = c
        .initiate_auth()
        .client_id(&st.client)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "pat")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&refused), "NotAuthorizedException");
    let list = events(&c, &st.pool, "pat").await;
    assert_eq!(list[0].event_response, Some(EventResponseType::Fail));
    assert_eq!(
        challenges(&list[0]),
        [(ChallengeName::Password, ChallengeResponse::Success)]
    );
    c.admin_enable_user()
        .user_pool_id(&st.pool)
        .username("pat")
        .send()
        .await
        .unwrap();

    // A sign-up is an event of its own.
    c.sign_up()
        .client_id(&st.client)
        .username("sue")
        .password(PASSWORD)
        .user_attributes(attr("email", "sue@example.com"))
        .send()
        .await
        .unwrap();
    let list = events(&c, &st.pool, "sue").await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].event_type, Some(EventType::SignUp));
    assert_eq!(list[0].event_response, Some(EventResponseType::Pass));
    assert!(challenges(&list[0]).is_empty());
}

async fn pages_and_feedback(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    for i in 0..5 {
        let pw = if i % 2 == 0 {
            PASSWORD
        } else {
            "Wr0ng-password!"
        };
        let body = serde_json::json!({
            "ClientId": st.client,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "pat", "PASSWORD": pw},
        });
        call(&s, "InitiateAuth", body, CHROME).await;
    }
    let all = events(&c, &st.pool, "pat").await;
    assert_eq!(all.len(), 5);
    let mut paged = Vec::new();
    let mut token = None;
    loop {
        let out = c
            .admin_list_user_auth_events()
            .user_pool_id(&st.pool)
            .username("pat")
            .max_results(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        let page = out.auth_events.unwrap();
        assert!(page.len() <= 2);
        paged.extend(page);
        token = out.next_token;
        if token.is_none() {
            break;
        }
    }
    let ids = |l: &[AuthEventType]| -> Vec<String> {
        l.iter().map(|e| e.event_id.clone().unwrap()).collect()
    };
    assert_eq!(ids(&paged), ids(&all));
    let responses: Vec<_> = all
        .iter()
        .map(|e| e.event_response.clone().unwrap())
        .collect();
    use EventResponseType::{Fail, Pass};
    assert_eq!(responses, [Pass, Fail, Pass, Fail, Pass]);

    let bad = c
        .admin_list_user_auth_events()
        .user_pool_id(&st.pool)
        .username("pat")
        .next_token("bm90LWEtbnVtYmVy")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad), "InvalidParameterException");
    let missing = c
        .admin_list_user_auth_events()
        .user_pool_id(&st.pool)
        .username("nobody")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&missing), "UserNotFoundException");

    let failed_id = all[1].event_id.clone().unwrap();
    c.admin_update_auth_event_feedback()
        .user_pool_id(&st.pool)
        .username("pat")
        .event_id(&failed_id)
        .feedback_value(FeedbackValueType::Invalid)
        .send()
        .await
        .unwrap();
    let after = events(&c, &st.pool, "pat").await;
    let fb = after[1].event_feedback.as_ref().unwrap();
    assert_eq!(fb.feedback_value, FeedbackValueType::Invalid);
    assert_eq!(fb.provider, "Admin");
    assert!(fb.feedback_date.is_some());
    assert!(after[0].event_feedback.is_none());
    let unknown = c
        .admin_update_auth_event_feedback()
        .user_pool_id(&st.pool)
        .username("pat")
        .event_id("no-such-event")
        .feedback_value(FeedbackValueType::Valid)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&unknown), "ResourceNotFoundException");
}
