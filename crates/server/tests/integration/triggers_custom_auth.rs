//! CUSTOM_AUTH end to end against a real HTTP trigger server playing
//! DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse
//! (by path, an emailed-code sign-in): the exact events of every round, the
//! session history they carry, failures, SRP before the custom challenge,
//! unknown users, and the refusals.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, LambdaConfigType,
    PreventUserExistenceErrorTypes,
};
use serde_json::{Value, json};

use crate::harness::auth::create_user;
use crate::harness::triggers::{Call, Reply, TriggerServer};
use crate::harness::{TestServer, code, message, on_both_backends};

on_both_backends!(
    passwordless_sign_in_in_two_rounds,
    fail_authentication_and_unknown_users,
    refusals_and_admin_flow,
);

/// The trigger server's answers, by path. Define: no history → a custom
/// challenge; a right custom answer → tokens; three challenges, or (with
/// `strict` in the client metadata) any wrong answer → failure (never, with
/// `endless`); after SRP_A
/// → PASSWORD_VERIFIER. Create: the code `C-<round>`, public hint,
/// metadata `CODE-<round>`. Verify: the answer against the private code.
pub(crate) fn play(call: &Call) -> Reply {
    let e = &call.event;
    let req = &e["request"];
    match call.path.as_str() {
        "/define" => {
            let session = req["session"].as_array().cloned().unwrap_or_default();
            let last = session.last();
            let strict = req["clientMetadata"]["strict"] == "yes";
            let endless = req["clientMetadata"]["endless"] == "yes";
            let response = match last {
                None => {
                    json!({"challengeName": "CUSTOM_CHALLENGE", "issueTokens": false, "failAuthentication": false})
                }
                Some(l) if l["challengeName"] == "SRP_A" => {
                    json!({"challengeName": "PASSWORD_VERIFIER", "issueTokens": false, "failAuthentication": false})
                }
                Some(l)
                    if l["challengeResult"] == true && l["challengeName"] == "CUSTOM_CHALLENGE" =>
                {
                    json!({"issueTokens": true, "failAuthentication": false})
                }
                Some(l) if l["challengeResult"] == false && strict => {
                    json!({"issueTokens": false, "failAuthentication": true})
                }
                _ if session.len() >= 3 && !endless => {
                    json!({"issueTokens": false, "failAuthentication": true})
                }
                _ => {
                    json!({"challengeName": "CUSTOM_CHALLENGE", "issueTokens": false, "failAuthentication": false})
                }
            };
            Reply::respond(e.clone(), response)
        }
        "/create" => {
            if req["clientMetadata"]["create"] == "throw" {
                return Reply::throw("Mail is down");
            }
            let round = req["session"].as_array().map_or(0, Vec::len) + 1;
            Reply::respond(
                e.clone(),
                json!({
                    "publicChallengeParameters": {"hint": "code sent to p***@example.com"},
                    "privateChallengeParameters": {"code": format!("C-{round}")},
                    "challengeMetadata": format!("CODE-{round}"),
                }),
            )
        }
        "/verify" => {
            let right = req["challengeAnswer"] == req["privateChallengeParameters"]["code"];
            Reply::respond(e.clone(), json!({"answerCorrect": right}))
        }
        _ => Reply::throw("unknown path"),
    }
}

/// The three challenge triggers on `hooks`.
pub(crate) fn challenge_triggers(hooks: &TriggerServer) -> LambdaConfigType {
    LambdaConfigType::builder()
        .define_auth_challenge(hooks.url("/define"))
        .create_auth_challenge(hooks.url("/create"))
        .verify_auth_challenge_response(hooks.url("/verify"))
        .build()
}

/// A pool with these triggers and a confirmed user `pat`.
pub(crate) async fn pool_with(c: &Client, lambda: LambdaConfigType) -> String {
    let pool = crate::harness::pool_id(
        c.create_user_pool()
            .pool_name("custom")
            .lambda_config(lambda),
    )
    .await;
    create_user(c, &pool, "pat").await;
    pool
}

/// A client of `pool` with these flows and PreventUserExistenceErrors.
async fn client_with(
    c: &Client,
    pool: &str,
    flows: &[ExplicitAuthFlowsType],
    hide: PreventUserExistenceErrorTypes,
) -> String {
    c.create_user_pool_client()
        .user_pool_id(pool)
        .client_name("app")
        .set_explicit_auth_flows(Some(flows.to_vec()))
        .prevent_user_existence_errors(hide)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}

/// A client allowing CUSTOM_AUTH, SRP and refresh.
pub(crate) async fn custom_client(
    c: &Client,
    pool: &str,
    hide: PreventUserExistenceErrorTypes,
) -> String {
    use ExplicitAuthFlowsType as F;
    client_with(
        c,
        pool,
        &[
            F::AllowCustomAuth,
            F::AllowUserSrpAuth,
            F::AllowRefreshTokenAuth,
        ],
        hide,
    )
    .await
}

/// A session entry as DefineAuthChallenge sees it.
pub(crate) fn entry(name: &str, result: bool, metadata: Option<&str>) -> Value {
    json!({"challengeName": name, "challengeResult": result, "challengeMetadata": metadata})
}

/// InitiateAuth with CUSTOM_AUTH for `user`, with one ClientMetadata pair.
pub(crate) async fn start(
    c: &Client,
    client: &str,
    user: &str,
    meta: (&str, &str),
) -> Result<aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput, String> {
    c.initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::CustomAuth)
        .auth_parameters("USERNAME", user)
        .client_metadata(meta.0, meta.1)
        .send()
        .await
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

/// RespondToAuthChallenge with CUSTOM_CHALLENGE.
pub(crate) async fn answer(
    c: &Client,
    client: &str,
    user: &str,
    session: Option<String>,
    answer: &str,
    meta: (&str, &str),
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput,
    String,
>{
    c.respond_to_auth_challenge()
        .client_id(client)
        .challenge_name(ChallengeNameType::CustomChallenge)
        .challenge_responses("USERNAME", user)
        .challenge_responses("ANSWER", answer)
        .set_session(session)
        .client_metadata(meta.0, meta.1)
        .send()
        .await
        .map_err(|e| format!("{}: {}", code(&e), message(&e)))
}

async fn passwordless_sign_in_in_two_rounds(s: TestServer) {
    let hooks = TriggerServer::start(play).await;
    let c = s.client();
    let pool = pool_with(&c, challenge_triggers(&hooks)).await;
    let client = custom_client(&c, &pool, PreventUserExistenceErrorTypes::Legacy).await;

    let first = start(&c, &client, "pat", ("step", "init")).await.unwrap();
    assert_eq!(
        first.challenge_name,
        Some(ChallengeNameType::CustomChallenge)
    );
    assert!(first.authentication_result.is_none());
    let expected: HashMap<String, String> = [
        (
            "hint".to_owned(),
            "code sent to p***@example.com".to_owned(),
        ),
        ("USERNAME".to_owned(), "pat".to_owned()),
    ]
    .into();
    assert_eq!(first.challenge_parameters.as_ref(), Some(&expected));
    let wrong = answer(&c, &client, "pat", first.session, "C-9", ("step", "first"))
        .await
        .unwrap();
    assert_eq!(
        wrong.challenge_name,
        Some(ChallengeNameType::CustomChallenge)
    );
    assert_eq!(wrong.challenge_parameters.as_ref(), Some(&expected));
    let right = answer(&c, &client, "pat", wrong.session, "C-2", ("step", "second"))
        .await
        .unwrap();
    assert!(right.challenge_name.is_none());
    let tokens = right.authentication_result.unwrap();
    let me = c
        .get_user()
        .access_token(tokens.access_token.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.username, "pat");
    assert!(tokens.refresh_token.is_some() && tokens.id_token.is_some());

    // DefineAuthChallenge: the whole event of the first round, then the
    // history growing by one entry per answer, with that call's metadata.
    let define = hooks.events("DefineAuthChallenge");
    assert_eq!(define.len(), 3);
    let sub = define[0]["request"]["userAttributes"]["sub"].clone();
    assert!(sub.is_string());
    assert_eq!(
        define[0],
        json!({
            "version": "1",
            "triggerSource": "DefineAuthChallenge_Authentication",
            "region": "us-east-1",
            "userPoolId": pool,
            "userName": "pat",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client},
            "request": {
                "userAttributes": {
                    "sub": sub,
                    "email": "pat@example.com",
                    "email_verified": "true",
                    "cognito:user_status": "CONFIRMED",
                },
                "session": [],
                "clientMetadata": {"step": "init"},
            },
            "response": {"challengeName": null, "issueTokens": null, "failAuthentication": null},
        })
    );
    assert_eq!(
        define[1]["request"]["session"],
        json!([entry("CUSTOM_CHALLENGE", false, Some("CODE-1"))])
    );
    assert_eq!(
        define[1]["request"]["clientMetadata"],
        json!({"step": "first"})
    );
    assert_eq!(
        define[2]["request"]["session"],
        json!([
            entry("CUSTOM_CHALLENGE", false, Some("CODE-1")),
            entry("CUSTOM_CHALLENGE", true, Some("CODE-2")),
        ])
    );
    assert_eq!(
        define[2]["request"]["clientMetadata"],
        json!({"step": "second"})
    );

    // CreateAuthChallenge: the challenge name and the history so far.
    let create = hooks.events("CreateAuthChallenge");
    assert_eq!(create.len(), 2);
    assert_eq!(
        create[0]["triggerSource"],
        "CreateAuthChallenge_Authentication"
    );
    assert_eq!(create[0]["userName"], "pat");
    let mut request = create[0]["request"].clone();
    request.as_object_mut().unwrap().remove("userAttributes");
    assert_eq!(
        request,
        json!({"challengeName": "CUSTOM_CHALLENGE", "session": [], "clientMetadata": {"step": "init"}})
    );
    assert_eq!(
        create[0]["response"],
        json!({"publicChallengeParameters": null, "privateChallengeParameters": null, "challengeMetadata": null})
    );
    assert_eq!(
        create[1]["request"]["session"],
        json!([entry("CUSTOM_CHALLENGE", false, Some("CODE-1"))])
    );
    assert_eq!(
        create[1]["request"]["clientMetadata"],
        json!({"step": "first"})
    );

    // VerifyAuthChallengeResponse: the open challenge's private parameters
    // and the answer, with the answering call's metadata.
    let verify = hooks.events("VerifyAuthChallengeResponse");
    assert_eq!(verify.len(), 2);
    assert_eq!(
        verify[0]["triggerSource"],
        "VerifyAuthChallengeResponse_Authentication"
    );
    let mut request = verify[0]["request"].clone();
    assert_eq!(request["userAttributes"]["sub"], sub);
    request.as_object_mut().unwrap().remove("userAttributes");
    assert_eq!(
        request,
        json!({
            "privateChallengeParameters": {"code": "C-1"},
            "challengeAnswer": "C-9",
            "clientMetadata": {"step": "first"},
        })
    );
    assert_eq!(verify[0]["response"], json!({"answerCorrect": null}));
    assert_eq!(
        verify[1]["request"]["privateChallengeParameters"],
        json!({"code": "C-2"})
    );
    assert_eq!(verify[1]["request"]["challengeAnswer"], "C-2");

    // A session answers one challenge only as the user it was made for.
    let again = start(&c, &client, "pat", ("step", "init")).await.unwrap();
    create_user(&c, &pool, "quinn").await;
    let other = answer(&c, &client, "quinn", again.session, "C-1", ("step", "x")).await;
    assert_eq!(
        other.unwrap_err(),
        "NotAuthorizedException: Invalid session for the user."
    );
}

async fn fail_authentication_and_unknown_users(s: TestServer) {
    let hooks = TriggerServer::start(play).await;
    let c = s.client();
    let pool = pool_with(&c, challenge_triggers(&hooks)).await;
    let legacy = custom_client(&c, &pool, PreventUserExistenceErrorTypes::Legacy).await;

    // failAuthentication ends the sign-in as a wrong password does.
    let first = start(&c, &legacy, "pat", ("strict", "yes")).await.unwrap();
    let failed = answer(&c, &legacy, "pat", first.session, "nope", ("strict", "yes")).await;
    assert_eq!(
        failed.unwrap_err(),
        "NotAuthorizedException: Incorrect username or password."
    );
    assert_eq!(hooks.events("DefineAuthChallenge").len(), 2);

    // A DefineAuthChallenge that never decides: kognit ends the sign-in after
    // MAX_CHALLENGES (10) challenges.
    let mut session = start(&c, &legacy, "pat", ("endless", "yes"))
        .await
        .unwrap()
        .session;
    for _ in 1..10 {
        let next = answer(&c, &legacy, "pat", session, "nope", ("endless", "yes")).await;
        session = next.unwrap().session;
    }
    let ended = answer(&c, &legacy, "pat", session, "nope", ("endless", "yes")).await;
    assert_eq!(
        ended.unwrap_err(),
        "NotAuthorizedException: Incorrect username or password."
    );

    // Each session lives for the client's AuthSessionValidity (3 minutes).
    let fresh = start(&c, &legacy, "pat", ("step", "init")).await.unwrap();
    s.clock.advance(3 * 60_000 + 1_000);
    let expired = answer(&c, &legacy, "pat", fresh.session, "C-1", ("step", "x")).await;
    assert_eq!(
        expired.unwrap_err(),
        "NotAuthorizedException: Invalid session for the user, session is expired."
    );

    // A function that throws fails the step with its message.
    let thrown = start(&c, &legacy, "pat", ("create", "throw")).await;
    assert_eq!(
        thrown.unwrap_err(),
        "UserLambdaValidationException: CreateAuthChallenge failed with error Mail is down."
    );

    // An unknown user: UserNotFoundException, and no trigger runs.
    let before = hooks.calls().len();
    let unknown = start(&c, &legacy, "nobody", ("step", "init")).await;
    assert_eq!(
        unknown.unwrap_err(),
        "UserNotFoundException: User does not exist."
    );
    assert_eq!(hooks.calls().len(), before);

    // Where the client hides which users exist, the triggers run with
    // userNotFound (true for the unknown user, false for a real one) and the
    // flow looks the same, but never yields tokens.
    let hiding = custom_client(&c, &pool, PreventUserExistenceErrorTypes::Enabled).await;
    let ghost = start(&c, &hiding, "nobody", ("step", "init"))
        .await
        .unwrap();
    assert_eq!(
        ghost.challenge_name,
        Some(ChallengeNameType::CustomChallenge)
    );
    assert_eq!(
        ghost.challenge_parameters.as_ref().unwrap()["USERNAME"],
        "nobody"
    );
    let define = hooks.events("DefineAuthChallenge");
    let last = define.last().unwrap();
    assert_eq!(last["userName"], "nobody");
    assert_eq!(last["request"]["userNotFound"], true);
    assert_eq!(last["request"]["userAttributes"], json!({}));
    let denied = answer(&c, &hiding, "nobody", ghost.session, "C-1", ("step", "x")).await;
    assert_eq!(
        denied.unwrap_err(),
        "NotAuthorizedException: Incorrect username or password."
    );
    let verify = hooks.events("VerifyAuthChallengeResponse");
    assert_eq!(verify.last().unwrap()["request"]["userNotFound"], true);
    let real = start(&c, &hiding, "pat", ("step", "init")).await.unwrap();
    assert_eq!(
        real.challenge_name,
        Some(ChallengeNameType::CustomChallenge)
    );
    let define = hooks.events("DefineAuthChallenge");
    assert_eq!(define.last().unwrap()["request"]["userNotFound"], false);
    // Without the clients' hiding, userNotFound is left out.
    assert!(define[0]["request"].get("userNotFound").is_none());
}

async fn refusals_and_admin_flow(s: TestServer) {
    use ExplicitAuthFlowsType as F;
    let hooks = TriggerServer::start(play).await;
    let c = s.client();
    let pool = pool_with(&c, challenge_triggers(&hooks)).await;

    // A client without ALLOW_CUSTOM_AUTH.
    let no_custom = client_with(
        &c,
        &pool,
        &[F::AllowUserPasswordAuth, F::AllowRefreshTokenAuth],
        PreventUserExistenceErrorTypes::Legacy,
    )
    .await;
    assert_eq!(
        start(&c, &no_custom, "pat", ("step", "init"))
            .await
            .unwrap_err(),
        "InvalidParameterException: CUSTOM_AUTH flow not enabled for this client"
    );
    assert!(hooks.calls().is_empty());

    // The legacy CUSTOM_AUTH_FLOW_ONLY allows it.
    let legacy = client_with(
        &c,
        &pool,
        &[F::CustomAuthFlowOnly],
        PreventUserExistenceErrorTypes::Legacy,
    )
    .await;
    let ok = start(&c, &legacy, "pat", ("step", "init")).await.unwrap();
    assert_eq!(ok.challenge_name, Some(ChallengeNameType::CustomChallenge));

    // A pool without DefineAuthChallenge.
    let bare = pool_with(&c, LambdaConfigType::builder().build()).await;
    let bare_client = custom_client(&c, &bare, PreventUserExistenceErrorTypes::Legacy).await;
    assert_eq!(
        start(&c, &bare_client, "pat", ("step", "init"))
            .await
            .unwrap_err(),
        "InvalidParameterException: Custom auth lambda trigger is not configured for the user pool."
    );

    // AdminInitiateAuth and AdminRespondToAuthChallenge run the same flow.
    let client = custom_client(&c, &pool, PreventUserExistenceErrorTypes::Legacy).await;
    let first = c
        .admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&client)
        .auth_flow(AuthFlowType::CustomAuth)
        .auth_parameters("USERNAME", "pat")
        .send()
        .await
        .unwrap();
    assert_eq!(
        first.challenge_name,
        Some(ChallengeNameType::CustomChallenge)
    );
    let done = c
        .admin_respond_to_auth_challenge()
        .user_pool_id(&pool)
        .client_id(&client)
        .challenge_name(ChallengeNameType::CustomChallenge)
        .challenge_responses("USERNAME", "pat")
        .challenge_responses("ANSWER", "C-1")
        .set_session(first.session)
        .send()
        .await
        .unwrap();
    assert!(done.authentication_result.is_some());
    let define = hooks.events("DefineAuthChallenge");
    // No ClientMetadata on the admin calls: none in the events.
    assert!(
        define.last().unwrap()["request"]
            .get("clientMetadata")
            .is_none()
    );
}
