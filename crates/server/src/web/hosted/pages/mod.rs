//! The hosted pages: sign-in and its challenges, sign-up with confirmation,
//! and the forgotten password. Each page carries the authorization request's
//! query from page to page and checks it again on every step; each form
//! carries the CSRF token. The rules are the API's: sign-in runs core's
//! hosted flows, the other pages call SignUp, ConfirmSignUp,
//! ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword,
//! AssociateSoftwareToken and VerifySoftwareToken themselves.

use std::collections::BTreeMap;

use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kognit_core::error::ErrorCode;
use kognit_core::oauth::{Authorization, AuthorizeError, AuthorizeParams, HostedStep};
use kognit_core::records::AppClient;
use kognit_core::store::UserRecord;
use kognit_core::tokens::SignIn;
use kognit_wire::types::*;

mod accounts;

use accounts::{ConfirmPage, ResetPage};
pub use accounts::{confirm, forgot, forgot_form, resend, reset, signup, signup_form};

use super::Domain;
use super::endpoints::with_session;
use super::ui::{self, Ui};
use crate::state::AppState;
use crate::web::form::FormData;

/// A page's request: the authorization request of its query checked again,
/// with the page context; or the response that refuses it.
pub struct Step {
    state: AppState,
    domain: Domain,
    ui: Ui,
    a: Authorization,
    headers: HeaderMap,
    params: AuthorizeParams,
}

impl FromRequestParts<AppState> for Step {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let domain = Domain::from_request_parts(parts, state).await?;
        let raw = parts.uri.query().unwrap_or_default().to_owned();
        let ui = Ui::new(state, &domain, &parts.headers, &raw);
        let Ok(params) = serde_urlencoded::from_str::<AuthorizeParams>(&raw) else {
            return Err(ui::error_page(
                &ui,
                StatusCode::BAD_REQUEST,
                "The request's parameters do not parse.",
            ));
        };
        match state
            .service
            .check_authorization(&domain.pool_id, &params)
            .await
        {
            Ok(a) => Ok(Step {
                ui: ui.for_client(state, &a.client).await,
                state: state.clone(),
                domain,
                a,
                headers: parts.headers.clone(),
                params,
            }),
            Err(AuthorizeError::Redirect(to)) => Err(ui::found(&to)),
            Err(AuthorizeError::Page(m)) => Err(ui::error_page(&ui, StatusCode::BAD_REQUEST, &m)),
        }
    }
}

/// A posted form of a page: its [`Step`] and its fields, the CSRF token
/// checked.
pub struct Posted {
    s: Step,
    form: FormData,
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let s = Step::from_request_parts(&mut parts, state).await?;
        let Form(form) = Form::<FormData>::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        if !ui::csrf_ok(&s.headers, &form) {
            return Err(ui::error_page(
                &s.ui,
                StatusCode::FORBIDDEN,
                "This form has expired. Go back, reload the page and try again.",
            ));
        }
        Ok(Posted { s, form })
    }
}

/// An attribute's name as a form labels it: `phone_number` → "Phone
/// number", `custom:team_name` → "Team name".
fn attribute_label(name: &str) -> String {
    let words = name.trim_start_matches("custom:").replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn username_label(attrs: &[String]) -> &'static str {
    match (
        attrs.iter().any(|a| a == "email"),
        attrs.iter().any(|a| a == "phone_number"),
    ) {
        (true, true) => "Email or phone number",
        (true, false) => "Email",
        (false, true) => "Phone number",
        (false, false) => "Username",
    }
}

impl Step {
    fn svc(&self) -> &kognit_core::Service {
        &self.state.service
    }

    fn client(&self) -> &AppClient {
        &self.a.client
    }

    async fn label(&self) -> &'static str {
        match self.svc().sign_up_fields(&self.domain.pool_id).await {
            Ok(f) => username_label(&f.username_attributes),
            Err(_) => "Username",
        }
    }

    async fn secret_hash(&self, username: &str) -> Option<String> {
        self.svc()
            .hosted_secret_hash(self.client(), username)
            .await
            .ok()
            .flatten()
    }

    /// The user is signed in: the hosted session cookie, and the redirect
    /// that grants the authorization request.
    async fn finish(&self, user: &UserRecord, sign_in: &SignIn) -> Response {
        let now = self.state.now_ms();
        let svc = self.svc();
        let sealed = svc.seal_hosted_session(&self.domain.pool_id, user, sign_in.auth_time, now);
        let cookie = ui::session_cookie(&sealed, &self.domain, self.state.https);
        let r = match svc.grant_authorization(&self.a, user, sign_in, now).await {
            Ok(to) | Err(AuthorizeError::Redirect(to)) => ui::found(&to),
            Err(AuthorizeError::Page(m)) => {
                return ui::error_page(&self.ui, StatusCode::BAD_REQUEST, &m);
            }
        };
        ui::with_cookie(r, &cookie)
    }

    /// Where a sign-in step leads: the next challenge's page, or the grant.
    async fn after(&self, step: HostedStep, username: &str) -> Response {
        match step {
            HostedStep::SignedIn { user, sign_in } => self.finish(&user, &sign_in).await,
            HostedStep::Challenge {
                name,
                session,
                parameters,
            } => {
                let username = parameters
                    .get("USER_ID_FOR_SRP")
                    .map_or(username, String::as_str)
                    .to_owned();
                self.challenge_page(name.as_str(), session, &parameters, &username, None)
                    .await
            }
        }
    }

    async fn login_page(
        &self,
        status: StatusCode,
        username: &str,
        error: Option<String>,
        notice: Option<&str>,
    ) -> Response {
        let sign_up_allowed = self
            .svc()
            .self_sign_up_allowed(&self.domain.pool_id)
            .await
            .unwrap_or(false);
        self.ui.render(
            status,
            &LoginPage {
                ui: &self.ui,
                username,
                username_label: self.label().await,
                error,
                notice: notice.map(str::to_owned),
                sign_up_allowed,
            },
        )
    }

    async fn challenge_page(
        &self,
        challenge: &str,
        session: String,
        parameters: &BTreeMap<String, String>,
        username: &str,
        error: Option<String>,
    ) -> Response {
        let list = |name: &str| -> Vec<String> {
            parameters
                .get(name)
                .and_then(|v| serde_json::from_str::<Vec<String>>(v).ok())
                .unwrap_or_default()
        };
        let mut page = ChallengePage {
            ui: &self.ui,
            challenge: challenge.to_owned(),
            session,
            username: username.to_owned(),
            error,
            heading: match challenge {
                "SOFTWARE_TOKEN_MFA" => "Enter the code from your authenticator app",
                "EMAIL_OTP" => "Enter the code we emailed you",
                _ => "Enter the code we sent you",
            },
            destination: parameters.get("CODE_DELIVERY_DESTINATION").cloned(),
            attributes: list("requiredAttributes")
                .into_iter()
                .map(|a| {
                    let name = a.trim_start_matches("userAttributes.").to_owned();
                    let label = attribute_label(&name);
                    (name, label)
                })
                .collect(),
            choices: list("MFAS_CAN_CHOOSE"),
            qr_svg: String::new(),
            secret_code: parameters.get("SECRET_CODE").cloned().unwrap_or_default(),
        };
        if challenge == "MFA_SETUP" && page.secret_code.is_empty() {
            let req = AssociateSoftwareTokenRequest {
                session: Some(page.session.clone()),
                ..Default::default()
            };
            match self
                .svc()
                .associate_software_token(req, self.state.now_ms())
                .await
            {
                Ok(r) => {
                    page.secret_code = r.secret_code.unwrap_or_default();
                    page.session = r.session.unwrap_or_default();
                }
                Err(e) => {
                    return self
                        .login_page(StatusCode::BAD_REQUEST, username, Some(e.message), None)
                        .await;
                }
            }
        }
        if challenge == "MFA_SETUP" {
            page.qr_svg = totp_qr(&self.ui.client_name, username, &page.secret_code);
        }
        let status = if page.error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        self.ui.render(status, &page)
    }

    fn confirm_page(
        &self,
        status: StatusCode,
        username: &str,
        pending: &str,
        delivery: Option<&CodeDeliveryDetailsType>,
        error: Option<String>,
        notice: Option<&str>,
    ) -> Response {
        self.ui.render(
            status,
            &ConfirmPage {
                ui: &self.ui,
                username,
                pending,
                destination: delivery.and_then(|d| d.destination.clone()),
                medium: medium(delivery),
                error,
                notice: notice.map(str::to_owned),
            },
        )
    }

    fn reset_page(
        &self,
        status: StatusCode,
        username: &str,
        delivery: Option<&CodeDeliveryDetailsType>,
        error: Option<String>,
    ) -> Response {
        self.ui.render(
            status,
            &ResetPage {
                ui: &self.ui,
                username,
                destination: delivery.and_then(|d| d.destination.clone()),
                medium: medium(delivery),
                error,
            },
        )
    }

    /// A user who must confirm first: a new code, and the confirmation page.
    async fn confirm_first(&self, username: &str, password: &str) -> Response {
        let now = self.state.now_ms();
        let req = ResendConfirmationCodeRequest {
            client_id: self.client().id().to_owned(),
            username: username.to_owned(),
            secret_hash: self.secret_hash(username).await,
            ..Default::default()
        };
        let pending = self.svc().seal_pending_sign_in(username, password, now);
        match self.svc().resend_confirmation_code(req, now).await {
            Ok(r) => self.confirm_page(
                StatusCode::OK,
                username,
                &pending,
                r.code_delivery_details.as_ref(),
                None,
                None,
            ),
            Err(e) => {
                self.login_page(StatusCode::BAD_REQUEST, username, Some(e.message), None)
                    .await
            }
        }
    }

    /// A user whose password must be reset: a code, and the reset page.
    async fn reset_first(&self, username: &str) -> Response {
        let req = ForgotPasswordRequest {
            client_id: self.client().id().to_owned(),
            username: username.to_owned(),
            secret_hash: self.secret_hash(username).await,
            ..Default::default()
        };
        match self.svc().forgot_password(req, self.state.now_ms()).await {
            Ok(r) => self.reset_page(
                StatusCode::OK,
                username,
                r.code_delivery_details.as_ref(),
                None,
            ),
            Err(e) => {
                self.login_page(StatusCode::BAD_REQUEST, username, Some(e.message), None)
                    .await
            }
        }
    }

    /// Signs in with a username and password, and goes where that leads.
    async fn sign_in(&self, username: &str, password: &str) -> Response {
        let now = self.state.now_ms();
        match self
            .svc()
            .hosted_sign_in(self.client(), username, password, now)
            .await
        {
            Ok(step) => self.after(step, username).await,
            Err(e) => match e.code {
                ErrorCode::UserNotConfirmedException => {
                    self.confirm_first(username, password).await
                }
                ErrorCode::PasswordResetRequiredException => self.reset_first(username).await,
                _ => {
                    let status = crate::web::page::status_of(&e);
                    self.login_page(status, username, Some(e.message), None)
                        .await
                }
            },
        }
    }
}

fn medium(d: Option<&CodeDeliveryDetailsType>) -> &'static str {
    match d.and_then(|d| d.delivery_medium) {
        Some(DeliveryMediumType::Sms) => "SMS",
        _ => "email",
    }
}

/// The authenticator set-up's QR code (an `otpauth://` URI), as SVG.
fn totp_qr(issuer: &str, username: &str, secret: &str) -> String {
    let issuer = if issuer.is_empty() { "kognit" } else { issuer };
    let enc = |s: &str| kognit_core::sigv4::uri_encode(s, false);
    let uri = format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}",
        enc(issuer),
        enc(username),
        enc(issuer)
    );
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(180, 180)
            .build(),
        Err(_) => String::new(),
    }
}

#[derive(askama::Template)]
#[template(path = "hosted/login.html")]
struct LoginPage<'a> {
    ui: &'a Ui,
    username: &'a str,
    username_label: &'a str,
    error: Option<String>,
    notice: Option<String>,
    sign_up_allowed: bool,
}

#[derive(askama::Template)]
#[template(path = "hosted/challenge.html")]
struct ChallengePage<'a> {
    ui: &'a Ui,
    challenge: String,
    session: String,
    username: String,
    error: Option<String>,
    heading: &'a str,
    destination: Option<String>,
    /// (name, label) of the attributes still required.
    attributes: Vec<(String, String)>,
    choices: Vec<String>,
    qr_svg: String,
    secret_code: String,
}

/// `GET /login`: the sign-in form (or the grant, with a hosted session).
pub async fn login_form(s: Step) -> Response {
    if let Some(done) = with_session(&s.state, &s.domain, &s.headers, &s.a).await {
        return done;
    }
    let hint = s.params.login_hint.as_deref().unwrap_or_default();
    s.login_page(StatusCode::OK, hint, None, None).await
}

/// `POST /login`: the username and password.
pub async fn login(Posted { s, form }: Posted) -> Response {
    let username = form.get("username").unwrap_or_default();
    let password = form.raw("password").unwrap_or_default();
    if username.is_empty() || password.is_empty() {
        return s
            .login_page(
                StatusCode::BAD_REQUEST,
                username,
                Some("Enter your username and password.".into()),
                None,
            )
            .await;
    }
    s.sign_in(username, password).await
}

/// `POST /login/respond`: the answer to a challenge page.
pub async fn respond(Posted { s, form }: Posted) -> Response {
    let challenge = form.get("challenge").unwrap_or_default().to_owned();
    let mut session = form.raw("session").unwrap_or_default().to_owned();
    let username = form.get("username").unwrap_or_default().to_owned();
    let code = form.get("code").unwrap_or_default().to_owned();
    let now = s.state.now_ms();
    let mut responses = BTreeMap::from([("USERNAME".to_owned(), username.clone())]);
    let mut again = BTreeMap::new();
    match challenge.as_str() {
        "NEW_PASSWORD_REQUIRED" => {
            responses.insert(
                "NEW_PASSWORD".into(),
                form.raw("new_password").unwrap_or_default().into(),
            );
            let mut required = Vec::new();
            for (k, v) in &form.0 {
                if let Some(name) = k.strip_prefix("attr:") {
                    let key = format!("userAttributes.{name}");
                    required.push(key.clone());
                    responses.insert(key, v.trim().to_owned());
                }
            }
            again.insert(
                "requiredAttributes".into(),
                serde_json::json!(required).to_string(),
            );
        }
        "SMS_MFA" => {
            responses.insert("SMS_MFA_CODE".into(), code);
        }
        "EMAIL_OTP" => {
            responses.insert("EMAIL_OTP_CODE".into(), code);
        }
        "SOFTWARE_TOKEN_MFA" => {
            responses.insert("SOFTWARE_TOKEN_MFA_CODE".into(), code);
        }
        "SELECT_MFA_TYPE" => {
            responses.insert(
                "ANSWER".into(),
                form.get("answer").unwrap_or_default().into(),
            );
        }
        "MFA_SETUP" => {
            let secret = form.get("secret_code").unwrap_or_default().to_owned();
            again.insert("SECRET_CODE".into(), secret);
            let req = VerifySoftwareTokenRequest {
                session: Some(session.clone()),
                user_code: code,
                ..Default::default()
            };
            match s.svc().verify_software_token(req, now).await {
                Ok(r) => session = r.session.unwrap_or_default(),
                Err(e) => {
                    return s
                        .challenge_page(&challenge, session, &again, &username, Some(e.message))
                        .await;
                }
            }
        }
        _ => {
            return s
                .login_page(
                    StatusCode::BAD_REQUEST,
                    &username,
                    Some("Sign in again.".into()),
                    None,
                )
                .await;
        }
    }
    let Some(name) = ChallengeNameType::ALL
        .iter()
        .copied()
        .find(|c| c.as_str() == challenge)
    else {
        return s
            .login_page(StatusCode::BAD_REQUEST, &username, None, None)
            .await;
    };
    match s
        .svc()
        .hosted_respond(s.client(), name, &session, responses, now)
        .await
    {
        Ok(step) => s.after(step, &username).await,
        Err(e) if e.code == ErrorCode::NotAuthorizedException && e.message.contains("session") => {
            s.login_page(
                StatusCode::BAD_REQUEST,
                &username,
                Some(format!("{} Sign in again.", e.message)),
                None,
            )
            .await
        }
        Err(e) => {
            s.challenge_page(&challenge, session, &again, &username, Some(e.message))
                .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::attribute_label;

    #[test]
    fn attributes_are_labelled_for_people() {
        assert_eq!(attribute_label("email"), "Email");
        assert_eq!(attribute_label("phone_number"), "Phone number");
        assert_eq!(attribute_label("custom:team_name"), "Team name");
    }
}
