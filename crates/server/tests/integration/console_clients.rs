//! The console's groups and app clients pages over HTTP, on both stores: a
//! browser signed in on loopback (`kognit dev`) posts the forms, and the AWS
//! SDK checks what they did. A client secret is shown once; a form without
//! its CSRF token is refused and changes nothing.

use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType as Flow, OAuthFlowType, PreventUserExistenceErrorTypes, TimeUnitsType,
};

use crate::harness::console::ConsoleClient;
use crate::harness::on_both_backends;
use crate::harness::{TestServer, create_pool};

on_both_backends!(
    creates_a_group_and_adds_a_member,
    creates_a_client_with_its_settings_and_shows_the_secret_once,
    updating_a_client_keeps_what_the_form_does_not_show,
    refuses_forms_without_the_csrf_token,
    destructive_actions_need_confirming,
);

async fn creates_a_group_and_adds_a_member(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "console-groups").await;
    let b = ConsoleClient::dev(&s).await;
    let groups = format!("/console/pools/{pool}/groups");
    let created = b
        .post(
            &groups,
            &[
                ("GroupName", "night/ops"),
                ("Description", "Who is on call"),
                ("Precedence", "4"),
                ("RoleArn", "arn:aws:iam::123456789012:role/ops"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let page = format!("{groups}/night%2Fops");
    assert!(
        created
            .location
            .as_deref()
            .unwrap_or_default()
            .starts_with(&page),
        "{:?}",
        created.location
    );
    let g = c
        .get_group()
        .user_pool_id(&pool)
        .group_name("night/ops")
        .send()
        .await
        .unwrap()
        .group
        .unwrap();
    assert_eq!(g.description(), Some("Who is on call"));
    assert_eq!(g.precedence(), Some(4));
    assert_eq!(g.role_arn(), Some("arn:aws:iam::123456789012:role/ops"));

    // The same name again: the page again, the error beside the name.
    let again = b.post(&groups, &[("GroupName", "night/ops")]).await;
    assert_eq!(again.status, 400);
    assert!(
        again.body.contains(r#"id="GroupName-err""#),
        "{}",
        again.body
    );

    c.admin_create_user()
        .user_pool_id(&pool)
        .username("ana")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let added = b
        .post(&format!("{page}/add-member"), &[("Username", "ana")])
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let members = c
        .list_users_in_group()
        .user_pool_id(&pool)
        .group_name("night/ops")
        .send()
        .await
        .unwrap();
    assert_eq!(members.users()[0].username(), Some("ana"));
    let shown = b.get(&page).await;
    assert_eq!(shown.status, 200);
    assert!(
        shown
            .body
            .contains(&format!(r#"href="/console/pools/{pool}/users/ana""#))
    );

    // Unknown users are refused beside the field, keeping what was typed.
    let missing = b
        .post(&format!("{page}/add-member"), &[("Username", "nobody")])
        .await;
    assert_eq!(missing.status, 400);
    assert!(missing.body.contains(r#"id="Username-err""#));
    assert!(missing.body.contains(r#"value="nobody""#));
}

/// The one `.secret` value of a page, if any.
fn shown_secret(html: &str) -> Option<String> {
    let at = html.find(r#"id="secret-value">"#)?;
    let rest = &html[at + r#"id="secret-value">"#.len()..];
    Some(rest[..rest.find('<').unwrap()].to_owned())
}

async fn creates_a_client_with_its_settings_and_shows_the_secret_once(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "console-clients").await;
    let b = ConsoleClient::dev(&s).await;
    let clients = format!("/console/pools/{pool}/clients");
    let created = b
        .post(
            &clients,
            &[
                ("ClientName", "web app"),
                ("GenerateSecret", "on"),
                ("ExplicitAuthFlows", "ALLOW_USER_SRP_AUTH"),
                ("ExplicitAuthFlows", "ALLOW_REFRESH_TOKEN_AUTH"),
                ("AccessTokenValidity", "30"),
                ("TokenValidityUnits.AccessToken", "minutes"),
                ("IdTokenValidity", "2"),
                ("TokenValidityUnits.IdToken", "hours"),
                ("RefreshTokenValidity", "7"),
                ("TokenValidityUnits.RefreshToken", "days"),
                ("AllowedOAuthFlowsUserPoolClient", "on"),
                ("AllowedOAuthFlows", "code"),
                ("AllowedOAuthScopes", "openid"),
                ("AllowedOAuthScopes", "email"),
                ("SupportedIdentityProviders", "COGNITO"),
                (
                    "CallbackURLs",
                    "https://app.example.com/cb\r\n\r\n  http://localhost:3000/cb \r\n",
                ),
                ("LogoutURLs", "https://app.example.com/"),
                ("ReadAttributes", "email"),
                ("ReadAttributes", "name"),
                ("WriteAttributes", "name"),
                ("PreventUserExistenceErrors", "ENABLED"),
            ],
        )
        .await;
    // The secret is in this answer: the new client's page, not a redirect.
    assert_eq!(created.status, 200, "{}", created.body);
    let secret = shown_secret(&created.body).expect("the secret is shown");
    assert_eq!(created.body.matches(&secret).count(), 1);
    assert!(created.body.contains(r#"data-copy="secret-value""#));

    let listed = c
        .list_user_pool_clients()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    let id = listed.user_pool_clients()[0]
        .client_id()
        .unwrap()
        .to_owned();
    let d = c
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(d.client_secret(), Some(secret.as_str()));
    assert_eq!(d.client_name(), Some("web app"));
    assert_eq!(
        d.explicit_auth_flows(),
        [Flow::AllowUserSrpAuth, Flow::AllowRefreshTokenAuth]
    );
    assert_eq!(d.access_token_validity(), Some(30));
    assert_eq!(d.id_token_validity(), Some(2));
    assert_eq!(d.refresh_token_validity(), 7);
    let units = d.token_validity_units().unwrap();
    assert_eq!(units.access_token(), Some(&TimeUnitsType::Minutes));
    assert_eq!(units.id_token(), Some(&TimeUnitsType::Hours));
    assert_eq!(units.refresh_token(), Some(&TimeUnitsType::Days));
    assert_eq!(d.allowed_o_auth_flows_user_pool_client(), Some(true));
    assert_eq!(d.allowed_o_auth_flows(), [OAuthFlowType::Code]);
    assert_eq!(d.allowed_o_auth_scopes(), ["openid", "email"]);
    assert_eq!(d.supported_identity_providers(), ["COGNITO"]);
    assert_eq!(
        d.callback_urls(),
        ["https://app.example.com/cb", "http://localhost:3000/cb"]
    );
    assert_eq!(d.logout_urls(), ["https://app.example.com/"]);
    assert_eq!(d.read_attributes(), ["email", "name"]);
    assert_eq!(d.write_attributes(), ["name"]);
    assert_eq!(
        d.prevent_user_existence_errors(),
        Some(&PreventUserExistenceErrorTypes::Enabled)
    );
    assert_eq!(d.enable_token_revocation(), Some(false));

    // Never again: not on the client's page, not in the list.
    let page = format!("{clients}/{id}");
    let later = b.get(&page).await;
    assert_eq!(later.status, 200);
    assert!(!later.body.contains(&secret));
    assert!(shown_secret(&later.body).is_none());
    assert!(!b.get(&clients).await.body.contains(&secret));

    // A second secret is shown once too, and only it.
    let added = b.post(&format!("{page}/add-secret"), &[]).await;
    assert_eq!(added.status, 200, "{}", added.body);
    let second = shown_secret(&added.body).expect("the new secret is shown");
    assert_ne!(second, secret);
    assert!(!added.body.contains(&secret));
    assert!(!b.get(&page).await.body.contains(&second));
    let secrets = c
        .list_user_pool_client_secrets()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(secrets.client_secrets().len(), 2);

    // A client without a secret: straight to its page, nothing to show.
    let public = b.post(&clients, &[("ClientName", "spa")]).await;
    assert_eq!(public.status, 303, "{}", public.body);
    assert!(
        public
            .location
            .as_deref()
            .unwrap_or_default()
            .contains("notice=")
    );
}

async fn updating_a_client_keeps_what_the_form_does_not_show(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "console-update").await;
    let made = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("mobile")
        .explicit_auth_flows(Flow::AllowUserSrpAuth)
        .auth_session_validity(10)
        .enable_propagate_additional_user_context_data(true)
        .read_attributes("email")
        .send()
        .await
        .unwrap();
    let id = made
        .user_pool_client()
        .unwrap()
        .client_id()
        .unwrap()
        .to_owned();
    let b = ConsoleClient::dev(&s).await;
    let page = format!("/console/pools/{pool}/clients/{id}");
    let saved = b
        .post(
            &format!("{page}/update"),
            &[
                ("ClientName", "mobile v2"),
                ("ExplicitAuthFlows", "ALLOW_USER_AUTH"),
                ("ExplicitAuthFlows", "ALLOW_REFRESH_TOKEN_AUTH"),
                ("EnableTokenRevocation", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let d = c
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(d.client_name(), Some("mobile v2"));
    assert_eq!(
        d.explicit_auth_flows(),
        [Flow::AllowUserAuth, Flow::AllowRefreshTokenAuth]
    );
    // Not on the form: sent along as they were.
    assert_eq!(d.auth_session_validity(), Some(10));
    assert_eq!(
        d.enable_propagate_additional_user_context_data(),
        Some(true)
    );
    // On the form and left empty: cleared.
    assert!(d.read_attributes().is_empty());

    // A rule of the API is shown beside its field, the form as submitted.
    let refused = b
        .post(
            &format!("{page}/update"),
            &[
                ("ClientName", "mobile v3"),
                ("CallbackURLs", "http://example.com/cb"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains(r#"id="CallbackURLs-err""#),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(r#"value="mobile v3""#));
}

async fn refuses_forms_without_the_csrf_token(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "console-csrf").await;
    let b = ConsoleClient::dev(&s).await;
    let groups = format!("/console/pools/{pool}/groups");
    let clients = format!("/console/pools/{pool}/clients");
    for fields in [
        vec![("GroupName", "sneaky")],
        vec![("_csrf", "forged"), ("GroupName", "sneaky")],
    ] {
        let r = b.post_exactly(&groups, &fields).await;
        assert_eq!(r.status, 403);
    }
    let r = b
        .post_exactly(
            &clients,
            &[("ClientName", "sneaky"), ("GenerateSecret", "on")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(!r.body.contains("secret-value"));
    let listed = c.list_groups().user_pool_id(&pool).send().await.unwrap();
    assert!(listed.groups().is_empty());
    let listed = c
        .list_user_pool_clients()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    assert!(listed.user_pool_clients().is_empty());

    // Nor does a form posted without a session.
    let anon = reqwest::Client::new()
        .post(format!("{}{groups}", s.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("GroupName=sneaky")
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 403);
}

async fn destructive_actions_need_confirming(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "console-confirm").await;
    c.create_group()
        .user_pool_id(&pool)
        .group_name("temp")
        .send()
        .await
        .unwrap();
    let made = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("old")
        .send()
        .await
        .unwrap();
    let id = made
        .user_pool_client()
        .unwrap()
        .client_id()
        .unwrap()
        .to_owned();
    let b = ConsoleClient::dev(&s).await;

    let group = format!("/console/pools/{pool}/groups/temp");
    let r = b.post(&format!("{group}/delete"), &[]).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains(r#"id="confirm-err""#));
    assert!(
        c.get_group()
            .user_pool_id(&pool)
            .group_name("temp")
            .send()
            .await
            .is_ok()
    );
    let r = b
        .post(&format!("{group}/delete"), &[("confirm", "on")])
        .await;
    assert_eq!(r.status, 303);
    assert!(
        c.get_group()
            .user_pool_id(&pool)
            .group_name("temp")
            .send()
            .await
            .is_err()
    );

    // Revoking every session of the client: done, or (until the extension
    // operation exists) its error on the page, never a crash.
    let page = format!("/console/pools/{pool}/clients/{id}");
    let r = b.post(&format!("{page}/revoke-sessions"), &[]).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains(r#"id="revoke-err""#));
    let r = b
        .post(&format!("{page}/revoke-sessions"), &[("confirm", "on")])
        .await;
    match r.status {
        303 => assert!(
            r.location
                .as_deref()
                .unwrap_or_default()
                .contains("revoked"),
            "{:?}",
            r.location
        ),
        400 => assert!(r.body.contains(r#"id="revoke-err""#), "{}", r.body),
        other => panic!("revoking answered {other}: {}", r.body),
    }

    let r = b.post(&format!("{page}/delete"), &[]).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains(r#"id="confirm-err""#));
    let r = b
        .post(&format!("{page}/delete"), &[("confirm", "on")])
        .await;
    assert_eq!(r.status, 303);
    let gone = c
        .describe_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await;
    assert!(gone.is_err());
}
