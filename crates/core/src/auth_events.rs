//! The auth-event history: every sign-in attempt (and sign-up) of a user,
//! with its outcome, the challenges answered, and where it came from;
//! AdminListUserAuthEvents and AdminUpdateAuthEventFeedback.
//!
//! Cognito keeps this history only with threat protection (Plus tier) on;
//! kognit keeps it always and evaluates no risk, so every event's
//! RiskDecision is `NoRisk` (no action was taken) with no RiskLevel.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-adaptive-authentication.html#user-pool-settings-adaptive-authentication-event-user-history>

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use crate::page_token::decode as decode_token;
use crate::request::RequestContext;
use crate::service::{Admin, Millis, Service, epoch_seconds};
use crate::store::{AuthEventRecord, EventFeedback};
use crate::{Error, Result};

/// MaxResults when the request names none (or 0), and its ceiling.
const DEFAULT_PAGE: i32 = 60;

/// One event to record.
pub(crate) struct AuthEvent<'a> {
    /// `SignIn`, `SignUp`, ….
    pub event_type: &'a str,
    /// `Pass`, `Fail` or `InProgress`.
    pub response: &'a str,
    /// Challenges and results, e.g. `("Password", "Success")`.
    pub challenges: &'a [(&'a str, &'a str)],
    /// The id to use (a sign-in's `event_id` claim); a new UUID when None.
    pub event_id: Option<&'a str>,
}

fn record_to_type(r: AuthEventRecord) -> AuthEventType {
    let challenges: Vec<(String, String)> = serde_json::from_str(&r.challenges).unwrap_or_default();
    let feedback = r.feedback_value.map(|v| EventFeedbackType {
        feedback_value: FeedbackValueType::parse(&v),
        provider: r.feedback_provider,
        feedback_date: r.feedback_ms.map(epoch_seconds),
    });
    AuthEventType {
        event_id: Some(r.event_id),
        event_type: Some(r.event_type),
        creation_date: Some(epoch_seconds(r.created_ms)),
        event_response: Some(r.response),
        event_risk: Some(EventRiskType {
            risk_decision: Some("NoRisk".into()),
            risk_level: None,
            compromised_credentials_detected: None,
        }),
        challenge_responses: Some(
            challenges
                .into_iter()
                .map(|(name, result)| ChallengeResponseType {
                    challenge_name: Some(name),
                    challenge_response: Some(result),
                })
                .collect(),
        ),
        event_context_data: Some(EventContextDataType {
            ip_address: r.ip,
            device_name: r.device_name,
            timezone: None,
            city: None,
            country: None,
        }),
        event_feedback: feedback,
    }
}

impl Service {
    /// Records an event of a user, with the current request's IP address and
    /// device.
    pub(crate) async fn record_auth_event(
        &self,
        pool_id: &str,
        username_key: &str,
        event: AuthEvent<'_>,
        now: Millis,
    ) -> Result<()> {
        let ctx = RequestContext::current();
        let challenges: Vec<[&str; 2]> = event.challenges.iter().map(|(n, r)| [*n, *r]).collect();
        let rec = AuthEventRecord {
            pool_id: pool_id.to_owned(),
            username_key: username_key.to_owned(),
            event_id: event
                .event_id
                .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned),
            event_type: event.event_type.to_owned(),
            created_ms: now,
            response: event.response.to_owned(),
            challenges: serde_json::to_string(&challenges).map_err(Error::internal)?,
            device_name: ctx.device(),
            ip: ctx.ip,
            feedback_value: None,
            feedback_provider: None,
            feedback_ms: None,
        };
        self.store.insert_auth_event(&rec).await?;
        Ok(())
    }

    /// AdminListUserAuthEvents: a user's events, newest first.
    pub async fn admin_list_user_auth_events(
        &self,
        _admin: &Admin,
        req: AdminListUserAuthEventsRequest,
    ) -> Result<AdminListUserAuthEventsResponse> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let limit = match req.max_results.unwrap_or(0) {
            n if n <= 0 => DEFAULT_PAGE,
            n => n.min(DEFAULT_PAGE),
        }
        .unsigned_abs();
        let before = match req.next_token.as_deref() {
            None => None,
            Some(t) => Some(
                decode_token(t)?
                    .parse::<i64>()
                    .map_err(|_| Error::invalid_parameter("Invalid pagination token."))?,
            ),
        };
        let mut rows = self
            .store
            .list_auth_events(&pool.id, &user.username_key, before, limit + 1)
            .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_token = more
            .then(|| {
                rows.last()
                    .map(|(seq, _)| crate::page_token::encode(&seq.to_string()))
            })
            .flatten();
        Ok(AdminListUserAuthEventsResponse {
            auth_events: Some(rows.into_iter().map(|(_, r)| record_to_type(r)).collect()),
            next_token,
        })
    }

    /// AdminUpdateAuthEventFeedback: stores an administrator's verdict on
    /// one of the user's events.
    pub async fn admin_update_auth_event_feedback(
        &self,
        _admin: &Admin,
        req: AdminUpdateAuthEventFeedbackRequest,
        now: Millis,
    ) -> Result<()> {
        let (pool, user) = self
            .admin_user(req.user_pool_id.as_str(), req.username.as_str())
            .await?;
        let feedback = EventFeedback {
            value: req.feedback_value.as_str(),
            provider: "Admin",
            at_ms: now,
        };
        let found = self
            .store
            .set_auth_event_feedback(
                &pool.id,
                &user.username_key,
                req.event_id.as_str(),
                &feedback,
            )
            .await?;
        if !found {
            return Err(Error::new(
                ErrorCode::ResourceNotFoundException,
                "Auth event not found.",
            ));
        }
        Ok(())
    }
}
