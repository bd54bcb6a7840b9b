//! Real message delivery: sign-up codes reach a real SMTP server (a sink on
//! loopback started by the test), and a delivery failure answers
//! CodeDeliveryFailureException and leaves no half-made user.

use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::{AttributeType, UserStatusType};
use kognit::config::Mode;
use kognit::delivery::{SmtpConfig, SmtpTls};

use crate::harness::users::{PASSWORD, email_pool};
use crate::harness::{Backend, TestServer, code};
use kognit_testkit::smtp_sink::SmtpSink;

use crate::harness::on_both_backends;

on_both_backends!(by_backend: code_by_smtp, failure_leaves_no_user, outbox_messages_are_purged);

fn smtp(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: "kognit <no-reply@example.com>".into(),
    }
}

fn email(v: &str) -> AttributeType {
    AttributeType::builder()
        .name("email")
        .value(v)
        .build()
        .unwrap()
}

async fn code_by_smtp(backend: Backend) {
    let sink = SmtpSink::start().await;
    let port = sink.port();
    let Some(s) = TestServer::with_mode(backend, Mode::Dev, |c| {
        c.smtp = Some(smtp(port));
        c.outbox = false;
    })
    .await
    else {
        return;
    };
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    c.sign_up()
        .client_id(&client)
        .username("mia")
        .password(PASSWORD)
        .user_attributes(email("mia@example.com"))
        .send()
        .await
        .unwrap();
    let mails = sink.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to, ["mia@example.com"]);
    assert!(mail.subject().is_some());
    let body = mail.body_text();
    let code: String = body
        .split(|ch: char| !ch.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a 6-digit code in the mail")
        .to_owned();
    c.confirm_sign_up()
        .client_id(&client)
        .username("mia")
        .confirmation_code(code)
        .send()
        .await
        .unwrap();
    let user = c
        .admin_get_user()
        .user_pool_id(&pool)
        .username("mia")
        .send()
        .await
        .unwrap();
    assert_eq!(user.user_status, Some(UserStatusType::Confirmed));
    // …and signs in (SRP, the default flow of the client).
    let access = crate::harness::auth::srp_login(&c, &pool, &client, "mia", PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        c.get_user()
            .access_token(access)
            .send()
            .await
            .unwrap()
            .username,
        "mia"
    );
    // With the outbox off, its endpoints are not there.
    let r = reqwest::get(format!("{}/_dev/outbox", s.url))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

async fn failure_leaves_no_user(backend: Backend) {
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let Some(s) = TestServer::with_mode(backend, Mode::Dev, |c| {
        c.smtp = Some(smtp(port));
        c.outbox = false;
    })
    .await
    else {
        return;
    };
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    let e = c
        .sign_up()
        .client_id(&client)
        .username("noah")
        .password(PASSWORD)
        .user_attributes(email("noah@example.com"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "CodeDeliveryFailureException");
    let users = c
        .list_users()
        .user_pool_id(&pool)
        .send()
        .await
        .unwrap()
        .users
        .unwrap();
    assert!(users.is_empty());
}

/// The purge deletes outbox messages past their retention (here an hour, by
/// the server's clock, which the test moves two hours on instead of waiting;
/// the test runs the purge pass itself instead of waiting for its tick).
async fn outbox_messages_are_purged(backend: Backend) {
    let Some(s) = TestServer::with_mode(backend, Mode::Dev, |c| {
        c.retention.purge_interval_seconds = 0;
        c.retention.outbox_hours = 1;
    })
    .await
    else {
        return;
    };
    let c = s.client();
    let (pool, client) = email_pool(&c, false).await;
    c.sign_up()
        .client_id(&client)
        .username("pia")
        .password(PASSWORD)
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value("pia@example.com")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(s.latest_message(&pool, "pia").await.is_some());
    // Younger than its retention, the message outlives a purge.
    s.running().purge_now().await;
    assert!(s.latest_message(&pool, "pia").await.is_some());
    s.clock.advance(2 * 3_600_000);
    assert!(s.running().purge_now().await >= 1);
    assert!(
        s.latest_message(&pool, "pia").await.is_none(),
        "the message outlived its retention"
    );
}
