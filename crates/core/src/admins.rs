//! Administrators: the access keys that sign admin operations (configured
//! ones, and the one kognit creates and shows once on first start, as
//! database servers do for a root password), sealed at rest under the master
//! key; and the check of a request that yields the [`Admin`] proof. This is
//! the only place an `Admin` is made, so an admin operation cannot be reached
//! without passing it.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::service::{Admin, Millis, Service};
use crate::sigv4::{Expectation, SigError, SignedRequest};
use crate::store::{AccessKeyRecord, Conflict, StoreError};
use crate::{Error, Result, ids, sigv4};

/// An administrator's SigV4 credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessKey {
    /// The access key id.
    pub id: String,
    /// The secret access key.
    pub secret: String,
}

/// How a request's caller is recognised as an administrator.
pub enum AdminCheck<'a> {
    /// `kognit dev`: any caller, named by the access key id it claims.
    AnyCaller {
        /// The access key id of the request's Authorization header.
        claimed_key: &'a str,
    },
    /// `kognit serve`: a SigV4 signature by one of the configured keys or a
    /// stored one.
    SigV4 {
        /// The request as signed.
        request: &'a SignedRequest<'a>,
        /// The region, service, clock and skew the signature must match.
        expect: &'a Expectation<'a>,
        /// The keys from the configuration, searched before the store.
        configured: &'a [AccessKey],
    },
}

fn aad(id: &str) -> Vec<u8> {
    format!("access-key\0{id}").into_bytes()
}

fn sig_error(e: SigError) -> Error {
    let code = ErrorCode::from_name(e.code()).unwrap_or(ErrorCode::AccessDeniedException);
    Error::new(code, e.message())
}

impl Service {
    /// Checks the caller of an admin operation and answers the proof admin
    /// operations take, or Cognito's SigV4 error.
    pub async fn authenticate_admin(&self, check: AdminCheck<'_>) -> Result<Admin> {
        match check {
            AdminCheck::AnyCaller { claimed_key } => Ok(Admin::new(claimed_key)),
            AdminCheck::SigV4 {
                request,
                expect,
                configured,
            } => {
                let parsed = sigv4::parse(request, expect).map_err(sig_error)?;
                let secret = self
                    .access_key_secret(configured, parsed.access_key_id())
                    .await?
                    .ok_or_else(|| sig_error(SigError::UnknownKey))?;
                parsed.check(request, &secret).map_err(sig_error)?;
                Ok(Admin::new(parsed.access_key_id()))
            }
        }
    }

    /// The secret of an access key: configured keys first, then the store.
    async fn access_key_secret(
        &self,
        configured: &[AccessKey],
        id: &str,
    ) -> Result<Option<String>> {
        if let Some(k) = configured.iter().find(|k| k.id == id) {
            return Ok(Some(k.secret.clone()));
        }
        let Some(rec) = self.store.get_access_key(id).await? else {
            return Ok(None);
        };
        let plain = self
            .secrets
            .open(&rec.sealed_secret, &aad(id))
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| Error::internal("an access key did not open under the master key"))?;
        Ok(Some(plain))
    }

    /// Creates the first admin key when none is configured or stored, and
    /// answers it (to be shown to the operator once); None otherwise.
    pub async fn bootstrap_access_key(
        &self,
        configured: &[AccessKey],
        now: Millis,
    ) -> Result<Option<AccessKey>> {
        if !configured.is_empty() || self.store.count_access_keys().await? > 0 {
            return Ok(None);
        }
        let key = AccessKey {
            id: ids::access_key_id(),
            secret: ids::secret_access_key(),
        };
        let rec = AccessKeyRecord {
            sealed_secret: self.secrets.seal(key.secret.as_bytes(), &aad(&key.id)),
            id: key.id.clone(),
            created_ms: now,
        };
        match self.store.insert_access_key(&rec).await {
            Ok(()) => Ok(Some(key)),
            // Another node created the first key at the same moment: use that one.
            Err(StoreError::Conflict(Conflict::AccessKey)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
