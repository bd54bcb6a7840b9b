//! The pool's session configuration: GetUserPoolSessionConfiguration and
//! SetUserPoolSessionConfiguration. As in Cognito, tracking is off until
//! turned on, and a user holds at most MaxPerUser (default 20) live sessions.
//! kognit has no feature tiers, so it never answers
//! FeatureUnavailableInTierException.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolSessionConfiguration.html>

use kognit_wire::types::*;

use crate::Result;
use crate::records::SessionsDoc;
use crate::service::{Admin, Millis, Service};

impl SessionsDoc {
    fn tracking_name(&self) -> UserSessionTrackingType {
        if self.tracking {
            UserSessionTrackingType::Enabled
        } else {
            UserSessionTrackingType::Disabled
        }
    }

    fn token_session(&self) -> UserPoolTokenSessionConfigType {
        UserPoolTokenSessionConfigType {
            max_per_user: self.max_per_user() as i32,
        }
    }
}

impl Service {
    /// GetUserPoolSessionConfiguration.
    pub async fn get_user_pool_session_configuration(
        &self,
        _admin: &Admin,
        req: GetUserPoolSessionConfigurationRequest,
    ) -> Result<GetUserPoolSessionConfigurationResponse> {
        let id = req.user_pool_id;
        let (_, doc) = self.load_pool(&id).await?;
        Ok(GetUserPoolSessionConfigurationResponse {
            user_pool_id: Some(id),
            user_session_tracking: Some(doc.sessions.tracking_name()),
            token_session: Some(doc.sessions.token_session()),
        })
    }

    /// SetUserPoolSessionConfiguration: replaces both settings. Lowering
    /// MaxPerUser ends no session by itself; a user is brought within the
    /// limit at their next sign-in.
    pub async fn set_user_pool_session_configuration(
        &self,
        _admin: &Admin,
        req: SetUserPoolSessionConfigurationRequest,
        now: Millis,
    ) -> Result<SetUserPoolSessionConfigurationResponse> {
        let id = req.user_pool_id.clone();
        let wanted = SessionsDoc {
            tracking: req.user_session_tracking == UserSessionTrackingType::Enabled,
            max_per_user: Some(req.token_session.max_per_user),
        };
        let (doc, ()) = self
            .modify_pool(&id, now, |doc| {
                doc.sessions = wanted.clone();
                Ok(())
            })
            .await?;
        Ok(SetUserPoolSessionConfigurationResponse {
            user_pool_id: Some(id),
            user_session_tracking: Some(doc.sessions.tracking_name()),
            token_session: Some(doc.sessions.token_session()),
        })
    }
}
