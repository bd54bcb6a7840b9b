//! CUSTOM_AUTH after SRP: USER_SRP_AUTH with `CHALLENGE_NAME: SRP_A`, the
//! PASSWORD_VERIFIER round inside the custom flow, then the custom
//! challenge, against the real trigger server of `triggers_custom_auth.rs`.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, PreventUserExistenceErrorTypes,
};
use serde_json::{Value, json};

use crate::harness::auth::SrpSigner;
use crate::harness::triggers::TriggerServer;
use crate::harness::users::PASSWORD;
use crate::harness::{TestServer, code, message, on_both_backends};
use crate::triggers_custom_auth::{
    answer, challenge_triggers, custom_client, entry, play, pool_with,
};

on_both_backends!(srp_then_custom_challenge);

async fn srp_then_custom_challenge(s: TestServer) {
    let hooks = TriggerServer::start(play).await;
    let c = s.client();
    let pool = pool_with(&c, challenge_triggers(&hooks)).await;
    let client = custom_client(&c, &pool, PreventUserExistenceErrorTypes::Legacy).await;
    let srp_start = |signer: &SrpSigner| {
        c.initiate_auth()
            .client_id(&client)
            .auth_flow(AuthFlowType::CustomAuth)
            .auth_parameters("USERNAME", "pat")
            .auth_parameters("CHALLENGE_NAME", "SRP_A")
            .auth_parameters("SRP_A", &signer.a)
            .client_metadata("step", "srp")
            .send()
    };

    let signer = SrpSigner::new(&pool, &client, "pat", PASSWORD);
    let verifier = srp_start(&signer).await.unwrap();
    assert_eq!(
        verifier.challenge_name,
        Some(ChallengeNameType::PasswordVerifier)
    );
    assert!(verifier.session.is_some());
    let p = verifier.challenge_parameters.unwrap();
    let mut respond = c
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .set_session(verifier.session)
        .client_metadata("step", "password");
    for (k, v) in signer.answer(&p) {
        respond = respond.challenge_responses(k, v);
    }
    let custom = respond.send().await.unwrap();
    assert_eq!(
        custom.challenge_name,
        Some(ChallengeNameType::CustomChallenge)
    );
    let done = answer(&c, &client, "pat", custom.session, "C-3", ("step", "code"))
        .await
        .unwrap();
    assert!(done.authentication_result.unwrap().access_token.is_some());

    let define = hooks.events("DefineAuthChallenge");
    let sessions: Vec<&Value> = define.iter().map(|e| &e["request"]["session"]).collect();
    assert_eq!(
        sessions,
        vec![
            &json!([entry("SRP_A", true, None)]),
            &json!([
                entry("SRP_A", true, None),
                entry("PASSWORD_VERIFIER", true, None)
            ]),
            &json!([
                entry("SRP_A", true, None),
                entry("PASSWORD_VERIFIER", true, None),
                entry("CUSTOM_CHALLENGE", true, Some("CODE-3")),
            ]),
        ]
    );
    let metadata: Vec<&Value> = define
        .iter()
        .map(|e| &e["request"]["clientMetadata"])
        .collect();
    assert_eq!(
        metadata,
        vec![
            &json!({"step": "srp"}),
            &json!({"step": "password"}),
            &json!({"step": "code"}),
        ]
    );
    let create = hooks.events("CreateAuthChallenge");
    assert_eq!(create.len(), 1);
    assert_eq!(
        create[0]["request"]["session"],
        json!([
            entry("SRP_A", true, None),
            entry("PASSWORD_VERIFIER", true, None)
        ])
    );

    // A wrong password ends the sign-in there; DefineAuthChallenge does not
    // run again.
    let signer = SrpSigner::new(&pool, &client, "pat", "Wrong-Passw0rd!");
    let verifier = srp_start(&signer).await.unwrap();
    let p = verifier.challenge_parameters.unwrap();
    let mut respond = c
        .respond_to_auth_challenge()
        .client_id(&client)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .set_session(verifier.session);
    for (k, v) in signer.answer(&p) {
        respond = respond.challenge_responses(k, v);
    }
    let refused = respond.send().await.unwrap_err();
    assert_eq!(code(&refused), "NotAuthorizedException");
    assert_eq!(message(&refused), "Incorrect username or password.");
    assert_eq!(hooks.events("DefineAuthChallenge").len(), 4);
}
