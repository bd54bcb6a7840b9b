//! The console's settings pages and developer outbox over HTTP
//! (`harness::console`: the dev server's loopback session, its CSRF token,
//! urlencoded form posts). What a form changed is checked through
//! the API (the AWS SDK), including that the settings the form did not
//! touch kept their values (UpdateUserPool resets what it is not sent).

use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, DeletionProtectionType, LambdaConfigType, PasswordPolicyType,
    UserPoolMfaType, UserPoolPolicyType, VerificationMessageTemplateType, VerifiedAttributeType,
};

use crate::harness::console::ConsoleClient;
use crate::harness::{TestServer, create_pool, describe_pool, on_both_backends};

on_both_backends!(
    password_policy_form_keeps_other_settings,
    mfa_form,
    message_template_preview,
    trigger_url_and_secret,
    fixed_settings_refusal_beside_the_field,
    forms_without_the_csrf_token_change_nothing,
    outbox_page,
);

/// The text between `start` and the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).map(|i| i + start.len()).expect(start);
    let len = text[from..].find(end).expect(end);
    &text[from..from + len]
}

/// The contents of the element with this id (up to its first tag's end).
fn element<'a>(html: &'a str, id: &str) -> &'a str {
    let open = format!(r#"id="{id}">"#);
    between(html, &open, "</div>")
}

/// A pool with settings away from the defaults, to see them kept.
async fn custom_pool(s: &TestServer) -> String {
    let c = s.client();
    let out = c
        .create_user_pool()
        .pool_name("kept")
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .deletion_protection(DeletionProtectionType::Active)
        .admin_create_user_config(
            AdminCreateUserConfigType::builder()
                .allow_admin_create_user_only(true)
                .build(),
        )
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(
                    PasswordPolicyType::builder()
                        .minimum_length(10)
                        .require_uppercase(true)
                        .temporary_password_validity_days(3)
                        .build(),
                )
                .build(),
        )
        .verification_message_template(
            VerificationMessageTemplateType::builder()
                .email_subject("Welcome aboard")
                .email_message("Your code is {####}")
                .build(),
        )
        .lambda_config(
            LambdaConfigType::builder()
                .post_confirmation("http://127.0.0.1:9/post-confirmation")
                .build(),
        )
        .user_pool_tags("team", "identity")
        .send()
        .await
        .unwrap();
    out.user_pool.and_then(|p| p.id).unwrap()
}

/// Asserts that what [`custom_pool`] set outside the password policy is
/// still set.
async fn kept(s: &TestServer, pool: &str) {
    let p = describe_pool(&s.client(), pool).await;
    assert_eq!(
        p.auto_verified_attributes(),
        [VerifiedAttributeType::Email],
        "{p:?}"
    );
    assert_eq!(p.deletion_protection, Some(DeletionProtectionType::Active));
    let acu = p.admin_create_user_config.as_ref().unwrap();
    assert!(acu.allow_admin_create_user_only);
    let t = p.verification_message_template.as_ref().unwrap();
    assert_eq!(t.email_subject.as_deref(), Some("Welcome aboard"));
    assert_eq!(t.email_message.as_deref(), Some("Your code is {####}"));
    let lc = p.lambda_config.as_ref().unwrap();
    assert_eq!(
        lc.post_confirmation.as_deref(),
        Some("http://127.0.0.1:9/post-confirmation")
    );
    assert_eq!(
        p.user_pool_tags.as_ref().and_then(|t| t.get("team")),
        Some(&"identity".to_owned())
    );
    assert_eq!(p.name.as_deref(), Some("kept"));
}

async fn password_policy_form_keeps_other_settings(s: TestServer) {
    let b = ConsoleClient::dev(&s).await;
    let pool = custom_pool(&s).await;
    let page = format!("/console/pools/{pool}/settings");
    let r = b
        .post(
            &format!("{page}/password"),
            &[
                ("MinimumLength", "14"),
                ("PasswordHistorySize", "5"),
                ("RequireNumbers", "on"),
                ("RequireSymbols", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.location.unwrap_or_default();
    assert!(to.starts_with(&page), "{to}");
    let p = describe_pool(&s.client(), &pool).await;
    let pp = p.policies.unwrap().password_policy.unwrap();
    assert_eq!(pp.minimum_length, Some(14));
    assert_eq!(pp.password_history_size, Some(5));
    let shown = b.get(&page).await;
    assert!(
        shown
            .body
            .contains(r#"name="PasswordHistorySize" type="number" min="0" max="24" value="5""#),
        "{}",
        shown.body
    );
    assert!(pp.require_numbers && pp.require_symbols);
    assert!(!pp.require_uppercase && !pp.require_lowercase);
    // The temporary password validity sits in the same policy, on another form.
    assert_eq!(pp.temporary_password_validity_days, 3);
    kept(&s, &pool).await;

    // Refused: the page again, 400, the API's message beside the field.
    let r = b
        .post(&format!("{page}/password"), &[("MinimumLength", "3")])
        .await;
    assert_eq!(r.status, 400);
    let err = between(&r.body, r#"id="MinimumLength-err">"#, "<");
    assert!(err.contains("minimumLength"), "{err}");
    assert!(
        r.body
            .contains(r#"name="MinimumLength" type="number" min="6" max="99" value="3""#)
    );
    let r = b
        .post(
            &format!("{page}/password"),
            &[("MinimumLength", "14"), ("PasswordHistorySize", "25")],
        )
        .await;
    assert_eq!(r.status, 400);
    let err = between(&r.body, r#"id="PasswordHistorySize-err">"#, "<");
    assert!(err.contains("passwordHistorySize"), "{err}");
    let p = describe_pool(&s.client(), &pool).await;
    let pp = p.policies.unwrap().password_policy.unwrap();
    assert_eq!(pp.minimum_length, Some(14));
    assert_eq!(pp.password_history_size, Some(5));
    // Emptied: no history kept, none shown.
    let r = b
        .post(&format!("{page}/password"), &[("MinimumLength", "14")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let p = describe_pool(&s.client(), &pool).await;
    assert_eq!(
        p.policies
            .unwrap()
            .password_policy
            .unwrap()
            .password_history_size,
        None
    );
}

async fn mfa_form(s: TestServer) {
    let b = ConsoleClient::dev(&s).await;
    let pool = custom_pool(&s).await;
    let page = format!("/console/pools/{pool}/settings");
    let action = format!("{page}/mfa");
    let r = b
        .post(&action, &[("MfaConfiguration", "OPTIONAL"), ("totp", "on")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let c = s.client();
    let mfa = c
        .get_user_pool_mfa_config()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    assert_eq!(mfa.mfa_configuration, Some(UserPoolMfaType::Optional));
    assert!(mfa.software_token_mfa_configuration.unwrap().enabled);
    assert!(mfa.sms_mfa_configuration.is_none() && mfa.email_mfa_configuration.is_none());
    let p = describe_pool(&c, &pool).await;
    assert_eq!(p.mfa_configuration, Some(UserPoolMfaType::Optional));
    let pp = p
        .policies
        .as_ref()
        .unwrap()
        .password_policy
        .as_ref()
        .unwrap();
    assert_eq!(pp.minimum_length, Some(10));
    kept(&s, &pool).await;

    // The page shows what is saved.
    let shown = b.get(&page).await.body;
    assert!(shown.contains(r#"name="MfaConfiguration" value="OPTIONAL" checked"#));
    assert!(shown.contains(r#"name="totp" checked"#));

    // Required MFA with no factor left: refused beside the field, nothing changed.
    let r = b.post(&action, &[("MfaConfiguration", "ON")]).await;
    assert_eq!(r.status, 400);
    let err = between(&r.body, r#"id="MfaConfiguration-err" role="alert">"#, "<");
    assert!(err.contains("At least one"), "{err}");
    let mfa = c
        .get_user_pool_mfa_config()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    assert_eq!(mfa.mfa_configuration, Some(UserPoolMfaType::Optional));
    assert!(mfa.software_token_mfa_configuration.unwrap().enabled);

    // SMS codes turned on as well.
    let r = b
        .post(
            &action,
            &[("MfaConfiguration", "ON"), ("totp", "on"), ("sms", "on")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mfa = c
        .get_user_pool_mfa_config()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap();
    assert_eq!(mfa.mfa_configuration, Some(UserPoolMfaType::On));
    assert!(mfa.sms_mfa_configuration.is_some());
}

async fn message_template_preview(s: TestServer) {
    let b = ConsoleClient::dev(&s).await;
    let pool = custom_pool(&s).await;
    let page = format!("/console/pools/{pool}/messages");
    let r = b
        .post(
            &format!("{page}/invitation"),
            &[
                ("InviteMessageTemplate.EmailSubject", "Join us"),
                (
                    "InviteMessageTemplate.EmailMessage",
                    "Hello {username}, sign in with {####} soon.",
                ),
                ("InviteMessageTemplate.SMSMessage", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let shown = b.get(&page).await.body;
    let preview = element(&shown, "preview-invitation-email");
    assert!(preview.contains("Join us"), "{preview}");
    assert!(
        preview.contains("Hello jane.doe, sign in with Tmp#8zK2qp soon."),
        "{preview}"
    );
    // A blank field: Cognito's default, rendered.
    let sms = element(&shown, "preview-invitation-sms");
    assert_eq!(
        sms,
        "Your username is jane.doe and temporary password is Tmp#8zK2qp. "
    );
    // The verification preview renders the pool's own template.
    let verification = element(&shown, "preview-verification-email");
    assert!(
        verification.contains("Your code is 123456"),
        "{verification}"
    );

    let p = describe_pool(&s.client(), &pool).await;
    let acu = p.admin_create_user_config.as_ref().unwrap();
    let t = acu.invite_message_template.as_ref().unwrap();
    assert_eq!(t.email_subject.as_deref(), Some("Join us"));
    assert_eq!(t.sms_message, None);
    let pp = p
        .policies
        .as_ref()
        .unwrap()
        .password_policy
        .as_ref()
        .unwrap();
    assert_eq!(pp.minimum_length, Some(10));
    kept(&s, &pool).await;

    // The verification texts, one of them refused: each error beside its field.
    let r = b
        .post(
            &format!("{page}/verification"),
            &[
                ("VerificationMessageTemplate.EmailSubject", "Welcome aboard"),
                (
                    "VerificationMessageTemplate.EmailMessage",
                    "Your code is {####}",
                ),
                ("VerificationMessageTemplate.SmsMessage", "no code"),
                ("DefaultEmailOption", "CONFIRM_WITH_CODE"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(between(&r.body, r#"id="v-sms-err">"#, "<").contains("smsMessage"));
    assert!(!r.body.contains(r#"id="v-email-err""#));
}

async fn trigger_url_and_secret(s: TestServer) {
    let b = ConsoleClient::dev(&s).await;
    let pool = custom_pool(&s).await;
    let page = format!("/console/pools/{pool}/triggers");
    let r = b
        .post(
            &page,
            &[
                ("PreSignUp", "http://127.0.0.1:9/pre-sign-up"),
                ("PostConfirmation", "http://127.0.0.1:9/post-confirmation"),
                ("PreTokenGeneration", "https://hooks.example.com/tokens"),
                ("PreTokenGenerationConfig.LambdaVersion", "V2_0"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let p = describe_pool(&s.client(), &pool).await;
    let lc = p.lambda_config.as_ref().unwrap();
    assert_eq!(
        lc.pre_sign_up.as_deref(),
        Some("http://127.0.0.1:9/pre-sign-up")
    );
    let ptg = lc.pre_token_generation_config.as_ref().unwrap();
    assert_eq!(ptg.lambda_arn, "https://hooks.example.com/tokens");
    assert_eq!(ptg.lambda_version.as_str(), "V2_0");
    assert!(lc.custom_message.is_none() && lc.custom_email_sender.is_none());
    kept(&s, &pool).await;

    // A target that is neither an ARN nor a URL: beside its field.
    let r = b
        .post(&page, &[("CustomMessage", "ftp://example.com/x")])
        .await;
    assert_eq!(r.status, 400);
    assert!(between(&r.body, r#"id="CustomMessage-err">"#, "<").contains("customMessage"));

    // The signing secret: not on the page until asked for.
    assert!(!b.get(&page).await.body.contains(r#"id="trigger-secret""#));
    let shown = b.get(&format!("{page}?reveal=secret")).await.body;
    let secret = between(&shown, r#"<code id="trigger-secret">"#, "<");
    let body = serde_json::json!({ "UserPoolId": pool }).to_string();
    let api = s.raw(Some("Kognit.GetTriggerSecret"), body).await;
    assert_eq!(api.json["TriggerSecret"].as_str(), Some(secret));
    assert!(shown.contains(r#"data-copy="trigger-secret""#));
}

async fn fixed_settings_refusal_beside_the_field(s: TestServer) {
    let b = ConsoleClient::dev(&s).await;
    let c = s.client();
    let pool = create_pool(&c, "fixed").await;
    let page = format!("/console/pools/{pool}/settings");
    let action = format!("{page}/fixed");
    // On an empty pool the change applies.
    let r = b
        .post(
            &action,
            &[("UsernameAttributes", "email"), ("CaseSensitive", "on")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let p = describe_pool(&c, &pool).await;
    assert_eq!(p.username_attributes().len(), 1);
    c.admin_create_user()
        .user_pool_id(&pool)
        .username("jane@example.com")
        .send()
        .await
        .unwrap();
    // With a user, kognit refuses to re-key: its message beside the field.
    let r = b.post(&action, &[("CaseSensitive", "on")]).await;
    assert_eq!(r.status, 400);
    let err = between(&r.body, r#"id="UsernameAttributes-err" role="alert">"#, "<");
    assert!(
        err.contains("can not change while the pool has users"),
        "{err}"
    );
    assert_eq!(
        describe_pool(&c, &pool).await.username_attributes().len(),
        1
    );
}

async fn forms_without_the_csrf_token_change_nothing(s: TestServer) {
    let b = ConsoleClient::dev(&s).await;
    let pool = custom_pool(&s).await;
    let page = format!("/console/pools/{pool}/settings");
    for fields in [
        vec![("MinimumLength", "20")],
        vec![("_csrf", "not-the-token"), ("MinimumLength", "20")],
    ] {
        let r = b.post_exactly(&format!("{page}/password"), &fields).await;
        assert_eq!(r.status, 403, "{}", r.body);
    }
    let triggers = format!("/console/pools/{pool}/triggers");
    let r = b
        .post_exactly(&triggers, &[("PreSignUp", "http://127.0.0.1:9/evil")])
        .await;
    assert_eq!(r.status, 403);
    let p = describe_pool(&s.client(), &pool).await;
    let pp = p
        .policies
        .as_ref()
        .unwrap()
        .password_policy
        .as_ref()
        .unwrap();
    assert_eq!(pp.minimum_length, Some(10));
    assert!(p.lambda_config.as_ref().unwrap().pre_sign_up.is_none());
    kept(&s, &pool).await;
}

async fn outbox_page(s: TestServer) {
    let b = ConsoleClient::dev(&s).await;
    let c = s.client();
    let pool = create_pool(&c, "outbox").await;
    for name in ["ann", "bob"] {
        c.admin_create_user()
            .user_pool_id(&pool)
            .username(name)
            .user_attributes(
                aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                    .name("email")
                    .value(format!("{name}@example.com"))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    let all = b.get("/console/outbox").await;
    assert_eq!(all.status, 200);
    let (ann, bob) = (
        all.body.find("ann@example.com").unwrap(),
        all.body.find("bob@example.com").unwrap(),
    );
    assert!(bob < ann, "newest first");
    let code = s.latest_code(&pool, "ann").await;
    let only = b
        .get(&format!("/console/outbox?pool={pool}&username=ann"))
        .await;
    assert!(only.body.contains("ann@example.com") && !only.body.contains("bob@example.com"));
    let shown = between(&only.body, r#"<code id="code-"#, "</code>");
    let shown = &shown[shown.find('>').unwrap() + 1..];
    assert_eq!(unescape(shown), code);
    let none = b.get("/console/outbox?pool=us-east-1_none").await;
    assert!(none.body.contains("No message"));
}

/// The text of HTML-escaped text.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
