//! The account pages: sign-up with confirmation (and a new code), and the
//! forgotten password. They call SignUp, ConfirmSignUp,
//! ResendConfirmationCode, ForgotPassword and ConfirmForgotPassword, with
//! the SECRET_HASH kognit computes for clients with a secret.

use axum::http::StatusCode;
use axum::response::Response;
use kognit_wire::types::*;

use super::{Posted, Step, username_label};
use crate::web::form::FormData;
use crate::web::hosted::ui::Ui;

struct Field {
    name: String,
    label: String,
    value: String,
}

#[derive(askama::Template)]
#[template(path = "hosted/signup.html")]
struct SignUpPage<'a> {
    ui: &'a Ui,
    username: &'a str,
    username_label: &'a str,
    fields: Vec<Field>,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "hosted/confirm.html")]
pub(super) struct ConfirmPage<'a> {
    pub(super) ui: &'a Ui,
    pub(super) username: &'a str,
    pub(super) pending: &'a str,
    pub(super) destination: Option<String>,
    pub(super) medium: &'a str,
    pub(super) error: Option<String>,
    pub(super) notice: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "hosted/forgot.html")]
struct ForgotPage<'a> {
    ui: &'a Ui,
    username: &'a str,
    username_label: &'a str,
    error: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "hosted/reset.html")]
pub(super) struct ResetPage<'a> {
    pub(super) ui: &'a Ui,
    pub(super) username: &'a str,
    pub(super) destination: Option<String>,
    pub(super) medium: &'a str,
    pub(super) error: Option<String>,
}

async fn signup_page(
    s: &Step,
    status: StatusCode,
    form: Option<&FormData>,
    error: Option<String>,
) -> Response {
    let fields = s
        .svc()
        .sign_up_fields(&s.domain.pool_id)
        .await
        .unwrap_or_default();
    let value = |n: &str| form.and_then(|f| f.get(n)).unwrap_or_default().to_owned();
    let page = SignUpPage {
        ui: &s.ui,
        username: &value("username"),
        username_label: username_label(&fields.username_attributes),
        fields: fields
            .required
            .iter()
            .map(|n| Field {
                name: n.clone(),
                label: super::attribute_label(n),
                value: value(&format!("attr:{n}")),
            })
            .collect(),
        error,
    };
    s.ui.render(status, &page)
}

/// `GET /signup`.
pub async fn signup_form(s: Step) -> Response {
    signup_page(&s, StatusCode::OK, None, None).await
}

/// `POST /signup`: SignUp, then the confirmation page (or, for a user
/// confirmed at once, the sign-in).
pub async fn signup(Posted { s, form }: Posted) -> Response {
    let username = form.get("username").unwrap_or_default().to_owned();
    let password = form.raw("password").unwrap_or_default().to_owned();
    let fields = s
        .svc()
        .sign_up_fields(&s.domain.pool_id)
        .await
        .unwrap_or_default();
    let mut attributes: Vec<AttributeType> = form
        .0
        .iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("attr:")?;
            Some(AttributeType {
                name: name.to_owned(),
                value: Some(v.trim().to_owned()),
            })
        })
        .collect();
    // Signing up with an email (or phone) as username gives that attribute.
    for a in &fields.username_attributes {
        let looks = if a == "email" {
            username.contains('@')
        } else {
            username.starts_with('+')
        };
        if looks && !attributes.iter().any(|x| &x.name == a) {
            attributes.push(AttributeType {
                name: a.clone(),
                value: Some(username.clone()),
            });
        }
    }
    let req = SignUpRequest {
        client_id: s.client().id().to_owned(),
        username: username.clone(),
        password: Some(password.clone()),
        user_attributes: Some(attributes),
        secret_hash: s.secret_hash(&username).await,
        ..Default::default()
    };
    let now = s.state.now_ms();
    match s.svc().sign_up(req, now).await {
        Ok(r) if r.user_confirmed == Some(true) => s.sign_in(&username, &password).await,
        Ok(r) => {
            let pending = s.svc().seal_pending_sign_in(&username, &password, now);
            s.confirm_page(
                StatusCode::OK,
                &username,
                &pending,
                r.code_delivery_details.as_ref(),
                None,
                None,
            )
        }
        Err(e) => {
            signup_page(
                &s,
                crate::web::page::status_of(&e),
                Some(&form),
                Some(e.message),
            )
            .await
        }
    }
}

/// `POST /confirmUser`: ConfirmSignUp, then the sign-in with the password
/// the sign-up sealed.
pub async fn confirm(Posted { s, form }: Posted) -> Response {
    let username = form.get("username").unwrap_or_default().to_owned();
    let pending = form.raw("pending").unwrap_or_default().to_owned();
    let now = s.state.now_ms();
    let req = ConfirmSignUpRequest {
        client_id: s.client().id().to_owned(),
        username: username.clone(),
        confirmation_code: form.get("code").unwrap_or_default().to_owned(),
        secret_hash: s.secret_hash(&username).await,
        ..Default::default()
    };
    if let Err(e) = s.svc().confirm_sign_up(req, now).await {
        return s.confirm_page(
            crate::web::page::status_of(&e),
            &username,
            &pending,
            None,
            Some(e.message),
            None,
        );
    }
    match s.svc().open_pending_sign_in(&pending, now) {
        Some((name, password)) if name == username => s.sign_in(&username, &password).await,
        _ => {
            s.login_page(
                StatusCode::OK,
                &username,
                None,
                Some("Your account is confirmed. Sign in."),
            )
            .await
        }
    }
}

/// `POST /resendcode`: ResendConfirmationCode.
pub async fn resend(Posted { s, form }: Posted) -> Response {
    let username = form.get("username").unwrap_or_default().to_owned();
    let pending = form.raw("pending").unwrap_or_default().to_owned();
    let req = ResendConfirmationCodeRequest {
        client_id: s.client().id().to_owned(),
        username: username.clone(),
        secret_hash: s.secret_hash(&username).await,
        ..Default::default()
    };
    match s
        .svc()
        .resend_confirmation_code(req, s.state.now_ms())
        .await
    {
        Ok(r) => s.confirm_page(
            StatusCode::OK,
            &username,
            &pending,
            r.code_delivery_details.as_ref(),
            None,
            Some("We sent a new code."),
        ),
        Err(e) => s.confirm_page(
            crate::web::page::status_of(&e),
            &username,
            &pending,
            None,
            Some(e.message),
            None,
        ),
    }
}

/// `GET /forgotPassword`.
pub async fn forgot_form(s: Step) -> Response {
    let label = s.label().await;
    s.ui.render(
        StatusCode::OK,
        &ForgotPage {
            ui: &s.ui,
            username: "",
            username_label: label,
            error: None,
        },
    )
}

/// `POST /forgotPassword`: ForgotPassword, then the reset page.
pub async fn forgot(Posted { s, form }: Posted) -> Response {
    let username = form.get("username").unwrap_or_default().to_owned();
    let req = ForgotPasswordRequest {
        client_id: s.client().id().to_owned(),
        username: username.clone(),
        secret_hash: s.secret_hash(&username).await,
        ..Default::default()
    };
    match s.svc().forgot_password(req, s.state.now_ms()).await {
        Ok(r) => s.reset_page(
            StatusCode::OK,
            &username,
            r.code_delivery_details.as_ref(),
            None,
        ),
        Err(e) => {
            let label = s.label().await;
            s.ui.render(
                crate::web::page::status_of(&e),
                &ForgotPage {
                    ui: &s.ui,
                    username: &username,
                    username_label: label,
                    error: Some(e.message),
                },
            )
        }
    }
}

/// `POST /confirmForgotPassword`: ConfirmForgotPassword, then the sign-in
/// form.
pub async fn reset(Posted { s, form }: Posted) -> Response {
    let username = form.get("username").unwrap_or_default().to_owned();
    let req = ConfirmForgotPasswordRequest {
        client_id: s.client().id().to_owned(),
        username: username.clone(),
        confirmation_code: form.get("code").unwrap_or_default().to_owned(),
        password: form.raw("password").unwrap_or_default().to_owned(),
        secret_hash: s.secret_hash(&username).await,
        ..Default::default()
    };
    match s.svc().confirm_forgot_password(req, s.state.now_ms()).await {
        Ok(_) => {
            s.login_page(
                StatusCode::OK,
                &username,
                None,
                Some("Your password has been reset. Sign in with it."),
            )
            .await
        }
        Err(e) => s.reset_page(
            crate::web::page::status_of(&e),
            &username,
            None,
            Some(e.message),
        ),
    }
}
