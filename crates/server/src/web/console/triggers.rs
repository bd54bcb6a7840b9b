//! A pool's triggers (`LambdaConfig`): each a Lambda function ARN or, a
//! kognit extension, an http(s) webhook URL; and the pool's webhook signing
//! secret (`Kognit.GetTriggerSecret`), shown when asked for.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

use super::pool_update::{self, Choice, Edits, choices, describe, errors_of, is_missing};
use super::{Console, ConsoleForm, Layout, error_page, text, with_notice};
use crate::state::AppState;
use crate::web::form::FormData;
use crate::web::page::{self, FieldErrors, redirect};

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/pools/{pool}/triggers", get(show).post(save))
}

#[derive(Deserialize, Default)]
pub struct TriggersQuery {
    notice: Option<String>,
    /// `secret`: show the webhook signing secret.
    reveal: Option<String>,
}

/// The plain trigger members of `LambdaConfig`, grouped as the page shows
/// them: (member, when it runs).
const GROUPS: &[(&str, &[(&str, &str)])] = &[
    (
        "Sign-up",
        &[
            (
                "PreSignUp",
                "Before a user is created: may refuse, confirm or verify.",
            ),
            (
                "PostConfirmation",
                "After a user is confirmed or resets a password.",
            ),
            (
                "UserMigration",
                "When a user the pool does not have signs in or resets a password: may bring the user over.",
            ),
        ],
    ),
    (
        "Sign-in",
        &[
            (
                "PreAuthentication",
                "Before a password sign-in: may refuse it.",
            ),
            ("PostAuthentication", "After a sign-in that ends in tokens."),
        ],
    ),
    (
        "Custom authentication (CUSTOM_AUTH)",
        &[
            (
                "DefineAuthChallenge",
                "Decides the next challenge, or the outcome.",
            ),
            ("CreateAuthChallenge", "Creates a challenge."),
            ("VerifyAuthChallengeResponse", "Checks an answer."),
        ],
    ),
    (
        "Messages",
        &[(
            "CustomMessage",
            "Writes the text of every code, invitation and MFA message.",
        )],
    ),
];

/// The versions of the PreTokenGeneration event.
const TOKEN_VERSIONS: &[(&str, &str)] = &[
    ("V1_0", "V1_0: ID token claims, groups"),
    ("V2_0", "V2_0: also access token claims and scopes"),
    ("V3_0", "V3_0: also machine-to-machine tokens"),
];

/// One trigger field.
struct Trigger {
    name: &'static str,
    help: &'static str,
    value: String,
}

struct Group {
    title: &'static str,
    triggers: Vec<Trigger>,
}

#[derive(askama::Template)]
#[template(path = "console/triggers.html")]
struct TriggersPage {
    layout: Layout,
    pool: String,
    groups: Vec<Group>,
    pre_token: String,
    token_versions: Vec<Choice>,
    sms_sender: String,
    email_sender: String,
    kms_key: String,
    secret: Option<String>,
    errors: FieldErrors,
}

fn page_of(
    c: &Console,
    id: &str,
    p: &Value,
    secret: Option<String>,
    errors: FieldErrors,
    notice: Option<String>,
) -> TriggersPage {
    let lc = &p["LambdaConfig"];
    let pre_token = match text(&lc["PreTokenGenerationConfig"], "LambdaArn") {
        "" => text(lc, "PreTokenGeneration"),
        arn => arn,
    };
    let version = match text(&lc["PreTokenGenerationConfig"], "LambdaVersion") {
        "" => "V1_0",
        v => v,
    };
    TriggersPage {
        layout: c.layout("Triggers", Some(id)).with_notice(notice),
        pool: id.to_owned(),
        groups: GROUPS
            .iter()
            .map(|(title, members)| Group {
                title,
                triggers: members
                    .iter()
                    .map(|(name, help)| Trigger {
                        name,
                        help,
                        value: text(lc, name).to_owned(),
                    })
                    .collect(),
            })
            .collect(),
        pre_token: pre_token.to_owned(),
        token_versions: choices(TOKEN_VERSIONS, version),
        sms_sender: text(&lc["CustomSMSSender"], "LambdaArn").to_owned(),
        email_sender: text(&lc["CustomEmailSender"], "LambdaArn").to_owned(),
        kms_key: text(lc, "KMSKeyID").to_owned(),
        secret,
        errors,
    }
}

async fn show(
    State(state): State<AppState>,
    c: Console,
    Path(pool): Path<String>,
    Query(q): Query<TriggersQuery>,
) -> Response {
    let p = match describe(&state, &c, &pool).await {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let mut errors = FieldErrors::default();
    let mut secret = None;
    if q.reveal.as_deref() == Some("secret") {
        // Audited: the log shows who looked at the secret.
        match c
            .call(
                &state,
                "Kognit.GetTriggerSecret",
                json!({ "UserPoolId": pool }),
            )
            .await
        {
            Ok(a) => secret = Some(text(&a, "TriggerSecret").to_owned()),
            Err(e) => errors = FieldErrors::field("secret", e.message),
        }
    }
    let status = pool_update::status(&errors);
    page::render(status, &page_of(&c, &pool, &p, secret, errors, q.notice))
}

/// The edits of the form: every trigger member set to what was typed, or
/// removed when blank. `LambdaConfig`'s other members (InboundFederation)
/// are kept as they are.
fn edits(f: &FormData) -> Edits {
    let mut e = Edits::default();
    for (_, members) in GROUPS {
        for (name, _) in *members {
            e.text(&lambda_path(name), f.get(name));
        }
    }
    // The versioned configuration and the legacy member name the same
    // function, as Cognito keeps them.
    match f.get("PreTokenGeneration") {
        Some(target) => e.set("LambdaConfig/PreTokenGeneration", json!(target)).set(
            "LambdaConfig/PreTokenGenerationConfig",
            json!({
                "LambdaArn": target,
                "LambdaVersion": f.get("PreTokenGenerationConfig.LambdaVersion").unwrap_or("V1_0"),
            }),
        ),
        None => e
            .remove("LambdaConfig/PreTokenGeneration")
            .remove("LambdaConfig/PreTokenGenerationConfig"),
    };
    for member in ["CustomSMSSender", "CustomEmailSender"] {
        let path = lambda_path(member);
        match f.get(member) {
            Some(target) => e.set(
                &path,
                json!({ "LambdaArn": target, "LambdaVersion": "V1_0" }),
            ),
            None => e.remove(&path),
        };
    }
    e.text("LambdaConfig/KMSKeyID", f.get("KMSKeyID"));
    e
}

/// `LambdaConfig/<member>`.
fn lambda_path(member: &str) -> String {
    format!("LambdaConfig/{member}")
}

/// The fields errors may be about (paths through a member first).
const FIELDS: &[&str] = &[
    "PreTokenGenerationConfig.LambdaVersion",
    "PreTokenGenerationConfig",
    "PreTokenGeneration",
    "CustomSMSSender",
    "CustomEmailSender",
    "KMSKeyID",
    "PreSignUp",
    "PostConfirmation",
    "UserMigration",
    "PreAuthentication",
    "PostAuthentication",
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
    "CustomMessage",
];

async fn save(
    State(state): State<AppState>,
    Path(pool): Path<String>,
    post: ConsoleForm,
) -> Response {
    let ConsoleForm {
        console: c,
        form: f,
    } = post;
    let current = match describe(&state, &c, &pool).await {
        Ok(p) => p,
        Err(e) => return error_page(&e),
    };
    let edits = edits(&f);
    match pool_update::update(&state, &c, &current, &edits).await {
        Ok(_) => redirect(&with_notice(
            &format!("/console/pools/{pool}/triggers"),
            "Triggers saved.",
        )),
        Err(e) if is_missing(&e) => error_page(&e),
        Err(e) => {
            let mut errors = errors_of(&e, FIELDS, "triggers");
            // The versioned configuration's function is the PreTokenGeneration
            // field; the legacy member, sent the same text, has the same error.
            let legacy = errors.of("PreTokenGeneration").is_some();
            errors.fields.retain_mut(|(name, _)| {
                if name != "PreTokenGenerationConfig" {
                    return true;
                }
                *name = "PreTokenGeneration".into();
                !legacy
            });
            let shown = edits.applied_to(&current);
            let status = pool_update::status(&errors);
            page::render(status, &page_of(&c, &pool, &shown, None, errors, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_is_set_or_removed_and_the_rest_kept() {
        let mut pool = json!({ "LambdaConfig": {
            "PostAuthentication": "arn:aws:lambda:us-east-1:123456789012:function:old",
            "InboundFederation": { "LambdaArn": "arn:x", "LambdaVersion": "V1_0" },
        }});
        let f = FormData(vec![
            (
                "PreSignUp".into(),
                " http://127.0.0.1:8081/pre-sign-up ".into(),
            ),
            (
                "PreTokenGeneration".into(),
                "https://hooks.example.com/tokens".into(),
            ),
            (
                "PreTokenGenerationConfig.LambdaVersion".into(),
                "V2_0".into(),
            ),
            (
                "CustomEmailSender".into(),
                "https://hooks.example.com/email".into(),
            ),
            ("PostAuthentication".into(), "".into()),
        ]);
        edits(&f).apply(&mut pool);
        let lc = &pool["LambdaConfig"];
        assert_eq!(lc["PreSignUp"], "http://127.0.0.1:8081/pre-sign-up");
        assert!(lc.get("PostAuthentication").is_none());
        assert_eq!(lc["PreTokenGeneration"], "https://hooks.example.com/tokens");
        assert_eq!(
            lc["PreTokenGenerationConfig"],
            json!({ "LambdaArn": "https://hooks.example.com/tokens", "LambdaVersion": "V2_0" })
        );
        assert_eq!(
            lc["CustomEmailSender"],
            json!({ "LambdaArn": "https://hooks.example.com/email", "LambdaVersion": "V1_0" })
        );
        assert!(lc.get("CustomSMSSender").is_none() && lc.get("KMSKeyID").is_none());
        assert_eq!(lc["InboundFederation"]["LambdaArn"], "arn:x");
    }
}
