//! Client compatibility: Amplify (aws-amplify v6), pointed at kognit with
//! `userPoolEndpoint`, takes a user from sign-up to deletion: its own SRP
//! sign-in, sessions and refresh, attribute updates, a global sign-out and a
//! password reset (`crates/server/tests/js/amplify_user.mjs`).

use crate::harness::TestServer;
use crate::harness::on_both_backends;
use crate::harness::scripts::{node, node_available};

on_both_backends!(js_amplify_user_life);

async fn js_amplify_user_life(s: TestServer) {
    if !node_available() {
        return;
    }
    let c = s.client();
    let (pool, client) = crate::harness::email_srp_pool(&c, "amplify").await;
    let r = node("amplify_user.mjs", &[&s.url, &pool, &client]).await;
    assert!(r.ok, "Amplify failed: {}", r.json);
    let v = &r.json;

    let sign_up = &v["signUp"];
    assert_eq!(sign_up["isSignUpComplete"], false);
    assert_eq!(sign_up["nextStep"]["signUpStep"], "CONFIRM_SIGN_UP");
    let delivery = &sign_up["nextStep"]["codeDeliveryDetails"];
    assert_eq!(delivery["deliveryMedium"], "EMAIL");
    assert_eq!(delivery["attributeName"], "email");
    let sub = sign_up["userId"].as_str().expect("userId").to_owned();
    assert_eq!(v["confirmSignUp"]["nextStep"]["signUpStep"], "DONE");
    assert_eq!(v["wrongPassword"], "NotAuthorizedException");

    assert_eq!(v["signIn"]["isSignedIn"], true);
    assert_eq!(v["signIn"]["nextStep"]["signInStep"], "DONE");
    let current = &v["currentUser"];
    assert_eq!(current["username"], "sam");
    assert_eq!(current["userId"], sub.as_str());
    assert_eq!(current["signInDetails"]["authFlowType"], "USER_SRP_AUTH");
    assert_eq!(
        v["attributes"],
        serde_json::json!({"sub": sub, "email": "sam@example.com", "email_verified": "true"})
    );
    let id = &v["idToken"];
    assert_eq!(id["iss"], format!("{}/{}", s.url, pool).as_str());
    assert_eq!(id["aud"], client.as_str());
    assert_eq!(id["cognito:username"], "sam");
    assert_eq!(v["refreshed"], true);

    assert_eq!(v["update"]["name"]["isUpdated"], true);
    assert_eq!(v["attributesAfterUpdate"]["name"], "Sam");
    let reset = &v["resetPassword"]["nextStep"];
    assert_eq!(
        reset["resetPasswordStep"],
        "CONFIRM_RESET_PASSWORD_WITH_CODE"
    );
    assert_eq!(reset["codeDeliveryDetails"]["deliveryMedium"], "EMAIL");
    assert_eq!(v["signInAfterReset"]["isSignedIn"], true);
    assert_eq!(v["deleted"], true);
    let p = crate::harness::describe_pool(&c, &pool).await;
    assert_eq!(p.estimated_number_of_users, 0);
}
