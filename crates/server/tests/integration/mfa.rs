//! MFA with TOTP authenticators: enrolment by access token and through the
//! MFA_SETUP challenge, SOFTWARE_TOKEN_MFA after USER_PASSWORD_AUTH and after
//! USER_SRP_AUTH, wrong, reused and stale codes, and the preference
//! operations' checks, on both stores. The test's own TOTP generator (HMAC-SHA1
//! from the `hmac`/`sha1` crates) stands in for an authenticator app.

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    ChallengeNameType, SoftwareTokenMfaSettingsType, UserPoolMfaType,
    VerifySoftwareTokenResponseType,
};
use hmac::{Hmac, KeyInit, Mac};
use kognit_core::clock::{Clock, SkewedClock};

use crate::harness::auth::{create_user, password_login, setup, srp_exchange};
use crate::harness::mfa::{admin_view, answer, password_challenge, prefer_totp, set_mfa};
use crate::harness::on_both_backends;
use crate::harness::users::PASSWORD;
use crate::harness::{TestServer, code};

on_both_backends!(
    totp_enrol_by_access_token_then_sign_in,
    mfa_setup_when_the_pool_requires_mfa,
);

/// An authenticator app: RFC 6238 codes from a base32 secret, at the
/// server's time.
pub struct Authenticator {
    secret: Vec<u8>,
    /// The last step a code was taken from (a code is accepted once).
    last: i64,
    clock: Arc<SkewedClock>,
}

fn base32_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u64, 0u32);
    for c in s.trim_end_matches('=').chars() {
        let v = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            .find(c.to_ascii_uppercase())
            .expect("base32 character") as u64;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

impl Authenticator {
    pub fn new(secret_code: &str, clock: Arc<SkewedClock>) -> Self {
        Authenticator {
            secret: base32_decode(secret_code),
            last: i64::MIN,
            clock,
        }
    }

    /// The current 30-second step.
    pub fn now_step(&self) -> i64 {
        self.clock.now_ms() / 1000 / 30
    }

    /// The code of one step.
    pub fn code_at(&self, step: i64) -> String {
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&self.secret).unwrap();
        mac.update(&step.to_be_bytes());
        let h = mac.finalize().into_bytes();
        let o = usize::from(h[19] & 0x0f);
        let n = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]);
        format!("{:06}", n % 1_000_000)
    }

    /// A code not used before: the current step's, or the next one's (the
    /// server accepts one step of drift), moving the server's clock to the
    /// next step when both are spent.
    pub async fn fresh(&mut self) -> String {
        loop {
            let step = self.now_step().max(self.last + 1);
            if step <= self.now_step() + 1 {
                self.last = step;
                return self.code_at(step);
            }
            self.clock.advance(30_000);
        }
    }

    /// The code spent most recently.
    pub fn last_code(&self) -> String {
        self.code_at(self.last)
    }

    /// A code from three steps ago: past the accepted drift.
    pub fn stale(&self) -> String {
        self.code_at(self.now_step() - 3)
    }
}

/// Enrols a TOTP authenticator for a signed-in user and makes it preferred.
pub async fn enrol(c: &Client, clock: &Arc<SkewedClock>, access: &str) -> Authenticator {
    let secret = c
        .associate_software_token()
        .access_token(access)
        .send()
        .await
        .unwrap()
        .secret_code
        .unwrap();
    assert_eq!(secret.len(), 52, "a 32-byte secret in base32");
    let mut app = Authenticator::new(&secret, clock.clone());
    let verified = c
        .verify_software_token()
        .access_token(access)
        .user_code(app.fresh().await)
        .friendly_device_name("phone")
        .send()
        .await
        .unwrap();
    assert_eq!(
        verified.status,
        Some(VerifySoftwareTokenResponseType::Success)
    );
    prefer_totp(c, access).await;
    app
}

async fn totp_enrol_by_access_token_then_sign_in(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    set_mfa(&c, &st.pool, UserPoolMfaType::Optional, false).await;
    // OPTIONAL and nothing enabled: tokens straight away.
    let access = password_login(&c, &st, "pat", PASSWORD)
        .await
        .access_token
        .unwrap();

    // Enabling TOTP before an authenticator is verified is refused.
    let early = c
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&early), "InvalidParameterException");
    // Verifying with nothing associated is refused too.
    let none = c
        .verify_software_token()
        .access_token(&access)
        .user_code("123456")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&none), "SoftwareTokenMFANotFoundException");
    // A wrong code does not register the authenticator.
    let secret = c
        .associate_software_token()
        .access_token(&access)
        .send()
        .await
        .unwrap()
        .secret_code
        .unwrap();
    let mut app = Authenticator::new(&secret, s.clock.clone());
    let wrong_code = format!(
        "{:06}",
        (app.code_at(app.now_step()).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    let wrong = c
        .verify_software_token()
        .access_token(&access)
        .user_code(wrong_code)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&wrong), "EnableSoftwareTokenMFAException");
    c.verify_software_token()
        .access_token(&access)
        .user_code(app.fresh().await)
        .send()
        .await
        .unwrap();
    prefer_totp(&c, &access).await;
    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(
        me.preferred_mfa_setting.as_deref(),
        Some("SOFTWARE_TOKEN_MFA")
    );
    assert_eq!(
        me.user_mfa_setting_list(),
        ["SOFTWARE_TOKEN_MFA".to_owned()]
    );
    let seen = admin_view(&c, &st.pool, "pat").await;
    assert_eq!(
        seen.user_mfa_setting_list(),
        ["SOFTWARE_TOKEN_MFA".to_owned()]
    );

    // USER_PASSWORD_AUTH now stops at SOFTWARE_TOKEN_MFA.
    let (name, session, _) = crate::harness::mfa::password_challenge(&c, &st, "pat").await;
    assert_eq!(name, ChallengeNameType::SoftwareTokenMfa);
    let totp = ChallengeNameType::SoftwareTokenMfa;
    let key = "SOFTWARE_TOKEN_MFA_CODE";
    // The code spent at verification, a stale code and a wrong one fail.
    let reused = answer(
        &c,
        &st,
        "pat",
        totp.clone(),
        &session,
        key,
        &app.last_code(),
    )
    .await;
    assert!(reused.unwrap_err().starts_with("ExpiredCodeException"));
    let stale = answer(&c, &st, "pat", totp.clone(), &session, key, &app.stale()).await;
    assert!(stale.unwrap_err().starts_with("CodeMismatchException"));
    let fresh = app.fresh().await;
    let done = answer(&c, &st, "pat", totp.clone(), &session, key, &fresh)
        .await
        .unwrap();
    let tokens = done.authentication_result.unwrap();
    assert!(tokens.access_token.is_some() && tokens.refresh_token.is_some());
    // The auth events: the pass with both factors, after two MFA failures.
    let events = c
        .admin_list_user_auth_events()
        .user_pool_id(&st.pool)
        .username("pat")
        .send()
        .await
        .unwrap();
    let summary: Vec<(String, Vec<(String, String)>)> = events
        .auth_events()
        .iter()
        .take(3)
        .map(|e| {
            let challenges = e
                .challenge_responses()
                .iter()
                .map(|c| {
                    let name = c.challenge_name().map(|n| n.as_str().to_owned());
                    let result = c.challenge_response().map(|r| r.as_str().to_owned());
                    (name.unwrap_or_default(), result.unwrap_or_default())
                })
                .collect();
            let response = e.event_response().map(|r| r.as_str().to_owned());
            (response.unwrap_or_default(), challenges)
        })
        .collect();
    let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(
        summary,
        vec![
            (
                "Pass".to_owned(),
                vec![pair("Password", "Success"), pair("Mfa", "Success")]
            ),
            ("Fail".to_owned(), vec![pair("Mfa", "Failure")]),
            ("Fail".to_owned(), vec![pair("Mfa", "Failure")]),
        ]
    );
    // The same code a second time, even in a new sign-in: refused.
    let (_, session2, _) = password_challenge(&c, &st, "pat").await;
    let again = answer(&c, &st, "pat", totp.clone(), &session2, key, &fresh).await;
    assert_eq!(
        again.unwrap_err(),
        "ExpiredCodeException: Your software token has already been used once."
    );
    // A session for another user is refused.
    create_user(&c, &st.pool, "sam").await;
    let other = answer(&c, &st, "sam", totp.clone(), &session2, key, "123456").await;
    assert!(other.unwrap_err().starts_with("NotAuthorizedException"));

    // After USER_SRP_AUTH too (a second user with its own authenticator).
    let sam = password_login(&c, &st, "sam", PASSWORD).await;
    let mut sam_app = enrol(&c, &s.clock, sam.access_token.as_deref().unwrap()).await;
    let after_srp = srp_exchange(&c, &st.pool, &st.client, "sam", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        after_srp.challenge_name,
        Some(ChallengeNameType::SoftwareTokenMfa)
    );
    let done = answer(
        &c,
        &st,
        "sam",
        totp,
        after_srp.session.as_deref().unwrap(),
        key,
        &sam_app.fresh().await,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.unwrap().id_token.is_some());

    // An administrator deletes the authenticator: the password alone again,
    // and the old codes no longer matter.
    c.admin_delete_software_token()
        .user_pool_id(&st.pool)
        .username("pat")
        .send()
        .await
        .unwrap();
    let pat = admin_view(&c, &st.pool, "pat").await;
    assert!(pat.user_mfa_setting_list().is_empty() && pat.preferred_mfa_setting.is_none());
    password_login(&c, &st, "pat", PASSWORD).await;

    // Turning TOTP off lets the user in with the password alone again.
    c.admin_set_user_mfa_preference()
        .user_pool_id(&st.pool)
        .username("sam")
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
    password_login(&c, &st, "sam", PASSWORD).await;
}

async fn mfa_setup_when_the_pool_requires_mfa(s: TestServer) {
    let c = s.client();
    let st = setup(&c).await;
    set_mfa(&c, &st.pool, UserPoolMfaType::On, false).await;
    let (name, session, params) = password_challenge(&c, &st, "pat").await;
    assert_eq!(name, ChallengeNameType::MfaSetup);
    assert_eq!(params["MFAS_CAN_SETUP"], r#"["SOFTWARE_TOKEN_MFA"]"#);
    // Completing the challenge before an authenticator is verified fails.
    let early = c
        .respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::MfaSetup)
        .session(&session)
        .challenge_responses("USERNAME", "pat")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&early), "InvalidParameterException");

    let assoc = c
        .associate_software_token()
        .session(&session)
        .send()
        .await
        .unwrap();
    let mut app = Authenticator::new(assoc.secret_code.as_deref().unwrap(), s.clock.clone());
    // Both an access token and a session: refused.
    let both = c
        .associate_software_token()
        .session(&session)
        .access_token("x.y.z")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&both), "InvalidParameterException");
    let verified = c
        .verify_software_token()
        .session(assoc.session.as_deref().unwrap())
        .user_code(app.fresh().await)
        .send()
        .await
        .unwrap();
    assert_eq!(
        verified.status,
        Some(VerifySoftwareTokenResponseType::Success)
    );
    let done = c
        .respond_to_auth_challenge()
        .client_id(&st.client)
        .challenge_name(ChallengeNameType::MfaSetup)
        .session(verified.session.as_deref().unwrap())
        .challenge_responses("USERNAME", "pat")
        .send()
        .await
        .unwrap();
    let access = done.authentication_result.unwrap().access_token.unwrap();
    let me = c.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(
        me.user_mfa_setting_list(),
        ["SOFTWARE_TOKEN_MFA".to_owned()]
    );
    assert_eq!(
        me.preferred_mfa_setting.as_deref(),
        Some("SOFTWARE_TOKEN_MFA")
    );

    // The next sign-in asks for the authenticator's code.
    let (name, session, _) = password_challenge(&c, &st, "pat").await;
    assert_eq!(name, ChallengeNameType::SoftwareTokenMfa);
    let done = answer(
        &c,
        &st,
        "pat",
        name,
        &session,
        "SOFTWARE_TOKEN_MFA_CODE",
        &app.fresh().await,
    )
    .await
    .unwrap();
    assert!(done.authentication_result.is_some());
    // A session of one challenge does not answer another.
    let (_, session, _) = password_challenge(&c, &st, "pat").await;
    let wrong_kind = answer(
        &c,
        &st,
        "pat",
        ChallengeNameType::SmsMfa,
        &session,
        "SMS_MFA_CODE",
        "123456",
    )
    .await;
    assert!(
        wrong_kind
            .unwrap_err()
            .starts_with("NotAuthorizedException")
    );
}
