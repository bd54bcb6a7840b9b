//! Who is calling: operations the model marks unsigned take no credentials;
//! every other operation needs a valid SigV4 signature in `serve` (any
//! credentials are accepted in `dev`).

use kognit_core::sigv4::{Expectation, SignedRequest};
use kognit_core::{Admin, AdminCheck, Error};
use kognit_wire::ops::Operation;

use super::Incoming;
use crate::config::Mode;
use crate::state::AppState;

/// The authenticated caller of one request.
pub enum Caller {
    /// A SigV4-verified administrator (or anyone, in dev).
    Admin(Admin),
    /// An unsigned operation's caller.
    Anonymous,
}

/// The access key id of an Authorization header, if one can be read (dev).
fn claimed_key(req: &Incoming) -> String {
    req.headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').next())
        .unwrap_or("dev")
        .to_owned()
}

/// Authenticates a request for an operation.
pub async fn authenticate(
    state: &AppState,
    op: &Operation,
    req: &Incoming,
) -> Result<Caller, Error> {
    if op.unsigned {
        return Ok(Caller::Anonymous);
    }
    authenticate_admin(state, req).await.map(Caller::Admin)
}

/// Authenticates an administrator: SigV4 in `serve`, anyone in `dev`; core
/// decides and makes the proof.
pub async fn authenticate_admin(state: &AppState, req: &Incoming) -> Result<Admin, Error> {
    if state.mode == Mode::Dev {
        let claimed_key = claimed_key(req);
        return state
            .service
            .authenticate_admin(AdminCheck::AnyCaller {
                claimed_key: &claimed_key,
            })
            .await;
    }
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let signed = SignedRequest {
        method: req.method.as_str(),
        path: req.uri.path(),
        query: req.uri.query(),
        headers: &headers,
        body: &req.body,
    };
    let exp = Expectation {
        region: &state.region,
        service: "cognito-idp",
        now: time::OffsetDateTime::from_unix_timestamp_nanos(
            i128::from(state.now_ms()) * 1_000_000,
        )
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc()),
        max_skew: time::Duration::minutes(5),
    };
    state
        .service
        .authenticate_admin(AdminCheck::SigV4 {
            request: &signed,
            expect: &exp,
            configured: &state.access_keys,
        })
        .await
}
