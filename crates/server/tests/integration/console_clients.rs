//! The console's groups and app clients pages over HTTP, on both stores: a
//! browser signed in on loopback (`kognit dev`) posts the forms, and the AWS
//! SDK checks what they did. A client secret is shown once; a form without
//! its CSRF token is refused and changes nothing.

use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType as Flow, OAuthFlowType, PreventUserExistenceErrorTypes, TimeUnitsType,
};

use crate::harness::on_both_backends;
use crate::harness::{TestServer, create_pool};

on_both_backends!(
    creates_a_group_and_adds_a_member,
    creates_a_client_with_its_settings_and_shows_the_secret_once,
    updating_a_client_keeps_what_the_form_does_not_show,
    refuses_forms_without_the_csrf_token,
    destructive_actions_need_confirming,
);

/// A browser signed in to the console.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

/// An answer: status, `Location` and body.
struct Page {
    status: u16,
    location: String,
    html: String,
}

impl Page {
    /// The value of the page's CSRF field.
    fn csrf(&self) -> String {
        let at = self
            .html
            .find(r#"name="_csrf" value=""#)
            .expect("a form with a CSRF token");
        let rest = &self.html[at + r#"name="_csrf" value=""#.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

/// `application/x-www-form-urlencoded`.
fn encode(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Browser {
    /// Signs in as `kognit dev` signs in a browser on loopback.
    async fn sign_in(s: &TestServer) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = http
            .get(format!("{}/console/sign-in", s.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let set = r
            .headers()
            .get("set-cookie")
            .expect("a session cookie")
            .to_str()
            .unwrap();
        let cookie = set.split(';').next().unwrap().to_owned();
        assert!(cookie.starts_with("kognit_console="), "{set}");
        Self {
            http,
            base: s.url.clone(),
            cookie,
        }
    }

    async fn read(r: reqwest::Response) -> Page {
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        Page {
            status,
            location,
            html: r.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Page {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    /// Posts a form as is (no CSRF token added).
    async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encode(fields))
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    /// Posts a form with the CSRF token of the page it is on.
    async fn post(&self, page: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(page).await.csrf();
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }
}

async fn creates_a_group_and_adds_a_member(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "console-groups").await;
    let b = Browser::sign_in(&s).await;
    let groups = format!("/console/pools/{pool}/groups");
    let created = b
        .post(
            &groups,
            &groups,
            &[
                ("GroupName", "night/ops"),
                ("Description", "Who is on call"),
                ("Precedence", "4"),
                ("RoleArn", "arn:aws:iam::123456789012:role/ops"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    let page = format!("{groups}/night%2Fops");
    assert!(created.location.starts_with(&page), "{}", created.location);
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
    let again = b
        .post(&groups, &groups, &[("GroupName", "night/ops")])
        .await;
    assert_eq!(again.status, 400);
    assert!(
        again.html.contains(r#"id="GroupName-err""#),
        "{}",
        again.html
    );

    c.admin_create_user()
        .user_pool_id(&pool)
        .username("ana")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let added = b
        .post(&page, &format!("{page}/add-member"), &[("Username", "ana")])
        .await;
    assert_eq!(added.status, 303, "{}", added.html);
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
            .html
            .contains(&format!(r#"href="/console/pools/{pool}/users/ana""#))
    );

    // Unknown users are refused beside the field, keeping what was typed.
    let missing = b
        .post(
            &page,
            &format!("{page}/add-member"),
            &[("Username", "nobody")],
        )
        .await;
    assert_eq!(missing.status, 400);
    assert!(missing.html.contains(r#"id="Username-err""#));
    assert!(missing.html.contains(r#"value="nobody""#));
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
    let b = Browser::sign_in(&s).await;
    let clients = format!("/console/pools/{pool}/clients");
    let created = b
        .post(
            &clients,
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
    assert_eq!(created.status, 200, "{}", created.html);
    let secret = shown_secret(&created.html).expect("the secret is shown");
    assert_eq!(created.html.matches(&secret).count(), 1);
    assert!(created.html.contains(r#"data-copy="secret-value""#));

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
    assert!(!later.html.contains(&secret));
    assert!(shown_secret(&later.html).is_none());
    assert!(!b.get(&clients).await.html.contains(&secret));

    // A second secret is shown once too, and only it.
    let added = b.post(&page, &format!("{page}/add-secret"), &[]).await;
    assert_eq!(added.status, 200, "{}", added.html);
    let second = shown_secret(&added.html).expect("the new secret is shown");
    assert_ne!(second, secret);
    assert!(!added.html.contains(&secret));
    assert!(!b.get(&page).await.html.contains(&second));
    let secrets = c
        .list_user_pool_client_secrets()
        .user_pool_id(&pool)
        .client_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(secrets.client_secrets().len(), 2);

    // A client without a secret: straight to its page, nothing to show.
    let public = b.post(&clients, &clients, &[("ClientName", "spa")]).await;
    assert_eq!(public.status, 303, "{}", public.html);
    assert!(public.location.contains("notice="));
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
    let b = Browser::sign_in(&s).await;
    let page = format!("/console/pools/{pool}/clients/{id}");
    let saved = b
        .post(
            &page,
            &format!("{page}/update"),
            &[
                ("ClientName", "mobile v2"),
                ("ExplicitAuthFlows", "ALLOW_USER_AUTH"),
                ("ExplicitAuthFlows", "ALLOW_REFRESH_TOKEN_AUTH"),
                ("EnableTokenRevocation", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
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
            &page,
            &format!("{page}/update"),
            &[
                ("ClientName", "mobile v3"),
                ("CallbackURLs", "http://example.com/cb"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.html.contains(r#"id="CallbackURLs-err""#),
        "{}",
        refused.html
    );
    assert!(refused.html.contains(r#"value="mobile v3""#));
}

async fn refuses_forms_without_the_csrf_token(s: TestServer) {
    let c = s.client();
    let pool = create_pool(&c, "console-csrf").await;
    let b = Browser::sign_in(&s).await;
    let groups = format!("/console/pools/{pool}/groups");
    let clients = format!("/console/pools/{pool}/clients");
    for fields in [
        vec![("GroupName", "sneaky")],
        vec![("_csrf", "forged"), ("GroupName", "sneaky")],
    ] {
        let r = b.post_raw(&groups, &fields).await;
        assert_eq!(r.status, 403);
    }
    let r = b
        .post_raw(
            &clients,
            &[("ClientName", "sneaky"), ("GenerateSecret", "on")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(!r.html.contains("secret-value"));
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
    let b = Browser::sign_in(&s).await;

    let group = format!("/console/pools/{pool}/groups/temp");
    let r = b.post(&group, &format!("{group}/delete"), &[]).await;
    assert_eq!(r.status, 400);
    assert!(r.html.contains(r#"id="confirm-err""#));
    assert!(
        c.get_group()
            .user_pool_id(&pool)
            .group_name("temp")
            .send()
            .await
            .is_ok()
    );
    let r = b
        .post(&group, &format!("{group}/delete"), &[("confirm", "on")])
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
    let r = b.post(&page, &format!("{page}/revoke-sessions"), &[]).await;
    assert_eq!(r.status, 400);
    assert!(r.html.contains(r#"id="revoke-err""#));
    let r = b
        .post(
            &page,
            &format!("{page}/revoke-sessions"),
            &[("confirm", "on")],
        )
        .await;
    match r.status {
        303 => assert!(r.location.contains("revoked"), "{}", r.location),
        400 => assert!(r.html.contains(r#"id="revoke-err""#), "{}", r.html),
        other => panic!("revoking answered {other}: {}", r.html),
    }

    let r = b.post(&page, &format!("{page}/delete"), &[]).await;
    assert_eq!(r.status, 400);
    assert!(r.html.contains(r#"id="confirm-err""#));
    let r = b
        .post(&page, &format!("{page}/delete"), &[("confirm", "on")])
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
