//! Declared users: AdminCreateUser's rules (username, attribute schema,
//! aliases, password policy) with a given `sub`, status and password, and
//! no invitation or trigger: a seed declares state, it does not sign
//! anyone up.

use kognit_wire::types::{
    AdminAddUserToGroupRequest, AdminSetUserMFAPreferenceRequest, AttributeType,
    EmailMfaSettingsType, SMSMfaSettingsType, SoftwareTokenMfaSettingsType, UserStatusType,
};

use super::Seeded;
use crate::service::{Admin, Millis, Service};
use crate::srp::{self, SrpSecret};
use crate::users::attributes::{Write, check_write};
use crate::users::signup::{new_user, resolve_username};
use crate::users::{Attrs, set_attrs};
use crate::{Error, Result, passwords};

/// A user to declare.
#[derive(Debug, Clone)]
pub struct UserSeed {
    /// The name the user signs in with (in a pool whose usernames are email
    /// addresses or phone numbers, one of those).
    pub username: String,
    /// The `sub`, a UUID; None for one derived from the pool id and the
    /// username, the same at every start.
    pub sub: Option<String>,
    /// Attributes, as AdminCreateUser takes them (`sub` is not one).
    pub attributes: Vec<AttributeType>,
    /// The password; None only for a user in RESET_REQUIRED (who must
    /// reset it before signing in).
    pub password: Option<SeedPassword>,
    /// CONFIRMED, FORCE_CHANGE_PASSWORD (the password is temporary),
    /// UNCONFIRMED or RESET_REQUIRED.
    pub status: UserStatusType,
    /// False for a disabled user.
    pub enabled: bool,
    /// The groups the user belongs to (declared in the same pool).
    pub groups: Vec<String>,
    /// The user's MFA: an authenticator, the factors on, the preferred one.
    pub mfa: Option<MfaSeed>,
}

/// A declared user's MFA, as AssociateSoftwareToken and VerifySoftwareToken
/// (a known secret) and then AdminSetUserMFAPreference would leave it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MfaSeed {
    /// The authenticator's TOTP secret, as AssociateSoftwareToken hands one
    /// out (base32), registered as VerifySoftwareToken registers it: a test
    /// can compute the user's codes.
    pub totp_secret: Option<String>,
    /// The factors turned on: `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`.
    pub enabled: Vec<String>,
    /// The preferred factor, one of `enabled`.
    pub preferred: Option<String>,
}

impl std::fmt::Debug for MfaSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaSeed")
            .field("totp_secret", &self.totp_secret.as_ref().map(|_| ".."))
            .field("enabled", &self.enabled)
            .field("preferred", &self.preferred)
            .finish()
    }
}

impl MfaSeed {
    /// Whether the entry can be applied: known factor names, the preferred
    /// one among `enabled`, a secret for SOFTWARE_TOKEN_MFA and one that is
    /// base32 of at least [`MIN_TOTP_BYTES`]. (Whether the user can have
    /// those factors is AdminSetUserMFAPreference's to say.) The secret's
    /// bytes, if there is one; the message when it cannot.
    pub fn check(&self) -> std::result::Result<Option<Vec<u8>>, String> {
        use crate::users::mfa_state::factor;
        for name in self.enabled.iter().chain(&self.preferred) {
            if ![factor::SMS, factor::TOTP, factor::EMAIL].contains(&name.as_str()) {
                return Err(format!(
                    "{name:?} is not one of SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP"
                ));
            }
        }
        if let Some(p) = &self.preferred
            && !self.enabled.contains(p)
        {
            return Err(format!("the preferred {p} is not among enabled"));
        }
        if self.enabled.iter().any(|e| e == factor::TOTP) && self.totp_secret.is_none() {
            return Err("SOFTWARE_TOKEN_MFA needs a totp_secret".into());
        }
        self.totp_secret
            .as_deref()
            .map(totp_secret_bytes)
            .transpose()
    }
}

/// The fewest bytes a declared TOTP secret may have (80 bits; Cognito's
/// own are 32 bytes).
const MIN_TOTP_BYTES: usize = 10;

/// The bytes of a declared TOTP secret (base32, as authenticator apps take
/// it); a message when it is not one.
fn totp_secret_bytes(text: &str) -> std::result::Result<Vec<u8>, String> {
    let bytes = crate::totp::base32_decode(text)
        .ok_or_else(|| "totp_secret is not base32 (A-Z, 2-7)".to_owned())?;
    if bytes.len() < MIN_TOTP_BYTES {
        return Err(format!(
            "totp_secret is {} bytes; at least {MIN_TOTP_BYTES} (16 base32 characters)",
            bytes.len()
        ));
    }
    Ok(bytes)
}

/// A declared user's password.
#[derive(Clone)]
pub enum SeedPassword {
    /// The password itself: held to the pool's policy, hashed and turned
    /// into an SRP verifier as AdminSetUserPassword does.
    Plain(String),
    /// What a store keeps of one (an export): the Argon2id hash, for
    /// password sign-in, and the SRP salt and verifier, for SRP sign-in
    /// (without them SRP sign-in fails).
    Hashed {
        /// The Argon2id hash in PHC form.
        phc: String,
        /// The SRP salt and verifier, made for this pool id and username.
        srp: Option<SrpSecret>,
    },
}

impl std::fmt::Debug for SeedPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Plain(_) => "Plain(..)",
            Self::Hashed { .. } => "Hashed(..)",
        })
    }
}

/// A `sub` the same at every start: a UUID (shaped as version 4) from the
/// SHA-256 of the pool id and the username.
pub(super) fn derived_sub(pool_id: &str, username: &str) -> String {
    let digest =
        crate::crypto::sha256(format!("kognit seed sub\0{pool_id}\0{username}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The status string of a status a seed may declare.
fn seed_status(status: UserStatusType) -> Result<&'static str> {
    use crate::users::status;
    match status {
        UserStatusType::Confirmed => Ok(status::CONFIRMED),
        UserStatusType::ForceChangePassword => Ok(status::FORCE_CHANGE_PASSWORD),
        UserStatusType::Unconfirmed => Ok(status::UNCONFIRMED),
        UserStatusType::ResetRequired => Ok(status::RESET_REQUIRED),
        other => Err(Error::invalid_parameter(format!(
            "A seeded user's status cannot be {}; it is one of CONFIRMED, \
             FORCE_CHANGE_PASSWORD, UNCONFIRMED, RESET_REQUIRED.",
            other.as_str()
        ))),
    }
}

impl Service {
    /// Creates the user of `seed` in the pool, unless the pool has a user
    /// of that name (left as it is), then makes it a member of its groups.
    pub async fn seed_user(
        &self,
        admin: &Admin,
        pool_id: &str,
        seed: UserSeed,
        now: Millis,
    ) -> Result<Seeded> {
        let pool = self.pool(pool_id).await?;
        let status = seed_status(seed.status)?;
        let sub = match &seed.sub {
            Some(s) => uuid::Uuid::parse_str(s)
                .map_err(|_| Error::invalid_parameter(format!("The sub {s} is not a UUID.")))?
                .to_string(),
            None => derived_sub(pool_id, &seed.username),
        };
        let mut from_username = Attrs::new();
        let username = resolve_username(
            &pool,
            &seed.username,
            &sub,
            &mut from_username,
            Write::Create,
        )?;
        let key = pool.username_key(&username);
        let outcome = if self.store.get_user(&pool.id, &key).await?.is_some() {
            Seeded::Existed
        } else {
            let mut attrs = check_write(&pool, &seed.attributes, Write::Create, None)?;
            attrs.extend(from_username);
            let mut rec = new_user(&pool, &username, sub, status, now);
            rec.enabled = seed.enabled;
            set_attrs(&mut rec, &attrs)?;
            let temporary = status == crate::users::status::FORCE_CHANGE_PASSWORD;
            match &seed.password {
                None if status == crate::users::status::RESET_REQUIRED => {}
                None => {
                    return Err(Error::invalid_parameter(
                        "A password (or password_hash) is required unless the status is \
                         RESET_REQUIRED.",
                    ));
                }
                Some(SeedPassword::Plain(p)) => {
                    self.set_password(&pool, &mut rec, p, temporary, now)
                        .await?
                }
                Some(SeedPassword::Hashed { phc, srp }) => {
                    if !passwords::is_argon2id_phc(phc) {
                        return Err(Error::invalid_parameter(
                            "The password_hash is not an Argon2id hash in PHC form \
                             ($argon2id$v=19$m=…,t=…,p=…$salt$hash).",
                        ));
                    }
                    rec.password_hash = Some(phc.clone());
                    if let Some(s) = srp {
                        if s.salt.is_empty() || !srp::valid_verifier(&s.verifier) {
                            return Err(Error::invalid_parameter(
                                "The SRP salt or verifier is not usable.",
                            ));
                        }
                        rec.srp_sealed = Some(
                            self.secrets
                                .seal(&s.to_bytes(), &Self::srp_aad(&pool.id, &key)),
                        );
                    }
                    if temporary {
                        let policy = Self::password_policy(&pool);
                        let days =
                            passwords::Requirements::of(&policy).temporary_password_validity_days;
                        rec.temp_password_expires_ms = Some(now + i64::from(days) * 86_400_000);
                    }
                }
            }
            self.insert_user_forcing(&pool, &rec, &attrs, false, now)
                .await?;
            if let Some(mfa) = &seed.mfa {
                self.seed_mfa(admin, &pool, &username, &key, mfa, now)
                    .await
                    .map_err(|e| Error::new(e.code, format!("mfa: {}", e.message)))?;
            }
            Seeded::Created
        };
        for group in seed.groups {
            let req = AdminAddUserToGroupRequest {
                user_pool_id: pool.id.clone(),
                username: username.clone(),
                group_name: group.clone(),
            };
            self.admin_add_user_to_group(admin, req)
                .await
                .map_err(|e| Error::new(e.code, format!("group {group}: {}", e.message)))?;
        }
        Ok(outcome)
    }

    /// Gives a new user the declared MFA: the authenticator registered
    /// directly (no API takes a known secret), then the factors through
    /// AdminSetUserMFAPreference, with its checks (a phone number for SMS,
    /// an email address for email, an authenticator for TOTP).
    async fn seed_mfa(
        &self,
        admin: &Admin,
        pool: &crate::users::Pool,
        username: &str,
        key: &str,
        mfa: &MfaSeed,
        now: Millis,
    ) -> Result<()> {
        use crate::users::mfa_state::{UserMfa, factor};
        if let Some(secret) = mfa.check().map_err(Error::invalid_parameter)? {
            let sealed = self.seal_totp(&secret);
            self.modify_user(
                pool,
                crate::users::Target::Key(key),
                false,
                now,
                |rec, _| {
                    let mut state = UserMfa::of(rec);
                    state.totp_secret = Some(sealed.clone());
                    state.totp_pending = None;
                    state.store_in(rec)
                },
            )
            .await?;
        }
        let setting = |name: &str| {
            (
                Some(mfa.enabled.iter().any(|e| e == name)),
                Some(mfa.preferred.as_deref() == Some(name)),
            )
        };
        let (sms, totp, email) = (
            setting(factor::SMS),
            setting(factor::TOTP),
            setting(factor::EMAIL),
        );
        let req = AdminSetUserMFAPreferenceRequest {
            user_pool_id: pool.id.clone(),
            username: username.to_owned(),
            sms_mfa_settings: Some(SMSMfaSettingsType {
                enabled: sms.0,
                preferred_mfa: sms.1,
            }),
            software_token_mfa_settings: Some(SoftwareTokenMfaSettingsType {
                enabled: totp.0,
                preferred_mfa: totp.1,
            }),
            email_mfa_settings: Some(EmailMfaSettingsType {
                enabled: email.0,
                preferred_mfa: email.1,
            }),
            ..Default::default()
        };
        self.admin_set_user_mfa_preference(admin, req, now).await?;
        Ok(())
    }
}
