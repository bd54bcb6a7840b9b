//! The console's settings pages, driven as a browser drives them: a session
//! cookie from the dev server's loopback sign-in, the CSRF token read from
//! the page, urlencoded form posts. What a form changed is checked through
//! the API (the AWS SDK), including that the settings the form did not
//! touch kept their values (UpdateUserPool resets what it is not sent).

use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, DeletionProtectionType, LambdaConfigType, PasswordPolicyType,
    UserPoolMfaType, UserPoolPolicyType, VerificationMessageTemplateType, VerifiedAttributeType,
};

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

/// A signed-in browser: the console's session cookie, no redirects followed.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

/// An answer: status, `Location`, body.
struct Page {
    status: u16,
    location: String,
    body: String,
}

impl Browser {
    /// Signs in as `kognit dev` signs in a loopback browser.
    async fn sign_in(s: &TestServer) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let resp = http
            .get(format!("{}/console/sign-in", s.url))
            .send()
            .await
            .unwrap();
        let cookie = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("kognit_console="))
            .and_then(|c| c.split(';').next())
            .expect("the session cookie")
            .to_owned();
        Self {
            http,
            base: s.url.clone(),
            cookie,
        }
    }

    async fn read(resp: reqwest::Response) -> Page {
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Page {
            status,
            location,
            body: resp.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str) -> Page {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        Self::read(resp).await
    }

    /// The CSRF token in a page's forms.
    async fn csrf(&self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        between(&page.body, r#"name="_csrf" value=""#, "\"").to_owned()
    }

    /// Posts a form as given (with or without a `_csrf` field).
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        Self::read(resp).await
    }

    /// Posts a form from the page at `page`, with that page's CSRF token.
    async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf(page).await;
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }
}

/// `application/x-www-form-urlencoded` encoding of one name or value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

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
    let b = Browser::sign_in(&s).await;
    let pool = custom_pool(&s).await;
    let page = format!("/console/pools/{pool}/settings");
    let r = b
        .submit(
            &page,
            &format!("{page}/password"),
            &[
                ("MinimumLength", "14"),
                ("RequireNumbers", "on"),
                ("RequireSymbols", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location.starts_with(&page), "{}", r.location);
    let p = describe_pool(&s.client(), &pool).await;
    let pp = p.policies.unwrap().password_policy.unwrap();
    assert_eq!(pp.minimum_length, Some(14));
    assert!(pp.require_numbers && pp.require_symbols);
    assert!(!pp.require_uppercase && !pp.require_lowercase);
    // The temporary password validity sits in the same policy, on another form.
    assert_eq!(pp.temporary_password_validity_days, 3);
    kept(&s, &pool).await;

    // Refused: the page again, 400, the API's message beside the field.
    let r = b
        .submit(
            &page,
            &format!("{page}/password"),
            &[("MinimumLength", "3")],
        )
        .await;
    assert_eq!(r.status, 400);
    let err = between(&r.body, r#"id="MinimumLength-err">"#, "<");
    assert!(err.contains("minimumLength"), "{err}");
    assert!(
        r.body
            .contains(r#"name="MinimumLength" type="number" min="6" max="99" value="3""#)
    );
    let p = describe_pool(&s.client(), &pool).await;
    let pp = p.policies.unwrap().password_policy.unwrap();
    assert_eq!(pp.minimum_length, Some(14));
}

async fn mfa_form(s: TestServer) {
    let b = Browser::sign_in(&s).await;
    let pool = custom_pool(&s).await;
    let page = format!("/console/pools/{pool}/settings");
    let action = format!("{page}/mfa");
    let r = b
        .submit(
            &page,
            &action,
            &[("MfaConfiguration", "OPTIONAL"), ("totp", "on")],
        )
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
    let r = b
        .submit(&page, &action, &[("MfaConfiguration", "ON")])
        .await;
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
        .submit(
            &page,
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
    let b = Browser::sign_in(&s).await;
    let pool = custom_pool(&s).await;
    let page = format!("/console/pools/{pool}/messages");
    let r = b
        .submit(
            &page,
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
        .submit(
            &page,
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
    let b = Browser::sign_in(&s).await;
    let pool = custom_pool(&s).await;
    let page = format!("/console/pools/{pool}/triggers");
    let r = b
        .submit(
            &page,
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
        .submit(&page, &page, &[("CustomMessage", "ftp://example.com/x")])
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
    let b = Browser::sign_in(&s).await;
    let c = s.client();
    let pool = create_pool(&c, "fixed").await;
    let page = format!("/console/pools/{pool}/settings");
    let action = format!("{page}/fixed");
    // On an empty pool the change applies.
    let r = b
        .submit(
            &page,
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
    let r = b.submit(&page, &action, &[("CaseSensitive", "on")]).await;
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
    let b = Browser::sign_in(&s).await;
    let pool = custom_pool(&s).await;
    let page = format!("/console/pools/{pool}/settings");
    for fields in [
        vec![("MinimumLength", "20")],
        vec![("_csrf", "not-the-token"), ("MinimumLength", "20")],
    ] {
        let r = b.post(&format!("{page}/password"), &fields).await;
        assert_eq!(r.status, 403, "{}", r.body);
    }
    let triggers = format!("/console/pools/{pool}/triggers");
    let r = b
        .post(&triggers, &[("PreSignUp", "http://127.0.0.1:9/evil")])
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
    let b = Browser::sign_in(&s).await;
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
