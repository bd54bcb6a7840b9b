//! Declared state (`kognit dev --seed FILE`): user pools, app clients,
//! groups and users with the ids a seed gives them, created by the same
//! code and rules as CreateUserPool, CreateUserPoolClient, CreateGroup and
//! AdminCreateUser, never by writing rows directly; and the export of a
//! store's state in the same terms (`export`).
//!
//! A seed creates what is missing and leaves what exists as it is: applied
//! again to a store that has its entities, it changes nothing, so it can be
//! applied at every start and after every developer reset.

mod export;
mod users;

use kognit_wire::error::ErrorCode;
use kognit_wire::types::*;

use crate::service::{Admin, Millis, Service};
use crate::signing::TokenUse;
use crate::signing::rsa::PrivateKey;
use crate::{Error, Result};

pub use export::{ClientState, PoolState, UserState};
pub use users::{MfaSeed, SeedPassword, UserSeed};

/// What applying one entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeded {
    /// It was created.
    Created,
    /// It existed already and was left as it is.
    Existed,
}

/// A pool to declare: CreateUserPool's request under a given id.
#[derive(Debug, Clone)]
pub struct PoolSeed {
    /// The pool id, e.g. `us-east-1_Example1`: the server's region, `_`,
    /// letters and digits.
    pub id: String,
    /// What CreateUserPool would get.
    pub request: CreateUserPoolRequest,
    /// What SetUserPoolMfaConfig would get next (its `UserPoolId` is the id).
    pub mfa: Option<SetUserPoolMfaConfigRequest>,
    /// Fixed signing keys, so tokens signed in one run verify in the next.
    pub signing_keys: Option<FixedKeys>,
}

/// A pool's signing keys as PEM private keys (RSA, 2048 bits or more).
#[derive(Clone)]
pub struct FixedKeys {
    /// The key that signs ID tokens.
    pub id: String,
    /// The key that signs access tokens.
    pub access: String,
}

impl std::fmt::Debug for FixedKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FixedKeys(..)")
    }
}

/// Checks a declared pool id against the shape of Cognito's: the region
/// kognit presents, `_`, then letters and digits (the model's pattern
/// `[\w-]+_[0-9a-zA-Z]+` allows other regions, but a pool of another
/// region would have ARNs and SRP names that disagree with its id).
fn check_pool_id(id: &str, region: &str) -> Result<()> {
    let Some((prefix, suffix)) = id.split_once('_') else {
        return Err(Error::invalid_parameter(format!(
            "The pool id {id} is not <region>_<letters and digits>, e.g. {region}_Example1."
        )));
    };
    if prefix != region {
        return Err(Error::invalid_parameter(format!(
            "The pool id {id} names region {prefix}, but kognit presents {region} \
             (set KOGNIT_REGION={prefix} to present that region)."
        )));
    }
    if suffix.is_empty() || !suffix.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::invalid_parameter(format!(
            "The pool id {id} must end in letters and digits after the `_`."
        )));
    }
    Ok(())
}

impl Service {
    /// Creates the pool of `seed` under its id, with its MFA configuration
    /// and fixed signing keys, unless a pool with that id exists (which is
    /// then left as it is).
    pub async fn seed_user_pool(
        &self,
        admin: &Admin,
        seed: PoolSeed,
        now: Millis,
    ) -> Result<Seeded> {
        check_pool_id(&seed.id, &self.settings.region)?;
        // Parsed first, so a bad key refuses the pool before it exists.
        let keys = match &seed.signing_keys {
            Some(k) => Some((
                PrivateKey::from_pem(&k.id).map_err(|e| in_key("id", e))?,
                PrivateKey::from_pem(&k.access).map_err(|e| in_key("access", e))?,
            )),
            None => None,
        };
        if let Some((id_key, access_key)) = &keys
            && id_key.public_key()?.thumbprint_kid() == access_key.public_key()?.thumbprint_kid()
        {
            return Err(Error::invalid_parameter(
                "signing_keys.id and signing_keys.access are the same key; Cognito signs \
                 ID and access tokens with two different keys.",
            ));
        }
        let mut pool = crate::pools::new_pool(&seed.request, now)?;
        if self
            .insert_new_pool(&mut pool, &seed.id, now)
            .await?
            .is_none()
        {
            return Ok(Seeded::Existed);
        }
        self.pool_docs.forget(&seed.id);
        self.token_keys.forget(&seed.id);
        if let Err(e) = self.configure_new_pool(admin, &seed, keys, now).await {
            // Not left half made, where the next start would find it "existing".
            self.store.delete_pool(&seed.id).await?;
            self.pool_docs.forget(&seed.id);
            self.token_keys.forget(&seed.id);
            return Err(e);
        }
        Ok(Seeded::Created)
    }

    /// The rest of a new seeded pool: its MFA configuration and keys.
    async fn configure_new_pool(
        &self,
        admin: &Admin,
        seed: &PoolSeed,
        keys: Option<(PrivateKey, PrivateKey)>,
        now: Millis,
    ) -> Result<()> {
        if let Some(mfa) = &seed.mfa {
            let mut mfa = mfa.clone();
            mfa.user_pool_id = seed.id.clone();
            self.set_user_pool_mfa_config(admin, mfa, now).await?;
        }
        if let Some((id_key, access_key)) = keys {
            self.install_signing_key(&seed.id, TokenUse::Id, &id_key, now)
                .await?;
            self.install_signing_key(&seed.id, TokenUse::Access, &access_key, now)
                .await?;
        }
        Ok(())
    }

    /// Creates an app client of an existing pool under `client_id`, with
    /// the request's `ClientSecret` if it gives one, unless the pool has a
    /// client with that id (left as it is). A client id another pool's
    /// client has is refused.
    pub async fn seed_user_pool_client(
        &self,
        _admin: &Admin,
        client_id: &str,
        request: CreateUserPoolClientRequest,
        now: Millis,
    ) -> Result<Seeded> {
        let pool_id = request.user_pool_id.clone();
        let mut new = self.new_client(&request, now).await?;
        if self
            .insert_new_client(&mut new, client_id, now)
            .await?
            .is_some()
        {
            self.app_clients.forget(client_id);
            return Ok(Seeded::Created);
        }
        match self.store.get_client(&pool_id, client_id).await? {
            Some(_) => Ok(Seeded::Existed),
            None => {
                // The pool was just read, so it is the id that clashed.
                self.load_pool(&pool_id).await?;
                Err(Error::invalid_parameter(format!(
                    "The client id {client_id} belongs to another user pool's client."
                )))
            }
        }
    }

    /// CreateResourceServer, or nothing when the pool has a resource server
    /// with that identifier. Declared before the clients whose scopes name it.
    pub async fn seed_resource_server(
        &self,
        admin: &Admin,
        request: CreateResourceServerRequest,
        now: Millis,
    ) -> Result<Seeded> {
        let existing = self
            .store
            .get_resource_server(&request.user_pool_id, &request.identifier)
            .await?;
        if existing.is_some() {
            return Ok(Seeded::Existed);
        }
        self.create_resource_server(admin, request, now).await?;
        Ok(Seeded::Created)
    }

    /// CreateUserPoolDomain, or nothing when the pool holds that domain
    /// (another pool's is refused, as the API refuses it).
    pub async fn seed_domain(
        &self,
        admin: &Admin,
        request: CreateUserPoolDomainRequest,
        now: Millis,
    ) -> Result<Seeded> {
        if let Some(d) = self.store.get_domain(&request.domain).await?
            && d.pool_id == request.user_pool_id
        {
            return Ok(Seeded::Existed);
        }
        self.create_user_pool_domain(admin, request, now).await?;
        Ok(Seeded::Created)
    }

    /// CreateGroup, or nothing when the pool has a group of that name.
    pub async fn seed_group(
        &self,
        admin: &Admin,
        request: CreateGroupRequest,
        now: Millis,
    ) -> Result<Seeded> {
        match self.create_group(admin, request, now).await {
            Ok(_) => Ok(Seeded::Created),
            Err(e) if e.code == ErrorCode::GroupExistsException => Ok(Seeded::Existed),
            Err(e) => Err(e),
        }
    }
}

/// A refused key, saying which one.
fn in_key(which: &str, e: Error) -> Error {
    Error::invalid_parameter(format!("signing_keys.{which}: {}", e.message))
}

#[cfg(test)]
mod tests;
