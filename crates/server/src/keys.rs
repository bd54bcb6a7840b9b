//! Administrator access keys for SigV4 in `serve`: configured ones, and the one
//! kognit creates and prints once on first start (as database servers do for a
//! root password). Stored secrets are sealed under the master key.

use kognit_core::store::AccessKeyRecord;
use kognit_core::{Service, ids};

use crate::config::Config;
use crate::startup::StartError;

/// A key created at start-up, to be shown to the operator once.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// The access key id.
    pub id: String,
    /// The secret access key.
    pub secret: String,
}

fn aad(id: &str) -> Vec<u8> {
    format!("access-key\0{id}").into_bytes()
}

/// Creates the first admin key when none is configured or stored.
pub async fn bootstrap(service: &Service, cfg: &Config) -> Result<Option<NewKey>, StartError> {
    if !cfg.access_keys.is_empty() {
        return Ok(None);
    }
    let store_err =
        |e: kognit_core::store::StoreError| StartError(format!("cannot read access keys: {e}"));
    if service
        .store()
        .count_access_keys()
        .await
        .map_err(store_err)?
        > 0
    {
        return Ok(None);
    }
    let key = NewKey {
        id: ids::access_key_id(),
        secret: ids::secret_access_key(),
    };
    let rec = AccessKeyRecord {
        sealed_secret: service
            .secret_box()
            .seal(key.secret.as_bytes(), &aad(&key.id)),
        id: key.id.clone(),
        created_ms: crate::ops::now_ms(),
    };
    match service.store().insert_access_key(&rec).await {
        Ok(()) => Ok(Some(key)),
        // Another node created the first key at the same moment: use that one.
        Err(kognit_core::store::StoreError::Conflict(_)) => Ok(None),
        Err(e) => Err(store_err(e)),
    }
}

/// The secret of an access key: configured keys first, then the store.
pub async fn secret_for(
    service: &Service,
    cfg_keys: &[crate::config::AccessKey],
    id: &str,
) -> Result<Option<String>, kognit_core::Error> {
    if let Some(k) = cfg_keys.iter().find(|k| k.id == id) {
        return Ok(Some(k.secret.clone()));
    }
    let Some(rec) = service.store().get_access_key(id).await? else {
        return Ok(None);
    };
    let plain = service
        .secret_box()
        .open(&rec.sealed_secret, &aad(id))
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            kognit_core::Error::internal("an access key did not open under the master key")
        })?;
    Ok(Some(plain))
}
