//! Administrators: the access keys that sign admin operations (configured
//! ones, and the one kognit creates and shows once on first start, as
//! database servers do for a root password), sealed at rest under the master
//! key; and the check of a request that yields the [`Admin`] proof. This is
//! the only place an `Admin` is made, so an admin operation cannot be reached
//! without passing it.

use serde::{Deserialize, Serialize};

use crate::crypto::ct_eq;
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

/// A console administrator of the configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsoleAdmin {
    /// The name signed in with; recorded as `console:<name>` in the audit log.
    pub name: String,
    /// An Argon2id PHC string (`kognit hash-password` makes one).
    pub password_hash: String,
    /// A base32 TOTP secret; when set, sign-in also needs its current code.
    #[serde(default)]
    pub totp_secret: Option<String>,
}

impl ConsoleAdmin {
    /// Checks a configured administrator: a name, an Argon2id PHC string,
    /// and a TOTP secret that is base32 of at least 16 bytes, if one.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("every console administrator needs a name".into());
        }
        if !crate::passwords::is_argon2id_phc(&self.password_hash) {
            return Err(format!(
                "console administrator {}: password_hash is not an Argon2id PHC string \
                 (make one with `kognit hash-password`)",
                self.name
            ));
        }
        if let Some(t) = &self.totp_secret
            && crate::totp::base32_decode(t).is_none_or(|b| b.len() < 16)
        {
            return Err(format!(
                "console administrator {}: totp_secret is not base32 of at least 16 bytes",
                self.name
            ));
        }
        Ok(())
    }
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
    /// The console's sign-in form: an access key's id and secret, checked
    /// against the same keys as SigV4 (compared in constant time).
    AccessKeySecret {
        /// The access key id typed in.
        id: &'a str,
        /// The secret access key typed in.
        secret: &'a str,
        /// The keys from the configuration, searched before the store.
        configured: &'a [AccessKey],
    },
    /// The console's sign-in form: a console administrator of the
    /// configuration, by name, password and (when the administrator has a
    /// TOTP secret) the current code.
    ConsolePassword {
        /// The name typed in.
        name: &'a str,
        /// The password typed in.
        password: &'a str,
        /// The TOTP code typed in, if any.
        totp_code: Option<&'a str>,
        /// The configured console administrators.
        admins: &'a [ConsoleAdmin],
        /// Now, for the TOTP code.
        now: Millis,
    },
}

impl AdminCheck<'_> {
    /// Who the caller claims to be, for the audit log of a failed attempt.
    pub fn claimed_principal(&self) -> String {
        match self {
            Self::AnyCaller { claimed_key } => (*claimed_key).to_owned(),
            Self::SigV4 { .. } => "sigv4".to_owned(),
            Self::AccessKeySecret { id, .. } => (*id).to_owned(),
            Self::ConsolePassword { name, .. } => format!("console:{name}"),
        }
    }
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
            AdminCheck::AccessKeySecret {
                id,
                secret,
                configured,
            } => self.check_access_key_secret(configured, id, secret).await,
            AdminCheck::ConsolePassword {
                name,
                password,
                totp_code,
                admins,
                now,
            } => {
                self.check_console_password(admins, name, password, totp_code, now)
                    .await
            }
        }
    }

    /// The secret of an access key: configured keys first, then the store.
    pub(crate) async fn access_key_secret(
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

    /// Checks a console administrator's password (Argon2id, off the
    /// runtime) and TOTP code.
    pub(crate) async fn check_console_password(
        &self,
        admins: &[ConsoleAdmin],
        name: &str,
        password: &str,
        totp_code: Option<&str>,
        now: Millis,
    ) -> Result<Admin> {
        let refused = || {
            Error::new(
                ErrorCode::NotAuthorizedException,
                "Incorrect name, password or code.",
            )
        };
        let Some(admin) = admins
            .iter()
            .find(|a| ct_eq(a.name.as_bytes(), name.as_bytes()))
        else {
            // As long as a wrong password takes, so the answer's timing
            // does not tell which names exist.
            self.hasher.hash(password).await?;
            return Err(refused());
        };
        if !self.hasher.verify(password, &admin.password_hash).await? {
            return Err(refused());
        }
        if let Some(secret) = &admin.totp_secret {
            let secret = crate::totp::base32_decode(secret).ok_or_else(|| {
                Error::internal("a console administrator's TOTP secret is not base32")
            })?;
            let code = totp_code.unwrap_or_default();
            if crate::totp::matching_step(&secret, code, now / 1000).is_none() {
                return Err(refused());
            }
        }
        Ok(Admin::new(format!("console:{}", admin.name)))
    }

    /// Checks an access key's id and secret, as typed into the console.
    pub(crate) async fn check_access_key_secret(
        &self,
        configured: &[AccessKey],
        id: &str,
        secret: &str,
    ) -> Result<Admin> {
        let known = self.access_key_secret(configured, id).await?;
        match known {
            Some(s) if ct_eq(s.as_bytes(), secret.as_bytes()) => Ok(Admin::new(id)),
            _ => Err(Error::new(
                ErrorCode::NotAuthorizedException,
                "Incorrect access key id or secret.",
            )),
        }
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
